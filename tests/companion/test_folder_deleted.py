"""The data folder deleted or moved while Attune records: an open SQLite connection keeps
writing to the unlinked file, so taps would go where no one will open them again. The store
notices (the file at the path is no longer the one it opened), the recorder holds taps as it
does on a full disk and says why, and its retry writes the whole database anew at the path:
every tap from before and after is there."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from attune_companion import backup
from attune_companion.clock import FakeClock
from attune_companion.comments import add_comment, comments
from attune_companion.errors import TapHeld
from attune_companion.events import Kind
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "attune-data"


def ended_session(store: Store, code: str) -> int:
    rec = Recorder.start(store, default_scheme(), FakeClock(), code)
    rec.client("ventral")
    rec.end()
    return rec.session.id


def test_a_folder_deleted_mid_session_loses_no_tap(folder: Path) -> None:
    db = folder / "attune.db"
    store = Store.open(db)
    earlier = ended_session(store, "K-01")
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    rec.client("ventral")
    rec.note("note", "before")
    shutil.rmtree(folder)  # e.g. a sync tool or the clinician, while the session runs

    clock.advance(5)
    with pytest.raises(TapHeld, match="the data folder was deleted or moved"):
        rec.rupture("withdrawal")
    clock.advance(5)
    with pytest.raises(TapHeld, match="holding 2 taps"):
        rec.repair(["clarify"])
    assert not folder.exists(), "nothing is written to the unlinked file in the meantime"

    change = rec.flush_pending()  # the window's retry, a few seconds later
    assert change is not None and rec.pending == []
    rec.client("dorsal")
    rec.end()
    store.close()

    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    with Store.open(db) as back:
        assert [e.kind for e in back.events(rec.session.id)] == [
            Kind.CLIENT, Kind.NOTE, Kind.RUPTURE, Kind.REPAIR, Kind.CLIENT, Kind.END]
        assert back.session(rec.session.id).status == "ended"
        assert [e.kind for e in back.events(earlier)] == [Kind.CLIENT, Kind.END]
        assert back.verify() == []
    [made] = backup.backups(db)  # the end's backup went to the new folder
    with Store.open(made, readonly=True) as copy:
        assert len(copy.events(rec.session.id)) == 6


def test_a_folder_moved_mid_session_is_written_anew_where_attune_looks(
    folder: Path, tmp_path: Path
) -> None:
    db = folder / "attune.db"
    store = Store.open(db)
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    rec.client("ventral")
    os.rename(folder, tmp_path / "moved")
    with pytest.raises(TapHeld, match="deleted or moved"):
        rec.client("dorsal")
    rec.flush_pending()
    store.close()
    with Store.open(db, readonly=True) as back:
        assert [e.value for e in back.events(rec.session.id)] == ["ventral", "dorsal"]


def test_a_reflection_written_after_the_folder_went_is_kept(folder: Path) -> None:
    """Outside a live session nothing holds writes, so the write itself recovers first."""
    db = folder / "attune.db"
    store = Store.open(db)
    session = ended_session(store, "K-07")
    shutil.rmtree(folder)
    store.set_reflection(session, "noticed_in_myself", "tired")
    store.close()
    with Store.open(db) as back:
        assert back.reflections(session) == {"noticed_in_myself": "tired"}
        assert [e.kind for e in back.events(session)] == [Kind.CLIENT, Kind.END]


def test_another_file_put_at_the_path_is_never_written_over(folder: Path) -> None:
    db = folder / "attune.db"
    store = Store.open(db)
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    rec.client("ventral")
    shutil.rmtree(folder)
    folder.mkdir()
    db.write_bytes(b"someone else's file")
    with pytest.raises(TapHeld, match="deleted or moved"):
        rec.client("dorsal")
    with pytest.raises(TapHeld, match="another file is now where the database was"):
        rec.flush_pending()
    assert db.read_bytes() == b"someone else's file"
    store.close()


def test_a_supervision_comment_added_after_the_folder_went_is_kept(folder: Path) -> None:
    db = folder / "attune.db"
    store = Store.open(db)
    session = ended_session(store, "K-07")
    shutil.rmtree(folder)
    add_comment(store, session, 0, "a good moment")
    store.close()
    with Store.open(db) as back:
        assert [c.text for c in comments(back, session)] == ["a good moment"]
