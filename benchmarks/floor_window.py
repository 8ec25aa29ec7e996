"""The floor for the live-window benchmarks: a bare window that records taps and plots them.

A bare PySide6 + pyqtgraph window (a PlotWidget with one step curve, as wide and tall as
Attune's first window): each key press commits one row to SQLite (WAL, synchronous=FULL, as
Attune's database), then appends a point to the curve with `setData` and lets Qt repaint. No
clock, no tick, no other widgets. Bare means pyqtgraph's defaults: the view ranges itself to
the data, so each tap repaints the plot (the floor issue 14's targets were set against:
15 ms of CPU per tap, 19 ms p99 there). `--lean` is the least such a window can do (a fixed
range, so a tap repaints only the curve's corner), shown beside it for information.
`benchmarks/live_on_x.py` runs it beside Attune on the same X server and times both the same
way; nothing here times itself.

    DISPLAY=:99 .venv/bin/python benchmarks/floor_window.py PATH.db [--lean]
"""

from __future__ import annotations

import sqlite3
import sys
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

TITLE = "Attune floor"
SIZE = (1100, 760)


class FloorWindow(pg.PlotWidget):
    """One curve; a key is one committed row and one more point."""

    def __init__(self, db_path: str, lean: bool = False) -> None:
        super().__init__()
        self.setWindowTitle(TITLE)
        self.conn = sqlite3.connect(db_path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY "
                          "AUTOINCREMENT, offset_ms INTEGER NOT NULL, value TEXT)")
        self.started = time.monotonic()
        self.x, self.y = np.zeros(1), np.zeros(1)
        self.curve = self.plot(self.x, self.y, stepMode="left")
        if lean:
            self.getPlotItem().disableAutoRange()
            self.setXRange(0, 10, padding=0)
            self.setYRange(0, 4, padding=0)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat() or not event.text():
            return
        minutes = (time.monotonic() - self.started) / 60
        level = float(ord(event.text()[0]) % 3 + 1)
        self.conn.execute("INSERT INTO events (offset_ms, value) VALUES (?, ?)",
                          [round(minutes * 60_000), event.text()])
        self.x, self.y = np.append(self.x, minutes), np.append(self.y, level)
        self.curve.setData(self.x, self.y)


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = FloorWindow(sys.argv[1], lean="--lean" in sys.argv[2:])
    window.resize(*SIZE)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
