"""The log a clinician can send with a problem report: where it is, what it keeps, and what it
never keeps (an error's message can quote a client code or a note)."""

from __future__ import annotations

import faulthandler
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from attune_companion import logs
from attune_companion.errors import InvalidClientCode

CANARY = "CANARY-7Q"


@pytest.fixture
def passed_on(monkeypatch) -> list[type]:
    """The excepthook that was there before the log's: what reaches it."""
    seen: list[type] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, exc, tb: seen.append(kind))
    return seen


@pytest.fixture
def log_file(tmp_path: Path, passed_on) -> Iterator[Path]:
    hook_before = sys.excepthook
    path = logs.setup_logging(tmp_path / "log")
    yield path
    logs.stop_logging()
    assert sys.excepthook is hook_before  # the hook is put back


def _raise_with_canary() -> None:
    try:
        open(Path("/nonexistent") / CANARY)  # noqa: SIM115
    except OSError as exc:
        raise InvalidClientCode(f"'{CANARY}' is not a code") from exc


def test_the_log_is_in_the_folder_given_and_private(log_file, tmp_path):
    assert log_file == tmp_path / "log" / "attune.log"
    assert logs.current_log_file() == log_file
    assert (tmp_path / "log" / "faults.log").exists()
    if sys.platform != "win32":
        assert log_file.stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "log").stat().st_mode & 0o777 == 0o700


def test_an_uncaught_error_is_logged_by_type_and_place_never_by_message(log_file, passed_on):
    try:
        _raise_with_canary()
    except InvalidClientCode:
        sys.excepthook(*sys.exc_info())  # as Python and PySide6 do with an uncaught error
    assert passed_on == [InvalidClientCode]  # the hook before (e.g. the window's) still runs
    text = log_file.read_text(encoding="utf-8")
    assert "uncaught attune_companion.errors.InvalidClientCode" in text
    assert "FileNotFoundError [ENOENT]" in text  # the error it was raised from, by errno
    assert "_raise_with_canary" in text  # where it happened
    assert CANARY not in text


def test_the_log_rotates_at_a_few_hundred_kilobytes(log_file):
    handler = next(h for h in logging.getLogger("attune").handlers
                   if getattr(h, "baseFilename", None) == str(log_file))
    assert handler.maxBytes == 256 * 1024 and handler.backupCount == 3
    for _ in range(3000):
        logs.log.info("x" * 200)
    assert log_file.with_name("attune.log.1").exists()
    assert not log_file.with_name("attune.log.4").exists()


def test_the_fault_log_is_on_while_logging_and_off_after(tmp_path):
    enabled_before = faulthandler.is_enabled()
    logs.setup_logging(tmp_path / "log")
    assert faulthandler.is_enabled()
    logs.stop_logging()
    assert faulthandler.is_enabled() == enabled_before
    assert logs.current_log_file() is None
    assert (tmp_path / "log" / "attune.log").read_text(encoding="utf-8").rstrip().endswith(
        "INFO stopped")


def test_a_log_folder_that_cannot_be_made_leaves_attune_running_without_a_log(tmp_path):
    """The log helps a report; it must never stop a session from being recorded."""
    (tmp_path / "log").write_text("a file where the folder should be")
    assert logs.setup_logging(tmp_path / "log") is None
    assert logs.current_log_file() is None
    logs.log.error("nowhere to go")  # and logging still does no harm
    logs.stop_logging()
