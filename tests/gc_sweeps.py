"""Counting the garbage collections a block of code sets off (for tests of work done with the
collector paused)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collections_started() -> Iterator[list[int]]:
    """After a full collection, the generation of each collection started in the block."""
    started: list[int] = []

    def counted(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.collect()
    gc.callbacks.append(counted)
    try:
        yield started
    finally:
        gc.callbacks.remove(counted)
