"""The compact strip and no-focus mode: an always-on-top strip that never takes the keyboard
from the video call (by default), fed by the same controller, remembering its place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from attune_companion.events import Kind
from attune_companion_ui.shell.screen_fit import FRAME_ALLOWANCE

LEFT = Qt.MouseButton.LeftButton


def client_taps(store):
    return [e.value for e in store.events(store.sessions()[0].id) if e.kind is Kind.CLIENT]


def undone(store) -> int:
    return sum(e.kind is Kind.UNDO for e in store.events(store.sessions()[0].id))


@pytest.fixture
def the_call(qtbot):
    """Another application's window (the video call) with the keyboard."""
    call = QWidget()
    call.setWindowTitle("the call")
    qtbot.addWidget(call)
    with qtbot.waitActive(call):
        call.show()
        call.activateWindow()
    yield call
    call.close()


def assert_never_takes_focus(strip) -> None:
    assert strip.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert strip.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in strip.findChildren(QPushButton))


def test_the_strip_is_on_top_and_never_takes_focus_from_the_call(live, the_call, qtbot):
    live.beside.set_compact(True)  # e.g. by a global key while the call has the keyboard
    strip = live.beside.compact
    flags = strip.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint and flags & Qt.WindowType.Tool
    assert_never_takes_focus(strip)
    assert QApplication.activeWindow() is the_call
    assert strip.windowTitle() == "Attune"
    assert strip.isVisible() and not live.isVisible()  # the strip replaces the window


def test_from_the_full_window_the_keyboard_goes_to_the_strip_until_it_leaves(
    live, store, clock, qtbot
):
    """F11 in the window: the keys keep working in the strip (Undo too); once the clinician
    clicks into the call, the strip never takes the keyboard again."""
    assert live.isActiveWindow()
    QTest.keyClick(live, Qt.Key.Key_F11)
    strip = live.beside.compact
    qtbot.waitUntil(strip.isActiveWindow)
    clock.advance(2)
    QTest.keyClick(strip, Qt.Key.Key_3)
    assert client_taps(store) == ["dorsal"]
    QTest.keyClick(strip, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert undone(store) == 1 and strip.pad.lit_names() == []
    assert strip.messages.status.text() == "Undone: Dorsal (client) · 0:02"

    call = QWidget()
    qtbot.addWidget(call)
    call.show()
    call.activateWindow()  # (offscreen Qt then re-activates the re-shown strip; X11 does not)
    qtbot.waitUntil(lambda: bool(strip.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus))
    assert_never_takes_focus(strip)
    assert strip.isVisible()
    call.close()


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
    status = strip.status
    assert status.text() == ""
    qtbot.mouseClick(strip.pad.buttons["repair"], LEFT)
    assert status.isVisible() and "No rupture is open" in status.text()
    assert status.property("tone") == "refused"

    store.conn.execute("PRAGMA query_only = ON")
    qtbot.mouseClick(strip.pad.buttons["client:dorsal"], LEFT)
    assert "Not saved yet" in status.text() and status.property("tone") == "held"
    assert strip.pad.lit_names() == []
    store.conn.execute("PRAGMA query_only = OFF")
    assert live.controller.retry_held()
    assert status.property("tone") == "recorded" and "Not saved" not in status.text()
    assert strip.pad.lit_names() == ["client:dorsal"]


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


def test_the_strip_has_an_undo_button(live, store, clock, qtbot):
    live.beside.set_compact(True)
    strip = live.beside.compact
    clock.advance(4)
    qtbot.mouseClick(strip.pad.buttons["rupture"], LEFT)
    qtbot.mouseClick(strip.undo_button, LEFT)
    assert undone(store) == 1
    assert strip.pad.lit_names() == [] and live.live_page.pad.lit_names() == []
    assert strip.messages.status.text() == "Undone: Rupture · 0:04"
    assert "Ctrl+Z" in strip.undo_button.toolTip()


def test_the_strip_opens_on_the_windows_screen_above_its_bottom_edge(live):
    """As tall as the screen allows below a title bar: never past the bottom (at 360×900 it
    ran ~40 px off), and never wider than the screen."""
    area = live.screen().availableGeometry()
    live.beside.set_compact(True)
    strip = live.beside.compact
    assert strip.screen() is live.screen()
    assert area.contains(strip.geometry())
    assert strip.geometry().bottom() <= area.bottom() - FRAME_ALLOWANCE + 1
    assert strip.geometry().right() == area.right()


def test_a_remembered_place_off_the_screen_is_brought_back_onto_it(live, settings):
    live.beside.set_compact(True)
    live.beside.compact.setGeometry(QRect(5000, 4000, 360, 3000))  # another, larger screen
    live.beside.set_compact(False)
    live.beside.set_compact(True)
    area = live.screen().availableGeometry()
    assert area.contains(live.beside.compact.geometry())


def test_nothing_in_the_strip_moves_when_the_timer_changes(live, clock, qtbot):
    """A rupture opening, attempts piling up, a repair: every button stays where it was, so
    none moves under the pointer."""
    live.beside.set_compact(True)
    strip = live.beside.compact
    qtbot.wait(20)

    def places() -> dict[str, QRect]:
        QApplication.processEvents()
        buttons = {**strip.pad.buttons, "undo": strip.undo_button, "full": strip.full_button}
        return {name: QRect(b.mapTo(strip, b.rect().topLeft()), b.size())
                for name, b in buttons.items()}

    before = places()
    c = live.controller
    clock.advance(5)
    c.rupture("confrontation")
    for _ in range(12):
        clock.advance(1)
        c.repair_attempt()
    assert places() == before
    clock.advance(600)
    live._tick()
    c.repair()
    assert places() == before


def test_a_short_strip_gives_its_room_to_the_pad_before_the_timeline(live, qtbot):
    live.beside.set_compact(True)
    strip = live.beside.compact
    strip.resize(360, 1000)
    qtbot.wait(10)
    assert strip.plot.isVisible()
    assert not strip.scroll.verticalScrollBar().isVisible(), "the whole pad beside it"
    strip.resize(360, 420)  # 720x900 at 200 %
    qtbot.wait(10)
    assert not strip.plot.isVisible()
