"""The post-session review: figures as the core computes them, corrections kept as audited
edits that update everything at once, reflection saved as typed, the way in from the window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QBoxLayout, QScrollArea

from attune_companion.clock import FakeClock, format_duration
from attune_companion.events import Kind
from attune_companion.fold import fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion.summary import summarise
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.review.review_controller import ReviewController
from attune_companion_ui.review.review_page import ReviewPage
from attune_companion_ui.review.tap_list import EDITED_MARK

LEFT = Qt.MouseButton.LeftButton


def record(store: Store, scheme: Scheme, clock: FakeClock) -> int:
    """A short ended session: two client states, a rupture repaired, one left open, a note."""
    rec = Recorder.start(store, scheme, clock, "QZ-41", number=2)
    for seconds, tap in [
        (5, lambda: rec.client("sympathetic")),
        (10, lambda: rec.self_state("ventral")),
        (60, lambda: rec.client("ventral")),
        (120, lambda: rec.rupture("withdrawal", ["minimal_response"])),
        (150, lambda: rec.repair_attempt(["clarify"])),
        (200, lambda: rec.repair(["acknowledge"])),
        (230, lambda: rec.note("note", "planted note text")),
        (300, lambda: rec.rupture()),
        (360, lambda: rec.end()),
    ]:
        clock.advance(seconds - rec.now_ms() / 1000)
        tap()
    return rec.session.id


@pytest.fixture
def session_id(store: Store, scheme: Scheme, clock: FakeClock) -> int:
    return record(store, scheme, clock)


@pytest.fixture
def page(qtbot, store: Store, session_id: int) -> Iterator[ReviewPage]:
    review = ReviewPage(ReviewController(store), DARK)
    qtbot.addWidget(review)
    review.resize(1280, 800)
    review.show()
    review.show_session(session_id)
    yield review
    review.close()


def tap_id(store: Store, session_id: int, kind: Kind, value: str | None = "any") -> int:
    return next(e.id for e in store.events(session_id)
                if e.kind is kind and (value == "any" or e.value == value))


def test_the_figures_shown_are_the_cores(page, store, session_id, scheme):
    summary = summarise(fold(store.events(session_id)), scheme)

    assert page.shown.summary == summary
    assert format_duration(summary.duration.total_ms) in page.duration.text()
    client = page.lanes["client"]
    assert [(s.state_id, s.share) for s in client.bar._segments] == [
        (sid, t.share) for sid, t in summary.lanes["client"].states.items() if t.active_ms]
    assert client.legend.text() == "Ventral 85% (5:00) · Sympathetic 15% (0:55)"
    table = page.rupture_table
    assert table.rowCount() == summary.ruptures.count == 2
    first = summary.ruptures.episodes[0]
    assert table.item(0, 1).text() == format_duration(first.start_ms) == "2:00"
    assert table.item(0, 2).text() == "Withdrawal\nMinimal response"
    assert table.item(0, 3).text() == f"{format_duration(first.time_to_repair_ms)} · 1 attempt"
    assert table.item(0, 4).text() == "Clarify a misunderstanding, Acknowledge own contribution"
    assert table.item(0, 5).text() == "Ventral → Ventral"
    assert table.item(1, 3).text().startswith("Unrepaired (open 1:00)")
    assert "1 unrepaired at the end" in page.rupture_headline.text()
    assert not page.edited_badge.isVisible()


def test_a_correction_updates_the_summary_and_keeps_the_original_tap(page, store, session_id):
    first_client = tap_id(store, session_id, Kind.CLIENT, "sympathetic")
    page.events.select(first_client)
    editor = page.editor
    assert editor.isVisible() and editor.event_id == first_client
    editor.what.setCurrentIndex(editor.what.findText("Client: Dorsal"))
    qtbot_click(editor.apply_button)

    log = store.events(session_id)
    original = next(e for e in log if e.id == first_client)
    assert original.value == "sympathetic"  # the tap itself is never rewritten
    edit = log[-1]
    assert (edit.kind, edit.target, edit.changes) == (Kind.EDIT, first_client, {"value": "dorsal"})
    assert store.audit_log(session_id)[-1]["action"] == "edit"
    assert "sympathetic" not in page.shown.summary.lanes["client"].states or \
        page.shown.summary.lanes["client"].states["sympathetic"].active_ms == 0
    assert page.lanes["client"].legend.text() == "Ventral 85% (5:00) · Dorsal 15% (0:55)"
    assert page.edited_badge.isVisible() and "1 tap corrected" in page.edited_badge.text()
    row = page.events.row_texts()[0]
    assert row == ("0:05", EDITED_MARK + "Dorsal (client)")


def test_a_click_on_the_timeline_picks_the_nearest_tap_to_correct(page, store, session_id,
                                                                  click_plot):
    click_plot(page.plot, 2.02)  # a second after the rupture at 2:00
    rupture = tap_id(store, session_id, Kind.RUPTURE, "withdrawal")
    assert page.events.selected_id() == rupture
    assert page.editor.isVisible()
    page.editor.hide()
    click_plot(page.plot, 4.3)  # nothing within reach: an empty stretch picks nothing
    assert page.events.selected_id() == rupture and not page.editor.isVisible()


def test_markers_and_strategies_can_be_tagged_afterwards(page, store, session_id):
    second_rupture = [e.id for e in store.events(session_id) if e.kind is Kind.RUPTURE][1]
    page.events.select(second_rupture)
    editor = page.editor
    editor.what.setCurrentIndex(editor.what.findText("Rupture: Confrontation"))
    editor.set_tag_checked("complaint_progress", True)
    qtbot_click(editor.apply_button)

    episode = page.shown.summary.ruptures.episodes[1]
    assert (episode.rupture_type, episode.markers) == ("confrontation", ("complaint_progress",))
    assert page.rupture_table.item(1, 2).text() == "Confrontation\nComplaints about progress"
    assert editor.isVisible() and editor.event_id == second_rupture  # still open for more


def test_a_refused_correction_is_explained_in_place_and_writes_nothing(page, store, session_id):
    repair = tap_id(store, session_id, Kind.REPAIR)
    before = len(store.events(session_id))
    page.events.select(repair)
    page.editor.time.setValue(30)  # before its rupture began
    qtbot_click(page.editor.apply_button)

    assert page.editor.refusal.isVisible()
    assert "consistent session" in page.editor.refusal.text()
    assert len(store.events(session_id)) == before
    assert QApplication.activeModalWidget() is None


def test_a_correction_of_what_and_when_is_all_or_nothing(page, store, session_id, scheme):
    """Kind and time change in one edit: when the time is refused, the kind is not changed
    either (no tap is left half-corrected)."""
    repair = tap_id(store, session_id, Kind.REPAIR)
    before = store.events(session_id)
    page.events.select(repair)
    editor = page.editor
    editor.what.setCurrentIndex(editor.what.findText(scheme.attempt_label))
    editor.time.setValue(30)  # before its rupture began
    qtbot_click(editor.apply_button)

    assert "consistent session" in editor.refusal.text()
    assert "corrected" not in editor.refusal.text()
    assert store.events(session_id) == before
    assert page.shown.summary.ruptures.episodes[0].repair_ms == 200_000

    editor.what.setCurrentIndex(editor.what.findText(scheme.attempt_label))
    editor.time.setValue(190)  # both fit: one edit carries both
    qtbot_click(editor.apply_button)
    (edit,) = store.events(session_id)[len(before):]
    assert (edit.kind, edit.target, edit.changes) == (
        Kind.EDIT, repair, {"offset_ms": 190_000, "kind": "repair_attempt"})
    assert [a["action"] for a in store.audit_log(session_id)].count("edit") == 1


def test_remove_asks_inline_then_takes_the_tap_out_of_the_summary(page, store, session_id):
    attempt = tap_id(store, session_id, Kind.REPAIR_ATTEMPT)
    page.events.select(attempt)
    qtbot_click(page.editor.remove_button)
    assert page.editor.confirm_remove.isVisible()
    assert store.events(session_id)[-1].kind is Kind.END  # nothing yet
    qtbot_click(page.editor.confirm_remove)

    assert page.shown.summary.ruptures.episodes[0].attempts == 0
    assert any(e.id == attempt for e in store.events(session_id))  # still in the log
    assert all(t.id != attempt for t in page.shown.taps)
    assert not page.editor.isVisible()


def test_a_reflection_is_saved_as_typed_without_a_save_button(page, store, session_id, qtbot):
    answer = page.reflection.answers["noticed_self"]
    answer.setFocus()
    QTest.keyClicks(answer, "Tight chest at the rupture")
    assert store.reflections(session_id) == {}  # not on every key
    qtbot.waitUntil(lambda: store.reflections(session_id) != {}, timeout=2000)
    assert store.reflections(session_id) == {"noticed_self": "Tight chest at the rupture"}
    assert page.reflection.saved.text() == "Saved"

    QTest.keyClicks(answer, ".")
    page.reflection.answers["bring_next"].setFocus()  # leaving the field saves at once
    assert store.reflections(session_id)["noticed_self"] == "Tight chest at the rupture."


def test_ratings_are_optional_and_the_client_total_needs_all_four(page, store, session_id):
    spins = page.reflection.ratings
    spins["alliance"].setValue(7)
    assert store.ratings(session_id) == {"alliance": 7}
    spins["alliance"].setValue(-1)  # back to "not rated"
    assert store.ratings(session_id) == {}
    assert spins["alliance"].text() == "not rated"

    for name, value in zip(("srs_relationship", "srs_goals", "srs_approach"), (9, 8, 7)):
        spins[name].setValue(value)
    assert "Total" not in page.reflection.srs_total.text()
    spins["srs_overall"].setValue(6)
    assert page.reflection.srs_total.text() == "Total 30 / 40"


def test_a_past_sessions_answers_come_back_with_it(qtbot, store, session_id):
    store.set_reflection(session_id, "helped_repair", "Naming it")
    store.set_rating(session_id, "srs_goals", 4)
    review = ReviewPage(ReviewController(store), DARK)
    qtbot.addWidget(review)
    review.show_session(session_id)
    assert review.reflection.answers["helped_repair"].toPlainText() == "Naming it"
    assert review.reflection.ratings["srs_goals"].value() == 4
    assert store.reflections(session_id) == {"helped_repair": "Naming it"}  # not re-saved


def test_ending_a_session_opens_its_review_and_the_start_page_offers_it_again(live, store, qtbot):
    QTest.keyClick(live, Qt.Key.Key_1)
    live.controller.end()
    assert live.stack.currentWidget() is live.review_page
    assert live.review_page.shown.row.client_code == "K-07"

    qtbot.mouseClick(live.review_page.back_button, LEFT)
    assert live.stack.currentWidget() is live.start_page
    past = live.start_page.past_sessions
    assert past.isVisible() and len(past.buttons) == 1
    qtbot.mouseClick(past.buttons[0], LEFT)
    assert live.stack.currentWidget() is live.review_page


def test_a_narrow_strip_stacks_the_review_without_clipping(page, qtbot):
    page.resize(360, 800)
    qtbot.waitUntil(lambda: page.columns.direction() is QBoxLayout.Direction.TopToBottom)
    scroll = page.findChild(QScrollArea)
    assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width()


def qtbot_click(button) -> None:
    QTest.mouseClick(button, LEFT)


def test_closing_the_window_right_after_typing_keeps_the_answer(
    store, session_id, make_window, qtbot
):
    window = make_window(store)
    window.show_review(session_id)
    answer = window.review_page.reflection.answers["bring_next"]
    answer.setFocus()
    QTest.keyClicks(answer, "Ask about the weekend")
    window.close()  # before the typing pause would have saved it
    assert store.reflections(session_id) == {"bring_next": "Ask about the weekend"}


def ruptured(store: Store, scheme: Scheme, clock: FakeClock, ruptures: int) -> int:
    """An ended session of `ruptures` withdrawals, each repaired 20 s on."""
    rec = Recorder.start(store, scheme, clock, "QZ-42")
    rec.client("ventral")
    for _ in range(ruptures):
        clock.advance(40)
        rec.rupture("withdrawal", ["minimal_response"])
        clock.advance(20)
        rec.repair(["clarify"])
    clock.advance(40)
    rec.end()
    return rec.session.id


def test_a_review_is_laid_out_before_it_is_first_painted(qtbot, store, scheme, clock):
    """Left to the event loop, a review's layout came after its first paint (the figures
    where the last session's left them, the timeline 260 px and then 480 tall, the new
    answers, not shown yet, given no room) and the page was painted again: a fifth of
    opening a long session. The reflection tabs are as tall as what they hold, not stretched
    down the page beside a long rupture table."""
    page = ReviewPage(ReviewController(store), DARK)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitExposed(page)
    long, short = ruptured(store, scheme, clock, 30), ruptured(store, scheme, clock, 2)
    for session in (long, short, long):
        page.show_session(session)
        shown = [w.geometry() for w in (page.plot, page.tabs, page.strategies, page.notes)]
        edits = [edit.geometry() for edit in page.reflection.answers.values()]
        assert all(a.bottom() < b.top() for a, b in zip(edits, edits[1:])), "answers overlap"
        assert page.reflection.geometry().bottom() < page.tabs.height()
        qtbot.wait(50)
        assert [w.geometry() for w in (page.plot, page.tabs, page.strategies, page.notes)] == shown
    assert page.rupture_table.height() > page.tabs.height()
    assert page.tabs.height() <= page.tabs.sizeHint().height()
