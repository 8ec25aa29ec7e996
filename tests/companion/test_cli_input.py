"""attune-cli given bad input: each mistake is one clear line (no traceback), nothing is
changed, and nothing hangs or reads without end. Also: output cut off by the reader ends
quietly, `-o -` means standard output, and the command line never speaks of a window."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from attune_companion import store as store_module
from attune_companion.cli import main
from attune_companion.demo import make_demo_session
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

HUGE = "99999999999999999999999999"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database with one ended demo session; also $ATTUNE_DB, the default."""
    path = tmp_path / "data" / "attune.db"
    monkeypatch.setenv("ATTUNE_DB", str(path))
    monkeypatch.chdir(tmp_path)
    with Store.open(path) as store:
        make_demo_session(store, default_scheme())
    yield path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def one_line(err: str) -> bool:
    return err.startswith("attune-cli") and err.count("\n") == 1


def cli(*argv: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess[str]:
    """attune-cli in its own process (for what could hang, or needs a real pipe)."""
    return subprocess.run([sys.executable, "-m", "attune_companion.cli", *argv],
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def session_count(db: Path) -> int:
    with Store.open(db, readonly=True) as store:
        return len(store.sessions())


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["summary", HUGE],
    ["summary", "-" + HUGE],
    ["export", HUGE, "--format", "csv", "-o", "x.csv"],
    ["bundle", HUGE, "-o", "x.attune"],
    ["summary", str(2**63)],
])
def test_an_id_beyond_what_sqlite_holds_is_a_usage_mistake(db, capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and one_line(err) and "not a record number" in err


def test_the_largest_sqlite_id_is_simply_not_found(db, capsys):
    code, _, err = run(capsys, "summary", str(2**63 - 1))
    assert code == 1 and one_line(err) and "no record" in err


def test_a_huge_seed_still_makes_a_demo(db, capsys):
    code, out, _ = run(capsys, "demo", "--seed", HUGE)
    assert code == 0 and ": record 2" in out


# -- the database path ---------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "  "])
def test_an_empty_db_path_is_refused_not_taken_for_the_default(db, capsys, blank):
    before = db.read_bytes()
    code, out, err = run(capsys, "--db", blank, "demo")
    assert code == 1 and out == "" and one_line(err) and "empty" in err
    assert db.read_bytes() == before and session_count(db) == 1


@needs_fifo
@pytest.mark.parametrize("command", ["sessions", "demo", "verify"])
def test_a_pipe_as_the_database_is_refused_without_hanging(tmp_path, command):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    done = cli("--db", str(pipe), command)
    assert done.returncode == 1 and "pipe" in done.stderr and done.stderr.count("\n") == 1


@needs_dev_zero
def test_a_device_as_the_database_is_refused_not_written(capsys):
    """A device has size 0, so it once looked like a new, empty database to create."""
    code, _, err = run(capsys, "--db", "/dev/zero", "demo")
    assert code == 1 and one_line(err) and "device" in err


NO_USER = "~attune-no-such-user-7f3"


@pytest.mark.parametrize("argv", [
    ["--db", f"{NO_USER}/a.db", "sessions"],
    ["export", "1", "--format", "csv", "-o", f"{NO_USER}/x.csv"],
    ["bundle", "1", "-o", f"{NO_USER}/x.attune"],
    ["import", f"{NO_USER}/x.attune"],
    ["restore", f"{NO_USER}/x.db"],
])
def test_a_home_folder_of_no_one_is_one_line_not_a_traceback(db, capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and one_line(err) and "home folder" in err


def test_an_unusable_attune_db_is_one_line(db, capsys, monkeypatch):
    monkeypatch.setenv("ATTUNE_DB", f"{NO_USER}/a.db")
    code, _, err = run(capsys, "sessions")
    assert code == 1 and one_line(err) and "home folder" in err


# -- files to read -------------------------------------------------------------------------


@needs_dev_zero
def test_importing_an_endless_device_is_refused_without_reading_it(db, capsys):
    code, out, err = run(capsys, "import", "/dev/zero")
    assert code == 1 and out == "" and one_line(err) and "device" in err
    assert session_count(db) == 1


@needs_fifo
@pytest.mark.parametrize("command", ["import", "restore"])
def test_a_pipe_to_import_or_restore_is_refused_without_hanging(db, tmp_path, command):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    before = db.read_bytes()
    done = cli(command, str(pipe))
    assert done.returncode == 1 and "pipe" in done.stderr and done.stderr.count("\n") == 1
    assert db.read_bytes() == before


def test_a_folder_to_import_or_restore_is_named_for_what_it_is(db, capsys, tmp_path):
    for command in ("import", "restore"):
        code, _, err = run(capsys, command, str(tmp_path))
        assert code == 1 and one_line(err) and "folder" in err, err
    assert session_count(db) == 1


@needs_fifo
def test_a_pipe_as_the_coding_scheme_file_is_refused_without_hanging(tmp_path):
    pipe = tmp_path / "scheme.json"
    os.mkfifo(pipe)
    code = ("from pathlib import Path\n"
            "from attune_companion.errors import SchemeError\n"
            "from attune_companion.scheme import load_scheme\n"
            "try:\n"
            f"    load_scheme(Path({str(pipe)!r}))\n"
            "except SchemeError as e:\n"
            "    print(e)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert "pipe" in done.stdout, done.stderr


# -- output --------------------------------------------------------------------------------


def test_dash_exports_to_standard_output(db, capsys, tmp_path):
    code, out, err = run(capsys, "export", "1", "--format", "json", "-o", "-")
    assert code == 0 and out.startswith("{") and '"attune-export"' in out
    assert "standard output" in err
    assert not (tmp_path / "-").exists()


def test_dash_csv_is_the_same_bytes_as_the_file(db, capsysbinary, tmp_path):
    assert main(["export", "1", "--format", "csv", "-o", "same.csv"]) == 0
    capsysbinary.readouterr()
    assert main(["export", "1", "--format", "csv", "-o", "-"]) == 0
    out, _ = capsysbinary.readouterr()
    assert out == (tmp_path / "same.csv").read_bytes()


def test_dash_for_a_bundle_is_refused_rather_than_a_file_named_dash(db, capsys, tmp_path):
    code, out, err = run(capsys, "bundle", "1", "-o", "-")
    assert code == 2 and out == "" and one_line(err) and "standard output" in err
    assert not (tmp_path / "-").exists()


def test_an_empty_output_name_is_a_usage_mistake(db, capsys):
    code, _, err = run(capsys, "export", "1", "--format", "csv", "-o", "")
    assert code == 2 and one_line(err) and "empty" in err


def test_output_cut_off_by_its_reader_ends_quietly(db):
    """`attune-cli sessions | head`: no 'Broken pipe' message, the status of SIGPIPE."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "attune_companion.cli", "export", "1", "--format", "csv", "-o", "-"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before anything is written
    _, err = proc.communicate(timeout=60)
    assert err == b"" and proc.returncode == 141


@pytest.mark.skipif(sys.platform == "win32", reason="closes stdout with a POSIX shell")
def test_a_closed_standard_output_is_one_line_not_a_traceback(db):
    for argv, code in ((["sessions"], 0), (["export", "1", "--format", "csv", "-o", "-"], 1)):
        done = subprocess.run(
            ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "attune_companion.cli", *argv],
            stderr=subprocess.PIPE, text=True, timeout=60,
        )
        assert done.returncode == code and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.count("\n") == code


# -- wording -------------------------------------------------------------------------------


def test_a_write_failure_in_the_demo_says_what_happened_not_to_keep_a_window_open(
    db, capsys, monkeypatch
):
    append = store_module.Store.append
    calls = []

    def full_after_ten(self, *args, **kwargs):
        calls.append(1)
        if len(calls) > 10:
            raise sqlite3.OperationalError("database or disk is full")
        return append(self, *args, **kwargs)

    monkeypatch.setattr(store_module.Store, "append", full_after_ten)
    code, out, err = run(capsys, "demo")
    assert code == 1 and out == "" and one_line(err)
    assert "disk is full" in err and "window" not in err and "keeps trying" not in err
    monkeypatch.undo()
    assert session_count(db) == 1, "a demo that could not be saved leaves nothing behind"
