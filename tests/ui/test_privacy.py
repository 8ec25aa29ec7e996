"""The privacy blank: one key hides every client detail and the plot behind a neutral panel;
recording carries on underneath."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from attune_companion.events import Kind


def taps(store, kind):
    return [e for e in store.events(store.sessions()[0].id) if e.kind is kind]


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
    return data.reshape(image.height(), image.bytesPerLine() // 4)[:, :image.width()] & 0xFFFFFF


def scheme_colours(scheme) -> set[int]:
    return {int(s.colour[1:], 16) for s in scheme.states} | {int(scheme.rupture_colour[1:], 16)}


def test_b_blanks_everything_and_taps_still_commit(live, store, clock, scheme):
    clock.advance(3)
    live.controller.tap_client("sympathetic")
    live.controller.rupture()
    page = live.live_page
    QTest.keyClick(live, Qt.Key.Key_B)

    assert live.beside.blanked
    assert not page.plot.isVisible() and not page.pad.isVisible()
    assert not page.timer.isVisible() and not page.status.isVisible()
    grabbed = pixels(live)
    assert not scheme_colours(scheme) & set(np.unique(grabbed).tolist())
    background = np.bincount(np.unique(grabbed, return_inverse=True)[1].ravel()).max()
    assert background / grabbed.size > 0.97  # one plain colour but for "Attune" and the time
    shown = [w.text() for w in live.findChildren(QLabel) if w.isVisible() and w.text()]
    assert all("K-07" not in t for t in shown) and live.windowTitle() == "Attune"

    clock.advance(2)
    QTest.keyClick(live, Qt.Key.Key_3)  # a key tap underneath the blank
    assert [e.value for e in taps(store, Kind.CLIENT)] == ["sympathetic", "dorsal"]

    QTest.keyClick(live, Qt.Key.Key_B)  # one key brings it all back, up to date
    assert page.plot.isVisible() and page.pad.isVisible()
    assert page.pad.lit_names() == ["client:dorsal", "rupture"]


def test_the_blank_shows_only_the_name_and_the_session_time(live, clock):
    clock.advance(125)
    live.beside.set_blanked(True)
    blank = live.beside.blank
    texts = sorted(w.text() for w in blank.findChildren(QLabel) if w.isVisible())
    assert texts == ["2:05", "Attune"]


def test_the_blank_covers_the_compact_strip_too(live, store, clock, qtbot):
    live.beside.set_compact(True)
    strip = live.beside.compact
    qtbot.mouseClick(strip.blank_button, Qt.MouseButton.LeftButton)
    assert live.beside.blanked and strip.blank.blanked
    assert not strip.pad.isVisible() and not strip.plot.isVisible()
    clock.advance(1)
    live.controller.rupture()  # e.g. a global hotkey while blanked
    assert len(taps(store, Kind.RUPTURE)) == 1
    qtbot.mouseClick(strip.blank.reveal_button, Qt.MouseButton.LeftButton)
    assert not live.beside.blanked and strip.pad.isVisible()


def test_revealing_restores_exactly_what_was_shown(live, qtbot):
    page = live.live_page
    page.plot_toggle.setChecked(False)  # the clinician had hidden the plot
    live.beside.set_blanked(True)
    live.beside.set_blanked(False)
    assert not page.plot.isVisible() and page.pad.isVisible()


def test_show_is_where_blank_was(live, qtbot):
    """A second click on the same spot brings the session back (Show was ~770 px below)."""
    def centre(widget) -> QPoint:
        return widget.mapToGlobal(widget.rect().center())

    page = live.live_page
    blank_button = live.beside.blank_button
    spot = centre(blank_button)
    qtbot.mouseClick(blank_button, Qt.MouseButton.LeftButton)
    reveal = live.beside.blank.reveal_button
    assert reveal.isVisible() and reveal.rect().contains(reveal.mapFromGlobal(spot))
    assert page.rect().contains(reveal.geometry())
    qtbot.mouseClick(reveal, Qt.MouseButton.LeftButton)
    assert not live.beside.blanked

    live.beside.set_compact(True)
    strip = live.beside.compact
    spot = centre(strip.blank_button)
    qtbot.mouseClick(strip.blank_button, Qt.MouseButton.LeftButton)
    reveal = strip.blank.reveal_button
    assert reveal.isVisible() and reveal.rect().contains(reveal.mapFromGlobal(spot))


def test_show_follows_blank_when_the_window_is_resized_while_blanked(live, qtbot):
    live.resize(360, 860)
    qtbot.wait(20)
    live.beside.set_blanked(True)
    live.resize(1280, 800)
    qtbot.wait(20)
    blank_button, reveal = live.beside.blank_button, live.beside.blank.reveal_button
    spot = blank_button.mapToGlobal(blank_button.rect().center())
    assert reveal.rect().contains(reveal.mapFromGlobal(spot))
