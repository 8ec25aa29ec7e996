"""The database file under a store: opening it with care, which file it is, whole copies.

A file is checked before anything is written to it: one that is not SQLite, not Attune's,
damaged, or from a newer Attune is refused with a message and left untouched.

An open SQLite connection keeps writing to its file even after the file's folder is deleted
or moved: every tap would go to a file no one will open again. The store notes the file's
identity (device and inode) when it opens it and compares the path's on each write, a stat
of a few microseconds (measured ~2 µs here, against ~500 µs for the synced commit). When
they differ, `recreate_at` writes everything the old connection can still read (a
deleted file stays readable while it is open) to a new file at the path.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from attune_companion.errors import CorruptDatabase, NewerDatabase, StoreError, StoreGone
from attune_companion.lockfile import LockFile, LockHeld
from attune_companion.paths import ensure_private_dir
from attune_companion.schema import APPLICATION_ID, SCHEMA_VERSION


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def copy_database(source: sqlite3.Connection, target: Path, *, step_pages: int = -1,
                  between_steps: Callable[[], None] | None = None) -> None:
    """Write the whole database `source` reads (its -wal included) into a new file `target`
    (created exclusively, mode 0600) with SQLite's backup API: consistent even while it is
    written, and one file alone (rollback journal, no -wal). Refused inside a transaction of
    `source`'s own, which the copy would wait on for ever.

    In steps of `step_pages` pages, calling `between_steps` after each (a copy made beside
    the window, leaving it the disk and the processor), a read transaction is held across
    the steps: the copy stays one moment while others commit meanwhile (without it, every
    commit between two steps restarts the copy, which then never ends under tapping)."""
    if source.in_transaction:
        raise StoreError("A copy of the database cannot be made while a change is half-written.")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    copy = sqlite3.connect(target)
    stepped = step_pages > 0
    try:
        if stepped:
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the moment
        source.backup(copy, pages=step_pages,
                      progress=(lambda *_: between_steps()) if between_steps else None)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        if stepped and source.in_transaction:
            source.execute("ROLLBACK")  # only read: ends the moment
        copy.close()


def recreate_at(old: sqlite3.Connection, path: Path, lock_file: Path
                ) -> tuple[sqlite3.Connection, LockFile]:
    """For a database whose file has gone from `path`: write everything `old` can read to a
    new file there (its folder made anew, private), close `old`, and return a connection to
    the new file with its lock (`lock_file`) held.

    Raises StoreGone, writing nothing, while another file is at `path`, another Attune
    holds the new lock, or a transaction is open on `old`. The order matters: `old` is
    closed only once the new file is in place and open, but before the new connection makes
    a `-wal`: closing deletes `<path>-wal` and `-shm` by name, which would be the new ones.
    """
    if path.exists():
        raise StoreGone(path, "another file is now where the database was")
    if old.in_transaction:
        raise StoreGone(path)
    ensure_private_dir(path.parent)
    lock = LockFile(lock_file)
    try:
        lock.acquire()
    except LockHeld:
        raise StoreGone(path, "another Attune opened a database there") from None
    tmp = path.with_name(f".{path.name}.recovering-{os.urandom(8).hex()}")
    try:
        copy_database(old, tmp)
        os.replace(tmp, path)
        new = connect(str(path), path=path)
    except BaseException:
        lock.release()
        raise
    finally:
        tmp.unlink(missing_ok=True)
    old.close()
    return new, lock


def connect(target: str, *, path: Path, uri: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode that has read the schema; CorruptDatabase when the
    file cannot be read as SQLite."""
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


_CORE_TABLES = frozenset({"clients", "sessions", "events"})
"""Tables every Attune database has had since its first schema step."""


def check_existing(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not ours, before anything is written to it: its header, its
    application id and its schema, a few pages whatever the database's size. (A check of
    every page at each start grew with the years; it is `Store.verify`'s, and every
    backup's.)"""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise CorruptDatabase(
            f"{path} is damaged ({exc}). It was left untouched; restore it from a backup."
        ) from None
    if app_id != APPLICATION_ID and tables:
        conn.close()
        raise CorruptDatabase(f"{path} is an SQLite file, but not an Attune database.")
    missing = sorted(_CORE_TABLES - tables) if version >= 1 else []
    if missing:
        conn.close()
        raise CorruptDatabase(
            f"{path} is damaged (no {', '.join(missing)} table). It was left untouched; "
            "restore it from a backup."
        )


def check_version(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a database a newer Attune wrote (its schema is unknown here)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        conn.close()
        raise NewerDatabase(
            f"{path} was written by a newer Attune (schema {version}; this one knows "
            f"{SCHEMA_VERSION}). Update Attune to open it; the file was left untouched."
        )
