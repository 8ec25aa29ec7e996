"""The rupture timer: open time without pauses, its type and attempts, the last time to repair,
the counts, and the optional soft tint."""

from __future__ import annotations

import pytest

from companion.events import Event, Kind
from companion.fold import fold
from ui.live.rupture_timer import IDLE_DIGITS, RuptureTimer

S = 1000


def events(*taps: tuple) -> list[Event]:
    return [Event(i, kind, ms, value=value) for i, (kind, ms, value) in enumerate(taps, 1)]


@pytest.fixture
def timer(qtbot, scheme):
    widget = RuptureTimer(scheme)
    qtbot.addWidget(widget)
    return widget


def test_with_no_rupture_it_is_quiet(timer):
    timer.show_state(fold([]), 0)
    assert (timer.title.text(), timer.digits.text()) == ("No rupture open", IDLE_DIGITS)
    assert timer.counts.text() == "Ruptures 0 · repaired 0 · open 0"


def test_open_time_counts_active_time_only(timer):
    state = fold(events((Kind.RUPTURE, 10 * S, "confrontation"),
                        (Kind.REPAIR_ATTEMPT, 15 * S, None),
                        (Kind.PAUSE, 20 * S, None), (Kind.RESUME, 80 * S, None)))
    timer.show_state(state, 100 * S)

    assert timer.title.text() == "Rupture open"
    assert timer.digits.text() == "0:30"  # 90 s since it opened, 60 s of them paused
    assert timer.detail.text() == "Confrontation · 1 repair attempt so far"
    timer.tick(3725 * S)
    assert timer.digits.text() == "1:00:55"


def test_while_paused_it_stands_still_and_says_so(timer):
    state = fold(events((Kind.RUPTURE, 0, None), (Kind.PAUSE, 40 * S, None)))
    timer.show_state(state, 41 * S)
    timer.tick(300 * S)
    assert timer.title.text() == "Rupture open · paused"
    assert timer.digits.text() == "0:40"


def test_after_a_repair_it_shows_the_time_it_took_and_the_counts(timer):
    state = fold(events((Kind.RUPTURE, 0, None), (Kind.REPAIR, 95 * S, None),
                        (Kind.RUPTURE, 200 * S, None), (Kind.REPAIR, 230 * S, None)))
    timer.show_state(state, 500 * S)
    timer.tick(900 * S)
    assert (timer.title.text(), timer.digits.text()) == ("Last repair took", "0:30")
    assert timer.detail.text() == "0 repair attempts before the repair"
    assert timer.counts.text() == "Ruptures 2 · repaired 2 · open 0"


def test_an_ended_session_counts_its_unrepaired_rupture(timer):
    state = fold(events((Kind.RUPTURE, 0, None), (Kind.END, 60 * S, None)))
    timer.show_state(state, 60 * S)
    assert timer.title.text() == "No rupture open"
    assert timer.counts.text() == "Ruptures 1 · repaired 0 · open 0 · unrepaired 1"


def test_the_soft_tint_comes_only_after_the_chosen_minutes(timer):
    state = fold(events((Kind.RUPTURE, 0, None)))
    timer.show_state(state, 0)
    timer.tick(60 * 60 * S)
    assert timer.property("tinted") is False  # off by default

    timer.set_tint_minutes(8)
    timer.tick(8 * 60 * S - 1)
    assert timer.property("tinted") is False
    timer.tick(8 * 60 * S)
    assert timer.property("tinted") is True

    timer.show_state(fold(events((Kind.RUPTURE, 0, None), (Kind.REPAIR, 9 * 60 * S, None))),
                     9 * 60 * S)
    assert timer.property("tinted") is False
