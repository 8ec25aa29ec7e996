"""Recording a live session: taps, back-dating, refusals, undo, and recovery after a crash."""

from datetime import datetime

import pytest

from attune_companion.clock import FakeClock
from attune_companion.errors import TapRefused
from attune_companion.events import Kind
from attune_companion.fold import Pause, SessionState, fold
from attune_companion.recorder import Recorder
from attune_companion.text_rules import NOTE
from attune_companion.store import Store


def folded_parts(state: SessionState) -> tuple:
    return (state.lanes, state.episodes, state.pauses, state.notes, state.ended_ms)


def assert_matches_store(rec: Recorder) -> None:
    """The recorder's incremental state is what folding the stored log gives."""
    assert folded_parts(rec.state) == folded_parts(fold(rec.store.events(rec.session.id)))


def test_each_tap_is_committed_with_its_session_time_and_wall_clock(
    recorder, fresh_store, clock, at
):
    at(12.5)
    change = recorder.client("ventral")

    [row] = fresh_store.events(recorder.session.id)
    assert row == change.event
    assert (row.kind, row.offset_ms, row.value) == (Kind.CLIENT, 12_500, "ventral")
    assert datetime.fromisoformat(row.wall_utc) == clock.wall_utc()
    assert change.state is recorder.state and not change.rebuilt and not change.clamped


def test_back_dating_is_clamped_at_the_session_start(recorder, at):
    at(10)
    change = recorder.client("dorsal", backdate_s=30)

    assert (change.event.offset_ms, change.clamped) == (0, True)


def test_back_dating_is_clamped_at_the_last_resume(recorder, at):
    at(100)
    recorder.pause()
    at(200)
    recorder.resume()
    at(210)
    clamped = recorder.self_state("sympathetic", backdate_s=60)
    at(260)
    free = recorder.self_state("ventral", backdate_s=30)

    assert (clamped.event.offset_ms, clamped.clamped) == (200_000, True)
    assert (free.event.offset_ms, free.clamped) == (230_000, False)


def test_back_dated_episode_taps_stay_after_the_last_episode_tap(recorder, at):
    at(100)
    recorder.rupture()
    at(110)
    change = recorder.repair(backdate_s=30)

    assert (change.event.offset_ms, change.clamped) == (100_000, True)
    assert recorder.state.episodes[0].repair_ms == 100_000


def test_a_back_dated_repair_stays_after_a_tap_that_added_markers(recorder, at):
    at(100)
    recorder.rupture()
    at(200)
    recorder.rupture("withdrawal", ["denial"])  # adds to the open rupture
    at(210)
    change = recorder.repair(backdate_s=60)

    assert (change.event.offset_ms, change.clamped) == (200_000, True)
    [ep] = recorder.state.episodes  # one rupture, repaired; not split in two
    assert (ep.start_ms, ep.rupture_type, ep.markers, ep.repair_ms) == (
        100_000, "withdrawal", ["denial"], 200_000
    )


def test_a_tap_back_dated_before_the_last_event_rebuilds_the_timeline(recorder, at):
    at(50)
    recorder.client("ventral")
    at(60)
    change = recorder.client("sympathetic", backdate_s=20)

    assert change.rebuilt and not change.clamped
    assert [(iv.state, iv.start_ms) for iv in change.state.lanes["client"]] == [
        ("sympathetic", 40_000), ("ventral", 50_000)
    ]
    assert_matches_store(recorder)


def refusals(rec: Recorder) -> dict:
    """Every operation, by name, as a call to try."""
    return {
        "client": lambda: rec.client("ventral"),
        "self": lambda: rec.self_state("dorsal"),
        "rupture": lambda: rec.rupture("withdrawal", ["denial"]),
        "attempt": lambda: rec.repair_attempt(["clarify"]),
        "repair": lambda: rec.repair(),
        "note": lambda: rec.note("glimmer", "smiled"),
        "undo": rec.undo,
        "pause": rec.pause,
        "resume": rec.resume,
        "end": rec.end,
    }


def assert_refused(rec: Recorder, attempt, match: str) -> None:
    before = len(rec.store.events(rec.session.id))
    with pytest.raises(TapRefused, match=match):
        attempt()
    assert len(rec.store.events(rec.session.id)) == before


@pytest.mark.parametrize("name", ["client", "self", "rupture", "attempt", "repair", "note"])
def test_taps_are_refused_while_paused(recorder, at, name):
    at(5)
    recorder.rupture()
    recorder.pause()
    at(10)
    assert_refused(recorder, refusals(recorder)[name], "paused")


@pytest.mark.parametrize("name", ["client", "self", "rupture", "attempt", "repair", "note",
                                  "undo", "pause", "resume", "end"])
def test_everything_is_refused_after_the_end(recorder, at, name):
    at(5)
    recorder.client("ventral")
    recorder.rupture()
    recorder.end()
    at(10)
    assert_refused(recorder, refusals(recorder)[name], "has ended")


@pytest.mark.parametrize("name", ["attempt", "repair"])
def test_a_repair_is_refused_with_no_rupture_open(recorder, at, name):
    at(5)
    recorder.rupture()
    recorder.repair()
    at(10)
    assert_refused(recorder, refusals(recorder)[name], "No rupture is open")


@pytest.mark.parametrize(
    ("attempt", "match"),
    [
        (lambda r: r.client("play"), "not a state offered"),  # a blend, disabled by default
        (lambda r: r.self_state("calm"), "not a state offered"),
        (lambda r: r.rupture("avoidance"), "not a rupture type"),
        (lambda r: r.rupture(markers=["sulking"]), "not a rupture marker"),
        (lambda r: r.note("memo"), "not a note kind"),
        (lambda r: r.note("note", "x" * (NOTE.most + 1)), "at most 500 characters"),
        (lambda r: r.note("note", "a\x00b"), "control character U\\+0000"),
        (lambda r: r.note("note", "bell\x07"), "control character U\\+0007"),
        (lambda r: r.client("ventral", backdate_s=-1), "back-dated by 0 to 600"),
        (lambda r: r.client("ventral", backdate_s=601), "back-dated by 0 to 600"),
        (lambda r: r.undo(), "Nothing to undo"),
        (lambda r: r.resume(), "not paused"),
    ],
)
def test_malformed_taps_are_refused_and_write_nothing(recorder, at, attempt, match):
    at(5)
    assert_refused(recorder, lambda: attempt(recorder), match)


def test_a_repair_attempt_with_an_unknown_strategy_is_refused(recorder, at):
    recorder.rupture()
    assert_refused(recorder, lambda: recorder.repair_attempt(["hope"]), "not a repair strategy")


def test_pausing_twice_is_refused(recorder, at):
    recorder.pause()
    assert_refused(recorder, recorder.pause, "already paused")


def test_a_note_is_trimmed_and_an_empty_one_has_no_text(recorder):
    assert recorder.note("note", "  the dog  ").event.text == "the dog"
    assert recorder.note("glimmer", "   ").event.text is None


def test_ending_with_a_rupture_open_records_it_as_unrepaired(recorder, fresh_store, at):
    at(30)
    recorder.rupture("confrontation")
    at(90)
    change = recorder.end()

    ep = change.state.episodes[0]
    assert (ep.end_ms, ep.unrepaired) == (90_000, True)
    session = fresh_store.session(recorder.session.id)
    assert session.status == "ended" and session.ended_utc == change.event.wall_utc


def test_incremental_state_equals_the_fold_of_the_store_after_every_operation(recorder, at):
    steps = [
        lambda: recorder.client("ventral"),
        lambda: recorder.self_state("ventral"),
        lambda: recorder.rupture("withdrawal", ["denial"]),
        lambda: recorder.client("sympathetic", backdate_s=3),
        lambda: recorder.repair_attempt(["clarify"]),
        lambda: recorder.note("trigger", "phone"),
        recorder.undo,
        lambda: recorder.rupture(markers=["minimal_response"]),
        recorder.pause,
        recorder.undo,  # while paused: takes back the marker tap
        recorder.resume,
        lambda: recorder.repair(["acknowledge"], backdate_s=1),
        recorder.undo,
        lambda: recorder.repair(["acknowledge"]),
        lambda: recorder.self_state("dorsal", backdate_s=40),
        lambda: recorder.rupture(),
        recorder.end,
    ]
    for i, step in enumerate(steps):
        at(10 * (i + 1))
        step()
        assert_matches_store(recorder)
    assert [ep.unrepaired for ep in recorder.state.episodes] == [False, True]


# -- recovery after a crash --------------------------------------------------------------------


def crashed_session(path, scheme, clock: FakeClock, *, paused: bool = False) -> int:
    """Record a few taps into a file database and close it without ending the session."""
    store = Store.open(path)
    rec = Recorder.start(store, scheme, clock, "K-07")
    clock.advance(10)
    rec.client("sympathetic")
    rec.rupture("withdrawal")
    clock.advance(10)
    rec.self_state("ventral")
    if paused:
        clock.advance(5)
        rec.pause()
    store.close()
    return rec.session.id


def test_a_session_left_live_reopens_as_interrupted(tmp_path, scheme, clock):
    session_id = crashed_session(tmp_path / "attune.db", scheme, clock)

    with Store.open(tmp_path / "attune.db") as store:
        assert store.session(session_id).status == "interrupted"
        assert [s.id for s in store.interrupted_sessions()] == [session_id]
        assert len(store.events(session_id)) == 3


def test_resuming_records_the_gap_as_a_pause(tmp_path, scheme, clock):
    session_id = crashed_session(tmp_path / "attune.db", scheme, clock)
    clock.advance(120)  # the app was down for two minutes

    with Store.open(tmp_path / "attune.db") as store:
        rec = Recorder.resume_interrupted(store, session_id, clock)

        assert store.session(session_id).status == "live"
        pause, resume = store.events(session_id)[-2:]
        assert (pause.kind, pause.offset_ms, pause.text) == (Kind.PAUSE, 20_000, "interrupted")
        assert (resume.kind, resume.offset_ms) == (Kind.RESUME, 140_000)
        assert rec.state.pauses == [Pause(20_000, 140_000)]
        assert rec.now_ms() == 140_000
        clock.advance(5)
        assert rec.repair().event.offset_ms == 145_000  # the rupture is still open
        assert_matches_store(rec)


def test_resuming_a_session_paused_at_the_crash_keeps_it_paused(tmp_path, scheme, clock):
    session_id = crashed_session(tmp_path / "attune.db", scheme, clock, paused=True)
    clock.advance(60)

    with Store.open(tmp_path / "attune.db") as store:
        rec = Recorder.resume_interrupted(store, session_id, clock)

        assert len(store.events(session_id)) == 4  # no extra pause
        assert rec.state.paused
        rec.resume()
        assert rec.state.pauses == [Pause(25_000, 85_000)]


def test_closing_ends_at_the_last_known_moment_and_leaves_the_rupture_unrepaired(
    tmp_path, scheme, clock
):
    session_id = crashed_session(tmp_path / "attune.db", scheme, clock)
    last_wall = clock.wall_utc()
    clock.advance(3600)

    with Store.open(tmp_path / "attune.db") as store:
        state = Recorder.close_interrupted(store, session_id).state

        session = store.session(session_id)
        assert session.status == "ended"
        assert datetime.fromisoformat(session.ended_utc) == last_wall
        assert state.ended_ms == 20_000
        assert (state.episodes[0].end_ms, state.episodes[0].unrepaired) == (20_000, True)
        assert [e.kind for e in store.events(session_id)] == [
            Kind.CLIENT, Kind.RUPTURE, Kind.SELF, Kind.END
        ]


@pytest.mark.parametrize("how", ["resume", "close"])
def test_a_session_whose_end_was_saved_but_not_its_status_is_closed_as_it_ended(
    tmp_path, scheme, clock, how
):
    """Attune stopped between saving the end and marking the session ended: resuming or
    closing it must not write after its end (the log would no longer fold)."""
    path = tmp_path / "attune.db"
    session_id = crashed_session(path, scheme, clock)
    with Store.open(path) as store:
        store.append(session_id, Kind.END, 20_000, clock.wall_utc().isoformat())
    clock.advance(60)

    with Store.open(path) as store:
        before = store.events(session_id)
        if how == "resume":
            with pytest.raises(TapRefused, match="had ended before Attune stopped"):
                Recorder.resume_interrupted(store, session_id, clock)
        else:
            assert Recorder.close_interrupted(store, session_id).state.ended_ms == 20_000
        assert store.events(session_id) == before
        assert store.session(session_id).status == "ended"
        assert store.interrupted_sessions() == []


@pytest.mark.parametrize("how", ["resume", "close"])
def test_only_an_interrupted_session_can_be_resumed_or_closed(recorder, fresh_store, clock, how):
    session_id = recorder.session.id
    with pytest.raises(TapRefused, match="is live, not interrupted"):
        if how == "resume":
            Recorder.resume_interrupted(fresh_store, session_id, clock)
        else:
            Recorder.close_interrupted(fresh_store, session_id)
    assert fresh_store.events(session_id) == []


def test_markers_and_strategies_given_as_any_iterable_are_recorded(recorder):
    rupture = recorder.rupture("withdrawal", (m for m in ["denial"]))
    attempt = recorder.repair_attempt(s for s in ["clarify"])

    assert (rupture.event.tags, attempt.event.tags) == (("denial",), ("clarify",))
