"""Start-up: process start → main window shown, a session opened and its plot painted.

Spawns a fresh Python process per run (offscreen) and measures from the moment it was spawned
(passed in $ATTUNE_BENCH_SPAWNED) to the end of the first paint of the session plot. The app
run is `attune` itself (attune_companion_ui.shell.launch then attune_companion_ui.shell.app.main) on its own copy of a database already in
use (40 demo sessions of 5 clients), with fresh settings; it starts a session as soon as the
app's first-frame work is done, so the live page with its plot is built and painted. The same run on a new, empty database (the first start after installing, which also
creates the schema) is shown for information. The floor is the least a PySide6 + pyqtgraph
window can do: one PlotWidget with 2 points. `attune` pauses the garbage collector while it
loads (attune_companion_ui.shell.launch), which saves the floor's libraries time too, so the floor is also run that
way and the ratio to it shown: Attune's own cost, like for like. Runs are interleaved (app,
first start, floor, paused floor, app, …) after one discarded warm-up of each (so all find the
files in the disk cache); prints medians, the ratio app / floor (target ≤ 1.6) and the app's
peak RSS after start (target ≤ 160 MB), then `RESULT {json}`.

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
    """`attune --db FOLDER/attune.db` as the command runs it (the parent points
    $XDG_CONFIG_HOME at the folder, so settings and scheme are fresh), then a session started
    as soon as the app's own first-frame work is done."""
    import gc

    gc.disable()  # as attune_companion_ui.shell.launch does before anything is loaded
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT))
    from attune_companion_ui.shell import app as attune
    from attune_companion_ui.shell.main_window import MainWindow

    qapp = QApplication(sys.argv[:1])  # attune_companion_ui.shell.app.main uses this one

    def start_session() -> None:
        [window] = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]

        def plot():
            assert window.live_page is not None
            return window.live_page.plot

        window.controller.opened.connect(lambda _r: _report_after_first_paint(qapp, plot))
        window.controller.start("BENCH-1", None, None)

    # Queued inside a first timer, so it runs after the one attune_companion_ui.shell.app.main queues.
    QTimer.singleShot(0, lambda: QTimer.singleShot(0, start_session))
    attune.main(["--db", str(folder / "attune.db")])


def child_floor(paused: bool) -> None:
    """The least a PySide6 + pyqtgraph window with a plot can do; `paused`: with the garbage
    collector paused while it loads, as `attune` does, to compare like with like."""
    import gc

    if paused:
        gc.disable()
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    widget = pg.PlotWidget()
    widget.plot([0, 1], [0, 1])
    _report_after_first_paint(app, lambda: widget)
    widget.show()
    gc.enable()
    app.exec()


# -- the parent ------------------------------------------------------------------------------


def seed_database(path: Path) -> None:
    """A database in use: 40 ended demo sessions, 8 for each of 5 clients."""
    sys.path.insert(0, str(ROOT))
    from attune_companion.demo import make_demo_session
    from attune_companion.scheme import default_scheme
    from attune_companion.store import Store

    with Store.open(path) as store:
        for seed in range(40):
            make_demo_session(store, default_scheme(), client_code=f"C-{seed % 5 + 1:02d}",
                              seed=seed)


def spawn(kind: str, folder: Path) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT),
               XDG_CONFIG_HOME=str(folder), XDG_DATA_HOME=str(folder))
    env[SPAWNED] = repr(time.time())
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--folder", str(folder)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{kind} run failed ({done.returncode}):\n{done.stderr}")
    return json.loads(lines[-1])


KINDS = {  # kind: (child, label)
    "app": ("app", "Attune: window + session started (database in use)"),
    "first": ("app", "Attune: the same, first start (new database)"),
    "floor": ("floor", "floor: PySide6 + pyqtgraph, 2 points"),
    "paused": ("floor-paused", "floor, collector paused while loading (as Attune)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--child", choices=("app", "floor", "floor-paused"))
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child == "app":
        return child_app(args.folder)
    if args.child:
        return child_floor(paused=args.child == "floor-paused")

    import tempfile

    results: dict[str, list[dict[str, float]]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory() as tmp:
        in_use = Path(tmp) / "in-use.db"
        seed_database(in_use)
        for run in range(args.runs + 1):
            for kind, kept in results.items():
                folder = Path(tmp) / f"{kind}-{run}"
                folder.mkdir(mode=0o700)
                if kind == "app":
                    shutil.copy(in_use, folder / "attune.db")
                result = spawn(KINDS[kind][0], folder)
                if run > 0:  # run 0 warms the disk cache
                    kept.append(result)
    ms = {kind: statistics.median(r["ms"] for r in runs) for kind, runs in results.items()}
    app_rss = max(r["rss_mb"] for r in results["app"] + results["first"])
    floor_rss = max(r["rss_mb"] for r in results["floor"])
    print(f"Start-up, process spawn → first plot painted, median of {args.runs} fresh "
          "processes each, interleaved, offscreen\n")
    print("| | median | min | max | peak RSS |\n|---|---:|---:|---:|---:|")
    for kind, (_child, label) in KINDS.items():
        times = [r["ms"] for r in results[kind]]
        rss = max(r["rss_mb"] for r in results[kind])
        print(f"| {label} | {ms[kind]:.0f} ms | {min(times):.0f} ms "
              f"| {max(times):.0f} ms | {rss:.0f} MB |")
    ratio = ms["app"] / ms["floor"]
    print(f"\nratio app / floor: {ratio:.2f} (target ≤ 1.6); first start "
          f"{ms['first'] / ms['floor']:.2f}; app / paused floor {ms['app'] / ms['paused']:.2f}; "
          f"app peak RSS {app_rss:.0f} MB (target ≤ 160 MB)")
    print("RESULT " + json.dumps({
        "startup_app_ms": round(ms["app"], 1), "startup_floor_ms": round(ms["floor"], 1),
        "startup_ratio": round(ratio, 3),
        "startup_first_ms": round(ms["first"], 1),
        "startup_first_ratio": round(ms["first"] / ms["floor"], 3),
        "startup_paused_floor_ms": round(ms["paused"], 1),
        "startup_paused_ratio": round(ms["app"] / ms["paused"], 3),
        "startup_rss_mb": round(app_rss, 1), "startup_floor_rss_mb": round(floor_rss, 1),
    }))


if __name__ == "__main__":
    main()
