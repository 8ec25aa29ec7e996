"""What the history and trends pages ask of the database, one core call each.

The pages lay out and show; these read the store (the history list, a client's trends) and
write to it (a shared bundle out, one in), and hand back what to show. A refusal is the core's
`AttuneError`, whose message the page shows in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from attune_companion import clients
from attune_companion.history import HistoryRow, TrendPoint, history, trends
from attune_companion.store import Store
from attune_companion_ui.supervision.digest_rebuild import DigestRebuild


class HistoryController:
    """The history page's way to the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def client_codes(self) -> list[str]:
        return self._store.client_codes()

    def sessions(self, client: str | None, since: date | None, until: date | None
                 ) -> list[HistoryRow]:
        """Sessions of `client` (None: everyone) between the dates (None: any), newest first.
        A database file lists at once: figures not cached yet come back `pending`, for
        `figures_behind` to work out (an in-memory one has no file for a second connection,
        so they are worked out now)."""
        return history(self._store, client, since, until,
                       recompute=self._store.path is None)

    def figures_behind(self) -> DigestRebuild | None:
        """A thread (not started) that works out every pending figure on a connection of its
        own; None for an in-memory database, whose figures are never pending."""
        return DigestRebuild(self._store.path) if self._store.path is not None else None

    def bundle_name(self, row: HistoryRow) -> str:
        """A bundle's default file name: record number and date, never the client code."""
        return self._store.session(row.session_id).file_name("attune")

    def share(self, row: HistoryRow, path: str, include_free_text: bool) -> str:
        """Write `row`'s session as a bundle at `path`; what was written, in a sentence."""
        from attune_companion.bundle import write_bundle  # bundles load when first shared

        write_bundle(self._store, row.session_id, path, include_free_text=include_free_text)
        kept = "with its free text" if include_free_text else "free text left out"
        return f"Bundle written ({kept}): {path}"

    def take_in(self, path: str) -> str:
        """Import the bundle at `path` (whole or not at all); what came in, in a sentence."""
        from attune_companion.bundle import import_bundle  # (30-45 ms not spent opening)

        session_id = import_bundle(self._store, path)
        row = self._store.session(session_id)
        warning = clients.name_warning(row.client_code)
        return f"Imported {Path(path).name}: {row.describe()}." + (f" {warning}" if warning else "")


class TrendsController:
    """The trends page's way to the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def client_codes(self) -> list[str]:
        return self._store.client_codes()

    def points(self, client_code: str) -> list[TrendPoint]:
        """The client's ended sessions, oldest first, with the figures trends plot."""
        return trends(self._store, client_code)
