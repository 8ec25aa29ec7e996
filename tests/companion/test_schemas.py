"""The JSON Schemas in resources/schemas describe what Attune really writes: the JSON export
and the session bundle, redacted or not, checked with a kept validator (jsonschema)."""

from __future__ import annotations

import copy
import json
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

from attune_companion.bundle import write_bundle  # noqa: E402
from attune_companion.clock import FakeClock  # noqa: E402
from attune_companion.comments import add_comment  # noqa: E402
from attune_companion.corrections import move, remove  # noqa: E402
from attune_companion.demo import make_demo_session  # noqa: E402
from attune_companion.events import Kind, effective_taps  # noqa: E402
from attune_companion.export import session_json  # noqa: E402
from attune_companion.layers import CursorClock, LayerRecorder  # noqa: E402
from attune_companion.recorder import Recorder  # noqa: E402
from attune_companion.scheme import Scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402

SECRET = "SENTINEL-schema-3c1d"


def schema(name: str) -> dict[str, Any]:
    """A schema as shipped in the package's resources."""
    text = resources.files("attune_companion_resources").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    doc = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(doc)
    return doc


def validator(name: str) -> Any:
    """A validator that checks formats too (date-times need rfc3339-validator)."""
    formats = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert "date-time" in formats.checkers
    return jsonschema.Draft202012Validator(schema(name), format_checker=formats)


@pytest.fixture
def sessions(fresh_store: Store, scheme: Scheme) -> list[int]:
    """Two demo sessions (corrected, commented, rated, reflected on, coded by a supervisor)
    and a live one."""
    ids = [make_demo_session(fresh_store, scheme, seed=seed) for seed in range(2)]
    first = ids[0]
    taps = [e for e in effective_taps(fresh_store.events(first)) if e.kind is Kind.CLIENT]
    move(fresh_store, first, taps[3].id, taps[3].offset_ms + 5_000)
    remove(fresh_store, first, taps[1].id)
    add_comment(fresh_store, first, 60_000, SECRET, author="supervisor", end_ms=90_000)
    fresh_store.set_rating(first, "alliance", 8)
    fresh_store.set_reflection(first, "noticed_self", SECRET)
    cursor = [200_000]
    layer = LayerRecorder.open(fresh_store, first, "supervisor",
                               CursorClock(lambda: cursor[0], FakeClock()))
    layer.client("dorsal")
    layer.note("note", SECRET)
    layer.rupture("withdrawal", ["denial"])
    layer.undo()
    clock = FakeClock()
    live = Recorder.start(fresh_store, scheme, clock, "K-07")
    clock.advance(30)
    live.client("ventral")
    live.note("note", SECRET)
    live.pause()
    return [*ids, live.session.id]


@pytest.mark.parametrize("redact", [True, False])
def test_the_json_export_matches_its_schema(
    fresh_store: Store, sessions: list[int], redact: bool
) -> None:
    doc = json.loads(session_json(fresh_store, *sessions, redact=redact))
    validator("export").validate(doc)
    assert (SECRET in json.dumps(doc)) is not redact


def test_the_export_schema_refuses_typed_text_in_a_redacted_export(
    fresh_store: Store, sessions: list[int]
) -> None:
    check = validator("export")
    doc = json.loads(session_json(fresh_store, *sessions))
    for leak in (
        lambda d: d["sessions"][0]["events"][0].update(note_text=SECRET),
        lambda d: d["sessions"][0].update(reflections={"noticed_self": SECRET}),
        lambda d: d["sessions"][0]["comments"][0].update(text=SECRET),
    ):
        leaked = copy.deepcopy(doc)
        leak(leaked)
        assert not check.is_valid(leaked)
    badly_timed = copy.deepcopy(doc)
    badly_timed["sessions"][0]["events"][0]["wall_utc"] = "12 March, 14:02"
    assert not check.is_valid(badly_timed)
    renamed = copy.deepcopy(doc)
    renamed["sessions"][0]["events"][0]["time"] = renamed["sessions"][0]["events"][0].pop(
        "session_time_s")
    assert not check.is_valid(renamed)


def bundle_members(path: Path) -> dict[str, Any]:
    """A bundle as the schema describes it: each member's name and parsed content."""
    with zipfile.ZipFile(path) as zf:
        return {name: json.loads(zf.read(name)) for name in zf.namelist()}


@pytest.mark.parametrize("free_text", [False, True])
def test_a_bundle_matches_its_schema(
    fresh_store: Store, sessions: list[int], tmp_path: Path, free_text: bool
) -> None:
    path = tmp_path / "session.attune"
    write_bundle(fresh_store, sessions[0], path, include_free_text=free_text)
    members = bundle_members(path)
    assert "layers.json" in members and ("reflections.json" in members) is free_text
    check = validator("bundle")
    check.validate(members)
    for name, content in members.items():  # each member alone, against its own definition
        definition = {"$ref": f"#/$defs/{name.removesuffix('.json')}",
                      "$defs": schema("bundle")["$defs"]}
        jsonschema.Draft202012Validator(definition).validate(content)
    if not free_text:
        members["events.json"][-1]["text"] = SECRET
        assert not check.is_valid(members)


def test_the_two_schemas_share_one_summary_definition() -> None:
    export, bundle = schema("export")["$defs"], schema("bundle")["$defs"]
    for name in ("summary", "lane", "episode", "id"):
        assert export[name] == bundle[name]
