"""`attune --db PATH`, with the interrupted session in PATH resumed once the window is up.

The app is started exactly as the `attune` command starts it (`attune_companion_ui.shell.launch.main`); the
only addition is the benchmark's set-up step, done before anything is timed: once the start
page shows, its "Resume it" button is clicked (in process), so the session the benchmark
wrote into the database is live. Used by `benchmarks/live_on_x.py`.

    DISPLAY=:99 .venv/bin/python benchmarks/attune_resumed.py PATH.db
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from attune_companion_ui.shell.launch import main as attune  # noqa: E402

WAIT_MS = 100


def resume_when_shown() -> None:
    """Click the start page's Resume button as soon as there is one."""
    for widget in QApplication.topLevelWidgets():
        button = widget.findChild(QPushButton, "resume")
        if button is not None and button.isVisible():
            button.click()
            return
    QTimer.singleShot(WAIT_MS, resume_when_shown)


def main() -> int:
    app = QApplication([sys.argv[0]])
    QTimer.singleShot(WAIT_MS, resume_when_shown)
    sys.argv = [sys.argv[0], "--db", sys.argv[1]]
    code = attune()
    del app
    return code


if __name__ == "__main__":
    sys.exit(main())
