"""The main window: start page → live session → summary, and the tick that moves the clock.

The window wires pages to the controller and nothing else: pages show, the controller
records. The live page (and with it pyqtgraph) is built when a session opens, so the first
frame does not wait for the plot library.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from attune_companion.clock import Clock
from attune_companion.errors import AttuneError
from attune_companion.fold import SessionState
from attune_companion.heap import hand_back_free_memory
from attune_companion.recorder import Recorder
from attune_companion.replay import next_second_ms
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion_ui.live.controller import SessionController
from attune_companion_ui.shell.screen_fit import FRAME_ALLOWANCE
from attune_companion_ui.shell.settings import Settings
from attune_companion_ui.shell.start_page import StartPage
from attune_companion_ui.shell.theme import Theme, apply_theme

if TYPE_CHECKING:
    from attune_companion_ui.supervision.flow import SupervisionFlow
    from attune_companion_ui.live.beside_call import BesideCall
    from attune_companion_ui.live.live_page import LivePage
    from attune_companion_ui.review.review_page import ReviewPage

TICK_LATE_MS = 15
"""The live window ticks this long after each moment a clock it shows turns a second (the
session's, an open rupture's): after it, never just before. What a tick changes is shown in
whole seconds, or moves about a pixel a second (the plot's now at a 10-minute window), so a
tick more often would show nothing new and wake a laptop that runs the video call for
nothing."""
UNEXPECTED_MS = 20_000
DEFAULT_SIZE = (1100, 760)


class MainWindow(QMainWindow):
    """Attune's window. `store` None means the database could not be opened: `store_problem`
    says why, in place, and nothing can be started. `notices` are shown on the start page
    (e.g. a coding-scheme file that could not be used)."""

    def __init__(
        self, store: Store | None, scheme: Scheme, *, clock: Clock | None = None,
        settings: Settings | None = None, notices: Sequence[str] = (),
        store_problem: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Attune")  # never the client code
        self.setAccessibleName("Attune")
        self.store = store
        self.settings = settings if settings is not None else Settings()
        self.theme = Theme(self.settings.theme)
        self._plot_style = apply_theme(_app(), self.theme)
        _app().styleHints().colorSchemeChanged.connect(self._follow_system_theme)
        self.controller = SessionController(store, scheme, clock, self) if store else None
        self.live_page: LivePage | None = None
        self.beside: BesideCall | None = None  # compact strip, blank, no-focus, global keys
        self._close_despite_held = False

        self.stack = PageStack(self)
        self.setCentralWidget(self.stack)
        self.start_page = StartPage()
        self.review_page: ReviewPage | None = None  # built when first needed (pyqtgraph)
        self.stack.addWidget(self.start_page)

        self.start_page.set_notices(list(notices))
        self.start_page.set_problem(store_problem if store is None else None)
        self.start_page.set_preferences(self.theme.value, self.settings.rupture_tint_minutes)
        self.start_page.startRequested.connect(self._start)
        self.start_page.resumeRequested.connect(self._resume)
        self.start_page.closeRequested.connect(self._close_interrupted)
        self.start_page.themeChosen.connect(self.set_theme)
        self.start_page.tintChosen.connect(self._set_tint)
        self.start_page.settingsRequested.connect(self.open_settings)
        self.start_page.aboutRequested.connect(self.open_about)
        self.start_page.quitRequested.connect(self.close)
        self.start_page.past_sessions.reviewRequested.connect(self.show_review)
        self._supervision: SupervisionFlow | None = None
        self.start_page.historyRequested.connect(lambda: self.supervision.show_history())
        if self.controller is not None:
            self.controller.opened.connect(self._on_opened)
            self.controller.ended.connect(self._on_ended)
            self.controller.changed.connect(self._schedule_tick)  # a resume moves the turns

        self._ticker = QTimer(self)
        self._ticker.setSingleShot(True)  # set again at each tick, for the next turn
        self._ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self._ticker.timeout.connect(self._tick)

        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self._fit_default_size()
        self.show_start()

    def _fit_default_size(self) -> None:
        """The first size: DEFAULT_SIZE where the screen holds it. A screen narrower than that
        is most often a tall side monitor: the window takes its width and all of its height
        (the live page stacks the plot under the pad there), placed at its top left."""
        width, height = DEFAULT_SIZE
        screen = self.screen()
        if screen is None:
            self.resize(width, height)
            return
        area = screen.availableGeometry()
        room = area.height() - FRAME_ALLOWANCE
        if width <= area.width() and height <= room:
            self.resize(width, height)
            return
        self.resize(min(width, area.width()), room if width > area.width() else min(height, room))
        self.move(area.topLeft())

    # -- pages -------------------------------------------------------------------------------

    def show_start(self) -> None:
        """The start page, with recent codes and any interrupted sessions read fresh."""
        if self.store is not None:
            self.start_page.set_recent_codes(self.store.client_codes())
            self.start_page.set_interrupted(self.store.interrupted_sessions())
            self.start_page.past_sessions.set_sessions(self.store.sessions())
        self.start_page.reset()
        self.stack.setCurrentWidget(self.start_page)
        self.start_page.code.setFocus()
        review = self.review_page
        if review is not None:
            # The review left lets its session go (it held a long one's events, states and
            # drawing beside any playback opened next); the page stays for the next review.
            held = review.shown is not None
            review.let_go()
            if held:  # not at start-up, nor back from the history (the flow handed back)
                hand_back_free_memory()  # what it held (see attune_companion.heap)

    def _start(self, code: str, number: int | None, modality: str | None) -> None:
        if self.controller is None:
            return
        try:
            self.controller.start(code, number, modality)
        except (AttuneError, sqlite3.Error, OSError) as exc:
            self.start_page.show_error(_not_done("The session could not be started", exc))

    def _resume(self, session_id: int) -> None:
        if self.controller is None:
            return
        try:
            self.controller.resume_interrupted(session_id)
        except (AttuneError, sqlite3.Error, OSError) as exc:
            self.start_page.show_error(_not_done("The session could not be resumed", exc))

    def _close_interrupted(self, session_id: int) -> None:
        if self.controller is None:
            return
        try:
            self.controller.close_interrupted(session_id)
        except (AttuneError, sqlite3.Error, OSError) as exc:
            self.start_page.show_error(
                _not_done("The interrupted session could not be closed", exc))
            return
        self.show_start()
        self.start_page.show_message(
            "The interrupted session is closed. Every tap is kept; a rupture left open is "
            "recorded as unrepaired."
        )

    def _on_opened(self, recorder: Recorder) -> None:
        from attune_companion_ui.live.live_page import LivePage  # pyqtgraph loads here, after the first frame

        assert self.controller is not None
        if self._supervision is not None:
            # Figures still being worked out for the history wait for its next opening: the
            # live session has the processor to itself.
            self._supervision.history.stop_rebuild(wait=False)
        self._drop_live_page()
        self.start_page.set_restore_offer(None)  # restoring now would set this session aside
        self.live_page = LivePage(self.controller, recorder.scheme, self.settings,
                                  self._plot_style)
        self.live_page.fit_width(self.stack.width())
        self.stack.addWidget(self.live_page)
        self.stack.setCurrentWidget(self.live_page)
        from attune_companion_ui.live.beside_call import BesideCall

        self.beside = BesideCall(self, self.live_page, self.controller, recorder.scheme,
                                 self.settings, self._plot_style, self._ticker)
        self.live_page.show_session(recorder.state, self.controller.now_ms())
        self.live_page.setFocus()  # keys are taps; no button or field holds the focus
        self._schedule_tick()

    def _on_ended(self, state: SessionState) -> None:
        assert self.controller is not None and self.controller.recorder is not None
        self._ticker.stop()
        self.show_review(self.controller.recorder.session.id)
        self._drop_live_page()

    def show_review(self, session_id: int) -> None:
        """The review of an ended session: figures, corrections, reflection, reports."""
        if self.store is None:
            return
        if self.review_page is None:
            from attune_companion_ui.review.review_controller import ReviewController
            from attune_companion_ui.review.review_page import ReviewPage

            # the page holds its controller (not the window: a controller left behind held
            # the session it last read)
            self.review_page = ReviewPage(ReviewController(self.store), self._plot_style)
            self.review_page.back.connect(self.show_start)
            self.stack.addWidget(self.review_page)
        try:
            self.review_page.show_session(session_id)
        except (AttuneError, sqlite3.Error, OSError) as exc:
            self.start_page.show_error(_not_done("The review could not be opened", exc))
            return
        self.stack.setCurrentWidget(self.review_page)

    def _drop_live_page(self) -> None:
        page, self.live_page = self.live_page, None
        beside, self.beside = self.beside, None
        if beside is not None:
            beside.close()
        if page is not None:
            page.disconnect_controller()
            self.stack.removeWidget(page)
            page.deleteLater()

    def _tick(self) -> None:
        if self.live_page is not None and self.controller is not None and self.controller.live:
            self.live_page.tick(self.controller.now_ms())
            self._schedule_tick()

    def _schedule_tick(self, *_: object) -> None:
        """Tick next just after the next turn of a second any clock on show makes."""
        controller = self.controller
        if controller is None or controller.recorder is None or not controller.live:
            return
        wait = next_second_ms(controller.recorder.state, controller.now_ms())
        self._ticker.start(wait + TICK_LATE_MS)

    def show_unexpected(self, text: str) -> None:
        """Something went wrong that no code foresaw: one calm line where the clinician is
        looking (the session's status line when one is live, else the window's foot)."""
        if self.controller is not None and self.controller.live and self.live_page is not None:
            self.controller.refused.emit(text)
        else:
            self.statusBar().showMessage(text, UNEXPECTED_MS)

    # -- preferences -------------------------------------------------------------------------

    def set_theme(self, theme: str, remember: bool = True) -> None:
        """Show the window in `theme` ('dark' or 'light'); `remember` stores it as the choice
        (not when applying 'follow the system', which stays the choice)."""
        self.theme = Theme(theme)
        if remember:
            self.settings.theme = self.theme.value
        self._plot_style = apply_theme(_app(), self.theme)
        if self.live_page is not None:
            self.live_page.set_plot_style(self._plot_style)
        if self.review_page is not None:
            self.review_page.set_plot_style(self._plot_style)
        if self._supervision is not None:
            self._supervision.set_plot_style(self._plot_style)

    @property
    def supervision(self) -> SupervisionFlow:
        """History, playback and trends: built when first asked for (never during a session),
        so start-up does not pay for them."""
        if self._supervision is None:
            from attune_companion_ui.supervision.flow import SupervisionFlow

            self._supervision = SupervisionFlow(self.stack, self.store, self.settings,
                                                lambda: self._plot_style, self.show_start)
        return self._supervision

    def _follow_system_theme(self) -> None:
        """With 'follow the system' chosen, change when the system's colour scheme does."""
        if self.settings.theme_choice == "system":
            self.set_theme(self.settings.theme, remember=False)

    def _set_tint(self, minutes: int) -> None:
        self.settings.rupture_tint_minutes = minutes

    def open_settings(self) -> None:
        """The settings dialog (outside sessions only; the start page offers it)."""
        from attune_companion_ui.shell.settings_dialog import open_settings

        open_settings(self)

    def open_about(self) -> None:
        """The About box: version, file locations, system details (from the start page)."""
        from attune_companion_ui.shell.about_dialog import open_about

        open_about(self.store.path if self.store is not None else None,
                   self.settings.location, self)

    # -- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-session pauses it (so the stop is exact) and leaves it to resume.

        With taps still held (the database refused them), the first close only says so:
        closing loses them, so it takes a second close to do it."""
        controller = self.controller
        if controller is not None and controller.held_count and not controller.retry_held():
            if not self._close_despite_held:
                self._close_despite_held = True
                controller.held.emit(
                    f"{controller.held_count} tap(s) are not saved yet and would be lost. "
                    "Free the disk or close the other program and Attune saves them; close "
                    "again to close anyway."
                )
                event.ignore()
                return
        if self.controller is not None:
            self.controller.pause_before_closing()
            self.controller.finish_backup()  # a backup under way is finished, not cut off
        if self.review_page is not None:
            self.review_page.flush()  # an answer typed a moment ago is saved, not dropped
        self._ticker.stop()
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self._drop_live_page()
        if self._supervision is not None:
            self._supervision.close()
        super().closeEvent(event)


class PageStack(QStackedWidget):
    """The window's pages, asking only for the room the page on show needs.

    A plain QStackedWidget is as large as its largest page, so a wide history table would
    keep the live session from narrowing to a side strip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()


def _not_done(what: str, exc: Exception) -> str:
    """One calm line for an operation that did not happen: an Attune error's own sentence,
    else what could not be done and what the database (or the system) said."""
    if isinstance(exc, AttuneError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{what} ({exc.strerror or exc})."
    return f"{what}: the database reported '{exc}'."


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication), "create the QApplication before the window"
    return app
