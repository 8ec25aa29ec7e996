"""Client codes: pseudonyms, never names."""

from __future__ import annotations

import re

from companion.errors import InvalidClientCode

MAX_LEN = 32
_ALLOWED = re.compile(r"^[\w .\-#]+$")
_NAME_WORD = r"[A-ZÀ-Þ][a-zß-ÿ]+(?:[-'][A-ZÀ-Þ]?[a-zß-ÿ]+)?"
_LOOKS_LIKE_NAME = (
    re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}$"),  # Jane Doe, Mary-Ann van Smith
    re.compile(rf"^{_NAME_WORD},\s*{_NAME_WORD}$"),  # Doe, Jane
)


def normalise(code: str) -> str:
    """A client code as stored for display: trimmed, inner spaces collapsed.

    Raises InvalidClientCode when it is empty, too long, or uses characters other than
    letters, digits, spaces and . - _ #.
    """
    cleaned = " ".join(code.split())
    if not cleaned:
        raise InvalidClientCode("Enter a client code (a pseudonym such as 'K-07').")
    if len(cleaned) > MAX_LEN:
        raise InvalidClientCode(f"A client code is at most {MAX_LEN} characters.")
    if not _ALLOWED.match(cleaned):
        raise InvalidClientCode(
            "A client code may use letters, digits, spaces and . - _ # only."
        )
    return cleaned


def match_key(code: str) -> str:
    """The form two codes are compared in: 'k-07', 'K-07 ' and 'K-07' are one client."""
    return normalise(code).casefold()


def name_warning(code: str) -> str | None:
    """A gentle warning when a code looks like a person's name, else None."""
    cleaned = " ".join(code.split())
    if any(p.match(cleaned) for p in _LOOKS_LIKE_NAME):
        return (
            f"“{cleaned}” looks like a person's name. Attune stores client codes, not names: "
            "consider a pseudonym such as initials and a number."
        )
    return None
