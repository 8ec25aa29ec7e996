"""The session history and a client's trends across sessions.

Listing a thousand sessions cannot fold every log each time, so each session's figures are
kept in `session_digests`, a cache: derived from the log by `summarise`, stored with the id of
the newest event they were computed from, and trusted only while that id is still the
session's newest (events are append-only, so any new tap, undo or correction changes it).
Every read checks this and recomputes the stale ones; deleting the whole table loses nothing.
The operations that change a finished session (ending, closing after a crash, importing,
correcting) call `refresh_digest`, so in use the listing only reads; a full rebuild happens
once, after an upgrade that raises `DIGEST_VERSION`. That rebuild folds every session (seconds,
at thousands of sessions), so the window lists first, with such sessions `pending`
(`recompute=False`), and works their figures out on a connection of its own in the
background (`digest_connection`, `stale_sessions`, `recompute_digests`).
A read-only database is served the same way, just without saving what was recomputed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attune_companion import clients
from attune_companion.errors import SchemeError
from attune_companion.events import Kind
from attune_companion.fold import InconsistentLog, fold
from attune_companion.naming import record_name
from attune_companion.ratings import ALLIANCE, srs_total
from attune_companion.scheme import Scheme, load_scheme_text
from attune_companion.store import Store
from attune_companion.summary import summarise

DIGEST_VERSION = 1
"""Raise when the figures below change meaning: every cached digest is then recomputed."""


@dataclass(slots=True)
class HistoryRow:
    """One session in the history list. Figures are None when the log could not be read
    (`problem` then says why) or are still being worked out (`pending`). Treat a row as
    read-only (`with_figures` makes a new one): not frozen, since a frozen dataclass is built
    a field at a time through `object.__setattr__`, four times slower across thousands."""

    session_id: int
    started: datetime
    client_code: str
    number: int | None
    status: str
    imported: bool
    duration_ms: int | None
    active_ms: int | None
    ruptures: int | None
    repaired: int | None
    unrepaired: int | None
    edited: bool
    problem: str | None
    pending: bool = False


@dataclass(frozen=True)
class TrendPoint:
    """One ended session of a client, for the trend plots. Shares are 0–1, None when not
    measurable; ratings are None when not entered (the SRS total needs all four scales)."""

    session_id: int
    started: datetime
    number: int | None
    ruptures: int | None
    median_repair_ms: int | None
    ventral_share_client: float | None
    ventral_share_self: float | None
    coregulation_share: float | None
    alliance: int | None
    srs_total: int | None


def history(
    store: Store,
    client: str | None = None,
    since: date | None = None,
    until: date | None = None,
    *,
    recompute: bool = True,
) -> list[HistoryRow]:
    """Sessions, newest first, optionally of one client and started (local date) between
    `since` and `until`, both included. With `recompute` False, a session whose cached
    figures are missing or stale comes back `pending` instead of being folded now."""
    where, params = [], []
    if client:
        where.append("s.client_key = ?")
        params.append(clients.match_key(client))
    # The stored start is UTC; a local date is at most a day either side of the UTC one.
    if since is not None:
        where.append("s.started_utc >= ?")
        params.append((since - timedelta(days=1)).isoformat())
    if until is not None:
        where.append("s.started_utc < ?")
        params.append((until + timedelta(days=2)).isoformat())
    out = []
    for sid, code, number, status, imported, started, figures in _listing(
        store, where, params, "DESC", recompute
    )[0]:
        day = started.date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        # Positional, in HistoryRow's order: thousands of rows at every opening of the page.
        out.append(HistoryRow(sid, started, code, number, status, imported,
                              *_row_fields(figures)))
    return out


def with_figures(row: HistoryRow, figures: dict[str, Any] | None) -> HistoryRow:
    """`row` with a session's digest (None: not worked out yet, so `pending`)."""
    fields = _row_fields(None if figures is None else _columns(figures))
    return replace(row, **dict(zip(_ROW_FIELDS, fields)))


def _columns(digest: dict[str, Any]) -> tuple[Any, ...]:
    """A digest's figures in `_FIGURES` order, as `session_digests` holds them."""
    return tuple(map(digest.get, _FIGURES))


def _row_fields(figures: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """HistoryRow's `_ROW_FIELDS` from figures in `_FIGURES` order (None: still to come)."""
    if figures is None:
        return _PENDING
    return (*figures[:5], bool(figures[5]), figures[6], False)


_FIGURES = ("total_ms", "active_ms", "ruptures", "repaired", "unrepaired", "edited", "problem",
            "median_repair_ms", "ventral_client", "ventral_self", "coregulation")
"""A digest's figures: the keys of its dict and the columns of `session_digests`, in this
order, the first seven being HistoryRow's (`_ROW_FIELDS`)."""
_ROW_FIELDS = ("duration_ms", "active_ms", "ruptures", "repaired", "unrepaired", "edited",
               "problem", "pending")
_PENDING = (None, None, None, None, None, False, None, True)
"""HistoryRow's figure fields for a session whose figures are still to come."""


def trends(store: Store, client: str) -> list[TrendPoint]:
    """A client's ended sessions, oldest first, with the figures the trend plots show."""
    rows = _listing(
        store, ["s.client_key = ?", "s.status = 'ended'"], [clients.match_key(client)], "ASC"
    )[0]
    ratings: dict[int, dict[str, int]] = {}
    if rows:
        found = store.db.execute(
            "SELECT r.session_id, r.name, r.value FROM ratings r "
            "JOIN sessions s ON s.id = r.session_id WHERE s.client_key = ?",
            [clients.match_key(client)],
        ).fetchall()
        for sid, name, value in found:
            ratings.setdefault(sid, {})[name] = value
    out = []
    for sid, _code, number, _status, _imported, started, figures in rows:
        f, given = dict(zip(_FIGURES, figures or ())), ratings.get(sid, {})
        out.append(
            TrendPoint(
                session_id=sid,
                started=started,
                number=number,
                ruptures=f.get("ruptures"),
                median_repair_ms=f.get("median_repair_ms"),
                ventral_share_client=f.get("ventral_client"),
                ventral_share_self=f.get("ventral_self"),
                coregulation_share=f.get("coregulation"),
                alliance=given.get(ALLIANCE),
                srs_total=srs_total(given),
            )
        )
    return out


# -- the cache ----------------------------------------------------------------------------------


_LISTING = (
    "SELECT s.id, c.code, s.number, s.started_utc, s.time_zone, s.status,"
    " EXISTS (SELECT 1 FROM imports i WHERE i.session_id = s.id),"
    " COALESCE((SELECT MAX(e.id) FROM events e WHERE e.session_id = s.id), 0),"
    " d.last_event_id, d.version, " + ", ".join(f"d.{name}" for name in _FIGURES)
    + " FROM sessions s JOIN clients c ON c.key = s.client_key"
    " LEFT JOIN session_digests d ON d.session_id = s.id"
)

Listed = tuple[int, str, int | None, str, bool, datetime, tuple[Any, ...] | None]
"""A listed session: id, client code, number, status, imported, local start, and its figures
in `_FIGURES` order (None while stale and not recomputed)."""


def _listing(store: Store, where: list[str], params: list[Any], order: str,
             recompute: bool = True) -> tuple[list[Listed], dict[int, int]]:
    """Sessions in start order `order` with their figures: fresh ones, recomputed now where
    stale; or, with `recompute` False, None where stale. And the stale ones: session id →
    its newest event id."""
    sql = (_LISTING + (" WHERE " + " AND ".join(where) if where else "")
           + f" ORDER BY s.started_utc {order}, s.id {order}")
    rows: list[Listed] = []
    stale: dict[int, int] = {}
    for sid, code, number, started, zone, status, imported, last_id, cached_id, version, *fig in (
        store.read_rows(sql, params, "sessions")
    ):
        fresh = cached_id == last_id and version == DIGEST_VERSION
        if not fresh:
            stale[sid] = last_id
        rows.append((sid, code, number, status, bool(imported), _local(started, zone),
                     tuple(fig) if fresh else None))
    if stale and recompute:
        worked_out = recompute_digests(store, stale)
        rows = [r if r[0] not in worked_out else (*r[:6], _columns(worked_out[r[0]]))
                for r in rows]
    return rows, stale


def stale_sessions(store: Store) -> dict[int, int]:
    """Sessions whose cached figures are missing, stale or of an older DIGEST_VERSION, newest
    first: session id → its newest event id."""
    return _listing(store, [], [], "DESC", recompute=False)[1]


def digest_connection(path: Path) -> Store:
    """A connection of its own to the database at `path`, for working out digests beside the
    window's (another thread): no lock of its own (the app holds it), and writes that are
    not synced at once, since the digests are a cache that is recomputed if lost."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    conn.execute("PRAGMA synchronous = NORMAL")
    return Store(conn, path, None)


def refresh_digest(store: Store, session_id: int) -> None:
    """Save one session's digest now, when it has just changed (ended, closed after a crash,
    imported or corrected), so the next history listing finds it fresh instead of folding the
    log then. Never raises: the digest is a cache, and any listing recomputes a missing one,
    so a failure here must not undo or hide the change that was just committed."""
    try:
        last_id = store.db.execute(
            "SELECT COALESCE(MAX(id), 0) FROM events WHERE session_id = ?", [session_id]
        ).fetchone()[0]
        recompute_digests(store, {session_id: last_id})
    except Exception:  # noqa: BLE001 - a cache write must never fail the operation it follows
        pass


def recompute_digests(store: Store, stale: dict[int, int]) -> dict[int, dict[str, Any]]:
    """Recompute the digests of `stale` (session id → newest event id), save them, and
    return them (saved or not: a read-only or busy database still gets its figures)."""
    fresh = {sid: _digest(store, sid) for sid in stale}
    try:
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT OR REPLACE INTO session_digests (session_id, last_event_id, version, "
                + ", ".join(_FIGURES) + ") VALUES (" + ", ".join("?" * (3 + len(_FIGURES))) + ")",
                [(sid, stale[sid], DIGEST_VERSION, *_columns(fresh[sid])) for sid in stale],
            )
    except sqlite3.OperationalError:
        pass  # read-only (or busy): the figures are right, just not saved for next time
    return fresh


def _digest(store: Store, session_id: int) -> dict[str, Any]:
    """The figures the history and trends show for one session, from its log."""
    log = store.events(session_id)
    edited = any(e.kind is Kind.EDIT for e in log)
    try:
        scheme = _scheme(store.session(session_id).scheme_json)
        s = summarise(fold(log), scheme)
    except (InconsistentLog, SchemeError) as exc:
        return {"problem": f"The {record_name(session_id)} cannot be read: {exc}",
                "edited": edited}
    lanes = s.lanes
    return {
        "total_ms": s.duration.total_ms,
        "active_ms": s.duration.active_ms,
        "ruptures": s.ruptures.count,
        "repaired": s.ruptures.repaired,
        "unrepaired": s.ruptures.unrepaired,
        "median_repair_ms": s.ruptures.median_repair_ms,
        "ventral_client": _share(lanes["client"].states, s.ventral),
        "ventral_self": _share(lanes["self"].states, s.ventral),
        "coregulation": s.coregulation.share,
        "edited": edited,
    }


def _share(states: dict[str, Any], state_id: str) -> float | None:
    held = states.get(state_id)
    return held.share if held is not None else None


@lru_cache(maxsize=16)
def _scheme(scheme_json: str) -> Scheme:
    """Most sessions share a scheme snapshot: parse each distinct one once."""
    return load_scheme_text(scheme_json, "the session's coding scheme")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local(started_utc: str, zone: str) -> datetime:
    """The session's start in the time zone it was recorded in (UTC if that zone is unknown)."""
    moment = datetime.fromisoformat(started_utc)
    tz = _zone(zone)
    return moment.astimezone(tz) if tz is not None else moment
