"""Coding a session again in playback: pick or name a coder layer, then tap with the live pad
and keys, the playback cursor being the clock; each layer shows as its own lane under the
session plot, and the agreement with the clinician's own record is shown beside them.

The panel records through the live window's own `SessionController`, attached to a
`LayerRecorder` (attune_companion.layers), so every refusal reads as it does live. Widgets here hold
nothing of the session; what changed comes back from the core.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from attune_companion.clock import SystemClock
from attune_companion.errors import AttuneError
from attune_companion.layers import CursorClock, LayerRecorder, coder_state, layers
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion_ui.live.actions import ActionRegistry, session_actions
from attune_companion_ui.live.controller import SessionController
from attune_companion_ui.live.tap_pad import TapPad
from attune_companion_ui.plot.plot_style import PlotStyle
from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.supervision.agreement_panel import AgreementPanel

LANE_HEIGHT = 90
NOT_IN_PLAYBACK = {"pause", "end"}
"""Live actions a layer has no use for: it follows the session's own breaks and end."""


class CodingPanel(QWidget):
    """Signals: `jumpRequested(ms)` (a disagreement was picked), `coded()` after each tap."""

    jumpRequested = Signal(int)
    coded = Signal()

    def __init__(self, store: Store, session_id: int, scheme: Scheme,
                 cursor: Callable[[], int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Code this session as another coder")
        self.store, self.session_id, self.scheme = store, session_id, scheme
        self._cursor = cursor
        self.controller = SessionController(store, scheme, parent=self)
        self.controller.changed.connect(self._committed)
        self.controller.refused.connect(self._say)
        self.pad: TapPad | None = None

        title = QLabel("Code as another coder", self)
        title.setObjectName("section")
        self.chooser = QComboBox(self)
        self.chooser.setEditable(True)
        self.chooser.setAccessibleName("Coder layer: pick one or type a new label")
        self.chooser.lineEdit().setPlaceholderText("e.g. supervisor")
        self.start = QPushButton("Code", self)
        self.start.setAccessibleName("Start coding in this layer")
        self.start.setToolTip("Tap with the pad and its keys; each tap lands at the cursor")
        self.start.clicked.connect(self.begin)
        row = QHBoxLayout()
        row.addWidget(self.chooser, 1)
        row.addWidget(self.start)
        self.status = QLabel(self)
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.agreement = AgreementPanel(self)
        self.agreement.jumpRequested.connect(self.jumpRequested)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(title)
        self._layout.addLayout(row)
        self._layout.addWidget(self.status)
        self._layout.addWidget(self.agreement)
        self._fill_chooser()
        self.agreement.show_session(store, session_id)

    def _fill_chooser(self) -> None:
        current = self.chooser.currentText()
        self.chooser.clear()
        names = [lay.coder for lay in layers(self.store, self.session_id) if not lay.imported]
        self.chooser.addItems(names or ["supervisor"])
        if current:
            self.chooser.setCurrentText(current)

    def begin(self) -> bool:
        """Code into the chosen layer (made the first time its label is used)."""
        coder = self.chooser.currentText()
        clock = CursorClock(self._cursor, SystemClock())
        try:
            recorder = LayerRecorder.open(self.store, self.session_id, coder, clock)
        except AttuneError as exc:
            self._say(str(exc))
            return False
        self.controller.attach(recorder)
        if self.pad is None:
            actions = ActionRegistry(self)
            for action in session_actions(self.scheme, self.controller, self._note, lambda: None):
                if action.name not in NOT_IN_PLAYBACK:
                    actions.add(action)
            self.pad = TapPad(self.scheme, actions, (), self)
            self.pad.set_compact(True)
            self.pad.note_field.hide()
            for label in self.pad.findChildren(QLabel):
                if label.text() == "Back-date":
                    label.hide()  # playback codes at the cursor: seek back instead
            self._layout.insertWidget(3, self.pad)
        self.pad.show_state(recorder.state)
        self._fill_chooser()
        self._say(f"Coding as {recorder.layer.coder}: each tap lands at the cursor.")
        self.coded.emit()
        return True

    @property
    def coder(self) -> str | None:
        recorder = self.controller.recorder
        return recorder.layer.coder if isinstance(recorder, LayerRecorder) else None

    def _note(self, kind: str) -> bool:
        return self.controller.note(kind)

    def _committed(self, change: object) -> None:
        recorder = self.controller.recorder
        if self.pad is not None and recorder is not None:
            self.pad.show_state(recorder.state)
        self.status.clear()
        self.agreement.show_session(self.store, self.session_id, self.coder)
        self.coded.emit()

    def _say(self, text: str) -> None:
        self.status.setText(text)


class LayerLanes(QWidget):
    """One small plot per coder layer, under the session plot and panning with it."""

    def __init__(self, store: Store, session_id: int, scheme: Scheme, style: PlotStyle,
                 main: SessionPlot, duration_ms: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Coder layers, one lane each")
        self.store, self.session_id, self.scheme = store, session_id, scheme
        self._style, self._main, self._duration = style, main, duration_ms
        self.plots: dict[str, SessionPlot] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.refresh()

    def refresh(self) -> None:
        """Draw every layer as the core folds it now (a new layer gets a new lane)."""
        for layer in layers(self.store, self.session_id):
            plot = self.plots.get(layer.coder)
            if plot is None:
                label = QLabel(f"{layer.coder}" + (" (imported)" if layer.imported else ""), self)
                label.setObjectName("hint")
                plot = SessionPlot(self.scheme, self._style, self)
                plot.setAccessibleName(f"Lane of coder {layer.coder}")
                plot.setFixedHeight(LANE_HEIGHT)
                plot.set_window(None)
                plot.link_x(self._main)
                self._layout.addWidget(label)
                self._layout.addWidget(plot)
                self.plots[layer.coder] = plot
            plot.show_state(coder_state(self.store, self.session_id, layer.coder), self._duration)
        self.setVisible(bool(self.plots))

    def set_style(self, style: PlotStyle) -> None:
        self._style = style
        for plot in self.plots.values():
            plot.set_style(style)
