"""Render the README's screenshots offscreen: `.venv/bin/python docs/screenshots.py`.

Each picture is a real window over a temporary database, driven through the same controller as
a clinician's clicks, with a fake clock so the moment shown is always the same.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from attune_companion.clock import FakeClock  # noqa: E402
from attune_companion.comments import add_comment  # noqa: E402
from attune_companion.demo import make_demo_session  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402
from attune_companion_ui.shell.main_window import MainWindow  # noqa: E402
from attune_companion_ui.shell.settings import Settings  # noqa: E402

OUT = Path(__file__).with_name("img")


def live_moment(window: MainWindow, clock: FakeClock) -> None:
    """Thirteen minutes into a session, a withdrawal rupture open for 2:45 with one attempt."""
    c = window.controller
    assert c is not None
    c.start("K-07", 12, "telehealth")
    steps = [
        (0, c.tap_client, "ventral"), (0, c.tap_self, "ventral"), (180, c.tap_client, "sympathetic"),
        (60, c.note, "glimmer"), (90, c.tap_client, "ventral"), (60, c.rupture, "confrontation"),
        (30, c.tap_client, "sympathetic"), (20, c.tap_self, "sympathetic"), (60, c.repair_attempt, None),
        (60, c.tap_self, "ventral"), (30, c.repair, None), (30, c.tap_client, "ventral"),
        (60, c.note, "trigger"), (40, c.rupture, "withdrawal"), (20, c.tap_client, "dorsal"),
        (60, c.repair_attempt, None),
    ]
    for seconds, action, arg in steps:
        clock.advance(seconds)
        action(arg) if arg is not None else action()
    clock.advance(85)
    window._tick()


def shoot(name: str, window, size: tuple[int, int]) -> Path:
    window.resize(*size)
    QApplication.processEvents()
    QApplication.processEvents()
    path = OUT / name
    window.grab().save(str(path))
    print(f"wrote {path}")
    return path


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        store = Store.open(Path(tmp) / "attune.db")
        for seed, code in enumerate(["K-07", "K-07", "K-07", "M-12", "K-07", "R-03"]):
            make_demo_session(store, default_scheme(), client_code=code, seed=seed)
        add_comment(store, 5, 21 * 60_000, "Notice the shift in your voice here.")
        clock = FakeClock()
        window = MainWindow(store, default_scheme(), clock=clock, settings=settings)
        window.show()
        window.resize(1280, 800)
        shoot("start.png", window, (1280, 800))

        window.supervision.show_history()
        shoot("history.png", window, (1280, 800))
        window.supervision.play(5)
        page = window.supervision.page
        page.controller.seek(21 * 60_000 + 30_000)
        shoot("playback.png", window, (1280, 800))
        window.supervision.trends("K-07")
        shoot("trends.png", window, (1280, 800))
        window.supervision.review(5)
        shoot("review.png", window, (1280, 800))
        window.show_start()

        live_moment(window, clock)
        shoot("live.png", window, (1280, 800))
        shoot("live-strip.png", window, (360, 900))
        assert window.beside is not None
        window.beside.toggle_compact()
        compact = window.beside.compact
        assert compact is not None
        shoot("compact.png", compact, (360, 900))
        window.beside.toggle_compact()
        window.beside.toggle_blank()
        shoot("blank.png", window, (1280, 800))
        window.beside.toggle_blank()
        window.close()
        store.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
