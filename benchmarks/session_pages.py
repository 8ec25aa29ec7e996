"""Long sessions in review and playback: each page opened and painted, and memory over reopens.

For each of `--sizes` (100, 1,000, 10,000 and 100,000 events by default) a child process
makes a database holding one ended session of that many events (scale_fixture.long_session:
taps every ~3 s, a rupture every ~50 taps, notes, pauses), and a fresh process of its own
opens Attune's window on it (offscreen, 1280x800) and, inside the running event loop, goes
`--cycles` times the way a clinician goes: the session's review (the window's own, as after
a session), back to the start page, the history, the session's playback, back to the
history and to the start page. So one size's memory never counts in another's, and no
figure includes the making of a database.

Each open is timed from the request until the page's plot has been painted (wall clock,
the GUI thread's CPU time beside it): median with its range over the cycles (the first
cycle is the first open in that process). Memory is the process's resident memory (RSS)
with the review open and with the playback open, the larger of the two, each cycle; "flat"
compares the mean of the last three cycles with the mean of the 2nd to 4th (the first loads
what any first page loads, and the allocator makes a plateau wobble by a few MB).
The load average is printed beside the figures: other work on the machine slows the wall
clock, hardly the CPU time. Targets (issue 14): open ≤ 0.2 s at 10,000 events and ≤ 1.5 s
at 100,000; RSS ≤ 300 MB at 100,000 events and flat over reopens at every size.
The last line, `RESULT {json}`, is for benchmarks/run_all.py.

    .venv/bin/python benchmarks/session_pages.py [--sizes 100,1000,10000,100000] [--cycles 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import qt_timing as qt  # noqa: E402

from attune_companion.history import history  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402

PAGES = ("review", "playback")


def cycles_of(window: Any, sid: int, cycles: int,
              out: dict[str, Any]) -> Generator[None, None, None]:
    """The way through one session, `cycles` times: its review (the window's own), back to
    the start page, the history, its playback, back to the history and the start page.
    Fills `out`: each open's (wall s, CPU s) per page, and RSS (MB) with each page open."""
    flow = window.supervision
    took: dict[str, list[tuple[float, float]]] = {page: [] for page in PAGES}
    rss: dict[str, list[float]] = {page: [] for page in PAGES}
    scratch: list[tuple[float, float]] = []
    for _ in range(cycles):
        yield from qt.until_painted(lambda: window.show_review(sid),
                                    lambda: window.review_page.plot._view.viewport(),
                                    took["review"])
        rss["review"].append(qt.rss_mb())
        window.show_start()
        yield
        yield from qt.until_painted(window.start_page.history_button.click,
                                    lambda: flow.history.table.viewport(), scratch)
        yield from qt.until_painted(lambda: flow.play(sid),
                                    lambda: flow.page.plot._view.viewport(), took["playback"])
        rss["playback"].append(qt.rss_mb())
        flow.show_history()
        yield
        window.show_start()
        for _ in range(3):  # deferred deletes of the pages left
            yield
    out.update(took=took, rss=rss)


def measure(path: Path, cycles: int) -> dict[str, Any]:
    """In this (fresh) process: the window on the database at `path` (one session), then
    `cycles` times through it. RSS after the window was shown, the opens' times and RSS."""
    from attune_companion_ui.shell.main_window import MainWindow

    qt.app()
    store = Store.open(path)
    window = MainWindow(store, default_scheme(), settings=qt.private_settings(path.parent))
    window.resize(1280, 800)
    window.show()
    qt.freeze_as_the_app_does()
    out: dict[str, Any] = {"start": qt.rss_mb()}
    qt.run_in_event_loop(cycles_of(window, store.sessions()[0].id, cycles, out))
    out["load"] = qt.load()
    window.close()
    store.close()
    return out


def build(path: Path, n: int) -> None:
    """The database: one ended session of `n` events, with the figures the history lists
    (as the session's end saves them)."""
    from scale_fixture import long_session

    with Store.open(path) as store:
        long_session(store, n, code=f"LONG-{n}")
        history(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--cycles", type=int, default=10,
                        help="times through review and playback per size")
    parser.add_argument("--build", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    if args.build:
        build(Path(args.build), sizes[0])
        return
    if args.measure:
        print("MEASURED " + json.dumps(measure(Path(args.measure), args.cycles)))
        return
    began = time.perf_counter()
    measured: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"attune-{n}.db"
            subprocess.run([sys.executable, __file__, "--build", str(path), "--sizes", str(n)],
                           check=True)
            done = subprocess.run([sys.executable, __file__, "--measure", str(path),
                                   "--cycles", str(args.cycles)],
                                  check=True, capture_output=True, text=True)
            found = [line for line in done.stdout.splitlines() if line.startswith("MEASURED ")]
            measured[n] = json.loads(found[-1][len("MEASURED "):])
    took = time.perf_counter() - began

    print(f"One session each of {', '.join(f'{n:,}' for n in sizes)} events, each in a fresh "
          f"process; window 1280x800, offscreen; {args.cycles} cycles of review then playback "
          f"per size; {took:.0f} s in all.\n")
    print("| page open (request → plot painted) | events | wall, median (range) "
          "| GUI thread CPU, median | load average |")
    print("|---|---:|---:|---:|---|")
    for page in PAGES:
        for n, m in measured.items():
            values = m["took"][page]
            print(f"| {page} | {n:,} | {seconds([w for w, _ in values])} | "
                  f"{statistics.median(c for _, c in values):.3f} s | {m['load']} |")
    last = args.cycles
    print(f"\n| RSS with the review, then the playback, open (the larger) | events "
          f"| window shown | 1st | 2nd | last ({last}) | most "
          "| growth: last 3 − 2nd to 4th (means) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, m in measured.items():
        rss = cycle_rss(m)
        print(f"| {len(rss)} cycles, a fresh process | {n:,} | {m['start']:.0f} MB "
              f"| {rss[0]:.0f} MB | {rss[min(1, len(rss) - 1)]:.0f} MB | {rss[-1]:.0f} MB "
              f"| {max(rss):.0f} MB | {growth(rss):+.1f} MB |")
    print("\nRSS each cycle (MB): " + "; ".join(
        f"{n:,}: " + " ".join(f"{x:.0f}" for x in cycle_rss(m)) for n, m in measured.items()))

    result: dict[str, float] = {}
    for n, m in measured.items():
        for page in PAGES:
            values = m["took"][page]
            result[f"{page}_open_{n}_s"] = round(statistics.median(w for w, _ in values), 3)
            result[f"{page}_open_{n}_cpu_s"] = round(statistics.median(c for _, c in values), 3)
        rss = cycle_rss(m)
        result[f"rss_open_{n}_mb"] = round(max(rss), 1)
        result[f"rss_growth_{n}_mb"] = round(growth(rss), 1)
    print("RESULT " + json.dumps(result))


def cycle_rss(m: dict[str, Any]) -> list[float]:
    """RSS each cycle: the larger of the review's and the playback's."""
    return [max(r, p) for r, p in zip(m["rss"]["review"], m["rss"]["playback"])]


def growth(rss: list[float]) -> float:
    """How much a plateau rose over the cycles: the mean of the last three less the mean of
    the 2nd to 4th (with fewer cycles, of what there is after the first)."""
    after_first = rss[1:] or rss
    return statistics.mean(after_first[-3:]) - statistics.mean(after_first[:3])


def seconds(values: list[float]) -> str:
    """'0.123 s (0.110–0.140)': the median with its range."""
    return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"


if __name__ == "__main__":
    main()
