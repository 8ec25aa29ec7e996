"""The parts of the session plot that move with now, drawn so that moving repaints only the
strip they crossed: a line through a few points (the now line, a lane's last states) and the
open span whose right edge follows now.

Qt repaints an item's old and new bounds whenever they change; these items keep bounds that
reach ahead to the view's right edge, so while now walks they change only their content and
ask for the sliver between where they were drawn and where they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
"""Kept as a pixmap: repainting a sliver over the item copies pixels instead of drawing."""


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
