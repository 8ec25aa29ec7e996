"""What differs per platform, tested on any platform by simulating the others: where the data,
settings and log folders are, what a file mode means on Windows, the lock file's Windows
branch, and which clock counts the time a computer sleeps."""

from __future__ import annotations

import ctypes
import os
import sys
import time
from pathlib import Path, PureWindowsPath

import pytest

from attune_companion import clock, lockfile, paths
from attune_companion.lockfile import LockFile, LockHeld

# -- folders ---------------------------------------------------------------------------------


def _windows_path(path: Path) -> PureWindowsPath:
    # platformdirs joins with this platform's separator when it is only simulating Windows.
    return PureWindowsPath(str(path).replace("/", "\\"))


def test_folders_on_windows_are_in_local_appdata(monkeypatch):
    """Not roaming (the database must not follow a profile to another computer), and the log
    in a Logs folder beside the data."""
    local = r"C:\Users\ana\AppData\Local"
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", r"C:\Users\ana\AppData\Roaming")
    dirs = paths.platform_dirs("win32")
    assert _windows_path(dirs.user_data_path) == PureWindowsPath(local, "attune")
    assert _windows_path(dirs.user_config_path) == PureWindowsPath(local, "attune")
    assert _windows_path(dirs.user_log_path) == PureWindowsPath(local, "attune", "Logs")


def test_folders_on_macos_are_in_the_library(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    dirs = paths.platform_dirs("darwin")
    assert dirs.user_data_path == tmp_path / "Library" / "Application Support" / "attune"
    assert dirs.user_config_path == tmp_path / "Library" / "Application Support" / "attune"
    assert dirs.user_log_path == tmp_path / "Library" / "Logs" / "attune"


def test_folders_on_linux_follow_xdg(monkeypatch, tmp_path):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    dirs = paths.platform_dirs("linux")
    assert dirs.user_data_path == tmp_path / ".local" / "share" / "attune"
    assert dirs.user_config_path == tmp_path / ".config" / "attune"
    assert dirs.user_log_path == tmp_path / ".local" / "state" / "attune" / "log"


def test_this_platforms_folders_are_the_ones_used():
    assert paths.data_dir() == paths.platform_dirs(sys.platform).user_data_path
    assert paths.log_dir() == paths.platform_dirs(sys.platform).user_log_path


# -- file modes ------------------------------------------------------------------------------


def test_file_modes_are_left_to_the_folder_on_windows(monkeypatch, tmp_path):
    """On Windows os.chmod only sets the read-only flag, and the profile folder's access list
    keeps the files private: Attune changes no mode there (and so never makes its own files
    read-only), while everything it writes still arrives whole."""
    calls = []
    monkeypatch.setattr(paths, "POSIX_MODES", False)  # as on Windows
    monkeypatch.setattr(paths.os, "chmod", lambda *args: calls.append(args))
    paths.ensure_private_dir(tmp_path / "new" / "folder")
    paths.atomic_write(tmp_path / "new" / "folder" / "report.pdf", b"%PDF-1.4")
    assert calls == []
    assert (tmp_path / "new" / "folder" / "report.pdf").read_bytes() == b"%PDF-1.4"


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_file_modes_are_private_elsewhere(tmp_path):
    paths.atomic_write(tmp_path / "export.csv", b"a,b\n")
    assert (tmp_path / "export.csv").stat().st_mode & 0o777 == 0o600


# -- the lock file on Windows, simulated ----------------------------------------------------


class FakeMsvcrt:
    """msvcrt.locking as Windows does it: byte ranges from the file's current position, held
    per open file, refused to any other with OSError until unlocked."""

    LK_NBLCK, LK_UNLCK = 2, 0

    def __init__(self) -> None:
        self.held: dict[tuple[int, int], int] = {}  # (file id, byte) -> fd holding it

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        st = os.fstat(fd)
        start = os.lseek(fd, 0, os.SEEK_CUR)
        keys = [((st.st_dev, st.st_ino), byte) for byte in range(start, start + nbytes)]
        if mode == self.LK_NBLCK:
            if any(self.held.get(key, fd) != fd for key in keys):
                raise PermissionError(13, "Permission denied")
            self.held.update(dict.fromkeys(keys, fd))
        elif mode == self.LK_UNLCK:
            if any(self.held.get(key) != fd for key in keys):
                raise PermissionError(13, "Permission denied")  # Windows: not locked here
            for key in keys:
                del self.held[key]


@pytest.fixture
def windows_locking(monkeypatch):
    fake = FakeMsvcrt()
    monkeypatch.setattr(lockfile, "fcntl", None)
    monkeypatch.setattr(lockfile, "msvcrt", fake, raising=False)
    return fake


def test_windows_lock_keeps_a_second_attune_out_until_released(windows_locking, tmp_path):
    first, second = LockFile(tmp_path / "db.lock"), LockFile(tmp_path / "db.lock")
    first.acquire()
    with pytest.raises(LockHeld):
        second.acquire()
    first.release()
    second.acquire()  # the byte that was locked is free again
    assert (tmp_path / "db.lock").read_text().strip() == str(os.getpid())
    second.release()
    assert windows_locking.held == {}


def test_windows_lock_release_unlocks_the_byte_it_locked(windows_locking, tmp_path):
    """msvcrt unlocks from the current position, which the pid written after locking has
    moved: release goes back to the start first (without that, Windows refuses the unlock)."""
    lock = LockFile(tmp_path / "db.lock")
    lock.acquire()
    lock.release()
    assert windows_locking.held == {}


# -- the clock that counts sleep -------------------------------------------------------------


@pytest.fixture
def clock_ids(monkeypatch):
    asked: list[int] = []

    def fake_clock_gettime_ns(clock_id: int) -> int:
        asked.append(clock_id)
        return 5_000_000_000

    monkeypatch.setattr(time, "clock_gettime_ns", fake_clock_gettime_ns)
    return asked


@pytest.mark.skipif(not hasattr(time, "CLOCK_BOOTTIME"), reason="CLOCK_BOOTTIME is Linux's")
def test_linux_uses_the_boot_clock(clock_ids):
    assert clock.monotonic_ms_source("linux")() == 5000
    assert clock_ids == [time.CLOCK_BOOTTIME]


@pytest.mark.skipif(not hasattr(time, "CLOCK_MONOTONIC"), reason="no CLOCK_MONOTONIC here")
def test_macos_uses_clock_monotonic_which_counts_sleep_there(clock_ids):
    """Not time.monotonic: on macOS that is mach_absolute_time, which stops during sleep."""
    assert clock.monotonic_ms_source("darwin")() == 5000
    assert clock_ids == [time.CLOCK_MONOTONIC]


def test_windows_uses_gettickcount64_which_counts_sleep(monkeypatch):
    class ForeignFunction:  # what ctypes gives for a DLL's function
        restype = ctypes.c_int

        def __call__(self) -> int:
            return 7_200_123

    tick_count = ForeignFunction()
    kernel32 = type("Kernel32", (), {"GetTickCount64": tick_count})()
    monkeypatch.setattr(ctypes, "windll", type("WinDLL", (), {"kernel32": kernel32})(),
                        raising=False)
    assert clock.monotonic_ms_source("win32")() == 7_200_123
    assert tick_count.restype is ctypes.c_uint64  # 64 bits: no wrap after 49 days


def test_the_system_clock_never_goes_backwards():
    real = clock.SystemClock()
    readings = [real.monotonic_ms() for _ in range(1000)]
    assert readings == sorted(readings)
