"""A short list of the last few ended sessions on the start page, each opening its review.

The full history (filters, trends, playback) is `attune_companion_ui.supervision.history_page`; this is the way back to a
review a few minutes after closing it. Light: no plot library is loaded for it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from attune_companion.store import SessionRow

SHOWN = 3


class SessionButton(QPushButton):
    """A past session as a button: what it was on the left, cut with an ellipsis to the room
    left (the whole text in the tooltip), and when on the right, never cut."""

    def __init__(self, row: SessionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        full, when = row.describe(), row.local_start()
        self._what = full.removesuffix(when).rstrip(" ·") if full.endswith(when) else full
        self.setToolTip(full)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # it shrinks
        self.what = QLabel(self._what, self)
        self.what.setObjectName("sessionWhat")
        self.when = QLabel(when if full.endswith(when) else "", self)
        self.when.setObjectName("sessionWhen")
        self.what.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.what.setProperty("elides", True)  # on purpose: the whole is in the tooltip
        row_layout = QHBoxLayout(self)
        row_layout.setContentsMargins(10, 0, 10, 0)
        row_layout.setSpacing(12)
        row_layout.addWidget(self.what, 1)
        row_layout.addWidget(self.when)
        for label in (self.what, self.when):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        metrics = self.fontMetrics()
        text = metrics.horizontalAdvance(self._what) + self.when.sizeHint().width()
        return QSize(text + 32 + 2, max(super().sizeHint().height(), metrics.height() + 12))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The time in full and a few letters of what: never narrower."""
        em = self.fontMetrics().horizontalAdvance("M")
        return QSize(self.when.sizeHint().width() + 32 + em * 5, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        room = self.what.contentsRect().width()
        self.what.setText(self.what.fontMetrics().elidedText(
            self._what, Qt.TextElideMode.ElideRight, room))


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
        self.buttons: list[SessionButton] = []
        self.hide()

    def set_sessions(self, rows: list[SessionRow]) -> None:
        """Offer the newest ended sessions of `rows` (newest first, as the store lists them)."""
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for row in [r for r in rows if r.status == "ended"][:SHOWN]:
            button = SessionButton(row, self)
            button.setProperty("role", "quiet")
            button.setAccessibleName(f"Review session {row.id}")
            button.clicked.connect(lambda _=False, i=row.id: self.reviewRequested.emit(i))
            self._layout.addWidget(button)
            self.buttons.append(button)
        self.setVisible(bool(self.buttons))
