"""A live session as the clinician meets it, through a real X server: keys, idle CPU, CPU per tap.

On a private Xvfb, the `attune` app (benchmarks/attune_resumed.py: the real entry point, with
the session this script wrote resumed as set-up) and floor windows (benchmarks/floor_window.py:
bare PySide6 + pyqtgraph, one SQLite commit per key) are given the keyboard focus, left
alone, then tapped with keys sent through XTest. The targets are ratios to the bare floor
(pyqtgraph's defaults: the view ranges itself to the data, so a tap repaints the plot): the
floor issue 14's targets were set against. For Attune, the database holds one interrupted
session of 0, 1,000, 10,000 or 100,000 events (a tap every 3 s on average, so a 10-minute
plot window holds the same ~200 taps at every size), resumed before anything is timed.

At each size, Attune and a fresh bare floor window (0 events) are open side by side: they sit
idle over the same seconds, then take their taps in turns, 20 at a time, the order swapped
each turn. On a shared machine whose speed wanders by 2x from one minute to the next, a floor
timed minutes apart from Attune made the ratio a measure of those minutes; in turns, both
meet the same ones. The lean floor (a fixed range: a tap repaints only the curve's corner),
the least such a window can do, runs alone first, for information. Figures, each measured
from outside the process:

- idle CPU: the process's CPU time (user + system, all threads, /proc/PID/stat) over `--idle`
  seconds with the session live and nothing tapped, as % of one core;
- key → committed: from the XTest key press until the new row is readable through a separate
  read-only SQLite connection (woken by inotify on the -wal file);
- key → repainted: from the key until the first X Damage event on the window after that
  commit (the first pixels of the repaint that shows the tap reach the X server);
- CPU per tap: the process's CPU time over its turns, from before each turn's first gap to
  its last tap's repaint, divided by the taps (ticks between the taps included; a repaint on
  taking the focus, settled before a turn begins, is not).
Taps come 0.35–0.65 s apart (random), so they land at every phase of the window's tick.
Prints the medians across rounds (with their range when there are several) and the ratios to
the floors, then `RESULT {json}` for benchmarks/run_all.py. Wall-clock figures depend on the
machine's load: the load average is printed beside them; compare ratios to the floors.

    .venv/bin/python benchmarks/live_on_x.py [--sizes 0 1000 10000 100000] [--taps 200]
        [--idle 60] [--rounds 1]
Needs Xvfb and the `bench` extra (python-xlib).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from x_probe import CommitWatch, XSession, cpu_seconds  # noqa: E402

from scale_fixture import insert_events  # noqa: E402

from attune_companion.events import Kind  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402

HERE = Path(__file__).resolve().parent
KEYS = {"client:ventral": "1", "client:sympathetic": "2", "client:dorsal": "3",
        "self:ventral": "q", "self:sympathetic": "w", "self:dorsal": "e", "rupture": "r",
        "repair_attempt": "a", "repair": "f", "note:glimmer": "g"}
MEAN_GAP_MS = 3_000
SETTLE_S = 3.0
START_TIMEOUT_S = 180.0
TAP_TIMEOUT_S = 5.0
BLOCK = 20
"""Taps a window takes in its turn, before the other window's."""
FOCUS_SETTLE_S = 1.0
"""After a window is given the focus, before its first tap's gap (its repaint on taking
the focus is not a tap's)."""
FLOOR_LEFT = 1200


def write_session(path: Path, n: int, seed: int = 1) -> None:
    """A database holding one interrupted session of `n` valid events ending at about now
    (no rupture left open, so the tap plan's first repair has one to close)."""
    rng = random.Random(seed)
    states = ("ventral", "sympathetic", "dorsal")
    offsets, t = [], 0
    for _ in range(n):
        t += rng.randint(MEAN_GAP_MS // 3, MEAN_GAP_MS * 5 // 3)
        offsets.append(t)
    started = time.time() - (t + 2_000) / 1000  # the last tap 2 s before now
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime(started))
    store = Store.open(path)
    row = store.create_session("BENCH-1", number=1, modality="telehealth", started_utc=stamp,
                               time_zone="UTC", scheme_json=default_scheme().to_json())
    first = store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0] + 1
    rows, rupture_open = [], False
    for i, t in enumerate(offsets):
        r = rng.random()
        if rupture_open and (r < 0.08 or i == n - 1):
            kind, value, rupture_open = Kind.REPAIR, None, False
        elif rupture_open and r < 0.12:
            kind, value = Kind.REPAIR_ATTEMPT, None
        elif not rupture_open and r < 0.05 and i < n - 1:
            kind, value, rupture_open = Kind.RUPTURE, "withdrawal", True
        elif r < 0.55:
            kind, value = Kind.CLIENT, rng.choice(states)
        elif r < 0.92:
            kind, value = Kind.SELF, rng.choice(states)
        else:
            kind, value = Kind.NOTE, "glimmer"
        moment = started + t / 1000
        wall = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
        rows.append((first + i, row.id, kind.value, t,
                     f"{wall}.{int(moment % 1 * 1000):03d}+00:00", value, None, None, None, None))
    with store.db.atomic():
        insert_events(store, rows)  # each row signed as Attune signs it
    store.set_status(row.id, "interrupted")
    store.close()


def tap_keys(n: int) -> list[str]:
    """The keys of a plausible run of `n` taps (benchmarks/tap_latency.py's plan)."""
    from tap_latency import tap_plan

    return [KEYS[name] for name in tap_plan(n)]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@dataclass
class Window:
    """One running window and what its taps measured."""

    which: str
    n: int
    proc: subprocess.Popen[bytes]
    x_window: object
    watch: CommitWatch
    log: Path
    keys: Iterator[str]
    idle_cpu_pct: float = 0.0
    committed: list[float] = field(default_factory=list)
    repainted: list[float] = field(default_factory=list)
    tap_cpu_s: float = 0.0

    def figures(self) -> dict[str, float]:
        return {
            "idle_cpu_pct": self.idle_cpu_pct,
            "cpu_per_tap_ms": 1000 * self.tap_cpu_s / len(self.committed),
            **{f"committed_p{p}_ms": percentile(self.committed, p) for p in (50, 95, 99)},
            **{f"repainted_p{p}_ms": percentile(self.repainted, p) for p in (50, 95, 99)},
        }


def open_window(x: XSession, which: str, n: int, taps: int, folder: Path,
                left: int = 0) -> Window:
    """Start one window (Attune with `n` events, or a floor) at `left`, and watch it."""
    db = folder / f"{which.replace(' ', '-')}-{n}.db"
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, DISPLAY=x.display_name, QT_QPA_PLATFORM="xcb",
               HOME=str(folder), XDG_CONFIG_HOME=str(folder / "config"),
               XDG_DATA_HOME=str(folder / "data"), XDG_STATE_HOME=str(folder / "state"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    extra = []
    if which == "attune":
        write_session(db, n)
        script, title, live_rows = "attune_resumed.py", "Attune", n + 2  # + pause, resume
    else:
        script, title, live_rows = "floor_window.py", "Attune floor", 0
        extra = ["--lean"] if which == "lean floor" else []
    log = db.with_suffix(".log")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(HERE / script), str(db), *extra], env=env,
                                stdout=subprocess.DEVNULL, stderr=out)
    try:
        window = x.wait_for_window(proc.pid, title, START_TIMEOUT_S, proc)
        x.place(window, left)
        watch = CommitWatch(db, live_rows, START_TIMEOUT_S, proc)
    except BaseException:
        stop(proc)
        raise
    return Window(which, n, proc, window, watch, log, iter(tap_keys(taps)))


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def close_window(x: XSession, w: Window) -> None:
    """End the window's process; fail loudly if it raised."""
    w.watch.close()
    stop(w.proc)
    x.forget(w.x_window)
    err = w.log.read_text(errors="replace")
    if "Traceback" in err:
        raise SystemExit(f"the {w.which} window failed:\n{err[-2000:]}")


def measure(x: XSession, windows: list[Window], args: argparse.Namespace) -> None:
    """Idle CPU of every window over the same seconds, then their taps in turns: blocks of
    BLOCK taps, one window after the other, the order swapped each round (ABBA), so that every
    window meets the same moments of the machine."""
    time.sleep(SETTLE_S)
    cpu0 = [cpu_seconds(w.proc.pid) for w in windows]
    t0 = time.perf_counter()
    time.sleep(args.idle)
    took = time.perf_counter() - t0
    for w, before in zip(windows, cpu0):
        w.idle_cpu_pct = 100 * (cpu_seconds(w.proc.pid) - before) / took
    rng = random.Random(7)
    for round_no in range(-(-args.taps // BLOCK)):
        order = windows if round_no % 2 == 0 else windows[::-1]
        for w in order:
            tap_block(x, w, min(BLOCK, args.taps - round_no * BLOCK), rng)


def tap_block(x: XSession, w: Window, taps: int, rng: random.Random) -> None:
    """Focus the window, let it settle, then tap it `taps` times 0.35–0.65 s apart; its CPU
    time from the first gap to the last repaint counts toward its CPU per tap."""
    x.focus(w.x_window)
    time.sleep(FOCUS_SETTLE_S)
    cpu0 = cpu_seconds(w.proc.pid)
    for _ in range(taps):
        time.sleep(rng.uniform(0.35, 0.65))
        sent = x.press(next(w.keys))
        done, shown = w.watch.wait_next(x, w.x_window, TAP_TIMEOUT_S)
        w.committed.append((done - sent) * 1000)
        w.repainted.append((shown - sent) * 1000)
    w.tap_cpu_s += cpu_seconds(w.proc.pid) - cpu0


def run_alone(x: XSession, which: str, args: argparse.Namespace,
              folder: Path) -> dict[str, float]:
    w = open_window(x, which, 0, args.taps, folder)
    try:
        measure(x, [w], args)
    finally:
        close_window(x, w)
    return w.figures()


def run_pair(x: XSession, n: int, args: argparse.Namespace,
             folder: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Attune with `n` events and a fresh bare floor window, side by side, tapped in turns:
    (floor figures, Attune figures)."""
    app = open_window(x, "attune", n, args.taps, folder)
    try:
        floor = open_window(x, "floor", n, args.taps, folder, left=FLOOR_LEFT)
    except BaseException:
        close_window(x, app)
        raise
    try:
        measure(x, [floor, app], args)
    finally:
        try:
            close_window(x, floor)
        finally:  # Attune's process ends even when the floor's reported a failure
            close_window(x, app)
    return floor.figures(), app.figures()


COLUMNS = [("idle CPU", "idle_cpu_pct", "%"), ("CPU / tap", "cpu_per_tap_ms", "ms"),
           ("committed p50", "committed_p50_ms", "ms"), ("p95", "committed_p95_ms", "ms"),
           ("p99", "committed_p99_ms", "ms"), ("repainted p50", "repainted_p50_ms", "ms"),
           ("p95", "repainted_p95_ms", "ms"), ("p99", "repainted_p99_ms", "ms")]


def table(rows: list[tuple[str, dict[str, list[float]]]]) -> str:
    """Medians across rounds, with the range when there was more than one round."""
    out = ["| window | " + " | ".join(c[0] for c in COLUMNS) + " |",
           "|---|" + "---:|" * len(COLUMNS)]
    for label, figures in rows:
        cells = []
        for _, key, unit in COLUMNS:
            values = figures[key]
            cell = f"{statistics.median(values):.1f} {unit}"
            if len(values) > 1:
                cell += f" ({min(values):.1f}–{max(values):.1f})"
            cells.append(cell)
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1_000, 10_000, 100_000])
    parser.add_argument("--taps", type=int, default=200)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle CPU")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    results: dict[tuple[str, int], dict[str, list[float]]] = {}
    loads = []
    began = time.perf_counter()

    def keep(run: tuple[str, int], figures: dict[str, float]) -> None:
        for key, value in figures.items():
            results.setdefault(run, {}).setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory() as tmp, XSession() as x:
        for round_no in range(args.rounds):
            loads.append(os.getloadavg()[0])
            print(f"round {round_no + 1}: lean floor …", file=sys.stderr, flush=True)
            keep(("lean floor", 0), run_alone(x, "lean floor", args, Path(tmp)))
            for n in args.sizes:
                loads.append(os.getloadavg()[0])
                print(f"round {round_no + 1}: Attune at {n:,} events and the floor, in turns …",
                      file=sys.stderr, flush=True)
                floor, app = run_pair(x, n, args, Path(tmp))
                keep(("floor", n), floor)
                keep(("attune", n), app)
    took = time.perf_counter() - began
    rows = [("floor window, lean: for information (0 events), alone", results[("lean floor", 0)])]
    for n in args.sizes:
        rows.append((f"floor window, bare (0 events), in turns with Attune at {n:,}",
                     results[("floor", n)]))
        rows.append((f"Attune, {n:,} events", results[("attune", n)]))
    print(f"Live window through Xvfb (1100x760), {args.taps} key taps 0.35–0.65 s apart and "
          f"{args.idle:.0f} s idle per window, {args.rounds} round(s), {took:.0f} s in all; "
          f"load average (1 min) {min(loads):.2f}–{max(loads):.2f} on {os.cpu_count()} cores.\n"
          f"Attune at each size is open beside a fresh bare floor window; they sit idle "
          f"together, then take their taps in turns, {BLOCK} at a time.\n"
          "idle CPU: % of one core, session live, nothing tapped; CPU / tap: process CPU time "
          "per tap, ticks between taps included; committed: key → row readable by another "
          "connection; repainted: key → first X Damage on the window after the commit.\n")
    print(table(rows))
    medians = {run: {k: statistics.median(v) for k, v in found.items()}
               for run, found in results.items()}
    lean = medians[("lean floor", 0)]
    figures: dict[str, float] = {f"lean_floor_{k}": round(v, 3) for k, v in lean.items()}
    for key in lean:  # the bare floor: the median of its runs beside each size
        figures[f"floor_{key}"] = round(statistics.median(
            medians[("floor", n)][key] for n in args.sizes), 3)
    ratios = []
    for n in args.sizes:
        app, floor = medians[("attune", n)], medians[("floor", n)]
        for key in ("idle_cpu_pct", "cpu_per_tap_ms", "repainted_p50_ms", "repainted_p95_ms",
                    "repainted_p99_ms", "committed_p99_ms"):
            figures[f"attune_{n}_{key}"] = round(app[key], 3)
            figures[f"floor_{n}_{key}"] = round(floor[key], 3)
        row = [n]
        for prefix, base in (("ratio", floor), ("lean_ratio", lean)):
            for key, short in (("repainted_p99_ms", "repainted_p99"),
                               ("cpu_per_tap_ms", "cpu_per_tap")):
                figures[f"{prefix}_{n}_{short}"] = round(app[key] / base[key], 3)
                row.append(figures[f"{prefix}_{n}_{short}"])
        ratios.append("| {:,} | {:.2f} | {:.2f} | {:.2f} | {:.2f} |".format(*row))
    figures["max_idle_cpu_pct"] = max(figures[f"attune_{n}_idle_cpu_pct"] for n in args.sizes)
    for prefix in ("ratio", "lean_ratio"):
        for short in ("repainted_p99", "cpu_per_tap"):
            figures[f"max_{prefix}_{short}"] = max(figures[f"{prefix}_{n}_{short}"]
                                                   for n in args.sizes)
    print("\nRatios to the floor windows at 0 events (targets, against the bare floor tapped in "
          "turns with it: repainted p99 ≤ 1.3, CPU per tap ≤ 2; idle CPU ≤ 1 % of a core):\n")
    print("| events | repainted p99 / bare floor beside it | CPU per tap / bare floor beside it "
          "| repainted p99 / lean floor | CPU per tap / lean floor |\n|---:|---:|---:|---:|---:|")
    print("\n".join(ratios))
    print("RESULT " + json.dumps(figures))


if __name__ == "__main__":
    main()
