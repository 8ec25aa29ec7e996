"""Playback of a past session: the state the live window showed at any moment.

`Replay` folds the session's corrected record (undos and edits applied) with the same
`SessionState.apply` the live recorder uses, so playback cannot disagree with recording. To
answer a query for any cursor time within a frame's budget, it keeps a checkpoint of the state
every `CHECKPOINT_EVERY` events; a query forks the nearest checkpoint at or before the cursor
and applies fewer than that many events, however far the cursor jumped.

A checkpoint is small because the fold only ever changes the newest item of each list in the
state (the interval a lane holds now, the open episode, the open pause): it keeps each list's
length and a copy of its newest item, nothing else. Everything older is read from the final
state, where no later event changed it. So the checkpoints of a whole session cost time and
memory in proportion to the session, not to its square (a copy of every list at each
checkpoint did).
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from attune_companion.events import Event, effective_taps
from attune_companion.fold import SessionState
from attune_companion.scheme import Scheme

CHECKPOINT_EVERY = 128


@dataclass(frozen=True)
class RuptureTimer:
    """What the rupture timer shows at a moment: the one rule the live timer widget
    (ui/live/rupture_timer.py) and playback both draw from.

    `open_ms`: how long the open rupture has been open, pauses excluded (None: none open).
    `last_repair_ms`: when no rupture is open and the newest one was repaired, how long that
    repair took (else None). `ruptures`, `repaired`, `open`, `unrepaired`: counts so far.
    """

    open_ms: int | None
    last_repair_ms: int | None
    ruptures: int
    repaired: int
    open: int
    unrepaired: int


def rupture_timer(state: SessionState, now_ms: int) -> RuptureTimer:
    """The rupture timer for a folded state at session time `now_ms` (live or in playback)."""
    episodes = state.episodes
    ep = state.open_episode
    newest = episodes[-1] if episodes else None
    repaired_last = ep is None and newest is not None and newest.repair_ms is not None
    ruptures, repaired, still_open, unrepaired = state.rupture_counts()  # O(1) per tap
    return RuptureTimer(
        open_ms=state.episode_active_ms(ep, now_ms) if ep is not None else None,
        last_repair_ms=(
            state.episode_active_ms(newest, now_ms) if newest and repaired_last else None
        ),
        ruptures=ruptures, repaired=repaired, open=still_open, unrepaired=unrepaired,
    )


def next_second_ms(state: SessionState, now_ms: int) -> int:
    """Milliseconds from session time `now_ms` until a live clock next shows another second:
    the session's next whole second or, while a rupture is open and the session not paused,
    the rupture's (its time counts from its start, pauses excluded, so its seconds turn
    between the session's). A window that updates then shows both right to the second."""
    wait = 1000 - now_ms % 1000
    episode = state.open_episode
    if episode is not None and not state.paused and not state.ended:
        wait = min(wait, 1000 - state.episode_active_ms(episode, now_ms) % 1000)
    return wait


class Replay:
    """A recorded session ready for playback. Build it once per session opened.

    `events` are the effective events in timeline order (what the event list shows);
    `duration_ms` is the session's end (or its last event, if it never ended).
    """

    def __init__(
        self, log: list[Event], scheme: Scheme, checkpoint_every: int = CHECKPOINT_EVERY
    ) -> None:
        self.scheme = scheme
        self.events = effective_taps(log)
        self._every = max(1, checkpoint_every)
        self._offsets = [e.offset_ms for e in self.events]
        state = SessionState()
        self._checkpoints = [_Checkpoint.of(state)]
        for i, event in enumerate(self.events, start=1):
            state.apply(event)
            if i % self._every == 0:
                self._checkpoints.append(_Checkpoint.of(state))
        self.final = state
        self.duration_ms = state.ended_ms if state.ended_ms is not None else state.last_ms
        self._rupture_starts = [ep.start_ms for ep in state.episodes]
        self._note_times = [n.offset_ms for n in state.notes]

    # -- state at the cursor ---------------------------------------------------------------

    def state_after(self, count: int) -> SessionState:
        """The state after the first `count` events, as the live window had it then.

        The result is the caller's own: later queries do not change it.
        """
        count = max(0, min(count, len(self.events)))
        base = count // self._every
        state = self._checkpoints[base].state(self.final)
        for event in self.events[base * self._every : count]:
            state.apply(event)
        return state

    def state_at(self, t_ms: int) -> SessionState:
        """The state at session time `t_ms`: every event at or before it applied."""
        return self.state_after(bisect_right(self._offsets, t_ms))

    def timer_at(self, t_ms: int) -> RuptureTimer:
        """What the rupture timer showed at `t_ms`."""
        return rupture_timer(self.state_at(t_ms), t_ms)

    def event_index_at(self, t_ms: int) -> int | None:
        """Index in `events` of the newest event at or before `t_ms` (None: before the first)."""
        i = bisect_right(self._offsets, t_ms) - 1
        return i if i >= 0 else None

    # -- jumps -----------------------------------------------------------------------------

    def next_rupture(self, t_ms: int) -> int | None:
        """Start of the first rupture after `t_ms` (None: no later one)."""
        return _after(self._rupture_starts, t_ms)

    def previous_rupture(self, t_ms: int) -> int | None:
        """Start of the last rupture before `t_ms` (None: no earlier one)."""
        return _before(self._rupture_starts, t_ms)

    def next_note(self, t_ms: int) -> int | None:
        """Time of the first note after `t_ms`."""
        return _after(self._note_times, t_ms)

    def previous_note(self, t_ms: int) -> int | None:
        """Time of the last note before `t_ms`."""
        return _before(self._note_times, t_ms)


def _after(times: list[int], t: int) -> int | None:
    i = bisect_right(times, t)
    return times[i] if i < len(times) else None


def _before(times: list[int], t: int) -> int | None:
    i = bisect_left(times, t)
    return times[i - 1] if i > 0 else None


@dataclass(frozen=True)
class _Checkpoint:
    """The state after some event, kept as each list's length and a copy of its newest item
    (see the module's docstring); lists in a dict (the lanes) alike; other fields as they were."""

    lists: dict[str, tuple[int, Any]]
    dicts: dict[str, dict[str, tuple[int, Any]]]
    scalars: dict[str, Any]

    @classmethod
    def of(cls, state: SessionState) -> _Checkpoint:
        lists, dicts, scalars = {}, {}, {}
        for f in fields(state):
            value = getattr(state, f.name)
            if isinstance(value, list):
                lists[f.name] = _newest(value)
            elif isinstance(value, dict):
                dicts[f.name] = {key: _newest(items) for key, items in value.items()}
            else:
                scalars[f.name] = value
        return cls(lists, dicts, scalars)

    def state(self, final: SessionState) -> SessionState:
        """This checkpoint's state, the caller's own: its newest items are fresh copies, the
        older ones are shared with `final` (which nothing changes any more)."""
        values: dict[str, Any] = dict(self.scalars)
        for name, kept in self.lists.items():
            values[name] = _restore(getattr(final, name), kept)
        for name, by_key in self.dicts.items():
            whole = getattr(final, name)
            values[name] = {key: _restore(whole[key], kept) for key, kept in by_key.items()}
        return SessionState(**values)


def _newest(items: list[Any]) -> tuple[int, Any]:
    return len(items), _copy(items[-1]) if items else None


def _restore(final_items: list[Any], kept: tuple[int, Any]) -> list[Any]:
    length, newest = kept
    if not length:
        return []
    out = final_items[: length - 1]
    out.append(_copy(newest))
    return out


def _copy(item: Any) -> Any:
    """A copy of one item of the state that the fold cannot change through the original: the
    fold sets an item's fields and appends to its lists, so those lists are copied too
    (a deepcopy, at five times the cost, copies nothing more that could change)."""
    if not is_dataclass(item):
        return item  # a number
    out = copy.copy(item)
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, list):
            setattr(out, f.name, list(value))
    return out
