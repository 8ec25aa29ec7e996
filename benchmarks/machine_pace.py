"""How fast the machine runs right now: one fixed piece of pure Python, timed.

A shared machine's speed changes from minute to minute (here the same piece took 13 to 22 ms
within 40 s), and a figure timed in a slow stretch can miss a target the code meets in a fast
one. `run_all.py` times this pace just before and just after each script, never while it
runs (a burst of work beside a script would be in its figures), so every script's figures can
be read against the pace the machine kept around them.
"""

from __future__ import annotations

import statistics

from timed import median_ms

WORK_STEPS = 200_000
"""The fixed piece: this many additions and remainders (about 15 ms here)."""


def fixed_work() -> int:
    total = 0
    for i in range(WORK_STEPS):
        total += i * i % 7
    return total


def pace_ms(times: int = 3) -> float:
    """The median of `times` timings of `fixed_work`, in ms (lower: the machine is faster)."""
    return median_ms(fixed_work, times)


def describe(paces: list[float]) -> str:
    """'15.2 ms (13.1–21.9, 24 timings)': the median, its range and how many."""
    if not paces:
        return "not timed"
    return (f"{statistics.median(paces):.1f} ms ({min(paces):.1f}–{max(paces):.1f}, "
            f"{len(paces)} timings)")
