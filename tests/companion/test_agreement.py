"""Agreement between two views of a session, on cases worked out by hand (and kappa checked
against scikit-learn's cohen_kappa_score, which the tests alone use)."""

from __future__ import annotations

import json

import pytest
from sklearn.metrics import cohen_kappa_score

from attune_companion.agreement import AgreementError, compare, headline, session_agreement
from attune_companion.clock import FakeClock
from attune_companion.demo import make_demo_session
from attune_companion.events import Event, Kind
from attune_companion.fold import Pause, SessionState, fold
from attune_companion.layers import CLINICIAN, CursorClock, LayerRecorder

MIN = 60_000


def view(*taps: tuple[int, Kind, str | None]) -> SessionState:
    """A folded view from (ms, kind, value) taps."""
    return fold([Event(i, kind, ms, value=value) for i, (ms, kind, value) in enumerate(taps, 1)])


def client(ms: int, state: str) -> tuple[int, Kind, str]:
    return (ms, Kind.CLIENT, state)


def rupture(ms: int, kind: str | None = None) -> tuple[int, Kind, str | None]:
    return (ms, Kind.RUPTURE, kind)


def repair(ms: int) -> tuple[int, Kind, None]:
    return (ms, Kind.REPAIR, None)


def test_identical_views_agree_fully_with_kappa_one():
    a = view(client(0, "ventral"), client(60_000, "dorsal"), client(90_000, "sympathetic"))
    result = compare(a, a, duration_ms=120_000)
    assert result.client.units == 120
    assert result.client.percent == 1.0
    assert result.client.kappa == pytest.approx(1.0)
    assert result.moments == []


def test_all_ventral_against_all_dorsal_agrees_never_with_kappa_zero():
    a, b = view(client(0, "ventral")), view(client(0, "dorsal"))
    result = compare(a, b, duration_ms=100_000, order=["ventral", "sympathetic", "dorsal"])
    assert result.client.percent == 0.0
    # p_o = 0 and p_e = 1·0 + 0·1 = 0, so kappa = (0 - 0) / (1 - 0) = 0
    assert result.client.kappa == 0.0
    assert result.client.labels == ["ventral", "dorsal"]
    assert result.client.matrix == [[0, 100], [0, 0]]
    assert result.moments[0].start_ms == 0 and result.moments[0].end_ms == 100_000


def test_one_state_held_by_both_throughout_has_no_kappa():
    a = view(client(0, "ventral"))
    result = compare(a, a, duration_ms=10_000)
    assert result.client.percent == 1.0 and result.client.kappa is None


def test_a_hand_worked_kappa_with_only_time_both_noted():
    """A: ventral 0-60 s, dorsal 60-100 s. B notes nothing until 20 s, then ventral to 80 s,
    dorsal after. Counted: 80 units (20-100 s). Agree: ventral 20-60 (40) + dorsal 80-100 (20)
    = 60, p_o = 0.75. A: ventral 40, dorsal 40; B: ventral 60, dorsal 20.
    p_e = (40·60 + 40·20) / 80² = 0.5; kappa = (0.75 - 0.5) / 0.5 = 0.5."""
    a = view(client(0, "ventral"), client(60_000, "dorsal"))
    b = view(client(20_000, "ventral"), client(80_000, "dorsal"))
    result = compare(a, b, duration_ms=100_000, order=["ventral", "dorsal"])
    assert result.client.units == 80
    assert result.client.percent == 0.75
    assert result.client.kappa == pytest.approx(0.5)
    assert result.client.matrix == [[40, 0], [20, 20]]
    assert (result.moments[0].start_ms, result.moments[0].end_ms) == (60_000, 80_000)
    assert result.self_lane.units == 0 and result.self_lane.kappa is None


def test_time_in_a_break_is_not_counted():
    a, b = view(client(0, "ventral")), view(client(0, "dorsal"))
    result = compare(a, b, duration_ms=100_000, pauses=[Pause(10_000, 40_000)])
    assert result.client.units == 70


def test_kappa_matches_scikit_learn_on_many_units():
    a = view(client(0, "ventral"), client(700, "sympathetic"), client(1900, "dorsal"),
             client(3100, "ventral"), client(4000, "dorsal"))
    b = view(client(0, "sympathetic"), client(900, "sympathetic"), client(2200, "dorsal"),
             client(2900, "ventral"), client(4400, "ventral"))
    result = compare(a, b, duration_ms=5000, unit_ms=100)
    labels_a, labels_b = [], []
    for m in range(50, 5000, 100):
        labels_a.append([i.state for i in a.lanes["client"] if i.start_ms <= m][-1])
        labels_b.append([i.state for i in b.lanes["client"] if i.start_ms <= m][-1])
    assert result.client.units == 50
    assert result.client.kappa == pytest.approx(cohen_kappa_score(labels_a, labels_b))


def test_ruptures_29_s_apart_match_and_31_s_apart_do_not():
    a = view(rupture(100_000, "withdrawal"), repair(150_000),
             rupture(400_000, "confrontation"), repair(450_000))
    b = view(rupture(129_000, "withdrawal"), repair(160_000),
             rupture(431_000, "confrontation"), repair(460_000))
    r = compare(a, b, duration_ms=600_000).ruptures
    assert (r.in_a, r.in_b, r.matched) == (2, 2, 1)
    assert r.pairs == [(100_000, 129_000)]
    assert r.precision == 0.5 and r.recall == 0.5 and r.f1 == 0.5
    assert r.mean_onset_offset_ms == 29_000
    assert r.type_agreement == 1.0 and r.types_compared == 1
    assert r.only_a == [400_000] and r.only_b == [431_000]


def test_matching_is_one_to_one_and_counts_type_disagreement():
    a = view(rupture(100_000, "withdrawal"), repair(110_000),
             rupture(120_000, "confrontation"), repair(130_000))
    b = view(rupture(105_000, "confrontation"), repair(200_000))
    r = compare(a, b, duration_ms=300_000).ruptures
    assert r.matched == 1 and r.pairs == [(100_000, 105_000)]
    assert r.precision == 1.0 and r.recall == 0.5 and r.f1 == pytest.approx(2 / 3)
    assert r.type_agreement == 0.0


def test_no_ruptures_at_all_leaves_the_figures_undefined_not_zero():
    a = view(client(0, "ventral"))
    r = compare(a, a, duration_ms=10_000).ruptures
    assert (r.in_a, r.in_b, r.matched) == (0, 0, 0)
    assert r.precision is r.recall is r.f1 is r.mean_onset_offset_ms is None
    only_a = compare(view(rupture(1000)), a, duration_ms=10_000).ruptures
    assert only_a.recall == 0.0 and only_a.precision is None and only_a.f1 == 0.0


def test_the_headline_says_n_a_where_a_figure_is_undefined():
    a = view(client(0, "ventral"), rupture(10_000), repair(20_000))
    b = view(client(0, "dorsal"), rupture(45_000), repair(50_000))
    assert headline(compare(a, b, duration_ms=100_000)) == {
        "client": "0% agree, κ\u00a00.00", "self": "no time both noted",
        "precision": "0%", "recall": "0%", "f1": "0.00"}
    assert headline(compare(view(), view(), duration_ms=100_000))["f1"] == "n/a"


def test_a_unit_must_have_length():
    a = view(client(0, "ventral"))
    with pytest.raises(AgreementError):
        compare(a, a, duration_ms=1000, unit_ms=0)


def test_a_stored_session_against_a_coded_layer(fresh_store, scheme):
    sid = make_demo_session(fresh_store, scheme, seed=2)
    with pytest.raises(AgreementError, match="no second coder"):
        session_agreement(fresh_store, sid)
    cursor = {"ms": 0}
    rec = LayerRecorder.open(fresh_store, sid, "supervisor",
                             CursorClock(lambda: cursor["ms"], FakeClock()))
    live = fold(fresh_store.events(sid))
    for interval in live.lanes["client"]:
        cursor["ms"] = interval.start_ms
        rec.client(interval.state)
    result = session_agreement(fresh_store, sid)
    assert (result.coder_a, result.coder_b) == (CLINICIAN, "supervisor")
    assert result.client.percent == 1.0
    assert result.ruptures.in_b == 0 and result.ruptures.recall == 0.0
    assert json.loads(json.dumps(result.to_dict()))["self"]["units"] == 0


def test_the_command_line_prints_the_same_figures(tmp_path, scheme, capsys):
    from attune_companion.cli import main
    from attune_companion.store import Store

    path = tmp_path / "attune.db"
    with Store.open(path) as store:
        sid = make_demo_session(store, scheme, seed=3)
        cursor = {"ms": 0}
        rec = LayerRecorder.open(store, sid, "observer",
                                 CursorClock(lambda: cursor["ms"], FakeClock()))
        for ep in fold(store.events(sid)).episodes:
            cursor["ms"] = ep.start_ms + 29_000
            rec.rupture(ep.rupture_type)
            cursor["ms"] = (ep.end_ms or ep.start_ms) + 30_000
            rec.repair()
        expected = session_agreement(store, sid, unit_ms=2000).to_dict()
    assert main(["--db", str(path), "agreement", str(sid), "--b", "observer", "--json",
                 "--unit", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ruptures"] == expected["ruptures"] and out["ruptures"]["recall"] == 1.0
    assert main(["--db", str(path), "agreement", str(sid), "--tolerance", "28"]) == 0
    assert "0 matched within 28 s" in capsys.readouterr().out
    assert main(["--db", str(path), "agreement", str(sid), "--b", "nobody"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no coder layer called 'nobody'" in err
    assert main(["--db", str(path), "agreement", str(sid), "--unit", "0"]) == 2
