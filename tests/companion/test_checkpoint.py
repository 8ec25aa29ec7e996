"""The database file alone is complete after a session ends, a checkpoint or a close.

In WAL mode every commit lands in `attune.db-wal` first; until a checkpoint folds it into
`attune.db`, the main file can stay at its first 4 KiB while every tap lives beside it. A
copy of just the `.db`, or a `-wal` lost after a crash, then opened an empty database
without a word. These tests kill the writer with SIGKILL (nothing is closed), delete the
`-wal`, and show what is guaranteed from the `.db` alone.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from attune_companion import backup
from attune_companion.clock import FakeClock
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def sidecars(db: Path) -> list[Path]:
    return [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]


def the_db_file_alone(db: Path, folder: Path) -> Path:
    """A copy of only the `.db` (as if carried to a new computer, or its -wal lost)."""
    folder.mkdir()
    alone = folder / db.name
    shutil.copy2(db, alone)
    return alone


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_after_a_session_end_or_a_checkpoint_the_db_file_alone_holds_it(tmp_path: Path) -> None:
    db = tmp_path / "attune.db"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    writer = subprocess.Popen(
        [sys.executable, str(HERE / "wal_writer.py"), str(db)], cwd=REPO, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert writer.stdout is not None
    watchdog = threading.Timer(60, writer.kill)  # a writer that hangs fails, never blocks
    watchdog.start()
    steps = {}
    try:
        for line in writer.stdout:
            if line.strip() == "ready":
                break
            what, session, *ids = line.split()
            steps[what] = (int(session), [int(i) for i in ids])
        else:
            pytest.fail(f"the writer stopped: {writer.stderr.read() if writer.stderr else ''}")
    finally:
        watchdog.cancel()
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=10)  # reaps it and closes its pipes
    wal, _ = sidecars(db)
    assert wal.exists() and wal.stat().st_size > 0, "the last taps are only in the -wal"
    for sidecar in sidecars(db):
        sidecar.unlink()

    with Store.open(db, readonly=True) as store:
        ended_id, ended_events = steps["ended"]
        assert store.session(ended_id).status == "ended"
        assert [e.id for e in store.events(ended_id)] == ended_events
        live_id, checkpointed = steps["checkpointed"]
        kept = [e.id for e in store.events(live_id)]
        assert kept[:len(checkpointed)] == checkpointed
        assert store.verify() == []


def test_closing_folds_the_log_in_even_while_another_program_reads(tmp_path: Path) -> None:
    db = tmp_path / "attune.db"
    reader = sqlite3.connect(db)  # e.g. attune-cli listing sessions during the session
    try:
        store = Store.open(db)
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
        taps = [rec.client("ventral").event for _ in range(20)]
        assert reader.execute("SELECT count(*) FROM events").fetchone() == (20,)
        store.close()  # mid-session: the window closed (SQLite leaves the log to the reader)
        alone = the_db_file_alone(db, tmp_path / "elsewhere")
    finally:
        reader.close()
    with Store.open(alone, readonly=True) as copy:
        assert copy.events(rec.session.id) == taps


def test_closing_an_interrupted_session_backs_it_up_like_any_end(tmp_path: Path) -> None:
    db = tmp_path / "attune.db"
    store = Store.open(db)
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    rec.client("dorsal")
    store.close()  # a crash: the session stays live, then is found interrupted
    with Store.open(db) as store:
        change = Recorder.close_interrupted(store, rec.session.id)
        assert change.state.ended and change.backup_problem is None
        [made] = backup.backups(db)
        with Store.open(made, readonly=True) as copy:
            assert copy.session(rec.session.id).status == "ended"
            assert copy.events(rec.session.id) == store.events(rec.session.id)


def test_a_checkpoint_says_when_a_reader_held_part_of_the_log_back(tmp_path: Path) -> None:
    db = tmp_path / "attune.db"
    with Store.open(db) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
        rec.client("ventral")
        reader = sqlite3.connect(db, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM events").fetchone()  # reads an older snapshot
        rec.client("dorsal")
        assert store.checkpoint(wait=False) is False, "the idle checkpoint never waits"
        reader.execute("COMMIT")
        reader.close()
        assert store.checkpoint(wait=False) is True
        assert store.checkpoint() is True
