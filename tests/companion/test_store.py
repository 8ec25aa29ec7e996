"""The store on disk: private files, append-only events, one commit per event, and refusals
that leave a file they cannot use exactly as it was."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from attune_companion.clock import FakeClock
from attune_companion.errors import (
    CorruptDatabase,
    DatabaseLocked,
    InvalidClientCode,
    NewerDatabase,
)
from attune_companion.events import Kind
from attune_companion.recorder import Recorder
from attune_companion.schema import APPLICATION_ID, SCHEMA_VERSION
from attune_companion.scheme import default_scheme
from attune_companion.paths import POSIX_MODES
from attune_companion.store import Store

REPO = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, taps: int = 0) -> int:
    """An Attune database at `path` holding one ended session with `taps` client taps."""
    clock = FakeClock()
    with Store.open(path) as store:
        rec = Recorder.start(store, default_scheme(), clock, "K-07")
        for i in range(taps):
            clock.advance(5)
            rec.client(("ventral", "sympathetic", "dorsal")[i % 3])
        rec.end()
        return rec.session.id


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "attune.db"


# -- files on disk -------------------------------------------------------------------------


@pytest.mark.skipif(not POSIX_MODES, reason="Windows has no file modes (see attune_companion.paths)")
def test_new_database_is_private_in_a_private_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "nested" / "attune.db"
    with Store.open(path):
        pass
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700


@pytest.mark.skipif(not POSIX_MODES, reason="Windows has no file modes (see attune_companion.paths)")
def test_wal_files_are_private_after_writes(db_path: Path) -> None:
    with Store.open(db_path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
        rec.client("ventral")
        wal_files = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in wal_files)
        assert [mode(p) for p in wal_files] == [0o600, 0o600]


def test_database_carries_attune_application_id(db_path: Path) -> None:
    make_db(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


# -- append-only, committed ----------------------------------------------------------------


def test_events_refuse_update_and_delete(db_path: Path) -> None:
    with Store.open(db_path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
        tap = rec.client("ventral").event
        for sql in ("UPDATE events SET value = 'dorsal' WHERE id = ?",
                    "DELETE FROM events WHERE id = ?"):
            with pytest.raises(sqlite3.IntegrityError, match="events are append-only"):
                store.db.execute(sql, [tap.id])
        assert store.events(rec.session.id) == [tap]


def test_each_append_is_committed_before_it_returns(db_path: Path) -> None:
    with Store.open(db_path) as store:
        rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
        other = sqlite3.connect(db_path)
        for state in ("ventral", "dorsal", "sympathetic"):
            tap = rec.client(state).event
            seen = other.execute(
                "SELECT kind, value FROM events WHERE id = ?", [tap.id]
            ).fetchone()
            assert seen == (Kind.CLIENT.value, state)
        other.close()


# -- refusals leave the file untouched ------------------------------------------------------


def test_random_bytes_are_refused_untouched(db_path: Path) -> None:
    db_path.write_bytes(random.Random(1).randbytes(8192))
    before = digest(db_path)
    with pytest.raises(CorruptDatabase, match="not a readable Attune database.*left untouched"):
        Store.open(db_path)
    assert digest(db_path) == before


def _damage_page(path: Path, which: str) -> None:
    """Overwrite the schema page ("first", after the file header) or the last page, of the
    event table written last ("last"), with random bytes."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert pages > 4
    data = bytearray(path.read_bytes())
    start, end = (100, page_size) if which == "first" else (
        (pages - 1) * page_size, pages * page_size)
    data[start:end] = random.Random(2).randbytes(end - start)
    path.write_bytes(bytes(data))


def test_attune_database_with_a_damaged_schema_page_is_refused_untouched(db_path: Path) -> None:
    make_db(db_path, taps=400)
    _damage_page(db_path, "first")
    before = digest(db_path)
    for readonly in (False, True):
        with pytest.raises(CorruptDatabase, match="not a readable Attune database.*untouched"):
            Store.open(db_path, readonly=readonly)
    assert digest(db_path) == before
    wal = db_path.with_name(db_path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_an_attune_database_without_its_event_table_is_refused_untouched(db_path: Path) -> None:
    make_db(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TABLE events")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(CorruptDatabase, match="no events table.*restore it from a backup"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_damage_deep_in_the_file_is_left_to_verify_not_read_at_every_start(
    db_path: Path,
) -> None:
    """Opening reads the header and the schema, a few pages whatever the size of years of
    sessions; every page is read by `verify` (and by the check of each backup)."""
    make_db(db_path, taps=400)
    _damage_page(db_path, "last")
    before = digest(db_path)
    with Store.open(db_path, readonly=True) as store:
        try:
            problems = store.verify()
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
    assert problems
    assert digest(db_path) == before


def test_foreign_sqlite_database_is_refused_untouched(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.executescript("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
    conn.close()
    before = digest(db_path)
    with pytest.raises(CorruptDatabase, match="not an Attune database"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_database_from_a_newer_attune_is_refused_untouched(db_path: Path) -> None:
    make_db(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(db_path)
    for readonly in (False, True):
        with pytest.raises(NewerDatabase, match="newer Attune.*left untouched"):
            Store.open(db_path, readonly=readonly)
    assert digest(db_path) == before


def test_second_instance_in_this_process_is_refused(db_path: Path) -> None:
    with Store.open(db_path) as store:
        Recorder.start(store, default_scheme(), FakeClock(), "K-07").client("ventral")
        with pytest.raises(DatabaseLocked, match="already running"):
            Store.open(db_path)
        with Store.open(db_path, readonly=True) as reader:  # the CLI can still read
            assert len(reader.sessions()) == 1
    with Store.open(db_path):  # the lock goes with the first instance
        pass


def test_second_instance_while_another_process_holds_it_is_refused(db_path: Path) -> None:
    make_db(db_path, taps=3)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from attune_companion.store import Store\n"
         f"s = Store.open({str(db_path)!r}); print('ready', flush=True); sys.stdin.read()"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        before = digest(db_path)
        with pytest.raises(DatabaseLocked, match="Close the other window first"):
            Store.open(db_path)
        assert digest(db_path) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
    with Store.open(db_path):
        pass


def test_opening_an_up_to_date_database_and_recording_do_not_import_sqlite_utils(
    db_path: Path,
) -> None:
    """sqlite-utils costs ~40 ms of start-up; only an upgrade or a later feature needs it."""
    make_db(db_path)
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys\n"
         "from attune_companion.clock import FakeClock\n"
         "from attune_companion.recorder import Recorder\n"
         "from attune_companion.scheme import default_scheme\n"
         "from attune_companion.store import Store\n"
         f"store = Store.open({str(db_path)!r})\n"
         "store.sessions(); store.interrupted_sessions(); store.client_codes()\n"
         "rec = Recorder.start(store, default_scheme(), FakeClock(), 'K-08')\n"
         "rec.client('ventral')\n"
         "print(sorted(m for m in sys.modules if m.startswith('sqlite_utils')))"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == "[]"
    with Store.open(db_path) as store:
        assert [e.value for e in store.events(store.sessions()[0].id)][-1:] == ["ventral"]


@pytest.mark.parametrize("code", ["", "   ", "K/07", "x" * 40])
def test_bad_client_code_is_refused_and_nothing_is_written(db_path: Path, code: str) -> None:
    with Store.open(db_path) as store:
        with pytest.raises(InvalidClientCode):
            Recorder.start(store, default_scheme(), FakeClock(), code)
        assert store.sessions() == []
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


# -- after a crash ---------------------------------------------------------------------------


def test_session_left_live_is_found_interrupted_on_reopen(db_path: Path) -> None:
    clock = FakeClock()
    store = Store.open(db_path)
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    clock.advance(30)
    tap = rec.client("dorsal").event
    store.close()  # the app went away without ending the session
    with Store.open(db_path) as store:
        interrupted = store.interrupted_sessions()
        assert [s.id for s in interrupted] == [rec.session.id]
        assert interrupted[0].status == "interrupted"
        assert tap in store.events(rec.session.id)


# -- what an opened store promises -----------------------------------------------------------


def test_an_opened_store_runs_wal_with_full_sync_and_checked_links(db_path: Path) -> None:
    """Durability rests on these three: WAL, every commit synced to disk (FULL = 2), and
    foreign keys enforced. A store opened without them would pass every other test."""
    make_db(db_path)
    with Store.open(db_path) as store:
        pragmas = {name: store.conn.execute(f"PRAGMA {name}").fetchone()[0]
                   for name in ("journal_mode", "synchronous", "foreign_keys")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


def test_reading_a_long_session_costs_little_memory_per_event() -> None:
    """A supervisor opens long sessions again and again: reading one must not hold its rows
    twice (rows, then events) nor give each event its own copy of a state id or an empty
    dict of changes."""
    with Store.memory() as store:
        session = store.create_session("K-07", number=None, modality=None,
                                       started_utc="2026-01-01T09:00:00.000+00:00",
                                       time_zone="UTC", scheme_json=default_scheme().to_json())
        with store.db.atomic():
            for i in range(20_000):
                store.append(session.id, Kind.CLIENT, 1000 * i,
                             f"2026-01-01T09:00:{i % 60:02d}.{i % 1000:03d}+00:00",
                             value=("ventral", "sympathetic", "dorsal")[i % 3])
        tracemalloc.start()
        try:
            events = store.events(session.id)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert len(events) == 20_000
    assert peak / len(events) < 320, f"{peak / len(events):.0f} bytes an event at the peak"


def test_events_with_the_same_tags_share_them() -> None:
    """A long session repeats a few dozen tag lists thousands of times: read back, each list
    is held once, not once per event."""
    with Store.memory() as store:
        session = store.create_session("K-07", number=None, modality=None,
                                       started_utc="2026-01-01T09:00:00.000+00:00",
                                       time_zone="UTC", scheme_json=default_scheme().to_json())
        for i in range(3):
            store.append(session.id, Kind.RUPTURE, 10 * i, "", value="withdrawal",
                         tags=["denial", "minimal_response"])
            store.append(session.id, Kind.REPAIR, 10 * i + 5, "", tags=["clarify"])
        events = store.events(session.id)
    ruptures = [e for e in events if e.kind is Kind.RUPTURE]
    assert ruptures[0].tags == ("denial", "minimal_response")
    assert all(e.tags is ruptures[0].tags for e in ruptures)
