"""The live session page: header, status line, rupture timer, tap pad and plot.

It lays out and shows; the controller records. Each committed `Change` arrives through
`controller.changed` and is pushed to every view from here: the pad's lit states, the timer,
the plot (appended in order, or redrawn when `change.rebuilt`) and a calm status line. Wide
windows put the pad on the left and the plot on the right; a narrow strip stacks them, with
the plot below (or hidden).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QSplitter, QStackedWidget,
    QVBoxLayout, QWidget,
)

from companion.events import Event, Kind
from companion.fold import SessionState
from companion.recorder import Change
from companion.scheme import Scheme
from companion.clock import format_duration
from ui.live.actions import ActionRegistry, session_actions
from ui.live.controller import SessionController
from ui.plot.plot_style import PlotStyle
from ui.live.rupture_timer import RuptureTimer
from ui.plot.session_plot import SessionPlot
from ui.shell.settings import DEFAULT_WINDOW_MINUTES, Settings
from ui.live.tap_pad import TapPad

RECORDED_MS = 4_000
REFUSED_MS = 7_000
CONFIRM_MS = 6_000
WIDE_EXTRA_EM = 26
"""A window is wide when it fits the pad plus this many ems of plot beside it."""
HEADER_SPACING = 6
COMPACT_EM = 34
"""Below this width (in ems) the self lane shows check marks and keys only."""


def describe_change(change: Change, scheme: Scheme) -> str:
    """What a committed change did, in words for the status line."""
    event = change.event
    when = format_duration(event.offset_ms)
    if event.kind is Kind.UNDO:
        undone = change.undone
        what = describe_tap(undone, scheme, change.state) if undone is not None else "last tap"
        return f"Undone: {what}" + (f" · {format_duration(undone.offset_ms)}" if undone else "")
    if event.kind is Kind.PAUSE:
        return f"Paused at {when}. Taps wait until you resume (P)."
    if event.kind is Kind.RESUME:
        return f"Resumed at {when}."
    if event.kind is Kind.END:
        return f"Session ended at {when}."
    text = f"Recorded: {describe_tap(event, scheme, change.state)} · {when}"
    return text + (" (back-dated as far as allowed)" if change.clamped else "")


def describe_tap(event: Event, scheme: Scheme, state: SessionState) -> str:
    """A tap in a few words: 'Sympathetic (client)', 'Rupture: Withdrawal', 'Glimmer'."""
    kind = event.kind
    if kind in (Kind.CLIENT, Kind.SELF):
        lane = "client" if kind is Kind.CLIENT else "self"
        return f"{_label(scheme.state, event.value)} ({lane})"
    if kind is Kind.RUPTURE:
        return scheme.rupture_label + (
            f": {_label(scheme.rupture_type, event.value)}" if event.value else ""
        )
    if kind is Kind.REPAIR_ATTEMPT:
        return scheme.attempt_label
    if kind is Kind.REPAIR:
        episode = next((e for e in reversed(state.episodes) if event.id in e.event_ids), None)
        took = "" if episode is None else (
            f" after {format_duration(state.episode_active_ms(episode, event.offset_ms))}"
        )
        return scheme.repair_label + took
    if kind is Kind.NOTE:
        label = _label(scheme.note_kind, event.value)
        if event.text:
            short = event.text if len(event.text) <= 40 else event.text[:39] + "…"
            return f"{label} “{short}”"
        return label
    return kind.value


def _label(find: Callable[[str], Any], item_id: str | None) -> str:
    try:
        return str(find(item_id).label)
    except KeyError:
        return str(item_id)


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


def set_tone(status: QLabel, tone: str) -> None:
    """Colour a status line for what it says: 'recorded', 'refused' or 'held' (the style
    sheet's `QLabel#status[tone=...]`)."""
    if status.property("tone") != tone:
        status.setProperty("tone", tone)
        status.style().unpolish(status)
        status.style().polish(status)


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
        self._paused = False
        self._now_ms = 0

        self.actions = ActionRegistry(self)
        for action in session_actions(scheme, controller, self._note, self._ask_end):
            self.actions.add(action)

        # header: session clock, paused, plot toggle, pause, end (two steps)
        self.clock_label = QLabel("0:00", self)
        self.clock_label.setObjectName("sessionClock")
        self.clock_label.setAccessibleName("Session time")
        self.paused_badge = QLabel("Paused", self)
        self.paused_badge.setObjectName("pausedBadge")
        self.paused_badge.setAccessibleName("Session paused")
        self.paused_badge.hide()
        self.plot_toggle = self._quiet_button("Plot", "Show or hide the plot", checkable=True)
        self.plot_toggle.setChecked(True)
        self.plot_toggle.toggled.connect(self._show_plot)
        self.pause_button = self._quiet_button("", "Pause or resume the session")
        self.pause_button.clicked.connect(lambda: self.actions.trigger("pause"))
        self.pause_button.setToolTip(self.actions.tooltip("pause"))
        self.end_button = self._quiet_button("End session", "End session")
        self.end_button.setToolTip(self.actions.tooltip("end"))
        self.end_button.clicked.connect(lambda: self.actions.trigger("end"))
        self.confirm_end_button = self._quiet_button("Confirm end", "Confirm: end the session")
        self.confirm_end_button.setProperty("role", "confirm")
        self.confirm_end_button.clicked.connect(self._confirm_end)
        self.keep_going_button = self._quiet_button("Keep going", "Do not end the session")
        self.keep_going_button.clicked.connect(self._cancel_end)
        self._confirm_timer = QTimer(self, singleShot=True, interval=CONFIRM_MS)
        self._confirm_timer.timeout.connect(self._cancel_end)

        header = QHBoxLayout()
        header.setSpacing(HEADER_SPACING)
        self.header = header
        header.addWidget(self.clock_label)
        header.addWidget(self.paused_badge)
        header.addStretch(1)
        self._header_full_width = 0  # what the header takes with every label in full
        self._header_aside_width = 0  # of that, the buttons that step aside in a narrow window
        self._header_aside = self._header_short = False  # as `_fit_header` last found
        pause_key = "  " + self.actions.key_text("pause")
        self._header_labels: dict[QPushButton, tuple[str, str | None]] = {}
        for button, full, short in ((self.plot_toggle, "Plot", "Plot"),
                                    (self.pause_button, "Resume" + pause_key, "Resume"),
                                    (self.end_button, "End session", "End")):
            header.addWidget(button)
            self._measure_header_button(button, full, short)
        self.confirm_bar = QWidget(self)
        confirm = QHBoxLayout(self.confirm_bar)
        confirm.setContentsMargins(0, 0, 0, 0)
        confirm.addWidget(QLabel("End now?", self.confirm_bar), 1)
        confirm.addWidget(self.confirm_end_button)
        confirm.addWidget(self.keep_going_button)

        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2 + 4)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._status_timer = QTimer(self, singleShot=True)
        self._status_timer.timeout.connect(self.status.clear)
        # The end confirmation takes the status line's place, so nothing below it moves.
        self.message_area = QStackedWidget(self)
        self.message_area.addWidget(self.status)
        self.message_area.addWidget(self.confirm_bar)

        self.timer = RuptureTimer(scheme, settings.rupture_tint_minutes, self)
        self.pad = TapPad(scheme, self.actions, settings.backdate_choices)
        self.pad.backdateChosen.connect(controller.set_backdate)
        self.pad.note_limit.cut.connect(lambda text: self._say(text, "refused", REFUSED_MS))
        self.pad_scroll = _PadScroll(self)
        self.pad_scroll.setWidget(self.pad)
        self.pad_scroll.setWidgetResizable(True)
        self.pad_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pad_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.pad_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.left = QWidget(self)
        left = QVBoxLayout(self.left)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(8)
        left.addWidget(self.timer)
        left.addWidget(self.pad_scroll, 1)

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
        plot_layout.setSpacing(4)
        self.plot_controls = QWidget(self.plot_panel)
        plot_controls = QHBoxLayout(self.plot_controls)
        plot_controls.setContentsMargins(0, 0, 0, 0)
        plot_controls.addStretch(1)
        plot_controls.addWidget(self.follow_button)
        plot_controls.addWidget(self.window_button)
        plot_layout.addWidget(self.plot_controls)
        plot_layout.addWidget(self.plot, 1)

        self.body = QSplitter(Qt.Orientation.Vertical, self)
        self.body.setChildrenCollapsible(False)
        self.body.setHandleWidth(12)
        self.body.addWidget(self.left)
        self.body.addWidget(self.plot_panel)
        self.body.setStretchFactor(0, 0)
        self.body.setStretchFactor(1, 1)
        self.body.setCollapsible(1, True)  # a short strip can drag the plot away entirely

        page = QVBoxLayout(self)
        page.setContentsMargins(10, 8, 10, 10)
        page.setSpacing(4)
        page.addLayout(header)
        page.addWidget(self.message_area)
        page.addWidget(self.body, 1)

        controller.changed.connect(self.apply_change)
        controller.refused.connect(self.show_refusal)
        controller.held.connect(self.show_held)
        controller.backdateChanged.connect(self.pad.show_backdate)
        self._show_header(None)

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
        self._show_header(state, now_ms)

    def apply_change(self, change: Change) -> None:
        """Show one committed change everywhere it shows."""
        state = change.state
        now = max(self._controller.now_ms(), state.last_ms)
        show_change_on(self.pad, self.timer, self.plot, change, now)
        self._show_header(state, now)
        self._cancel_end()  # a tap while asking means the session carries on
        self._say(describe_change(change, self._scheme), "recorded", RECORDED_MS)

    def show_refusal(self, text: str) -> None:
        """Nothing was recorded: say why, calmly, for a few seconds."""
        self._cancel_end()
        self._say(text, "refused", REFUSED_MS)

    def show_held(self, text: str) -> None:
        """Taps are held, not saved: say so until they are (no timeout); "" clears it."""
        self._cancel_end()
        if text:
            self._say(text, "held", 0)
            self._status_timer.stop()
        elif self.status.property("tone") == "held":
            self.status.clear()

    def tick(self, now_ms: int) -> None:
        """Time passes: move what moves (session clock, rupture time, plot's now)."""
        self._set_clock(now_ms)
        self.timer.tick(now_ms)
        self.plot.tick(now_ms)

    def set_plot_style(self, style: PlotStyle) -> None:
        self.plot.set_style(style)

    # -- showing -----------------------------------------------------------------------------

    def _say(self, text: str, tone: str, ms: int) -> None:
        set_tone(self.status, tone)
        self.status.setText(text)
        self._status_timer.start(ms)

    def _show_header(self, state: SessionState | None, now_ms: int = 0) -> None:
        self._paused = state is not None and state.paused
        self.paused_badge.setVisible(self._paused)
        self._label_header_buttons()
        self._set_clock(now_ms)

    def add_header_button(self, button: QPushButton, short: str | None) -> None:
        """Put another view's button in the header, before Plot, labelled as it is now.
        Where the full header does not fit, it shows `short` instead, or with None it steps
        aside (its key still works)."""
        self.header.insertWidget(self.header.indexOf(self.plot_toggle), button)
        self._measure_header_button(button, button.text(), short)
        self._fit_header()

    def _measure_header_button(self, button: QPushButton, full: str, short: str | None) -> None:
        """Note `button`'s width with its full label, and let it shrink to its short one: a
        header button is never what holds the window wide."""
        self._header_labels[button] = (full, short)
        button.ensurePolished()  # the style sheet's font and padding
        shown = button.text()
        button.setText(full)
        self._header_full_width += button.sizeHint().width() + HEADER_SPACING
        if short is None:
            self._header_aside_width += button.sizeHint().width() + HEADER_SPACING
            button.setMinimumWidth(1)
        else:
            button.setText(short)
            button.setMinimumWidth(button.sizeHint().width())
        button.setText(shown)

    def _fit_header(self) -> None:
        """Every label in full with its key where the full header fits; else the buttons that
        can step aside do; where even that does not fit, the short words (the keys stay in the
        tooltips), so the header fits a 360-pixel side screen. Run when the width changes."""
        margins = self.layout().contentsMargins()
        clock = self.clock_label.fontMetrics().horizontalAdvance("Session 0:00:00")
        badge = self.paused_badge.sizeHint().width() + HEADER_SPACING
        full_width = (self._header_full_width + clock + badge
                      + margins.left() + margins.right())
        self._header_aside = self._fit_width < full_width
        self._header_short = self._fit_width < full_width - self._header_aside_width
        self._label_header_buttons()

    def _label_header_buttons(self) -> None:
        """Label the header's buttons as `_fit_header` decided (and Pause as the state is)."""
        for button, (full, short) in self._header_labels.items():
            if button is self.pause_button:
                word = "Resume" if self._paused else "Pause"
                full, short = word + "  " + self.actions.key_text("pause"), word
            if short is None:
                button.setVisible(not self._header_aside)
            text = short if self._header_short and short is not None else full
            if button.text() != text:
                button.setText(text)

    def _set_clock(self, now_ms: int) -> None:
        self._now_ms = now_ms
        text = ("" if self._compact else "Session ") + format_duration(now_ms)
        if self.clock_label.text() != text:
            self.clock_label.setText(text)

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
        self.message_area.setCurrentWidget(self.confirm_bar)
        self._confirm_timer.start()

    def _confirm_end(self) -> None:
        self._cancel_end()
        self._controller.end()

    def _cancel_end(self) -> None:
        self._confirm_timer.stop()
        self.message_area.setCurrentWidget(self.status)

    def _show_plot(self, shown: bool) -> None:
        self.plot_panel.setVisible(shown)

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
        lane and the session clock."""
        if self.isVisible():
            self._fit_width = self.width()
        em = self.fontMetrics().horizontalAdvance("M")
        self._compact = self._fit_width < COMPACT_EM * em
        self.pad.set_compact(self._compact)
        self.pad_scroll.updateGeometry()  # the scroll area does not pass the pad's change up
        self._fit_header()
        # The clock never holds the window wide: "Session" drops out in a narrow strip.
        self.clock_label.setMinimumWidth(self.clock_label.fontMetrics().horizontalAdvance("00:00"))
        self._set_clock(self._now_ms)
        pad_width = (self.pad.sizeHint().width()
                     + self.pad_scroll.verticalScrollBar().sizeHint().width())
        wide = self._fit_width >= pad_width + WIDE_EXTRA_EM * em
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.body.orientation() != orientation or not self._fitted:
            self._fitted = True
            self.body.setOrientation(orientation)
            self._show_plot_controls()
            QTimer.singleShot(0, self, self._split)  # once the new orientation is laid out

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
        margins = self.layout().contentsMargins()
        parts = (self.header.minimumSize(), self.message_area.minimumSizeHint(),
                 self.left.minimumSizeHint(), self.plot_panel.minimumSizeHint())
        width = max(part.width() for part in parts) + margins.left() + margins.right()
        return QSize(width, hint.height())

    @property
    def wide(self) -> bool:
        return self.body.orientation() == Qt.Orientation.Horizontal
