"""Coder layers: one session coded again, in playback, by a supervisor, an observer or the
clinician a week later.

A layer is its own append-only log (table `layer_events`, the same columns and rules as the
clinician's `events`) under a coder label. It never touches the clinician's events: the
clinician's own live log is the layer named `CLINICIAN`, read from `events`. A layer folds
with the one `attune_companion.fold.fold`, so it is read exactly as the live log is.

Coding into a layer goes through `LayerRecorder`, which is the live `Recorder` with two
differences only: its clock is the playback cursor (`CursorClock`), so a tap lands where the
cursor is, at any speed and after any seek; and it writes to the layer's log. Every rule on
what a tap may be (scheme states, rupture types, markers, strategies, note length, a repair
needs an open rupture, back-dating limits, rupture taps kept in order) is the recorder's own.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from attune_companion.clock import Clock, format_duration
from attune_companion.errors import AttuneError, NotFound, TapRefused
from attune_companion.events import EPISODE_KINDS, Event, Kind
from attune_companion.fold import SessionState, fold
from attune_companion.integrity import damaged_record, row_checksum
from attune_companion.recorder import Change, Recorder, _iso, _reason
from attune_companion.scheme import session_scheme
from attune_companion.records import EVENT_COLUMNS, event_from_row
from attune_companion.store import Store, now_utc

CLINICIAN = "clinician"
"""The name of the clinician's own live log when it is compared with a layer."""
MAX_CODER = 40


class LayerError(AttuneError):
    """A coder layer that cannot be made or coded into as asked; nothing was written."""


@dataclass(frozen=True)
class Layer:
    """One coder's layer on one session. `imported`: it came in a bundle (read-only here)."""

    id: int
    session_id: int
    coder: str
    uid: str
    imported: bool
    created_utc: str


class CursorClock:
    """The playback cursor as a recorder's clock: session time is wherever the cursor is.

    `position` returns the cursor's session time in ms; `wall` stamps each row with when it
    was coded (not when the moment happened).
    """

    def __init__(self, position: Callable[[], int], wall: Clock) -> None:
        self._position = position
        self._wall = wall

    def offset_ms(self) -> int:
        return max(0, int(self._position()))

    def wall_utc(self) -> datetime:
        return self._wall.wall_utc()


def clean_coder(coder: str) -> str:
    """The coder label as stored (spaces collapsed), or LayerError."""
    label = " ".join(coder.split()) if isinstance(coder, str) else ""
    if not label:
        raise LayerError("A coder layer needs a label, e.g. 'supervisor'.")
    if len(label) > MAX_CODER:
        raise LayerError(f"A coder label is at most {MAX_CODER} characters.")
    if label.casefold() == CLINICIAN:
        raise LayerError(f"'{CLINICIAN}' is the session's own record; choose another label.")
    return label


_LAYER_COLS = "id, session_id, coder, uid, imported, created_utc"


def _layer(row: tuple[Any, ...]) -> Layer:
    lid, session_id, coder, uid, imported, created = row
    return Layer(lid, session_id, coder, uid, bool(imported), created)


def layers(store: Store, session_id: int) -> list[Layer]:
    """A session's coder layers, oldest first (the clinician's own log is not among them)."""
    rows = store.read_rows(
        f"SELECT {_LAYER_COLS} FROM coder_layers WHERE session_id = ? ORDER BY id", [session_id],
        "coder_layers",
    )
    return [_layer(r) for r in rows]


def find_layer(store: Store, session_id: int, coder: str) -> Layer | None:
    """The session's layer with this label (case does not matter), or None."""
    key = " ".join(coder.split()).casefold()
    return next((lay for lay in layers(store, session_id) if lay.coder.casefold() == key), None)


def coders(store: Store, session_id: int) -> list[str]:
    """Every view of the session by name: the clinician's first, then each layer's."""
    return [CLINICIAN, *(lay.coder for lay in layers(store, session_id))]


def create_layer(
    store: Store, session_id: int, coder: str, *, uid: str | None = None, imported: bool = False
) -> Layer:
    """Start a new, empty layer on a session that is not live."""
    session = store.session(session_id)
    if session.status == "live":
        raise LayerError("A session is coded again once it has ended, in playback.")
    label = clean_coder(coder)
    if find_layer(store, session_id, label) is not None:
        raise LayerError(f"This session already has a layer called '{label}'.")
    row = [session_id, label, uid or uuid.uuid4().hex, int(imported), now_utc()]
    cur = store.conn.execute(
        "INSERT INTO coder_layers (session_id, coder, uid, imported, created_utc, checksum) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [*row, row_checksum("coder_layers", row)],
    )
    return _layer(store.conn.execute(
        f"SELECT {_LAYER_COLS} FROM coder_layers WHERE id = ?", [cur.lastrowid]
    ).fetchone())


def layer_events(store: Store, layer_id: int) -> list[Event]:
    """A layer's whole log in recording order (undo rows included). A row that does not read
    as Attune wrote it raises DamagedRecord naming it, never quoting its text."""
    rows = store.read_rows(
        f"SELECT {EVENT_COLUMNS} FROM layer_events WHERE layer_id = ? ORDER BY id", [layer_id],
        "layer_events",
    )
    try:
        return [event_from_row(r) for r in rows]
    except (KeyError, ValueError, TypeError):
        raise damaged_record(store.conn, store.path, "layer_events") from None


def append_layer_event(
    store: Store, layer_id: int, kind: Kind, offset_ms: int, wall_utc: str, *,
    value: str | None = None, tags: Iterable[str] = (), text: str | None = None,
    target: int | None = None, changes: dict[str, Any] | None = None,
) -> Event:
    """Append one row to a layer, with its checksum, and commit it; returns only once it is
    durable."""
    tag_tuple = tuple(tags)
    row = [layer_id, kind.value, offset_ms, wall_utc, value,
           json.dumps(tag_tuple) if tag_tuple else None, text, target,
           json.dumps(changes) if changes else None]
    cur = store.conn.execute(
        "INSERT INTO layer_events (layer_id, kind, offset_ms, wall_utc, value, tags, text,"
        " target, changes, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*row, row_checksum("layer_events", row)],
    )
    return Event(int(cur.lastrowid or 0), kind, offset_ms, wall_utc, value, tag_tuple, text,
                 target, dict(changes or {}))


def coder_log(store: Store, session_id: int, coder: str) -> list[Event]:
    """The raw log of one view of a session: the clinician's events, or a layer's."""
    if coder.casefold() == CLINICIAN:
        return store.events(session_id)
    layer = find_layer(store, session_id, coder)
    if layer is None:
        raise NotFound(f"Session {session_id} has no coder layer called '{coder}'.")
    return layer_events(store, layer.id)


def coder_state(store: Store, session_id: int, coder: str) -> SessionState:
    """One view of a session, folded by the one fold."""
    return fold(coder_log(store, session_id, coder))


class LayerRecorder(Recorder):
    """The live recorder, coding into a layer with the playback cursor as its clock."""

    def __init__(self, store: Store, layer: Layer, clock: CursorClock) -> None:
        session = store.session(layer.session_id)
        scheme = session_scheme(session.scheme_json, session.id)
        super().__init__(store, session, scheme, clock, layer_events(store, layer.id))  # type: ignore[arg-type]
        self.layer = layer

    @classmethod
    def open(
        cls, store: Store, session_id: int, coder: str, clock: CursorClock
    ) -> LayerRecorder:
        """Code into the session's layer `coder`, making it the first time."""
        layer = find_layer(store, session_id, coder) or create_layer(store, session_id, coder)
        if layer.imported:
            raise LayerError(
                f"The layer '{layer.coder}' came in a bundle; its coder codes it in their "
                "copy. Start a layer of your own to code here."
            )
        return cls(store, layer, clock)

    def pause(self) -> Change:
        raise TapRefused("A coder layer follows the session's own breaks; it is not paused.")

    def resume(self) -> Change:
        raise TapRefused("A coder layer follows the session's own breaks; it is not paused.")

    def end(self) -> Change:
        raise TapRefused("A coder layer ends where the session ends.")

    def _tap(self, kind: Kind, backdate_s: float, **fields: object) -> Change:
        """A tap at the cursor; a rupture or repair tap before the layer's latest one is
        refused (they are coded in time order, as live), before anything is written."""
        latest = self._last_episode_ms()
        if kind in EPISODE_KINDS and self.clock.offset_ms() < latest:
            raise TapRefused(
                "Ruptures and repairs are coded in time order: move the cursor to "
                f"{format_duration(latest)} or later (the last one coded here)."
            )
        return super()._tap(kind, backdate_s, **fields)

    def _commit(self, kind: Kind, offset_ms: int, **fields: object) -> Event:
        """Save one row to the layer, or refuse with the database's reason (nothing is held:
        playback can simply be tapped again)."""
        try:
            event = append_layer_event(
                self.store, self.layer.id, kind, offset_ms, _iso(self.clock.wall_utc()),
                **fields,  # type: ignore[arg-type]
            )
        except sqlite3.IntegrityError:
            raise
        except sqlite3.DatabaseError as exc:
            raise TapRefused(f"Not recorded: {_reason(exc)}.") from None
        self.events.append(event)
        return event
