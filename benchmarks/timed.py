"""The median time of a piece of work, for scripts that time one call many times (Qt-free, so
the run's own process can use it too)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of `action`, run `repeat` times back to back, in ms."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)
