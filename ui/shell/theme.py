"""The two looks of the window: dark (default, low glare) and light.

Each theme is a style sheet in resources/styles plus a matching palette (for the parts a
style sheet does not reach, such as tooltips and pop-up lists) and the plot's `PlotStyle`.
Sizes in the sheets are points and ems, so the window scales with the system's font and
display scaling.
"""

from __future__ import annotations

from enum import StrEnum
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from attune_companion_ui.plot.plot_style import DARK, LIGHT, PlotStyle


class Theme(StrEnum):
    DARK = "dark"
    LIGHT = "light"


_PALETTES: dict[Theme, dict[QPalette.ColorRole, str]] = {
    Theme.DARK: {
        QPalette.ColorRole.Window: "#232529",
        QPalette.ColorRole.WindowText: "#d6d9de",
        QPalette.ColorRole.Base: "#2b2d31",
        QPalette.ColorRole.AlternateBase: "#303338",
        QPalette.ColorRole.Text: "#d6d9de",
        QPalette.ColorRole.Button: "#33363c",
        QPalette.ColorRole.ButtonText: "#d6d9de",
        QPalette.ColorRole.Highlight: "#4f6580",
        QPalette.ColorRole.HighlightedText: "#f0f2f5",
        QPalette.ColorRole.ToolTipBase: "#33363c",
        QPalette.ColorRole.ToolTipText: "#d6d9de",
        QPalette.ColorRole.PlaceholderText: "#8a919b",
    },
    Theme.LIGHT: {
        QPalette.ColorRole.Window: "#efece6",
        QPalette.ColorRole.WindowText: "#2e3238",
        QPalette.ColorRole.Base: "#f8f6f2",
        QPalette.ColorRole.AlternateBase: "#ebe7e0",
        QPalette.ColorRole.Text: "#2e3238",
        QPalette.ColorRole.Button: "#e3dfd7",
        QPalette.ColorRole.ButtonText: "#2e3238",
        QPalette.ColorRole.Highlight: "#9fb0cf",
        QPalette.ColorRole.HighlightedText: "#1f2328",
        QPalette.ColorRole.ToolTipBase: "#f8f6f2",
        QPalette.ColorRole.ToolTipText: "#2e3238",
        QPalette.ColorRole.PlaceholderText: "#7a808a",
    },
}


STYLES_DIR = "@styles"
"""Stands for the style sheets' own folder in their url(…), so images beside them are found."""


def style_sheet(theme: Theme) -> str:
    """The theme's Qt style sheet text, its images' paths made whole."""
    styles = resources.files("attune_companion_resources").joinpath("styles")
    text = styles.joinpath(f"{theme.value}.qss").read_text(encoding="utf-8")
    return text.replace(STYLES_DIR, Path(str(styles)).as_posix())


def plot_style(theme: Theme) -> PlotStyle:
    return DARK if theme is Theme.DARK else LIGHT


def apply_theme(app: QApplication, theme: Theme) -> PlotStyle:
    """Dress the whole application in `theme`; returns the plot style that goes with it.

    Restyling re-polishes every widget alive, so it happens only when the theme changes.
    """
    if app.property("attune_theme") != theme.value:
        app.setStyle("Fusion")
        palette = QPalette()
        for role, colour in _PALETTES[theme].items():
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
        app.setStyleSheet(style_sheet(theme))
        app.setProperty("attune_theme", theme.value)
    return plot_style(theme)
