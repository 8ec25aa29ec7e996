"""Start Attune: `attune [--db PATH]`.

Opens the database and the user's coding scheme before the window, and turns what can go
wrong there into calm words inside the window: a database that is locked, damaged (as a file
or in a row read at start) or cannot be reached is explained on the start page, untouched,
with Quit and, when it is damaged, its newest good backup offered; nothing can be started
until it is resolved. A database holding fewer sessions than its newest backup is said so,
with that backup offered, and one in a cloud-sync folder is warned of. A scheme file that
cannot be used is named with the problem while the default scheme is used. While the app
runs, an error no code caught is said in the window (`attune_companion_ui.shell.unexpected`).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import linecache
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from attune_companion import about, backup, logs, paths
from attune_companion.cloud_folders import cloud_warning
from attune_companion.errors import AttuneError, CorruptDatabase, SchemeError, StoreError
from attune_companion.scheme import Scheme, default_scheme, load_scheme
from attune_companion.store import Store
from attune_companion_ui.shell.backup_offers import latest_good_backup, newer_backup_offer
from attune_companion_ui.shell.identity import identify
from attune_companion_ui.shell.main_window import MainWindow
from attune_companion_ui.shell.settings import Settings
from attune_companion_ui.shell.unexpected import said_in_window


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="attune", description="Attune, the session companion.")
    parser.add_argument("--db", metavar="PATH",
                        help="the database to use (default: $ATTUNE_DB, else your data folder)")
    parser.add_argument("--version", action="version", version=about.version_line("attune"))
    args = parser.parse_args(argv)
    try:
        paths.resolve_db_path(args.db)  # an empty --db is a mistake, not the default
    except AttuneError as exc:
        parser.error(str(exc))
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the window until it is closed; returns the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logs.setup_logging()
    logs.log_start("attune")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    identify(app)

    notices: list[str] = []
    try:
        scheme = load_scheme(paths.user_scheme_path())
    except SchemeError as exc:
        scheme = default_scheme()
        notices.append(f"{exc} Attune is using its default coding scheme until the file is "
                       "fixed.")

    db_path = paths.resolve_db_path(args.db)
    synced = cloud_warning(db_path)
    if synced:
        notices.append(synced)
    opened = _DatabaseWindow(db_path, scheme, notices)
    try:
        # The window's hook passes an uncaught error on to the log's (logs.setup_logging
        # installed it first), then says it calmly in the window.
        with said_in_window(lambda: opened.window):
            try:
                try:
                    opened.open_window()
                except Exception as exc:  # noqa: BLE001 - with no window, a dialog is the only word
                    sys.excepthook(type(exc), exc, exc.__traceback__)
                    _cannot_start(exc)
                    return 1
                QTimer.singleShot(0, _after_first_frame)
                return app.exec()
            finally:
                opened.close_store()
    finally:
        logs.stop_logging()


def _cannot_start(exc: Exception) -> None:
    """Say why Attune could not start, when there is no window to say it in (no session is
    live, so a dialog is fine; under pythonw it is the only trace)."""
    QMessageBox.critical(None, "Attune", f"Attune could not start: something went wrong "
                         f"({type(exc).__name__}: {exc}). No session was started.")


def _after_first_frame() -> None:
    """Load the plot library, so the first session opens fast; let go of the module sources
    PySide6 read as each module was imported (13 MB); then take what start-up made out of
    the garbage collector's sight, so its sweeps during a session scan only what the session
    makes, and resume it (`attune_companion_ui.shell.launch` pauses it while the app loads)."""
    importlib.import_module("attune_companion_ui.live.live_page")
    linecache.clearcache()
    gc.freeze()
    gc.enable()


class _DatabaseWindow:
    """The open database and its window; replaced whole when a backup is restored."""

    def __init__(self, db_path: Path, scheme: Scheme, notices: list[str]) -> None:
        self.db_path, self.scheme, self.notices = db_path, scheme, notices
        self.store: Store | None = None
        self.window: MainWindow | None = None

    def open_window(self) -> None:
        """Open the database and show its window. A database that cannot be used (locked,
        damaged, on a drive that is gone) is explained on the start page, untouched, with
        the newest good backup offered when it is damaged."""
        problem: str | None = None
        damaged = False
        try:
            self.store = Store.open(self.db_path)
        except (StoreError, OSError, sqlite3.Error) as exc:
            problem, damaged = _cannot_open(self.db_path, exc)
        try:
            window = self._main_window(problem)
        except (StoreError, OSError, sqlite3.Error) as exc:  # a damaged row, read at start
            self.close_store()
            problem, damaged = _cannot_open(self.db_path, exc)
            window = self._main_window(problem)
        if damaged:
            self._offer_good_backup(window)
        elif self.store is not None:
            QTimer.singleShot(0, lambda: self._offer_newer_backup(window))
        old, self.window = self.window, window
        window.show()
        if old is not None:
            old.close()

    def _main_window(self, problem: str | None) -> MainWindow:
        return MainWindow(self.store, self.scheme, settings=Settings(), notices=self.notices,
                          store_problem=problem)

    def _offer_good_backup(self, window: MainWindow) -> None:
        """The damaged database's newest backup that passes its check, if there is one."""
        offer = latest_good_backup(self.db_path)
        page = window.start_page
        if offer is None:
            page.set_restore_offer(None)
            page.show_message("No backup of this database passes its check, so none can be "
                              "offered. Attune leaves the file as it is.")
            return
        page.set_restore_offer(
            f"The newest backup that passes its check is {offer.describe()}. Restoring it "
            "puts it in place of the damaged database, which is kept beside it, untouched."
        )
        page.restoreRequested.connect(lambda: self._restore(offer.path))

    def _offer_newer_backup(self, window: MainWindow) -> None:
        """After the first frame: say so when the newest backup holds more sessions than the
        database did when it opened (its -wal lost, or the .db copied alone)."""
        if window is not self.window or self.store is None or (
                window.controller is not None and window.controller.live):
            return
        found = newer_backup_offer(self.store)
        if found is None:
            return
        offer, held = found
        window.start_page.set_restore_offer(
            f"This database holds {held} session(s), but its newest backup, "
            f"{offer.describe()}, holds more: part of the database may be missing (copied "
            "without its companion files, or they were lost). Restoring the backup puts it in "
            "place; the database as it is now is kept beside it, untouched."
        )
        window.start_page.restoreRequested.connect(lambda: self._restore(offer.path))

    def _restore(self, chosen: Path) -> None:
        """Put `chosen` in place of the database and open a new window on it. The window and
        the store are closed first: restoring takes the database's lock."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        quits = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)  # the old window closes before the new opens
        try:
            old, self.window = self.window, None
            if old is not None:
                old.close()
            self.close_store()
            try:
                aside = backup.restore(chosen, self.db_path).aside
            except (AttuneError, OSError, sqlite3.Error) as exc:
                note = f"The backup {chosen.name} was not restored: {exc}"
            else:
                kept = (f" The database it replaced is kept as {aside.name} beside it."
                        if aside is not None else "")
                note = f"Restored {chosen.name}.{kept}"
            self.notices = [*self.notices, note]
            try:
                self.open_window()
            except Exception as exc:  # noqa: BLE001 - never a running app with no window
                sys.excepthook(type(exc), exc, exc.__traceback__)
                _cannot_start(exc)
                QApplication.exit(1)
        finally:
            app.setQuitOnLastWindowClosed(quits)

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _cannot_open(db_path: Path, exc: Exception) -> tuple[str, bool]:
    """What to say of a database that could not be opened or read, and whether it is damaged
    (then a backup is offered)."""
    if isinstance(exc, AttuneError):
        return str(exc), isinstance(exc, CorruptDatabase)
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return f"{db_path} could not be read ({exc}). It was left untouched.", True
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (f"The database at {db_path} could not be opened ({reason}). Check that its folder "
            "exists and can be written (a drive may be disconnected), or start Attune with "
            f"--db PATH or {paths.ENV_DB} set to use another place.", False)


if __name__ == "__main__":
    sys.exit(main())
