"""The window's preferences, kept with QSettings. Never clinical data: no codes, no taps.

Every key lives in `Key`; every value is read through a typed property that falls back to its
default when the stored value is missing or unreadable, so a hand-edited file cannot break
start-up.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QGuiApplication

DEFAULT_WINDOW_MINUTES = 10
DEFAULT_BACKDATE_CHOICES = (10, 20, 30)
DEFAULT_TINT_MINUTES = 0
"""Off: a colour change is a cue the clinician did not ask for, and there is no norm for how
long a rupture "should" stay open. A clinician who wants the reminder picks the minutes."""


def system_theme() -> str:
    """The system's colour scheme as 'dark' or 'light' (dark, low glare, when it says nothing)."""
    app = QGuiApplication.instance()
    hints = app.styleHints() if isinstance(app, QGuiApplication) else None
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    return "light" if scheme == Qt.ColorScheme.Light else "dark"


class Key(StrEnum):
    THEME = "appearance/theme"
    WINDOW_MINUTES = "plot/window_minutes"
    BACKDATE_CHOICES = "taps/backdate_seconds"
    RUPTURE_TINT_MINUTES = "timer/rupture_tint_minutes"
    GEOMETRY = "window/geometry"
    COMPACT_GEOMETRY = "compact/geometry"
    NO_FOCUS_COMPACT = "focus/no_focus_compact"
    NO_FOCUS_WINDOW = "focus/no_focus_window"
    GLOBAL_HOTKEYS = "hotkeys/enabled"
    HOTKEY_BINDINGS = "hotkeys/bindings"


class Settings:
    """Typed access to the preferences. Pass a QSettings (e.g. an ini file) to keep tests apart."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._s = store if store is not None else QSettings("attune", "attune")

    def _int(self, key: Key, default: int, low: int, high: int) -> int:
        try:
            value = int(self._s.value(key, default))
        except (TypeError, ValueError, OverflowError):  # OverflowError: "inf" in the file
            return default
        return value if low <= value <= high else default

    @property
    def theme(self) -> str:
        """'dark' (the default, low glare) or 'light'; 'system' is resolved to one of them."""
        value = self.theme_choice
        return system_theme() if value == "system" else value

    @property
    def theme_choice(self) -> str:
        """What the user chose: 'dark', 'light' or 'system' (follow the system's scheme)."""
        value = str(self._s.value(Key.THEME, "dark"))
        return value if value in ("dark", "light", "system") else "dark"

    @theme.setter
    def theme(self, value: str) -> None:
        self._s.setValue(Key.THEME, value)

    @property
    def window_minutes(self) -> int | None:
        """Minutes the live plot shows; None shows the whole session."""
        minutes = self._int(Key.WINDOW_MINUTES, DEFAULT_WINDOW_MINUTES, 0, 600)
        return minutes or None

    @window_minutes.setter
    def window_minutes(self, value: int | None) -> None:
        self._s.setValue(Key.WINDOW_MINUTES, int(value or 0))

    @property
    def backdate_choices(self) -> tuple[int, ...]:
        """Seconds offered by the back-date buttons, smallest first."""
        raw = self._s.value(Key.BACKDATE_CHOICES, None)
        if raw is None:
            return DEFAULT_BACKDATE_CHOICES
        items = raw if isinstance(raw, list) else str(raw).split(",")
        try:
            seconds = sorted({int(str(s).strip()) for s in items if str(s).strip()})
        except ValueError:
            return DEFAULT_BACKDATE_CHOICES
        seconds = [s for s in seconds if 1 <= s <= 600]
        return tuple(seconds[:4]) or DEFAULT_BACKDATE_CHOICES

    @backdate_choices.setter
    def backdate_choices(self, value: tuple[int, ...]) -> None:
        self._s.setValue(Key.BACKDATE_CHOICES, ",".join(str(int(s)) for s in value))

    @property
    def rupture_tint_minutes(self) -> int:
        """Minutes a rupture stays open before the timer takes a soft tint (0: never)."""
        return self._int(Key.RUPTURE_TINT_MINUTES, DEFAULT_TINT_MINUTES, 0, 120)

    @rupture_tint_minutes.setter
    def rupture_tint_minutes(self, value: int) -> None:
        self._s.setValue(Key.RUPTURE_TINT_MINUTES, int(value))

    @property
    def geometry(self) -> QByteArray | None:
        value = self._s.value(Key.GEOMETRY, None)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._s.setValue(Key.GEOMETRY, value)

    @property
    def compact_geometry(self) -> QByteArray | None:
        """Where the compact strip last stood, and its size."""
        value = self._s.value(Key.COMPACT_GEOMETRY, None)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @compact_geometry.setter
    def compact_geometry(self, value: QByteArray) -> None:
        self._s.setValue(Key.COMPACT_GEOMETRY, value)

    def _bool(self, key: Key, default: bool) -> bool:
        value = self._s.value(key, default)
        if isinstance(value, str):
            return {"true": True, "false": False}.get(value.lower(), default)
        return value if isinstance(value, bool) else default

    @property
    def no_focus_compact(self) -> bool:
        """The compact strip never takes keyboard focus from the video call (on by default)."""
        return self._bool(Key.NO_FOCUS_COMPACT, True)

    @no_focus_compact.setter
    def no_focus_compact(self, value: bool) -> None:
        self._s.setValue(Key.NO_FOCUS_COMPACT, bool(value))

    @property
    def no_focus_window(self) -> bool:
        """The full window never takes keyboard focus during a session (off by default: its
        keys and note field need focus)."""
        return self._bool(Key.NO_FOCUS_WINDOW, False)

    @no_focus_window.setter
    def no_focus_window(self, value: bool) -> None:
        self._s.setValue(Key.NO_FOCUS_WINDOW, bool(value))

    @property
    def global_hotkeys(self) -> bool:
        """Global hotkeys record taps while another application has focus (opt-in)."""
        return self._bool(Key.GLOBAL_HOTKEYS, False)

    @global_hotkeys.setter
    def global_hotkeys(self, value: bool) -> None:
        self._s.setValue(Key.GLOBAL_HOTKEYS, bool(value))

    @property
    def hotkey_bindings(self) -> dict[str, str]:
        """Action name → key combination ('Ctrl+Alt+1'); empty means the defaults."""
        raw = self._s.value(Key.HOTKEY_BINDINGS, "")
        # A hand edit with commas reads back as a list: each item is then one binding.
        items = [str(i) for i in raw] if isinstance(raw, list) else str(raw or "").split(";")
        pairs = (item.split("=", 1) for item in items if "=" in item)
        return {name.strip(): combo.strip() for name, combo in pairs
                if name.strip() and combo.strip()}

    @hotkey_bindings.setter
    def hotkey_bindings(self, value: dict[str, str]) -> None:
        self._s.setValue(Key.HOTKEY_BINDINGS,
                         ";".join(f"{name}={combo}" for name, combo in value.items()))

    def sync(self) -> None:
        self._s.sync()

    @property
    def location(self) -> str:
        """Where the preferences are kept (a file; on Windows a registry key), for the About box."""
        return self._s.fileName()
