"""With 'follow the system' chosen, the window changes theme when the system does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from attune_companion_ui.shell import settings as settings_module
from attune_companion_ui.shell.theme import Theme


def test_follow_system_switches_with_the_system_and_stays_the_choice(
    store, make_window, settings, monkeypatch
):
    window = make_window(store)
    settings.theme = "system"
    monkeypatch.setattr(settings_module, "system_theme", lambda: "light")
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window.theme is Theme.LIGHT
    assert settings.theme_choice == "system", "following the system stays the choice"


def test_a_chosen_theme_ignores_the_system(store, make_window, settings, monkeypatch):
    window = make_window(store)
    window.set_theme("dark")
    monkeypatch.setattr(settings_module, "system_theme", lambda: "light")
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window.theme is Theme.DARK
