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
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

MS_PER_MIN = 60_000.0
CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


class Points:
    """x/y float arrays with spare capacity, so appending is O(1) amortised.

    A lane also uses the slot after its `n` points for its trailing point (its last state held
    until now); `view(trailing=True)` includes it. Views, not copies, go to `setData`.
    """

    def __init__(self) -> None:
        self.x = np.empty(64)
        self.y = np.empty(64)
        self.n = 0

    def load(self, xs: list[float], ys: list[float]) -> None:
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


class PathItem(pg.GraphicsObject):
    """A line through points in plot units, straight or in steps (each level held until the
    next point), drawn with a cosmetic pen.

    Its bounds are padded by the pen's width in pixels (Qt's own path and line items pad by
    the width in plot units, a minute either side here), so moving it repaints only where
    it was and where it is; and painting it is one `drawPath`, a fraction of what a
    PlotCurveItem's paint costs. For the parts of the plot that move often and are small.
    Given a `reach`, its bounds extend that far right, and a line whose last point only moved
    (within reach) repaints just the stretch between where that point was and where it is.
    """

    def __init__(self) -> None:
        super().__init__()
        self._path = QPainterPath()
        self._points: tuple[tuple[float, ...], tuple[float, ...], bool] = ((), (), False)
        self._reach: float | None = None
        self._pen = QPen(Qt.PenStyle.NoPen)
        self._pad = (0.0, 0.0)

    def setPen(self, pen: QPen) -> None:
        self.prepareGeometryChange()
        self._pen = QPen(pen)
        self._measure_pad()
        self.update()

    def set_points(self, xs: Sequence[float], ys: Sequence[float], steps: bool = False,
                   reach: float | None = None) -> None:
        """Draw through (xs, ys); a NaN level breaks the line."""
        points = (tuple(map(float, xs)), tuple(map(float, ys)), steps)
        if points == self._points and reach == self._reach:
            return
        (old_xs, old_ys, old_steps), (new_xs, new_ys, _) = self._points, points
        moved_end = (reach is not None and reach == self._reach and old_steps == steps
                     and old_ys == new_ys and len(old_xs) == len(new_xs) > 0
                     and old_xs[:-1] == new_xs[:-1] and max(old_xs[-1], new_xs[-1]) <= reach)
        self._points = points
        self._path = _path_through(new_xs, new_ys, steps)
        if moved_end:
            low, high = sorted((old_xs[-1], new_xs[-1]))
            drawn = self._path.controlPointRect()
            dx, dy = self._pad
            self.update(QRectF(low - dx, drawn.top() - dy, high - low + 2 * dx,
                               drawn.height() + 2 * dy))
        else:
            self.prepareGeometryChange()
            self._reach = reach
            self.update()

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._measure_pad()

    def _measure_pad(self) -> None:
        width = max(1.0, self._pen.widthF()) + 1
        self._pad = (width * self.pixelWidth(), width * self.pixelHeight())

    def boundingRect(self) -> QRectF:
        if self._path.isEmpty():
            return QRectF()
        rect = self._path.controlPointRect()
        if self._reach is not None and self._reach > rect.right():
            rect.setRight(self._reach)
        dx, dy = self._pad
        return rect.adjusted(-dx, -dy, dx, dy)

    def paint(self, p: QPainter, *args: object) -> None:
        p.setPen(self._pen)
        p.drawPath(self._path)


def _path_through(xs: Sequence[float], ys: Sequence[float], steps: bool) -> QPainterPath:
    path = QPainterPath()
    last = math.nan
    for x, y in zip(xs, ys):
        if math.isnan(y):
            pass
        elif math.isnan(last):
            path.moveTo(x, y)
        else:
            if steps:
                path.lineTo(x, last)
            path.lineTo(x, y)
        last = y
    return path


class SpanItem(pg.GraphicsObject):
    """One shaded time span across the plot's height: a fill laid in screen pixels (pyqtgraph
    fills in data units, which stretches a hatch pattern into a flat block) and its two edges.

    Moving only the right edge (an open span following now) repaints only the strip the edge
    crossed: the item's bounds reach to `reach` (the view's right edge while it is open), so
    they need not change, and with them the whole span need not be repainted, at each step.
    """

    def __init__(self, y_range: tuple[float, float]) -> None:
        super().__init__()
        self.setCacheMode(CACHED)  # its edge moves a pixel at a time: the rest is copied
        self._y0, self._y1 = y_range
        self._x0 = self._x1 = self._reach = 0.0
        self._margin = 0.0  # room for the edges' pen beyond the span, in minutes
        self.brush = QBrush()
        self.pen = QPen(Qt.PenStyle.NoPen)

    def span(self) -> tuple[float, float]:
        """(start, end) as drawn, in minutes."""
        return self._x0, self._x1

    def set_span(self, x0: float, x1: float, reach: float) -> None:
        """Draw from `x0` to `x1`; `reach` (≥ x1) is how far the right edge may move without
        the item's bounds changing."""
        reach = max(reach, x1)
        if (x0, reach) != (self._x0, self._reach):
            self.prepareGeometryChange()
            self._x0, self._x1, self._reach = x0, x1, reach
            self.update()
        elif x1 != self._x1:
            low, high = sorted((self._x1, x1))
            self._x1 = x1
            self.update(QRectF(low - self._margin, self._y0, high - low + 2 * self._margin,
                               self._y1 - self._y0))

    def viewTransformChanged(self) -> None:
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._margin = 2 * self.pixelWidth()

    def boundingRect(self) -> QRectF:
        return QRectF(self._x0 - self._margin, self._y0,
                      self._reach - self._x0 + 2 * self._margin, self._y1 - self._y0)

    def paint(self, p: QPainter, *args: object) -> None:
        rect = p.transform().mapRect(
            QRectF(self._x0, self._y0, self._x1 - self._x0, self._y1 - self._y0))
        rect.setRight(max(rect.right(), rect.left() + 1))  # a span just opened shows as a line
        p.save()
        p.resetTransform()
        p.setBrushOrigin(0, 0)  # as ClosedSpans lays it: a span's hatch stays put as it closes
        p.fillRect(rect, self.brush)
        if self.pen.style() != Qt.PenStyle.NoPen:
            p.setPen(self.pen)
            p.drawLine(QLineF(rect.topLeft(), rect.bottomLeft()))
            p.drawLine(QLineF(rect.topRight(), rect.bottomRight()))
        p.restore()


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
        scale, shift = to_device.m11(), to_device.dx()
        lefts, rights, edges = [], [], []
        for start, end in zip(self.starts[first:last], self.ends[first:last]):
            a, b = start * scale + shift, max(end * scale + shift, start * scale + shift + 1)
            edges += [QLineF(a, top, a, bottom), QLineF(b, top, b, bottom)]
            if lefts and a <= rights[-1]:  # touches the one before on screen: one rect
                rights[-1] = max(rights[-1], b)
            else:
                lefts.append(a)
                rights.append(b)
        rects = [QRectF(a, top, b - a, bottom - top) for a, b in zip(lefts, rights)]
        p.save()
        p.resetTransform()
        p.setBrushOrigin(0, 0)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._brush)
        p.drawRects(rects)
        if self._pen.style() != Qt.PenStyle.NoPen:
            p.setPen(self._pen)
            p.drawLines(edges)
        p.restore()


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
