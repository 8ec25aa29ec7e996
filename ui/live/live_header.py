"""The live page's header: the session clock, the paused badge and the quiet buttons (the
strip's Blank and Compact, Plot, Pause, End).

The header never holds the window wide. Where every label fits in full (with its key) it shows
them; else the buttons that can step aside do (their keys still work); else the short words
(the keys stay in the tooltips). The paused badge shows only where it fits: the message line
says "Paused" in any case. Pause and Resume are measured alike, so pausing never changes how
the header is laid out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from attune_companion.clock import format_duration
from attune_companion_ui.live.actions import ActionRegistry

SPACING = 6
FULL, ASIDE, SHORT = "full", "aside", "short"


class SessionHeader(QWidget):
    """The clock and buttons above the live page. `quiet_button(text, accessible, checkable)`
    makes a button in the page's quiet style."""

    def __init__(self, actions: ActionRegistry,
                 quiet_button: Callable[..., QPushButton], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._paused = False
        self._mode = FULL
        self._room = 0
        self._now_ms = 0
        self._widths: dict[tuple[int, str], int] = {}
        self.clock_label = QLabel("0:00", self)
        self.clock_label.setObjectName("sessionClock")
        self.clock_label.setAccessibleName("Session time")
        self.paused_badge = QLabel("Paused", self)
        self.paused_badge.setObjectName("pausedBadge")
        self.paused_badge.setAccessibleName("Session paused")
        self.paused_badge.setMinimumWidth(1)  # it steps aside rather than widen the window
        self.paused_badge.hide()
        self.plot_toggle = quiet_button("Plot", "Show or hide the plot", checkable=True)
        self.plot_toggle.setChecked(True)
        self.pause_button = quiet_button("Pause", "Pause or resume the session")
        self.pause_button.setToolTip(actions.tooltip("pause"))
        self.end_button = quiet_button("End session", "End session")
        self.end_button.setToolTip(actions.tooltip("end"))

        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(SPACING)
        self._row.addWidget(self.clock_label)
        self._row.addWidget(self.paused_badge)
        self._row.addStretch(1)
        self._labels: dict[QPushButton, tuple[str, str | None]] = {}
        for button, full, short in ((self.plot_toggle, "Plot", "Plot"),
                                    (self.pause_button, "", ""),
                                    (self.end_button, "End session", "End")):
            self._row.addWidget(button)
            self._labels[button] = (full, short)
        self._apply()

    def add_button(self, button: QPushButton, short: str | None) -> None:
        """Put another view's button before Plot, labelled as it is now. Where the full header
        does not fit it shows `short` instead, or with None it steps aside."""
        self._row.insertWidget(self._row.indexOf(self.plot_toggle), button)
        self._labels[button] = (button.text(), short)
        self.fit(self._room)

    # -- what the page tells it ------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        if paused != self._paused:
            self._paused = paused
            self._apply()

    def set_clock(self, now_ms: int) -> None:
        self._now_ms = now_ms
        text = ("Session " if self._mode == FULL else "") + format_duration(now_ms)
        if self.clock_label.text() != text:
            self.clock_label.setText(text)

    def fit(self, room: int) -> None:
        """Choose the labels for a header `room` pixels wide (run when the width changes)."""
        self._room = room
        self._mode = next((m for m in (FULL, ASIDE) if self._need(m) <= room), SHORT)
        self._apply()

    # -- measuring ---------------------------------------------------------------------------

    def _texts(self, button: QPushButton, mode: str) -> list[str]:
        """The label(s) `button` can show in `mode` (Pause and Resume both, for the pause
        button); [] when it steps aside."""
        if button is self.pause_button:
            key = "  " + self._actions.key_text("pause")
            words = ("Pause", "Resume")
            return [w + key for w in words] if mode == FULL else list(words)
        full, short = self._labels[button]
        if mode == FULL:
            return [full]
        if short is None:
            return []
        return [full] if mode == ASIDE else [short]

    def _need(self, mode: str) -> int:
        clock = self.clock_label.fontMetrics().horizontalAdvance(
            ("Session " if mode == FULL else "") + "0:00:00")
        total = clock
        for button in self._labels:
            texts = self._texts(button, mode)
            if texts:
                total += max(self._width(button, t) for t in texts) + SPACING
        return total

    def _badge_width(self) -> int:
        return self.paused_badge.sizeHint().width() + SPACING

    def _width(self, button: QPushButton, text: str) -> int:
        """`button`'s width with `text` on it (measured once per text and style)."""
        key = (id(button), text)
        if key not in self._widths:
            button.ensurePolished()  # the style sheet's font and padding
            shown = button.text()
            button.setText(text)
            self._widths[key] = button.sizeHint().width()
            button.setText(shown)
        return self._widths[key]

    def _apply(self) -> None:
        """Label every button for the chosen mode and state; show the badge where it fits."""
        for button in self._labels:
            # at least its short label, so a narrow window's layout can always hold it
            narrowest = self._texts(button, SHORT)
            button.setMinimumWidth(max((self._width(button, t) for t in narrowest), default=1))
            texts = self._texts(button, self._mode)
            button.setVisible(bool(texts))
            if texts:
                text = texts[-1 if button is self.pause_button and self._paused else 0]
                if button.text() != text:
                    button.setText(text)
        self.clock_label.setMinimumWidth(
            self.clock_label.fontMetrics().horizontalAdvance("0:00:00"))
        fits = not self._room or self._need(self._mode) + self._badge_width() <= self._room
        self.paused_badge.setVisible(self._paused and fits)
        self.set_clock(self._now_ms)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._widths.clear()  # measured again with the new fonts
        super().changeEvent(event)
