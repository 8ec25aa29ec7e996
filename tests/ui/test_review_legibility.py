"""The review read and used as a clinician would: the page scrolls past the timeline without
zooming it, every session opens whole, the rupture table's headings are whole at any width,
a tag is ticked by its words, and Apply is in sight once a tap is picked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionButton

from attune_companion.demo import make_demo_session
from attune_companion.events import Kind
from attune_companion.scheme import default_scheme
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.review.review_controller import ReviewController
from attune_companion_ui.review.review_page import ReviewPage
from attune_companion_ui.review.review_widgets import RuptureTable


@pytest.fixture
def sessions(mem_store) -> list[int]:
    return [make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=s)
            for s in (1, 4)]


@pytest.fixture
def review(qtbot, mem_store, sessions):
    page = ReviewPage(ReviewController(mem_store), DARK)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitExposed(page)
    page.show_session(sessions[0])
    QApplication.processEvents()
    return page


def wheel_over(widget, ctrl: bool = False) -> None:
    """One notch of the wheel over `widget`, as the window system sends it: towards the user
    (scrolls down), or with Ctrl away from the user (zooms in)."""
    top = widget.window()
    at = widget.mapTo(top, QPoint(widget.width() // 2, widget.height() // 2))
    modifiers = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    QTest.wheelEvent(top.windowHandle(), QPointF(at), QPoint(0, 120 if ctrl else -120),
                     QPoint(0, 0), modifiers)
    QApplication.processEvents()


def test_the_session_is_named_as_everywhere_else(review, mem_store, sessions):
    row = mem_store.session(sessions[0])
    assert review.session_line.text() == row.describe()  # 'K-07 · session 1 · …', no record


def test_the_wheel_over_the_timeline_scrolls_the_page_and_never_zooms(review):
    whole = review.plot.x_range()
    wheel_over(review.plot._view.viewport())
    assert review.plot.x_range() == pytest.approx(whole)
    assert review.scroll.verticalScrollBar().value() > 0  # the page moved on down


def test_a_zoom_does_not_follow_into_the_next_sessions_review(review, sessions):
    wheel_over(review.plot._view.viewport(), ctrl=True)
    zoomed = review.plot.x_range()
    assert zoomed[1] - zoomed[0] < review.shown.end_ms / 60_000
    assert review.plot.reset_button.isVisible()
    review.show_session(sessions[1])
    left, right = review.plot.x_range()
    end = review.shown.end_ms / 60_000
    assert left <= 0 and end <= right <= 1.05 * end  # its whole extent, not the last zoom
    assert not review.plot.reset_button.isVisible()
    assert review.plot._plot.getAxis("bottom").labelText == "minutes"


@pytest.mark.parametrize("width", [1920, 1280, 1100, 920])
def test_rupture_table_headings_are_whole_at_every_width(qtbot, review, width):
    review.resize(width, 800)
    QApplication.processEvents()
    table: RuptureTable = review.rupture_table
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    if table.compact:
        assert table.columnCount() == 1
        return
    for column, heading in enumerate(RuptureTable.HEADERS):
        assert header.sectionSize(column) >= metrics.horizontalAdvance(heading) + 8, heading
    assert sum(header.sectionSize(c) for c in range(table.columnCount())) <= (
        table.viewport().width())


def test_a_narrow_review_lists_each_rupture_as_lines(review):
    review.resize(360, 800)
    QApplication.processEvents()
    assert review.rupture_table.compact and review.rupture_table.columnCount() == 1
    assert review.rupture_table.item(0, 0).text().startswith("#1 at ")


def pick_rupture(review, mem_store, session_id: int) -> None:
    rupture = next(e.id for e in mem_store.events(session_id) if e.kind is Kind.RUPTURE)
    review.events.select(rupture)
    QApplication.processEvents()
    QApplication.processEvents()


def test_a_marker_is_ticked_by_clicking_its_words(qtbot, review, mem_store, sessions):
    pick_rupture(review, mem_store, sessions[0])
    box = next(iter(review.editor.boxes.values()))
    before = box.isChecked()
    option = QStyleOptionButton()
    option.initFrom(box)
    option.text = box.text()
    text = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, box)
    words = QPoint(text.left() + 10, text.center().y())  # on its words, not its box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=words)
    assert box.isChecked() is not before


@pytest.mark.parametrize("size", [(1280, 720), (360, 900)])
def test_apply_is_in_sight_once_a_tap_is_picked(qtbot, review, mem_store, sessions, size):
    review.resize(*size)
    QApplication.processEvents()
    pick_rupture(review, mem_store, sessions[0])
    button, viewport = review.editor.apply_button, review.scroll.viewport()

    def in_sight() -> bool:
        top = button.mapTo(viewport, QPoint(0, 0)).y()
        return button.isVisible() and 0 <= top and top + button.height() <= viewport.height()

    qtbot.waitUntil(in_sight, timeout=1000)
