"""The benchmark run times the machine's pace around each script, so a figure timed in a slow
stretch of a shared machine can be told from one the code made."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _machine_pace():
    spec = importlib.util.spec_from_file_location("machine_pace",
                                                  ROOT / "benchmarks" / "machine_pace.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["machine_pace"] = module
    spec.loader.exec_module(module)
    return module


def test_the_pace_is_the_time_of_the_fixed_work_which_always_gives_the_same_answer() -> None:
    pace = _machine_pace()
    assert pace.fixed_work() == pace.fixed_work() == sum(i * i % 7 for i in range(pace.WORK_STEPS))
    assert pace.pace_ms(times=1) > 0


def test_the_pace_reads_as_its_median_range_and_count() -> None:
    describe = _machine_pace().describe
    assert describe([15.0, 13.0, 22.0]) == "15.0 ms (13.0–22.0, 3 timings)"
    assert describe([]) == "not timed"
