"""Backups: a consistent, checked copy of the database after each session, thinned over time.

Copies are made with SQLite's online backup API (consistent even while the app writes), into
a temporary file that is checked and then renamed into place. They live in a `backups` folder
beside the database, readable only by this user. The window makes the backup after a session
on a thread of its own (`back_up_file`, through a connection of its own, in steps): at years
of sessions the copy and its check take over a second.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attune_companion.dbfile import copy_database
from attune_companion.errors import CorruptDatabase, DatabaseLocked, NewerDatabase, NotFound, StoreError
from attune_companion.lockfile import LockFile, LockHeld
from attune_companion.paths import atomic_write, backup_dir, ensure_private_dir, file_kind_problem
from attune_companion.schema import APPLICATION_ID
from attune_companion.store import Store, lock_path

KEEP_NEWEST = 10
KEEP_DAILY_DAYS = 30
_STAMP = "%Y%m%d-%H%M%S"


def backups(db_path: Path) -> list[Path]:
    """This database's backups, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    named = re.compile(re.escape(db_path.stem) + r"-(\d{8}-\d{6})(?:-(\d+))?\.db")
    found = []
    for path in folder.iterdir():
        match = named.fullmatch(path.name)
        if match:
            found.append(((match[1], int(match[2] or 1)), path))
    return [path for _, path in sorted(found, reverse=True)]


def _stamp(db_path: Path, backup: Path) -> str:
    """When a backup was made, as written in its name ('20260301-141500')."""
    return backup.stem[len(db_path.stem) + 1:][:15]


STEP_PAGES = 256
"""Pages a backup made beside the window copies per step (1 MB at SQLite's page size)."""
STEP_PAUSE_S = 0.005
"""The pause after each step, leaving the disk and the processor to the window."""


def make_backup(store: Store, now: datetime | None = None) -> Path:
    """Copy the open database to a new checked backup file; then thin old backups."""
    if store.path is None:
        raise NotFound("An in-memory database has no backups.")
    return _write_backup(store.path, lambda tmp: copy_database(store.conn, tmp), now)


def back_up_file(db_path: Path, now: datetime | None = None, *,
                 step_pages: int = STEP_PAGES, pause_s: float = STEP_PAUSE_S) -> Path:
    """`make_backup` of the database at `db_path` through a connection of its own, for a
    thread beside the window's: the copy goes in steps with a pause after each, and stays
    one consistent moment while taps are committed meanwhile (see `copy_database`)."""
    source = sqlite3.connect(db_path, isolation_level=None, timeout=5.0)
    try:
        return _write_backup(db_path, lambda tmp: copy_database(
            source, tmp, step_pages=step_pages, between_steps=lambda: time.sleep(pause_s)), now)
    finally:
        source.close()


def _write_backup(db_path: Path, copy: Callable[[Path], None], now: datetime | None) -> Path:
    """`copy` the database into a new temporary file, check it, rename it into place under
    a name no backup has, and thin the old ones."""
    now = now or datetime.now(UTC)
    folder = backup_dir(db_path)
    ensure_private_dir(folder)
    final = folder / f"{db_path.stem}-{now.strftime(_STAMP)}.db"
    count = 1
    while final.exists():  # two ends in one second: a new name, never over a backup
        count += 1
        final = folder / f"{db_path.stem}-{now.strftime(_STAMP)}-{count}.db"
    tmp = final.with_suffix(".db.tmp")
    tmp.unlink(missing_ok=True)  # left by a crash mid-backup
    try:
        copy(tmp)
        target = sqlite3.connect(tmp)
        try:
            problems = [r[0] for r in target.execute("PRAGMA integrity_check")]
        finally:
            target.close()
        if problems != ["ok"]:
            raise CorruptDatabase(f"The backup copy failed its check ({problems[0]}); kept none.")
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    thin(db_path, now)
    return final


def thin(db_path: Path, now: datetime) -> list[Path]:
    """Delete backups beyond the newest KEEP_NEWEST, except the newest of each of the last
    KEEP_DAILY_DAYS days. Returns what was deleted."""
    keep: set[Path] = set()
    days_seen: set[str] = set()
    horizon = (now - timedelta(days=KEEP_DAILY_DAYS)).strftime(_STAMP)
    deleted = []
    for i, path in enumerate(backups(db_path)):
        stamp = _stamp(db_path, path)
        day = stamp[:8]
        if i < KEEP_NEWEST or (stamp >= horizon and day not in days_seen):
            keep.add(path)
        days_seen.add(day)
        if path not in keep:
            path.unlink()
            deleted.append(path)
    return deleted


@dataclass(frozen=True)
class NewerBackup:
    """A backup that holds more than the database it was made from now does.

    Sessions and taps are never deleted, so fewer here means this database lost them: the
    `-wal` file beside it was lost after a crash, or only the `.db` was copied to this
    computer. `sessions_*` count sessions; `newest_event_*` are the newest tap numbers.
    """

    path: Path
    sessions_in_backup: int
    sessions_here: int
    newest_event_in_backup: int
    newest_event_here: int

    def describe(self) -> str:
        """One calm sentence saying what the backup holds that this database does not."""
        if self.sessions_in_backup > self.sessions_here:
            held = (f"holds {self.sessions_in_backup} sessions; this database holds "
                    f"{self.sessions_here}")
        else:
            held = "holds taps this database does not"
        return (f"The newest backup ({self.path.name}) {held}: recent work may be missing here "
                "(for example, a crash lost the '-wal' file beside the database).")


def newer_backup_than(store: Store) -> NewerBackup | None:
    """The newest readable backup, when it holds sessions or taps the open database does not
    (see NewerBackup); None when this database holds at least as much, or has no backup.

    Cheap enough for start-up: a count and a maximum here and in one backup file. The
    window offers the backup with this; `attune-cli sessions` and `verify` note it.
    """
    if store.path is None:
        return None
    here = _holdings(store.conn)
    for path in backups(store.path):
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                theirs = _holdings(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            continue  # an unreadable backup: the next older one is the newest that counts
        if theirs[0] > here[0] or theirs[1] > here[1]:
            return NewerBackup(path, theirs[0], here[0], theirs[1], here[1])
        return None
    return None


def _holdings(conn: sqlite3.Connection) -> tuple[int, int]:
    """(sessions, newest event id) of a database; (0, 0) when it has no schema."""
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'events'").fetchone()[0] == 0:
        return 0, 0
    sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    newest = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    return sessions, newest


# -- restoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup put in place and how many sessions it holds; `aside`,
    where the database it replaced is kept (None when there was none), and how many
    sessions that held (None when it could not be read, e.g. because it was damaged)."""

    backup: Path
    sessions: int
    aside: Path | None
    replaced_sessions: int | None


def check_restorable(path: Path) -> int:
    """Check that `path` is a whole Attune database this Attune can use, and return how many
    sessions it holds. Raises CorruptDatabase (another program's file, an empty file, a
    failed integrity or checksum check, unreadable sessions) or NewerDatabase."""
    try:
        store = Store.open(path, readonly=True)
    except (CorruptDatabase, NewerDatabase) as exc:
        raise type(exc)(f"Not restored: {exc}") from None
    with store:
        app_id = store.conn.execute("PRAGMA application_id").fetchone()[0]
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID or version == 0:
            raise CorruptDatabase(f"Not restored: {path} is not an Attune database (it holds "
                                  "no Attune schema). Nothing was changed.")
        problems = store.verify()
        if problems:
            more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
            raise CorruptDatabase(f"Not restored: {path} failed its check ({problems[0]}{more})."
                                  " Nothing was changed.")
        return len(store.sessions())


def restore(backup: Path, db_path: Path) -> Restored:
    """Put a backup in place of the database, keeping the database it replaces beside it
    under a name no file had ('attune-replaced-DATE.db', then '-2', '-3'...).

    Only a checked Attune database is put in place (see `check_restorable`): it is copied
    next to the database, checked there, and that copy is what is written in place, so what
    was checked is what is used. Refused while Attune is running with that database.
    """
    if not backup.exists():
        raise NotFound(f"There is no backup at {backup}.")
    why = file_kind_problem(backup)
    if why is not None:
        raise StoreError(f"{backup} is not a backup: {why}. Nothing was changed.")
    lock = LockFile(lock_path(db_path))
    try:
        lock.acquire()
    except LockHeld:
        raise DatabaseLocked("Close Attune before restoring a backup.") from None
    tmp = db_path.with_name(f".{db_path.name}.restoring-{os.urandom(8).hex()}")
    try:
        _copy_whole(backup, tmp)
        sessions = check_restorable(tmp)
        replaced = sessions_in(db_path)
        aside = _set_aside(db_path)
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        atomic_write(db_path, tmp.read_bytes())  # also syncs the folder, with `aside` in it
        return Restored(backup, sessions, aside, replaced)
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabase(f"Not restored: {backup} cannot be read ({exc}). Nothing was "
                              "changed.") from None
    finally:
        for leftover in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        lock.release()


def _copy_whole(source: Path, target: Path) -> None:
    """Copy a database as SQLite reads it (its -wal included) into one private file."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        copy_database(src, target)
    finally:
        src.close()


def sessions_in(db_path: Path) -> int | None:
    """How many sessions the database at `db_path` holds; None if there is none or it cannot
    be read."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return _holdings(conn)[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _set_aside(db_path: Path) -> Path | None:
    """Copy the database and its -wal and -shm, byte for byte (damage included, to inspect),
    to 'NAME-replaced-STAMP.db' with a counter when taken: each name is created exclusively,
    so no earlier copy is ever written over. None when there is no database."""
    if not db_path.exists():
        return None
    stamp = datetime.now(UTC).strftime(_STAMP)
    sources = [db_path.with_name(db_path.name + s) for s in ("", "-wal", "-shm")]
    for count in itertools.count(1):
        suffix = f"-{count}" if count > 1 else ""
        aside = db_path.with_name(f"{db_path.stem}-replaced-{stamp}{suffix}.db")
        targets = [aside.with_name(aside.name + s) for s in ("", "-wal", "-shm")]
        if any(t.exists() for t in targets):
            continue
        try:
            for source, target in zip(sources, targets):
                if source.exists():
                    _copy_exclusive(source, target)
        except FileExistsError:
            continue  # taken between the look and the copy: the next name
        return aside
    raise AssertionError("unreachable")


def _copy_exclusive(source: Path, target: Path) -> None:
    """Copy a file to a new name (created exclusively, mode 0600) and sync it."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())
