"""Sessions' events as CSV or JSON, for analysis or for sharing in supervision.

Both exports hold the effective taps (undos and corrections applied), with an `edited` flag
where a correction touched a tap, of one session or several in one file. A CSV row and a
JSON event have the same keys (`EVENT_KEYS`): the session and its client code, the time as
seconds (`session_time_s`, a number a spreadsheet will not turn into a clock time) and as
integer ms, booleans as true/false. pandas reads both without options: the CSV as one row per
tap, the JSON (an object whose `sessions` list holds each session's metadata, summary and
events) as one row per session. Redaction is the default: `attune_companion.redaction.shared` leaves out
everything typed and keeps the codes, times, labels and numbers. Write
the bytes with `attune_companion.paths.atomic_write`.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from attune_companion.comments import Comment
from attune_companion.errors import AttuneError
from attune_companion.events import Event, Kind
from attune_companion.fold import SessionState, fold
from attune_companion.redaction import shared
from attune_companion.scheme import Scheme, session_scheme
from attune_companion.store import SessionRow, Store, now_utc
from attune_companion.summary import summarise

FORMAT = "attune-export"
FORMAT_VERSION = 2
EVENT_KEYS = ("session_id", "client_code", "event_id", "session_time_s", "offset_ms", "wall_utc",
              "kind", "value", "value_label", "tags", "tag_labels", "edited")
"""The keys of every exported tap, CSV and JSON alike; unredacted, `note_text` follows."""
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet may run a cell starting with one of these as a formula."""


@dataclass(frozen=True)
class _Session:
    row: SessionRow
    scheme: Scheme
    taps: list[Event]
    edited: set[int]
    state: SessionState
    comments: list[Comment]
    reflections: dict[str, str]


def _load(store: Store, session_id: int, redact: bool) -> _Session:
    """The session, its scheme and its effective taps, read through redaction so no later
    step can leak a text."""
    row = store.session(session_id)
    scheme = session_scheme(row.scheme_json, row.id)
    s = shared(store, session_id, redact=redact)
    edited = {e.target for e in s.log if e.kind is Kind.EDIT and e.target is not None}
    return _Session(row, scheme, s.taps, edited, fold(s.taps), s.comments, s.reflections)


class ExportError(AttuneError):
    """An export that cannot be made as asked (nothing was written)."""


def session_metadata(row: SessionRow, scheme: Scheme) -> dict[str, Any]:
    """What a reader of an export or summary needs to know about the session itself."""
    return {
        "id": row.id,
        "client_code": row.client_code,
        "number": row.number,
        "modality": row.modality,
        "started_utc": row.started_utc,
        "ended_utc": row.ended_utc,
        "time_zone": row.time_zone,
        "status": row.status,
        "scheme_version": scheme.raw.get("version"),
    }


def session_time(ms: int) -> str:
    """Session time as m:ss (minutes keep counting past 59: '52:07')."""
    return f"{ms // 60_000}:{ms // 1000 % 60:02d}"


def value_label(scheme: Scheme, event: Event) -> str:
    """The scheme's label for a tap's state, rupture type or note kind ('' when none)."""
    if event.value is None:
        return ""
    try:
        if event.kind in (Kind.CLIENT, Kind.SELF):
            return scheme.state(event.value).label
        if event.kind is Kind.RUPTURE:
            return scheme.rupture_type(event.value).label
        if event.kind is Kind.NOTE:
            return scheme.note_kind(event.value).label
    except KeyError:
        pass
    return event.value


def _event_dict(s: _Session, e: Event, redact: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "session_id": s.row.id,
        "client_code": s.row.client_code,
        "event_id": e.id,
        "session_time_s": e.offset_ms / 1000,
        "offset_ms": e.offset_ms,
        "wall_utc": e.wall_utc,
        "kind": e.kind.value,
        "value": e.value,
        "value_label": value_label(s.scheme, e),
        "tags": list(e.tags),
        "tag_labels": [s.scheme.label_of_tag(t) for t in e.tags],
        "edited": e.id in s.edited,
    }
    if not redact:
        out["note_text"] = e.text
    return out


def _csv_cell(value: object) -> object:
    """A value as a CSV cell: lists joined with ';', booleans true/false, None empty, and
    text a spreadsheet would run as a formula made inert."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(value)
    if value is None:
        return ""
    return _safe_cell(value)


def events_csv(store: Store, *session_ids: int, redact: bool = True) -> bytes:
    """The effective taps of the sessions, in that order, as CSV (UTF-8 with a byte-order
    mark, so spreadsheets read labels right). Redacted, `note_text` is left out altogether."""
    header = [*EVENT_KEYS] + ([] if redact else ["note_text"])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for session_id in _chosen(session_ids):
        s = _load(store, session_id, redact)
        for e in s.taps:
            d = _event_dict(s, e, redact)
            writer.writerow([_csv_cell(d[key]) for key in header])
    return buffer.getvalue().encode("utf-8-sig")


def session_json(store: Store, *session_ids: int, redact: bool = True) -> bytes:
    """The sessions as one JSON document: for each, its metadata, summary, pauses, effective
    taps, the supervision comments (their text only unredacted) and ratings (and,
    unredacted, the reflection answers)."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_utc": now_utc(),
        "redacted": redact,
        "sessions": [_session_doc(store, sid, redact) for sid in _chosen(session_ids)],
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _session_doc(store: Store, session_id: int, redact: bool) -> dict[str, Any]:
    s = _load(store, session_id, redact)
    doc: dict[str, Any] = {
        "session": session_metadata(s.row, s.scheme),
        "summary": summarise(s.state, s.scheme).to_dict(),
        "pauses": [{"start_ms": p.start_ms, "end_ms": p.end_ms} for p in s.state.pauses],
        "events": [_event_dict(s, e, redact) for e in s.taps],
        "comments": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "author": c.author, "text": c.text}
            for c in s.comments
        ],
        "ratings": store.ratings(session_id),
    }
    if not redact:
        doc["reflections"] = s.reflections
    return doc


def _chosen(session_ids: tuple[int, ...]) -> list[int]:
    """The sessions to export, each once, in the order given."""
    if not session_ids:
        raise ExportError("Choose at least one session to export.")
    return list(dict.fromkeys(session_ids))


def _safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
