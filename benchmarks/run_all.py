"""Run every benchmark and write benchmarks/RESULTS.md: the machine, then each figure beside
its target.

Each script runs in its own process (offscreen) and ends its output with `RESULT {json}`;
this collects those figures, keeps each script's own table in the file below the summary, and
marks every target met or missed. `--quick` runs smaller sizes (a smoke run: its figures are
not the ones the targets are about) and writes `out/benchmarks-quick.md` (untracked) instead,
so a smoke run never replaces the figures of record. Each script's own time is printed as it
finishes, and the whole run's at the end.

    .venv/bin/python benchmarks/run_all.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUICK_OUT = ROOT / "out" / "benchmarks-quick.md"


@dataclass(frozen=True)
class Figure:
    """One row of the table: `key` from a script's RESULT; met when the value is ≤ `limit`
    (None: shown for information)."""

    label: str
    key: str
    unit: str
    limit: float | None = None


SCRIPTS: list[tuple[str, list[str], list[str], list[Figure]]] = [
    # (script, full arguments, quick arguments, figures)
    ("startup.py", [], ["--runs", "3"], [
        Figure("Start-up to first plot paint, median of 10 (app, database in use)",
               "startup_app_ms", "ms"),
        Figure("Start-up floor: PySide6 + pyqtgraph, 2 points", "startup_floor_ms", "ms"),
        Figure("Start-up ratio app / floor", "startup_ratio", "×", 1.6),
        Figure("Start-up ratio, first start on a new database / floor", "startup_first_ratio",
               "×"),
        Figure("Start-up ratio app / floor with the collector paused as in Attune",
               "startup_paused_ratio", "×"),
        Figure("Peak memory (RSS) after start", "startup_rss_mb", "MB", 160),
    ]),
    ("live_on_x.py", [], ["--sizes", "0", "1000", "--taps", "40", "--idle", "10"], [
        Figure("Idle CPU, session live and nothing tapped, worst of 0 … 100,000 events "
               "(Xvfb, % of a core)", "max_idle_cpu_pct", "%", 1),
        Figure("CPU per tap (process time, ticks between taps included), worst size, "
               "÷ bare floor window's at 0 events", "max_ratio_cpu_per_tap", "×", 2),
        Figure("Key (XTest) → committed → window repainted (X Damage), p99, worst size, "
               "÷ bare floor window's at 0 events", "max_ratio_repainted_p99", "×", 1.3),
        Figure("Bare floor window: CPU per tap", "floor_cpu_per_tap_ms", "ms"),
        Figure("Bare floor window: key → committed → repainted, p99", "floor_repainted_p99_ms",
               "ms"),
        Figure("Attune at 0 events: CPU per tap", "attune_0_cpu_per_tap_ms", "ms"),
        Figure("Attune at 0 events: key → committed → repainted, p99",
               "attune_0_repainted_p99_ms", "ms"),
        Figure("Attune at 100,000 events: key → committed → repainted, p99",
               "attune_100000_repainted_p99_ms", "ms"),
        Figure("For information: CPU per tap, worst size, ÷ lean floor window's (fixed range)",
               "max_lean_ratio_cpu_per_tap", "×"),
        Figure("For information: key → repainted p99, worst size, ÷ lean floor window's",
               "max_lean_ratio_repainted_p99", "×"),
    ]),
    ("tap_latency.py", [], ["--taps", "300"], [
        Figure("Click in process (offscreen, no tick meets a tap) → committed → painted, p50, "
               "session of 100", "tap_p50_ms_first100", "ms"),
        Figure("Click in process (offscreen, no tick meets a tap) → committed → painted, p99, "
               "session of 100", "tap_p99_ms_first100", "ms"),
        Figure("Click in process (offscreen, no tick meets a tap) → committed → painted, p50, "
               "session of 10,000", "tap_p50_ms_last100", "ms"),
        Figure("Click in process (offscreen, no tick meets a tap) → committed → painted, p99, "
               "session of 10,000", "tap_p99_ms_last100", "ms", 16),
    ]),
    ("tap_stress.py", [], ["--taps", "500"], [
        Figure("Stress, 50 taps/s for a minute: behind schedule at the end", "stress_behind_s",
               "s", 2),
        Figure("Stress: latest a tap was handled after it was due", "stress_late_max_ms", "ms",
               150),
        Figure("Stress: slowest tap (click or key → shown)", "stress_tap_max_ms", "ms", 100),
        Figure("Stress: plot paints per second", "stress_paints_per_s", "/s"),
    ]),
    ("plot_scaling.py", [], [], [
        Figure("Plot update per tap, 100,000 / 100 events (medians)", "plot_tap_ratio", "×", 2),
        Figure("Plot tick, 100,000 / 100 events (medians)", "plot_tick_ratio", "×", 2),
    ]),
    ("session_memory.py", [], ["--taps", "1000"], [
        Figure("Summary of a 3-hour, 10,000-event session (read, fold, summarise, format)",
               "summary_db_ms", "ms", 50),
        Figure("Memory (RSS) after a simulated 3-hour session", "session_rss_mb", "MB", 200),
    ]),
    ("history_scale.py", [], [], [
        Figure("History list + trends, 1,000 sessions / 200,000 events (first after start)",
               "history_trends_first_ms", "ms", 300),
        Figure("History list cold rebuild after an upgrade (informational)", "history_cold_ms",
               "ms"),
    ]),
    ("playback_frames.py", [], [], [
        Figure("Playback at 16×, per-frame update p99", "playback_frame_p99_ms", "ms", 8),
    ]),
    ("research_views.py", [], ["--quick"], [
        Figure("Research view session_summary, 900 sessions × 60 events (informational)",
               "views_summary_year_ms", "ms"),
        Figure("Research view session_summary, 1,000 sessions × 200 events (informational)",
               "views_summary_large_ms", "ms"),
    ]),
]


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kib / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass

    def package(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("RAM", ram),
        ("OS", f"{platform.system()} {platform.release()} ({platform.platform()})"),
        ("Python", platform.python_version()),
        ("PySide6", package("PySide6-Essentials") if package("PySide6") == "not installed"
         else package("PySide6")),
        ("pyqtgraph", package("pyqtgraph")),
        ("numpy", package("numpy")),
        ("SQLite", sqlite3.sqlite_version),
        ("Qt platform", "offscreen"),
        ("Date", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
    ]


def run(script: str, args: list[str]) -> tuple[dict[str, float], str, float]:
    """Run one script; returns its RESULT figures, its output (without that line) and the
    seconds it took."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    began = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    took = time.perf_counter() - began
    lines = done.stdout.splitlines()
    found = [line for line in lines if line.startswith("RESULT ")]
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        return {}, f"failed (exit {done.returncode}):\n\n```\n{tail}\n```", took
    if not found:
        return {}, done.stdout.strip() + "\n\n(no `RESULT {json}` line: figures not collected)", took
    text = "\n".join(line for line in lines if not line.startswith("RESULT "))
    return json.loads(found[-1][len("RESULT "):]), text.strip(), took


def number(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, for a smoke run (not the figures of record)")
    parser.add_argument("--out", type=Path, default=None,
                        help="the file to write (default: benchmarks/RESULTS.md; with --quick "
                        f"{QUICK_OUT.relative_to(ROOT)})")
    args = parser.parse_args()
    out = args.out or (QUICK_OUT if args.quick else HERE / "RESULTS.md")
    started = time.monotonic()

    rows, sections = [], []
    for script, full, quick, figures in SCRIPTS:
        if not (HERE / script).exists():
            rows += [(f.label, f.limit, f.unit, None, "not run (script missing)") for f in figures]
            continue
        print(f"running {script} …", flush=True)
        results, text, took = run(script, quick if args.quick else full)
        print(f"  {script}: {took:.0f} s", flush=True)
        sections.append(f"### {script} ({took:.0f} s)\n\n{text}\n")
        for f in figures:
            rows.append((f.label, f.limit, f.unit, results.get(f.key), None))

    lines = ["# Benchmark results", ""]
    if args.quick:
        lines += ["**Quick run (smaller sizes): not the figures of record.**", ""]
    lines += ["Written by `.venv/bin/python benchmarks/run_all.py`.", "",
              "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    lines += ["", "| figure | target | measured | met? |", "|---|---:|---:|:---:|"]
    for label, limit, unit, value, problem in rows:
        target = f"≤ {number(limit, unit)}" if limit is not None else "–"
        if value is None:
            lines.append(f"| {label} | {target} | {problem or 'not collected'} | ✗ |")
            continue
        met = "–" if limit is None else ("yes" if value <= limit else "**no**")
        lines.append(f"| {label} | {target} | {number(value, unit)} | {met} |")
    lines += ["", "## Each script's own output", ""] + sections
    text = "\n".join(lines) + "\n"
    sys.path.insert(0, str(ROOT))
    from attune_companion.paths import atomic_write

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, text.encode("utf-8"), mode=0o644)
    print(text)
    print(f"Wrote {out} (the whole run took {time.monotonic() - started:.0f} s).")


if __name__ == "__main__":
    main()
