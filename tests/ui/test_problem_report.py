"""Reporting a problem: `attune --version`, the About box (version, where the files are, system
details to copy), the app's name, version, icon and desktop entry, and a log that records an
error in a Qt slot without a trace of the client (a canary code and note)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from attune_companion import about, paths
from attune_companion_ui.shell import app as app_module
from attune_companion_ui.shell.about_dialog import AboutDialog
from attune_companion_ui.shell.identity import ICON_SIZES

CANARY = "CANARY-7Q"
ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"


def test_attune_version_prints_the_version(capsys):
    with pytest.raises(SystemExit) as done:
        app_module.parse_args(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"attune {about.version()} (attune-companion)"
    assert about.version()[0].isdigit()


def test_the_about_box_says_where_everything_is(window, qtbot, db_path, settings):
    qtbot.mouseClick(window.start_page.about_button, Qt.MouseButton.LeftButton)
    [dialog] = [w for w in QApplication.topLevelWidgets()
                if isinstance(w, AboutDialog) and w.isVisible()]
    try:
        assert not dialog.isModal()
        assert dialog.locations["Database"] == str(db_path)
        assert dialog.locations["Data folder"] == str(paths.data_dir())
        assert dialog.locations["Settings"] == settings.location
        assert dialog.locations["Coding scheme"] == str(paths.user_scheme_path())
        assert about.version() in dialog.findChild(type(dialog.copied), "pageTitle").text()
    finally:
        dialog.close()


def test_icons_are_drawn_at_every_size_desktops_ask_for():
    for size in ICON_SIZES:
        assert QImage(str(ICONS / f"attune-{size}.png")).size() == QSize(size, size)
    assert (ICONS / "attune.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.qt_no_exception_capture  # the app's own hooks meet the error, as in real use
def test_an_error_in_a_slot_is_logged_without_the_client(run_main, db_path, qtbot, tmp_path):
    """A session for a client whose code and note hold a canary; then a slot raises an error
    whose message quotes the code. The log has the error's type and place, the About box's
    details the versions; neither has the canary."""
    copied: list[str] = []

    def inspect(window) -> None:
        app = QGuiApplication.instance()
        assert app.applicationVersion() == about.version()
        assert app.desktopFileName() == "attune"
        assert app.organizationName() == "attune"
        assert {s.width() for s in app.windowIcon().availableSizes()} >= {16, 48, 256}

        window.start_page.code.setEditText(CANARY)
        qtbot.mouseClick(window.start_page.start_button, Qt.MouseButton.LeftButton)
        controller = window.controller
        assert controller.tap_client("sympathetic")
        assert controller.note("note", f"{CANARY} said her sister's name")

        def slot_that_fails() -> None:
            raise RuntimeError(f"could not draw {controller.recorder.session.client_code}")

        QTimer.singleShot(0, slot_that_fails)
        qtbot.wait(50)
        assert controller.end()

        window.show_start()
        window.open_about()
        [dialog] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, AboutDialog) and w.isVisible()]
        dialog.copy_button.click()
        copied.append(QGuiApplication.clipboard().text())
        dialog.close()

    assert run_main(["--db", str(db_path)], inspect) == 0
    log = (tmp_path / "log" / "attune.log").read_text(encoding="utf-8")
    assert f"attune {about.version()} started (Python " in log
    assert "uncaught RuntimeError" in log and "slot_that_fails" in log
    assert log.rstrip().endswith("INFO stopped")
    assert CANARY not in log
    assert CANARY not in (tmp_path / "log" / "faults.log").read_text(encoding="utf-8")
    [details] = copied
    assert f"Attune: {about.version()}" in details and "Qt: " in details
    assert "Screen 1: " in details
    assert CANARY not in details
