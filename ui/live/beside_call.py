"""Working beside the video call: the privacy blank, the compact strip, no-focus mode and
global keys, joined to one live session.

`BesideCall` adds the blank (B) and compact (F11) actions to the page's registry, puts their
buttons in the page's header, lays the privacy blank over the page (its Show button where
Blank was), swaps the full window and the strip (the keyboard goes with the clinician: to the
strip when it was in Attune, back to the window when it was in the strip), and routes global
hotkeys into the same registry as a click. Both views listen to the one controller; neither
holds session state of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMainWindow, QPushButton

from attune_companion.scheme import Scheme
from attune_companion_ui.live.actions import Action
from attune_companion_ui.live.compact_window import (
    BLANK_KEY, COMPACT_ACTION, COMPACT_KEY, CompactWindow, set_no_focus,
)
from attune_companion_ui.live.controller import SessionController
from attune_companion_ui.live.hotkeys import BLANK_ACTION, DEFAULT_BINDINGS, GlobalHotkeys, ListenerFactory
from attune_companion_ui.live.live_page import LivePage
from attune_companion_ui.live.privacy_blank import PrivacyBlank
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.shell.settings import Settings


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
        self.blank = PrivacyBlank(page, [page.body, page.message_area], reveal_hint=BLANK_KEY,
                                  anchor=self.blank_button)
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
            keyboard = self._window.isActiveWindow()  # the clinician is working in Attune
            strip = CompactWindow(self._controller, self._scheme, self._page.actions,
                                  self._settings, self._style, self._window.screen(),
                                  take_keyboard=keyboard)
            strip.closed.connect(lambda: self.set_compact(False))
            recorder = self._controller.recorder
            if recorder is not None:
                strip.show_session(recorder.state, self._controller.now_ms())
            strip.blank.set_blanked(self.blanked)
            self.compact = strip
            strip.show()
            self._window.hide()
            if keyboard:
                strip.raise_()
                strip.activateWindow()
        else:
            strip, self.compact = self.compact, None
            assert strip is not None
            keyboard = strip.isActiveWindow()
            self._window.show()
            strip.close_strip()
            strip.deleteLater()
            if keyboard:
                self._window.activateWindow()

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
