"""Coder layers travel in bundles: a supervisor codes their copy, sends it back, and the
clinician's session gains their layer, redacted, once, without a second copy of anything."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from attune_companion.bundle import BundleError, import_bundle, write_bundle
from attune_companion.clock import FakeClock
from attune_companion.comments import add_comment, comments
from attune_companion.demo import make_demo_session
from attune_companion.layers import CursorClock, LayerRecorder, coder_log, layers
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

SENTINEL = "QXZ-layer-sentinel-4410"


def code(store: Store, session_id: int, taps: list[tuple[int, str]], coder="supervisor"):
    cursor = {"ms": 0}
    rec = LayerRecorder.open(store, session_id, coder,
                             CursorClock(lambda: cursor["ms"], FakeClock()))
    for ms, state in taps:
        cursor["ms"] = ms
        if state == "note":
            rec.note("note", f"seen {SENTINEL}")
        else:
            rec.client(state)


def rows(store: Store, session_id: int, coder="supervisor"):
    return [(e.kind, e.offset_ms, e.value, e.text) for e in coder_log(store, session_id, coder)]


def dump(store: Store) -> list[str]:
    return list(store.conn.iterdump())


@pytest.fixture
def round_trip(tmp_path: Path):
    """The clinician's database with a session, and a supervisor's with its imported copy."""
    clinician, supervisor = Store.memory(), Store.memory()
    sid = make_demo_session(clinician, default_scheme(), seed=4)
    write_bundle(clinician, sid, tmp_path / "to-supervisor.attune")
    copy = import_bundle(supervisor, tmp_path / "to-supervisor.attune")
    yield clinician, sid, supervisor, copy
    clinician.close()
    supervisor.close()


def test_a_supervisors_layer_comes_back_to_the_clinicians_session(round_trip, tmp_path):
    clinician, sid, supervisor, copy = round_trip
    code(supervisor, copy, [(5_000, "dorsal"), (60_000, "note"), (90_000, "ventral")])
    back = tmp_path / "back.attune"
    write_bundle(supervisor, copy, back)
    assert SENTINEL.encode() not in b"".join(_members(back).values())
    events_before = clinician.events(sid)
    sessions_before = len(clinician.sessions())
    assert import_bundle(clinician, back) == sid
    assert len(clinician.sessions()) == sessions_before
    assert clinician.events(sid) == events_before
    assert rows(clinician, sid) == [(k, t, v, None) for k, t, v, _ in rows(supervisor, copy)]
    (layer,) = layers(clinician, sid)
    assert layer.imported and layer.uid == layers(supervisor, copy)[0].uid


def test_importing_again_adds_only_what_is_new(round_trip, tmp_path):
    clinician, sid, supervisor, copy = round_trip
    code(supervisor, copy, [(5_000, "dorsal")])
    write_bundle(supervisor, copy, tmp_path / "first.attune")
    write_bundle(supervisor, copy, tmp_path / "same.attune")
    import_bundle(clinician, tmp_path / "first.attune")
    before = dump(clinician)
    with pytest.raises(BundleError, match="imported before"):
        import_bundle(clinician, tmp_path / "first.attune")
    with pytest.raises(BundleError, match="with every coder layer"):
        import_bundle(clinician, tmp_path / "same.attune")
    assert dump(clinician) == before
    code(supervisor, copy, [(70_000, "ventral"), (80_000, "sympathetic")])
    write_bundle(supervisor, copy, tmp_path / "more.attune")
    import_bundle(clinician, tmp_path / "more.attune")
    assert [r[1] for r in rows(clinician, sid)] == [5_000, 70_000, 80_000]
    assert len(layers(clinician, sid)) == 1


def test_the_clinicians_own_layer_of_the_same_name_is_kept_apart(round_trip, tmp_path):
    clinician, sid, supervisor, copy = round_trip
    code(clinician, sid, [(1_000, "ventral")])  # the clinician's own 'supervisor' layer
    code(supervisor, copy, [(5_000, "dorsal")])
    write_bundle(supervisor, copy, tmp_path / "back.attune")
    import_bundle(clinician, tmp_path / "back.attune")
    assert [lay.coder for lay in layers(clinician, sid)] == ["supervisor", "supervisor (2)"]
    assert rows(clinician, sid)[0][1] == 1_000


def test_a_layer_coded_in_two_places_is_refused_and_changes_nothing(round_trip, tmp_path):
    clinician, sid, supervisor, copy = round_trip
    code(supervisor, copy, [(5_000, "dorsal")])
    write_bundle(supervisor, copy, tmp_path / "one.attune")
    import_bundle(clinician, tmp_path / "one.attune")
    # The supervisor's layer, forged to differ from the copy the clinician already has.
    members = _members(tmp_path / "one.attune")
    doc = json.loads(members["layers.json"])
    doc[0]["events"][0]["value"] = "ventral"
    doc[0]["events"].append({**doc[0]["events"][0], "id": 10**6, "offset_ms": 9_000})
    forged = tmp_path / "forged.attune"
    forged.write_bytes(_rezip({**members, "layers.json": json.dumps(doc).encode()},
                              bundle_id="f" * 32))
    before = dump(clinician)
    with pytest.raises(BundleError, match="differs from the copy"):
        import_bundle(clinician, forged)
    assert dump(clinician) == before


@pytest.mark.parametrize("change, message", [
    (lambda e: e.append({**e[0], "id": 10**6, "kind": "end"}), "pause, resume or end"),
    (lambda e: e.append({**e[0], "id": 10**6, "kind": "repair", "value": None}),
     "consistent session"),
    (lambda e: e[0].update(value="elated"), "layer 1"),
    (lambda e: e[0].update(offset_ms=10**9), "layer 1"),
])
def test_a_bad_layer_is_refused_with_the_reason(round_trip, tmp_path, change, message):
    clinician, sid, supervisor, copy = round_trip
    code(supervisor, copy, [(5_000, "dorsal")])
    write_bundle(supervisor, copy, tmp_path / "one.attune")
    members = _members(tmp_path / "one.attune")
    doc = json.loads(members["layers.json"])
    change(doc[0]["events"])
    bad = tmp_path / "bad.attune"
    bad.write_bytes(_rezip({**members, "layers.json": json.dumps(doc).encode()}))
    fresh = Store.memory()
    with pytest.raises(BundleError, match=message):
        import_bundle(fresh, bad)
    assert fresh.sessions() == []


def test_a_new_database_gets_the_session_with_its_layers(round_trip, tmp_path):
    _, _, supervisor, copy = round_trip
    code(supervisor, copy, [(5_000, "dorsal")])
    write_bundle(supervisor, copy, tmp_path / "one.attune")
    third = Store.memory()
    new = import_bundle(third, tmp_path / "one.attune")
    assert rows(third, new) == rows(supervisor, copy)


def test_a_supervisors_comments_come_back_once_and_the_clinicians_are_not_doubled(
    round_trip, tmp_path
):
    clinician, sid, _, _ = round_trip
    add_comment(clinician, sid, 30_000, "my own question for supervision", author="clinician")
    add_comment(clinician, sid, 30_000, "and a second at the same moment", author="clinician")
    write_bundle(clinician, sid, tmp_path / "out.attune", include_free_text=True)
    supervisor = Store.memory()
    copy = import_bundle(supervisor, tmp_path / "out.attune")
    add_comment(supervisor, copy, 60_000, "notice the pause before the repair")
    write_bundle(supervisor, copy, tmp_path / "back.attune", include_free_text=True)
    assert import_bundle(clinician, tmp_path / "back.attune") == sid  # comments only: taken
    assert [(c.start_ms, c.author, c.text) for c in comments(clinician, sid)] == [
        (30_000, "clinician", "my own question for supervision"),
        (30_000, "clinician", "and a second at the same moment"),
        (60_000, "supervisor", "notice the pause before the repair"),
    ]
    write_bundle(supervisor, copy, tmp_path / "again.attune")  # redacted, nothing new
    before = dump(clinician)
    with pytest.raises(BundleError, match="every coder layer and comment"):
        import_bundle(clinician, tmp_path / "again.attune")
    assert dump(clinician) == before
    supervisor.close()


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _rezip(members: dict[str, bytes], bundle_id: str | None = None) -> bytes:
    manifest = json.loads(members["manifest.json"])
    if bundle_id:
        manifest["bundle_id"] = bundle_id
    manifest["files"] = {n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                         for n, d in members.items() if n != "manifest.json"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in {**members, "manifest.json": json.dumps(manifest).encode()}.items():
            zf.writestr(name, data)
    return buffer.getvalue()
