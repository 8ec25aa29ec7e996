"""Backups are consistent checked copies, thinned over time, and restore puts one back."""

from __future__ import annotations

import os
import shutil
import sqlite3
from types import SimpleNamespace
from datetime import UTC, datetime, timedelta

import pytest

from attune_companion import backup
from attune_companion.clock import FakeClock
from attune_companion.errors import CorruptDatabase, DatabaseLocked, StoreError
from attune_companion.recorder import Recorder
from attune_companion.schema import SCHEMA_VERSION
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion.paths import POSIX_MODES  # Windows has no file modes (see paths)


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
    shutil.rmtree(backup.backup_dir(db_path))  # the fixture's session end made one, today
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
    aside = backup.restore(made, db_path).aside
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
    with pytest.raises(CorruptDatabase, match="Nothing was changed"):
        backup.restore(bad, db_path)
    assert db_path.read_bytes() == before


# -- restore takes only a checked Attune database, and never loses the one it replaces -------


def foreign_sqlite(path):
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
    conn.close()


def newer_schema(path, db_path):
    shutil.copy2(db_path, path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def damaged_session_row(path, db_path):
    shutil.copy2(db_path, path)
    data = bytearray(path.read_bytes())
    at = data.find(b'"states"')
    data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
    path.write_bytes(bytes(data))


def planted_trigger(path, db_path):
    shutil.copy2(db_path, path)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TRIGGER t AFTER INSERT ON events BEGIN SELECT 1; END")
    conn.close()


@pytest.mark.parametrize("make, refusal", [
    (lambda p, db: foreign_sqlite(p), "not an Attune database"),
    (lambda p, db: p.write_bytes(b""), "not an Attune database"),
    (newer_schema, "newer Attune"),
    (damaged_session_row, "failed its check"),
    (planted_trigger, "failed its check .*did not create"),
])
def test_restore_refuses_anything_but_a_checked_attune_database(db_path, tmp_path, make,
                                                                  refusal):
    candidate = tmp_path / "candidate.db"
    make(candidate, db_path)
    current = db_path.read_bytes()
    with pytest.raises(StoreError, match=f"Not restored: .*{refusal}"):
        backup.restore(candidate, db_path)
    assert db_path.read_bytes() == current
    left = {p.name for p in tmp_path.iterdir()} - {"candidate.db-wal", "candidate.db-shm"}
    assert left == {"attune.db", "attune.db.lock", "backups", "candidate.db"}, "no copy left"


def test_two_restores_in_one_second_keep_both_replaced_databases(db_path, monkeypatch):
    class OneSecond(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 3, 1, 14, 15, tzinfo=UTC)

    [one_session] = backup.backups(db_path)
    with Store.open(db_path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-08")
        rec.end()
    monkeypatch.setattr(backup, "datetime", OneSecond)
    first = backup.restore(one_session, db_path)
    second = backup.restore(one_session, db_path)
    assert (first.sessions, first.replaced_sessions) == (1, 2)
    assert (second.sessions, second.replaced_sessions) == (1, 1)
    assert first.aside != second.aside
    assert first.aside.name == "attune-replaced-20260301-141500.db"
    assert second.aside.name == "attune-replaced-20260301-141500-2.db"
    for kept, sessions in ((first.aside, 2), (second.aside, 1)):
        with Store.open(kept, readonly=True) as old:
            assert len(old.sessions()) == sessions


def test_a_replaced_database_can_be_restored_with_its_log(db_path, tmp_path):
    """A set-aside copy keeps its -wal beside it; restoring it brings what the log held."""
    store = Store.open(db_path)
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-08")
    rec.client("ventral")
    wal_copy = tmp_path / "live-copy.db"
    for suffix in ("", "-wal"):
        shutil.copy2(db_path.with_name(db_path.name + suffix),
                     wal_copy.with_name(wal_copy.name + suffix))
    store.close()
    assert wal_copy.stat().st_size <= 4096 * 64 and wal_copy.with_name(
        wal_copy.name + "-wal").stat().st_size > 0, "the second session is in the -wal"
    done = backup.restore(wal_copy, db_path)
    assert done.sessions == 2
    with Store.open(db_path, readonly=True) as restored:
        assert [e.value for e in restored.events(rec.session.id)] == ["ventral"]


# -- a database that holds less than its newest backup --------------------------------------


def test_a_database_that_lost_sessions_points_to_the_newer_backup(db_path, tmp_path):
    one_session = db_path.read_bytes()  # the file after the first session (closed, folded in)
    with Store.open(db_path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-08")
        rec.client("dorsal")
        rec.end()
        assert backup.newer_backup_than(store) is None, "as much as the newest backup"
    db_path.write_bytes(one_session)  # e.g. the -wal lost in a crash
    with Store.open(db_path, readonly=True) as store:
        newer = backup.newer_backup_than(store)
    assert newer is not None and newer.path == backup.backups(db_path)[0]
    assert (newer.sessions_in_backup, newer.sessions_here) == (2, 1)
    assert "holds 2 sessions; this database holds 1" in newer.describe()


def test_no_backup_is_offered_where_there_is_none(tmp_path):
    with Store.open(tmp_path / "new.db") as store:
        assert backup.newer_backup_than(store) is None
    assert backup.newer_backup_than(Store.memory()) is None


def test_a_backup_beside_the_window_is_one_moment_while_taps_land_between_its_steps(
    db_path, monkeypatch
):
    """The window backs up on a thread of its own, a few pages at a time; taps committed
    between the steps neither restart the copy (it would never end under tapping) nor get
    half into it."""
    with Store.open(db_path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-08")
        for _ in range(300):
            rec.client("ventral")  # enough pages for many steps
        before = store.events(rec.session.id)
        landed = []

        def tap_between_steps(_seconds: float) -> None:
            if len(landed) < 50:
                landed.append(rec.client("dorsal").event)

        monkeypatch.setattr(backup, "time", SimpleNamespace(sleep=tap_between_steps))
        made = backup.back_up_file(db_path, step_pages=1)
        assert len(landed) >= 10, "the copy went on while taps were committed"
        if POSIX_MODES:
            assert os.stat(made).st_mode & 0o777 == 0o600
        with Store.open(made, readonly=True) as copy:
            assert copy.events(rec.session.id) == before
            assert copy.verify() == []


def test_the_end_of_a_session_hands_its_backup_to_who_asked_or_makes_it_there(tmp_path):
    """Every end goes through session_ended: the window's recorder hands the backup to its
    own thread (after the checkpoint, so the file alone is whole); without one (the command
    line) it is made there and then; a hand-over that fails is said like a failed backup."""
    path = tmp_path / "attune.db"
    with Store.open(path) as store:
        handed: list[tuple[Store, int]] = []

        def later(given: Store) -> None:
            wal = path.with_name(path.name + "-wal")
            handed.append((given, wal.stat().st_size if wal.exists() else 0))

        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07", back_up=later)
        rec.client("ventral")
        change = rec.end()
        assert change.backup_problem is None and handed == [(store, 0)]
        assert backup.backups(path) == [], "made by who asked, not here"

        Recorder.start(store, default_scheme(), FakeClock(), "K-08").end()
        assert len(backup.backups(path)) == 1

        def refused(_store: Store) -> None:
            raise OSError("no room for a thread")

        change = Recorder.start(store, default_scheme(), FakeClock(), "K-09",
                                back_up=refused).end()
        assert change.state.ended and "no room for a thread" in change.backup_problem
