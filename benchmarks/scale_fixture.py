"""Generated data for the scale benchmarks: years of sessions, and sessions of any length.

Not a benchmark itself (run_all does not list it). `practice(path)` writes a database of
5,000 ended sessions (five years of a full caseload: 40 clients, a realistic mix of lengths)
with executemany inside one transaction, so generating it takes seconds; `long_session`
adds one ended session of exactly n events. Every session folds: the generator keeps the
rules the recorder keeps (a repair only with a rupture open, pauses resumed, an end last),
and a few taps are undone or corrected so the logs look like real ones.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


from attune_companion.integrity import row_checksum  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402

STATES = ("ventral", "sympathetic", "dorsal")
MARKERS = {"withdrawal": ("denial", "minimal_response", "avoidant_storytelling"),
           "confrontation": ("complaint_parameters", "complaint_progress")}
STRATEGIES = ("clarify", "rationale", "acknowledge", "invite_exploration", "validate_defence")
NOTES = ("glimmer", "glimmer", "trigger", "note")
NOTE_TEXTS = ("Returned to last week's theme.", "Long silence; eyes down.",
              "Laughed for the first time today.")
EVENT_COLUMNS = ("session_id", "kind", "offset_ms", "wall_utc", "value", "tags", "text",
                 "target", "changes")


def session_length(rng: random.Random) -> int:
    """Events in one session, drawn from a realistic mix: most hours hold 30–120 taps, some
    busy ones a few hundred, a rare long or intense one up to 2,000 (about 150 on average)."""
    r = rng.random()
    if r < 0.65:
        return rng.randint(30, 120)
    if r < 0.92:
        return rng.randint(120, 300)
    if r < 0.99:
        return rng.randint(300, 700)
    return rng.randint(700, 2000)


def session_taps(rng: random.Random, n: int, span_ms: int) -> Iterator[tuple[Any, ...]]:
    """(kind, offset_ms, value, tags, text) for n events spread over about `span_ms`, ending
    with the session's end. About one tap in fifty opens a rupture, as in a tense hour."""
    gap = max(2, 2 * span_ms // max(n, 1))
    random = rng.random
    t, rupture, paused, made = 0, False, False, 0
    while made < n - 1:
        t += 1 + int(random() * gap)
        made += 1
        if paused:
            paused = False
            yield "resume", t, None, None, None
            continue
        r = random()
        if rupture and r < 0.08:
            yield "repair_attempt", t, None, json.dumps([rng.choice(STRATEGIES)]), None
        elif rupture and r < 0.16:
            rupture = False
            yield "repair", t, None, json.dumps(rng.sample(STRATEGIES, 2)), None
        elif not rupture and r < 0.02:
            rupture = True
            kind = rng.choice(tuple(MARKERS))
            yield "rupture", t, kind, json.dumps([rng.choice(MARKERS[kind])]), None
        elif r < 0.55:
            yield "client_state", t, STATES[int(r * 1000) % 3], None, None
        elif r < 0.88:
            yield "self_state", t, STATES[int(r * 1000) % 3], None, None
        elif r < 0.995 or made >= n - 2:
            kind = rng.choice(NOTES)
            text = rng.choice(NOTE_TEXTS) if kind == "note" else None
            yield "note", t, kind, None, text
        else:
            paused = True
            yield "pause", t, None, None, None
    if paused:
        t += 1
    yield "end", t + 1000, None, None, None


def _rows(session_id: int, first_id: int, n: int, rng: random.Random, wall: str,
          span_ms: int) -> list[tuple[Any, ...]]:
    """Event rows with explicit ids (so undos and edits can name their targets)."""
    rows = []
    for i, (kind, t, value, tags, text) in enumerate(session_taps(rng, n, span_ms)):
        rows.append((first_id + i, session_id, kind, t, wall, value, tags, text, None, None))
    taps = [r for r in rows if r[2] in ("client_state", "self_state", "note")]
    next_id = first_id + len(rows)
    if len(taps) > 10 and rng.random() < 0.3:  # a corrected state, or a removed mis-tap
        tap = rng.choice(taps)
        change = ({"removed": True} if tap[2] == "note" and rng.random() < 0.5
                  else {"value": rng.choice(STATES)} if tap[2] != "note" else {"text": None})
        end = rows[-1][3]
        rows.append((next_id, session_id, "edit", end, wall, None, None, None, tap[0],
                     json.dumps(change)))
    return rows


def signed(table: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows (id first) with their checksum last, made as Attune makes it for every row."""
    return [(*row, row_checksum(table, row[1:])) for row in rows]


def insert_events(store: Store, rows: list[tuple[Any, ...]]) -> None:
    """Insert prepared event rows (id first), each with its checksum, in one executemany."""
    columns = ", ".join(("id", *EVENT_COLUMNS, "checksum"))
    store.conn.executemany(
        f"INSERT INTO events ({columns}) VALUES ({', '.join('?' * (2 + len(EVENT_COLUMNS)))})",
        signed("events", rows))


def practice(path: Path, sessions: int = 5000, clients: int = 40, seed: int = 5) -> dict[str, Any]:
    """Write a database of `sessions` ended sessions at `path` (a new file). Returns what it
    holds: {"sessions", "events", "codes", "busiest"} (busiest: the client with most)."""
    rng = random.Random(seed)
    scheme_json = default_scheme().to_json()
    store = Store.open(path)
    codes = [f"K-{i:03d}" for i in range(clients)]
    weights = [rng.uniform(0.5, 1.5) for _ in codes]
    first = datetime(2021, 1, 4, 8, 0, tzinfo=UTC)
    numbers: dict[str, int] = {}
    session_rows, event_rows, rating_rows = [], [], []
    next_event = 1
    for sid in range(1, sessions + 1):
        code = rng.choices(codes, weights)[0]
        numbers[code] = numbers.get(code, 0) + 1
        start = first + timedelta(minutes=int(sid * 5 * 365 * 24 * 60 / sessions))
        started = start.isoformat(timespec="milliseconds")
        ended = (start + timedelta(minutes=55)).isoformat(timespec="milliseconds")
        session_rows.append((sid, code.casefold(), numbers[code], "telehealth", started,
                             "Europe/Berlin", ended, "ended", scheme_json))
        rows = _rows(sid, next_event, session_length(rng), rng, started, 50 * 60_000)
        next_event += len(rows)
        event_rows.extend(rows)
        if rng.random() < 0.6:
            rating_rows.append((sid, "alliance", rng.randint(3, 10), ended))
    with store.db.atomic():
        store.conn.executemany(
            "INSERT INTO clients (key, code, created_utc, checksum) VALUES (?, ?, ?, ?)",
            [(c.casefold(), c, first.isoformat(),
              row_checksum("clients", (c.casefold(), c, first.isoformat()))) for c in codes])
        store.conn.executemany(
            "INSERT INTO sessions (id, client_key, number, modality, started_utc, time_zone,"
            " ended_utc, status, scheme_json, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            signed("sessions", session_rows))
        insert_events(store, event_rows)
        store.conn.executemany(
            "INSERT INTO ratings (session_id, name, value, updated_utc) VALUES (?, ?, ?, ?)",
            rating_rows)
    store.close()
    return {"sessions": sessions, "events": len(event_rows), "codes": codes,
            "busiest": max(numbers, key=numbers.__getitem__)}


def long_session(store: Store, n: int, seed: int = 11, code: str = "LONG-1") -> int:
    """Add one ended session of exactly `n` events (taps about every 3 s); returns its id."""
    rng = random.Random(seed)
    started = datetime(2025, 3, 12, 13, 0, tzinfo=UTC).isoformat(timespec="milliseconds")
    row = store.create_session(code, number=1, modality="telehealth", started_utc=started,
                               time_zone="UTC", scheme_json=default_scheme().to_json())
    first = (store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
             + 1)
    rows = []
    for i, (kind, t, value, tags, text) in enumerate(session_taps(rng, n, 3_000 * n)):
        rows.append((first + i, row.id, kind, t, started, value, tags, text, None, None))
    with store.db.atomic():
        insert_events(store, rows)
        store.set_status(row.id, "ended", started)
    return row.id
