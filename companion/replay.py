"""Playback of a past session: the state the live window showed at any moment.

`Replay` folds the session's corrected record (undos and edits applied) with the same
`SessionState.apply` the live recorder uses, so playback cannot disagree with recording. To
answer a query for any cursor time within a frame's budget, it keeps a checkpoint of the state
every `CHECKPOINT_EVERY` events; a query forks the nearest checkpoint at or before the cursor
and applies fewer than that many events, however far the cursor jumped.

A fork is cheap because the fold only ever changes the newest item of each list in the state
(the interval a lane holds now, the open episode, the open pause): a fork copies the lists and
those newest items and shares everything older, which no later event can touch.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields
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
    return RuptureTimer(
        open_ms=state.episode_active_ms(ep, now_ms) if ep is not None else None,
        last_repair_ms=(
            state.episode_active_ms(newest, now_ms) if newest and repaired_last else None
        ),
        ruptures=len(episodes),
        repaired=sum(1 for e in episodes if e.repair_ms is not None),
        open=sum(1 for e in episodes if e.is_open),
        unrepaired=sum(1 for e in episodes if e.unrepaired),
    )


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
        self._checkpoints = [_fork(state)]
        for i, event in enumerate(self.events, start=1):
            state.apply(event)
            if i % self._every == 0:
                self._checkpoints.append(_fork(state))
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
        state = _fork(self._checkpoints[base])
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


def _fork(state: SessionState) -> SessionState:
    """A copy of `state` that later `apply` calls on either side cannot change in the other.

    Lists are copied and their newest item deep-copied; older items, which the fold never
    changes again, are shared.
    """
    values: dict[str, Any] = {}
    for f in fields(state):
        value = getattr(state, f.name)
        if isinstance(value, list):
            value = _fork_list(value)
        elif isinstance(value, dict):
            value = {k: _fork_list(v) for k, v in value.items()}
        values[f.name] = value
    return SessionState(**values)


def _fork_list(items: list[Any]) -> list[Any]:
    if not items:
        return []
    out = items[:-1]
    out.append(copy.deepcopy(items[-1]))
    return out
