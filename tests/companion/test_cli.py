"""attune-cli: each command through `main`, on a temporary database.

User mistakes must give one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from attune_companion.cli import main
from attune_companion.clock import FakeClock
from attune_companion.demo import GENERIC_NOTES, make_demo_session
from attune_companion.events import Kind
from attune_companion.fold import SessionState, fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme, session_scheme
from attune_companion.store import Store
from attune_companion.summary import summarise
from attune_companion.paths import POSIX_MODES  # Windows has no file modes (see paths)

SENTINEL = "SENTINEL-cli-note-5b7e"
COMMANDS = ("sessions", "summary", "export", "verify", "demo")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database path that does not exist yet; also the $ATTUNE_DB default."""
    path = tmp_path / "data" / "attune.db"
    monkeypatch.setenv("ATTUNE_DB", str(path))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def assert_one_line(err: str) -> None:
    assert err.startswith("attune-cli") and err.endswith("\n") and err.count("\n") == 1, err


def record_with_note(db: Path, *, end: bool = True) -> int:
    """A short session for K-07 with a typed note holding SENTINEL."""
    clock = FakeClock()
    with Store.open(db) as store:
        rec = Recorder.start(store, default_scheme(), clock, "K-07", number=3)
        clock.advance(10)
        rec.client("ventral")
        clock.advance(20)
        rec.rupture("confrontation", ["complaint_progress"])
        rec.note("note", SENTINEL)
        if end:
            rec.end()
        return rec.session.id


# -- version ---------------------------------------------------------------------------------


def test_version_names_the_program_the_version_and_the_distribution(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What a clinician is asked for in a problem report; it needs no database."""
    from attune_companion import about

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"attune-cli {about.version()} (attune-companion)\n"
    assert about.version() != "unknown"


# -- sessions ------------------------------------------------------------------------------


def test_demo_then_sessions_lists_it(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--seed", "4")
    assert code == 0
    assert "Made a demo session for client DEMO-01: record 1." in out
    assert "attune-cli summary 1" in out
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    header, line = out.splitlines()
    assert header.split()[:4] == ["Record", "Date", "Client", "Session"]
    assert line.split()[0] == "1" and "DEMO-01" in line and line.endswith("ended")
    assert "repaired" in line and " min " in line


def test_sessions_filters_by_client_and_warns_on_a_name(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "demo", "--client", "A-1"]) == 0
    assert main(["--db", str(db), "demo", "--client", "Jane Doe"]) == 0
    _, err = capsys.readouterr()
    assert "looks like a person's name" in err
    code, out, err = run(capsys, "--db", str(db), "sessions", "--client", "a-1")
    assert code == 0 and err == ""
    assert "A-1" in out and "Jane Doe" not in out
    code, out, err = run(capsys, "sessions", "--client", "Jane Doe")
    assert code == 0 and "Jane Doe" in out and "looks like a person's name" in err
    code, out, _ = run(capsys, "sessions", "--client", "B-2")
    assert code == 0 and out.startswith("No sessions for client B-2")


def test_sessions_marks_interrupted_and_running_sessions(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = record_with_note(db, end=False)  # the app went away mid-session
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    line = out.splitlines()[1]
    assert line.split()[0] == str(session_id) and line.endswith("INTERRUPTED")
    assert "1 open" in line
    assert "open Attune to resume or close" in out
    with Store.open(db) as store:  # Attune running again, recording a new session
        Recorder.start(store, default_scheme(), FakeClock(), "K-08")
        code, out, _ = run(capsys, "sessions")
    assert code == 0
    assert {line.split()[0]: line for line in out.splitlines()[1:3]}["2"].endswith(
        "recording now")


# -- summary -------------------------------------------------------------------------------


def test_summary_as_text_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session_id = record_with_note(db)
    code, out, _ = run(capsys, "summary", str(session_id))
    assert code == 0
    assert out.startswith(f"record {session_id} · K-07 · session 3 · ")
    assert "Session summary (ended)" in out and "Confrontation" in out
    code, out, _ = run(capsys, "summary", str(session_id), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["session"]["client_code"] == "K-07" and doc["session"]["number"] == 3
    with Store.open(db, readonly=True) as store:
        row = store.session(session_id)
        expected = summarise(fold(store.events(session_id)), session_scheme(row.scheme_json, 1))
    assert doc["summary"] == json.loads(json.dumps(expected.to_dict()))


# -- export --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_is_private_redacted_by_default_and_audited(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    session_id = record_with_note(db)
    redacted, full = tmp_path / f"shared.{fmt}", tmp_path / f"mine.{fmt}"
    code, out, err = run(capsys, "export", str(session_id), "--format", fmt, "-o", str(redacted))
    assert code == 0 and err == "" and "free text left out" in out
    code, _, _ = run(capsys, "export", str(session_id), "--format", fmt, "--include-notes",
                     "-o", str(full))
    assert code == 0
    for path in (redacted, full):
        assert not POSIX_MODES or stat.S_IMODE(path.stat().st_mode) == 0o600
        if fmt == "json":
            (doc,) = json.loads(path.read_bytes())["sessions"]
            assert doc["session"]["id"] == session_id
        else:
            assert list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    assert SENTINEL.encode() not in redacted.read_bytes()
    assert SENTINEL.encode() in full.read_bytes()
    with Store.open(db, readonly=True) as store:
        audit = store.audit_log(session_id)
    assert [(a["action"], a["detail"]) for a in audit] == [
        ("export", {"format": fmt, "redacted": True, "file": redacted.name}),
        ("export", {"format": fmt, "redacted": False, "file": full.name}),
    ]


def test_export_while_attune_runs_writes_the_file_and_notes_the_missing_audit(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = record_with_note(db)
    out_file = tmp_path / "s.json"
    with Store.open(db) as store:
        code, _, err = run(capsys, "export", str(session_id), "--format", "json",
                           "-o", str(out_file))
        assert store.audit_log() == []
    assert code == 0 and out_file.exists()
    assert "Attune is running" in err and "audit log" in err


def test_export_takes_several_sessions_or_all_of_a_client(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = record_with_note(db)
    with Store.open(db) as store:
        other = make_demo_session(store, default_scheme(), client_code="M-12")
        third = make_demo_session(store, default_scheme(), client_code="K-07")
    out_file = tmp_path / "k07.csv"
    code, out, _ = run(capsys, "export", "--client", "k-07", "--format", "csv",
                       "-o", str(out_file))
    assert code == 0 and "2 sessions" in out
    rows = list(csv.DictReader(io.StringIO(out_file.read_text("utf-8-sig"))))
    assert list(dict.fromkeys(int(r["session_id"]) for r in rows)) == [first, third]
    assert {r["client_code"] for r in rows} == {"K-07"}
    code, _, _ = run(capsys, "export", str(other), str(first), "--format", "json",
                     "-o", str(tmp_path / "two.json"))
    doc = json.loads((tmp_path / "two.json").read_bytes())
    assert code == 0 and [s["session"]["id"] for s in doc["sessions"]] == [other, first]
    with Store.open(db, readonly=True) as store:
        audited = [a["session_id"] for a in store.audit_log() if a["action"] == "export"]
    assert audited == [first, third, other, first]


# -- verify --------------------------------------------------------------------------------


def test_verify_ok(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record_with_note(db)
    assert run(capsys, "verify") == (0, "ok\n", "")


def test_verify_reports_broken_links(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record_with_note(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO events (session_id, kind, offset_ms, wall_utc) "
                 "VALUES (99, 'client_state', 0, '')")
    conn.commit()
    conn.close()
    code, out, err = run(capsys, "verify")
    assert code == 1 and "foreign key" in err and out == "", "problems go to stderr"


def test_verify_reports_a_damaged_file(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    conn = sqlite3.connect(db)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(db.read_bytes())
    page = (root - 1) * size  # the event log's own page (the schema's pages are not hit)
    data[page:page + size] = random.Random(3).randbytes(size)
    db.write_bytes(bytes(data))
    capsys.readouterr()
    code, out, err = run(capsys, "verify")
    assert code == 1 and "restore it from a backup" in err and out == "", "problems go to stderr"


def test_verify_warns_of_a_database_in_a_sync_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    synced = tmp_path / "Dropbox" / "attune.db"
    monkeypatch.setenv("ATTUNE_DB", str(synced))
    record_with_note(synced)
    code, out, err = run(capsys, "verify")
    assert (code, out) == (0, "ok\n")
    assert_one_line(err)
    assert "synced by Dropbox" in err and "--db" in err


# -- help and mistakes ---------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_exits_zero(capsys: pytest.CaptureFixture[str], command: str | None) -> None:
    argv = ["--help"] if command is None else [command, "--help"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.startswith("usage: attune-cli")


@pytest.mark.parametrize(
    ("argv", "expected_code", "says"),
    [
        (["summary", "999"], 1, "There is no record 999."),
        (["summary", "abc"], 2, "not a record number"),
        (["export", "1", "--format", "xml", "-o", "x"], 2, "invalid choice"),
        (["export", "1", "--format", "csv"], 2, "required"),
        (["export", "1", "--format", "csv", "-o", "/nonexistent/dir/x.csv"], 1,
         "Cannot write /nonexistent/dir/x.csv: No such file"),
        (["export", "--format", "csv", "-o", "x.csv"], 1, "Give the id of a session"),
        (["export", "1", "--client", "K-07", "--format", "csv", "-o", "x.csv"], 1,
         "not both"),
        (["export", "--client", "Z-99", "--format", "json", "-o", "x.json"], 1,
         "no sessions for client Z-99"),
        (["export", "1", "999", "--format", "csv", "-o", "x.csv"], 1, "no record 999"),
        (["frobnicate"], 2, "invalid choice"),
        ([], 2, "required"),
        (["sessions", "--client", "K/07"], 1, "client code may use"),
    ],
)
def test_mistakes_give_one_line_and_nonzero_exit(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected_code: int,
    says: str,
) -> None:
    record_with_note(db)
    code, out, err = run(capsys, *argv)
    assert code == expected_code and out == ""
    assert_one_line(err)
    assert says in err


def test_sessions_without_a_database_says_so(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "sessions")
    assert code == 1 and out == ""
    assert_one_line(err)
    assert "no Attune database" in err and not db.exists()


def test_demo_while_attune_runs_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(db):
        code, _, err = run(capsys, "demo")
    assert code == 1
    assert_one_line(err)
    assert "already running" in err


# -- the demo session ----------------------------------------------------------------------


def ventral_share(state: SessionState, lane: str) -> float:
    """The share of a lane's noted (unpaused) time spent ventral."""
    held: dict[str, int] = {}
    for iv in state.lanes[lane]:
        end = state.ended_ms if iv.end_ms is None else iv.end_ms
        held[iv.state] = held.get(iv.state, 0) + state.active_ms(iv.start_ms, end or 0)
    return held.get("ventral", 0) / sum(held.values())


@pytest.mark.parametrize("seed", range(6))
def test_demo_session_is_realistic_and_repeatable(seed: int) -> None:
    scheme = default_scheme()
    logs = []
    for _ in range(2):
        with Store.memory() as store:
            session_id = make_demo_session(store, scheme, seed=seed)
            row = store.session(session_id)
            log = store.events(session_id)
        logs.append([(e.kind, e.offset_ms, e.value, e.tags, e.text, e.target) for e in log])
    assert logs[0] == logs[1], "the same seed gives the same session"
    state = fold(log)
    assert row.status == "ended" and row.client_code == "DEMO-01" and state.ended_ms
    assert 49 * 60_000 <= state.active_ms(0, state.ended_ms) <= 52 * 60_000
    assert 3 <= len(state.episodes) <= 4
    last = state.episodes[-1]
    assert last.unrepaired or last.repair_ms >= state.ended_ms - 6 * 60_000
    assert {e.rupture_type for e in state.episodes} == {"withdrawal", "confrontation"}
    assert all(e.markers for e in state.episodes)
    assert sum(e.kind is Kind.UNDO for e in log) == 1
    assert len(state.pauses) == 1
    started = datetime.fromisoformat(row.started_utc)
    late_by = [
        (datetime.fromisoformat(e.wall_utc) - started).total_seconds() * 1000 - e.offset_ms
        for e in log
    ]
    assert sorted(round(d) for d in late_by if d > 0)[-1:] == [20_000], "one back-dated tap"
    assert ventral_share(state, "client") > 0.45 and ventral_share(state, "self") > 0.6
    assert [n.kind for n in state.notes].count("note") >= 2
    assert all(n.text in GENERIC_NOTES for n in state.notes if n.kind == "note")
    assert started < datetime.now(UTC) - timedelta(minutes=59)


def test_backups_lists_and_restore_puts_one_back(tmp_path, capsys):
    from attune_companion import backup as backups_module

    db = tmp_path / "attune.db"
    assert main(["--db", str(db), "demo"]) == 0
    with Store.open(db) as store:
        made = backups_module.make_backup(store)
    assert main(["--db", str(db), "demo", "--seed", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "backups"]) == 0
    assert str(made) in capsys.readouterr().out
    assert main(["--db", str(db), "restore", str(made)]) == 0
    assert "kept as" in capsys.readouterr().out
    with Store.open(db, readonly=True) as store:
        assert len(store.sessions()) == 1


def test_restore_of_a_missing_backup_is_one_clear_line(tmp_path, capsys):
    db = tmp_path / "attune.db"
    assert main(["--db", str(db), "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "restore", str(tmp_path / "nope.db")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no backup" in err and "Traceback" not in err


def test_bundle_then_import_into_another_database(tmp_path, capsys):
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    assert main(["--db", str(here), "demo"]) == 0
    out = tmp_path / "s.attune"
    assert main(["--db", str(here), "bundle", "1", "-o", str(out)]) == 0
    assert "free text left out" in capsys.readouterr().out
    assert main(["--db", str(there), "import", str(out)]) == 0
    assert "s.attune: record 1 · DEMO-01 · session 1 · " in capsys.readouterr().out
    assert main(["--db", str(there), "import", str(out)]) == 1
    err = capsys.readouterr().err
    assert "imported before" in err and err.count("\n") == 1
    with Store.open(there, readonly=True) as store:
        assert len(store.sessions()) == 1


def test_importing_a_session_whose_code_looks_like_a_name_says_so(tmp_path, capsys):
    """The import goes ahead (the code is the sender's); the warning is the start page's."""
    here, there = tmp_path / "here.db", tmp_path / "there.db"
    clock = FakeClock()
    with Store.open(here) as store:
        rec = Recorder.start(store, default_scheme(), clock, "JANE SMITH")
        clock.advance(10)
        rec.end()
    out = tmp_path / "s.attune"
    assert main(["--db", str(here), "bundle", "1", "-o", str(out)]) == 0
    capsys.readouterr()
    code, printed, err = run(capsys, "--db", str(there), "import", str(out))
    assert code == 0 and ": record 1 · JANE SMITH" in printed
    assert_one_line(err)
    assert "looks like a person's name" in err
