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

import json
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


@dataclass(frozen=True)
class HistoryRow:
    """One session in the history list. Figures are None when the log could not be read
    (`problem` then says why) or are still being worked out (`pending`)."""

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
    for r in _listing(store, where, params, "DESC", recompute):
        day = r["started"].date()
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        # Positional, in HistoryRow's order: thousands of rows at every opening of the page.
        out.append(HistoryRow(r["id"], r["started"], r["code"], r["number"], r["status"],
                              r["imported"], *_row_figures(r["figures"])))
    return out


def with_figures(row: HistoryRow, figures: dict[str, Any] | None) -> HistoryRow:
    """`row` with a session's digest (None: not worked out yet, so `pending`)."""
    return replace(row, **dict(zip(_FIGURE_FIELDS, _row_figures(figures))))


_FIGURE_FIELDS = ("duration_ms", "active_ms", "ruptures", "repaired", "unrepaired", "edited",
                  "problem", "pending")


def _row_figures(figures: dict[str, Any] | None) -> tuple[Any, ...]:
    """A digest's values for HistoryRow's `_FIGURE_FIELDS`, in that order."""
    f = figures or {}
    return (f.get("total_ms"), f.get("active_ms"), f.get("ruptures"), f.get("repaired"),
            f.get("unrepaired"), bool(f.get("edited")), f.get("problem"), figures is None)


def trends(store: Store, client: str) -> list[TrendPoint]:
    """A client's ended sessions, oldest first, with the figures the trend plots show."""
    rows = _listing(
        store, ["s.client_key = ?", "s.status = 'ended'"], [clients.match_key(client)], "ASC"
    )
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
    for r in rows:
        f, given = r["figures"], ratings.get(r["id"], {})
        out.append(
            TrendPoint(
                session_id=r["id"],
                started=r["started"],
                number=r["number"],
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


def _listing(store: Store, where: list[str], params: list[Any], order: str,
             recompute: bool = True) -> list[dict[str, Any]]:
    """Session rows with their figures, in start order `order`: fresh ones, recomputed now
    where stale; or, with `recompute` False, None where stale."""
    sql = (
        "SELECT s.id, c.code, s.number, s.started_utc, s.time_zone, s.status,"
        " i.bundle_id IS NOT NULL,"
        " COALESCE((SELECT MAX(e.id) FROM events e WHERE e.session_id = s.id), 0),"
        " d.last_event_id, d.figures"
        " FROM sessions s JOIN clients c ON c.key = s.client_key"
        " LEFT JOIN imports i ON i.session_id = s.id"
        " LEFT JOIN session_digests d ON d.session_id = s.id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY s.started_utc {order}, s.id {order}"
    )
    rows = []
    stale: dict[int, int] = {}
    for sid, code, number, started, zone, status, imported, last_id, cached_id, figures in (
        store.read_rows(sql, params, "sessions")
    ):
        cached = _cached(figures) if cached_id == last_id else None
        if cached is None or cached.get("v") != DIGEST_VERSION:
            stale[sid] = last_id
            cached = None
        rows.append({
            "id": sid, "code": code, "number": number, "status": status,
            "imported": bool(imported), "started": _local(started, zone), "figures": cached,
            "last_id": last_id,
        })
    if stale and recompute:
        fresh = recompute_digests(store, stale)
        for r in rows:
            if r["id"] in fresh:
                r["figures"] = fresh[r["id"]]
    return rows


def stale_sessions(store: Store) -> dict[int, int]:
    """Sessions whose cached figures are missing, stale or of an older DIGEST_VERSION, newest
    first: session id → its newest event id."""
    return {r["id"]: r["last_id"] for r in _listing(store, [], [], "DESC", recompute=False)
            if r["figures"] is None}


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


def _cached(figures: str | None) -> dict[str, Any] | None:
    """A digest's stored figures; None when there are none or they do not parse (a damaged
    cache is recomputed, like a stale one)."""
    if not figures:
        return None
    try:  # the decoder itself: json.loads's checks cost a third of a listing's parsing
        cached, end = _DECODER.raw_decode(figures)
    except ValueError:
        return None
    return cached if isinstance(cached, dict) and end == len(figures) else None


_DECODER = json.JSONDecoder()


def recompute_digests(store: Store, stale: dict[int, int]) -> dict[int, dict[str, Any]]:
    """Recompute the digests of `stale` (session id → newest event id), save them, and
    return them (saved or not: a read-only or busy database still gets its figures)."""
    fresh = {sid: _digest(store, sid) for sid in stale}
    try:
        with store.db.atomic():
            store.db.conn.executemany(
                "INSERT OR REPLACE INTO session_digests (session_id, last_event_id, figures)"
                " VALUES (?, ?, ?)",
                [(sid, stale[sid], json.dumps(fresh[sid])) for sid in stale],
            )
    except sqlite3.OperationalError:
        pass  # read-only (or busy): the figures are right, just not saved for next time
    return fresh


def _digest(store: Store, session_id: int) -> dict[str, Any]:
    """The figures the history and trends show for one session, from its log."""
    log = store.events(session_id)
    try:
        scheme = _scheme(store.session(session_id).scheme_json)
        s = summarise(fold(log), scheme)
    except (InconsistentLog, SchemeError) as exc:
        problem = f"The {record_name(session_id)} cannot be read: {exc}"
        return {"v": DIGEST_VERSION, "problem": problem}
    lanes = s.lanes
    return {
        "v": DIGEST_VERSION,
        "total_ms": s.duration.total_ms,
        "active_ms": s.duration.active_ms,
        "ruptures": s.ruptures.count,
        "repaired": s.ruptures.repaired,
        "unrepaired": s.ruptures.unrepaired,
        "median_repair_ms": s.ruptures.median_repair_ms,
        "ventral_client": _share(lanes["client"].states, s.ventral),
        "ventral_self": _share(lanes["self"].states, s.ventral),
        "coregulation": s.coregulation.share,
        "edited": any(e.kind is Kind.EDIT for e in log),
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
