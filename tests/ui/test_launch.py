"""`attune` loads with the garbage collector paused and resumes it once the window is up.

Paused for good, a 3-hour session would keep every cycle it ever made; never paused, start-up
pays ~25 ms of sweeps over objects that live as long as the app.
"""

from __future__ import annotations

import gc
import linecache
from collections.abc import Iterator

import pytest

from attune_companion_ui.shell import app, launch


@pytest.fixture
def collector_restored() -> Iterator[None]:
    yield
    gc.enable()


def test_the_collector_is_paused_while_attune_loads(monkeypatch, collector_restored) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(app, "main", lambda: seen.append(gc.isenabled()) or 0)

    assert launch.main() == 0
    assert seen == [False]


def test_the_collector_runs_again_once_the_first_frame_is_up(
    run_main, db_path, qtbot, collector_restored
) -> None:
    gc.disable()  # as attune_companion_ui.shell.launch leaves it

    def inspect(window) -> None:
        assert window.isVisible()
        qtbot.waitUntil(gc.isenabled, timeout=5000)

    assert run_main(["--db", str(db_path)], inspect) == 0


def test_start_up_lets_go_of_the_module_sources_pyside_read(
    run_main, db_path, qtbot, collector_restored
) -> None:
    """PySide6 reads each module's whole source into `linecache` as it is imported (its
    `__feature__` check): 465 files in a running window, 13 MB of its memory, kept for
    nothing."""
    linecache.getlines(app.__file__)  # as PySide6's import hook left it
    assert app.__file__ in linecache.cache
    gc.disable()  # as attune_companion_ui.shell.launch leaves it

    def inspect(window) -> None:
        qtbot.waitUntil(gc.isenabled, timeout=5000)
        assert app.__file__ not in linecache.cache

    assert run_main(["--db", str(db_path)], inspect) == 0
