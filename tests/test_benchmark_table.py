"""The README's benchmark table is written by the full run, and only between its markers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "benchmarks" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_all"] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_the_full_run_replaces_only_the_table_between_the_markers() -> None:
    run_all = _run_all()
    readme = (f"# Attune\nbefore\n{run_all.README_START}\nold figures\n{run_all.README_END}\n"
              "after\n")
    written = run_all.with_table(readme, ["| figure | 1 ms |"], "a machine, 9 minutes")
    assert written.startswith("# Attune\nbefore\n")
    assert written.endswith(f"{run_all.README_END}\nafter\n")
    assert "old figures" not in written
    assert "| figure | 1 ms |" in written and "a machine, 9 minutes" in written


def test_a_readme_without_markers_is_refused_not_rewritten() -> None:
    with pytest.raises(SystemExit, match="markers"):
        _run_all().with_table("# Attune\nno table here\n", ["| x |"], "run")


def test_the_repository_readme_has_the_markers() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    run_all = _run_all()
    assert text.index(run_all.README_START) < text.index(run_all.README_END)
