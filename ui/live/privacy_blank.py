"""The privacy blank: one key hides every client detail and the plot behind a neutral panel.

For a screen shared by accident: the panel shows only "Attune" and the session time. The
content underneath is hidden too (not just covered), so neither a screen grab nor a screen
reader finds it. Recording carries on: keys and global hotkeys still reach the controller.
Its Show button sits where the Blank button was, so a second click in the same place undoes
the first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from attune_companion.clock import format_duration


class PrivacyBlank(QWidget):
    """A neutral panel laid over `host`, hiding `content` while shown.

    `reveal_hint` is the key that brings the content back (shown small on the panel); the
    button that says so is laid over `anchor` (the Blank button), else at the bottom right."""

    def __init__(self, host: QWidget, content: list[QWidget], reveal_hint: str = "",
                 anchor: QWidget | None = None) -> None:
        super().__init__(host)
        self._anchor = anchor
        self.setObjectName("privacyBlank")
        self.setAccessibleName("Privacy blank")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAutoFillBackground(True)
        self._host = host
        self._content = content
        self.title = QLabel("Attune", self)
        self.title.setObjectName("blankTitle")
        self.time = QLabel("", self)
        self.time.setObjectName("blankTime")
        self.time.setAccessibleName("Session time")
        self.reveal_button = QPushButton("Show" + (f"  {reveal_hint}" if reveal_hint else ""),
                                         self)
        self.reveal_button.setProperty("role", "quiet")
        self.reveal_button.setAccessibleName("Show the session again")
        self.reveal_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (self.title, self.time):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addStretch(3)
        if anchor is None:
            layout.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignRight)
        self.setStyleSheet(
            "#privacyBlank { background-color: palette(window); }"
            "#blankTitle { font-size: 18pt; color: palette(placeholder-text); }"
            "#blankTime { font-size: 13pt; color: palette(placeholder-text); }"
        )
        self._hidden: list[QWidget] = []
        host.installEventFilter(self)
        if anchor is not None:
            anchor.installEventFilter(self)  # it moves when its row is laid out again
        self.hide()

    @property
    def blanked(self) -> bool:
        return not self.isHidden()

    def set_blanked(self, blanked: bool) -> None:
        """Hide the content behind the panel, or bring it back exactly as it was."""
        if blanked == self.blanked:
            return
        if blanked:
            self._hidden = [w for w in self._content if not w.isHidden()]
            for widget in self._hidden:
                widget.hide()
            self.setGeometry(self._host.rect())
            self._place_reveal()
            self.show()
            self.raise_()
        else:
            self.hide()
            for widget in self._hidden:
                widget.show()
            self._hidden = []

    def tick(self, now_ms: int) -> None:
        """The session time on the panel (the only thing it shows besides the name)."""
        text = format_duration(now_ms)
        if self.time.text() != text:
            self.time.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.blanked:
            return False
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
            self._place_reveal()
        elif watched is self._anchor and event.type() in (QEvent.Type.Move,
                                                           QEvent.Type.Resize):
            self._place_reveal()
        return False

    def _place_reveal(self) -> None:
        """Show over the anchor: the same top and right edge, at least as large."""
        anchor = self._anchor
        if anchor is None:
            return
        spot = QRect(anchor.mapTo(self._host, QPoint(0, 0)), anchor.size())
        hint = self.reveal_button.sizeHint()
        width = max(hint.width(), spot.width())
        left = max(0, min(spot.right() + 1 - width, self._host.width() - width))
        self.reveal_button.setGeometry(left, spot.top(), width, max(hint.height(), spot.height()))
