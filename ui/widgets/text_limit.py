"""A text field kept within its core text rule's length, saying so when it cuts.

Qt's own `maxLength` cuts a paste silently and counts UTF-16 units (an emoji is two). Here the
rule from `attune_companion.text_rules` counts characters, and an edit that would pass it loses the
end of what it inserted (never what was there before), after which `cut` carries the rule's
calm message for the field's owner to show.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from attune_companion.text_rules import TextRule, cut_insertion, inserted_span


class TextLimit(QObject):
    """Keeps `field` (a QLineEdit or QPlainTextEdit) within `rule.most` characters."""

    cut = Signal(str)

    def __init__(self, field: QLineEdit | QPlainTextEdit, rule: TextRule) -> None:
        super().__init__(field)
        self.field, self.rule = field, rule
        self._before = self._text()
        field.textChanged.connect(self._changed)

    def fit_paste(self, source: QMimeData) -> bool:
        """Insert a paste or drop cut to the room left (so a huge paste is never laid out);
        False when it fits as it is and the field should insert it itself."""
        text = source.text() if source.hasText() else ""
        field = self.field
        assert isinstance(field, QPlainTextEdit)
        cursor = field.textCursor()
        room = self.rule.most - (len(self._before) - len(cursor.selectedText()))
        if len(text) <= room:
            return False
        field.insertPlainText(text[:max(0, room)])
        self.cut.emit(self.rule.cut_message())
        return True

    def _text(self) -> str:
        f = self.field
        return f.text() if isinstance(f, QLineEdit) else f.toPlainText()

    def _changed(self, *_: object) -> None:
        text = self._text()
        if len(text) > self.rule.most:
            start, end = cut_insertion(text, *inserted_span(self._before, text), self.rule.most)
            if start < end:
                self._delete(text, start, end)
                self.cut.emit(self.rule.cut_message())
                return  # the deletion calls this again with the text that is kept
        self._before = text

    def _delete(self, text: str, start: int, end: int) -> None:
        """Delete characters `start`..`end` of `text` in the field, as an edit it can undo."""
        a, b = _utf16(text[:start]), _utf16(text[:end])
        f = self.field
        if isinstance(f, QLineEdit):
            f.setSelection(a, b - a)
            f.del_()
        else:
            cursor = QTextCursor(f.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()


def _utf16(text: str) -> int:
    """Where `text` ends in Qt's UTF-16 positions."""
    return len(text.encode("utf-16-le")) // 2
