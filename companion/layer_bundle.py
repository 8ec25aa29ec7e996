"""Coder layers in session bundles: written beside the clinician's log, checked on the way in,
and merged into the session they were coded on without duplicating anything.

A session gets a stable uid the first time it is shared; the copy a bundle makes keeps it.
So when a supervisor codes their copy and sends a bundle back, the clinician's database finds
its own session by that uid (or, for a bundle without one, by client and start time) and adds
the supervisor's layer to it. Layers are matched by their own uid: a layer already here gains
only the rows it did not have yet (it is an append-only log, so the copy here must be the
start of the incoming one); a new layer is added, marked imported (read-only here).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from attune_companion import bundle_check as check
from attune_companion import clients
from attune_companion.errors import BundleError
from attune_companion.events import Event, Kind
from attune_companion.layers import (
    MAX_CODER, Layer, LayerError, append_layer_event, clean_coder, create_layer, find_layer,
    layer_events, layers,
)
from attune_companion.scheme import Scheme
from attune_companion.store import Store

MEMBER = "layers.json"
MAX_LAYERS = 50
_UID = re.compile(r"^[0-9a-f]{32}$")
_NOT_IN_LAYERS = {Kind.PAUSE.value, Kind.RESUME.value, Kind.END.value}


@dataclass(frozen=True)
class LayerCopy:
    """A checked layer from a bundle."""

    coder: str
    uid: str
    events: list[Event]


# -- the session's uid --------------------------------------------------------------------------


def session_uid(store: Store, session_id: int, *, create: bool = False) -> str | None:
    """The session's stable uid (made and stored the first time, with `create`)."""
    row = store.conn.execute(
        "SELECT uid FROM session_uids WHERE session_id = ?", [session_id]
    ).fetchone()
    if row or not create:
        return row[0] if row else None
    uid = uuid.uuid4().hex
    store.conn.execute("INSERT INTO session_uids (session_id, uid) VALUES (?, ?)",
                       [session_id, uid])
    return uid


def check_uid(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _UID.match(value):
        raise BundleError(f"{where} is not a valid uid")
    return value


def matching_session(
    store: Store, uid: str | None, client_code: str, started_utc: str
) -> int | None:
    """The session here that a bundle was made from (or a copy of): by uid, else by client
    and start time."""
    if uid is not None:
        row = store.conn.execute(
            "SELECT session_id FROM session_uids WHERE uid = ?", [uid]
        ).fetchone()
        if row:
            return int(row[0])
    row = store.conn.execute(
        "SELECT id FROM sessions WHERE client_key = ? AND started_utc = ?",
        [clients.match_key(client_code), started_utc],
    ).fetchone()
    return int(row[0]) if row else None


# -- writing and reading ------------------------------------------------------------------------


def layers_member(
    store: Store, session_id: int, redact: Callable[[Event], Event] | None,
    event_json: Callable[[Event], dict[str, Any]],
) -> list[dict[str, Any]]:
    """The session's layers as the bundle member holds them, each row passed through
    `redact` (the bundle's own redaction) when given."""
    out = []
    for layer in layers(store, session_id):
        log = layer_events(store, layer.id)
        if redact is not None:
            log = [redact(e) for e in log]
        out.append({"coder": layer.coder, "uid": layer.uid,
                    "events": [event_json(e) for e in log]})
    return out


def check_layers(value: Any, scheme: Scheme, end_ms: int, latest: datetime
                 ) -> list[LayerCopy]:
    """The layers member, checked with the same event checks as the clinician's log (each
    layer is checked as a log ending where the session ends)."""
    out: list[LayerCopy] = []
    for i, item in enumerate(check.bounded_list(value, MEMBER, MAX_LAYERS), start=1):
        where = f"{MEMBER} layer {i}"
        d = check.obj(item, where)
        check.keys(d, {"coder", "uid", "events"}, where)
        try:
            coder = clean_coder(d["coder"])
        except LayerError as exc:
            raise BundleError(f"{where}: {exc}") from None
        uid = check_uid(d["uid"], f"{where} uid")
        raw = check.bounded_list(d["events"], f"{where} events", check.MAX_EVENTS)
        for row in raw:
            if isinstance(row, dict) and row.get("kind") in _NOT_IN_LAYERS:
                raise BundleError(f"{where} holds a pause, resume or end, which layers do not")
        ids = [r["id"] for r in raw if isinstance(r, dict) and isinstance(r.get("id"), int)]
        end = {"id": max(ids, default=0) + 1, "kind": Kind.END.value, "offset_ms": end_ms,
               "wall_utc": "2000-01-01T00:00:00+00:00", "value": None, "tags": [],
               "text": None, "target": None, "changes": {}}
        try:
            events, _ = check.event_log([*raw, end], scheme, latest)
        except BundleError as exc:
            raise BundleError(f"{where}: {exc}") from None
        out.append(LayerCopy(coder, uid, events[:-1]))
    if len({lay.uid for lay in out}) != len(out):
        raise BundleError(f"{MEMBER} holds the same layer twice")
    return out


# -- merging into a session ---------------------------------------------------------------------


def merge_layers(store: Store, session_id: int, copies: list[LayerCopy]) -> dict[str, int]:
    """Add each layer's rows that this session does not have yet; returns rows added per
    coder (only coders that gained any). Call inside the import's transaction."""
    added: dict[str, int] = {}
    for copy in copies:
        here = next((lay for lay in layers(store, session_id) if lay.uid == copy.uid), None)
        if here is None:
            owner = store.conn.execute(
                "SELECT session_id FROM coder_layers WHERE uid = ?", [copy.uid]
            ).fetchone()
            if owner:
                raise BundleError(f"its layer '{copy.coder}' belongs to another session here")
            here = create_layer(store, session_id, _free_label(store, session_id, copy.coder),
                                uid=copy.uid, imported=True)
        count = _append_missing(store, here, copy)
        if count:
            added[here.coder] = count
    return added


def _append_missing(store: Store, layer: Layer, copy: LayerCopy) -> int:
    local = layer_events(store, layer.id)
    if len(local) > len(copy.events) or any(
        _same_row(mine, theirs) is False for mine, theirs in zip(local, copy.events)
    ):
        raise BundleError(
            f"its layer '{copy.coder}' differs from the copy of it here (was it coded on both?)"
        )
    ids = {theirs.id: mine.id for mine, theirs in zip(local, copy.events)}
    for e in copy.events[len(local):]:
        written = append_layer_event(
            store, layer.id, e.kind, e.offset_ms, e.wall_utc, value=e.value, tags=e.tags,
            text=e.text, target=None if e.target is None else ids[e.target],
            changes=e.changes or None,
        )
        ids[e.id] = written.id
    return len(copy.events) - len(local)


def _same_row(mine: Event, theirs: Event) -> bool:
    """The same row, ids aside and free text aside (a redacted copy has none)."""
    strip = {"id": 0, "target": None, "text": None, "wall_utc": ""}
    changes = {k: v for k, v in mine.changes.items() if k != "text"}
    their_changes = {k: v for k, v in theirs.changes.items() if k != "text"}
    return (replace(mine, changes=changes, **strip)  # type: ignore[arg-type]
            == replace(theirs, changes=their_changes, **strip))  # type: ignore[arg-type]


def _free_label(store: Store, session_id: int, coder: str) -> str:
    """`coder`, or 'coder (2)', 'coder (3)'... when this session already has that label."""
    label, n = coder, 1
    while find_layer(store, session_id, label) is not None:
        n += 1
        suffix = f" ({n})"
        label = coder[: MAX_CODER - len(suffix)] + suffix
    return label
