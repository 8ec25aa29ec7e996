"""A supervisor codes a recorded session in playback: the pad and its keys tap into a coder
layer at the cursor (at any speed, after a seek), the layer shows as a lane, and the
agreement panel lists disagreements that move the cursor there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from attune_companion.clock import FakeClock
from attune_companion.demo import make_demo_session
from attune_companion.layers import coder_log
from attune_companion.scheme import default_scheme
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.supervision.playback_page import PlaybackPage

SHOTS = os.environ.get("ATTUNE_SHOTS")
"""A folder to save screenshots in, for looking at them by hand."""


@pytest.fixture
def page(qtbot, mem_store):
    clock = FakeClock()
    sid = make_demo_session(mem_store, default_scheme(), seed=5)
    made = PlaybackPage(mem_store, sid, DARK, clock=clock)
    made.test_clock = clock
    qtbot.addWidget(made)
    made.resize(1400, 900)
    with qtbot.waitActive(made):
        made.show()
        made.activateWindow()
    yield made
    made.let_go()


def shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


def test_a_supervisor_codes_at_the_cursor_with_the_pad_and_keys(page, mem_store, qtbot):
    coding = page.coding
    coding.chooser.setCurrentText("supervisor")
    assert coding.begin()
    page.controller.seek(60_000)
    coding.pad.buttons["client:dorsal"].click()
    page.controller.set_speed(8)
    page.controller.play()
    page.test_clock.advance(10)  # 10 s of watching at 8× is 80 s of session
    page.controller.advance(10_000)
    page.controller.pause()
    key = default_scheme().shortcuts()["client:ventral"]
    QTest.keyClick(page, key)
    page.controller.seek(30 * 60_000)
    coding.pad.buttons["rupture"].click()
    times = [e.offset_ms for e in coder_log(mem_store, page.session.id, "supervisor")]
    assert times == [60_000, 140_000, 30 * 60_000]
    assert mem_store.events(page.session.id) == mem_store.events(page.session.id)
    assert "supervisor" in page.lanes.plots and page.lanes.isVisible()
    assert "Clinician (A) and supervisor (B)" in coding.agreement.figures.text()
    shot(page, "playback-coding.png")
    first = coding.agreement.moments.item(0)
    coding.agreement.moments.itemClicked.emit(first)
    assert page.controller.cursor_ms == first.data(Qt.ItemDataRole.UserRole)


def test_a_refused_tap_says_why_and_records_nothing(page, mem_store):
    coding = page.coding
    coding.chooser.setCurrentText("observer")
    coding.begin()
    coding.pad.buttons["repair"].click()
    assert "nothing to repair" in coding.status.text()
    assert coder_log(mem_store, page.session.id, "observer") == []
    coding.chooser.setCurrentText("clinician")
    assert not coding.begin()
    assert "own record" in coding.status.text()


def test_the_review_shows_the_agreement_figures(qtbot, mem_store):
    from attune_companion.layers import CursorClock, LayerRecorder
    from attune_companion_ui.review.review_controller import ReviewController
    from attune_companion_ui.review.review_page import ReviewPage

    sid = make_demo_session(mem_store, default_scheme(), seed=6)
    review = ReviewPage(ReviewController(mem_store), DARK)
    qtbot.addWidget(review)
    review.show_session(sid)
    assert "No second coder" in review.agreement.figures.text()
    rec = LayerRecorder.open(mem_store, sid, "observer", CursorClock(lambda: 0, FakeClock()))
    rec.client("ventral")
    review.show_session(sid)
    assert "Clinician (A) and observer (B)" in review.agreement.figures.text()
    review.resize(1200, 800)
    review.tabs.setCurrentWidget(review.agreement)
    shot(review, "review-agreement.png")
