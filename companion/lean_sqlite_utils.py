"""sqlite-utils, imported without the data libraries it reaches for.

When pandas or numpy are installed, sqlite-utils imports them to map their types in the
values it inserts. Attune never hands it such values (it uses sqlite-utils for migrations,
transactions and statements), yet in an environment that has them (a researcher's, or the
test environment) that import cost 70 MB of memory and a third of a second at the first
start, and again at the first bundle import. Every Attune import of sqlite-utils goes
through `database_class` or `migrations_class`, which hide those two for the import only.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

UNUSED = ("pandas", "numpy")
"""Optional imports of sqlite-utils that Attune never needs."""


def _sqlite_utils() -> None:
    """Import sqlite-utils once, with UNUSED hidden unless something already loaded them
    (then it gets them as before): each is hidden by a None in sys.modules, which makes its
    import fail, and is unhidden after, so later imports of it work as usual."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in UNUSED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def database_class() -> type[Database]:
    """sqlite_utils.Database."""
    _sqlite_utils()
    from sqlite_utils import Database

    return Database


def migrations_class() -> type[Migrations]:
    """sqlite_utils.migrations.Migrations."""
    _sqlite_utils()
    from sqlite_utils.migrations import Migrations

    return Migrations
