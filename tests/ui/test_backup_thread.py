"""The backup after a session is made on a thread of its own: the end of the session never
waits for it, the copy is whole, a session ending meanwhile is backed up too, and closing
the window finishes it rather than cutting it off.

How long the window may stall while a backup runs is benchmarks/practice_years.py's.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from attune_companion import backup
from attune_companion.events import Kind
from attune_companion.store import Store
from attune_companion_ui.live import backup_worker

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def gate(monkeypatch):
    """Backups wait for `gate.set()`; `gate.threads` are the threads they ran on."""
    opened = threading.Event()
    opened.threads = []  # type: ignore[attr-defined]
    real = backup_worker.back_up_file

    def held(*args, **kwargs):
        opened.threads.append(threading.get_ident())  # type: ignore[attr-defined]
        assert opened.wait(20), "the test never let the backup go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(backup_worker, "back_up_file", held)
    return opened


def end_session(window, clock, qtbot) -> int:
    page = window.live_page
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    clock.advance(60)
    session_id = window.controller.recorder.session.id
    assert window.controller.end()
    return session_id


def test_the_end_of_a_session_does_not_wait_for_its_backup(live, store, db_path, clock,
                                                           qtbot, gate):
    session_id = end_session(live, clock, qtbot)
    assert live.stack.currentWidget() is live.review_page, "the review is shown at once"
    assert backup.backups(db_path) == [], "the backup is still being made"
    qtbot.mouseClick(live.review_page.back_button, LEFT)  # the window takes input meanwhile
    assert live.stack.currentWidget() is live.start_page

    with qtbot.waitSignal(live.controller.backupFinished, timeout=20_000) as done:
        gate.set()
    assert done.args == [""] and live.controller.backup_problem is None
    assert gate.threads and threading.get_ident() not in gate.threads, "off the GUI thread"
    [made] = backup.backups(db_path)
    with Store.open(made, readonly=True) as copy:
        assert copy.events(session_id) == store.events(session_id)
        assert [e.kind for e in copy.events(session_id)] == [Kind.CLIENT, Kind.END]
        assert copy.verify() == []


def test_a_session_ending_during_a_backup_gets_one_after_it(live, store, db_path, clock,
                                                            qtbot, gate):
    end_session(live, clock, qtbot)
    live.start_page.code.setEditText("M-12")
    qtbot.mouseClick(live.start_page.start_button, LEFT)
    second = end_session(live, clock, qtbot)
    with qtbot.waitSignal(live.controller.backupFinished, timeout=20_000):
        gate.set()
    assert len(gate.threads) == 2, "one backup after the other"
    with Store.open(backup.backups(db_path)[0], readonly=True) as copy:
        assert [e.kind for e in copy.events(second)] == [Kind.CLIENT, Kind.END]


def test_closing_the_window_finishes_the_backup_under_way(live, db_path, clock, qtbot, gate):
    session_id = end_session(live, clock, qtbot)
    release = threading.Timer(0.2, gate.set)  # the copy goes on while the window closes
    release.start()
    try:
        assert live.close()
    finally:
        release.cancel()
    [made] = backup.backups(db_path)
    with Store.open(made, readonly=True) as copy:
        assert [e.kind for e in copy.events(session_id)] == [Kind.CLIENT, Kind.END]
