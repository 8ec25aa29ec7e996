"""Recording a live session: the operations a tap, key or hotkey ends up calling.

Each operation checks the tap against the session's state, commits one event, and only then
returns a `Change` saying what changed, so nothing is shown as recorded before it is durable.
A refused tap raises `TapRefused` and writes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable

from attune_companion.clock import Clock, SessionClock, local_zone_name
from attune_companion.errors import AttuneError, StoreError, StoreGone, TapHeld, TapRefused
from attune_companion.events import EPISODE_KINDS, Event, Kind, effective_taps, last_undoable
from attune_companion.fold import SessionState, fold
from attune_companion.naming import record_name
from attune_companion.scheme import Scheme, session_scheme
from attune_companion.store import SessionRow, Store
from attune_companion.text_rules import NOTE, TextRefused

MAX_BACKDATE_S = 600
_HELD_ID_BASE = 10**15
"""Held (not yet saved) events get ids from here, above any real row id, until saved."""

BackUp = Callable[[Store], object]
"""Who makes the backup after a session's end (see `session_ended`): None, made there and
then; the window passes one that hands it to a thread of its own."""


@dataclass(frozen=True)
class Change:
    """What one operation changed.

    `event` is the committed row. `rebuilt` is True when the timeline changed somewhere
    before its end (a back-dated tap or an undo): views redraw from `state` instead of
    appending. `undone` is the tap an undo took back. `clamped` is True when a back-dated
    tap was placed later than asked (not before the session start or the last resume).
    `backup_problem` says, when the session ended, why its backup could not be made (or
    handed over: see `session_ended`).
    """

    event: Event
    state: SessionState
    rebuilt: bool = False
    undone: Event | None = None
    clamped: bool = False
    backup_problem: str | None = None


class Recorder:
    """The live session: its store row, scheme, clock, log and folded state; `back_up`, who
    makes the backup when it ends (None: `session_ended` does)."""

    def __init__(
        self, store: Store, session: SessionRow, scheme: Scheme, clock: SessionClock,
        events: list[Event], back_up: BackUp | None = None,
    ) -> None:
        self.store = store
        self.back_up = back_up
        self.session = session
        self.scheme = scheme
        self.clock = clock
        self.events = events
        self.state = fold(events)
        self.pending: list[Event] = []
        self._saved_ids: dict[int, int] = {}
        self._next_held_id = _HELD_ID_BASE
        self._held_reason = ""

    # -- starting and resuming -------------------------------------------------------------

    @classmethod
    def start(
        cls, store: Store, scheme: Scheme, clock: Clock, client_code: str,
        number: int | None = None, modality: str | None = None, back_up: BackUp | None = None,
    ) -> Recorder:
        """Begin a new session now."""
        session_clock = SessionClock(clock)
        row = store.create_session(
            client_code,
            number=number,
            modality=modality,
            started_utc=_iso(clock.wall_utc()),
            time_zone=local_zone_name(),
            scheme_json=scheme.to_json(),
        )
        return cls(store, row, scheme, session_clock, [], back_up)

    @classmethod
    def resume_interrupted(cls, store: Store, session_id: int, clock: Clock,
                           back_up: BackUp | None = None) -> Recorder:
        """Carry on a session a crash left open. The gap is recorded as a pause."""
        row = store.session(session_id)
        if row.status != "interrupted":
            raise TapRefused(f"The {record_name(session_id)} is {row.status}, not interrupted.")
        events = store.events(session_id)
        if _already_ended(store, session_id, events) is not None:
            session_ended(store, session_id, back_up)
            raise TapRefused(f"Session {session_id} had ended before Attune stopped; it is "
                             "closed now, with every tap.")
        last_ms, last_wall = _last_moment(row, events)
        gap_ms = max(0, round((clock.wall_utc() - last_wall).total_seconds() * 1000))
        resumed_ms = last_ms + gap_ms
        wall = _iso(clock.wall_utc())
        if not fold(events).paused:
            events.append(
                store.append(session_id, Kind.PAUSE, last_ms, wall, text="interrupted")
            )
            events.append(store.append(session_id, Kind.RESUME, resumed_ms, wall))
        store.set_status(session_id, "live")
        scheme = session_scheme(row.scheme_json, session_id)
        return cls(store, store.session(session_id), scheme, SessionClock(clock, resumed_ms),
                   events, back_up)

    @staticmethod
    def close_interrupted(store: Store, session_id: int,
                          back_up: BackUp | None = None) -> Change:
        """End a session a crash left open, at the last moment it was known to be running.

        A rupture still open is closed as unrepaired; every committed tap stays. Like any
        end, it is followed by a checkpoint and a backup (see `session_ended`).
        """
        row = store.session(session_id)
        if row.status != "interrupted":
            raise TapRefused(f"The {record_name(session_id)} is {row.status}, not interrupted.")
        events = store.events(session_id)
        end = _already_ended(store, session_id, events)
        if end is not None:
            return Change(end, fold(events),
                          backup_problem=session_ended(store, session_id, back_up))
        last_ms, last_wall = _last_moment(row, events)
        end = store.append(session_id, Kind.END, last_ms, _iso(last_wall))
        events.append(end)
        store.set_status(session_id, "ended", _iso(last_wall))
        return Change(end, fold(events),
                      backup_problem=session_ended(store, session_id, back_up))

    # -- taps ------------------------------------------------------------------------------

    def now_ms(self) -> int:
        return self.clock.offset_ms()

    def client(self, state_id: str, backdate_s: float = 0) -> Change:
        """The client's perceived state."""
        self._check_state(state_id)
        return self._tap(Kind.CLIENT, backdate_s, value=state_id)

    def self_state(self, state_id: str, backdate_s: float = 0) -> Change:
        """The clinician's own state."""
        self._check_state(state_id)
        return self._tap(Kind.SELF, backdate_s, value=state_id)

    def rupture(
        self, rupture_type: str | None = None, markers: Iterable[str] = (), backdate_s: float = 0
    ) -> Change:
        """Open a rupture (or, while one is open, add its type or markers)."""
        markers = tuple(dict.fromkeys(markers))
        if rupture_type is not None and rupture_type not in {t.id for t in self.scheme.rupture_types}:
            raise TapRefused(f"'{rupture_type}' is not a rupture type in this coding scheme.")
        self._check_tags(markers, self.scheme.marker_ids(), "rupture marker")
        return self._tap(Kind.RUPTURE, backdate_s, value=rupture_type, tags=tuple(markers))

    def repair_attempt(self, strategies: Iterable[str] = (), backdate_s: float = 0) -> Change:
        """A try at repair; the rupture stays open."""
        return self._repair(Kind.REPAIR_ATTEMPT, strategies, backdate_s)

    def repair(self, strategies: Iterable[str] = (), backdate_s: float = 0) -> Change:
        """The connection is restored: closes the open rupture with its time to repair."""
        return self._repair(Kind.REPAIR, strategies, backdate_s)

    def note(self, kind: str, text: str | None = None, backdate_s: float = 0) -> Change:
        """A glimmer, a trigger or a short free note."""
        if kind not in {n.id for n in self.scheme.notes}:
            raise TapRefused(f"'{kind}' is not a note kind in this coding scheme.")
        try:
            text = NOTE.clean(text or "") or None
        except TextRefused as exc:
            raise TapRefused(str(exc)) from None
        return self._tap(Kind.NOTE, backdate_s, value=kind, text=text)

    def undo(self) -> Change:
        """Take back the last tap by appending a tombstone (the tap stays in the log)."""
        self._check_open()
        target = last_undoable(self.events)
        if target is None:
            raise TapRefused("Nothing to undo.")
        event = self._commit(Kind.UNDO, self.now_ms(), target=target.id)
        self.state = fold(self.events)
        return Change(event, self.state, rebuilt=True, undone=target)

    # -- pause, resume, end ----------------------------------------------------------------

    def pause(self) -> Change:
        self._check_open()
        if self.state.paused:
            raise TapRefused("The session is already paused.")
        return self._append_in_order(self._commit(Kind.PAUSE, self.now_ms()))

    def resume(self) -> Change:
        self._check_open()
        if not self.state.paused:
            raise TapRefused("The session is not paused.")
        return self._append_in_order(self._commit(Kind.RESUME, self.now_ms()))

    def end(self) -> Change:
        """End the session; an open rupture is recorded as unrepaired."""
        self._check_open()
        event = self._commit(Kind.END, max(self.now_ms(), self.state.last_ms))
        self.store.set_status(self.session.id, "ended", event.wall_utc)
        self.session = self.store.session(self.session.id)
        change = self._append_in_order(event)
        return replace(change, backup_problem=session_ended(self.store, self.session.id,
                                                              self.back_up))

    # -- internals -------------------------------------------------------------------------

    def _repair(self, kind: Kind, strategies: Iterable[str], backdate_s: float) -> Change:
        strategies = tuple(dict.fromkeys(strategies))
        self._check_open()
        if self.state.open_episode is None:
            raise TapRefused("No rupture is open, so there is nothing to repair.")
        self._check_tags(strategies, self.scheme.strategy_ids(), "repair strategy")
        return self._tap(kind, backdate_s, tags=tuple(strategies))

    def _tap(self, kind: Kind, backdate_s: float, **fields: object) -> Change:
        self._check_open()
        if self.state.paused:
            raise TapRefused("The session is paused. Resume it to record taps.")
        if not 0 <= backdate_s <= MAX_BACKDATE_S:
            raise TapRefused(f"A tap can be back-dated by 0 to {MAX_BACKDATE_S} seconds.")
        now = self.now_ms()
        wanted = now - round(backdate_s * 1000)
        earliest = self.state.resume_boundary_ms()
        if kind in EPISODE_KINDS:
            earliest = max(earliest, self._last_episode_ms())
        offset = min(now, max(wanted, earliest))
        event = self._commit(kind, offset, **fields)
        change = self._append_in_order(event) if offset >= self.state.last_ms else None
        if change is None:
            self.state = fold(self.events)
            change = Change(event, self.state, rebuilt=True)
        if offset > wanted:
            change = replace(change, clamped=True)
        return change

    def _commit(self, kind: Kind, offset_ms: int, **fields: object) -> Event:
        """Save one event, or hold it (and raise TapHeld) when the database cannot take it.

        While anything is held, later events are held behind it so the log keeps its order.
        A held event counts for the session's state (so the next taps are checked against
        it) but is never reported as recorded until `flush_pending` has saved it.
        """
        wall = _iso(self.clock.wall_utc())
        if not self.pending:
            try:
                if self.store.moved():  # recovering copies the database: not on a tap's path
                    raise StoreGone(self.store.path)
                event = self.store.append(self.session.id, kind, offset_ms, wall, **fields)  # type: ignore[arg-type]
            except sqlite3.IntegrityError:
                raise
            except _CANNOT_SAVE as exc:
                self._held_reason = _reason(exc)
            else:
                self.events.append(event)
                return event
        self._next_held_id += 1
        held = Event(self._next_held_id, kind, offset_ms, wall, **fields)  # type: ignore[arg-type]
        self.pending.append(held)
        self.events.append(held)
        self.state = fold(self.events)
        raise TapHeld(self._held_reason, len(self.pending))

    def flush_pending(self) -> Change | None:
        """Try again to save held events, oldest first (a database whose folder was deleted
        or moved is first written anew at its path: see `Store.recover`).

        Returns None when nothing was held, a Change (with `rebuilt`) once everything held is
        saved, and raises TapHeld while the database still refuses.
        """
        if not self.pending:
            return None
        problem = None
        while self.pending:
            held = self.pending[0]
            target = self._saved_ids.get(held.target, held.target) if held.target else None
            try:
                saved = self.store.append(
                    self.session.id, held.kind, held.offset_ms, held.wall_utc, value=held.value,
                    tags=held.tags, text=held.text, target=target, changes=held.changes,
                )
            except sqlite3.IntegrityError:
                raise
            except _CANNOT_SAVE as exc:
                self._held_reason = _reason(exc)
                raise TapHeld(self._held_reason, len(self.pending)) from None
            self.pending.pop(0)
            self._saved_ids[held.id] = saved.id
            self.events[self.events.index(held)] = saved
            if saved.kind is Kind.END:
                self.store.set_status(self.session.id, "ended", saved.wall_utc)
                self.session = self.store.session(self.session.id)
                problem = session_ended(self.store, self.session.id, self.back_up)
        self.state = fold(self.events)
        return Change(saved, self.state, rebuilt=True, backup_problem=problem)

    def _append_in_order(self, event: Event) -> Change:
        self.state.apply(event)
        return Change(event, self.state)

    def _last_episode_ms(self) -> int:
        """The latest rupture/repair tap in effect (marker taps included): episode taps stay in
        recording order, so a back-dated repair cannot split a rupture in two."""
        return self.state.episodes[-1].last_tap_ms if self.state.episodes else 0

    def _check_open(self) -> None:
        if self.state.ended:
            raise TapRefused("This session has ended.")

    def _check_state(self, state_id: str) -> None:
        if state_id not in {s.id for s in self.scheme.enabled_states}:
            raise TapRefused(f"'{state_id}' is not a state offered by this coding scheme.")

    @staticmethod
    def _check_tags(tags: Iterable[str], known: set[str], what: str) -> None:
        for tag in tags:
            if tag not in known:
                raise TapRefused(f"'{tag}' is not a {what} in this coding scheme.")


_CANNOT_SAVE = (sqlite3.DatabaseError, StoreError, OSError)
"""What makes a tap held rather than refused: the database, or its file, cannot take it."""


def _reason(exc: Exception) -> str:
    """The database's complaint in words a clinician can act on."""
    if isinstance(exc, StoreGone):
        return exc.reason
    if isinstance(exc, OSError):
        return f"the data folder cannot be written ({exc.strerror or exc})"
    if isinstance(exc, StoreError):
        return str(exc).rstrip(".")
    text = str(exc).lower()
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the database cannot be written (read-only)"
    if "locked" in text or "busy" in text:
        return "another program is using the database"
    return f"the database reported '{exc}'"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _last_moment(row: SessionRow, events: list[Event]) -> tuple[int, datetime]:
    """The last session time and wall-clock time a session is known to have reached (a tap
    an older Attune let a correction move past it counts too, so a resume lands after it)."""
    if not events:
        return 0, datetime.fromisoformat(row.started_utc)
    last_ms = max(e.offset_ms for e in [*events, *effective_taps(events)])
    return last_ms, datetime.fromisoformat(events[-1].wall_utc)


def _already_ended(store: Store, session_id: int, events: list[Event]) -> Event | None:
    """The log's end when it holds one though the session is marked interrupted (Attune stopped
    between saving the end and marking the session ended), else None. Such a session is
    marked ended here: resuming or closing it again would write after its end."""
    end = next((e for e in events if e.kind is Kind.END), None)
    if end is not None:
        store.set_status(session_id, "ended", end.wall_utc)
    return end


def session_ended(store: Store, session_id: int, back_up: BackUp | None = None) -> str | None:
    """What every end of a session does, however it ended (ended live, its held end saved
    later, or closed after a crash): write its figures for the history list, fold the log
    into the database file (`Store.checkpoint`, so the file alone is complete) and make a
    checked backup (`attune_companion.backup`). Returns why the backup could not be made (the
    session itself is saved), or None.

    `back_up`, when given, makes the backup instead of `make_backup` here: the window's
    hands it to a thread of its own (at years of sessions a copy and its check take over a
    second) and says itself how it went. The command line waits for it here.

    Imported here, not at the top: history brings in the summary, which recording a
    session does not need until it ends (a few ms of every start).
    """
    from attune_companion.backup import make_backup
    from attune_companion.history import refresh_digest

    refresh_digest(store, session_id)
    if store.path is None or store.conn.in_transaction:
        # In memory there is nothing to fold in and nowhere to back up; inside a caller's
        # transaction (a demo session made whole or not at all) the caller does it after.
        return None
    try:
        store.checkpoint()
    except sqlite3.Error:
        pass  # the log still holds everything; the backup below copies it whole
    try:
        (back_up or make_backup)(store)
    except (AttuneError, OSError, sqlite3.Error) as exc:
        return f"The session is saved, but its backup could not be made ({exc})."
    return None
