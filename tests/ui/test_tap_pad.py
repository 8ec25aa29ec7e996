"""The tap pad: the ladder's order, keys on the buttons, lit states shown without relying on
colour, and the back-date buttons."""

from __future__ import annotations

import copy

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from attune_companion.events import Event, Kind
from attune_companion.fold import fold
from attune_companion.scheme import Scheme, parse_scheme
from attune_companion_ui.live.actions import ActionRegistry, session_actions
from attune_companion_ui.live.tap_pad import LIT_MARK, TapPad
from attune_companion_ui.shell.theme import Theme, apply_theme


class FakeController:
    """Stands in for SessionController: records what the pad asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def __getattr__(self, name: str):
        return lambda *args: self.calls.append((name, *args))


@pytest.fixture
def make_pad(qtbot):
    def make(scheme: Scheme) -> tuple[TapPad, FakeController]:
        apply_theme(QApplication.instance(), Theme.DARK)
        owner = QWidget()
        qtbot.addWidget(owner)
        controller = FakeController()
        actions = ActionRegistry(owner)
        for action in session_actions(scheme, controller, controller.note, controller.end):
            actions.add(action)
        pad = TapPad(scheme, actions, (10, 20, 30), owner)
        owner.resize(500, 800)
        owner.show()
        qtbot.waitExposed(owner)
        return pad, controller

    return make


def events(*taps: tuple) -> list[Event]:
    return [Event(i, kind, ms, value=value) for i, (kind, ms, value) in enumerate(taps, 1)]


def test_the_ladder_runs_ventral_top_to_dorsal_bottom_in_both_lanes(make_pad, scheme):
    pad, _ = make_pad(scheme)
    for lane in ("client", "self"):
        ys = [pad.buttons[f"{lane}:{s}"].mapTo(pad, pad.rect().topLeft()).y()
              for s in ("ventral", "sympathetic", "dorsal")]
        assert ys == sorted(ys) and len(set(ys)) == 3
    assert "client:play" not in pad.buttons  # blends are off by default


def test_blends_appear_on_the_ladder_only_when_the_scheme_enables_them(make_pad, scheme):
    raw = copy.deepcopy(scheme.raw)
    for state in raw["states"]:
        state["enabled"] = True
    pad, _ = make_pad(parse_scheme(raw, "test"))

    order = sorted((b.y(), name) for name, b in pad.buttons.items() if name.startswith("client:"))
    assert [name for _, name in order] == [
        "client:ventral", "client:play", "client:stillness", "client:sympathetic",
        "client:freeze", "client:dorsal"]
    assert pad.buttons["client:play"].property("role") == "clientBlend"


def test_each_button_shows_its_key_and_runs_its_action(make_pad, scheme, qtbot):
    pad, controller = make_pad(scheme)
    for name, key in scheme.shortcuts().items():
        if name in pad.buttons:
            button = pad.buttons[name]
            assert button.key.text() == key
            assert f"Key: {key}" in button.toolTip()
            assert button.accessibleName()

    qtbot.mouseClick(pad.buttons["client:dorsal"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(pad.buttons["rupture:confrontation"], Qt.MouseButton.LeftButton)
    assert controller.calls == [("tap_client", "dorsal"), ("rupture", "confrontation")]


def test_lit_is_shown_by_mark_and_weight_not_colour_alone(make_pad, scheme):
    pad, _ = make_pad(scheme)
    state = fold(events((Kind.CLIENT, 0, "sympathetic"), (Kind.SELF, 10, "ventral"),
                        (Kind.RUPTURE, 20, "withdrawal")))
    pad.show_state(state)

    assert set(pad.lit_names()) == {"client:sympathetic", "self:ventral", "rupture",
                                    "rupture:withdrawal"}
    lit = pad.buttons["client:sympathetic"]
    assert lit.label.text() == LIT_MARK + "Sympathetic" and lit.label.font().bold()
    assert lit.label.font().pointSize() == unlit_size(pad)
    unlit = pad.buttons["client:ventral"]
    assert unlit.label.text() == "Ventral" and not unlit.label.font().bold()


def unlit_size(pad: TapPad) -> int:
    return pad.buttons["client:ventral"].label.font().pointSize()


def test_lighting_a_button_never_changes_its_size(make_pad, scheme):
    pad, _ = make_pad(scheme)
    button = pad.buttons["client:sympathetic"]
    before = button.sizeHint()
    button.set_lit(True)
    assert button.sizeHint() == before


def test_a_lit_label_at_the_pads_own_width_is_never_cut(make_pad, scheme, qtbot):
    pad, _ = make_pad(scheme)
    pad.parentWidget().resize(pad.sizeHint().width(), 800)  # as the wide window gives it
    for button in pad.buttons.values():
        button.set_lit(True)
    qtbot.waitUntil(lambda: pad.width() == pad.sizeHint().width())
    for name, button in pad.buttons.items():
        label = button.label
        assert label.width() >= label.sizeHint().width(), f"{name}: {label.text()!r} cut"


def test_an_ended_session_lights_nothing(make_pad, scheme):
    pad, _ = make_pad(scheme)
    pad.show_state(fold(events((Kind.CLIENT, 0, "dorsal"), (Kind.RUPTURE, 5, None),
                               (Kind.END, 9, None))))
    assert pad.lit_names() == []


def test_back_date_buttons_choose_then_unchoose(make_pad, scheme, qtbot):
    pad, _ = make_pad(scheme)
    chosen: list[int] = []
    pad.backdateChosen.connect(chosen.append)

    qtbot.mouseClick(pad.backdate_buttons[20], Qt.MouseButton.LeftButton)
    pad.show_backdate(20)
    qtbot.mouseClick(pad.backdate_buttons[20], Qt.MouseButton.LeftButton)
    pad.show_backdate(0)

    assert chosen == [20, 0]
    assert not any(b.isChecked() for b in pad.backdate_buttons.values())


def test_a_compact_self_lane_names_its_states_in_short_with_key_and_mark(make_pad, scheme):
    """In a narrow strip the self lane is told apart by words, not by colour alone."""
    pad, _ = make_pad(scheme)
    pad.set_compact(True)
    button = pad.buttons["self:ventral"]
    button.set_lit(True)
    assert button.label.text() == LIT_MARK + "Vent." and button.key.text() == "Q"
    shown = [pad.buttons[f"self:{s.id}"].label.text() for s in scheme.enabled_states]
    assert shown == [LIT_MARK + "Vent.", "Symp.", "Dorsal"]
    assert pad.buttons["client:ventral"].label.text() == "Ventral"
    pad.set_compact(False)
    assert button.label.text() == LIT_MARK + "Ventral"


def test_a_click_runs_the_action_and_never_lights_or_unlights_by_itself(make_pad, scheme, qtbot):
    pad, controller = make_pad(scheme)
    button = pad.buttons["client:dorsal"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert controller.calls == [("tap_client", "dorsal")]
    assert not button.lit and not button.isChecked()  # lit only once the tap is recorded
    button.set_lit(True)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.lit and button.isChecked()


@pytest.mark.parametrize("theme", [Theme.DARK, Theme.LIGHT])
def test_lighting_takes_the_style_sheets_look_once_per_theme(make_pad, scheme, theme,
                                                            monkeypatch):
    """Every tap lights something, and working the style sheet out again costs 1-1.5 ms a
    button: the label's lit and unlit looks are taken from it once per theme."""
    pad, _ = make_pad(scheme)
    apply_theme(QApplication.instance(), theme)
    button, fresh = pad.buttons["client:dorsal"], pad.buttons["client:ventral"]
    button.set_lit(True)
    button.set_lit(False)
    reworked: list[QWidget] = []
    for widget in (button, button.label):
        monkeypatch.setattr(widget.style(), "unpolish", reworked.append, raising=False)
        monkeypatch.setattr(widget.style(), "polish", reworked.append, raising=False)
    button.set_lit(True)
    monkeypatch.undo()
    assert reworked == []
    fresh.set_lit(True)  # lit for the first time: exactly as the style sheet has it
    assert button.isChecked() and button.label.font().bold()
    assert button.label.font().toString() == fresh.label.font().toString()
    assert button.label.palette().windowText().color() == fresh.label.palette().windowText().color()


def test_a_buttons_size_is_measured_once_per_form(make_pad, scheme, monkeypatch):
    """The size a button asks for is kept between layouts (every lit change lays the window
    out again, asking every button), and measured anew when its form changes."""
    pad, _ = make_pad(scheme)
    button = pad.buttons["self:sympathetic"]
    wide = button.sizeHint()
    measured = []
    measure = type(button)._measure
    monkeypatch.setattr(type(button), "_measure",
                        lambda b: measured.append(b) or measure(b))
    for _ in range(3):
        button.set_lit(not button.lit)
        assert button.sizeHint() == wide
    assert measured == []
    button.set_compact(True)
    compact = button.sizeHint()
    assert compact.width() < wide.width() and len(measured) == 1
    button.set_compact(False)
    assert button.sizeHint().width() > compact.width() and len(measured) == 2
