"""How long one playback frame takes at 16× on a 10,000-event session, through the real page.

Builds the session in an in-memory database (events from plot_scaling's generator, so it
folds like a real one), opens a shown 1280x800 `PlaybackPage`, plays at 16× and drives
frames with `controller.advance(33)` (one 30 fps frame of real time). For each frame it
times the update alone (cursor → Replay.state_at → pad, timer, event row, cursor line,
slider: no painting) and the update plus painting (`processEvents`: the plot and the
widgets that changed are painted, offscreen; the frames whose plot was painted are counted
and printed), then scrubs to random moments the same way. Prints a Markdown table of p50 /
p99 / max in ms. Target: a frame p99 ≤ 8 ms, painted (what the user sees at each frame).

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/playback_frames.py
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from attune_companion.events import Kind  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store, now_utc  # noqa: E402
from plot_scaling import SessionMaker, percentile  # noqa: E402

EVENTS = 10_000
FRAME_MS = 33
FRAMES = 900
SCRUBS = 300


def build(store: Store) -> int:
    """One ended session of EVENTS events (about 8 hours at a tap every 3 s)."""
    scheme = default_scheme()
    row = store.create_session("BENCH-1", number=1, modality=None, started_utc=now_utc(),
                               time_zone="UTC", scheme_json=scheme.to_json())
    events = SessionMaker(seed=11).events(EVENTS - 1)
    wall = now_utc()
    with store.db.atomic():
        for e in events:
            store.append(row.id, e.kind, e.offset_ms, wall, value=e.value)
        store.append(row.id, Kind.END, events[-1].offset_ms + 1_000, wall)
    store.set_status(row.id, "ended", wall)
    return row.id


class PaintCount(QObject):
    """Counts the paints of the widget it watches."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def stats(name: str, samples: list[float]) -> str:
    return (f"| {name} | {len(samples)} | {percentile(samples, 50):.2f} | "
            f"{percentile(samples, 99):.2f} | {max(samples):.2f} |")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    from attune_companion_ui.supervision.playback_page import PlaybackPage
    from attune_companion_ui.plot.plot_style import DARK

    store = Store.memory()
    session_id = build(store)
    started = time.perf_counter()
    page = PlaybackPage(store, session_id, DARK)
    page.resize(1280, 800)
    page.show()
    app.processEvents()
    opened_ms = (time.perf_counter() - started) * 1000
    c = page.controller
    painted_frames = PaintCount()
    page.plot._view.viewport().installEventFilter(painted_frames)
    c.set_speed(16)
    c.seek(c.duration_ms // 3)
    c.play()
    update, painted = [], []
    for _ in range(FRAMES):
        t0 = time.perf_counter()
        c.advance(FRAME_MS)
        t1 = time.perf_counter()
        app.processEvents()
        t2 = time.perf_counter()
        update.append((t1 - t0) * 1000)
        painted.append((t2 - t0) * 1000)
    c.pause()
    plot_paints = painted_frames.paints
    rng = random.Random(3)
    scrub, scrub_painted = [], []
    for _ in range(SCRUBS):
        t0 = time.perf_counter()
        c.seek(rng.randrange(c.duration_ms))
        t1 = time.perf_counter()
        app.processEvents()
        t2 = time.perf_counter()
        scrub.append((t1 - t0) * 1000)
        scrub_painted.append((t2 - t0) * 1000)
    print(f"Session: {len(page.replay.events)} events, "
          f"{c.duration_ms / 3_600_000:.1f} h; page opened and shown in {opened_ms:.0f} ms; "
          f"the plot was painted in {plot_paints} of the {FRAMES} frames at 16×\n")
    print("| per frame, ms | n | p50 | p99 | max |")
    print("|---|---|---|---|---|")
    print(stats("16× frame: update", update))
    print(stats("16× frame: update + paint", painted))
    print(stats("random scrub: update", scrub))
    print(stats("random scrub: update + paint", scrub_painted))
    print("RESULT " + json.dumps({"playback_frame_p99_ms": percentile(update, 99),
                                  "playback_frame_painted_p99_ms": percentile(painted, 99),
                                  "playback_frames_plot_painted": plot_paints}))
    page.let_go()
    page.close()
    store.close()


if __name__ == "__main__":
    main()
