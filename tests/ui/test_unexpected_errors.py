"""Something unexpected goes wrong during a session: the window says so in its status line,
never shows an unsaved tap as recorded, and keeps running."""

from __future__ import annotations

from PySide6.QtCore import Qt

from companion.events import Kind

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
