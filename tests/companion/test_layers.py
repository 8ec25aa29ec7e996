"""Coder layers: a session coded again in playback, with the cursor as the clock, in its own
append-only log that folds exactly like the live one and never touches the clinician's taps."""

from __future__ import annotations

import sqlite3

import pytest

from attune_companion.clock import FakeClock
from attune_companion.demo import make_demo_session
from attune_companion.errors import TapRefused
from attune_companion.fold import fold
from attune_companion.layers import (
    CLINICIAN, CursorClock, LayerError, LayerRecorder, coder_log, coder_state, coders,
    create_layer, layers,
)
from attune_companion.replay import Replay
from attune_companion.scheme import Scheme
from attune_companion.store import Store


class Cursor:
    """A playback cursor driven like the player drives it: play at a speed, seek."""

    def __init__(self) -> None:
        self.ms = 0

    def play(self, seconds_of_wall: float, speed: float) -> None:
        self.ms += round(seconds_of_wall * 1000 * speed)

    def seek(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def demo(fresh_store: Store, scheme: Scheme) -> int:
    return make_demo_session(fresh_store, scheme, seed=1)


def _open(store: Store, session_id: int, coder: str = "supervisor") -> tuple[LayerRecorder, Cursor]:
    cursor = Cursor()
    return LayerRecorder.open(store, session_id, coder, CursorClock(cursor, FakeClock())), cursor


def test_a_tap_lands_at_the_cursor_at_any_speed_and_after_a_seek(fresh_store, demo):
    rec, cursor = _open(fresh_store, demo)
    cursor.play(10, speed=1)
    rec.client("ventral")
    cursor.play(10, speed=8)  # 80 s of session in 10 s of watching
    rec.client("dorsal")
    cursor.seek(30 * 60_000)
    rec.rupture("withdrawal")
    cursor.seek(5 * 60_000)  # back, before the rupture: a state tap still lands here
    change = rec.self_state("sympathetic")
    assert change.rebuilt
    log = coder_log(fresh_store, demo, "supervisor")
    assert [e.offset_ms for e in log] == [10_000, 90_000, 1_800_000, 300_000]
    assert coder_state(fresh_store, demo, "supervisor").current("client") == "dorsal"


def test_a_layer_never_touches_the_clinicians_events(fresh_store, demo):
    before = fresh_store.events(demo)
    rec, cursor = _open(fresh_store, demo)
    cursor.seek(60_000)
    rec.client("dorsal")
    rec.undo()
    rec.note("glimmer", "a smile")
    assert fresh_store.events(demo) == before
    assert coders(fresh_store, demo) == [CLINICIAN, "supervisor"]
    assert coder_log(fresh_store, demo, CLINICIAN) == before


def test_a_layer_folds_with_the_one_fold_like_the_live_log(fresh_store, demo):
    """The same taps made live and made in a layer fold to the same state."""
    live = fold(fresh_store.events(demo))
    rec, cursor = _open(fresh_store, demo)
    replay = Replay(fresh_store.events(demo), rec.scheme)
    for e in replay.events:
        cursor.seek(e.offset_ms)
        if e.kind.value == "client_state":
            rec.client(str(e.value))
        elif e.kind.value == "self_state":
            rec.self_state(str(e.value))
        elif e.kind.value == "rupture":
            rec.rupture(e.value, e.tags)
        elif e.kind.value == "repair_attempt":
            rec.repair_attempt(e.tags)
        elif e.kind.value == "repair":
            rec.repair(e.tags)
    layer = coder_state(fresh_store, demo, "supervisor")
    assert layer.lanes["client"][-1].state == live.lanes["client"][-1].state
    assert [(i.state, i.start_ms) for i in layer.lanes["client"]] == [
        (i.state, i.start_ms) for i in live.lanes["client"]]
    assert [(ep.start_ms, ep.repair_ms, ep.rupture_type) for ep in layer.episodes] == [
        (ep.start_ms, ep.repair_ms, ep.rupture_type) for ep in live.episodes]


def test_the_recorders_rules_refuse_a_bad_tap_and_write_nothing(fresh_store, demo):
    rec, cursor = _open(fresh_store, demo)
    cursor.seek(1000)
    with pytest.raises(TapRefused, match="not a state"):
        rec.client("elated")
    with pytest.raises(TapRefused, match="nothing to repair"):
        rec.repair()
    with pytest.raises(TapRefused, match="at most"):
        rec.note("glimmer", "x" * 501)
    with pytest.raises(TapRefused):
        rec.pause()
    assert coder_log(fresh_store, demo, "supervisor") == []


def test_layer_rows_are_append_only(fresh_store, demo):
    rec, cursor = _open(fresh_store, demo)
    rec.client("ventral")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        fresh_store.conn.execute("UPDATE layer_events SET value = 'dorsal'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        fresh_store.conn.execute("DELETE FROM layer_events")


def test_labels_are_checked_and_unique_per_session(fresh_store, demo):
    create_layer(fresh_store, demo, "  observer   one ")
    assert [lay.coder for lay in layers(fresh_store, demo)] == ["observer one"]
    with pytest.raises(LayerError, match="already has"):
        create_layer(fresh_store, demo, "Observer One")
    with pytest.raises(LayerError, match="own record"):
        create_layer(fresh_store, demo, "Clinician")
    with pytest.raises(LayerError, match="needs a label"):
        create_layer(fresh_store, demo, "  ")


def test_an_imported_layer_is_not_coded_into(fresh_store, demo):
    create_layer(fresh_store, demo, "supervisor", imported=True)
    with pytest.raises(LayerError, match="came in a bundle"):
        _open(fresh_store, demo)


def test_a_live_session_gets_no_layer(fresh_store, recorder):
    with pytest.raises(LayerError, match="once it has ended"):
        create_layer(fresh_store, recorder.session.id, "supervisor")


def test_a_repair_coded_with_the_cursor_before_the_open_rupture_is_refused_and_not_written(
    fresh_store, demo
):
    rec, cursor = _open(fresh_store, demo)
    cursor.seek(10 * 60_000)
    rec.rupture("withdrawal")
    cursor.seek(5 * 60_000)  # back, before the rupture
    rows = len(coder_log(fresh_store, demo, "supervisor"))
    for tap in (lambda: rec.repair(["clarify"]), lambda: rec.repair_attempt(),
                lambda: rec.rupture("confrontation")):
        with pytest.raises(TapRefused, match="10:00"):
            tap()
    assert len(coder_log(fresh_store, demo, "supervisor")) == rows
    cursor.seek(12 * 60_000)
    rec.repair(["clarify"])
    (episode,) = coder_state(fresh_store, demo, "supervisor").episodes
    assert (episode.start_ms, episode.repair_ms) == (10 * 60_000, 12 * 60_000)
