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


class DamagedRecord(CorruptDatabase):
    """Rows that do not read as Attune wrote them (damaged on disk, or changed outside
    Attune); nothing was changed. `path` is the database (None in memory), `table` where
    the rows are, `rows` their row ids (when they could be told) and `sessions` the
    sessions they belong to: what a caller needs to say which records are hit and to offer
    a backup. `attune-cli verify` lists all damage in the file."""

    def __init__(self, path: object, table: str, rows: tuple[int, ...],
                 sessions: tuple[int, ...]) -> None:
        self.path, self.table, self.rows, self.sessions = path, table, rows, sessions
        if sessions:
            many = len(sessions) > 1
            whose = f"Session{'s' if many else ''} {', '.join(map(str, sessions))}"
            verb = "are" if many else "is"
        else:
            whose, verb = "A record", "is"
        where = f" in {path}" if path is not None else ""
        listed = ", ".join(map(str, rows[:10])) + (" and more" if len(rows) > 10 else "")
        which = f" (row{'s' if len(rows) > 1 else ''} {listed} of {table})" if rows else ""
        super().__init__(
            f"{whose}{where} {verb} damaged and cannot be read{which}. Nothing was changed; "
            "restore a backup, or see 'attune-cli verify'."
        )


class StoreGone(StoreError):
    """The database file is no longer at its path: its folder was deleted or moved while
    Attune ran, so writes would go to a file no one will open again. `reason` says so in a
    few words (the held-taps message shows it); `Store.recover` writes a new file there."""

    def __init__(self, path: object, reason: str = "the data folder was deleted or moved",
                 ) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"The database is no longer at {path}: {reason}.")


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
