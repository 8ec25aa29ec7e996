"""Whether the database still holds what Attune wrote: row checksums and the full check.

Every row of the event log, the sessions, the clients and the coder layers carries a checksum
of its columns, made by `row_checksum` and nothing else: when Attune writes the row
(`Store.append`, `create_session`, `set_status`, `layers.create_layer`,
`layers.append_layer_event`, so also a bundle import, which goes through them) and by the
migrations that brought checksums to rows written before. `verify` recomputes them from
the bytes on disk, so damage inside a record, or a row changed outside Attune, is reported
with the rows it touches, where SQLite's own check sees only a well-formed file.

A checksum per row, not a hash chain: a tap costs one small hash of what it writes and reads
nothing back, and damage is pinned to the rows it hit. A chain would also notice a row
removed from the middle, but without a secret anyone able to edit the file can recompute it;
removal is what the append-only triggers refuse, and `verify` notices the newest rows gone
and any trigger changed or missing.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from attune_companion.errors import DamagedRecord
from attune_companion.records import event_from_row

CHECKED_COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("session_id", "kind", "offset_ms", "wall_utc", "value", "tags", "text",
               "target", "changes"),
    "sessions": ("client_key", "number", "modality", "started_utc", "time_zone", "ended_utc",
                 "status", "scheme_json"),
    "clients": ("key", "code", "created_utc"),
    "coder_layers": ("session_id", "coder", "uid", "imported", "created_utc"),
    "layer_events": ("layer_id", "kind", "offset_ms", "wall_utc", "value", "tags", "text",
                     "target", "changes"),
}
"""The columns each table's checksum covers, in order. The row id is not among them: it is
the key SQLite's own integrity check keeps in order."""

_SESSION_OF = {"events": "session_id", "sessions": "id", "clients": "NULL",
               "coder_layers": "session_id",
               "layer_events": "(SELECT l.session_id FROM coder_layers l"
                               " WHERE l.id = layer_events.layer_id)"}
_LISTED = 10


def row_checksum(table: str, values: Sequence[object]) -> str:
    """The checksum of one row of `table`, from its CHECKED_COLUMNS values in order.

    Text counts as its UTF-8 bytes, so a value as Python holds it and the same value read
    back as stored bytes give the same checksum; each value is tagged with its type and
    length, so no two different rows encode alike.
    """
    h = hashlib.blake2b(table.encode(), digest_size=16)
    for value in values:
        if value is None:
            h.update(b"n")
        elif isinstance(value, int):
            h.update(b"i" + value.to_bytes(8, "big", signed=True))
        elif isinstance(value, float):
            h.update(b"f" + struct.pack(">d", value))
        elif isinstance(value, str):
            data = value.encode()
            h.update(b"s" + len(data).to_bytes(8, "big") + data)
        else:  # text read back as its stored bytes
            data = bytes(value)  # type: ignore[arg-type]
            h.update(b"s" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def raw_rows(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    """Rows with text as its stored bytes: a damaged row is read, not refused."""
    factory = conn.text_factory
    conn.text_factory = bytes
    try:
        return conn.execute(sql, list(params)).fetchall()
    finally:
        conn.text_factory = factory


@dataclass(frozen=True)
class BadRow:
    """A row that does not hold what Attune wrote: `why` is 'checksum', 'unreadable' or
    'unchecked' (no checksum)."""

    table: str
    row: int
    session: int | None
    why: str


def bad_rows(conn: sqlite3.Connection, table: str, where: str = "",
             params: Sequence[object] = (), checked: bool = True) -> list[BadRow]:
    """The rows of `table` (those `where` selects) that are damaged or were changed outside
    Attune: their checksum does not match, or their text or JSON cannot be read. With
    `checked` False (a database from before checksums) only the reading is checked."""
    columns = CHECKED_COLUMNS[table]
    rows = raw_rows(
        conn,
        f"SELECT rowid, {_SESSION_OF[table]}, {'checksum' if checked else 'NULL'}, "
        f"{', '.join(columns)} FROM {table} {where}",
        params,
    )
    found = []
    for rowid, session, stored, *values in rows:
        why = None
        if not _readable(table, dict(zip(columns, values))):
            why = "unreadable"
        elif not checked:
            continue
        elif stored is None:
            why = "unchecked"
        elif stored != row_checksum(table, values).encode():
            why = "checksum"
        if why is not None:
            found.append(BadRow(table, rowid, session, why))
    return found


def _readable(table: str, values: dict[str, object]) -> bool:
    """Whether a stored row decodes as Attune reads it: UTF-8 text, JSON where JSON is, and
    an event as `records.event_from_row` reads one."""
    try:
        text = {k: v.decode() if isinstance(v, bytes) else v for k, v in values.items()}
        if table in ("events", "layer_events"):
            event_from_row([0, *list(text.values())[1:]])
        elif table == "sessions":
            json.loads(text["scheme_json"])  # type: ignore[arg-type]
    except (UnicodeDecodeError, KeyError, ValueError, TypeError):
        return False
    return True


def resigned(conn: sqlite3.Connection, session_id: int, changes: dict[str, object]) -> str | None:
    """The checksum of a session row once `changes` are made to it; None when the row as it
    stands fails its checksum (or is not there): a new checksum must never vouch for damage."""
    columns = CHECKED_COLUMNS["sessions"]
    found = raw_rows(conn, f"SELECT checksum, {', '.join(columns)} FROM sessions WHERE id = ?",
                     [session_id])
    if not found or found[0][0] != row_checksum("sessions", found[0][1:]).encode():
        return None
    row = dict(zip(columns, found[0][1:])) | changes
    return row_checksum("sessions", [row[c] for c in columns])


def damaged_record(conn: sqlite3.Connection, path: object, table: str,
                   session_id: int | None = None) -> DamagedRecord:
    """The error for rows of `table` (of one session, if given) that would not read, naming
    the rows that fail their checksum or decoding."""
    if table == "sessions":  # a session is read with its client's code
        tables, where, params = ("sessions", "clients"), "", []
    elif table == "events" and session_id is not None:
        tables, where, params = ("events",), "WHERE session_id = ?", [session_id]
    elif table in ("coder_layers", "layer_events"):  # rare: the whole table is looked at
        tables, where, params = (table,), "", []
    else:
        tables, where, params = (), "", []
    found = [bad for t in tables
             for bad in bad_rows(conn, t, where, params, has_checksums(conn, t))]
    sessions = {bad.session for bad in found if bad.session is not None}
    if session_id is not None:
        sessions.add(session_id)
    return DamagedRecord(path, table, tuple(bad.row for bad in found), tuple(sorted(sessions)))


def has_checksums(conn: sqlite3.Connection, table: str = "events") -> bool:
    """Whether this database's `table` has its checksum column (events, sessions and clients
    from schema 3, coder layers from schema 6)."""
    columns = conn.execute("SELECT name FROM pragma_table_info(?)", [table]).fetchall()
    return ("checksum",) in columns


# -- the full check -----------------------------------------------------------------------------


def verify(conn: sqlite3.Connection) -> list[str]:
    """Every problem found, one line each ([] when healthy): SQLite's integrity and
    foreign-key checks, rows that fail their checksums, the newest events gone, and schema
    objects (triggers, views, tables, indexes) that Attune did not create, lost or that were
    changed. Reads the whole database; this is `attune-cli verify`, not start-up."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    problems = [p for p in problems if p != "ok"]
    problems += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0:
        return problems
    try:
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in (t for t in CHECKED_COLUMNS if t in present):
            problems += describe(bad_rows(conn, table, checked=has_checksums(conn, table)))
        problems += _missing_newest(conn)
        problems += schema_problems(conn, version)
    except sqlite3.DatabaseError as exc:  # raw reads: SQLite's words, never a row's text
        problems.append(f"not every record could be checked ({exc})")
    return problems


def describe(rows: Sequence[BadRow]) -> list[str]:
    """One line per table, session and fault: which rows, and what is wrong with them."""
    groups: dict[tuple[str, int | None, str], list[int]] = {}
    for bad in rows:
        groups.setdefault((bad.table, bad.session, bad.why), []).append(bad.row)
    lines = []
    for (table, session, why), ids in groups.items():
        many = len(ids) > 1
        listed = ", ".join(map(str, ids[:_LISTED]))
        if len(ids) > _LISTED:
            listed += f" and {len(ids) - _LISTED} more"
        place = f"session {session}: " if session is not None else ""
        lines.append(f"{place}{_WHAT[table][many]} {listed} {_WHY[why][many]}")
    return lines


_WHAT = {"events": ("event", "events"), "sessions": ("session record", "session records"),
         "clients": ("client record", "client records"),
         "coder_layers": ("coder layer record", "coder layer records"),
         "layer_events": ("coder-layer event", "coder-layer events")}
_WHY = {
    "checksum": ("does not match its checksum (damaged, or changed outside Attune)",
                 "do not match their checksums (damaged, or changed outside Attune)"),
    "unreadable": ("cannot be read (damaged)", "cannot be read (damaged)"),
    "unchecked": ("has no checksum (written outside Attune)",
                  "have no checksums (written outside Attune)"),
}


def _missing_newest(conn: sqlite3.Connection) -> list[str]:
    """Events are numbered in order and never deleted: the newest number handed out
    (sqlite_sequence) and the newest row must agree."""
    found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    newest = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    if found and found[0] > newest:
        return [f"events {newest + 1} to {found[0]} are missing (the newest taps were removed)"]
    return []


# -- schema objects -----------------------------------------------------------------------------


def schema_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    """Schema objects the migrations up to `version` did not create (a trigger or view
    planted in the file runs on Attune's writes), and Attune's own that are missing or whose
    triggers or views were changed. Tables and indexes are compared by name only."""
    expected = expected_schema(version)
    actual = _schema(conn)
    lines = []
    for (kind, name), sql in sorted(actual.items()):
        if (kind, name) not in expected:
            lines.append(f"a {kind} {name!r} that Attune did not create is in the database")
        elif kind in ("trigger", "view") and sql != expected[(kind, name)]:
            lines.append(f"Attune's {kind} {name!r} was changed outside Attune")
    for kind, name in sorted(expected.keys() - actual.keys()):
        lines.append(f"Attune's {kind} {name!r} is missing")
    return lines


def expected_schema(version: int) -> dict[tuple[str, str], str]:
    """The schema objects the first `version` migration steps create, as (type, name) →
    SQL with whitespace folded: what a database of that version holds and nothing more."""
    from attune_companion.lean_sqlite_utils import database_class
    from attune_companion.schema import STEPS, migrations

    if version == 0:
        return {}
    conn = sqlite3.connect(":memory:")
    try:
        stop = STEPS[version].__name__ if version < len(STEPS) else None
        migrations().apply(database_class()(conn, execute_plugins=False), stop_before=stop)
        return _schema(conn)
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    rows = raw_rows(
        conn, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\'",
    )
    return {
        (kind.decode(errors="replace"), name.decode(errors="replace")):
            re.sub(r"\s+", " ", (sql or b"").decode(errors="replace")).strip()
        for kind, name, sql in rows
    }
