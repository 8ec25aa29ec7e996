"""A 3-hour session through the window: memory after it, and the time its summary takes.

Records 10,000 taps by clicking the pad of a shown window (offscreen, 1280x800, a real
database file), the session clock (a FakeClock) moving ~1 s per tap and the window's tick
running after each, so the plot scrolls as it would live: 10,000 s, about 2 h 47 min. Then
prints the process's memory (resident now, and the peak), and the summary's time, median of
20: from the database, as the review or `attune-cli summary` does (read the log, fold,
summarise, format), and from the folded state alone, as the window does at the end. Targets:
memory ≤ 200 MB, summary ≤ 50 ms. The last line, `RESULT {json}`, is for
benchmarks/run_all.py.

    .venv/bin/python benchmarks/session_memory.py [--taps 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from attune_companion.clock import FakeClock  # noqa: E402
from attune_companion.collector import collector_paused  # noqa: E402
from attune_companion.fold import fold  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402
from attune_companion.summary import summarise  # noqa: E402
from attune_companion.summary_text import format_text  # noqa: E402
from qt_timing import rss_mb  # noqa: E402
from tap_latency import tap_plan  # noqa: E402
from timed import median_ms  # noqa: E402
from attune_companion_ui.shell.main_window import MainWindow  # noqa: E402
from attune_companion_ui.shell.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=10_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    scheme = default_scheme()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(folder / "attune.db")
        clock = FakeClock()
        settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(store, scheme, clock=clock, settings=settings)
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        window.controller.start("MEM-1", None, None)
        app.processEvents()
        rss_start = rss_mb()
        buttons = window.live_page.pad.buttons
        began = time.perf_counter()
        for i, name in enumerate(tap_plan(args.taps)):
            clock.advance(0.6 + 0.8 * ((i * 7919) % 100) / 100)  # 0.6–1.4 s, about 1 s apart
            buttons[name].click()
            window._tick()
            app.processEvents()
        took = time.perf_counter() - began
        session_id = window.controller.recorder.session.id
        state = window.controller.recorder.state
        recorded = len(store.events(session_id))
        if recorded != args.taps:
            raise SystemExit(f"only {recorded} of {args.taps} taps were recorded")
        rss_after = rss_mb()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        def from_database() -> str:  # as `attune-cli summary` does it
            with collector_paused():
                summary = summarise(fold(store.events(session_id)), scheme)
            return format_text(summary, scheme)

        summary_db_ms = median_ms(from_database, 20)
        summary_state_ms = median_ms(lambda: format_text(summarise(state, scheme), scheme), 20)
        window.close()
        store.close()

    hours = state.last_ms / 3_600_000
    print(f"{args.taps:,} taps through the live window over {hours:.2f} h of session time "
          f"({took:.0f} s of wall time), offscreen 1280x800\n")
    print("| measure | value | target |\n|---|---:|---:|")
    print(f"| resident memory after the session opened | {rss_start:.0f} MB | |")
    print(f"| resident memory after {args.taps:,} taps | {rss_after:.0f} MB | ≤ 200 MB |")
    print(f"| peak resident memory | {peak:.0f} MB | |")
    print(f"| summary from the database (read, fold, summarise, format), median of 20 "
          f"| {summary_db_ms:.1f} ms | ≤ 50 ms |")
    print(f"| summary from the folded state (the window at the end), median of 20 "
          f"| {summary_state_ms:.1f} ms | |")
    print("RESULT " + json.dumps({
        "session_rss_mb": round(rss_after, 1), "session_peak_rss_mb": round(peak, 1),
        "session_hours": round(hours, 2), "summary_db_ms": round(summary_db_ms, 2),
        "summary_state_ms": round(summary_state_ms, 2), "taps": args.taps,
    }))


if __name__ == "__main__":
    main()
