"""Session time is a monotonic offset: sleep, clock jumps and DST never make a duration wrong."""

from __future__ import annotations

import time

import pytest
import tzlocal

from attune_companion.clock import FakeClock, SystemClock, local_zone_name
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion.summary import summarise


def test_a_twenty_minute_sleep_mid_rupture_counts_as_the_time_that_passed():
    """A laptop lid closed for 20 minutes: the client's hour went on, so the rupture and the
    state held through it are 20 minutes longer; nothing is negative or lost."""
    store, clock = Store.memory(), FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    rec.client("sympathetic")
    clock.advance(60)
    rec.rupture("withdrawal")
    clock.advance(20 * 60)  # asleep: both the monotonic and the wall clock move on
    clock.jump_wall(-3600)  # and the wall clock is corrected by an hour on waking
    clock.advance(30)
    rec.repair()
    clock.advance(30)
    state = rec.end().state
    episode = state.episodes[0]
    assert state.episode_active_ms(episode, state.ended_ms) == (20 * 60 + 30) * 1000
    summary = summarise(state, default_scheme())
    assert summary.duration.total_ms == (60 + 20 * 60 + 30 + 30) * 1000
    assert summary.lanes["client"].states["sympathetic"].active_ms == summary.duration.total_ms


@pytest.mark.skipif(not hasattr(time, "CLOCK_BOOTTIME"), reason="Linux only")
def test_the_real_clock_counts_suspended_time_on_linux():
    """CLOCK_BOOTTIME, not CLOCK_MONOTONIC (which stops while the machine sleeps)."""
    clock = SystemClock()
    before = time.clock_gettime_ns(time.CLOCK_BOOTTIME) // 1_000_000
    now = clock.monotonic_ms()
    after = time.clock_gettime_ns(time.CLOCK_BOOTTIME) // 1_000_000
    assert before <= now <= after


def test_a_session_is_stamped_with_the_zone_the_tz_variable_names(monkeypatch):
    """TZ is asked as the platform asks it (any IANA name, not only Area/City), and
    /etc/localtime is not the only other answer (Windows has none)."""
    monkeypatch.setenv("TZ", "Japan")
    store = Store.memory()
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    assert store.session(rec.session.id).time_zone == "Japan"
    monkeypatch.setenv("TZ", "America/Sao_Paulo")  # the laptop travelled: asked afresh
    assert local_zone_name() == "America/Sao_Paulo"


@pytest.mark.parametrize("answer", [ValueError("unreadable"), "Nowhere/Land", None, "../etc"])
def test_a_zone_that_cannot_be_told_or_loaded_is_utc(monkeypatch, answer):
    def ask() -> str | None:
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(tzlocal, "get_localzone_name", ask)
    assert local_zone_name() == "UTC"
