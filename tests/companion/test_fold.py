"""The one fold: session state from the event log (undo and edit applied, pauses, episodes)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune_companion.events import Event, Kind, effective_taps, last_undoable
from attune_companion.fold import Interval, InconsistentLog, NoteMark, Pause, SessionState, fold


def log(*rows: tuple) -> list[Event]:
    """Events numbered in recording order from (kind, offset_ms, extra fields) rows."""
    return [Event(i, kind, t, **(extra[0] if extra else {}))
            for i, (kind, t, *extra) in enumerate(rows, start=1)]


def test_undo_appends_a_tombstone_and_the_tap_stays_in_the_store(recorder, fresh_store, at):
    at(5)
    tap = recorder.client("sympathetic").event
    at(6)
    change = recorder.undo()

    rows = fresh_store.events(recorder.session.id)
    assert [(e.id, e.kind) for e in rows] == [(tap.id, Kind.CLIENT), (change.event.id, Kind.UNDO)]
    assert rows[1].target == tap.id
    assert change.undone == tap
    assert fold(rows).lanes["client"] == []
    assert recorder.state.current("client") is None


def test_undo_takes_back_the_newest_recorded_tap_not_the_latest_in_time():
    events = log((Kind.CLIENT, 100, {"value": "ventral"}),
                 (Kind.CLIENT, 50, {"value": "dorsal"}),  # back-dated, recorded last
                 (Kind.PAUSE, 120))
    assert last_undoable(events) == events[1]
    events.append(Event(4, Kind.UNDO, 130, target=2))
    assert last_undoable(events) == events[0]
    assert [iv.state for iv in fold(events).lanes["client"]] == ["ventral"]


def test_edits_move_retag_and_remove_taps_without_rewriting_them():
    events = log(
        (Kind.CLIENT, 100, {"value": "ventral"}),
        (Kind.CLIENT, 200, {"value": "dorsal"}),
        (Kind.RUPTURE, 300, {"tags": ("denial",)}),
        (Kind.NOTE, 400, {"value": "glimmer"}),
        (Kind.EDIT, 500, {"target": 2, "changes": {"offset_ms": 50, "value": "sympathetic"}}),
        (Kind.EDIT, 510, {"target": 3, "changes": {"tags": ["minimal_response"]}}),
        (Kind.EDIT, 520, {"target": 4, "changes": {"removed": True}}),
    )

    state = fold(events)

    assert state.lanes["client"] == [
        Interval("sympathetic", 50, 100, 2), Interval("ventral", 100, None, 1)
    ]
    assert state.episodes[0].markers == ["minimal_response"]
    assert state.notes == []
    assert events[1].value == "dorsal"  # the original row is untouched
    assert [e.id for e in effective_taps(events)] == [2, 1, 3]


def test_intervals_on_a_lane_are_contiguous_and_the_last_is_open():
    state = fold(log((Kind.SELF, 0, {"value": "ventral"}),
                     (Kind.SELF, 70, {"value": "ventral"}),
                     (Kind.SELF, 90, {"value": "sympathetic"})))

    assert state.lanes["self"] == [
        Interval("ventral", 0, 70, 1), Interval("ventral", 70, 90, 2),
        Interval("sympathetic", 90, None, 3),
    ]
    assert state.current("self") == "sympathetic"
    assert state.current("client") is None


def test_taps_in_the_same_millisecond_keep_recording_order():
    events = [Event(2, Kind.CLIENT, 10, value="dorsal"), Event(1, Kind.CLIENT, 10, value="ventral")]
    assert fold(events).current("client") == "dorsal"


def test_a_rupture_tapped_while_one_is_open_adds_to_it():
    state = fold(log((Kind.RUPTURE, 10, {"tags": ("denial",)}),
                     (Kind.RUPTURE, 20, {"value": "withdrawal", "tags": ("denial", "deferential")}),
                     (Kind.RUPTURE, 30, {"value": "confrontation"})))

    assert len(state.episodes) == 1
    ep = state.episodes[0]
    assert (ep.start_ms, ep.rupture_type) == (10, "withdrawal")  # the first type given stays
    assert ep.markers == ["denial", "deferential"]
    assert ep.event_ids == [1, 2, 3]


def test_attempts_keep_it_open_and_a_repair_closes_it():
    state = fold(log((Kind.RUPTURE, 10),
                     (Kind.REPAIR_ATTEMPT, 20, {"tags": ("clarify",)}),
                     (Kind.REPAIR_ATTEMPT, 30, {"tags": ("redirect",)}),
                     (Kind.REPAIR, 45, {"tags": ("acknowledge",)}),
                     (Kind.RUPTURE, 50)))

    first, second = state.episodes
    assert (first.attempts, first.attempt_strategies) == ([20, 30], ["clarify", "redirect"])
    assert (first.repair_ms, first.end_ms, first.strategies) == (45, 45, ["acknowledge"])
    assert not first.is_open and not first.unrepaired
    assert (second.number, second.start_ms) == (2, 50)
    assert state.open_episode is second


@pytest.mark.parametrize("kind", [Kind.REPAIR, Kind.REPAIR_ATTEMPT])
def test_a_repair_with_no_rupture_open_is_an_inconsistent_log(kind):
    with pytest.raises(InconsistentLog, match="no rupture open"):
        fold(log((kind, 10)))


def test_apply_refuses_events_out_of_order_or_after_the_end():
    state = SessionState()
    state.apply(Event(1, Kind.CLIENT, 100, value="ventral"))
    with pytest.raises(InconsistentLog, match="before 100 ms"):
        state.apply(Event(2, Kind.CLIENT, 99, value="dorsal"))
    state.apply(Event(3, Kind.END, 200))
    with pytest.raises(InconsistentLog, match="after the end"):
        state.apply(Event(4, Kind.NOTE, 200, value="glimmer"))


def test_pause_while_paused_and_resume_while_running_are_inconsistent():
    with pytest.raises(InconsistentLog, match="already paused"):
        fold(log((Kind.PAUSE, 10), (Kind.PAUSE, 20)))
    with pytest.raises(InconsistentLog, match="not paused"):
        fold(log((Kind.RESUME, 10)))


def test_the_end_closes_lanes_a_pause_and_an_open_rupture_as_unrepaired():
    state = fold(log((Kind.CLIENT, 10, {"value": "dorsal"}),
                     (Kind.RUPTURE, 20),
                     (Kind.NOTE, 25, {"value": "trigger", "text": "door slammed"}),
                     (Kind.PAUSE, 30),
                     (Kind.END, 90)))

    assert state.ended and state.ended_ms == 90 and not state.paused
    assert state.lanes["client"] == [Interval("dorsal", 10, 90, 1)]
    assert state.pauses == [Pause(30, 90)]
    ep = state.episodes[0]
    assert (ep.end_ms, ep.unrepaired, ep.repair_ms) == (90, True, None)
    assert state.open_episode is None
    assert state.notes == [NoteMark(25, "trigger", "door slammed", 3)]
    assert state.taps == 3


def test_active_time_leaves_out_pauses_and_an_open_pause_runs_to_the_time_asked():
    state = fold(log((Kind.PAUSE, 100), (Kind.RESUME, 150), (Kind.PAUSE, 300)))

    assert state.paused_ms_until(120) == 20
    assert state.paused_ms_until(200) == 50
    assert state.paused_ms_until(400) == 150  # 50 + the open pause's 100 so far
    assert state.active_ms(0, 400) == 250
    assert state.active_ms(120, 130) == 0
    assert state.active_ms(130, 120) == 0
    assert state.resume_boundary_ms() == 0  # the last pause has not ended yet


def test_episode_active_time_leaves_out_pauses():
    state = fold(log((Kind.RUPTURE, 100), (Kind.PAUSE, 150), (Kind.RESUME, 250),
                     (Kind.REPAIR, 300)))

    assert state.episode_active_ms(state.episodes[0], now_ms=10_000) == 100
    assert state.resume_boundary_ms() == 250


class _NewestOnly(list):
    """Episodes that may be counted and indexed, never walked: reading them all would make a
    tap cost more the longer the session."""

    def __iter__(self):
        raise AssertionError("every episode was walked")


@given(st.lists(st.sampled_from([Kind.RUPTURE, Kind.REPAIR_ATTEMPT, Kind.REPAIR, Kind.PAUSE,
                                 Kind.RESUME, Kind.CLIENT]), max_size=40), st.booleans())
def test_rupture_counts_agree_with_counting_every_episode(kinds, end):
    state = SessionState()
    for t, kind in enumerate([*kinds, *([Kind.END] if end else [])]):
        try:
            state.apply(Event(t + 1, kind, t, value="ventral" if kind is Kind.CLIENT else None))
        except InconsistentLog:
            continue
    episodes = state.episodes
    assert state.rupture_counts() == (
        len(episodes), sum(e.repair_ms is not None for e in episodes),
        sum(e.is_open for e in episodes), sum(e.unrepaired for e in episodes))


def test_rupture_counts_read_only_the_newest_episode():
    state = fold(log(*[(kind, t) for t in range(0, 4000, 2)
                       for kind in (Kind.RUPTURE, Kind.REPAIR)], (Kind.RUPTURE, 5000)))
    state.episodes = _NewestOnly(state.episodes)
    assert state.rupture_counts() == (2001, 2000, 1, 0)
