"""What a typed text may be: one rule for every door free text comes in by.

A note tapped in the session, a comment and its author label in supervision, a reflection
answer, and each of these read back from a bundle all pass the same `TextRule`. What Attune
accepts at one door it accepts at every other, so whatever it writes it can read back.

Lengths are counted in characters (Unicode code points), as a clinician counts them, not in
UTF-16 units (as Qt's `maxLength` does) nor in bytes. A text may hold any printable character,
spaces, tabs and line breaks; never control characters (NUL and the like, which some programs
cut a text at), nor lone surrogates (which cannot be stored as UTF-8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from attune_companion.errors import AttuneError

_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters other than tab and line feed, and lone surrogates."""
_LINE_ENDS = re.compile(r"\r\n?")


class TextRefused(AttuneError):
    """A text that breaks its rule; nothing was written."""


@dataclass(frozen=True)
class TextRule:
    """What one kind of text may be: `what` names it in messages ('A note')."""

    what: str
    most: int

    def clean(self, text: str) -> str:
        """The text as stored: surrounding spaces trimmed, line endings made '\\n'. Raises
        TextRefused when it is not a text, is too long or holds a control character."""
        if not isinstance(text, str):
            raise TextRefused(f"{self.what} must be text.")
        cleaned = _LINE_ENDS.sub("\n", text).strip()
        problem = self.problem(cleaned)
        if problem:
            raise TextRefused(problem)
        return cleaned

    def problem(self, text: object) -> str | None:
        """Why a stored text breaks the rule (one calm sentence), or None when it keeps it."""
        if not isinstance(text, str):
            return f"{self.what} must be text."
        if len(text) > self.most:
            return (f"{self.what} is at most {self.most:,} characters; "
                    f"this one has {len(text):,}.")
        bad = _FORBIDDEN.search(text)
        if bad:
            return (f"{self.what} cannot hold the invisible control character "
                    f"U+{ord(bad.group()):04X}.")
        return None

    def cut_message(self) -> str:
        """What a field says when it cut what was typed or pasted to fit."""
        return f"Cut to {self.most:,} characters: {self.what.lower()} holds at most {self.most:,}."


NOTE = TextRule("A note", 500)
COMMENT = TextRule("A comment", 2000)
AUTHOR = TextRule("An author label", 40)
REFLECTION = TextRule("A reflection answer", 20_000)


def cut_insertion(text: str, start: int, end: int, most: int) -> tuple[int, int]:
    """The span of `text` to delete so it fits in `most` characters, taken from the end of
    what was just inserted at `start`..`end` (what was there before is never cut). Returns
    (cut_start, cut_end); an empty span when the text fits."""
    excess = len(text) - most
    if excess <= 0:
        return end, end
    return max(start, end - excess), end


def inserted_span(before: str, after: str) -> tuple[int, int]:
    """Where in `after` an edit of `before` inserted text: (start, end), code points."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    tail = 0
    while tail < limit - start and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return start, len(after) - tail
