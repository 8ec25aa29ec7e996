"""The inline editor for one tap in review: move it, change what it was, tag it, or remove it.

Not a dialog: it sits under the event list. It offers only what `attune_companion.corrections`
allows (client ↔ self, repair attempt ↔ repair, a state, rupture type or note kind of the
session's scheme; markers for ruptures, strategies for repairs) and asks the page to apply
it. A refusal from the core is shown here, in place, in the core's words.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from attune_companion.events import Event, Kind
from attune_companion.export import session_time
from attune_companion.scheme import Scheme

Choice = tuple[Kind, str | None]
TWO_COLUMNS_EM = 34
"""From this width (ems) the markers or strategies are laid out in two columns."""


class TimeSpin(QSpinBox):
    """Whole seconds of session time, shown and typed as m:ss."""

    def textFromValue(self, value: int) -> str:
        return session_time(value * 1000)

    def valueFromText(self, text: str) -> int:
        minutes, _, seconds = text.strip().partition(":")
        try:
            return int(minutes or 0) * 60 + int(seconds or 0)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> QValidator.State:
        text = text.strip()
        if re.fullmatch(r"\d+:[0-5]\d", text):
            return QValidator.State.Acceptable
        if re.fullmatch(r"\d*:?\d{0,2}", text):
            return QValidator.State.Intermediate
        return QValidator.State.Invalid


def choices(event: Event, scheme: Scheme) -> list[tuple[Choice, str]]:
    """What a tap may be changed into, as (kind, value) with a label; its current one first
    among its kind's options."""
    kind = event.kind
    if kind in (Kind.CLIENT, Kind.SELF):
        states = list(scheme.enabled_states)
        held = [s for s in scheme.states if s.id == event.value and s not in states]
        states = held + states  # a state the pad no longer offers, as recorded
        return [((k, s.id), f"{who}: {s.label}")
                for k, who in ((Kind.CLIENT, "Client"), (Kind.SELF, "Self")) for s in states]
    if kind is Kind.RUPTURE:
        out: list[tuple[Choice, str]] = []
        if event.value is None:
            out.append(((Kind.RUPTURE, None), f"{scheme.rupture_label} (untyped)"))
        out += [((Kind.RUPTURE, t.id), f"{scheme.rupture_label}: {t.label}")
                for t in scheme.rupture_types]
        return out
    if kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
        return [((Kind.REPAIR_ATTEMPT, None), scheme.attempt_label),
                ((Kind.REPAIR, None), scheme.repair_label)]
    if kind is Kind.NOTE:
        return [((Kind.NOTE, n.id), n.label) for n in scheme.notes]
    return []


def tag_options(choice: Choice, scheme: Scheme) -> list[tuple[str, str]]:
    """The markers (a rupture: its type's, or all when untyped) or strategies a tap can carry."""
    kind, value = choice
    if kind is Kind.RUPTURE:
        types = [t for t in scheme.rupture_types if value in (None, t.id)]
        return [(m.id, m.label) for t in types for m in t.markers]
    if kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
        return [(s.id, s.label) for s in scheme.strategies]
    return []


class CorrectionEditor(QFrame):
    """Signals: applyRequested(event_id, changes) with any of offset_ms, kind, value, tags;
    removeRequested(event_id). Markers and strategies are check boxes whose labels toggle
    them, in two columns where there is room, so Apply stays close."""

    applyRequested = Signal(int, object)
    removeRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Correct a tap")
        self._event: Event | None = None
        self._scheme: Scheme | None = None

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.time = TimeSpin(self)
        self.time.setAccessibleName("Session time of the tap (m:ss)")
        self.time.setToolTip("Move the tap to another moment (minutes:seconds).")
        self.what = QComboBox(self)
        self.what.setAccessibleName("What the tap was")
        self.what.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.what.setMinimumContentsLength(12)
        self.what.currentIndexChanged.connect(self._refresh_tags)
        self.tags_title = QLabel(self)
        self.tags_title.setObjectName("fieldLabel")
        self.tags = QWidget(self)
        self.tags.setAccessibleName("Markers or strategies")
        self._tag_grid = QGridLayout(self.tags)
        self._tag_grid.setContentsMargins(0, 0, 0, 0)
        self._tag_grid.setHorizontalSpacing(12)
        self._tag_grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        self._columns = 1
        self.refusal = QLabel(self)
        self.refusal.setObjectName("warning")
        self.refusal.setAccessibleName("Correction refused")
        self.refusal.setWordWrap(True)
        self.refusal.hide()

        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setAccessibleName("Apply correction")
        self.apply_button.clicked.connect(self._apply)
        self.remove_button = QPushButton("Remove…", self)
        self.remove_button.setAccessibleName("Remove this tap")
        self.remove_button.clicked.connect(lambda: self._confirming(True))
        self.confirm_remove = QPushButton("Remove it", self)
        self.confirm_remove.setProperty("role", "confirm")
        self.confirm_remove.setAccessibleName("Confirm: remove this tap")
        self.confirm_remove.clicked.connect(self._remove)
        self.keep_button = QPushButton("Keep it", self)
        self.keep_button.setAccessibleName("Keep this tap")
        self.keep_button.clicked.connect(lambda: self._confirming(False))
        self.confirm_text = QLabel("Remove it? It stays in the log, marked removed.", self)
        self.confirm_text.setWordWrap(True)

        fields = QHBoxLayout()
        fields.setSpacing(8)
        fields.addWidget(self.time)
        fields.addWidget(self.what, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        confirm = QHBoxLayout()
        confirm.addWidget(self.confirm_text, 1)
        confirm.addWidget(self.confirm_remove)
        confirm.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(fields)
        layout.addWidget(self.tags_title)
        layout.addWidget(self.tags)
        layout.addWidget(self.refusal)
        layout.addLayout(buttons)
        layout.addLayout(confirm)
        self._confirming(False)
        self.hide()

    @property
    def event_id(self) -> int | None:
        return self._event.id if self._event is not None else None

    def edit(self, event: Event, scheme: Scheme, end_ms: int) -> None:
        """Show `event` (an effective tap) for correcting."""
        self._event, self._scheme = event, scheme
        self.title.setText(f"Correct the tap at {session_time(event.offset_ms)}")
        self.time.setRange(0, max(end_ms // 1000, event.offset_ms // 1000))
        self.time.setValue(event.offset_ms // 1000)
        self.what.blockSignals(True)
        self.what.clear()
        for choice, text in choices(event, scheme):
            self.what.addItem(text, choice)
        current = next((i for i in range(self.what.count())
                        if self.what.itemData(i) == (event.kind, event.value)), 0)
        self.what.setCurrentIndex(current)
        self.what.blockSignals(False)
        self._refresh_tags(checked=set(event.tags))
        self.show_refusal("")
        self._confirming(False)
        self.show()

    def show_refusal(self, text: str) -> None:
        self.refusal.setText(text)
        self.refusal.setVisible(bool(text))

    def checked_tags(self) -> list[str]:
        return [tag_id for tag_id, box in self.boxes.items() if box.isChecked()]

    def set_tag_checked(self, tag_id: str, checked: bool) -> None:
        if tag_id in self.boxes:
            self.boxes[tag_id].setChecked(checked)

    def changes(self) -> dict[str, Any]:
        """What differs from the tap as shown: the correction Apply would ask for."""
        event = self._event
        if event is None:
            return {}
        out: dict[str, Any] = {}
        if self.time.value() != event.offset_ms // 1000:
            out["offset_ms"] = self.time.value() * 1000
        kind, value = self.what.currentData() or (event.kind, event.value)
        if kind is not event.kind:
            out["kind"] = kind
        if value is not None and value != event.value:
            out["value"] = value
        tags = self.checked_tags()
        if self.boxes and set(tags) != set(event.tags):
            out["tags"] = tags
        return out

    # -- internals ---------------------------------------------------------------------------

    def _refresh_tags(self, *_: object, checked: set[str] | None = None) -> None:
        if self._scheme is None:
            return
        keep = set(self.checked_tags()) if checked is None else checked
        choice = self.what.currentData()
        options = tag_options(choice, self._scheme) if choice else []
        for box in self.boxes.values():
            self._tag_grid.removeWidget(box)
            box.hide()  # gone now, not only once the event loop deletes it
            box.deleteLater()
        self.boxes = {}
        for tag_id, text in options:
            box = QCheckBox(text, self.tags)
            box.setChecked(tag_id in keep)
            self.boxes[tag_id] = box
        self._columns = 0
        self._arrange_tags()
        rupture = choice is not None and choice[0] is Kind.RUPTURE
        self.tags_title.setText("Markers" if rupture else "Strategies")
        for widget in (self.tags_title, self.tags):
            widget.setVisible(bool(options))

    def _arrange_tags(self) -> None:
        """Two columns of check boxes where the editor is wide enough, else one."""
        em = self.fontMetrics().horizontalAdvance("M")
        columns = 2 if self.width() >= TWO_COLUMNS_EM * em else 1
        if columns == self._columns:
            return
        self._columns = columns
        rows = -(-len(self.boxes) // columns)
        for i, box in enumerate(self.boxes.values()):
            self._tag_grid.addWidget(box, i % rows, i // rows)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_tags()

    def _apply(self) -> None:
        changes = self.changes()
        if self._event is None:
            return
        if not changes:
            self.show_refusal("Nothing to change: the tap is as shown.")
            return
        self.applyRequested.emit(self._event.id, changes)

    def _confirming(self, on: bool) -> None:
        for widget in (self.confirm_text, self.confirm_remove, self.keep_button):
            widget.setVisible(on)
        for widget in (self.apply_button, self.remove_button):
            widget.setVisible(not on)

    def _remove(self) -> None:
        self._confirming(False)
        if self._event is not None:
            self.removeRequested.emit(self._event.id)
