"""Five years of practice: the database open, the history, trends, the backup and the rebuild
at 5,000 sessions, through Attune's window.

Generates a database of 5,000 ended sessions of 40 clients (scale_fixture.practice: a
realistic mix of lengths, about 150 events on average, some corrected), then, in Attune's
window (offscreen, 1280x800) inside its event loop:
- store open: `Store.open` of the file (median of `--runs`), as at every start;
- the cold rebuild after an upgrade (every cached figure gone): the history page opened and
  painted, the longest the window could not run a 5 ms heartbeat timer while the figures
  were worked out behind it, and how long that took;
- history page open (request → table painted; figures cached, as after the rebuild);
- trends of the client with most sessions (request → page painted);
- a session's end: a session of 30 taps recorded through the window and ended: the end's
  own handling (commit, figures, checkpoint, review built and painted) and how long its
  backup took beside the window;
- the backup's cost to the window: a backup handed to its thread as at a session's end,
  with the window idle, and the longest heartbeat gap until it was made and checked.
Times are wall clock, medians of `--runs` with their range; the load average is printed
beside them (other work on the machine slows the wall clock). Targets (issue 14): store open
≤ 0.05 s; history ≤ 0.2 s; the backup never blocks the window > 50 ms; the rebuild in the
background with progress, the window usable at once. The last line, `RESULT {json}`, is for
benchmarks/run_all.py.

    .venv/bin/python benchmarks/practice_years.py [--sessions 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import qt_timing as qt  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from scale_fixture import practice  # noqa: E402

from attune_companion import backup  # noqa: E402
from attune_companion.clock import FakeClock  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402
from attune_companion_ui.shell.main_window import MainWindow  # noqa: E402


def store_opens(path: Path, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        began = time.perf_counter()
        store = Store.open(path)
        took.append(time.perf_counter() - began)
        store.close()
    return took


def idle_until(done: Callable[[], bool], limit_s: float = 600.0) -> None:
    """Let the window's event loop wait, idle as in use, until `done()` (asked every 20 ms)
    or for `limit_s`. The steps of qt_timing.run_in_event_loop keep the loop spinning,
    which is right for timing a page but would hold the interpreter against a thread
    working beside the window."""
    loop = QEventLoop()
    ask = QTimer()
    ask.setInterval(20)
    ask.timeout.connect(lambda: loop.quit() if done() else None)
    ask.start()
    QTimer.singleShot(int(limit_s * 1000), loop.quit)
    if not done():
        loop.exec()
    ask.stop()


def rebuild(window: MainWindow, out: dict[str, Any]) -> Generator[None, None, None]:
    """Every cached figure gone (as after an upgrade): open the history, and keep the
    heartbeat going until the figures are all worked out."""
    painted: list[tuple[float, float]] = []
    began = time.perf_counter()
    yield from qt.until_painted(window.start_page.history_button.click,
                                lambda: window.supervision.history.table.viewport(), painted)
    page = window.supervision.history
    out["rebuild_pending_at_open"] = sum(r.pending for r in page.model.rows)
    heart = qt.Heartbeat()
    heart.start()
    if page.rebuild is not None:
        page.rebuild.batchDone.connect(
            lambda *_: out.__setitem__("rebuild_progress_seen", page.count.text()))
    idle_until(lambda: page.rebuild is None)
    out["rebuild_s"] = time.perf_counter() - began
    heart.stop()
    out["rebuild_page_s"], out["rebuild_page_cpu_s"] = painted[0]
    out["rebuild_gap_ms"] = heart.longest_gap_ms()
    out["rebuild_filled"] = not any(r.pending for r in page.model.rows)
    window.show_start()
    yield


def pages(window: MainWindow, busiest: str, runs: int,
          out: dict[str, Any]) -> Generator[None, None, None]:
    history: list[tuple[float, float]] = []
    trends: list[tuple[float, float]] = []
    flow = window.supervision
    for _ in range(runs):
        yield from qt.until_painted(window.start_page.history_button.click,
                                    lambda: flow.history.table.viewport(), history)
        yield from qt.until_painted(lambda: flow.trends(busiest), lambda: flow.page, trends)
        window.show_start()
        yield
    out["history"], out["trends"] = history, trends


def session_end(window: MainWindow, clock: FakeClock,
                out: dict[str, Any]) -> Generator[None, None, None]:
    """A session of 30 taps recorded through the window and ended: the end's own handling
    (commit, figures, checkpoint, review built and painted; the backup handed to its thread),
    then the wait until that backup is made."""
    controller = window.controller
    assert controller is not None
    window.start_page.code.setEditText("BK-01")
    window.start_page.start_button.click()
    yield
    for i in range(30):
        clock.advance(60)
        window.live_page.pad.buttons[f"client:{('ventral', 'dorsal')[i % 2]}"].click()
        yield
    done: list[str] = []
    controller.backupFinished.connect(done.append)
    began = time.perf_counter()
    shown: list[tuple[float, float]] = []
    yield from qt.until_painted(lambda: controller.end(),
                                lambda: window.review_page.plot._view.viewport(), shown)
    out["end_handled_ms"] = shown[0][0] * 1000
    out["backup_running_at_review"] = not done
    idle_until(lambda: bool(done))
    out["backup_s"] = time.perf_counter() - began
    out["backup_problem"] = done[0]
    controller.backupFinished.disconnect(done.append)
    window.show_start()
    yield


def backup_beside(window: MainWindow, store: Store,
                  out: dict[str, Any]) -> Generator[None, None, None]:
    """The backup after a session's end, as the recorder hands it over
    (`SessionBackups.request`), with the window on its start page: the longest the window
    could not run a 5 ms heartbeat from the hand-over until the backup was made and
    checked (the end's own handling, measured above, is not the backup's)."""
    controller = window.controller
    assert controller is not None
    floor = qt.Heartbeat()  # the same window with nothing behind it: the machine's own stalls
    floor.start()
    idle_until(lambda: False, 2.0)
    floor.stop()
    out["idle_gap_ms"] = floor.longest_gap_ms()
    done: list[str] = []
    controller.backupFinished.connect(done.append)
    heart = qt.Heartbeat()
    heart.start()
    began = time.perf_counter()
    controller.backups.request(store)  # what session_ended calls in the window
    idle_until(lambda: bool(done))
    out["beside_backup_s"] = time.perf_counter() - began
    heart.stop()
    out["backup_gap_ms"] = heart.longest_gap_ms()
    out["beside_backup_problem"] = done[0]
    controller.backupFinished.disconnect(done.append)
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    qt.app()
    began = time.perf_counter()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "attune.db"
        t0 = time.perf_counter()
        info = practice(path, sessions=args.sessions)
        made_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        opens = store_opens(path, args.runs)
        load_open = qt.load()

        store = Store.open(path)
        clock = FakeClock()
        window = MainWindow(store, default_scheme(), clock=clock,
                            settings=qt.private_settings(folder))
        window.resize(1280, 800)
        window.show()
        qt.freeze_as_the_app_does()
        qt.run_in_event_loop(rebuild(window, out))
        load_rebuild = qt.load()
        qt.run_in_event_loop(pages(window, info["busiest"], args.runs, out))
        load_pages = qt.load()
        qt.run_in_event_loop(session_end(window, clock, out))
        load_end = qt.load()
        qt.run_in_event_loop(backup_beside(window, store, out))
        load_backup = qt.load()
        backups = len(backup.backups(path))
        window.close()
        store.close()
    took = time.perf_counter() - began

    history = [w for w, _ in out["history"]]
    history_cpu = [c for _, c in out["history"]]
    trends = [w for w, _ in out["trends"]]
    print(f"{info['sessions']:,} sessions, {info['events']:,} events, {len(info['codes'])} "
          f"clients; database {size_mb:.0f} MB, generated in {made_s:.1f} s; window 1280x800, "
          f"offscreen; {took:.0f} s in all.\n")
    print("| measure | time | load average |")
    print("|---|---:|---|")
    print(f"| store open (Store.open of the file), median of {args.runs} "
          f"| {qt.median_range(opens)} | {load_open} |")
    print(f"| cold rebuild: history page open and painted, figures of "
          f"{out['rebuild_pending_at_open']:,} sessions still to come "
          f"(GUI thread CPU {out['rebuild_page_cpu_s'] * 1000:.0f} ms) "
          f"| {out['rebuild_page_s'] * 1000:.0f} ms | {load_rebuild} |")
    print(f"| cold rebuild: longest the window (on the history page) could not run its 5 ms "
          f"heartbeat while the figures were worked out behind it | "
          f"{out['rebuild_gap_ms']:.0f} ms | {load_rebuild} |")
    print(f"| cold rebuild: all figures worked out and saved, in the background (the page "
          f"said, e.g.: \"{out.get('rebuild_progress_seen', '')}\") | {out['rebuild_s']:.1f} s "
          f"| {load_rebuild} |")
    print(f"| history page open (figures cached; request → table painted), median of "
          f"{args.runs} | {qt.median_range(history)} | {load_pages} |")
    print(f"| history page open: the GUI thread's CPU time for it (what the load average "
          f"does not stretch), median of {args.runs} | {qt.median_range(history_cpu)} "
          f"| {load_pages} |")
    print(f"| trends of the client with most sessions (request → page painted), median of "
          f"{args.runs} | {qt.median_range(trends)} | {load_pages} |")
    print(f"| session end (30 taps) → committed, figures, checkpoint, review built and "
          f"painted (the backup handed to its thread: "
          f"{'still running' if out['backup_running_at_review'] else 'already made'} when "
          f"the review was painted) | {out['end_handled_ms']:.0f} ms | {load_end} |")
    print(f"| that session's backup: made and checked beside the window, from the end "
          f"({out['backup_problem'] or 'made'}) | {out['backup_s']:.1f} s | {load_end} |")
    print(f"| backup after a session's end, handed to its thread with the window idle: "
          f"longest the window could not run its 5 ms heartbeat until it was made and "
          f"checked ({out['beside_backup_s']:.1f} s; {out['beside_backup_problem'] or 'made'}"
          f"; {backups} backup files) | {out['backup_gap_ms']:.0f} ms | {load_backup} |")
    print(f"| floor: longest the same window, idle with nothing behind it, could not run its "
          f"5 ms heartbeat (2 s, just before the backup above) | {out['idle_gap_ms']:.0f} ms "
          f"| {load_backup} |")
    result = {
        "store_open_ms": statistics.median(opens) * 1000,
        "history_open_ms": statistics.median(history) * 1000,
        "history_open_cpu_ms": statistics.median(history_cpu) * 1000,
        "trends_open_ms": statistics.median(trends) * 1000,
        "backup_gap_ms": out["backup_gap_ms"],
        "idle_gap_ms": out["idle_gap_ms"],
        "rebuild_page_ms": out["rebuild_page_s"] * 1000,
        "rebuild_page_cpu_ms": out["rebuild_page_cpu_s"] * 1000,
        "rebuild_gap_ms": out["rebuild_gap_ms"],
        "rebuild_s": out["rebuild_s"],
    }
    print("RESULT " + json.dumps({k: round(v, 3) for k, v in result.items()}))


if __name__ == "__main__":
    main()
