"""Corrections in review are audited edits: the original tap stays, the summary follows."""

from __future__ import annotations

import pytest

from attune_companion import corrections
from attune_companion.clock import FakeClock
from attune_companion.errors import TapRefused
from attune_companion.events import Kind
from attune_companion.fold import fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


@pytest.fixture
def ended():
    """An ended session: ventral 0–60 s, sympathetic from 60 s, rupture 90 s → repair 150 s,
    a pause from 165 s to the end at 180 s."""
    store = Store.memory()
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    ids = {}
    ids["ventral"] = rec.client("ventral").event.id
    clock.advance(60)
    ids["symp"] = rec.client("sympathetic").event.id
    clock.advance(30)
    ids["rupture"] = rec.rupture("withdrawal").event.id
    clock.advance(60)
    ids["repair"] = rec.repair(["clarify"]).event.id
    clock.advance(15)
    rec.pause()
    clock.advance(15)
    rec.end()
    return store, rec.session.id, ids


def test_move_changes_the_fold_and_keeps_the_original_row(ended):
    store, sid, ids = ended
    state = corrections.move(store, sid, ids["symp"], 30_000)
    assert [(i.state, i.start_ms, i.end_ms) for i in state.lanes["client"]] == [
        ("ventral", 0, 30_000),
        ("sympathetic", 30_000, 180_000),
    ]
    rows = store.events(sid)
    original = next(e for e in rows if e.id == ids["symp"])
    assert original.offset_ms == 60_000, "the tap as recorded must stay in the log"
    assert fold(rows).lanes["client"][0].end_ms == 30_000
    assert corrections.edited_ids(rows) == {ids["symp"]}
    assert store.audit_log(sid)[-1]["action"] == "edit"


def test_retag_rupture_type_and_strategies(ended):
    store, sid, ids = ended
    corrections.retag(store, sid, ids["rupture"], value="confrontation", tags=["rejects_intervention"])
    state = corrections.retag(store, sid, ids["repair"], tags=["acknowledge", "clarify"])
    ep = state.episodes[0]
    assert ep.rupture_type == "confrontation"
    assert ep.markers == ["rejects_intervention"]
    assert ep.strategies == ["acknowledge", "clarify"]


def test_repair_can_become_an_attempt_leaving_the_rupture_unrepaired(ended):
    store, sid, ids = ended
    state = corrections.retag(store, sid, ids["repair"], kind=Kind.REPAIR_ATTEMPT)
    ep = state.episodes[0]
    assert ep.attempts == [150_000]
    assert ep.unrepaired and ep.end_ms == 180_000


def test_remove_takes_the_tap_out_of_the_session_only(ended):
    store, sid, ids = ended
    before = len(store.events(sid))
    state = corrections.remove(store, sid, ids["ventral"])
    assert [i.state for i in state.lanes["client"]] == ["sympathetic"]
    assert len(store.events(sid)) == before + 1


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s, sid, ids: corrections.move(s, sid, ids["repair"], 10_000), "consistent"),
        (lambda s, sid, ids: corrections.move(s, sid, ids["symp"], 999_000), "between"),
        (lambda s, sid, ids: corrections.retag(s, sid, ids["symp"], value="elated"), "not a state"),
        (lambda s, sid, ids: corrections.retag(s, sid, ids["rupture"], tags=["nope"]), "marker"),
        (lambda s, sid, ids: corrections.retag(s, sid, ids["symp"], kind=Kind.NOTE), "cannot become"),
        (lambda s, sid, ids: corrections.remove(s, sid, 9999), "no tap"),
        (lambda s, sid, ids: corrections.move(s, sid, ids["symp"], 170_000), "pause"),
        (lambda s, sid, ids: corrections.correct(s, sid, ids["symp"], text="hm"), "Only a note"),
        (lambda s, sid, ids: corrections.correct(s, sid, ids["repair"], kind=Kind.REPAIR_ATTEMPT,
                                                 offset_ms=10_000), "consistent"),
    ],
)
def test_impossible_corrections_are_refused_and_write_nothing(ended, change, message):
    store, sid, ids = ended
    before = store.events(sid)
    with pytest.raises(TapRefused, match=message):
        change(store, sid, ids)
    assert store.events(sid) == before
    assert store.audit_log(sid) == []


def test_a_live_session_is_corrected_with_undo_not_edits():
    store = Store.memory()
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    tap = rec.client("ventral").event
    with pytest.raises(TapRefused, match="Undo"):
        corrections.move(store, rec.session.id, tap.id, 0)


def test_one_correction_changes_time_kind_and_tags_in_one_edit(ended):
    """All of a correction is one row: there is no moment when only part of it is written."""
    store, sid, ids = ended
    before = len(store.events(sid))
    state = corrections.correct(store, sid, ids["repair"], offset_ms=140_000,
                                kind=Kind.REPAIR_ATTEMPT, tags=["acknowledge"])
    (edit,) = store.events(sid)[before:]
    assert edit.changes == {"offset_ms": 140_000, "kind": "repair_attempt",
                            "tags": ["acknowledge"]}
    assert state.episodes[0].attempts == [140_000] and state.episodes[0].unrepaired
    assert [a["action"] for a in store.audit_log(sid)] == ["edit"]


def test_a_notes_text_is_corrected_by_the_note_rule():
    store, clock = Store.memory(), FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    note = rec.note("note", "first words").event
    clock.advance(10)
    rec.end()
    sid = rec.session.id
    with pytest.raises(TapRefused, match="control character U\\+0000"):
        corrections.correct(store, sid, note.id, text="nul\x00")
    with pytest.raises(TapRefused, match="at most 500 characters"):
        corrections.correct(store, sid, note.id, text="x" * 501)
    state = corrections.correct(store, sid, note.id, text="  better words \r\n")
    assert state.notes[0].text == "better words"
    assert corrections.correct(store, sid, note.id, text="").notes[0].text is None


def test_a_tap_of_an_interrupted_session_cannot_be_moved_past_where_it_stopped():
    """Resuming carries on from the last moment the session reached; a tap moved beyond it
    would lie in the resumed session's future (and the next pause or tap would break)."""
    store, clock = Store.memory(), FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    clock.advance(5)
    tap = rec.client("ventral").event
    clock.advance(5)
    rec.client("dorsal")
    store.set_status(rec.session.id, "interrupted")
    with pytest.raises(TapRefused, match="between the session's start and its end"):
        corrections.move(store, rec.session.id, tap.id, 20_000)
    corrections.move(store, rec.session.id, tap.id, 10_000)
    clock.advance(60)
    resumed = Recorder.resume_interrupted(store, rec.session.id, clock)
    resumed.pause()
    assert resumed.undo().undone.value == "dorsal"
    assert [i.state for i in resumed.state.lanes["client"]] == ["ventral"]
