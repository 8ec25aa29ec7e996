"""Supervision playback: the cursor at 1×–16×, jumps, keys and scrubbing, and at every frame
the pad, the rupture timer and the event list showing what the live window showed then."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from attune_companion.clock import FakeClock, format_duration
from attune_companion.fold import SessionState
from attune_companion.recorder import Recorder
from attune_companion.replay import Replay
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.supervision.playback_page import PlaybackPage
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.live.rupture_timer import IDLE_DIGITS

S = 1000


def record(store: Store) -> int:
    """A hand-built 4-minute session with a rupture across a pause, then a glimmer."""
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07", number=2)
    script = [
        (10, lambda: rec.client("sympathetic")), (20, lambda: rec.self_state("ventral")),
        (60, lambda: rec.rupture("withdrawal")), (90, lambda: rec.repair_attempt()),
        (100, rec.pause), (130, rec.resume), (160, lambda: rec.repair(["clarify"])),
        (170, lambda: rec.client("ventral")), (200, lambda: rec.note("glimmer")),
        (240, rec.end),
    ]
    for at, tap in script:
        clock.advance(at - rec.now_ms() / S)
        tap()
    return rec.session.id


@pytest.fixture
def page(qtbot, mem_store):
    made = PlaybackPage(mem_store, record(mem_store), DARK, clock=FakeClock())
    qtbot.addWidget(made)
    made.resize(1280, 800)
    with qtbot.waitActive(made):
        made.show()
        made.activateWindow()
    yield made
    made.let_go()


def expected_lit(state: SessionState) -> list[str]:
    """The live pad's rule: each lane's state, and the open rupture with its type."""
    if state.ended:
        return []
    lit = [f"{lane}:{state.current(lane)}" for lane in ("client", "self") if state.current(lane)]
    if state.open_episode is not None:
        lit.append("rupture")
        if state.open_episode.rupture_type:
            lit.append(f"rupture:{state.open_episode.rupture_type}")
    return lit


def expected_digits(replay: Replay, t: int) -> str:
    timer = replay.timer_at(t)
    if timer.open_ms is not None:
        return format_duration(timer.open_ms)
    if timer.last_repair_ms is not None:
        return format_duration(timer.last_repair_ms)
    return IDLE_DIGITS


def assert_shows_the_moment(page: PlaybackPage) -> None:
    t = page.controller.cursor_ms
    replay = page.replay
    assert sorted(page.pad.lit_names()) == sorted(expected_lit(replay.state_at(t))), t
    assert page.timer.digits.text() == expected_digits(replay, t), t
    timer = replay.timer_at(t)
    assert page.timer.counts.text().startswith(
        f"Ruptures {timer.ruptures} · repaired {timer.repaired} · open {timer.open}")
    assert page.current_row() == replay.event_index_at(t)
    if page.current_row() is not None:
        assert page.events.currentIndex().row() == page.current_row()
    assert page.cursor_line.value() == pytest.approx(t / 60_000)


def test_at_16x_every_frame_shows_the_pad_and_timer_of_that_moment(page):
    c = page.controller
    c.set_speed(16)
    c.play()
    frames = 0
    while c.playing:
        c.advance(33)  # one frame of real time, 528 ms of session time
        assert_shows_the_moment(page)
        frames += 1
    assert c.cursor_ms == page.replay.duration_ms == 240 * S
    assert frames == -(-240 * S // (33 * 16))
    assert page.buttons["toggle"].text() == "Play"


@pytest.mark.parametrize("t_s, lit, title, digits", [
    (75, ["client:sympathetic", "rupture", "rupture:withdrawal", "self:ventral"],
     "Rupture open", "0:15"),
    (115, ["client:sympathetic", "rupture", "rupture:withdrawal", "self:ventral"],
     "Rupture open · paused", "0:40"),  # the pause from 100 s does not count
    (165, ["client:sympathetic", "self:ventral"], "Last repair took", "1:10"),
    (5, [], "No rupture open", IDLE_DIGITS),
])
def test_known_moments_of_a_hand_built_session(page, t_s, lit, title, digits):
    page.controller.seek(t_s * S)
    assert sorted(page.pad.lit_names()) == lit
    assert page.timer.title.text() == title
    assert page.timer.digits.text() == digits


def test_the_frame_timer_moves_the_cursor_by_speed_times_elapsed_clock_time(qtbot, mem_store):
    clock = FakeClock()
    page = PlaybackPage(mem_store, record(mem_store), DARK, clock=clock)
    qtbot.addWidget(page)
    page.controller.set_speed(16)
    page.controller.play()
    clock.advance(2.0)  # two seconds of (fake) real time
    qtbot.waitUntil(lambda: page.controller.cursor_ms >= 32 * S, timeout=500)
    page.controller.pause()
    assert page.controller.cursor_ms == 32 * S
    assert_shows_the_moment(page)
    page.let_go()


def test_keys_play_pause_jump_and_change_speed(page):
    c = page.controller
    QTest.keyClick(page, Qt.Key.Key_Space)
    assert c.playing
    QTest.keyClick(page, Qt.Key.Key_Space)
    assert not c.playing
    QTest.keyClick(page, Qt.Key.Key_Right)
    assert c.cursor_ms == 10 * S
    QTest.keyClick(page, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert c.cursor_ms == 60 * S  # the rupture
    QTest.keyClick(page, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert c.cursor_ms == 200 * S  # the glimmer
    QTest.keyClick(page, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert c.cursor_ms == 60 * S
    QTest.keyClick(page, Qt.Key.Key_Left)
    assert c.cursor_ms == 20 * S
    QTest.keyClick(page, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert c.cursor_ms == 20 * S and "No previous rupture" in page.status.text()
    for _ in range(6):
        QTest.keyClick(page, Qt.Key.Key_BracketRight)
    assert c.speed == 16 and page.speed_group.checkedId() == 16
    QTest.keyClick(page, Qt.Key.Key_BracketLeft)
    assert c.speed == 8
    assert "Space" in page.buttons["toggle"].toolTip()
    assert "Shift+Right" in page.buttons["next_rupture"].toolTip()


def test_scrubbing_by_slider_and_by_dragging_the_cursor_line(page):
    page.slider.setValue(95 * S)
    assert page.controller.cursor_ms == 95 * S
    assert_shows_the_moment(page)
    page.cursor_line.setPos(3.0)  # minutes
    page.cursor_line.sigDragged.emit(page.cursor_line)
    assert page.controller.cursor_ms == 180 * S
    assert page.slider.value() == 180 * S
    assert_shows_the_moment(page)


def test_a_click_on_the_plot_moves_the_cursor_there(page, click_plot):
    click_plot(page.plot, 2.5)  # minutes
    assert abs(page.controller.cursor_ms - 150 * S) <= 2 * page.plot.ms_per_pixel()
    assert page.slider.value() == page.controller.cursor_ms
    assert_shows_the_moment(page)


def test_choosing_an_event_in_the_list_moves_the_cursor_there(page, qtbot):
    index = page.event_model.index(2)  # the rupture at 60 s
    page.events.scrollTo(index)
    rect = page.events.visualRect(index)
    qtbot.mouseClick(page.events.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.controller.cursor_ms == 60 * S
    assert "Rupture" in page.event_model.data(index)


def test_the_pad_is_read_only_in_playback(page, qtbot, mem_store):
    before = len(mem_store.events(page.session.id))
    qtbot.mouseClick(page.pad.buttons["client:dorsal"], Qt.MouseButton.LeftButton)
    QTest.keyClick(page, Qt.Key.Key_3)  # the live key for dorsal does nothing here
    assert len(mem_store.events(page.session.id)) == before
    assert not page.pad.note_field.isVisible()


def test_the_read_out_pad_has_no_empty_notes_heading_in_either_width(page):
    """Notes are never lit at the cursor, so the read-out drops their section; the heading
    came back, over nothing, whenever the pad left its compact form."""
    from PySide6.QtWidgets import QLabel

    def headings() -> list[str]:
        return [label.text() for label in page.pad.findChildren(QLabel)
                if label.isVisibleTo(page.pad)]

    for compact in (True, False):
        page.pad.set_compact(compact)
        assert "Notes" not in headings()
        assert not any(b.isVisibleTo(page.pad) for name, b in page.pad.buttons.items()
                       if name.startswith("note:"))
    assert "Rupture and repair" in headings()  # the other heading still steps back in


def test_a_narrow_window_puts_the_plot_on_top(page):
    page.resize(720, 800)
    assert page.body.orientation() == Qt.Orientation.Vertical
    page.resize(1280, 800)
    assert page.body.orientation() == Qt.Orientation.Horizontal


# -- recording sync ----------------------------------------------------------------------------


class FakePlayer:
    """Stands in for QMediaPlayer (PySide6-Addons is an optional extra)."""

    def __init__(self) -> None:
        self.pos, self.seeks, self.playing, self.rate, self.source = 0, [], False, 1.0, None

    def position(self) -> int:
        return self.pos

    def setPosition(self, ms: int) -> None:
        self.pos = ms
        self.seeks.append(ms)

    def play(self) -> None:
        self.playing = True

    def pause(self) -> None:
        self.playing = False

    def setPlaybackRate(self, rate: float) -> None:
        self.rate = rate

    def setSource(self, url) -> None:
        self.source = url


def test_without_qtmultimedia_the_page_says_how_to_enable_recording_sync(page):
    from attune_companion_ui.supervision.media_sync import ENABLE_HINT, multimedia_available

    if multimedia_available():
        pytest.skip("QtMultimedia is installed here")
    assert not page.media.available
    assert page.media.message.text() == ENABLE_HINT


def test_a_linked_recording_follows_the_cursor_and_seeks_only_past_300_ms(qtbot, mem_store,
                                                                           tmp_path):
    from attune_companion.comments import media_link
    from attune_companion_ui.supervision.media_sync import MediaSync

    session_id = record(mem_store)
    recording = tmp_path / "session.m4a"
    recording.write_bytes(b"not really audio")
    sync = MediaSync(player=FakePlayer(), ask_path=lambda: str(recording))
    qtbot.addWidget(sync)
    sync.show_session(mem_store, session_id)
    sync.choose_file()
    sync.offset.setValue(2.5)
    sync.offset.editingFinished.emit()
    link = media_link(mem_store, session_id)
    assert (link.path, link.offset_ms) == (str(recording), 2_500)  # the path, never a copy

    player = sync.player
    sync.follow(10_000, playing=True, speed=4)
    assert player.seeks == [12_500] and player.playing and player.rate == 4.0
    player.pos = 12_700  # 200 ms of drift: left alone
    sync.follow(10_000, playing=True, speed=4)
    assert player.seeks == [12_500]
    sync.follow(20_000, playing=False, speed=4)  # a jump: seek, and pause with the cursor
    assert player.seeks == [12_500, 22_500] and not player.playing


def test_the_title_gives_the_start_on_the_clock_where_it_was_recorded(qtbot, mem_store,
                                                                     monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    session_id = record(mem_store)  # 00:30 UTC, recorded in Tokyo: 09:30 there
    monkeypatch.delenv("TZ")
    page = PlaybackPage(mem_store, session_id, DARK, clock=FakeClock())
    qtbot.addWidget(page)
    assert page.session_line.text().endswith("29 Mar 2026, 09:30")
    page.let_go()
