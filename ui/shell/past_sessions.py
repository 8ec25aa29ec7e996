"""A short list of the last few ended sessions on the start page, each opening its review.

The full history (filters, trends, playback) is `ui.supervision.history_page`; this is the way back to a
review a few minutes after closing it. Light: no plot library is loaded for it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from companion.store import SessionRow

SHOWN = 3


class ElidedButton(QPushButton):
    """A button whose text is cut with an ellipsis to its width (the whole text in the
    tooltip), instead of being clipped at both ends."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._full = text
        self.setToolTip(text)
        self.setStyleSheet("text-align: left; padding-left: 10px; padding-right: 10px;")

    def minimumSizeHint(self):  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance("M") * 8)
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        room = max(0, event.size().width() - 24)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room))
        super().resizeEvent(event)


class PastSessions(QWidget):
    """Signal: reviewRequested(session_id)."""

    reviewRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Recent sessions")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 6, 0, 0)
        self._layout.setSpacing(4)
        title = QLabel("Review a recent session", self)
        title.setObjectName("section")
        self._layout.addWidget(title)
        self.buttons: list[ElidedButton] = []
        self.hide()

    def set_sessions(self, rows: list[SessionRow]) -> None:
        """Offer the newest ended sessions of `rows` (newest first, as the store lists them)."""
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for row in [r for r in rows if r.status == "ended"][:SHOWN]:
            button = ElidedButton(row.describe(), self)
            button.setProperty("role", "quiet")
            button.setAccessibleName(f"Review session {row.id}")
            button.clicked.connect(lambda _=False, i=row.id: self.reviewRequested.emit(i))
            self._layout.addWidget(button)
            self.buttons.append(button)
        self.setVisible(bool(self.buttons))
