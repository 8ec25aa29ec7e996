"""The post-session review: what happened, corrections of mis-taps, reflection, and reports.

Opens when a session ends, and for any past session (`show_session`). The page lays out and
shows; its `ReviewController` reads the session, makes each correction, saves the reflection
and writes the exports, and pushes the session as it now is back (`opened`, `changed`). Every
figure comes from the core's `summarise`; the timeline is the live window's own `SessionPlot`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
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

from attune_companion.fold import SessionState
from attune_companion.scheme import Scheme
from attune_companion_ui.plot.plot_style import DARK, PlotStyle
from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.supervision.agreement_panel import AgreementPanel
from attune_companion_ui.review import review_figures as fig
from attune_companion_ui.review.correction_editor import CorrectionEditor
from attune_companion_ui.review.reflection_panel import ReflectionPanel
from attune_companion_ui.review.review_controller import ReviewController, Reviewed
from attune_companion_ui.review.review_widgets import LaneShares, RuptureTable
from attune_companion_ui.review.tap_list import EventList

WIDE_PX = 920
"""From this width the figures and the reflection sit side by side."""
PLOT_HEIGHT = 480
"""The timeline's height, fixed: the page scrolls, and a height left to the layout settled in
steps (260 px, then 480) that each repainted the page as a review opened."""
CLICK_PX = 8
"""How near (in pixels of the timeline) a click must fall to a tap to pick it."""
EVENT_LIST_HEIGHT = 300
EXPORTS = (
    ("html", "Report (HTML)…"),
    ("pdf", "Report (PDF)…"),
    ("csv", "Events (CSV)…"),
    ("json", "Session data (JSON)…"),
    ("eaf", "Coding for ELAN (EAF), with the recording…"),
)


class ReviewPage(QWidget):
    """The review of one ended session. `show_session(id)` fills it; `back` when the
    clinician is done. `ask_path(suggested_name) -> Path | None` picks an export's file (a
    save dialog by default; tests replace it). `shown` is the session as last pushed by the
    controller (None before the first)."""

    back = Signal()

    def __init__(self, controller: ReviewController, plot_style: PlotStyle = DARK,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session review")
        self.controller = controller
        self._style = plot_style
        self.shown: Reviewed | None = None
        self._scheme: Scheme | None = None
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
        controller.opened.connect(self._opened)
        controller.changed.connect(self._redraw)

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
        self.agreement = AgreementPanel(self)  # with a coder layer: did we see the same hour?
        self.tabs.addTab(self.agreement, "Agreement")

        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(18)
        self.columns.addWidget(figures, 3)
        tabs_column = QVBoxLayout()  # the tabs as tall as they need, not the page
        tabs_column.addWidget(self.tabs)
        tabs_column.addStretch(1)
        self.columns.addLayout(tabs_column, 2)
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
        scroll = self.scroll = QScrollArea(self)
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
        margin = 16 if wide else 8
        self._inner.setContentsMargins(margin, 12, margin, 12)

    # -- showing a session -----------------------------------------------------------------

    def show_session(self, session_id: int, back_text: str = "Back to start") -> None:
        """Review session `session_id` (raises AttuneError if it cannot be read)."""
        self.reflection.flush()  # a half-typed answer of the previous session is kept
        self.back_button.setText(back_text)
        self.controller.open(session_id)
        self._lay_out_now()

    def _lay_out_now(self) -> None:
        """Lay the page out before its first paint. Left to the event loop, the layout of
        the new session's figures came after that paint, and the page was painted again."""
        layout = self.scroll.widget().layout()
        assert layout is not None
        layout.activate()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _opened(self, session: Reviewed) -> None:
        scheme = session.scheme
        if self.plot is None or self._scheme is None or self._scheme.raw != scheme.raw:
            self._new_plot(scheme)
        self._scheme = scheme
        self.session_line.setText(session.row.describe())
        self.message.hide()
        self.editor.hide()
        self.tabs.setCurrentIndex(0)
        self.reflection.set_session(scheme.prompts, session.reflections, session.ratings)
        self._redraw(session)
        assert self.plot is not None
        self.plot.set_window(None)  # each session opens at its full extent, not as zoomed

    def _redraw(self, session: Reviewed) -> None:
        """Every figure, the plot and the list, from the session as it now is."""
        self.shown = session
        summary, scheme = session.summary, session.scheme
        self.duration.setText(fig.duration_line(summary))
        for lane in self.lanes.values():
            lane.show_summary(summary, scheme)
        self.coregulation.setText(fig.coregulation_line(summary, scheme))
        self.agreement.show(session.agreement, session.agreement_note)
        self.rupture_headline.setText(fig.rupture_headline(summary, scheme))
        self.rupture_table.show_rows(fig.rupture_rows(summary, scheme))
        self.strategies.setText("Strategies used: " + fig.strategies_line(summary, scheme))
        self.notes.setText("Notes: " + fig.notes_line(summary, scheme))
        n = len(session.edited)
        self.edited_badge.setText(f"Edited · {n} tap{'' if n == 1 else 's'} corrected "
                                  "(originals kept in the log)" if n else "")
        self.edited_badge.setVisible(bool(n))
        self.events.show_taps(session.only_taps, session.edited, scheme, session.state)
        assert self.plot is not None
        self.plot.show_state(session.state, session.end_ms)

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
        self.plot.setFixedHeight(PLOT_HEIGHT)
        self.plot.set_window(None)
        self.plot.set_zoom(wheel=False)  # the page scrolls: the wheel is the page's
        self.plot.hold_still()  # redrawn only by show_state: a repaint blits the cache
        self.plot.clickedAt.connect(self._pick_near)
        self.plot_holder.addWidget(self.plot)
        self.plot.show()  # now, so the page is laid out with it as it opens (`_lay_out_now`)

    def _pick_near(self, ms: int) -> None:
        """A click on the timeline picks the tap nearest it in time to correct, when one is
        within CLICK_PX of it; a click on an empty stretch picks nothing."""
        assert self.plot is not None
        nearest = self.shown.nearest_tap(ms) if self.shown is not None else None
        reach = CLICK_PX * self.plot.ms_per_pixel()
        if nearest is not None and abs(nearest.offset_ms - ms) <= reach:
            self._edit_tap_again(nearest.id)

    # -- corrections -----------------------------------------------------------------------

    def _edit_tap(self, event_id: int) -> None:
        tap = self.shown.tap(event_id) if self.shown is not None else None
        if tap is None or self.shown is None:
            return
        self.tabs.setCurrentIndex(self.tabs.indexOf(self.events_tab))
        self.editor.edit(tap, self.shown.scheme, self.shown.end_ms)
        QTimer.singleShot(0, self, self._show_apply)  # once the editor is laid out

    def _show_apply(self) -> None:
        """Scroll the page so the editor's Apply row is in sight (never below the fold)."""
        if self.editor.isVisible():
            for _ in range(3):  # the editor, its tab, then the page: each lays out in turn
                QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            self.scroll.ensureWidgetVisible(self.editor.apply_button, 0, 16)

    def _apply(self, event_id: int, changes: dict[str, Any]) -> None:
        self._after_correction(event_id, self.controller.correct(event_id, changes))

    def _remove(self, event_id: int) -> None:
        self._after_correction(None, self.controller.remove(event_id))

    def _after_correction(self, keep: int | None, refusal: str) -> None:
        """Keep the corrected tap open for more (a removed one closes the editor); a refusal
        is said in place, on the tap it was about."""
        if refusal:
            self._edit_tap_again(keep)
            self.editor.show_refusal(refusal)
        elif keep is not None:
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
        self._saved(self.controller.save_answer(prompt_id, text))

    def _save_rating(self, name: str, value: int | None) -> None:
        self._saved(self.controller.save_rating(name, value))

    def _saved(self, refusal: str) -> None:
        if refusal:
            self.reflection.mark_failed(f"Not saved ({refusal}). Your text is still here.")
        else:
            self.reflection.mark_saved()

    # -- exports ---------------------------------------------------------------------------

    def export(self, fmt: str, path: Path) -> None:
        """Write the report (html, pdf), the events (csv, json) or the coding for ELAN (eaf)
        to `path`, atomically, free text left out unless "Include free text" is ticked; the
        export is audited."""
        self.reflection.flush()
        redact = not self.free_text.isChecked()
        refusal = self.controller.export(fmt, path, redact=redact)
        if refusal:
            self._say(refusal, "refused")
            return
        what = "free text left out" if redact else "with free text: not for sharing"
        self._say(f"Wrote {path} ({what}).", "")

    def _export_clicked(self, fmt: str) -> None:
        path = self.ask_path(self.controller.suggested_name(fmt))
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

    def let_go(self) -> None:
        """Save what is being typed, then let go of the session shown: the page stays built
        for the next review (building it and its plot was most of a short session's open)
        but holds nothing of this one (a long session's events, states and drawing)."""
        self.flush()
        self.controller.close()
        self.shown = None
        self.editor.hide()
        self.reflection.set_session((), {}, {})
        self.agreement.show(None)
        self.rupture_table.clear_rows()
        if self._scheme is not None and self.plot is not None:
            empty = SessionState()
            self.events.show_taps([], set(), self._scheme, empty)
            self.plot.show_state(empty, 0)

    def _back(self) -> None:
        self.flush()
        self.back.emit()


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("section")
    return label

