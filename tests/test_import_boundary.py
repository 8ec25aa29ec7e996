"""The core (``companion``) never imports Qt, pyqtgraph or ``ui``; the shared rooms (plot, widgets)
import no other room of ``ui``.

The contract lives in pyproject.toml (``[tool.importlinter]``) and is checked here
with import-linter, so a Qt import creeping into the core fails the test suite.
The second test runs the same check on a small tree that breaks the contract, so
this test cannot pass by checking nothing.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter with root's pyproject.toml, on the packages under root."""
    exe = Path(sys.executable).parent / "lint-imports"
    if not exe.exists():
        exe = Path(shutil.which("lint-imports") or "lint-imports")
    # root first on the path, so the packages under root are the ones analysed.
    path = [str(root), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.run(
        [str(exe), "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_companion_imports_no_qt_pyqtgraph_or_ui():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    # At least one contract checked, none broken.
    assert re.search(r"Contracts: [1-9]\d* kept, 0 broken", result.stdout), result.stdout


def test_the_check_reports_a_core_that_imports_qt(tmp_path):
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    _ui_rooms(tmp_path)
    core = tmp_path / "attune_companion"
    (core / "live").mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "clock.py").write_text("import time\nimport numpy\n")
    (core / "live" / "__init__.py").write_text("")
    (core / "live" / "plot.py").write_text(
        "from PySide6.QtCore import QObject\n"
        "import pyqtgraph as pg\n"
        "import shiboken6\n"
        "from attune_companion_ui import tap_pad\n"
    )

    result = lint_imports(tmp_path)

    out = result.stdout
    assert result.returncode != 0, out
    assert "1 kept, 1 broken" in out, out + result.stderr
    for forbidden in ("PySide6", "pyqtgraph", "shiboken6", "attune_companion_ui"):
        assert f"attune_companion.live.plot -> {forbidden}" in out, out
    assert "attune_companion.clock" not in out, out


def test_the_check_reports_a_plot_room_that_imports_another_room(tmp_path):
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    (tmp_path / "attune_companion").mkdir()
    (tmp_path / "attune_companion" / "__init__.py").write_text("")
    _ui_rooms(tmp_path)
    (tmp_path / "attune_companion_ui" / "plot" / "session_plot.py").write_text("from attune_companion_ui.live import tap_pad\n")
    (tmp_path / "attune_companion_ui" / "live" / "tap_pad.py").write_text("from attune_companion_ui.plot import session_plot\n")

    out = lint_imports(tmp_path).stdout

    assert "1 kept, 1 broken" in out, out
    assert "attune_companion_ui.plot.session_plot -> attune_companion_ui.live.tap_pad" in out, out


def _ui_rooms(root: Path) -> None:
    """An empty ui package (under its installed name) with the rooms the contracts name."""
    for room in ("", "shell", "live", "review", "supervision", "plot", "widgets"):
        (root / "attune_companion_ui" / room).mkdir(parents=True, exist_ok=True)
        (root / "attune_companion_ui" / room / "__init__.py").write_text("")
