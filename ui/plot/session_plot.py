"""The session plot: both lanes on the ladder, ruptures, repairs, notes, pauses and "now".

The same widget draws a live session (a rolling window that follows now) and a finished one
(review, supervision playback: the whole session). It keeps no session state of its own: it
draws the `SessionState` it is given, in full (`show_state`) or one in-order event at a time
(`on_change`), and both paths draw the same thing. It only holds on to the last state it was
given, to know where an ended session stops and to draw `render_png`. The frame around it
(time axis, legend, following now, zoom) is `attune_companion_ui.plot.plot_frame.PlotFrame`.

Performance follows pyqtgraph's scrolling-plot advice (STYLE.md): items are created once and
fed numpy views with `setData`; data are clipped to a fixed x-range; nothing auto-ranges.
Arrays keep spare capacity, so a tap costs O(1) amortised plus painting what is in view,
however long the session already is. While live, the plot repaints only what changes: time
passing moves the now line, each lane's last state and an open span's edge once they would
move by a pixel, and then repaints only that sliver; the view itself steps ahead about once a
minute (`attune_companion_ui.plot.following`); what changes rarely (axes, guides, closed
spans, settled steps, markers) is kept as pixmaps, so repainting a sliver copies pixels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QBrush, QColor, QImage
from PySide6.QtWidgets import QGraphicsView, QWidget

from attune_companion.events import Event, Kind
from attune_companion.fold import LANE_OF, LANES, SessionState
from attune_companion.scheme import Scheme
from attune_companion_ui.plot.lane_drawing import LaneDrawing
from attune_companion_ui.plot.markers import marker_looks, marker_rows
from attune_companion_ui.plot.moving_items import CACHED, PathItem
from attune_companion_ui.plot.plot_frame import PlotFrame
from attune_companion_ui.plot.plot_items import MS_PER_MIN, Points, Spans, Swatch, show_points
from attune_companion_ui.plot.plot_style import DARK, PlotStyle

LANE_LABELS = {"client": "Client (perceived)", "self": "Self"}
MARKER_MARGIN = 0.02
"""Markers this share of the view beyond either edge are still drawn (half shown)."""


class SessionPlot(PlotFrame):
    """Client and self lanes as step lines on the ladder, with ruptures, repairs, notes and now.

    Drive it with `show_state` (whole redraw), `on_change` (one in-order event) and `tick`
    (time passes). `following` is True while the view keeps now in sight; a pan or zoom by
    mouse stops that (followingChanged(False)) until `follow_now` or `set_window`. A click
    in the plot says when it fell: clickedAt(ms), with `ms_per_pixel` for a tolerance.
    `set_zoom` says how the wheel behaves and offers a visible way back (see PlotFrame).
    """

    def __init__(self, scheme: Scheme, style: PlotStyle = DARK, parent: QWidget | None = None):
        rows, y_range = marker_rows(scheme)
        super().__init__(y_range, [(s.level, s.label) for s in scheme.enabled_states], parent)
        self._scheme = scheme
        self._levels = {s.id: s.level for s in scheme.states}
        ladder = scheme.enabled_states
        span = max(ladder[0].level - ladder[-1].level, 1.0)
        smallest_gap = min(a.level - b.level for a, b in zip(ladder, ladder[1:]))
        self._self_offset = min(0.04 * span, 0.3 * smallest_gap)
        self._rows = rows

        self._state: SessionState | None = None
        self._now_ms = 0
        self._drawn_ms = 0
        self._edge_ms = 0  # where the now line and what ends at now were last drawn

        self._build_items()
        self.set_style(style)
        self._apply_x_range()

    # -- building and styling ----------------------------------------------------------------

    def _build_items(self) -> None:
        plot, box = self._plot, self._plot.getViewBox()
        ladder = self._scheme.enabled_states
        self._guides = [pg.InfiniteLine(s.level, angle=0, movable=False) for s in ladder]
        for guide in self._guides:
            guide.setZValue(-15)
            plot.addItem(guide, ignoreBounds=True)
        self._pauses = Spans(plot, z=-25, y_range=self.y_range)
        self._ruptures = Spans(plot, z=-20, y_range=self.y_range)

        # the self lane a little below its level, so it never hides under the client
        self._lanes = {lane: LaneDrawing(plot, z, self._self_offset if lane == "self" else 0.0)
                       for z, lane in enumerate(LANES)}
        self._markers = {kind: Points() for kind in self._rows}
        self._marker_items = {kind: pg.PlotDataItem(pen=None) for kind in self._rows}
        for z, item in enumerate(self._marker_items.values(), len(LANES)):
            item.setZValue(z)
            plot.addItem(item)
            item.scatter.setCacheMode(CACHED)
            # `_flush` hands each row only its markers in view: pyqtgraph's own clipping
            # would set every row's data again at each range change (5 ms an open)
            item.setClipToView(False)
        self._markers_shown: dict[str, tuple[int, int]] = {}  # the slice of each row drawn
        box.sigXRangeChanged.connect(self._on_x_range)
        self._on_x_range(box, box.viewRange()[0])
        self._now_line = PathItem()
        self._now_line.setZValue(len(LANES) + len(self._rows))
        plot.addItem(self._now_line, ignoreBounds=True)

        self._rupture_swatch, self._pause_swatch = Swatch(), Swatch()
        entries = [
            (self._lanes["client"].settled, LANE_LABELS["client"]),
            (self._lanes["self"].settled, LANE_LABELS["self"]),
            (self._rupture_swatch, self._scheme.rupture_label),
            (self._marker_items["repair_attempt"], self._scheme.attempt_label),
            (self._marker_items["repair"], self._scheme.repair_label),
            (self._pause_swatch, "Pause"),
            *((self._marker_items[f"note:{n.id}"], n.label) for n in self._scheme.notes),
        ]
        for item, label in entries:
            self._legend.addItem(item, label)
        # What changes rarely is kept as a pixmap, so repainting the sliver a tap or a tick
        # touched copies pixels instead of drawing every grid line and guide again (a strip at
        # 10,000 events: 1.0 → 0.2 ms). Spans, markers and settled steps do the same.
        for part in (plot.getAxis("bottom"), plot.getAxis("left"), *self._guides):
            part.setCacheMode(CACHED)

    def set_style(self, style: PlotStyle) -> None:
        """Repaint everything in another palette (dark / light); the data are untouched."""
        scheme = self._scheme

        def colour(hex_colour: str, alpha: float = 1.0, from_scheme: bool = False) -> QColor:
            c = QColor(hex_colour)
            c = c.darker(style.scheme_shade) if from_scheme else c
            c.setAlphaF(alpha)
            return c

        self._style_frame(style)
        for guide, state in zip(self._guides, scheme.enabled_states):
            guide.setPen(pg.mkPen(colour(state.colour, style.level_guide_alpha, True),
                                  width=1.5, style=Qt.PenStyle.DotLine))

        rupture = QBrush(colour(scheme.rupture_colour, style.rupture_alpha, True))
        edge_alpha = min(1.0, 2.5 * style.rupture_alpha)
        rupture_edge = pg.mkPen(colour(scheme.rupture_colour, edge_alpha, True))
        pause = QBrush(colour(style.pause_colour, style.pause_alpha), Qt.BrushStyle.BDiagPattern)
        self._ruptures.restyle(rupture, rupture_edge)
        self._pauses.restyle(pause, pg.mkPen(None))
        self._rupture_swatch.brush, self._rupture_swatch.pen = rupture, rupture_edge
        self._pause_swatch.brush = pause
        self._pause_swatch.pen = pg.mkPen(colour(style.pause_colour, style.pause_alpha))

        self._lanes["client"].set_pen(pg.mkPen(style.client_line, width=style.client_width))
        self._lanes["self"].set_pen(pg.mkPen(style.self_line, width=style.self_width,
                                             style=Qt.PenStyle.DashLine))
        for kind, look in marker_looks(scheme, style).items():
            item = self._marker_items[kind]
            item.setSymbol(look.symbol)
            item.setSymbolPen(look.pen)
            item.setSymbolBrush(look.brush)
            item.setSymbolSize(style.marker_size)
        self._now_line.setPen(pg.mkPen(style.now_line, width=1.5))

    # -- drawing a state ---------------------------------------------------------------------

    def show_state(self, state: SessionState, now_ms: int) -> None:
        """Draw `state` from scratch: at start, resume, after an undo or back-dated tap, review."""
        self._state = state
        self._drawn_ms = state.last_ms
        self._now_ms = max(now_ms, state.last_ms)
        level = self._levels.get
        for lane in LANES:
            intervals = state.lanes[lane]
            n = len(intervals)
            # one pass in C per array: a method call per interval was most of this at 100,000
            self._lanes[lane].load(
                np.fromiter((i.start_ms for i in intervals), float, n) / MS_PER_MIN,
                np.fromiter((level(i.state, np.nan) for i in intervals), float, n))
        times: dict[str, list[int]] = {kind: [] for kind in self._rows}
        for ep in state.episodes:
            times["repair_attempt"].extend(ep.attempts)
            if ep.repair_ms is not None:
                times["repair"].append(ep.repair_ms)
        for note in state.notes:
            times.setdefault(f"note:{note.kind}", []).append(note.offset_ms)
        for kind, points in self._markers.items():
            points.load(np.array(times[kind], float) / MS_PER_MIN,
                        np.full(len(times[kind]), self._rows[kind]))
        self._ruptures.load([(ep.start_ms, ep.end_ms) for ep in state.episodes], self._tail_ms())
        self._pauses.load([(p.start_ms, p.end_ms) for p in state.pauses], self._tail_ms())
        # Every row is handed its markers once: by the range change moving to this state's
        # view, if there is one, else here (each was set twice, a few ms at 10,000 events).
        self._markers_shown.clear()
        self._draw_now()
        self._flush(set(self._markers), again=False)

    def on_change(self, event: Event, state: SessionState) -> None:
        """Draw one event just applied to `state` in timeline order, in O(1) amortised.

        Anything that does not fit (an undo, an out-of-order event, a state this plot has not
        been following) falls back to a full `show_state`.
        """
        self._state = state
        dirty = self._apply(event, state) if event.offset_ms >= self._drawn_ms else None
        if dirty is None:
            self.show_state(state, max(self._now_ms, event.offset_ms))
            return
        self._drawn_ms = event.offset_ms
        self._now_ms = max(self._now_ms, event.offset_ms)
        self._flush(dirty)
        self._draw_now()

    def tick(self, now_ms: int) -> None:
        """Time passes: move the now line, the lanes' last states and an open span's edge, once
        they would move by a pixel or more (a tick that would not shows nothing new, so it
        draws nothing and the plot is not repainted)."""
        if self._state is not None and self._state.ended:
            return
        self._now_ms = max(now_ms, self._drawn_ms)
        if abs(self._now_ms - self._edge_ms) >= self.ms_per_pixel():
            self._draw_now()

    @property
    def now_drawn_ms(self) -> int:
        """The session time now was last drawn at: within a pixel of now while live."""
        return self._edge_ms

    def _apply(self, event: Event, state: SessionState) -> set[str] | None:
        """Add `event` to what is drawn: the items to refresh, or None when a redraw is needed."""
        kind, t = event.kind, event.offset_ms
        if kind in LANE_OF:
            lane = LANE_OF[kind]
            intervals = state.lanes[lane]
            if len(intervals) != self._lanes[lane].points.n + 1 or intervals[-1].start_ms != t:
                return None
            self._lanes[lane].append(t / MS_PER_MIN, self._level(intervals[-1].state))
            return set()
        if kind is Kind.RUPTURE:
            opened = len(state.episodes) - len(self._ruptures.ms)
            if opened == 1 and not self._ruptures.is_open:
                self._ruptures.open(state.episodes[-1].start_ms, self._tail_ms())
                return set()
            return set() if opened == 0 and self._ruptures.is_open else None
        if kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
            if not self._ruptures.is_open:
                return None
            if kind is Kind.REPAIR:
                self._ruptures.close(t)
            self._markers[kind.value].append(t / MS_PER_MIN, self._rows[kind.value])
            return {kind.value}
        if kind is Kind.NOTE:
            key = f"note:{event.value}"
            if key not in self._markers:
                return set()  # a note kind this scheme does not have: show_state skips it too
            self._markers[key].append(t / MS_PER_MIN, self._rows[key])
            return {key}
        if kind is Kind.PAUSE and len(state.pauses) == len(self._pauses.ms) + 1:
            self._pauses.open(t, t)
            return set()
        if kind is Kind.RESUME and self._pauses.is_open:
            self._pauses.close(t)
            return set()
        if kind is Kind.END:
            for spans in (self._ruptures, self._pauses):
                if spans.is_open:
                    spans.close(t)
            return set()
        return None

    def _level(self, state_id: str) -> float:
        return self._levels.get(state_id, np.nan)

    def _tail_ms(self) -> int:
        """Where lanes and open spans end: the session's end, or now."""
        if self._state is not None and self._state.ended_ms is not None:
            return self._state.ended_ms
        return self._now_ms

    def _draw_now(self) -> None:
        """Draw what ends at now (the now line, each lane's last state, an open span's edge)
        where now is, and keep it in view."""
        tail = self._tail_ms()
        self._edge_ms = tail
        self._now_line.set_points([tail / MS_PER_MIN] * 2, self.y_range)
        self._now_line.setVisible(self._state is None or not self._state.ended)
        self._apply_x_range()
        self._ruptures.follow(tail)
        self._pauses.follow(tail)
        reach = self.x_range()[1]
        for lane in self._lanes.values():
            lane.follow(tail / MS_PER_MIN, reach)

    def _range_stepped(self) -> None:
        for lane in self._lanes.values():
            lane.settle()  # the whole plot is repainted now anyway

    def _flush(self, markers: set[str], again: bool = True) -> None:
        """Hand each marker row in `markers` only its markers in view (and a little beyond),
        found by bisecting: a tap costs the same at the 8,000th glimmer as at the first.
        Without `again`, a row whose slice has not changed is left as it is."""
        left, right = self.x_range()
        margin = MARKER_MARGIN * (right - left)
        for key in markers:
            x, y = self._markers[key].view()
            shown = (int(np.searchsorted(x, left - margin)),
                     int(np.searchsorted(x, right + margin, side="right")))
            if again or shown != self._markers_shown.get(key):
                self._markers_shown[key] = shown
                show_points(self._marker_items[key], x[shown[0]:shown[1]], y[shown[0]:shown[1]])

    def _on_x_range(self, _box: object, x_range: tuple[float, float]) -> None:
        self._flush(set(self._markers), again=False)
        self._ruptures.show_range(*x_range)
        self._pauses.show_range(*x_range)

    # -- read-only views, for tests, the window and reports ----------------------------------

    def lane_xy(self, lane: str) -> tuple[np.ndarray, np.ndarray]:
        """A lane as drawn: step starts (minutes) and ladder levels, plus the trailing point."""
        x, y = self._lanes[lane].xy()
        return x.copy(), y.copy()

    def rupture_spans(self) -> list[tuple[float, float]]:
        """Each rupture episode as (start, end) in minutes; an open one ends now."""
        return self._ruptures.minutes()

    def pause_spans(self) -> list[tuple[float, float]]:
        """Each pause as (start, end) in minutes; an open one ends now."""
        return self._pauses.minutes()

    def marker_xy(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """Marker positions (minutes, row) for "repair_attempt", "repair" or "note:<id>"."""
        x, y = self._markers[kind].view()
        return x.copy(), y.copy()

    def hold_still(self) -> None:
        """The session drawn changes only by `show_state` (review, playback): keep the lanes
        and markers as cached pixmaps and repaint only where an overlay moved, so a moving
        cursor over 10,000 events costs a few ms, and a repaint of the review copies pixels."""
        self._view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        for lane in self._lanes.values():
            lane.hold_still()

    def render_png(self, width: int, height: int, style: PlotStyle | None = None) -> bytes:
        """A PNG of the current view at exactly width x height pixels (for reports).

        An off-screen copy draws it, so the widget on screen neither resizes nor flickers.
        `style` picks another palette (e.g. LIGHT for print).
        """
        style = style or self._style
        copy = SessionPlot(self._scheme, style)
        try:
            copy._window, copy._following = self._window, False
            if self._state is not None:
                copy.show_state(self._state, self._now_ms)
            copy._plot.setXRange(*self.x_range(), padding=0)
            copy.resize(width, height)
            image = QImage(width, height, QImage.Format.Format_ARGB32)
            image.fill(QColor(style.background))
            copy.render(image)
        finally:
            copy.deleteLater()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(buffer.data())
