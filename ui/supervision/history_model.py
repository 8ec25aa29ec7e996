"""The history table's model: one row per session, in the order shown, sorted by itself.

At years of sessions (5,000) the view's questions are what cost: a sorting proxy asked
Python for two cells at every comparison, and each painted cell is asked about fifty
questions, most for roles not answered here. Figures still being worked out (after an
upgrade) show as '…' and are filled in a batch at a time (`update_figures`).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from attune_companion.clock import format_duration
from attune_companion.history import HistoryRow, with_figures

COLUMNS = ("Date", "Client", "Session", "Duration", "Ruptures", "Repaired", "Unrepaired", "Status")
_DISPLAY, _TOOLTIP, _ALIGNMENT = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.TextAlignmentRole))
_ANSWERED = frozenset((_DISPLAY, _TOOLTIP, _ALIGNMENT))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_STARTED = attrgetter("started")


class HistoryModel(QAbstractTableModel):
    """Rows of the history table, in the order shown; `rows` is replaced whole on each
    refresh. The model sorts itself (a click on a heading): a sorting proxy asked Python for
    two cells at every comparison, a second at 5,000 sessions."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[HistoryRow] = []
        self._order = (0, Qt.SortOrder.DescendingOrder)

    def set_rows(self, rows: list[HistoryRow]) -> None:
        self.beginResetModel()
        self.rows = self._sorted(rows)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column` (as numbers where they are), keeping the chosen row chosen."""
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        kept = self.persistentIndexList()
        ids = [self.rows[i.row()].session_id for i in kept]
        self.rows = self._sorted(self.rows)
        where = {row.session_id: n for n, row in enumerate(self.rows)}
        self.changePersistentIndexList(
            kept, [self.index(where[sid], i.column()) for sid, i in zip(ids, kept)])
        self.layoutChanged.emit()

    def update_figures(self, figures: dict[int, dict[str, Any]]) -> None:
        """Fill in the figures just worked out for some sessions (where they are listed),
        telling the view about those rows only."""
        where = {row.session_id: n for n, row in enumerate(self.rows)}
        shown = sorted(where[sid] for sid in figures if sid in where)
        for n in shown:
            self.rows[n] = with_figures(self.rows[n], figures[self.rows[n].session_id])
        if shown:
            self.dataChanged.emit(self.index(shown[0], 0),
                                  self.index(shown[-1], len(COLUMNS) - 1))

    def _sorted(self, rows: list[HistoryRow]) -> list[HistoryRow]:
        column, order = self._order
        # By start, the common order (and the one rows come in): the aware datetimes compare
        # as instants, with no Python call per row.
        key = _STARTED if column == 0 else (lambda row: self.sort_key(row, column))
        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        # The view asks about fifty questions per cell it paints, most of roles not answered
        # here: those are turned away first, before any Qt enum is compared.
        if role not in _ANSWERED or not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == _DISPLAY:
            return self.cell(row, index.column())
        if role == _TOOLTIP:
            return row.problem
        return _RIGHT if 2 <= index.column() <= 6 else None

    @staticmethod
    def sort_key(row: HistoryRow, column: int) -> Any:
        """What a column sorts by: times and counts as numbers (unknown first), text folded."""
        if column == 0:
            return row.started
        if column == 1:
            return row.client_code.casefold()
        numbers = (row.number, row.duration_ms, row.ruptures, row.repaired, row.unrepaired)
        if column <= 6:
            value = numbers[column - 2]
            return -1 if value is None else value
        return HistoryModel.cell(row, column)

    @staticmethod
    def cell(row: HistoryRow, column: int) -> str:
        def n(value: int | None) -> str:
            return ("…" if row.pending else "–") if value is None else str(value)

        if column == 0:
            return row.started.strftime("%a %d %b %Y, %H:%M")
        if column == 1:
            return row.client_code
        if column == 2:
            return n(row.number) if row.number else ""
        if column == 3:
            return n(None) if row.duration_ms is None else format_duration(row.duration_ms)
        if column in (4, 5, 6):
            return n((row.ruptures, row.repaired, row.unrepaired)[column - 4])
        status = [row.status]
        status += ["imported"] * row.imported + ["corrected"] * row.edited
        status += ["figures to come"] * row.pending + ["cannot be read"] * bool(row.problem)
        return " · ".join(status)
