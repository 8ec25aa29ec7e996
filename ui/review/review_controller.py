"""The review's controller: one core call per request of the review page, then what changed.

The page lays out and shows; this reads a session from the store (`open`), turns the page's
requests into one core call each (`attune_companion.corrections`, `Store.set_reflection`,
`Store.set_rating`, the exports) and pushes the session as it now is to the page through
`changed`. Refusals come back as the core's words, for the page to show in place.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from attune_companion import corrections
from attune_companion.collector import collector_paused
from attune_companion.agreement import Agreement, agreement_or_note
from attune_companion.errors import AttuneError, UnsafeOutput
from attune_companion.events import Event, effective_taps
from attune_companion.fold import SessionState, fold_taps
from attune_companion.scheme import Scheme, session_scheme
from attune_companion.store import SessionRow, Store
from attune_companion.summary import Summary, summarise
from attune_companion_ui.review import report


@dataclass(frozen=True)
class Reviewed:
    """One session as the review shows it: its row and scheme, the effective taps (undos and
    corrections applied, timeline order), which of them were corrected, the fold and the core's
    summary. `reflections` and `ratings` are as saved when the session was opened."""

    row: SessionRow
    scheme: Scheme
    taps: list[Event]
    edited: set[int]
    state: SessionState
    summary: Summary
    reflections: dict[str, str] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)
    agreement: Agreement | None = None
    agreement_note: str = ""
    only_taps: list[Event] = field(init=False, repr=False, compare=False)
    """The effective taps that the clinician tapped (no pauses, no end): the list's rows."""

    @property
    def end_ms(self) -> int:
        """Where the session stops: its end, or its last event."""
        return self.state.ended_ms if self.state.ended_ms is not None else self.state.last_ms

    def tap(self, event_id: int) -> Event | None:
        """The effective tap with this id (None: not a tap of this session now). Looked for
        when a tap is picked, not indexed up front (an index of a long session's taps and
        their times held 10 MB at 100,000 for every review open)."""
        return next((t for t in self.only_taps if t.id == event_id), None)

    def nearest_tap(self, ms: int) -> Event | None:
        """The tap nearest session time `ms` (None: the session has no taps), in O(log n)."""
        only = self.only_taps
        i = bisect_left(only, ms, key=_OFFSET)
        near = [j for j in (i - 1, i) if 0 <= j < len(only)]
        return only[min(near, key=lambda j: abs(only[j].offset_ms - ms))] if near else None

    def __post_init__(self) -> None:
        object.__setattr__(self, "only_taps", [t for t in self.taps if t.is_tap])


_OFFSET = attrgetter("offset_ms")


class ReviewController(QObject):
    """Signals: `opened(Reviewed)` when a session is opened (everything is shown afresh),
    `changed(Reviewed)` after a correction was committed (figures, plot and list redraw)."""

    opened = Signal(object)
    changed = Signal(object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.session: Reviewed | None = None

    def open(self, session_id: int) -> Reviewed:
        """Read session `session_id` and show it (raises AttuneError if it cannot be read)."""
        store = self._store
        row = store.session(session_id)
        scheme = session_scheme(row.scheme_json, row.id)
        self.session = self._read(row, scheme, store.reflections(row.id), store.ratings(row.id))
        self.opened.emit(self.session)
        return self.session

    def close(self) -> None:
        """Let go of the session (the review was left)."""
        self.session = None

    # -- corrections -----------------------------------------------------------------------

    def correct(self, event_id: int, changes: dict[str, Any]) -> str:
        """One audited edit with every change (time, kind, value, tags): all of it or none.
        Returns "" when done, else why not."""
        return self._run(lambda: corrections.correct(self._store, self._id(), event_id,
                                                     **changes))

    def remove(self, event_id: int) -> str:
        """Take a tap out (kept in the log, marked removed); "" when done, else why not."""
        return self._run(lambda: corrections.remove(self._store, self._id(), event_id))

    def _run(self, step: Callable[[], object]) -> str:
        try:
            step()
        except (AttuneError, sqlite3.Error) as exc:
            return str(exc)
        assert self.session is not None
        self.session = self._read(self.session.row, self.session.scheme,
                                  self.session.reflections, self.session.ratings)
        self.changed.emit(self.session)
        return ""

    # -- reflection ------------------------------------------------------------------------

    def save_answer(self, prompt_id: str, text: str) -> str:
        """Keep a reflection answer; "" when saved, else why not."""
        return self._save(lambda: self._store.set_reflection(self._id(), prompt_id, text))

    def save_rating(self, name: str, value: int | None) -> str:
        """Keep a rating (None: not rated); "" when saved, else why not."""
        return self._save(lambda: self._store.set_rating(self._id(), name, value))

    def _save(self, write: Callable[[], None]) -> str:
        try:
            write()
        except (AttuneError, sqlite3.Error) as exc:
            return str(exc)
        return ""

    # -- exports ---------------------------------------------------------------------------

    def export(self, fmt: str, path: Path, *, redact: bool) -> str:
        """Write the report (html, pdf) or the events (csv, json) to `path` atomically, and
        audit it. Returns "" when written, else a sentence saying why nothing was written."""
        session_id = self._id()
        try:
            report.write_export(self._store, session_id, fmt, path, redact=redact)
            self._store.audit("export", session_id, {"format": fmt, "redacted": redact,
                                                     "file": path.name})
        except UnsafeOutput as exc:  # the database, a backup, a folder...: says so itself
            return str(exc)
        except (AttuneError, OSError, sqlite3.Error) as exc:
            return f"Nothing was written to {path.name}: {exc}"
        return ""

    def suggested_name(self, fmt: str) -> str:
        """The default file name: record number and date, never the client code."""
        assert self.session is not None, "open a session first"
        return report.default_file_name(self.session.row, fmt)

    # -- reading ---------------------------------------------------------------------------

    def _read(self, row: SessionRow, scheme: Scheme, reflections: dict[str, str],
              ratings: dict[str, int]) -> Reviewed:
        with collector_paused():  # a long session's objects, none in a cycle
            events = self._store.events(row.id)
            taps = effective_taps(events)
            state = fold_taps(taps)
            summary = summarise(state, scheme)
        agreement, note = agreement_or_note(self._store, row.id)
        return Reviewed(row=row, scheme=scheme, taps=taps,
                        edited=corrections.edited_ids(events), state=state,
                        summary=summary, reflections=reflections,
                        ratings=ratings, agreement=agreement, agreement_note=note)

    def _id(self) -> int:
        assert self.session is not None, "open a session first"
        return self.session.row.id
