"""Corrections made in review: move, retag or remove a tap, kept as audited edits.

A correction never rewrites the log. It appends an EDIT event naming the tap and its new values,
and an audit row saying what was changed and when. The original tap stays in the log; the fold
sees the corrected one. A correction that would make the session impossible (a repair moved
before its rupture, say) is refused and nothing is written.
"""

from __future__ import annotations

from typing import Any, Iterable

from attune_companion.errors import TapRefused
from attune_companion.events import TAP_KINDS, Event, Kind, apply_changes, effective_taps
from attune_companion.fold import InconsistentLog, SessionState, fold
from attune_companion.history import refresh_digest
from attune_companion.naming import record_name
from attune_companion.scheme import Scheme, session_scheme
from attune_companion.store import Store
from attune_companion.text_rules import NOTE, TextRefused

SWAPPABLE = {
    Kind.CLIENT: Kind.SELF,
    Kind.SELF: Kind.CLIENT,
    Kind.REPAIR_ATTEMPT: Kind.REPAIR,
    Kind.REPAIR: Kind.REPAIR_ATTEMPT,
}
"""Kinds a tap may be changed into: the other lane, or attempt ↔ repair."""


def correct(
    store: Store,
    session_id: int,
    event_id: int,
    *,
    offset_ms: int | None = None,
    value: str | None = None,
    tags: Iterable[str] | None = None,
    kind: Kind | None = None,
    text: str | None = None,
) -> SessionState:
    """Correct a tap in one audited edit, all of it or none: its time (`offset_ms`), its
    state/type/note kind (`value`), its markers or strategies (`tags`), its kind (client ↔
    self lane, repair attempt ↔ repair) or a note's `text` ('' takes the text away)."""
    changes: dict[str, Any] = {}
    if offset_ms is not None:
        changes["offset_ms"] = int(offset_ms)
    if value is not None:
        changes["value"] = value
    if tags is not None:
        changes["tags"] = list(dict.fromkeys(tags))
    if kind is not None:
        changes["kind"] = kind.value
    if text is not None:
        try:
            changes["text"] = NOTE.clean(text) or None
        except TextRefused as exc:
            raise TapRefused(str(exc)) from None
    return _correct(store, session_id, event_id, changes)


def move(store: Store, session_id: int, event_id: int, offset_ms: int) -> SessionState:
    """Place a tap at another session time."""
    return correct(store, session_id, event_id, offset_ms=offset_ms)


def retag(
    store: Store,
    session_id: int,
    event_id: int,
    *,
    value: str | None = None,
    tags: Iterable[str] | None = None,
    kind: Kind | None = None,
) -> SessionState:
    """Change what a tap was: `value`, `tags` or `kind`, as `correct` does."""
    return correct(store, session_id, event_id, value=value, tags=tags, kind=kind)


def remove(store: Store, session_id: int, event_id: int) -> SessionState:
    """Take a mis-tap out of the session (it stays in the log, marked removed)."""
    return _correct(store, session_id, event_id, {"removed": True})


def edited_ids(events: list[Event]) -> set[int]:
    """Taps that a correction touched (the review marks them, and the session as edited)."""
    return {e.target for e in events if e.kind is Kind.EDIT and e.target is not None}


def _correct(store: Store, session_id: int, event_id: int, changes: dict[str, Any]) -> SessionState:
    if not changes:
        raise TapRefused("Nothing to change.")
    session = store.session(session_id)
    if session.status == "live":
        raise TapRefused("Correct taps after the session; during it, use Undo.")
    events = store.events(session_id)
    target = next((e for e in events if e.id == event_id), None)
    if target is None or target.kind not in TAP_KINDS:
        raise TapRefused(f"The {record_name(session_id)} has no tap {event_id} to correct.")
    if target.id not in {e.id for e in effective_taps(events)}:
        raise TapRefused("That tap was undone or removed already.")
    scheme = session_scheme(session.scheme_json, session_id)
    _check_values(target, changes, scheme, events)
    wall = events[-1].wall_utc if events else session.started_utc
    candidate = Event(
        id=max(e.id for e in events) + 1, kind=Kind.EDIT, offset_ms=0, target=event_id,
        changes=changes,
    )
    try:
        state = fold(events + [candidate])
    except InconsistentLog as exc:
        raise TapRefused(f"That correction would not make a consistent session ({exc}).") from None
    with store.db.atomic():
        store.append(
            session_id, Kind.EDIT, max(e.offset_ms for e in events), wall,
            target=event_id, changes=changes,
        )
        store.audit("edit", session_id, {"event": event_id, "fields": sorted(changes)})
    refresh_digest(store, session_id)
    return state


def _check_values(target: Event, changes: dict[str, Any], scheme: Scheme, events: list[Event]) -> None:
    edited = apply_changes(target, changes)
    if "kind" in changes and SWAPPABLE.get(target.kind) is not edited.kind:
        raise TapRefused(f"A {target.kind.value.replace('_', ' ')} tap cannot become that kind.")
    # An interrupted session has no end yet: it reaches as far as its log does, where a
    # resume carries on (a tap moved beyond that would lie in the future of the resumed one).
    end = max(e.offset_ms for e in events)
    if not 0 <= edited.offset_ms <= end:
        raise TapRefused("A tap must stay between the session's start and its end.")
    if "offset_ms" in changes and any(
        p.start_ms <= edited.offset_ms and (p.end_ms is None or edited.offset_ms <= p.end_ms)
        for p in fold(events).pauses
        if p.end_ms != p.start_ms
    ):
        raise TapRefused("A tap cannot be moved into a pause (or onto its first or last moment).")
    kind = edited.kind
    if kind in (Kind.CLIENT, Kind.SELF) and edited.value not in {s.id for s in scheme.states}:
        raise TapRefused(f"'{edited.value}' is not a state in this session's coding scheme.")
    if kind is Kind.RUPTURE:
        if edited.value is not None and edited.value not in {t.id for t in scheme.rupture_types}:
            raise TapRefused(f"'{edited.value}' is not a rupture type in this coding scheme.")
        unknown = set(edited.tags) - scheme.marker_ids()
        if unknown:
            raise TapRefused(f"Unknown rupture marker(s): {', '.join(sorted(unknown))}.")
    if kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
        unknown = set(edited.tags) - scheme.strategy_ids()
        if unknown:
            raise TapRefused(f"Unknown repair strateg(ies): {', '.join(sorted(unknown))}.")
    if kind is Kind.NOTE and edited.value not in {n.id for n in scheme.notes}:
        raise TapRefused(f"'{edited.value}' is not a note kind in this coding scheme.")
    if "text" in changes and kind is not Kind.NOTE:
        raise TapRefused("Only a note carries text.")
