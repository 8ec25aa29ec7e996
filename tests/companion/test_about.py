"""What Attune says about itself in a problem report: its version, found whether it is
installed, run from a checkout or built into an app, and system details without anything of
the user's."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from attune_companion import about

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture
def fresh_version():
    about.version.cache_clear()
    yield
    about.version.cache_clear()


def test_version_is_the_projects(fresh_version):
    assert about.version() == PROJECT["version"]


def test_a_checkout_run_without_installing_reads_pyproject(monkeypatch, fresh_version):
    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(about.metadata, "version", not_installed)
    assert about.version() == PROJECT["version"]


def test_system_details_name_versions_not_the_user(monkeypatch):
    rows = dict(about.system_details([("Qt", "6.11.3")]))
    assert rows["Attune"].startswith(PROJECT["version"])
    assert {"OS", "Python", "SQLite", "numpy", "sqlite-utils", "Qt"} <= set(rows)
    text = about.format_details(list(rows.items()))
    assert str(Path.home()) not in text
    assert text.splitlines()[0] == f"Attune: {rows['Attune']}"
