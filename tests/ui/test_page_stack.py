"""The window narrows to a side strip during a session even after a wide page was shown:
the page stack asks only for the room of the page on show."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

LEFT = Qt.MouseButton.LeftButton


def test_the_live_page_narrows_to_a_strip_after_a_wide_page_was_shown(store, make_window, qtbot):
    window = make_window(store)
    wide = QWidget()
    wide.setMinimumWidth(900)
    window.stack.addWidget(wide)
    window.stack.setCurrentWidget(wide)
    qtbot.waitUntil(lambda: window.width() >= 900)
    window.show_start()
    window.start_page.code.setEditText("K-07")
    qtbot.mouseClick(window.start_page.start_button, LEFT)
    assert window.stack.currentWidget() is window.live_page
    window.resize(360, 900)
    qtbot.waitUntil(lambda: window.width() <= 360)
