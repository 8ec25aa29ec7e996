"""A database that stops taking writes mid-session: the window says taps are held (not
recorded), keeps them, saves them in order when it recovers, and a session's end makes a
checked backup."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from attune_companion import backup
from attune_companion.errors import TapHeld
from attune_companion.events import Kind
from attune_companion_ui.live.controller import SessionController

LEFT = Qt.MouseButton.LeftButton


def kinds(store) -> list[Kind]:
    return [e.kind for e in store.events(store.sessions()[0].id)]


def test_held_taps_are_shown_as_not_saved_then_saved_in_order(live, store, clock, qtbot):
    page = live.live_page
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    store.db.execute("PRAGMA query_only = ON")  # the database refuses writes from now on
    clock.advance(5)
    qtbot.mouseClick(page.pad.buttons["rupture"], LEFT)
    clock.advance(5)
    qtbot.mouseClick(page.pad.buttons["client:dorsal"], LEFT)
    assert kinds(store) == [Kind.CLIENT]
    assert "Not saved yet" in page.status.text() and "holding 2 taps" in page.status.text()
    assert "keep this window open" in page.status.text(), "the window adds what to do"
    assert page.status.property("tone") == "held"
    assert "✓" not in page.pad.buttons["client:dorsal"].text(), "a held tap is not lit"
    live.controller.retry_held()  # the timer's retry, while the database still refuses
    assert "holding 2 taps" in page.status.text()

    store.db.execute("PRAGMA query_only = OFF")
    assert live.controller.retry_held()
    assert kinds(store) == [Kind.CLIENT, Kind.RUPTURE, Kind.CLIENT]
    assert page.status.property("tone") == "recorded"
    assert live.controller.recorder.state.current("client") == "dorsal"
    assert page.plot.rupture_spans(), "the saved rupture is drawn"


@pytest.fixture
def quick_retry(monkeypatch) -> None:
    """The window's own retry timer, firing every 20 ms instead of every 2 s (request before
    the window)."""
    monkeypatch.setattr(SessionController, "RETRY_MS", 20)


def test_the_windows_retry_timer_saves_held_taps_once_the_disk_has_room(
    quick_retry, live, store, clock, monkeypatch, qtbot
):
    """Nothing here calls retry_held(): only the timer the window started can save them."""
    page = live.live_page

    def disk_full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "append", disk_full)
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    clock.advance(5)
    qtbot.mouseClick(page.pad.buttons["rupture"], LEFT)
    assert "the disk is full" in page.status.text() and "holding 2 taps" in page.status.text()
    qtbot.wait(60)  # the timer fires while the disk is still full: still held, nothing lost
    assert live.controller.held_count == 2 and page.pad.lit_names() == []

    monkeypatch.undo()  # the disk has room again
    qtbot.waitUntil(lambda: live.controller.held_count == 0, timeout=2000)
    assert kinds(store) == [Kind.CLIENT, Kind.RUPTURE]
    assert page.status.property("tone") == "recorded"
    assert page.pad.lit_names() == ["client:ventral", "rupture"]
    assert page.plot.rupture_spans(), "the saved rupture is drawn"


def test_any_reason_the_core_holds_taps_for_is_said_in_the_window(live, monkeypatch, qtbot):
    """The held-taps line shows the core's sentence as it is, so a new reason (the data
    folder gone mid-session) reaches the clinician with no change here."""
    page = live.live_page

    def folder_gone(*_args, **_kwargs):
        raise TapHeld("the data folder was removed; Attune will recreate it", 1)

    monkeypatch.setattr(live.controller.recorder, "client", folder_gone)
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    assert page.status.text().startswith("Not saved yet: the data folder was removed;")
    assert page.status.property("tone") == "held" and page.pad.lit_names() == []
    live.beside.set_compact(True)
    qtbot.mouseClick(live.beside.compact.pad.buttons["client:ventral"], LEFT)
    assert live.beside.compact.status.text() == page.status.text()


def test_closing_with_held_taps_asks_for_a_second_close(live, store, clock, qtbot):
    page = live.live_page
    store.db.execute("PRAGMA query_only = ON")
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    assert not live.close(), "the first close keeps the window and the held tap"
    assert "would be lost" in page.status.text()
    store.db.execute("PRAGMA query_only = OFF")
    assert live.close(), "once saved, closing goes ahead"
    assert Kind.CLIENT in kinds(store)


def test_ending_a_session_keeps_a_checked_backup(live, store, db_path, clock, qtbot):
    page = live.live_page
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    clock.advance(60)
    with qtbot.waitSignal(live.controller.backupFinished, timeout=10_000):
        live.controller.end()
    made = backup.backups(db_path)
    assert len(made) == 1 and live.controller.backup_problem is None
    from attune_companion.store import Store

    with Store.open(made[0], readonly=True) as copy:
        assert [e.kind for e in copy.events(1)] == [Kind.CLIENT, Kind.END]


def test_a_damaged_database_offers_its_latest_backup_and_restores_it(run_main, db_path, qtbot):
    from PySide6.QtWidgets import QApplication, QLabel

    from attune_companion.clock import FakeClock
    from attune_companion.recorder import Recorder
    from attune_companion.scheme import default_scheme
    from attune_companion.store import Store
    from attune_companion_ui.shell.main_window import MainWindow

    with Store.open(db_path) as store:
        Recorder.start(store, default_scheme(), FakeClock(), "K-07").end()
        backup.make_backup(store)
    db_path.write_bytes(b"\0garbage" * 4096)  # the database is damaged beyond reading
    damaged = db_path.read_bytes()
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        assert page.problem.isVisible() and page.restore_button.isVisible()
        assert db_path.read_bytes() == damaged, "nothing is touched before the user asks"
        qtbot.mouseClick(page.restore_button, LEFT)
        [restored] = [w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible()]
        assert restored is not window and restored.store is not None
        assert [s.client_code for s in restored.store.sessions()] == ["K-07"]
        seen.append(restored.start_page.notices.findChild(QLabel).text())
        restored.close()

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert "Restored" in seen[0] and "database it replaced is kept" in seen[0]
    kept = list(db_path.parent.glob("attune-replaced-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged


def test_a_deleted_data_folder_is_said_and_every_tap_kept(live, store, db_path, qtbot):
    page = live.live_page
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    for gone in db_path.parent.glob(db_path.name + "*"):
        gone.unlink()  # the database and its -wal, -shm and lock: as if the folder went
    qtbot.mouseClick(page.pad.buttons["client:dorsal"], LEFT)
    assert "the data folder was deleted or moved" in page.status.text()
    assert page.status.property("tone") == "held"
    assert live.controller.retry_held()
    assert db_path.exists() and kinds(store) == [Kind.CLIENT, Kind.CLIENT]
    assert page.status.property("tone") == "recorded"
