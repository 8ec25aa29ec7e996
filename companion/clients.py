"""Client codes: pseudonyms, never names."""

from __future__ import annotations

import re
import unicodedata

from attune_companion.errors import InvalidClientCode

MAX_LEN = 32
_ALLOWED = re.compile(r"^[\w .\-#]+$")
_NAME_WORD = re.compile(r"^[^\W\d_]{2,}(?:['’-][^\W\d_]+)*$")  # Jane, Mary-Ann, O'Brien
_INITIAL = re.compile(r"^[^\W\d_]\.?$")  # J, J.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof"})
_CODE_WORDS = frozenset({
    "client", "patient", "pt", "case", "couple", "family", "group", "code", "anon",
    "anonymous", "pseudonym", "person", "child", "adult", "teen", "session",
})
"""Words that say a code is a code ('Client Seven'), not a person's name."""


def normalise(code: str) -> str:
    """A client code as stored for display: Unicode compatibility forms folded (a fullwidth
    'Ｋ-07' is 'K-07'), trimmed, inner spaces collapsed.

    Raises InvalidClientCode when it is empty, too long, or uses characters other than
    letters, digits, spaces and . - _ #.
    """
    cleaned = " ".join(unicodedata.normalize("NFKC", code).split())
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
    """The form two codes are compared in: 'k-07', 'K-07 ', 'Ｋ-07' and 'K-07' are one client."""
    return normalise(code).casefold()


def name_warning(code: str) -> str | None:
    """A gentle warning when a code looks like a person's name, else None."""
    cleaned = " ".join(unicodedata.normalize("NFKC", code).split())
    if _looks_like_name(cleaned):
        return (
            f"“{cleaned}” looks like a person's name. Attune stores client codes, not names: "
            "consider a pseudonym such as initials and a number."
        )
    return None


def _looks_like_name(text: str) -> bool:
    """Two to four words of letters in any case ('Jane Smith', 'JANE SMITH', 'Doe, Jane',
    'J. Smith'), or a title and a name ('Dr. Jane Smith', 'mx smith'); never a code with a
    digit or a word that says it is a code ('Client Seven')."""
    words = [w for w in re.split(r"[\s,]+", text) if w]
    titled = len(words) > 1 and words[0].rstrip(".").casefold() in _TITLES
    if titled:
        words = words[1:]
    if not 1 <= len(words) <= 4 or any(w.casefold() in _CODE_WORDS for w in words):
        return False
    if not all(_NAME_WORD.match(w) or _INITIAL.match(w) for w in words):
        return False
    full = [w for w in words if _NAME_WORD.match(w)]
    if titled:
        return bool(full)
    return len(words) >= 2 and any(len(w) >= 3 for w in full)
