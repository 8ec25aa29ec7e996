"""The live rupture/repair timer: how long the open rupture has lasted, calm and large.

Its figures come from the core's one rule, `attune_companion.replay.rupture_timer` (open time without
pauses, the last time to repair, the counts), so the live window and playback cannot disagree.
An open rupture is unmistakable at a glance, by four things at once: a heavy frame and a soft
fill in the scheme's rupture colour, the title in a filled pill, the wording "Rupture open" and
bright digits. At rest (none open, or the last one repaired) the frame is thin, the title plain
and the digits muted. An optional deeper fill after a chosen number of minutes open. No
blinking, no animation, no sound.

Nothing moves when the phase changes: every phase has the same frame width (border plus
padding) and one line per label, and a line too long for the width takes a shorter wording
instead of wrapping.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QWidget

from attune_companion.clock import format_duration
from attune_companion.fold import Episode, SessionState
from attune_companion.replay import RuptureTimer as Figures
from attune_companion.replay import rupture_timer
from attune_companion.scheme import Scheme

IDLE_DIGITS = "–:––"
IDLE, OPEN, CLOSED = "idle", "open", "closed"


class FittedLabel(QLabel):
    """One line of text in the longest of its wordings that fits the width: it asks for the
    longest, needs only the shortest (so it never holds a narrow window wide) and never
    wraps (so a new wording never moves what is below it)."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setIndent(0)  # a styled frame would otherwise indent the text past its edge
        self._forms: tuple[str, ...] = ("",)

    def set_forms(self, *forms: str) -> None:
        """The wordings, longest first."""
        if forms != self._forms:
            self._forms = forms
            self.updateGeometry()
            self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self._size_for(max(self._forms, key=self.fontMetrics().horizontalAdvance))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self._size_for(min(self._forms, key=self.fontMetrics().horizontalAdvance))

    def _size_for(self, text: str) -> QSize:
        inside = self.contentsRect()  # within the style sheet's padding and border
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(text) + self.width() - inside.width() + 2,
                     metrics.height() + self.height() - inside.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._fit()  # resized while hidden (moved to another layout, say)

    def _fit(self) -> None:
        if not self.isVisible():  # not laid out yet: the full wording until it is
            self.setText(self._forms[0])
            return
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        text = next((f for f in self._forms if metrics.horizontalAdvance(f) <= room),
                    self._forms[-1])
        if self.text() != text:
            self.setText(text)


class RuptureTimer(QFrame):
    """Shows the open rupture's elapsed time, or the last time to repair, and the counts."""

    def __init__(self, scheme: Scheme, tint_minutes: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruptureTimer")
        self.setAccessibleName("Rupture timer")
        self._scheme = scheme
        self._tint_ms = tint_minutes * 60_000
        self._state: SessionState | None = None
        self.setProperty("tinted", False)
        self.setStyleSheet(_phase_sheet(scheme.rupture_colour))

        self.title = FittedLabel("timerTitle", "Rupture timer title", self)
        self.digits = QLabel(self)
        self.digits.setObjectName("timerDigits")
        self.digits.setAccessibleName("Rupture time")
        self.digits.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        font = self.digits.font()
        font.setFeature(QFont.Tag("tnum"), 1)  # tabular digits: the time does not wobble
        self.digits.setFont(font)
        self.digits.setProperty("idle", True)
        self.detail = FittedLabel("timerDetail", "Rupture details", self)
        self.counts = FittedLabel("timerCounts", "Rupture counts", self)
        self._labels = (self.title, self.digits, self.detail, self.counts)

        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(12, 6, 12, 8)
        self._grid.setHorizontalSpacing(18)
        self._grid.setVerticalSpacing(2)
        self._wide = True
        self._arrange(False)
        self._phase = ""
        self._show(None, 0)

    def _arrange(self, wide: bool) -> None:
        """Wide: time on the left, details beside it in their full words (a short card). Else
        one column (a taller card in a narrow strip)."""
        if wide == self._wide:
            return
        self._wide = wide
        for label in self._labels:
            self._grid.removeWidget(label)
        left = Qt.AlignmentFlag.AlignLeft
        if wide:
            self._grid.addWidget(self.title, 0, 0, left)
            self._grid.addWidget(self.digits, 1, 0, 2, 1, left)
            self._grid.addWidget(self.detail, 1, 1, Qt.AlignmentFlag.AlignBottom)
            self._grid.addWidget(self.counts, 2, 1, Qt.AlignmentFlag.AlignTop)
            self._grid.setColumnStretch(1, 1)
        else:
            for row, label in enumerate(self._labels):
                self._grid.addWidget(label, row, 0, left if label is self.title else
                                     Qt.AlignmentFlag(0))
            self._grid.setColumnStretch(1, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange(event.size().width() >= self._wide_width())

    def _wide_width(self) -> int:
        """How wide the card must be for the details to stand beside the time in full."""
        margins = self._grid.contentsMargins()
        time = max(self.title.minimumSizeHint().width(), self.digits.sizeHint().width())
        details = max(self.detail.sizeHint().width(), self.counts.sizeHint().width())
        frame = self.width() - self.contentsRect().width()
        return (time + self._grid.horizontalSpacing() + details + margins.left()
                + margins.right() + frame)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The one-column card's: it stands its details beside the time only with room."""
        margins = self._grid.contentsMargins()
        frame = self.width() - self.contentsRect().width()
        width = max(label.minimumSizeHint().width() for label in self._labels)
        return QSize(width + margins.left() + margins.right() + frame,
                     super().minimumSizeHint().height())

    def set_tint_minutes(self, minutes: int) -> None:
        """Fill the timer more deeply once a rupture has been open this long (0: never)."""
        self._tint_ms = minutes * 60_000

    @property
    def phase(self) -> str:
        """'open' while a rupture is open, 'closed' after a repair, else 'idle'."""
        return self._phase

    def show_state(self, state: SessionState, now_ms: int) -> None:
        """Redraw from a session state (after a start, a resume or any committed change)."""
        self._state = state
        self._show(state, now_ms)

    def tick(self, now_ms: int) -> None:
        """Advance the open rupture's time; cheap when nothing moved."""
        state = self._state
        if state is not None and state.open_episode is not None:
            figures = rupture_timer(state, now_ms)
            if figures.open_ms is not None:
                self._show_elapsed(figures.open_ms)

    # -- drawing -------------------------------------------------------------------------------

    def _show(self, state: SessionState | None, now_ms: int) -> None:
        figures = rupture_timer(state if state is not None else SessionState(), now_ms)
        paused = " · paused" if state is not None and state.paused else ""
        episode = state.open_episode if state is not None else None
        if figures.open_ms is not None and episode is not None:
            self._set_phase(OPEN)
            self.title.set_forms("Rupture open" + paused)
            self.detail.set_forms(*self._open_detail(episode))
            self._show_elapsed(figures.open_ms)
        elif figures.last_repair_ms is not None and state is not None:
            self._set_phase(CLOSED)
            attempts = len(state.episodes[-1].attempts)
            self.title.set_forms("Last repair took" + paused)
            self._set_digits(format_duration(figures.last_repair_ms))
            self.detail.set_forms(_attempts(attempts, "before the repair"),
                                  _attempts(attempts, "before", short=True))
        else:
            self._set_phase(IDLE)
            self.title.set_forms("No rupture open" + paused)
            self._set_digits(IDLE_DIGITS)
            self.detail.set_forms("")
        self.counts.set_forms(*_counts(figures))
        if figures.open_ms is None:
            self._set_tint(False)

    def _show_elapsed(self, elapsed_ms: int) -> None:
        self._set_digits(format_duration(elapsed_ms))
        self._set_tint(bool(self._tint_ms) and elapsed_ms >= self._tint_ms)

    def _set_digits(self, text: str) -> None:
        if self.digits.text() != text:
            self.digits.setText(text)

    def _set_phase(self, phase: str) -> None:
        if phase == self._phase:
            return
        self._phase = phase
        self.digits.setProperty("idle", phase == IDLE)
        for widget in (self, *self._labels):
            widget.setProperty("phase", phase)
            _repolish(widget)
            widget.updateGeometry()  # the title's bold pill is wider

    def _set_tint(self, tinted: bool) -> None:
        if tinted != self.property("tinted"):
            self.setProperty("tinted", tinted)
            _repolish(self)

    def _open_detail(self, episode: Episode) -> tuple[str, ...]:
        n = len(episode.attempts)
        kind = ""
        if episode.rupture_type:
            try:
                kind = self._scheme.rupture_type(episode.rupture_type).label + " · "
            except KeyError:
                kind = episode.rupture_type + " · "
        return (kind + _attempts(n, "so far"), kind + _attempts(n, "", short=True),
                _attempts(n, "", short=True))


def _counts(f: Figures) -> tuple[str, ...]:
    unrepaired = f" · unrepaired {f.unrepaired}" if f.unrepaired else ""
    return (f"Ruptures {f.ruptures} · repaired {f.repaired} · open {f.open}{unrepaired}",
            f"Ruptures {f.ruptures} · repaired {f.repaired}{unrepaired}")


def _attempts(n: int, when: str, short: bool = False) -> str:
    noun = "attempt" if short else "repair attempt"
    return f"{n} {noun}{'' if n == 1 else 's'}" + (f" {when}" if when else "")


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _phase_sheet(colour: str) -> str:
    """The open phase in the scheme's rupture colour: a heavy frame, a soft fill (deeper once
    tinted) and the title in a filled pill. Border plus padding is 3 px in every phase (the
    theme's resting frame is 1 px with 2 px padding), so a phase change moves nothing."""
    c = QColor(colour)
    rgb = f"{c.red()}, {c.green()}, {c.blue()}"
    ink = "#1f2124" if c.lightness() > 110 else "#f4f4f2"
    return (
        f'QFrame#ruptureTimer[phase="open"] {{ border: 3px solid {colour}; padding: 0px;'
        f" background-color: rgba({rgb}, 40); }}"
        f'QFrame#ruptureTimer[phase="open"][tinted="true"] {{ background-color: rgba({rgb}, 95); }}'
        f'QLabel#timerTitle[phase="open"] {{ background-color: {colour}; color: {ink};'
        f" font-weight: bold; }}"
    )
