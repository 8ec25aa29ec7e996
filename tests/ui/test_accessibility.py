"""Every control says what it is to a screen reader, and the live page works from the keyboard.

Walks every widget of each view (start, live, summary, the compact strip, the settings dialog)
and fails on an interactive control without an accessible name. The parts Qt builds inside a
named control (a combo box's list, a spin box's field, a table's headers) speak through it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QWidget,
)

from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.shell.settings_dialog import open_settings

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
               QPlainTextEdit, QSlider, QKeySequenceEdit, SessionPlot)
COMPOSITE = (QComboBox, QAbstractSpinBox, QAbstractItemView, QKeySequenceEdit)


def _inside_composite(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, COMPOSITE):
            return True
        parent = parent.parentWidget()
    return False


def unnamed(root: QWidget) -> list[str]:
    """Interactive controls under `root` (itself included) without an accessible name."""
    widgets = [root, *root.findChildren(QWidget)]
    return [f"{type(w).__name__} {w.objectName() or ''} {getattr(w, 'text', lambda: '')()!r}"
            for w in widgets
            if isinstance(w, INTERACTIVE) and not w.accessibleName().strip()
            and not _inside_composite(w, root)]


def test_the_start_page_names_every_control(window):
    assert unnamed(window.start_page) == []


def test_the_live_page_names_every_control(live):
    assert unnamed(live.live_page) == []


def test_the_review_page_names_every_control(live):
    live.controller.end()
    assert unnamed(live.review_page) == []


def test_the_compact_strip_names_every_control(live):
    live.beside.set_compact(True)
    assert unnamed(live.beside.compact) == []


def test_the_settings_dialog_names_every_control(window, tmp_path):
    dialog = open_settings(window, tmp_path / "scheme.json")
    try:
        for index in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(index)
            assert unnamed(dialog) == [], dialog.tabs.tabText(index)
    finally:
        dialog.close()


def test_tab_reaches_every_tap_button_in_pad_order(live):
    page = live.live_page
    page.setFocus()
    seen: list[QWidget] = []
    for _ in range(80):
        QTest.keyClick(QApplication.focusWidget() or live, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget in seen:
            break
        seen.append(widget)
    buttons = list(page.pad.buttons.values())
    assert [w for w in seen if w in buttons] == buttons


def test_space_on_a_focused_tap_button_records_it(live, store, clock):
    button = live.live_page.pad.buttons["client:ventral"]
    button.setFocus(Qt.FocusReason.TabFocusReason)
    clock.advance(1)
    QTest.keyClick(button, Qt.Key.Key_Space)
    session = store.sessions()[0]
    assert [e.value for e in store.events(session.id) if e.value] == ["ventral"]
