"""Run every benchmark and write benchmarks/RESULTS.md: the machine, then each figure beside
its target.

Each script runs in its own process (offscreen) and ends its output with `RESULT {json}`;
this collects those figures, keeps each script's own table in the file below the summary, and
marks every target met or missed. `--quick` runs smaller sizes (a smoke run: its figures are
not the ones the targets are about) and writes `out/benchmarks-quick.md` (untracked) instead,
so a smoke run never replaces the figures of record. Each script's own time is printed as it
finishes, and the whole run's at the end, with the pace the machine kept around each script
(`machine_pace.py`): a figure from a slow stretch can be told from one the code made.

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
sys.path.insert(0, str(HERE))

from machine_pace import describe, pace_ms  # noqa: E402
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
               "÷ bare floor window's (0 events) tapped in turns with it",
               "max_ratio_cpu_per_tap", "×", 2),
        Figure("Key (XTest) → committed → window repainted (X Damage), p99, worst size, "
               "÷ bare floor window's (0 events) tapped in turns with it",
               "max_ratio_repainted_p99", "×", 1.3),
        Figure("Bare floor window: CPU per tap (median of its runs beside each size)",
               "floor_cpu_per_tap_ms", "ms"),
        Figure("Bare floor window: key → committed → repainted, p99 (median of its runs)",
               "floor_repainted_p99_ms", "ms"),
        Figure("Attune at 0 events: CPU per tap", "attune_0_cpu_per_tap_ms", "ms"),
        Figure("Attune at 0 events: key → committed → repainted, p99",
               "attune_0_repainted_p99_ms", "ms"),
        Figure("Attune at 100,000 events: key → committed → repainted, p99 "
               "(quick run: not run)", "attune_100000_repainted_p99_ms", "ms"),
        Figure("Bare floor window in turns with it: key → committed → repainted, p99 "
               "(quick run: not run)", "floor_100000_repainted_p99_ms", "ms"),
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
        Figure("Summary of a session recorded through the window (read, fold, summarise, "
               "format): 10,000 taps over 2 h 47 min; quick run: 1,000 taps",
               "summary_db_ms", "ms", 50),
        Figure("Memory (RSS) after recording that session through the window (10,000 taps; "
               "quick run: 1,000)", "session_rss_mb", "MB", 200),
    ]),
    ("history_scale.py", [], [], [
        Figure("Core calls history() + trends(), 1,000 sessions / 200,000 events, first after "
               "start (no page)", "history_trends_first_ms", "ms", 300),
        Figure("Core call history() folding every session, all digests missing, 1,000 "
               "sessions (informational; the window does this behind the list)",
               "history_cold_ms", "ms"),
    ]),
    ("practice_years.py", [], ["--sessions", "500", "--runs", "3"], [
        Figure("Store open (Store.open of the file), 5,000 sessions", "store_open_ms", "ms", 50),
        Figure("History page open, 5,000 sessions (request → table painted)",
               "history_open_ms", "ms", 200),
        Figure("History page open, 5,000 sessions: GUI thread CPU time (informational)",
               "history_open_cpu_ms", "ms"),
        Figure("Backup after a session's end, 5,000 sessions: longest the window could not "
               "run a 5 ms timer while it was made and checked", "backup_gap_ms", "ms", 50),
        Figure("History rebuild after an upgrade, 5,000 sessions: page open with every figure "
               "still to come (request → table painted)", "rebuild_page_ms", "ms", 200),
        Figure("History rebuild after an upgrade, 5,000 sessions: longest the window could not "
               "run a 5 ms timer while the figures were worked out behind it",
               "rebuild_gap_ms", "ms"),
        Figure("History rebuild after an upgrade, 5,000 sessions: all figures worked out and "
               "saved, in the background (informational)", "rebuild_s", "s"),
        Figure("Trends of the busiest client, 5,000 sessions (request → page painted; "
               "informational)", "trends_open_ms", "ms"),
    ]),
    ("playback_frames.py", [], [], [
        Figure("Playback at 16×, 10,000 events: a frame updated and painted, p99",
               "playback_frame_painted_p99_ms", "ms", 8),
        Figure("Playback at 16×, 10,000 events: a frame's update alone, no paint, p99 "
               "(informational)", "playback_frame_p99_ms", "ms"),
    ]),
    ("session_pages.py", [], ["--sizes", "100,1000,10000", "--cycles", "3"], [
        Figure("Review open (request → plot painted), 10,000 events, median of 10 "
               "(quick run: 3)", "review_open_10000_s", "s", 0.2),
        Figure("Review open, 100,000 events, median of 10 (quick run: not run)",
               "review_open_100000_s", "s", 1.5),
        Figure("Playback open (request → plot painted), 10,000 events, median of 10 "
               "(quick run: 3)", "playback_open_10000_s", "s", 0.2),
        Figure("Playback open, 100,000 events, median of 10 (quick run: not run)",
               "playback_open_100000_s", "s", 1.5),
        Figure("RSS with a 100,000-event session's review, then playback, open: the most over "
               "10 cycles, a fresh process (quick run: not run)", "rss_open_100000_mb", "MB",
               300),
        *(Figure(f"RSS growth over 10 review + playback cycles (mean of the last 3 − mean "
                 f"of the 2nd to 4th; quick run: 3 cycles), "
                 f"{n:,} events{' (quick run: not run)' if n == 100_000 else ''}",
                 f"rss_growth_{n}_mb", "MB", 2) for n in (100, 1_000, 10_000, 100_000)),
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
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
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
    load_before = load_average()

    rows, sections, paces = [], [], []
    for script, full, quick, figures in SCRIPTS:
        if not (HERE / script).exists():
            rows += [(f.label, f.limit, f.unit, None, "not run (script missing)") for f in figures]
            continue
        print(f"running {script} …", flush=True)
        before = pace_ms()
        results, text, took = run(script, quick if args.quick else full)
        after = pace_ms()
        paces += [before, after]
        pace = f"machine pace {before:.1f} ms before it, {after:.1f} ms after"
        print(f"  {script}: {took:.0f} s; {pace}", flush=True)
        sections.append(f"### {script} ({took:.0f} s; {pace})\n\n{text}\n")
        for f in figures:
            rows.append((f.label, f.limit, f.unit, results.get(f.key), None))

    lines = ["# Benchmark results", ""]
    if args.quick:
        lines += ["**Quick run (smaller sizes): not the figures of record.**", ""]
    took = time.monotonic() - started
    lines += [f"Written by `.venv/bin/python benchmarks/run_all.py{' --quick' if args.quick else ''}`"
              f" in {took / 60:.1f} minutes; load average {load_before} before the run and"
              f" {load_average()} after it.", "",
              f"Machine pace over the run: {describe(paces)}. That is how long one fixed piece"
              " of pure Python took, timed just before and just after each script"
              " (`machine_pace.py`); lower is faster. Each script's heading gives its own.", "",
              "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    table = ["| figure | target | measured | met? |", "|---|---:|---:|:---:|"]
    for label, limit, unit, value, problem in rows:
        target = f"≤ {number(limit, unit)}" if limit is not None else "–"
        if value is None:
            table.append(f"| {label} | {target} | {problem or 'not collected'} | ✗ |")
            continue
        met = "–" if limit is None else ("yes" if value <= limit else "**no**")
        table.append(f"| {label} | {target} | {number(value, unit)} | {met} |")
    lines += ["", *table, "", "## Each script's own output", ""] + sections
    text = "\n".join(lines) + "\n"
    sys.path.insert(0, str(ROOT))
    from attune_companion.paths import atomic_write

    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, text.encode("utf-8"), mode=0o644)
    print(text)
    print(f"Wrote {out} (the whole run took {took:.0f} s).")
    if not args.quick and args.out is None:
        readme = ROOT / "README.md"
        atomic_write(readme, with_table(readme.read_text(encoding="utf-8"), table,
                                        f"{machine_line()}, {took / 60:.0f} minutes").encode(),
                     mode=0o644)
        print(f"Updated the table in {readme}.")


README_START = "<!-- benchmarks: written by benchmarks/run_all.py -->"
README_END = "<!-- /benchmarks -->"


def with_table(readme: str, table: list[str], run: str) -> str:
    """The README with the figures between its benchmark markers replaced by this run's."""
    head, found, rest = readme.partition(README_START)
    if not found or README_END not in rest:
        raise SystemExit(f"README.md has no {README_START} … {README_END} markers")
    tail = rest.split(README_END, 1)[1]
    block = [README_START, "", f"Latest full run ({run}):", "", *table, "", README_END]
    return head + "\n".join(block) + tail


def machine_line() -> str:
    """The machine in one line, for the README."""
    facts = dict(machine())
    return (f"{facts['CPU']}, Python {facts['Python']}, PySide6 {facts['PySide6']}, "
            f"pyqtgraph {facts['pyqtgraph']}, SQLite {facts['SQLite']}, {facts['Date']}")


def load_average() -> str:
    """The 1-minute load average, as a figure beside the times (other work slows them)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
