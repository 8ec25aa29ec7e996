"""Shared fixtures for the core's tests: an in-memory store, a hand-driven clock, the default
coding scheme, and a live session recorder built from those three."""

from collections.abc import Callable, Iterator

import pytest

from attune_companion.clock import FakeClock
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme, default_scheme
from attune_companion.store import Store


@pytest.fixture
def fresh_store() -> Iterator[Store]:
    """An empty in-memory database with the full schema."""
    store = Store.memory()
    yield store
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when the test says so (`advance`, `jump_wall`)."""
    return FakeClock()


@pytest.fixture
def scheme() -> Scheme:
    """The coding scheme shipped in resources/scheme.json."""
    return default_scheme()


@pytest.fixture
def recorder(fresh_store: Store, scheme: Scheme, clock: FakeClock) -> Recorder:
    """A live session for client K-07, started at session time 0."""
    return Recorder.start(fresh_store, scheme, clock, "K-07")


@pytest.fixture
def at(recorder: Recorder, clock: FakeClock) -> Callable[[float], None]:
    """Move the clock forward to a session time in seconds: `at(90)` is 1:30 into the session."""

    def move(seconds: float) -> None:
        clock.advance(seconds - recorder.now_ms() / 1000)

    return move
