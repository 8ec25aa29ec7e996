"""Attune on a small side screen: the first window (no saved place) is never larger than the
screen, and every page (live session, review, history, trends, playback) fits a 360-pixel
wide window without widening it; a saved place is restored."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from attune_companion.demo import make_demo_session
from attune_companion_ui.shell.main_window import DEFAULT_SIZE, MainWindow
from attune_companion_ui.shell.screen_fit import FRAME_ALLOWANCE


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


def _fits(window, page, what: str) -> None:
    QApplication.processEvents()
    assert window.width() == 360, f"{what} widened the window to {window.width()}"
    assert window.minimumSizeHint().width() <= 360, what
    for button in (page.pause_button, page.end_button, page.plot_toggle):
        assert button.isVisible() and button.geometry().right() < page.width(), what
    for name, button in page.pad.buttons.items():
        assert button.geometry().right() < page.pad.width(), (what, name)


def test_every_live_state_fits_a_360_pixel_window(store, make_window, clock, qtbot) -> None:
    """Paused, blank, rupture open, a long note, held taps and the end question: the window
    stays 360 pixels wide (pausing used to widen it to ~403 px, for good)."""
    window = make_window(store, size=(360, 860))
    window.controller.start("K-07", None, None)
    page = window.live_page
    qtbot.wait(20)
    _fits(window, page, "starting")
    clock.advance(30)
    window.controller.rupture("confrontation")
    _fits(window, page, "a rupture")
    window.controller.toggle_pause()
    _fits(window, page, "pausing")
    assert page.status.text().startswith("Paused at"), "said where the badge has no room"
    window.controller.toggle_pause()
    _fits(window, page, "resuming")
    window.beside.set_blanked(True)
    _fits(window, page, "the blank")
    window.beside.set_blanked(False)
    page.pad.note_field.setText("a long note " * 40)
    _fits(window, page, "a long note")
    window.controller.held.emit("Not saved yet: the disk is full. Attune is holding 12 taps "
                                "and tries again every few seconds; nothing is lost.")
    _fits(window, page, "held taps")
    page.actions.trigger("end")
    _fits(window, page, "the end question")
    assert page.confirm_end_button.geometry().right() < page.width()


def test_the_whole_pad_shows_on_a_first_window_without_scrolling(store, make_window, qtbot):
    """At the first window's size (1100×760, e.g. on a 1600×1000 screen) the back-date row
    is not cut off at the bottom."""
    window = make_window(store, size=(1100, 760))
    window.controller.start("K-07", None, None)
    window.controller.rupture()
    qtbot.wait(20)
    page = window.live_page
    assert page.wide
    assert not page.pad_scroll.verticalScrollBar().isVisible()
    row = page.pad.backdate_buttons[30]
    assert row.mapTo(page, row.rect().bottomLeft()).y() < page.height()


def test_repair_is_in_view_while_a_rupture_is_open_at_twice_the_scale(
    store, make_window, qtbot
):
    """1600×1000 at a scale factor of 2 is an 800×500 window (less its title bar): the timer
    stands above the plot, so Repair is above the fold, not below it."""
    window = make_window(store, size=(800, 460))
    window.controller.start("K-07", None, None)
    window.controller.rupture()
    qtbot.wait(20)
    page = window.live_page
    repair = page.pad.buttons["repair"]
    bottom = repair.mapTo(page.pad_scroll.viewport(), repair.rect().bottomLeft()).y()
    assert bottom < page.pad_scroll.viewport().height()
    assert page.timer.phase == "open" and page.timer.isVisible()


def test_the_start_pages_recent_sessions_keep_their_time_in_a_narrow_window(
    store, make_window, scheme, qtbot
) -> None:
    """Each recent session's button shows when it was in full, however narrow the window:
    only what comes before the time is cut (with an ellipsis; the whole is in the tooltip)."""
    make_demo_session(store, scheme, client_code="K-07", seed=1)
    window = make_window(store, size=(360, 860))
    window.show_start()
    qtbot.wait(20)
    [button] = window.start_page.past_sessions.buttons
    row = store.sessions()[0]
    assert button.when.text() == row.local_start()
    metrics = button.when.fontMetrics()
    assert metrics.horizontalAdvance(button.when.text()) <= button.when.contentsRect().width()
    assert button.when.geometry().right() < button.width()
    assert button.toolTip() == row.describe()
