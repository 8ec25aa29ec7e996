"""Backups are consistent checked copies, thinned over time, and restore puts one back."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from companion import backup
from companion.clock import FakeClock
from companion.errors import CorruptDatabase, DatabaseLocked
from companion.recorder import Recorder
from companion.scheme import default_scheme
from companion.store import Store
from companion.paths import POSIX_MODES  # Windows has no file modes (see paths)


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "attune.db"
    with Store.open(path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
        rec.client("ventral")
        rec.end()
    return path


def test_backup_is_a_checked_private_copy_with_every_event(db_path):
    with Store.open(db_path) as store:
        made = backup.make_backup(store)
        events = store.events(1)
    assert not POSIX_MODES or os.stat(made).st_mode & 0o777 == 0o600
    with Store.open(made, readonly=True) as copy:
        assert copy.events(1) == events
        assert copy.verify() == []


def test_thinning_keeps_the_newest_and_one_a_day(db_path):
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    with Store.open(db_path) as store:
        for day in range(40):
            for hour in (0, 4):
                backup.make_backup(store, start + timedelta(days=day, hours=hour))
    names = [p.name for p in backup.backups(db_path)]
    newest_ten = [f"attune-202602{d:02d}-{h}.db" for d in (9, 8, 7, 6, 5) for h in ("130000", "090000")]
    assert names[:10] == newest_ten
    # Older than the ten newest: one per day, back to 30 days before the last backup.
    rest = names[10:]
    assert len(rest) == len({n[7:15] for n in rest}), "at most one backup per older day"
    assert rest[-1] == "attune-20260110-130000.db"


def test_restore_puts_the_backup_back_and_keeps_the_replaced_file(db_path):
    with Store.open(db_path) as store:
        made = backup.make_backup(store)
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-08")
        rec.client("dorsal")
        rec.end()
    aside = backup.restore(made, db_path)
    with Store.open(db_path, readonly=True) as store:
        assert [s.client_code for s in store.sessions()] == ["K-07"]
    with Store.open(aside, readonly=True) as old:
        assert len(old.sessions()) == 2


def test_restore_refuses_while_attune_runs_and_a_damaged_backup(db_path, tmp_path):
    with Store.open(db_path) as store:
        made = backup.make_backup(store)
        with pytest.raises(DatabaseLocked, match="Close Attune"):
            backup.restore(made, db_path)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    before = db_path.read_bytes()
    with pytest.raises(CorruptDatabase, match="nothing was changed"):
        backup.restore(bad, db_path)
    assert db_path.read_bytes() == before
