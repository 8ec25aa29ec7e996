"""Checks of a bundle's JSON members: shapes, types, sizes, kinds, times and codes.

Each `_x(value, ...)` returns the checked value or raises BundleError saying where and what
was wrong. Nothing here touches a database.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from attune_companion import clients
from attune_companion.comments import CommentError, check_placement, clean_author, clean_text
from attune_companion.errors import AttuneError, BundleError, SchemeError
from attune_companion.events import EDITABLE_FIELDS, TAP_KINDS, Event, Kind, effective_taps
from attune_companion.fold import InconsistentLog, fold
from attune_companion.scheme import Scheme, load_scheme_text
from attune_companion.text_rules import NOTE, REFLECTION, TextRule

MAX_EVENTS, MAX_COMMENTS = 100_000, 5_000
MAX_SESSION_MS = 31 * 24 * 3600 * 1000
MAX_ID, MAX_TAGS = 80, 40
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
SLACK = timedelta(days=1)
"""How far past now a stamp may lie: clocks and time zones of two computers disagree a little."""
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ZONE = re.compile(r"^[A-Za-z0-9_+\-/]{1,64}$")


def parse_json(raw: bytes, name: str) -> Any:
    def no_constants(word: str) -> Any:
        raise ValueError(word)

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleError(f"{name} is not valid JSON") from None


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BundleError(f"{where} is not a JSON object")
    return value


def bounded_list(value: Any, where: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise BundleError(f"{where} is not a list")
    if len(value) > most:
        raise BundleError(f"{where} has more than {most} items")
    return value


def keys(d: dict[str, Any], expected: set[str], where: str) -> None:
    if set(d) != expected:
        odd = sorted(set(d) ^ expected)
        raise BundleError(f"{where} has missing or unknown fields ({', '.join(odd)[:120]})")


def integer(value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BundleError(f"{where} is not a whole number from {lo} to {hi}")
    return value


def bounded_text(value: Any, where: str, most: int, *, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > most or "\x00" in value:
        raise BundleError(f"{where} is not a text of at most {most} characters")
    return value


def free_text(value: Any, where: str, rule: TextRule, *, optional: bool = False) -> Any:
    """A typed text, checked by the same rule that let it in where it was written."""
    if value is None and optional:
        return None
    problem = rule.problem(value)
    if problem:
        raise BundleError(f"{where}: {problem[0].lower()}{problem[1:].rstrip('.')}")
    return value


def moment(value: Any, where: str, latest: datetime) -> str:
    """A stamped date and time (with its UTC offset, as Attune writes them) from EARLIEST to
    `latest` (a day after now: anything later comes from a wrong clock or a forged file)."""
    text = bounded_text(value, where, 40)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise BundleError(f"{where} is not a date and time") from None
    if when.utcoffset() is None:
        raise BundleError(f"{where} is a date and time without its UTC offset")
    if when < EARLIEST:
        raise BundleError(f"{where} ({text}) is before {EARLIEST.year}")
    if when > latest:
        raise BundleError(f"{where} ({text}) lies in the future")
    return str(text)


def latest_moment(now: datetime) -> datetime:
    """The latest stamp a bundle read at `now` may carry."""
    return now + SLACK


def scheme_text(raw: bytes) -> str:
    try:
        scheme = load_scheme_text(raw.decode("utf-8"), "scheme.json in the bundle")
    except UnicodeDecodeError:
        raise BundleError("scheme.json is not UTF-8 text") from None
    except (SchemeError, RecursionError) as exc:
        raise BundleError(str(exc).rstrip(".")) from None
    return scheme.to_json()


def session_meta(value: Any, latest: datetime) -> dict[str, Any]:
    s = obj(value, "manifest session")
    keys(s, {"client_code", "number", "modality", "started_utc", "ended_utc", "time_zone"},
          "manifest session")
    try:
        code = clients.normalise(bounded_text(s["client_code"], "the client code", 200))
    except AttuneError as exc:
        raise BundleError(str(exc).rstrip(".")) from None
    number = s["number"]
    if number is not None:
        integer(number, "the session number", 1, 100_000)
    if s["modality"] not in (None, "telehealth", "in person"):
        raise BundleError("the session's modality is not 'telehealth' or 'in person'")
    zone = bounded_text(s["time_zone"], "the session's time zone", 64)
    if not _ZONE.match(zone):
        raise BundleError("the session's time zone is not a time-zone name")
    started = moment(s["started_utc"], "the session's start", latest)
    ended = s["ended_utc"]
    if ended is not None:
        ended = moment(ended, "the session's end", latest)
        if datetime.fromisoformat(ended) < datetime.fromisoformat(started):
            raise BundleError("the session ends before it starts")
    return {
        "client_code": code, "number": number, "modality": s["modality"], "time_zone": zone,
        "started_utc": started, "ended_utc": ended,
    }


_EVENT_KEYS = {"id", "kind", "offset_ms", "wall_utc", "value", "tags", "text", "target", "changes"}
_KINDS = {k.value for k in Kind}
_TAP_KIND_VALUES = {k.value for k in TAP_KINDS}


def event_log(value: Any, scheme: Scheme, latest: datetime) -> tuple[list[Event], int]:
    """The log, checked event by event, then as a whole: one end, every time inside the
    session, undo and edit targets earlier taps in the bundle, and a log that folds."""
    events: list[Event] = []
    by_id: dict[int, Event] = {}
    end: int | None = None
    for i, item in enumerate(bounded_list(value, "events.json", MAX_EVENTS), start=1):
        where = f"events.json item {i}"
        d = obj(item, where)
        keys(d, _EVENT_KEYS, where)
        event_id = integer(d["id"], f"{where} id", 1, 2**53)
        if events and event_id <= events[-1].id:
            raise BundleError(f"{where} is out of recording order")
        if not isinstance(d["kind"], str) or d["kind"] not in _KINDS:
            raise BundleError(f"{where} has an unknown kind")
        kind = Kind(d["kind"])
        target = d["target"]
        if kind in (Kind.UNDO, Kind.EDIT):
            target = integer(target, f"{where} target", 1, 2**53)
            if target not in by_id or not by_id[target].is_tap:
                raise BundleError(f"{where} corrects a tap that is not in the bundle")
        elif target is not None:
            raise BundleError(f"{where} names a target, which only undo and edit rows do")
        changes = obj(d["changes"], f"{where} changes")
        if kind is Kind.EDIT:
            _changes(changes, where)
        elif changes:
            raise BundleError(f"{where} carries changes, which only edit rows do")
        if end is not None and kind is not Kind.EDIT:
            raise BundleError(f"{where} comes after the end of the session")
        event = Event(
            id=event_id, kind=kind,
            offset_ms=integer(d["offset_ms"], f"{where} offset_ms", 0, MAX_SESSION_MS),
            wall_utc=moment(d["wall_utc"], f"{where} wall_utc", latest),
            value=bounded_text(d["value"], f"{where} value", MAX_ID, optional=True),
            tags=tuple(bounded_text(t, f"{where} tags", MAX_ID)
                       for t in bounded_list(d["tags"], f"{where} tags", MAX_TAGS)),
            text=free_text(d["text"], f"{where} text", NOTE, optional=True),
            target=target, changes=changes,
        )
        _check_codes(event, scheme, where)
        if kind is Kind.END:
            end = event.offset_ms
        events.append(event)
        by_id[event_id] = event
    if end is None:
        raise BundleError("events.json has no end of session")
    for e in events:
        if max(e.offset_ms, e.changes.get("offset_ms", 0)) > end:
            raise BundleError(f"event {e.id} lies after the end of the session")
    for e in effective_taps(events):
        _check_codes(e, scheme, f"event {e.id} as corrected")
    try:
        fold(events)
    except InconsistentLog as exc:
        raise BundleError(f"its events do not make a consistent session ({exc})") from None
    return events, end


def _changes(changes: dict[str, Any], where: str) -> None:
    where = f"{where} changes"
    if not set(changes) <= set(EDITABLE_FIELDS):
        raise BundleError(f"{where} name a field that cannot be corrected")
    if "offset_ms" in changes:
        integer(changes["offset_ms"], f"{where} offset_ms", 0, MAX_SESSION_MS)
    if "value" in changes:
        bounded_text(changes["value"], f"{where} value", MAX_ID, optional=True)
    if "tags" in changes:
        for tag in bounded_list(changes["tags"], f"{where} tags", MAX_TAGS):
            bounded_text(tag, f"{where} tags", MAX_ID)
    if "text" in changes:
        free_text(changes["text"], f"{where} text", NOTE, optional=True)
    if "kind" in changes and not (
        isinstance(changes["kind"], str) and changes["kind"] in _TAP_KIND_VALUES
    ):
        raise BundleError(f"{where} kind is not a kind of tap")
    if "removed" in changes and changes["removed"] is not True:
        raise BundleError(f"{where} removed is not true")


def _check_codes(e: Event, scheme: Scheme, where: str) -> None:
    """Values and tags must be ones the session's scheme defines; text only on notes/pauses."""
    kind = e.kind
    allowed_values: set[str | None] = {None}
    allowed_tags: set[str] = set()
    if kind in (Kind.CLIENT, Kind.SELF):
        allowed_values = {s.id for s in scheme.states}
    elif kind is Kind.RUPTURE:
        allowed_values |= {t.id for t in scheme.rupture_types}
        allowed_tags = scheme.marker_ids()
    elif kind in (Kind.REPAIR_ATTEMPT, Kind.REPAIR):
        allowed_tags = scheme.strategy_ids()
    elif kind is Kind.NOTE:
        allowed_values = {n.id for n in scheme.notes}
    if e.value not in allowed_values:
        raise BundleError(f"{where} has a value its coding scheme does not define")
    if not set(e.tags) <= allowed_tags:
        raise BundleError(f"{where} has a tag its coding scheme does not define")
    if e.text is not None and kind not in (Kind.NOTE, Kind.PAUSE):
        raise BundleError(f"{where} carries text, which only notes and pauses do")


def comment_list(value: Any, end_ms: int, latest: datetime) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(bounded_list(value, "comments.json", MAX_COMMENTS), start=1):
        where = f"comments.json item {i}"
        d = obj(item, where)
        keys(d, {"start_ms", "end_ms", "author", "text", "created_utc"}, where)
        start = integer(d["start_ms"], f"{where} start_ms", 0, MAX_SESSION_MS)
        stop = d["end_ms"]
        if stop is not None:
            stop = integer(stop, f"{where} end_ms", 0, MAX_SESSION_MS)
        try:
            check_placement(start, stop, end_ms)
            author = clean_author(d["author"])
            text = None if d["text"] is None else clean_text(d["text"])
        except CommentError as exc:
            raise BundleError(f"{where}: {str(exc).rstrip('.')}") from None
        out.append({"start_ms": start, "end_ms": stop, "author": author, "text": text,
                    "created_utc": moment(d["created_utc"], f"{where} created_utc", latest)})
    return out


def rating_map(value: Any) -> dict[str, int]:
    ratings = obj(value, "ratings.json")
    if len(ratings) > 32:
        raise BundleError("ratings.json holds too many ratings")
    for name, rating in ratings.items():
        if not _NAME.match(name):
            raise BundleError("ratings.json has a rating with an invalid name")
        integer(rating, f"rating {name}", 0, 10)
    return ratings


def reflection_map(value: Any) -> dict[str, str]:
    answers = obj(value, "reflections.json")
    if len(answers) > 32:
        raise BundleError("reflections.json holds too many answers")
    for prompt, text in answers.items():
        if not _NAME.match(prompt):
            raise BundleError("reflections.json has an answer to an invalid prompt id")
        free_text(text, f"reflection {prompt}", REFLECTION)
    return answers
