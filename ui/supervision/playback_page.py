"""Supervision playback of a past session: a cursor moving over the whole-session plot.

At the cursor the page shows what the live window showed then: the tap pad's lit states, the
rupture timer's figures and, in the event list, the newest event so far. Everything comes
from `Replay.state_at(cursor)` (the one fold, from a checkpoint), so each frame costs O(log n)
plus at most a checkpoint's worth of events, and the plot is drawn once: a frame only moves
the cursor line. Comments sit in their own layer; a linked recording follows the cursor.

Keys (shown in the tooltips): Space play/pause; Left/Right previous/next event;
Shift+Left/Right previous/next rupture; Ctrl+Left/Right previous/next note; [ and ] speed.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton,
    QScrollArea, QSizePolicy, QSlider, QSplitter, QVBoxLayout, QWidget,
)

from attune_companion.clock import Clock, format_duration
from attune_companion.collector import collector_paused
from attune_companion.replay import Replay
from attune_companion.scheme import session_scheme
from attune_companion.store import Store
from attune_companion_ui.live.rupture_timer import RuptureTimer
from attune_companion_ui.supervision.coding_panel import CodingPanel, LayerLanes
from attune_companion_ui.plot.plot_items import MS_PER_MIN
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.review.tap_list import RowList
from attune_companion_ui.supervision.comments_panel import CommentLayer, CommentsPanel
from attune_companion_ui.supervision.flow_layout import flow_of
from attune_companion_ui.supervision.media_sync import MediaSync
from attune_companion_ui.supervision.playback_controller import SPEEDS, PlaybackController
from attune_companion_ui.supervision.playback_parts import EventListModel, column, plot_with_lanes, read_only_pad

RIGHT_EM = 28
"""The event and comment lists' least width (ems) beside the pad."""
PLOT_MIN_EM = 36
"""The plot's least width (ems) between the pad and the lists: with less room, the plot goes
on top, across the whole width, and the pad and the lists share the space under it."""
STACKED_SLACK_PX = 40
"""Room for the splitter handle and the page margins beside the pad and the lists."""
STACKED_PLOT_PX = 220
"""The plot's least height; a page too short for it and the timer scrolls instead."""
NARROW_PLOT_PX = 300
NARROW_LISTS_PX = 420
"""In a narrow strip the page scrolls: the plot, the pad and the lists keep these heights
(the pad its whole height) instead of squeezing each other."""
KEYS = {  # name: (key, what it does)
    "toggle": ("Space", "Play / pause"),
    "previous_event": ("Left", "Previous event"),
    "next_event": ("Right", "Next event"),
    "previous_rupture": ("Shift+Left", "Previous rupture"),
    "next_rupture": ("Shift+Right", "Next rupture"),
    "previous_note": ("Ctrl+Left", "Previous note"),
    "next_note": ("Ctrl+Right", "Next note"),
    "slower": ("[", "Slower"),
    "faster": ("]", "Faster"),
}


class PlaybackPage(QWidget):
    """One session's playback; build a new page per session (its scheme may differ).

    `back()` when the clinician leaves. `controller` holds cursor, speed and playing.
    """

    back = Signal()

    def __init__(self, store: Store, session_id: int, style: PlotStyle, *,
                 clock: Clock | None = None, tint_minutes: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session playback")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row = store.session(session_id)
        self.session = row
        self.scheme = session_scheme(row.scheme_json, session_id)
        with collector_paused():  # a long session's objects, none in a cycle
            self.replay = Replay(store.events(session_id), self.scheme)
        self.controller = PlaybackController(self.replay, clock, self)
        self._row: int | None = -1

        back = QPushButton("← History", self)
        back.setAccessibleName("Back to the session history")
        back.clicked.connect(self._leave)
        title = QLabel("Playback", self)
        title.setObjectName("pageTitle")
        title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.session_line = QLabel(row.describe(), self)
        self.session_line.setObjectName("hint")
        self.session_line.setAccessibleName("Session played back")
        self.session_line.setWordWrap(True)
        self.position = QLabel(self)
        self.position.setObjectName("sessionClock")
        self.position.setAccessibleName("Playback position")
        header = QHBoxLayout()
        header.addWidget(back)
        header.addWidget(title, 1)

        self.buttons: dict[str, QPushButton] = {}
        transport = flow_of(*(self._button(name, text) for name, text in (
            ("previous_rupture", "◀◀ Rupture"), ("previous_event", "◀ Event"), ("toggle", "Play"),
            ("next_event", "Event ▶"), ("next_rupture", "Rupture ▶▶"),
            ("previous_note", "◀ Note"), ("next_note", "Note ▶"))), spacing=4)
        self.speed_group = QButtonGroup(self)
        speed_buttons: list[QWidget] = [QLabel("Speed", self)]
        for speed in SPEEDS:
            button = QPushButton(f"{speed}×", self)
            button.setCheckable(True)
            button.setProperty("role", "quiet")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(f"Play at {speed} times speed")
            button.setToolTip(f"{speed}× speed\nKeys: [ slower, ] faster")
            self.speed_group.addButton(button, speed)
            speed_buttons.append(button)
        self.speed_group.idClicked.connect(self.controller.set_speed)
        self.status = QLabel(self)
        self.status.setObjectName("hint")
        self.status.setAccessibleName("Playback message")
        self.status.setWordWrap(True)
        self.status.hide()
        speeds = flow_of(*speed_buttons, spacing=4)

        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, max(1, self.replay.duration_ms))
        self.slider.setPageStep(60_000)
        self.slider.setSingleStep(1_000)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows are event jumps here
        self.slider.setAccessibleName("Playback position: drag to scrub")
        self.slider.valueChanged.connect(self.controller.seek)

        self.timer = RuptureTimer(self.scheme, tint_minutes, self)
        self.pad = read_only_pad(self.scheme, self)
        pad_title = QLabel("The pad at the cursor (a read-out)", self)
        pad_title.setObjectName("section")
        self.media = MediaSync(self)
        self.left = QScrollArea(self)
        self.left.setWidget(column(self.timer, pad_title, self.pad, self.media))
        self.left.setWidgetResizable(True)
        self.left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.plot = SessionPlot(self.scheme, style, self)
        self.plot.setAccessibleName("Session plot with the playback cursor")
        self.plot.set_window(None)
        self.plot.set_zoom(wheel=True)  # zooms unless the page scrolls (a narrow strip)
        self.plot.show_state(self.replay.final, self.replay.duration_ms)
        self.plot.clickedAt.connect(self.controller.seek)  # a click moves the cursor there
        self.plot.hold_still()  # drawn once; a frame only moves the cursor line
        self.cursor_line = pg.InfiniteLine(0, angle=90, movable=True,
                                           bounds=(0, self.replay.duration_ms / MS_PER_MIN))
        self.cursor_line.setZValue(50)
        self.cursor_line.sigDragged.connect(
            lambda line: self.controller.seek(round(line.value() * MS_PER_MIN)))
        self.plot.add_overlay(self.cursor_line)
        self.comment_layer = CommentLayer(self.plot, style)
        self.lanes = LayerLanes(store, session_id, self.scheme, style, self.plot,
                                self.replay.duration_ms, self)
        self.plot_area = plot_with_lanes(self.plot, self.lanes)
        self.set_plot_style(style)

        self.event_model = EventListModel(self.replay, self.scheme, self)
        self.events = RowList(self, headings=False)  # reads only the rows on screen
        self.events.setModel(self.event_model)
        self.events.setAccessibleName("Events of the session")
        self.events.clicked.connect(self._go_to_row)
        self.events.activated.connect(self._go_to_row)
        self.comments = CommentsPanel(lambda: self.controller.cursor_ms, self)
        self.comments.changed.connect(lambda: self.comment_layer.show(self.comments.comments))
        self.comments.jumpRequested.connect(self.controller.seek)
        events_title = QLabel("Events · the current one is highlighted", self)
        events_title.setObjectName("section")
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.addWidget(column(events_title, self.events, stretch=False))
        self.right.addWidget(self.comments)
        self.coding = CodingPanel(store, session_id, self.scheme,
                                  lambda: self.controller.cursor_ms, self)
        self.coding.jumpRequested.connect(self.controller.seek)
        self.coding.coded.connect(self.lanes.refresh)
        coding_area = QScrollArea(self)
        coding_area.setWidget(self.coding)
        coding_area.setWidgetResizable(True)
        coding_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.right.addWidget(coding_area)
        self.right.setSizes([300, 200, 400])
        self.right.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * RIGHT_EM)
        self.lower = QSplitter(Qt.Orientation.Horizontal, self)
        self.body = QSplitter(Qt.Orientation.Horizontal, self)
        for splitter in (self.lower, self.body):
            splitter.setChildrenCollapsible(False)
        self._mode: str | None = None
        self._pad_width = self.pad.sizeHint().width()  # the full pad, before any compacting
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.session_line)
        layout.addLayout(transport)
        layout.addLayout(speeds)
        layout.addWidget(self.status)
        where = QHBoxLayout()
        where.addWidget(self.position)
        where.addWidget(self.slider, 1)
        layout.addLayout(where)
        self.body_scroll = QScrollArea(self)  # scrolls only in a narrow strip
        self.body_scroll.setWidget(self.body)
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self.body_scroll, 1)

        for name, (key, _what) in KEYS.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=name: self.run(n))
        self.controller.cursorMoved.connect(self.show_cursor)
        self.controller.playingChanged.connect(self._show_playing)
        self.controller.speedChanged.connect(self._show_speed)
        self.comments.show_session(store, session_id)
        self.media.show_session(store, session_id)
        self._show_speed(self.controller.speed)
        self._show_playing(False)
        self.show_cursor(0)

    def _button(self, name: str, text: str) -> QPushButton:
        key, what = KEYS[name]
        button = QPushButton(text, self)
        button.setProperty("role", "quiet")
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.setAccessibleName(what)
        button.setToolTip(f"{what}\nKey: {key}")
        button.clicked.connect(lambda: self.run(name))
        self.buttons[name] = button
        return button

    # -- layout ------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_layout(self.width())

    def _fit_layout(self, width: int) -> None:
        """Wide: pad, plot and lists side by side, the plot at least PLOT_MIN_EM wide.
        Stacked: the plot over the pad beside the lists. Narrow (a side screen): the plot,
        the compact pad and the lists one under another. Where the room is too short for
        them the page scrolls (and the wheel then scrolls it; Ctrl+wheel zooms the plot)."""
        em = self.fontMetrics().horizontalAdvance("M")
        scrollbar = self.left.verticalScrollBar().sizeHint().width()
        beside = self._pad_width + scrollbar + RIGHT_EM * em + STACKED_SLACK_PX
        if width >= beside + PLOT_MIN_EM * em:
            mode = "wide"
        elif width >= beside:
            mode = "stacked"
        else:
            mode = "narrow"
        if mode == self._mode:
            return
        self._mode = mode
        narrow = mode == "narrow"
        self.pad.set_compact(narrow)
        # the pad never clips; the lists give way (narrow: the page's scrollbar, not its own)
        left = self.pad.sizeHint().width() + (0 if narrow else scrollbar)
        self.left.setMinimumWidth(left)
        self.right.setMinimumWidth(0 if narrow else RIGHT_EM * em)
        self.left.widget().layout().activate()  # the compacted pad's height, now
        column_height = self.left.widget().sizeHint().height()
        self.left.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff if narrow
                                             else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.left.setMinimumHeight(column_height if narrow  # the timer is never cut
                                   else self.timer.sizeHint().height() + 12)
        self.plot.setMinimumHeight(NARROW_PLOT_PX if narrow else STACKED_PLOT_PX)
        self.right.setMinimumHeight(NARROW_LISTS_PX if narrow else 0)
        if mode == "wide":
            for widget in (self.left, self.plot_area, self.right):
                self.body.addWidget(widget)
            self.body.setOrientation(Qt.Orientation.Horizontal)
            self.lower.hide()
            right = self.right.minimumWidth()
            self.body.setSizes([left, max(0, width - left - right), right])
        else:
            self.body.setOrientation(Qt.Orientation.Vertical)
            self.body.addWidget(self.plot_area)
            for widget in (self.left, self.right):
                self.lower.addWidget(widget)
            self.body.addWidget(self.lower)
            self.lower.show()
            if mode == "stacked":
                half = max(STACKED_PLOT_PX, self.body_scroll.viewport().height() // 2)
                self.body.setSizes([half, half])
                self.lower.setOrientation(Qt.Orientation.Horizontal)
                self.lower.setSizes([left, max(0, width - left)])
            else:
                self.lower.setOrientation(Qt.Orientation.Vertical)
                self.body.setSizes([NARROW_PLOT_PX, column_height + NARROW_LISTS_PX])
                self.lower.setSizes([column_height, NARROW_LISTS_PX])
        QTimer.singleShot(0, self, self._scroll_to_current)  # once the new layout is in place

    def fit_width(self, width: int) -> None:
        """Lay the page out for `width` before it is shown, so a narrow window is never
        widened by the wide layout first."""
        self.ensurePolished()  # the style sheet's font sets the em
        self._fit_layout(width)

    def minimumSizeHint(self) -> QSize:
        """The narrow layout's, whichever is shown: a window can narrow to a side strip in
        one step, and the page then stacks itself for it."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        margins = layout.contentsMargins()
        rows = [layout.itemAt(i).minimumSize().width() for i in range(layout.count() - 1)]
        pad = (self.pad.minimumSizeHint().width()
               + self.left.verticalScrollBar().sizeHint().width())
        narrow = max(*rows, pad) + margins.left() + margins.right()
        return QSize(min(hint.width(), narrow), hint.height())

    def _scroll_to_current(self) -> None:
        if self._row is not None and self._row >= 0:
            self.events.scrollTo(self.event_model.index(self._row),
                                 QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- what the keys and buttons do ------------------------------------------------------

    def run(self, name: str) -> None:
        """Run a transport command by name (see KEYS); say so quietly when there is none."""
        found = getattr(self.controller, name)()
        self.status.setText(f"No {name.replace('_', ' ')} from here." if found is False else "")
        self.status.setVisible(found is False)

    def _go_to_row(self, index: QModelIndex) -> None:
        self.controller.seek(self.replay.events[index.row()].offset_ms)

    def _leave(self) -> None:
        self.controller.pause()
        self.back.emit()

    def stop(self) -> None:
        """Stop playing for good and let go of the session (the page is being thrown away).

        PySide keeps a dropped page's Python side alive after Qt has deleted it, until a later
        page takes its place; so the page lets go of the session's events, states and drawing
        itself. (Holding them, a reopened 100,000-event session was held twice.)"""
        self.controller.stop()
        if self.media.available:
            self.media.follow(self.controller.cursor_ms, False, 1)
        empty = Replay([], self.scheme)
        self.replay = self.controller.replay = empty
        held, self.event_model = self.event_model, EventListModel(empty, self.scheme, self)
        self.events.setModel(self.event_model)
        held.deleteLater()
        self.plot.show_state(empty.final, 0)
        self.pad.show_state(empty.final)
        self.timer.show_state(empty.final, 0)

    def set_plot_style(self, style: PlotStyle) -> None:
        self.plot.set_style(style)
        self.lanes.set_style(style)
        self.comment_layer.set_style(style)
        self.cursor_line.setPen(pg.mkPen(style.now_line, width=2.5))
        self.cursor_line.setHoverPen(pg.mkPen(style.foreground, width=4))

    # -- one frame ---------------------------------------------------------------------------

    def show_cursor(self, t_ms: int) -> None:
        """Show the session as it was at `t_ms`: pad, timer, cursor, event row, position."""
        state = self.replay.state_at(t_ms)
        self.pad.show_state(state)
        self.timer.show_state(state, t_ms)
        self.cursor_line.setPos(t_ms / MS_PER_MIN)
        row = self.replay.event_index_at(t_ms)
        if row != self._row:
            self._row = row
            if row is None:
                self.events.clearSelection()
            else:
                index = self.event_model.index(row)
                self.events.setCurrentIndex(index)
                self.events.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        if self.slider.value() != t_ms:
            self.slider.blockSignals(True)
            self.slider.setValue(t_ms)
            self.slider.blockSignals(False)
        self.position.setText(
            f"{format_duration(t_ms)} / {format_duration(self.replay.duration_ms)}")
        self.media.follow(t_ms, self.controller.playing, self.controller.speed)

    def _show_playing(self, playing: bool) -> None:
        self.buttons["toggle"].setText("Pause" if playing else "Play")
        self.media.follow(self.controller.cursor_ms, playing, self.controller.speed)

    def _show_speed(self, speed: int) -> None:
        self.speed_group.button(speed).setChecked(True)

    def current_row(self) -> int | None:
        """The highlighted event's row (None before the first event)."""
        return self._row
