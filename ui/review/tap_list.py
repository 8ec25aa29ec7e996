"""The review's list of taps, and the list view it and playback's event list stand on.

Both ask their model only for the rows on screen, so a session of 100,000 taps lists at once.
(A QTreeWidget built an item per tap, describing each, before the review could show: seconds;
a QListView lays out every row before it paints, calling the model for each.)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel, QEvent, QItemSelection, QModelIndex, QPersistentModelIndex, Qt, Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from attune_companion.describe import describe_tap
from attune_companion.events import Event, Kind
from attune_companion.export import session_time
from attune_companion.fold import SessionState
from attune_companion.scheme import Scheme
from attune_companion_ui.review import review_figures as fig

EDITED_MARK = "✎ "
CORRECTED_TIP = "Corrected after the session; the original tap is kept in the log."
ROW_PAD_PX = 6


class RowList(QTableView):
    """A list of one-line rows, selected whole, that reads only the rows on screen.

    With `headings` False it shows no column headings (a plain list)."""

    def __init__(self, parent: QWidget | None = None, *, headings: bool = True) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        columns = self.horizontalHeader()
        columns.setVisible(headings)
        columns.setStretchLastSection(True)
        columns.setResizeContentsPrecision(40)  # size a column from 40 rows, not all of them
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + ROW_PAD_PX)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        self._fit_rows()  # the style sheet's font is known by now
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()
        super().changeEvent(event)


class TapListModel(QAbstractTableModel):
    """The effective taps, one row each: time, and what the tap was (with its tags, marked
    when corrected). A row's words are worked out when it is first shown."""

    HEADINGS = ("Time", "Tap")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.taps: list[Event] = []
        self._edited: set[int] = set()
        self._scheme: Scheme | None = None
        self._state = SessionState()
        self._texts: dict[int, str] = {}

    def set_taps(self, taps: list[Event], edited: set[int], scheme: Scheme,
                 state: SessionState) -> None:
        self.beginResetModel()
        self.taps = taps
        self._edited, self._scheme, self._state = edited, scheme, state
        self._texts = {}
        self.endResetModel()

    def row_of(self, event_id: int) -> int | None:
        """The row of a tap, looked for when one is picked rather than indexed up front (an
        index of 100,000 taps held 8 MB for each session reviewed)."""
        return next((row for row, tap in enumerate(self.taps) if tap.id == event_id), None)

    def text(self, row: int) -> str:
        """'✎ Rupture: Withdrawal · Denial': what the list says of the tap in `row`."""
        found = self._texts.get(row)
        if found is None:
            assert self._scheme is not None
            tap = self.taps[row]
            tags = fig.tag_labels(self._scheme, tap.tags)
            found = ((EDITED_MARK if tap.id in self._edited else "")
                     + describe_tap(tap, self._scheme, self._state)
                     + (f" · {tags}" if tags else ""))
            self._texts[row] = found
        return found

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.taps)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADINGS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADINGS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        tap = self.taps[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return session_time(tap.offset_ms) if column == 0 else self.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            tip = [tap.text if tap.kind is Kind.NOTE and tap.text else self.text(row)]
            if tap.id in self._edited:
                tip.append(CORRECTED_TIP)
            return "\n".join(tip)
        if role == Qt.ItemDataRole.UserRole:
            return tap.id
        return None


class EventList(RowList):
    """The session's taps (undos and corrections applied), in timeline order; corrected taps
    are marked. `tapSelected(event_id)` when the clinician picks one to correct."""

    tapSelected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Taps in this session")
        self.taps = TapListModel(self)
        self.setModel(self.taps)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.selectionModel().selectionChanged.connect(self._selected)

    def show_taps(self, taps: list[Event], edited: set[int], scheme: Scheme,
                  state: SessionState) -> None:
        """Fill the list with `taps` (taps only: no pauses, no end); the selection is kept on
        the same tap when it is still there."""
        keep = self.selected_id()
        selection = self.selectionModel()
        selection.blockSignals(True)
        try:
            self.taps.set_taps(taps, edited, scheme, state)
            row = self.taps.row_of(keep) if keep is not None else None
            if row is not None:
                self.selectRow(row)
        finally:
            selection.blockSignals(False)
        self.viewport().update()

    def selected_id(self) -> int | None:
        rows = self.selectionModel().selectedRows()
        return self.taps.taps[rows[0].row()].id if rows else None

    def select(self, event_id: int) -> None:
        row = self.taps.row_of(event_id)
        if row is not None:
            self.selectRow(row)
            self.scrollTo(self.taps.index(row, 0))

    def row_texts(self) -> list[tuple[str, str]]:
        """What the list shows, row by row: (time, tap)."""
        return [(session_time(tap.offset_ms), self.taps.text(row))
                for row, tap in enumerate(self.taps.taps)]

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        event_id = self.selected_id()
        if event_id is not None:
            self.tapSelected.emit(event_id)
