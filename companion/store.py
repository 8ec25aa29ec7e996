"""The durable store: one SQLite database, opened carefully, written one commit per event.

Opening checks the file before anything is written (a corrupt or foreign file is refused and
left untouched), takes a lock so a second running Attune is told so instead of interleaving
writes, applies schema migrations and refuses a database from a newer Attune. Events are
append-only: triggers in the database refuse UPDATE and DELETE on them. Events, sessions and
clients carry checksums (attune_companion.integrity); a row that does not read as written raises
DamagedRecord. Every write first checks that the file is still the one at the path
(attune_companion.dbfile): a folder deleted or moved mid-session is written anew, nothing lost.

The connection runs in SQLite's own autocommit mode (`isolation_level=None`): a statement
outside an explicit transaction is durable when `execute` returns. The store's own queries go
straight to it; `Store.db` wraps the same connection in sqlite-utils for the rest of the app,
created on first use so that opening a database and recording a session need not import
sqlite-utils (about 40 ms of start-up).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attune_companion import clients
from attune_companion.dbfile import (
    check_existing,
    check_version,
    connect,
    file_identity,
    recreate_at,
)
from attune_companion.errors import DamagedRecord, DatabaseLocked, NotFound, StoreError
from attune_companion.events import Event, Kind
from attune_companion.integrity import damaged_record, resigned, row_checksum
from attune_companion.integrity import verify as verify_database
from attune_companion.lean_sqlite_utils import database_class
from attune_companion.lockfile import LockFile, LockHeld
from attune_companion.naming import record_name
from attune_companion.paths import ensure_private_dir, file_kind_problem, lock_path, set_mode
from attune_companion.collector import collector_paused
from attune_companion.records import EVENT_COLUMNS, STATUSES, SessionRow, event_from_row
from attune_companion.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from attune_companion.text_rules import REFLECTION

if TYPE_CHECKING:
    from sqlite_utils import Database


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """An open Attune database. Use `Store.open`; close it (or use `with`) when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, lock: LockFile | None) -> None:
        self.conn = conn
        self.path = path
        self._lock = lock
        self._file = file_identity(path) if path is not None and lock is not None else None
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """sqlite-utils over this store's connection, without third-party sqlite-utils plugins:
        no code we did not ship runs on a connection to clinical data. Like the store's own
        writes, it first makes sure the file is still the one at the path (`recover`)."""
        self.recover()
        if self._db is None or self._db.conn is not self.conn:
            self._db = database_class()(self.conn, execute_plugins=False)
        return self._db

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False) -> Store:
        """Open (or create) the database at `path`.

        Raises CorruptDatabase, NewerDatabase or DatabaseLocked with a message for the user;
        in each case the file is left exactly as it was. A folder, device or pipe is refused
        before it is opened (a device would be taken for an empty file and written over).
        """
        path = Path(path)
        why = file_kind_problem(path)
        if why is not None:
            raise StoreError(f"{path} cannot be used as Attune's database: {why}.")
        if readonly:
            if not path.exists():
                raise NotFound(f"There is no Attune database at {path} yet.")
            conn = connect(f"file:{path}?mode=ro", uri=True, path=path)
            check_existing(conn, path)
            check_version(conn, path)
            return cls(conn, path, None)

        ensure_private_dir(path.parent)
        lock = LockFile(lock_path(path))
        try:
            lock.acquire()
        except LockHeld:
            raise DatabaseLocked(
                f"Attune is already running with {path}. Close the other window first "
                "(only one Attune may write to a database at a time)."
            ) from None
        try:
            created = not path.exists() or path.stat().st_size == 0
            if created:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            conn = connect(str(path), path=path)
            if not created:
                check_existing(conn, path)
                check_version(conn, path)
            set_mode(path, 0o600)
            store = cls(conn, path, lock)
            store._prepare(created)
            return store
        except BaseException:
            lock.release()
            raise

    @classmethod
    def memory(cls) -> Store:
        """An in-memory database with the full schema (for tests and previews)."""
        store = cls(sqlite3.connect(":memory:", isolation_level=None), None, None)
        store._prepare(True)
        return store

    def _prepare(self, created: bool) -> None:
        conn = self.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if created or version == 0:  # new, or a file that never got its schema
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self._pragmas()
        if version < SCHEMA_VERSION:
            migrations().apply(self.db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.checkpoint()  # the file alone carries its schema, not only the -wal
        for (live,) in conn.execute("SELECT id FROM sessions WHERE status = 'live'").fetchall():
            self.set_status(live, "interrupted")

    def _pragmas(self) -> None:
        if self.path is not None:
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it

    def moved(self) -> bool:
        """Whether the file at `path` is no longer the one open here: its folder was deleted
        or moved while Attune ran (see attune_companion.dbfile). A stat, a few microseconds."""
        if self._file is None or self.path is None:
            return False
        return file_identity(self.path) != self._file

    def recover(self) -> bool:
        """When the file has gone from its path (`moved`), write everything this connection
        can still read (the whole database) to a new file at the path and carry on there.
        True when it did. Every write calls this first; the recorder holds live taps instead
        (and tells the clinician) and recovers when it retries them.

        Raises StoreGone while it cannot (see `dbfile.recreate_at`); nothing is lost
        meanwhile: the old file stays open and readable.
        """
        if not self.moved():
            return False
        assert self.path is not None and self._lock is not None
        self.conn, lock = recreate_at(self.conn, self.path, lock_path(self.path))
        self._lock.release()
        self._lock, self._file = lock, file_identity(self.path)
        self._pragmas()
        return True

    def checkpoint(self, wait: bool = True) -> bool:
        """Fold the write-ahead log into the database file, so that the file alone holds
        every committed write: a copy of just the `.db` is complete, and losing the `-wal`
        after a crash loses nothing written before this call.

        Called at each session's end and on close (waiting up to the lock timeout for a
        reader, e.g. `attune-cli`, then emptying the `-wal`), and when the window is idle
        (`wait` False: never holds up a tap). True when the whole log was folded in; False
        when a reader kept part of it back, which the next checkpoint finishes. Nothing to
        do in memory or read-only.
        """
        if self.path is None or self._lock is None:
            return True
        mode = "TRUNCATE" if wait else "PASSIVE"
        busy, log, done = self.conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        return busy == 0 and log == done

    def close(self) -> None:
        """Checkpoint (see `checkpoint`), close the connection and let go of the lock."""
        try:
            self.checkpoint()
        except sqlite3.Error:
            pass  # closing must close; SQLite folds the log on close too when it can
        finally:
            self.conn.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions --------------------------------------------------------------------------

    def create_session(
        self,
        client_code: str,
        *,
        number: int | None,
        modality: str | None,
        started_utc: str,
        time_zone: str,
        scheme_json: str,
    ) -> SessionRow:
        """Record a new live session (and its client, the first time the code is seen)."""
        self.recover()
        code = clients.normalise(client_code)
        key = code.casefold()
        if number is not None and not 1 <= number <= 100_000:
            raise StoreError("A session number is a whole number from 1.")
        if modality not in (None, "telehealth", "in person"):
            raise StoreError("Modality is 'telehealth' or 'in person'.")
        # A savepoint commits on release at the top level, and nests inside a caller's
        # transaction (a bundle import creates its session inside one).
        self.conn.execute("SAVEPOINT create_session")
        try:
            client = [key, code, now_utc()]
            self.conn.execute(
                "INSERT OR IGNORE INTO clients (key, code, created_utc, checksum)"
                " VALUES (?, ?, ?, ?)",
                [*client, row_checksum("clients", client)],
            )
            session = [key, number, modality, started_utc, time_zone, None, "live", scheme_json]
            cur = self.conn.execute(
                "INSERT INTO sessions (client_key, number, modality, started_utc, time_zone,"
                " ended_utc, status, scheme_json, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*session, row_checksum("sessions", session)],
            )
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO create_session")
                self.conn.execute("RELEASE create_session")
            raise
        self.conn.execute("RELEASE create_session")
        return self.session(int(cur.lastrowid or 0))

    def session(self, session_id: int) -> SessionRow:
        rows = self._sessions("WHERE s.id = ?", [session_id])
        if not rows:
            raise NotFound(f"There is no {record_name(session_id)}.")
        return rows[0]

    def sessions(self, client_code: str | None = None) -> list[SessionRow]:
        """All sessions, newest first; only one client's when a code is given."""
        if client_code:
            return self._sessions(
                "WHERE s.client_key = ? ORDER BY s.started_utc DESC, s.id DESC",
                [clients.match_key(client_code)],
            )
        return self._sessions("ORDER BY s.started_utc DESC, s.id DESC", [])

    def interrupted_sessions(self) -> list[SessionRow]:
        """Sessions left live by a crash or power cut, to offer resume or close."""
        return self._sessions("WHERE s.status = 'interrupted' ORDER BY s.id DESC", [])

    def client_codes(self) -> list[str]:
        """Known client codes, most recently seen first."""
        rows = self.read_rows(
            "SELECT c.code FROM clients c LEFT JOIN sessions s ON s.client_key = c.key "
            "GROUP BY c.key ORDER BY MAX(s.started_utc) DESC, c.code", [], "clients"
        )
        return [r[0] for r in rows]

    def set_status(self, session_id: int, status: str, ended_utc: str | None = None) -> None:
        """Change a session's status (and end time), with its checksum made anew, unless
        the row was already damaged: a new checksum must never vouch for damage."""
        if status not in STATUSES:
            raise ValueError(status)
        self.recover()
        changes = {"status": status} | ({"ended_utc": ended_utc} if ended_utc else {})
        checksum = resigned(self.conn, session_id, changes)
        self.conn.execute(
            "UPDATE sessions SET status = ?, ended_utc = COALESCE(?, ended_utc), "
            "checksum = COALESCE(?, checksum) WHERE id = ?",
            [status, ended_utc, checksum, session_id],
        )

    def _sessions(self, where: str, params: list[Any]) -> list[SessionRow]:
        rows = self.read_rows(
            "SELECT s.id, c.code, s.number, s.modality, s.started_utc, s.time_zone, "
            "s.ended_utc, s.status, s.scheme_json FROM sessions s "
            f"JOIN clients c ON c.key = s.client_key {where}",
            params, "sessions",
        )
        return [SessionRow(*r) for r in rows]

    def read_rows(self, sql: str, params: list[Any], table: str,
                  session_id: int | None = None) -> list[Any]:
        """Rows of a query on `table` (of one session, if given). Text that is not UTF-8
        (damage) raises DamagedRecord naming the rows, never SQLite's decode error, which
        quotes the text: clinical free text or a client code in a message or a log."""
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if not str(exc).startswith("Could not decode"):
                raise
        raise self._damaged(table, session_id)

    def _damaged(self, table: str, session_id: int | None = None) -> DamagedRecord:
        """The error for rows of `table` (of one session, if given) that would not read."""
        return damaged_record(self.conn, self.path, table, session_id)

    # -- events ----------------------------------------------------------------------------

    def append(
        self,
        session_id: int,
        kind: Kind,
        offset_ms: int,
        wall_utc: str,
        *,
        value: str | None = None,
        tags: Iterable[str] = (),
        text: str | None = None,
        target: int | None = None,
        changes: dict[str, Any] | None = None,
    ) -> Event:
        """Append one event, with its checksum, and commit it; returns only once it is
        durable."""
        self.recover()
        tag_tuple = tuple(tags)
        row = [session_id, kind.value, offset_ms, wall_utc, value,
               json.dumps(tag_tuple) if tag_tuple else None, text, target,
               json.dumps(changes) if changes else None]
        cur = self.conn.execute(
            "INSERT INTO events (session_id, kind, offset_ms, wall_utc, value, tags, text,"
            " target, changes, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*row, row_checksum("events", row)],
        )
        return Event(
            id=int(cur.lastrowid or 0),
            kind=kind,
            offset_ms=offset_ms,
            wall_utc=wall_utc,
            value=value,
            tags=tag_tuple,
            text=text,
            target=target,
            changes=dict(changes or {}),
        )

    def events(self, session_id: int) -> list[Event]:
        """A session's whole log in recording order. A row that does not read as Attune
        wrote it raises DamagedRecord naming it."""
        # Rows are turned into events as they are read, never all held at once first: a third
        # less memory for a long session (17 MB at 100,000 events), which the process keeps.
        rows = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE session_id = ? ORDER BY id", [session_id])
        # Thousands of new objects set off collections that scan the app's whole heap (10-18 ms
        # for a 3-hour session in a running window); these rows cannot form cycles.
        try:
            with collector_paused():
                return [event_from_row(r) for r in rows]
        except (KeyError, ValueError, TypeError):
            raise self._damaged("events", session_id) from None
        except sqlite3.OperationalError as exc:  # text that is not UTF-8, as read_rows says
            if not str(exc).startswith("Could not decode"):
                raise
            raise self._damaged("events", session_id) from None

    # -- reflections, ratings, audit -------------------------------------------------------

    def set_reflection(self, session_id: int, prompt_id: str, text: str) -> None:
        """Save an answer (trimmed); TextRefused when it breaks the reflection text rule."""
        text = REFLECTION.clean(text)
        self.recover()
        self.conn.execute(
            "INSERT INTO reflections (session_id, prompt_id, text, updated_utc) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (session_id, prompt_id) "
            "DO UPDATE SET text = excluded.text, updated_utc = excluded.updated_utc",
            [session_id, prompt_id, text, now_utc()],
        )

    def reflections(self, session_id: int) -> dict[str, str]:
        rows = self.read_rows("SELECT prompt_id, text FROM reflections WHERE session_id = ?",
                          [session_id], "reflections", session_id)
        return dict(rows)

    def set_rating(self, session_id: int, name: str, value: int | None) -> None:
        """Store (or with None, clear) a 0–10 rating."""
        self.recover()
        if value is None:
            self.conn.execute(
                "DELETE FROM ratings WHERE session_id = ? AND name = ?", [session_id, name]
            )
            return
        if not 0 <= value <= 10:
            raise StoreError("A rating is a whole number from 0 to 10.")
        self.conn.execute(
            "INSERT INTO ratings (session_id, name, value, updated_utc) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value, "
            "updated_utc = excluded.updated_utc",
            [session_id, name, value, now_utc()],
        )

    def ratings(self, session_id: int) -> dict[str, int]:
        rows = self.read_rows("SELECT name, value FROM ratings WHERE session_id = ?", [session_id],
                          "ratings", session_id)
        return dict(rows)

    def audit(self, action: str, session_id: int | None, detail: dict[str, Any]) -> None:
        """Log an export, import or edit (what and when, never clinical free text)."""
        self.recover()
        self.conn.execute(
            "INSERT INTO audit (at_utc, action, session_id, detail) VALUES (?, ?, ?, ?)",
            [now_utc(), action, session_id, json.dumps(detail, sort_keys=True)],
        )

    def audit_log(self, session_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT at_utc, action, session_id, detail FROM audit"
        params: list[Any] = []
        if session_id is not None:
            sql += " WHERE session_id = ?"
            params.append(session_id)
        rows = self.read_rows(sql + " ORDER BY id", params, "audit", session_id)
        try:
            return [
                {"at_utc": r[0], "action": r[1], "session_id": r[2], "detail": json.loads(r[3])}
                for r in rows
            ]
        except ValueError:
            raise self._damaged("audit", session_id) from None

    # -- health ----------------------------------------------------------------------------

    def verify(self) -> list[str]:
        """Every problem `attune_companion.integrity.verify` finds ([] when healthy): reads the
        whole database, so it is for `attune-cli verify` and restores, never start-up."""
        return verify_database(self.conn)


