"""The backup after each session, made on a thread of its own so the window never waits.

At years of sessions the copy and its check take over a second (1.3 s frozen at 5,000
sessions when it ran on the GUI thread). The recorder hands the backup to `SessionBackups`
(`attune_companion.recorder.session_ended` is still the one end of every session); a
`BackupWorker` thread makes it with `attune_companion.backup.back_up_file`, through a
connection of its own, in steps with a pause after each.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal

from attune_companion.backup import back_up_file
from attune_companion.errors import AttuneError
from attune_companion.store import Store

_log = logging.getLogger(__name__)


class BackupWorker(QThread):
    """One backup of the database at `db_path`. Signals (received on the GUI thread):
    `made(path)` with the checked copy, or `failed(reason)`; then QThread's `finished()`."""

    made = Signal(str)
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = db_path

    def run(self) -> None:
        try:
            self.made.emit(str(back_up_file(self._path)))
        except (AttuneError, OSError, sqlite3.Error) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a thread's exception would otherwise vanish
            _log.exception("The backup failed unexpectedly")
            self.failed.emit(f"something went wrong: {type(exc).__name__}")


class SessionBackups(QObject):
    """The backups after sessions' ends, one at a time, each on a thread of its own.

    `request` is a recorder's `back_up`: it starts a backup and returns at once; a session
    ending while one is made gets another, made after it (so the newest backup holds it).
    Signal `finished(problem)`: "" when the backups asked for are made, else why the last
    could not be. `finish()` waits for them (the window is closing: never cut one off).
    """

    finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker: BackupWorker | None = None
        self._again: Path | None = None
        self._problem = ""

    @property
    def running(self) -> bool:
        return self._worker is not None

    def request(self, store: Store) -> None:
        """Back up `store`'s database after a session's end, beside the window."""
        assert store.path is not None, "session_ended backs up only a database file"
        if self._worker is not None:
            self._again = store.path
            return
        self._start(store.path)

    def finish(self) -> None:
        """Wait for the backup under way and any asked for after it."""
        while self._worker is not None:
            self._worker.wait()
            # Its signals wait in this (the GUI) thread's queue: take them now.
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)

    def _start(self, path: Path) -> None:
        self._problem = ""
        worker = self._worker = BackupWorker(path, self)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._done)
        worker.start()

    def _failed(self, reason: str) -> None:
        self._problem = f"The session is saved, but its backup could not be made ({reason})."

    def _done(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.deleteLater()
        again, self._again = self._again, None
        if again is not None:
            self._start(again)  # the newer backup holds everything: its outcome is what counts
            return
        self.finished.emit(self._problem)
