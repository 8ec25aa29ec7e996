"""Reading and folding a session with the garbage collector paused, and resumed after."""

from __future__ import annotations

import gc

import pytest

from attune_companion.collector import collector_paused


def test_the_collector_is_paused_in_the_block_and_as_it_was_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a damaged row")
    assert gc.isenabled()  # resumed after an error too
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # paused by someone else (start-up): left paused
    finally:
        gc.enable()


def test_memory_given_back_is_swept_then_trimmed_on_linux(monkeypatch) -> None:
    """glibc keeps freed heap for reuse: a 100,000-event review left grew the process by
    about 1 MB a reopen. Giving memory back sweeps first, then asks glibc to return it."""
    from attune_companion import collector

    done: list[str] = []

    class Libc:
        def malloc_trim(self, pad: int) -> int:
            done.append(f"trim {pad}")
            return 1

    monkeypatch.setattr(collector.gc, "collect", lambda: done.append("sweep") or 0)
    monkeypatch.setattr(collector.ctypes, "CDLL", lambda name: Libc())
    monkeypatch.setattr(collector.sys, "platform", "linux")
    collector.give_memory_back()
    assert done == ["sweep", "trim 0"]
    done.clear()
    monkeypatch.setattr(collector.sys, "platform", "darwin")
    collector.give_memory_back()
    assert done == ["sweep"]


def test_without_glibc_memory_is_only_swept(monkeypatch) -> None:
    from attune_companion import collector

    def no_trim(name: object) -> object:
        raise OSError("no such library")

    monkeypatch.setattr(collector.ctypes, "CDLL", no_trim)
    monkeypatch.setattr(collector.sys, "platform", "linux")
    collector.give_memory_back()  # no error
