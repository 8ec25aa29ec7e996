"""How Attune is packaged: its own name on PyPI, a licence, a desktop entry, and an sdist that
carries the whole test suite (so a packager can run it)."""

from __future__ import annotations

import configparser
import subprocess
import sys
import tarfile
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_distribution_has_a_name_of_its_own_and_a_licence():
    """'attune' on PyPI is an optics tuner: installing or upgrading it would replace Attune."""
    assert PROJECT["name"] == "attune-companion"
    assert PROJECT["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # PEP 639
    for path in [ROOT / "README.md", *ROOT.glob("ui/**/*.py"), *ROOT.glob("companion/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "'attune[" not in text and "install attune " not in text, path


def test_the_desktop_entry_starts_attune_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(ROOT / "packaging" / "attune.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Exec"] == "attune"
    assert desktop["Icon"] == "attune"  # resources/icons/attune-*.png, installed under that name
    assert desktop["Terminal"] == "false"
    assert set(PROJECT["gui-scripts"]) == {"attune"}


def _sdist_tools_missing() -> str | None:
    try:
        import build  # noqa: F401
    except ImportError:
        return "needs the 'build' package (pip install -e '.[test]')"
    if int(metadata.version("setuptools").split(".")[0]) < 77:
        return "needs setuptools 77 or newer in this environment (pip install -e '.[test]')"
    return None


@pytest.mark.skipif(_sdist_tools_missing() is not None, reason=str(_sdist_tools_missing()))
def test_the_sdist_ships_the_whole_test_suite(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    [sdist] = tmp_path.glob("attune_companion-*.tar.gz")
    with tarfile.open(sdist) as tar:
        shipped = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    tests = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")}
    assert tests and tests <= shipped
    assert {"LICENSE", "README.md", "dev", "packaging/attune.spec", "packaging/attune.desktop",
            "resources/icons/attune.svg", "resources/icons/attune-512.png",
            "benchmarks/run_all.py"} <= shipped
