"""Reading and folding a session with the garbage collector paused, and resumed after."""

from __future__ import annotations

import gc

import pytest

from attune_companion.collector import collector_paused
from attune_companion.events import Event, Kind
from attune_companion.fold import fold
from attune_companion.scheme import default_scheme
from attune_companion.summary import summarise
from tests.gc_sweeps import collections_started


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


def _long_log(taps: int) -> list[Event]:
    states = ("ventral", "sympathetic", "dorsal")
    return [Event(i, (Kind.CLIENT, Kind.SELF)[i % 2], i * 100, value=states[i % 3])
            for i in range(1, taps + 1)]


def test_folding_a_long_log_sets_off_no_collection() -> None:
    """Undo in a live session, each correction and each export fold the whole log: with the
    collector running, its intervals set off collections, now and then one that scans the
    running window's whole heap (a fold of 10,000 taps took up to 89 ms, not 13)."""
    log = _long_log(20_000)
    with collections_started() as collections:
        state = fold(log)
    assert len(state.lanes["client"]) == 10_000
    # At most the one young sweep that comes as the collector resumes (it was 29)
    assert len(collections) <= 1 and 2 not in collections, f"collections: {collections}"
    assert gc.isenabled()


def test_summarising_a_long_session_sets_off_no_collection() -> None:
    """The summary's sweep makes a tuple per tap: with the collector running, a summary of
    10,000 taps in the window after a session set off about ten collections, now and then a
    full one of 67 ms, in a figure whose target is 50 ms."""
    state = fold(_long_log(20_000))
    with collections_started() as collections:
        summary = summarise(state, default_scheme())
    assert summary.lanes["client"].transitions == 9_999
    assert len(collections) <= 1 and 2 not in collections, f"collections: {collections}"
    assert gc.isenabled()
