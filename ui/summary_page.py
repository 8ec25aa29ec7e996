"""The page after a session ends: its summary as plain text, then back to a new session."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget


class SummaryPage(QWidget):
    """Shows `format_text` of a session's summary read-only; `newSession` when the clinician
    is ready for the next one."""

    newSession = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session summary")
        title = QLabel("Session ended", self)
        title.setObjectName("pageTitle")
        hint = QLabel("Every tap is saved. Take a moment before the next session.", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("summaryText")
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Summary text")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.new_button = QPushButton("New session", self)
        self.new_button.setObjectName("primary")
        self.new_button.setAccessibleName("New session")
        self.new_button.clicked.connect(self.newSession.emit)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)

    def show_text(self, text: str) -> None:
        self.text.setPlainText(text)
