"""The rows the store hands out: a session's record and the events of its log, as read."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attune_companion.events import Event, Kind
from attune_companion.naming import record_name, session_name

STATUSES = ("live", "ended", "interrupted")


@dataclass(frozen=True)
class SessionRow:
    """A session as stored, with its client's code."""

    id: int
    client_code: str
    number: int | None
    modality: str | None
    started_utc: str
    time_zone: str
    ended_utc: str | None
    status: str
    scheme_json: str

    def local_start(self, fmt: str = "%d %b %Y, %H:%M") -> str:
        """When the session started, on the clock of the place it was recorded."""
        try:
            started = datetime.fromisoformat(self.started_utc)
        except ValueError:
            return self.started_utc
        try:
            return started.astimezone(ZoneInfo(self.time_zone)).strftime(fmt)
        except (ZoneInfoNotFoundError, ValueError):
            return started.strftime(fmt) + " UTC"

    def describe(self, *, record: bool = False) -> str:
        """'K-07 · session 3 · telehealth · 12 Mar 2025, 14:02' (where it was recorded); with
        `record`, led by its record number: 'record 6 · K-07 · session 3 · …'. The one way
        a session is named, in the window, the command line and reports."""
        parts = [record_name(self.id)] if record else []
        parts.append(self.client_code)
        if self.number:
            parts.append(session_name(self.number))
        if self.modality:
            parts.append(self.modality)
        parts.append(self.local_start())
        return " · ".join(parts)

    def file_name(self, extension: str) -> str:
        """'attune-record-12-2025-03-12.pdf': record number and date, never the client code."""
        day = self.local_start("%Y-%m-%d").replace(" ", "-")
        return f"attune-{record_name(self.id).replace(' ', '-')}-{day}.{extension}"


EVENT_COLUMNS = "id, kind, offset_ms, wall_utc, value, tags, text, target, changes"
_KINDS = {k.value: k for k in Kind}
_NO_CHANGES: dict[str, Any] = {}
"""The changes of every event that is not an edit: one empty dict, never written to (an empty
dict per event was 6 MB of a 100,000-event session)."""


@lru_cache(maxsize=1024)
def _tags(text: str) -> tuple[str, ...]:
    """A stored tag list as a tuple, one per different list: a session has a few dozen, so
    its events share them (reading each afresh was a tuple and strings per tagged event)."""
    return tuple(json.loads(text))


def event_from_row(row: Sequence[Any]) -> Event:
    """An event from its EVENT_COLUMNS values. Raises KeyError, ValueError or TypeError for
    a row that is not what Attune writes (the store turns that into DamagedRecord)."""
    eid, kind, offset, wall, value, tags, text, target, changes = row
    return Event(
        eid, _KINDS[kind], offset, wall,
        sys.intern(value) if isinstance(value, str) else value,  # a handful of state ids
        _tags(tags) if tags else (),
        text, target,
        json.loads(changes) if changes else _NO_CHANGES,
    )
