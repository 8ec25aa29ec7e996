"""Parts of the playback page: the event list's model and the read-only pad.

The pad at the cursor is the live tap pad shown as a read-out: no keys, no clicks, flat
buttons, the lit state as the live window showed it then.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from attune_companion.clock import format_duration
from attune_companion.describe import describe_tap
from attune_companion.events import Event, Kind
from attune_companion.replay import Replay
from attune_companion.scheme import Scheme
from attune_companion_ui.live.actions import Action, ActionRegistry
from attune_companion_ui.live.tap_pad import TapPad

OTHER_KINDS = {Kind.PAUSE: "Pause", Kind.RESUME: "Resume", Kind.END: "Session ended"}
READOUT_SHEET = (
    "QPushButton, QPushButton:hover, QPushButton:pressed { background-color: transparent; }"
    'QPushButton[lit="false"] QLabel#tapLabel { font-weight: normal; }'
)
"""The read-out pad: flat, so nothing looks pressable; a lit state keeps its frame and fill."""


class EventListModel(QAbstractListModel):
    """The session's effective events, one row each: '12:34  Sympathetic (client)'."""

    def __init__(self, replay: Replay, scheme: Scheme, parent: Any = None) -> None:
        super().__init__(parent)
        self._events, self._scheme, self._final = replay.events, scheme, replay.final

    def show(self, replay: Replay, scheme: Scheme) -> None:
        """List another session's events (or none: an empty replay)."""
        self.beginResetModel()
        self._events, self._scheme, self._final = replay.events, scheme, replay.final
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        event = self._events[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{format_duration(event.offset_ms)}   {self.describe(event)}"
        if role == Qt.ItemDataRole.ToolTipRole and event.text:
            return event.text
        return None

    def describe(self, event: Event) -> str:
        if event.kind in OTHER_KINDS:
            return OTHER_KINDS[event.kind]
        return describe_tap(event, self._scheme, self._final)


def read_only_pad(scheme: Scheme, owner: QWidget) -> TapPad:
    """The live tap pad as a read-out of the lit states: flat, no keys, no clicks, no note
    field."""
    actions = ActionRegistry(owner)  # no keys: nothing is bound
    names = ([f"client:{s.id}" for s in scheme.enabled_states]
             + [f"self:{s.id}" for s in scheme.enabled_states]
             + ["rupture", *(f"rupture:{t.id}" for t in scheme.rupture_types),
                "repair_attempt", "repair", *(f"note:{n.id}" for n in scheme.notes)])
    for name in names:
        actions.add(Action(name, name, lambda: None))
    pad = TapPad(scheme, actions, ())
    pad.setAccessibleName("Tap pad at the cursor (read-only)")
    pad.setStyleSheet(READOUT_SHEET)
    pad.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    pad.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for button in pad.buttons.values():
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip("")
    pad.hide_notes()  # notes are never lit; the event list shows them
    for label in pad.findChildren(QLabel):
        if label.text() == "Back-date":
            label.hide()
    return pad


def column(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """Widgets stacked top down; with `stretch`, spare room goes below them, else to the last."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(6)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    else:
        layout.setStretch(len(widgets) - 1, 1)
    return column


def plot_with_lanes(plot: QWidget) -> QWidget:
    """The session plot, with room under it for the coder layers' lanes (added to its
    layout per session); the plot takes spare room."""
    area = QWidget()
    layout = QVBoxLayout(area)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(plot, 1)
    return area
