"""Per-tap commit time: one Store.append (its own transaction; WAL, synchronous=FULL).

Usage: .venv/bin/python benchmarks/commit_latency.py [APPENDS] [FOLDER]

Appends APPENDS events (default 2000) to a new database in a temporary folder (or in FOLDER,
to measure another disk) and prints the median, p99 and maximum time per append.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from attune_companion.events import Kind
from attune_companion.store import Store, now_utc


def measure(folder: Path, appends: int) -> list[float]:
    """Milliseconds taken by each of `appends` committed appends."""
    with Store.open(folder / "bench.db") as store:
        journal = store.db.execute("PRAGMA journal_mode").fetchone()[0]
        sync = store.db.execute("PRAGMA synchronous").fetchone()[0]
        assert (journal, sync) == ("wal", 2), (journal, sync)  # 2 = FULL
        session = store.create_session("BENCH-1", number=None, modality=None,
                                       started_utc=now_utc(), time_zone="UTC", scheme_json="{}")
        times = []
        for i in range(appends):
            start = time.perf_counter_ns()
            store.append(session.id, Kind.CLIENT, i * 1000, now_utc(), value="ventral")
            times.append((time.perf_counter_ns() - start) / 1e6)
    return times


def main() -> None:
    appends = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory(dir=sys.argv[2] if len(sys.argv) > 2 else None) as tmp:
        times = sorted(measure(Path(tmp), appends))
        where = tmp
    p99 = times[min(len(times) - 1, round(0.99 * len(times)) - 1)]
    print(f"{appends} appends in {where} (WAL, synchronous=FULL)")
    print(f"median {statistics.median(times):.3f} ms  p99 {p99:.3f} ms  max {times[-1]:.3f} ms")


if __name__ == "__main__":
    main()
