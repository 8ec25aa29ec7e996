"""Start Attune: `attune [--db PATH]`.

Opens the database and the user's coding scheme before the window, and turns what can go
wrong there into calm words inside the window: a locked or damaged database is explained on
the start page (nothing can be started until it is resolved), and a scheme file that cannot be
used is named with the problem while the default scheme is used.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from companion import about, backup, logs, paths
from companion.errors import AttuneError, CorruptDatabase, SchemeError, StoreError
from companion.scheme import Scheme, default_scheme, load_scheme
from companion.store import Store
from ui.shell.identity import identify
from ui.shell.main_window import MainWindow
from ui.shell.settings import Settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="attune", description="Attune, the session companion.")
    parser.add_argument("--db", metavar="PATH",
                        help="the database to use (default: $ATTUNE_DB, else your data folder)")
    parser.add_argument("--version", action="version", version=about.version_line("attune"))
    return parser.parse_args(argv)


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

    opened = _DatabaseWindow(paths.resolve_db_path(args.db), scheme, notices)
    try:
        opened.open_window()
        QTimer.singleShot(0, _after_first_frame)
        return app.exec()
    finally:
        opened.close_store()
        logs.stop_logging()


def _after_first_frame() -> None:
    """Load the plot library, so the first session opens fast; then take what start-up made
    out of the garbage collector's sight, so its sweeps during a session scan only what the
    session makes, and resume it (`ui.shell.launch` pauses it while the app loads)."""
    importlib.import_module("ui.live.live_page")
    gc.freeze()
    gc.enable()


class _DatabaseWindow:
    """The open database and its window; replaced whole when a backup is restored."""

    def __init__(self, db_path: Path, scheme: Scheme, notices: list[str]) -> None:
        self.db_path, self.scheme, self.notices = db_path, scheme, notices
        self.store: Store | None = None
        self.window: MainWindow | None = None

    def open_window(self) -> None:
        problem: str | None = None
        latest: Path | None = None
        try:
            self.store = Store.open(self.db_path)
        except StoreError as exc:
            problem = str(exc)
            if isinstance(exc, CorruptDatabase):
                latest = next(iter(backup.backups(self.db_path)), None)
        window = MainWindow(self.store, self.scheme, settings=Settings(),
                            notices=self.notices, store_problem=problem)
        if latest is not None:
            window.start_page.set_restore_offer(f"Restore the backup {latest.name}")
            window.start_page.restoreRequested.connect(lambda: self._restore(latest))
        old, self.window = self.window, window
        window.show()
        if old is not None:
            old.close()

    def _restore(self, latest: Path) -> None:
        assert self.window is not None
        try:
            aside = backup.restore(latest, self.db_path)
        except AttuneError as exc:
            self.window.start_page.set_problem(str(exc))
            return
        self.notices = [*self.notices, f"Restored {latest.name}. The damaged database is kept "
                        f"as {aside.name} beside it."]
        self.open_window()

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()


if __name__ == "__main__":
    sys.exit(main())
