"""Text fields keep the core's text rule: a paste past the limit is cut where it was put (what
was there stays) and the field's message line says so; characters count, not UTF-16 units;
a reflection answer holds at most 20,000 characters and is saved only when it changed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from attune_companion.events import Kind
from attune_companion.scheme import default_scheme
from attune_companion.text_rules import AUTHOR, COMMENT, NOTE, REFLECTION
from attune_companion_ui.supervision.comments_panel import CommentsPanel
from attune_companion_ui.review.reflection_panel import ReflectionPanel

EMOJI = "\U0001f33f"  # one character, two UTF-16 units


def paste(field, text: str) -> None:
    QGuiApplication.clipboard().setText(text)
    field.paste()


def test_a_long_paste_into_the_note_field_is_cut_where_it_lands_and_said(live):
    field = live.live_page.pad.note_field
    field.setText("hello world")
    field.setCursorPosition(6)
    paste(field, "x" * 600)

    assert field.text() == "hello " + "x" * (NOTE.most - 11) + "world"
    assert live.live_page.status.text() == NOTE.cut_message()


def test_the_note_field_counts_characters_so_emoji_are_not_cut_at_half(live, store):
    field = live.live_page.pad.note_field
    paste(field, EMOJI * 300)  # 600 UTF-16 units: Qt's maxLength of 500 kept 250 of them
    assert field.text() == EMOJI * 300
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_Return)
    (session,) = store.sessions()
    assert [e.text for e in store.events(session.id) if e.kind is Kind.NOTE] == [EMOJI * 300]


def test_typing_past_the_limit_keeps_what_was_there(live):
    field = live.live_page.pad.note_field
    field.setText("y" * NOTE.most)
    field.setFocus()
    QTest.keyClicks(field, "zz")
    assert field.text() == "y" * NOTE.most
    assert live.live_page.status.text() == NOTE.cut_message()


def test_comment_and_author_fields_are_cut_with_a_message(qtbot):
    panel = CommentsPanel(lambda: 0)
    qtbot.addWidget(panel)
    paste(panel.author.lineEdit(), "a" * 60)  # after the offered "supervisor"
    assert panel.author.currentText() == "supervisor" + "a" * (AUTHOR.most - 10)
    assert panel.message.text() == AUTHOR.cut_message()
    paste(panel.text, "c" * 3000)
    assert panel.text.text() == "c" * COMMENT.most
    assert panel.message.text() == COMMENT.cut_message()


def reflection_panel(qtbot, answers: dict[str, str] | None = None):
    panel = ReflectionPanel()
    qtbot.addWidget(panel)
    panel.set_session(default_scheme().prompts, answers or {}, {})
    saved: list[tuple[str, str]] = []
    panel.answerEdited.connect(lambda prompt, text: (saved.append((prompt, text)),
                                                     panel.mark_saved()))
    return panel, saved


def test_a_megabyte_pasted_into_a_reflection_is_cut_to_the_limit_and_said(qtbot):
    panel, saved = reflection_panel(qtbot)
    answer = panel.answers["noticed_self"]
    answer.setPlainText("Before. ")
    answer.moveCursor(answer.textCursor().MoveOperation.End)
    paste(answer, "m" * 1_000_000)

    assert answer.toPlainText() == "Before. " + "m" * (REFLECTION.most - 8)
    assert panel.saved.text() == REFLECTION.cut_message()
    panel.flush()
    assert saved == [("noticed_self", answer.toPlainText())]
    assert REFLECTION.cut_message() in panel.saved.text()  # still said after "Saved"


def test_a_reflection_is_saved_only_when_it_changed(qtbot):
    panel, saved = reflection_panel(qtbot, {"noticed_self": "kept"})
    answer = panel.answers["noticed_self"]
    QTest.keyClicks(answer, "!")
    panel.flush()
    QTest.keyClick(answer, Qt.Key.Key_Backspace)
    QTest.keyClicks(answer, "!")  # typed away and back: the same text as saved
    panel.flush()
    panel.flush()
    assert saved == [("noticed_self", "!kept")]


def test_an_answer_the_page_could_not_save_is_handed_on_again(qtbot):
    panel = ReflectionPanel()
    qtbot.addWidget(panel)
    panel.set_session(default_scheme().prompts, {}, {})
    tries: list[str] = []
    panel.answerEdited.connect(lambda _p, text: (tries.append(text), panel.mark_failed("no")))
    QTest.keyClicks(panel.answers["noticed_self"], "x")
    panel.flush()
    QTest.keyClicks(panel.answers["noticed_self"], "y")
    panel.flush()
    assert tries == ["x", "xy"]


def test_an_answer_saved_longer_than_the_rule_is_shown_whole_and_not_resaved(qtbot):
    long = "w" * (REFLECTION.most + 500)  # saved before the rule existed
    panel, saved = reflection_panel(qtbot, {"noticed_self": long})
    assert panel.answers["noticed_self"].toPlainText() == long
    panel.flush()
    assert saved == [] and panel.saved.text() == ""
