"""The research views at two database sizes: prints a Markdown table of timings.

Each view is plain SQL computed over the whole database whenever it is read (a filter on
session_id does not make a derived view cheaper), so its time grows with the number of
events. Two databases are built with the history benchmark's generator: a busy year
(900 sessions of 60 events) and the history benchmark's 1,000 sessions of 200 events.
Each view is read whole (`SELECT *`), median of 3. The last line, `RESULT {json}`, is for
benchmarks/run_all.py.

Run: .venv/bin/python benchmarks/research_views.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_scale import session_events  # noqa: E402

from attune_companion.research_views import VIEWS  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402


def build(store: Store, sessions: int, events: int, rng: random.Random) -> None:
    """`sessions` ended sessions of `events` events each, over 30 clients."""
    scheme_json = default_scheme().to_json()
    rows = []
    with store.db.atomic():
        for k in range(sessions):
            started = f"2025-01-01T09:00:{k % 60:02d}.000+00:00"
            row = store.create_session(f"C-{k % 30:03d}", number=k // 30 + 1, modality=None,
                                       started_utc=started, time_zone="UTC",
                                       scheme_json=scheme_json)
            store.set_status(row.id, "ended", started)
            rows += [(row.id, kind, t, started, value, tags)
                     for kind, t, value, tags in session_events(rng, events)]
        store.db.conn.executemany(
            "INSERT INTO events (session_id, kind, offset_ms, wall_utc, value, tags)"
            " VALUES (?, ?, ?, ?, ?, ?)", rows)


def timed(store: Store, sql: str, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        store.conn.execute(sql).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller databases")
    args = parser.parse_args()
    sizes = [(90, 60), (100, 200)] if args.quick else [(900, 60), (1000, 200)]
    rng = random.Random(11)
    figures: dict[str, float] = {}
    print("| view | " + " | ".join(f"{s} sessions × {e} events" for s, e in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    results: dict[str, list[float]] = {view: [] for view in VIEWS}
    for sessions, events in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(Path(tmp) / "attune.db")
            build(store, sessions, events, rng)
            for view in VIEWS:
                results[view].append(timed(store, f"SELECT * FROM {view}"))
            store.close()
    for view, times in results.items():
        print(f"| {view} | " + " | ".join(f"{t:.0f} ms" for t in times) + " |")
    figures["views_summary_year_ms"] = results["session_summary"][0]
    figures["views_summary_large_ms"] = results["session_summary"][1]
    print("RESULT " + json.dumps({k: round(v, 1) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
