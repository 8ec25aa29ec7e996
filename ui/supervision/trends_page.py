"""A client's trends across ended sessions: small plots, one figure each.

Ruptures per session, median time to repair, share of ventral time (client and self),
co-regulation share and, where entered, the therapist's alliance rating and the client's
session rating. x is the session's place in the series, labelled with its date and session
number (or time, when two share a day), as many labels as fit side by side; counts have whole
ticks; a legend sits under its plot, never over the data. Each series has its own colour and
symbol, and a value that was not measured or not entered is simply not drawn (never a zero).
With fewer than two ended sessions the page says so instead. The page asks its
`TrendsController` for the figures; it never reads the store itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from attune_companion.history import TrendPoint
from attune_companion.naming import session_name
from attune_companion_ui.plot.plot_items import Legend, fit_layout
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.supervision.flow_layout import flow_of, labelled
from attune_companion_ui.supervision.history_controller import TrendsController

NOT_ENOUGH = ("Not enough sessions yet: trends need at least two ended sessions of "
              "this client.")
TWO_COLUMNS_PX = 820
PALETTES = {
    "dark": ("#e0a8a0", "#a9c9b0", "#e2e4e7", "#9fb3d9", "#dcc08e", "#c7a6e8"),
    "light": ("#a0473d", "#3f7a4f", "#2e3238", "#4d68a8", "#8a6a1f", "#7a4fa6"),
}


def _pct(v: float | None) -> float | None:
    return None if v is None else 100 * v


def _minutes(ms: int | None) -> float | None:
    return None if ms is None else ms / 60_000


Series = tuple[str, Callable[[TrendPoint], float | None], int, str, bool]
"""(label, value of a point, palette index, symbol, dashed)"""
FIGURES: tuple[tuple[str, str, tuple[Series, ...], bool, float | None, bool], ...] = (
    # (title, y unit, series, only when entered, fixed y top or None: fit the data, counts)
    ("Ruptures per session", "ruptures",
     (("Ruptures", lambda p: p.ruptures, 0, "o", False),), False, None, True),
    ("Median time to repair", "minutes",
     (("Median time to repair", lambda p: _minutes(p.median_repair_ms), 1, "s", False),),
     False, None, False),
    ("Share of ventral time", "%",
     (("Client (perceived)", lambda p: _pct(p.ventral_share_client), 2, "o", False),
      ("Self", lambda p: _pct(p.ventral_share_self), 3, "t", True)), False, 100, False),
    ("Co-regulation (self ventral while client not)", "% of time",
     (("Co-regulation", lambda p: _pct(p.coregulation_share), 3, "d", False),), False, 100,
     False),
    ("Alliance, therapist's rating", "0–10",
     (("Alliance", lambda p: p.alliance, 4, "star", False),), True, 10, True),
    ("Session rating, client's", "0–40",
     (("Session rating", lambda p: p.srs_total, 5, "h", False),), True, 40, True),
)
LABEL_GAP_PX = 14
"""Free space between two session labels on the x axis."""


def session_labels(points: list[TrendPoint]) -> list[str]:
    """Each session's x label: its date, then its session number, or its time when another
    session shares that day and it has no number ('01 Dec\nsession 5', '01 Dec\n13:01')."""
    starts = [p.started.astimezone() for p in points]
    days = Counter(start.date() for start in starts)
    labels = []
    for p, start in zip(points, starts):
        second = (session_name(p.number) if p.number
                  else start.strftime("%H:%M") if days[start.date()] > 1 else "")
        labels.append(start.strftime("%d %b") + (f"\n{second}" if second else ""))
    return labels


class SessionAxis(pg.AxisItem):
    """The x axis of a trend plot: point i (1-based) is labelled `labels[i - 1]`, thinned to
    as many labels as fit side by side at the axis's width (the newest always labelled)."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__("bottom")
        self.labels = labels
        lines = max((text.count("\n") + 1 for text in labels), default=1)
        self.setHeight(lines * QFontMetrics(self.font()).lineSpacing() + 14)

    def shown(self, size: float) -> list[int]:
        """Which points (1-based) carry a label at `size` pixels."""
        n = len(self.labels)
        if not n or size <= 0:
            return []
        metrics = QFontMetrics(self.style.get("tickFont") or self.font())
        widest = max(metrics.horizontalAdvance(line) for text in self.labels
                     for line in text.split("\n"))
        step = max(1, math.ceil((widest + LABEL_GAP_PX) / (size / n)))
        return list(range(n, 0, -step))[::-1]

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        return [(1.0, [float(i) for i in self.shown(size)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.labels[int(v) - 1] if 1 <= int(v) <= len(self.labels) else ""
                for v in values]


class CountAxis(pg.AxisItem):
    """A y axis of whole numbers (counts, ratings): ticks at whole steps only."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels:
            return levels
        major = max(1.0, math.ceil(levels[0][0]))
        return [(major, 0.0)]


class TrendCanvas(pg.GraphicsLayoutWidget):
    """One trend's canvas, its plot at row 0. The plot's title wraps to the canvas's width:
    pyqtgraph keeps a title on one line and lays the plot out at least as wide, so on a narrow
    side screen a long title held the chart wider than its canvas, the newest sessions cut
    off at the right."""

    TITLE_MARGIN_PX = 24

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit_title()

    def fit_title(self) -> None:
        plot = self.ci.getItem(0, 0) if hasattr(self, "ci") else None  # None: still building
        if plot is None or not plot.titleLabel.isVisible():
            return
        label, text = plot.titleLabel, plot.titleLabel.item
        text.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
        text.setTextWidth(-1)  # one line, if the canvas has room for it
        room = self.width() - self.TITLE_MARGIN_PX - plot.getAxis("left").width()  # its column
        if text.boundingRect().width() > room > 0:
            text.setTextWidth(room)
        height = math.ceil(text.boundingRect().height())
        label.updateMin()
        label.setMaximumHeight(height)
        plot.layout.setRowFixedHeight(0, height)
        fit_layout(self)  # the canvas sized it before the title wrapped


class TrendsPage(QWidget):
    """Trends of one client; `back()` when left. Pick another client in the combo."""

    back = Signal()

    def __init__(self, controller: TrendsController, style: PlotStyle,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Client trends")
        self.controller = controller
        self._style = style
        self._shown = False
        self.points: list[TrendPoint] = []
        self.plots: dict[str, TrendCanvas] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}

        back = QPushButton("← History", self)
        back.setAccessibleName("Back to the session history")
        back.clicked.connect(self.back.emit)
        self.title = QLabel("Trends", self)
        self.title.setObjectName("pageTitle")
        self.client = QComboBox(self)
        self.client.setAccessibleName("Client whose trends are shown")
        self.client.activated.connect(lambda _i: self._load(self.client.currentText()))
        header = flow_of(back, self.title, labelled("Client", self.client, self), spacing=12)
        self.message = QLabel(self)
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Trends message")

        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        holder = QWidget(self)
        holder.setLayout(self.grid)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(holder)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)
        self._columns = 0

    def show_client(self, client_code: str) -> None:
        self._shown = True
        self.client.clear()
        self.client.addItems(self.controller.client_codes())
        self.client.setCurrentText(client_code)
        self._load(client_code)

    def _load(self, client_code: str) -> None:
        self.points = self.controller.points(client_code)
        self.title.setText(f"Trends · {client_code}")
        for widget in self.plots.values():
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self.plots.clear()
        self.curves.clear()
        if len(self.points) < 2:
            self.message.setText(NOT_ENOUGH)
            return
        self.message.setText(
            f"{len(self.points)} ended sessions, oldest on the left. A gap means not measured "
            "or not entered; ratings appear only where they were entered.")
        labels = session_labels(self.points)
        for title, unit, series, only_entered, top, counts in FIGURES:
            values = [[fn(p) for p in self.points] for _l, fn, _c, _s, _d in series]
            if only_entered and all(v is None for vs in values for v in vs):
                continue
            self.plots[title] = self._figure(title, unit, series, values, top, counts, labels)
        self._columns = 0
        self._arrange()

    def _figure(self, title: str, unit: str, series: tuple[Series, ...],
                values: list[list[float | None]], top: float | None, counts: bool,
                labels: list[str]) -> TrendCanvas:
        style, colours = self._style, PALETTES.get(self._style.name, PALETTES["dark"])
        widget = TrendCanvas()
        widget.setBackground(style.background)
        widget.setAccessibleName(title)
        widget.setMinimumHeight(220 if len(series) == 1 else 250)
        axes = {"bottom": SessionAxis(labels)}
        if counts:
            axes["left"] = CountAxis("left")
        item = widget.addPlot(row=0, col=0, axisItems=axes)
        item.setTitle(title, color=style.foreground, size=f"{style.font_size}pt")
        item.getAxis("left").geometryChanged.connect(widget.fit_title)  # its labels, drawn
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.15)
        item.setLabel("left", unit, color=style.foreground)
        x = np.arange(1, len(self.points) + 1, dtype=float)
        legend = Legend() if len(series) > 1 else None
        for (label, _fn, colour, symbol, dashed), ys in zip(series, values):
            y = np.array([math.nan if v is None else float(v) for v in ys])
            pen = pg.mkPen(colours[colour], width=2,
                           style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            curve = item.plot(x, y, pen=pen, symbol=symbol, symbolSize=15 if symbol == "star" else 11,
                              symbolBrush=colours[colour], symbolPen=style.background,
                              connect="finite")
            self.curves[f"{title}/{label}"] = curve
            if legend is not None:
                legend.addItem(curve, label)
        if legend is not None:  # under the plot, never over the data
            widget.addItem(legend, row=1, col=0)
            legend.setColumnCount(len(series))
            legend.restyle(style.foreground, style.font_size - 1)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen(style.foreground)
            item.getAxis(axis).setPen(style.foreground)
        item.setXRange(0.5, len(self.points) + 0.5, padding=0)
        finite = [v for vs in values for v in vs if v is not None]
        top = top if top is not None else max(1.0, max(finite, default=1.0)) * 1.15
        item.setYRange(0, top * 1.04, padding=0)
        return widget

    def set_plot_style(self, style: PlotStyle) -> None:
        self._style = style
        if self._shown:
            self._load(self.client.currentText())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """Two columns of figures where they fit, else one."""
        columns = 2 if self.width() >= TWO_COLUMNS_PX else 1
        if columns == self._columns:
            return
        self._columns = columns
        for i, widget in enumerate(self.plots.values()):
            self.grid.addWidget(widget, i // columns, i % columns)
