"""The session history: listing, filtering, opening playback and trends from the start page,
and sharing for supervision (bundles out, bundles in, bad bundles refused inline)."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from attune_companion.bundle import read_bundle, write_bundle
from attune_companion.clock import FakeClock
from attune_companion.demo import make_demo_session
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.history import HistoryRow
from attune_companion.store import Store
from attune_companion_ui.supervision.history_controller import HistoryController
from attune_companion_ui.supervision.history_page import ALL_CLIENTS, COLUMNS, HistoryModel, HistoryPage

LEFT = Qt.MouseButton.LeftButton


def fill(store: Store, codes=("K-07", "M-12", "R-03"), each: int = 2) -> list[int]:
    return [make_demo_session(store, _scheme(), client_code=code, seed=10 * i + j)
            for i, code in enumerate(codes) for j in range(each)]


def _scheme():
    from attune_companion.scheme import default_scheme

    return default_scheme()


@pytest.fixture
def page(qtbot, mem_store):
    fill(mem_store)
    made = HistoryPage(HistoryController(mem_store))
    qtbot.addWidget(made)
    made.resize(1280, 800)
    made.reload()
    made.show()
    return made


def test_every_session_is_listed_with_its_figures(page, mem_store):
    assert page.model.rowCount() == 6
    row = page.model.rows[0]
    assert page.model.data(page.model.index(0, 1)) == row.client_code
    assert page.model.data(page.model.index(0, 4)) == str(row.ruptures)
    assert page.model.data(page.model.index(0, 7)) == "ended"
    assert page.count.text() == "6 sessions"


def test_filter_by_client_code_and_by_date(page):
    page.client.setCurrentText("k-07")  # codes match as the core matches them
    page.refresh()
    assert {r.client_code for r in page.model.rows} == {"K-07"}
    assert page.model.rowCount() == 2

    page.client.setCurrentText(ALL_CLIENTS)
    tomorrow = date.today() + timedelta(days=2)
    page.since.setDate(tomorrow)
    assert page.model.rowCount() == 0
    page.clear_dates()
    assert page.model.rowCount() == 6


def test_enter_or_double_click_asks_for_playback_of_the_chosen_session(page, qtbot):
    page.table.selectRow(1)
    page.table.setFocus()
    with qtbot.waitSignal(page.playRequested) as played:
        QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert played.args == [page.model.rows[1].session_id]


def shown_ids(page: HistoryPage) -> list[int]:
    """Session ids in the order the table shows them."""
    return [page.model.rows[r].session_id for r in range(page.table.model().rowCount())]


def test_a_click_on_a_heading_sorts_by_it_as_numbers_and_the_choice_follows(page, qtbot):
    rows = [HistoryRow(i, datetime(2025, 1, 1) + timedelta(days=i), code, 1, "ended", False,
                       3_000_000, 3_000_000, ruptures, 0, ruptures, False, None)
            for i, (code, ruptures) in enumerate([("b-2", 9), ("A-1", 10), ("c-3", 2)], 1)]
    page.model.set_rows(rows)
    assert shown_ids(page) == [3, 2, 1], "newest first"
    head = page.table.horizontalHeader()
    ruptures = COLUMNS.index("Ruptures")
    qtbot.mouseClick(head.viewport(), LEFT,
                     pos=QPoint(head.sectionViewportPosition(ruptures) + 5, 5))
    assert shown_ids(page) == [3, 1, 2], "2, 9, 10: as numbers"
    qtbot.mouseClick(head.viewport(), LEFT,
                     pos=QPoint(head.sectionViewportPosition(COLUMNS.index("Client")) + 5, 5))
    assert shown_ids(page) == [2, 1, 3], "A-1, b-2, c-3"
    page.table.selectRow(0)
    with qtbot.waitSignal(page.playRequested) as played:
        page.buttons["play"].click()
    assert played.args == [2], "the session shown chosen is the one played"


def test_review_is_offered_only_when_the_review_page_exists(page):
    assert ("review" in page.buttons) is False  # this page was built without it
    has_review = importlib.util.find_spec("attune_companion_ui.review.review_page") is not None
    assert HistoryPage(None, review=has_review).buttons.keys() >= {"play", "trends"}


def test_a_thousand_rows_load_into_one_model_without_a_widget_per_row(qtbot):
    """The list is a model the view reads lazily (its timing is benchmarks/history_scale.py's)."""
    rows = [HistoryRow(i, datetime(2025, 1, 1) + timedelta(hours=i), f"C-{i % 50:02d}", i,
                       "ended", False, 3_000_000, 3_000_000, 3, 2, 1, False, None)
            for i in range(1000)]
    page = HistoryPage(None)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    widgets_before = len(page.findChildren(QWidget))
    page.model.set_rows(rows)
    QApplication.processEvents()
    assert isinstance(page.model, HistoryModel) and page.model.rowCount() == 1000
    assert len(page.findChildren(QWidget)) == widgets_before


# -- sharing -----------------------------------------------------------------------------------


def test_export_leaves_free_text_out_unless_asked(page, tmp_path):
    page.table.selectRow(0)
    page.ask_save_path = lambda suggested: str(tmp_path / suggested)
    page.export_selected()
    [written] = list(tmp_path.glob("*.attune"))
    assert read_bundle(written).redacted
    assert "free text left out" in page.message.text()

    written.unlink()
    page.free_text.setChecked(True)
    page.export_selected()
    [written] = list(tmp_path.glob("*.attune"))
    assert not read_bundle(written).redacted


def test_a_bundle_imports_into_another_database(page, qtbot, tmp_path):
    page.table.selectRow(0)
    code = page.model.rows[0].client_code
    page.ask_save_path = lambda suggested: str(tmp_path / "shared.attune")
    page.export_selected()

    other = Store.memory()
    try:
        receiving = HistoryPage(HistoryController(other))
        qtbot.addWidget(receiving)
        receiving.reload()
        receiving.ask_open_path = lambda: str(tmp_path / "shared.attune")
        receiving.import_file()
        assert [r.client_code for r in receiving.model.rows] == [code]
        assert "imported" in receiving.model.data(receiving.model.index(0, 7))
        assert receiving.message.text().startswith(f"Imported shared.attune: {code} · session")
    finally:
        other.close()


def test_an_imported_code_that_looks_like_a_name_is_pointed_out(qtbot, tmp_path):
    sender = Store.memory()
    clock = FakeClock()
    rec = Recorder.start(sender, default_scheme(), clock, "Dr. Jane Smith")
    clock.advance(10)
    rec.end()
    write_bundle(sender, rec.session.id, tmp_path / "s.attune")
    with Store.memory() as receiving:
        page = HistoryPage(HistoryController(receiving))
        qtbot.addWidget(page)
        page.reload()
        page.ask_open_path = lambda: str(tmp_path / "s.attune")
        page.import_file()
        assert page.message.text().startswith("Imported s.attune: Dr. Jane Smith")
        assert "looks like a person's name" in page.message.text()
        assert page.message.objectName() != "error"
    sender.close()


def test_a_bad_bundle_is_refused_inline_and_the_database_is_unchanged(page, mem_store, tmp_path):
    bad = tmp_path / "broken.attune"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    page.ask_open_path = lambda: str(bad)
    before = mem_store.db.execute("SELECT COUNT(*) FROM sessions").fetchone()
    page.import_file()
    assert mem_store.db.execute("SELECT COUNT(*) FROM sessions").fetchone() == before
    assert page.message.isVisible() and page.message.objectName() == "error"
    assert "not a bundle Attune can import" in page.message.text()
    assert "Nothing was imported" in page.message.text()
    assert QApplication.activeModalWidget() is None


# -- through the window ------------------------------------------------------------------------


def test_the_start_page_opens_history_then_playback_and_trends_and_back(window, store, qtbot):
    fill(store, codes=("K-07",), each=2)
    qtbot.mouseClick(window.start_page.history_button, LEFT)
    history = window.supervision.history
    assert window.stack.currentWidget() is history
    assert history.model.rowCount() == 2

    history.table.selectRow(0)
    qtbot.mouseClick(history.buttons["play"], LEFT)
    playback = window.stack.currentWidget()
    assert playback.accessibleName() == "Session playback"
    playback.controller.next_rupture()
    assert playback.pad.lit_names()  # the pad shows the state at the cursor
    playback.back.emit()
    assert window.stack.currentWidget() is history

    qtbot.mouseClick(history.buttons["trends"], LEFT)
    trends_page = window.stack.currentWidget()
    assert trends_page.accessibleName() == "Client trends"
    assert len(trends_page.plots) >= 4
    trends_page.back.emit()

    qtbot.mouseClick(history.buttons["review"], LEFT)  # Review opens the chosen one's review
    review = window.stack.currentWidget()
    assert type(review).__name__ == "ReviewPage"
    review.back.emit()
    assert window.stack.currentWidget() is history
    history.back.emit()
    assert window.stack.currentWidget() is window.start_page


def test_history_is_not_offered_without_a_database(make_window):
    window = make_window(None, store_problem="The disk is full.")
    assert not window.start_page.history_button.isEnabled()
