"""Supervision comments in playback: pinned at the cursor or over a span, with an author,
drawn in their own layer (never among the taps), explained inline when refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from attune_companion.comments import comments
from attune_companion_ui.supervision.comments_panel import HIDDEN_TEXT
from attune_companion_ui.supervision.playback_page import PlaybackPage
from attune_companion_ui.plot.plot_style import DARK

from tests.ui.test_playback import record

S = 1000


@pytest.fixture
def page(qtbot, mem_store):
    made = PlaybackPage(mem_store, record(mem_store), DARK)
    qtbot.addWidget(made)
    made.resize(1280, 800)
    made.show()
    yield made
    made.let_go()


def add(page: PlaybackPage, qtbot, text: str) -> None:
    page.comments.text.setText(text)
    qtbot.mouseClick(page.comments.add_button, Qt.MouseButton.LeftButton)


def test_a_comment_is_pinned_at_the_cursor_with_its_author(page, qtbot, mem_store):
    page.controller.seek(30 * S)
    page.comments.author.setCurrentText("supervisor")
    add(page, qtbot, "What did you notice in yourself here?")

    [c] = comments(mem_store, page.session.id)
    assert (c.start_ms, c.end_ms, c.author) == (30 * S, None, "supervisor")
    assert page.comments.list.count() == 1
    assert page.comments.list.item(0).text().startswith("0:30 · supervisor: What did you")
    assert page.comment_layer.flag_x() == [0.5]
    assert page.comments.text.text() == ""


def test_a_span_runs_from_the_marked_start_to_the_cursor_and_a_typed_author_is_kept(
        page, qtbot, mem_store):
    page.controller.seek(90 * S)
    page.comments.span_button.click()
    page.controller.seek(60 * S)  # going back first: the span is still start → end
    page.comments.author.setCurrentText("Dr B.")
    add(page, qtbot, "The rupture builds here.")

    [c] = comments(mem_store, page.session.id)
    assert (c.start_ms, c.end_ms, c.author) == (60 * S, 90 * S, "Dr B.")
    assert page.comment_layer.flag_x() == [1.0, 1.5]
    assert not page.comments.span_button.isChecked()


def test_comments_are_a_layer_of_their_own_not_taps(page, qtbot, mem_store):
    notes_before = page.plot.marker_xy("note:glimmer")
    events_before = len(mem_store.events(page.session.id))
    page.controller.seek(200 * S)
    add(page, qtbot, "A glimmer worth naming.")

    assert len(mem_store.events(page.session.id)) == events_before
    for now, before in zip(page.plot.marker_xy("note:glimmer"), notes_before):
        assert list(now) == list(before)
    bottom, top = page.plot.y_range
    assert page.comment_layer.band_y > max(page.plot.marker_xy("repair")[1], default=bottom)
    assert page.comment_layer.band_y < top


def test_empty_text_is_refused_inline_and_nothing_is_written(page, qtbot, mem_store):
    add(page, qtbot, "   ")
    assert comments(mem_store, page.session.id) == []
    assert page.comments.message.isVisible()
    assert "needs some text" in page.comments.message.text()
    assert QApplication.activeModalWidget() is None


def test_deleting_the_chosen_comment(page, qtbot, mem_store):
    add(page, qtbot, "First")
    page.controller.seek(10 * S)
    add(page, qtbot, "Second")
    page.comments.list.setCurrentRow(1)  # timeline order: 'First' at 0:00, 'Second' at 0:10
    qtbot.mouseClick(page.comments.delete_button, Qt.MouseButton.LeftButton)
    assert [c.text for c in comments(mem_store, page.session.id)] == ["First"]
    assert page.comment_layer.flag_x() == [0.0]


def test_choosing_a_comment_moves_the_cursor_to_it(page, qtbot):
    page.controller.seek(45 * S)
    add(page, qtbot, "Here")
    page.controller.seek(0)
    page.comments.list.itemClicked.emit(page.comments.list.item(0))
    assert page.controller.cursor_ms == 45 * S


def test_a_redacted_comment_says_its_text_was_not_shared(qtbot, mem_store):
    session_id = record(mem_store)
    mem_store.db.execute(
        "INSERT INTO comments (session_id, start_ms, end_ms, author, text, created_utc)"
        " VALUES (?, 5000, NULL, 'supervisor', NULL, '2025-01-01T00:00:00+00:00')",
        [session_id])
    page = PlaybackPage(mem_store, session_id, DARK)
    qtbot.addWidget(page)
    assert HIDDEN_TEXT in page.comments.list.item(0).text()
    page.let_go()
