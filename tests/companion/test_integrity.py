"""Damage inside a record is found and named: every event, session and client row carries a
checksum that `verify` recomputes from the bytes on disk; reading a damaged row raises a
typed DamagedRecord naming it (never a decode traceback quoting clinical text); and schema
objects Attune did not create (a trigger or view planted in the file) are listed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from attune_companion import corrections
from attune_companion.cli import main
from attune_companion.comments import add_comment, comments
from attune_companion.clock import FakeClock
from attune_companion.errors import DamagedRecord
from attune_companion.events import Kind
from attune_companion.history import history
from attune_companion.integrity import CHECKED_COLUMNS, row_checksum
from attune_companion.layers import CursorClock, LayerRecorder, coder_log
from attune_companion.recorder import Recorder
from attune_companion.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

NOTE = "the client spoke of her sister"
APPEND_ONLY = ("CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events\n"
               "        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction "
               "instead'); END")


def record(path: Path, code: str = "K-07", note: str = NOTE) -> int:
    """One ended session with every kind of field filled: tags, a note, an undo, an edit."""
    clock = FakeClock()
    with Store.open(path) as store:
        rec = Recorder.start(store, default_scheme(), clock, code, number=3,
                             modality="telehealth")
        rec.client("ventral")
        clock.advance(5)
        rec.rupture("withdrawal", ["minimal_response"])
        clock.advance(5)
        rec.repair(["clarify"])
        rec.note("note", note)
        rec.self_state("dorsal")
        rec.undo()
        clock.advance(5)
        rec.end()
        corrections.retag(store, rec.session.id, rec.events[2].id, kind=Kind.REPAIR_ATTEMPT)
        return rec.session.id


def flip(path: Path, marker: bytes, length: int = 16) -> None:
    """Invert `length` bytes of the database file where `marker` first occurs."""
    data = bytearray(path.read_bytes())
    at = data.find(marker)
    assert at >= 0, marker
    for i in range(at, at + length):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def tamper(path: Path, sql: str, params: list[object]) -> None:
    """Change a row the way another program would, append-only trigger lifted and put back."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER events_append_only_update")
    conn.execute(sql, params)
    conn.execute(APPEND_ONLY)
    conn.commit()
    conn.close()


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "attune.db"


def test_every_row_attune_writes_carries_a_checksum_verify_accepts(db: Path) -> None:
    session_id = record(db)
    record(db, code="K-08")
    with Store.open(db) as store:
        assert store.verify() == []
        unchecked = store.conn.execute(
            "SELECT (SELECT count(*) FROM events WHERE checksum IS NULL)"
            " + (SELECT count(*) FROM sessions WHERE checksum IS NULL)"
            " + (SELECT count(*) FROM clients WHERE checksum IS NULL)").fetchone()[0]
        assert unchecked == 0
        assert store.session(session_id).status == "ended"  # re-signed at each status change


def test_sixteen_bytes_flipped_in_a_session_row_are_named_not_a_traceback(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(db)
    flip(db, b'"states"')
    with Store.open(db, readonly=True) as store:
        with pytest.raises(DamagedRecord) as damaged:
            store.sessions()
    assert damaged.value.sessions == (1,) and damaged.value.path == db
    assert damaged.value.table == "sessions" and damaged.value.rows == (1,)
    assert "Session 1" in str(damaged.value) and "restore a backup" in str(damaged.value)

    code, out, err = run(capsys, db, "sessions")
    assert code == 1 and err.count("\n") == 1 and "damaged" in err
    assert "Traceback" not in err and "states" not in err
    code, out, err = run(capsys, db, "verify")
    assert code == 1
    assert "session 1: session record 1 cannot be read (damaged)" in err


def test_a_damaged_note_raises_a_typed_error_that_never_quotes_the_note(db: Path) -> None:
    session_id = record(db)
    flip(db, NOTE.encode()[:12], length=4)  # the rest of the note stays readable text
    with Store.open(db, readonly=True) as store:
        with pytest.raises(DamagedRecord) as damaged:
            store.events(session_id)
        assert damaged.value.sessions == (session_id,) and len(damaged.value.rows) == 1
        assert "sister" not in str(damaged.value)
        [problem] = store.verify()
    assert problem.startswith(f"session {session_id}: event {damaged.value.rows[0]} ")


def test_a_row_changed_outside_attune_fails_its_checksum(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = record(db)
    tamper(db, "UPDATE events SET value = 'dorsal' WHERE id = 1", [])
    with Store.open(db, readonly=True) as store:
        assert store.events(session_id)[0].value == "dorsal"  # it reads, but is not ours
    code, _, err = run(capsys, db, "verify")
    assert (code, err) == (1, f"session {session_id}: event 1 does not match its checksum "
                              "(damaged, or changed outside Attune)\n")


def test_the_newest_taps_removed_are_reported(db: Path) -> None:
    session_id = record(db)
    with Store.open(db, readonly=True) as store:
        last = store.events(session_id)[-1].id
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER events_append_only_delete")
    conn.execute("DELETE FROM events WHERE id = ?", [last])
    conn.execute("CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events\n"
                 "        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a "
                 "correction instead'); END")
    conn.commit()
    conn.close()
    with Store.open(db, readonly=True) as store:
        assert store.verify() == [f"events {last} to {last} are missing (the newest taps were "
                                  "removed)"]


def test_schema_objects_attune_did_not_create_are_listed(db: Path) -> None:
    record(db)
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE copied (text TEXT);"
        "CREATE TRIGGER leak AFTER INSERT ON events BEGIN"
        " INSERT INTO copied VALUES (new.text); END;"
        "CREATE VIEW notes AS SELECT text FROM events;"
        "DROP TRIGGER events_append_only_delete;"
    )
    conn.close()
    with Store.open(db, readonly=True) as store:
        assert store.verify() == [
            "a table 'copied' that Attune did not create is in the database",
            "a trigger 'leak' that Attune did not create is in the database",
            "a view 'notes' that Attune did not create is in the database",
            "Attune's trigger 'events_append_only_delete' is missing",
        ]


def test_a_version_2_database_gets_checksums_for_the_rows_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations().apply(Database(conn), stop_before="m003_checksums")
    conn.execute("PRAGMA user_version = 2")
    conn.executescript(
        "INSERT INTO clients VALUES ('k-07', 'K-07', '2026-01-01T00:00:00+00:00');"
        "INSERT INTO sessions (client_key, started_utc, time_zone, status, scheme_json)"
        " VALUES ('k-07', '2026-01-01T00:00:00+00:00', 'UTC', 'ended', '{}');"
        "INSERT INTO events (session_id, kind, offset_ms, wall_utc, value, tags, text)"
        " VALUES (1, 'note', 5, '2026-01-01T00:00:05+00:00', 'note', '[\"a\"]', 'ça va');"
    )
    conn.commit()
    conn.close()

    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.verify() == []
        [event] = store.events(1)
        stored = store.conn.execute("SELECT checksum FROM events").fetchone()[0]
        values = store.conn.execute(
            f"SELECT {', '.join(CHECKED_COLUMNS['events'])} FROM events").fetchone()
        assert stored == row_checksum("events", values)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("UPDATE events SET text = 'x'")


# -- the same mistake elsewhere: supervision comments and the history cache ------------------


def test_a_damaged_comment_is_a_typed_error_and_the_cli_never_quotes_it(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = record(db)
    with Store.open(db) as store:
        add_comment(store, session_id, 1000, "she looked away when the sister came up")
    flip(db, b"she looked away", length=4)
    with Store.open(db, readonly=True) as store:
        with pytest.raises(DamagedRecord) as damaged:
            comments(store, session_id)
    assert damaged.value.sessions == (session_id,) and "looked" not in str(damaged.value)
    code, _, err = run(capsys, db, "bundle", str(session_id), "-o", str(db.parent / "b.attune"))
    assert code == 1 and err.count("\n") == 1 and "damaged" in err and "looked" not in err


def test_a_damaged_history_digest_is_recomputed_not_a_crash(db: Path) -> None:
    session_id = record(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE session_digests SET version = 'x{', ruptures = 'x{' WHERE session_id = ?",
                 [session_id])
    conn.commit()
    conn.close()
    with Store.open(db) as store:
        [row] = history(store)
        assert row.session_id == session_id and row.ruptures == 1


# -- coder layers: a supervisor's coding is checked as the clinician's is --------------------

LAYER_APPEND_ONLY = (
    "CREATE TRIGGER layer_events_append_only_update BEFORE UPDATE ON layer_events\n"
    "        BEGIN SELECT RAISE(ABORT, 'coder layers are append-only: record an undo "
    "instead'); END")


def coded(path: Path, note: str = NOTE) -> int:
    """A recorded session coded again by a supervisor (a state, a note); returns the layer id."""
    session_id = record(path)
    with Store.open(path) as store:
        cursor = CursorClock(lambda: 5_000, FakeClock())
        rec = LayerRecorder.open(store, session_id, "supervisor", cursor)
        rec.client("sympathetic")
        rec.note("note", note)
        return rec.layer.id


def test_every_coder_layer_row_carries_a_checksum_verify_accepts(db: Path) -> None:
    coded(db)
    with Store.open(db) as store:
        assert store.verify() == []
        assert store.conn.execute(
            "SELECT (SELECT count(*) FROM layer_events WHERE checksum IS NULL)"
            " + (SELECT count(*) FROM coder_layers WHERE checksum IS NULL)").fetchone()[0] == 0


def test_a_coder_layer_changed_outside_attune_fails_its_checksum(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layer_id = coded(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER layer_events_append_only_update")
    conn.execute("UPDATE layer_events SET value = 'dorsal' WHERE kind = 'client_state'")
    conn.execute(LAYER_APPEND_ONLY)
    conn.execute("UPDATE coder_layers SET coder = 'someone else'")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, db, "verify")
    assert code == 1
    assert err.splitlines() == [
        "session 1: coder layer record 1 does not match its checksum "
        "(damaged, or changed outside Attune)",
        "session 1: coder-layer event 1 does not match its checksum "
        "(damaged, or changed outside Attune)",
    ] and layer_id == 1


def test_a_damaged_coder_layer_note_is_a_typed_error_that_never_quotes_it(db: Path) -> None:
    coded(db, note="supervisor saw her sister's name")
    flip(db, b"supervisor saw", length=4)
    with Store.open(db, readonly=True) as store:
        with pytest.raises(DamagedRecord) as damaged:
            coder_log(store, 1, "supervisor")
    assert damaged.value.table == "layer_events" and damaged.value.rows == (2,)
    assert "sister" not in str(damaged.value)


def test_a_version_5_database_gets_checksums_for_its_coder_layers(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations().apply(Database(conn), stop_before="m006_layer_checksums")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    session_id = record(path)  # the store brings the file to the newest schema first...
    conn = sqlite3.connect(path)  # ...so the layer is written as an older Attune wrote it
    conn.executescript(
        "DROP TRIGGER layer_events_append_only_update;"
        "ALTER TABLE layer_events DROP COLUMN checksum;"
        "ALTER TABLE coder_layers DROP COLUMN checksum;"
        f"INSERT INTO coder_layers (session_id, coder, uid, imported, created_utc) VALUES"
        f" ({session_id}, 'supervisor', 'u1', 0, '2026-01-01T00:00:00+00:00');"
        "INSERT INTO layer_events (layer_id, kind, offset_ms, wall_utc, value)"
        " VALUES (1, 'client_state', 5, '2026-01-01T00:00:05+00:00', 'ventral');"
        f"{LAYER_APPEND_ONLY};"
        "PRAGMA user_version = 5;"
    )
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_layer_checksums'")
    conn.commit()
    conn.close()

    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.verify() == []
        stored = store.conn.execute("SELECT checksum FROM layer_events").fetchone()[0]
        values = store.conn.execute(
            f"SELECT {', '.join(CHECKED_COLUMNS['layer_events'])} FROM layer_events").fetchone()
        assert stored == row_checksum("layer_events", values)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("UPDATE layer_events SET value = 'x'")
