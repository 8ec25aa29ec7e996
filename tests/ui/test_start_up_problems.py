"""Whatever is wrong with the database at start-up, Attune opens a calm window that says what
and where, leaves the file untouched, and offers the newest good backup or to quit; with no
window to open, it says why in a dialog instead of ending without a word."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from attune_companion import backup
from attune_companion.clock import FakeClock
from attune_companion.errors import CorruptDatabase
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.shell.backup_offers import latest_good_backup, newer_backup_offer
from attune_companion_ui.shell.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def record_sessions(db_path, codes: list[str], *, back_up: bool = True) -> None:
    with Store.open(db_path) as store:
        for code in codes:
            Recorder.start(store, default_scheme(), FakeClock(), code).end()
        if back_up:
            backup.make_backup(store)


def text_of(panel) -> str:
    return panel.findChild(QLabel).text() if panel.isVisible() else ""


def shown_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()]


def test_a_database_path_under_a_file_is_explained_in_the_window(run_main, tmp_path, qtbot):
    """An OSError opening the store (here the parent 'folder' is a file) used to end the app
    with exit 1 and no window."""
    (tmp_path / "notafolder").write_text("")
    db_path = tmp_path / "notafolder" / "attune.db"
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        seen.append(text_of(page.problem))
        assert not page.start_button.isEnabled()
        assert page.quit_button.isVisible() and not page.restore_offer.isVisible()
        qtbot.mouseClick(page.quit_button, LEFT)
        assert not window.isVisible(), "Quit closes Attune"

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert str(db_path) in seen[0] and "could not be opened" in seen[0]
    assert "--db" in seen[0] and "ATTUNE_DB" in seen[0]


def test_a_damaged_row_read_at_start_up_offers_the_backup_without_holding_the_lock(
    run_main, db_path, monkeypatch, qtbot
):
    """The store opens, but a row read for the start page is damaged: a window still opens,
    the store is closed (a restore needs its lock) and the newest good backup is offered."""
    record_sessions(db_path, ["K-07"])

    def damaged(self, *_args):
        raise CorruptDatabase(f"{db_path}: session 1 is damaged (its checksum does not match).")

    monkeypatch.setattr(Store, "interrupted_sessions", damaged)
    before = db_path.read_bytes()
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        seen.append(text_of(page.problem))
        seen.append(text_of(page.restore_offer))
        assert window.store is None and not page.start_button.isEnabled()
        with Store.open(db_path):  # nobody holds the database now
            pass
        assert db_path.read_bytes() == before, "nothing is touched before the user asks"

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert "session 1 is damaged" in seen[0]
    assert "newest backup that passes its check" in seen[1]
    assert backup.backups(db_path)[0].name in seen[1] and "1 session" in seen[1]


def test_the_backup_offered_is_the_newest_that_passes_its_check(db_path, tmp_path) -> None:
    record_sessions(db_path, ["K-07"])
    good = backup.backups(db_path)[0]
    broken = good.with_name(f"{db_path.stem}-99991231-235959.db")
    broken.write_bytes(b"\0not a database" * 512)  # newer by name, and damaged
    assert backup.backups(db_path)[0] == broken

    offer = latest_good_backup(db_path)
    assert offer is not None and (offer.path, offer.sessions) == (good, 1)
    assert latest_good_backup(tmp_path / "other.db") is None


def test_a_damaged_database_with_no_good_backup_says_so(run_main, db_path, qtbot):
    db_path.write_bytes(b"\0garbage" * 4096)
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        seen.append(text_of(page.problem))
        seen.append(page.message.text())
        assert not page.restore_offer.isVisible() and page.quit_button.isVisible()

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert str(db_path) in seen[0] and "untouched" in seen[0]
    assert "No backup of this database passes its check" in seen[1]


def test_a_window_that_cannot_be_built_is_explained_in_a_dialog(
    run_main, db_path, monkeypatch
) -> None:
    """The last resort: under pythonw an error before the first window left no trace."""
    from attune_companion_ui.shell import app

    said: list[str] = []

    def broken(*_args, **_kwargs):
        raise RuntimeError("the window could not be built")

    monkeypatch.setattr(app, "MainWindow", broken)
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    monkeypatch.setattr("sys.excepthook", lambda *_exc: None)  # pythonw: no stderr
    assert app.main(["--db", str(db_path)]) == 1
    assert said == ["Attune could not start: something went wrong (RuntimeError: the window "
                    "could not be built). No session was started."]
    with Store.open(db_path):  # the database was closed on the way out
        pass


# -- a database that opens with fewer sessions than its newest backup ----------------------


def lose_the_newest_sessions(db_path) -> None:
    """The database as a copy made without its -wal would be: older than its backup."""
    record_sessions(db_path, ["K-07"], back_up=False)
    early = db_path.with_name("early.db")
    with Store.open(db_path) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(db_path, early)
    record_sessions(db_path, ["K-08", "K-09"])  # backed up with all three sessions
    shutil.copy2(early, db_path)
    early.unlink()


def test_newer_backup_offer_compares_the_session_counts(db_path) -> None:
    record_sessions(db_path, ["K-07"])
    with Store.open(db_path) as store:
        assert newer_backup_offer(store) is None, "the backup holds no more than the database"
    db_path.unlink()
    lose_the_newest_sessions(db_path)
    with Store.open(db_path) as store:
        found = newer_backup_offer(store)
    assert found is not None
    offer, held = found
    assert (offer.sessions, held) == (3, 1)
    assert offer.path == backup.backups(db_path)[0]


def test_a_database_with_fewer_sessions_than_its_backup_offers_the_backup(
    run_main, db_path, qtbot
):
    lose_the_newest_sessions(db_path)
    thin = db_path.read_bytes()
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        qtbot.waitUntil(page.restore_offer.isVisible)  # checked after the first frame
        seen.append(text_of(page.restore_offer))
        assert page.start_button.isEnabled(), "the database is usable: the offer blocks nothing"
        qtbot.mouseClick(page.restore_button, LEFT)
        [restored] = shown_windows()
        assert restored is not window and restored.store is not None
        assert sorted(s.client_code for s in restored.store.sessions()) == [
            "K-07", "K-08", "K-09"]
        seen.append(text_of(restored.start_page.notices))
        qtbot.wait(10)
        assert not restored.start_page.restore_offer.isVisible(), "nothing more to offer"
        restored.close()

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert "holds 1 session(s), but its newest backup" in seen[0] and "3 sessions" in seen[0]
    assert "Restored" in seen[1] and "kept as attune-replaced-" in seen[1]
    [kept] = db_path.parent.glob("attune-replaced-*.db")
    assert kept.read_bytes() == thin, "the database as it was is kept, untouched"


def test_the_offer_is_withdrawn_once_a_session_is_recorded(run_main, db_path, qtbot):
    lose_the_newest_sessions(db_path)

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        qtbot.waitUntil(page.restore_offer.isVisible)
        page.code.setEditText("K-10")
        qtbot.mouseClick(page.start_button, LEFT)
        window.controller.end()
        window.show_start()
        assert not page.restore_offer.isVisible()

    assert run_main(["--db", str(db_path)], inspect) == 0


def test_a_database_in_a_sync_folder_is_warned_of_without_blocking(run_main, tmp_path, qtbot):
    db_path = tmp_path / "OneDrive - Contoso Health" / "attune.db"
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        page = window.start_page
        seen.append(text_of(page.notices))
        assert page.start_button.isEnabled() and not page.problem.isVisible()

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert str(db_path) in seen[0] and "synced by OneDrive" in seen[0]
    assert "close Attune" in seen[0] and "ATTUNE_DB" in seen[0]


def test_a_window_that_cannot_be_rebuilt_after_a_restore_is_explained(
    run_main, db_path, monkeypatch, qtbot
):
    """Never an app left running with no window to close."""
    from attune_companion_ui.shell import app

    record_sessions(db_path, ["K-07"])
    db_path.write_bytes(b"\0garbage" * 4096)
    said: list[str] = []
    exits: list[int] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: said.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    monkeypatch.setattr("sys.excepthook", lambda *_exc: None)

    def inspect(window: MainWindow) -> None:
        def broken(*_args, **_kwargs):
            raise RuntimeError("the window could not be built")

        monkeypatch.setattr(app, "MainWindow", broken)
        qtbot.mouseClick(window.start_page.restore_button, LEFT)
        assert shown_windows() == []

    assert run_main(["--db", str(db_path)], inspect) == 0
    assert exits == [1] and "could not start" in said[0]
    with Store.open(db_path) as restored:  # the backup was restored, and nothing holds it
        assert [s.client_code for s in restored.sessions()] == ["K-07"]
