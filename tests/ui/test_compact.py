"""The compact strip and no-focus mode: an always-on-top strip that never takes the keyboard
from the video call (by default), fed by the same controller, remembering its place."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from companion.events import Kind

LEFT = Qt.MouseButton.LeftButton


def client_taps(store):
    return [e.value for e in store.events(store.sessions()[0].id) if e.kind is Kind.CLIENT]


def test_the_strip_is_on_top_and_never_takes_focus_by_default(live):
    live.beside.set_compact(True)
    strip = live.beside.compact
    flags = strip.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint and flags & Qt.WindowType.Tool
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus
    assert strip.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in strip.findChildren(QPushButton))
    assert strip.windowTitle() == "Attune"
    assert strip.isVisible() and not live.isVisible()  # the strip replaces the window


def test_a_click_on_the_strip_commits_and_both_views_show_it(live, store, clock, qtbot):
    live.beside.set_compact(True)
    strip = live.beside.compact
    clock.advance(4)
    qtbot.mouseClick(strip.pad.buttons["client:dorsal"], LEFT)
    assert client_taps(store) == ["dorsal"]
    assert strip.pad.lit_names() == live.live_page.pad.lit_names() == ["client:dorsal"]
    assert strip.plot.lane_xy("client")[1].size > 0


def test_the_strip_says_when_a_tap_is_held_or_refused(live, store, clock, qtbot):
    """The full window is hidden behind the strip, so the strip says what its status line
    would: a tap not saved is never only a button that did not light."""
    live.beside.set_compact(True)
    strip = live.beside.compact
    assert not strip.status.isVisible()
    qtbot.mouseClick(strip.pad.buttons["repair"], LEFT)
    assert strip.status.isVisible() and "No rupture is open" in strip.status.text()
    assert strip.status.property("tone") == "refused"

    store.conn.execute("PRAGMA query_only = ON")
    qtbot.mouseClick(strip.pad.buttons["client:dorsal"], LEFT)
    assert "Not saved yet" in strip.status.text() and strip.status.property("tone") == "held"
    assert strip.pad.lit_names() == []
    store.conn.execute("PRAGMA query_only = OFF")
    assert live.controller.retry_held()
    assert not strip.status.isVisible() and strip.pad.lit_names() == ["client:dorsal"]


def test_f11_goes_compact_and_the_strip_comes_back_with_its_place(live, settings, qtbot):
    QTest.keyClick(live, Qt.Key.Key_F11)
    strip = live.beside.compact
    assert strip is not None
    strip.setGeometry(QRect(40, 60, 380, 600))
    qtbot.mouseClick(strip.full_button, LEFT)  # back to the full window
    assert live.beside.compact is None and live.isVisible()
    assert settings.compact_geometry is not None

    live.beside.set_compact(True)
    assert live.beside.compact.geometry().size() == strip.geometry().size() == \
        QRect(40, 60, 380, 600).size()
    assert live.beside.compact.pos() == strip.pos()


def test_closing_the_strip_brings_the_full_window_back(live):
    live.beside.set_compact(True)
    live.beside.compact.close()
    assert live.beside.compact is None and live.isVisible()


def test_a_focusable_strip_answers_the_window_keys(store, make_window, settings, clock, qtbot):
    settings.no_focus_compact = False
    window = make_window(store)
    window.controller.start("K-07", None, None)
    window.beside.set_compact(True)
    strip = window.beside.compact
    assert not strip.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    with qtbot.waitActive(strip):
        strip.activateWindow()
    clock.advance(2)
    QTest.keyClick(strip, Qt.Key.Key_3)
    assert client_taps(store) == ["dorsal"]


def test_no_focus_in_the_full_window_lasts_only_for_the_session(store, make_window, settings):
    settings.no_focus_window = True
    window = make_window(store)
    assert not window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus  # start page types
    window.controller.start("K-07", None, None)
    assert window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus and window.isVisible()
    window.controller.end()
    assert not window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert window.isVisible()


def test_the_session_ending_in_compact_mode_shows_the_summary(live):
    live.beside.set_compact(True)
    live.controller.end()
    assert live.isVisible() and live.stack.currentWidget() is live.review_page
