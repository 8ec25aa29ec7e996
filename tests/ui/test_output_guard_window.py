"""The window's save dialogs cannot put an export, a report or a bundle over the database it
has open, a backup, or a folder: the refusal is a calm line on the page, never a dialog, and
the database file stays the one the window writes to. `attune-cli report` refuses the same,
and the window refuses an empty `--db` rather than quietly opening the default database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from attune_companion.demo import make_demo_session
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion_ui.shell import cli_main
from attune_companion_ui.supervision.history_controller import HistoryController
from attune_companion_ui.supervision.history_page import HistoryPage
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.review.review_controller import ReviewController
from attune_companion_ui.review.review_page import ReviewPage


@pytest.fixture
def session_id(store: Store, scheme: Scheme) -> int:
    return make_demo_session(store, scheme)


def choose_in_save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The save dialog answers `path` at once (nothing blocks)."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def exports_audited(store: Store, session_id: int) -> int:
    return sum(a["action"] in ("export", "bundle") for a in store.audit_log(session_id))


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_the_review_refuses_to_export_over_its_database(qtbot, monkeypatch, store, session_id,
                                                         db_path, fmt):
    page = ReviewPage(ReviewController(store), DARK)
    qtbot.addWidget(page)
    page.show_session(session_id)
    choose_in_save_dialog(monkeypatch, db_path)
    inode = os.stat(db_path).st_ino

    page._export_clicked(fmt)

    text = page.message.text()
    assert not page.message.isHidden() and page.message.property("tone") == "refused"
    assert text == (f"Nothing was written to {db_path}: it is Attune's database. "
                    "Choose another file.")
    assert os.stat(db_path).st_ino == inode, "the open database is still the file on disk"
    assert exports_audited(store, session_id) == 0
    store.set_rating(session_id, "alliance", 5)  # the window keeps writing, into the real file
    with Store.open(db_path, readonly=True) as reader:
        assert reader.ratings(session_id).get("alliance") == 5
    assert QApplication.activeModalWidget() is None


def test_the_review_refuses_a_backup_and_a_folder(qtbot, monkeypatch, store, session_id, db_path):
    page = ReviewPage(ReviewController(store), DARK)
    qtbot.addWidget(page)
    page.show_session(session_id)
    backups = db_path.parent / "backups"
    backups.mkdir(exist_ok=True)  # the session's end made its backup there
    kept = sorted(backups.iterdir())
    for target, why in [(backups / "attune-20250101-000000.db", "backups folder"),
                        (db_path.parent, "it is a folder")]:
        choose_in_save_dialog(monkeypatch, target)
        page._export_clicked("json")
        assert why in page.message.text()
    assert sorted(backups.iterdir()) == kept


def test_the_history_refuses_a_bundle_over_the_database(qtbot, monkeypatch, store, session_id,
                                                        db_path):
    page = HistoryPage(HistoryController(store))
    qtbot.addWidget(page)
    page.reload()
    page.table.selectRow(0)
    choose_in_save_dialog(monkeypatch, db_path.with_name(db_path.name + "-wal"))
    inode = os.stat(db_path).st_ino

    page.export_selected()

    assert page.message.objectName() == "error"
    assert "one of the files of Attune's database" in page.message.text()
    assert os.stat(db_path).st_ino == inode and exports_audited(store, session_id) == 0


def test_attune_cli_report_refuses_the_database(qtbot, store, session_id, db_path, capsys):
    store.close()  # as when the window is closed
    before = db_path.read_bytes()
    code = cli_main.main(["--db", str(db_path), "report", str(session_id), "--format", "html",
                          "-o", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "Nothing was written to" in err and "Attune's database" in err
    assert db_path.read_bytes() == before


def test_attune_cli_report_refuses_standard_output(qtbot, store, session_id, db_path, capsys,
                                                   tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = cli_main.main(["--db", str(db_path), "report", str(session_id), "--format", "pdf",
                          "-o", "-"])
    assert code == 2 and "standard output" in capsys.readouterr().err
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("blank", ["", " "])
def test_the_window_refuses_an_empty_db_path_instead_of_opening_the_default(capsys, blank):
    from attune_companion_ui.shell import app

    with pytest.raises(SystemExit) as stop:
        app.parse_args(["--db", blank])
    assert stop.value.code == 2 and "path given is empty" in capsys.readouterr().err
