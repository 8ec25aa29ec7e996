"""A settings file is read like any other input: whatever a hand edit, a crash mid-write or an
older or newer Attune left in it, every preference reads as a usable value (its default when
the stored one is not), start-up never fails on it, and reading never changes the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QSettings

from attune_companion.events import Kind
from attune_companion_ui.shell.settings import Key, Settings

STORED = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.lists(st.text(max_size=8), max_size=5), st.binary(max_size=40).map(QByteArray),
    st.sampled_from(["true", "FALSE", "system", "light", "0", "600", "601", "5,10,x", " 7 ",
                     "toggle_blank=Ctrl+Alt+B", "=;=;", "@ByteArray(\\0\\xff)"]),
)
INI_LINE = st.one_of(
    st.text(max_size=60),
    st.builds(lambda k, v: f"{k.split('/')[1]}={v}", st.sampled_from([k.value for k in Key]),
              st.text(max_size=30)),
    st.sampled_from([f"[{k.value.split('/')[0]}]" for k in Key]),
)


def assert_usable(prefs: Settings) -> None:
    assert prefs.theme in ("dark", "light")
    assert prefs.theme_choice in ("dark", "light", "system")
    minutes = prefs.window_minutes
    assert minutes is None or (isinstance(minutes, int) and 1 <= minutes <= 600)
    choices = prefs.backdate_choices
    assert 1 <= len(choices) <= 4 and list(choices) == sorted(set(choices))
    assert all(isinstance(s, int) and 1 <= s <= 600 for s in choices)
    assert isinstance(prefs.rupture_tint_minutes, int) and 0 <= prefs.rupture_tint_minutes <= 120
    for place in (prefs.geometry, prefs.compact_geometry):
        assert place is None or (isinstance(place, QByteArray) and not place.isEmpty())
    for flag in (prefs.no_focus_compact, prefs.no_focus_window, prefs.global_hotkeys):
        assert isinstance(flag, bool)
    bindings = prefs.hotkey_bindings
    assert all(isinstance(k, str) and k and isinstance(v, str) and v
               for k, v in bindings.items())


@settings(max_examples=60, deadline=None)
@given(values=st.dictionaries(st.sampled_from(list(Key)), STORED))
@example(values={Key.WINDOW_MINUTES: float("inf"), Key.RUPTURE_TINT_MINUTES: "-inf"})
def test_any_stored_value_reads_as_a_usable_preference(values) -> None:
    with tempfile.TemporaryDirectory() as folder:
        raw = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        for key, value in values.items():
            raw.setValue(key.value, value)
        raw.sync()
        assert_usable(Settings(raw))


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(INI_LINE, max_size=12))
def test_any_settings_file_reads_as_usable_preferences_and_is_left_as_it_was(lines) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.ini"
        content = "\n".join(lines).encode("utf-8", "surrogatepass")
        path.write_bytes(content)
        assert_usable(Settings(QSettings(str(path), QSettings.Format.IniFormat)))
        assert path.read_bytes() == content


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(st.sampled_from(list(Key)), STORED, min_size=1))
def test_the_window_opens_and_records_whatever_the_settings_file_holds(
    values, store, clock, scheme, qtbot
) -> None:
    from attune_companion_ui.shell.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        raw = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        for key, value in values.items():
            raw.setValue(key.value, value)
        window = MainWindow(store, scheme, clock=clock, settings=Settings(raw))
        qtbot.addWidget(window)
        window.show()
        assert window.controller is not None
        controller = window.controller
        controller.start("K-07", None, None)
        assert window.live_page is not None
        clock.advance(5)
        assert controller.tap_client("ventral")
        assert controller.end()
        session = controller.recorder.session.id
        window.close()
    assert [e.value for e in store.events(session) if e.kind is Kind.CLIENT] == ["ventral"]


def test_global_keys_written_by_hand_with_commas_are_each_read(tmp_path) -> None:
    path = tmp_path / "settings.ini"
    path.write_text("[hotkeys]\nbindings=toggle_blank=Ctrl+Alt+B, undo=Ctrl+Alt+Z\n")
    prefs = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert prefs.hotkey_bindings == {"toggle_blank": "Ctrl+Alt+B", "undo": "Ctrl+Alt+Z"}
