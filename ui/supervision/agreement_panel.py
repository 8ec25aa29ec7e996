"""A compact panel of agreement figures between the clinician's record and a coder layer,
with the largest disagreements listed so a click moves playback there (review shows it too).

The figures come from `attune_companion.agreement.session_agreement`; this widget only lays them out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from attune_companion.agreement import Agreement, agreement_or_note, describe_moment
from attune_companion.store import Store

MOMENT_ROLE = Qt.ItemDataRole.UserRole


class AgreementPanel(QWidget):
    """`jumpRequested(ms)` when a disagreement is picked."""

    jumpRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Agreement with another coder")
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName("Agreement figures")
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.moments = QListWidget(self)
        self.moments.setAccessibleName("Largest disagreements: pick one to go there")
        self.moments.itemActivated.connect(self._jump)
        self.moments.itemClicked.connect(self._jump)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.figures)
        layout.addWidget(self.moments)

    def show_session(self, store: Store, session_id: int, coder: str | None = None) -> None:
        """Figures of the clinician (A) against `coder` (default: the newest layer) (B)."""
        self.show(*agreement_or_note(store, session_id, coder))

    def show(self, ag: Agreement | None, note: str = "") -> None:
        """Lay out `ag`'s figures and largest disagreements; without one, `note` says why."""
        self.moments.clear()
        if ag is None:
            self.figures.setText(note)
            self.moments.hide()
            return
        lines = [f"Clinician (A) and {ag.coder_b} (B)"]
        for name, lane in (("Client", ag.client), ("Self", ag.self_lane)):
            if lane.units:
                kappa = "n/a" if lane.kappa is None else f"{lane.kappa:.2f}"
                lines.append(f"{name}: {100 * (lane.percent or 0):.0f}% agree, κ {kappa} "
                             f"({lane.units} s both noted)")
            else:
                lines.append(f"{name}: no time both noted")
        r = ag.ruptures
        f1 = "n/a" if r.f1 is None else f"{r.f1:.2f}"
        lines.append(f"Ruptures: {r.in_a} A, {r.in_b} B, {r.matched} matched · F1 {f1}")
        self.figures.setText("\n".join(lines))
        for moment in ag.moments:
            item = QListWidgetItem(describe_moment(moment))
            item.setData(MOMENT_ROLE, moment.start_ms)
            self.moments.addItem(item)
        self.moments.setVisible(bool(ag.moments))

    def _jump(self, item: QListWidgetItem) -> None:
        self.jumpRequested.emit(int(item.data(MOMENT_ROLE)))
