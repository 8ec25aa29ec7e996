"""A session with a distinct canary string in every kind of free text Attune keeps, for the
redaction tests of every writer (exports and bundle here, the report in tests/ui)."""

from __future__ import annotations

from attune_companion import corrections
from attune_companion.clock import FakeClock
from attune_companion.comments import add_comment
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store

PREFIX = "QCNRY"
FIELDS = ("note", "corrected", "retyped", "comment", "author", "reflection")
"""A note's own text; a text a correction gave a note that had none; a text a correction put
in place of a note's text; a comment; a typed comment author; a reflection answer."""


def canary(field: str) -> str:
    """'QCNRYREFLECTION': capitals, so a PDF's ligatures (fl, fi) cannot hide it."""
    return f"{PREFIX}{field.upper()}"


def canary_session(store: Store, clock: FakeClock | None = None) -> int:
    """An ended session holding every canary; its notes also carry ordinary text."""
    clock = clock or FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07", number=2)
    rec.client("ventral")
    clock.advance(20)
    rec.note("note", f"said {canary('note')}")
    blank = rec.note("glimmer").event
    clock.advance(20)
    typed = rec.note("trigger", "plain words").event
    clock.advance(20)
    rec.end()
    sid = rec.session.id
    corrections.correct(store, sid, blank.id, text=canary("corrected"))
    corrections.correct(store, sid, typed.id, text=f"then {canary('retyped')}")
    add_comment(store, sid, 10_000, f"look {canary('comment')}", author=canary("author"))
    add_comment(store, sid, 30_000, "offered author", author="supervisor")
    store.set_reflection(sid, "noticed_self", f"I noticed {canary('reflection')}")
    return sid


def found(data: bytes | str) -> set[str]:
    """The fields whose canary is in `data`."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return {field for field in FIELDS if canary(field) in text}
