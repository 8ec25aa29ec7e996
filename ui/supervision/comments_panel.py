"""Supervision comments in playback: the list, adding one at the cursor or over a span, and
their own layer on the plot.

Comments are not taps: they live in their own table (attune_companion.comments) and are drawn in a
band of their own above the repair row, as purple down-pointing flags (a span as a bar
between two flags), so they can never be mistaken for what the clinician tapped. The panel
writes through `attune_companion.comments` and says why inline when something cannot be saved.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
    QVBoxLayout, QWidget,
)

from attune_companion import comments as core
from attune_companion.comments import Comment
from attune_companion.errors import AttuneError
from attune_companion.store import Store
from attune_companion.clock import format_duration
from attune_companion.text_rules import AUTHOR, COMMENT
from attune_companion_ui.plot.plot_items import MS_PER_MIN, show_points
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.widgets.text_limit import TextLimit

COMMENT_COLOURS = {"dark": "#c7a6e8", "light": "#7a4fa6"}
"""One hue no tap uses, per palette; the flag shape and the band say 'comment' as well."""
HIDDEN_TEXT = "(text not shared in the bundle)"


def describe(comment: Comment) -> str:
    """'12:34 · supervisor: text' or '12:34–13:10 · …' for a span."""
    when = format_duration(comment.start_ms)
    if comment.end_ms is not None:
        when += f"–{format_duration(comment.end_ms)}"
    return f"{when} · {comment.author}: {comment.text if comment.text is not None else HIDDEN_TEXT}"


class CommentLayer:
    """The comments drawn on a SessionPlot: flags at moments, bars over spans, in a top band."""

    def __init__(self, plot, style: PlotStyle) -> None:  # plot: attune_companion_ui.plot.session_plot.SessionPlot
        bottom, top = plot.y_range
        self.band_y = top - 0.035 * (top - bottom)
        self._flags = pg.ScatterPlotItem(symbol="t", size=14, hoverable=True,
                                         tip=lambda x, y, data: data)
        self._bars = pg.PlotDataItem(connect="pairs")
        for z, item in ((40, self._bars), (41, self._flags)):
            item.setZValue(z)
            plot.add_overlay(item)
        self.set_style(style)

    def set_style(self, style: PlotStyle) -> None:
        colour = COMMENT_COLOURS.get(style.name, COMMENT_COLOURS["dark"])
        self._flags.setPen(pg.mkPen(style.background, width=1))
        self._flags.setBrush(pg.mkBrush(colour))
        self._bars.setPen(pg.mkPen(colour, width=4))

    def show(self, comments: list[Comment]) -> None:
        """Draw exactly these comments (called when the list changes, never per frame)."""
        xs, tips, bars = [], [], []
        for c in comments:
            xs.append(c.start_ms / MS_PER_MIN)
            tips.append(describe(c))
            if c.end_ms is not None:
                xs.append(c.end_ms / MS_PER_MIN)
                tips.append(describe(c))
                bars += [c.start_ms / MS_PER_MIN, c.end_ms / MS_PER_MIN]
        self._flags.setData(x=xs, y=[self.band_y] * len(xs), data=tips)
        show_points(self._bars, np.array(bars, dtype=float), np.full(len(bars), self.band_y))

    def flag_x(self) -> list[float]:
        """Where flags are drawn (minutes), for tests."""
        return [float(x) for x in self._flags.data["x"]]


class CommentsPanel(QWidget):
    """Comments of the session in playback. `cursor()` gives the playback time to pin at.

    Signals: changed() after a comment is added or deleted; jumpRequested(t_ms) when one is
    chosen in the list.
    """

    changed = Signal()
    jumpRequested = Signal(int)

    def __init__(self, cursor: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Supervision comments")
        self._cursor = cursor
        self._store: Store | None = None
        self._session_id = 0
        self._span_start: int | None = None
        self.comments: list[Comment] = []

        title = QLabel("Comments · their own layer: purple flags in the top band", self)
        title.setObjectName("section")
        title.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Comments")
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(self._jump)
        self.list.itemActivated.connect(self._jump)
        self.author = QComboBox(self)
        self.author.setEditable(True)
        self.author.addItems(["supervisor", "clinician"])
        self.author.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.author.setAccessibleName("Comment author")
        self.author.setToolTip("Who says it: supervisor, clinician, or type a name or initials.")
        self.text = QLineEdit(self)
        self.text.setAccessibleName("Comment text")
        self.text.setPlaceholderText("Comment at the cursor… (Enter adds)")
        self.text.returnPressed.connect(self.add)
        self.add_button = QPushButton("Add at cursor", self)
        self.add_button.setAccessibleName("Add the comment at the cursor")
        self.add_button.clicked.connect(self.add)
        self.span_button = QPushButton("Mark span start", self)
        self.span_button.setCheckable(True)
        self.span_button.setAccessibleName("Mark the start of a span at the cursor")
        self.span_button.setToolTip("Marks the cursor as the span's start; move on, then 'Add' "
                                    "pins the comment from there to the cursor.")
        self.span_button.toggled.connect(self._mark_span)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setAccessibleName("Delete the chosen comment")
        self.delete_button.clicked.connect(self.delete_selected)
        self.message = QLabel(self)
        self.message.setObjectName("error")
        self.message.setAccessibleName("Comment problem")
        self.message.setWordWrap(True)
        self.message.hide()
        for field, rule in ((self.author.lineEdit(), AUTHOR), (self.text, COMMENT)):
            TextLimit(field, rule).cut.connect(self._say)

        who = QHBoxLayout()
        who.addWidget(QLabel("Author", self))
        who.addWidget(self.author, 1)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.span_button, self.delete_button):
            button.setProperty("role", "quiet")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.span_button)
        heading = QHBoxLayout()
        heading.addWidget(title, 1)
        heading.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(heading)
        layout.addWidget(self.list, 1)
        layout.addLayout(who)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def show_session(self, store: Store, session_id: int) -> None:
        self._store, self._session_id = store, session_id
        self.span_button.setChecked(False)
        self._say("")
        self._reload()

    def let_go(self) -> None:
        """Hold nothing of the session any more (the playback was left)."""
        self._store, self._session_id = None, 0
        self.span_button.setChecked(False)
        self.text.clear()
        self._say("")
        self.comments = []
        self.list.clear()
        self.changed.emit()

    def _reload(self) -> None:
        assert self._store is not None
        self.comments = core.comments(self._store, self._session_id)
        self.list.clear()
        for c in self.comments:
            item = QListWidgetItem(describe(c))
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.list.addItem(item)
        self.changed.emit()

    # -- adding and deleting ---------------------------------------------------------------

    def add(self) -> None:
        """Pin the typed text at the cursor, or over the marked span up to the cursor."""
        if self._store is None:
            return
        now = self._cursor()
        start, end = now, None
        if self._span_start is not None:
            start, end = sorted((self._span_start, now))
        try:
            core.add_comment(self._store, self._session_id, start, self.text.text(),
                             author=self.author.currentText(), end_ms=end)
        except AttuneError as exc:
            self._say(str(exc))
            return
        self.text.clear()
        self.span_button.setChecked(False)
        self._say("")
        self._reload()

    def delete_selected(self) -> None:
        item = self.list.currentItem()
        if self._store is None or item is None:
            self._say("Choose a comment in the list first.")
            return
        core.delete_comment(self._store, int(item.data(Qt.ItemDataRole.UserRole)))
        self._say("")
        self._reload()

    def _mark_span(self, marking: bool) -> None:
        self._span_start = self._cursor() if marking else None
        if marking:
            self.span_button.setText(f"Span from {format_duration(self._span_start)}")
            self.add_button.setText("Add span to cursor")
        else:
            self.span_button.setText("Mark span start")
            self.add_button.setText("Add at cursor")

    def _jump(self, item: QListWidgetItem) -> None:
        found = [c for c in self.comments if c.id == item.data(Qt.ItemDataRole.UserRole)]
        if found:
            self.jumpRequested.emit(found[0].start_ms)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
