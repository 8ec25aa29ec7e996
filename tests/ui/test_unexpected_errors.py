"""Something goes wrong that nobody foresaw, or the database fails: the window says so in
place (the session's status line, the start page, the window's foot), never shows an unsaved
tap as recorded, and keeps running."""

from __future__ import annotations

import sqlite3
import sys

import pytest
from PySide6.QtCore import Qt, QTimer

from attune_companion.events import Kind

LEFT = Qt.MouseButton.LeftButton


def test_a_tap_whose_core_call_fails_unexpectedly_is_not_shown_as_recorded(
    live, store, monkeypatch, qtbot
):
    page = live.live_page

    def broken(*_args, **_kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(live.controller.recorder, "client", broken)
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)

    assert "✓" not in page.pad.buttons["client:ventral"].text(), "the pad does not light it"
    assert page.status.text() == "Something went wrong; that tap was not saved."
    assert page.status.property("tone") == "refused"
    assert store.events(store.sessions()[0].id) == []
    assert live.controller.recorder.state.current("client") is None

    monkeypatch.undo()  # the next tap goes through as usual
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    assert page.status.text().startswith("Recorded:")
    assert [e.kind for e in store.events(store.sessions()[0].id)] == [Kind.CLIENT]


def test_held_taps_stay_held_when_saving_them_fails_unexpectedly(live, store, monkeypatch, qtbot):
    page = live.live_page
    store.conn.execute("PRAGMA query_only = ON")
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    store.conn.execute("PRAGMA query_only = OFF")

    def broken(*_args, **_kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(store, "append", broken)
    assert not live.controller.retry_held()
    assert live.controller.held_count == 1
    assert "still holding 1 tap" in page.status.text()
    assert page.status.property("tone") == "held"
    assert "✓" not in page.pad.buttons["client:ventral"].text()

    monkeypatch.undo()
    assert live.controller.retry_held()
    assert [e.kind for e in store.events(store.sessions()[0].id)] == [Kind.CLIENT]


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_view_after_a_saved_tap_is_said_in_the_status_line(
    run_main, db_path, monkeypatch, qtbot
):
    """PySide6 hands a slot's exception to sys.excepthook; Attune's hook says it in place
    and the session goes on."""
    seen: list[str] = []

    def inspect(window) -> None:
        window.start_page.code.setEditText("K-07")
        qtbot.mouseClick(window.start_page.start_button, LEFT)
        page = window.live_page

        def broken(*_args):
            raise RuntimeError("a view could not draw")

        monkeypatch.setattr(page.timer, "show_state", broken)
        qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
        seen.append(page.status.text())
        monkeypatch.undo()
        qtbot.mouseClick(page.pad.buttons["client:dorsal"], LEFT)
        seen.append(page.status.text())
        window.controller.end()

    monkeypatch.setattr(sys, "excepthook", lambda *_exc: None)  # what pythonw has: no stderr
    assert run_main(["--db", str(db_path)], inspect) == 0
    assert seen[0] == ("Something went wrong (RuntimeError); Attune carries on. Only taps "
                       "shown as recorded are saved.")
    assert seen[1].startswith("Recorded: Dorsal")
    assert sys.excepthook is not None and sys.excepthook.__name__ == "<lambda>", (
        "the hook is put back when the app ends")


@pytest.mark.qt_no_exception_capture
def test_an_error_away_from_a_session_is_said_at_the_foot_of_the_window(
    run_main, db_path, monkeypatch, qtbot
):
    seen: list[str] = []

    def inspect(window) -> None:
        def broken() -> None:
            raise OSError("a file could not be read")

        QTimer.singleShot(0, broken)  # any slot: a timer's, a button's, a key's
        qtbot.waitUntil(lambda: bool(window.statusBar().currentMessage()))
        seen.append(window.statusBar().currentMessage())

    monkeypatch.setattr(sys, "excepthook", lambda *_exc: None)
    assert run_main(["--db", str(db_path)], inspect) == 0
    assert seen == ["Something went wrong (OSError); Attune carries on. Only taps shown as "
                    "recorded are saved."]


def test_a_session_the_database_cannot_start_is_explained_on_the_start_page(
    window, store, monkeypatch, qtbot
):
    def disk_full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "create_session", disk_full)
    window.start_page.code.setEditText("K-07")
    qtbot.mouseClick(window.start_page.start_button, LEFT)
    assert window.live_page is None and store.sessions() == []
    assert window.start_page.error.text() == (
        "The session could not be started: the database reported 'database or disk is full'.")
