"""A check that sees what a person sees: every page and dialog, in each state, on a 360×900
side screen, a 1280×720 laptop, a 1920×1080 desktop and those screens at a scale factor of 2
(half their size in Qt's logical pixels), with no text cut off, no widget outside its window
and no window past its screen. `layout_walk.py` walks them in a child process whose
offscreen platform has those screens; the planted tests prove the walk sees what it must.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QVBoxLayout, QWidget

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
_spec = importlib.util.spec_from_file_location("layout_walk", HERE / "layout_walk.py")
assert _spec is not None and _spec.loader is not None
walk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(walk)

CASES = [f"{screen}/{case}" for screen in walk.SCREENS for case in walk.CASES]


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> dict[str, list[str]]:
    """Walk everything once, in a child process with the screens configured."""
    tmp = tmp_path_factory.mktemp("walk")
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = walk.screen_config(tmp / "screens.json")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    out = tmp / "found.json"
    run = subprocess.run([sys.executable, str(HERE / "layout_walk.py"), str(out)], env=env,
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(out.read_text())


@pytest.mark.parametrize("case", CASES)
def test_every_text_is_whole_and_every_window_on_its_screen(walked, case):
    assert case in walked, f"{case} was not walked"
    assert walked[case] == [], "\n".join(walked[case])


# -- the walk sees what it must ----------------------------------------------------------------

@pytest.fixture
def plain(qtbot):
    """A small window with a label, a wrapped label, a button and a check box, all whole."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    window.label = QLabel("Rupture open", window)
    window.wrapped = QLabel("A longer sentence that wraps onto a second line in the box.")
    window.wrapped.setWordWrap(True)
    window.button = QPushButton("End session", window)
    window.check = QCheckBox("Remember", window)
    for widget in (window.label, window.wrapped, window.button, window.check):
        layout.addWidget(widget)
    window.resize(240, 200)
    window.show()
    qtbot.waitExposed(window)
    return window


SCREEN = QRect(0, 0, 1000, 1000)


def test_a_whole_window_shows_nothing_wrong(plain):
    assert walk.problems(plain, SCREEN) == []


def test_a_planted_clipped_label_is_seen(plain, qtbot):
    plain.label.setText("Rupture open for far longer than this box is wide")
    plain.label.setFixedWidth(80)
    qtbot.wait(10)
    [found] = walk.problems(plain, SCREEN)
    assert "QLabel" in found and "needs" in found and "has 80" in found


def test_a_wrapped_label_without_room_for_its_lines_is_seen(plain, qtbot):
    plain.wrapped.setFixedHeight(12)
    qtbot.wait(10)
    [found] = walk.problems(plain, SCREEN)
    assert "wraps to" in found


def test_a_squeezed_button_and_check_box_are_seen(plain, qtbot):
    plain.button.setFixedWidth(30)
    plain.check.setFixedWidth(30)
    qtbot.wait(10)
    found = walk.problems(plain, SCREEN)
    assert len(found) == 2 and "'End session' needs" in found[0] and "'Remember'" in found[1]


def test_text_cut_with_an_ellipsis_is_seen_unless_cut_on_purpose(plain, qtbot):
    plain.button.setText("K-07 · session 3 · 12 M…")
    plain.button.setToolTip("K-07 · session 3 · 12 Mar 2025, 14:02")
    assert any("ellipsis" in f for f in walk.problems(plain, SCREEN))
    plain.button.setProperty("elides", True)
    assert walk.problems(plain, SCREEN) == []
    plain.button.setText("Settings…")  # an ellipsis that says a dialog follows
    plain.button.setProperty("elides", False)
    assert walk.problems(plain, SCREEN) == []


def test_a_widget_outside_its_parent_and_a_window_past_the_screen_are_seen(plain, qtbot):
    stray = QLabel("x", plain)
    stray.setGeometry(230, 10, 40, 20)  # half past the window's right edge
    stray.show()
    found = walk.problems(plain, QRect(0, 0, 200, 1000))
    assert any("goes past the screen" in f for f in found)
    assert any("sticks out of its parent" in f for f in found)
