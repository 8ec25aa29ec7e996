"""Session time: one injected clock, monotonic offsets, wall-clock kept beside them.

Durations are always differences of a monotonic clock, so a wall-clock jump, a DST change or
a time-zone change cannot make one negative or wrong. The wall-clock UTC time is stored beside
each event only to say *when* it happened.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import tzlocal


class Clock(Protocol):
    """What the core needs to know about time."""

    def monotonic_ms(self) -> int:
        """Milliseconds from an arbitrary origin; never goes backwards."""
        ...

    def wall_utc(self) -> datetime:
        """The current wall-clock time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock: its monotonic milliseconds count time the computer was asleep (a laptop
    lid closed for ten minutes mid-session is ten minutes of the session) on every platform
    (see `monotonic_ms_source`)."""

    def __init__(self) -> None:
        self._monotonic_ms = monotonic_ms_source()

    def monotonic_ms(self) -> int:
        return self._monotonic_ms()

    def wall_utc(self) -> datetime:
        return datetime.now(UTC)


def monotonic_ms_source(platform: str | None = None) -> Callable[[], int]:
    """The clock that keeps counting while the computer sleeps, as milliseconds, on
    `platform` (default: this one's `sys.platform`).

    `time.monotonic` stops during sleep on Linux (CLOCK_MONOTONIC) and macOS
    (mach_absolute_time), so: Linux uses CLOCK_BOOTTIME; macOS CLOCK_MONOTONIC, which Apple's
    clock_gettime documents as counting sleep; Windows GetTickCount64, documented to include
    sleep and hibernation (10-16 ms steps: finer than a tap needs). Anything else falls back to
    `time.monotonic`.
    """
    platform = sys.platform if platform is None else platform
    if platform.startswith("linux"):
        return lambda: time.clock_gettime_ns(time.CLOCK_BOOTTIME) // 1_000_000
    if platform == "darwin":
        return lambda: time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1_000_000
    if platform == "win32":
        import ctypes

        tick_count = ctypes.windll.kernel32.GetTickCount64
        tick_count.restype = ctypes.c_uint64
        return lambda: int(tick_count())
    return lambda: time.monotonic_ns() // 1_000_000


class FakeClock:
    """A clock tests drive by hand: `advance` moves both clocks, `jump_wall` only the wall."""

    def __init__(self, wall: datetime | None = None, monotonic_ms: int = 1_000_000) -> None:
        self._mono = monotonic_ms
        self._wall = wall or datetime(2026, 3, 29, 0, 30, tzinfo=UTC)

    def monotonic_ms(self) -> int:
        return self._mono

    def wall_utc(self) -> datetime:
        return self._wall

    def advance(self, seconds: float) -> None:
        """Let time pass (for both clocks)."""
        ms = round(seconds * 1000)
        if ms < 0:
            raise ValueError("time only moves forward")
        self._mono += ms
        self._wall += timedelta(milliseconds=ms)

    def jump_wall(self, seconds: float) -> None:
        """Move only the wall clock, as an NTP correction or a manual change does."""
        self._wall += timedelta(seconds=seconds)


class SessionClock:
    """Offsets in milliseconds of session time, continuing from `base_ms`.

    A session started now has base 0; a session resumed after a crash continues from the
    offset it had reached, so offsets stay ordered across restarts of the app.
    """

    def __init__(self, clock: Clock, base_ms: int = 0) -> None:
        self._clock = clock
        self._origin = clock.monotonic_ms()
        self._base = base_ms

    def offset_ms(self) -> int:
        """Session time now."""
        return self._base + max(0, self._clock.monotonic_ms() - self._origin)

    def wall_utc(self) -> datetime:
        return self._clock.wall_utc()


def local_zone_name() -> str:
    """The IANA name of this computer's time zone now ('UTC' when it cannot be told).

    `tzlocal` asks what each platform answers to (the TZ variable, /etc/localtime, the
    Windows registry) and is asked afresh, so a laptop that changed zone since Attune started
    stamps its next session with the new one. A name that zoneinfo cannot load is not kept:
    the session's local times are shown from it later.
    """
    try:
        tzlocal.reload_localzone()
        name = tzlocal.get_localzone_name()
        ZoneInfo(name or "")
    except (LookupError, ValueError, OSError):  # an odd setting never refuses a session
        return "UTC"
    return str(name)


def format_duration(ms: int) -> str:
    """A duration as m:ss, or h:mm:ss from an hour (whole seconds, rounded down)."""
    h, rest = divmod(max(0, ms) // 1000, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
