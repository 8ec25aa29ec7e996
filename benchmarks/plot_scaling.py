"""Does a tap cost the same on the session plot late in a long session as early on?

For sessions already holding 100 … 100,000 events, times ~200 more events, each one
`on_change` + `processEvents` on a shown 900x400 plot (offscreen), so painting counts, then
the same for `tick` (what the once-a-second clock costs). Prints a Markdown table: median and
p99 per event in milliseconds, one full redraw (`show_state`, as after an undo), and the ratio
of the largest session to the smallest (target: at most 2), then `RESULT {json}` for
benchmarks/run_all.py. The big sessions are made by folding generated events, not by 100k
commits.

Run by hand:  QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/plot_scaling.py
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from attune_companion.events import Event, Kind  # noqa: E402
from attune_companion.fold import SessionState, fold  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion_ui.plot.session_plot import SessionPlot  # noqa: E402

SIZES = (100, 1_000, 10_000, 100_000)
APPENDED = 200
ROUNDS = 4
STEP_MS = 3_000  # a tap every 3 s on average: about 200 events in a 10-minute window


class SessionMaker:
    """Plausible events in timeline order: state taps, notes, ruptures with repairs, pauses."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.states = [s.id for s in default_scheme().enabled_states]
        self.next_id = 1
        self.t = 0
        self.rupture_open = False
        self.paused = False

    def next(self) -> Event:
        rng = self.rng
        self.t += rng.randint(STEP_MS // 3, 2 * STEP_MS - STEP_MS // 3)
        if self.paused:
            self.paused = False
            return self._event(Kind.RESUME)
        roll = rng.random()
        if roll < 0.005:
            self.paused = True
            return self._event(Kind.PAUSE)
        if self.rupture_open and roll < 0.10:
            self.rupture_open = roll >= 0.05
            return self._event(Kind.REPAIR_ATTEMPT if self.rupture_open else Kind.REPAIR)
        if not self.rupture_open and roll < 0.03:
            self.rupture_open = True
            return self._event(Kind.RUPTURE, value="withdrawal")
        if roll < 0.20:
            return self._event(Kind.NOTE, value=rng.choice(["glimmer", "trigger", "note"]))
        kind = Kind.CLIENT if roll < 0.60 else Kind.SELF
        return self._event(kind, value=rng.choice(self.states))

    def _event(self, kind: Kind, value: str | None = None) -> Event:
        event = Event(self.next_id, kind, self.t, value=value)
        self.next_id += 1
        return event

    def events(self, n: int) -> list[Event]:
        return [self.next() for _ in range(n)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Subject:
    """One shown plot over a session of `size` events, and the events still to come."""

    def __init__(self, app: QApplication, size: int) -> None:
        self.app = app
        self.size = size
        self.maker = SessionMaker()
        self.state: SessionState = fold(self.maker.events(size))
        self.plot = SessionPlot(default_scheme())
        self.plot.resize(900, 400)
        self.plot.show()
        redraws = [self._timed(lambda: self.plot.show_state(self.state, self.state.last_ms))[0]
                   for _ in range(3)]
        self.redraw_ms = statistics.median(redraws)
        self.taps: list[tuple[float, float]] = []
        self.ticks: list[tuple[float, float]] = []

    def _timed(self, action) -> tuple[float, float]:
        """(CPU ms, wall ms) of `action` plus the painting it causes."""
        cpu, wall = time.process_time(), time.perf_counter()
        action()
        self.app.processEvents()
        return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000

    def append(self, count: int) -> None:
        for event in self.maker.events(count):
            self.state.apply(event)
            self.taps.append(self._timed(lambda: self.plot.on_change(event, self.state)))
            self.ticks.append(self._timed(lambda: self.plot.tick(event.offset_ms + 500)))

    def close(self) -> None:
        self.plot.close()
        self.plot.deleteLater()


def main() -> None:
    app = QApplication.instance() or QApplication([])
    Subject(app, SIZES[0]).append(20)  # warm up imports, fonts and caches
    subjects = [Subject(app, size) for size in SIZES]
    for _ in range(ROUNDS):  # interleaved, so a busy moment on the machine hits every size
        for subject in subjects:
            subject.append(APPENDED // ROUNDS)
    print(f"Session plot, {APPENDED} appended events per size, shown 900x400 offscreen; "
          "CPU ms per event (wall-clock median in brackets)\n")
    print("| events before | tap median | tap p99 | tick median | tick p99 | full redraw |")
    print("|---:|---:|---:|---:|---:|---:|")
    medians = []
    for subject in subjects:
        tap_cpu = [cpu for cpu, _ in subject.taps]
        tick_cpu = [cpu for cpu, _ in subject.ticks]
        tap_wall = statistics.median(wall for _, wall in subject.taps)
        tick_wall = statistics.median(wall for _, wall in subject.ticks)
        medians.append((statistics.median(tap_cpu), statistics.median(tick_cpu)))
        print(f"| {subject.size:,} | {medians[-1][0]:.2f} ({tap_wall:.2f}) "
              f"| {percentile(tap_cpu, 99):.2f} | {medians[-1][1]:.2f} ({tick_wall:.2f}) "
              f"| {percentile(tick_cpu, 99):.2f} | {subject.redraw_ms:.1f} |")
        subject.close()
    (tap_first, tick_first), (tap_last, tick_last) = medians[0], medians[-1]
    print(f"\nratio {SIZES[-1]:,} / {SIZES[0]:,} events (medians): tap "
          f"{tap_last / tap_first:.2f}, tick {tick_last / tick_first:.2f} (target ≤ 2)")
    print("RESULT " + json.dumps({
        "plot_tap_ratio": round(tap_last / tap_first, 3),
        "plot_tick_ratio": round(tick_last / tick_first, 3),
        "plot_tap_median_ms_first": round(tap_first, 3),
        "plot_tap_median_ms_last": round(tap_last, 3),
    }))


if __name__ == "__main__":
    main()
