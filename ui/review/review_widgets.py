"""The review's read-outs: a share bar per lane and the rupture table (the tap list is tap_list).

They lay out what they are given (the core's `Summary`, the effective taps) and hold nothing
of the session; the review page fills them again after every correction.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor, QFont, QPainter, QPaintEvent, QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from attune_companion.scheme import Scheme
from attune_companion.summary import Summary
from attune_companion_ui.review import review_figures as fig

BAR_LABEL_MIN = 0.12
"""A segment shows its label inside the bar when it is at least this share of the bar."""
SLACK_PX = 2
"""Kept free right of the rupture table's last column, so rounding never adds a scroll."""
_TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
FIRST_ROWS = 40
"""Rupture rows built as the review opens: more than a screen of them."""
MORE_ROWS = 100
"""Rows built at each turn of the event loop after that, until every rupture has its row."""


class ShareBar(QWidget):
    """One horizontal bar split by state, each part in the state's scheme colour and labelled
    with its name and share where it fits (the legend beneath always says it in words)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._segments: list[fig.ShareSegment] = []
        self.setMinimumHeight(self.fontMetrics().height() + 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_segments(self, segments: list[fig.ShareSegment]) -> None:
        self._segments = segments
        self.setAccessibleDescription(" · ".join(s.text for s in segments) or "not noted")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, self.minimumHeight())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        if not self._segments:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawRoundedRect(rect, 4, 4)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "not noted")
            return
        x = rect.left()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        for i, seg in enumerate(self._segments):
            last = i == len(self._segments) - 1
            width = rect.right() - x if last else rect.width() * seg.share
            part = QRectF(x, rect.top(), width, rect.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(seg.colour))
            painter.drawRect(part)
            text = f"{seg.label} {seg.share:.0%}"
            if seg.share >= BAR_LABEL_MIN and painter.fontMetrics().horizontalAdvance(text) < width - 8:
                painter.setPen(QColor("#1f2328"))  # dark on every scheme colour
                painter.drawText(part.adjusted(6, 0, -4, 0),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
            x += width


class LaneShares(QWidget):
    """A lane's title, share bar, the shares in words and its detail line."""

    def __init__(self, lane: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.title = QLabel(fig.LANE_TITLES.get(lane, lane), self)
        self.title.setObjectName("fieldLabel")
        self.bar = ShareBar(self)
        self.bar.setAccessibleName(f"Time in each state: {fig.LANE_TITLES.get(lane, lane)}")
        self.legend = QLabel(self)
        self.legend.setWordWrap(True)
        self.detail = QLabel(self)
        self.detail.setObjectName("hint")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        for widget in (self.title, self.bar, self.legend, self.detail):
            layout.addWidget(widget)

    def show_summary(self, summary: Summary, scheme: Scheme) -> None:
        segments = fig.lane_segments(summary, scheme, self.lane)
        self.bar.set_segments(segments)
        self.legend.setText(" · ".join(s.text for s in segments))
        self.legend.setVisible(bool(segments))
        self.detail.setText(fig.lane_detail(summary, scheme, self.lane))


class RuptureTable(QTableWidget):
    """One row per rupture: start, type and markers, time to repair, strategies, the client's
    state before and after. Sized to its rows, so the page (not the table) scrolls. Each
    column is at least as wide as its heading and its longest word; where six such columns do
    not fit, each rupture is one cell of lines instead (a narrow strip). The first FIRST_ROWS
    rows are built at once, the rest MORE_ROWS at a turn of the event loop after the page is
    shown (a long session's 2,000 rows, built and measured, were a sixth of its open)."""

    HEADERS = ("#", "Start", "Type and markers", "Time to repair", "Strategies",
               "Client before → after")
    WEIGHTS = (0, 0, 3, 2, 3, 2)
    """How spare width is shared: # and Start only ever take what they need."""
    CELL_PAD = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setAccessibleName("Ruptures")
        self._rows: list[fig.RuptureRow] = []
        self._minimums: list[int] | None = None
        self._compact = False
        self._built = 0  # rows built so far, the first ones of self._rows
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._build_more)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._set_columns()

    @property
    def compact(self) -> bool:
        return self._compact

    def column_minimums(self) -> list[int]:
        """Each column's least width: its heading, and its longest word (or, for # and Start,
        its longest cell), whole. Worked out once per rows shown (and font): each different
        word measured once, never again on a resize (a long session's table measured
        30,000 words at every width it passed through)."""
        if self._minimums is None:
            metrics, bold = self.fontMetrics(), self.horizontalHeader().fontMetrics()
            cells = [self._cells(row) for row in self._rows]
            out = []
            for c, heading in enumerate(self.HEADERS):
                words = ({w for row in cells for w in row[c].split()} if self.WEIGHTS[c]
                         else {row[c] for row in cells})
                widest = max((metrics.horizontalAdvance(w) for w in words), default=0)
                out.append(max(bold.horizontalAdvance(heading), widest) + self.CELL_PAD)
            self._minimums = out
        return self._minimums

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._minimums = None  # words measure anew in the new font
            self._fit_columns()
            self.fit_height()

    def _set_columns(self) -> None:
        headers = ("Ruptures",) if self._compact else self.HEADERS
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)

    def _fit_columns(self) -> None:
        """Full columns where they fit the width, sharing what is spare by WEIGHTS; else one."""
        width = self.viewport().width() or self.width()
        minimums = self.column_minimums()
        compact = sum(minimums) + SLACK_PX > width
        if compact != self._compact:
            self._compact = compact
            self._set_columns()
            self._fill(0, self._built)
        if compact:
            self.horizontalHeader().resizeSection(0, width)
            return
        spare = width - sum(minimums) - SLACK_PX
        total = sum(self.WEIGHTS)
        for c, least in enumerate(minimums):
            self.horizontalHeader().resizeSection(c, least + spare * self.WEIGHTS[c] // total)

    def show_rows(self, rows: list[fig.RuptureRow]) -> None:
        """Show one row per rupture: the first ones now, the rest in the turns that follow."""
        self._rows, self._minimums, self._built = rows, None, 0
        self.setRowCount(0)
        self._fit_columns()  # from the cells' words, so each row is measured once, at its width
        self._build(FIRST_ROWS)
        self.setVisible(bool(rows))
        self._fit_height_to_rows()

    def clear_rows(self) -> None:
        """Hold no rows (the review was left), staying as shown: hiding it would have the next
        session's rows fitted twice, before and after it is shown again."""
        self._rows, self._minimums, self._built = [], None, 0
        self._more.stop()
        self.setRowCount(0)

    @property
    def rows_built(self) -> int:
        """How many of the rows shown are built yet (all of them once the loop has turned)."""
        return self._built

    def _build(self, count: int) -> None:
        """Build the next `count` rows, measured; ask for the rest at the next turn."""
        first, self._built = self._built, min(len(self._rows), self._built + count)
        self.setRowCount(self._built)
        self._fill(first, self._built)
        for r in range(first, self._built):
            self.resizeRowToContents(r)
        if self._built < len(self._rows):
            self._more.start()

    def _build_more(self) -> None:
        self._build(MORE_ROWS)
        self._fit_height_to_rows()

    @staticmethod
    def _cells(row: fig.RuptureRow) -> tuple[str, ...]:
        kind = row.kind + (f"\n{row.markers}" if row.markers else "")
        return (str(row.number), row.start, kind, row.repair, row.strategies or "—",
                row.before_after)

    def _fill(self, first: int, last: int) -> None:
        for r in range(first, last):
            row = self._rows[r]
            cells = self._cells(row)
            if self._compact:
                number, start, kind, repair, strategies, client = cells
                repair = f"Time to repair {repair}" if row.repaired else repair
                cells = (f"#{number} at {start} · {kind}\n{repair}\n"
                         f"Strategies: {strategies}\nClient: {client}",)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(_TOP_LEFT)
                self.setItem(r, c, item)

    def fit_height(self) -> None:
        """As tall as its rows (wrapped text included)."""
        self.resizeRowsToContents()
        self._fit_height_to_rows()

    def _fit_height_to_rows(self) -> None:
        rows = sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(self.horizontalHeader().height() + rows + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # not its own new height
            self._fit_columns()
            self.fit_height()
