"""The session plot draws what the fold says, whether fed event by event or redrawn whole.

The key property: a plot fed `on_change` after every tap (as the live window does) shows the
same lanes, rupture spans, pauses and markers as a plot given the final state at once (as a
resume, an undo or the review does). Sessions are recorded through the real Recorder on an
in-memory store with a FakeClock.
"""

from __future__ import annotations

import json

import numpy as np
import pyqtgraph as pg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from attune_companion.clock import FakeClock
from attune_companion.errors import TapRefused
from attune_companion.fold import SessionState
from attune_companion.recorder import Change, Recorder
from attune_companion.scheme import Scheme, default_scheme, parse_scheme
from attune_companion.store import Store
from attune_companion_ui.plot.plot_style import DARK, LIGHT
from attune_companion_ui.plot.session_plot import SessionPlot

MARKERS = ("repair_attempt", "repair", "note:glimmer", "note:trigger", "note:note")


class Session:
    """A recorded session and a plot fed the way the live window feeds it."""

    def __init__(self, qtbot, scheme: Scheme | None = None, compare_each_step: bool = False):
        self.qtbot = qtbot
        self.scheme = scheme or default_scheme()
        self.clock = FakeClock()
        self.rec = Recorder.start(Store.memory(), self.scheme, self.clock, "T-01")
        self.plot = self.new_plot()
        self.plot.show_state(self.rec.state, 0)
        self.full = self.new_plot() if compare_each_step else None

    def new_plot(self) -> SessionPlot:
        plot = SessionPlot(self.scheme)
        self.qtbot.addWidget(plot)
        return plot

    def at(self, minutes: float) -> None:
        """Let the clock run to `minutes` into the session; the plot ticks."""
        self.clock.advance(max(0.0, minutes * 60 - self.rec.now_ms() / 1000))
        self.plot.tick(self.rec.now_ms())
        self.compare()

    def do(self, change: Change) -> Change:
        """Hand a change to the plot as the controller does."""
        if change.rebuilt:
            self.plot.show_state(change.state, self.rec.now_ms())
        else:
            self.plot.on_change(change.event, change.state)
        self.compare()
        return change

    def compare(self) -> None:
        """With compare_each_step: the plot fed step by step matches a full redraw at the
        moment it last drew now, which is within a pixel of now."""
        if self.full is not None:
            drawn = self.plot.now_drawn_ms
            if not self.rec.state.ended:
                assert 0 <= self.rec.now_ms() - drawn < self.plot.ms_per_pixel()
            self.full.show_state(self.rec.state, drawn)
            assert_same_drawing(self.plot, self.full)

    def redrawn(self) -> SessionPlot:
        """A fresh plot given the whole state at once."""
        plot = self.new_plot()
        plot.show_state(self.rec.state, self.rec.now_ms())
        return plot


def spans(got: list[tuple[float, float]], want: list[tuple[float, float]]) -> bool:
    """Two lists of (start, end) minutes agree (to float rounding)."""
    return len(got) == len(want) and np.allclose(np.reshape(got, (-1, 2)), np.reshape(want, (-1, 2)))


def assert_same_drawing(a: SessionPlot, b: SessionPlot) -> None:
    for lane in ("client", "self"):
        for got, want in zip(a.lane_xy(lane), b.lane_xy(lane)):
            np.testing.assert_allclose(got, want, err_msg=lane)
    assert spans(a.rupture_spans(), b.rupture_spans())
    assert spans(a.pause_spans(), b.pause_spans())
    for kind in MARKERS:
        for got, want in zip(a.marker_xy(kind), b.marker_xy(kind)):
            np.testing.assert_allclose(got, want, err_msg=kind)


def record_a_session(s: Session) -> None:
    """Fifty minutes: two ruptures (the second left open), notes and a pause."""
    s.at(0.5); s.do(s.rec.client("ventral")); s.do(s.rec.self_state("ventral"))
    s.at(4); s.do(s.rec.client("sympathetic")); s.do(s.rec.note("glimmer"))
    s.at(9); s.do(s.rec.rupture("withdrawal", ["minimal_response"]))
    s.at(10); s.do(s.rec.client("dorsal")); s.do(s.rec.rupture(None, ["denial"]))
    s.at(12); s.do(s.rec.repair_attempt(["clarify"]))
    s.at(15); s.do(s.rec.repair(["acknowledge"])); s.do(s.rec.client("ventral"))
    s.at(20); s.do(s.rec.pause())
    s.at(24); s.do(s.rec.resume())
    s.at(30); s.do(s.rec.note("trigger")); s.do(s.rec.self_state("sympathetic"))
    s.at(41); s.do(s.rec.rupture("confrontation"))
    s.at(44); s.do(s.rec.repair_attempt()); s.do(s.rec.note("note", "quiet after"))
    s.at(50)


# -- incremental drawing equals a full redraw --------------------------------------------------

def test_event_by_event_drawing_matches_a_full_redraw(qtbot):
    s = Session(qtbot, compare_each_step=True)
    record_a_session(s)
    assert_same_drawing(s.plot, s.redrawn())
    assert spans(s.plot.rupture_spans(), [(9, 15), (41, 50)])
    assert spans(s.plot.pause_spans(), [(20, 24)])
    x, y = s.plot.lane_xy("client")
    assert x == pytest.approx([0.5, 4, 10, 15, 50])  # trailing point: the last state until now
    assert y[-1] == y[-2] == s.scheme.state("ventral").level


def test_ending_the_session_closes_everything_where_it_ended(qtbot):
    s = Session(qtbot, compare_each_step=True)
    record_a_session(s)
    s.do(s.rec.end())
    s.plot.tick(s.rec.now_ms() + 120_000)  # a tick after the end changes nothing
    s.compare()
    assert spans(s.plot.rupture_spans()[-1:], [(41, 50)])
    assert s.plot.lane_xy("self")[0][-1] == pytest.approx(50)


ACTIONS = st.one_of(
    st.tuples(st.sampled_from(["client", "self"]),
              st.sampled_from(["ventral", "sympathetic", "dorsal"])),
    st.tuples(st.sampled_from(["rupture", "attempt", "repair", "pause", "resume", "undo"]),
              st.none()),
    st.tuples(st.just("note"), st.sampled_from(["glimmer", "trigger", "note"])),
    st.tuples(st.just("late client"), st.integers(1, 120)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.floats(0, 90), ACTIONS), min_size=1, max_size=25))
def test_any_tap_sequence_draws_the_same_both_ways(qtbot, steps):
    s = Session(qtbot, compare_each_step=True)
    rec = s.rec
    for seconds, (action, arg) in steps:
        s.at(rec.now_ms() / 60_000 + seconds / 60)
        try:
            change = {
                "client": lambda: rec.client(arg), "self": lambda: rec.self_state(arg),
                "rupture": rec.rupture, "attempt": rec.repair_attempt, "repair": rec.repair,
                "pause": rec.pause, "resume": rec.resume, "undo": rec.undo,
                "note": lambda: rec.note(arg),
                "late client": lambda: rec.client("dorsal", backdate_s=arg),
            }[action]()
        except TapRefused:
            continue
        s.do(change)


# -- what moves with time ------------------------------------------------------------------------

def test_an_open_rupture_grows_with_now_and_stops_at_its_repair(qtbot):
    s = Session(qtbot)
    s.at(2); s.do(s.rec.rupture())
    s.at(3)
    assert spans(s.plot.rupture_spans(), [(2, 3)])
    s.at(5)
    assert spans(s.plot.rupture_spans(), [(2, 5)])
    assert spans(s.plot._ruptures.drawn(), [(2, 5)])  # the shaded region itself
    s.at(6); s.do(s.rec.repair())
    s.at(9)
    assert spans(s.plot.rupture_spans(), [(2, 6)])
    assert spans(s.plot._ruptures.drawn(), [(2, 6)])
    assert s.plot.marker_xy("repair")[0] == pytest.approx([6])


def test_an_undo_or_a_late_tap_redraws_what_the_fold_says(qtbot):
    s = Session(qtbot)
    s.at(1); s.do(s.rec.client("ventral"))
    s.at(3); s.do(s.rec.rupture())
    s.at(4); s.do(s.rec.undo())  # takes the rupture back
    assert s.plot.rupture_spans() == []
    s.at(6); s.do(s.rec.client("dorsal", backdate_s=150))  # noticed late: 3:30
    assert s.plot.lane_xy("client")[0] == pytest.approx([1, 3.5, 6])
    assert_same_drawing(s.plot, s.redrawn())


def test_an_event_the_plot_cannot_place_falls_back_to_a_full_redraw(qtbot):
    s = Session(qtbot)
    s.at(1); s.do(s.rec.client("ventral"))
    s.at(2); s.do(s.rec.self_state("dorsal"))
    change = s.rec.undo()
    s.plot.on_change(change.event, change.state)  # an undo handed over as if in order
    assert s.plot.lane_xy("self")[0].size == 0
    assert_same_drawing(s.plot, s.redrawn())


def test_an_ended_session_hides_the_now_line(qtbot):
    s = Session(qtbot)
    s.at(1); s.do(s.rec.client("ventral"))
    assert s.plot._now_line.isVisible()
    s.at(2); s.do(s.rec.end())
    assert not s.plot._now_line.isVisible()


# -- the visible time range ------------------------------------------------------------------------

def test_the_rolling_window_follows_now(qtbot):
    s = Session(qtbot)
    left, right = s.plot.x_range()
    assert left <= 0 and right == pytest.approx(left + 10)  # default: 10 minutes, from the start
    s.at(25)
    left, right = s.plot.x_range()
    assert right - left == pytest.approx(10)
    assert left < 25 < right
    s.plot.set_window(5)
    left, right = s.plot.x_range()
    assert right - left == pytest.approx(5) and left < 25 < right


def test_panning_by_mouse_stops_following_until_follow_now(qtbot):
    s = Session(qtbot)
    s.at(30); s.do(s.rec.client("ventral"))
    s.plot.resize(900, 400)
    s.plot.show()
    qtbot.waitExposed(s.plot)
    viewport = s.plot._view.viewport()
    start = QPoint(viewport.width() // 2, viewport.height() // 2)
    with qtbot.waitSignal(s.plot.followingChanged) as signal:
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        for step in range(1, 11):
            QTest.mouseMove(viewport, start + QPoint(20 * step, 0))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(200, 0))
    assert signal.args == [False]
    assert not s.plot.following
    panned = s.plot.x_range()
    assert panned[1] < 30  # dragged to the right: looking at earlier minutes

    s.at(32)
    assert s.plot.x_range() == pytest.approx(panned)  # stays where the user put it

    with qtbot.waitSignal(s.plot.followingChanged) as signal:
        s.plot.follow_now()
    assert signal.args == [True]
    left, right = s.plot.x_range()
    assert left < 32 < right


def test_the_whole_session_view_shows_from_the_start_to_now(qtbot):
    s = Session(qtbot)
    s.plot.set_window(None)
    assert s.plot.x_range() == pytest.approx((0, 1), abs=0.05)  # at least a minute
    record_a_session(s)
    left, right = s.plot.x_range()
    assert left == pytest.approx(0, abs=1) and right == pytest.approx(50, abs=1)
    assert right >= 50


# -- the ladder ----------------------------------------------------------------------------------

def _with_play_enabled() -> Scheme:
    raw = json.loads(default_scheme().to_json())
    for state in raw["states"]:
        if state["id"] == "play":
            state["enabled"] = True
    return parse_scheme(raw, "test")


@pytest.mark.parametrize(
    ("scheme", "labels"),
    [
        (default_scheme(), ["Ventral", "Sympathetic", "Dorsal"]),
        (_with_play_enabled(), ["Ventral", "Play", "Sympathetic", "Dorsal"]),
    ],
)
def test_the_y_axis_names_the_enabled_states_only_ventral_on_top(qtbot, scheme, labels):
    plot = SessionPlot(scheme)
    qtbot.addWidget(plot)
    assert [label for _, label in plot.y_labels()] == labels
    drawn = plot._plot.getAxis("left")._tickLevels[0]  # what the axis was actually given
    assert drawn == plot.y_labels()
    levels = [level for level, _ in drawn]
    assert levels == sorted(levels, reverse=True)


def test_a_blend_tap_is_drawn_at_its_level(qtbot):
    s = Session(qtbot, _with_play_enabled())
    s.at(1); s.do(s.rec.client("play"))
    s.at(2)
    assert s.plot.lane_xy("client")[1] == pytest.approx([2.5, 2.5])


# -- pictures ------------------------------------------------------------------------------------

@pytest.mark.parametrize("style", [DARK, LIGHT])
def test_render_png_gives_a_picture_of_the_asked_size(qtbot, style):
    s = Session(qtbot)
    record_a_session(s)
    s.plot.set_style(style)
    image = QImage.fromData(s.plot.render_png(900, 360))
    assert (image.width(), image.height()) == (900, 360)
    assert image.pixelColor(3, 3).name() == style.background  # the palette asked for
    colours = {image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 360, 7)}
    assert len(colours) > 20  # lanes, spans, labels: something was drawn


@pytest.mark.parametrize("style", [DARK, LIGHT])
def test_the_grid_is_drawn_under_the_data_opaque_in_the_colours_it_had(qtbot, style):
    """Qt's raster engine blends a translucent line a pixel at a time (20 grid lines: 3.3 ms
    of every open). The grid goes under the view box, each line opaque in the colour its
    translucent self made on the background: the same pixels wherever the grid shows."""
    s = Session(qtbot)
    record_a_session(s)
    s.plot.set_style(style)
    s.plot.resize(800, 300)
    axis, box = s.plot._axis, s.plot._plot.getViewBox()
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, ticks, _ = axis.generateDrawSpecs(painter)
        _, faint, _ = pg.AxisItem.generateDrawSpecs(axis, painter)  # as pyqtgraph draws it
    finally:
        painter.end()
    assert len(ticks) == len(faint) > 2
    background = QColor(style.background)
    for (pen, *_), (was, *_) in zip(ticks, faint):
        a = was.color().alphaF()
        assert 0 < a < 1 and pen.color().alpha() == 255
        for got, grid, under in zip(pen.color().getRgbF()[:3], was.color().getRgbF()[:3],
                                    background.getRgbF()[:3]):
            assert got == pytest.approx(a * grid + (1 - a) * under, abs=1 / 255)
    assert axis.zValue() < box.zValue()


def test_render_png_does_not_disturb_the_widget_on_screen(qtbot):
    s = Session(qtbot)
    record_a_session(s)
    s.plot.resize(700, 300)
    before = (s.plot.size(), s.plot.x_range(), s.plot.following)
    s.plot.render_png(400, 200, style=LIGHT)
    assert (s.plot.size(), s.plot.x_range(), s.plot.following) == before


def test_closed_ruptures_are_one_item_however_many_and_each_is_drawn_where_it_is(qtbot):
    """A long session's review showed thousands of spans, one scene item each: seconds to
    open. The closed spans are one item; only the open one moves with now."""
    s = Session(qtbot)
    box = s.plot._plot.getViewBox()
    items = len(box.childGroup.childItems())
    for start in range(2, 150, 5):  # 30 ruptures, 2 minutes each, over two and a half hours
        s.at(start); s.do(s.rec.rupture())
        s.at(start + 2); s.do(s.rec.repair())
    s.at(151)
    in_view = s.plot._ruptures.drawn()
    assert spans(in_view, [(142, 144), (147, 149)])  # the last ten minutes
    s.plot.set_window(None)
    assert spans(s.plot._ruptures.drawn(), s.plot.rupture_spans())
    assert len(s.plot.rupture_spans()) == 30
    assert len(box.childGroup.childItems()) == items, "no item was added per rupture"
    assert_same_drawing(s.plot, s.redrawn())
    s.plot.set_window(10)
    assert spans(s.plot._ruptures.drawn(), in_view)


def test_a_short_strip_gives_the_legend_room_to_the_data(qtbot):
    plot = SessionPlot(default_scheme())
    qtbot.addWidget(plot)
    plot.resize(520, 150)
    plot.show()
    qtbot.waitExposed(plot)
    assert not plot._legend.isVisible()
    plot.resize(900, 400)
    qtbot.waitUntil(plot._legend.isVisible)


def test_a_plot_shrunk_to_a_strip_lays_out_within_its_canvas(qtbot):
    """Shrunk from a roomy window to a short strip (a side screen), the plot was laid out for
    the legend it was about to hide: taller than its canvas, so the time axis fell below it
    and axes painted at the old size stayed drawn over the data."""
    s = Session(qtbot)
    record_a_session(s)
    s.plot.resize(900, 420)
    s.plot.show()
    qtbot.waitExposed(s.plot)
    assert s.plot._legend.isVisible()
    s.plot.resize(348, 154)
    qtbot.wait(20)
    assert not s.plot._legend.isVisible()
    canvas = s.plot._view
    laid_out = canvas.centralWidget.geometry()
    assert laid_out.height() <= canvas.height() and laid_out.width() <= canvas.width()
    axis = s.plot._axis.geometry()
    assert axis.bottom() <= canvas.height()  # the time axis is in sight


def test_a_marker_row_hands_its_item_only_the_markers_in_view(qtbot):
    """A tap on a note kind costs the same at the 3,000th glimmer as at the first: the row's
    item is given the markers in view (bisected), not every marker of the session."""
    s = Session(qtbot)
    for _ in range(3000):  # five hours, one every 6 s
        s.clock.advance(6)
        s.rec.note("glimmer")
    s.plot.show_state(s.rec.state, s.rec.now_ms())
    s.clock.advance(6)
    s.do(s.rec.note("glimmer"))
    given = s.plot._marker_items["note:glimmer"].xData
    assert 0 < len(given) <= 110  # ten minutes of them, and a little beyond either edge
    assert given[-1] == pytest.approx(s.rec.now_ms() / 60_000)
    assert len(s.plot.marker_xy("note:glimmer")[0]) == 3001


def test_a_plot_redrawn_empty_holds_no_points_of_the_session_before(qtbot):
    """A page that lets go of its session redraws its plot empty. Given no points, pyqtgraph
    only hides an item and keeps what it last drew: a long session's markers and lanes stayed
    in memory behind the page after it had let the session go."""
    s = Session(qtbot)
    record_a_session(s)
    s.plot.show_state(s.rec.state, s.rec.now_ms())
    markers = list(s.plot._marker_items.values())
    lanes = [lane.settled for lane in s.plot._lanes.values()]
    assert any(len(item.scatter.data) for item in markers)  # those in view
    assert all(len(item.curve.xData) for item in lanes)
    s.plot.show_state(SessionState(), 0)
    assert [len(item.scatter.data) for item in markers] == [0] * len(markers)
    assert [item.curve.xData for item in lanes] == [None] * len(lanes)
