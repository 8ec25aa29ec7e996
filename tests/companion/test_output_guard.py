"""No output replaces the database: every writer of a file the user names (export, bundle,
the core's `write_output`) refuses the database, its journal and lock files, anything in
its backups folder, any other database, and anything that is not an ordinary file; with one
clear line, and nothing changed. A running window would otherwise keep writing into a
database file that is no longer there."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from attune_companion.bundle import write_bundle
from attune_companion.cli import main
from attune_companion.demo import make_demo_session
from attune_companion.errors import UnsafeOutput
from attune_companion.paths import check_output_path, lock_path, write_output
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database holding one ended demo session, with a backups folder beside it."""
    path = tmp_path / "data" / "attune.db"
    monkeypatch.setenv("ATTUNE_DB", str(path))
    with Store.open(path) as store:
        make_demo_session(store, default_scheme())
    with Store.open(path, readonly=True):
        pass  # as a reading command does (it leaves the -wal and -shm files behind)
    (path.parent / "backups").mkdir(exist_ok=True)  # the session's end made one
    (path.parent / "backups" / "attune-20250101-000000.db").write_bytes(b"")
    yield path


def fingerprint(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `folder`: its inode, type and content hash. SQLite's -wal and -shm
    files come and go as the database is opened and closed: `starts_with` checks those."""
    found = {}
    for p in sorted(folder.rglob("*")):
        if p.name.endswith(("-wal", "-shm")):
            continue
        st = os.lstat(p)
        regular = p.is_file() and not p.is_symlink()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if regular else ""
        found[str(p.relative_to(folder))] = (st.st_ino, st.st_mode, digest)
    return found


def starts_with(folder: Path, head: bytes) -> list[str]:
    """The files under `folder` whose content begins with `head` (an output's first bytes)."""
    return [p.name for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink() and p.read_bytes().startswith(head)]


CSV_HEAD = "\ufeffevent_id".encode()
ZIP_HEAD = b"PK\x03\x04"


def another_database(folder: Path) -> Path:
    path = folder / "research.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    return path


# Each: a name, and how to make that target (given the database) -> the path to write to.
TARGETS: list[tuple[str, Callable[[Path], Path]]] = [
    ("the database", lambda db: db),
    ("the database, by another spelling", lambda db: db.parent / "backups" / ".." / db.name),
    ("the database, other case", lambda db: db.with_name(db.name.upper())),
    ("its write-ahead log", lambda db: db.with_name(db.name + "-wal")),
    ("its shared memory", lambda db: db.with_name(db.name + "-shm")),
    ("its rollback journal", lambda db: db.with_name(db.name + "-journal")),
    ("its lock file", lock_path),
    ("a backup", lambda db: db.parent / "backups" / "attune-20250101-000000.db"),
    ("a new file in the backups folder", lambda db: db.parent / "backups" / "x.csv"),
    ("a link to the database", lambda db: _link(db.parent.parent / "link.csv", db)),
    ("a hard link to the database", lambda db: _hard(db.parent.parent / "hard.csv", db)),
    ("a dangling link where the log goes",
     lambda db: _link(db.parent.parent / "log.csv", db.with_name(db.name + "-wal"))),
    ("another database", lambda db: another_database(db.parent.parent)),
    ("a folder", lambda db: db.parent),
]
if hasattr(os, "mkfifo"):
    TARGETS.append(("a pipe", lambda db: _fifo(db.parent.parent / "pipe")))


def _link(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


def _hard(link: Path, target: Path) -> Path:
    os.link(target, link)
    return link


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _ids() -> list[str]:
    return [name for name, _ in TARGETS]


@pytest.mark.parametrize("make", [m for _, m in TARGETS], ids=_ids())
def test_the_cli_export_refuses_it_in_one_line_and_changes_nothing(
    db: Path, make: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = make(db)
    before = fingerprint(db.parent.parent)
    code = main(["export", "1", "--format", "csv", "-o", str(target)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.startswith("attune-cli: Nothing was written to") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert fingerprint(db.parent.parent) == before
    assert starts_with(db.parent.parent, CSV_HEAD) == []
    with Store.open(db, readonly=True) as store:
        assert not [a for a in store.audit_log(1) if a["action"] == "export"]


@pytest.mark.parametrize("make", [m for _, m in TARGETS], ids=_ids())
def test_the_cli_bundle_refuses_it_and_changes_nothing(
    db: Path, make: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    target = make(db)
    before = fingerprint(db.parent.parent)
    code = main(["bundle", "1", "-o", str(target)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "Nothing was written to" in err and err.count("\n") == 1
    assert fingerprint(db.parent.parent) == before
    assert starts_with(db.parent.parent, ZIP_HEAD) == []


def test_a_bundle_over_the_database_in_use_is_refused(db: Path) -> None:
    with Store.open(db) as store:
        inode = os.stat(db).st_ino
        with pytest.raises(UnsafeOutput, match="Attune's database"):
            write_bundle(store, 1, db)
        assert os.stat(db).st_ino == inode
        assert store.sessions()  # still the file the store has open


def test_the_default_database_is_protected_while_another_is_used(db: Path, tmp_path: Path) -> None:
    """$ATTUNE_DB (or the data folder's database) is the clinician's real one: an export from
    a scratch database must not land on it either."""
    with Store.open(tmp_path / "scratch.db") as scratch:
        with pytest.raises(UnsafeOutput, match="Attune's database"):
            write_output(db, b"x", scratch.path)
        with pytest.raises(UnsafeOutput, match="backups folder"):
            write_output(db.parent / "backups" / "x.csv", b"x", scratch.path)


def test_an_in_memory_store_still_refuses_what_is_not_an_ordinary_file(tmp_path: Path) -> None:
    with pytest.raises(UnsafeOutput, match="folder"):
        write_output(tmp_path, b"x", None)


def test_ordinary_targets_are_written(db: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.csv"
    write_output(new, b"a", db)
    old = tmp_path / "old.csv"
    old.write_bytes(b"old")
    write_output(old, b"b", db)
    real = tmp_path / "real.csv"
    real.write_bytes(b"")
    link = _link(tmp_path / "link-to-real.csv", real)
    assert check_output_path(link, db) == link
    assert (new.read_bytes(), old.read_bytes()) == (b"a", b"b")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_refusal_is_one_calm_sentence_naming_the_file(db: Path) -> None:
    with pytest.raises(UnsafeOutput) as refused:
        check_output_path(db, db)
    assert str(refused.value) == (
        f"Nothing was written to {db}: it is Attune's database. Choose another file."
    )
