"""Pausing the garbage collector while a session is read and folded; giving memory back once
a session's pages have let it go.

Reading a long session makes hundreds of thousands of small objects (events, intervals,
episodes, summary rows) that cannot form cycles. Each few hundred of them set off a
collection, and every so often one that scans the app's whole heap: in a running window that
was a third of a 100,000-event review open, for nothing to collect.
"""

from __future__ import annotations

import ctypes
import gc
import sys
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


def give_memory_back() -> None:
    """Sweep what a page let go of, and hand the freed memory back to the system.

    A long session's review or playback frees tens of MB when it is left, but glibc keeps
    freed heap for reuse: each reopen of a 100,000-event session left the process about 1 MB
    larger, for six reopens, beside the clinician's video call. `malloc_trim` returns it
    (glibc only; elsewhere the allocator's own rules apply and this only sweeps).
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to trim
            pass
