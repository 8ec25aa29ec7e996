"""What the live plot repaints as time passes and as taps come: only what changed.

A live session runs beside a video call for an hour: the plot must not repaint itself four
times a second for a change no one can see. These tests read the regions Qt is asked to
repaint (the paint events of the plot's viewport), never the clock: time passing by less than
a pixel repaints nothing; by a pixel, a sliver at now; a tap, a narrow area at now; and the
view steps ahead now and then instead of sliding with every tick.
"""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication

from attune_companion.clock import FakeClock
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.plot.session_plot import SessionPlot

STATES = ("ventral", "sympathetic", "dorsal")


class Paints(QObject):
    """The regions a widget is asked to paint, in order."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.regions: list[QRegion] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.regions.append(QRegion(event.region()))
        return False

    def area(self) -> int:
        return sum(r.width() * r.height() for region in self.regions for r in region)


class LivePlot:
    """A shown plot following a recorded session, as the live window drives it."""

    def __init__(self, qtbot, minutes: float = 30, tap_every_s: float = 8) -> None:
        self.clock = FakeClock()
        self.rec = Recorder.start(Store.memory(), default_scheme(), self.clock, "T-01")
        rng = random.Random(3)
        while self.rec.now_ms() < minutes * 60_000:
            self.clock.advance(rng.uniform(0.5, 1.5) * tap_every_s)
            lane = self.rec.client if rng.random() < 0.6 else self.rec.self_state
            lane(rng.choice(STATES))
        self.plot = SessionPlot(default_scheme())
        qtbot.addWidget(self.plot)
        self.plot.resize(900, 400)
        self.plot.show()
        qtbot.waitExposed(self.plot)
        self.plot.show_state(self.rec.state, self.rec.now_ms())
        self.settle()
        self.viewport = self.plot._view.viewport()
        self.paints = Paints(self.viewport)

    def settle(self) -> None:
        for _ in range(3):
            QApplication.processEvents()

    def tick_after(self, ms: float) -> None:
        self.clock.advance(ms / 1000)
        self.plot.tick(self.rec.now_ms())
        self.settle()

    def tap(self) -> None:
        change = self.rec.client(STATES[len(self.rec.events) % 3])
        self.plot.on_change(change.event, change.state)
        self.settle()

    def viewport_area(self) -> int:
        return self.viewport.width() * self.viewport.height()


@pytest.fixture
def live(qtbot) -> LivePlot:
    return LivePlot(qtbot)


def test_time_passing_by_less_than_a_pixel_repaints_nothing(live):
    live.paints.regions.clear()
    for _ in range(2):
        live.tick_after(0.3 * live.plot.ms_per_pixel())
    assert live.paints.regions == []
    assert live.rec.now_ms() - live.plot.now_drawn_ms < live.plot.ms_per_pixel()


def test_time_passing_by_a_pixel_repaints_a_sliver_at_now(live):
    live.tick_after(1.5 * live.plot.ms_per_pixel())
    assert live.paints.regions, "the now line should have moved"
    assert live.paints.area() < 0.05 * live.viewport_area()
    assert live.plot.now_drawn_ms == live.rec.now_ms()  # drawn where now is
    bounds = QRegion()
    for region in live.paints.regions:
        bounds = bounds.united(region)
    assert bounds.boundingRect().width() < 30  # the now line and the lanes' ends, no more


def test_a_tap_repaints_a_narrow_area_at_now_not_the_whole_plot(live):
    live.tick_after(2_000)
    live.paints.regions.clear()
    live.tap()
    assert live.paints.regions
    assert live.paints.area() < 0.2 * live.viewport_area()


def test_an_open_rupture_grows_by_repainting_only_its_new_edge(live):
    live.tick_after(2_000)
    change = live.rec.rupture()
    live.plot.on_change(change.event, change.state)
    for _ in range(10):
        live.tick_after(60_000 / 10)  # a minute: the shaded span now a tenth of the view
    live.paints.regions.clear()
    live.tick_after(1.5 * live.plot.ms_per_pixel())
    assert live.paints.regions
    assert live.paints.area() < 0.05 * live.viewport_area()


def test_the_view_stands_still_while_now_walks_then_steps_ahead(live):
    ranges = [live.plot.x_range()]
    for _ in range(4 * 180):  # three minutes of ticks, four a second
        live.tick_after(250)
        if live.plot.x_range() != ranges[-1]:
            ranges.append(live.plot.x_range())
    assert 2 <= len(ranges) <= 5  # a step about once a minute, not a slide with every tick
    for (left, right), (next_left, next_right) in zip(ranges, ranges[1:]):
        assert next_right - next_left == pytest.approx(10)
        assert next_right - right >= 0.5  # each step a real jump (half a minute or more)
    left, right = live.plot.x_range()
    assert left < live.rec.now_ms() / 60_000 < right
