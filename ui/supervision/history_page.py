"""The session history: every session with its date, client, length, ruptures and status.

A QTableView over `HistoryModel` (one list of rows from `attune_companion.history.history`, whose
figures are cached per session), so a thousand sessions list at once. Filter by client code
and a date range; double-click or Enter plays a session back. Sharing for supervision writes
one bundle (free text left out unless the clinician ticks the box); importing a bundle checks
everything first, and a refused bundle is explained on the page with the database unchanged.

Only reachable from the start page, never during a live session. The page only lays out and
asks: its `HistoryController` reads and writes the store, and the window's `SupervisionFlow`
(attune_companion_ui.supervision.flow) moves between history, playback, trends and review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView,
    QLabel, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from attune_companion.errors import AttuneError
from attune_companion.history import HistoryRow
from attune_companion_ui.supervision.digest_rebuild import DigestRebuild
from attune_companion_ui.supervision.flow_layout import flow_of, labelled
from attune_companion_ui.supervision.history_controller import HistoryController
from attune_companion_ui.supervision.history_model import COLUMNS, HistoryModel

ALL_CLIENTS = "All clients"
BUNDLE_FILTER = "Attune session bundle (*.attune);;All files (*)"


class HistoryPage(QWidget):
    """Signals: back(), playRequested(id), reviewRequested(id), trendsRequested(code).

    `ask_save_path(suggested)` and `ask_open_path()` choose files (QFileDialog by default;
    tests replace them).
    """

    back = Signal()
    playRequested = Signal(int)
    reviewRequested = Signal(int)
    trendsRequested = Signal(str)

    def __init__(self, controller: HistoryController | None, parent: QWidget | None = None, *,
                 review: bool = False) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session history")
        self.controller = controller
        self.rebuild: DigestRebuild | None = None
        self._count = ""
        self.ask_save_path: Callable[[str], str] = self._ask_save_path
        self.ask_open_path: Callable[[], str] = self._ask_open_path

        back = QPushButton("← Start", self)
        back.setAccessibleName("Back to the start page")
        back.clicked.connect(self.back.emit)
        title = QLabel("Session history", self)
        title.setObjectName("pageTitle")
        header = QHBoxLayout()
        header.addWidget(back)
        header.addWidget(title, 1)

        self.client = QComboBox(self)
        self.client.setEditable(True)
        self.client.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.client.setAccessibleName("Filter by client code")
        self.client.setToolTip("Pick or type a client code; 'All clients' shows everyone.")
        self.client.setMinimumContentsLength(10)
        self.client.activated.connect(self.refresh)
        self.client.lineEdit().returnPressed.connect(self.refresh)
        self.since, self.until = _date_edit("From (any)", self), _date_edit("To (any)", self)
        self.since.setAccessibleName("Sessions from this date")
        self.until.setAccessibleName("Sessions up to this date")
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)
        clear = QPushButton("Any date", self)
        clear.setProperty("role", "quiet")
        clear.setAccessibleName("Show sessions of any date")
        clear.clicked.connect(self.clear_dates)
        # Each filter keeps its label beside it; a narrow window wraps them onto more lines.
        filters = flow_of(*(labelled(text, widget, self) for text, widget in (
            ("Client", self.client), ("From", self.since), ("To", self.until))), clear)

        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)  # a click on a heading sorts by it
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setAccessibleName("Sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setResizeContentsPrecision(40)  # size columns from 40 rows, not all 1,000
        head.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(lambda index: self._emit(self.playRequested))

        self.buttons: dict[str, QPushButton] = {}
        wanted = [("play", "Play back", "Play the chosen session back (Enter or double-click)"),
                  ("review", "Review", "Open the chosen session's review")] if review else [
                  ("play", "Play back", "Play the chosen session back (Enter or double-click)")]
        wanted += [("trends", "Trends", "Trends across the sessions of the chosen client"),
                   ("export", "Export bundle…", "Share the chosen session for supervision"),
                   ("import", "Import bundle…", "Add a shared session to this database")]
        for name, text, tip in wanted:
            button = QPushButton(text, self)
            button.setAccessibleName(tip)
            button.setToolTip(tip)
            self.buttons[name] = button
        self.buttons["play"].setObjectName("primary")
        actions = flow_of(*self.buttons.values())
        self.free_text = QCheckBox("Include free text in the bundle", self)
        self.free_text.setAccessibleName("Include free text in the exported bundle")
        self.free_text.setToolTip("Notes, comments and reflections. Off by default: a bundle "
                                  "leaves out every typed text.")
        self.buttons["play"].clicked.connect(lambda: self._emit(self.playRequested))
        if review:
            self.buttons["review"].clicked.connect(lambda: self._emit(self.reviewRequested))
        self.buttons["trends"].clicked.connect(self._trends)
        self.buttons["export"].clicked.connect(self.export_selected)
        self.buttons["import"].clicked.connect(self.import_file)

        self.count = QLabel(self)
        self.count.setObjectName("hint")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("History message")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        layout.addWidget(self.free_text)

    # -- filling -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the client codes and the sessions afresh."""
        if self.controller is None:
            return
        text = self.client.currentText() or ALL_CLIENTS
        self.client.blockSignals(True)
        self.client.clear()
        self.client.addItems([ALL_CLIENTS, *self.controller.client_codes()])
        self.client.setEditText(text)
        self.client.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """List the sessions the filters choose."""
        if self.controller is None:
            return
        code = self.client.currentText().strip()
        try:
            rows = self.controller.sessions(None if code in ("", ALL_CLIENTS) else code,
                                            _day(self.since), _day(self.until))
        except AttuneError as exc:
            self.say(str(exc), error=True)
            return
        self.model.set_rows(rows)
        self._count = f"{len(rows):,} session{'' if len(rows) == 1 else 's'}"
        self.count.setText(self._count)
        if rows:
            self.table.selectRow(0)
        if any(row.pending for row in rows):
            self._work_out_figures()

    def _work_out_figures(self) -> None:
        """Work out the figures still to come behind the list (one thread at a time), from
        once the list is shown (the thread competes for the interpreter); the list stays
        usable and fills in as they come."""
        if self.rebuild is not None or self.controller is None:
            return
        worker = self.rebuild = self.controller.figures_behind()
        if worker is None:
            return
        worker.setParent(self)
        worker.batchDone.connect(self._figures_came)
        worker.failed.connect(lambda text: self.say(text, error=True))
        worker.finished.connect(lambda: self._figures_done(worker))
        self.count.setText(f"{self._count} · working out the figures of older sessions…")
        # A zero timer fires after the events already posted, the list's paint among them.
        QTimer.singleShot(0, lambda: worker.start() if self.rebuild is worker else None)

    def _figures_came(self, figures: dict[int, Any], done: int, total: int) -> None:
        self.model.update_figures(figures)
        if self.rebuild is not None:
            self.count.setText(f"{self._count} · working out the figures of older sessions: "
                               f"{done:,} of {total:,} done")

    def _figures_done(self, worker: DigestRebuild) -> None:
        if self.rebuild is worker:
            self.rebuild = None
            self.count.setText(self._count)
        worker.deleteLater()

    def stop_rebuild(self, wait: bool = True) -> None:
        """Stop working figures out after the batch under way, waiting for it when `wait`
        (the window is closing); what is saved stays saved, and the next listing carries on
        from there."""
        worker, self.rebuild = self.rebuild, None
        if worker is not None:
            worker.stop(wait)
            self.count.setText(self._count)

    def clear_dates(self) -> None:
        for edit in (self.since, self.until):
            edit.blockSignals(True)
            edit.setDate(edit.minimumDate())
            edit.blockSignals(False)
        self.refresh()

    def selected(self) -> HistoryRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def say(self, text: str, error: bool = False) -> None:
        """A calm message under the table (never a dialog)."""
        self.message.setObjectName("error" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- actions -------------------------------------------------------------------------------

    def _emit(self, signal: Signal) -> None:
        row = self.selected()
        if row is None:
            self.say("Choose a session in the list first.", error=True)
            return
        self.say("")
        signal.emit(row.session_id)

    def _trends(self) -> None:
        row = self.selected()
        code = row.client_code if row else self.client.currentText().strip()
        if not code or code == ALL_CLIENTS:
            self.say("Choose a session (or a client code) first.", error=True)
            return
        self.say("")
        self.trendsRequested.emit(code)

    def export_selected(self) -> None:
        row = self.selected()
        if row is None or self.controller is None:
            self.say("Choose a session in the list first.", error=True)
            return
        path = self.ask_save_path(self.controller.bundle_name(row))
        if not path:
            return
        try:
            done = self.controller.share(row, path, self.free_text.isChecked())
        except AttuneError as exc:
            self.say(str(exc), error=True)
            return
        self.say(done)

    def import_file(self) -> None:
        path = self.ask_open_path()
        if not path or self.controller is None:
            return
        try:
            done = self.controller.take_in(path)
        except AttuneError as exc:
            self.say(f"{exc} Nothing was imported.", error=True)
            return
        self.reload()
        self.say(done)

    def _ask_save_path(self, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export bundle", suggested, BUNDLE_FILTER)
        return path

    def _ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import bundle", "", BUNDLE_FILTER)
        return path



def _date_edit(any_text: str, parent: QWidget) -> QDateEdit:
    """A date field whose lowest value means 'any date'."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setSpecialValueText(any_text)
    edit.setDate(edit.minimumDate())
    return edit


def _day(edit: QDateEdit) -> Any:
    return None if edit.date() == edit.minimumDate() else edit.date().toPython()
