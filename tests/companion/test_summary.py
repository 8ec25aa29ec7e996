"""The session summary on hand-computed sessions.

Each session is recorded through the Recorder with a FakeClock, so these tests also exercise
recording; every expected figure is worked out by hand in the comments and written out.
"""

import json
import tracemalloc

import pytest

from attune_companion.clock import FakeClock, format_duration
from attune_companion.events import Event, Kind
from attune_companion.fold import fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import parse_scheme
from attune_companion.summary import summarise, ventral_state
from attune_companion.summary_text import format_text

NO_TYPES = {"withdrawal": 0, "confrontation": 0, "untyped": 0}
NO_NOTES = {"glimmer": 0, "trigger": 0, "note": 0}


def plain_lines(text: str) -> list[str]:
    """The text's lines with runs of spaces collapsed (the layout's padding aside)."""
    return [" ".join(line.split()) for line in text.splitlines()]


def test_empty_session_has_zero_durations_and_no_figures(recorder, scheme):
    recorder.end()

    s = summarise(recorder.state, scheme)

    assert (s.ended, s.end_ms) == (True, 0)
    assert (s.duration.total_ms, s.duration.active_ms, s.duration.paused_ms) == (0, 0, 0)
    assert s.duration.pauses == 0
    for lane in s.lanes.values():
        assert (lane.noted_ms, lane.not_noted_ms, lane.first_noted_ms) == (0, 0, None)
        assert lane.transitions == 0
        assert (lane.longest_ventral_ms, lane.longest_ventral_start_ms) == (0, None)
        assert {k: (t.active_ms, t.share) for k, t in lane.states.items()} == {
            "ventral": (0, None), "sympathetic": (0, None), "dorsal": (0, None)
        }
    r = s.ruptures
    assert (r.count, r.repaired, r.unrepaired, r.open) == (0, 0, 0, 0)
    assert r.by_type == NO_TYPES
    assert (r.median_repair_ms, r.longest_repair_ms) == (None, None)
    assert (r.time_in_rupture_ms, r.share_of_active, r.strategies) == (0, None, {})
    assert (s.coregulation.base_ms, s.coregulation.share) == (0, None)
    assert s.notes == NO_NOTES


def test_session_without_taps_is_all_not_yet_noted(recorder, scheme, at):
    at(300)
    recorder.end()

    s = summarise(recorder.state, scheme)

    assert s.duration.total_ms == s.duration.active_ms == 300_000
    assert s.lanes["client"].not_noted_ms == s.lanes["self"].not_noted_ms == 300_000
    text = format_text(s, scheme)
    assert text.count("\n  not yet noted\n") == 2  # one line under each lane's heading
    assert "Co-regulation\n  not yet measurable" in text
    assert "Total 5:00" in plain_lines(text)


def test_one_tap_session(recorder, scheme, at):
    at(10)
    recorder.client("ventral")
    at(70)
    recorder.end()

    s = summarise(recorder.state, scheme)

    client = s.lanes["client"]
    assert s.duration.total_ms == 70_000
    assert (client.first_noted_ms, client.noted_ms, client.not_noted_ms) == (10_000, 60_000, 10_000)
    assert (client.states["ventral"].active_ms, client.states["ventral"].share) == (60_000, 1.0)
    assert (client.states["dorsal"].active_ms, client.states["dorsal"].share) == (0, 0.0)
    assert client.transitions == 0
    assert (client.longest_ventral_ms, client.longest_ventral_start_ms) == (60_000, 10_000)
    assert s.lanes["self"].noted_ms == 0
    assert s.coregulation.share is None  # the self lane was never noted


def test_all_paused_session_has_no_active_time(recorder, scheme, at):
    recorder.client("ventral")  # at 0, then paused at once
    recorder.pause()
    at(600)
    recorder.end()

    s = summarise(recorder.state, scheme)

    d = s.duration
    assert (d.total_ms, d.active_ms, d.paused_ms, d.pauses) == (600_000, 0, 600_000, 1)
    client = s.lanes["client"]
    assert (client.first_noted_ms, client.noted_ms, client.not_noted_ms) == (0, 0, 0)
    assert client.states["ventral"].share is None  # noted, but for no active time
    assert (client.longest_ventral_ms, client.longest_ventral_start_ms) == (0, 0)
    assert s.ruptures.share_of_active is None


def record_realistic_session(rec: Recorder, at) -> None:
    """A 50-minute session: one rupture repaired after two attempts, one left open at the end."""
    at(30)
    rec.client("ventral")
    rec.self_state("ventral")
    at(300)
    rec.client("sympathetic")
    at(310)
    rec.rupture("withdrawal", ["minimal_response"])
    at(340)
    rec.repair_attempt(["clarify"])
    at(400)
    rec.self_state("sympathetic")
    at(430)
    rec.repair_attempt(["invite_exploration", "clarify"])
    at(460)
    rec.self_state("ventral")
    at(490)
    rec.repair(["acknowledge"])
    at(500)
    rec.client("ventral")
    at(900)
    rec.pause()
    at(1200)
    rec.resume()
    at(1500)
    rec.client("dorsal")
    at(1510)
    rec.note("trigger")
    at(1520)
    rec.rupture()
    at(1600)
    rec.repair_attempt(["validate_defence"])
    at(1650)
    rec.note("glimmer", "a smile at the dog story")
    at(1700)
    rec.client("sympathetic")


def test_realistic_session_with_two_ruptures(recorder, scheme, at):
    record_realistic_session(recorder, at)
    at(3000)
    recorder.end()

    s = summarise(recorder.state, scheme)

    # 50:00 in all, one pause 15:00-20:00.
    d = s.duration
    assert (d.total_ms, d.active_ms, d.paused_ms, d.pauses) == (3_000_000, 2_700_000, 300_000, 1)

    # Client: ventral 0:30-5:00 (270 s) and 8:20-25:00 less the pause (1000 - 300 = 700 s);
    # sympathetic 5:00-8:20 (200 s) and 28:20-50:00 (1300 s); dorsal 25:00-28:20 (200 s).
    client = s.lanes["client"]
    assert {k: t.active_ms for k, t in client.states.items()} == {
        "ventral": 970_000, "sympathetic": 1_500_000, "dorsal": 200_000
    }
    assert (client.noted_ms, client.not_noted_ms) == (2_670_000, 30_000)
    assert client.first_noted_ms == 30_000
    assert client.states["ventral"].share == pytest.approx(970 / 2670)
    assert client.states["sympathetic"].share == pytest.approx(1500 / 2670)
    assert client.states["dorsal"].share == pytest.approx(200 / 2670)
    assert client.transitions == 4  # V→S→V→D→S
    assert (client.longest_ventral_ms, client.longest_ventral_start_ms) == (700_000, 500_000)

    # Self: ventral 0:30-6:40 (370 s) and 7:40-50:00 less the pause (2540 - 300 = 2240 s).
    me = s.lanes["self"]
    assert {k: t.active_ms for k, t in me.states.items()} == {
        "ventral": 2_610_000, "sympathetic": 60_000, "dorsal": 0
    }
    assert me.transitions == 2
    assert (me.longest_ventral_ms, me.longest_ventral_start_ms) == (2_240_000, 460_000)

    r = s.ruptures
    assert r.count == 2
    assert r.by_type == {"withdrawal": 1, "confrontation": 0, "untyped": 1}
    first, second = r.episodes
    assert (first.number, first.start_ms, first.rupture_type) == (1, 310_000, "withdrawal")
    assert first.markers == ("minimal_response",)
    assert (first.status, first.attempts, first.repair_ms) == ("repaired", 2, 490_000)
    assert first.attempt_strategies == ("clarify", "invite_exploration", "clarify")
    assert first.repair_strategies == ("acknowledge",)
    assert (first.time_to_repair_ms, first.open_ms) == (180_000, 180_000)
    assert (first.client_before, first.client_after) == ("sympathetic", "ventral")

    assert (second.number, second.start_ms, second.rupture_type) == (2, 1_520_000, None)
    assert (second.status, second.attempts, second.markers) == ("unrepaired", 1, ())
    assert (second.repair_ms, second.time_to_repair_ms) == (None, None)
    assert second.open_ms == 1_480_000  # 25:20 to 50:00
    assert (second.client_before, second.client_after) == ("dorsal", None)

    assert (r.repaired, r.unrepaired, r.open) == (1, 1, 0)
    assert (r.median_repair_ms, r.longest_repair_ms) == (180_000, 180_000)
    assert r.time_in_rupture_ms == 1_660_000
    assert r.share_of_active == pytest.approx(1660 / 2700)
    assert list(r.strategies.items()) == [
        ("clarify", 2), ("invite_exploration", 1), ("acknowledge", 1), ("validate_defence", 1)
    ]

    # Client not ventral, both noted: 5:00-8:20 (200 s) and 25:00-50:00 (1500 s). Self ventral
    # in them: 5:00-6:40 (100 s), 7:40-8:20 (40 s), 25:00-50:00 (1500 s).
    assert (s.coregulation.base_ms, s.coregulation.self_ventral_ms) == (1_700_000, 1_640_000)
    assert s.coregulation.share == pytest.approx(1640 / 1700)
    assert s.notes == {"glimmer": 1, "trigger": 1, "note": 0}


def test_live_summary_counts_open_things_up_to_now(recorder, scheme, at):
    record_realistic_session(recorder, at)
    at(2000)

    s = summarise(recorder.state, scheme, recorder.now_ms())

    assert (s.ended, s.end_ms) == (False, 2_000_000)
    assert s.duration.active_ms == 1_700_000
    second = s.ruptures.episodes[1]
    assert (second.status, second.open_ms, second.time_to_repair_ms) == ("open", 480_000, None)
    r = s.ruptures
    assert (r.repaired, r.unrepaired, r.open) == (1, 0, 1)
    assert r.time_in_rupture_ms == 180_000 + 480_000
    # Without now_ms the summary runs to the last event (the client tap at 28:20).
    assert summarise(recorder.state, scheme).end_ms == 1_700_000


def test_open_pause_counts_up_to_now(recorder, scheme, at):
    at(60)
    recorder.client("dorsal")
    recorder.pause()
    at(100)

    s = summarise(recorder.state, scheme, recorder.now_ms())

    assert (s.duration.active_ms, s.duration.paused_ms) == (60_000, 40_000)
    assert s.lanes["client"].noted_ms == 0


def test_pause_inside_a_rupture_is_excluded_from_its_time_to_repair(recorder, scheme, at):
    at(60)
    recorder.rupture("confrontation", ["complaint_parameters"])
    at(120)
    recorder.pause()
    at(420)
    recorder.resume()
    at(480)
    recorder.repair(["validate_defence"])
    at(600)
    recorder.end()

    ep = summarise(recorder.state, scheme).ruptures.episodes[0]

    assert ep.repair_ms == 480_000
    assert ep.time_to_repair_ms == ep.open_ms == 120_000  # 7:00 open, 5:00 of it paused


def test_back_dated_taps_land_where_they_were_noticed(recorder, scheme, at):
    at(100)
    recorder.client("ventral")
    at(200)
    recorder.client("sympathetic", backdate_s=30)  # at 170
    at(250)
    recorder.rupture(backdate_s=20)  # at 230
    at(260)
    change = recorder.client("dorsal", backdate_s=100)  # at 160, before the tap at 170
    assert change.rebuilt
    at(280)
    recorder.repair()
    at(300)
    recorder.end()

    s = summarise(recorder.state, scheme)

    client = s.lanes["client"]
    assert {k: t.active_ms for k, t in client.states.items()} == {
        "ventral": 60_000, "sympathetic": 130_000, "dorsal": 10_000
    }
    assert client.transitions == 2  # V→D→S
    ep = s.ruptures.episodes[0]
    assert (ep.start_ms, ep.time_to_repair_ms) == (230_000, 50_000)
    # No client tap after the repair: "after" is the state held at the repair.
    assert (ep.client_before, ep.client_after) == ("sympathetic", "sympathetic")


def test_undoing_a_repair_reopens_the_rupture(recorder, scheme, at):
    at(10)
    recorder.client("ventral")
    at(20)
    recorder.rupture()
    at(50)
    recorder.repair(["clarify"])
    at(60)
    recorder.undo()
    at(100)

    live = summarise(recorder.state, scheme, recorder.now_ms())
    ep = live.ruptures.episodes[0]
    assert (ep.status, ep.open_ms, ep.repair_ms) == ("open", 80_000, None)
    assert (live.ruptures.repaired, live.ruptures.open, live.ruptures.strategies) == (0, 1, {})

    at(120)
    recorder.repair()
    at(200)
    recorder.end()
    ep = summarise(recorder.state, scheme).ruptures.episodes[0]
    assert (ep.status, ep.time_to_repair_ms, ep.repair_strategies) == ("repaired", 100_000, ())


def test_repeated_taps_are_not_transitions(recorder, scheme, at):
    for t, state in [(0, "ventral"), (10, "ventral"), (20, "sympathetic"), (30, "sympathetic"),
                     (40, "ventral"), (50, "ventral"), (60, "dorsal")]:
        at(t)
        recorder.client(state)
    at(100)
    recorder.end()

    client = summarise(recorder.state, scheme).lanes["client"]

    assert client.transitions == 3  # V→S, S→V, V→D
    assert {k: t.active_ms for k, t in client.states.items()} == {
        "ventral": 40_000, "sympathetic": 20_000, "dorsal": 40_000
    }
    # Two ventral stretches of 20 s (0-20 and 40-60): the earlier one is reported.
    assert (client.longest_ventral_ms, client.longest_ventral_start_ms) == (20_000, 0)


def test_a_state_held_for_no_time_is_a_transition_and_breaks_a_stretch(recorder, scheme, at):
    recorder.client("ventral")
    at(10)
    recorder.client("sympathetic")
    recorder.client("ventral")  # the same millisecond
    at(30)
    recorder.end()

    client = summarise(recorder.state, scheme).lanes["client"]

    assert client.transitions == 2
    assert client.states["sympathetic"].active_ms == 0
    assert (client.longest_ventral_ms, client.longest_ventral_start_ms) == (20_000, 10_000)


def test_a_pause_does_not_break_a_ventral_stretch(recorder, scheme, at):
    at(10)
    recorder.self_state("ventral")
    at(40)
    recorder.pause()
    at(100)
    recorder.resume()
    at(110)
    recorder.self_state("ventral")
    at(130)
    recorder.end()

    me = summarise(recorder.state, scheme).lanes["self"]

    assert (me.longest_ventral_ms, me.longest_ventral_start_ms) == (60_000, 10_000)


def test_client_after_stops_at_the_next_rupture(recorder, scheme, at):
    at(10)
    recorder.client("sympathetic")
    at(20)
    recorder.rupture()
    at(100)
    recorder.repair()
    at(150)
    recorder.rupture()
    at(200)
    recorder.client("ventral")  # after rupture 2 started: not rupture 1's "after"
    at(250)
    recorder.repair()
    at(300)
    recorder.end()

    first, second = summarise(recorder.state, scheme).ruptures.episodes

    assert (first.client_before, first.client_after) == ("sympathetic", "sympathetic")
    assert (second.client_before, second.client_after) == ("sympathetic", "ventral")


def test_client_tap_in_the_repairs_millisecond_counts_as_after(recorder, scheme, at):
    at(10)
    recorder.client("dorsal")
    recorder.rupture()  # same millisecond as the client tap: "before" sees it
    at(40)
    recorder.repair()
    recorder.client("ventral")
    at(50)
    recorder.client("sympathetic")
    recorder.end()

    ep = summarise(recorder.state, scheme).ruptures.episodes[0]

    assert (ep.client_before, ep.client_after) == ("dorsal", "ventral")


def test_median_of_an_even_number_of_repairs_is_rounded_down(recorder, scheme, at):
    recorder.rupture()
    at(60)
    recorder.repair()
    at(100)
    recorder.rupture()
    at(221.001)
    recorder.repair()
    recorder.end()

    r = summarise(recorder.state, scheme).ruptures

    assert r.median_repair_ms == 90_500  # (60 000 + 121 001) / 2 = 90 500.5
    assert r.longest_repair_ms == 121_001


def test_blends_count_as_not_ventral(fresh_store, clock, scheme):
    raw = json.loads(scheme.to_json())
    for state in raw["states"]:
        state["enabled"] = True
    blended = parse_scheme(raw, "test")
    rec = Recorder.start(fresh_store, blended, clock, "K-07")
    rec.client("play")
    rec.self_state("ventral")
    clock.advance(30)
    rec.client("ventral")
    clock.advance(10)
    rec.end()

    s = summarise(rec.state, blended)

    assert ventral_state(blended) == "ventral"  # play ranks higher than sympathetic, but blends
    assert list(s.lanes["client"].states) == [
        "ventral", "play", "stillness", "sympathetic", "freeze", "dorsal"
    ]
    assert (s.coregulation.base_ms, s.coregulation.self_ventral_ms) == (30_000, 30_000)
    assert s.coregulation.share == 1.0


def test_ventral_is_the_top_plain_state_of_the_scheme(scheme):
    raw = json.loads(scheme.to_json())
    raw["states"][0]["id"] = "safe"
    raw["states"][1]["blend_of"] = ["safe", "sympathetic"]
    raw["states"][2]["blend_of"] = ["safe", "dorsal"]
    raw["states"][1]["level"] = 9  # a blend above it does not take its place

    assert ventral_state(parse_scheme(raw, "test")) == "safe"


@pytest.mark.parametrize(
    "jumps",
    [
        {100: 3600},  # the wall clock jumps an hour ahead mid-session
        {100: -3600},  # ... or an hour back
        {40: 3600, 2000: -3600},  # DST-like: spring forward across 01:00, fall back later
    ],
)
def test_wall_clock_jumps_change_no_duration(fresh_store, scheme, jumps):
    def run(clock: FakeClock, jumps: dict[int, int]) -> tuple[dict, list[str]]:
        rec = Recorder.start(fresh_store, scheme, clock, "K-07")

        def at(seconds: float) -> None:
            for when, jump in jumps.items():
                if rec.now_ms() < when * 1000 <= seconds * 1000:
                    clock.advance(when - rec.now_ms() / 1000)
                    clock.jump_wall(jump)
            clock.advance(seconds - rec.now_ms() / 1000)

        record_realistic_session(rec, at)
        at(3000)
        rec.end()
        walls = [e.wall_utc for e in fresh_store.events(rec.session.id)]
        return summarise(rec.state, scheme).to_dict(), walls

    jumped, jumped_walls = run(FakeClock(), jumps)
    steady, steady_walls = run(FakeClock(), {})
    assert jumped_walls != steady_walls  # the jumps did reach the recorded wall-clock times
    assert jumped == steady


def test_to_dict_is_json_with_stable_keys(recorder, scheme, at):
    record_realistic_session(recorder, at)
    at(3000)
    recorder.end()

    d = summarise(recorder.state, scheme).to_dict()

    assert json.loads(json.dumps(d)) == d
    assert list(d) == [
        "ended", "end_ms", "ventral", "duration", "lanes", "ruptures", "coregulation", "notes"
    ]
    assert list(d["lanes"]) == ["client", "self"]
    assert list(d["lanes"]["client"]) == [
        "states", "noted_ms", "not_noted_ms", "first_noted_ms", "transitions",
        "longest_ventral_ms", "longest_ventral_start_ms",
    ]
    assert d["ruptures"]["episodes"][0]["time_to_repair_ms"] == 180_000
    assert d["ruptures"]["episodes"][0]["markers"] == ["minimal_response"]


def test_text_uses_labels_and_clock_durations(recorder, scheme, at):
    record_realistic_session(recorder, at)
    at(3000)
    recorder.end()

    text = format_text(summarise(recorder.state, scheme), scheme)
    lines = plain_lines(text)

    for heading in ("Duration", "Client (perceived state)", "Self (your own state)", "Ruptures",
                    "Repair strategies used", "Co-regulation", "Notes"):
        assert f"\n{heading}\n" in text
    for line in ("Total 50:00", "Paused 5:00 (1 pause)", "Ventral 16:10 36%",
                 "Longest ventral stretch 11:40 (from 8:20)", "2 ruptures: Withdrawal 1, Untyped 1",
                 "Repaired 1, unrepaired at end 1", "Time to repair: median 3:00, longest 3:00",
                 "Time in rupture: 27:40 (61% of active time)", "#1 at 5:10: Withdrawal",
                 "Markers: Minimal response", "Repaired after 3:00 (2 attempts)",
                 "Client before: Sympathetic; after: Ventral",
                 "Attempt strategies: Clarify a misunderstanding, "
                 "Invite talk about the relationship or rupture",
                 "#2 at 25:20: Untyped", "Unrepaired at end (open 24:40, 1 attempt)",
                 "Client before: Dorsal", "Clarify a misunderstanding 2",
                 "Client not ventral 28:20", "You ventral meanwhile 27:20 96%",
                 "Glimmer 1, Trigger 1, Note 0"):
        assert line in lines, line
    assert "minimal_response" not in text and "validate_defence" not in text


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "0:00"), (59_999, "0:59"), (60_000, "1:00"), (599_000, "9:59"),
     (3_599_999, "59:59"), (3_600_000, "1:00:00"), (3_661_000, "1:01:01"), (-5, "0:00")],
)
def test_durations_read_as_a_clock(ms, text):
    assert format_duration(ms) == text


def test_a_strategy_repeated_on_one_tap_counts_once(recorder, scheme):
    recorder.rupture()
    recorder.repair_attempt(["clarify", "clarify"])

    assert summarise(recorder.state, scheme).ruptures.strategies == {"clarify": 1}


def test_summarising_a_long_session_makes_no_object_per_tap(scheme):
    """A long session's review summarises it while its events and fold are held: a tuple
    made per tap there (6 MB at 100,000 events) set a memory high-water that the app then
    kept through every later open. Its working memory per tap is references only (8 bytes
    each: the points, the sort's keys and its merge space); any object made per tap would
    add at least 28 bytes more (an int)."""
    log: list[Event] = []
    for i in range(20_000):
        t = 1000 * i
        if i % 500 == 100:
            log += [Event(len(log) + 1, Kind.PAUSE, t), Event(len(log) + 2, Kind.RESUME, t + 400)]
        log.append(Event(len(log) + 1, (Kind.CLIENT, Kind.SELF)[i % 2], t + 500,
                         value=("ventral", "sympathetic", "dorsal")[i % 3]))
    state = fold(log)
    tracemalloc.start()
    try:
        summary = summarise(state, scheme)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.lanes["client"].transitions == 9_999
    assert peak / 20_000 < 32, f"{peak / 20_000:.0f} bytes a tap at the peak"
