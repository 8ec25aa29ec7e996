"""One lane of the session plot, drawn so that what changes repaints only where it changed.

A lane is a step line. Drawn as one item, every tap would repaint the lane's whole area (all
the plot's width between the levels it visits), and every tick would too, since the last state
reaches to now. So it is three items:

- `settled`: the steps up to a recent one, most of what is shown; redrawn only when the view
  steps (a full repaint then anyway) or when the recent part has grown long, and kept as a
  pixmap meanwhile;
- `recent`: the steps since, redrawn on a tap: a narrow area at the right of the plot;
- `tail`: the last state held until now, moved as time passes: a thin strip.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPen

from attune_companion_ui.plot.moving_items import CACHED, PathItem
from attune_companion_ui.plot.plot_items import Points, show_points

RECENT_MAX = 32
"""At most this many steps are kept in the recent item before they are settled."""
DOWNSAMPLE_FACTOR = 0.5
"""Steps grouped per pixel column's worth of data: pyqtgraph draws two points per group."""


class LaneDrawing:
    """A lane's points and the three items that draw them, added to `plot` at depth `z`,
    drawn `offset` below their level (the self lane, so it never hides under the client)."""

    def __init__(self, plot: pg.PlotItem, z: float, offset: float = 0.0) -> None:
        self.points = Points()
        self.settled = pg.PlotDataItem(stepMode="right")
        # Drawn as separate segments, not one long path: Qt strokes a long dashed path in
        # time that grows with its length (150 ms for 3,000 steps in view; 9 ms this way).
        self.settled.curve.setSegmentedLineMode("on")
        self.settled.curve.setCacheMode(CACHED)
        self.recent = PathItem()
        self.tail = PathItem()
        self._settled_n = 0
        for item in (self.settled, self.recent, self.tail):
            item.setZValue(z)
            item.setPos(0, -offset)
        plot.addItem(self.settled)
        plot.addItem(self.recent, ignoreBounds=True)
        plot.addItem(self.tail, ignoreBounds=True)
        # A whole long session has more steps than the plot has pixels: draw each pixel
        # column's highest and lowest, the same picture (a 100,000-event session painted in
        # 0.4 s, now 0.07). After addItem, which imposes the plot's own setting.
        self.settled.setDownsampling(auto=True, method="peak")
        # pyqtgraph groups steps by `width * factor` per chunk and draws two points a chunk;
        # its default factor (5) left 10,000 events undivided, 1 only halved them to two
        # points per step. At this factor a lane holds about one point per pixel column
        # (at most two): 4,976 points became about 1,200 at 1280 px.
        self.settled.opts["autoDownsampleFactor"] = DOWNSAMPLE_FACTOR

    def set_pen(self, pen: QPen) -> None:
        for item in (self.settled, self.recent, self.tail):
            item.setPen(pen)

    def load(self, xs: Sequence[float], ys: Sequence[float]) -> None:
        """Draw exactly these steps (minutes, levels), all settled."""
        self.points.load(xs, ys)
        self.settle()

    def append(self, x: float, y: float) -> None:
        """One more step, at the end."""
        self.points.append(x, y)
        if self.points.n - self._settled_n > RECENT_MAX:
            self.settle()
        else:
            self._draw_recent()

    def settle(self) -> None:
        """Move every step into the settled item (a repaint of the lane's whole area)."""
        self._settled_n = self.points.n
        show_points(self.settled, *self.points.view())
        self._draw_recent()

    def follow(self, now_min: float, reach: float) -> None:
        """Hold the last state until `now_min`; `reach` is how far right it may grow before
        its bounds change (the view's right edge): until then a tick repaints only the pixel
        it added."""
        self.points.set_trailing(now_min)
        x, y = self.points.view(trailing=True)
        self.tail.set_points(x[-2:], y[-2:], reach=reach)  # (last step, now)

    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Step starts and levels as drawn, plus the trailing point at now."""
        return self.points.view(trailing=True)

    def hold_still(self) -> None:
        """Keep every part as a cached pixmap (the lane will not change); the settled steps
        always are."""
        for part in (self.recent, self.tail):
            part.setCacheMode(CACHED)

    def _draw_recent(self) -> None:
        """The steps after the settled ones, from the last settled step on."""
        first = max(self._settled_n - 1, 0)
        x, y = self.points.view()
        self.recent.set_points(x[first:], y[first:], steps=True)
