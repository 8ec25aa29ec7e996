"""Something unexpected goes wrong in the window: say so in the window, and carry on.

PySide6 hands an exception raised inside a slot (a click, a key, a timer) to `sys.excepthook`
and goes on running. Left to Python's hook it is printed to stderr (nowhere at all under
`pythonw`) and the window says nothing, so a clinician could believe something was done that
was not. The hook installed here still passes the exception on to the hook it replaces, then
puts one calm line in the window the clinician is using (never a dialog: a session may be
live).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Protocol


class SaysProblems(Protocol):
    def show_unexpected(self, text: str) -> None: ...


def unexpected_message(exc: BaseException) -> str:
    """The line shown for an unforeseen error (its kind only: its text may hold anything)."""
    return (f"Something went wrong ({type(exc).__name__}); Attune carries on. Only taps shown "
            "as recorded are saved.")


@contextmanager
def said_in_window(window_of: Callable[[], SaysProblems | None]) -> Iterator[None]:
    """While inside, an exception no code caught is shown in `window_of()`'s status area."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        previous(kind, exc, tb)
        window = window_of()
        if window is not None and not issubclass(kind, KeyboardInterrupt):
            window.show_unexpected(unexpected_message(exc))

    sys.excepthook = hook
    try:
        yield
    finally:
        sys.excepthook = previous
