"""A client's trends across ended sessions: small plots, one figure each.

Ruptures per session, median time to repair, share of ventral time (client and self),
co-regulation share and, where entered, the therapist's alliance rating and the client's
session rating. x is the session's place in the series, labelled with its date; each series
has its own colour and symbol, and a value that was not measured or not entered is simply not
drawn (never a zero). With fewer than two ended sessions the page says so instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

from companion.history import TrendPoint, trends
from companion.store import Store
from ui.supervision.flow_layout import flow_of, labelled
from ui.plot.plot_style import PlotStyle

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
FIGURES: tuple[tuple[str, str, tuple[Series, ...], bool, float | None], ...] = (
    # (title, y unit, series, only when entered, fixed y top or None: fit the data)
    ("Ruptures per session", "ruptures",
     (("Ruptures", lambda p: p.ruptures, 0, "o", False),), False, None),
    ("Median time to repair", "minutes",
     (("Median time to repair", lambda p: _minutes(p.median_repair_ms), 1, "s", False),),
     False, None),
    ("Share of ventral time", "%",
     (("Client (perceived)", lambda p: _pct(p.ventral_share_client), 2, "o", False),
      ("Self", lambda p: _pct(p.ventral_share_self), 3, "t", True)), False, 100),
    ("Co-regulation (self ventral while client not)", "% of time",
     (("Co-regulation", lambda p: _pct(p.coregulation_share), 3, "d", False),), False, 100),
    ("Alliance, therapist's rating", "0–10",
     (("Alliance", lambda p: p.alliance, 4, "star", False),), True, 10),
    ("Session rating, client's", "0–40",
     (("Session rating", lambda p: p.srs_total, 5, "h", False),), True, 40),
)


class TrendsPage(QWidget):
    """Trends of one client; `back()` when left. Pick another client in the combo."""

    back = Signal()

    def __init__(self, style: PlotStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Client trends")
        self._style = style
        self._store: Store | None = None
        self.points: list[TrendPoint] = []
        self.plots: dict[str, pg.PlotWidget] = {}
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

    def show_client(self, store: Store, client_code: str) -> None:
        self._store = store
        self.client.clear()
        self.client.addItems(store.client_codes())
        self.client.setCurrentText(client_code)
        self._load(client_code)

    def _load(self, client_code: str) -> None:
        assert self._store is not None
        self.points = trends(self._store, client_code)
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
        for title, unit, series, only_entered, top in FIGURES:
            values = [[fn(p) for p in self.points] for _l, fn, _c, _s, _d in series]
            if only_entered and all(v is None for vs in values for v in vs):
                continue
            self.plots[title] = self._figure(title, unit, series, values, top)
        self._columns = 0
        self._arrange()

    def _figure(self, title: str, unit: str, series: tuple[Series, ...],
                values: list[list[float | None]], top: float | None) -> pg.PlotWidget:
        style, colours = self._style, PALETTES.get(self._style.name, PALETTES["dark"])
        widget = pg.PlotWidget(background=style.background)
        widget.setAccessibleName(title)
        widget.setMinimumHeight(220)
        item = widget.getPlotItem()
        item.setTitle(title, color=style.foreground, size=f"{style.font_size}pt")
        item.setMenuEnabled(False)
        item.hideButtons()
        widget.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.15)
        item.setLabel("left", unit, color=style.foreground)
        if len(series) > 1:
            item.addLegend(offset=(-10, -10), labelTextColor=style.foreground)  # bottom right
        x = np.arange(1, len(self.points) + 1, dtype=float)
        for (label, _fn, colour, symbol, dashed), ys in zip(series, values):
            y = np.array([math.nan if v is None else float(v) for v in ys])
            pen = pg.mkPen(colours[colour], width=2,
                           style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            curve = item.plot(x, y, pen=pen, symbol=symbol, symbolSize=15 if symbol == "star" else 11,
                              symbolBrush=colours[colour], symbolPen=style.background,
                              connect="finite", name=label)
            self.curves[f"{title}/{label}"] = curve
        bottom = item.getAxis("bottom")
        step = max(1, len(self.points) // 8)
        bottom.setTicks([[(i + 1, _tick(p)) for i, p in enumerate(self.points)][::step], []])
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
        if self._store is not None:
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


def _tick(point: TrendPoint) -> str:
    """The session's date on the x axis (one line: the axis has room for one)."""
    return point.started.strftime("%d %b")
