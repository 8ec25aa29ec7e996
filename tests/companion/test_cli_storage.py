"""attune-cli's storage commands: `restore` says what it replaced, `backups` what each holds,
and `sessions` / `verify` note when the newest backup holds sessions the database lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from attune_companion import backup
from attune_companion.cli import main
from attune_companion.clock import FakeClock
from attune_companion.recorder import Recorder
from attune_companion.schema import APPLICATION_ID
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def sessions(db: Path, *codes: str) -> None:
    """Record and end one session per client code (each end makes a backup)."""
    with Store.open(db) as store:
        for code in codes:
            Recorder.start(store, default_scheme(), FakeClock(), code).end()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "attune.db"


def test_restore_says_how_many_sessions_each_side_held(db: Path, capsys) -> None:
    sessions(db, "K-01")
    [one] = backup.backups(db)
    sessions(db, "K-02", "K-03")
    code, out, _ = run(capsys, db, "backups")
    assert code == 0 and f"{one}  (" in out and "KiB, 1 session)" in out
    assert "KiB, 3 sessions)" in out
    code, out, _ = run(capsys, db, "restore", str(one))
    assert code == 0
    assert out.startswith(f"Restored {one} (1 session) to {db}. The database it replaced "
                          "(held 3 sessions) is kept as ")


def test_restore_of_another_programs_file_is_one_line_and_changes_nothing(
    db: Path, tmp_path: Path, capsys
) -> None:
    sessions(db, "K-01")
    other = tmp_path / "photos.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (name TEXT)")
    conn.close()
    before = db.read_bytes()
    code, _, err = run(capsys, db, "restore", str(other))
    assert code == 1 and err.count("\n") == 1 and "not an Attune database" in err
    assert db.read_bytes() == before


def test_a_db_file_whose_log_was_lost_is_noted_by_sessions_and_verify(db: Path, capsys) -> None:
    """What an older Attune left after a crash that lost the -wal: the 4 KiB first page."""
    sessions(db, "K-01", "K-02")
    db.unlink()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.close()
    newest = backup.backups(db)[0]

    code, out, err = run(capsys, db, "sessions")
    assert code == 0 and out.startswith("No sessions")
    assert err.count("\n") == 1 and "holds 2 sessions; this database holds 0" in err
    assert f"restore {newest}" in err
    code, out, err = run(capsys, db, "verify")
    assert (code, out) == (0, "ok (an empty database: no sessions yet)\n")
    assert "holds 2 sessions" in err
