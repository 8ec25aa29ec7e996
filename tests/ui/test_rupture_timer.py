"""The rupture timer: open time without pauses, its type and attempts, the last time to repair,
the counts, and the optional tint; an open rupture unmistakable, a closed one at rest, and
nothing below the timer moving when it changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from attune_companion.events import Event, Kind
from attune_companion.fold import fold
from attune_companion_ui.live.rupture_timer import IDLE_DIGITS, RuptureTimer
from attune_companion_ui.shell.theme import Theme, apply_theme

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


def _colour_at(widget, x: int, y: int) -> QColor:
    """The colour on screen at (x, y) of `widget` (its window drawn, so fills are composited)."""
    window = widget.window()
    spot = widget.mapTo(window, QPoint(x, y))
    return window.grab().toImage().pixelColor(spot)


def _distance(a: QColor, b: QColor) -> int:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


@pytest.fixture
def shown_timer(qtbot, scheme):
    """A timer in the dark theme inside a window of its own, 330 pixels wide (a strip)."""
    apply_theme(QApplication.instance(), Theme.DARK)
    host = QWidget()
    host.setObjectName("host")
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    widget = RuptureTimer(scheme, 5, host)
    layout.addWidget(widget)
    layout.addStretch(1)
    host.resize(330, 300)
    host.show()
    qtbot.waitExposed(host)
    yield widget  # (the host stays alive as long as the test runs)


def test_an_open_rupture_is_framed_and_titled_in_the_rupture_colour_a_closed_one_is_not(
    shown_timer, scheme
):
    """Open and closed must not look alike: the frame and the title's pill take the scheme's
    rupture colour only while a rupture is open (wording and digits differ too)."""
    rupture = QColor(scheme.rupture_colour)
    shown_timer.show_state(fold(events((Kind.RUPTURE, 0, "withdrawal"))), 90 * S)
    QApplication.processEvents()
    height = shown_timer.height()
    title = shown_timer.title.geometry()
    assert _distance(_colour_at(shown_timer, 1, height // 2), rupture) < 12, "the frame"
    assert _distance(_colour_at(shown_timer, title.left() + 3, title.center().y()), rupture) < 12
    assert shown_timer.phase == "open"

    shown_timer.show_state(fold(events((Kind.RUPTURE, 0, None), (Kind.REPAIR, 90 * S, None))),
                           95 * S)
    QApplication.processEvents()
    assert shown_timer.phase == "closed"
    assert shown_timer.title.text() == "Last repair took"
    assert _distance(_colour_at(shown_timer, 1, height // 2), rupture) > 40
    assert _distance(_colour_at(shown_timer, title.left() + 3, title.center().y()), rupture) > 40


def test_the_tint_after_the_chosen_minutes_is_plainly_visible(shown_timer):
    shown_timer.show_state(fold(events((Kind.RUPTURE, 0, None))), 0)
    QApplication.processEvents()
    inside = (shown_timer.width() - 6, shown_timer.height() // 2)
    before = _colour_at(shown_timer, *inside)
    shown_timer.tick(5 * 60 * S)
    QApplication.processEvents()
    assert shown_timer.property("tinted") is True
    assert _distance(_colour_at(shown_timer, *inside), before) >= 20, "visible, not a hint"


def test_nothing_below_the_timer_moves_whatever_it_shows(shown_timer):
    """In a narrow strip a long type and many attempts take a shorter wording, never a second
    line: the pad under the timer must not jump under the pointer."""
    heights = []
    for log, now in [
        ([], 0),
        ([(Kind.RUPTURE, 0, "confrontation")] + [(Kind.REPAIR_ATTEMPT, i * S, None)
                                                 for i in range(1, 13)], 600 * S),
        ([(Kind.RUPTURE, 0, "confrontation"), (Kind.PAUSE, 10 * S, None)], 20 * S),
        ([(Kind.RUPTURE, 0, None), (Kind.REPAIR_ATTEMPT, S, None), (Kind.REPAIR, 2 * S, None)],
         3 * S),
    ]:
        shown_timer.show_state(fold(events(*log)), now)
        QApplication.processEvents()
        heights.append(shown_timer.height())
        for label in (shown_timer.title, shown_timer.detail, shown_timer.counts):
            assert label.fontMetrics().horizontalAdvance(label.text()) <= \
                label.contentsRect().width(), label.text()
    assert len(set(heights)) == 1, heights


def test_the_timer_draws_its_figures_from_the_cores_one_rule(timer, monkeypatch):
    from attune_companion.replay import RuptureTimer as Figures
    from attune_companion_ui.live import rupture_timer as widget_module

    monkeypatch.setattr(widget_module, "rupture_timer",
                        lambda state, now: Figures(None, 42 * S, 7, 6, 0, 1))
    timer.show_state(fold(events((Kind.RUPTURE, 0, None), (Kind.REPAIR, S, None))), 2 * S)
    assert timer.digits.text() == "0:42"
    assert timer.counts.text() == "Ruptures 7 · repaired 6 · open 0 · unrepaired 1"


def test_a_tap_in_a_long_session_does_not_walk_every_rupture(timer):
    """The counts come from the newest episode alone (`SessionState.rupture_counts`), so a
    tap costs the same at the 5,000th rupture as at the first."""
    taps = [(kind, t * S, None) for t in range(0, 2000, 2) for kind in (Kind.RUPTURE, Kind.REPAIR)]
    state = fold(events(*taps, (Kind.RUPTURE, 3000 * S, None)))

    class NewestOnly(list):
        def __iter__(self):
            raise AssertionError("every episode was walked")

    state.episodes = NewestOnly(state.episodes)
    timer.show_state(state, 3010 * S)
    assert timer.counts.text() == "Ruptures 1001 · repaired 1000 · open 1"
    assert timer.digits.text() == "0:10"
