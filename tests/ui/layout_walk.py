"""A check that sees what a person sees: text cut off, widgets outside their window, windows
larger than their screen.

As a module, `problems(window, area)` lists what is wrong with a shown window on a screen
whose available area is `area`:
- text wider than its widget (labels, buttons, check boxes, list boxes, table headings, tabs,
  a field's placeholder), a word-wrapped label with more lines than room, and text cut with
  an ellipsis (unless the widget says it elides on purpose: property "elides", the whole
  text in its tooltip);
- a widget sticking out of its parent (content a scroll area scrolls to is fine, but not
  sideways where it never scrolls sideways), and a plot laid out larger than its canvas
  (its time axis out of sight);
- the window past the screen's edge.

As a script (`python tests/ui/layout_walk.py OUT.json`, with the offscreen platform's
screens from `screen_config`), it walks every page and dialog in each state on every screen,
as a clinician would reach them, and writes {"screen/case": [problem, ...]}. The window
fills its screen below a title bar's allowance, as a maximised window does.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractScrollArea, QApplication, QCheckBox, QComboBox, QHeaderView,
    QLabel, QLineEdit, QPushButton, QRadioButton, QStyle, QStyleOptionComboBox,
    QStyleOptionFrame, QTabBar, QWidget,
)

# Screens as (width, height) in logical pixels. A scale factor of 2 is the same screen at
# half its size (Qt lays out in logical pixels; fonts are in points).
SCREENS: dict[str, tuple[int, int]] = {
    "side-360x900": (360, 900),
    "laptop-1280x720": (1280, 720),
    "desktop-1920x1080": (1920, 1080),
    "scale2-1600x1000": (800, 500),
    "scale2-720x900": (360, 450),
    "scale2-1920x1080": (960, 540),
}
CASES = (
    "start", "live", "live-rupture-open", "live-paused", "live-blank", "live-long-note",
    "live-held-taps", "live-end-question", "live-repaired", "strip", "strip-paused",
    "strip-blank", "review", "history", "trends", "playback", "settings",
)
SLACK = 1  # pixels of rounding allowed


# -- the checks ------------------------------------------------------------------------------

def problems(window: QWidget, area: QRect) -> list[str]:
    """What a person would see wrong in `window` (shown) on a screen with `area` free."""
    found = []
    if not area.contains(window.geometry()):
        found.append(f"the window {_rect(window.geometry())} goes past the screen "
                     f"{_rect(area)}")
    for widget in window.findChildren(QWidget):
        if (widget.isWindow() or not widget.isVisible() or widget.window() is not window
                or _collapsed(widget, window)):
            continue
        found += [f"{_name(widget)}: {what}"
                  for what in _placement(widget) + _canvas(widget) + _text(widget)]
    return found


def _collapsed(widget: QWidget, window: QWidget) -> bool:
    """Squeezed to nothing on purpose (a splitter's collapsed pane), or inside such a one."""
    while widget is not window and widget is not None:
        if widget.width() <= 0 or widget.height() <= 0:
            return True
        widget = widget.parentWidget()
    return False


def _placement(widget: QWidget) -> list[str]:
    parent = widget.parentWidget()
    if parent is None:
        return []
    scroller = parent.parentWidget()
    if isinstance(scroller, QAbstractScrollArea) and parent is scroller.viewport():
        sideways = scroller.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        if not sideways and widget.width() > parent.width() + SLACK:
            return [f"{widget.width()} px wide in a {parent.width()}-px scroll area that "
                    "never scrolls sideways"]
        return []  # what lies further is reached by scrolling
    room = parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
    if not room.contains(widget.geometry()):
        return [f"{_rect(widget.geometry())} sticks out of its parent {_name(parent)} "
                f"({parent.width()}x{parent.height()})"]
    return []


def _canvas(widget: QWidget) -> list[str]:
    """A plot whose layout is larger than the canvas showing it: its edges are cut off."""
    central = widget.centralWidget if isinstance(widget, pg.GraphicsView) else None
    if central is None:
        return []
    laid = central.geometry()
    if laid.width() > widget.width() + SLACK or laid.height() > widget.height() + SLACK:
        return [f"its plot is laid out {laid.width():.0f}x{laid.height():.0f} on a "
                f"{widget.width()}x{widget.height()} canvas"]
    return []


def _text(widget: QWidget) -> list[str]:
    if isinstance(widget, QLabel):
        return _label(widget)
    if isinstance(widget, QAbstractButton) and widget.text():
        return _button(widget)
    if isinstance(widget, QComboBox) and not widget.isEditable() and widget.currentText():
        return _combo(widget)
    if isinstance(widget, QHeaderView):
        return _header(widget)
    if isinstance(widget, QTabBar):
        return _tabs(widget)
    if isinstance(widget, QLineEdit) and not widget.text() and widget.placeholderText():
        return _placeholder(widget)
    return []


def _elided(widget: QWidget, text: str) -> list[str]:
    """Text cut to fit with an ellipsis, the rest left to a tooltip ("Settings…", an ellipsis
    that says a dialog follows, is not cut); fine where the widget says it cuts on purpose."""
    shown = text.rstrip()
    if not shown.endswith("…") or widget.property("elides"):
        return []
    whole = widget.toolTip() or (widget.parentWidget().toolTip() if widget.parentWidget()
                                  else "")
    if whole.startswith(shown[:-1]) and len(whole) > len(shown):
        return [f"text cut with an ellipsis: {text!r}"]
    return []


def _label(label: QLabel) -> list[str]:
    text = label.text()
    if not text or label.textFormat() == Qt.TextFormat.RichText or GuiQt.mightBeRichText(text):
        return []
    found = _elided(label, text)
    box = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(),
                                        -label.margin())
    metrics = label.fontMetrics()
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            found.append(f"{text!r} wraps to {need} px in {label.height()} px")
        return found
    indent = label.indent()
    if indent < 0 and label.frameWidth() > 0:
        indent = metrics.horizontalAdvance("x") // 2
    lines = text.split("\n")
    wide = max(metrics.horizontalAdvance(line) for line in lines) + max(indent, 0)
    if wide > box.width() + SLACK:
        found.append(f"{text!r} needs {wide} px, has {box.width()}")
    tall = metrics.height() + metrics.lineSpacing() * (len(lines) - 1)
    if tall > box.height() + SLACK:
        found.append(f"{text!r} needs {tall} px of height, has {box.height()}")
    return found


def _button(button: QAbstractButton) -> list[str]:
    found = _elided(button, button.text())
    if isinstance(button, (QPushButton, QCheckBox, QRadioButton)):
        need = button.sizeHint().width()
        if need > button.width() + SLACK:
            found.append(f"{button.text()!r} needs {need} px, has {button.width()}")
    return found


def _combo(combo: QComboBox) -> list[str]:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    need = combo.fontMetrics().horizontalAdvance(combo.currentText())
    if need > field.width() + SLACK:
        return [f"{combo.currentText()!r} needs {need} px, has {field.width()}"]
    return []


def _header(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None:
        return []
    found = []
    metrics = QFontMetrics(header.font())
    margin = 2 * header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    across = header.orientation() == Qt.Orientation.Horizontal
    for section in range(header.count()):
        if header.isSectionHidden(section) or not across:
            continue
        text = str(model.headerData(section, header.orientation()) or "")
        need = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            need += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None,
                                                header)
        if text and need + margin > header.sectionSize(section) + SLACK:
            found.append(f"heading {text!r} needs {need + margin} px, has "
                         f"{header.sectionSize(section)}")
    return found


def _tabs(bar: QTabBar) -> list[str]:
    found = []
    for i in range(bar.count()):
        need = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
        if need > bar.tabRect(i).width() + SLACK:
            found.append(f"tab {bar.tabText(i)!r} needs {need} px, has {bar.tabRect(i).width()}")
    return found


def _placeholder(field: QLineEdit) -> list[str]:
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    box = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    margins = field.textMargins()
    room = box.width() - margins.left() - margins.right() - 4  # Qt's own side margin
    need = field.fontMetrics().horizontalAdvance(field.placeholderText())
    if need > room + SLACK:
        return [f"placeholder {field.placeholderText()!r} needs {need} px, has {room}"]
    return []


def _name(widget: QWidget) -> str:
    label = widget.accessibleName() or widget.objectName()
    if not label and hasattr(widget, "text") and callable(widget.text):
        label = str(widget.text())[:40]
    return f"{type(widget).__name__}{f' {label!r}' if label else ''}"


def _rect(r: QRect) -> str:
    return f"{r.width()}x{r.height()} at ({r.x()}, {r.y()})"


# -- the walk ----------------------------------------------------------------------------------

def screen_config(path: Path) -> str:
    """Write the offscreen platform's screens (side by side) to `path`; the platform string."""
    screens, x = [], 0
    for name, (width, height) in SCREENS.items():
        screens.append({"name": name, "x": x, "y": 0, "width": width, "height": height,
                        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1})
        x += width
    path.write_text(json.dumps({"windowFrameMargins": False, "screens": screens}))
    return f"offscreen:configfile={path}"


def walk(out: Path) -> None:
    """Walk every case on every screen; write the problems found to `out` as JSON."""
    from attune_companion.clock import FakeClock
    from attune_companion.demo import make_demo_session
    from attune_companion.scheme import default_scheme
    from attune_companion.store import Store

    app = QApplication.instance() or QApplication(sys.argv[:1])
    found: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "attune.db")
        scheme = default_scheme()
        demo = [make_demo_session(store, scheme, client_code=code, seed=seed)
                for seed, code in enumerate(["K-07", "K-07", "M-12"])]
        for screen in app.screens():
            found.update(_walk_screen(app, screen, store, scheme, FakeClock(), demo[0],
                                      Path(tmp) / f"{screen.name()}.ini"))
        store.close()
    out.write_text(json.dumps(found, indent=1))


def _walk_screen(app, screen, store, scheme, clock, demo_id: int, ini: Path
                 ) -> dict[str, list[str]]:
    from attune_companion_ui.shell.main_window import MainWindow
    from attune_companion_ui.shell.screen_fit import FRAME_ALLOWANCE
    from attune_companion_ui.shell.settings import Settings
    from attune_companion_ui.shell.settings_dialog import open_settings

    area = screen.availableGeometry()
    found: dict[str, list[str]] = {}
    settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    window = MainWindow(store, scheme, clock=clock, settings=settings)
    window.setScreen(screen)
    window.setGeometry(area.x(), area.y(), area.width(), area.height() - FRAME_ALLOWANCE)
    window.show()
    size = window.size()

    def look(case: str, shown: QWidget | None = None) -> None:
        for _ in range(3):
            app.processEvents()
        shown = shown or window
        seen = problems(shown, area)
        if shown is window and window.size() != size:
            seen.append(f"the window grew from {size.width()}x{size.height()} to "
                        f"{window.width()}x{window.height()}")
        found[f"{screen.name()}/{case}"] = seen

    look("start")
    c = window.controller
    c.start("K-07", 12, "telehealth")
    page = window.live_page
    clock.advance(60)
    c.tap_client("ventral")
    c.tap_self("sympathetic")
    look("live")
    clock.advance(30)
    c.rupture("confrontation")
    for _ in range(11):
        clock.advance(7)
        c.repair_attempt()
    clock.advance(400)
    window._tick()
    look("live-rupture-open")
    c.toggle_pause()
    look("live-paused")
    c.toggle_pause()
    window.beside.set_blanked(True)
    look("live-blank")
    window.beside.set_blanked(False)
    page.pad.note_field.setText("A long note about what happened just now " * 6)
    look("live-long-note")
    page.pad.note_field.clear()
    c.held.emit("Not saved yet: the database is busy. Attune is holding 3 taps and tries again "
                "every few seconds; nothing is lost.")
    look("live-held-taps")
    c.held.emit("")
    page.actions.trigger("end")
    look("live-end-question")
    page.message_area.cancel_end()
    window.beside.set_compact(True)
    look("strip", window.beside.compact)
    c.toggle_pause()
    look("strip-paused", window.beside.compact)
    c.toggle_pause()
    window.beside.set_blanked(True)
    look("strip-blank", window.beside.compact)
    window.beside.set_blanked(False)
    window.beside.set_compact(False)
    clock.advance(20)
    c.repair()
    look("live-repaired")
    clock.advance(60)
    c.end()
    look("review")
    window.supervision.show_history()
    look("history")
    window.supervision.trends("K-07")
    look("trends")
    window.supervision.play(demo_id)
    window.supervision.page.controller.seek(20 * 60_000)
    look("playback")
    window.show_start()
    dialog = open_settings(window, Path(ini).with_suffix(".scheme.json"))
    look("settings", dialog)
    dialog.close()
    window.close()
    window.deleteLater()
    app.processEvents()
    return found


if __name__ == "__main__":
    walk(Path(sys.argv[1]))
