"""The session summary: the figures a clinician reads after (or during) a session.

Pure functions over a folded `SessionState`: no clock, no I/O, no Qt. Every figure is defined
here, once; the code below computes exactly these. Times are integer milliseconds of session
time; the session starts at 0.

End (E). An ended session ends at `state.ended_ms`. A live one is summarised up to `now_ms`
(default `state.last_ms`; an earlier `now_ms` counts as `state.last_ms`), so a pause, a lane's
last state or a rupture still open runs up to E. *Active time* of a span [a, b) is b − a minus
its part inside pauses.

Duration
- total_ms: E. paused_ms: the paused part of [0, E); pauses: how many (an open one included).
- active_ms: total_ms − paused_ms.

Lanes ("client", "self"). Each tap on a lane holds its state until the lane's next tap (or E);
taps are in timeline order, those in one millisecond in recording order.
- noted_ms: active time of [first tap, E); 0 when the lane has no taps. first_noted_ms: the
  first tap's time, None without taps. not_noted_ms: active_ms − noted_ms.
- states: for every enabled state of the scheme (top of the ladder first), then any other state
  the lane held: active_ms, the active time it was held; share, active_ms / noted_ms (None when
  noted_ms is 0). Shares sum to 1, up to float rounding, whenever noted_ms > 0.
- transitions: taps whose state differs from the lane's previous tap. The first tap is not one,
  nor is tapping the lit state again; a state held 0 ms (two taps in one millisecond) still is.
- ventral: the scheme's highest-level state that is not a blend (the first listed on a tie).
  A ventral stretch is a run of consecutive ventral taps, from its first tap to the lane's next
  non-ventral tap (or E); its length is its active time (a pause neither breaks it nor counts).
  longest_ventral_ms: the longest one's length, 0 if the lane never held ventral;
  longest_ventral_start_ms: when it began (the earliest on a tie), None if never ventral.

Ruptures: one episode per rupture (`fold.Episode`); episodes never overlap.
- Per episode: number, start_ms, rupture_type (None: untyped) and markers as tapped.
  status: "repaired" (closed by a repair tap), "unrepaired" (open when the session ended) or
  "open" (open in a live summary). attempts: number of repair-attempt taps; attempt_strategies:
  their tags in order; repair_strategies: the repair's tags. repair_ms: the repair's time,
  time_to_repair_ms: active time of [start, repair) — both None unless repaired.
  open_ms: active time of [start, repair or session end or E).
  client_before: the client state held at start_ms, i.e. set by the last client tap at or
  before it (None if not yet noted). client_after (None unless repaired): the state of the
  first client tap at or after the repair and before the next episode's start; without one,
  the client state held at the repair.
- count; by_type: episodes per type id for every type of the scheme, then any other type
  found, then "untyped" (zeros included, so the keys are stable).
- repaired, unrepaired, open: counts by status (they add up to count).
- median_repair_ms: the median time_to_repair_ms of repaired episodes (for an even number, the
  mean of the middle two rounded down to a whole ms); longest_repair_ms: the largest; both
  None when nothing was repaired.
- time_in_rupture_ms: the sum of open_ms; share_of_active: that / active_ms (None when 0).
- strategies: each strategy id with the number of repair-attempt and repair taps carrying it,
  most used first; ties in scheme order, then ids the scheme does not know, alphabetically.

Co-regulation
- base_ms: active time in which both lanes are noted and the client's state is not ventral
  (a blend is not ventral). self_ventral_ms: the part of it in which the self lane is ventral.
- share: self_ventral_ms / base_ms, None when base_ms is 0.

Notes: the number of notes of each kind (every kind of the scheme, then any other).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import asdict, dataclass
from itertools import pairwise
from operator import attrgetter
from typing import Any

from attune_companion.collector import collector_paused
from attune_companion.fold import LANES, Episode, Interval, Pause, SessionState
from attune_companion.scheme import Scheme

UNTYPED = "untyped"


@dataclass(frozen=True)
class Duration:
    total_ms: int
    active_ms: int
    paused_ms: int
    pauses: int


@dataclass(frozen=True)
class StateTime:
    active_ms: int
    share: float | None


@dataclass(frozen=True)
class LaneSummary:
    states: dict[str, StateTime]
    noted_ms: int
    not_noted_ms: int
    first_noted_ms: int | None
    transitions: int
    longest_ventral_ms: int
    longest_ventral_start_ms: int | None


@dataclass(frozen=True)
class EpisodeSummary:
    number: int
    start_ms: int
    rupture_type: str | None
    markers: tuple[str, ...]
    status: str
    attempts: int
    attempt_strategies: tuple[str, ...]
    repair_strategies: tuple[str, ...]
    repair_ms: int | None
    time_to_repair_ms: int | None
    open_ms: int
    client_before: str | None
    client_after: str | None

    @property
    def repaired(self) -> bool:
        return self.status == "repaired"


@dataclass(frozen=True)
class RuptureSummary:
    count: int
    by_type: dict[str, int]
    repaired: int
    unrepaired: int
    open: int
    median_repair_ms: int | None
    longest_repair_ms: int | None
    time_in_rupture_ms: int
    share_of_active: float | None
    strategies: dict[str, int]
    episodes: tuple[EpisodeSummary, ...]


@dataclass(frozen=True)
class CoRegulation:
    base_ms: int
    self_ventral_ms: int
    share: float | None


@dataclass(frozen=True)
class Summary:
    """The figures of one session, as defined in this module's docstring."""

    ended: bool
    end_ms: int
    ventral: str
    duration: Duration
    lanes: dict[str, LaneSummary]
    ruptures: RuptureSummary
    coregulation: CoRegulation
    notes: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data: field names as keys, times in integer ms."""
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def ventral_state(scheme: Scheme) -> str:
    """The top of the ladder: the highest-level state that is not a blend."""
    plain = [s for s in scheme.states if not s.blend_of] or list(scheme.states)
    return max(plain, key=lambda s: s.level).id  # max keeps the first listed on a tie


def summarise(state: SessionState, scheme: Scheme, now_ms: int | None = None) -> Summary:
    """The summary of a session as folded, up to its end (or `now_ms` while it is live)."""
    # The sweep's change points (one tuple per tap) set off collections that scan the running
    # window's whole heap, now and then a full one; nothing made here is in a cycle.
    with collector_paused():
        return _summarise(state, scheme, now_ms)


def _summarise(state: SessionState, scheme: Scheme, now_ms: int | None) -> Summary:
    if state.ended_ms is not None:
        end = state.ended_ms
    else:
        end = state.last_ms if now_ms is None else max(now_ms, state.last_ms)
    ventral = ventral_state(scheme)
    paused = state.paused_ms_until(end)
    active = end - paused
    lanes, coregulation = _sweep(state, scheme, end, ventral, active)
    return Summary(
        ended=state.ended,
        end_ms=end,
        ventral=ventral,
        duration=Duration(end, active, paused, len(state.pauses)),
        lanes=lanes,
        ruptures=_ruptures(state, scheme, end, active),
        coregulation=coregulation,
        notes=_ordered_counts(Counter(n.kind for n in state.notes), [n.id for n in scheme.notes]),
    )


def _sweep(
    state: SessionState, scheme: Scheme, end: int, ventral: str, active: int
) -> tuple[dict[str, LaneSummary], CoRegulation]:
    """Lane and co-regulation figures in one pass over the change points in time order."""
    client = state.lanes[LANES[0]]
    # The change points are the lanes' intervals and the pauses as they are (and one
    # _Resumed per pause), sorted stably on their time: on a tie, client, then self, then
    # pauses, each in recorded order. A tuple made per tap instead (6 MB at 100,000 events)
    # raised the memory high-water of a long session's review, which the process then kept.
    points: list[Interval | Pause | _Resumed] = [*client, *state.lanes[LANES[1]]]
    for p in state.pauses:
        points += (p, _Resumed(end if p.end_ms is None else p.end_ms))
    points.sort(key=_AT)
    points.append(_Resumed(end))  # E, where the last span ends

    held: list[str | None] = [None, None]
    times: list[dict[str, int]] = [{}, {}]
    run_start: list[int | None] = [None, None]
    run_len = [0, 0]
    best: list[tuple[int, int | None]] = [(-1, None), (-1, None)]
    base = self_ventral = 0
    paused = False
    prev = next_client = 0
    clients = len(client)
    for point in points:
        t = point.start_ms
        span = t - prev
        if span > 0 and not paused:
            for li in (0, 1):
                s = held[li]
                if s is not None:
                    times[li][s] = times[li].get(s, 0) + span
                    if s == ventral:
                        run_len[li] += span
            if held[0] is not None and held[0] != ventral and held[1] is not None:
                base += span
                if held[1] == ventral:
                    self_ventral += span
        prev = t
        if type(point) is not Interval:  # a pause, its end, or E
            paused = type(point) is Pause
            continue
        who = 0 if next_client < clients and point is client[next_client] else 1
        next_client += 1 - who
        value = point.state
        if value != ventral and run_start[who] is not None:
            best[who] = _longer(best[who], run_len[who], run_start[who])
            run_start[who] = None
        elif value == ventral and run_start[who] is None:
            run_start[who], run_len[who] = t, 0
        held[who] = value
    lanes = {}
    for li, lane in enumerate(LANES):
        if run_start[li] is not None:
            best[li] = _longer(best[li], run_len[li], run_start[li])
        lanes[lane] = _lane_summary(state.lanes[lane], scheme, times[li], best[li], active)
    share = self_ventral / base if base else None
    return lanes, CoRegulation(base, self_ventral, share)


@dataclass(slots=True)
class _Resumed:
    """Where a pause ends (E for a pause still open), as a change point of the sweep; and
    E itself, after every other change point."""

    start_ms: int


_AT = attrgetter("start_ms")


def _longer(best: tuple[int, int | None], length: int, start: int | None) -> tuple[int, int | None]:
    return (length, start) if length > best[0] else best


def _lane_summary(
    intervals: list[Interval], scheme: Scheme, times: dict[str, int],
    best: tuple[int, int | None], active: int,
) -> LaneSummary:
    noted = sum(times.values())
    order = [s.id for s in scheme.enabled_states]
    order += sorted({iv.state for iv in intervals} - set(order))
    states = {
        s: StateTime(times.get(s, 0), times.get(s, 0) / noted if noted else None) for s in order
    }
    transitions = sum(1 for a, b in pairwise(intervals) if a.state != b.state)
    return LaneSummary(
        states=states,
        noted_ms=noted,
        not_noted_ms=active - noted,
        first_noted_ms=intervals[0].start_ms if intervals else None,
        transitions=transitions,
        longest_ventral_ms=max(best[0], 0),
        longest_ventral_start_ms=best[1],
    )


def _ruptures(state: SessionState, scheme: Scheme, end: int, active: int) -> RuptureSummary:
    client = state.lanes["client"]
    starts = [iv.start_ms for iv in client]
    episodes = []
    for i, ep in enumerate(state.episodes):
        next_start = state.episodes[i + 1].start_ms if i + 1 < len(state.episodes) else None
        episodes.append(_episode(state, ep, end, client, starts, next_start))
    repair_times = sorted(e.time_to_repair_ms for e in episodes if e.time_to_repair_ms is not None)
    n = len(repair_times)
    median = None
    if n:
        median = (repair_times[(n - 1) // 2] + repair_times[n // 2]) // 2
    in_rupture = sum(e.open_ms for e in episodes)
    status = Counter(e.status for e in episodes)
    types = Counter(e.rupture_type or UNTYPED for e in episodes)
    strategies = Counter(
        tag for ep in state.episodes for tag in (*ep.attempt_strategies, *ep.strategies)
    )
    order = _ordered_counts(strategies, [s.id for s in scheme.strategies])
    rank = {k: i for i, k in enumerate(order)}
    return RuptureSummary(
        count=len(episodes),
        by_type=_ordered_counts(types, [t.id for t in scheme.rupture_types], last=UNTYPED),
        repaired=status["repaired"],
        unrepaired=status["unrepaired"],
        open=status["open"],
        median_repair_ms=median,
        longest_repair_ms=repair_times[-1] if n else None,
        time_in_rupture_ms=in_rupture,
        share_of_active=in_rupture / active if active else None,
        strategies={
            k: strategies[k] for k in sorted(strategies, key=lambda k: (-strategies[k], rank[k]))
        },
        episodes=tuple(episodes),
    )


def _episode(
    state: SessionState, ep: Episode, end: int, client: list[Interval], starts: list[int],
    next_start: int | None,
) -> EpisodeSummary:
    def held_at(t: int) -> str | None:
        i = bisect_right(starts, t) - 1
        return client[i].state if i >= 0 else None

    after = None
    status = "unrepaired" if ep.unrepaired else "open"
    if ep.repair_ms is not None:
        status = "repaired"
        first = bisect_left(starts, ep.repair_ms)
        if first < len(starts) and (next_start is None or starts[first] < next_start):
            after = client[first].state
        else:
            after = held_at(ep.repair_ms)
    return EpisodeSummary(
        number=ep.number,
        start_ms=ep.start_ms,
        rupture_type=ep.rupture_type,
        markers=tuple(ep.markers),
        status=status,
        attempts=len(ep.attempts),
        attempt_strategies=tuple(ep.attempt_strategies),
        repair_strategies=tuple(ep.strategies),
        repair_ms=ep.repair_ms,
        time_to_repair_ms=(
            state.active_ms(ep.start_ms, ep.repair_ms) if ep.repair_ms is not None else None
        ),
        open_ms=state.episode_active_ms(ep, end),
        client_before=held_at(ep.start_ms),
        client_after=after,
    )


def _ordered_counts(
    counts: Counter[str], known: list[str], last: str | None = None
) -> dict[str, int]:
    """Every count, zeros included: the scheme's ids, then others found (sorted), then `last`."""
    order = known + sorted(set(counts) - set(known) - {last})
    if last is not None:
        order.append(last)
    return {k: counts[k] for k in order}
