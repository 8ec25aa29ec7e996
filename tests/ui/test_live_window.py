"""The live session window, driven as a clinician would: click, key, back-date, undo, rupture
and repair, pause, end. Each test checks the database and what the window shows."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton, QApplication, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QSpinBox,
)

from attune_companion.clock import format_duration
from attune_companion.events import Kind
from attune_companion.recorder import Recorder
from attune_companion.replay import rupture_timer
from attune_companion.store import Store
from attune_companion_ui.shell.main_window import TICK_LATE_MS, MainWindow
from attune_companion_ui.shell.settings import Settings

LEFT = Qt.MouseButton.LeftButton


def taps(store: Store, kind: Kind | None = None) -> list:
    session = store.sessions()[0]
    events = store.events(session.id)
    return [e for e in events if kind is None or e.kind is kind]


def click(qtbot, window: MainWindow, action: str) -> None:
    qtbot.mouseClick(window.live_page.pad.buttons[action], LEFT)


def tick(window: MainWindow) -> None:
    window._tick()


# -- starting ----------------------------------------------------------------------------------


def test_start_records_the_session_and_never_titles_the_window_with_the_code(window, store, qtbot):
    page = window.start_page
    page.code.setEditText("K-07")
    page.number.setValue(3)
    page.modality.setCurrentIndex(1)  # telehealth
    qtbot.mouseClick(page.start_button, LEFT)

    session = store.sessions()[0]
    assert (session.client_code, session.number, session.modality, session.status) == (
        "K-07", 3, "telehealth", "live")
    assert window.stack.currentWidget() is window.live_page
    assert window.windowTitle() == "Attune"


def test_starting_with_enter_leaves_the_keys_to_the_pad(window, store, clock):
    field = window.start_page.code.lineEdit()
    field.setFocus()
    QTest.keyClicks(field, "K-07")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.live_page  # not a button Space would press

    clock.advance(2)
    QTest.keyClick(window, Qt.Key.Key_2)
    assert [e.value for e in taps(store, Kind.CLIENT)] == ["sympathetic"]
    assert window.live_page.pad.note_field.text() == ""


def test_a_name_like_code_is_warned_about_inline_not_in_a_dialog(window, store, qtbot):
    window.start_page.code.setEditText("Jane Doe")

    warning = window.start_page.code_warning
    assert warning.isVisible() and "looks like a person's name" in warning.text()
    assert QApplication.activeModalWidget() is None

    window.start_page.code.setEditText("JD-4")
    assert not warning.isVisible()


def test_an_invalid_code_is_explained_inline_and_starts_nothing(window, store, qtbot):
    window.start_page.code.setEditText("K/07")
    assert "letters, digits" in window.start_page.code_warning.text()

    qtbot.mouseClick(window.start_page.start_button, LEFT)

    assert window.start_page.error.isVisible()
    assert store.sessions() == []
    assert window.live_page is None


def test_recent_codes_are_offered(store, make_window, scheme, clock):
    Recorder.start(store, scheme, clock, "B-2").end()
    window = make_window(store)
    codes = [window.start_page.code.itemText(i) for i in range(window.start_page.code.count())]
    assert codes == ["B-2"]


# -- tapping -----------------------------------------------------------------------------------


def test_a_click_is_committed_then_lit_plotted_and_announced(live, store, clock, qtbot):
    clock.advance(12)
    click(qtbot, live, "client:sympathetic")

    [event] = taps(store, Kind.CLIENT)
    assert (event.value, event.offset_ms) == ("sympathetic", 12_000)
    page = live.live_page
    assert page.pad.lit_names() == ["client:sympathetic"]
    assert page.pad.buttons["client:sympathetic"].label.text().startswith("✓")
    assert page.status.text() == "Recorded: Sympathetic (client) · 0:12"
    x, y = page.plot.lane_xy("client")
    assert x[0] == pytest.approx(0.2) and y[0] == 2


def test_the_ui_shows_a_tap_as_recorded_only_once_its_row_is_committed(
    live, store, db_path, clock, qtbot, monkeypatch
):
    page = live.live_page
    other = sqlite3.connect(db_path)  # a second connection sees only committed rows
    seen: list[tuple[str, int]] = []

    def rows() -> int:
        query = "SELECT count(*) FROM events WHERE kind = 'client_state'"
        return other.execute(query).fetchone()[0]

    show_lit, set_status = page.pad.show_state, page.status.setText

    def spy_lit(state):
        seen.append(("lit", rows()))
        show_lit(state)

    def spy_status(text):
        if text.startswith("Recorded"):
            seen.append(("status", rows()))
        set_status(text)

    monkeypatch.setattr(page.pad, "show_state", spy_lit)
    monkeypatch.setattr(page.status, "setText", spy_status)
    clock.advance(3)
    click(qtbot, live, "client:ventral")
    monkeypatch.undo()
    other.close()

    assert seen == [("lit", 1), ("status", 1)]


def test_taps_and_ticks_never_reread_the_store_or_refold(live, store, clock, monkeypatch):
    import attune_companion.recorder

    def forbidden(*_args, **_kwargs):
        raise AssertionError("read or refold on a tap or tick")

    for name in ("events", "sessions", "session", "client_codes", "interrupted_sessions"):
        monkeypatch.setattr(store, name, forbidden)
    monkeypatch.setattr(attune_companion.recorder, "fold", forbidden)
    for key in (Qt.Key.Key_1, Qt.Key.Key_W, Qt.Key.Key_R, Qt.Key.Key_A, Qt.Key.Key_F,
                Qt.Key.Key_X, Qt.Key.Key_P, Qt.Key.Key_P, Qt.Key.Key_3):
        clock.advance(2)
        QTest.keyClick(live, key)
        tick(live)
        assert live.live_page.status.property("tone") == "recorded"


def test_the_window_ticks_once_a_second_just_after_each_whole_second(live, clock):
    """The clock and the rupture timer show seconds and the plot's now moves about a pixel a
    second: a tick more often than that shows nothing new and wakes the laptop for nothing."""
    ticker = live._ticker
    assert ticker.isSingleShot() and ticker.isActive()
    for seconds, wait_ms in ((0.25, 765), (1.0, 765), (0.74, 25), (0.02, 1_005)):
        clock.advance(seconds)
        tick(live)
        assert ticker.isActive() and ticker.interval() == wait_ms
    before = live.live_page.clock_label.text()
    clock.advance(0.99)  # session time 3.0 s: the next whole second
    tick(live)
    assert live.live_page.clock_label.text() != before


def test_the_clock_and_rupture_timer_are_right_to_the_second_between_ticks(live, clock, qtbot):
    """Ticking only when a second turns must never leave a figure stale: a rupture opened
    between whole seconds turns its seconds between the session's, and a pause moves its
    turns again. Run the window tick by tick as its timer asks, and check that what it shows
    is still the truth until just before the turn the next tick follows."""
    page, recorder = live.live_page, live.controller.recorder

    def truth(at_ms: int) -> tuple[str, str]:
        figures = rupture_timer(recorder.state, at_ms)
        shown = "Session " + format_duration(at_ms)
        return shown, format_duration(figures.open_ms) if figures.open_ms is not None else ""

    def run(seconds: float) -> None:
        end = recorder.now_ms() + seconds * 1000
        while recorder.now_ms() < end:
            clock.advance(live._ticker.interval() / 1000)
            tick(live)
            just_before = recorder.now_ms() + live._ticker.interval() - TICK_LATE_MS - 1
            clock_text, rupture_text = truth(just_before)
            assert page.clock_label.text().endswith(clock_text.split(" ")[-1])
            if rupture_text:
                assert page.timer.digits.text() == rupture_text

    clock.advance(2.4)
    QTest.keyClick(live, Qt.Key.Key_R)  # opened 400 ms past a whole second
    run(6)
    clock.advance(0.3)
    qtbot.mouseClick(page.pause_button, LEFT)
    run(3.2)
    clock.advance(0.45)
    qtbot.mouseClick(page.pause_button, LEFT)  # resumed: the rupture's turns have moved
    run(6)


def test_every_tap_has_its_key_in_the_window(live, store, clock, scheme):
    for key, kind, value in ((Qt.Key.Key_2, Kind.CLIENT, "sympathetic"),
                             (Qt.Key.Key_Q, Kind.SELF, "ventral"),
                             (Qt.Key.Key_G, Kind.NOTE, "glimmer")):
        clock.advance(1)
        QTest.keyClick(live, key)
        assert taps(store, kind)[-1].value == value

    page = live.live_page
    assert set(page.pad.lit_names()) == {"client:sympathetic", "self:ventral"}
    assert page.pad.buttons["client:sympathetic"].key.text() == scheme.state("sympathetic").key
    assert "Key: 2" in page.pad.buttons["client:sympathetic"].toolTip()


def test_typing_a_note_never_taps_and_enter_records_it(live, store, clock, qtbot):
    field = live.live_page.pad.note_field
    QTest.keyClick(live, Qt.Key.Key_N)  # the free-note key opens the field
    assert field.hasFocus()

    QTest.keyClicks(field, "R2 quiet")
    QTest.keyClick(field, Qt.Key.Key_Return)

    assert [(e.kind, e.value, e.text) for e in taps(store)] == [(Kind.NOTE, "note", "R2 quiet")]
    assert not field.hasFocus() and field.text() == ""
    QTest.keyClick(live, Qt.Key.Key_1)  # single keys are taps again
    assert taps(store, Kind.CLIENT)[-1].value == "ventral"


def test_esc_leaves_the_note_field_keeping_its_text(live, store, qtbot):
    field = live.live_page.pad.note_field
    field.setFocus()
    QTest.keyClicks(field, "half a thought")
    QTest.keyClick(field, Qt.Key.Key_Escape)

    assert not field.hasFocus() and field.text() == "half a thought"
    assert taps(store) == []


def test_glimmer_takes_the_typed_text_with_it(live, store, qtbot):
    field = live.live_page.pad.note_field
    field.setText("smiled at the dog")
    click(qtbot, live, "note:glimmer")
    assert [(e.value, e.text) for e in taps(store, Kind.NOTE)] == [("glimmer", "smiled at the dog")]


def test_back_date_applies_to_the_next_tap_only(live, store, clock, qtbot):
    page = live.live_page
    clock.advance(60)
    qtbot.mouseClick(page.pad.backdate_buttons[20], LEFT)
    assert page.pad.backdate_buttons[20].isChecked()

    click(qtbot, live, "client:dorsal")
    clock.advance(1)
    click(qtbot, live, "client:ventral")

    assert [e.offset_ms for e in taps(store, Kind.CLIENT)] == [40_000, 61_000]
    assert not any(b.isChecked() for b in page.pad.backdate_buttons.values())


def test_a_back_date_before_the_start_is_clamped_and_says_so(live, store, clock, qtbot):
    clock.advance(5)
    qtbot.mouseClick(live.live_page.pad.backdate_buttons[30], LEFT)
    click(qtbot, live, "client:dorsal")

    assert taps(store, Kind.CLIENT)[0].offset_ms == 0
    assert "back-dated as far as allowed" in live.live_page.status.text()


def test_a_back_dated_tap_redraws_the_plot_in_timeline_order(live, store, clock, qtbot):
    clock.advance(30)
    click(qtbot, live, "client:sympathetic")
    clock.advance(30)
    qtbot.mouseClick(live.live_page.pad.backdate_buttons[20], LEFT)
    click(qtbot, live, "client:dorsal")  # at 0:40, before nothing: still in order
    clock.advance(5)
    qtbot.mouseClick(live.live_page.pad.backdate_buttons[30], LEFT)
    click(qtbot, live, "client:ventral")  # at 0:35, before the dorsal tap

    _, y = live.live_page.plot.lane_xy("client")
    assert list(y[:3]) == [2, 3, 1]
    assert live.live_page.pad.lit_names() == ["client:dorsal"]


def test_ctrl_z_undoes_the_last_tap_and_says_what(live, store, clock):
    clock.advance(10)
    QTest.keyClick(live, Qt.Key.Key_1)
    clock.advance(10)
    QTest.keyClick(live, Qt.Key.Key_2)
    QTest.keyClick(live, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    sympathetic = taps(store, Kind.CLIENT)[-1]
    [undo] = taps(store, Kind.UNDO)
    assert undo.target == sympathetic.id
    page = live.live_page
    assert page.status.text() == "Undone: Sympathetic (client) · 0:20"
    assert page.pad.lit_names() == ["client:ventral"]
    _, y = page.plot.lane_xy("client")
    assert list(y[:-1]) == [3]


def test_a_refused_tap_is_a_calm_inline_message(live, store, qtbot):
    click(qtbot, live, "repair")

    status = live.live_page.status
    assert "No rupture is open" in status.text()
    assert status.property("tone") == "refused"
    assert taps(store) == []
    assert QApplication.activeModalWidget() is None


# -- rupture, repair, pause --------------------------------------------------------------------


def test_rupture_to_repair_with_the_timer(live, store, clock, qtbot):
    page = live.live_page
    clock.advance(100)
    QTest.keyClick(live, Qt.Key.Key_R)
    clock.advance(65)
    tick(live)
    assert (page.timer.title.text(), page.timer.digits.text()) == ("Rupture open", "1:05")

    QTest.keyClick(live, Qt.Key.Key_S)  # its type: withdrawal
    clock.advance(10)
    QTest.keyClick(live, Qt.Key.Key_A)  # a repair attempt
    assert page.timer.detail.text() == "Withdrawal · 1 repair attempt so far"
    assert set(page.pad.lit_names()) == {"rupture", "rupture:withdrawal"}

    clock.advance(20)
    QTest.keyClick(live, Qt.Key.Key_F)
    clock.advance(30)
    tick(live)

    assert [e.kind for e in taps(store)] == [Kind.RUPTURE, Kind.RUPTURE, Kind.REPAIR_ATTEMPT,
                                              Kind.REPAIR]
    assert (page.timer.title.text(), page.timer.digits.text()) == ("Last repair took", "1:35")
    assert page.timer.counts.text() == "Ruptures 1 · repaired 1 · open 0"
    assert page.status.text().startswith("Recorded: Repair after 1:35")
    assert page.plot.rupture_spans() == [pytest.approx((100 / 60, 195 / 60))]
    assert page.pad.lit_names() == []


def test_pause_stops_the_rupture_timer_and_refuses_taps_inline(live, store, clock, qtbot):
    page = live.live_page
    QTest.keyClick(live, Qt.Key.Key_R)
    clock.advance(10)
    QTest.keyClick(live, Qt.Key.Key_P)
    clock.advance(120)
    tick(live)

    assert page.paused_badge.isVisible()
    assert page.timer.title.text() == "Rupture open · paused"
    assert page.timer.digits.text() == "0:10"
    assert page.pause_button.text().startswith("Resume")

    QTest.keyClick(live, Qt.Key.Key_1)
    assert "paused" in page.status.text() and page.status.property("tone") == "refused"
    assert taps(store, Kind.CLIENT) == []

    qtbot.mouseClick(page.pause_button, LEFT)
    clock.advance(5)
    tick(live)
    assert page.timer.digits.text() == "0:15"
    assert [e.kind for e in taps(store)][-2:] == [Kind.PAUSE, Kind.RESUME]


# -- ending ------------------------------------------------------------------------------------


def test_end_takes_two_inline_steps_then_shows_the_summary(live, store, clock, qtbot):
    page = live.live_page
    QTest.keyClick(live, Qt.Key.Key_1)
    QTest.keyClick(live, Qt.Key.Key_R)
    clock.advance(90)
    qtbot.mouseClick(page.end_button, LEFT)
    assert page.confirm_bar.isVisible()
    assert taps(store, Kind.END) == []

    qtbot.mouseClick(page.confirm_end_button, LEFT)

    assert taps(store, Kind.END)[0].offset_ms == 90_000
    assert store.sessions()[0].status == "ended"
    assert live.stack.currentWidget() is live.review_page
    assert "1 unrepaired at the end" in live.review_page.rupture_headline.text()
    assert live.live_page is None
    QTest.keyClick(live, Qt.Key.Key_2)  # the pad's keys left with the session
    assert taps(store, Kind.CLIENT)[-1].value == "ventral"

    qtbot.mouseClick(live.review_page.back_button, LEFT)
    assert live.stack.currentWidget() is live.start_page


def test_keep_going_cancels_the_end(live, store, qtbot):
    page = live.live_page
    qtbot.mouseClick(page.end_button, LEFT)
    qtbot.mouseClick(page.keep_going_button, LEFT)
    assert not page.confirm_bar.isVisible()
    assert taps(store, Kind.END) == []


def test_a_tap_while_asking_to_end_carries_on(live, store, qtbot):
    page = live.live_page
    qtbot.mouseClick(page.end_button, LEFT)
    QTest.keyClick(live, Qt.Key.Key_1)
    assert not page.confirm_bar.isVisible() and page.status.isVisible()
    assert taps(store, Kind.END) == []


def test_closing_mid_session_pauses_it_to_resume_later(live, store, clock):
    clock.advance(40)
    live.close()
    assert taps(store)[-1].kind is Kind.PAUSE
    assert taps(store)[-1].offset_ms == 40_000


# -- interrupted sessions, unusable stores -----------------------------------------------------


@pytest.fixture
def crashed(db_path, scheme, clock) -> Store:
    """A database whose last session was left live (as a crash leaves it), reopened."""
    first = Store.open(db_path)
    recorder = Recorder.start(first, scheme, clock, "K-07", number=2)
    clock.advance(30)
    recorder.client("dorsal")
    clock.advance(30)
    recorder.rupture()
    first.close()
    clock.advance(600)
    reopened = Store.open(db_path)
    yield reopened
    reopened.close()


def test_an_interrupted_session_can_be_resumed_from_the_banner(crashed, make_window, clock, qtbot):
    window = make_window(crashed)
    [banner] = window.start_page.banners()
    assert "K-07 · session 2" in banner.findChild(QLabel).text()

    qtbot.mouseClick(banner.findChild(QPushButton, "resume"), LEFT)

    page = window.live_page
    assert page is not None and set(page.pad.lit_names()) == {"client:dorsal", "rupture"}
    assert page.timer.digits.text() == "0:00"  # the crash gap counts as a pause
    clock.advance(5)
    QTest.keyClick(window, Qt.Key.Key_F)
    events = crashed.events(crashed.sessions()[0].id)
    assert [e.kind for e in events][-3:] == [Kind.PAUSE, Kind.RESUME, Kind.REPAIR]


def test_the_banner_gives_the_start_on_the_clock_where_it_was_recorded(
        store, scheme, clock, make_window, monkeypatch):
    """As the review and history do: 00:30 UTC recorded in Tokyo is 09:30, whatever zone the
    computer showing it is in now."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    recorder = Recorder.start(store, scheme, clock, "K-07")
    monkeypatch.delenv("TZ")
    store.set_status(recorder.session.id, "interrupted")
    [banner] = make_window(store).start_page.banners()
    assert "29 Mar 2026, 09:30" in banner.findChild(QLabel).text()


def test_an_interrupted_session_can_be_closed_from_the_banner(crashed, make_window, qtbot):
    window = make_window(crashed)
    session_id = crashed.interrupted_sessions()[0].id
    [banner] = window.start_page.banners()

    qtbot.mouseClick(banner.findChild(QPushButton, "close"), LEFT)

    assert crashed.session(session_id).status == "ended"
    assert window.start_page.banners() == []
    assert "closed" in window.start_page.message.text()
    assert window.stack.currentWidget() is window.start_page


def test_an_unusable_store_is_explained_in_the_window(make_window):
    window = make_window(None, store_problem="Attune is already running with /x/attune.db.")
    assert window.start_page.problem.isVisible()
    assert not window.start_page.start_button.isEnabled()
    assert QApplication.activeModalWidget() is None


# -- look and layout ---------------------------------------------------------------------------


def test_a_narrow_strip_stacks_the_plot_below_the_pad(live, qtbot):
    page = live.live_page
    assert page.wide
    live.resize(360, 900)
    # stacked, and the whole pad fits the strip's width (nothing clipped at the right)
    qtbot.waitUntil(lambda: not page.wide
                    and page.pad.width() <= page.pad_scroll.viewport().width())
    assert page.plot_panel.y() > page.left.y()
    qtbot.mouseClick(page.plot_toggle, LEFT)
    assert not page.plot_panel.isVisible()


def test_every_control_has_an_accessible_name(live):
    for page in (live.start_page, live.live_page):
        for kind in (QAbstractButton, QLineEdit, QComboBox, QSpinBox, QPlainTextEdit):
            for widget in page.findChildren(kind):
                if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox,
                                                                                   QSpinBox)):
                    continue  # the editor inside a combo or spin box: named by its owner
                assert widget.accessibleName(), f"{widget!r} in {widget.parent()!r}"


def test_theme_switch_restyles_the_app_and_is_remembered(live, settings):
    live.set_theme("light")
    assert "light theme" in QApplication.instance().styleSheet()
    assert settings.theme == "light"
    live.set_theme("dark")


def test_settings_fall_back_to_defaults_on_garbage(tmp_path):
    raw = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    raw.setValue("plot/window_minutes", "lots")
    raw.setValue("taps/backdate_seconds", "10,x")
    raw.setValue("appearance/theme", "neon")
    settings = Settings(raw)
    assert (settings.window_minutes, settings.backdate_choices, settings.theme) == (
        10, (10, 20, 30), "dark")


# -- start-up ----------------------------------------------------------------------------------


def test_a_locked_database_is_explained_in_the_window(run_main, db_path):
    seen: list[str] = []

    def inspect(window: MainWindow) -> None:
        assert window.start_page.problem.isVisible()
        assert not window.start_page.start_button.isEnabled()
        assert QApplication.activeModalWidget() is None
        seen.append(window.start_page.problem.findChild(QLabel).text())

    with Store.open(db_path):  # another Attune holds the database
        assert run_main(["--db", str(db_path)], inspect) == 0
    assert "already running" in seen[0]


def test_a_broken_scheme_file_is_named_and_the_default_used(run_main, db_path, tmp_path):
    (tmp_path / "scheme.json").write_text("{ not json", encoding="utf-8")

    def inspect(window: MainWindow) -> None:
        notice = window.start_page.notices.findChild(QLabel).text()
        assert "scheme.json" in notice and "default coding scheme" in notice
        assert window.start_page.start_button.isEnabled()
        assert window.controller.scheme.rupture_label == "Rupture"

    assert run_main(["--db", str(db_path)], inspect) == 0


def test_ending_with_a_rupture_open_says_inline_it_will_be_recorded_as_unrepaired(
    live, store, clock, qtbot
):
    page = live.live_page
    qtbot.mouseClick(page.end_button, LEFT)
    assert page.confirm_bar.isVisible() and "unrepaired" not in page.confirm_bar.findChild(
        QLabel, "endQuestion").text()
    qtbot.mouseClick(page.keep_going_button, LEFT)

    QTest.keyClick(live, Qt.Key.Key_R)
    qtbot.mouseClick(page.end_button, LEFT)
    question = page.confirm_bar.findChild(QLabel, "endQuestion")
    assert question.isVisible()
    assert question.text() == ("End the session now? The open rupture will be recorded as "
                               "unrepaired.")
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not live]


def test_while_paused_the_message_line_keeps_saying_so(live, store, clock, qtbot):
    """The header's badge may not fit a narrow window; the line under it always says paused,
    also once a refusal has had its time. Afterwards it is never an empty band: what was
    done last stays, faded."""
    page = live.live_page
    clock.advance(75)
    QTest.keyClick(live, Qt.Key.Key_P)
    assert page.status.text() == "Paused at 1:15. Taps wait until you resume (P)."
    QTest.keyClick(live, Qt.Key.Key_1)
    assert page.status.property("tone") == "refused"
    page.message_area._timeout.timeout.emit()  # the refusal's seconds are over
    assert page.status.text().startswith("Paused at 1:15")
    assert page.status.property("tone") == "paused"
    QTest.keyClick(live, Qt.Key.Key_P)
    assert page.status.text().startswith("Resumed at")
    page.message_area._timeout.timeout.emit()
    assert page.status.text().startswith("Resumed at"), "what was done last stays, faded"
    assert page.status.property("tone") == "faded"


@pytest.mark.parametrize("field", ["number", "modality"])
def test_enter_in_the_number_or_modality_field_starts_the_session(window, store, field):
    page = window.start_page
    page.code.setEditText("K-07")
    getattr(page, field).setFocus()
    QTest.keyClick(getattr(page, field), Qt.Key.Key_Return)
    assert [s.client_code for s in store.sessions()] == ["K-07"]
    assert window.live_page is not None
