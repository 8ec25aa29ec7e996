"""The coding scheme: the default loads, a user's file overrides it, a bad file is refused with
a message naming the file, the key and what was expected — and nothing else ever escapes."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_companion.errors import SchemeError
from attune_companion.scheme import default_scheme, load_scheme, load_scheme_text, parse_scheme

DEFAULT = json.loads(default_scheme().to_json())


def doc() -> dict:
    """A fresh copy of the default scheme document to change."""
    return copy.deepcopy(DEFAULT)


def test_the_default_scheme_offers_the_three_rungs_top_first(scheme):
    assert [s.id for s in scheme.enabled_states] == ["ventral", "sympathetic", "dorsal"]
    assert [t.id for t in scheme.rupture_types] == ["withdrawal", "confrontation"]
    assert "clarify" in scheme.strategy_ids() and "minimal_response" in scheme.marker_ids()
    assert [n.id for n in scheme.notes] == ["glimmer", "trigger", "note"]
    assert len(scheme.prompts) == 4


def test_blends_exist_but_are_disabled(scheme):
    blends = {s.id: s for s in scheme.states if s.blend_of}
    assert {k: b.blend_of for k, b in blends.items()} == {
        "play": ("ventral", "sympathetic"),
        "stillness": ("ventral", "dorsal"),
        "freeze": ("sympathetic", "dorsal"),
    }
    assert not any(b.enabled for b in blends.values())


def test_labels_and_keys_come_from_the_file(tmp_path):
    d = doc()
    d["states"][0].update(label="Safe and social", key="7", self_key="j")
    d["repair"]["strategies"][0]["label"] = "Clear up a misunderstanding"
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(d), encoding="utf-8")

    scheme = load_scheme(path)

    assert scheme.state("ventral").label == "Safe and social"
    assert scheme.shortcuts()["client:ventral"] == "7"
    assert scheme.shortcuts()["self:ventral"] == "J"  # keys are upper-cased
    assert scheme.label_of_tag("clarify") == "Clear up a misunderstanding"
    assert json.loads(scheme.to_json()) == d  # stored with each session as it was read


def test_a_user_file_overrides_the_default_and_a_missing_one_does_not(tmp_path):
    d = doc()
    for state in d["states"]:
        state["enabled"] = True
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(d), encoding="utf-8")

    assert len(load_scheme(path).enabled_states) == 6
    assert len(load_scheme(tmp_path / "absent.json").enabled_states) == 3
    assert len(load_scheme(None).enabled_states) == 3


def set_path(d: dict, path: list, value) -> dict:
    *parents, last = path
    for key in parents:
        d = d[key]
    d[last] = value
    return d


def drop_path(d: dict, path: list) -> None:
    *parents, last = path
    for key in parents:
        d = d[key]
    del d[last]


def duplicate_state(d: dict) -> None:
    d["states"].append(dict(d["states"][0], key="8", self_key="9"))


def same_key_twice(d: dict) -> None:
    d["notes"][0]["key"] = "1"  # the client's ventral key


MALFORMED = [
    ("missing key", lambda d: drop_path(d, ["rupture"]), "rupture", "an object"),
    ("missing label", lambda d: drop_path(d, ["states", 0, "label"]), "states[0].label",
     "a non-empty text"),
    ("wrong type", lambda d: set_path(d, ["states", 1, "level"], "high"), "states[1].level",
     "a number from 0"),
    ("wrong version", lambda d: set_path(d, ["version"], 2), "version", "1"),
    ("states not a list", lambda d: set_path(d, ["states"], {}), "states", "a list of at least 2"),
    ("duplicate id", duplicate_state, "states", "unique ids ('ventral' appears twice)"),
    ("key clash", same_key_twice, "note:glimmer", "a key not already used by client:ventral (1)"),
    ("reserved key", lambda d: set_path(d, ["repair", "key"], "z"), "repair",
     "a key other than Z"),
    ("bad colour", lambda d: set_path(d, ["states", 0, "colour"], "green"), "states[0].colour",
     "a colour like #5fb49c"),
    ("bad id", lambda d: set_path(d, ["notes", 1, "id"], "Trigger!"), "notes[1].id",
     "an id of lower-case letters"),
    ("blend of unknown", lambda d: set_path(d, ["states", 1, "blend_of"], ["ventral", "calm"]),
     "states[1].blend_of", "two ids of states"),
    ("too few enabled", lambda d: set_path(d, ["states", 3, "enabled"], False), "states",
     "at least two enabled states"),
]


@pytest.mark.parametrize(("what", "change", "key", "expected"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
def test_a_malformed_scheme_is_refused_naming_file_key_and_expectation(
    tmp_path, what, change, key, expected
):
    d = doc()
    if what == "too few enabled":  # leave only ventral enabled
        set_path(d, ["states", 5, "enabled"], False)
    change(d)
    path = tmp_path / "my-scheme.json"
    path.write_text(json.dumps(d), encoding="utf-8")

    with pytest.raises(SchemeError) as refused:
        load_scheme(path)

    err = refused.value
    assert (err.source, err.key) == (str(path), key)
    assert err.expected.startswith(expected)
    assert str(path) in str(err) and f"'{key}'" in str(err) and expected in str(err)


def test_bad_json_is_refused_with_its_line(tmp_path):
    path = tmp_path / "scheme.json"
    path.write_text('{\n  "version": 1,\n  "states": [,]\n}', encoding="utf-8")

    with pytest.raises(SchemeError, match=r"scheme\.json: at 'line 3', expected valid JSON"):
        load_scheme(path)


def test_a_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "scheme.json"
    path.write_bytes(b"\xff\xfe\x00binary")

    with pytest.raises(SchemeError, match="a readable UTF-8 file"):
        load_scheme(path)


# -- random damage ----------------------------------------------------------------------------


def all_paths(node, prefix=()):
    """Every place in a JSON document: the path to each value inside it."""
    if isinstance(node, dict):
        items = list(node.items())
    else:
        items = list(enumerate(node)) if isinstance(node, list) else []
    for key, child in items:
        yield (*prefix, key)
        yield from all_paths(child, (*prefix, key))


PATHS = list(all_paths(DEFAULT))
ODD_TEXT = st.sampled_from(
    ["", " ", "\n", "\x00", "Z", "ß", "é", "#12345", "#zzzzzz", "ventral", "play", "x" * 500,
     "1", "R", "star", "true", "a b", "𝒜"]
) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 20) | st.floats(allow_nan=True) | ODD_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ODD_TEXT, inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_damaged_scheme_is_accepted_or_refused_with_a_scheme_error(data):
    d = doc()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(PATHS), label="path")
        try:
            if data.draw(st.booleans(), label="drop"):
                drop_path(d, list(path))
            else:
                set_path(d, list(path), data.draw(JSON_VALUES, label="value"))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this place

    try:
        scheme = load_scheme_text(json.dumps(d), "damaged.json")
    except SchemeError as err:
        assert str(err).startswith("Coding scheme damaged.json: at '")
        return
    assert len(scheme.enabled_states) >= 2
    keys = list(scheme.shortcuts().values())
    assert len(keys) == len(set(keys))


@settings(max_examples=100, deadline=None)
@given(JSON_VALUES)
def test_any_json_document_is_accepted_or_refused_with_a_scheme_error(value):
    with pytest.raises(SchemeError):
        parse_scheme(value, "random.json")


def test_each_state_has_a_distinct_short_label_for_a_narrow_strip(scheme):
    """The self lane of a 360-pixel strip names its states in a few letters, not by colour."""
    shorts = {s.id: s.short_label for s in scheme.states}
    assert shorts == {"ventral": "Vent.", "play": "Play", "stillness": "Stil.",
                      "sympathetic": "Symp.", "freeze": "Freeze", "dorsal": "Dorsal"}
    assert len(set(shorts.values())) == len(shorts)
