"""Reflection after the session: the scheme's prompts with answers saved as typed, and ratings.

There is no Save button to forget: an answer is handed on half a second after typing stops
and whenever its field loses focus (`answerEdited`), only when it differs from what was last
saved, and a rating as soon as it is set (`ratingChanged`). The page stores them and says so
with a quiet "Saved". An answer holds at most `REFLECTION.most` characters (the core's rule): a
paste that would pass it is cut, and the panel says so. Ratings are
optional: each starts at "not rated", and the client's session total shows only when all four
of its scales are entered (a partial sum would read as a low rating).
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from attune_companion.ratings import ALLIANCE, SRS_MAX, SRS_SCALES, srs_total
from attune_companion.scheme import Prompt
from attune_companion.text_rules import REFLECTION
from attune_companion_ui.review.review_figures import RATING_LABELS
from attune_companion_ui.widgets.text_limit import TextLimit

SAVE_AFTER_MS = 500
NOT_RATED = -1


class AnswerEdit(QPlainTextEdit):
    """A free-text answer, kept within the reflection rule, that reports when it loses focus.

    Set its text before `limit` is made: a text saved before the rule existed is shown whole
    (it can be shortened, not lengthened)."""

    focusLost = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlainText(text)
        self.limit = TextLimit(self, REFLECTION)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not self.limit.fit_paste(source):
            super().insertFromMimeData(source)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()


class RatingSpin(QSpinBox):
    """0–10, or "not rated" (the lowest step)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(NOT_RATED, 10)
        self.setSpecialValueText("not rated")
        self.setValue(NOT_RATED)

    def rating(self) -> int | None:
        return None if self.value() == NOT_RATED else self.value()

    def set_rating(self, value: int | None) -> None:
        self.setValue(NOT_RATED if value is None else value)


class ReflectionPanel(QWidget):
    """Signals: answerEdited(prompt_id, text), ratingChanged(name, value or None)."""

    answerEdited = Signal(str, str)
    ratingChanged = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reflection")
        self.answers: dict[str, AnswerEdit] = {}
        self._pending: set[str] = set()
        self._saved: dict[str, str] = {}
        self._failed = False
        self._cut = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._timer.timeout.connect(self.flush)

        self._prompts = QVBoxLayout()
        self._prompts.setSpacing(4)
        self.saved = QLabel(self)
        self.saved.setObjectName("status")
        self.saved.setAccessibleName("Save status")
        self.saved.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.ratings = {name: RatingSpin(self) for name in (ALLIANCE, *SRS_SCALES)}
        for name, spin in self.ratings.items():
            spin.setAccessibleName(RATING_LABELS[name])
            spin.valueChanged.connect(lambda _v, n=name: self._rated(n))
        self.srs_total = QLabel(self)
        self.srs_total.setAccessibleName("Client's session rating total")
        self.srs_total.setWordWrap(True)

        ratings = QGridLayout()
        ratings.setHorizontalSpacing(10)
        ratings.setVerticalSpacing(4)
        ratings.addWidget(_label(RATING_LABELS[ALLIANCE], self.ratings[ALLIANCE]), 0, 0)
        ratings.addWidget(self.ratings[ALLIANCE], 0, 1)
        srs_title = QLabel("Client's session rating (entered from their form)", self)
        srs_title.setObjectName("section")
        srs_title.setWordWrap(True)
        ratings.addWidget(srs_title, 1, 0, 1, 2)
        for row, name in enumerate(SRS_SCALES, start=2):
            ratings.addWidget(_label(RATING_LABELS[name], self.ratings[name]), row, 0)
            ratings.addWidget(self.ratings[name], row, 1)
        ratings.addWidget(self.srs_total, len(SRS_SCALES) + 2, 0, 1, 2)
        ratings.setColumnStretch(0, 1)

        title = QLabel("Reflection", self)
        title.setObjectName("section")
        rating_title = QLabel("Ratings (optional)", self)
        rating_title.setObjectName("section")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        header = QGridLayout()
        header.addWidget(title, 0, 0)
        header.addWidget(self.saved, 0, 1)
        layout.addLayout(header)
        layout.addLayout(self._prompts)
        layout.addSpacing(8)
        layout.addWidget(rating_title)
        layout.addLayout(ratings)
        layout.addStretch(1)

    def set_session(self, prompts: tuple[Prompt, ...], answers: dict[str, str],
                    ratings: dict[str, int]) -> None:
        """Show one session's prompts, answers and ratings (nothing is re-saved)."""
        self._timer.stop()
        self._pending.clear()
        while self._prompts.count():
            item = self._prompts.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # gone now, not drawn over the new ones until deleted
                item.widget().deleteLater()
        self.answers = {}
        self._saved = {prompt.id: answers.get(prompt.id, "") for prompt in prompts}
        for prompt in prompts:
            edit = AnswerEdit(self._saved[prompt.id], self)
            edit.setAccessibleName(prompt.text)
            edit.setPlaceholderText("A few words, or none.")
            edit.setTabChangesFocus(True)
            edit.limit.cut.connect(self._was_cut)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 24)
            edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            edit.textChanged.connect(lambda p=prompt.id: self._typed(p))
            edit.focusLost.connect(self.flush)
            label = _label(prompt.text, edit)
            self._prompts.addWidget(label)
            self._prompts.addWidget(edit)
            # Shown now, not when the event loop comes round to it (as a layout would): the
            # page is laid out as it opens, and a hidden answer takes no room in that layout.
            label.show()
            edit.show()
            self.answers[prompt.id] = edit
        for name, spin in self.ratings.items():
            spin.blockSignals(True)
            spin.set_rating(ratings.get(name))
            spin.blockSignals(False)
        self._show_total()
        self._cut = ""
        self.saved.setText("")

    def flush(self) -> None:
        """Hand on every answer changed since it was last saved (typing paused, focus left,
        page closing); one the page could not save is handed on again next time."""
        self._timer.stop()
        pending, self._pending = self._pending, set()
        for prompt_id in sorted(pending):
            edit = self.answers.get(prompt_id)
            if edit is None:
                continue
            text = edit.toPlainText()
            if text == self._saved.get(prompt_id):
                continue
            self._failed = False
            self.answerEdited.emit(prompt_id, text)
            if not self._failed:
                self._saved[prompt_id] = text

    def mark_saved(self) -> None:
        self._say(f"Saved. {self._cut}" if self._cut else "Saved", "")
        self._cut = ""

    def mark_failed(self, text: str) -> None:
        """The page could not save what was handed on: say so (it is handed on again)."""
        self._failed = True
        self._say(text, "refused")

    def _say(self, text: str, tone: str) -> None:
        self.saved.setProperty("tone", tone)
        self.saved.style().unpolish(self.saved)
        self.saved.style().polish(self.saved)
        self.saved.setText(text)

    def _typed(self, prompt_id: str) -> None:
        self._pending.add(prompt_id)
        if not self._cut:
            self.saved.setText("")
        self._timer.start()

    def _was_cut(self, text: str) -> None:
        """Say a paste was cut, until the next save says it too."""
        self._cut = text
        self._say(text, "refused")

    def _rated(self, name: str) -> None:
        self._show_total()
        self.ratingChanged.emit(name, self.ratings[name].rating())

    def _show_total(self) -> None:
        entered = {n: s.rating() for n, s in self.ratings.items() if s.rating() is not None}
        total = srs_total(entered)  # type: ignore[arg-type]
        self.srs_total.setText(
            f"Total {total} / {SRS_MAX}" if total is not None
            else "The total shows when all four scales are entered."
        )


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setObjectName("fieldLabel")
    label.setWordWrap(True)
    label.setBuddy(buddy)
    return label
