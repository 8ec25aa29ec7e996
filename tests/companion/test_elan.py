"""The ELAN export: a session and its coder layers as tiers of an .eaf file that a kept
reader (pympi-ling) opens, with the recording linked and free text left out by default."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from attune_companion.cli import main
from attune_companion.clock import FakeClock
from attune_companion.comments import set_media_link
from attune_companion.corrections import retag
from attune_companion.demo import make_demo_session
from attune_companion.elan import MARK_MS, session_eaf
from attune_companion.events import Kind, effective_taps
from attune_companion.fold import fold
from attune_companion.layers import CursorClock, LayerRecorder, coder_state
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store

pympi = pytest.importorskip("pympi")

SECRET = "SENTINEL-elan-note-8e2b"
WHAT = ("client state", "self state", "ruptures", "repairs", "notes")


def read(data: bytes, tmp_path: Path) -> object:
    path = tmp_path / "session.eaf"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unknown EAF version would warn
        return pympi.Elan.Eaf(str(path))


@pytest.fixture
def coded(fresh_store: Store, scheme: Scheme) -> int:
    """A demo session, corrected, with a supervisor's layer (with a typed note)."""
    session_id = make_demo_session(fresh_store, scheme, seed=2)
    tap = next(e for e in effective_taps(fresh_store.events(session_id))
               if e.kind is Kind.CLIENT)
    retag(fresh_store, session_id, tap.id, value="dorsal")
    cursor = [60_000]
    layer = LayerRecorder.open(fresh_store, session_id, "supervisor",
                               CursorClock(lambda: cursor[0], FakeClock()))
    layer.client("sympathetic")
    layer.note("note", SECRET)
    layer.note("glimmer")  # the same millisecond: one annotation
    cursor[0] = 500_000
    layer.rupture("withdrawal", ["denial"])
    cursor[0] = 560_000
    layer.repair_attempt(["clarify"])
    cursor[0] = 600_000
    layer.repair(["acknowledge"])
    layer.client("ventral")
    return session_id


def spans(eaf: object, tier: str) -> list[tuple[int, int, str]]:
    return sorted(eaf.get_annotation_data_for_tier(tier))  # type: ignore[attr-defined]


def test_every_view_is_a_set_of_tiers_that_pympi_reads(
    fresh_store: Store, coded: int, tmp_path: Path
) -> None:
    eaf = read(session_eaf(fresh_store, coded), tmp_path)
    names = list(eaf.get_tier_names())  # type: ignore[attr-defined]
    assert names == [f"{coder} - {what}" for coder in ("clinician", "supervisor")
                     for what in WHAT] + ["session - breaks"]
    state = fold(fresh_store.events(coded))
    end = state.ended_ms
    expected = [(iv.start_ms, iv.end_ms, iv.state.capitalize())
                for iv in state.lanes["client"] if iv.end_ms != iv.start_ms]
    assert spans(eaf, "clinician - client state") == expected
    ruptures = spans(eaf, "clinician - ruptures")
    assert [(s, e) for s, e, _ in ruptures] == [(ep.start_ms, ep.end_ms)
                                                for ep in state.episodes]
    assert [value.endswith("(unrepaired)") for _, _, value in ruptures] == [
        ep.unrepaired for ep in state.episodes]
    assert any(ep.unrepaired for ep in state.episodes) and ruptures[-1][1] == end
    assert spans(eaf, "session - breaks") == [(p.start_ms, p.end_ms, "Break")
                                              for p in state.pauses]
    layer = coder_state(fresh_store, coded, "supervisor")
    assert spans(eaf, "supervisor - client state") == [
        (60_000, 600_000, "Sympathetic"), (600_000, end, "Ventral")]
    assert spans(eaf, "supervisor - ruptures") == [(500_000, 600_000, "Withdrawal: Denial")]
    assert spans(eaf, "supervisor - repairs") == [
        (560_000, 560_000 + MARK_MS, "Repair attempt: Clarify a misunderstanding"),
        (600_000, 600_000 + MARK_MS, "Repair: Acknowledge own contribution")]
    assert spans(eaf, "supervisor - notes") == [(60_000, 60_000 + MARK_MS, "Note; Glimmer")]
    assert layer.episodes[0].repair_ms == 600_000


def test_no_tier_holds_overlapping_or_empty_annotations(
    fresh_store: Store, scheme: Scheme, tmp_path: Path
) -> None:
    for seed in range(4):
        session_id = make_demo_session(fresh_store, scheme, seed=seed)
        eaf = read(session_eaf(fresh_store, session_id), tmp_path)
        for tier in eaf.get_tier_names():  # type: ignore[attr-defined]
            found = spans(eaf, tier)
            assert all(start < stop for start, stop, _ in found), tier
            assert all(a[1] <= b[0] for a, b in zip(found, found[1:])), tier


def test_free_text_and_the_recordings_folder_are_left_out_unless_asked_for(
    fresh_store: Store, coded: int, tmp_path: Path
) -> None:
    video = tmp_path / "videos" / "session 3.mp4"
    set_media_link(fresh_store, coded, video, offset_ms=12_500)
    shared = session_eaf(fresh_store, coded)
    assert SECRET.encode() not in shared and b"videos" not in shared
    (link,) = read(shared, tmp_path).get_linked_files()  # type: ignore[attr-defined]
    assert link == {"MEDIA_URL": "./session%203.mp4", "RELATIVE_MEDIA_URL": "./session%203.mp4",
                    "MIME_TYPE": "video/mp4", "TIME_ORIGIN": "12500"}
    full = session_eaf(fresh_store, coded, redact=False, eaf_path=tmp_path / "out" / "s.eaf")
    eaf = read(full, tmp_path)
    (link,) = eaf.get_linked_files()  # type: ignore[attr-defined]
    assert link["MEDIA_URL"] == video.as_uri()
    assert link["RELATIVE_MEDIA_URL"] == "../videos/session%203.mp4"
    assert (60_000, 60_000 + MARK_MS, f"Note: {SECRET}; Glimmer") in spans(
        eaf, "supervisor - notes")


def test_a_session_without_a_recording_has_no_media_descriptor(
    recorder: Recorder, clock: FakeClock, fresh_store: Store, tmp_path: Path
) -> None:
    recorder.client("ventral")
    clock.advance(10)
    recorder.rupture(None)
    recorder.repair()  # in the rupture's own millisecond: still shown, for a moment
    clock.advance(10)
    recorder.end()
    eaf = read(session_eaf(fresh_store, recorder.session.id), tmp_path)
    assert eaf.get_linked_files() == []  # type: ignore[attr-defined]
    assert spans(eaf, "clinician - ruptures") == [(10_000, 10_000 + MARK_MS, "Untyped")]
    assert spans(eaf, "clinician - client state") == [(0, 20_000, "Ventral")]


def test_attune_cli_exports_one_session_for_elan(
    fresh_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], scheme: Scheme
) -> None:
    db = tmp_path / "attune.db"
    with Store.open(db) as store:
        first = make_demo_session(store, scheme)
        second = make_demo_session(store, scheme)
    out = tmp_path / "coded.eaf"
    assert main(["--db", str(db), "export", str(first), "--format", "eaf", "-o", str(out)]) == 0
    assert "Wrote the events of record" in capsys.readouterr().out
    assert "clinician - ruptures" in read(out.read_bytes(), tmp_path).get_tier_names()  # type: ignore[attr-defined]
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert main(["--db", str(db), "export", str(first), str(second), "--format", "eaf",
                 "-o", str(tmp_path / "two.eaf")]) == 1
    assert "one session" in capsys.readouterr().err
    assert not (tmp_path / "two.eaf").exists()
