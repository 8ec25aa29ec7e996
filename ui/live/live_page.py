"""The live session page: header, message line, rupture timer, tap pad and plot.

It lays out and shows; the controller records. Each committed `Change` arrives through
`controller.changed` and is pushed to every view from here: the pad's lit states, the timer,
the plot (appended in order, or redrawn when `change.rebuilt`) and a calm status line.

Wide windows put the pad on the left, under the header, and the timer and message line above
the plot on the right, so the whole pad (Repair included) stays in view on a short screen and
no message moves it; a narrow strip stacks message line, timer, pad and plot (or hides the
plot). The header (`live_header`) and the message line (`live_messages`) fit themselves to
the width.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout, QPushButton, QScrollArea, QSplitter, QVBoxLayout, QWidget,
)

from attune_companion.fold import SessionState
from attune_companion.recorder import Change
from attune_companion.scheme import Scheme
from attune_companion_ui.live.actions import ActionRegistry, session_actions
from attune_companion_ui.live.controller import SessionController
from attune_companion_ui.live.live_header import SessionHeader
from attune_companion_ui.live.live_messages import MessageLine
from attune_companion_ui.live.rupture_timer import RuptureTimer
from attune_companion_ui.live.tap_pad import TapPad
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.shell.settings import DEFAULT_WINDOW_MINUTES, Settings

WIDE_EXTRA_EM = 26
"""A window is wide when it fits the pad plus this many ems of plot beside it."""
COMPACT_EM = 34
"""Below this width (in ems) the self lane shows short labels."""
TIMER_WIDE_EM = 42
"""Beside the plot, the timer card is at most this many ems wide."""
MARGIN, COMPACT_MARGIN = 10, 6
"""The page's side margins, and in a narrow strip."""


class _PadScroll(QScrollArea):
    """Scrolls the pad only when the window is too short for it (e.g. at 200 % scaling)."""

    def sizeHint(self) -> QSize:
        inner = self.widget().sizeHint() if self.widget() else QSize()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), inner.height())

    def minimumSizeHint(self) -> QSize:
        """As wide as the pad's narrowest form (it never scrolls sideways), short as needed."""
        inner = self.widget().minimumSizeHint() if self.widget() else QSize()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(),
                     super().minimumSizeHint().height())


class _Body(QSplitter):
    """The pad (with the timer) and the plot. A pane that may collapse (the plot, in a short
    window) does not count towards the least room the page needs."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        along = self.orientation() == Qt.Orientation.Vertical
        for i in range(self.count()):
            pane = self.widget(i)
            if i and self.isCollapsible(i) and not pane.isHidden():
                least = pane.minimumSizeHint()
                if along:
                    hint.setHeight(hint.height() - least.height() - self.handleWidth())
                else:
                    hint.setWidth(hint.width() - least.width() - self.handleWidth())
        return hint


def show_session_on(
    pad: TapPad, timer: RuptureTimer, plot: SessionPlot, state: SessionState, now_ms: int
) -> None:
    """Draw a session from scratch on one set of views (the live page, the compact strip)."""
    pad.show_state(state)
    timer.show_state(state, now_ms)
    plot.show_state(state, now_ms)


def show_change_on(
    pad: TapPad, timer: RuptureTimer, plot: SessionPlot, change: Change, now_ms: int
) -> None:
    """Show one committed change on one set of views: appended in O(1), or redrawn when the
    change reached back in time (`change.rebuilt`)."""
    pad.show_state(change.state)
    timer.show_state(change.state, now_ms)
    if change.rebuilt:
        plot.show_state(change.state, now_ms)
    else:
        plot.on_change(change.event, change.state)


class LivePage(QWidget):
    """One live session's page; build a new one for each session (its scheme may differ)."""

    def __init__(self, controller: SessionController, scheme: Scheme, settings: Settings,
                 plot_style: PlotStyle, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Live session")
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # a click on the page leaves any field
        self._controller = controller
        self._scheme = scheme
        self._settings = settings
        self._fitted = False
        self._fit_width = self.width()
        self._compact = False
        self._state: SessionState | None = None

        self.actions = ActionRegistry(self)
        for action in session_actions(scheme, controller, self._note, self._ask_end):
            self.actions.add(action)

        self.header = SessionHeader(self.actions, self._quiet_button, self)
        self.clock_label, self.paused_badge = self.header.clock_label, self.header.paused_badge
        self.plot_toggle = self.header.plot_toggle
        self.plot_toggle.toggled.connect(self._show_plot)
        self.pause_button = self.header.pause_button
        self.pause_button.clicked.connect(lambda: self.actions.trigger("pause"))
        self.end_button = self.header.end_button
        self.end_button.clicked.connect(lambda: self.actions.trigger("end"))

        self.message_area = MessageLine(self._quiet_button, self)
        self.message_area.confirmed.connect(controller.end)
        self.status, self.confirm_bar = self.message_area.status, self.message_area.confirm_bar
        self.confirm_end_button = self.message_area.confirm_end_button
        self.keep_going_button = self.message_area.keep_going_button

        self.timer = RuptureTimer(scheme, settings.rupture_tint_minutes, self)
        self.pad = TapPad(scheme, self.actions, settings.backdate_choices)
        self.pad.backdateChosen.connect(controller.set_backdate)
        self.pad.note_limit.cut.connect(self.message_area.show_refusal)
        self.pad_scroll = _PadScroll(self)
        self.pad_scroll.setWidget(self.pad)
        self.pad_scroll.setWidgetResizable(True)
        self.pad_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pad_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.pad_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.left = QWidget(self)
        self._left_layout = QVBoxLayout(self.left)
        self._left_layout.setContentsMargins(0, 0, 0, 0)
        self._left_layout.setSpacing(8)
        self._left_layout.addWidget(self.pad_scroll, 1)

        self.plot = SessionPlot(scheme, plot_style, self)
        self.plot.setAccessibleName("Session plot")
        self.plot.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.plot.set_window(settings.window_minutes)
        self.window_button = self._quiet_button("Whole session", "Show the whole session",
                                                checkable=True)
        self.window_button.setChecked(settings.window_minutes is None)
        self.window_button.toggled.connect(self._whole_session)
        self.follow_button = self._quiet_button("Follow now", "Go back to following now")
        self.follow_button.clicked.connect(self.plot.follow_now)
        self.follow_button.hide()
        self.plot.followingChanged.connect(self._show_plot_controls)
        self.plot_panel = QWidget(self)
        plot_layout = QVBoxLayout(self.plot_panel)
        plot_layout.setContentsMargins(0, 0, 0, 0)
        plot_layout.setSpacing(6)
        self._plot_layout = plot_layout
        self.plot_controls = QWidget(self.plot_panel)
        self._top_row = QHBoxLayout(self.plot_controls)  # the timer joins it in a wide window
        self._top_row.setContentsMargins(0, 0, 0, 0)
        self._top_row.addStretch(1)
        controls = QVBoxLayout()
        controls.addWidget(self.follow_button, 0, Qt.AlignmentFlag.AlignRight)
        controls.addWidget(self.window_button, 0, Qt.AlignmentFlag.AlignRight)
        controls.addStretch(1)
        self._top_row.addLayout(controls)
        plot_layout.addWidget(self.plot_controls)
        plot_layout.addWidget(self.plot, 1)

        self.body = _Body(Qt.Orientation.Vertical, self)
        self.body.setChildrenCollapsible(False)
        self.body.setHandleWidth(12)
        self.body.addWidget(self.left)
        self.body.addWidget(self.plot_panel)
        self.body.setStretchFactor(0, 0)
        self.body.setStretchFactor(1, 1)
        self.body.setCollapsible(1, True)  # a short strip can drag the plot away entirely

        page = QVBoxLayout(self)
        page.setContentsMargins(MARGIN, 8, MARGIN, 10)
        page.setSpacing(4)
        page.addWidget(self.header)
        page.addWidget(self.message_area)
        page.addWidget(self.body, 1)
        page.addStretch(0)  # with the body hidden (the blank), the header stays on top

        controller.changed.connect(self.apply_change)
        controller.refused.connect(self.show_refusal)
        controller.held.connect(self.show_held)
        controller.backdateChanged.connect(self.pad.show_backdate)

    def _quiet_button(self, text: str, accessible: str, checkable: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setProperty("role", "quiet")
        button.setAccessibleName(accessible)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def disconnect_controller(self) -> None:
        """Stop listening to the controller (before this page is thrown away)."""
        self._controller.changed.disconnect(self.apply_change)
        self._controller.refused.disconnect(self.show_refusal)
        self._controller.held.disconnect(self.show_held)
        self._controller.backdateChanged.disconnect(self.pad.show_backdate)

    # -- what the controller pushes ----------------------------------------------------------

    def show_session(self, state: SessionState, now_ms: int) -> None:
        """Draw a session from scratch (at start or resume)."""
        show_session_on(self.pad, self.timer, self.plot, state, now_ms)
        self._show_state(state, now_ms)

    def apply_change(self, change: Change) -> None:
        """Show one committed change everywhere it shows (a tap while asking to end means the
        session carries on)."""
        state = change.state
        now = max(self._controller.now_ms(), state.last_ms)
        show_change_on(self.pad, self.timer, self.plot, change, now)
        self.message_area.show_change(change, self._scheme)
        self._show_state(state, now)

    def show_refusal(self, text: str) -> None:
        """Nothing was recorded: say why, calmly, for a few seconds."""
        self.message_area.show_refusal(text)

    def show_held(self, text: str) -> None:
        """Taps are held, not saved: say so until they are; "" clears it."""
        self.message_area.show_held(text)

    def tick(self, now_ms: int) -> None:
        """Time passes: move what moves (session clock, rupture time, plot's now)."""
        self.header.set_clock(now_ms)
        self.timer.tick(now_ms)
        self.plot.tick(now_ms)

    def set_plot_style(self, style: PlotStyle) -> None:
        self.plot.set_style(style)

    def add_header_button(self, button: QPushButton, short: str | None) -> None:
        """Put another view's button in the header, before Plot (see `SessionHeader`)."""
        self.header.add_button(button, short)

    def _show_state(self, state: SessionState, now_ms: int) -> None:
        """The header and the line's resting words follow the session: paused or not."""
        self._state = state
        self.header.set_paused(state.paused)
        self.header.set_clock(now_ms)
        self.message_area.follow(state)

    # -- local actions -----------------------------------------------------------------------

    def _note(self, kind: str) -> None:
        """Record a note of `kind` with the field's text; a free note without text opens the
        field instead."""
        field = self.pad.note_field
        text = field.text().strip()
        if kind == "note" and not text:
            field.setFocus()
            return
        if self._controller.note(kind, text or None):
            field.clear()
            field.clearFocus()  # back to tapping: single keys are taps again

    def _ask_end(self) -> None:
        state = self._state
        self.message_area.ask_end(state is not None and state.open_episode is not None)

    def _show_plot(self, shown: bool) -> None:
        self.plot_panel.setVisible(shown or self.wide)  # wide, it also holds the timer
        self.plot.setVisible(shown)

    def _show_plot_controls(self, *_: object) -> None:
        """'Follow now' only after a pan; the window choice only where there is room."""
        self.follow_button.setVisible(not self.plot.following)
        self.window_button.setVisible(self.wide)
        self.plot_controls.setVisible(self.wide or not self.plot.following)

    def _whole_session(self, whole: bool) -> None:
        minutes = self._settings.window_minutes or DEFAULT_WINDOW_MINUTES
        self.plot.set_window(None if whole else minutes)

    # -- layout ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_layout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_layout()  # the style sheet's fonts are known now

    def fit_width(self, width: int) -> None:
        """Lay the page out for `width` before it is shown, so a narrow window gets the narrow
        pad and header at once and is never widened by the full ones first."""
        self._fit_width = width
        self.ensurePolished()  # the style sheet's font sets the em
        self._fit_layout()

    def _fit_layout(self) -> None:
        """Pad beside the plot when both fit, else stacked; a narrow strip compacts the self
        lane, the header and the message line."""
        if self.isVisible():
            self._fit_width = self.width()
        em = self.fontMetrics().horizontalAdvance("M")
        self._compact = self._fit_width < COMPACT_EM * em
        self.pad.set_compact(self._compact)
        self.pad_scroll.updateGeometry()  # the scroll area does not pass the pad's change up
        side = COMPACT_MARGIN if self._compact else MARGIN
        self.layout().setContentsMargins(side, 8, side, 10)
        margins = self.layout().contentsMargins()
        self.header.fit(self._fit_width - margins.left() - margins.right())
        pad_width = (self.pad.sizeHint().width()
                     + self.pad_scroll.verticalScrollBar().sizeHint().width())
        beside = (self.timer.minimumSizeHint().width() + self._top_row.spacing()
                  + self.window_button.sizeHint().width())  # the right column's top row
        wide = (self._fit_width >= pad_width + max(WIDE_EXTRA_EM * em, beside)
                + self.body.handleWidth() + margins.left() + margins.right())
        self.message_area.set_lines(1 if wide else 2)
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.body.orientation() != orientation or not self._fitted:
            self._fitted = True
            self.body.setOrientation(orientation)
            self._place_timer(wide, em)
            self._show_plot_controls()
            self._show_plot(self.plot_toggle.isChecked())
            QTimer.singleShot(0, self, self._split)  # once the new orientation is laid out

    def _place_timer(self, wide: bool, em: int) -> None:
        """Timer and message line above the plot in a wide window (the pad has the whole
        height below the header, and a message never moves it), else above the pad."""
        if wide:
            self.timer.setMaximumWidth(TIMER_WIDE_EM * em)
            self._top_row.insertWidget(0, self.timer, 100)  # up to its maximum width
            self._plot_layout.insertWidget(1, self.message_area)
        else:
            self.timer.setMaximumWidth(16_777_215)
            self._left_layout.insertWidget(0, self.timer)
            self.layout().insertWidget(1, self.message_area)

    def _split(self) -> None:
        """Give the pad (and timer) what they need; the plot takes the rest."""
        self.pad_scroll.updateGeometry()  # the pad's own size changed with compacting
        need = self.left.sizeHint()
        if self.wide:
            first, total = need.width(), self.body.width()
        else:
            first, total = need.height(), self.body.height()
        self.body.setSizes([first, max(0, total - first - self.body.handleWidth())])

    def minimumSizeHint(self) -> QSize:
        """What the stacked, narrow layout needs, even while pad and plot stand side by side:
        the window can narrow to a strip in one step (a window manager's tiling, say), and
        the page then lays itself out for it."""
        hint = super().minimumSizeHint()
        if not self.wide:
            return hint
        parts = (self.header, self.message_area, self.left, self.timer, self.plot,
                 self.follow_button)  # the stacked layout's rows
        width = max(part.minimumSizeHint().width() for part in parts) + 2 * COMPACT_MARGIN
        return QSize(width, hint.height())

    @property
    def wide(self) -> bool:
        return self.body.orientation() == Qt.Orientation.Horizontal
