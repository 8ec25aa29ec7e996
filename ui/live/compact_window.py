"""Working beside the video call: the compact strip, no-focus mode, the blank and global keys.

`CompactWindow` is a narrow always-on-top strip with the pad, the timer and a thin timeline;
it can sit at a screen edge and remembers its place and size. `BesideCall` joins the pieces to
one live session: it adds the blank (B) and compact (F11) actions to the page's registry,
puts their buttons in the page's header, lays the privacy blank over both views, swaps the
full window and the strip, and routes global hotkeys into the same registry as a click. Both
views listen to the one controller; neither holds session state of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.fold import SessionState
from companion.recorder import Change
from companion.scheme import Scheme
from companion.clock import format_duration
from ui.live.actions import Action, ActionRegistry, key_sequence
from ui.live.controller import SessionController
from ui.live.hotkeys import BLANK_ACTION, DEFAULT_BINDINGS, GlobalHotkeys, ListenerFactory
from ui.live.live_page import REFUSED_MS, LivePage, set_tone, show_change_on, show_session_on
from ui.plot.plot_style import PlotStyle
from ui.live.privacy_blank import PrivacyBlank
from ui.live.rupture_timer import RuptureTimer
from ui.plot.session_plot import SessionPlot
from ui.shell.settings import Settings
from ui.live.tap_pad import TapPad

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
    it (back to the full window)."""

    closed = Signal()

    def __init__(self, controller: SessionController, scheme: Scheme, actions: ActionRegistry,
                 settings: Settings, plot_style: PlotStyle) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("Attune")  # never the client code
        self.setAccessibleName("Attune compact strip")
        self.setObjectName("compactWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._controller = controller
        self._settings = settings
        self._actions = actions
        self.no_focus = settings.no_focus_compact
        if self.no_focus:
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            self.setWindowFlag(NO_FOCUS)

        self.clock_label = QLabel("0:00", self)
        self.clock_label.setObjectName("sessionClock")
        self.clock_label.setAccessibleName("Session time")
        self.blank_button = self._button("Blank", "Privacy blank", BLANK_ACTION)
        self.full_button = self._button("Full", "Back to the full window", COMPACT_ACTION)
        header = QHBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.clock_label, 1)
        header.addWidget(self.blank_button)
        header.addWidget(self.full_button)

        self.body = QWidget(self)
        # What the full window's status line would say of a tap not saved (held or refused),
        # so it is never missed while the window is hidden behind the strip.
        self.status = QLabel(self.body)
        self.status.setObjectName("status")
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.status.hide()
        self._status_timer = QTimer(self, singleShot=True, interval=REFUSED_MS)
        self._status_timer.timeout.connect(lambda: self._say("", ""))
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
        body.addWidget(self.status)
        body.addWidget(self.scroll, 1)
        body.addWidget(self.plot)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)
        self.blank = PrivacyBlank(self, [self.body], reveal_hint=BLANK_KEY)
        self.blank.reveal_button.clicked.connect(lambda: actions.trigger(BLANK_ACTION))
        if self.no_focus:  # nothing here may hold the keyboard
            for button in self.findChildren(QPushButton):
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        else:  # a focusable strip answers the same keys as the full window
            self._shortcuts = [self._shortcut(name) for name in self._keyed_actions()]

        controller.changed.connect(self.apply_change)
        controller.refused.connect(self.show_refusal)
        controller.held.connect(self.show_held)
        controller.backdateChanged.connect(self.pad.show_backdate)
        self._restore_place()

    def _button(self, text: str, accessible: str, action: str) -> QPushButton:
        button = QPushButton(f"{text}  {self._actions.key_text(action)}", self)
        button.setProperty("role", "quiet")
        button.setAccessibleName(accessible)
        button.setToolTip(self._actions.tooltip(action))
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
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

    def _restore_place(self) -> None:
        geometry = self._settings.compact_geometry
        if geometry is not None and self.restoreGeometry(geometry):
            return
        self.resize(*COMPACT_SIZE)
        screen = QApplication.primaryScreen()
        if screen is not None:  # against the right edge of the screen, as tall as it allows
            area: QRect = screen.availableGeometry()
            self.resize(COMPACT_SIZE[0], min(area.height(), COMPACT_MAX_HEIGHT))
            self.move(area.right() - COMPACT_SIZE[0] + 1, area.top())

    # -- what the controller pushes ----------------------------------------------------------

    def show_session(self, state: SessionState, now_ms: int) -> None:
        show_session_on(self.pad, self.timer, self.plot, state, now_ms)
        self.tick(now_ms)

    def apply_change(self, change: Change) -> None:
        now = max(self._controller.now_ms(), change.state.last_ms)
        show_change_on(self.pad, self.timer, self.plot, change, now)
        if self.status.property("tone") == "refused":
            self._say("", "")  # the pad shows what was recorded; an old refusal is stale

    def show_refusal(self, text: str) -> None:
        """Nothing was recorded (or something went wrong): say so for a few seconds."""
        self._say(text, "refused")
        self._status_timer.start()

    def show_held(self, text: str) -> None:
        """Taps are held, not saved: say so until they are; "" clears it."""
        if text:
            self._say(text, "held")
        elif self.status.property("tone") == "held":
            self._say("", "")

    def _say(self, text: str, tone: str) -> None:
        self._status_timer.stop()
        set_tone(self.status, tone)
        self.status.setText(text)
        self.status.setVisible(bool(text))

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
        self._controller.refused.disconnect(self.show_refusal)
        self._controller.held.disconnect(self.show_held)
        self._controller.backdateChanged.disconnect(self.pad.show_backdate)
        self.blockSignals(True)
        self.close()

    def showEvent(self, event: QShowEvent) -> None:
        """Never narrower than the pad and its scroll bar (the style sheet's fonts are known
        now), so no button is ever cut off at the edge."""
        super().showEvent(event)
        taps = self.scroll.widget()
        self.scroll.setMinimumWidth(taps.minimumSizeHint().width()
                                    + self.scroll.verticalScrollBar().sizeHint().width())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()  # the clinician closed the strip: the full window comes back
        super().closeEvent(event)


class BesideCall(QObject):
    """The blank, the compact strip, no-focus mode and global keys for one live session."""

    def __init__(self, window: QMainWindow, page: LivePage, controller: SessionController,
                 scheme: Scheme, settings: Settings, plot_style: PlotStyle,
                 ticker: QTimer) -> None:
        super().__init__(window)
        self._window, self._page, self._controller = window, page, controller
        self._scheme, self._settings, self._style = scheme, settings, plot_style
        self._ticker = ticker
        self.compact: CompactWindow | None = None
        self.hotkeys: GlobalHotkeys | None = None
        self.hotkey_status = ""

        page.actions.add(Action(BLANK_ACTION, "Privacy blank", self.toggle_blank, BLANK_KEY,
                                "hide every detail behind a plain panel; taps still record"))
        page.actions.add(Action(COMPACT_ACTION, "Compact strip", self.toggle_compact,
                                COMPACT_KEY, "a narrow always-on-top strip, and back"))
        self.blank_button = self._header_button("Blank", "Privacy blank", BLANK_ACTION,
                                                short=page.actions.key_text(BLANK_ACTION))
        self.compact_button = self._header_button("Compact", "Compact strip", COMPACT_ACTION,
                                                  short=None)  # F11 still works
        self.blank = PrivacyBlank(page, [page.body, page.message_area], reveal_hint=BLANK_KEY)
        self.blank.reveal_button.clicked.connect(self.toggle_blank)
        ticker.timeout.connect(self._tick)
        if settings.no_focus_window:
            set_no_focus(window, True)
        if settings.global_hotkeys:
            problem = self.start_hotkeys()
            if problem:
                page.show_refusal(f"Global keys are off: {problem}")

    def _header_button(self, text: str, accessible: str, action: str,
                       short: str | None) -> QPushButton:
        page = self._page
        button = QPushButton(f"{text}  {page.actions.key_text(action)}", page)
        button.setProperty("role", "quiet")
        button.setAccessibleName(accessible)
        button.setToolTip(page.actions.tooltip(action))
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(lambda: page.actions.trigger(action))
        page.add_header_button(button, short)
        return button

    # -- the blank ---------------------------------------------------------------------------

    @property
    def blanked(self) -> bool:
        return self.blank.blanked

    def toggle_blank(self) -> None:
        self.set_blanked(not self.blanked)

    def set_blanked(self, blanked: bool) -> None:
        """Blank (or reveal) every view at once; recording carries on underneath."""
        self.blank.tick(self._controller.now_ms())
        self.blank.set_blanked(blanked)
        if self.compact is not None:
            self.compact.blank.tick(self._controller.now_ms())
            self.compact.blank.set_blanked(blanked)

    # -- the compact strip -------------------------------------------------------------------

    def toggle_compact(self) -> None:
        self.set_compact(self.compact is None)

    def set_compact(self, compact: bool) -> None:
        """Swap the full window for the strip, or back."""
        if compact == (self.compact is not None):
            return
        if compact:
            strip = CompactWindow(self._controller, self._scheme, self._page.actions,
                                  self._settings, self._style)
            strip.closed.connect(lambda: self.set_compact(False))
            recorder = self._controller.recorder
            if recorder is not None:
                strip.show_session(recorder.state, self._controller.now_ms())
            strip.blank.set_blanked(self.blanked)
            self.compact = strip
            strip.show()
            self._window.hide()
        else:
            strip, self.compact = self.compact, None
            assert strip is not None
            self._window.show()
            strip.close_strip()
            strip.deleteLater()

    # -- global keys -------------------------------------------------------------------------

    def start_hotkeys(self, factory: ListenerFactory | None = None) -> str | None:
        """Listen for the chosen global combinations; a sentence when that cannot be done."""
        self.stop_hotkeys()
        bindings = self._settings.hotkey_bindings or DEFAULT_BINDINGS
        known = {name: combo for name, combo in bindings.items() if name in self._page.actions}
        self.hotkeys = GlobalHotkeys(known, factory, self)
        self.hotkeys.triggered.connect(self._page.actions.trigger)
        problem = self.hotkeys.start()
        self.hotkey_status = problem or "Global keys are on."
        return problem

    def stop_hotkeys(self) -> None:
        if self.hotkeys is not None:
            self.hotkeys.stop()
            self.hotkeys.deleteLater()
            self.hotkeys = None

    # -- time and closing --------------------------------------------------------------------

    def _tick(self) -> None:
        if not self._controller.live:
            return
        now = self._controller.now_ms()
        self.blank.tick(now)
        if self.compact is not None:
            self.compact.tick(now)

    def close(self) -> None:
        """The session's page is going: stop keys, close the strip, give focus back."""
        self.stop_hotkeys()
        self._ticker.timeout.disconnect(self._tick)
        self.set_compact(False)
        set_no_focus(self._window, False)
