"""Start-up: process start → main window shown, a session opened and its plot painted.

Spawns a fresh Python process per run (offscreen) and measures from the moment it was spawned
(passed in $ATTUNE_BENCH_SPAWNED) to the end of the first paint of the session plot. The app
run does what `attune` does (ui.app: scheme, database, MainWindow, show, the deferred plot
import) with its own copy of a database already in use (40 demo sessions of 5 clients) and
temporary settings, then starts a session at once, so the live page with its plot is built and
painted. The same run on a new, empty database (the first start after installing, which also
creates the schema) is shown for information. The floor is the least a PySide6 + pyqtgraph
window can do: one PlotWidget with 2 points. Runs are interleaved (app, first start, floor,
app, …) after one discarded warm-up of each (so all find the files in the disk cache); prints
medians, the ratio app / floor (target ≤ 1.6) and the app's peak RSS after start (target ≤
160 MB), then `RESULT {json}`.

    .venv/bin/python benchmarks/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPAWNED = "ATTUNE_BENCH_SPAWNED"


# -- the children ----------------------------------------------------------------------------


def _report_after_first_paint(app, target) -> None:
    """Once `target` (or a widget inside it) has finished its first paint, print the time since
    spawning and the peak RSS, then quit."""
    import resource

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    def finish() -> None:
        elapsed_ms = (time.time() - float(os.environ[SPAWNED])) * 1000
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"ms": elapsed_ms, "rss_mb": peak_mb}), flush=True)
        app.quit()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and (watched is target() or target().isAncestorOf(watched))):
                app.removeEventFilter(self)
                QTimer.singleShot(0, finish)  # runs once this paint has been done
            return False

    app._first_paint = FirstPaint(app)  # kept alive with the app
    app.installEventFilter(app._first_paint)


def child_app(folder: Path) -> None:
    """Attune as `attune` starts it, then a session started at once."""
    import importlib

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT))
    from companion import paths
    from companion.scheme import load_scheme
    from companion.store import Store
    from ui.main_window import MainWindow
    from ui.settings import Settings

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Attune")
    app.setOrganizationName("attune")
    scheme = load_scheme(paths.user_scheme_path())
    store = Store.open(folder / "attune.db")
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(store, scheme, settings=settings)

    def plot():
        assert window.live_page is not None
        return window.live_page.plot

    window.controller.opened.connect(lambda _r: _report_after_first_paint(app, plot))
    window.show()
    QTimer.singleShot(0, lambda: importlib.import_module("ui.live_page"))  # as ui.app does
    QTimer.singleShot(0, lambda: window.controller.start("BENCH-1", None, None))
    app.exec()
    window.close()
    store.close()


def child_floor() -> None:
    """The least a PySide6 + pyqtgraph window with a plot can do."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    widget = pg.PlotWidget()
    widget.plot([0, 1], [0, 1])
    _report_after_first_paint(app, lambda: widget)
    widget.show()
    app.exec()


# -- the parent ------------------------------------------------------------------------------


def seed_database(path: Path) -> None:
    """A database in use: 40 ended demo sessions, 8 for each of 5 clients."""
    sys.path.insert(0, str(ROOT))
    from companion.demo import make_demo_session
    from companion.scheme import default_scheme
    from companion.store import Store

    with Store.open(path) as store:
        for seed in range(40):
            make_demo_session(store, default_scheme(), client_code=f"C-{seed % 5 + 1:02d}",
                              seed=seed)


def spawn(kind: str, folder: Path) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env[SPAWNED] = repr(time.time())
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--folder", str(folder)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{kind} run failed ({done.returncode}):\n{done.stderr}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", choices=("app", "floor"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child == "app":
        return child_app(args.folder)
    if args.child == "floor":
        return child_floor()

    import tempfile

    results: dict[str, list[dict[str, float]]] = {"app": [], "first": [], "floor": []}
    with tempfile.TemporaryDirectory() as tmp:
        in_use = Path(tmp) / "in-use.db"
        seed_database(in_use)
        for run in range(args.runs + 1):
            for kind, kept in results.items():
                folder = Path(tmp) / f"{kind}-{run}"
                folder.mkdir(mode=0o700)
                if kind == "app":
                    shutil.copy(in_use, folder / "attune.db")
                result = spawn("floor" if kind == "floor" else "app", folder)
                if run > 0:  # run 0 warms the disk cache
                    kept.append(result)
    app_ms = statistics.median(r["ms"] for r in results["app"])
    first_ms = statistics.median(r["ms"] for r in results["first"])
    floor_ms = statistics.median(r["ms"] for r in results["floor"])
    app_rss = max(r["rss_mb"] for r in results["app"] + results["first"])
    floor_rss = max(r["rss_mb"] for r in results["floor"])
    print(f"Start-up, process spawn → first plot painted, median of {args.runs} fresh "
          "processes each, interleaved, offscreen\n")
    print("| | median | min | max | peak RSS |\n|---|---:|---:|---:|---:|")
    for kind, label in (("app", "Attune: window + session started (database in use)"),
                        ("first", "Attune: the same, first start (new database)"),
                        ("floor", "floor: PySide6 + pyqtgraph, 2 points")):
        ms = [r["ms"] for r in results[kind]]
        rss = max(r["rss_mb"] for r in results[kind])
        print(f"| {label} | {statistics.median(ms):.0f} ms | {min(ms):.0f} ms "
              f"| {max(ms):.0f} ms | {rss:.0f} MB |")
    print(f"\nratio app / floor: {app_ms / floor_ms:.2f} (target ≤ 1.6; first start "
          f"{first_ms / floor_ms:.2f}); app peak RSS {app_rss:.0f} MB (target ≤ 160 MB)")
    print("RESULT " + json.dumps({
        "startup_app_ms": round(app_ms, 1), "startup_floor_ms": round(floor_ms, 1),
        "startup_first_ms": round(first_ms, 1),
        "startup_first_ratio": round(first_ms / floor_ms, 3),
        "startup_ratio": round(app_ms / floor_ms, 3), "startup_rss_mb": round(app_rss, 1),
        "startup_floor_rss_mb": round(floor_rss, 1),
    }))


if __name__ == "__main__":
    main()
