"""Start Attune: `attune [--db PATH]`.

Opens the database and the user's coding scheme before the window, and turns what can go
wrong there into calm words inside the window: a locked or damaged database is explained on
the start page (nothing can be started until it is resolved), and a scheme file that cannot be
used is named with the problem while the default scheme is used.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from companion import paths
from companion.errors import SchemeError, StoreError
from companion.scheme import default_scheme, load_scheme
from companion.store import Store
from ui.main_window import MainWindow
from ui.settings import Settings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="attune", description="Attune, the session companion.")
    parser.add_argument("--db", metavar="PATH",
                        help="the database to use (default: $ATTUNE_DB, else your data folder)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the window until it is closed; returns the exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Attune")
    app.setOrganizationName("attune")

    notices: list[str] = []
    try:
        scheme = load_scheme(paths.user_scheme_path())
    except SchemeError as exc:
        scheme = default_scheme()
        notices.append(f"{exc} Attune is using its default coding scheme until the file is "
                       "fixed.")

    store: Store | None = None
    problem: str | None = None
    try:
        store = Store.open(paths.resolve_db_path(args.db))
    except StoreError as exc:
        problem = str(exc)

    try:
        window = MainWindow(store, scheme, settings=Settings(), notices=notices,
                            store_problem=problem)
        window.show()
        # Load the plot library once the first frame is up, so the first session opens fast.
        QTimer.singleShot(0, lambda: importlib.import_module("ui.live_page"))
        return app.exec()
    finally:
        if store is not None:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
