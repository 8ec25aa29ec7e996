"""Pausing the garbage collector while a session is read and folded.

Reading a long session makes hundreds of thousands of small objects (events, intervals,
episodes, summary rows) that cannot form cycles. Each few hundred of them set off a
collection, and every so often one that scans the app's whole heap: in a running window that
was a third of a 100,000-event review open, for nothing to collect.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the collector paused (as it was before, after it): only for work
    that makes objects without reference cycles, so nothing waits for a sweep."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
