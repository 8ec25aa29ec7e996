"""The first window (no saved place) is never larger than the screen, as on a small side
monitor, and a live session fits a 360-pixel side screen; a saved place is restored."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from ui.main_window import DEFAULT_SIZE, FRAME_ALLOWANCE, MainWindow


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
