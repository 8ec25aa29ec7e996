"""`attune` loads with the garbage collector paused and resumes it once the window is up.

Paused for good, a 3-hour session would keep every cycle it ever made; never paused, start-up
pays ~25 ms of sweeps over objects that live as long as the app.
"""

from __future__ import annotations

import gc
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
