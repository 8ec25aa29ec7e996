"""Where the live plot's time axis stands while it follows now (ui.plot.following)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune_companion_ui.plot.following import EDGE, STEP, follow_range


def walk(window: float | None, minutes: float, every: float = 0.01) -> list[tuple[float, float]]:
    """The ranges put while now walks from 0 to `minutes`, one tick every `every` minutes."""
    shown, ranges = None, []
    for i in range(round(minutes / every) + 1):
        wanted = follow_range(window, i * every, shown)
        if wanted is not None:
            shown = wanted
            ranges.append(wanted)
    return ranges


def test_a_ten_minute_window_stands_from_the_start_then_steps_a_tenth_at_a_time():
    ranges = walk(10, 30)
    assert ranges[0] == pytest.approx((-0.2, 9.8))  # the session's start in view, a sliver before
    assert 20 <= len(ranges) <= 23  # about one step a minute after the first ten
    steps = [b[1] - a[1] for a, b in zip(ranges, ranges[1:])]
    assert min(steps) >= STEP * 10 - 0.02
    assert all(right - left == pytest.approx(10) for left, right in ranges)


@given(st.sampled_from([5, 10, 20, 60]), st.floats(0, 600), st.floats(0, 3))
def test_now_is_always_in_view_and_never_at_the_right_edge(window, start, walked):
    shown = follow_range(window, start, None)
    assert shown is not None
    now = start + walked
    shown = follow_range(window, now, shown) or shown
    left, right = shown
    assert left < now <= right - EDGE * window + 1e-9
    assert right - left == pytest.approx(window)


def test_the_whole_session_view_grows_in_small_steps_and_shows_everything():
    ranges = walk(None, 60)
    assert ranges[0] == pytest.approx((-0.0102, 1.02))  # at least a minute at the start
    assert 100 <= len(ranges) < 300  # a few times a minute at most, not with every tick
    left, right = ranges[-1]
    assert left < 0 and 60 < right <= 60 * 1.02 + 1e-9


def test_a_new_window_width_is_put_at_once():
    shown = follow_range(10, 25, None)
    assert follow_range(10, 25.1, shown) is None
    left, right = follow_range(5, 25.1, shown)
    assert right - left == pytest.approx(5) and left < 25.1 < right
