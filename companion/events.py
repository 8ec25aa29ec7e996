"""Events: the append-only log a session is made of.

Every tap, pause, resume and end is an `Event`. Nothing is ever changed or deleted: undo
appends an UNDO tombstone naming the tap it takes back, and a correction made in review
appends an EDIT naming the tap and its new values. `effective_taps` applies those to give the
events the session is folded from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from operator import attrgetter
from typing import Any


class Kind(StrEnum):
    CLIENT = "client_state"
    SELF = "self_state"
    RUPTURE = "rupture"
    REPAIR_ATTEMPT = "repair_attempt"
    REPAIR = "repair"
    NOTE = "note"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    UNDO = "undo"
    EDIT = "edit"


TAP_KINDS = frozenset(
    {Kind.CLIENT, Kind.SELF, Kind.RUPTURE, Kind.REPAIR_ATTEMPT, Kind.REPAIR, Kind.NOTE}
)
"""What a clinician taps; only these can be undone or corrected."""

EPISODE_KINDS = frozenset({Kind.RUPTURE, Kind.REPAIR_ATTEMPT, Kind.REPAIR})
"""Taps that belong to rupture episodes; they are kept in recording order on the timeline."""

EDITABLE_FIELDS = ("offset_ms", "value", "tags", "text", "kind", "removed")


@dataclass(slots=True)
class Event:
    """One row of the log.

    `id` is the store's row id, so it also orders recording. `value` is the state id (client
    and self taps), the rupture type (rupture, may be None) or the note kind (note). `tags` are
    rupture markers or repair strategies. `target` names the tap an UNDO or EDIT refers to, and
    `changes` holds an EDIT's new values (any of EDITABLE_FIELDS).

    Treat an event as read-only: a correction is a new EDIT row, and `apply_changes` makes a
    new event. It is not a frozen dataclass only because making one costs four times as much
    (2.1 µs against 0.5 µs: a fifth of opening a 10,000-event review went into it).
    """

    id: int
    kind: Kind
    offset_ms: int
    wall_utc: str = ""
    value: str | None = None
    tags: tuple[str, ...] = ()
    text: str | None = None
    target: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_tap(self) -> bool:
        return self.kind in TAP_KINDS

    def sort_key(self) -> tuple[int, int]:
        """Timeline order: session time first, recording order within the same millisecond."""
        return _TIMELINE_ORDER(self)


_TIMELINE_ORDER = attrgetter("offset_ms", "id")
_BY_ID = attrgetter("id")
_BY_OFFSET = attrgetter("offset_ms")


def _in_timeline_order(events: list[Event]) -> None:
    """Sort `events` in place by `Event.sort_key`: two stable sorts, on the id, then on the
    time. The keys are the events' own ints, where one sort on the pair made a tuple per
    event (100,000 of them in a long session's review, each time it opens), and a log
    already in recording order passes the first sort in one look."""
    events.sort(key=_BY_ID)
    events.sort(key=_BY_OFFSET)


def effective_taps(events: list[Event]) -> list[Event]:
    """The events with undos and edits applied, in timeline order.

    Undone and removed taps disappear; edited taps carry their newest values (the original
    row stays in the log). Undo/edit rows themselves are not part of the result.
    """
    corrections = [e for e in events if e.kind in _CORRECTION_KINDS]
    if not corrections:  # most sessions: the log is the taps (a pass in C, not in Python)
        taps = list(events)
        _in_timeline_order(taps)
        return taps
    undone: set[int] = set()
    edits: dict[int, dict[str, Any]] = {}
    for e in corrections:
        if e.target is None:
            continue
        if e.kind is Kind.UNDO:
            undone.add(e.target)
        else:
            edits.setdefault(e.target, {}).update(e.changes)
    out = []
    for e in events:
        if e.kind in _CORRECTION_KINDS or e.id in undone:
            continue
        change = edits.get(e.id)
        if change:
            if change.get("removed"):
                continue
            e = apply_changes(e, change)
        out.append(e)
    _in_timeline_order(out)
    return out


_CORRECTION_KINDS = frozenset({Kind.UNDO, Kind.EDIT})


def apply_changes(event: Event, changes: dict[str, Any]) -> Event:
    """The tap as an EDIT's changes would make it."""
    fields: dict[str, Any] = {
        k: v for k, v in changes.items() if k in EDITABLE_FIELDS and k != "removed"
    }
    if "tags" in fields:
        fields["tags"] = tuple(fields["tags"])
    if "kind" in fields:
        fields["kind"] = Kind(fields["kind"])
    return replace(event, **fields)


def last_undoable(events: list[Event]) -> Event | None:
    """The tap an undo would take back now: the newest recorded of the taps in effect (as
    corrected), so an undo can never name a tap an undo or a correction already took out."""
    return max((e for e in effective_taps(events) if e.is_tap), key=lambda e: e.id, default=None)
