"""The live rupture/repair timer: how long the open rupture has lasted, calm and large.

While a rupture is open it shows the active time since it opened (pauses excluded, via the
fold's `episode_active_ms`), its type if tagged and the repair attempts so far. After a repair
it shows how long that repair took. Always: the session's ruptures, repaired and open. No
blinking, no sound; an optional soft tint after a chosen number of minutes open.

The timer keeps only a reference to the last state it was shown; `tick(now)` recomputes the
one figure that moves and touches a label only when its text changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from companion.fold import Episode, SessionState
from companion.scheme import Scheme
from companion.clock import format_duration

IDLE_DIGITS = "–:––"


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

        self.title = self._label("timerTitle", "Rupture timer title")
        self.digits = self._label("timerDigits", "Rupture time")
        font = self.digits.font()
        font.setFeature(QFont.Tag("tnum"), 1)  # tabular digits: the time does not wobble
        self.digits.setFont(font)
        self.digits.setProperty("idle", True)
        self.detail = self._label("timerDetail", "Rupture details")
        self.counts = self._label("timerCounts", "Rupture counts")
        self.detail.setWordWrap(True)
        self.counts.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(2)
        for label in (self.title, self.digits, self.detail, self.counts):
            layout.addWidget(label)
        self._show(None, 0)

    def _label(self, name: str, accessible: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setAccessibleName(accessible)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        return label

    def set_tint_minutes(self, minutes: int) -> None:
        """Tint the timer softly once a rupture has been open this long (0: never)."""
        self._tint_ms = minutes * 60_000

    def show_state(self, state: SessionState, now_ms: int) -> None:
        """Redraw from a session state (after a start, a resume or any committed change)."""
        self._state = state
        self._show(state, now_ms)

    def tick(self, now_ms: int) -> None:
        """Advance the open rupture's time; cheap when nothing moved."""
        state = self._state
        episode = state.open_episode if state is not None else None
        if state is not None and episode is not None and not state.ended:
            self._show_elapsed(state.episode_active_ms(episode, now_ms))

    # -- drawing -------------------------------------------------------------------------------

    def _show(self, state: SessionState | None, now_ms: int) -> None:
        episode = state.open_episode if state is not None else None
        last = state.episodes[-1] if state is not None and state.episodes else None
        if state is not None and episode is not None and not state.ended:
            self._set(self.title, "Rupture open" + (" · paused" if state.paused else ""))
            self._set(self.detail, self._open_detail(episode))
            self._show_elapsed(state.episode_active_ms(episode, now_ms))
            self._set(self.counts, self._counts(state))
            return
        if state is not None and last is not None and last.repair_ms is not None:
            took = state.episode_active_ms(last, now_ms)
            self._set(self.title, "Last repair took" + (" · paused" if state.paused else ""))
            self._set(self.digits, format_duration(took), idle=False)
            self._set(self.detail, _attempts(len(last.attempts), "before the repair"))
        else:
            paused = state is not None and state.paused
            self._set(self.title, "No rupture open" + (" · paused" if paused else ""))
            self._set(self.digits, IDLE_DIGITS, idle=True)
            self._set(self.detail, "")
        self._set(self.counts, self._counts(state))
        self._set_tint(False)

    def _show_elapsed(self, elapsed_ms: int) -> None:
        self._set(self.digits, format_duration(elapsed_ms), idle=False)
        self._set_tint(bool(self._tint_ms) and elapsed_ms >= self._tint_ms)

    def _set_tint(self, tinted: bool) -> None:
        if tinted != self.property("tinted"):
            self.setProperty("tinted", tinted)
            self.style().unpolish(self)
            self.style().polish(self)

    def _open_detail(self, episode: Episode) -> str:
        parts = []
        if episode.rupture_type:
            try:
                parts.append(self._scheme.rupture_type(episode.rupture_type).label)
            except KeyError:
                parts.append(episode.rupture_type)
        parts.append(_attempts(len(episode.attempts), "so far"))
        return " · ".join(parts)

    @staticmethod
    def _counts(state: SessionState | None) -> str:
        episodes = state.episodes if state is not None else []
        repaired = sum(1 for e in episodes if e.repair_ms is not None)
        still_open = sum(1 for e in episodes if e.is_open)
        unrepaired = sum(1 for e in episodes if e.unrepaired)
        text = f"Ruptures {len(episodes)} · repaired {repaired} · open {still_open}"
        return text + (f" · unrepaired {unrepaired}" if unrepaired else "")

    @staticmethod
    def _set(label: QLabel, text: str, idle: bool | None = None) -> None:
        if label.text() != text:
            label.setText(text)
        if idle is not None and label.property("idle") != idle:
            label.setProperty("idle", idle)
            label.style().unpolish(label)
            label.style().polish(label)


def _attempts(n: int, when: str) -> str:
    return f"{n} repair attempt{'' if n == 1 else 's'} {when}"
