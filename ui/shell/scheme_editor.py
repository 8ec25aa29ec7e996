"""Editing the coding scheme: blends on or off, keys, labels and tags, reset to the default.

`SchemeDraft` is an editable copy of the scheme's JSON. Every edit is checked as it is made
(a key clash is refused naming the action that has the key) and the whole is validated with
`parse_scheme` before it is saved, so an invalid scheme never reaches the file. Ids never
change when a label does, so sessions recorded earlier keep their meaning. The widgets only lay
out the draft.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from attune_companion.errors import SchemeError
from attune_companion.paths import atomic_write, ensure_private_dir
from attune_companion.scheme import RESERVED_KEYS, Scheme, check_key_clashes, parse_scheme

RESERVED_USE = {"Z": "undo (Ctrl+Z)", "B": "the privacy blank", "P": "pause / resume",
                "SPACE": "the window", "ESC": "leaving the note field"}


class SchemeDraft:
    """An editable copy of a scheme document; `validate()` gives the Scheme it would be."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.data = copy.deepcopy(raw)

    # -- keys ----------------------------------------------------------------------------------

    def _key_slots(self) -> dict[str, tuple[dict[str, Any], str, str]]:
        """Action name → (the JSON object holding its key, the key's field, a readable name)."""
        d = self.data
        slots: dict[str, tuple[dict[str, Any], str, str]] = {}
        for s in d["states"]:
            slots[f"client:{s['id']}"] = (s, "key", f"{s['label']} (client)")
        for s in d["states"]:
            slots[f"self:{s['id']}"] = (s, "self_key", f"{s['label']} (self)")
        rupture, repair = d["rupture"], d["repair"]
        slots["rupture"] = (rupture, "key", rupture["label"])
        for t in rupture["types"]:
            slots[f"rupture:{t['id']}"] = (t, "key", f"{rupture['label']}: {t['label']}")
        slots["repair_attempt"] = (repair, "attempt_key", repair["attempt_label"])
        slots["repair"] = (repair, "key", repair["label"])
        for n in d["notes"]:
            slots[f"note:{n['id']}"] = (n, "key", n["label"])
        return slots

    def key_rows(self) -> list[tuple[str, str, str]]:
        """(action, readable name, key) for every tap, in pad order."""
        return [(name, title, str(obj[field]).upper())
                for name, (obj, field, title) in self._key_slots().items()]

    def set_key(self, action: str, key: str) -> None:
        """Bind `action` to a single key; raises SchemeError (a readable message) on a clash."""
        key = key.strip().upper()
        slots = self._key_slots()
        if len(key) != 1 or not key.isprintable():
            raise SchemeError("keys", slots[action][2], "a single key such as 'R' or '1'")
        shortcuts = {name: str(obj[field]).upper() for name, (obj, field, _t) in slots.items()}
        shortcuts[action] = key
        try:
            check_key_clashes(shortcuts, "keys")
        except SchemeError:
            if key in RESERVED_KEYS:
                raise SchemeError("keys", slots[action][2],
                                  f"another key: {key} is kept for {RESERVED_USE[key]}") from None
            owner = next(slots[n][2] for n, k in shortcuts.items() if k == key and n != action)
            raise SchemeError("keys", slots[action][2],
                              f"another key: {key} is already {owner}") from None
        obj, field, _title = slots[action]
        obj[field] = key

    # -- blends, labels, tags --------------------------------------------------------------------

    def blends(self) -> list[tuple[str, str, bool]]:
        """(state id, 'Play (ventral + sympathetic)', enabled) for each blend state."""
        return [(s["id"], f"{s['label']} ({s.get('hint', '-')})", s.get("enabled", True))
                for s in self.data["states"] if s.get("blend_of")]

    def set_blend(self, state_id: str, enabled: bool) -> None:
        next(s for s in self.data["states"] if s["id"] == state_id)["enabled"] = enabled

    def _label_slots(self) -> list[tuple[str, dict[str, Any], str]]:
        d, rupture, repair = self.data, self.data["rupture"], self.data["repair"]
        slots = [(f"State: {s['id']}", s, "label") for s in d["states"]]
        slots.append(("Rupture", rupture, "label"))
        slots += [(f"Rupture type: {t['id']}", t, "label") for t in rupture["types"]]
        slots += [("Repair attempt", repair, "attempt_label"), ("Repair", repair, "label")]
        slots += [(f"Note: {n['id']}", n, "label") for n in d["notes"]]
        return slots

    def labels(self) -> list[tuple[str, str]]:
        """(what it is, its label) for everything with a label on the pad."""
        return [(what, obj[field]) for what, obj, field in self._label_slots()]

    def set_label(self, index: int, label: str) -> None:
        label = label.strip()
        what, obj, field = self._label_slots()[index]
        if not label:
            raise SchemeError("labels", what, "a label that is not empty")
        obj[field] = label

    def tag_lists(self) -> list[tuple[str, list[dict[str, str]]]]:
        """(title, the list of {id, label}) for each type's markers and for the strategies."""
        rupture = self.data["rupture"]
        lists = [(f"{t['label']} markers", t.setdefault("markers", [])) for t in rupture["types"]]
        lists.append(("Repair strategies", self.data["repair"].setdefault("strategies", [])))
        return lists

    def add_tag(self, tags: list[dict[str, str]], label: str) -> None:
        """A new tag with an id made from its label (unique across the scheme's tags)."""
        label = label.strip()
        if not label:
            raise SchemeError("tags", "new tag", "a label that is not empty")
        taken = {t["id"] for _title, items in self.tag_lists() for t in items}
        base = (re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "tag")[:30]
        base = base if base[0].isalpha() else f"tag_{base}"
        tag_id, n = base, 2
        while tag_id in taken:
            tag_id, n = f"{base}_{n}", n + 1
        tags.append({"id": tag_id, "label": label})

    # -- the whole -----------------------------------------------------------------------------

    def validate(self, source: str = "your edits") -> Scheme:
        """The scheme these edits make; raises SchemeError when they do not make one."""
        return parse_scheme(copy.deepcopy(self.data), source)

    def save(self, path: Path) -> Scheme:
        """Validate, then write the scheme file atomically (left as it was when invalid)."""
        scheme = self.validate(str(path))
        ensure_private_dir(path.parent)
        atomic_write(path, (scheme.to_json(indent=2) + "\n").encode("utf-8"))
        return scheme


class KeyTable(QTableWidget):
    """Every tap and its in-window key; an edit that clashes is put back and `refused(text)`."""

    refused = Signal(str)

    def __init__(self, draft: SchemeDraft, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setAccessibleName("Keys for each tap")
        self.setHorizontalHeaderLabels(["Tap", "Key"])
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemChanged.connect(self._edited)
        self.fill(draft)

    def fill(self, draft: SchemeDraft) -> None:
        self._draft = draft
        self.blockSignals(True)
        rows = draft.key_rows()
        self.setRowCount(len(rows))
        for i, (action, title, key) in enumerate(rows):
            name = QTableWidgetItem(title)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            name.setData(Qt.ItemDataRole.UserRole, action)
            self.setItem(i, 0, name)
            self.setItem(i, 1, QTableWidgetItem(key))
        self.blockSignals(False)

    def set_key(self, row: int, key: str) -> None:
        """Edit a row's key as typing into its cell would."""
        self.item(row, 1).setText(key)

    def _edited(self, item: QTableWidgetItem) -> None:
        if item.column() != 1:
            return
        action = self.item(item.row(), 0).data(Qt.ItemDataRole.UserRole)
        try:
            self._draft.set_key(action, item.text())
        except SchemeError as exc:
            self.refused.emit(f"{exc.key} needs {exc.expected}.")
        kept = {name: key for name, _title, key in self._draft.key_rows()}[action]
        self.blockSignals(True)  # show the key as kept: upper case, or the old one
        item.setText(kept)
        self.blockSignals(False)


class SchemeEditor(QWidget):
    """Blends, labels and tags of a draft, and a reset to the default scheme.
    `refused(text)` when an edit is not taken; `resetRequested` for the dialog."""

    refused = Signal(str)
    resetRequested = Signal()

    def __init__(self, draft: SchemeDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Coding scheme")
        self._draft = draft
        layout = QVBoxLayout(self)
        layout.addWidget(_section("Blends (off by default)"))
        self.blend_row = QHBoxLayout()
        layout.addLayout(self.blend_row)
        self.blend_boxes: dict[str, QCheckBox] = {}

        layout.addWidget(_section("Labels"))
        self.labels = QTableWidget(0, 2, self)
        self.labels.setAccessibleName("Labels")
        self.labels.setHorizontalHeaderLabels(["Item", "Label"])
        self.labels.verticalHeader().hide()
        self.labels.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.labels.itemChanged.connect(self._label_edited)
        layout.addWidget(self.labels, 2)

        layout.addWidget(_section("Tags (markers and strategies, tagged after a tap)"))
        self.tag_list_choice = QComboBox(self)
        self.tag_list_choice.setAccessibleName("Which tags")
        self.tag_list_choice.currentIndexChanged.connect(self._show_tags)
        self.tags = QListWidget(self)
        self.tags.setAccessibleName("Tags")
        self.tags.itemChanged.connect(self._tag_edited)
        self.add_button = _button("Add tag", "Add a tag", self)
        self.add_button.clicked.connect(self._add_tag)
        self.remove_button = _button("Remove tag", "Remove the selected tag", self)
        self.remove_button.clicked.connect(self._remove_tag)
        self.reset_button = _button("Reset to default", "Reset the coding scheme to the default",
                                    self)
        self.reset_button.clicked.connect(self.resetRequested.emit)
        layout.addWidget(self.tag_list_choice)
        layout.addWidget(self.tags, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        layout.addLayout(buttons)
        self.fill(draft)

    def fill(self, draft: SchemeDraft) -> None:
        self._draft = draft
        for box in self.blend_boxes.values():
            box.deleteLater()
        self.blend_boxes = {}
        for state_id, title, enabled in draft.blends():
            box = QCheckBox(title, self)
            box.setAccessibleName(f"Offer the blend {title}")
            box.setChecked(enabled)
            box.toggled.connect(lambda on, s=state_id: self._draft.set_blend(s, on))
            self.blend_row.addWidget(box)
            self.blend_boxes[state_id] = box
        self.labels.blockSignals(True)
        rows = draft.labels()
        self.labels.setRowCount(len(rows))
        for i, (what, label) in enumerate(rows):
            item = QTableWidgetItem(what)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.labels.setItem(i, 0, item)
            self.labels.setItem(i, 1, QTableWidgetItem(label))
        self.labels.resizeColumnToContents(0)
        self.labels.blockSignals(False)
        index = max(0, self.tag_list_choice.currentIndex())
        self.tag_list_choice.blockSignals(True)
        self.tag_list_choice.clear()
        self.tag_list_choice.addItems([title for title, _items in draft.tag_lists()])
        self.tag_list_choice.setCurrentIndex(min(index, self.tag_list_choice.count() - 1))
        self.tag_list_choice.blockSignals(False)
        self._show_tags()

    def _current_tags(self) -> list[dict[str, str]]:
        return self._draft.tag_lists()[max(0, self.tag_list_choice.currentIndex())][1]

    def _show_tags(self, *_: object) -> None:
        self.tags.blockSignals(True)
        self.tags.clear()
        for tag in self._current_tags():
            item = QListWidgetItem(tag["label"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.tags.addItem(item)
        self.tags.blockSignals(False)

    def _label_edited(self, item: QTableWidgetItem) -> None:
        try:
            self._draft.set_label(item.row(), item.text())
        except SchemeError as exc:
            self.refused.emit(f"{exc.key} needs {exc.expected}.")
        self.labels.blockSignals(True)  # show the label as kept
        item.setText(self._draft.labels()[item.row()][1])
        self.labels.blockSignals(False)

    def _tag_edited(self, item: QListWidgetItem) -> None:
        label = item.text().strip()
        tag = self._current_tags()[self.tags.row(item)]
        if label:
            tag["label"] = label
        else:
            self.refused.emit("A tag needs a label; use Remove tag to take it away.")
        self.tags.blockSignals(True)
        item.setText(tag["label"])
        self.tags.blockSignals(False)

    def _add_tag(self) -> None:
        tags = self._current_tags()
        self._draft.add_tag(tags, f"New tag {len(tags) + 1}")
        self._show_tags()
        self.tags.setCurrentRow(self.tags.count() - 1)
        self.tags.editItem(self.tags.currentItem())

    def _remove_tag(self) -> None:
        row = self.tags.currentRow()
        if row >= 0:
            del self._current_tags()[row]
            self._show_tags()


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("section")
    return label


def _button(text: str, accessible: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(accessible)
    return button
