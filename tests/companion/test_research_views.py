"""The research views give exactly the core's figures: the effective taps, the lanes, the
rupture episodes and the summary, for the clinician and for every coder layer, on demo
sessions with corrections and coded layers, and on generated sessions."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_companion import corrections
from attune_companion.clock import FakeClock
from attune_companion.demo import make_demo_session
from attune_companion.errors import TapRefused
from attune_companion.events import Event, Kind, effective_taps
from attune_companion.fold import SessionState, fold
from attune_companion.layers import CursorClock, LayerRecorder, layer_events, layers
from attune_companion.recorder import Recorder
from attune_companion.research_views import VIEWS
from attune_companion.scheme import Scheme, default_scheme, parse_scheme, session_scheme
from attune_companion.store import Store
from attune_companion.summary import Summary, summarise

CONTROL = (Kind.PAUSE, Kind.RESUME, Kind.END)
SCHEME = default_scheme()


# -- what the core says ---------------------------------------------------------------------


def core_views(store: Store, session_id: int) -> dict[str, tuple[list[Event], SessionState]]:
    """Each view of the session (by coder): its raw log and its state on the session's
    timeline. A layer is folded with the session's own breaks and end, as the views read it."""
    log = store.events(session_id)
    out = {"clinician": (log, fold(log))}
    control = [e for e in effective_taps(log) if e.kind in CONTROL]
    for layer in layers(store, session_id):
        raw = layer_events(store, layer.id)
        taps = effective_taps(raw)
        shift = max((e.id for e in taps), default=0) + 1  # control rows after taps at a tie
        state = SessionState()
        for e in sorted(taps + [replace(c, id=c.id + shift) for c in control],
                        key=Event.sort_key):
            state.apply(e)
        out[layer.coder] = (raw, state)
    return out


def end_of(state: SessionState) -> int:
    return state.ended_ms if state.ended_ms is not None else state.last_ms


def rows(store: Store, sql: str, *params: Any) -> list[dict[str, Any]]:
    cur = store.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def check_session(store: Store, session_id: int) -> None:
    """Every view agrees with the core on this session."""
    row = store.session(session_id)
    scheme = session_scheme(row.scheme_json, session_id)
    views = core_views(store, session_id)
    assert {r["coder"] for r in rows(
        store, "SELECT DISTINCT coder FROM effective_taps WHERE session_id = ?", session_id
    )} <= set(views)
    session_end = end_of(views["clinician"][1])
    for coder, (raw, state) in views.items():
        check_taps(store, session_id, coder, raw)
        check_lanes(store, session_id, coder, state, session_end)
        summary = summarise(state, scheme)
        check_state_times(store, session_id, coder, summary)
        check_episodes(store, session_id, coder, summary)
    check_pauses(store, session_id, views["clinician"][1])
    check_summary(store, session_id, summarise(views["clinician"][1], scheme))


def check_taps(store: Store, session_id: int, coder: str, raw: list[Event]) -> None:
    edited = {e.target for e in raw if e.kind is Kind.EDIT}
    expected = [
        {"position": i, "event_id": e.id, "kind": e.kind.value, "offset_ms": e.offset_ms,
         "value": e.value, "tags": list(e.tags), "text": e.text, "edited": int(e.id in edited)}
        for i, e in enumerate(effective_taps(raw), start=1)
    ]
    got = rows(store, "SELECT position, event_id, kind, offset_ms, value, tags, text, edited "
               "FROM effective_taps WHERE session_id = ? AND coder = ? ORDER BY position",
               session_id, coder)
    for r in got:
        r["tags"] = json.loads(r["tags"])
    assert got == expected


def check_lanes(store: Store, session_id: int, coder: str, state: SessionState, end: int) -> None:
    expected = sorted(
        (lane, iv.event_id, iv.state, iv.start_ms, iv.end_ms if iv.end_ms is not None else end,
         state.active_ms(iv.start_ms, iv.end_ms if iv.end_ms is not None else end))
        for lane, intervals in state.lanes.items() for iv in intervals
    )
    got = sorted(tuple(r.values()) for r in rows(
        store, "SELECT lane, event_id, state, start_ms, end_ms, active_ms FROM lane_intervals "
        "WHERE session_id = ? AND coder = ?", session_id, coder))
    assert got == expected


def check_state_times(store: Store, session_id: int, coder: str, summary: Summary) -> None:
    got = {(r["lane"], r["state"]): (r["active_ms"], r["share"]) for r in rows(
        store, "SELECT lane, state, active_ms, share FROM state_times "
        "WHERE session_id = ? AND coder = ?", session_id, coder)}
    for (lane, state_id), figures in got.items():
        held = summary.lanes[lane].states[state_id]
        assert figures == (held.active_ms, held.share)
    held_at_all = {(lane, s) for lane, ls in summary.lanes.items()
                   for s, t in ls.states.items() if t.active_ms}
    assert held_at_all <= set(got)


def check_episodes(store: Store, session_id: int, coder: str, summary: Summary) -> None:
    expected = [
        {"number": e.number, "start_ms": e.start_ms, "rupture_type": e.rupture_type,
         "markers": list(e.markers), "status": e.status, "attempts": e.attempts,
         "attempt_strategies": list(e.attempt_strategies), "repair_ms": e.repair_ms,
         "repair_strategies": list(e.repair_strategies),
         "time_to_repair_ms": e.time_to_repair_ms, "open_ms": e.open_ms,
         "client_before": e.client_before, "client_after": e.client_after}
        for e in summary.ruptures.episodes
    ]
    got = rows(store, "SELECT number, start_ms, rupture_type, markers, status, attempts, "
               "attempt_strategies, repair_ms, repair_strategies, time_to_repair_ms, open_ms, "
               "client_before, client_after FROM rupture_episodes "
               "WHERE session_id = ? AND coder = ? ORDER BY number", session_id, coder)
    for r in got:
        for key in ("markers", "attempt_strategies", "repair_strategies"):
            r[key] = json.loads(r[key])
    assert got == expected


def check_pauses(store: Store, session_id: int, state: SessionState) -> None:
    end = end_of(state)
    expected = [(i, p.start_ms, p.end_ms if p.end_ms is not None else end, int(p.end_ms is None))
                for i, p in enumerate(state.pauses, start=1)]
    got = [tuple(r.values()) for r in rows(
        store, "SELECT number, start_ms, end_ms, still_open FROM session_pauses "
        "WHERE session_id = ? ORDER BY number", session_id)]
    assert got == expected


def check_summary(store: Store, session_id: int, s: Summary) -> None:
    def lane(name: str) -> dict[str, Any]:
        ls = s.lanes[name]
        ventral = ls.states.get(s.ventral)
        return {
            f"{name}_noted_ms": ls.noted_ms,
            f"{name}_ventral_ms": ventral.active_ms if ventral else 0,
            f"{name}_ventral_share": ventral.share if ventral else None,
            f"{name}_transitions": ls.transitions,
            f"{name}_longest_ventral_ms": ls.longest_ventral_ms,
        }

    r = s.ruptures
    expected = {
        "total_ms": s.duration.total_ms, "active_ms": s.duration.active_ms,
        "paused_ms": s.duration.paused_ms, "pauses": s.duration.pauses, "ventral": s.ventral,
        **lane("client"), **lane("self"),
        "ruptures": r.count, "repaired": r.repaired, "unrepaired": r.unrepaired,
        "still_open": r.open, "median_repair_ms": r.median_repair_ms,
        "longest_repair_ms": r.longest_repair_ms, "time_in_rupture_ms": r.time_in_rupture_ms,
        "rupture_share_of_active": r.share_of_active,
        "coregulation_base_ms": s.coregulation.base_ms,
        "coregulation_self_ventral_ms": s.coregulation.self_ventral_ms,
        "coregulation_share": s.coregulation.share,
        "notes": sum(s.notes.values()),
        "edited": int(any(e.kind is Kind.EDIT for e in store.events(session_id))),
        "coder_layers": len(layers(store, session_id)),
    }
    (got,) = rows(store, "SELECT * FROM session_summary WHERE session_id = ?", session_id)
    meta = store.session(session_id)
    assert (got["client_code"], got["status"], got["started_utc"]) == (
        meta.client_code, meta.status, meta.started_utc)
    assert {k: got[k] for k in expected} == expected


# -- sessions to check ----------------------------------------------------------------------


def code_layer(store: Store, session_id: int, coder: str, script: list[tuple]) -> None:
    """Code a layer in playback: each step moves the cursor and taps (refusals skipped)."""
    cursor = [0]
    rec = LayerRecorder.open(store, session_id, coder,
                             CursorClock(lambda: cursor[0], FakeClock()))
    for at_ms, name, *args in script:
        cursor[0] = at_ms
        try:
            getattr(rec, name)(*args)
        except TapRefused:
            pass


def test_views_agree_with_the_core_on_demo_sessions_with_corrections_and_layers(
    fresh_store: Store, scheme: Scheme
) -> None:
    ids = [make_demo_session(fresh_store, scheme, seed=seed) for seed in range(4)]
    first = ids[0]
    taps = [e for e in effective_taps(fresh_store.events(first)) if e.is_tap]
    client = [e for e in taps if e.kind is Kind.CLIENT]
    corrections.remove(fresh_store, first, client[2].id)
    corrections.move(fresh_store, first, client[4].id, client[4].offset_ms + 7_000)
    corrections.retag(fresh_store, first, client[5].id, value="dorsal")
    corrections.retag(fresh_store, first, client[5].id, value="sympathetic")
    rupture = next(e for e in taps if e.kind is Kind.RUPTURE)
    corrections.retag(fresh_store, first, rupture.id, tags=["denial"])
    self_tap = next(e for e in taps if e.kind is Kind.SELF)
    corrections.retag(fresh_store, first, self_tap.id, kind=Kind.CLIENT)
    code_layer(fresh_store, first, "supervisor", [
        (30_000, "client", "ventral"), (60_000, "self_state", "ventral"),
        (500_000, "client", "dorsal"), (510_000, "rupture", "withdrawal", ["denial"]),
        (520_000, "rupture", None, ["denial", "minimal_response"]),
        (600_000, "repair_attempt", ["clarify", "clarify"]), (650_000, "undo"),
        (660_000, "repair_attempt", ["rationale"]), (700_000, "repair", ["acknowledge"]),
        (720_000, "client", "ventral"),
        (1_600_000, "rupture", "confrontation"), (1_650_000, "client", "dorsal"),  # in the break
        (1_800_000, "repair", ["clarify"]), (1_900_000, "client", "sympathetic"),
        (2_900_000, "rupture", None),
    ])
    code_layer(fresh_store, ids[1], "observer", [(1000, "note", "glimmer")])
    for session_id in ids:
        check_session(fresh_store, session_id)
    assert rows(fresh_store, "SELECT COUNT(*) AS n FROM session_summary") == [{"n": 4}]


def test_a_live_session_is_read_up_to_its_latest_event(
    recorder: Recorder, clock: FakeClock, fresh_store: Store
) -> None:
    clock.advance(5)
    recorder.client("sympathetic")
    recorder.rupture("withdrawal", ["denial"])
    clock.advance(20)
    recorder.self_state("ventral")
    recorder.pause()
    clock.advance(30)  # still paused: the break runs to the latest event
    check_session(fresh_store, recorder.session.id)
    (summary,) = rows(fresh_store, "SELECT total_ms, paused_ms, still_open FROM session_summary")
    assert summary == {"total_ms": 25_000, "paused_ms": 0, "still_open": 1}


def test_a_break_inside_a_rupture_is_left_out_of_its_times(
    recorder: Recorder, clock: FakeClock, fresh_store: Store
) -> None:
    recorder.client("dorsal")
    clock.advance(10)
    recorder.rupture("withdrawal")
    clock.advance(20)
    recorder.pause()
    clock.advance(300)
    recorder.resume()
    clock.advance(40)
    recorder.repair(["clarify"])
    recorder.end()
    (episode,) = rows(fresh_store, "SELECT time_to_repair_ms, open_ms FROM rupture_episodes")
    assert episode == {"time_to_repair_ms": 60_000, "open_ms": 60_000}
    check_session(fresh_store, recorder.session.id)


def test_an_empty_session_has_a_row_of_zeros(recorder: Recorder, fresh_store: Store) -> None:
    (r,) = rows(fresh_store, "SELECT total_ms, ruptures, client_noted_ms, coregulation_share, "
                "median_repair_ms FROM session_summary")
    assert r == {"total_ms": 0, "ruptures": 0, "client_noted_ms": 0, "coregulation_share": None,
                 "median_repair_ms": None}


def test_ventral_is_the_top_plain_state_of_the_sessions_own_scheme(
    fresh_store: Store, scheme: Scheme, clock: FakeClock
) -> None:
    raw = json.loads(scheme.to_json())
    raw["states"][0]["id"] = "safe"
    raw["states"][1].update(blend_of=["safe", "sympathetic"], level=9, enabled=True)
    raw["states"][2]["blend_of"] = ["safe", "dorsal"]
    raw["states"].append(raw["states"].pop(0))  # listed last, still the top plain state
    own = parse_scheme(raw, "test")
    rec = Recorder.start(fresh_store, own, clock, "K-07")
    for state in ("safe", "play", "safe", "dorsal"):
        rec.client(state)
        rec.self_state("safe")
        clock.advance(10)
    rec.end()
    (r,) = rows(fresh_store, "SELECT ventral, client_ventral_ms FROM session_summary")
    assert r == {"ventral": "safe", "client_ventral_ms": 20_000}
    check_session(fresh_store, rec.session.id)


# -- generated sessions ---------------------------------------------------------------------

STATES = ["ventral", "sympathetic", "dorsal"]
TAGS = {"rupture": ["denial", "minimal_response", "complaint_progress"],
        "strategy": ["clarify", "rationale", "acknowledge"]}

step = st.one_of(
    st.tuples(st.just("client"), st.sampled_from(STATES)),
    st.tuples(st.just("self_state"), st.sampled_from(STATES)),
    st.tuples(st.just("rupture"), st.sampled_from([None, "withdrawal", "confrontation"]),
              st.lists(st.sampled_from(TAGS["rupture"]), max_size=3)),
    st.tuples(st.just("repair_attempt"), st.lists(st.sampled_from(TAGS["strategy"]), max_size=3)),
    st.tuples(st.just("repair"), st.lists(st.sampled_from(TAGS["strategy"]), max_size=2)),
    st.tuples(st.just("note"), st.sampled_from(["glimmer", "trigger"])),
    st.tuples(st.just("pause")), st.tuples(st.just("resume")), st.tuples(st.just("undo")),
)
gaps = st.sampled_from([0, 0, 500, 3_000, 20_000])
fix = st.tuples(st.sampled_from(["move", "retag", "remove"]), st.integers(0, 40),
                st.integers(-30_000, 30_000), st.sampled_from(STATES))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=st.lists(st.tuples(gaps, step), max_size=40), ended=st.booleans(),
       fixes=st.lists(fix, max_size=4),
       layer=st.lists(st.tuples(st.integers(0, 400_000), step), max_size=15))
def test_views_agree_with_the_core_on_generated_sessions(
    script: list[tuple], ended: bool, fixes: list[tuple], layer: list[tuple]
) -> None:
    store = Store.memory()
    try:
        clock = FakeClock()
        rec = Recorder.start(store, SCHEME, clock, "K-07")
        for gap, (name, *args) in script:
            clock.advance(gap / 1000)
            try:
                getattr(rec, name)(*args)
            except TapRefused:
                pass
        session_id = rec.session.id
        if ended:
            end = rec.end().state.last_ms
            apply_fixes(store, session_id, fixes)
            code_layer(store, session_id, "observer",  # the cursor stays inside the session
                       [(at % (end + 1), name, *args) for at, (name, *args) in layer
                        if name not in ("pause", "resume")])
        check_session(store, session_id)
    finally:
        store.close()


def apply_fixes(store: Store, session_id: int, fixes: list[tuple]) -> None:
    for what, pick, shift, state in fixes:
        taps = [e for e in effective_taps(store.events(session_id)) if e.is_tap]
        if not taps:
            return
        tap = taps[pick % len(taps)]
        try:
            if what == "move":
                corrections.move(store, session_id, tap.id, max(0, tap.offset_ms + shift))
            elif what == "remove":
                corrections.remove(store, session_id, tap.id)
            elif tap.kind in (Kind.CLIENT, Kind.SELF):
                corrections.retag(store, session_id, tap.id, value=state)
            else:
                corrections.retag(store, session_id, tap.id, tags=[])
        except TapRefused:
            pass


# -- read by other tools --------------------------------------------------------------------


def test_sqlite_utils_lists_the_views_by_name(tmp_path: Path, scheme: Scheme) -> None:
    db = tmp_path / "attune.db"
    with Store.open(db) as store:
        make_demo_session(store, scheme)
    cli = Path(sys.executable).with_name("sqlite-utils")
    listed = subprocess.run([str(cli), "views", str(db)], capture_output=True, text=True,
                            check=True)
    assert [v["view"] for v in json.loads(listed.stdout)] == list(VIEWS)
    summary = subprocess.run([str(cli), "rows", str(db), "session_summary", "--json-cols"],
                             capture_output=True, text=True, check=True)
    (row,) = json.loads(summary.stdout)
    assert row["ruptures"] >= 3 and row["client_code"] == "DEMO-01"
