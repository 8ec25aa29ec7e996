"""Session time: one injected clock, monotonic offsets, wall-clock kept beside them.

Durations are always differences of a monotonic clock, so a wall-clock jump, a DST change or
a time-zone change cannot make one negative or wrong. The wall-clock UTC time is stored beside
each event only to say *when* it happened.
"""

from __future__ import annotations

import time
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
    """The real clock. On Linux the monotonic clock counts suspended time too (a laptop lid
    closed for ten minutes mid-session is ten minutes of the session), elsewhere it is
    `time.monotonic`."""

    _CLOCK_ID = getattr(time, "CLOCK_BOOTTIME", None)

    def monotonic_ms(self) -> int:
        if self._CLOCK_ID is not None:
            return time.clock_gettime_ns(self._CLOCK_ID) // 1_000_000
        return time.monotonic_ns() // 1_000_000

    def wall_utc(self) -> datetime:
        return datetime.now(UTC)


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
