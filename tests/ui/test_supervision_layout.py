"""Playback and trends laid out for the room they get: the plot never squeezed by the legend or
the pad, the timer never cut, the pad a read-out, trend labels that say which session they are
and never collide, whole-number counts, and legends that never cover the data."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from attune_companion.clock import FakeClock
from attune_companion.demo import make_demo_session
from attune_companion.history import TrendPoint
from attune_companion.scheme import default_scheme
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.shell.theme import Theme, apply_theme
from attune_companion_ui.supervision.history_controller import TrendsController
from attune_companion_ui.supervision.playback_page import PlaybackPage
from attune_companion_ui.supervision.trends_page import SessionAxis, TrendsPage, session_labels


@pytest.fixture
def playback(qtbot, mem_store):
    apply_theme(QApplication.instance(), Theme.DARK)  # the window's fonts, hence its ems
    session = make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=4)
    page = PlaybackPage(mem_store, session, DARK, clock=FakeClock())
    qtbot.addWidget(page)
    yield page
    page.let_go()


def shown_at(qtbot, page, size: tuple[int, int]) -> None:
    page.fit_width(size[0])
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    for _ in range(3):
        QApplication.processEvents()


def test_at_1100_pixels_the_plot_goes_on_top_at_full_width(qtbot, playback):
    shown_at(qtbot, playback, (1100, 800))
    box = playback.plot._plot.getViewBox()
    assert box.width() >= 0.6 * playback.width()  # was ~170 px beside the pad and the lists
    assert box.height() >= 150


def test_a_narrow_strip_keeps_a_readable_plot_and_the_whole_timer(qtbot, playback):
    shown_at(qtbot, playback, (360, 900))
    box = playback.plot._plot.getViewBox()
    assert box.height() >= 150  # was ~30 px
    digits = playback.timer.digits
    left = playback.left.viewport()
    top = digits.mapTo(left, digits.rect().topLeft()).y()
    assert 0 <= top and top + digits.height() <= left.height()  # not cut in half
    assert digits.height() >= digits.sizeHint().height()
    assert playback.width() == 360


def test_the_pad_is_a_read_out_with_nothing_to_press(qtbot, playback):
    shown_at(qtbot, playback, (1280, 800))
    image = playback.pad.grab().toImage()
    unlit = next(b for n, b in playback.pad.buttons.items()
                 if n.startswith("client:") and not b.lit and b.isVisible())
    inside = unlit.mapTo(playback.pad, unlit.rect().center())
    behind = playback.pad.mapTo(playback.pad, unlit.geometry().topLeft())
    # no button face: the unlit button shows the page behind it
    assert image.pixelColor(inside.x() + unlit.width() // 3, inside.y()) == image.pixelColor(
        behind.x() - 2 if behind.x() > 2 else unlit.geometry().right() + 2, inside.y())


# -- trends ----------------------------------------------------------------------------------

def point(i: int, day: int, hour: int, number: int | None) -> TrendPoint:
    return TrendPoint(i, datetime(2026, 3, day, hour, tzinfo=timezone.utc), number,
                      3, 60_000, 0.5, 0.6, 0.2, None, None)


def test_sessions_on_one_day_get_labels_of_their_own():
    points = [point(1, 2, 9, 4), point(2, 2, 14, 5), point(3, 9, 9, None), point(4, 9, 15, None)]
    labels = session_labels(points)
    assert len(set(labels)) == 4
    assert labels[0].endswith("session 4") and labels[1].endswith("session 5")
    assert labels[2] != labels[3]  # no number: the time tells them apart


def test_trend_labels_never_collide_at_a_side_screens_width(qtbot, mem_store):
    for seed in range(6):
        make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=seed)
    page = TrendsPage(TrendsController(mem_store), DARK)
    qtbot.addWidget(page)
    page.resize(360, 900)
    page.show_client("K-07")
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    widget = page.plots["Ruptures per session"]
    plot = widget.ci.getItem(0, 0)
    axis: SessionAxis = plot.getAxis("bottom")
    size = axis.geometry().width()
    shown = axis.shown(size)
    assert shown and shown[-1] == len(page.points)  # the newest is always labelled
    metrics = QFontMetrics(axis.font())
    widest = max(metrics.horizontalAdvance(line) for text in axis.labels
                 for line in text.split("\n"))
    spacing = size / len(page.points) * (shown[1] - shown[0]) if len(shown) > 1 else size
    assert spacing >= widest

    counts = plot.getAxis("left")
    for _spacing, values in counts.tickValues(0, 4.6, 200):
        assert all(float(v).is_integer() for v in values)  # 1, 2, 3 … never 0.5

    ventral = page.plots["Share of ventral time"]
    data = ventral.ci.getItem(0, 0).getViewBox().sceneBoundingRect()
    legend = ventral.ci.getItem(1, 0)
    assert legend is not None and not legend.sceneBoundingRect().intersects(data)
