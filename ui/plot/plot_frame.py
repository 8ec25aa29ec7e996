"""The frame every session plot is drawn in: time along the bottom, the legend above, and the
ways to look around in time (a rolling window that follows now, the whole session, zoom).

`SessionPlot` draws the session into it; this knows only time and the view. It follows
"now" (the `_tail_ms` its subclass gives) until the clinician pans or zooms by mouse, in steps
rather than with every tick (`attune_companion_ui.plot.following`), titles
the time axis with the unit its labels are in, gives the legend's room to the data when the
plot is short, and offers a "Whole session" button where zooming is allowed.
"""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QPushButton, QVBoxLayout, QWidget

from attune_companion_ui.plot.following import follow_range
from attune_companion_ui.plot.plot_items import MS_PER_MIN, Legend, fit_layout
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.plot.time_axis import TimeAxis

DEFAULT_WINDOW_MIN = 10
LEGEND_MIN_HEIGHT = 230
"""Below this height (px) the legend is hidden: a compact strip keeps its room for the data."""
AXIS_LABEL_MIN_HEIGHT = 170
DATA_MIN_PX = 200
"""The legend is shown only when it leaves the plotting area and time axis this much height."""
RIGHT_ROOM_PX = 22
"""Room right of the plotting area, so a time label at either edge is drawn whole."""


class PlotView(pg.GraphicsLayoutWidget):
    """The plot's canvas. The wheel zooms it only with `wheel_zooms` and while no page around
    it can scroll; otherwise the wheel belongs to that page, and Ctrl+wheel zooms."""

    wheel_zooms = True

    def wheelEvent(self, event: QWheelEvent) -> None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if ctrl or (self.wheel_zooms and not self._page_scrolls()):
            super().wheelEvent(event)
        else:
            event.ignore()  # to the parent: the page scrolls

    def _page_scrolls(self) -> bool:
        widget = self.parentWidget()
        while widget is not None:
            if isinstance(widget, QAbstractScrollArea) and widget.verticalScrollBar().maximum():
                return True
            widget = widget.parentWidget()
        return False


class PlotFrame(QWidget):
    """A legend over a plot of session time (minutes) against fixed `y_range`, labelled
    `y_labels` on the left. Signals: followingChanged(bool), clickedAt(ms)."""

    followingChanged = Signal(bool)
    clickedAt = Signal(int)

    def __init__(self, y_range: tuple[float, float], y_labels: list[tuple[float, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._y_range, self._y_labels = y_range, y_labels
        self._window: int | None = DEFAULT_WINDOW_MIN
        self._following = True
        self._asked: tuple[float, float] | None = None  # the x-range last put while following
        self._ms_per_px: float | None = None
        self._axis_title = ""
        self._style: PlotStyle | None = None

        self._view = PlotView()
        self._view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the tap pad
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)
        self.reset_button = QPushButton("Whole session", self)
        self.reset_button.setProperty("role", "quiet")
        self.reset_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.reset_button.setAccessibleName("Show the whole session again")
        self.reset_button.setToolTip("Back to the whole session after zooming or panning")
        self.reset_button.clicked.connect(self.follow_now)
        self.reset_button.hide()
        self._offer_reset = False
        self.followingChanged.connect(self._show_reset)

        self._legend = Legend()
        self._view.addItem(self._legend, row=0, col=0)
        self._view.ci.layout.setAlignment(self._legend, Qt.AlignmentFlag.AlignLeft)
        self._axis = TimeAxis("bottom", edge_px=RIGHT_ROOM_PX)
        self._plot = self._view.addPlot(row=1, col=0, axisItems={"bottom": self._axis})
        plot, box = self._plot, self._plot.getViewBox()
        plot.layout.setContentsMargins(0, 0, RIGHT_ROOM_PX, 0)
        plot.setMenuEnabled(False)
        plot.setClipToView(True)  # PlotItem.addItem imposes its own setting on each curve
        plot.hideButtons()
        box.disableAutoRange()
        box.setMouseEnabled(x=True, y=False)
        box.setLimits(xMin=-1.0, minXRange=0.5, yMin=y_range[0], yMax=y_range[1])
        plot.setYRange(*y_range, padding=0)
        plot.getAxis("left").setTicks([y_labels, []])
        box.sigRangeChangedManually.connect(self._on_manual_range)
        box.sigResized.connect(self._retitle_axis)
        box.sigXRangeChanged.connect(self._retitle_axis)
        box.sigResized.connect(self._forget_scale)
        box.sigXRangeChanged.connect(self._forget_scale)
        self._view.scene().sigMouseClicked.connect(self._on_click)

    def _tail_ms(self) -> int:
        """Where the session drawn ends: its end, or now (the subclass knows)."""
        return 0

    # -- style and size ----------------------------------------------------------------------

    def _style_frame(self, style: PlotStyle) -> None:
        """Background, axes, grid and legend text in `style`."""
        self._style = style
        plot = self._plot
        font = QFont()
        font.setPointSize(style.font_size)
        self._view.setBackground(style.background)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(_alpha(style.foreground, 0.45))
            axis.setTickPen(QColor(style.grid))
            axis.setTextPen(QColor(style.foreground))
            axis.setStyle(tickFont=font, tickLength=-5)
        longest = max(QFontMetrics(font).horizontalAdvance(label) for _, label in self._y_labels)
        plot.getAxis("left").setWidth(longest + 14)
        self._axis_title = ""
        self._retitle_axis()
        plot.showGrid(x=True, y=False, alpha=style.grid_alpha)
        self._axis.grid_on(QColor(style.background))
        self._legend.restyle(style.foreground, style.font_size - 1)
        self._fit_to_size(self.width(), self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_to_size(event.size().width(), event.size().height())
        if self.reset_button.isVisible():
            self._place_reset()

    def _fit_to_size(self, width: int, height: int) -> None:
        """Wrap the legend to the width; when its rows would leave the data less than
        DATA_MIN_PX of the height (a short strip, a narrow column), give its room to the data."""
        rows = self._legend.fit(width)
        legend_px = self._legend.row_height() * rows
        roomy = height >= LEGEND_MIN_HEIGHT and height - legend_px >= DATA_MIN_PX
        self._legend.setVisible(roomy)
        self._legend.setMinimumHeight(-1 if roomy else 0)  # -1: back to what its rows need
        self._legend.setMaximumHeight(10_000 if roomy else 0)
        self._axis.showLabel(height >= AXIS_LABEL_MIN_HEIGHT)
        fit_layout(self._view)  # the canvas sized it before the legend changed

    def _retitle_axis(self, *_: object) -> None:
        """Name the time axis's unit (minutes, hours:minutes …) for the labels it now shows."""
        style = self._style
        if style is None:
            return  # not styled yet
        box = self._plot.getViewBox()
        left, right = box.viewRange()[0]
        title = self._axis.plan_for(left, right, box.width() or self.width()).title
        if title != self._axis_title:
            self._axis_title = title
            self._plot.setLabel("bottom", title, color=style.foreground,
                                **{"font-size": f"{style.font_size}pt"})
            self._axis.showLabel(self.height() >= AXIS_LABEL_MIN_HEIGHT)

    # -- the visible time range --------------------------------------------------------------

    @property
    def following(self) -> bool:
        """True while the view keeps now in sight."""
        return self._following

    def set_window(self, minutes: int | None) -> None:
        """Show the last `minutes` (5, 10, 20 …) or, with None, the whole session; follow now."""
        self._window = minutes
        self.follow_now()

    def follow_now(self) -> None:
        """Follow now again (after a pan or zoom by mouse)."""
        changed = not self._following
        self._following = True
        self._asked = None
        self._apply_x_range()
        if changed:
            self.followingChanged.emit(True)

    def x_range(self) -> tuple[float, float]:
        """The visible time range, in minutes."""
        left, right = self._plot.getViewBox().viewRange()[0]
        return left, right

    def _apply_x_range(self) -> None:
        """While following, keep now in view: the view stands still while now walks across it
        and steps ahead now and then (`follow_range`), so a tick repaints a sliver at now, not
        the whole plot."""
        if not self._following:
            return
        wanted = follow_range(self._window, self._tail_ms() / MS_PER_MIN, self._asked)
        if wanted is not None:
            self._asked = wanted
            self._plot.setXRange(*wanted, padding=0)
            self._range_stepped()

    def _range_stepped(self) -> None:
        """The view has just moved while following (the whole plot is repainted anyway)."""

    def _on_manual_range(self, *_: object) -> None:
        if self._following:
            self._following = False
            self.followingChanged.emit(False)

    # -- zoom --------------------------------------------------------------------------------

    def set_zoom(self, wheel: bool) -> None:
        """How the clinician zooms a whole-session view: with `wheel` the scroll wheel zooms
        while the page around the plot cannot scroll; without, the wheel always scrolls the
        page. Ctrl+wheel always zooms, and a "Whole session" button shows while zoomed or
        panned."""
        self._view.wheel_zooms = wheel
        self._offer_reset = True
        self._show_reset(self._following)

    def _show_reset(self, following: bool) -> None:
        self.reset_button.setVisible(self._offer_reset and not following)
        if self.reset_button.isVisible():
            self._place_reset()

    def _place_reset(self) -> None:
        hint = self.reset_button.sizeHint()
        self.reset_button.setGeometry(self.width() - hint.width() - 6, 4,
                                      hint.width(), hint.height())
        self.reset_button.raise_()

    # -- where things are --------------------------------------------------------------------

    def _on_click(self, event: MouseClickEvent) -> None:
        """A left click (not a drag) inside the plotting area: when it fell, in session ms."""
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        box = self._plot.getViewBox()
        pos = event.scenePos()
        if box.sceneBoundingRect().contains(pos):
            self.clickedAt.emit(max(0, round(box.mapSceneToView(pos).x() * MS_PER_MIN)))

    def ms_per_pixel(self) -> float:
        """How much session time one pixel of the plot's width spans now (kept until the
        view's range or size changes: every tick asks)."""
        if self._ms_per_px is None:
            box = self._plot.getViewBox()
            (left, right), _y = box.viewRange()
            width = max(1.0, box.sceneBoundingRect().width())
            self._ms_per_px = (right - left) * MS_PER_MIN / width
        return self._ms_per_px

    def _forget_scale(self, *_: object) -> None:
        self._ms_per_px = None

    def add_overlay(self, item: pg.GraphicsObject) -> None:
        """Draw `item` over the session (playback's cursor, supervision comments) without
        changing the view's range. The caller owns the item and its style."""
        self._plot.addItem(item, ignoreBounds=True)

    def link_x(self, other: PlotFrame) -> None:
        """Pan and zoom with `other` (playback's coder lanes under the session plot)."""
        self._plot.setXLink(other._plot)

    def y_labels(self) -> list[tuple[float, str]]:
        """The ladder labels on the y axis (enabled states only), top first."""
        return list(self._y_labels)

    @property
    def y_range(self) -> tuple[float, float]:
        """The plot's fixed vertical extent (bottom, top): the ladder plus the marker rows."""
        return self._y_range


def _alpha(hex_colour: str, alpha: float) -> QColor:
    colour = QColor(hex_colour)
    colour.setAlphaF(alpha)
    return colour
