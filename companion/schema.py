"""The database schema, as an ordered list of migration steps (run by sqlite-utils `Migrations`).

Add a step by writing a function and appending it to STEPS; never edit a shipped step. The
schema version is the number of steps. sqlite-utils is imported only when a database needs a
step: an up-to-date database opens without it (it costs ~40 ms of start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attune_companion.research_views import m005_research_views

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x41544E45  # "ATNE": marks the file as Attune's


def m001_initial(db: Database) -> None:
    """Clients, sessions, the append-only event log, reflections, ratings and the audit log."""
    db.executescript(
        """
        CREATE TABLE clients (
            key TEXT PRIMARY KEY,          -- the code case-folded, for matching
            code TEXT NOT NULL,            -- the code as first typed (a pseudonym, never a name)
            created_utc TEXT NOT NULL
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            client_key TEXT NOT NULL REFERENCES clients(key),
            number INTEGER,
            modality TEXT,
            started_utc TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            ended_utc TEXT,
            status TEXT NOT NULL CHECK (status IN ('live', 'ended', 'interrupted')),
            scheme_json TEXT NOT NULL
        );
        CREATE INDEX sessions_client ON sessions(client_key, started_utc);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            kind TEXT NOT NULL,
            offset_ms INTEGER NOT NULL CHECK (offset_ms >= 0),
            wall_utc TEXT NOT NULL,
            value TEXT,
            tags TEXT,
            text TEXT,
            target INTEGER REFERENCES events(id),
            changes TEXT
        );
        CREATE INDEX events_session ON events(session_id, id);
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction instead'); END;
        CREATE TABLE reflections (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            prompt_id TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (session_id, prompt_id)
        );
        CREATE TABLE ratings (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            name TEXT NOT NULL,
            value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 10),
            updated_utc TEXT NOT NULL,
            PRIMARY KEY (session_id, name)
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at_utc TEXT NOT NULL,
            action TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions(id),
            detail TEXT NOT NULL
        );
        """
    )


def m002_supervision(db: Database) -> None:
    """Supervision: comments pinned to moments, a link to a local recording, imported bundles,
    and the history cache.

    `comments` is the supervisor's layer, kept apart from the clinician's events; its text is
    NULL only for a comment imported from a redacted bundle. `media_links` holds the path of a
    recording on this computer (the file itself is never copied in). `imports` remembers which
    bundles were imported, so one is not imported twice. `session_digests` is a cache, not
    data: figures derived from a session's log, valid only while `last_event_id` equals the
    session's newest event id (attune_companion.history checks this on every read and recomputes).
    """
    db.executescript(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            start_ms INTEGER NOT NULL CHECK (start_ms >= 0),
            end_ms INTEGER CHECK (end_ms IS NULL OR end_ms >= start_ms),
            author TEXT NOT NULL,
            text TEXT,
            created_utc TEXT NOT NULL
        );
        CREATE INDEX comments_session ON comments(session_id, start_ms);
        CREATE TABLE media_links (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            path TEXT NOT NULL,
            offset_ms INTEGER NOT NULL
        );
        CREATE TABLE imports (
            bundle_id TEXT PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            imported_utc TEXT NOT NULL
        );
        CREATE TABLE session_digests (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            last_event_id INTEGER NOT NULL,
            figures TEXT NOT NULL
        );
        """
    )


def m003_checksums(db: Database) -> None:
    """A checksum on every event, session and client row (see attune_companion.integrity), computed
    here for the rows written before. The events' append-only trigger is lifted for this one
    update and put back as it was."""
    conn = db.conn
    conn.execute("DROP TRIGGER events_append_only_update")
    _add_checksums(conn, ("events", "sessions", "clients"))
    conn.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events\n"
        "        BEGIN SELECT RAISE(ABORT, 'events are append-only: record a correction "
        "instead'); END"
    )


def _add_checksums(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """A checksum column on each of `tables`, filled in for the rows they hold."""
    from attune_companion.integrity import CHECKED_COLUMNS, raw_rows, row_checksum

    for table in tables:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN checksum TEXT")
        rows = raw_rows(conn, f"SELECT rowid, {', '.join(CHECKED_COLUMNS[table])} FROM {table}")
        conn.executemany(
            f"UPDATE {table} SET checksum = ? WHERE rowid = ?",
            [(row_checksum(table, values), rowid) for rowid, *values in rows],
        )



def m004_coder_layers(db: Database) -> None:
    """Coder layers: a session coded again in playback by a supervisor, an observer or the
    clinician later, each its own append-only log beside (never inside) the clinician's events.

    `coder_layers` names a layer (`coder`, unique within its session) and gives it a `uid`
    that stays the same in every database the layer travels to in a bundle, so importing it
    again adds only what is new. `imported` marks a layer that came from a bundle: it is read
    here, never coded into (its coder keeps coding in their own copy). `session_uids` gives a
    session a stable id the first time it is shared, kept by the copy a bundle makes, so a
    bundle coming back can find the session it was made from. `layer_events` has the columns
    and rules of `events` (undo and edit rows, append-only).
    """
    db.executescript(
        """
        CREATE TABLE session_uids (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            uid TEXT NOT NULL UNIQUE
        );
        CREATE TABLE coder_layers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            coder TEXT NOT NULL,
            uid TEXT NOT NULL UNIQUE,
            imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1)),
            created_utc TEXT NOT NULL,
            UNIQUE (session_id, coder)
        );
        CREATE TABLE layer_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            layer_id INTEGER NOT NULL REFERENCES coder_layers(id),
            kind TEXT NOT NULL,
            offset_ms INTEGER NOT NULL CHECK (offset_ms >= 0),
            wall_utc TEXT NOT NULL,
            value TEXT,
            tags TEXT,
            text TEXT,
            target INTEGER REFERENCES layer_events(id),
            changes TEXT
        );
        CREATE INDEX layer_events_layer ON layer_events(layer_id, id);
        CREATE TRIGGER layer_events_append_only_update BEFORE UPDATE ON layer_events
        BEGIN SELECT RAISE(ABORT, 'coder layers are append-only: record an undo instead'); END;
        CREATE TRIGGER layer_events_append_only_delete BEFORE DELETE ON layer_events
        BEGIN SELECT RAISE(ABORT, 'coder layers are append-only: record an undo instead'); END;
        """
    )


def m006_layer_checksums(db: Database) -> None:
    """A checksum on every coder layer and coder-layer row, as events carry since m003, so
    `verify` finds a supervisor's coding damaged or changed outside Attune as it finds the
    clinician's. The layers' append-only trigger is lifted for this one update and put back
    as m004 made it."""
    conn = db.conn
    conn.execute("DROP TRIGGER layer_events_append_only_update")
    _add_checksums(conn, ("coder_layers", "layer_events"))
    conn.execute(
        "CREATE TRIGGER layer_events_append_only_update BEFORE UPDATE ON layer_events\n"
        "        BEGIN SELECT RAISE(ABORT, 'coder layers are append-only: record an undo "
        "instead'); END"
    )


def m007_listing(db: Database) -> None:
    """The history lists five years of sessions in a blink: its figures as columns (decoding
    a JSON text per session was a fifth of a listing), an index that holds every column the
    listing reads in its order (the session rows themselves each fill a page with their
    scheme), and the imports found by session. The digests are a cache, so the old table
    goes whole and its figures are worked out again in the background, as after any upgrade
    that raises attune_companion.history.DIGEST_VERSION."""
    db.executescript(
        """
        DROP TABLE session_digests;
        CREATE TABLE session_digests (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            last_event_id INTEGER NOT NULL,
            version INTEGER NOT NULL,
            total_ms INTEGER,
            active_ms INTEGER,
            ruptures INTEGER,
            repaired INTEGER,
            unrepaired INTEGER,
            edited INTEGER NOT NULL,
            problem TEXT,
            median_repair_ms INTEGER,
            ventral_client REAL,
            ventral_self REAL,
            coregulation REAL
        );
        CREATE INDEX sessions_listing
            ON sessions(started_utc, id, client_key, number, time_zone, status);
        CREATE INDEX imports_session ON imports(session_id);
        """
    )


STEPS: tuple[Callable[[Database], None], ...] = (
    m001_initial, m002_supervision, m003_checksums, m004_coder_layers, m005_research_views,
    m006_layer_checksums, m007_listing,
)
SCHEMA_VERSION = len(STEPS)


def migrations() -> Migrations:
    """The steps as a sqlite-utils migration set, which records what each database has had."""
    from attune_companion.lean_sqlite_utils import migrations_class

    migration_set = migrations_class()("attune")
    for step in STEPS:
        migration_set()(step)
    return migration_set
