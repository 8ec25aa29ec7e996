"""Playback shows what the live window showed: the state and the rupture timer at any moment."""

from __future__ import annotations

import contextlib
import tracemalloc
import copy
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_companion import corrections
from attune_companion.clock import FakeClock
from attune_companion.errors import TapRefused
from attune_companion.events import Event, Kind, effective_taps
from attune_companion.fold import SessionState, fold
from attune_companion.recorder import Recorder
from attune_companion.replay import Replay, RuptureTimer, next_second_ms, rupture_timer
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

SCHEME = default_scheme()
STATES = ("ventral", "sympathetic", "dorsal")
IN_ORDER_OPS = ("client", "self", "rupture", "attempt", "repair", "note", "pause", "resume")
CORRECTED_OPS = IN_ORDER_OPS + ("undo", "undo")

op_lists = st.lists(
    st.tuples(
        st.sampled_from(IN_ORDER_OPS),
        st.integers(0, 4000),  # ms the clock moves before the op
        st.integers(0, 2),  # which state / type / note kind
        st.integers(0, 30),  # back-dating in seconds (used only where allowed)
    ),
    max_size=60,
)


@dataclass
class Moment:
    """The live window at one moment: session time, state and timer."""

    t: int
    state: SessionState
    timer: RuptureTimer
    events_so_far: int


def _tap(rec: Recorder, op: str, choice: int, backdate_s: float) -> None:
    state = STATES[choice]
    if op == "client":
        rec.client(state, backdate_s)
    elif op == "self":
        rec.self_state(state, backdate_s)
    elif op == "rupture":
        rec.rupture((None, "withdrawal", "confrontation")[choice], backdate_s=backdate_s)
    elif op == "attempt":
        rec.repair_attempt(["clarify"][:choice], backdate_s)
    elif op == "repair":
        rec.repair(["acknowledge", "redirect"][:choice], backdate_s)
    elif op == "note":
        rec.note(("glimmer", "trigger", "note")[choice], f"text {choice}", backdate_s)
    elif op == "pause":
        rec.pause()
    elif op == "resume":
        rec.resume()
    elif op == "undo":
        rec.undo()


def _record(ops, *, backdate: bool, end: bool) -> tuple[Store, Recorder, FakeClock, list[Moment]]:
    """Record the ops live; capture the window after each committed event and before each
    op (after the clock moved), the way a timer repaints between taps."""
    store, clock = Store.memory(), FakeClock()
    rec = Recorder.start(store, SCHEME, clock, "K-07")
    moments: list[Moment] = []

    def capture() -> None:
        t = rec.now_ms()
        moments.append(Moment(t, copy.deepcopy(rec.state), rupture_timer(rec.state, t),
                              len(rec.events)))

    for op, advance_ms, choice, backdate_s in ops:
        clock.advance(advance_ms / 1000)
        capture()
        try:
            _tap(rec, op, choice, backdate_s if backdate else 0)
        except TapRefused:
            continue
        capture()
    if end:
        clock.advance(1)
        rec.end()
        capture()
    return store, rec, clock, moments


def _settled(moment: Moment, log: list[Event]) -> bool:
    """True when nothing recorded after the moment sits at or before its time (so the log up
    to the cursor is exactly what the live window had)."""
    return all(e.offset_ms > moment.t for e in log[moment.events_so_far:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=op_lists, end=st.booleans(), every=st.integers(1, 6))
def test_playback_equals_the_live_window_at_every_moment(ops, end, every):
    store, rec, _clock, moments = _record(ops, backdate=False, end=end)
    replay = Replay(rec.events, SCHEME, checkpoint_every=every)
    for m in moments:
        assert replay.state_after(m.events_so_far) == m.state
        if _settled(m, rec.events):
            assert replay.state_at(m.t) == m.state, f"state at {m.t} ms"
            assert replay.timer_at(m.t) == m.timer, f"timer at {m.t} ms"
    assert replay.state_at(replay.duration_ms) == rec.state


def _rerecord(taps: list[Event]) -> tuple[Recorder, dict[int, int], list[Moment]]:
    """Record the corrected taps again, in timeline order, as a clean live session would.
    Returns the recorder, clean id → original id, and the moments after each tap."""
    clock = FakeClock()
    rec = Recorder.start(Store.memory(), SCHEME, clock, "K-07")
    ids: dict[int, int] = {}
    moments = []
    for e in taps:
        clock.advance((e.offset_ms - rec.now_ms()) / 1000)
        if e.kind is Kind.CLIENT:
            change = rec.client(str(e.value))
        elif e.kind is Kind.SELF:
            change = rec.self_state(str(e.value))
        elif e.kind is Kind.RUPTURE:
            change = rec.rupture(e.value, e.tags)
        elif e.kind is Kind.REPAIR_ATTEMPT:
            change = rec.repair_attempt(e.tags)
        elif e.kind is Kind.REPAIR:
            change = rec.repair(e.tags)
        elif e.kind is Kind.NOTE:
            change = rec.note(str(e.value), e.text)
        elif e.kind is Kind.PAUSE:
            change = rec.pause()
        elif e.kind is Kind.RESUME:
            change = rec.resume()
        else:
            change = rec.end()
        assert change.event.offset_ms == e.offset_ms
        ids[change.event.id] = e.id
        t = rec.now_ms()
        moments.append(Moment(t, copy.deepcopy(rec.state), rupture_timer(rec.state, t),
                              len(rec.events)))
    return rec, ids, moments


def _renumber(state: SessionState, ids: dict[int, int]) -> SessionState:
    state = copy.deepcopy(state)
    for lane in state.lanes.values():
        for iv in lane:
            iv.event_id = ids[iv.event_id]
    for ep in state.episodes:
        ep.event_ids = [ids[i] for i in ep.event_ids]
    for note in state.notes:
        note.event_id = ids[note.event_id]
    return state


corrected_op_lists = st.lists(
    st.tuples(
        st.sampled_from(CORRECTED_OPS),
        st.integers(0, 40_000),
        st.integers(0, 2),
        st.integers(0, 30),
    ),
    max_size=50,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ops=corrected_op_lists,
    removals=st.lists(st.integers(0, 60), max_size=3),
    moves=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 600_000)), max_size=3),
    every=st.integers(1, 6),
)
def test_playback_of_a_corrected_session_shows_the_corrected_record(ops, removals, moves, every):
    """Undone, back-dated, moved and removed taps: playback equals a clean live recording of
    the corrected taps, moment by moment."""
    store, rec, _clock, _ = _record(ops, backdate=True, end=True)
    sid = rec.session.id
    for i in removals:
        taps = [e for e in effective_taps(store.events(sid)) if e.is_tap]
        if taps:
            with contextlib.suppress(TapRefused):
                corrections.remove(store, sid, taps[i % len(taps)].id)
    for i, offset in moves:
        taps = [e for e in effective_taps(store.events(sid)) if e.is_tap]
        if taps:  # a move into a pause, where no live tap can be, is refused
            with contextlib.suppress(TapRefused):
                corrections.move(store, sid, taps[i % len(taps)].id, offset)
    log = store.events(sid)
    replay = Replay(log, SCHEME, checkpoint_every=every)
    clean, ids, moments = _rerecord(effective_taps(log))
    for i, m in enumerate(moments):
        assert replay.state_after(m.events_so_far) == _renumber(m.state, ids)
        if i + 1 == len(moments) or moments[i + 1].t > m.t:
            assert replay.state_at(m.t) == _renumber(m.state, ids)
            assert replay.timer_at(m.t) == m.timer
    assert replay.state_at(replay.duration_ms) == fold(log)


# -- examples -------------------------------------------------------------------------------


def _example() -> Replay:
    """Ventral 0 s; rupture 10 s; pause 20–50 s; note 60 s; repair 70 s; rupture 80 s; end 100 s"""
    clock = FakeClock()
    rec = Recorder.start(Store.memory(), SCHEME, clock, "K-07")
    rec.client("ventral")
    clock.advance(10)
    rec.rupture("withdrawal")
    clock.advance(10)
    rec.pause()
    clock.advance(30)
    rec.resume()
    clock.advance(10)
    rec.note("glimmer", "eyes met")
    clock.advance(10)
    rec.repair(["clarify"])
    clock.advance(10)
    rec.rupture()
    clock.advance(20)
    rec.end()
    return Replay(rec.events, SCHEME)


def test_the_timer_excludes_the_pause_and_keeps_the_last_time_to_repair():
    replay = _example()
    # RuptureTimer(open_ms, last_repair_ms, ruptures, repaired, open, unrepaired)
    assert replay.timer_at(5_000) == RuptureTimer(None, None, 0, 0, 0, 0)
    assert replay.timer_at(35_000) == RuptureTimer(10_000, None, 1, 0, 1, 0), "paused: stands"
    assert replay.timer_at(65_000) == RuptureTimer(25_000, None, 1, 0, 1, 0)
    assert replay.timer_at(75_000) == RuptureTimer(None, 30_000, 1, 1, 0, 0)
    assert replay.timer_at(90_000) == RuptureTimer(10_000, None, 2, 1, 1, 0)
    assert replay.timer_at(100_000) == RuptureTimer(None, None, 2, 1, 0, 1)


def test_jumps_between_ruptures_and_notes():
    replay = _example()
    assert replay.duration_ms == 100_000
    assert replay.next_rupture(0) == 10_000
    assert replay.next_rupture(10_000) == 80_000, "from a rupture, next is the one after it"
    assert replay.next_rupture(80_000) is None
    assert replay.previous_rupture(80_000) == 10_000
    assert replay.previous_rupture(10_000) is None
    assert replay.next_note(0) == 60_000 and replay.previous_note(60_001) == 60_000
    assert replay.next_note(60_000) is None


def test_the_event_list_highlights_the_newest_event_at_the_cursor():
    replay = _example()
    kinds = [e.kind for e in replay.events]
    assert replay.event_index_at(-1) is None
    assert kinds[replay.event_index_at(0)] is Kind.CLIENT
    assert kinds[replay.event_index_at(19_999)] is Kind.RUPTURE
    assert kinds[replay.event_index_at(60_000)] is Kind.NOTE
    assert replay.event_index_at(10**9) == len(replay.events) - 1


def test_the_pad_shows_the_lit_state_at_the_cursor_and_nothing_before_the_first_tap():
    clock = FakeClock()
    rec = Recorder.start(Store.memory(), SCHEME, clock, "K-07")
    clock.advance(5)
    rec.client("dorsal")
    clock.advance(5)
    rec.self_state("ventral")
    clock.advance(5)
    rec.client("ventral")
    replay = Replay(rec.events, SCHEME)
    assert replay.state_at(4_999).current("client") is None
    assert replay.state_at(12_000).current("client") == "dorsal"
    assert replay.state_at(12_000).current("self") == "ventral"
    assert replay.state_at(15_000).current("client") == "ventral"


def test_a_returned_state_is_not_changed_by_later_queries():
    replay = _example()
    early = replay.state_at(15_000)
    snapshot = copy.deepcopy(early)
    replay.state_at(100_000)
    replay.state_at(5_000)
    assert early == snapshot
    assert early.open_episode is not None and early.open_episode.end_ms is None


def _long_log(n: int) -> list[Event]:
    """n in-order events: lane states, and a rupture, an attempt and a repair every 40."""
    log, t = [], 0
    for i in range(n):
        t += 1000
        step = i % 40
        if step == 10:
            kind, value = Kind.RUPTURE, "withdrawal"
        elif step == 20:
            kind, value = Kind.REPAIR_ATTEMPT, None
        elif step == 30:
            kind, value = Kind.REPAIR, None
        else:
            kind, value = (Kind.CLIENT, Kind.SELF)[i % 2], STATES[i % 3]
        log.append(Event(i + 1, kind, t, "", value))
    return log


def test_playback_keeps_memory_in_proportion_to_the_session_not_its_square():
    """The checkpoints of a long session cost about what its fold costs, not a copy of every
    list at every checkpoint (a 100,000-event session once took gigabytes to play back)."""
    log = _long_log(20_000)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        state = fold(log)
        folded = tracemalloc.get_traced_memory()[0] - before
        del state
        before = tracemalloc.get_traced_memory()[0]
        replay = Replay(log, SCHEME)
        replayed = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert replay.state_after(len(log)) == fold(log)
    assert replayed < 2 * folded, f"playback holds {replayed:,} bytes, the fold {folded:,}"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4_000), min_size=1, max_size=8), st.integers(0, 3_000))
def test_nothing_a_live_clock_shows_turns_before_the_next_second_says(gaps, probe):
    """The live window ticks only at `next_second_ms`: until then neither the session's
    seconds nor the open rupture's (pauses excluded) may change, and at it one of them does."""
    clock = FakeClock()
    rec = Recorder.start(Store.memory(), default_scheme(), clock, "T-01")
    ops = [rec.rupture, rec.pause, rec.resume, rec.repair, rec.rupture]
    for gap, op in zip(gaps, ops):
        clock.advance(gap / 1000)
        op()
    clock.advance(probe / 1000)
    now, state = rec.now_ms(), rec.state

    def shown(at: int) -> tuple[int, int | None]:
        open_ms = rupture_timer(state, at).open_ms
        return at // 1000, None if open_ms is None else open_ms // 1000

    wait = next_second_ms(state, now)
    assert 1 <= wait <= 1000
    assert shown(now + wait - 1) == shown(now)
    assert shown(now + wait) != shown(now)
