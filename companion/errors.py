"""Typed errors of the core. Each carries a calm, complete sentence the UI or CLI can show as is."""

from __future__ import annotations


class AttuneError(Exception):
    """Base of every error the user can cause or meet; `str(err)` is the message to show."""


class SchemeError(AttuneError):
    """A coding-scheme file that cannot be used."""

    def __init__(self, source: str, key: str, expected: str) -> None:
        self.source, self.key, self.expected = source, key, expected
        super().__init__(f"Coding scheme {source}: at '{key}', expected {expected}.")


class TapRefused(AttuneError):
    """A tap that cannot be recorded in the session's present state (nothing was written)."""


class InvalidClientCode(AttuneError):
    """A client code that cannot be used."""


class StoreError(AttuneError):
    """The database cannot be used as asked."""


class CorruptDatabase(StoreError):
    """The file is not a healthy Attune database; it was left untouched."""


class NewerDatabase(StoreError):
    """The database was written by a newer version of Attune."""


class DatabaseLocked(StoreError):
    """Another running Attune holds the database."""


class NotFound(StoreError):
    """No such session (or other record)."""


class TapHeld(AttuneError):
    """The database could not take a tap just now; it is held in memory and retried.

    Nothing is shown as recorded until it is saved, and nothing is dropped. The message says
    only what the core knows: who retries, and what the user should do, is the caller's to add.
    """

    def __init__(self, reason: str, count: int) -> None:
        self.reason, self.count = reason, count
        taps = "1 tap" if count == 1 else f"{count} taps"
        super().__init__(f"Not saved yet: {reason}. Attune is holding {taps} in memory.")


class BadPath(AttuneError):
    """A path as typed that cannot name a file (e.g. '~someone' where there is no such user)."""


class FileRefused(AttuneError):
    """A file Attune will not use as asked; nothing was read from it or written to it."""

    def __init__(self, path: object, why: str, verb: str) -> None:
        self.path, self.why = path, why
        super().__init__(f"Nothing was {verb} {path}: {why}.")


class UnsafeOutput(FileRefused):
    """An output that would replace the database, one of its own files, a backup, another
    database, or something that is not an ordinary file (a folder, device or pipe)."""

    def __init__(self, path: object, why: str) -> None:
        super().__init__(path, f"{why}. Choose another file", "written to")


class UnusableInput(FileRefused):
    """A file given to read that is not an ordinary file, or is larger than it may be."""

    def __init__(self, path: object, why: str) -> None:
        super().__init__(path, why, "read from")


class BundleError(AttuneError):
    """A bundle that cannot be written or imported; on import, nothing was changed."""
