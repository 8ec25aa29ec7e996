"""Every action of the live window in one registry: name, label, handler and key.

Keys come from the coding scheme (`Scheme.shortcuts()`), plus the window's own Ctrl+Z (undo)
and P (pause/resume). Buttons and shortcuts call the same handler, and every tooltip is built
here from the key, so a rebound key shows up everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from attune_companion.scheme import Scheme
from attune_companion_ui.live.controller import SessionController

UNDO_KEY = "Ctrl+Z"
PAUSE_KEY = "P"


@dataclass(frozen=True)
class Action:
    """One thing the clinician can do. `key` is a key sequence ('2', 'Ctrl+Z') or None."""

    name: str
    label: str
    handler: Callable[[], object]
    key: str | None = None
    hint: str = ""


def key_sequence(key: str) -> QKeySequence:
    """A scheme's single character ('2', 'R', '+') or a named chord ('Ctrl+Z')."""
    return QKeySequence(ord(key)) if len(key) == 1 else QKeySequence(key)


class ActionRegistry:
    """The actions of one live session. Shortcuts belong to `owner` (window context), so they
    work anywhere in the window while `owner` is shown and vanish with it."""

    def __init__(self, owner: QWidget) -> None:
        self._owner = owner
        self._actions: dict[str, Action] = {}
        self._shortcuts: dict[str, QShortcut] = {}

    def add(self, action: Action) -> None:
        self._actions[action.name] = action
        if action.key:
            shortcut = QShortcut(key_sequence(action.key), self._owner)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setAutoRepeat(False)  # a held key is one tap, never a burst
            shortcut.activated.connect(action.handler)
            self._shortcuts[action.name] = shortcut

    def __contains__(self, name: str) -> bool:
        return name in self._actions

    def get(self, name: str) -> Action:
        return self._actions[name]

    def trigger(self, name: str) -> None:
        """Run an action as its button or key would."""
        self._actions[name].handler()

    def key_text(self, name: str) -> str:
        """The key as shown to the user ('' when the action has none)."""
        key = self._actions[name].key
        return key_sequence(key).toString(QKeySequence.SequenceFormat.NativeText) if key else ""

    def tooltip(self, name: str) -> str:
        action = self._actions[name]
        text = action.label + (f": {action.hint}" if action.hint and action.hint != "-" else "")
        key = self.key_text(name)
        return f"{text}\nKey: {key}" if key else text


def session_actions(
    scheme: Scheme,
    controller: SessionController,
    note: Callable[[str], object],
    end: Callable[[], object],
) -> list[Action]:
    """The live session's actions. `note(kind)` records a note of that kind with whatever is
    typed in the note field (the page owns the field); `end` runs the window's two-step end."""
    keys = scheme.shortcuts()
    actions: list[Action] = []
    for s in scheme.enabled_states:
        actions.append(Action(f"client:{s.id}", f"{s.label} (client)",
                              _bind(controller.tap_client, s.id), keys[f"client:{s.id}"], s.hint))
    for s in scheme.enabled_states:
        actions.append(Action(f"self:{s.id}", f"{s.label} (self)",
                              _bind(controller.tap_self, s.id), keys[f"self:{s.id}"], s.hint))
    actions.append(Action("rupture", scheme.rupture_label, controller.rupture, keys["rupture"],
                          "a strain or break in the alliance"))
    for t in scheme.rupture_types:
        actions.append(Action(f"rupture:{t.id}", f"{scheme.rupture_label}: {t.label}",
                              _bind(controller.rupture, t.id), keys[f"rupture:{t.id}"], t.hint))
    actions.append(Action("repair_attempt", scheme.attempt_label, controller.repair_attempt,
                          keys["repair_attempt"], "a try at repair; the rupture stays open"))
    actions.append(Action("repair", scheme.repair_label, controller.repair, keys["repair"],
                          "the connection is restored"))
    for n in scheme.notes:
        actions.append(Action(f"note:{n.id}", n.label, _bind(note, n.id), keys[f"note:{n.id}"],
                              n.hint))
    actions.append(Action("undo", "Undo", controller.undo, UNDO_KEY, "take back the last tap"))
    actions.append(Action("pause", "Pause / resume", controller.toggle_pause, PAUSE_KEY,
                          "a break in the hour; taps wait until you resume"))
    actions.append(Action("end", "End session", end, None, "asks you to confirm"))
    return actions


def _bind(handler: Callable[[str], object], arg: str) -> Callable[[], object]:
    return lambda: handler(arg)
