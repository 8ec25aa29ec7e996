"""How the session plot looks: two low-glare palettes, DARK (default) and LIGHT.

The plot sits on a side screen for a whole hour, so both palettes keep contrast moderate:
the dark one is a soft charcoal rather than black, the light one an off-white rather than
paper white. State, rupture and repair colours come from the coding scheme; this file holds
only what the scheme does not say (background, text, lines for the two lanes, the now line).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlotStyle:
    """Colours (``#rrggbb``), alphas (0..1), line widths (px) and font size (pt) of the plot."""

    name: str
    background: str
    foreground: str
    """Axis lines, tick labels, legend text."""
    grid: str
    grid_alpha: float
    now_line: str
    client_line: str
    self_line: str
    client_width: float
    self_width: float
    level_guide_alpha: float
    """Faint horizontal line at each ladder rung, in the state's scheme colour."""
    rupture_alpha: float
    pause_colour: str
    pause_alpha: float
    note_colours: tuple[str, ...]
    """One colour per note kind, in the scheme's order (glimmer, trigger, note)."""
    marker_size: int
    font_size: int
    scheme_shade: int = 100
    """Scheme colours are made for a dark ground; >100 darkens them (Qt's QColor.darker)."""
    attempt_lighter: int = 135
    """A repair attempt is drawn in a paler repair colour than a repair (QColor.lighter)."""


DARK = PlotStyle(
    name="dark",
    background="#2b2d31",
    foreground="#c4c8ce",
    grid="#c4c8ce",
    grid_alpha=0.10,
    now_line="#9aa7b6",
    client_line="#e2e4e7",
    self_line="#9fb3d9",
    client_width=3.0,
    self_width=1.8,
    level_guide_alpha=0.40,
    rupture_alpha=0.24,
    pause_colour="#8d939b",
    pause_alpha=0.35,
    note_colours=("#e6cf6e", "#e489b4", "#b9c3d3"),
    marker_size=13,
    font_size=11,
)

LIGHT = PlotStyle(
    name="light",
    background="#f6f4ef",
    foreground="#3d4148",
    grid="#3d4148",
    grid_alpha=0.10,
    now_line="#6d7784",
    client_line="#2e3238",
    self_line="#4d68a8",
    client_width=3.0,
    self_width=1.8,
    level_guide_alpha=0.55,
    rupture_alpha=0.22,
    pause_colour="#8d939b",
    pause_alpha=0.60,
    note_colours=("#8a6d00", "#b03c78", "#4f5a6b"),
    marker_size=13,
    font_size=11,
    scheme_shade=135,
    attempt_lighter=100,
)
