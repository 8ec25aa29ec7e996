"""Global hotkeys: taps recorded while the video call has the keyboard (opt-in, off by default).

Only the registered combinations are ever seen: pynput's `GlobalHotKeys` matches them and calls
back for those alone; nothing here reads, keeps or logs any other key. The optional extra
installs it: `pip install 'attune-companion[hotkeys]'`. Where the platform cannot offer global keys
(Wayland without X, no display, a missing permission) `hotkey_problem()` says so in plain words
and the rest of the app works as before.

Default combinations, all Ctrl+Alt with one key:
- Ctrl+Alt+1 / 2 / 3: the client's ventral / sympathetic / dorsal (the in-window 1 / 2 / 3);
- Ctrl+Alt+4 / 5 / 6: the same rungs for the self lane;
- Ctrl+Alt+R: rupture, Ctrl+Alt+F: repair (the in-window R and F);
- Ctrl+Alt+B: privacy blank (the in-window B).
Why these: Zoom's call keys are Alt+letter (Alt+A mute, Alt+V video, Alt+S share, Alt+R
record, Alt+Y hand); Teams' are Ctrl+Shift+letter (M, O, E, K, H); Meet's are Ctrl+D and
Ctrl+E, and Ctrl+Alt+C / H / P (chat, hand, people). None of them uses Ctrl+Alt with a digit,
R, F or B. The self lane is on digits rather than Q / W / E because on many European layouts
Ctrl+Alt is AltGr, where Q and E type @ and € (in a chat), and 7 to 0 type brackets; Shift
is avoided because it changes what a digit key reports. Every combination can be changed.

The listener runs on its own thread; its callbacks only emit a signal, which Qt queues to the
main thread, where `triggered(action)` reaches the same action registry as a click.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

from PySide6.QtCore import QObject, Qt, Signal

BLANK_ACTION = "blank"
DEFAULT_BINDINGS: dict[str, str] = {
    "client:ventral": "Ctrl+Alt+1",
    "client:sympathetic": "Ctrl+Alt+2",
    "client:dorsal": "Ctrl+Alt+3",
    "self:ventral": "Ctrl+Alt+4",
    "self:sympathetic": "Ctrl+Alt+5",
    "self:dorsal": "Ctrl+Alt+6",
    "rupture": "Ctrl+Alt+R",
    "repair": "Ctrl+Alt+F",
    BLANK_ACTION: "Ctrl+Alt+B",
}
INSTALL_HINT = ("They are an optional part this installation of Attune does not include; "
                "whoever set it up can add it. The window's own keys work as they are.")
"""Said to a clinician, who never opened a terminal: what is missing, and who can add it."""
_MODIFIERS = {"ctrl": "<ctrl>", "alt": "<alt>", "shift": "<shift>", "meta": "<cmd>",
              "cmd": "<cmd>"}


class Listener(Protocol):
    """What the adapter needs of a hotkey listener (pynput's GlobalHotKeys has it)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


ListenerFactory = Callable[[dict[str, Callable[[], None]]], Listener]
"""Builds a listener from {pynput combination: callback}; tests pass a fake."""


def hotkey_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                   installed: bool | None = None) -> str | None:
    """Why global hotkeys cannot work here (a sentence for the settings), or None when they can.

    Checked without touching the display, so asking costs nothing and never fails."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if installed is None:
        installed = importlib.util.find_spec("pynput") is not None
    if not installed:
        return f"Global keys are not included. {INSTALL_HINT}"
    if platform.startswith("linux") or "bsd" in platform:
        if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY"):
            return ("Global keys need an X11 session; on Wayland they are not available. "
                    "Use the window's own keys, or log in with an X11 session.")
        if not env.get("DISPLAY"):
            return "Global keys need a graphical X11 session; none was found."
    return None


def darwin_note(platform: str | None = None) -> str:
    """On macOS the system asks for permission first (Privacy → Input Monitoring)."""
    platform = sys.platform if platform is None else platform
    return ("macOS asks for permission the first time: System Settings → Privacy & Security → "
            "Input Monitoring, then allow Attune." if platform == "darwin" else "")


def to_pynput(combo: str) -> str:
    """'Ctrl+Alt+1' (Qt's way of writing it) → '<ctrl>+<alt>+1' (pynput's)."""
    parts = [p.strip() for p in combo.split("+") if p.strip()]
    if len(parts) < 2:
        raise ValueError(f"'{combo}' needs at least one modifier and a key")
    *mods, key = parts
    out = []
    for mod in mods:
        if mod.lower() not in _MODIFIERS:
            raise ValueError(f"'{mod}' is not a modifier (Ctrl, Alt, Shift, Meta)")
        out.append(_MODIFIERS[mod.lower()])
    if len(key) == 1:
        out.append(key.lower())
    elif key.upper().startswith("F") and key[1:].isdigit():
        out.append(f"<{key.lower()}>")
    else:
        raise ValueError(f"'{key}' is not a single key or a function key")
    return "+".join(out)


def pynput_listener(hotkeys: dict[str, Callable[[], None]]) -> Listener:
    """pynput's GlobalHotKeys: it matches only these combinations (imported on first use)."""
    from pynput.keyboard import (
        GlobalHotKeys,  # optional extra; may fail on this platform
    )

    return GlobalHotKeys(hotkeys)


class GlobalHotkeys(QObject):
    """Runs a listener for `bindings` (action name → 'Ctrl+Alt+1') while started.

    `triggered(action)` arrives on the main thread. `start()` returns None when listening, or
    a sentence saying why not (nothing is raised: the app works without global keys).
    """

    triggered = Signal(str)
    _heard = Signal(str)  # emitted on the listener's thread; queued to the main thread

    def __init__(self, bindings: Mapping[str, str], factory: ListenerFactory | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bindings = dict(bindings)
        self._factory = factory
        self._listener: Listener | None = None
        self._heard.connect(self.triggered.emit, Qt.ConnectionType.QueuedConnection)

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def start(self) -> str | None:
        if self._listener is not None:
            return None
        factory = self._factory
        if factory is None:
            problem = hotkey_problem()
            if problem:
                return problem
            factory = pynput_listener
        try:
            hotkeys = {to_pynput(combo): self._callback(name)
                       for name, combo in self._bindings.items()}
        except ValueError as exc:
            return f"A global key cannot be used: {exc}."
        try:
            listener = factory(hotkeys)
            listener.start()
        except ImportError:
            return f"Global keys are not available on this system. {INSTALL_HINT}"
        except Exception as exc:  # noqa: BLE001 - a failing listener never stops a session
            return f"Global keys could not start ({exc}). The window's own keys still work."
        self._listener = listener
        return None

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()

    def _callback(self, name: str) -> Callable[[], None]:
        return lambda: self._heard.emit(name)
