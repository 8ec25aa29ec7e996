"""The session plot's time axis: labels that never run together, whatever the session's length.

Session time is plotted in minutes. Labels are whole minutes ("0", "10", "50") for the usual
hour; hours and minutes ("4:00", "24:00") once the view reaches two hours; minutes and seconds
("2:30", like the session clock) when zoomed in below a minute. The spacing is the finest round
step whose labels still fit side by side at the axis's width, so a 25-hour session reads
"0:00 4:00 8:00 …" and a zero-length one "0:00 0:30 1:00". The axis title names the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen

STEPS = (
    (0.25, 1 / 12), (0.5, 0.25), (1, 0.5), (2, 1), (5, 1), (10, 5), (15, 5), (30, 10),
    (60, 15), (120, 30), (180, 60), (240, 60), (360, 120), (720, 180), (1440, 360),
    (2880, 720), (4320, 1440), (10080, 1440),
)
"""(labelled, unlabelled) tick spacings in minutes, finest first."""
HOURS_FROM_MIN = 120
"""From this far into the session (the view's right edge, minutes) labels are h:mm."""
LABEL_GAP_PX = 18
"""Free space between two neighbouring labels."""
MIN_LABEL_SPACING_PX = 50
"""Never more than one label per this many pixels, however short the labels."""
TITLES = {"m:ss": "minutes:seconds", "min": "minutes", "h:mm": "hours:minutes"}


@dataclass(frozen=True)
class TickPlan:
    """Where the labelled and unlabelled ticks go (minutes apart) and how labels read."""

    major: float
    minor: float
    unit: str
    """"m:ss", "min" or "h:mm" (the keys of TITLES)."""

    @property
    def title(self) -> str:
        return TITLES[self.unit]


def unit_for(major: float, right_min: float) -> str:
    """How labels read at this spacing when the view ends at `right_min`."""
    if major < 1:
        return "m:ss"
    return "h:mm" if right_min >= HOURS_FROM_MIN else "min"


def format_tick(minutes: float, unit: str) -> str:
    """One label: '50' (min), '24:00' (h:mm), '2:30' (m:ss); '' before the session starts."""
    seconds = round(minutes * 60)
    if seconds < 0:
        return ""
    if unit == "m:ss":
        m, s = divmod(seconds, 60)
        return f"{m}:{s:02d}"
    total = round(seconds / 60)
    if unit == "h:mm":
        h, m = divmod(total, 60)
        return f"{h}:{m:02d}"
    return str(total)


def plan_ticks(left_min: float, right_min: float, size_px: float,
               text_px: Callable[[str], float]) -> TickPlan:
    """The finest round spacing whose labels (measured with `text_px`) fit `size_px`."""
    span = max(right_min - left_min, 1e-9)
    for major, minor in STEPS:
        unit = unit_for(major, right_min)
        widest = max(text_px(format_tick(v, unit)) for v in (max(0.0, left_min), right_min))
        if major / span * size_px >= max(widest + LABEL_GAP_PX, MIN_LABEL_SPACING_PX):
            return TickPlan(major, minor, unit)
    major, minor = STEPS[-1]
    return TickPlan(major, minor, unit_for(major, right_min))


class TimeAxis(pg.AxisItem):
    """A bottom axis of session time (minutes) labelled by `plan_ticks`; `plan` is the one in
    use, so the plot can title the axis with its unit. A label at either end of the axis may
    reach `edge_px` beyond it (into the room the plot leaves there), so the first and last
    labels are drawn whole instead of dropped."""

    def __init__(self, orientation: str = "bottom", edge_px: int = 0) -> None:
        super().__init__(orientation)
        self.plan = TickPlan(1, 0.5, "min")
        self.edge_px = edge_px
        self._backdrop: QColor | None = None

    def grid_on(self, backdrop: QColor) -> None:
        """Draw the grid under the data, on `backdrop` (the plot's background): each faint
        line in the opaque colour it makes there. Qt's raster engine blends a translucent
        line a pixel at a time, 30 times slower (20 grid lines took 3.3 ms of every open
        and every step of a following view), and over the data it veiled the lanes."""
        self._backdrop = QColor(backdrop)
        view = self.linkedView()  # under it, so that everything in it draws over the grid
        self.setZValue((view.zValue() if view is not None else 0) - 1)
        self.picture = None
        self.update()

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:  # noqa: N802 (pyqtgraph's name)
        specs = super().generateDrawSpecs(p)
        if specs is None or self._backdrop is None:
            return specs
        axis, ticks, texts = specs
        return axis, [(self._opaque(pen), a, b) for pen, a, b in ticks], texts

    def _opaque(self, pen: QPen) -> QPen:
        colour, under = pen.color(), self._backdrop
        assert under is not None
        a = colour.alphaF()
        out = QPen(pen)
        out.setColor(QColor.fromRgbF(*(a * c + (1 - a) * u for c, u in zip(
            (colour.redF(), colour.greenF(), colour.blueF()),
            (under.redF(), under.greenF(), under.blueF())))))
        return out

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-self.edge_px, 0, self.edge_px, 0)

    def plan_for(self, left_min: float, right_min: float, size_px: float) -> TickPlan:
        """The plan for a range at a width, in this axis's tick font."""
        metrics = QFontMetrics(self.style.get("tickFont") or self.font())
        return plan_ticks(left_min, right_min, size_px, metrics.horizontalAdvance)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        if maxVal <= minVal or size <= 0:
            return []
        self.plan = self.plan_for(minVal, maxVal, size)
        return [(self.plan.major, 0.0), (self.plan.minor, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing < self.plan.major:
            return [""] * len(values)  # unlabelled ticks
        return [format_tick(v, self.plan.unit) for v in values]
