"""The window narrows to a side strip during a session even after a wide page was shown."""

from __future__ import annotations

from PySide6.QtCore import Qt

LEFT = Qt.MouseButton.LeftButton


def test_the_live_page_narrows_to_a_strip_after_the_history_was_shown(store, make_window, qtbot):
    window = make_window(store)
    qtbot.mouseClick(window.start_page.history_button, LEFT)
    history_min = window.stack.currentWidget().minimumSizeHint().width()
    assert history_min > 400, "the history page is the wide one this test is about"
    window.show_start()
    window.start_page.code.setEditText("K-07")
    qtbot.mouseClick(window.start_page.start_button, LEFT)
    assert window.stack.currentWidget() is window.live_page
    window.resize(360, 900)
    # A 360-pixel side screen's strip, not the history table's 668 px.
    qtbot.waitUntil(lambda: window.width() <= 360)
