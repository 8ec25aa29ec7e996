"""The session plot read by a tired eye: time labels that never run together at any session
length, markers that never merge, a legend that is right before the first marker is drawn,
and a wheel that zooms only where the page around the plot does not scroll."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QVBoxLayout, QWidget

from attune_companion.clock import FakeClock
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.plot.markers import marker_looks
from attune_companion_ui.plot.plot_items import LegendSample
from attune_companion_ui.plot.plot_style import DARK, LIGHT
from attune_companion_ui.plot.session_plot import SessionPlot
from attune_companion_ui.plot.time_axis import format_tick, plan_ticks

SCHEME = default_scheme()
KINDS = ("repair_attempt", "repair", "note:glimmer", "note:trigger", "note:note")


def ended_plot(qtbot, minutes: float, size: tuple[int, int] = (700, 330)) -> SessionPlot:
    """A shown whole-session plot of an ended session `minutes` long, state changing often."""
    clock = FakeClock()
    rec = Recorder.start(Store.memory(), SCHEME, clock, "T-01")
    for i, t in enumerate(range(0, int(minutes * 60), max(1, int(minutes * 60) // 40))):
        clock.advance(t - rec.now_ms() / 1000)
        rec.client(("ventral", "sympathetic", "dorsal")[i % 3])
    clock.advance(minutes * 60 - rec.now_ms() / 1000)
    rec.end()
    plot = SessionPlot(SCHEME, DARK)
    qtbot.addWidget(plot)
    plot.set_window(None)
    plot.show_state(rec.state, rec.state.ended_ms)
    plot.resize(*size)
    plot.show()
    qtbot.waitExposed(plot)
    QApplication.processEvents()
    return plot


def drawn_labels(plot: SessionPlot) -> list[tuple[float, float, str]]:
    """The time axis's labels as it draws them now: (left, right, text), left to right."""
    axis = plot._plot.getAxis("bottom")
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setFont(axis.style["tickFont"])
    _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    painter.end()
    return sorted((rect.left(), rect.right(), text) for rect, _flags, text in texts)


# -- the time axis -----------------------------------------------------------------------------

@pytest.mark.parametrize(("minutes", "width", "unit"), [
    (25 * 60 + 7, 700, "hours:minutes"), (25 * 60 + 7, 330, "hours:minutes"),
    (52, 700, "minutes"), (52, 330, "minutes"), (0, 700, "minutes:seconds"),
])
def test_time_labels_never_run_together_and_read_in_one_unit(qtbot, minutes, width, unit):
    plot = ended_plot(qtbot, minutes, (width, 330))
    labels = drawn_labels(plot)
    assert len(labels) >= 3
    for (_l, right, _t), (left, _r, _t2) in zip(labels, labels[1:]):
        assert left - right >= 10, labels  # a clear gap between neighbours
    texts = [text for *_, text in labels]
    assert all((":" in t) == (unit != "minutes") for t in texts), texts
    assert plot._plot.getAxis("bottom").labelText == unit
    assert texts[0] in ("0", "0:00")  # the start is labelled, whole


def test_a_day_long_session_labels_hours_up_to_its_end():
    plan = plan_ticks(-15, 25 * 60 + 15, 1100, lambda text: 8.0 * len(text))
    assert (plan.unit, plan.major) == ("h:mm", 120)
    assert [format_tick(m, plan.unit) for m in (0, 120, 1440)] == ["0:00", "2:00", "24:00"]


def test_labels_in_each_unit():
    assert [format_tick(m, "min") for m in (0, 5, 50, 61)] == ["0", "5", "50", "61"]
    assert [format_tick(m, "m:ss") for m in (0, 0.5, 2.5, 61.25)] == [
        "0:00", "0:30", "2:30", "61:15"]
    assert format_tick(-1, "min") == ""  # before the session starts


# -- markers and the legend ----------------------------------------------------------------------

def test_every_marker_kind_has_its_own_row_shape_and_colour(qtbot):
    plot = SessionPlot(SCHEME, DARK)
    qtbot.addWidget(plot)
    rows = [plot._rows[kind] for kind in KINDS]
    assert len(set(rows)) == len(KINDS)
    bottom, top = plot.y_range
    assert all(bottom < y < top for y in rows)
    for style in (DARK, LIGHT):
        looks = marker_looks(SCHEME, style)
        assert len({looks[k].symbol for k in KINDS}) == len(KINDS), style.name
        notes = [looks[k].brush.color().name() for k in KINDS if k.startswith("note:")]
        assert len(set(notes)) == len(notes), style.name


def _sample_colours(item) -> set[str]:
    sample = LegendSample(item)
    image = QImage(sample.SIZE, sample.SIZE, QImage.Format.Format_ARGB32)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    sample.paint(painter)
    painter.end()
    return {image.pixelColor(x, y).name() for x in range(sample.SIZE) for y in range(sample.SIZE)}


@pytest.mark.parametrize("kind", ["note:trigger", "note:glimmer", "repair"])
def test_a_legend_sample_wears_its_markers_colour_before_any_marker_is_drawn(qtbot, kind):
    plot = SessionPlot(SCHEME, DARK)
    qtbot.addWidget(plot)
    assert plot.marker_xy(kind)[0].size == 0  # nothing of this kind drawn yet
    brush = marker_looks(SCHEME, DARK)[kind].brush.color().name()
    assert brush in _sample_colours(plot._marker_items[kind])


# -- zoom ----------------------------------------------------------------------------------------

def wheel(widget: QWidget, ctrl: bool = False) -> None:
    """One notch of the wheel (away from the user) over the middle of `widget`, as the
    window system delivers it (so Qt passes it on to the parents when ignored)."""
    top = widget.window()
    centre = widget.mapTo(top, QPoint(widget.width() // 2, widget.height() // 2))
    modifiers = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    QTest.wheelEvent(top.windowHandle(), QPointF(centre), QPoint(0, 120), QPoint(0, 0),
                     modifiers)
    QApplication.processEvents()


@pytest.fixture
def plot_in_a_scrolling_page(qtbot):
    plot = ended_plot(qtbot, 50)
    page = QScrollArea()
    qtbot.addWidget(page)
    body = QWidget()
    column = QVBoxLayout(body)
    column.addWidget(plot)
    column.addSpacing(2000)  # the page is much taller than its window
    plot.setMinimumHeight(300)
    page.setWidget(body)
    page.setWidgetResizable(True)
    page.resize(720, 500)
    page.show()
    qtbot.waitExposed(page)
    page.verticalScrollBar().setValue(100)
    return page, plot


def test_in_a_page_that_scrolls_the_wheel_scrolls_it_and_ctrl_wheel_zooms(
        qtbot, plot_in_a_scrolling_page):
    page, plot = plot_in_a_scrolling_page
    plot.set_zoom(wheel=False)
    whole = plot.x_range()
    wheel(plot._view.viewport())
    assert plot.x_range() == pytest.approx(whole)  # the plot did not zoom
    assert page.verticalScrollBar().value() < 100  # the page scrolled up
    assert not plot.reset_button.isVisible()

    wheel(plot._view.viewport(), ctrl=True)
    left, right = plot.x_range()
    assert right - left < whole[1] - whole[0]  # zoomed in
    assert plot.reset_button.isVisible()  # and the way back is in sight
    qtbot.mouseClick(plot.reset_button, Qt.MouseButton.LeftButton)
    assert plot.x_range() == pytest.approx(whole) and not plot.reset_button.isVisible()


def test_where_the_page_does_not_scroll_the_wheel_zooms(qtbot):
    plot = ended_plot(qtbot, 50)
    plot.set_zoom(wheel=True)
    whole = plot.x_range()
    wheel(plot._view.viewport())
    assert plot.x_range()[1] - plot.x_range()[0] < whole[1] - whole[0]
    assert plot.reset_button.isVisible()


def test_axis_labels_fit_the_font_they_are_drawn_in(qtbot):
    plot = ended_plot(qtbot, 25 * 60, (330, 330))
    axis = plot._plot.getAxis("bottom")
    metrics = QFontMetrics(axis.style["tickFont"])
    for left, right, text in drawn_labels(plot):
        assert right - left >= metrics.horizontalAdvance(text) - 1  # drawn whole, not clipped
