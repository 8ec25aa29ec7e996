"""How a session is named to people: by its record number, and by its number for the client.

A session's database id is its "record" ("record 6", the number the command line takes); the
session's own number, counted per client, is "session 5". `SessionRow.describe` puts them
together the one way every page, report and command shows them.
"""

from __future__ import annotations


def record_name(session_id: int) -> str:
    """'record 6': a session's database id, as people see it."""
    return f"record {session_id}"


def session_name(number: int) -> str:
    """'session 5': the session's number for its client."""
    return f"session {number}"
