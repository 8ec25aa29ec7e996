"""Attune on a small side screen: the first window (no saved place) is never larger than the
screen, and every page (live session, review, history, trends, playback) fits a 360-pixel
wide window without widening it; a saved place is restored."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from companion.demo import make_demo_session
from ui.shell.main_window import DEFAULT_SIZE, FRAME_ALLOWANCE, MainWindow


def test_the_first_window_fits_a_screen_smaller_than_its_default_size(
    store, settings, clock, scheme, qtbot
) -> None:
    area = QApplication.primaryScreen().availableGeometry()
    assert area.width() < DEFAULT_SIZE[0], "the offscreen screen is the small one here"
    window = MainWindow(store, scheme, clock=clock, settings=settings)
    qtbot.addWidget(window)

    assert window.width() <= area.width()
    assert window.height() == area.height() - FRAME_ALLOWANCE, "a narrow screen: all its height"
    assert area.contains(window.geometry().topLeft())


def test_a_saved_window_place_is_restored(store, settings, clock, scheme, qtbot) -> None:
    first = MainWindow(store, scheme, clock=clock, settings=settings)
    qtbot.addWidget(first)
    first.resize(520, 400)
    first.show()
    first.close()  # saves its place

    again = MainWindow(store, scheme, clock=clock, settings=settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (520, 400)


def test_a_live_session_fits_a_360_pixel_side_screen(store, make_window, qtbot) -> None:
    window = make_window(store, size=(360, 860))
    window.controller.start("K-07", None, None)
    qtbot.wait(50)  # the window's layout settles

    assert window.minimumSizeHint().width() <= 360
    assert window.width() == 360, "starting a session does not widen a narrow window"
    page = window.live_page
    for button in (page.pause_button, page.end_button, page.plot_toggle):
        assert button.isVisible() and button.geometry().right() < page.width()
    assert page.end_button.text() == "End" and "End session" in page.end_button.accessibleName()


def test_review_history_trends_and_playback_fit_a_360_pixel_window(
    store, make_window, scheme, qtbot
) -> None:
    for seed in (1, 2):
        session = make_demo_session(store, scheme, seed=seed)
    window = make_window(store, size=(360, 860))

    def fits(page_name: str) -> None:
        qtbot.wait(20)  # the window's layout settles
        assert window.width() == 360, f"{page_name} widened the window"
        assert window.minimumSizeHint().width() <= 360, page_name

    window.show_review(session)
    fits("review")
    window.show_start()
    window.start_page.history_button.click()
    history = window.stack.currentWidget()
    fits("history")
    history.table.selectRow(0)
    history.buttons["trends"].click()
    fits("trends")
    window.supervision.show_history()
    window.stack.currentWidget().table.selectRow(0)
    window.stack.currentWidget().buttons["play"].click()
    fits("playback")
