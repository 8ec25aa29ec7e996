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
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton,
    QScrollArea, QSizePolicy, QSlider, QSplitter, QVBoxLayout, QWidget,
)

from attune_companion.clock import Clock, format_duration
from attune_companion.collector import collector_paused
from attune_companion.replay import Replay
from attune_companion.scheme import Scheme, session_scheme
from attune_companion.store import SessionRow, Store
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
from attune_companion_ui.supervision.playback_layout import RIGHT_EM, PlaybackLayout
from attune_companion_ui.supervision.playback_parts import EventListModel, column, plot_with_lanes, read_only_pad

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


class PlaybackPage(PlaybackLayout):
    """A past session's playback. Built once and kept: `show_session(id)` plays another
    session (building the page was most of a short session's open), `let_go()` when it is
    left holds nothing of the session shown. The pad, the timer and the plot follow the
    session's scheme: they are built again only when a session's scheme differs.

    `back()` when the clinician leaves. `controller` holds cursor, speed and playing.
    """

    back = Signal()

    def __init__(self, store: Store, session_id: int, style: PlotStyle, *,
                 clock: Clock | None = None, tint_minutes: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Session playback")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._store, self._style, self._tint_minutes = store, style, tint_minutes
        row, scheme, replay = self._read(session_id)
        self.session, self.scheme, self.replay = row, scheme, replay
        self.controller = PlaybackController(replay, clock, self)
        self._row: int | None = -1
        self.lanes: LayerLanes | None = None
        self.coding: CodingPanel | None = None

        back = QPushButton("← History", self)
        back.setAccessibleName("Back to the session history")
        back.clicked.connect(self._leave)
        title = QLabel("Playback", self)
        title.setObjectName("pageTitle")
        title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.session_line = QLabel(self)
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
        self.slider.setPageStep(60_000)
        self.slider.setSingleStep(1_000)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows are event jumps here
        self.slider.setAccessibleName("Playback position: drag to scrub")
        self.slider.valueChanged.connect(self.controller.seek)

        self._build_for_scheme(scheme)
        pad_title = QLabel("The pad at the cursor (a read-out)", self)
        pad_title.setObjectName("section")
        self.media = MediaSync(self)
        self.left = QScrollArea(self)
        self.left.setWidget(column(self.timer, pad_title, self.pad, self.media))
        self.left.setWidgetResizable(True)
        self.left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plot_area = plot_with_lanes(self.plot)

        self.event_model = EventListModel(replay, scheme, self)
        self.events = RowList(self, headings=False)  # reads only the rows on screen
        self.events.setModel(self.event_model)
        self.events.setAccessibleName("Events of the session")
        self.events.clicked.connect(self._go_to_row)
        self.events.activated.connect(self._go_to_row)
        self.comments = CommentsPanel(lambda: self.controller.cursor_ms, self)
        self.comments.changed.connect(self._show_comments)
        self.comments.jumpRequested.connect(self.controller.seek)
        events_title = QLabel("Events · the current one is highlighted", self)
        events_title.setObjectName("section")
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.addWidget(column(events_title, self.events, stretch=False))
        self.right.addWidget(self.comments)
        self.coding_area = QScrollArea(self)
        self.coding_area.setWidgetResizable(True)
        self.coding_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.right.addWidget(self.coding_area)
        self.right.setSizes([300, 200, 400])
        self.right.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * RIGHT_EM)
        self.lower = QSplitter(Qt.Orientation.Horizontal, self)
        self.body = QSplitter(Qt.Orientation.Horizontal, self)
        for splitter in (self.lower, self.body):
            splitter.setChildrenCollapsible(False)
        self._mode: str | None = None
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
        self._show(row, scheme, replay)

    # -- the session shown -------------------------------------------------------------------

    def show_session(self, session_id: int, *, style: PlotStyle | None = None,
                     tint_minutes: int | None = None) -> None:
        """Play session `session_id` back from its start on this page, in `style` and with
        the timer's tint after `tint_minutes` when given (raises AttuneError, or ValueError
        for a log that does not fold, before anything shown changes)."""
        row, scheme, replay = self._read(session_id)
        if tint_minutes is not None:
            self._tint_minutes = tint_minutes
        if style is not None and style != self._style:
            self._style = style
            self.set_plot_style(style)
        if scheme.raw != self.scheme.raw:
            self._build_for_scheme(scheme)
        self._show(row, scheme, replay)

    def _read(self, session_id: int) -> tuple[SessionRow, Scheme, Replay]:
        row = self._store.session(session_id)
        scheme = session_scheme(row.scheme_json, session_id)
        with collector_paused():  # a long session's objects, none in a cycle
            replay = Replay(self._store.events(session_id), scheme)
        return row, scheme, replay

    def _show(self, row: SessionRow, scheme: Scheme, replay: Replay) -> None:
        self.session, self.scheme, self.replay = row, scheme, replay
        self.controller.load(replay)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(1, replay.duration_ms))
        self.slider.blockSignals(False)
        self.session_line.setText(row.describe())
        self.status.hide()
        self.timer.set_tint_minutes(self._tint_minutes)
        self.plot.show_state(replay.final, replay.duration_ms)
        self.plot.set_window(None)  # each session opens at its full extent, not as zoomed
        self.cursor_line.setBounds((0, replay.duration_ms / MS_PER_MIN))
        self.event_model.show(replay, scheme)
        self._drop_session_parts()
        self.lanes = LayerLanes(self._store, row.id, scheme, self._style, self.plot,
                                replay.duration_ms, self)
        self.plot_area.layout().addWidget(self.lanes)
        self.coding = CodingPanel(self._store, row.id, scheme,
                                  lambda: self.controller.cursor_ms, self)
        self.coding.jumpRequested.connect(self.controller.seek)
        self.coding.coded.connect(self.lanes.refresh)
        self.coding_area.setWidget(self.coding)
        self.comments.show_session(self._store, row.id)
        self.media.show_session(self._store, row.id)
        self._row = -1
        self._show_speed(self.controller.speed)
        self._show_playing(False)
        self.show_cursor(0)

    def _build_for_scheme(self, scheme: Scheme) -> None:
        """The parts drawn from the scheme: the rupture timer, the read-out pad and the plot
        with its cursor and comment layer; those of another scheme are replaced."""
        old = [getattr(self, name, None) for name in ("timer", "pad", "plot")]
        self.timer = RuptureTimer(scheme, self._tint_minutes, self)
        self.pad = read_only_pad(scheme, self)
        self._pad_width = self.pad.sizeHint().width()  # the full pad, before any compacting
        self.plot = SessionPlot(scheme, self._style, self)
        self.plot.setAccessibleName("Session plot with the playback cursor")
        self.plot.set_zoom(wheel=True)  # zooms unless the page scrolls (a narrow strip)
        self.plot.clickedAt.connect(self.controller.seek)  # a click moves the cursor there
        self.plot.hold_still()  # drawn once; a frame only moves the cursor line
        self.cursor_line = pg.InfiniteLine(0, angle=90, movable=True)
        self.cursor_line.setZValue(50)
        self.cursor_line.sigDragged.connect(
            lambda line: self.controller.seek(round(line.value() * MS_PER_MIN)))
        self.plot.add_overlay(self.cursor_line)
        self.comment_layer = CommentLayer(self.plot, self._style)
        self.set_plot_style(self._style)
        if old[0] is None:
            return  # the first scheme: __init__ lays them out
        self._drop_session_parts()  # their lanes follow the old plot
        for was, now in zip(old, (self.timer, self.pad, self.plot)):
            was.parentWidget().layout().replaceWidget(was, now)
            was.deleteLater()
        self._mode = None  # the new pad's width decides the layout again
        self._fit_layout(self.width())

    def _drop_session_parts(self) -> None:
        """Throw away the coder lanes and the coding panel (both of one session)."""
        if self.lanes is not None:
            self.lanes.deleteLater()
            self.lanes.setParent(None)
        if self.coding is not None:
            self.coding_area.takeWidget()
            self.coding.deleteLater()
        self.lanes = self.coding = None

    def _show_comments(self) -> None:
        self.comment_layer.show(self.comments.comments)

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

    def let_go(self) -> None:
        """Stop playing and let go of the session shown (the page was left): it stays built
        for the next session but holds nothing of this one (its events, states, drawing,
        comments and coder layers)."""
        self.controller.pause()
        if self.media.available:
            self.media.follow(self.controller.cursor_ms, False, 1)
        empty = Replay([], self.scheme)
        self.replay = empty
        self.controller.load(empty)
        self.event_model.show(empty, self.scheme)
        self.plot.show_state(empty.final, 0)
        self.pad.show_state(empty.final)
        self.timer.show_state(empty.final, 0)
        self.comments.let_go()
        self._drop_session_parts()

    def set_plot_style(self, style: PlotStyle) -> None:
        self._style = style
        self.plot.set_style(style)
        if self.lanes is not None:
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
