"""The live page's message line: what was just recorded, refused or held, that the session is
paused, and the inline two-step end (never a dialog).

One line where the window is wide, two where it is narrow; a longer message wraps rather than
being cut. While paused the line says so until the session resumes, so the pause shows even
where the header has no room for its badge; otherwise what was last recorded stays, faded,
once its few seconds are over. The end confirmation takes the line's place and
says when an open rupture will be recorded as unrepaired.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget,
)

from attune_companion.clock import format_duration
from attune_companion.describe import describe_tap
from attune_companion.events import Kind
from attune_companion.fold import SessionState
from attune_companion.recorder import Change
from attune_companion.scheme import Scheme

RECORDED_MS = 4_000
REFUSED_MS = 7_000
CONFIRM_MS = 6_000
END_QUESTION = "End the session now?"
END_UNREPAIRED = "The open rupture will be recorded as unrepaired."


def describe_change(change: Change, scheme: Scheme) -> str:
    """What a committed change did, in words for the status line."""
    event = change.event
    when = format_duration(event.offset_ms)
    if event.kind is Kind.UNDO:
        undone = change.undone
        what = describe_tap(undone, scheme, change.state) if undone is not None else "last tap"
        return f"Undone: {what}" + (f" · {format_duration(undone.offset_ms)}" if undone else "")
    if event.kind is Kind.PAUSE:
        return paused_text(event.offset_ms)
    if event.kind is Kind.RESUME:
        return f"Resumed at {when}."
    if event.kind is Kind.END:
        return f"Session ended at {when}."
    text = f"Recorded: {describe_tap(event, scheme, change.state)} · {when}"
    return text + (" (back-dated as far as allowed)" if change.clamped else "")


def paused_text(paused_at_ms: int) -> str:
    return f"Paused at {format_duration(paused_at_ms)}. Taps wait until you resume (P)."


class MessageLine(QWidget):
    """The status line and, in its place while asked, the end confirmation.

    Signals: `confirmed` (end now), `cancelled` (keep going, or the question timed out)."""

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, quiet_button, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._resting = ("", "recorded")  # what the line shows when no message is up
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setAccessibleName("Status")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._timeout = QTimer(self, singleShot=True)
        self._timeout.timeout.connect(self._rest)

        self.confirm_bar = QWidget(self)
        self.question = QLabel(END_QUESTION, self.confirm_bar)
        self.question.setObjectName("endQuestion")
        self.question.setAccessibleName("End the session?")
        self.question.setWordWrap(True)
        self.question.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.confirm_end_button = quiet_button("Confirm end", "Confirm: end the session")
        self.confirm_end_button.setProperty("role", "confirm")
        self.confirm_end_button.clicked.connect(self._confirm)
        self.keep_going_button = quiet_button("Keep going", "Do not end the session")
        self.keep_going_button.clicked.connect(self.cancel_end)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_end_button)
        buttons.addWidget(self.keep_going_button)
        self._confirm_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.confirm_bar)
        self._confirm_row.setContentsMargins(0, 0, 0, 0)
        self._confirm_row.setSpacing(4)
        self._confirm_row.addWidget(self.question, 1)
        self._confirm_row.addLayout(buttons)
        self.confirm_bar.hide()
        self._ask_timer = QTimer(self, singleShot=True, interval=CONFIRM_MS)
        self._ask_timer.timeout.connect(self.cancel_end)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.confirm_bar)
        self.set_lines(2)

    def set_lines(self, lines: int) -> None:
        """Keep room for this many lines of status (so a message never moves the page)."""
        metrics = self.status.fontMetrics()
        self.status.setMinimumHeight(metrics.lineSpacing() * lines + 2)

    # -- what the controller pushes (the live page and the strip alike) ----------------------

    def show_change(self, change: Change, scheme: Scheme) -> None:
        """A committed change: what it did, for a few seconds; any question to end is off."""
        self.cancel_end()
        self.say(describe_change(change, scheme), "recorded", RECORDED_MS)
        self.follow(change.state)

    def show_refusal(self, text: str) -> None:
        """Nothing was recorded: say why, calmly, for a few seconds."""
        self.cancel_end()
        self.say(text, "refused", REFUSED_MS)

    def show_held(self, text: str) -> None:
        """Taps are held, not saved: say so until they are (no timeout); "" clears it."""
        self.cancel_end()
        if text:
            self.say(text, "held", 0)
        elif self.status.property("tone") == "held":
            self._rest()

    def follow(self, state: SessionState) -> None:
        """Rest on "Paused at …" while the session is paused, else on nothing."""
        pause = state.pauses[-1] if state.paused else None
        self.set_resting(paused_text(pause.start_ms) if pause else "")

    # -- the status line -----------------------------------------------------------------------

    def say(self, text: str, tone: str, ms: int) -> None:
        """Show `text` in `tone` ('recorded', 'refused', 'held', 'paused') for `ms` (0: until
        something else is said)."""
        self._show(text, tone)
        if ms:
            self._timeout.start(ms)
        else:
            self._timeout.stop()

    def set_resting(self, text: str, tone: str = "paused") -> None:
        """What the line says once a message has had its time ("" for nothing)."""
        self._resting = (text, tone)
        if not self._timeout.isActive() and self.status.property("tone") != "held":
            self._rest()

    def _rest(self) -> None:
        """Back to the resting words; with none, what was last recorded stays, faded (the
        line is never an empty band once something was recorded)."""
        self._timeout.stop()
        if not self._resting[0] and self.status.property("tone") in ("recorded", "faded"):
            self._show(self.status.text(), "faded")
        else:
            self._show(*self._resting)

    def _show(self, text: str, tone: str) -> None:
        if self.status.property("tone") != tone:
            self.status.setProperty("tone", tone)
            self.status.style().unpolish(self.status)
            self.status.style().polish(self.status)
        self.status.setText(text)

    # -- the two-step end ----------------------------------------------------------------------

    @property
    def asking(self) -> bool:
        return not self.confirm_bar.isHidden()

    def ask_end(self, rupture_open: bool) -> None:
        """Ask, in the line's place, whether to end now (and what happens to an open rupture)."""
        self.question.setText(END_QUESTION + (f" {END_UNREPAIRED}" if rupture_open else ""))
        self._arrange_confirm(self.width())
        self.status.hide()
        self.confirm_bar.show()
        self._ask_timer.start()

    def cancel_end(self) -> None:
        """Stop asking (a tap, Keep going, or the question's time ran out)."""
        self._ask_timer.stop()
        if self.asking:
            self.confirm_bar.hide()
            self.status.show()
            self.cancelled.emit()

    def _confirm(self) -> None:
        self.cancel_end()
        self.confirmed.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange_confirm(event.size().width())

    def _arrange_confirm(self, width: int) -> None:
        """The question beside its buttons where it fits on one line, else above them."""
        buttons = (self.confirm_end_button.sizeHint().width()
                   + self.keep_going_button.sizeHint().width() + 12)
        text = self.question.fontMetrics().horizontalAdvance(self.question.text())
        direction = (QBoxLayout.Direction.LeftToRight if text + buttons <= width
                     else QBoxLayout.Direction.TopToBottom)
        if self._confirm_row.direction() != direction:
            self._confirm_row.setDirection(direction)
