"""Session bundles: they round-trip, redact free text by default, and a bad one is refused
with a BundleError and leaves the database exactly as it was."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_companion import corrections
from attune_companion.bundle import BundleError, import_bundle, read_bundle, write_bundle
from attune_companion.clock import FakeClock
from attune_companion.comments import add_comment, comments
from attune_companion.events import Kind, effective_taps
from attune_companion.fold import fold
from attune_companion.history import history
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion.summary import summarise
from attune_companion.paths import POSIX_MODES  # Windows has no file modes (see paths)

SENTINEL = "ZQX-sentinel-7731"
SCHEME = default_scheme()


def make_session(store: Store, code: str = "K-07", clock: FakeClock | None = None) -> int:
    """An ended session with every kind of row: taps, a pause, an undo, a back-dated tap, a
    correction, notes, comments, ratings and a reflection, with free text planted."""
    clock = clock or FakeClock()
    rec = Recorder.start(store, SCHEME, clock, code, number=3, modality="telehealth")
    rec.client("ventral")
    rec.self_state("ventral")
    clock.advance(30)
    rec.client("sympathetic")
    rec.rupture("withdrawal", ["minimal_response"])
    clock.advance(20)
    rec.note("note", f"client said {SENTINEL}")
    rec.repair_attempt(["clarify"])
    clock.advance(5)
    rec.self_state("dorsal")
    rec.undo()
    clock.advance(40)
    rec.client("dorsal", backdate_s=10)
    rec.repair(["acknowledge"])
    rec.pause()
    clock.advance(60)
    rec.resume()
    note = rec.note("glimmer").event
    clock.advance(30)
    rec.rupture("confrontation")
    clock.advance(10)
    rec.end()
    sid = rec.session.id
    corrections.move(store, sid, note.id, 170_000)
    last = store.events(sid)[-1]
    store.append(sid, Kind.EDIT, last.offset_ms, last.wall_utc, target=note.id,
                 changes={"text": f"typed later {SENTINEL}"})
    add_comment(store, sid, 50_000, f"look at this {SENTINEL}", author="supervisor")
    add_comment(store, sid, 30_000, "the span", author="A. Supervisor", end_ms=90_000)
    store.set_rating(sid, "alliance", 7)
    store.set_rating(sid, "srs_goals", 9)
    store.set_reflection(sid, "noticed_self", f"I felt {SENTINEL}")
    return sid


def dump(store: Store) -> list[str]:
    """Every table's content, schema and rows, as SQL text."""
    return list(store.db.conn.iterdump())


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def plain(taps):
    return [(e.kind, e.offset_ms, e.value, e.tags, e.text) for e in taps]


@pytest.fixture
def source() -> tuple[Store, int]:
    store = Store.memory()
    return store, make_session(store)


@pytest.mark.parametrize("free_text", [False, True])
def test_a_bundle_round_trips_into_another_database(source, tmp_path, free_text):
    store, sid = source
    path = tmp_path / "k07.attune"
    manifest = write_bundle(store, sid, path, include_free_text=free_text)
    assert not POSIX_MODES or stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert manifest["redacted"] is not free_text
    assert store.audit_log(sid)[-1]["action"] == "bundle"

    other = Store.memory()
    make_session(other, code="B-02")
    new = import_bundle(other, path)

    row, original = other.session(new), store.session(sid)
    assert (row.client_code, row.number, row.modality, row.started_utc, row.time_zone,
            row.ended_utc, row.status) == (
        original.client_code, original.number, original.modality, original.started_utc,
        original.time_zone, original.ended_utc, "ended")
    log, imported = store.events(sid), other.events(new)
    assert len(imported) == len(log), "the whole raw log, undo and edit rows included"
    assert [e.kind for e in imported] == [e.kind for e in log]
    kept = plain(effective_taps(log))
    if not free_text:
        kept = [(k, t, v, tags, None) for k, t, v, tags, _ in kept]
    assert plain(effective_taps(imported)) == kept
    assert summarise(fold(imported), SCHEME) == summarise(fold(log), SCHEME)
    assert [(c.start_ms, c.end_ms, c.author, c.text) for c in comments(other, new)] == [
        (c.start_ms, c.end_ms, c.author if free_text or c.author == "supervisor" else "other",
         c.text if free_text else None)
        for c in comments(store, sid)
    ]
    assert other.ratings(new) == {"alliance": 7, "srs_goals": 9}
    assert other.reflections(new) == (store.reflections(sid) if free_text else {})
    assert other.audit_log(new)[-1]["action"] == "import"
    assert next(r for r in history(other) if r.session_id == new).imported


def test_redaction_leaves_no_free_text_in_any_byte(source, tmp_path):
    store, sid = source
    redacted, full = tmp_path / "r.attune", tmp_path / "f.attune"
    write_bundle(store, sid, redacted)
    write_bundle(store, sid, full, include_free_text=True)
    needle = SENTINEL.encode()
    assert needle not in redacted.read_bytes()
    assert all(needle not in data for data in unzip(redacted).values())
    found = {name for name, data in unzip(full).items() if needle in data}
    assert found == {"events.json", "comments.json", "reflections.json"}


def test_importing_the_same_session_twice_is_refused(source, tmp_path):
    store, sid = source
    path = tmp_path / "b.attune"
    write_bundle(store, sid, path)
    other = Store.memory()
    new = import_bundle(other, path)
    before = dump(other)
    with pytest.raises(BundleError, match=f"imported before, as record {new}"):
        import_bundle(other, path)
    second = tmp_path / "again.attune"
    write_bundle(store, sid, second)
    with pytest.raises(BundleError, match="already in this database"):
        import_bundle(other, second)
    with pytest.raises(BundleError, match="already in this database"):
        import_bundle(store, second)
    assert dump(other) == before


def test_only_an_ended_session_is_bundled(tmp_path):
    store = Store.memory()
    rec = Recorder.start(store, SCHEME, FakeClock(), "K-07")
    rec.client("ventral")
    with pytest.raises(BundleError, match="only an ended session"):
        write_bundle(store, rec.session.id, tmp_path / "x.attune")
    assert not (tmp_path / "x.attune").exists()


# -- bad bundles --------------------------------------------------------------------------------


def _valid_members() -> dict[str, bytes]:
    store = Store.memory()
    sid = make_session(store, code="V-01")
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"attune-test-{os.getpid()}.attune"
    try:
        write_bundle(store, sid, path, include_free_text=True)
        return unzip(path)
    finally:
        path.unlink(missing_ok=True)


VALID = _valid_members()


def rezip(members: dict[str, bytes], *, fix_hashes: bool = True,
          extra: list[tuple[str, bytes]] = ()) -> bytes:
    """A zip of `members`; with fix_hashes, the manifest lists their true sizes and hashes, so
    the checks behind the hash check are reached."""
    members = dict(members)
    if fix_hashes and "manifest.json" in members:
        try:
            manifest = json.loads(members["manifest.json"])
            manifest["files"] = {
                n: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                for n, d in members.items() if n != "manifest.json"
            }
            members["manifest.json"] = json.dumps(manifest).encode()
        except (ValueError, TypeError, AttributeError):
            pass
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [*members.items(), *extra]:
            zf.writestr(name, data)
    return buffer.getvalue()


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


def _set(doc, path, value):
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return doc


_DELETE = object()
json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True)
    | st.sampled_from([-1, 0, 1, 10**12, 2**63, 3_000_000, 429_999, "", "../x", "end",
                       "ventral", "x" * 6000, "2026-13-45", "💥"])
    | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


@st.composite
def bad_bundles(draw) -> bytes:
    how = draw(st.sampled_from(["flip", "truncate", "members", "json", "json", "event", "event"]))
    if how in ("flip", "truncate"):
        data = bytearray(rezip(VALID))
        if how == "truncate":
            return bytes(data[: draw(st.integers(0, len(data) - 1))])
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    members = dict(VALID)
    if how == "members":
        name = draw(st.sampled_from(sorted(members)))
        change = draw(st.sampled_from(["drop", "rename", "traversal", "absolute", "duplicate",
                                       "unknown", "stale hash"]))
        extra: list[tuple[str, bytes]] = []
        if change == "drop":
            del members[name]
        elif change == "rename":
            members[draw(st.sampled_from(["Events.json", "events.json/", "x.json"]))] = (
                members.pop(name))
        elif change == "traversal":
            extra.append(("../" + name, members[name]))
        elif change == "absolute":
            extra.append(("/tmp/" + name, members[name]))
        elif change == "duplicate":
            extra.append((name, members[name]))
        elif change == "unknown":
            extra.append(("notes.txt", b"hello"))
        else:
            members[name] = members[name] + b" "
            return rezip(members, fix_hashes=False)
        return rezip(members, extra=extra)
    if how == "event":
        members["events.json"] = json.dumps(draw(mutated_log())).encode()
        return rezip(members)
    name = draw(st.sampled_from(sorted(members)))
    doc = json.loads(members[name])
    paths = list(_paths(doc))
    path = draw(st.sampled_from(paths))
    value = _DELETE if path and draw(st.booleans()) else draw(json_values)
    doc = _set(doc, path, value)
    members[name] = json.dumps(doc).encode()
    return rezip(members, fix_hashes=draw(st.integers(0, 3)) > 0 or name == "manifest.json")


@st.composite
def mutated_log(draw) -> list[dict]:
    """The valid log with plausible-looking changes: moved, re-kinded, re-targeted, swapped,
    copied or dropped events, so the checks of order, time and consistency are reached."""
    log = json.loads(VALID["events.json"])
    ids = [e["id"] for e in log]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(log) - 1))
        field = draw(st.sampled_from(["offset_ms", "kind", "target", "value", "tags", "swap",
                                      "copy", "drop", "changes"]))
        if field == "offset_ms":
            log[i]["offset_ms"] = draw(st.integers(-1, _end(log) + 2000))
        elif field == "kind":
            log[i]["kind"] = draw(st.sampled_from([k.value for k in Kind]))
        elif field == "target":
            log[i]["target"] = draw(st.sampled_from([None, *ids, max(ids) + 1]))
        elif field == "value":
            log[i]["value"] = draw(st.sampled_from([None, "ventral", "dorsal", "withdrawal",
                                                    "glimmer", "clarify", "nope"]))
        elif field == "tags":
            log[i]["tags"] = draw(st.lists(st.sampled_from(["clarify", "denial", "x"]),
                                           max_size=2))
        elif field == "changes":
            log[i]["changes"] = draw(st.dictionaries(
                st.sampled_from(["offset_ms", "kind", "value", "removed", "tags", "text"]),
                st.sampled_from([0, 10**9, "repair", "self_state", "ventral", True, False,
                                 None, [], ["clarify"]]),
                max_size=2))
        elif field == "swap":
            j = draw(st.integers(0, len(log) - 1))
            log[i], log[j] = log[j], log[i]
        elif field == "copy":
            log.insert(i, dict(log[i], id=draw(st.integers(1, max(ids) + 5))))
        elif len(log) > 1:
            del log[i]
    return log


def _target() -> Store:
    store = Store.memory()
    make_session(store, code="T-09")
    return store


@pytest.mark.filterwarnings("ignore:Duplicate name")
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=bad_bundles())
def test_a_bad_bundle_is_refused_and_changes_nothing(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bad") / "bad.attune"
    path.write_bytes(data)
    store = _target()
    before = dump(store)
    try:
        new = import_bundle(store, path)
    except BundleError as exc:
        assert str(exc).startswith("bad.attune is not a bundle Attune can import: ")
        assert dump(store) == before
    else:  # a harmless mutation (say, a changed summary figure): imported whole
        assert store.session(new).status == "ended"
        fold(store.events(new))


def _edited(member: str, change) -> dict[str, bytes]:
    members = dict(VALID)
    doc = json.loads(members[member])
    change(doc)
    members[member] = json.dumps(doc).encode()
    return members


def _end(events):
    return next((e["offset_ms"] for e in events if e["kind"] == "end"), 0)


@pytest.mark.parametrize(
    "members, message",
    [
        (_edited("events.json", lambda ev: ev[1].update(offset_ms=_end(ev) + 1)),
         "after the end"),
        (_edited("events.json", lambda ev: ev[1].update(kind="dance")), "unknown kind"),
        (_edited("events.json", lambda ev: ev[1].update(offset_ms=-5)), "offset_ms"),
        (_edited("events.json", lambda ev: ev.append(dict(ev[0], id=10**6))), "after the end"),
        (_edited("events.json", lambda ev: ev[0].update(value="elated")), "scheme"),
        (_edited("events.json", lambda ev: [e.update(target=999_999) for e in ev
                                            if e["kind"] == "undo"]), "not in the bundle"),
        (_edited("events.json", lambda ev: ev.insert(0, dict(ev[0], id=0))), "id"),
        (_edited("events.json", lambda ev: [e.update(offset_ms=0) for e in ev
                                            if e["kind"] == "repair"]), "consistent"),
        (_edited("comments.json", lambda c: c[0].update(start_ms=10**9)), "inside the session"),
        (_edited("comments.json", lambda c: c[0].update(author="x" * 99)), "author"),
        (_edited("manifest.json", lambda m: m.update(format_version=2)), "format version"),
        (_edited("manifest.json", lambda m: m.update(app_schema_version=99)), "newer Attune"),
        (_edited("manifest.json", lambda m: m.update(format="zip")), "not an Attune"),
        (_edited("manifest.json", lambda m: m["session"].update(client_code="K/07")),
         "client code"),
        (_edited("manifest.json", lambda m: m.update(redacted=True)), "free text"),
        (_edited("scheme.json", lambda s: s.update(version=7)), "scheme"),
        (_edited("ratings.json", lambda r: r.update(alliance=11)), "alliance"),
        (_edited("manifest.json", lambda m: m["session"].update(
            started_utc="9999-01-01T00:00:00+00:00")), "start .* lies in the future"),
        (_edited("manifest.json", lambda m: m["session"].update(
            started_utc="1970-01-01T00:00:00+00:00")), "start .* is before 2000"),
        (_edited("manifest.json", lambda m: m["session"].update(
            ended_utc="2026-03-28T00:00:00+00:00")), "ends before it starts"),
        (_edited("manifest.json", lambda m: m["session"].update(
            started_utc="2026-03-29T00:30:00")), "without its UTC offset"),
        (_edited("events.json", lambda ev: ev[0].update(wall_utc="9999-12-31T00:00:00+00:00")),
         "wall_utc .* lies in the future"),
        (_edited("comments.json", lambda c: c[0].update(created_utc="9000-01-01T00:00+00:00")),
         "created_utc .* lies in the future"),
        (_edited("events.json", lambda ev: [e.update(text="a\x00b") for e in ev if e["text"]]),
         "control character U\\+0000"),
        (_edited("reflections.json", lambda r: r.update(noticed_self="x" * 20_001)),
         "at most 20,000 characters"),
    ],
)
@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_bundle_that_breaks_a_rule_is_refused_with_the_reason(tmp_path, members, message):
    path = tmp_path / "b.attune"
    path.write_bytes(rezip(members))
    store = _target()
    before = dump(store)
    with pytest.raises(BundleError, match=message):
        import_bundle(store, path)
    assert dump(store) == before


def test_a_zip_bomb_and_an_oversized_member_are_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.attune"
    path.write_bytes(rezip({**VALID, "summary.json": b"0" * (3 * 1024 * 1024)}))
    with pytest.raises(BundleError, match="zip bomb"):
        read_bundle(path)
    path.write_bytes(rezip({**VALID, "ratings.json": b" " * (200 * 1024)}))
    with pytest.raises(BundleError, match="larger than"):
        read_bundle(path)


def test_a_file_too_large_or_missing_is_refused_without_reading_it(tmp_path):
    huge = tmp_path / "huge.attune"
    with huge.open("wb") as f:
        f.truncate(65 * 1024 * 1024)  # sparse: no time or disk spent
    with pytest.raises(BundleError, match="larger than 64 MiB"):
        read_bundle(huge)
    with pytest.raises(BundleError, match="cannot be read"):
        read_bundle(tmp_path / "missing.attune")


def test_an_unchanged_valid_bundle_passes_the_checks(tmp_path):
    path = tmp_path / "ok.attune"
    path.write_bytes(rezip(VALID))
    assert read_bundle(path).session["client_code"] == "V-01"


def test_dates_later_than_a_day_after_now_are_refused(tmp_path, source):
    """'Now' is the reader's: a bundle from a computer whose clock ran days ahead is refused."""
    store, sid = source
    path = tmp_path / "s.attune"
    write_bundle(store, sid, path)
    started = datetime.fromisoformat(store.session(sid).started_utc)
    assert read_bundle(path)
    with pytest.raises(BundleError, match="lies in the future"):
        read_bundle(path, now=started - timedelta(days=2))
