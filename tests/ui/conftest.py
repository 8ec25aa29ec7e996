"""Fixtures for the window tests: a temporary database, a fake clock, private settings.

Every window is closed at the end of its test (and the store after it), and a test that
leaves a visible top-level widget behind fails, so one test cannot leak into the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtWidgets import QApplication

from attune_companion.clock import FakeClock
from attune_companion.scheme import Scheme, default_scheme
from attune_companion.store import Store
from attune_companion_ui.shell.main_window import MainWindow
from attune_companion_ui.shell.settings import Settings


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "attune.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def mem_store() -> Iterator[Store]:
    """An in-memory store, for views that need no file (history, playback, trends)."""
    store = Store.memory()
    yield store
    store.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Preferences in a file of this test's own, never the user's."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def scheme() -> Scheme:
    return default_scheme()


@pytest.fixture
def make_window(qtbot, settings: Settings, clock: FakeClock, scheme: Scheme):
    """Build a shown MainWindow over a store; closed after the test. Request any store
    fixture before this one, so windows close before their store does."""
    made: list[MainWindow] = []

    def make(store: Store | None, size: tuple[int, int] = (1280, 800), **kwargs) -> MainWindow:
        window = MainWindow(store, kwargs.pop("scheme", scheme), clock=clock, settings=settings,
                            **kwargs)
        qtbot.addWidget(window)
        window.resize(*size)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        window.deleteLater()
    # Delete them now, not inside a later test's style sheet change (which re-polishes every
    # widget still alive).
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(store: Store, make_window) -> MainWindow:
    """A shown window on the start page (store set up first, so it is closed last)."""
    return make_window(store)


@pytest.fixture
def live(window: MainWindow, qtbot) -> MainWindow:
    """A window with a session for client K-07 just started."""
    window.start_page.code.setEditText("K-07")
    qtbot.mouseClick(window.start_page.start_button, Qt.MouseButton.LeftButton)
    assert window.live_page is not None
    return window


@pytest.fixture(autouse=True)
def no_leaked_windows() -> Iterator[None]:
    yield
    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        assert not shown, f"widgets left open: {shown}"


@pytest.fixture
def run_main(monkeypatch, settings, tmp_path):
    """Run attune_companion_ui.shell.app.main without blocking: `inspect(window)` runs where the event loop would."""
    from attune_companion_ui.shell import app

    monkeypatch.setattr(app, "Settings", lambda: settings)
    monkeypatch.setattr(app.paths, "user_scheme_path", lambda: tmp_path / "scheme.json")
    monkeypatch.setattr(app.paths, "log_dir", lambda: tmp_path / "log")  # never the user's log

    def run(args: list[str], inspect) -> int:
        def fake_exec() -> int:
            [window] = [w for w in QApplication.topLevelWidgets()
                        if isinstance(w, MainWindow) and w.isVisible()]
            try:
                inspect(window)
            finally:
                window.close()
            return 0

        monkeypatch.setattr(QApplication, "exec", lambda self: fake_exec())
        return app.main(args)

    return run


@pytest.fixture
def click_plot(qtbot):
    """Click a SessionPlot with the mouse at `minutes` into the session (mid-height)."""
    from PySide6.QtCore import QPointF

    def click(plot, minutes: float) -> None:
        box = plot._plot.getViewBox()
        (_x0, _x1), (y0, y1) = box.viewRange()
        scene = box.mapViewToScene(QPointF(minutes, (y0 + y1) / 2))
        view = plot._view
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.mapFromScene(scene))

    return click
