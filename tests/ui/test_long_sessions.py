"""A long session opens in review and playback without working through every tap first,
and leaving a page lets its session go.

Timing lives in benchmarks/session_pages.py; these tests check what the cost came from: how
many taps a page describes, how many questions a list asks its model, what stays in memory.
"""

from __future__ import annotations

import gc
import weakref

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QTableWidget

from attune_companion.events import Kind
from attune_companion.scheme import default_scheme
from attune_companion.store import Store, now_utc
from attune_companion_ui.plot.plot_style import DARK
from attune_companion.describe import describe_tap
from attune_companion_ui.review.review_controller import ReviewController
from attune_companion_ui.review.review_figures import RuptureRow
from attune_companion_ui.review.review_page import ReviewPage
from attune_companion_ui.review.review_widgets import RuptureTable
from attune_companion_ui.supervision import playback_page
from attune_companion_ui.supervision.playback_page import PlaybackPage
from tests.gc_sweeps import collections_started

TAPS = 3000
ON_SCREEN = 100
"""More rows than any list here shows at once."""


def long_session(store: Store, taps: int = TAPS) -> int:
    """An ended session of `taps` taps, 3 s apart: lane states, and a rupture with an attempt
    and a repair every 20 taps."""
    scheme = default_scheme()
    row = store.create_session("LONG-1", number=1, modality=None, started_utc=now_utc(),
                               time_zone="UTC", scheme_json=scheme.to_json())
    states = ("ventral", "sympathetic", "dorsal")
    with store.db.atomic():
        for i in range(taps):
            step, t = i % 20, 3000 * (i + 1)
            if step == 5:
                store.append(row.id, Kind.RUPTURE, t, "", value="withdrawal", tags=["denial"])
            elif step == 9:
                store.append(row.id, Kind.REPAIR_ATTEMPT, t, "", tags=["clarify"])
            elif step == 13:
                store.append(row.id, Kind.REPAIR, t, "", tags=["acknowledge"])
            else:
                kind = Kind.CLIENT if i % 2 else Kind.SELF
                store.append(row.id, kind, t, "", value=states[i % 3])
        store.append(row.id, Kind.END, 3000 * (taps + 1), "")
    store.set_status(row.id, "ended", now_utc())
    return row.id


def settle() -> None:
    """Let the event loop run what a closed page left behind: deferred deletes, then a sweep."""
    app = QApplication.instance()
    app.processEvents()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def counted(monkeypatch):
    """How many taps the review's list described."""
    calls = {"n": 0}

    def counting(*args, **kwargs):
        calls["n"] += 1
        return describe_tap(*args, **kwargs)

    for module in ("attune_companion_ui.review.tap_list", "attune_companion_ui.review.review_widgets"):
        monkeypatch.setattr(f"{module}.describe_tap", counting, raising=False)
    return calls


def test_the_review_describes_only_the_taps_on_screen(qtbot, mem_store, counted):
    page = ReviewPage(ReviewController(mem_store), DARK)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.show_session(long_session(mem_store))
    page.tabs.setCurrentIndex(page.tabs.indexOf(page.events_tab))
    qtbot.waitExposed(page)
    QApplication.processEvents()
    assert page.events.model().rowCount() == TAPS
    assert 0 < counted["n"] <= ON_SCREEN, "taps described before they were shown"


class CountingEvents(playback_page.EventListModel):
    """Playback's event list model, counting the questions the view asks it."""

    asked = 0

    def rowCount(self, *args, **kwargs):  # noqa: N802 (Qt's name)
        CountingEvents.asked += 1
        return super().rowCount(*args, **kwargs)

    def data(self, *args, **kwargs):
        CountingEvents.asked += 1
        return super().data(*args, **kwargs)


def test_playback_asks_its_event_list_only_about_the_rows_on_screen(qtbot, mem_store,
                                                                     monkeypatch):
    monkeypatch.setattr(playback_page, "EventListModel", CountingEvents)
    CountingEvents.asked = 0
    page = PlaybackPage(mem_store, long_session(mem_store), DARK)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    QApplication.processEvents()
    asked = CountingEvents.asked
    assert page.event_model.rowCount() == TAPS + 1  # the taps and the end
    assert asked < TAPS, "the list went through every event before it was shown"
    page.let_go()


def test_leaving_playback_or_review_lets_the_session_go(store, make_window, qtbot):
    """Reopening a long session must not hold it twice: what a page held of the session is
    freed once the clinician is back at the history (PySide may keep a dropped page's Python
    side a while; its session must not stay with it)."""
    session_id = long_session(store, 300)
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    for open_page, parts in ((flow.play, ("replay", "replay.final")),
                             (flow.review, ("shown", "shown.state"))):
        open_page(session_id)
        qtbot.wait(10)  # shown and painted
        held = []
        for part in parts:
            found = flow.page
            for name in part.split("."):
                found = getattr(found, name)
            held.append(weakref.ref(found))
        del found
        flow.show_history()
        qtbot.wait(10)  # the event loop runs: deferred deletes
        settle()
        assert [ref() is None for ref in held] == [True, True], f"{open_page.__name__} held on"


def test_a_stopped_playback_page_holds_nothing_of_its_session(qtbot, mem_store):
    """The flow stops a playback page as it drops it; PySide can keep the page's Python side
    alive a while after that (seen outside the tests: a reopened 100,000-event session was
    held twice), so stopping lets go of the session itself."""
    page = PlaybackPage(mem_store, long_session(mem_store, 300), DARK)
    qtbot.addWidget(page)
    held = [weakref.ref(page.replay), weakref.ref(page.replay.final)]
    page.let_go()
    qtbot.wait(1)  # the event loop turns: what the page let go of is deleted
    settle()
    assert [ref() is None for ref in held] == [True, True]
    assert page.event_model.rowCount() == 0 and page.plot.rupture_spans() == []
    assert page.controller.next_event() is False  # nor the times of its events


def test_leaving_the_windows_review_lets_its_session_go(store, make_window, qtbot):
    """The review shown after a session (or from the start page) held its whole session until
    the next review replaced it, beside any playback opened meanwhile."""
    session_id = long_session(store, 300)
    window = make_window(store)
    window.show_review(session_id)
    shown = window.review_page.shown
    held = [weakref.ref(shown), weakref.ref(shown.state)]
    del shown
    qtbot.mouseClick(window.review_page.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.start_page
    qtbot.wait(1)  # the event loop turns: the page left is deleted
    settle()
    assert [ref() is None for ref in held] == [True, True]
    page, plot = window.review_page, window.review_page.plot
    window.show_review(session_id)  # and a review opens again, on the page already built
    assert window.stack.currentWidget() is page and page.plot is plot
    assert page.events.model().rowCount() == 300 and page.shown.state.ended


class CountingMetrics:
    """A widget's font metrics, counting the words measured."""

    measured = 0

    def __init__(self, metrics) -> None:
        self._metrics = metrics

    def horizontalAdvance(self, text: str) -> int:  # noqa: N802 (Qt's name)
        CountingMetrics.measured += 1
        return self._metrics.horizontalAdvance(text)


def test_the_rupture_table_measures_each_word_once_not_at_every_width(qtbot, monkeypatch):
    """A long session has hundreds of ruptures: the table measured every word of every row
    again at each width the page passed through (and at each height it gave itself)."""
    monkeypatch.setattr(RuptureTable, "fontMetrics",
                        lambda self: CountingMetrics(QTableWidget.fontMetrics(self)))
    rows = [RuptureRow(number=i + 1, start=f"{i // 60}:{i % 60:02d}", kind="Withdrawal",
                       markers="Denial", repair="1:05 · 2 attempts", strategies="Clarify",
                       before_after="Dorsal → Ventral", repaired=True) for i in range(400)]
    words = (400 + 400 + len({"Withdrawal", "Denial"}) + len({"1:05", "·", "2", "attempts"})
             + 1 + len({"Dorsal", "→", "Ventral"}))
    table = RuptureTable()
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    CountingMetrics.measured = 0
    table.show_rows(rows)
    for width in (1000, 1100, 1200, 1100):
        table.resize(width, table.height())
        QApplication.processEvents()
    assert table.rowCount() == 400
    assert CountingMetrics.measured <= words, f"{CountingMetrics.measured} words measured"


def test_the_rupture_table_builds_a_screenful_of_rows_first_and_the_rest_after(qtbot):
    """2,000 ruptures were 2,000 rows built and measured before a long review was painted;
    the table builds what a screen shows, then the rest while the page is already shown."""
    rows = [RuptureRow(number=i + 1, start=f"{i // 60}:{i % 60:02d}", kind="Withdrawal",
                       markers="Denial", repair="1:05 · 2 attempts", strategies="Clarify",
                       before_after="Dorsal → Ventral", repaired=True) for i in range(400)]
    table = RuptureTable()
    qtbot.addWidget(table)
    table.resize(900, 300)
    table.show()
    table.show_rows(rows)
    assert table.rowCount() < ON_SCREEN, "every row built before the page was shown"
    assert table.rows_built == table.rowCount()
    qtbot.waitUntil(lambda: table.rows_built == 400)
    assert table.rowCount() == 400 and table.item(399, 0).text() == "400"
    header = table.horizontalHeader().height() + 2 * table.frameWidth()
    assert table.height() == header + sum(table.rowHeight(r) for r in range(400))
    table.show_rows(rows[:3])  # a correction: the session's rows again, now three
    table.clear_rows()
    QApplication.processEvents()
    assert table.rowCount() == table.rows_built == 0


def test_an_unchanged_review_plot_repaints_from_its_cache(qtbot, mem_store, monkeypatch):
    """Each open painted the review's plot twice (pyqtgraph settles its view during the first
    paint and asks for a second), drawing every step of both lanes each time: 50 ms a paint at
    10,000 events. The lanes are drawn once per change of what is shown; a repaint reuses it."""
    import pyqtgraph as pg

    drawn = {"n": 0}
    segments = pg.PlotCurveItem._getLineSegments  # what a lane's paint strokes

    def counting(self, *args, **kwargs):
        drawn["n"] += 1
        return segments(self, *args, **kwargs)

    monkeypatch.setattr(pg.PlotCurveItem, "_getLineSegments", counting)
    session_id = long_session(mem_store, 300)
    page = ReviewPage(ReviewController(mem_store), DARK)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.show_session(session_id)
    qtbot.waitExposed(page)
    viewport = page.plot._view.viewport()

    def repaint() -> None:
        viewport.update()
        QApplication.processEvents()

    repaint()
    assert drawn["n"] > 0
    before = drawn["n"]
    repaint()
    repaint()
    assert drawn["n"] == before, "the lanes were drawn again with nothing changed"
    tap = next(t for t in page.shown.taps if t.kind is Kind.CLIENT)
    assert page.controller.correct(tap.id, {"value": "dorsal" if tap.value != "dorsal"
                                            else "ventral"}) == ""
    repaint()
    assert drawn["n"] > before, "a correction was not drawn"


def test_opening_a_review_works_out_the_effective_taps_once(mem_store, monkeypatch):
    """Undos and corrections are applied to a session's log once per review opened: the fold
    and the tap list share them (working them out twice was a tenth of a long open)."""
    from attune_companion import events as events_module

    calls = {"n": 0}

    def counting(log):
        calls["n"] += 1
        return events_module.effective_taps(log)

    for module in ("attune_companion.fold", "attune_companion_ui.review.review_controller"):
        monkeypatch.setattr(f"{module}.effective_taps", counting)
    session = ReviewController(mem_store).open(long_session(mem_store, 300))
    assert calls["n"] == 1
    assert len(session.taps) == 301 and session.state.ended  # the taps and the end


def test_a_reviewed_session_keeps_no_index_of_its_taps(mem_store):
    """What the review holds of a session grows with it: beside the taps themselves, picking
    a tap needs no index of them all (one cost 10 MB of a 100,000-event review)."""
    import dataclasses
    import tracemalloc

    session = ReviewController(mem_store).open(long_session(mem_store, 20_000))
    tracemalloc.start()
    try:
        again = dataclasses.replace(session)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    taps = len(session.taps)
    assert held / taps < 24, f"{held / taps:.0f} bytes a tap"
    tap = again.taps[12_345]
    assert again.tap(tap.id) is tap and again.nearest_tap(tap.offset_ms + 1) is tap


def test_opening_a_review_sets_off_no_sweeps_of_the_heap(mem_store):
    """A long session's events, fold and summary make objects by the hundred thousand, none
    in a cycle: read with the collector running, they set off collection after collection
    (a third of a 100,000-event open in a running window), for nothing to collect."""
    session_id = long_session(mem_store, 20_000)
    with collections_started() as collections:
        ReviewController(mem_store).open(session_id)
    assert len(collections) <= 2, f"{len(collections)} collections"


def test_a_page_left_is_swept_at_once_not_at_some_later_collection(store, make_window, qtbot):
    """A page's widgets and drawing sit in reference cycles; once start-up is frozen a full
    collection is rare, so each page a supervisor left stayed in memory a while (RSS rose by
    a few MB over ten reopens). The flow sweeps a page as soon as it is deleted, and what the
    kept playback page threw away of its session (coder lanes, coding panel)."""
    session_id = long_session(store, 300)
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    gc.collect()
    gc.disable()  # only the flow's own sweep may free what is left
    try:
        for open_page in (flow.play, flow.trends, flow.play):
            open_page(session_id if open_page == flow.play else "LONG-1")
            qtbot.wait(10)
            parts = ([flow.page.coding, flow.page.lanes] if open_page == flow.play
                     else [flow.page])
            held = [weakref.ref(part) for part in parts]
            del parts
            flow.show_history()
            qtbot.wait(20)
            assert [ref() for ref in held] == [None] * len(held), \
                f"{open_page.__name__}: what was left is still held"
    finally:
        gc.enable()


def test_the_historys_review_opens_on_the_page_already_built(store, make_window, qtbot):
    """Building the review page and its plot was most of a short session's open: a second
    review from the history shows on the same page, with nothing of the first held."""
    first, second = long_session(store, 300), long_session(store, 200)
    window = make_window(store)
    flow = window.supervision
    flow.show_history()
    flow.review(first)
    page, plot = flow.page, flow.page.plot
    held = weakref.ref(page.shown)
    flow.show_history()
    settle()
    assert held() is None and page.events.model().rowCount() == 0
    flow.review(second)
    assert flow.page is page and page.plot is plot
    assert window.stack.currentWidget() is page and page.events.model().rowCount() == 200


def test_memory_goes_back_to_the_system_once_a_page_let_go_of_its_session(
        store, make_window, qtbot, monkeypatch):
    """Beside a video call, what a long session's review or playback held must go back to
    the system when the clinician leaves it, not stay in the heap (attune_companion.heap):
    handed back each time a page has let go, with nothing of the session still held."""
    session_id = long_session(store, 300)
    window = make_window(store)
    flow = window.supervision
    still_held: list[object] = []

    def hand_back() -> bool:
        review, playback = window.review_page, flow._playback_page
        still_held.append((review and review.shown, playback and playback.replay.events))
        return True

    for module in ("attune_companion_ui.shell.main_window", "attune_companion_ui.supervision.flow"):
        monkeypatch.setattr(f"{module}.hand_back_free_memory", hand_back)
    window.show_review(session_id)
    window.show_start()  # the review left
    assert still_held == [(None, None)]
    flow.show_history()
    flow.play(session_id)
    flow.show_history()  # the playback left
    assert still_held == [(None, None), (None, [])]
