"""The way through history and supervision: history, playback, trends and review in the window.

The window hands this its page stack; this builds each page with its controller when it is
first asked for (pyqtgraph loads then). The review and playback pages are kept (building one
was most of a short session's open) and let go of their session when left; a trends page is
thrown away when left, so each client starts fresh.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QStackedWidget, QWidget

from attune_companion.errors import AttuneError
from attune_companion.heap import hand_back_free_memory
from attune_companion.store import Store
from attune_companion_ui.supervision.history_controller import HistoryController, TrendsController
from attune_companion_ui.supervision.history_page import HistoryPage


class SupervisionFlow(QObject):
    """History, playback, trends and review in the window's stack; `done` leaves them."""

    def __init__(self, stack: QStackedWidget, store: Store | None, settings: Any,
                 plot_style: Callable[[], Any], done: Callable[[], None]) -> None:
        super().__init__(stack)
        self._stack, self._store, self._settings = stack, store, settings
        self._plot_style, self._done = plot_style, done
        self.history = HistoryPage(HistoryController(store) if store is not None else None,
                                   review=True)
        self.history.back.connect(done)
        self.history.playRequested.connect(self.play)
        self.history.trendsRequested.connect(self.trends)
        self.history.reviewRequested.connect(self.review)
        stack.addWidget(self.history)
        self.page: QWidget | None = None
        self._review_page: Any = None  # built when first needed (pyqtgraph), then kept
        self._playback_page: Any = None  # the same

    def show_history(self) -> None:
        self._drop_page()
        self.history.reload()
        self._stack.setCurrentWidget(self.history)
        self.history.table.setFocus()

    def play(self, session_id: int) -> None:
        """A past session's playback, on the playback page kept for the history (built the
        first time): it lets go of the session when left (see `_drop_page`)."""
        from attune_companion_ui.supervision.playback_page import PlaybackPage

        assert self._store is not None
        self._drop_page()
        page = self._playback_page
        style, tint = self._plot_style(), self._settings.rupture_tint_minutes
        try:
            if page is None:
                page = PlaybackPage(self._store, session_id, style, tint_minutes=tint)
            else:
                page.show_session(session_id, style=style, tint_minutes=tint)
        except (AttuneError, ValueError) as exc:  # ValueError: a log that does not fold
            self.history.say(f"This session cannot be played back: {exc}", error=True)
            return
        page.fit_width(self._stack.width())  # laid out for the room it has, before shown
        if self._playback_page is None:
            self._playback_page = page
            page.back.connect(self.show_history)
            self._stack.addWidget(page)
        self.page = page
        self._stack.setCurrentWidget(page)
        page.setFocus()

    def trends(self, client_code: str) -> None:
        from attune_companion_ui.supervision.trends_page import TrendsPage

        assert self._store is not None
        page = TrendsPage(TrendsController(self._store), self._plot_style())
        page.show_client(client_code)
        self._open(page)

    def review(self, session_id: int) -> None:
        """A past session's review, on the review page kept for the history: building the
        page and its plot was most of a short session's open; it lets go of the session when
        left (see `_drop_page`)."""
        from attune_companion_ui.review.review_controller import ReviewController
        from attune_companion_ui.review.review_page import ReviewPage

        assert self._store is not None
        page = self._review_page
        if page is None:
            page = self._review_page = ReviewPage(ReviewController(self._store),
                                                  self._plot_style())
            page.back.connect(self.show_history)
            self._stack.addWidget(page)
        self._drop_page()
        self.page = page
        self._stack.setCurrentWidget(page)
        try:
            page.show_session(session_id, back_text="Back to history")
        except AttuneError as exc:
            self.show_history()
            self.history.say(str(exc), error=True)

    def set_plot_style(self, style: Any) -> None:
        for page in {self.page, self._review_page, self._playback_page} - {None}:
            if hasattr(page, "set_plot_style"):
                page.set_plot_style(style)

    def close(self) -> None:
        """Stop playing, stop working out figures, and drop the open page (the window is
        closing)."""
        self.history.stop_rebuild()
        self._drop_page()

    def _open(self, page: QWidget) -> None:
        self._drop_page()
        self.page = page
        page.back.connect(self.show_history)  # type: ignore[attr-defined]
        self._stack.addWidget(page)
        self._stack.setCurrentWidget(page)

    def _drop_page(self) -> None:
        page, self.page = self.page, None
        if page is not None and page in (self._review_page, self._playback_page):
            page.let_go()  # kept for the next session; holds nothing of this one
            hand_back_free_memory()  # what it held (see attune_companion.heap)
        elif page is not None:
            self._stack.removeWidget(page)
            page.deleteLater()
            # A page's widgets and drawing sit in reference cycles: swept once it is deleted,
            # not whenever a full collection comes (rare once start-up is frozen), so memory
            # stays flat however many sessions a supervisor opens.
            QTimer.singleShot(0, gc.collect)
