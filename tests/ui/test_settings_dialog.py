"""The settings dialog: preferences round-trip through QSettings, keys refuse clashes naming
the action, the scheme is validated before it is written, and it applies from the next
session. Nothing here blocks: the dialog is opened, not exec'd."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QKeySequenceEdit, QProxyStyle, QStyle

from attune_companion.scheme import default_scheme, load_scheme
from attune_companion_ui.shell.settings import Settings
from attune_companion_ui.shell.settings_dialog import SettingsDialog, open_settings

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def scheme_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "scheme.json"


@pytest.fixture
def dialog(qtbot, settings, scheme_path):
    made = SettingsDialog(settings, default_scheme(), scheme_path)
    qtbot.addWidget(made)
    made.show()
    yield made
    made.close()


def row_of(table, action: str) -> int:
    return next(r for r in range(table.rowCount())
                if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == action)


def test_preferences_round_trip_through_qsettings(dialog, tmp_path):
    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.window_minutes.setCurrentIndex(dialog.window_minutes.findData(0))
    dialog.no_focus_compact.setChecked(False)
    dialog.no_focus_window.setChecked(True)
    dialog.global_keys.setChecked(True)
    table = dialog.hotkey_table
    table.item(row_of(table, "repair"), 1).setText("Ctrl+Alt+9")
    assert dialog.save()

    again = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.theme == "light" and again.window_minutes is None
    assert (again.no_focus_compact, again.no_focus_window, again.global_hotkeys) == (
        False, True, True)
    assert again.hotkey_bindings["repair"] == "Ctrl+Alt+9"
    assert "K-07" not in Path(tmp_path / "settings.ini").read_text()


def test_follow_the_system_is_kept_as_a_choice_and_resolved_to_a_theme(dialog, settings):
    dialog.theme.setCurrentIndex(dialog.theme.findData("system"))
    dialog.save()
    assert settings.theme_choice == "system" and settings.theme in ("dark", "light")


def test_a_key_clash_is_refused_naming_the_action_that_has_it(dialog):
    keys = dialog.keys
    row = row_of(keys, "client:dorsal")
    keys.set_key(row, "1")
    assert keys.item(row, 1).text() == "3"
    assert dialog.problem.isVisible() and "already Ventral (client)" in dialog.problem.text()

    keys.set_key(row, "b")
    assert keys.item(row, 1).text() == "3" and "privacy blank" in dialog.problem.text()

    keys.set_key(row, "k")
    assert keys.item(row, 1).text() == "K"
    assert {a: k for a, _t, k in dialog.draft.key_rows()}["client:dorsal"] == "K"


def key_editor(table, row: int) -> QKeySequenceEdit:
    """Open the global-key cell of `row` for editing; its editor (closed ones linger a while)."""
    table.editItem(table.item(row, 1))
    [editor] = [e for e in table.findChildren(QKeySequenceEdit) if e.isVisible()]
    return editor


def test_a_global_key_is_set_by_pressing_it_and_removed_with_backspace(dialog, qtbot):
    table = dialog.hotkey_table
    row = row_of(table, "repair")
    editor = key_editor(table, row)
    assert editor.keySequence().toString() == "Ctrl+Alt+F"
    qtbot.keyClick(editor, Qt.Key.Key_7,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: table.item(row, 1).text() == "Ctrl+Alt+7")
    assert dialog.hotkey_bindings()["repair"] == "Ctrl+Alt+7"
    qtbot.keyClick(key_editor(table, row), Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: table.item(row, 1).text() == "")
    assert "repair" not in dialog.hotkey_bindings()


def test_a_pressed_key_without_a_modifier_is_refused(dialog, qtbot):
    table = dialog.hotkey_table
    row = row_of(table, "repair")
    qtbot.keyClick(key_editor(table, row), Qt.Key.Key_7)
    qtbot.waitUntil(lambda: "cannot be used" in dialog.problem.text())
    assert table.item(row, 1).text() == "Ctrl+Alt+F"


def test_a_duplicate_global_key_is_refused(dialog):
    table = dialog.hotkey_table
    item = table.item(row_of(table, "repair"), 1)
    item.setText("Ctrl+Alt+1")
    assert item.text() == "Ctrl+Alt+F" and "already used" in dialog.problem.text()


def test_an_invalid_scheme_is_refused_and_the_file_left_as_it_was(dialog, scheme_path):
    scheme_path.parent.mkdir()
    scheme_path.write_text(default_scheme().to_json(indent=2))
    before = scheme_path.read_bytes()
    dialog.draft.data["states"][0]["colour"] = "green"  # what no editor lets through
    assert not dialog.save()
    assert "not saved" in dialog.problem.text() and dialog.isVisible()
    assert scheme_path.read_bytes() == before


def test_scheme_edits_are_saved_as_a_valid_scheme_file(dialog, scheme_path):
    dialog.editor.blend_boxes["play"].setChecked(True)
    labels = dialog.editor.labels
    labels.item(0, 1).setText("Ventral vagal")
    dialog.editor.tag_list_choice.setCurrentIndex(2)  # repair strategies
    dialog.editor.add_button.click()
    dialog.keys.set_key(row_of(dialog.keys, "repair"), "J")
    assert dialog.save()

    saved = load_scheme(scheme_path)
    assert saved.state("play").enabled and saved.state("ventral").label == "Ventral vagal"
    assert saved.repair_key == "J" and "new_tag_10" in saved.strategy_ids()


def test_an_empty_label_is_refused_in_place(dialog):
    dialog.editor.labels.item(0, 1).setText("  ")
    assert dialog.editor.labels.item(0, 1).text() == "Ventral"
    assert "label that is not empty" in dialog.problem.text()


def test_reset_to_default_undoes_the_edits(dialog, scheme_path):
    dialog.editor.blend_boxes["freeze"].setChecked(True)
    dialog.editor.reset_button.click()
    assert not dialog.editor.blend_boxes["freeze"].isChecked()
    assert dialog.draft.data == default_scheme().raw


def test_untouched_scheme_writes_no_file(dialog, scheme_path):
    dialog.save()
    assert not scheme_path.exists()


def test_the_start_page_opens_it_and_a_saved_scheme_is_the_next_sessions(
        window, store, scheme_path, qtbot):
    qtbot.mouseClick(window.start_page.settings_button, LEFT)
    dialogs = window.findChildren(SettingsDialog)
    assert dialogs and dialogs[0].isVisible()
    dialogs[0].close()

    dialog = open_settings(window, scheme_path)
    dialog.editor.blend_boxes["stillness"].setChecked(True)
    dialog.save()
    window.start_page.code.setEditText("K-07")
    qtbot.mouseClick(window.start_page.start_button, LEFT)
    assert "client:stillness" in window.live_page.pad.buttons
    assert not window.start_page.settings_button.isVisible()  # never during a session


class _StockIcons(QProxyStyle):
    """A desktop style that hangs stock icons on a dialog's standard buttons."""

    def styleHint(self, hint, option=None, widget=None, returnData=None):  # noqa: N802
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 1
        return super().styleHint(hint, option, widget, returnData)


def test_save_and_cancel_carry_words_only_even_where_the_desktop_adds_icons(
    qtbot, settings, scheme_path
):
    app = QApplication.instance()
    style = _StockIcons("Fusion")
    app.setStyle(style)
    try:
        made = SettingsDialog(settings, default_scheme(), scheme_path)
        qtbot.addWidget(made)
        buttons = made.buttons.buttons()
        assert sorted(b.text() for b in buttons) == ["Cancel", "Save"]
        assert all(b.icon().isNull() for b in buttons)
    finally:
        app.setStyle("Fusion")


def test_what_an_optional_part_needs_is_said_without_a_command(monkeypatch):
    from attune_companion_ui.live.hotkeys import hotkey_problem
    from attune_companion_ui.supervision import media_sync

    said = [hotkey_problem({"DISPLAY": ":0"}, "linux", installed=False) or "",
            media_sync.ENABLE_HINT]
    for text in said:
        assert text and not any(word in text for word in ("pip", "install '", "apt-get", "sudo"))
        assert "whoever" in text  # who can add it
