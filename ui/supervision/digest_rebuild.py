"""The history's figures worked out in the background, after an upgrade made them all stale.

Folding 5,000 sessions takes seconds; on the GUI thread that froze the window. This thread
does it on a connection of its own (`attune_companion.history.digest_connection`), a batch at a
time, saving each batch and handing its figures to the window, which lists the sessions at
once and fills their figures in as they come. It stops between batches when asked.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from attune_companion.errors import AttuneError
from attune_companion.history import digest_connection, recompute_digests, stale_sessions

BATCH = 50
"""Sessions per batch: each batch is one short write, and one update of the list."""
HAND_OVER_S = 0.03
"""After each batch this thread rests, so the window updates its list without waiting on it
for the interpreter at every cell it paints."""
SWITCH_S = 0.0005
_log = logging.getLogger(__name__)


class DigestRebuild(QThread):
    """Signals (received on the GUI thread): `batchDone(figures, done, total)` with
    {session id: figures} after each batch; `failed(str)` with a calm sentence if the
    database could not be read. `finished()` (QThread's) when it ends either way."""

    batchDone = Signal(object, int, int)
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = db_path

    def run(self) -> None:
        try:
            store = digest_connection(self._path)
        except sqlite3.Error as exc:
            self.failed.emit(f"The figures of older sessions could not be worked out ({exc}).")
            return
        # This thread folds sessions in Python, holding the interpreter; the window's thread
        # needs it for every paint and model question, and would wait up to the default 5 ms
        # each time. Hand it over within half a millisecond while this runs.
        switching = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_S)
        try:
            stale = list(stale_sessions(store).items())
            for start in range(0, len(stale), BATCH):
                if self.isInterruptionRequested():
                    return
                fresh = recompute_digests(store, dict(stale[start:start + BATCH]))
                self.batchDone.emit(fresh, min(start + BATCH, len(stale)), len(stale))
                time.sleep(HAND_OVER_S)  # the window shows the batch with the interpreter free
        except (AttuneError, sqlite3.Error) as exc:
            self.failed.emit(f"The figures of older sessions could not be worked out ({exc}).")
        except Exception:  # noqa: BLE001 - a thread's exception would otherwise vanish
            _log.exception("Working out history figures failed unexpectedly")
            self.failed.emit("Something went wrong working out the figures of older sessions.")
        finally:
            sys.setswitchinterval(switching)
            store.close()

    def stop(self, wait: bool = True) -> None:
        """Stop after the batch under way; with `wait`, return only once it has (before the
        window closes: a thread still running then would end the process)."""
        self.requestInterruption()
        if wait:
            self.wait()
