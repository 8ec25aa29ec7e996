"""CSV and JSON exports: effective taps with corrections flagged, free text left out unless
asked for, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest

from attune_companion.clock import FakeClock
from attune_companion.corrections import retag
from attune_companion.demo import make_demo_session
from attune_companion.errors import NotFound
from attune_companion.events import Kind, effective_taps
from attune_companion.export import EVENT_KEYS, ExportError, events_csv, session_json, session_time
from attune_companion.fold import fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion.summary import summarise

SENTINEL = "SENTINEL-note-7f3a"
REFLECTION = "SENTINEL-reflection-91c2"


@dataclass
class Recorded:
    store: Store
    session_id: int
    undone_id: int
    edited_id: int
    note_id: int


@pytest.fixture
def recorded(recorder: Recorder, clock: FakeClock, fresh_store: Store) -> Recorded:
    """An ended session with an undone tap, a corrected tap, a pause and typed texts."""
    clock.advance(5)
    recorder.client("ventral")
    recorder.self_state("ventral")
    clock.advance(40)
    undone = recorder.client("sympathetic").event
    recorder.undo()
    clock.advance(20)
    edited = recorder.client("dorsal").event  # at 1:05, corrected below to sympathetic
    clock.advance(10)
    recorder.rupture("withdrawal", ["minimal_response", "deferential"])
    clock.advance(30)
    note = recorder.note("note", SENTINEL).event
    recorder.note("glimmer")
    recorder.pause()
    clock.advance(60)
    recorder.resume()
    clock.advance(15)
    recorder.repair(["clarify"])
    recorder.end()
    sid = recorder.session.id
    fresh_store.append(sid, Kind.EDIT, recorder.now_ms(), "2026-03-29T00:40:00.000+00:00",
                       target=edited.id, changes={"value": "sympathetic"})
    fresh_store.set_reflection(sid, "noticed_self", REFLECTION)
    fresh_store.set_rating(sid, "alliance", 7)
    return Recorded(fresh_store, sid, undone.id, edited.id, note.id)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "spreadsheets need the UTF-8 byte-order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_holds_the_effective_taps_with_corrections_flagged(recorded: Recorded) -> None:
    rows = csv_rows(events_csv(recorded.store, recorded.session_id))
    assert list(rows[0]) == list(EVENT_KEYS)
    ids = [int(r["event_id"]) for r in rows]
    assert recorded.undone_id not in ids
    effective = effective_taps(recorded.store.events(recorded.session_id))
    assert ids == [e.id for e in effective]
    by_id = {int(r["event_id"]): r for r in rows}
    corrected = by_id[recorded.edited_id]
    assert (corrected["value"], corrected["value_label"]) == ("sympathetic", "Sympathetic")
    assert (corrected["session_time_s"], corrected["offset_ms"]) == ("65.0", "65000")
    assert [r["edited"] for r in rows].count("true") == 1 and corrected["edited"] == "true"
    assert {r["edited"] for r in rows} == {"true", "false"}
    assert {(r["session_id"], r["client_code"]) for r in rows} == {
        (str(recorded.session_id), "K-07")}
    rupture = next(r for r in rows if r["kind"] == "rupture")
    assert rupture["value_label"] == "Withdrawal"
    assert rupture["tags"] == "minimal_response;deferential"
    assert rupture["tag_labels"] == "Minimal response;Deferential / appeasing"
    assert [r["kind"] for r in rows][-3:] == ["resume", "repair", "end"]
    assert all(r["wall_utc"].startswith("2026-03-29T00:") for r in rows)


def test_csv_is_redacted_by_default(recorded: Recorded) -> None:
    data = events_csv(recorded.store, recorded.session_id)
    assert SENTINEL.encode() not in data
    assert "note_text" not in csv_rows(data)[0]
    full = events_csv(recorded.store, recorded.session_id, redact=False)
    note = next(r for r in csv_rows(full) if int(r["event_id"]) == recorded.note_id)
    assert note["note_text"] == SENTINEL


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_makes_formula_like_text_inert(
    recorder: Recorder, fresh_store: Store, text: str
) -> None:
    recorder.note("note", text)
    rows = csv_rows(events_csv(fresh_store, recorder.session.id, redact=False))
    assert rows[0]["note_text"] == "'" + text


def test_json_holds_metadata_summary_pauses_and_taps(recorded: Recorded, scheme: Scheme) -> None:
    whole = json.loads(session_json(recorded.store, recorded.session_id))
    assert (whole["format"], whole["format_version"], whole["redacted"]) == (
        "attune-export", 2, True)
    (doc,) = whole["sessions"]
    session = doc["session"]
    assert session["id"] == recorded.session_id
    assert (session["client_code"], session["status"], session["time_zone"]) == (
        "K-07", "ended", recorded.store.session(recorded.session_id).time_zone)
    assert session["scheme_version"] == scheme.raw["version"]
    assert doc["pauses"] == [{"start_ms": 105_000, "end_ms": 165_000}]
    expected = summarise(fold(recorded.store.events(recorded.session_id)), scheme)
    assert doc["summary"] == json.loads(json.dumps(expected.to_dict()))
    events = {e["event_id"]: e for e in doc["events"]}
    assert recorded.undone_id not in events
    assert events[recorded.edited_id]["edited"] is True
    assert events[recorded.edited_id]["value"] == "sympathetic"
    assert doc["ratings"] == {"alliance": 7}


def test_json_is_redacted_by_default(recorded: Recorded) -> None:
    data = session_json(recorded.store, recorded.session_id)
    assert SENTINEL.encode() not in data and REFLECTION.encode() not in data
    (doc,) = json.loads(data)["sessions"]
    assert "reflections" not in doc
    assert all("note_text" not in e for e in doc["events"])
    whole = json.loads(session_json(recorded.store, recorded.session_id, redact=False))
    assert whole["redacted"] is False
    (full,) = whole["sessions"]
    assert {e["event_id"]: e["note_text"] for e in full["events"]}[recorded.note_id] == SENTINEL
    assert full["reflections"] == {"noticed_self": REFLECTION}


def test_unknown_session_is_refused(fresh_store: Store) -> None:
    for export in (events_csv, session_json):
        with pytest.raises(NotFound, match="no record 42"):
            export(fresh_store, 42)


def test_session_time_counts_minutes_past_the_hour() -> None:
    assert [session_time(ms) for ms in (0, 999, 65_000, 3_725_000)] == [
        "0:00", "0:00", "1:05", "62:05"]


def test_json_export_lists_supervision_comments_with_their_text_only_when_asked():
    from attune_companion.comments import add_comment
    from attune_companion.clock import FakeClock
    from attune_companion.recorder import Recorder
    from attune_companion.scheme import default_scheme
    from attune_companion.store import Store

    store = Store.memory()
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    rec.client("ventral")
    clock.advance(120)
    rec.end()
    add_comment(store, rec.session.id, 60_000, "SENTINEL-comment", author="supervisor",
                end_ms=90_000)
    (redacted,) = json.loads(session_json(store, rec.session.id))["sessions"]
    assert redacted["comments"] == [
        {"start_ms": 60_000, "end_ms": 90_000, "author": "supervisor", "text": None}
    ]
    assert b"SENTINEL-comment" not in session_json(store, rec.session.id)
    (full,) = json.loads(session_json(store, rec.session.id, redact=False))["sessions"]
    assert full["comments"][0]["text"] == "SENTINEL-comment"


# -- several sessions, read by other tools --------------------------------------------------


def two_clients_sessions(store: Store, scheme: Scheme) -> list[int]:
    """Three demo sessions of two clients; a tap of the first corrected."""
    ids = [make_demo_session(store, scheme, client_code=code, seed=seed)
           for seed, code in enumerate(["K-07", "M-12", "K-07"])]
    tap = next(e for e in effective_taps(store.events(ids[0])) if e.kind is Kind.CLIENT)
    retag(store, ids[0], tap.id, value="dorsal")
    return ids


def test_several_sessions_go_in_one_file_in_the_order_given(
    fresh_store: Store, scheme: Scheme
) -> None:
    ids = two_clients_sessions(fresh_store, scheme)
    rows = csv_rows(events_csv(fresh_store, ids[2], ids[0]))
    order = list(dict.fromkeys((int(r["session_id"]), r["client_code"]) for r in rows))
    assert order == [(ids[2], "K-07"), (ids[0], "K-07")]
    for sid in (ids[2], ids[0]):
        taps = effective_taps(fresh_store.events(sid))
        assert [int(r["event_id"]) for r in rows if int(r["session_id"]) == sid] == [
            e.id for e in taps]
    doc = json.loads(session_json(fresh_store, *ids))
    assert [s["session"]["id"] for s in doc["sessions"]] == ids
    assert [s["session"]["client_code"] for s in doc["sessions"]] == ["K-07", "M-12", "K-07"]


def test_csv_and_json_events_have_the_same_keys_and_values(
    fresh_store: Store, scheme: Scheme
) -> None:
    ids = two_clients_sessions(fresh_store, scheme)
    for redact in (True, False):
        rows = csv_rows(events_csv(fresh_store, *ids, redact=redact))
        events = [e for s in json.loads(session_json(fresh_store, *ids, redact=redact))[
            "sessions"] for e in s["events"]]
        assert len(rows) == len(events)
        for row, event in zip(rows, events):
            assert list(row) == list(event)
            assert row["session_time_s"] == repr(event["session_time_s"])
            assert row["edited"] == ("true" if event["edited"] else "false")
            assert row["tags"] == ";".join(event["tags"])


def test_pandas_reads_every_export_without_options(
    fresh_store: Store, scheme: Scheme, tmp_path
) -> None:
    pd = pytest.importorskip("pandas")
    ids = two_clients_sessions(fresh_store, scheme)
    for redact in (True, False):
        csv_file, json_file = tmp_path / "taps.csv", tmp_path / "sessions.json"
        csv_file.write_bytes(events_csv(fresh_store, *ids, redact=redact))
        json_file.write_bytes(session_json(fresh_store, *ids, redact=redact))
        taps = pd.read_csv(csv_file)
        assert list(taps.columns) == list(EVENT_KEYS) + ([] if redact else ["note_text"])
        assert taps["edited"].dtype == bool and taps["edited"].sum() == 1
        assert taps["session_time_s"].dtype == float
        assert (taps["session_time_s"] * 1000).round().astype(int).tolist() == (
            taps["offset_ms"].tolist())
        assert taps["session_id"].tolist() == [
            sid for sid in ids for _ in effective_taps(fresh_store.events(sid))]
        sessions = pd.read_json(json_file)
        assert len(sessions) == len(ids)
        assert [s["id"] for s in sessions["sessions"].map(lambda d: d["session"])] == ids
        events = pd.json_normalize(json.loads(json_file.read_bytes())["sessions"], "events")
        assert list(events.columns) == list(taps.columns)
        assert events["offset_ms"].tolist() == taps["offset_ms"].tolist()


def test_no_session_is_no_export(fresh_store: Store) -> None:
    for export in (events_csv, session_json):
        with pytest.raises(ExportError, match="at least one session"):
            export(fresh_store)
