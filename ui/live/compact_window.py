"""The compact strip: a narrow always-on-top window beside the video call.

It holds the header (clock, Undo, Blank, Full), the message line, the timer, the pad and a thin
timeline (where the pad fits whole beside it), and remembers its place and size on the screen it opens on (never past the bottom
of a tall side screen). It answers the same keys as the full window whenever it has the
keyboard. With "no focus stealing" on, a click on it never takes the keyboard from the call:
opened from the full window with the keyboard in Attune, it takes the keyboard once and gives
it up for good the first time it loses it. `BesideCall` (beside_call.py) joins it to a session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent, QGuiApplication, QResizeEvent, QScreen, QShortcut, QShowEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from attune_companion.clock import format_duration
from attune_companion.fold import SessionState
from attune_companion.recorder import Change
from attune_companion.scheme import Scheme
from attune_companion_ui.live.actions import ActionRegistry, key_sequence
from attune_companion_ui.live.controller import SessionController
from attune_companion_ui.live.hotkeys import BLANK_ACTION
from attune_companion_ui.live.live_messages import MessageLine
from attune_companion_ui.live.live_page import show_change_on, show_session_on
from attune_companion_ui.live.privacy_blank import PrivacyBlank
from attune_companion_ui.live.rupture_timer import RuptureTimer
from attune_companion_ui.live.tap_pad import TapPad
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.shell.screen_fit import FRAME_ALLOWANCE, fit_on_screen
from attune_companion_ui.shell.settings import Settings

BLANK_KEY = "B"
COMPACT_ACTION = "compact"
COMPACT_KEY = "F11"
COMPACT_SIZE = (360, 760)
COMPACT_MAX_HEIGHT = 940
TIMELINE_HEIGHT = 120
NO_FOCUS = Qt.WindowType.WindowDoesNotAcceptFocus


def set_no_focus(window: QWidget, no_focus: bool) -> None:
    """Make `window` take (or never take) keyboard focus from other applications.

    Changing window flags hides a shown window, so it is shown again, without activating."""
    if bool(window.windowFlags() & NO_FOCUS) == no_focus:
        return
    shown = window.isVisible()
    window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, no_focus)
    window.setWindowFlag(NO_FOCUS, no_focus)
    if shown:
        window.show()


class CompactWindow(QWidget):
    """The narrow always-on-top strip for one live session. `closed` when the clinician closes
    it (back to the full window).

    `screen`: where to open it (the full window's screen). `take_keyboard`: the keyboard is in
    Attune now (the strip was opened from the full window), so the strip keeps it until the
    clinician goes elsewhere, even with "no focus stealing" on."""

    closed = Signal()

    def __init__(self, controller: SessionController, scheme: Scheme, actions: ActionRegistry,
                 settings: Settings, plot_style: PlotStyle, screen: QScreen | None = None,
                 take_keyboard: bool = False) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("Attune")  # never the client code
        self.setAccessibleName("Attune compact strip")
        self.setObjectName("compactWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._controller = controller
        self._scheme = scheme
        self._settings = settings
        self._actions = actions
        self.no_focus = settings.no_focus_compact
        self._focus_later = self.no_focus and take_keyboard  # no-focus once it loses the keys
        set_no_focus(self, self.no_focus and not take_keyboard)

        self.clock_label = QLabel("0:00", self)
        self.clock_label.setObjectName("sessionClock")
        self.clock_label.setAccessibleName("Session time")
        self.clock_label.setMinimumWidth(
            self.clock_label.fontMetrics().horizontalAdvance("0:00:00"))
        self.undo_button = self._button("Undo", "Undo the last tap", "undo", with_key=False)
        self.blank_button = self._button("Blank", "Privacy blank", BLANK_ACTION)
        self.full_button = self._button("Full", "Back to the full window", COMPACT_ACTION)
        header = QHBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.clock_label, 1)
        for button in (self.undo_button, self.blank_button, self.full_button):
            header.addWidget(button)

        self.body = QWidget(self)
        self.messages = MessageLine(self._quiet_button, self.body)
        self.status = self.messages.status  # what the window's status line would say
        self.timer = RuptureTimer(scheme, settings.rupture_tint_minutes)
        self.pad = TapPad(scheme, actions, settings.backdate_choices)
        self.pad.set_compact(True)
        self.pad.note_field.hide()  # typing needs focus; notes are taken in the full window
        self.pad.backdateChosen.connect(controller.set_backdate)
        self.plot = SessionPlot(scheme, plot_style, self.body)
        self.plot.setAccessibleName("Session timeline")
        self.plot.setFixedHeight(TIMELINE_HEIGHT)
        self.plot.set_window(settings.window_minutes)
        taps = QWidget()
        taps_layout = QVBoxLayout(taps)
        taps_layout.setContentsMargins(0, 0, 0, 0)
        taps_layout.setSpacing(6)
        taps_layout.addWidget(self.timer)
        taps_layout.addWidget(self.pad)
        taps_layout.addStretch(1)
        self.scroll = QScrollArea(self.body)  # a short screen scrolls the pad, never cuts it
        self.scroll.setWidget(taps)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.messages)
        body.addWidget(self.scroll, 1)
        body.addWidget(self.plot)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)
        layout.addStretch(0)  # with the body hidden (the blank), the header stays on top
        self.blank = PrivacyBlank(self, [self.body], reveal_hint=BLANK_KEY,
                                  anchor=self.blank_button)
        self.blank.reveal_button.clicked.connect(lambda: actions.trigger(BLANK_ACTION))
        if self.no_focus:  # nothing here may hold the keyboard
            for button in self.findChildren(QPushButton):
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # whenever the strip has the keyboard, it answers the same keys as the full window
        self._shortcuts = [self._shortcut(name) for name in self._keyed_actions()]

        controller.changed.connect(self.apply_change)
        controller.refused.connect(self.messages.show_refusal)
        controller.held.connect(self.messages.show_held)
        controller.backdateChanged.connect(self.pad.show_backdate)
        self._restore_place(screen or QGuiApplication.primaryScreen())

    def _quiet_button(self, text: str, accessible: str, checkable: bool = False) -> QPushButton:
        button = QPushButton(text, self)
        button.setProperty("role", "quiet")
        button.setAccessibleName(accessible)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def _button(self, text: str, accessible: str, action: str,
                with_key: bool = True) -> QPushButton:
        key = self._actions.key_text(action) if with_key else ""
        button = self._quiet_button(f"{text}  {key}" if key else text, accessible)
        button.setToolTip(self._actions.tooltip(action))
        button.clicked.connect(lambda: self._actions.trigger(action))
        return button

    def _keyed_actions(self) -> list[str]:
        names = [*self.pad.buttons, "undo", "pause", BLANK_ACTION, COMPACT_ACTION]
        return [n for n in names if n in self._actions and self._actions.get(n).key]

    def _shortcut(self, name: str) -> QShortcut:
        key = self._actions.get(name).key
        assert key is not None
        shortcut = QShortcut(key_sequence(key), self)
        shortcut.setAutoRepeat(False)
        shortcut.activated.connect(lambda: self._actions.trigger(name))
        return shortcut

    def _restore_place(self, screen: QScreen | None) -> None:
        """The remembered place, kept on `screen`; else against its right edge, as tall as
        it allows below the title bar."""
        if screen is None:
            self.resize(*COMPACT_SIZE)
            return
        area: QRect = screen.availableGeometry()
        geometry = self._settings.compact_geometry
        if geometry is not None and self.restoreGeometry(geometry):
            self.setGeometry(fit_on_screen(self.geometry(), area))
            return
        width = min(COMPACT_SIZE[0], area.width())
        height = min(area.height() - FRAME_ALLOWANCE, COMPACT_MAX_HEIGHT)
        self.setGeometry(area.right() + 1 - width, area.top(), width, height)

    # -- what the controller pushes ----------------------------------------------------------

    def show_session(self, state: SessionState, now_ms: int) -> None:
        show_session_on(self.pad, self.timer, self.plot, state, now_ms)
        self.messages.follow(state)
        self.tick(now_ms)

    def apply_change(self, change: Change) -> None:
        now = max(self._controller.now_ms(), change.state.last_ms)
        show_change_on(self.pad, self.timer, self.plot, change, now)
        self.messages.show_change(change, self._scheme)

    def tick(self, now_ms: int) -> None:
        text = format_duration(now_ms)
        if self.clock_label.text() != text:
            self.clock_label.setText(text)
        self.timer.tick(now_ms)
        self.plot.tick(now_ms)
        self.blank.tick(now_ms)

    def close_strip(self) -> None:
        """Remember the place and size, stop listening and close (without `closed`)."""
        self._settings.compact_geometry = self.saveGeometry()
        self._controller.changed.disconnect(self.apply_change)
        self._controller.refused.disconnect(self.messages.show_refusal)
        self._controller.held.disconnect(self.messages.show_held)
        self._controller.backdateChanged.disconnect(self.pad.show_backdate)
        self.blockSignals(True)
        self.close()

    # -- window events -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Never narrower than the pad and its scroll bar (the style sheet's fonts are known
        now), so no button is ever cut off at the edge."""
        super().showEvent(event)
        taps = self.scroll.widget()
        self.scroll.setMinimumWidth(taps.minimumSizeHint().width()
                                    + self.scroll.verticalScrollBar().sizeHint().width())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """The timeline only where the pad still fits whole beside it: on a short screen the
        taps come first."""
        super().resizeEvent(event)
        spacing = self.body.layout().spacing()
        room = (self.body.height() - self.messages.height() - 2 * spacing - TIMELINE_HEIGHT)
        self.plot.setVisible(room >= self.scroll.widget().sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """The first time a strip that took the keyboard loses it, it stops taking it."""
        super().changeEvent(event)
        if (event.type() == QEvent.Type.ActivationChange and self._focus_later
                and self.isVisible() and not self.isActiveWindow()):
            self._focus_later = False
            set_no_focus(self, True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()  # the clinician closed the strip: the full window comes back
        super().closeEvent(event)
