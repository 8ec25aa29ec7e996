"""Playback from the history opens on the page already built: building a page per session
(its plot, pad and lists) was most of a short session's open. The page shows each session
afresh, builds the scheme's parts again only when the scheme differs, and holds nothing of a
session once it is left."""

from __future__ import annotations

import gc
import json
import weakref

from PySide6.QtCore import Qt

from attune_companion import comments
from attune_companion.clock import FakeClock
from attune_companion.layers import CursorClock, LayerRecorder
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme, default_scheme, parse_scheme
from attune_companion.store import Store

S = 1000


def record(store: Store, code: str, taps: int, scheme: Scheme | None = None) -> int:
    """An ended session of `taps` client taps 10 s apart, with a rupture and its repair."""
    clock = FakeClock()
    rec = Recorder.start(store, scheme or default_scheme(), clock, code)
    rec.rupture("withdrawal")
    for i in range(taps):
        clock.advance(10)
        rec.client(("ventral", "sympathetic", "dorsal")[i % 3])
    rec.repair(["clarify"])
    clock.advance(10)
    rec.end()
    return rec.session.id


def with_play_enabled() -> Scheme:
    raw = json.loads(default_scheme().to_json())
    for state in raw["states"]:
        if state["id"] == "play":
            state["enabled"] = True
    return parse_scheme(raw, "test")


def test_a_second_playback_opens_on_the_same_page_and_plot(store, make_window, qtbot):
    first, second = record(store, "K-1", 12), record(store, "K-2", 30)
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    flow.play(first)
    page = flow.page
    plot, pad, timer, model = page.plot, page.pad, page.timer, page.event_model
    page.controller.set_speed(4)
    page.controller.seek(60 * S)
    page.controller.play()
    flow.show_history()
    flow.play(second)
    assert flow.page is page and window.stack.currentWidget() is page
    assert (page.plot, page.pad, page.timer, page.event_model) == (plot, pad, timer, model)
    assert page.event_model.rowCount() == 30 + 3  # the taps, the rupture, repair and end
    assert page.session.id == second and "K-2" in page.session_line.text()
    assert page.controller.cursor_ms == 0 and not page.controller.playing
    assert page.controller.speed == 1 and page.speed_group.checkedId() == 1
    assert page.slider.maximum() == page.replay.duration_ms == 31 * 10 * S
    assert page.plot.rupture_spans() == [(0, 30 * 10 * S / 60_000)]


def test_a_session_of_another_scheme_gets_a_pad_and_plot_of_its_own(store, make_window,
                                                                   qtbot):
    plain, blended = record(store, "K-1", 5), record(store, "K-2", 5, with_play_enabled())
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    flow.play(plain)
    page = flow.page
    plot, pad = page.plot, page.pad
    assert "client:play" not in pad.buttons
    flow.show_history()
    flow.play(blended)
    assert flow.page is page and page.plot is not plot and page.pad is not pad
    assert "client:play" in page.pad.buttons
    assert "Play" in [label for _, label in page.plot.y_labels()]
    assert page.pad.isVisibleTo(page) and page.plot.isVisibleTo(page)
    pad, plot = page.pad, page.plot
    flow.show_history()
    flow.play(blended)  # the same scheme again: nothing built anew
    assert (page.pad, page.plot) == (pad, plot)


def test_a_playback_left_holds_nothing_of_its_session(store, make_window, qtbot):
    """Kept for the next session, the page must not keep this one: its events and fold, its
    comments on the plot, its coder layers and the coding panel."""
    session_id = record(store, "K-1", 40)
    comments.add_comment(store, session_id, 30 * S, "Here it turned", author="supervisor")
    LayerRecorder.open(store, session_id, "observer",
                       CursorClock(lambda: 20 * S, FakeClock())).client("dorsal")
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    flow.play(session_id)
    page = flow.page
    assert page.comment_layer.flag_x() and page.lanes.plots
    held = [weakref.ref(part) for part in (page.replay, page.replay.final, page.lanes,
                                           page.coding)]
    flow.show_history()
    qtbot.wait(10)  # deferred deletes
    gc.collect()
    assert [ref() is None for ref in held] == [True] * 4
    assert page.event_model.rowCount() == 0 and page.plot.rupture_spans() == []
    assert page.comments.comments == [] and page.comments.list.count() == 0
    assert page.comment_layer.flag_x() == []
    flow.play(session_id)  # and it all comes back when the session is opened again
    assert page.event_model.rowCount() == 43 and page.comment_layer.flag_x()
    assert list(page.lanes.plots) == ["observer"] and page.coding is not None


def test_a_session_that_cannot_be_played_leaves_the_kept_page_as_it_was(store, make_window,
                                                                       qtbot):
    good = record(store, "K-1", 5)
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    flow.play(good)
    page = flow.page
    flow.show_history()
    flow.play(999)  # no such session
    assert window.stack.currentWidget() is flow.history and flow.page is None
    assert "cannot be played back" in flow.history.message.text()
    flow.play(good)
    assert flow.page is page and page.event_model.rowCount() == 8


def test_the_kept_page_takes_no_keys_once_left(store, make_window, qtbot):
    """Space plays and arrows jump while the playback is shown; the page kept behind the
    history must not answer them there."""
    session_id = record(store, "K-1", 12)
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    flow.play(session_id)
    page = flow.page
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert page.controller.cursor_ms > 0  # the keys work on the page shown
    flow.show_history()
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_BracketRight):
        qtbot.keyClick(window, key)
    assert not page.controller.playing and page.controller.cursor_ms == 0
    assert page.controller.speed == 1
