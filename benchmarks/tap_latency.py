"""Tap latency in process: a pad button's click → committed → shown → painted, offscreen.

What this measures, and what it leaves out: taps are a pad button's `click()` inside the
process (no key, no X server, no window system), on a window shown offscreen, with a real
database file (WAL, synchronous=FULL). Session time is a FakeClock moved 3 s per tap, and the
window's tick runs before each tap, untimed: so a tick never meets a tap here, and the paint
is the offscreen one. For what a clinician meets (a key through X, ticks landing on taps,
beside a floor window) see benchmarks/live_on_x.py. Prints p50/p99 for the first 100 taps,
the last 100 and all, as a Markdown table, then `RESULT {json}` (painted p50/p99 of the
first and last 100) for benchmarks/run_all.py.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/tap_latency.py [--taps 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from attune_companion.clock import FakeClock
from attune_companion.events import Event
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.shell.main_window import MainWindow
from attune_companion_ui.shell.settings import Settings


def tap_plan(n: int) -> list[str]:
    """A plausible, always-valid run of taps: client and self states, notes, and a rupture
    with an attempt and a repair every 20 taps."""
    ladder = ("ventral", "sympathetic", "dorsal")
    plan = []
    for i in range(n):
        step = i % 20
        if step == 5:
            plan.append("rupture")
        elif step == 9:
            plan.append("repair_attempt")
        elif step == 13:
            plan.append("repair")
        elif step == 17:
            plan.append("note:glimmer")
        elif i % 3 == 2:
            plan.append(f"self:{ladder[(i // 3) % 3]}")
        else:
            plan.append(f"client:{ladder[i % 3]}")
    return plan


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(n: int, folder: Path) -> dict[str, list[float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    store = Store.open(folder / "bench.db")
    clock = FakeClock()
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store, default_scheme(), clock=clock, settings=settings)
    window.resize(1280, 800)
    window.show()
    app.processEvents()

    committed_at: list[float] = []
    append = store.append

    def timed_append(*args: object, **kwargs: object) -> Event:
        event = append(*args, **kwargs)
        committed_at.append(time.perf_counter())
        return event

    store.append = timed_append  # type: ignore[method-assign]
    window.controller.start("BENCH-1", None, None)
    app.processEvents()
    buttons = window.live_page.pad.buttons
    out: dict[str, list[float]] = {"committed": [], "shown": [], "painted": []}
    for name in tap_plan(n):
        clock.advance(3)
        window._tick()
        app.processEvents()
        committed_at.clear()
        start = time.perf_counter()
        buttons[name].click()
        shown = time.perf_counter()
        app.processEvents()
        painted = time.perf_counter()
        if len(committed_at) != 1:
            raise SystemExit(f"tap {name} was not recorded: {window.live_page.status.text()}")
        out["committed"].append((committed_at[0] - start) * 1000)
        out["shown"].append((shown - start) * 1000)
        out["painted"].append((painted - start) * 1000)
    window.close()
    store.close()
    return out


def table(ms: dict[str, list[float]]) -> str:
    n = len(ms["committed"])
    spans = [("first 100 taps", slice(0, min(100, n)))]
    if n > 100:
        spans += [(f"taps {n - 99:,}–{n:,}", slice(n - 100, n)), (f"all {n:,} taps", slice(0, n))]
    rows = ["| taps | committed p50 | committed p99 | shown p50 | shown p99 | painted p50 "
            "| painted p99 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for label, part in spans:
        cells = []
        for key in ("committed", "shown", "painted"):
            values = ms[key][part]
            cells += [f"{statistics.median(values):.2f} ms", f"{percentile(values, 99):.2f} ms"]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        ms = run(args.taps, Path(folder))
        took = time.perf_counter() - began
    print(f"{args.taps:,} clicks on the pad in process (offscreen, 1280x800; the tick run "
          f"untimed before each, so never meeting a tap), {took:.1f} s in all.\n"
          "committed: click → the event's SQLite commit returned; shown: → pad, timer, plot "
          "and status updated; painted: → after processEvents (offscreen repaint).\n")
    print(table(ms))
    last = slice(max(0, args.taps - 100), args.taps)
    print("RESULT " + json.dumps({
        "tap_p50_ms_first100": round(percentile(ms["painted"][:100], 50), 3),
        "tap_p99_ms_first100": round(percentile(ms["painted"][:100], 99), 3),
        "tap_p50_ms_last100": round(percentile(ms["painted"][last], 50), 3),
        "tap_p99_ms_last100": round(percentile(ms["painted"][last], 99), 3),
        "taps": args.taps,
    }))


if __name__ == "__main__":
    main()
