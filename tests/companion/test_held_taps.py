"""When the database cannot take a tap (disk full, read-only, locked), the tap is held in
memory, reported as not saved, retried, and saved in order once the database recovers."""

from __future__ import annotations

import sqlite3

import pytest

from attune_companion.clock import FakeClock
from attune_companion.errors import TapHeld
from attune_companion.events import Kind
from attune_companion.fold import fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


@pytest.fixture
def live(tmp_path):
    store = Store.open(tmp_path / "a.db")
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    yield store, clock, rec
    store.close()


def fill_disk(store: Store) -> None:
    """Make SQLite report SQLITE_FULL on the next write, as a full disk does."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def free_disk(store: Store) -> None:
    store.db.execute("PRAGMA max_page_count = 1073741823")


def saved_kinds(store: Store, rec: Recorder) -> list[str]:
    return [e.kind.value for e in store.events(rec.session.id)]


def test_taps_on_a_full_disk_are_held_then_saved_in_order(live):
    store, clock, rec = live
    rec.client("ventral")
    fill_disk(store)
    saved_before_full = 1
    with pytest.raises(TapHeld, match="disk is full") as held:
        for _ in range(100):  # the last page still has room for a few notes
            rec.note("note", "x" * 450)
            saved_before_full += 1
    assert held.value.count == 1
    assert len(store.events(rec.session.id)) == saved_before_full
    clock.advance(5)
    with pytest.raises(TapHeld, match="holding 2 taps"):
        rec.rupture("withdrawal")
    clock.advance(5)
    with pytest.raises(TapHeld):
        rec.repair(["clarify"])  # checked against the held rupture, not refused
    assert saved_kinds(store, rec).count("rupture") == 0

    with pytest.raises(TapHeld):
        rec.flush_pending()  # still full
    free_disk(store)
    change = rec.flush_pending()
    assert change is not None and change.rebuilt
    assert saved_kinds(store, rec)[saved_before_full:] == ["note", "rupture", "repair"]
    assert rec.pending == []
    assert rec.state.episodes[0].repair_ms == 10_000
    assert fold(store.events(rec.session.id)).episodes == rec.state.episodes


def test_a_read_only_database_holds_taps_and_undo_of_a_held_tap_is_kept_in_order(live):
    store, clock, rec = live
    store.db.execute("PRAGMA query_only = ON")
    with pytest.raises(TapHeld, match="read-only"):
        rec.client("dorsal")
    with pytest.raises(TapHeld):
        rec.undo()
    store.db.execute("PRAGMA query_only = OFF")
    rec.flush_pending()
    events = store.events(rec.session.id)
    assert [e.kind for e in events] == [Kind.CLIENT, Kind.UNDO]
    assert events[1].target == events[0].id, "the undo must name the tap's real row id"
    assert rec.state.current("client") is None


def test_ending_while_held_marks_the_session_ended_once_saved(live):
    store, clock, rec = live
    rec.client("ventral")
    store.db.execute("PRAGMA query_only = ON")
    clock.advance(60)
    with pytest.raises(TapHeld):
        rec.end()
    assert store.session(rec.session.id).status == "live"
    store.db.execute("PRAGMA query_only = OFF")
    rec.flush_pending()
    assert store.session(rec.session.id).status == "ended"
    assert rec.state.ended_ms == 60_000


def test_flush_with_nothing_held_does_nothing(live):
    _, _, rec = live
    assert rec.flush_pending() is None


def test_a_database_locked_by_another_program_holds_taps_until_it_lets_go(live, tmp_path):
    store, clock, rec = live
    other = sqlite3.connect(store.path, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # e.g. a backup tool or a DB browser writing
    with pytest.raises(TapHeld, match="another program is using the database"):
        rec.client("ventral")
    other.rollback()
    other.close()
    rec.flush_pending()
    assert saved_kinds(store, rec) == ["client_state"]
