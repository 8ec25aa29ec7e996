"""Supervisor comments are a layer of their own, pinned inside the session; the recording link
is only a path; the m002 migration brings an older database up to date."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from attune_companion.clock import FakeClock
from attune_companion.comments import (
    CommentError,
    add_comment,
    clear_media_link,
    comments,
    delete_comment,
    edit_comment,
    media_link,
    set_media_link,
)
from attune_companion.errors import NotFound
from attune_companion.fold import fold
from attune_companion.recorder import Recorder
from attune_companion.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

SECRET = "a private remark 4471"


@pytest.fixture
def ended(fresh_store: Store, clock: FakeClock) -> int:
    """A 100-second ended session."""
    rec = Recorder.start(fresh_store, default_scheme(), clock, "K-07")
    rec.client("ventral")
    clock.advance(40)
    rec.rupture()
    clock.advance(60)
    rec.end()
    return rec.session.id


def test_comments_are_listed_in_timeline_order_and_never_touch_the_events(fresh_store, ended):
    log = fresh_store.events(ended)
    span = add_comment(fresh_store, ended, 40_000, "Watch the rupture build",
                       author="supervisor", end_ms=100_000)
    moment = add_comment(fresh_store, ended, 5_000, "  Nice opening  ", author=" Dr   Ames ")
    assert [c.id for c in comments(fresh_store, ended)] == [moment.id, span.id]
    assert (moment.text, moment.author, moment.is_span) == ("Nice opening", "Dr Ames", False)
    assert (span.start_ms, span.end_ms, span.is_span) == (40_000, 100_000, True)
    assert fresh_store.events(ended) == log
    assert fold(fresh_store.events(ended)) == fold(log)


@pytest.mark.parametrize(
    "start, end, text, author, message",
    [
        (100_001, None, "x", "supervisor", "inside the session"),
        (-1, None, "x", "supervisor", "inside the session"),
        (50_000, 40_000, "x", "supervisor", "span"),
        (50_000, 100_001, "x", "supervisor", "span"),
        (0, None, "   ", "supervisor", "needs some text"),
        (0, None, "x" * 2001, "supervisor", "at most 2,000"),
        (0, None, "x", "", "author"),
        (0, None, "x", "y" * 41, "at most 40"),
    ],
)
def test_a_bad_comment_is_refused_and_nothing_is_written(
    fresh_store, ended, start, end, text, author, message
):
    audit = fresh_store.audit_log(ended)
    with pytest.raises(CommentError, match=message):
        add_comment(fresh_store, ended, start, text, author=author, end_ms=end)
    assert comments(fresh_store, ended) == []
    assert fresh_store.audit_log(ended) == audit


def test_no_comments_on_a_live_session(recorder):
    recorder.client("ventral")
    with pytest.raises(CommentError, match="after the session"):
        add_comment(recorder.store, recorder.session.id, 0, "too early")


def test_edit_and_delete_are_audited_without_the_text(fresh_store, ended):
    c = add_comment(fresh_store, ended, 1_000, "first thought")
    assert edit_comment(fresh_store, c.id, SECRET).text == SECRET
    delete_comment(fresh_store, c.id)
    assert comments(fresh_store, ended) == []
    actions = [(a["action"], a["detail"]) for a in fresh_store.audit_log(ended)]
    assert actions[-3:] == [("comment_add", {"comment": c.id}),
                            ("comment_edit", {"comment": c.id}),
                            ("comment_delete", {"comment": c.id})]
    assert SECRET not in str(fresh_store.audit_log())
    with pytest.raises(NotFound):
        delete_comment(fresh_store, c.id)


def test_a_recording_link_is_set_replaced_and_cleared(fresh_store, ended, tmp_path):
    assert media_link(fresh_store, ended) is None
    set_media_link(fresh_store, ended, tmp_path / "a.mp4", 1_500)
    link = set_media_link(fresh_store, ended, tmp_path / "b.mp4", -2_000)
    assert media_link(fresh_store, ended) == link
    assert (link.path, link.offset_ms) == (str(tmp_path / "b.mp4"), -2_000)
    assert "b.mp4" not in str(fresh_store.audit_log(ended)), "paths stay out of the audit log"
    with pytest.raises(CommentError, match="offset"):
        set_media_link(fresh_store, ended, tmp_path / "c.mp4", 10**12)
    clear_media_link(fresh_store, ended)
    assert media_link(fresh_store, ended) is None


def test_a_version_1_database_is_migrated_with_its_sessions_kept(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db = Database(conn)
    migrations().apply(db, stop_before="m002_supervision")
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO clients VALUES ('k-07', 'K-07', '2026-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO sessions (client_key, started_utc, time_zone, status, scheme_json)"
               " VALUES ('k-07', '2026-01-01T00:00:00+00:00', 'UTC', 'ended', '{}')")
    conn.close()

    with Store.open(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = set(store.db.table_names())
        assert {"comments", "media_links", "imports", "session_digests", "coder_layers",
                "layer_events", "session_uids"} <= tables
        assert [s.client_code for s in store.sessions()] == ["K-07"]


@pytest.mark.parametrize("start, end", [(None, None), ("5", None), (True, None), (0, 1.5)])
def test_a_time_that_is_not_whole_milliseconds_is_refused(fresh_store, ended, start, end):
    with pytest.raises(CommentError, match="whole number"):
        add_comment(fresh_store, ended, start, "x", end_ms=end)
