"""A long finished session opened in the plot (review, playback): drawn with no more than
the screen can show, and painted from what is kept when nothing changed.

At 10,000 events a review must open in 0.2 s (issue 14); painting was most of it. These
tests count what is drawn (points handed to Qt, paint calls), never the clock.
"""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from attune_companion.events import Kind
from attune_companion.fold import fold
from attune_companion.scheme import default_scheme
from attune_companion.store import Store, now_utc
from attune_companion_ui.plot.plot_items import PATTERN_ROWS
from attune_companion_ui.plot.session_plot import SessionPlot

STATES = ("ventral", "sympathetic", "dorsal")
NOTES = ("glimmer", "trigger", "note")


def long_state(taps: int = 9000):
    """An ended session of `taps` taps about 3 s apart: lane states, and now and then a
    rupture with an attempt and a repair, a note, a pause."""
    store = Store.memory()
    scheme = default_scheme()
    row = store.create_session("LONG-1", number=1, modality=None, started_utc=now_utc(),
                               time_zone="UTC", scheme_json=scheme.to_json())
    rng = random.Random(7)
    t = 0
    with store.db.atomic():
        for i in range(taps):
            t += rng.randint(1000, 5000)
            if i % 40 == 10:
                store.append(row.id, Kind.RUPTURE, t, "", value="withdrawal")
            elif i % 40 == 15:
                store.append(row.id, Kind.REPAIR_ATTEMPT, t, "")
            elif i % 40 == 20:
                store.append(row.id, Kind.REPAIR, t, "")
            elif i % 30 == 7:
                store.append(row.id, Kind.NOTE, t, "", value=rng.choice(NOTES))
            elif i % 200 == 30:
                store.append(row.id, Kind.PAUSE, t, "")
            elif i % 200 == 35:
                store.append(row.id, Kind.RESUME, t, "")
            else:
                kind = Kind.CLIENT if rng.random() < 0.6 else Kind.SELF
                store.append(row.id, kind, t, "", value=rng.choice(STATES))
        store.append(row.id, Kind.END, t + 1000, "")
    return fold(store.events(row.id))


@pytest.fixture(scope="module")
def state():
    return long_state()


@pytest.fixture
def opened(qtbot, state) -> SessionPlot:
    """A whole-session plot of `state`, shown at 1280 px and painted, as the review opens it."""
    plot = SessionPlot(default_scheme())
    qtbot.addWidget(plot)
    plot.resize(1280, 500)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_window(None)
    plot.show_state(state, state.ended_ms)
    plot.hold_still()
    plot.repaint()
    return plot


@pytest.mark.parametrize("lane", ["client", "self"])
def test_a_long_lane_is_drawn_with_at_most_two_points_per_pixel_column(opened, lane):
    columns = opened._plot.getViewBox().width()
    drawn, _ = opened._lanes[lane].settled.curve.getData()
    assert len(opened.lane_xy(lane)[0]) > 2 * columns  # more steps than pixels
    assert 0 < len(drawn) <= 2 * columns


class RecordingPainter:
    """Stands in for a QPainter: keeps what `ClosedSpans.paint` asks to be filled or drawn."""

    def __init__(self, transform) -> None:
        self._transform = transform
        self.filled: list = []
        self.images: list = []
        self.tiled: list = []

    def transform(self):
        return self._transform

    def drawRects(self, rects) -> None:  # noqa: N802 (Qt's name)
        self.filled.extend(rects)

    def drawImage(self, target, image) -> None:  # noqa: N802 (Qt's name)
        self.images.append((target, image))

    def fillRect(self, target, brush) -> None:  # noqa: N802 (Qt's name)
        self.tiled.append((target, brush.textureImage()))

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _painted(plot: SessionPlot, spans) -> RecordingPainter:
    painter = RecordingPainter(spans.deviceTransform(plot._view.viewportTransform()))
    spans.paint(painter)
    return painter


def test_closed_pauses_are_one_repeat_of_their_hatch_tiled_down_the_plot(opened):
    """Qt fills a hatched translucent rect row by row too: a long session's 42 pauses were
    17 ms of the review's first paint. The hatch repeats every 8 rows, so 8 rows are drawn
    and tiled down the plot's height in one fill."""
    painter = _painted(opened, opened._pauses._closed)
    assert painter.filled == [] and painter.images == []
    [(target, strip)] = painter.tiled
    assert isinstance(target, QRect) and target.height() > 100
    assert strip.height() == PATTERN_ROWS and strip.width() == target.width()


def test_the_tiled_hatch_lands_on_the_pixels_each_pause_would_have(opened, monkeypatch):
    """The strip is drawn where the screen's rows fall in the hatch's repeat, so tiling it
    gives exactly what filling each pause (and then its edges) with the hatch gives."""
    spans = opened._pauses._closed

    def each_pause(self, p, lefts, rights, edges, top, height):
        p.setBrushOrigin(0, 0)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._brush)
        p.drawRects([QRect(a, top, b - a, height) for a, b in zip(lefts, rights)])
        if self._pen.style() != Qt.PenStyle.NoPen:
            p.setBrush(self._pen.color())
            p.drawRects(edges)

    def blank() -> QImage:
        image = QImage(opened._view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor(30, 30, 30))
        return image

    def painted() -> QImage:
        image = blank()
        painter = QPainter(image)
        painter.setTransform(spans.deviceTransform(opened._view.viewportTransform()))
        spans.paint(painter)
        painter.end()
        return image

    tiled = painted()
    monkeypatch.setattr(type(spans), "_paint_as_strip", each_pause)
    direct = painted()
    assert tiled == direct and tiled != blank()


def test_closed_ruptures_are_one_row_of_pixels_stretched_not_a_rect_per_span_and_row(opened):
    """Qt fills a translucent rect row by row: a long session's 150 full-height rupture rects
    were 35-50 ms of every paint. A solid fill is the same in every row, so one row is drawn
    and blended whole at the plot's height."""
    painter = _painted(opened, opened._ruptures._closed)
    assert painter.filled == []
    [(target, row)] = painter.images
    assert row.height() == 1 and target.height() > 100 and target.width() == row.width()
    shaded = sum(row.pixelColor(x, 0).alpha() > 0 for x in range(row.width()))
    assert 100 < shaded < row.width()  # ruptures and the gaps between them, in the row


def test_showing_a_state_hands_each_marker_row_its_markers_once(qtbot, state, monkeypatch):
    plot = SessionPlot(default_scheme())
    qtbot.addWidget(plot)
    plot.resize(1280, 500)
    plot.set_window(None)
    handed: list[str] = []
    for key, item in plot._marker_items.items():
        monkeypatch.setattr(item.scatter, "setData", lambda *a, key=key, **k: handed.append(key))
    plot.show_state(state, state.ended_ms)  # from an empty plot to 8 hours: the view moves
    assert sorted(handed) == sorted(plot._marker_items)
    handed.clear()
    plot.show_state(state, state.ended_ms)  # the same view: nothing moves
    assert sorted(handed) == sorted(plot._marker_items)
    handed.clear()
    plot._plot.setXRange(10, 100, padding=0)  # a zoom: once more each
    assert sorted(handed) == sorted(plot._marker_items)


def test_showing_a_state_maps_levels_without_a_call_per_interval(qtbot, state, monkeypatch):
    plot = SessionPlot(default_scheme())
    qtbot.addWidget(plot)
    calls: list[str] = []
    monkeypatch.setattr(SessionPlot, "_level", lambda self, s: calls.append(s) or 0.0)
    plot.show_state(state, state.ended_ms)
    assert calls == []
    levels = {s.id: s.level for s in default_scheme().states}
    x, y = plot.lane_xy("client")
    intervals = state.lanes["client"]
    assert list(y[:-1]) == [levels[i.state] for i in intervals]
    assert list(x[:-1]) == [i.start_ms / 60_000 for i in intervals]
