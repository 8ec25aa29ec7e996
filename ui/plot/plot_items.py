"""Building blocks of the session plot: growable arrays, shaded spans and the legend.

Kept apart from `attune_companion_ui.plot.session_plot` so that module reads as what is drawn, and this one as how.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

from attune_companion_ui.plot.moving_items import CACHED, SpanItem

MS_PER_MIN = 60_000.0
PATTERN_ROWS = 8
"""Qt's hatch brushes repeat every 8 pixels down."""


def show_points(item: pg.PlotDataItem, x: np.ndarray, y: np.ndarray) -> None:
    """`item.setData(x, y)`, letting go of the points drawn before when there are none now:
    given none, pyqtgraph only hides the item and keeps them (a long session's markers and
    lanes stayed behind a page that had let the session go)."""
    if not len(x):
        item.clear()
    item.setData(x, y)


def fit_layout(view: pg.GraphicsView) -> None:
    """Size a canvas's layout to the canvas again, after something in it changed its least
    size (a legend hidden, a title wrapped). pyqtgraph sizes the layout only as the canvas is
    resized, and Qt never makes a layout smaller than its least size at that moment: the
    layout stayed larger than its canvas, a time axis or the newest sessions out of sight."""
    view.centralWidget.setGeometry(QRectF(view.rect()))


class Points:
    """x/y float arrays with spare capacity, so appending is O(1) amortised.

    A lane also uses the slot after its `n` points for its trailing point (its last state held
    until now); `view(trailing=True)` includes it. Views, not copies, go to `setData`.
    """

    def __init__(self) -> None:
        self.x = np.empty(64)
        self.y = np.empty(64)
        self.n = 0

    def load(self, xs: Sequence[float], ys: Sequence[float]) -> None:
        capacity = max(64, 2 * len(xs) + 2)
        self.x, self.y = np.empty(capacity), np.empty(capacity)
        self.x[: len(xs)], self.y[: len(ys)] = xs, ys
        self.n = len(xs)

    def append(self, x: float, y: float) -> None:
        if self.n + 2 > len(self.x):
            for name in ("x", "y"):
                grown = np.empty(2 * len(self.x))
                grown[: self.n] = getattr(self, name)[: self.n]
                setattr(self, name, grown)
        self.x[self.n], self.y[self.n] = x, y
        self.n += 1

    def set_trailing(self, x: float) -> None:
        if self.n:
            self.x[self.n], self.y[self.n] = max(x, self.x[self.n - 1]), self.y[self.n - 1]

    def view(self, trailing: bool = False) -> tuple[np.ndarray, np.ndarray]:
        end = self.n + 1 if trailing and self.n else self.n
        return self.x[:end], self.y[:end]


class ClosedSpans(pg.GraphicsObject):
    """Every closed span of one kind (ruptures or pauses) as ONE item: shaded, with its edges
    drawn in `pen`, its fill pattern laid in screen pixels like `SpanItem`'s.

    A long session has thousands of spans; one item per span made opening its review take
    seconds (each item is built, added to the scene and told of every range change). This
    one paints only the spans in view, found by bisecting, in one call.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setCacheMode(CACHED)  # changes when a span closes or the view moves: copied else
        self.starts: list[float] = []  # minutes, in time order
        self.ends: list[float] = []
        self._brush = QBrush()
        self._pen = QPen(Qt.PenStyle.NoPen)
        self._bounds = QRectF()

    def set_spans(self, starts: list[float], ends: list[float]) -> None:
        self.prepareGeometryChange()
        self.starts, self.ends = starts, ends
        self.update()

    def add(self, start: float, end: float) -> None:
        self.prepareGeometryChange()
        self.starts.append(start)
        self.ends.append(end)
        self.update()

    def restyle(self, brush: QBrush, pen: QPen) -> None:
        self._brush, self._pen = brush, pen
        self.update()

    def in_range(self, left: float, right: float) -> tuple[int, int]:
        """Indices [first, last) of the spans that reach into left…right (minutes)."""
        first = bisect.bisect_left(self.ends, left)
        return first, max(first, bisect.bisect_right(self.starts, right))

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        view = self.viewRect()
        if view is None or not self.starts:
            return QRectF()
        bounds = QRectF(view)
        bounds.setLeft(self.starts[0])
        bounds.setRight(self.ends[-1])
        bounds = bounds.normalized()
        if bounds != self._bounds:  # as pyqtgraph's LinearRegionItem does
            self._bounds = bounds
            self.prepareGeometryChange()
        return bounds

    def paint(self, p: QPainter, *args: object) -> None:
        view = self.viewRect()
        if view is None or not self.starts:
            return
        first, last = self.in_range(view.left(), view.right())
        if first == last:
            return
        to_device = p.transform()
        top, bottom = sorted((to_device.map(QPointF(0, view.top())).y(),
                              to_device.map(QPointF(0, view.bottom())).y()))
        top, height = round(top), round(bottom) - round(top)
        scale, shift = to_device.m11(), to_device.dx()
        # In whole device pixels: Qt fills pixel-aligned rects several times faster than
        # fractional ones (this was 12 ms of an open at 10,000 events) and draws the
        # same pixels, as nothing here is antialiased. Edges are pixel-wide fills.
        lefts: list[int] = []
        rights: list[int] = []
        edges: list[QRect] = []
        for start, end in zip(self.starts[first:last], self.ends[first:last]):
            a = round(start * scale + shift)
            b = max(round(end * scale + shift), a + 1)
            edges += [QRect(a, top, 1, height), QRect(b, top, 1, height)]
            if lefts and a <= rights[-1]:  # touches the one before on screen: one rect
                rights[-1] = max(rights[-1], b)
            else:
                lefts.append(a)
                rights.append(b)
        p.save()
        p.resetTransform()
        self._paint_as_strip(p, lefts, rights, edges, top, height)
        p.restore()

    def _paint_as_strip(self, p: QPainter, lefts: list[int], rights: list[int],
                        edges: list[QRect], top: int, height: int) -> None:
        """Qt fills a translucent rect row by row, so many narrow full-height rects cost a
        call per rect per row (35-50 ms an open at 10,000 events). But the fill repeats down
        the plot: a solid fill every row, a hatch every PATTERN_ROWS. So the rows of one
        repeat are drawn into an image, composed as the rects were (fill, then edges over
        it), and that image is blended over the whole height in one call: well under a
        millisecond, and the same pixels."""
        rows = 1 if self._brush.style() == Qt.BrushStyle.SolidPattern else PATTERN_ROWS
        x0 = min(lefts[0], edges[0].left())
        width = max(rights[-1], edges[-1].right() + 1) - x0
        strip = QImage(width, rows, QImage.Format.Format_ARGB32_Premultiplied)
        strip.fill(0)
        painter = QPainter(strip)
        painter.setBrushOrigin(-x0, 0)  # the strip's row r is every screen row y ≡ r (mod rows)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._brush)
        painter.drawRects([QRect(a - x0, 0, b - a, rows) for a, b in zip(lefts, rights)])
        if self._pen.style() != Qt.PenStyle.NoPen:
            painter.setBrush(self._pen.color())
            painter.drawRects([QRect(e.left() - x0, 0, 1, rows) for e in edges])
        painter.end()
        target = QRect(x0, top, width, height)
        if rows == 1:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(target, strip)
        else:
            p.setBrushOrigin(x0, 0)
            p.fillRect(target, QBrush(strip))


class Spans:
    """Shaded time spans (ruptures or pauses) in time order; only the last can be open, and
    it ends at now.

    The closed spans are one `ClosedSpans` item, however many; the open one is a `SpanItem`
    whose right edge follows now: its bounds reach to the view's right edge, so as time passes
    only the strip its edge crossed is repainted.
    """

    def __init__(self, plot: pg.PlotItem, z: float, y_range: tuple[float, float]) -> None:
        self._plot = plot
        self._brush = QBrush()
        self._pen = QPen(Qt.PenStyle.NoPen)
        self.ms: list[tuple[int, int | None]] = []
        self._now_ms = 0
        self._view = (0.0, 0.0)
        self._closed = ClosedSpans()
        self._open = SpanItem(y_range)
        for item in (self._closed, self._open):
            item.setZValue(z)
            plot.addItem(item, ignoreBounds=True)
        self._open.hide()

    @property
    def is_open(self) -> bool:
        return bool(self.ms) and self.ms[-1][1] is None

    def restyle(self, brush: QBrush, pen: QPen) -> None:
        self._brush, self._pen = brush, pen
        self._closed.restyle(brush, pen)
        self._open.brush, self._open.pen = brush, pen
        self._open.update()

    def load(self, spans: list[tuple[int, int | None]], now_ms: int) -> None:
        """Show exactly `spans`: (start, end or None) in ms."""
        self.ms = [(s, None if e is None else max(s, e)) for s, e in spans]
        self._now_ms = now_ms
        closed = [(s, e) for s, e in self.ms if e is not None]
        self._closed.set_spans([s / MS_PER_MIN for s, _ in closed],
                               [e / MS_PER_MIN for _, e in closed])
        self._show_open()

    def open(self, start_ms: int, now_ms: int) -> None:
        self.ms.append((start_ms, None))
        self._now_ms = now_ms
        self._show_open()

    def close(self, end_ms: int) -> None:
        start = self.ms[-1][0]
        end = max(end_ms, start)
        self.ms[-1] = (start, end)
        self._closed.add(start / MS_PER_MIN, end / MS_PER_MIN)
        self._show_open()

    def follow(self, now_ms: int) -> None:
        """Move the open span's right edge to `now_ms`."""
        self._now_ms = now_ms
        if self.is_open:
            self._show_open()

    def show_range(self, left_min: float, right_min: float) -> None:
        """The plot now shows this time range (minutes)."""
        self._view = (left_min, right_min)

    def minutes(self) -> list[tuple[float, float]]:
        """Every span as (start, end) minutes; an open one ends where its edge was last moved."""
        now = self._now_ms
        return [(s / MS_PER_MIN, max(s, now if e is None else e) / MS_PER_MIN) for s, e in self.ms]

    def drawn(self) -> list[tuple[float, float]]:
        """The spans in view as their items show them, in time order (minutes)."""
        left, right = self._view
        first, last = self._closed.in_range(left, right)
        out = list(zip(self._closed.starts[first:last], self._closed.ends[first:last]))
        if self._open.isVisible():
            start, end = self._open.span()
            if end >= left and start <= right:
                out.append((start, end))
        return out

    def _show_open(self) -> None:
        if not self.is_open:
            self._open.hide()
            return
        start = self.ms[-1][0] / MS_PER_MIN
        end = max(self.ms[-1][0], self._now_ms) / MS_PER_MIN
        self._open.set_span(start, end, reach=max(end, self._view[1]))
        self._open.show()


class Swatch:
    """What a legend entry for a shaded span needs (drawn by `LegendSample`)."""

    def __init__(self) -> None:
        self.opts: dict[str, object] = {}
        self.brush = QBrush()
        self.pen = QPen(Qt.PenStyle.NoPen)

    def isVisible(self) -> bool:
        return True


class LegendSample(ItemSample):
    """A legend sample that never hides its item on a click. It draws span swatches, lines
    and markers from the item's own style, so a marker's sample is right (and full size)
    before the first marker of its kind is drawn."""

    SIZE = 22
    MARKER_PX = 13

    def __init__(self, item: object) -> None:
        super().__init__(item)
        self.setFixedWidth(self.SIZE)
        self.setFixedHeight(self.SIZE)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.SIZE, self.SIZE)

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        item, mid = self.item, self.SIZE / 2
        if isinstance(item, Swatch):
            p.setPen(item.pen)
            p.setBrush(item.brush)
            p.drawRect(QRectF(2, 4, self.SIZE - 4, self.SIZE - 8))
            return
        opts = item.opts
        if opts.get("pen") is not None:
            p.setPen(pg.mkPen(opts["pen"]))
            p.drawLine(QPointF(1, mid), QPointF(self.SIZE - 1, mid))
        if opts.get("symbol") is not None:
            p.translate(mid, mid)
            drawSymbol(p, opts["symbol"], min(opts["symbolSize"], self.MARKER_PX),
                       pg.mkPen(opts["symbolPen"]), pg.mkBrush(opts["symbolBrush"]))

    def mouseClickEvent(self, event: object) -> None:
        event.ignore()  # type: ignore[attr-defined]


class Legend(pg.LegendItem):
    """A legend laid out above the plot: not draggable, and it wraps to the width it gets."""

    def __init__(self) -> None:
        super().__init__(offset=None, sampleType=LegendSample, frame=False, horSpacing=6)

    def restyle(self, colour: str, size_pt: int) -> None:
        self.opts["labelTextColor"] = QColor(colour)
        self.opts["labelTextSize"] = f"{size_pt}pt"
        for _, label in self.items:
            label.setText(label.text, color=colour, size=f"{size_pt}pt")

    def fit(self, width: float) -> int:
        """Wrap into the fewest rows that fit in `width` pixels, rows filled evenly; returns
        the number of rows."""
        gap = self.layout.horizontalSpacing()
        widths = [sample.width() + label.item.boundingRect().width() + 3 * gap + 10
                  for sample, label in self.items]
        columns = 1
        for rows in range(1, len(widths) + 1):
            columns = math.ceil(len(widths) / rows)
            if sum(max(widths[c::columns]) for c in range(columns)) <= width:
                break
        self.setColumnCount(columns)
        return math.ceil(len(widths) / columns) if widths else 0

    def row_height(self) -> float:
        """The height of one row of entries, spacing included."""
        tallest = max((max(sample.height(), label.item.boundingRect().height())
                       for sample, label in self.items), default=0.0)
        return tallest + self.layout.verticalSpacing()

    def hoverEvent(self, ev: object) -> None:
        pass

    def mouseDragEvent(self, ev: object) -> None:
        ev.ignore()  # type: ignore[attr-defined]

    def mouseDoubleClickEvent(self, ev: object) -> None:
        ev.ignore()  # type: ignore[attr-defined]
