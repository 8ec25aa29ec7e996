"""Where and how the session plot draws its markers: each kind its own row, shape and colour.

Repair attempts and repairs sit in two rows above the ladder, the note kinds (glimmer,
trigger, note …) each in a row of their own below it, so two marks made moments apart never
merge, and a kind is told by where it sits and by its shape as well as by its colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtGui import QColor

from attune_companion.scheme import Scheme
from attune_companion_ui.plot.plot_style import PlotStyle

ATTEMPT_ROW, REPAIR_ROW = 0.12, 0.23
"""Heights above the top rung, in ladder spans."""
NOTE_FIRST_ROW, NOTE_ROW_GAP = 0.12, 0.11
"""Depth of the first note row below the bottom rung, and between note rows (ladder spans)."""
ROOM_ABOVE, ROOM_BELOW = 0.38, 0.08
"""Free space above the repair row (supervision comments use its top) and under the last
note row (ladder spans)."""


@dataclass(frozen=True)
class Look:
    """A marker's symbol (pyqtgraph's names), outline pen and fill brush (None: hollow)."""

    symbol: str
    pen: object
    brush: object


def marker_rows(scheme: Scheme) -> tuple[dict[str, float], tuple[float, float]]:
    """The y of each marker kind ("repair_attempt", "repair", "note:<id>") and the plot's
    vertical extent (bottom, top), for the scheme's ladder."""
    ladder = scheme.enabled_states
    top, bottom = ladder[0].level, ladder[-1].level
    span = max(top - bottom, 1.0)
    rows = {"repair_attempt": top + ATTEMPT_ROW * span, "repair": top + REPAIR_ROW * span}
    for i, note in enumerate(scheme.notes):
        rows[f"note:{note.id}"] = bottom - (NOTE_FIRST_ROW + i * NOTE_ROW_GAP) * span
    lowest = min(rows.values())
    return rows, (lowest - ROOM_BELOW * span, top + ROOM_ABOVE * span)


def marker_looks(scheme: Scheme, style: PlotStyle) -> dict[str, Look]:
    """How each marker kind is drawn in `style`: a hollow triangle for an attempt, a filled
    circle for a repair, each note kind its scheme shape in a colour of its own."""
    repair = QColor(scheme.repair_colour).darker(style.scheme_shade)
    attempt = QColor(repair).lighter(style.attempt_lighter)
    looks = {
        "repair_attempt": Look("t1", pg.mkPen(attempt, width=2.2), None),
        "repair": Look("o", pg.mkPen(style.background, width=1.2), pg.mkBrush(repair)),
    }
    for i, note in enumerate(scheme.notes):
        colour = QColor(style.note_colours[i % len(style.note_colours)])
        looks[f"note:{note.id}"] = Look(note.shape, pg.mkPen(colour.darker(140), width=1),
                                        pg.mkBrush(colour))
    return looks
