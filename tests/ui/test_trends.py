"""Per-client trends: one small plot per figure, values where measured, ratings only where
entered, and a calm note instead of plots before there are two sessions."""

from __future__ import annotations

import math

import pytest

from attune_companion.demo import make_demo_session
from attune_companion.history import trends
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion_ui.plot.plot_style import DARK
from attune_companion_ui.supervision.history_controller import TrendsController
from attune_companion_ui.supervision.trends_page import NOT_ENOUGH, TrendsPage


def page_for(qtbot, store: Store, code: str) -> TrendsPage:
    page = TrendsPage(TrendsController(store), DARK)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show_client(code)
    return page


def ys(page: TrendsPage, key: str) -> list[float]:
    return [float(v) for v in page.curves[key].getData()[1]]


def test_one_session_is_not_enough_for_trends(qtbot, mem_store):
    make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=1)
    page = page_for(qtbot, mem_store, "K-07")
    assert page.message.text() == NOT_ENOUGH
    assert page.plots == {}


def test_each_figure_plots_the_clients_sessions_in_order(qtbot, mem_store):
    for seed in range(3):
        make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=seed)
    make_demo_session(mem_store, default_scheme(), client_code="M-12", seed=9)
    points = trends(mem_store, "K-07")
    page = page_for(qtbot, mem_store, "K-07")

    assert ys(page, "Ruptures per session/Ruptures") == [p.ruptures for p in points]
    assert ys(page, "Median time to repair/Median time to repair") == pytest.approx(
        [p.median_repair_ms / 60_000 for p in points])
    assert ys(page, "Share of ventral time/Client (perceived)") == pytest.approx(
        [100 * p.ventral_share_client for p in points])
    assert ys(page, "Share of ventral time/Self") == pytest.approx(
        [100 * p.ventral_share_self for p in points])
    assert "Co-regulation (self ventral while client not)" in page.plots
    # no rating was entered: no rating plots at all
    assert not any("rating" in title for title in page.plots)


def test_ratings_are_drawn_only_where_entered(qtbot, mem_store):
    ids = [make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=s)
           for s in range(3)]
    mem_store.set_rating(ids[1], "alliance", 7)
    page = page_for(qtbot, mem_store, "K-07")

    alliance = ys(page, "Alliance, therapist's rating/Alliance")
    rated = [p.session_id for p in page.points].index(ids[1])
    assert [not math.isnan(v) for v in alliance] == [i == rated for i in range(3)]
    assert alliance[rated] == 7
    assert "Session rating, client's" not in page.plots  # only three of four scales: none


def test_choosing_another_client_shows_their_trends(qtbot, mem_store):
    for seed in range(2):
        make_demo_session(mem_store, default_scheme(), client_code="K-07", seed=seed)
    make_demo_session(mem_store, default_scheme(), client_code="M-12", seed=5)
    page = page_for(qtbot, mem_store, "K-07")
    assert page.plots
    page.client.setCurrentText("M-12")
    page.client.activated.emit(page.client.currentIndex())
    assert page.title.text() == "Trends · M-12"
    assert page.message.text() == NOT_ENOUGH and page.plots == {}
