"""The playback cursor: where in a past session we are, how fast it moves, and the jumps.

The controller holds the only playback state (cursor, speed, playing) and emits
`cursorMoved(t_ms)` whenever the cursor changes; the page redraws from `Replay` at that time.
While playing, a ~30 fps QTimer asks the injected clock how much real time passed and moves
the cursor by speed × elapsed, so a slow frame never slows the session down, and tests drive
it with `FakeClock` or `advance(dt_ms)` instead of sleeping.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QObject, QTimer, Signal

from attune_companion.clock import Clock, SystemClock
from attune_companion.replay import Replay

SPEEDS = (1, 2, 4, 8, 16)
FRAME_MS = 33


class PlaybackController(QObject):
    """Signals: cursorMoved(t_ms), playingChanged(bool), speedChanged(int)."""

    cursorMoved = Signal(int)
    playingChanged = Signal(bool)
    speedChanged = Signal(int)

    def __init__(self, replay: Replay, clock: Clock | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replay = replay
        self._clock = clock or SystemClock()
        self._offsets = [e.offset_ms for e in replay.events]
        self._cursor = 0
        self._speed = 1
        self._playing = False
        self._last_frame_ms = 0
        self._frames = QTimer(self)
        self._frames.setInterval(FRAME_MS)
        self._frames.timeout.connect(self._frame)

    # -- what it is now --------------------------------------------------------------------

    @property
    def cursor_ms(self) -> int:
        return self._cursor

    @property
    def speed(self) -> int:
        return self._speed

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def duration_ms(self) -> int:
        return self.replay.duration_ms

    # -- transport -------------------------------------------------------------------------

    def play(self) -> None:
        """Start moving; from the end, start again at the beginning."""
        if self._playing:
            return
        if self._cursor >= self.duration_ms:
            self.seek(0)
        self._playing = True
        self._last_frame_ms = self._clock.monotonic_ms()
        self._frames.start()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._playing:
            return
        self._playing = False
        self._frames.stop()
        self.playingChanged.emit(False)

    def toggle(self) -> None:
        """Space: play or pause."""
        self.pause() if self._playing else self.play()

    def set_speed(self, speed: int) -> None:
        """1×, 2×, 4×, 8× or 16×."""
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS}")
        if speed != self._speed:
            self._speed = speed
            self.speedChanged.emit(speed)

    def faster(self) -> None:
        """]: the next speed up (stays at 16×)."""
        self.set_speed(SPEEDS[min(SPEEDS.index(self._speed) + 1, len(SPEEDS) - 1)])

    def slower(self) -> None:
        """[: the next speed down (stays at 1×)."""
        self.set_speed(SPEEDS[max(SPEEDS.index(self._speed) - 1, 0)])

    def seek(self, t_ms: int) -> None:
        """Put the cursor at `t_ms` (clamped to the session)."""
        t = max(0, min(int(t_ms), self.duration_ms))
        if t != self._cursor:
            self._cursor = t
            self.cursorMoved.emit(t)

    def advance(self, real_ms: int) -> None:
        """Move the cursor by `real_ms` of real time at the current speed; stop at the end."""
        self.seek(self._cursor + real_ms * self._speed)
        if self._cursor >= self.duration_ms:
            self.pause()

    def _frame(self) -> None:
        now = self._clock.monotonic_ms()
        elapsed, self._last_frame_ms = now - self._last_frame_ms, now
        self.advance(max(0, elapsed))

    # -- jumps (each returns False when there is nothing that way) -------------------------

    def next_event(self) -> bool:
        i = bisect_right(self._offsets, self._cursor)
        return self._jump(self._offsets[i] if i < len(self._offsets) else None)

    def previous_event(self) -> bool:
        i = bisect_left(self._offsets, self._cursor)
        return self._jump(self._offsets[i - 1] if i > 0 else None)

    def next_rupture(self) -> bool:
        return self._jump(self.replay.next_rupture(self._cursor))

    def previous_rupture(self) -> bool:
        return self._jump(self.replay.previous_rupture(self._cursor))

    def next_note(self) -> bool:
        return self._jump(self.replay.next_note(self._cursor))

    def previous_note(self) -> bool:
        return self._jump(self.replay.previous_note(self._cursor))

    def _jump(self, t_ms: int | None) -> bool:
        if t_ms is None:
            return False
        self.seek(t_ms)
        return True

    def load(self, replay: Replay) -> None:
        """Play `replay` from its start at 1×, paused (another session on the kept page, or
        an empty one when the page lets its session go: its event times go with it)."""
        self.pause()
        self.replay = replay
        self._offsets = [e.offset_ms for e in replay.events]
        self._cursor = 0
        self.set_speed(SPEEDS[0])
