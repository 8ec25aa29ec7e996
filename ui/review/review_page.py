"""The post-session review: what happened, corrections of mis-taps, reflection, and reports.

Opens when a session ends, and for any past session (`show_session`). The page is the review's
controller: it reads the session from the store, hands the widgets what to show, and turns
their requests into one core call each (`companion.corrections`, `Store.set_reflection`,
`Store.set_rating`, the exports), then shows the result at once. Every figure comes from the
core's `summarise`; the timeline is the live window's own `SessionPlot`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from companion import corrections
from companion.errors import AttuneError, UnsafeOutput
from companion.events import Event, effective_taps
from companion.fold import SessionState, fold
from companion.scheme import Scheme, session_scheme
from companion.store import SessionRow, Store
from companion.summary import Summary, summarise
from ui.review import report
from ui.review import review_figures as fig
from ui.review.correction_editor import CorrectionEditor
from ui.plot.plot_style import DARK, PlotStyle
from ui.review.reflection_panel import ReflectionPanel
from ui.review.review_widgets import EventList, LaneShares, RuptureTable
from ui.plot.session_plot import SessionPlot

WIDE_PX = 920
"""From this width the figures and the reflection sit side by side."""
PLOT_HEIGHT = 260
CLICK_PX = 8
"""How near (in pixels of the timeline) a click must fall to a tap to pick it."""
EVENT_LIST_HEIGHT = 300
EXPORTS = (
    ("html", "Report (HTML)…"),
    ("pdf", "Report (PDF)…"),
    ("csv", "Events (CSV)…"),
    ("json", "Session data (JSON)…"),
)


class ReviewPage(QWidget):
    """The review of one ended session. `show_session(store, id)` fills it; `back` when the
    clinician is done. `ask_path(suggested_name) -> Path | None` picks an export's file (a
    save dialog by default; tests replace it)."""

    back = Signal()

    def __init__(self, plot_style: PlotStyle = DARK, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session review")
        self._style = plot_style
        self.store: Store | None = None
        self.row: SessionRow | None = None
        self.scheme: Scheme | None = None
        self.taps: list[Event] = []
        self.state = SessionState()
        self.summary: Summary | None = None
        self.edited: set[int] = set()
        self.plot: SessionPlot | None = None
        self.ask_path: Callable[[str], Path | None] = self._ask_path

        # header
        self.title = QLabel("Session review", self)
        self.title.setObjectName("pageTitle")
        self.title.setWordWrap(True)
        self.session_line = QLabel(self)
        self.session_line.setObjectName("hint")
        self.session_line.setWordWrap(True)
        self.edited_badge = QLabel(self)
        self.edited_badge.setObjectName("warning")
        self.edited_badge.setAccessibleName("Edited")
        self.edited_badge.setWordWrap(True)
        self.export_button = QPushButton("Export", self)
        self.export_button.setAccessibleName("Export the review or the events")
        menu = QMenu(self.export_button)
        for fmt, text in EXPORTS:
            menu.addAction(text, lambda f=fmt: self._export_clicked(f))
        self.export_button.setMenu(menu)
        self.free_text = QCheckBox("Include free text", self)
        self.free_text.setAccessibleName("Include free text in exports")
        self.free_text.setToolTip("Note texts and reflection answers. Left out by default, so "
                                  "an export can be shared; with them it is not for sharing.")
        self.back_button = QPushButton("Back to start", self)
        self.back_button.setAccessibleName("Back")
        self.back_button.clicked.connect(self._back)
        self.message = QLabel(self)
        self.message.setObjectName("status")
        self.message.setAccessibleName("Export status")
        self.message.setWordWrap(True)

        # figures
        self.plot_holder = QVBoxLayout()
        self.duration = QLabel(self)
        self.duration.setWordWrap(True)
        self.lanes = {lane: LaneShares(lane, self) for lane in ("client", "self")}
        self.coregulation = QLabel(self)
        self.coregulation.setWordWrap(True)
        self.rupture_headline = QLabel(self)
        self.rupture_headline.setWordWrap(True)
        self.rupture_table = RuptureTable(self)
        self.strategies = QLabel(self)
        self.strategies.setWordWrap(True)
        self.notes = QLabel(self)
        self.notes.setObjectName("hint")
        self.notes.setWordWrap(True)

        # events and reflection
        self.events = EventList(self)
        self.events.setFixedHeight(EVENT_LIST_HEIGHT)
        self.events.tapSelected.connect(self._edit_tap)
        self.editor = CorrectionEditor(self)
        self.editor.applyRequested.connect(self._apply)
        self.editor.removeRequested.connect(self._remove)
        self.reflection = ReflectionPanel(self)
        self.reflection.answerEdited.connect(self._save_answer)
        self.reflection.ratingChanged.connect(self._save_rating)

        self._build_layout()

    # -- layout ----------------------------------------------------------------------------

    def _build_layout(self) -> None:
        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addWidget(self.export_button)
        actions.addWidget(self.free_text)
        actions.addStretch(1)

        figures = QWidget(self)
        col = QVBoxLayout(figures)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(6)
        col.addLayout(self.plot_holder)
        for title, widgets in (
            ("Duration", [self.duration]),
            ("Time in each state (share of the time noted)", list(self.lanes.values())),
            ("Co-regulation", [self.coregulation]),
            ("Ruptures and repair", [self.rupture_headline, self.rupture_table,
                                     self.strategies, self.notes]),
        ):
            col.addSpacing(4)
            col.addWidget(_section(title))
            for widget in widgets:
                col.addWidget(widget)
        col.addStretch(1)

        events_tab = self.events_tab = QWidget(self)
        ev = QVBoxLayout(events_tab)
        ev.setContentsMargins(6, 8, 6, 6)
        hint = QLabel("Pick a tap to move it, change what it was, tag it or remove it. "
                      "Corrections are kept as edits; the original taps stay in the log.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        ev.addWidget(hint)
        ev.addWidget(self.events)
        ev.addWidget(self.editor)
        ev.addStretch(1)
        reflect_tab = QWidget(self)
        reflect = QVBoxLayout(reflect_tab)
        reflect.setContentsMargins(6, 8, 6, 6)
        reflect.addWidget(self.reflection)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Reflection and corrections")
        self.tabs.addTab(reflect_tab, "Reflect")
        self.tabs.addTab(events_tab, "Taps and corrections")

        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(18)
        self.columns.addWidget(figures, 3)
        self.columns.addWidget(self.tabs, 2)
        body = QWidget(self)
        inner = self._inner = QVBoxLayout(body)
        inner.setSpacing(6)
        title_row = QHBoxLayout()
        title_row.addWidget(self.title, 1)
        title_row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        inner.addLayout(title_row)
        inner.addWidget(self.session_line)
        inner.addWidget(self.edited_badge)
        inner.addLayout(actions)
        inner.addWidget(self.message)
        inner.addLayout(self.columns, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= WIDE_PX
        self.columns.setDirection(QBoxLayout.Direction.LeftToRight if wide
                                  else QBoxLayout.Direction.TopToBottom)
        self.rupture_table.set_compact(not wide)
        margin = 16 if wide else 8
        self._inner.setContentsMargins(margin, 12, margin, 12)

    # -- showing a session -----------------------------------------------------------------

    def show_session(self, store: Store, session_id: int, back_text: str = "Back to start") -> None:
        """Review session `session_id` of `store` (raises AttuneError if it cannot be read)."""
        self.reflection.flush()  # a half-typed answer of the previous session is kept
        row = store.session(session_id)
        scheme = session_scheme(row.scheme_json, row.id)
        if self.plot is None or self.scheme is None or self.scheme.raw != scheme.raw:
            self._new_plot(scheme)
        self.store, self.row, self.scheme = store, row, scheme
        self.back_button.setText(back_text)
        self.session_line.setText(f"Session {row.id} · {row.describe()}")
        self.message.hide()
        self.editor.hide()
        self.tabs.setCurrentIndex(0)
        self.reflection.set_session(scheme.prompts, store.reflections(row.id),
                                    store.ratings(row.id))
        self.refresh()

    def refresh(self) -> None:
        """Read the session's log again and redraw every figure, the plot and the list."""
        assert self.store is not None and self.row is not None and self.scheme is not None
        events = self.store.events(self.row.id)
        self.taps = effective_taps(events)
        self.edited = corrections.edited_ids(events)
        self.state = fold(events)
        summary = self.summary = summarise(self.state, self.scheme)
        scheme = self.scheme
        self.duration.setText(fig.duration_line(summary))
        for lane in self.lanes.values():
            lane.show_summary(summary, scheme)
        self.coregulation.setText(fig.coregulation_line(summary, scheme))
        self.rupture_headline.setText(fig.rupture_headline(summary, scheme))
        self.rupture_table.show_rows(fig.rupture_rows(summary, scheme))
        self.strategies.setText("Strategies used: " + fig.strategies_line(summary, scheme))
        self.notes.setText("Notes: " + fig.notes_line(summary, scheme))
        n = len(self.edited)
        self.edited_badge.setText(f"Edited · {n} tap{'' if n == 1 else 's'} corrected "
                                  "(originals kept in the log)" if n else "")
        self.edited_badge.setVisible(bool(n))
        self.events.show_taps(self.taps, self.edited, scheme, self.state)
        assert self.plot is not None
        end = self.state.ended_ms if self.state.ended_ms is not None else self.state.last_ms
        self.plot.show_state(self.state, end)

    def set_plot_style(self, style: PlotStyle) -> None:
        self._style = style
        if self.plot is not None:
            self.plot.set_style(style)

    def _new_plot(self, scheme: Scheme) -> None:
        if self.plot is not None:
            self.plot_holder.removeWidget(self.plot)
            self.plot.deleteLater()
        self.plot = SessionPlot(scheme, self._style, self)
        self.plot.setAccessibleName("Timeline of the whole session")
        self.plot.setMinimumHeight(PLOT_HEIGHT)
        self.plot.set_window(None)
        self.plot.clickedAt.connect(self._pick_near)
        self.plot_holder.addWidget(self.plot)

    def _pick_near(self, ms: int) -> None:
        """A click on the timeline picks the tap nearest it in time to correct, when one is
        within CLICK_PX of it; a click on an empty stretch picks nothing."""
        assert self.plot is not None
        taps = [t for t in self.taps if t.is_tap]
        if not taps:
            return
        nearest = min(taps, key=lambda t: abs(t.offset_ms - ms))
        if abs(nearest.offset_ms - ms) <= CLICK_PX * self.plot.ms_per_pixel():
            self._edit_tap_again(nearest.id)

    # -- corrections -----------------------------------------------------------------------

    def _edit_tap(self, event_id: int) -> None:
        tap = next((t for t in self.taps if t.id == event_id), None)
        if tap is None or self.scheme is None:
            return
        end = self.state.ended_ms if self.state.ended_ms is not None else self.state.last_ms
        self.tabs.setCurrentIndex(self.tabs.indexOf(self.events_tab))
        self.editor.edit(tap, self.scheme, end)

    def _apply(self, event_id: int, changes: dict[str, Any]) -> None:
        """One audited edit with every change (time, kind, value, tags): all or nothing."""
        self._correct(event_id, lambda: corrections.correct(self._store(), self._id(), event_id,
                                                            **changes))

    def _remove(self, event_id: int) -> None:
        self._correct(None, lambda: corrections.remove(self._store(), self._id(), event_id))

    def _correct(self, keep: int | None, step: Callable[[], object]) -> None:
        try:
            step()
        except (AttuneError, sqlite3.Error) as exc:
            self._edit_tap_again(keep)
            self.editor.show_refusal(str(exc))
            return
        self.refresh()
        if keep is not None:
            self._edit_tap_again(keep)
        else:
            self.editor.hide()

    def _edit_tap_again(self, event_id: int | None) -> None:
        if event_id is None:
            return
        self.events.select(event_id)
        self._edit_tap(event_id)

    # -- reflection ------------------------------------------------------------------------

    def _save_answer(self, prompt_id: str, text: str) -> None:
        self._save(lambda: self._store().set_reflection(self._id(), prompt_id, text))

    def _save_rating(self, name: str, value: int | None) -> None:
        self._save(lambda: self._store().set_rating(self._id(), name, value))

    def _save(self, write: Callable[[], None]) -> None:
        try:
            write()
        except (AttuneError, sqlite3.Error) as exc:
            self.reflection.mark_failed(f"Not saved ({exc}). Your text is still here.")
            return
        self.reflection.mark_saved()

    # -- exports ---------------------------------------------------------------------------

    def export(self, fmt: str, path: Path) -> None:
        """Write the report (html, pdf) or the events (csv, json) to `path`, atomically,
        free text left out unless "Include free text" is ticked; the export is audited."""
        self.reflection.flush()
        store, session_id = self._store(), self._id()
        redact = not self.free_text.isChecked()
        try:
            report.write_export(store, session_id, fmt, path, redact=redact)
            store.audit("export", session_id, {"format": fmt, "redacted": redact,
                                               "file": path.name})
        except UnsafeOutput as exc:  # the database, a backup, a folder...: says so itself
            self._say(str(exc), "refused")
            return
        except (AttuneError, OSError, sqlite3.Error) as exc:
            self._say(f"Nothing was written to {path.name}: {exc}", "refused")
            return
        what = "free text left out" if redact else "with free text: not for sharing"
        self._say(f"Wrote {path} ({what}).", "")

    def suggested_name(self, fmt: str) -> str:
        """The default file name: session id and date, never the client code."""
        assert self.row is not None
        return report.default_file_name(self.row, fmt)

    def _export_clicked(self, fmt: str) -> None:
        path = self.ask_path(self.suggested_name(fmt))
        if path is not None:
            self.export(fmt, path)

    def _ask_path(self, name: str) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, _ = QFileDialog.getSaveFileName(self, "Export", str(Path(folder) / name))
        return Path(chosen) if chosen else None

    def _say(self, text: str, tone: str) -> None:
        self.message.setProperty("tone", tone)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- helpers ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Save a reflection answer still being typed (before the page goes away)."""
        self.reflection.flush()

    def _back(self) -> None:
        self.flush()
        self.back.emit()

    def _store(self) -> Store:
        assert self.store is not None, "show_session first"
        return self.store

    def _id(self) -> int:
        assert self.row is not None, "show_session first"
        return self.row.id


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("section")
    return label

