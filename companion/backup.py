"""Backups: a consistent, checked copy of the database after each session, thinned over time.

Copies are made with SQLite's online backup API (consistent even while the app writes), into
a temporary file that is checked and then renamed into place. They live in a `backups` folder
beside the database, readable only by this user.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.errors import CorruptDatabase, DatabaseLocked, NotFound, StoreError
from companion.lockfile import LockFile, LockHeld
from companion.paths import atomic_write, backup_dir, ensure_private_dir, file_kind_problem
from companion.store import Store, lock_path

KEEP_NEWEST = 10
KEEP_DAILY_DAYS = 30
_STAMP = "%Y%m%d-%H%M%S"


def backups(db_path: Path) -> list[Path]:
    """This database's backups, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.db"), reverse=True)


def make_backup(store: Store, now: datetime | None = None) -> Path:
    """Copy the open database to a new checked backup file; then thin old backups."""
    if store.path is None:
        raise NotFound("An in-memory database has no backups.")
    now = now or datetime.now(UTC)
    folder = backup_dir(store.path)
    ensure_private_dir(folder)
    final = folder / f"{store.path.stem}-{now.strftime(_STAMP)}.db"
    tmp = final.with_suffix(".db.tmp")
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        target = sqlite3.connect(tmp)
        try:
            store.db.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            problems = [r[0] for r in target.execute("PRAGMA integrity_check")]
        finally:
            target.close()
        if problems != ["ok"]:
            raise CorruptDatabase(f"The backup copy failed its check ({problems[0]}); kept none.")
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    thin(store.path, now)
    return final


def thin(db_path: Path, now: datetime) -> list[Path]:
    """Delete backups beyond the newest KEEP_NEWEST, except the newest of each of the last
    KEEP_DAILY_DAYS days. Returns what was deleted."""
    keep: set[Path] = set()
    days_seen: set[str] = set()
    horizon = (now - timedelta(days=KEEP_DAILY_DAYS)).strftime(_STAMP)
    deleted = []
    for i, path in enumerate(backups(db_path)):
        stamp = path.stem[len(db_path.stem) + 1 :]
        day = stamp[:8]
        if i < KEEP_NEWEST or (stamp >= horizon and day not in days_seen):
            keep.add(path)
        days_seen.add(day)
        if path not in keep:
            path.unlink()
            deleted.append(path)
    return deleted


def restore(backup: Path, db_path: Path) -> Path:
    """Put a backup in place of the database. The current file is kept beside it, renamed.

    Refused while Attune is running with that database, or when the backup fails its check.
    Returns where the replaced database was moved.
    """
    if not backup.exists():
        raise NotFound(f"There is no backup at {backup}.")
    why = file_kind_problem(backup)
    if why is not None:
        raise StoreError(f"{backup} is not a backup: {why}. Nothing was changed.")
    check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        problems = [r[0] for r in check.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    finally:
        check.close()
    if problems != ["ok"]:
        raise CorruptDatabase(f"{backup} failed its check ({problems[0]}); nothing was changed.")
    lock = LockFile(lock_path(db_path))
    try:
        lock.acquire()
    except LockHeld:
        raise DatabaseLocked("Close Attune before restoring a backup.") from None
    try:
        stamp = datetime.now(UTC).strftime(_STAMP)
        aside = db_path.with_name(f"{db_path.stem}-replaced-{stamp}.db")
        for suffix in ("", "-wal", "-shm"):
            current = db_path.with_name(db_path.name + suffix)
            if current.exists():
                shutil.copy2(current, aside.with_name(aside.name + suffix))
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        atomic_write(db_path, backup.read_bytes())
        return aside
    finally:
        lock.release()
