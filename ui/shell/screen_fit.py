"""Windows that stay on their screen.

A window manager adds a title bar and frame that are not known before a window is shown, so a
first size keeps `FRAME_ALLOWANCE` free below a window as tall as its screen; a remembered
place from another screen (or a larger one) is moved and shrunk onto the screen it opens on.
"""

from __future__ import annotations

from PySide6.QtCore import QRect

FRAME_ALLOWANCE = 40
"""Pixels kept free below a window that fills the screen's height, for the title bar the
window manager adds (not known before the window is shown)."""


def fit_on_screen(geometry: QRect, area: QRect) -> QRect:
    """`geometry` (a window's, without its frame) shrunk and moved to lie within `area`, with
    `FRAME_ALLOWANCE` kept free for its title bar."""
    width = min(geometry.width(), area.width())
    height = min(geometry.height(), area.height() - FRAME_ALLOWANCE)
    left = min(max(geometry.left(), area.left()), area.right() + 1 - width)
    top = min(max(geometry.top(), area.top()), area.bottom() + 1 - FRAME_ALLOWANCE - height)
    return QRect(left, top, width, height)
