"""How the playback page lays itself out for the room it has: wide, stacked or narrow.

A mixin of `PlaybackPage` (kept apart so the page stays readable): it expects the page's
`pad`, `timer`, `plot`, `plot_area`, `left`, `right`, `lower`, `body`, `body_scroll`,
`events`, `event_model`, `_pad_width`, `_row` and `_mode`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QWidget

RIGHT_EM = 28
"""The event and comment lists' least width (ems) beside the pad."""
PLOT_MIN_EM = 36
"""The plot's least width (ems) between the pad and the lists: with less room, the plot goes
on top, across the whole width, and the pad and the lists share the space under it."""
STACKED_SLACK_PX = 40
"""Room for the splitter handle and the page margins beside the pad and the lists."""
STACKED_PLOT_PX = 220
"""The plot's least height; a page too short for it and the timer scrolls instead."""
NARROW_PLOT_PX = 300
NARROW_LISTS_PX = 420
"""In a narrow strip the page scrolls: the plot, the pad and the lists keep these heights
(the pad its whole height) instead of squeezing each other."""


class PlaybackLayout(QWidget):
    """The layout modes of the playback page (see `_fit_layout`)."""

    pad: Any
    timer: Any
    plot: Any
    plot_area: Any
    left: Any
    right: Any
    lower: Any
    body: Any
    body_scroll: Any
    events: Any
    event_model: Any
    _pad_width: int
    _row: int | None
    _mode: str | None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_layout(self.width())

    def _fit_layout(self, width: int) -> None:
        """Wide: pad, plot and lists side by side, the plot at least PLOT_MIN_EM wide.
        Stacked: the plot over the pad beside the lists. Narrow (a side screen): the plot,
        the compact pad and the lists one under another. Where the room is too short for
        them the page scrolls (and the wheel then scrolls it; Ctrl+wheel zooms the plot)."""
        em = self.fontMetrics().horizontalAdvance("M")
        scrollbar = self.left.verticalScrollBar().sizeHint().width()
        beside = self._pad_width + scrollbar + RIGHT_EM * em + STACKED_SLACK_PX
        if width >= beside + PLOT_MIN_EM * em:
            mode = "wide"
        elif width >= beside:
            mode = "stacked"
        else:
            mode = "narrow"
        if mode == self._mode:
            return
        self._mode = mode
        narrow = mode == "narrow"
        self.pad.set_compact(narrow)
        # the pad never clips; the lists give way (narrow: the page's scrollbar, not its own)
        left = self.pad.sizeHint().width() + (0 if narrow else scrollbar)
        self.left.setMinimumWidth(left)
        self.right.setMinimumWidth(0 if narrow else RIGHT_EM * em)
        self.left.widget().layout().activate()  # the compacted pad's height, now
        column_height = self.left.widget().sizeHint().height()
        self.left.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if narrow
                                             else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.left.setMinimumHeight(column_height if narrow  # the timer is never cut
                                   else self.timer.sizeHint().height() + 12)
        self.plot.setMinimumHeight(NARROW_PLOT_PX if narrow else STACKED_PLOT_PX)
        self.right.setMinimumHeight(NARROW_LISTS_PX if narrow else 0)
        if mode == "wide":
            for widget in (self.left, self.plot_area, self.right):
                self.body.addWidget(widget)
            self.body.setOrientation(Qt.Orientation.Horizontal)
            self.lower.hide()
            right = self.right.minimumWidth()
            self.body.setSizes([left, max(0, width - left - right), right])
        else:
            self.body.setOrientation(Qt.Orientation.Vertical)
            self.body.addWidget(self.plot_area)
            for widget in (self.left, self.right):
                self.lower.addWidget(widget)
            self.body.addWidget(self.lower)
            self.lower.show()
            if mode == "stacked":
                half = max(STACKED_PLOT_PX, self.body_scroll.viewport().height() // 2)
                self.body.setSizes([half, half])
                self.lower.setOrientation(Qt.Orientation.Horizontal)
                self.lower.setSizes([left, max(0, width - left)])
            else:
                self.lower.setOrientation(Qt.Orientation.Vertical)
                self.body.setSizes([NARROW_PLOT_PX, column_height + NARROW_LISTS_PX])
                self.lower.setSizes([column_height, NARROW_LISTS_PX])
        QTimer.singleShot(0, self, self._scroll_to_current)  # once the new layout is in place

    def fit_width(self, width: int) -> None:
        """Lay the page out for `width` before it is shown, so a narrow window is never
        widened by the wide layout first."""
        self.ensurePolished()  # the style sheet's font sets the em
        self._fit_layout(width)

    def minimumSizeHint(self) -> QSize:
        """The narrow layout's, whichever is shown: a window can narrow to a side strip in
        one step, and the page then stacks itself for it."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        margins = layout.contentsMargins()
        rows = [layout.itemAt(i).minimumSize().width() for i in range(layout.count() - 1)]
        pad = (self.pad.minimumSizeHint().width()
               + self.left.verticalScrollBar().sizeHint().width())
        narrow = max(*rows, pad) + margins.left() + margins.right()
        return QSize(min(hint.width(), narrow), hint.height())

    def _scroll_to_current(self) -> None:
        if self._row is not None and self._row >= 0:
            self.events.scrollTo(self.event_model.index(self._row),
                                 QAbstractItemView.ScrollHint.PositionAtCenter)
