"""The history at years of sessions: it asks its model about the rows on screen, not about
every session at every comparison; and after an upgrade it lists at once, works the figures
out in the background, and the window takes input meanwhile.

Timing lives in benchmarks/practice_years.py.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from attune_companion.clock import FakeClock
from attune_companion.history import HistoryRow, history
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.supervision import digest_rebuild, history_page
from attune_companion_ui.supervision.history_page import ALL_CLIENTS, HistoryModel, HistoryPage

LEFT = Qt.MouseButton.LeftButton


class CountingModel(HistoryModel):
    """The history's model, counting the questions the view asks it."""

    asked = 0

    def data(self, *args, **kwargs):
        CountingModel.asked += 1
        return super().data(*args, **kwargs)


def test_the_history_asks_its_model_about_the_rows_on_screen_not_each_comparison(
    qtbot, monkeypatch
):
    monkeypatch.setattr(history_page, "HistoryModel", CountingModel)
    CountingModel.asked = 0
    rows = [HistoryRow(i, datetime(2025, 1, 1) + timedelta(hours=i), f"C-{i % 50:02d}", i,
                       "ended", False, 3_000_000, 3_000_000, i % 7, 2, 1, False, None)
            for i in range(5000)]
    page = HistoryPage(None)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    page.model.set_rows(rows)
    page.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # by ruptures
    QApplication.processEvents()
    questions = CountingModel.asked
    shown = page.table.model()
    assert [shown.index(r, 4).data() for r in range(2)] == ["0", "0"]
    assert questions < 4 * len(rows), f"{questions} questions for {len(rows)} sessions"


def record(store: Store, code: str, day: int) -> int:
    clock = FakeClock(wall=datetime(2026, 3, day, 9, tzinfo=UTC))
    rec = Recorder.start(store, default_scheme(), clock, code)
    rec.client("ventral")
    clock.advance(60)
    rec.rupture("withdrawal")
    clock.advance(30)
    rec.repair(["clarify"])
    clock.advance(30)
    rec.end()
    return rec.session.id


def test_after_an_upgrade_the_history_lists_at_once_and_fills_figures_in_behind(
    store, make_window, qtbot, monkeypatch
):
    for day, code in enumerate(["K-07", "M-12", "K-07", "R-03"] * 15, start=1):
        record(store, code, 1 + day % 28)
    wanted = {r.session_id: r for r in history(store)}
    store.db.execute("DELETE FROM session_digests")  # as after raising DIGEST_VERSION

    gate, threads = threading.Event(), set()
    real = digest_rebuild.recompute_digests

    def held(*args, **kwargs):
        threads.add(threading.get_ident())
        assert gate.wait(10), "the test never let the background work go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(digest_rebuild, "recompute_digests", held)
    window = make_window(store)
    qtbot.mouseClick(window.start_page.history_button, LEFT)
    page = window.supervision.history
    assert window.stack.currentWidget() is page
    assert page.model.rowCount() == 60 and all(r.pending for r in page.model.rows)
    assert "working out the figures" in page.count.text()
    assert "…" in page.model.data(page.model.index(0, 4))

    # The list is usable while the figures are worked out: filtered, sorted, opened.
    page.client.setEditText("m-12")
    page.refresh()
    assert {r.client_code for r in page.model.rows} == {"M-12"}
    page.client.setEditText(ALL_CLIENTS)
    page.refresh()
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), LEFT,  # a click on "Client" sorts by it
                     pos=QPoint(header.sectionViewportPosition(1) + 5, 5))
    assert [r.client_code for r in page.model.rows][:15] == ["K-07"] * 15
    page.table.selectRow(3)
    chosen = page.selected()
    assert chosen is not None and chosen.pending
    with qtbot.waitSignal(page.playRequested) as played:
        qtbot.mouseClick(page.buttons["play"], LEFT)
    assert played.args == [chosen.session_id]
    window.supervision.show_history()

    gate.set()
    qtbot.waitUntil(lambda: page.rebuild is None, timeout=10_000)
    assert threading.get_ident() not in threads, "worked out off the GUI thread"
    assert {r.session_id: r for r in page.model.rows} == wanted
    assert page.count.text() == "60 sessions"
    page.refresh()
    assert not any(r.pending for r in page.model.rows), "the figures were saved"


def test_closing_the_window_stops_the_background_figures(store, make_window, qtbot,
                                                         monkeypatch):
    for day in range(1, 4):
        record(store, "K-07", day)
    store.db.execute("DELETE FROM session_digests")
    started = threading.Event()
    real = digest_rebuild.recompute_digests

    def slow(*args, **kwargs):
        started.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(digest_rebuild, "recompute_digests", slow)
    window = make_window(store)
    qtbot.mouseClick(window.start_page.history_button, LEFT)
    rebuild = window.supervision.history.rebuild
    assert rebuild is not None
    qtbot.waitUntil(started.is_set, timeout=10_000)
    window.close()
    assert rebuild.isFinished() and window.supervision.history.rebuild is None


def test_a_live_session_has_the_processor_to_itself_figures_wait_for_the_history(
    store, make_window, qtbot, monkeypatch
):
    """Figures still being worked out stop when a session starts (between batches, saved
    so far kept); the next opening of the history carries on from there."""
    for day in range(1, 7):
        record(store, "K-07", day)
    store.db.execute("DELETE FROM session_digests")
    monkeypatch.setattr(digest_rebuild, "BATCH", 2)
    gate, batches = threading.Event(), []
    real = digest_rebuild.recompute_digests

    def held(*args, **kwargs):
        batches.append(1)
        assert gate.wait(10), "the test never let the background work go on"
        return real(*args, **kwargs)

    monkeypatch.setattr(digest_rebuild, "recompute_digests", held)
    window = make_window(store)
    qtbot.mouseClick(window.start_page.history_button, LEFT)
    page = window.supervision.history
    worker = page.rebuild
    assert worker is not None
    window.show_start()
    window.start_page.code.setEditText("M-12")
    qtbot.waitUntil(lambda: len(batches) == 1, timeout=10_000)
    qtbot.mouseClick(window.start_page.start_button, LEFT)  # while a batch is under way
    assert window.controller.live and page.rebuild is None, "the start did not wait for it"
    # The page deletes the worker once it has finished: wait for its signal, not its state.
    with qtbot.waitSignal(worker.finished, timeout=10_000):
        gate.set()
    assert len(batches) == 1, "no batch after the session started"
    assert len(history(store, recompute=False)) == 7
    pending = sum(r.pending for r in history(store, recompute=False))
    assert pending == 7 - 2, "the batch under way was saved (the new session is pending too)"
