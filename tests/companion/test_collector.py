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
