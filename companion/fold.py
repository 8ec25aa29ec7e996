"""The one fold: session state derived from the event log.

Live recording, the summary and playback all call `fold` (or `SessionState.apply`, one event at
a time, which is what `fold` does), so they cannot disagree about what happened. The fold is
pure: no clock, no I/O. Times are integer milliseconds of session time.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from attune_companion.collector import collector_paused
from attune_companion.events import TAP_KINDS, Event, Kind, effective_taps

LANES = ("client", "self")
LANE_OF = {Kind.CLIENT: "client", Kind.SELF: "self"}


@dataclass(slots=True)
class Interval:
    """One state held on one lane from `start_ms` until `end_ms` (None: still held)."""

    state: str
    start_ms: int
    end_ms: int | None = None
    event_id: int = 0


@dataclass(slots=True)
class Pause:
    start_ms: int
    end_ms: int | None = None


@dataclass(slots=True)
class Episode:
    """A rupture from its first tap to its repair (or to the session's end, unrepaired)."""

    number: int
    start_ms: int
    rupture_type: str | None = None
    markers: list[str] = field(default_factory=list)
    attempts: list[int] = field(default_factory=list)
    attempt_strategies: list[str] = field(default_factory=list)
    repair_ms: int | None = None
    strategies: list[str] = field(default_factory=list)
    end_ms: int | None = None
    unrepaired: bool = False
    event_ids: list[int] = field(default_factory=list)
    last_tap_ms: int = 0

    @property
    def is_open(self) -> bool:
        return self.end_ms is None


@dataclass(slots=True)
class NoteMark:
    offset_ms: int
    kind: str
    text: str | None
    event_id: int


class InconsistentLog(ValueError):
    """The taps, in timeline order, do not make a session (e.g. a repair with nothing open)."""


@dataclass
class SessionState:
    """Everything the live window, summary and playback show about a session at its last event."""

    lanes: dict[str, list[Interval]] = field(default_factory=lambda: {k: [] for k in LANES})
    episodes: list[Episode] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    notes: list[NoteMark] = field(default_factory=list)
    ended_ms: int | None = None
    last_ms: int = 0
    taps: int = 0
    _pause_starts: list[int] = field(default_factory=list)
    _paused_before: list[int] = field(default_factory=list)

    # -- queries ---------------------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end_ms is None

    @property
    def ended(self) -> bool:
        return self.ended_ms is not None

    @property
    def open_episode(self) -> Episode | None:
        if self.episodes and self.episodes[-1].is_open:
            return self.episodes[-1]
        return None

    def rupture_counts(self) -> tuple[int, int, int, int]:
        """(ruptures, repaired, open, unrepaired) so far, in O(1) however long the session:
        an episode ends only at its repair or at the session's end, so every episode but the
        newest is a repaired one."""
        if not self.episodes:
            return 0, 0, 0, 0
        newest, n = self.episodes[-1], len(self.episodes)
        return (n, n - 1 + (newest.repair_ms is not None), int(newest.is_open),
                int(newest.unrepaired))

    def current(self, lane: str) -> str | None:
        """The state lit on a lane now (None: not yet noted)."""
        intervals = self.lanes[lane]
        return intervals[-1].state if intervals else None

    def resume_boundary_ms(self) -> int:
        """The earliest time a back-dated tap may take: the end of the last pause, or 0."""
        if not self.pauses:
            return 0
        return self.pauses[-1].end_ms or 0

    def paused_ms_until(self, t: int) -> int:
        """Paused time between session start and `t` (an open pause counts up to `t`)."""
        i = bisect_right(self._pause_starts, t)
        if i == 0:
            return 0
        p = self.pauses[i - 1]
        end = t if p.end_ms is None else min(p.end_ms, t)
        return self._paused_before[i - 1] + max(0, end - p.start_ms)

    def active_ms(self, start: int, end: int) -> int:
        """Time between `start` and `end` that was not paused."""
        if end <= start:
            return 0
        return (end - start) - (self.paused_ms_until(end) - self.paused_ms_until(start))

    def episode_active_ms(self, ep: Episode, now_ms: int) -> int:
        """How long a rupture has been (or was) open, pauses excluded."""
        end = ep.end_ms if ep.end_ms is not None else now_ms
        return self.active_ms(ep.start_ms, end)

    # -- the fold --------------------------------------------------------------------------

    def apply(self, e: Event) -> None:
        """Add one effective tap (or pause/resume/end) at or after the last one, in O(1)."""
        t = e.offset_ms
        if t < self.last_ms:
            raise InconsistentLog(f"event {e.id} at {t} ms is before {self.last_ms} ms")
        if self.ended_ms is not None:
            raise InconsistentLog(f"event {e.id} comes after the end of the session")
        self.last_ms = t
        kind = e.kind
        if kind in LANE_OF:
            lane = self.lanes[LANE_OF[kind]]
            if lane:
                lane[-1].end_ms = t
            lane.append(Interval(str(e.value), t, None, e.id))
        elif kind is Kind.RUPTURE:
            ep = self.open_episode
            if ep is None:
                ep = Episode(number=len(self.episodes) + 1, start_ms=t)
                self.episodes.append(ep)
            if e.value and ep.rupture_type is None:
                ep.rupture_type = e.value
            ep.markers.extend(m for m in e.tags if m not in ep.markers)
            ep.event_ids.append(e.id)
            ep.last_tap_ms = t
        elif kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
            ep = self.open_episode
            if ep is None:
                raise InconsistentLog(f"{kind.value} {e.id} at {t} ms: no rupture open")
            ep.event_ids.append(e.id)
            ep.last_tap_ms = t
            if kind is Kind.REPAIR_ATTEMPT:
                ep.attempts.append(t)
                ep.attempt_strategies.extend(dict.fromkeys(e.tags))
            else:
                ep.repair_ms = ep.end_ms = t
                ep.strategies.extend(dict.fromkeys(e.tags))
        elif kind is Kind.NOTE:
            self.notes.append(NoteMark(t, str(e.value), e.text, e.id))
        elif kind is Kind.PAUSE:
            if self.paused:
                raise InconsistentLog(f"pause {e.id}: already paused")
            self._paused_before.append(self.paused_ms_until(t))
            self._pause_starts.append(t)
            self.pauses.append(Pause(t))
        elif kind is Kind.RESUME:
            if not self.paused:
                raise InconsistentLog(f"resume {e.id}: not paused")
            self.pauses[-1].end_ms = t
        elif kind is Kind.END:
            self._close(t)
        if kind in TAP_KINDS:
            self.taps += 1

    def _close(self, t: int) -> None:
        self.ended_ms = t
        if self.paused:
            self.pauses[-1].end_ms = t
        for lane in self.lanes.values():
            if lane:
                lane[-1].end_ms = t
        ep = self.open_episode
        if ep is not None:
            ep.end_ms = t
            ep.unrepaired = True


def fold(events: list[Event]) -> SessionState:
    """Session state from a session's raw log (undos and edits applied)."""
    with collector_paused():  # the intervals, one per lane tap: none in a cycle
        return fold_taps(effective_taps(events))


def fold_taps(taps: list[Event]) -> SessionState:
    """Session state from events already made effective (`effective_taps`), for a caller that
    needs both (working them out twice was a tenth of a long session's review open). Unlike
    `fold`, it leaves pausing the collector to that caller, around both."""
    state = SessionState()
    for e in taps:
        state.apply(e)
    return state
