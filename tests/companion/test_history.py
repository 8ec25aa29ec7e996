"""The history list and a client's trends: right figures, filters, and a cache that is never
trusted once the log has moved on."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest

from attune_companion import corrections
from attune_companion.clock import FakeClock
from attune_companion.events import Kind
from attune_companion.fold import fold
from attune_companion.history import (
    digest_connection, history, recompute_digests, stale_sessions, trends, with_figures,
)
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.schema import SCHEMA_VERSION
from attune_companion.store import Store
from attune_companion.summary import summarise

SCHEME = default_scheme()


def record(store: Store, code: str, wall: datetime, *, repaired: bool = True,
           end: bool = True) -> int:
    """ventral 0–60 s, then sympathetic; rupture at 60 s, repaired at 90 s (or left open);
    self ventral throughout; 120 s long."""
    clock = FakeClock(wall=wall)
    rec = Recorder.start(store, SCHEME, clock, code)
    rec.client("ventral")
    rec.self_state("ventral")
    clock.advance(60)
    rec.client("sympathetic")
    rec.rupture("withdrawal")
    clock.advance(30)
    if repaired:
        rec.repair(["clarify"])
    clock.advance(30)
    if end:
        rec.end()
    return rec.session.id


@pytest.fixture
def store(fresh_store: Store) -> Store:
    return fresh_store


def test_each_session_is_listed_newest_first_with_its_figures(store):
    first = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
    second = record(store, "B-02", datetime(2026, 3, 2, 9, tzinfo=UTC), repaired=False)
    live = record(store, "K-07", datetime(2026, 3, 3, 9, tzinfo=UTC), end=False)
    rows = history(store)
    assert [r.session_id for r in rows] == [live, second, first]
    by_id = {r.session_id: r for r in rows}
    assert (by_id[first].duration_ms, by_id[first].ruptures, by_id[first].repaired,
            by_id[first].unrepaired, by_id[first].status) == (120_000, 1, 1, 0, "ended")
    assert (by_id[second].repaired, by_id[second].unrepaired) == (0, 1)
    assert by_id[live].status == "live" and by_id[live].duration_ms == 90_000
    assert not any(r.edited or r.imported or r.problem for r in rows)


def test_filter_by_client_code_and_by_local_date(store):
    # 23:30 UTC on 1 March is already 2 March in Berlin (the zone the recorder stamps).
    late = record(store, "K-07", datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    other = record(store, "B-02", datetime(2026, 3, 5, 9, tzinfo=UTC))
    store.db.execute("UPDATE sessions SET time_zone = 'Europe/Berlin'")
    assert [r.session_id for r in history(store, client=" k-07 ")] == [late]
    assert [r.session_id for r in history(store, since=date(2026, 3, 2),
                                          until=date(2026, 3, 2))] == [late]
    assert [r.session_id for r in history(store, since=date(2026, 3, 3))] == [other]
    assert history(store, until=date(2026, 3, 1)) == []
    row = history(store, client="K-07")[0]
    assert (row.started.date(), row.started.hour) == (date(2026, 3, 2), 0)


def test_a_correction_makes_the_cached_figures_stale_and_they_are_recomputed(store):
    sid = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
    assert history(store)[0].repaired == 1
    repair = next(e for e in store.events(sid) if e.kind is Kind.REPAIR)
    corrections.retag(store, sid, repair.id, kind=Kind.REPAIR_ATTEMPT)
    row = history(store)[0]
    assert (row.repaired, row.unrepaired, row.edited) == (0, 1, True)


def test_the_cache_is_used_while_fresh_and_ignored_when_old(store, monkeypatch):
    sid = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
    history(store)
    newest = store.db.execute("SELECT last_event_id FROM session_digests").fetchone()[0]
    assert newest == store.events(sid)[-1].id

    def no_folding(*_args, **_kwargs):
        raise AssertionError("a fresh digest must not be recomputed")

    monkeypatch.setattr(store, "events", no_folding)
    assert history(store)[0].ruptures == 1
    monkeypatch.undo()

    store.db.execute("UPDATE session_digests SET last_event_id = ?, ruptures = 99", [newest - 1])
    assert history(store)[0].ruptures == 1, "a digest of an older log is recomputed"
    store.db.execute("UPDATE session_digests SET version = 0, ruptures = 99")
    assert history(store)[0].ruptures == 1, "a digest of an older version is recomputed"
    store.db.execute("DELETE FROM session_digests")
    assert history(store)[0].ruptures == 1, "the cache holds nothing that cannot be rebuilt"


def test_a_read_only_database_is_listed_without_saving_the_cache(tmp_path):
    path = tmp_path / "a.db"
    with Store.open(path) as writer:
        record(writer, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
        writer.db.execute("DELETE FROM session_digests")  # ending wrote one; rebuild it here
    reader = Store.open(path, readonly=True)
    try:
        assert history(reader)[0].ruptures == 1
        assert reader.db.execute("SELECT count(*) FROM session_digests").fetchone()[0] == 0
    finally:
        reader.close()


def test_a_session_whose_log_cannot_be_folded_is_listed_with_the_problem(store):
    good = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
    bad = store.create_session("K-07", number=None, modality=None,
                               started_utc="2026-03-02T09:00:00.000+00:00", time_zone="UTC",
                               scheme_json=SCHEME.to_json())
    store.append(bad.id, Kind.REPAIR, 1_000, "2026-03-02T09:00:01.000+00:00")
    rows = {r.session_id: r for r in history(store)}
    assert rows[good].ruptures == 1
    assert rows[bad.id].ruptures is None and "no rupture open" in rows[bad.id].problem


def test_trends_follow_a_clients_ended_sessions_in_date_order_with_ratings(store):
    later = record(store, "K-07", datetime(2026, 3, 8, 9, tzinfo=UTC), repaired=False)
    earlier = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
    record(store, "K-07", datetime(2026, 3, 9, 9, tzinfo=UTC), end=False)
    record(store, "B-02", datetime(2026, 3, 2, 9, tzinfo=UTC))
    store.set_rating(earlier, "alliance", 6)
    for name, value in [("srs_relationship", 9), ("srs_goals", 8), ("srs_approach", 7),
                        ("srs_overall", 10)]:
        store.set_rating(earlier, name, value)
    store.set_rating(later, "srs_goals", 5)

    points = trends(store, "k-07")
    assert [p.session_id for p in points] == [earlier, later], "ended sessions, oldest first"
    p = points[0]
    assert (p.ruptures, p.median_repair_ms, p.alliance, p.srs_total) == (1, 30_000, 6, 34)
    assert p.ventral_share_client == pytest.approx(0.5)
    assert p.ventral_share_self == pytest.approx(1.0)
    assert p.coregulation_share == pytest.approx(1.0)
    later_point = points[1]
    assert later_point.median_repair_ms is later_point.alliance is later_point.srs_total is None


def test_the_figures_come_from_the_summary(store):
    """History shows what the review's summary shows, not a second calculation."""
    sid = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
    s = summarise(fold(store.events(sid)), SCHEME)
    row = history(store)[0]
    assert (row.duration_ms, row.active_ms, row.ruptures) == (
        s.duration.total_ms, s.duration.active_ms, s.ruptures.count)


def test_uncached_sessions_list_as_pending_and_a_second_connection_fills_them(tmp_path):
    """After an upgrade every digest is stale: the window lists at once (pending rows) and a
    connection of its own, in another thread, works the figures out and saves them."""
    path = tmp_path / "attune.db"
    with Store.open(path) as store:
        ids = [record(store, code, datetime(2026, 3, d, 9, tzinfo=UTC))
               for d, code in ((1, "K-07"), (2, "M-12"), (3, "K-07"))]
        wanted = history(store)
        store.db.execute("DELETE FROM session_digests")  # as after raising DIGEST_VERSION

        listed = history(store, recompute=False)
        assert [r.session_id for r in listed] == ids[::-1]
        assert all(r.pending and r.ruptures is None for r in listed)
        assert store.db.execute("SELECT count(*) FROM session_digests").fetchone()[0] == 0
        assert stale_sessions(store) == {r.session_id: _newest(store, r.session_id)
                                         for r in listed}

        background = digest_connection(path)
        try:
            fresh = recompute_digests(background, stale_sessions(background))
        finally:
            background.close()
        assert [with_figures(r, fresh[r.session_id]) for r in listed] == wanted
        assert history(store, recompute=False) == wanted and stale_sessions(store) == {}


def _newest(store: Store, session_id: int) -> int:
    return store.db.execute("SELECT MAX(id) FROM events WHERE session_id = ?",
                            [session_id]).fetchone()[0]


def test_the_listing_reads_an_index_not_the_session_rows(store):
    """Each session row holds its scheme (a page of its own): a listing that read them would
    read every page of five years of sessions each time the history opens."""
    from attune_companion.history import _LISTING

    plan = " ".join(r[3] for r in store.db.execute(
        "EXPLAIN QUERY PLAN " + _LISTING + " ORDER BY s.started_utc DESC, s.id DESC"))
    assert "COVERING INDEX sessions_listing" in plan and "TEMP B-TREE" not in plan


def test_an_older_database_gets_its_figures_again_after_the_upgrade(tmp_path):
    """Version 6 kept each digest as a JSON text; the upgrade drops that cache and the figures
    are worked out afresh, the same as before."""
    path = tmp_path / "v6.db"
    with Store.open(path) as store:
        sid = record(store, "K-07", datetime(2026, 3, 1, 9, tzinfo=UTC))
        before = history(store)
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP INDEX sessions_listing; DROP INDEX imports_session; DROP TABLE session_digests;"
        "CREATE TABLE session_digests (session_id INTEGER PRIMARY KEY REFERENCES sessions(id),"
        " last_event_id INTEGER NOT NULL, figures TEXT NOT NULL);"
        f"INSERT INTO session_digests VALUES ({sid}, 1, '{{\"v\": 1, \"ruptures\": 7}}');"
        "DELETE FROM _sqlite_migrations WHERE name = 'm007_listing';"
        "PRAGMA user_version = 6;"
    )
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert stale_sessions(store) == {sid: store.events(sid)[-1].id}
        assert history(store) == before
        assert stale_sessions(store) == {}
