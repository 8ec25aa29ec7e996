"""Where the live plot's time axis stands while it follows now: it moves in steps, not each tick.

A view that slid with every tick would repaint the whole plot four times a second for a shift
no one can see (at a 10-minute window a pixel is about a second), and a plot that never stops
moving pulls the eye. So the view stands still while now walks across it, and steps ahead by a
tenth of the window when now comes near the right edge: one full repaint a minute at
10 minutes. The whole-session view grows the same way, by a small share of the session.
"""

from __future__ import annotations

import math

EDGE = 0.04
"""Now stays at least this share of the window from the right edge."""
STEP = 0.10
"""How far past that the right edge is put when the view steps (share of the window)."""
START = 0.98
"""At the start of a session the window's right edge stands here (share of the window)."""
WHOLE_EDGE, WHOLE_STEP = 0.005, 0.015
"""The whole-session view: the same, as shares of the session so far (at least a minute)."""
WHOLE_LEFT = -0.01
"""The whole-session view's left edge, as a share of its right edge: a sliver before 0."""


def follow_range(window_min: float | None, tail_min: float,
                 shown: tuple[float, float] | None) -> tuple[float, float] | None:
    """The x-range (minutes) to move to so the view keeps `tail_min` (now, or where the
    session ended) in sight, or None while `shown` (the range last put) still does.

    `window_min` is the rolling window's width, or None for the whole session.
    """
    if window_min is None:
        session = max(tail_min, 1.0)
        lowest, right = session * (1 + WHOLE_EDGE), session * (1 + WHOLE_EDGE + WHOLE_STEP)
        if shown is not None and lowest <= shown[1] <= right and math.isclose(
                shown[0], WHOLE_LEFT * shown[1]):
            return None
        return WHOLE_LEFT * right, right
    lowest = tail_min + EDGE * window_min
    right = max(START * window_min, lowest + STEP * window_min)
    if shown is not None and lowest <= shown[1] <= right and math.isclose(
            shown[1] - shown[0], window_min):
        return None
    return right - window_min, right
