"""Every acknowledged tap survives the process being killed at any moment.

`tap_writer.py` records taps as fast as it can and prints each event id only after the
Recorder call returned. The test kills it with SIGKILL at a random moment, several times on
one database, and checks after each kill that every acknowledged event is in the store, the
database is healthy, and the session is offered as interrupted and can be closed.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from attune_companion.recorder import Recorder
from attune_companion.store import Store

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ROUNDS = 5

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _start_writer(db: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, str(HERE / "tap_writer.py"), str(db)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _kill_after_acks(db: Path, delay_s: float) -> tuple[int, list[int]]:
    """Run the writer, SIGKILL it `delay_s` after its first acknowledgement; returns the
    session id and every acknowledged event id."""
    writer = _start_writer(db)
    assert writer.stdout is not None
    lines: list[str] = []
    first_ack = threading.Event()

    def read() -> None:
        assert writer.stdout is not None
        for line in writer.stdout:
            lines.append(line)
            if len(lines) == 2:
                first_ack.set()
        first_ack.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not first_ack.wait(timeout=10):
        writer.kill()
        pytest.fail("the tap writer never acknowledged a tap")
    time.sleep(delay_s)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    reader.join(timeout=10)
    assert writer.returncode == -signal.SIGKILL, writer.stderr.read() if writer.stderr else ""
    complete = [line.split() for line in lines if line.endswith("\n")]
    assert complete and complete[0][0] == "session", lines[:3]
    return int(complete[0][1]), [int(fields[0]) for fields in complete[1:]]


def test_acknowledged_taps_survive_sigkill(tmp_path: Path) -> None:
    seed = int(os.environ.get("ATTUNE_KILL_SEED", time.time_ns() % 1_000_000))
    print(f"kill-test seed: {seed} (rerun with ATTUNE_KILL_SEED={seed})")
    rng = random.Random(seed)
    db = tmp_path / "attune.db"
    for round_no in range(1, ROUNDS + 1):
        where = f"seed {seed}, round {round_no}"
        session_id, acked = _kill_after_acks(db, rng.uniform(0.2, 1.0))
        assert acked, f"no tap acknowledged ({where})"
        with Store.open(db) as store:
            stored = {e.id for e in store.events(session_id)}
            lost = [i for i in acked if i not in stored]
            assert not lost, f"acknowledged taps lost after SIGKILL: {lost[:10]} ({where})"
            assert store.verify() == [], where
            assert session_id in {s.id for s in store.interrupted_sessions()}, where
            state = Recorder.close_interrupted(store, session_id).state
            assert state.ended, where
            assert store.session(session_id).status == "ended", where
            assert store.interrupted_sessions() == [], where
