"""Stress: a minute of taps at 50 a second on a real schedule, through the live window.

Taps arrive every 20 ms of wall-clock time from a precise timer (half by a pad button's
`click()`, half by key), while the event loop runs as it does in use, so paints coalesce
between taps and the window's tick lands among them; session time is a FakeClock moved 20 ms
per tap. The database is a real file (WAL, synchronous=FULL) and the collector is frozen after
the window is up, as `attune_companion_ui.shell.app` does. Prints how long the minute took and how far it fell
behind, how late taps were handled after they were due, how long the slowest taps took, the
longest collection pause, and how often the plot painted, then `RESULT {json}` for
benchmarks/run_all.py. Every tap is checked recorded, in order (the script fails otherwise);
tests/ui/test_stress.py checks that on the fake clock alone.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/tap_stress.py [--taps 3000]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "ui"))

from attune_companion.clock import FakeClock  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402
from test_stress import TAP_S, TICK_EVERY, expected, plan  # noqa: E402
from attune_companion_ui.live.actions import key_sequence  # noqa: E402
from attune_companion_ui.shell.main_window import MainWindow  # noqa: E402
from attune_companion_ui.shell.settings import Settings  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class CountPaints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def run(taps: int, folder: Path) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    store = Store.open(folder / "stress.db")
    clock = FakeClock()
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store, default_scheme(), clock=clock, settings=settings)
    window.resize(1280, 800)
    window.show()
    window.controller.start("BENCH-1", None, None)
    app.processEvents()
    page = window.live_page
    names = plan(taps)
    keys = {name: key_sequence(page.actions.get(name).key)[0] for name in set(names)}
    counter = CountPaints()
    page.plot.findChild(QGraphicsView).viewport().installEventFilter(counter)
    gc.collect()
    gc.freeze()  # as attune_companion_ui.shell.app does once its window is up
    pauses_ms: list[float] = []
    gc_began = 0.0

    def time_collections(phase: str, _info: dict) -> None:
        nonlocal gc_began
        if phase == "start":
            gc_began = time.perf_counter()
        else:
            pauses_ms.append((time.perf_counter() - gc_began) * 1000)

    lateness_ms: list[float] = []
    tap_ms: list[float] = []
    done = 0
    loop = QEventLoop()
    began = time.perf_counter()

    def fire_due_taps() -> None:
        nonlocal done
        due = min(taps, int((time.perf_counter() - began) / TAP_S) + 1)
        while done < due:
            lateness_ms.append((time.perf_counter() - began - done * TAP_S) * 1000)
            name = names[done]
            clock.advance(TAP_S)
            start = time.perf_counter()
            if done % 2 == 0:
                page.pad.buttons[name].click()
            else:
                QTest.keyClick(window, keys[name].key(), keys[name].keyboardModifiers())
            tap_ms.append((time.perf_counter() - start) * 1000)
            if not page.status.text().startswith("Recorded:"):
                raise SystemExit(f"tap {done} ({name}) was not recorded: {page.status.text()}")
            done += 1
            if done % TICK_EVERY == 0:
                window._tick()  # the 250 ms tick, in session time
        if done >= taps:
            loop.quit()

    schedule = QTimer()
    schedule.setTimerType(Qt.TimerType.PreciseTimer)
    schedule.setInterval(round(TAP_S * 1000))
    schedule.timeout.connect(fire_due_taps)
    gc.callbacks.append(time_collections)
    schedule.start()
    try:
        loop.exec()
    finally:
        schedule.stop()
        gc.callbacks.remove(time_collections)
        gc.unfreeze()
    took_s = time.perf_counter() - began

    events = store.events(store.sessions()[0].id)
    if [(e.kind, e.value) for e in events] != [expected(n) for n in names]:
        raise SystemExit("the taps recorded are not the taps made, in order")
    window.close()
    store.close()
    return {
        "taps": taps,
        "took_s": took_s,
        "behind_s": took_s - taps * TAP_S,
        "late_p99_ms": percentile(lateness_ms, 99),
        "late_max_ms": max(lateness_ms),
        "tap_p99_ms": percentile(tap_ms, 99),
        "tap_max_ms": max(tap_ms),
        "gc_max_ms": max(pauses_ms, default=0.0),
        "collections": len(pauses_ms),
        "paints_per_s": counter.paints / took_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taps", type=int, default=3_000, help="default: a minute at 50/s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        r = run(args.taps, Path(folder))
    print(f"{r['taps']:,} taps at 50 a second through the live window (offscreen, 1280x800): "
          f"all recorded, in order.\n")
    print("| figure | value |\n|---|---:|")
    print(f"| time for the run | {r['took_s']:.1f} s ({r['behind_s']:+.2f} s behind schedule) |")
    print(f"| handled after due, p99 / max | {r['late_p99_ms']:.1f} / {r['late_max_ms']:.1f} ms |")
    print(f"| one tap (click or key → shown), p99 / max | {r['tap_p99_ms']:.1f} / "
          f"{r['tap_max_ms']:.1f} ms |")
    print(f"| longest collection pause ({r['collections']} collections) | "
          f"{r['gc_max_ms']:.1f} ms |")
    print(f"| plot paints per second | {r['paints_per_s']:.1f} |")
    print("RESULT " + json.dumps({
        "stress_behind_s": round(r["behind_s"], 3),
        "stress_late_max_ms": round(r["late_max_ms"], 2),
        "stress_tap_max_ms": round(r["tap_max_ms"], 2),
        "stress_paints_per_s": round(r["paints_per_s"], 1),
        "taps": r["taps"],
    }))


if __name__ == "__main__":
    main()
