"""The start page: pick or type a client code, optionally a session number and modality, start.

Also offers any session a crash left open (resume it, or close it keeping every tap), shows a
coding-scheme problem or an unusable database calmly in place (with Quit, and a backup when
one is offered), and holds the two appearance preferences. It asks nothing modal and reads
nothing itself: the window fills it in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout, QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox,
    QStyle, QVBoxLayout, QWidget,
)

from attune_companion import clients
from attune_companion.errors import InvalidClientCode
from attune_companion.store import SessionRow
from attune_companion_ui.shell.past_sessions import PastSessions

MODALITIES = (("Not set", None), ("Telehealth", "telehealth"), ("In person", "in person"))
TINT_CHOICES = (0, 5, 8, 10, 15, 20)
PAGE_WIDTH_EM = 40
COLUMN_MARGIN = 16


class StartPage(QWidget):
    """Signals: startRequested(code, number | None, modality | None), resumeRequested(id),
    closeRequested(id), themeChosen('dark' | 'light'), tintChosen(minutes), restoreRequested
    (the backup offered), quitRequested (from an unusable database)."""

    startRequested = Signal(str, object, object)
    resumeRequested = Signal(int)
    closeRequested = Signal(int)
    historyRequested = Signal()
    themeChosen = Signal(str)
    tintChosen = Signal(int)
    settingsRequested = Signal()
    aboutRequested = Signal()
    restoreRequested = Signal()
    quitRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Start a session")
        column = QWidget()
        column.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * PAGE_WIDTH_EM)
        body = QVBoxLayout(column)
        body.setContentsMargins(COLUMN_MARGIN, 16, COLUMN_MARGIN, 16)
        body.setSpacing(10)

        title = QLabel("Attune", column)
        title.setObjectName("pageTitle")
        subtitle = QLabel("A quiet companion for the hour. Start a session when you are ready.")
        subtitle.setObjectName("hint")
        subtitle.setWordWrap(True)
        body.addWidget(title)
        body.addWidget(subtitle)

        self.problem = _panel("problem", "Database problem")
        self.quit_button = QPushButton("Quit Attune", self.problem)
        self.quit_button.setAccessibleName("Quit Attune, leaving the database as it is")
        self.quit_button.clicked.connect(self.quitRequested)
        self.problem.layout().addWidget(self.quit_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.restore_offer = _panel("notice", "Backup offer")
        self.restore_button = QPushButton("Restore this backup", self.restore_offer)
        self.restore_button.setAccessibleName("Restore this backup")
        self.restore_button.clicked.connect(self.restoreRequested)
        self.restore_offer.layout().addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.notices = _panel("notice", "Notices")
        body.addWidget(self.problem)
        body.addWidget(self.restore_offer)
        body.addWidget(self.notices)
        self.interrupted = QVBoxLayout()
        self.interrupted.setSpacing(8)
        body.addLayout(self.interrupted)

        self.code = QComboBox(column)
        self.code.setEditable(True)
        self.code.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.code.setAccessibleName("Client code")
        self.code.setToolTip("A pseudonym such as 'K-07', never a name. Recent codes are listed.")
        self.code.lineEdit().setPlaceholderText("e.g. K-07")
        self.code.lineEdit().setMaxLength(clients.MAX_LEN + 8)
        self.code.lineEdit().textChanged.connect(self._check_code)
        self.code.lineEdit().returnPressed.connect(self._start)
        self.code_warning = _message("warning", "Client code warning")
        self.number = QSpinBox(column)
        self.number.setRange(0, 100_000)
        self.number.setSpecialValueText("not set")
        self.number.setAccessibleName("Session number (optional)")
        self.modality = QComboBox(column)
        for text, _value in MODALITIES:
            self.modality.addItem(text)
        self.modality.setAccessibleName("Modality (optional)")
        self._enter_starts = _EnterStarts(self._start, self)
        for field in (self.number, self.modality):  # Enter starts from any field of the form
            field.installEventFilter(self._enter_starts)

        form = QVBoxLayout()
        form.setSpacing(4)
        _field(form, "Client code", self.code)
        form.addWidget(self.code_warning)
        details = QHBoxLayout()
        details.setSpacing(12)
        for text, field in (("Session number", self.number), ("Modality", self.modality)):
            box = QVBoxLayout()
            box.setSpacing(4)
            _field(box, text, field)
            details.addLayout(box, 1)
        form.addSpacing(6)
        form.addLayout(details)
        self._pairs = [details]  # side by side where they fit, else one above the other
        body.addLayout(form)

        self.error = _message("error", "Start problem")
        body.addWidget(self.error)
        self.start_button = QPushButton("Start session", column)
        self.start_button.setObjectName("primary")
        self.start_button.setAccessibleName("Start session")
        self.start_button.clicked.connect(self._start)
        body.addWidget(self.start_button)
        self.history_button = QPushButton("Session history", column)
        self.history_button.setAccessibleName("Session history, trends and playback")
        self.history_button.setToolTip("Past sessions: play back, trends, supervision bundles")
        self.history_button.clicked.connect(self.historyRequested.emit)
        body.addWidget(self.history_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.message = _message("hint", "Message")
        body.addWidget(self.message)
        self.past_sessions = PastSessions(column)
        body.addWidget(self.past_sessions)

        body.addSpacing(12)
        self.theme = QComboBox(column)
        self.theme.addItem("Dark (low glare)", "dark")
        self.theme.addItem("Light", "light")
        self.theme.setAccessibleName("Appearance")
        self.theme.activated.connect(lambda i: self.themeChosen.emit(self.theme.itemData(i)))
        self.tint = QComboBox(column)
        for minutes in TINT_CHOICES:
            self.tint.addItem(f"after {minutes} min open" if minutes else "Off", minutes)
        self.tint.setAccessibleName("Soft tint on the rupture timer")
        self.tint.setToolTip("Tint the rupture timer softly once a rupture has been open this "
                             "long. Off by default.")
        self.tint.activated.connect(lambda i: self.tintChosen.emit(self.tint.itemData(i)))
        prefs = QHBoxLayout()
        prefs.setSpacing(12)
        for text, field in (("Appearance", self.theme), ("Rupture timer tint", self.tint)):
            box = QVBoxLayout()
            box.setSpacing(4)
            _field(box, text, field)
            prefs.addLayout(box, 1)
        body.addLayout(prefs)
        self._pairs.append(prefs)
        self.settings_button = QPushButton("Settings…", column)
        self.settings_button.setAccessibleName("Settings")
        self.settings_button.setToolTip("Theme, keys, global keys, the compact strip and the "
                                        "coding scheme")
        self.settings_button.clicked.connect(self.settingsRequested.emit)
        self.about_button = QPushButton("About…", column)
        self.about_button.setAccessibleName("About Attune")
        self.about_button.setToolTip("The version, where your data, settings and log are kept, "
                                     "and the details to copy into a problem report")
        self.about_button.clicked.connect(self.aboutRequested.emit)
        more = QHBoxLayout()
        more.setSpacing(12)
        more.addWidget(self.settings_button)
        more.addWidget(self.about_button)
        more.addStretch(1)
        body.addLayout(more)
        body.addStretch(2)

        centre = QWidget()
        row = QHBoxLayout(centre)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(centre)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.insertStretch(0, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """Two fields side by side only where both fit (a 360-pixel window stacks them)."""
        super().resizeEvent(event)
        room = event.size().width() - 2 * COLUMN_MARGIN - self.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent)
        for pair in self._pairs:
            boxes = [pair.itemAt(i).layout() for i in range(pair.count())]
            need = sum(box.minimumSize().width() for box in boxes) + pair.spacing()
            direction = (QBoxLayout.Direction.LeftToRight if need <= room
                         else QBoxLayout.Direction.TopToBottom)
            if pair.direction() != direction:
                pair.setDirection(direction)

    # -- filled in by the window -------------------------------------------------------------

    def set_recent_codes(self, codes: list[str]) -> None:
        text = self.code.currentText()
        self.code.clear()
        self.code.addItems(codes)
        self.code.setEditText(text)

    def set_interrupted(self, sessions: list[SessionRow]) -> None:
        """One calm banner per session a crash left open, with Resume and Close."""
        while self.interrupted.count():
            item = self.interrupted.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for row in sessions:
            self.interrupted.addWidget(self._banner(row))

    def banners(self) -> list[QFrame]:
        """The interrupted-session banners shown now."""
        items = (self.interrupted.itemAt(i) for i in range(self.interrupted.count()))
        return [item.widget() for item in items if isinstance(item.widget(), QFrame)]

    def set_notices(self, notices: list[str]) -> None:
        _fill(self.notices, "\n\n".join(notices))

    def set_problem(self, text: str | None) -> None:
        """The database cannot be used: say so in place and keep the form from starting."""
        _fill(self.problem, f"Attune cannot record right now. {text}" if text else "")
        for widget in (self.code, self.number, self.modality, self.start_button,
                       self.history_button):
            widget.setEnabled(not text)

    def set_restore_offer(self, text: str | None) -> None:
        """Offer to put a backup in place of the database, `text` saying which and why (None:
        no offer). The button emits `restoreRequested`."""
        _fill(self.restore_offer, text or "")

    def set_preferences(self, theme: str, tint_minutes: int) -> None:
        self.theme.setCurrentIndex(max(0, self.theme.findData(theme)))
        index = self.tint.findData(tint_minutes)
        if index < 0:
            self.tint.addItem(f"after {tint_minutes} min open", tint_minutes)
            index = self.tint.count() - 1
        self.tint.setCurrentIndex(index)

    def show_error(self, text: str) -> None:
        _say(self.error, text)

    def show_message(self, text: str) -> None:
        _say(self.message, text)

    def reset(self) -> None:
        """Ready for the next session: empty form, no messages."""
        self.code.setEditText("")
        self.number.setValue(0)
        self.modality.setCurrentIndex(0)
        _say(self.error, "")
        _say(self.message, "")

    # -- internals ---------------------------------------------------------------------------

    def _check_code(self, text: str) -> None:
        warning = clients.name_warning(text)
        problem = ""
        if text.strip():
            try:
                clients.normalise(text)
            except InvalidClientCode as exc:
                problem = str(exc)
        _say(self.code_warning, problem or warning or "")
        _say(self.error, "")

    def _start(self) -> None:
        number = self.number.value() or None
        modality = MODALITIES[self.modality.currentIndex()][1]
        _say(self.message, "")
        self.startRequested.emit(self.code.currentText(), number, modality)

    def _banner(self, row: SessionRow) -> QFrame:
        banner = QFrame(self)
        banner.setObjectName("banner")
        banner.setAccessibleName("Interrupted session")
        layout = QVBoxLayout(banner)
        number = f" · session {row.number}" if row.number else ""
        text = QLabel(
            f"A session was interrupted: {row.client_code}{number}, started "
            f"{row.local_start()}. Every tap saved before it stopped is kept.",
            banner,
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        buttons = QHBoxLayout()
        resume = QPushButton("Resume it", banner)
        resume.setObjectName("resume")
        resume.setAccessibleName(f"Resume the interrupted session {row.id}")
        resume.setToolTip("Carry on recording; the time it was stopped counts as a pause.")
        resume.clicked.connect(lambda: self.resumeRequested.emit(row.id))
        close = QPushButton("Close it", banner)
        close.setObjectName("close")
        close.setAccessibleName(f"Close the interrupted session {row.id}")
        close.setToolTip("End it where it stopped; an open rupture is kept as unrepaired.")
        close.clicked.connect(lambda: self.closeRequested.emit(row.id))
        buttons.addWidget(resume)
        buttons.addWidget(close)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        return banner


class _EnterStarts(QObject):
    """Enter or Return in a field that does not take it itself starts the session (a
    modality list's open popup keeps its Enter, to choose)."""

    def __init__(self, start: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._start = start

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not (isinstance(watched, QComboBox) and watched.view().isVisible())):
            self._start()
            return True
        return False


def _panel(name: str, accessible: str) -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setAccessibleName(accessible)
    label = QLabel(frame)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    layout = QVBoxLayout(frame)
    layout.addWidget(label)
    frame.hide()
    return frame


def _fill(panel: QFrame, text: str) -> None:
    label = panel.findChild(QLabel)
    label.setText(text)
    panel.setVisible(bool(text))


def _message(name: str, accessible: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    label.hide()
    return label


def _say(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def _field(layout: QVBoxLayout, text: str, field: QWidget) -> None:
    """A field with its label above it (reads well at any width)."""
    label = QLabel(text)
    label.setObjectName("fieldLabel")
    label.setBuddy(field)
    layout.addWidget(label)
    layout.addWidget(field)

