"""A session's history digest is written when the session changes (end, close after a crash,
correction, import), so the history list only reads; and writing that cache can never cost
the change it follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune_companion import corrections, history as history_module
from attune_companion.bundle import import_bundle, write_bundle
from attune_companion.clock import FakeClock
from attune_companion.events import Kind
from attune_companion.history import history
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store


def digest_event_id(store: Store, session_id: int) -> int | None:
    row = store.db.execute(
        "SELECT last_event_id FROM session_digests WHERE session_id = ?", [session_id]
    ).fetchone()
    return None if row is None else row[0]


def newest_event_id(store: Store, session_id: int) -> int:
    return store.events(session_id)[-1].id


def listing_must_not_fold(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_folding(*_args, **_kwargs):
        raise AssertionError("the listing recomputed a digest that should have been fresh")

    monkeypatch.setattr(history_module, "_digest", no_folding)


def a_session(store: Store, scheme: Scheme, clock: FakeClock) -> Recorder:
    rec = Recorder.start(store, scheme, clock, "K-07")
    rec.client("ventral")
    clock.advance(30)
    rec.rupture("withdrawal")
    clock.advance(20)
    rec.repair()
    clock.advance(10)
    return rec


def test_ending_a_session_writes_its_digest_so_the_listing_only_reads(
    fresh_store, scheme, clock, monkeypatch
):
    rec = a_session(fresh_store, scheme, clock)
    assert digest_event_id(fresh_store, rec.session.id) is None, "no digest work on a tap"
    rec.end()
    assert digest_event_id(fresh_store, rec.session.id) == newest_event_id(
        fresh_store, rec.session.id)

    listing_must_not_fold(monkeypatch)
    [row] = history(fresh_store)
    assert (row.duration_ms, row.ruptures, row.repaired) == (60_000, 1, 1)


def test_closing_an_interrupted_session_writes_its_digest(fresh_store, scheme, clock):
    rec = a_session(fresh_store, scheme, clock)
    fresh_store.set_status(rec.session.id, "interrupted")
    Recorder.close_interrupted(fresh_store, rec.session.id)
    assert digest_event_id(fresh_store, rec.session.id) == newest_event_id(
        fresh_store, rec.session.id)


def test_a_correction_refreshes_the_digest(fresh_store, scheme, clock, monkeypatch):
    rec = a_session(fresh_store, scheme, clock)
    rec.end()
    repair = next(e for e in fresh_store.events(rec.session.id) if e.kind is Kind.REPAIR)
    corrections.retag(fresh_store, rec.session.id, repair.id, kind=Kind.REPAIR_ATTEMPT)

    listing_must_not_fold(monkeypatch)
    [row] = history(fresh_store)
    assert (row.repaired, row.unrepaired, row.edited) == (0, 1, True)


def test_an_imported_session_arrives_with_its_digest(fresh_store, scheme, clock, tmp_path: Path,
                                                     monkeypatch):
    rec = a_session(fresh_store, scheme, clock)
    rec.end()
    bundle = tmp_path / "session.attune"
    write_bundle(fresh_store, rec.session.id, bundle)
    other = Store.memory()
    try:
        imported = import_bundle(other, bundle)
        listing_must_not_fold(monkeypatch)
        [row] = history(other)
        assert (row.session_id, row.imported, row.ruptures) == (imported, True, 1)
    finally:
        other.close()


def test_a_digest_that_cannot_be_written_never_loses_the_end(fresh_store, scheme, clock,
                                                             monkeypatch):
    rec = a_session(fresh_store, scheme, clock)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the cache is broken")

    monkeypatch.setattr(history_module, "recompute_digests", broken)
    change = rec.end()

    assert change.event.kind is Kind.END and change.state.ended
    assert fresh_store.events(rec.session.id)[-1].kind is Kind.END
    assert fresh_store.session(rec.session.id).status == "ended"
    assert digest_event_id(fresh_store, rec.session.id) is None
    monkeypatch.undo()
    assert history(fresh_store)[0].ruptures == 1, "the listing rebuilds what was not cached"
