"""Which backup to offer at start-up, and why: the one place the window asks.

`latest_good_backup` is the newest backup that opens and passes its check; `newer_backup_offer`
is that backup when it holds more sessions than the database as it opened (a lost `-wal`, a
`.db` copied alone). Both only read: restoring is `attune_companion.backup.restore`'s, and the window
closes its own store before it asks for that.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from attune_companion import backup
from attune_companion.errors import AttuneError
from attune_companion.store import Store


@dataclass(frozen=True)
class BackupOffer:
    """A backup that passed its check, and how many sessions it holds."""

    path: Path
    sessions: int

    def describe(self) -> str:
        """'attune-20250312-140200.db (made 12 Mar 2025, 14:02, 12 sessions)'."""
        made = datetime.fromtimestamp(self.path.stat().st_mtime).strftime("%d %b %Y, %H:%M")
        return f"{self.path.name} (made {made}, {_sessions(self.sessions)})"


def latest_good_backup(db_path: Path) -> BackupOffer | None:
    """The newest backup of `db_path` that opens read-only and passes its check (None: none)."""
    for path in backup.backups(db_path):
        try:
            with Store.open(path, readonly=True) as copy:
                return BackupOffer(path, len(copy.sessions()))
        except (AttuneError, OSError, sqlite3.Error):
            continue
    return None


def newer_backup_offer(store: Store) -> tuple[BackupOffer, int] | None:
    """The newest backup and the open database's session count, when the backup holds more
    than the database (`attune_companion.backup.newer_backup_than`): something is missing here."""
    newer = backup.newer_backup_than(store)
    if newer is None:
        return None
    return BackupOffer(newer.path, newer.sessions_in_backup), newer.sessions_here


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"
