"""Measuring a window from outside its process: a private Xvfb, XTest keys, X Damage events,
commits seen through a second SQLite connection, and a process's CPU time.

Used by benchmarks/live_on_x.py. Needs Xvfb and python-xlib (the `bench` extra).
"""

from __future__ import annotations

import ctypes
import os
import select
import sqlite3
import subprocess
import time
from pathlib import Path

from Xlib import X, XK
from Xlib import display as xdisplay
from Xlib.ext import damage, xtest

SCREEN = "2400x1024x24"
"""Wide enough for Attune and a floor window side by side, neither covering the other."""
IN_MODIFY = 0x2
POLL_S = 0.002
"""Longest a wait sleeps before looking again (the stamping error of a Damage event)."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, all its threads (those that have
    ended too), in seconds; the kernel counts it in ticks of 1/CLK_TCK s (10 ms)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class XSession:
    """A private Xvfb and a client connection to it (a context manager)."""

    def __init__(self) -> None:
        self.number = next(n for n in range(90, 300) if not Path(f"/tmp/.X{n}-lock").exists()
                           and not Path(f"/tmp/.X11-unix/X{n}").exists())
        self.display_name = f":{self.number}"
        self._server: subprocess.Popen[bytes] | None = None
        self.d: xdisplay.Display | None = None
        self._damages: dict[int, object] = {}
        self.damaged: dict[int, list[float]] = {}  # per window: when each Damage was read

    def __enter__(self) -> XSession:
        self._server = subprocess.Popen(
            ["Xvfb", self.display_name, "-screen", "0", SCREEN, "-nolisten", "tcp", "-noreset"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{self.number}").exists():
            if time.monotonic() > deadline or self._server.poll() is not None:
                raise SystemExit("Xvfb did not start")
            time.sleep(0.05)
        self.d = xdisplay.Display(self.display_name)
        for extension in ("DAMAGE", "XTEST"):
            if not self.d.has_extension(extension):
                raise SystemExit(f"the X server lacks the {extension} extension")
        self.d.damage_query_version()  # the Damage extension refuses clients that skip this
        self._damage_code = (self.d.query_extension("DAMAGE").first_event
                             + damage.DamageNotifyCode)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.d is not None:
            self.d.close()
        if self._server is not None:
            self._server.terminate()
            self._server.wait(timeout=10)

    # -- the window --------------------------------------------------------------------------

    def wait_for_window(self, pid: int, title: str, timeout: float,
                        proc: subprocess.Popen[bytes]) -> object:
        """The shown top-level window of process `pid` titled `title`; watch its damage."""
        assert self.d is not None
        pid_atom = self.d.intern_atom("_NET_WM_PID")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the window's process ended (exit {proc.returncode})")
            for window in self.d.screen().root.query_tree().children:
                try:
                    owner = window.get_full_property(pid_atom, X.AnyPropertyType)
                    shown = window.get_attributes().map_state == X.IsViewable
                    name = window.get_wm_name()
                except Exception:  # noqa: BLE001 - a window that went away meanwhile
                    continue
                if shown and owner is not None and owner.value[0] == pid and name == title:
                    self._damages[window.id] = window.damage_create(
                        damage.DamageReportRawRectangles)
                    self.damaged[window.id] = []
                    self.d.sync()
                    return window
            time.sleep(0.2)
        raise SystemExit(f"no window titled {title!r} within {timeout:.0f} s")

    def focus(self, window: object) -> None:
        """Give `window` the keyboard focus (there is no window manager to do it)."""
        assert self.d is not None
        self.d.set_input_focus(window, X.RevertToPointerRoot, X.CurrentTime)
        self.d.sync()
        self.drain()

    def place(self, window: object, left: int) -> None:
        """Move `window` to `left` pixels from the screen's left edge, at the top."""
        assert self.d is not None
        window.configure(x=left, y=0)  # type: ignore[attr-defined]
        self.d.sync()

    def forget(self, window: object) -> None:
        """The window is gone (and its Damage object with it): stop watching it."""
        self._damages.pop(window.id, None)  # type: ignore[attr-defined]
        self.damaged.pop(window.id, None)  # type: ignore[attr-defined]
        self.drain()

    # -- keys and damage ---------------------------------------------------------------------

    def press(self, key: str) -> float:
        """Press and release `key` through XTest; returns when the press was sent."""
        assert self.d is not None
        self.drain()
        code = self.d.keysym_to_keycode(XK.string_to_keysym(key))
        sent = time.perf_counter()
        xtest.fake_input(self.d, X.KeyPress, code)
        xtest.fake_input(self.d, X.KeyRelease, code)
        self.d.flush()
        return sent

    def drain(self) -> None:
        """Read every X event waiting, noting when each Damage event was read."""
        assert self.d is not None
        for _ in range(self.d.pending_events()):
            event = self.d.next_event()
            if event.type == self._damage_code:
                drawable = getattr(event.drawable, "id", event.drawable)
                times = self.damaged.get(drawable)
                if times is not None:
                    times.append(time.perf_counter())
                    del times[:-64]

    def fileno(self) -> int:
        assert self.d is not None
        return self.d.fileno()


class CommitWatch:
    """Sees each new row of `events` through a separate read-only connection, woken by inotify
    on the database's -wal file."""

    def __init__(self, db: Path, rows: int, timeout: float,
                 proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + timeout
        self._conn: sqlite3.Connection | None = None
        self.rows = -1
        while self.rows < rows:
            if proc.poll() is not None:
                raise SystemExit(f"the window's process ended (exit {proc.returncode})")
            if time.monotonic() > deadline:
                raise SystemExit(f"{db.name}: {rows} rows not seen within {timeout:.0f} s")
            time.sleep(0.1)
            self.rows = self._read(db)
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0 or self._libc.inotify_add_watch(
                self._fd, f"{db}-wal".encode(), IN_MODIFY) < 0:
            raise SystemExit(f"inotify on {db.name}-wal failed (errno {ctypes.get_errno()})")

    def _read(self, db: Path) -> int:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True,
                                             isolation_level=None, timeout=1)
            return int(self._conn.execute("SELECT coalesce(max(id), 0) FROM events")
                       .fetchone()[0])
        except sqlite3.Error:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            return -1

    def wait_next(self, x: XSession, window: object, timeout: float) -> tuple[float, float]:
        """Wait for the next row and `window`'s first damage after it: returns when the row
        was seen committed and when that damage was read (perf_counter)."""
        assert self._conn is not None
        damaged = x.damaged[window.id]  # type: ignore[attr-defined]
        deadline = time.perf_counter() + timeout
        committed = None
        while time.perf_counter() < deadline:
            if committed is None:  # the commit first: damage read after it came after it
                try:
                    os.read(self._fd, 4096)  # the -wal changed: look
                except BlockingIOError:
                    pass
                rows = int(self._conn.execute("SELECT max(id) FROM events").fetchone()[0] or 0)
                if rows > self.rows:
                    self.rows, committed = rows, time.perf_counter()
            x.drain()
            if committed is not None:
                after = [t for t in damaged if t >= committed]
                if after:
                    return committed, after[0]
            select.select([self._fd, x.fileno()], [], [], POLL_S)
        raise SystemExit("a tap was not committed and repainted in time "
                         f"({'no commit' if committed is None else 'no repaint'})")

    def close(self) -> None:
        os.close(self._fd)
        if self._conn is not None:
            self._conn.close()
