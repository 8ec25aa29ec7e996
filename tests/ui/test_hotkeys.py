"""Global hotkeys: only the chosen combinations, routed to the same path as a click, marshalled
to the main thread, and a plain sentence where the platform cannot offer them. The real
listener is replaced by a fake, so these tests need neither pynput nor a display."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from attune_companion.events import Kind
from attune_companion_ui.live.hotkeys import DEFAULT_BINDINGS, GlobalHotkeys, hotkey_problem, to_pynput


class FakeListener:
    """Stands in for pynput's GlobalHotKeys: holds the callbacks and fires them from a thread."""

    made: ClassVar[list[FakeListener]] = []

    def __init__(self, hotkeys):
        self.hotkeys = dict(hotkeys)
        self.running = False
        FakeListener.made.append(self)

    def start(self):
        self.running = True

    def stop(self):
        self.running = False

    def press(self, combo: str) -> None:
        """As the OS listener would: the callback runs on another thread."""
        worker = threading.Thread(target=self.hotkeys[combo])
        worker.start()
        worker.join()


@pytest.fixture
def fake():
    FakeListener.made = []
    return FakeListener


def events(store, kind):
    return [e for e in store.events(store.sessions()[0].id) if e.kind is kind]


def test_a_hotkey_records_the_same_tap_as_a_click_on_the_main_thread(live, store, clock, qtbot,
                                                                       fake):
    assert live.beside.start_hotkeys(fake) is None
    heard_on = []
    live.beside.hotkeys.triggered.connect(lambda _name: heard_on.append(QThread.currentThread()))

    clock.advance(5)
    fake.made[-1].press("<ctrl>+<alt>+2")
    qtbot.waitUntil(lambda: len(events(store, Kind.CLIENT)) == 1)

    assert events(store, Kind.CLIENT)[0].value == "sympathetic"
    assert heard_on == [QApplication.instance().thread()]  # widgets touched on the main thread
    assert live.live_page.pad.lit_names() == ["client:sympathetic"]


def test_only_the_chosen_combinations_are_registered(live, fake):
    live.beside.start_hotkeys(fake)
    assert set(fake.made[-1].hotkeys) == {to_pynput(c) for c in DEFAULT_BINDINGS.values()}


def test_the_blank_hotkey_blanks_and_taps_still_commit(live, store, clock, qtbot, fake):
    live.beside.start_hotkeys(fake)
    listener = fake.made[-1]
    listener.press("<ctrl>+<alt>+b")
    qtbot.waitUntil(lambda: live.beside.blanked)
    clock.advance(3)
    listener.press("<ctrl>+<alt>+r")
    qtbot.waitUntil(lambda: len(events(store, Kind.RUPTURE)) == 1)
    assert live.beside.blanked


def test_hotkeys_stop_when_the_session_ends(live, fake, qtbot):
    live.beside.start_hotkeys(fake)
    listener = fake.made[-1]
    live.controller.end()
    assert not listener.running and live.beside is None


def test_turned_on_without_a_display_the_session_says_so_and_taps_work(store, make_window,
                                                                       settings, clock, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    monkeypatch.setattr("attune_companion_ui.live.hotkeys.importlib.util.find_spec", lambda name: object())
    settings.global_hotkeys = True
    window = make_window(store)
    window.controller.start("K-07", None, None)
    assert "Wayland" in window.live_page.status.text()
    assert not window.beside.hotkeys.listening
    clock.advance(2)
    assert window.controller.tap_client("ventral")


@pytest.mark.parametrize("env, platform, installed, words", [
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True, "on Wayland they are not available"),
    ({}, "linux", True, "X11 session"),
    ({"DISPLAY": ":0"}, "linux", False, "whoever set it up can add it"),
])
def test_unsupported_platforms_are_named_plainly(env, platform, installed, words):
    assert words in (hotkey_problem(env, platform, installed) or "")


@pytest.mark.parametrize("env, platform", [
    ({"DISPLAY": ":0"}, "linux"), ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "w"}, "linux"),
    ({}, "win32"), ({}, "darwin"),
])
def test_supported_platforms_have_no_problem(env, platform):
    assert hotkey_problem(env, platform, installed=True) is None


def test_a_broken_listener_is_a_sentence_not_a_crash(qtbot):
    def broken(_hotkeys):
        raise OSError("no permission")

    keys = GlobalHotkeys({"repair": "Ctrl+Alt+F"}, broken)
    assert "no permission" in keys.start() and not keys.listening


def test_combinations_are_translated_for_pynput_and_bad_ones_refused():
    assert to_pynput("Ctrl+Alt+1") == "<ctrl>+<alt>+1"
    assert to_pynput("Ctrl+Shift+F9") == "<ctrl>+<shift>+<f9>"
    for bad in ("R", "Ctrl+Hyper+R", "Ctrl+Alt+Enter"):
        with pytest.raises(ValueError):
            to_pynput(bad)


VIDEO_CALL_KEYS = {
    # Zoom
    "Alt+A", "Alt+V", "Alt+S", "Alt+R", "Alt+Y", "Alt+F", "Alt+H", "Alt+U", "Alt+M",
    # Teams
    "Ctrl+Shift+M", "Ctrl+Shift+O", "Ctrl+Shift+E", "Ctrl+Shift+K", "Ctrl+Shift+H",
    "Ctrl+Shift+A", "Ctrl+Shift+D",
    # Meet
    "Ctrl+D", "Ctrl+E", "Ctrl+Alt+C", "Ctrl+Alt+H", "Ctrl+Alt+P",
    # desktops: terminal, lock, show desktop, AltGr characters @ and €
    "Ctrl+Alt+T", "Ctrl+Alt+L", "Ctrl+Alt+D", "Ctrl+Alt+Q", "Ctrl+Alt+E",
}


def test_default_combinations_avoid_common_video_call_keys():
    assert not VIDEO_CALL_KEYS & set(DEFAULT_BINDINGS.values())
    assert len(set(DEFAULT_BINDINGS.values())) == len(DEFAULT_BINDINGS)
