"""What Attune says about itself when a problem is reported: its version, where its files
live, and the versions of what it runs on. Never anything about a client or a session."""

from __future__ import annotations

import platform
import sqlite3
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "attune-companion"
"""The name Attune is installed under (PyPI's "attune" is another project)."""


@cache
def version() -> str:
    """Attune's version: the installed package's, else (a checkout run without installing)
    the one in its pyproject.toml, else 'unknown'."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
    return project.get("version", "unknown") if project.get("name") == DISTRIBUTION else "unknown"


def version_line(program: str) -> str:
    """What `--version` prints: e.g. 'attune-cli 0.1.0 (attune-companion)'."""
    return f"{program} {version()} ({DISTRIBUTION})"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def system_details(extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(name, value) rows for a problem report: Attune, the operating system, Python and the
    libraries Attune uses; `extra` (e.g. Qt's versions and the screen scale, which only the
    window knows) is added after them. No paths, nothing from the database."""
    frozen = " (built app)" if getattr(sys, "frozen", False) else ""
    rows = [
        ("Attune", f"{version()}{frozen}"),
        ("OS", f"{platform.system()} {platform.release()} ({platform.platform()})"),
        ("Machine", platform.machine()),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("SQLite", sqlite3.sqlite_version),
        ("numpy", _package_version("numpy")),
        ("sqlite-utils", _package_version("sqlite-utils")),
        ("platformdirs", _package_version("platformdirs")),
    ]
    return rows + list(extra or [])


def format_details(rows: list[tuple[str, str]]) -> str:
    """The rows as plain text, one 'name: value' a line, for pasting into a message."""
    return "\n".join(f"{name}: {value}" for name, value in rows) + "\n"
