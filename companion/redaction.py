"""Redaction: the one place that decides what a shared copy of a session leaves out.

Every writer of a session (the CSV and JSON exports, the HTML and PDF report, the bundle) reads
the session through `shared`, and uses nothing else of it that is typed. Redacted, it leaves out
every piece of free text: note texts, texts a correction gave a note, pause texts, comment texts,
typed comment author names (the offered labels stay) and reflection answers. Codes, times,
labels and numbers stay.

Texts are taken out of the raw log and again out of the taps as corrected, after the
corrections are applied, so a correction that carries text cannot bring it back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from attune_companion.comments import AUTHORS, Comment, comments
from attune_companion.events import Event, effective_taps
from attune_companion.store import Store

OTHER_AUTHOR = "other"
"""What a typed author name becomes in a redacted copy (it may name a person)."""


@dataclass(frozen=True)
class Shared:
    """A session's content as a writer may use it.

    `log` is the raw log (undo and edit rows included); `taps` the effective taps, corrections
    applied. Redacted, none holds free text, and `reflections` is empty.
    """

    redacted: bool
    log: list[Event]
    taps: list[Event]
    comments: list[Comment]
    reflections: dict[str, str]


def shared(store: Store, session_id: int, *, redact: bool) -> Shared:
    """What a writer may put in a file about one session: free text only when not `redact`."""
    log = store.events(session_id)
    taps = effective_taps(log)
    notes = comments(store, session_id)
    answers = store.reflections(session_id)
    if redact:
        log = [without_text(e) for e in log]
        taps = [without_text(e) for e in taps]
        notes = [replace(c, text=None, author=shared_author(c.author)) for c in notes]
        answers = {}
    return Shared(redact, log, taps, notes, answers)


def without_text(event: Event) -> Event:
    """The event with no text of its own and none in a correction's changes."""
    if not _has_text(event):
        return event
    changes = {k: v for k, v in event.changes.items() if k != "text"}
    return replace(event, text=None, changes=changes)


def shared_author(author: str) -> str:
    """An offered author label as it is; a typed one (perhaps a name) as 'other'."""
    return author if author in AUTHORS else OTHER_AUTHOR


def holds_free_text(
    events: Iterable[Event], authors_and_texts: Iterable[tuple[str, str | None]],
    reflections: dict[str, str],
) -> bool:
    """Whether content marked redacted still holds something `shared` leaves out."""
    return (
        bool(reflections)
        or any(_has_text(e) for e in events)
        or any(text is not None or shared_author(author) != author
               for author, text in authors_and_texts)
    )


def _has_text(event: Event) -> bool:
    return event.text is not None or "text" in event.changes
