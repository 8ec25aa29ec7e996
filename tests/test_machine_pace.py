"""The benchmark run times the machine's pace around each script, so a figure timed in a slow
stretch of a shared machine can be told from one the code made."""

from __future__ import annotations

import importlib
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _machine_pace(monkeypatch):
    """The module as run_all imports it: from the benchmarks folder, beside its helpers."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module("machine_pace")


def test_the_pace_is_the_time_of_the_fixed_work_which_always_gives_the_same_answer(
        monkeypatch) -> None:
    pace = _machine_pace(monkeypatch)
    assert pace.fixed_work() == pace.fixed_work() == sum(i * i % 7 for i in range(pace.WORK_STEPS))
    assert pace.pace_ms(times=1) > 0


def test_the_pace_reads_as_its_median_range_and_count(monkeypatch) -> None:
    describe = _machine_pace(monkeypatch).describe
    assert describe([15.0, 13.0, 22.0]) == "15.0 ms (13.0–22.0, 3 timings)"
    assert describe([]) == "not timed"
