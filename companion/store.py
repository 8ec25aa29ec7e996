"""The durable store: one SQLite database, opened carefully, written one commit per event.

Opening checks the file before anything is written (a corrupt or foreign file is refused and
left untouched), takes a lock so a second running Attune is told so instead of interleaving
writes, applies schema migrations and refuses a database from a newer Attune. Events are
append-only: triggers in the database refuse UPDATE and DELETE on them.

The connection runs in SQLite's own autocommit mode (`isolation_level=None`): a statement
outside an explicit transaction is durable when `execute` returns. The store's own queries go
straight to it; `Store.db` wraps the same connection in sqlite-utils for the rest of the app,
created on first use so that opening a database and recording a session need not import
sqlite-utils (about 40 ms of start-up).
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion import clients
from companion.errors import CorruptDatabase, DatabaseLocked, NewerDatabase, NotFound, StoreError
from companion.events import Event, Kind
from companion.lockfile import LockFile, LockHeld
from companion.paths import ensure_private_dir, file_kind_problem, lock_path, set_mode
from companion.schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from companion.text_rules import REFLECTION

if TYPE_CHECKING:
    from sqlite_utils import Database

STATUSES = ("live", "ended", "interrupted")


@dataclass(frozen=True)
class SessionRow:
    id: int
    client_code: str
    number: int | None
    modality: str | None
    started_utc: str
    time_zone: str
    ended_utc: str | None
    status: str
    scheme_json: str

    def local_start(self, fmt: str = "%d %b %Y, %H:%M") -> str:
        """When the session started, on the clock of the place it was recorded."""
        try:
            started = datetime.fromisoformat(self.started_utc)
        except ValueError:
            return self.started_utc
        try:
            return started.astimezone(ZoneInfo(self.time_zone)).strftime(fmt)
        except (ZoneInfoNotFoundError, ValueError):
            return started.strftime(fmt) + " UTC"

    def describe(self) -> str:
        """'K-07 · session 3 · telehealth · 12 Mar 2025, 14:02' (where it was recorded)."""
        parts = [self.client_code]
        if self.number:
            parts.append(f"session {self.number}")
        if self.modality:
            parts.append(self.modality)
        parts.append(self.local_start())
        return " · ".join(parts)


_EVENT_COLS = "id, kind, offset_ms, wall_utc, value, tags, text, target, changes"


_KINDS = {k.value: k for k in Kind}


def _event(row: tuple[Any, ...]) -> Event:
    eid, kind, offset, wall, value, tags, text, target, changes = row
    return Event(
        eid, _KINDS[kind], offset, wall, value,
        tuple(json.loads(tags)) if tags else (),
        text, target,
        json.loads(changes) if changes else {},
    )


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """An open Attune database. Use `Store.open`; close it (or use `with`) when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, lock: LockFile | None) -> None:
        self.conn = conn
        self.path = path
        self._lock = lock

    @cached_property
    def db(self) -> Database:
        """sqlite-utils over this store's connection, without third-party sqlite-utils plugins:
        no code we did not ship runs on a connection to clinical data."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

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
            conn = _connect(f"file:{path}?mode=ro", uri=True, path=path)
            _check_existing(conn, path)
            _check_version(conn, path)
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
            conn = _connect(str(path), path=path)
            if not created:
                _check_existing(conn, path)
                _check_version(conn, path)
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
        if created:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        if self.path is not None:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            migrations().apply(self.db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("UPDATE sessions SET status = 'interrupted' WHERE status = 'live'")

    def close(self) -> None:
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
            self.conn.execute(
                "INSERT OR IGNORE INTO clients (key, code, created_utc) VALUES (?, ?, ?)",
                [key, code, now_utc()],
            )
            cur = self.conn.execute(
                "INSERT INTO sessions (client_key, number, modality, started_utc, time_zone,"
                " status, scheme_json) VALUES (?, ?, ?, ?, ?, 'live', ?)",
                [key, number, modality, started_utc, time_zone, scheme_json],
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
            raise NotFound(f"There is no session {session_id}.")
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
        rows = self.conn.execute(
            "SELECT c.code FROM clients c LEFT JOIN sessions s ON s.client_key = c.key "
            "GROUP BY c.key ORDER BY MAX(s.started_utc) DESC, c.code"
        ).fetchall()
        return [r[0] for r in rows]

    def set_status(self, session_id: int, status: str, ended_utc: str | None = None) -> None:
        if status not in STATUSES:
            raise ValueError(status)
        self.conn.execute(
            "UPDATE sessions SET status = ?, ended_utc = COALESCE(?, ended_utc) WHERE id = ?",
            [status, ended_utc, session_id],
        )

    def _sessions(self, where: str, params: list[Any]) -> list[SessionRow]:
        rows = self.conn.execute(
            "SELECT s.id, c.code, s.number, s.modality, s.started_utc, s.time_zone, "
            "s.ended_utc, s.status, s.scheme_json FROM sessions s "
            f"JOIN clients c ON c.key = s.client_key {where}",
            params,
        ).fetchall()
        return [SessionRow(*r) for r in rows]

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
        """Append one event and commit it; returns only once it is durable."""
        tag_tuple = tuple(tags)
        cur = self.conn.execute(
            "INSERT INTO events (session_id, kind, offset_ms, wall_utc, value, tags, text,"
            " target, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                session_id,
                kind.value,
                offset_ms,
                wall_utc,
                value,
                json.dumps(tag_tuple) if tag_tuple else None,
                text,
                target,
                json.dumps(changes) if changes else None,
            ],
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
        """A session's whole log in recording order."""
        rows = self.conn.execute(
            f"SELECT {_EVENT_COLS} FROM events WHERE session_id = ? ORDER BY id", [session_id]
        ).fetchall()
        # Thousands of new objects set off collections that scan the app's whole heap (10-18 ms
        # for a 3-hour session in a running window); these rows cannot form cycles.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return [_event(r) for r in rows]
        finally:
            if collecting:
                gc.enable()

    # -- reflections, ratings, audit -------------------------------------------------------

    def set_reflection(self, session_id: int, prompt_id: str, text: str) -> None:
        """Save an answer (trimmed); TextRefused when it breaks the reflection text rule."""
        text = REFLECTION.clean(text)
        self.conn.execute(
            "INSERT INTO reflections (session_id, prompt_id, text, updated_utc) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (session_id, prompt_id) "
            "DO UPDATE SET text = excluded.text, updated_utc = excluded.updated_utc",
            [session_id, prompt_id, text, now_utc()],
        )

    def reflections(self, session_id: int) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT prompt_id, text FROM reflections WHERE session_id = ?", [session_id]
        ).fetchall()
        return dict(rows)

    def set_rating(self, session_id: int, name: str, value: int | None) -> None:
        """Store (or with None, clear) a 0–10 rating."""
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
        rows = self.conn.execute(
            "SELECT name, value FROM ratings WHERE session_id = ?", [session_id]
        ).fetchall()
        return dict(rows)

    def audit(self, action: str, session_id: int | None, detail: dict[str, Any]) -> None:
        """Log an export, import or edit (what and when, never clinical free text)."""
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
        rows = self.conn.execute(sql + " ORDER BY id", params).fetchall()
        return [
            {"at_utc": r[0], "action": r[1], "session_id": r[2], "detail": json.loads(r[3])}
            for r in rows
        ]

    # -- health ----------------------------------------------------------------------------

    def verify(self) -> list[str]:
        """Problems found by SQLite's integrity and foreign-key checks ([] when healthy)."""
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check").fetchall()]
        problems = [p for p in problems if p != "ok"]
        fk = self.conn.execute("PRAGMA foreign_key_check").fetchall()
        problems += [f"foreign key: {tuple(r)}" for r in fk]
        return problems


def _connect(target: str, *, path: Path, uri: bool = False) -> sqlite3.Connection:
    conn = None
    try:
        conn = sqlite3.connect(target, uri=uri, timeout=0.5, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise CorruptDatabase(
            f"{path} is not a readable Attune database ({exc}). It was left untouched."
        ) from None


def _check_existing(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not ours or not healthy, before anything is written to it."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise CorruptDatabase(
            f"{path} is damaged ({exc}). It was left untouched; restore it from a backup."
        ) from None
    if app_id != APPLICATION_ID and tables:
        conn.close()
        raise CorruptDatabase(f"{path} is an SQLite file, but not an Attune database.")
    if check != ["ok"]:
        conn.close()
        raise CorruptDatabase(
            f"{path} failed its integrity check ({check[0]}). It was left untouched; "
            "restore it from a backup."
        )


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise NewerDatabase(
            f"{path} was written by a newer Attune (schema {version}; this one knows "
            f"{SCHEMA_VERSION}). Update Attune to open it; the file was left untouched."
        )
