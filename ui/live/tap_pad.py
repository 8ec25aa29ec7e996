"""The tap pad: the ladder of big client buttons, the self lane, rupture and repair, notes and
back-date.

The pad only lays out and shows. Each button runs its action from the registry; what is lit
comes from `show_state(state)`, which the live page calls with the state a committed Change
carried. The note field is ordinary text entry: while it has focus, single keys type into it
(a line edit claims printable keys before window shortcuts see them); Enter records the note
and Esc leaves the field.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QToolButton, QVBoxLayout,
    QWidget,
)

from attune_companion.fold import SessionState
from attune_companion.scheme import Scheme
from attune_companion.text_rules import NOTE
from attune_companion_ui.live.actions import ActionRegistry
from attune_companion_ui.widgets.text_limit import TextLimit

LIT_MARK = "✓ "


class TapButton(QPushButton):
    """A pad button: its label on the left, its key on the right, a check mark when lit.

    Lit is shown three ways besides colour: the check mark, bold text and a full border.
    A button with a `short` label shows it in a narrow strip.
    Lighting is cheap, because every tap lights something: the button is checked (its style
    sheet's `:checked` look is chosen as it paints) and its label takes a look the style
    sheet gave it once, instead of the style sheet being worked out again (1-1.5 ms a button
    in Xvfb).
    """

    def __init__(self, label: str, key: str, role: str, colour: str | None = None,
                 parent: QWidget | None = None, *, short: str | None = None) -> None:
        super().__init__(parent)
        self._label_text = label
        self._short = short
        self._lit = False
        self._compact = False
        self._hint: QSize | None = None
        self._label_looks: dict[bool, tuple[QFont, QPalette]] = {}  # lit → the label's look
        self.setProperty("role", role)
        self.setProperty("lit", False)
        self.setCheckable(True)  # checked = lit; a click runs the action, never toggles
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves keyboard focus alone
        self.label = QLabel(label, self)
        self.label.setObjectName("tapLabel")
        self.key = QLabel(key, self)
        self.key.setObjectName("tapKey")
        row = QHBoxLayout(self)
        em = self.fontMetrics().horizontalAdvance("M")
        self._stripe = em // 2 if colour else 0
        self._set_margins(compact=False)
        row.setSpacing(em // 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.key, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for child in (self.label, self.key):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if colour:
            self.setStyleSheet(_accent_sheet(colour))

    def sizeHint(self) -> QSize:
        """Wide enough for the lit (bold, checked) label, so lighting never shifts the layout.
        Kept until the style, the fonts or the compact form change: every tap that lights a
        state lays the window out again, asking every button."""
        if self._hint is None or not self.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self._hint = self._measure()
        return QSize(self._hint)

    def _measure(self) -> QSize:
        text = LIT_MARK + self._shown_label()
        self.label.ensurePolished()  # its font comes from the style sheet
        bold = QFont(self.label.font())
        bold.setBold(True)
        row = self.layout()
        margins = row.contentsMargins()
        # the bold text as a label measures it, what the label adds around it (its margins
        # do not change when lit, so neither does the width), and the gap before the key
        label = (QFontMetrics(bold).size(Qt.TextFlag.TextSingleLine, text).width()
                 + self.label.width() - self.label.contentsRect().width())
        width = (margins.left() + label + 2 * row.spacing() + self.key.sizeHint().width()
                 + margins.right())
        height = max(super().sizeHint().height(), row.sizeHint().height())
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    @property
    def compactable(self) -> bool:
        """It has a short label for a narrow strip."""
        return self._short is not None

    def set_compact(self, compact: bool) -> None:
        """Show the short label (when it has one), so a narrow strip still names the state,
        with tighter margins."""
        if compact != self._compact:
            self._compact = compact
            self._hint = None
            self._set_margins(compact)
            self._show_label()
            self.updateGeometry()

    def _set_margins(self, compact: bool) -> None:
        em = self.fontMetrics().horizontalAdvance("M")
        left, right = (em // 3, em // 3) if compact else (em * 2 // 3, em // 2)
        self.layout().setContentsMargins(self._stripe + left, 0, right, 0)

    def _shown_label(self) -> str:
        return self._short if self._compact and self._short is not None else self._label_text

    def _show_label(self) -> None:
        self.label.setText((LIT_MARK if self._lit else "") + self._shown_label())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._hint = None  # measured again with the new fonts
            self._label_looks.clear()  # and the label's looks taken again from the new style
        super().changeEvent(event)

    def nextCheckState(self) -> None:
        """A click or Space runs the action; only `set_lit` checks the button."""

    @property
    def lit(self) -> bool:
        return self._lit

    def set_lit(self, lit: bool) -> None:
        """Show (or stop showing) this button as the lane's current state."""
        if lit == self._lit:
            return
        self._lit = lit
        self._show_label()
        self.setProperty("lit", lit)  # what the style sheet's lit label rule reads
        self.setChecked(lit)
        look = self._label_looks.get(lit)
        if look is None:  # the first time in this style: as the style sheet says
            self.label.style().unpolish(self.label)
            self.label.style().polish(self.label)
            self._label_looks[lit] = (self.label.font(), self.label.palette())
        else:
            self.label.setFont(look[0])
            self.label.setPalette(look[1])


def _accent_sheet(colour: str) -> str:
    """A state's colour as a stripe on the left edge, a faint outline, and a full outline when
    lit (the same width either way, so lighting never moves anything)."""
    c = QColor(colour)
    rgb = f"{c.red()}, {c.green()}, {c.blue()}"
    return (
        f"QPushButton {{ border: 2px solid rgba({rgb}, 70);"
        f" border-left: 0.45em solid {colour}; }}"
        f"QPushButton:checked {{ border: 2px solid {colour};"
        f" border-left: 0.45em solid {colour}; background-color: rgba({rgb}, 46); }}"
    )


class _NoteKeys(QObject):
    """Esc leaves the note field (back to tapping); the text stays for later."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and isinstance(watched, QWidget)):
            watched.clearFocus()
            return True
        return False


class TapPad(QWidget):
    """Buttons for every tap of the scheme; `backdateChosen(seconds)` when a back-date button
    is clicked (0: the chosen one was clicked again)."""

    backdateChosen = Signal(int)

    def __init__(self, scheme: Scheme, actions: ActionRegistry, backdate_choices: tuple[int, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Tap pad")
        self._actions = actions
        self.buttons: dict[str, TapButton] = {}
        self._compact = False
        self._compact_width: int | None = None  # the compact form's minimum, once measured
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        ladder = QGridLayout()
        ladder.setHorizontalSpacing(6)
        ladder.setVerticalSpacing(6)
        ladder.addWidget(_section("Client · perceived"), 0, 0)
        ladder.addWidget(_section("Self"), 0, 1)
        for row, s in enumerate(scheme.enabled_states, start=1):
            role = "clientBlend" if s.blend_of else "clientState"
            ladder.addWidget(self._button(f"client:{s.id}", s.label, role, s.colour,
                                          f"Client perceived {s.label}"), row, 0)
            ladder.addWidget(self._button(f"self:{s.id}", s.label, "selfState", s.colour,
                                          f"Self {s.label}", short=s.short_label), row, 1)
        ladder.setColumnStretch(0, 3)
        ladder.setColumnStretch(1, 1)
        layout.addLayout(ladder)

        layout.addSpacing(4)
        self._notes_heading = _section("Notes")
        self._headings = [_section("Rupture and repair"), self._notes_heading]
        layout.addWidget(self._headings[0])
        layout.addWidget(self._button("rupture", scheme.rupture_label, "rupture",
                                      scheme.rupture_colour, scheme.rupture_label))
        types = QHBoxLayout()
        types.setSpacing(6)
        for t in scheme.rupture_types:
            types.addWidget(self._button(f"rupture:{t.id}", t.label, "ruptureType", None,
                                         f"{scheme.rupture_label}: {t.label}"))
        layout.addLayout(types)
        repair_row = QHBoxLayout()
        repair_row.setSpacing(6)
        repair_row.addWidget(self._button("repair_attempt", scheme.attempt_label, "repairAttempt",
                                          None, scheme.attempt_label))
        repair_row.addWidget(self._button("repair", scheme.repair_label, "repair",
                                          scheme.repair_colour, scheme.repair_label))
        layout.addLayout(repair_row)

        layout.addSpacing(4)
        layout.addWidget(self._notes_heading)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        for n in scheme.notes:
            chips.addWidget(self._button(f"note:{n.id}", n.label, "noteChip", None, n.label))
        layout.addLayout(chips)
        self.note_field = QLineEdit(self)
        self.note_field.setObjectName("noteField")
        self.note_limit = TextLimit(self.note_field, NOTE)
        self.note_field.setClearButtonEnabled(True)
        for clear in self.note_field.findChildren(QToolButton):
            clear.setAccessibleName("Clear the note text")
        self.note_field.setAccessibleName("Note text")
        self.note_field.setAccessibleDescription(
            "Type a short note; Enter records it, Esc goes back to tapping. "
            "Glimmer or Trigger with text here records the text with it."
        )
        self.note_field.setPlaceholderText("Note… (Enter records)")
        if "note:note" in actions:
            self.note_field.returnPressed.connect(lambda: actions.trigger("note:note"))
        self._note_keys = _NoteKeys(self)
        self.note_field.installEventFilter(self._note_keys)
        layout.addWidget(self.note_field)

        layout.addSpacing(4)
        back = QHBoxLayout()
        back.setSpacing(6)
        back_label = QLabel("Back-date", self)
        back_label.setObjectName("section")
        back.addWidget(back_label)
        self.backdate_buttons: dict[int, QPushButton] = {}
        for seconds in backdate_choices:
            button = QPushButton(f"−{seconds} s", self)
            button.setCheckable(True)
            button.setProperty("role", "backdate")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(f"Back-date the next tap by {seconds} seconds")
            button.setToolTip(f"The next tap is placed {seconds} s earlier, then this resets.")
            button.clicked.connect(lambda _=False, s=seconds: self._choose_backdate(s))
            back.addWidget(button)
            self.backdate_buttons[seconds] = button
        back.addStretch(1)
        layout.addLayout(back)
        layout.addStretch(1)  # a tall window leaves its room below the pad, not between rows

    def _button(self, name: str, label: str, role: str, colour: str | None,
                accessible: str, short: str | None = None) -> TapButton:
        button = TapButton(label, self._actions.key_text(name), role, colour, self,
                           short=short)
        button.setToolTip(self._actions.tooltip(name))
        button.setAccessibleName(accessible)
        button.setAccessibleDescription(self._actions.tooltip(name))
        button.clicked.connect(lambda: self._actions.trigger(name))
        self.buttons[name] = button
        return button

    def _choose_backdate(self, seconds: int) -> None:
        chosen = self.backdate_buttons[seconds].isChecked()
        self.backdateChosen.emit(seconds if chosen else 0)

    # -- showing -----------------------------------------------------------------------------

    def show_state(self, state: SessionState) -> None:
        """Light each lane's current state and the rupture (and its type) while one is open."""
        lit: set[str] = set()
        for lane in ("client", "self"):
            current = state.current(lane)
            if current is not None and not state.ended:
                lit.add(f"{lane}:{current}")
        episode = state.open_episode
        if episode is not None and not state.ended:
            lit.add("rupture")
            if episode.rupture_type:
                lit.add(f"rupture:{episode.rupture_type}")
        for name, button in self.buttons.items():
            button.set_lit(name in lit)

    def show_backdate(self, seconds: int) -> None:
        """Check the back-date button for `seconds` (none for 0)."""
        for value, button in self.backdate_buttons.items():
            button.setChecked(value == seconds)

    def hide_notes(self) -> None:
        """Drop the notes section (its heading, chips and field) for good: a read-out pad
        lights states, and notes are never lit. Its heading stays hidden in either form."""
        if self._notes_heading in self._headings:
            self._headings.remove(self._notes_heading)
        self._notes_heading.hide()
        self.note_field.hide()
        for name, button in self.buttons.items():
            if name.startswith("note:"):
                button.hide()

    def set_compact(self, compact: bool) -> None:
        """In a narrow strip the self lane shows its short labels, and the headings the
        buttons speak for themselves under ("Rupture and repair", "Notes") step aside."""
        self._compact = compact
        for button in self.buttons.values():
            if button.compactable:
                button.set_compact(compact)
        for heading in self._headings:
            heading.setVisible(not compact)
        self.layout().activate()  # the nested rows' sizes now, not at the next event

    def minimumSizeHint(self) -> QSize:
        """The compact form's, whichever is shown: a window can narrow to a strip in one
        step (maximised on a narrow side screen, say), and the page then compacts the pad."""
        hint = super().minimumSizeHint()
        if self._compact:
            return hint
        if self._compact_width is None:
            self.set_compact(True)
            self._compact_width = super().minimumSizeHint().width()
            self.set_compact(False)
        return QSize(self._compact_width, hint.height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._compact_width = None  # measured again with the new fonts
        super().changeEvent(event)

    def lit_names(self) -> list[str]:
        """The actions shown lit now (for tests and accessibility checks)."""
        return [name for name, button in self.buttons.items() if button.lit]


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("section")
    return label
