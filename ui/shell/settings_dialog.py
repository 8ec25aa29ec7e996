"""The settings dialog: appearance, the plot's window, focus, global keys, keys and the scheme.

A normal dialog, offered on the start page only (never during a session). Preferences are
kept with QSettings (no client data); the coding scheme is saved as the user's scheme file,
validated first, so an invalid edit is refused in place and the file stays as it was. A new
scheme applies to the next session; a live one keeps the scheme it started with.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from attune_companion import paths
from attune_companion.errors import SchemeError
from attune_companion.scheme import Scheme, default_scheme
from attune_companion_ui.live.hotkeys import (
    BLANK_ACTION,
    DEFAULT_BINDINGS,
    darwin_note,
    hotkey_problem,
    to_pynput,
)
from attune_companion_ui.shell.scheme_editor import KeyTable, SchemeDraft, SchemeEditor
from attune_companion_ui.shell.settings import Settings

if TYPE_CHECKING:
    from attune_companion_ui.shell.main_window import MainWindow

THEMES = (("Dark (low glare)", "dark"), ("Light", "light"), ("Follow the system", "system"))
WINDOWS = (("Last 5 minutes", 5), ("Last 10 minutes", 10), ("Last 20 minutes", 20),
           ("Whole session", 0))


class SettingsDialog(QDialog):
    """Edits `settings` and a draft of `scheme`; `saved(Scheme)` after Save wrote both."""

    saved = Signal(object)

    def __init__(self, settings: Settings, scheme: Scheme, scheme_path: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Attune settings")
        self.setAccessibleName("Attune settings")
        self._settings = settings
        self._scheme = scheme
        self._path = scheme_path
        self.draft = SchemeDraft(scheme.raw)

        self.theme = _combo("Appearance", THEMES, settings.theme_choice)
        self.window_minutes = _combo("Plot shows", WINDOWS, settings.window_minutes or 0)
        self.no_focus_compact = _check(
            "Strip leaves the keyboard to the call",
            "The compact strip never takes the keyboard from the video call.",
            settings.no_focus_compact)
        self.no_focus_window = _check(
            "Window leaves the keyboard to the call",
            "The full window never takes the keyboard during a session; its keys and note "
            "field then work only through global keys.", settings.no_focus_window)
        self.global_keys = _check("Global keys", "Tap while the video call has focus.",
                                  settings.global_hotkeys)
        problem = hotkey_problem()
        self.hotkey_status = QLabel(problem or darwin_note() or
                                    "Global keys can work here. Only these combinations are "
                                    "listened for; no other key is seen or kept.")
        self.hotkey_status.setObjectName("warning" if problem else "hint")
        self.hotkey_status.setAccessibleName("Global keys status")
        self.hotkey_status.setWordWrap(True)
        titles = {action: title for action, title, _key in self.draft.key_rows()}
        titles[BLANK_ACTION] = "Privacy blank"
        self.hotkey_table = _hotkey_table(settings.hotkey_bindings or DEFAULT_BINDINGS, titles)
        self.hotkey_table.itemChanged.connect(self._hotkey_edited)

        general = QWidget()
        form = QFormLayout(general)
        form.addRow("Appearance", self.theme)
        form.addRow("Plot shows", self.window_minutes)
        for box in (self.no_focus_compact, self.no_focus_window, self.global_keys):
            form.addRow(box)
            form.addRow(_hint_for(box))
        form.addRow(self.hotkey_status)
        form.addRow(self.hotkey_table)

        self.keys = KeyTable(self.draft)
        self.keys.refused.connect(self.show_problem)
        self.editor = SchemeEditor(self.draft)
        self.editor.refused.connect(self.show_problem)
        self.editor.resetRequested.connect(self.reset_scheme)
        keys_page = QWidget()
        keys_layout = QVBoxLayout(keys_page)
        hint = QLabel("One key per tap, used in the window. Z, B, P, Space and Esc are kept by "
                      "the window. Changes apply from the next session.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        keys_layout.addWidget(hint)
        keys_layout.addWidget(self.keys)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Settings sections")
        # Each section scrolls inside the dialog rather than widening it past a side screen.
        for page, name in ((general, "General"), (keys_page, "Keys"),
                           (self.editor, "Coding scheme")):
            self.tabs.addTab(_scrolling(page), name)
        self.problem = QLabel(self)
        self.problem.setObjectName("warning")
        self.problem.setAccessibleName("Settings problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        # Buttons of our own, not standard ones: a desktop theme hangs its stock icons on those.
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("Cancel",
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setAccessibleName("Save settings")
        self.cancel_button.setAccessibleName("Cancel")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(640, 620)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.resize(min(640, screen.width()), min(620, screen.height()))

    def show_problem(self, text: str) -> None:
        """Say in place why an edit was not taken (nothing pops up)."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def reset_scheme(self) -> None:
        """Start the draft again from the default scheme (saved only with Save)."""
        self.draft = SchemeDraft(default_scheme().raw)
        self.keys.fill(self.draft)
        self.editor.fill(self.draft)
        self.show_problem("The coding scheme is back to the default; Save keeps it.")

    def hotkey_bindings(self) -> dict[str, str]:
        table = self.hotkey_table
        return {table.item(r, 0).data(Qt.ItemDataRole.UserRole): table.item(r, 1).text().strip()
                for r in range(table.rowCount()) if table.item(r, 1).text().strip()}

    def _hotkey_edited(self, item: QTableWidgetItem) -> None:
        combo = item.text().strip()
        problem = ""
        try:
            if combo:
                to_pynput(combo)
        except ValueError as exc:
            problem = f"That global key cannot be used: {exc}."
        others = [c.lower() for n, c in self.hotkey_bindings().items()
                  if n != self.hotkey_table.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)]
        if combo and combo.lower() in others:
            problem = f"{combo} is already used by another global key."
        if problem:
            self.hotkey_table.blockSignals(True)
            item.setText(item.data(Qt.ItemDataRole.UserRole) or "")
            self.hotkey_table.blockSignals(False)
        else:
            item.setData(Qt.ItemDataRole.UserRole, combo)
        self.show_problem(problem)

    def save(self) -> bool:
        """Write the scheme (if edited) and the preferences; refuse in place if invalid."""
        scheme = self._scheme
        if self.draft.data != scheme.raw:
            try:
                scheme = self.draft.save(self._path)
            except SchemeError as exc:
                self.show_problem(f"The coding scheme was not saved: {exc}")
                return False
            except OSError as exc:
                self.show_problem(f"The coding scheme could not be written ({exc}).")
                return False
        s = self._settings
        s.theme = self.theme.currentData()
        s.window_minutes = self.window_minutes.currentData() or None
        s.no_focus_compact = self.no_focus_compact.isChecked()
        s.no_focus_window = self.no_focus_window.isChecked()
        s.global_hotkeys = self.global_keys.isChecked()
        bindings = self.hotkey_bindings()
        s.hotkey_bindings = {} if bindings == DEFAULT_BINDINGS else bindings
        s.sync()
        self.saved.emit(scheme)
        self.accept()
        return True


def open_settings(window: MainWindow, scheme_path: Path | None = None) -> SettingsDialog:
    """Open the dialog over the window (not blocking); on Save, apply theme and scheme."""
    controller = window.controller
    scheme = controller.scheme if controller is not None else default_scheme()
    path = scheme_path if scheme_path is not None else paths.user_scheme_path()
    dialog = SettingsDialog(window.settings, scheme, path, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def apply(new_scheme: Scheme) -> None:
        window.set_theme(window.settings.theme, remember=False)  # "system" stays the choice
        window.start_page.set_preferences(window.theme.value, window.settings.rupture_tint_minutes)
        if controller is not None:
            controller.scheme = new_scheme  # the next session's scheme

    dialog.saved.connect(apply)
    dialog.open()
    return dialog


def _combo(accessible: str, choices: tuple[tuple[str, object], ...], current: object
           ) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for text, value in choices:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def _check(text: str, hint: str, checked: bool) -> QCheckBox:
    """A check box with a short label; `hint`, the whole sentence, wraps beneath it."""
    box = QCheckBox(text)
    box.setAccessibleName(text)
    box.setAccessibleDescription(hint)
    box.setProperty("hint", hint)
    box.setChecked(checked)
    return box


def _hint_for(box: QCheckBox) -> QLabel:
    """The check box's sentence, wrapped to the dialog's width."""
    label = QLabel(str(box.property("hint")))
    label.setObjectName("hint")
    label.setWordWrap(True)
    label.setBuddy(box)
    return label


def _scrolling(page: QWidget) -> QScrollArea:
    """`page` in a frameless area that scrolls when the dialog is smaller than the page."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


REMOVE_KEYS = ("Backspace", "Del")
"""Pressed alone in a global key's cell, these remove its key."""


class _PressedKey(QStyledItemDelegate):
    """A global key is pressed, not typed: the cell's editor records one combination
    ('Ctrl+Alt+1'); Backspace or Delete alone removes the key."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = QKeySequenceEdit(parent)
        editor.setMaximumSequenceLength(1)
        editor.setAccessibleName("Press the global key combination; Backspace removes it")
        editor.setToolTip("Press the combination, e.g. Ctrl+Alt+1. Backspace removes the key.")
        # Done as soon as a whole combination is in (recording begins by emptying it).
        editor.keySequenceChanged.connect(
            lambda sequence: None if sequence.isEmpty() else self._done(editor))
        return editor

    def _done(self, editor: QKeySequenceEdit) -> None:
        if editor.property("done") or not editor.isVisible():  # committed, or closed by Qt
            return
        editor.setProperty("done", True)
        self.commitData.emit(editor)
        self.closeEditor.emit(editor)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and editor.property("done"):
            return False  # already committed: not again as a refusal's message moves it
        return super().eventFilter(editor, event)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QKeySequenceEdit)
        editor.blockSignals(True)  # showing the key it has is not choosing one
        editor.setKeySequence(QKeySequence(str(index.data() or "")))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QKeySequenceEdit)
        text = editor.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        model.setData(index, "" if text in REMOVE_KEYS else text)


def _hotkey_table(bindings: dict[str, str], titles: dict[str, str]) -> QTableWidget:
    table = QTableWidget(len(bindings), 2)
    table.setItemDelegateForColumn(1, _PressedKey(table))
    table.setAccessibleName("Global keys for each tap")
    table.setHorizontalHeaderLabels(["Tap", "Global key"])
    how = "Double-click a key, then press the new combination; Backspace removes it."
    table.horizontalHeaderItem(1).setToolTip(how)
    table.setAccessibleDescription(how)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    for row, (action, combo) in enumerate(bindings.items()):
        name = QTableWidgetItem(titles.get(action, action))
        name.setFlags(Qt.ItemFlag.ItemIsEnabled)
        name.setData(Qt.ItemDataRole.UserRole, action)
        key = QTableWidgetItem(combo)
        key.setData(Qt.ItemDataRole.UserRole, combo)
        table.setItem(row, 0, name)
        table.setItem(row, 1, key)
    return table
