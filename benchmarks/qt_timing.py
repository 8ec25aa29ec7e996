"""Timing helpers for the scale benchmarks: a page until it is painted, a GUI-thread
heartbeat, memory. Not a benchmark itself (run_all does not list it)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Generator
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def app() -> QApplication:
    return QApplication.instance() or QApplication([])


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def load() -> str:
    """The load average now (1, 5, 15 minutes): other work on the machine, beside a figure."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class _Painted(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.seen = True
        return False


def run_in_event_loop(script: Generator[None, None, None]) -> None:
    """Run `script` inside an event loop, one step per turn of it (each `yield` gives the
    loop a turn), so what a page leaves behind (deferred deletes, queued signals) is handled
    as in the running app. An exception in the script is raised here. (A QEventLoop, not
    `app.exec()`: `app.quit()` closes every window.)"""
    app()
    loop = QEventLoop()
    failed: list[BaseException] = []

    def step() -> None:
        try:
            next(script)
        except StopIteration:
            loop.quit()
            return
        except BaseException as exc:  # noqa: BLE001 - raised again below, outside the loop
            failed.append(exc)
            loop.quit()
            return
        QTimer.singleShot(0, step)

    QTimer.singleShot(0, step)
    loop.exec()
    if failed:
        raise failed[0]


def until_painted(action: Callable[[], object], widget: Callable[[], QWidget],
                  took: list[float], limit_s: float = 300.0) -> Generator[None, None, None]:
    """Steps for `run_in_event_loop`: call `action`, then let the loop run until `widget()`
    (looked up after the action: the page it builds) has been painted and the loop has had
    one more turn. Appends (wall seconds, GUI thread CPU seconds) to `took`."""
    watcher = _Painted()
    began, cpu = time.perf_counter(), time.thread_time()
    action()
    target = widget()
    target.installEventFilter(watcher)
    target.update()
    while not watcher.seen:
        yield
        if time.perf_counter() - began > limit_s:
            raise RuntimeError(f"{target!r} was never painted ({time.perf_counter() - began:.0f} s)")
    yield
    took.append((time.perf_counter() - began, time.thread_time() - cpu))
    target.removeEventFilter(watcher)


class Heartbeat(QObject):
    """A QTimer on the GUI thread every `every_ms`; `longest_gap_ms()` is the longest time the
    thread could not run it (a frozen window, as the user meets it)."""

    def __init__(self, every_ms: int = 5) -> None:
        super().__init__()
        self.beats: list[float] = []
        self._timer = QTimer(self)
        self._timer.setInterval(every_ms)
        self._timer.timeout.connect(lambda: self.beats.append(time.perf_counter()))

    def start(self) -> None:
        self.beats = [time.perf_counter()]
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.beats.append(time.perf_counter())

    def longest_gap_ms(self) -> float:
        return max((b - a for a, b in zip(self.beats, self.beats[1:])), default=0.0) * 1000


def private_settings(folder: Path):
    """Window settings in a file of the benchmark's own, never the user's."""
    from attune_companion_ui.shell.settings import Settings

    return Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))


def median_range(values: list[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """'123 ms (110–140)': the median with its range."""
    v = [x * scale for x in values]
    return f"{statistics.median(v):.0f} {unit} ({min(v):.0f}–{max(v):.0f})"


def freeze_as_the_app_does() -> None:
    """What Attune does after its first frame: load the plot library, then take everything
    made so far out of the collector's sight (`ui.shell.app._after_first_frame`)."""
    from attune_companion_ui.shell.app import _after_first_frame

    _after_first_frame()
