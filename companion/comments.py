"""The supervision layer: comments pinned to moments of a session, and the link to a recording.

Comments are the supervisor's (or the clinician's own, in supervision) notes on a past
session. They live in their own table, never among the clinician's taps, so they cannot
change what the session says happened. Unlike taps they can be edited and deleted; each
change is written to the audit log (what and when, never the text).

A media link remembers where a local recording of the session is and how its clock lines up
with session time; the recording itself never enters the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from attune_companion.errors import AttuneError, NotFound
from attune_companion.fold import fold
from attune_companion.store import Store, now_utc
from attune_companion.text_rules import AUTHOR, COMMENT, TextRefused

AUTHORS = ("clinician", "supervisor")
"""The author labels offered; a typed name is accepted too."""

MAX_MEDIA_OFFSET_MS = 24 * 3600 * 1000
MAX_PATH = 4096


class CommentError(AttuneError):
    """A comment (or media link) that cannot be saved as given; nothing was written."""


@dataclass(frozen=True)
class Comment:
    """A comment at `start_ms` (a moment) or over `start_ms`–`end_ms` (a span).

    `text` is None only for a comment imported from a redacted bundle.
    """

    id: int
    session_id: int
    start_ms: int
    end_ms: int | None
    author: str
    text: str | None
    created_utc: str

    @property
    def is_span(self) -> bool:
        return self.end_ms is not None


@dataclass(frozen=True)
class MediaLink:
    """A recording on this computer: recording time = session time + `offset_ms`."""

    session_id: int
    path: str
    offset_ms: int


def _session_length_ms(store: Store, session_id: int) -> int:
    """The session's length: its end, or its last event if it never ended."""
    state = fold(store.events(session_id))
    return state.ended_ms if state.ended_ms is not None else state.last_ms


def check_placement(start_ms: int, end_ms: int | None, length_ms: int) -> None:
    """Refuse a moment or span that is not whole milliseconds inside the session."""
    times = [start_ms] if end_ms is None else [start_ms, end_ms]
    if any(isinstance(t, bool) or not isinstance(t, int) for t in times):
        raise CommentError("A comment's time is a whole number of milliseconds.")
    if not 0 <= start_ms <= length_ms:
        raise CommentError(
            f"A comment must be pinned inside the session (0 to {length_ms} ms); "
            f"{start_ms} ms is outside it."
        )
    if end_ms is not None and not start_ms <= end_ms <= length_ms:
        raise CommentError(
            "A comment's span must end after it starts and inside the session "
            f"(at most {length_ms} ms)."
        )


def clean_author(author: str) -> str:
    """The author label as stored (spaces collapsed), or CommentError."""
    try:
        label = " ".join(AUTHOR.clean(author).split())
    except TextRefused as exc:
        raise CommentError(str(exc)) from None
    if not label:
        raise CommentError("A comment needs an author label, e.g. 'supervisor'.")
    return label


def clean_text(text: str) -> str:
    """The comment text as stored (trimmed), or CommentError."""
    try:
        clean = COMMENT.clean(text)
    except TextRefused as exc:
        raise CommentError(str(exc)) from None
    if not clean:
        raise CommentError("A comment needs some text.")
    return clean


def add_comment(
    store: Store,
    session_id: int,
    start_ms: int,
    text: str,
    *,
    author: str = "supervisor",
    end_ms: int | None = None,
) -> Comment:
    """Pin a comment to a moment (or, with `end_ms`, a span) of a session that is not live."""
    session = store.session(session_id)
    if session.status == "live":
        raise CommentError("Comments are added after the session, in playback.")
    check_placement(start_ms, end_ms, _session_length_ms(store, session_id))
    author, clean = clean_author(author), clean_text(text)
    with store.db.atomic():
        cur = store.db.execute(
            "INSERT INTO comments (session_id, start_ms, end_ms, author, text, created_utc) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [session_id, start_ms, end_ms, author, clean, now_utc()],
        )
        comment_id = int(cur.lastrowid or 0)
        store.audit("comment_add", session_id, {"comment": comment_id})
    return comment(store, comment_id)


def edit_comment(store: Store, comment_id: int, text: str) -> Comment:
    """Replace a comment's text (its moment and author stay)."""
    old = comment(store, comment_id)
    if old.text is None:
        raise CommentError(
            "This comment's text was not shared in the bundle, so it cannot be edited."
        )
    clean = clean_text(text)
    with store.db.atomic():
        store.db.execute("UPDATE comments SET text = ? WHERE id = ?", [clean, comment_id])
        store.audit("comment_edit", old.session_id, {"comment": comment_id})
    return comment(store, comment_id)


def delete_comment(store: Store, comment_id: int) -> None:
    """Delete a comment; the audit log keeps that it existed and when it was deleted."""
    old = comment(store, comment_id)
    with store.db.atomic():
        store.db.execute("DELETE FROM comments WHERE id = ?", [comment_id])
        store.audit("comment_delete", old.session_id, {"comment": comment_id})


_COLS = "id, session_id, start_ms, end_ms, author, text, created_utc"


def comment(store: Store, comment_id: int) -> Comment:
    """One comment, or NotFound."""
    rows = store.read_rows(f"SELECT {_COLS} FROM comments WHERE id = ?", [comment_id], "comments")
    if not rows:
        raise NotFound(f"There is no comment {comment_id}.")
    return Comment(*rows[0])


def comments(store: Store, session_id: int) -> list[Comment]:
    """A session's comments in timeline order."""
    rows = store.read_rows(
        f"SELECT {_COLS} FROM comments WHERE session_id = ? ORDER BY start_ms, id", [session_id],
        "comments", session_id,
    )
    return [Comment(*r) for r in rows]


def add_missing_comments(store: Store, session_id: int, incoming: list[dict[str, object]]) -> int:
    """Add the comments of a bundle that this session does not hold yet; returns how many.

    A comment is known by where it is pinned and when it was made (not by its text or
    author, which a redacted copy leaves out), so a comment that went out and comes back is
    not added twice; two made alike are matched one for one, never merged into one. Call
    inside the import's transaction; `incoming` is checked already.
    """
    here = Counter((c.start_ms, c.end_ms, c.created_utc) for c in comments(store, session_id))
    new = []
    for c in incoming:
        key = (c["start_ms"], c["end_ms"], c["created_utc"])
        if here[key]:
            here[key] -= 1
        else:
            new.append((session_id, c["start_ms"], c["end_ms"], c["author"], c["text"],
                        c["created_utc"]))
    store.db.conn.executemany(
        "INSERT INTO comments (session_id, start_ms, end_ms, author, text, created_utc)"
        " VALUES (?, ?, ?, ?, ?, ?)", new)
    return len(new)


# -- the recording link -------------------------------------------------------------------------


def set_media_link(
    store: Store, session_id: int, path: str | Path, offset_ms: int = 0
) -> MediaLink:
    """Remember a local recording of the session (made with the client's consent)."""
    store.session(session_id)
    text = str(Path(path).expanduser())
    if not text.strip() or "\x00" in text or len(text) > MAX_PATH:
        raise CommentError("Choose a recording file on this computer.")
    if isinstance(offset_ms, bool) or not isinstance(offset_ms, int) or not (
        -MAX_MEDIA_OFFSET_MS <= offset_ms <= MAX_MEDIA_OFFSET_MS
    ):
        raise CommentError("The recording's offset is a whole number of ms within a day.")
    with store.db.atomic():
        store.db.execute(
            "INSERT INTO media_links (session_id, path, offset_ms) VALUES (?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET path = excluded.path, "
            "offset_ms = excluded.offset_ms",
            [session_id, text, offset_ms],
        )
        store.audit("media_link", session_id, {"offset_ms": offset_ms})
    return MediaLink(session_id, text, offset_ms)


def media_link(store: Store, session_id: int) -> MediaLink | None:
    rows = store.read_rows(
        "SELECT session_id, path, offset_ms FROM media_links WHERE session_id = ?", [session_id],
        "media_links", session_id,
    )
    return MediaLink(*rows[0]) if rows else None


def clear_media_link(store: Store, session_id: int) -> None:
    with store.db.atomic():
        cur = store.db.execute("DELETE FROM media_links WHERE session_id = ?", [session_id])
        if cur.rowcount:
            store.audit("media_unlink", session_id, {})
