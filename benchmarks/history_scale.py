"""History and playback at scale: prints a Markdown table of timings.

Builds a temporary database of 1,000 sessions (50 clients × 20) holding 200,000 events, writes
each session's digest as its end would (`refresh_digest`), reopens it, then times the first
`history()` and `trends()` (what a clinician waits for), again, after one session changed,
filtered by client, and the cold rebuild with every digest missing (once, after an upgrade);
then `Replay` on a 10,000-event session, per frame at 16× (60 frames a second) and on random
scrubs. The last line, `RESULT {json}`, is for benchmarks/run_all.py.

Run: .venv/bin/python benchmarks/history_scale.py
The events are inserted with one executemany (a fixture shortcut); they form valid sessions.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attune_companion.history import history, refresh_digest, trends  # noqa: E402
from attune_companion.replay import Replay, rupture_timer  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion.store import Store  # noqa: E402
from timed import median_ms  # noqa: E402

CLIENTS, SESSIONS_PER_CLIENT, EVENTS_PER_SESSION = 50, 20, 200
STATES = ("ventral", "sympathetic", "dorsal")


def session_events(rng: random.Random, n: int) -> list[tuple[str, int, str | None, str | None]]:
    """`n` events (kind, offset_ms, value, tags) that fold into a valid ended session."""
    out: list[tuple[str, int, str | None, str | None]] = []
    t, rupture_open, paused = 0, False, False
    while len(out) < n - 1:
        t += rng.randint(200, 30_000 * 200 // n)
        if paused:
            out.append(("resume", t, None, None))
            paused = False
            continue
        r = rng.random()
        if r < 0.4:
            out.append(("client_state", t, rng.choice(STATES), None))
        elif r < 0.75:
            out.append(("self_state", t, rng.choice(STATES), None))
        elif r < 0.85:
            if rupture_open:
                out.append(("repair", t, None, json.dumps(["clarify"])))
            else:
                out.append(("rupture", t, "withdrawal", json.dumps(["denial"])))
            rupture_open = not rupture_open
        elif r < 0.97 or len(out) >= n - 3:
            out.append(("note", t, "glimmer", None))
        else:
            out.append(("pause", t, None, None))
            paused = True
    if paused:
        out[-1] = ("resume", t, None, None)
    out.append(("end", t + 1000, None, None))
    return out


def build(store: Store, rng: random.Random) -> list[str]:
    """Fill `store` with the sessions; returns the client codes."""
    scheme_json = default_scheme().to_json()
    codes = [f"C-{i:03d}" for i in range(CLIENTS)]
    rows: list[tuple[Any, ...]] = []
    with store.db.atomic():
        for k in range(SESSIONS_PER_CLIENT):
            for code in codes:
                day = f"2025-{1 + k // 2:02d}-{1 + (k % 2) * 14 + rng.randint(0, 9):02d}"
                started = f"{day}T09:00:00.000+00:00"
                row = store.create_session(code, number=k + 1, modality="telehealth",
                                           started_utc=started, time_zone="Europe/Berlin",
                                           scheme_json=scheme_json)
                store.set_status(row.id, "ended", started)
                for kind, t, value, tags in session_events(rng, EVENTS_PER_SESSION):
                    rows.append((row.id, kind, t, started, value, tags))
        store.db.conn.executemany(
            "INSERT INTO events (session_id, kind, offset_ms, wall_utc, value, tags)"
            " VALUES (?, ?, ?, ?, ?, ?)", rows)
        for s in store.sessions(codes[0]):
            store.set_rating(s.id, "alliance", rng.randint(4, 10))
    return codes


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def bench_history(rng: random.Random, figures: dict[str, float]) -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "attune.db"
        store = Store.open(path)
        t0 = time.perf_counter()
        codes = build(store, rng)
        n_events = store.db.execute("SELECT count(*) FROM events").fetchone()[0]
        ids = [r[0] for r in store.db.execute("SELECT id FROM sessions").fetchall()]
        rows.append((f"build fixture ({len(ids)} sessions, {n_events} events)",
                     f"{(time.perf_counter() - t0) * 1000:.0f} ms"))
        # In use each digest is written as its session ends (Recorder.end calls this).
        ends = []
        for sid in ids:
            t0 = time.perf_counter()
            refresh_digest(store, sid)
            ends.append((time.perf_counter() - t0) * 1000)
        rows.append(("refresh_digest at a session's end (200 events), median",
                     f"{statistics.median(ends):.2f} ms"))
        store.close()
        store = Store.open(path)  # a fresh start of the app: nothing in memory
        first = median_ms(lambda: history(store), 1)
        first_trends = median_ms(lambda: trends(store, codes[0]), 1)
        figures["history_first_ms"] = first
        figures["history_trends_first_ms"] = first + first_trends
        rows.append(("history() first listing after start (digests written at end)",
                     f"{first:.1f} ms"))
        rows.append(("trends(client) first after start", f"{first_trends:.1f} ms"))
        warm = median_ms(lambda: history(store), 10)
        figures["history_warm_ms"] = warm
        rows.append(("history() again (median of 10)", f"{warm:.1f} ms"))
        last = store.db.execute("SELECT MAX(id) FROM events").fetchone()[0]
        sid = store.db.execute("SELECT session_id FROM events WHERE id = ?", [last]).fetchone()[0]
        store.db.execute(
            "INSERT INTO events (session_id, kind, offset_ms, wall_utc, target, changes)"
            " VALUES (?, 'edit', 0, '', ?, ?)", [sid, last - 5, json.dumps({"removed": True})])
        rows.append(("history() after one session changed behind its back",
                     f"{median_ms(lambda: history(store), 1):.1f} ms"))
        rows.append(("history(client=…) (median of 10)",
                     f"{median_ms(lambda: history(store, client=codes[3]), 10):.1f} ms"))
        rows.append(("trends(client) (median of 10)",
                     f"{median_ms(lambda: trends(store, codes[0]), 10):.1f} ms"))
        store.db.execute("DELETE FROM session_digests")
        cold = median_ms(lambda: history(store), 1)
        figures["history_cold_ms"] = cold
        rows.append(("history() cold rebuild, every digest missing (once, after an upgrade)",
                     f"{cold:.0f} ms"))
        store.close()
    return rows


def bench_replay(rng: random.Random, figures: dict[str, float]) -> list[tuple[str, str]]:
    scheme = default_scheme()
    store = Store.memory()
    row = store.create_session("PLAY-1", number=1, modality=None,
                               started_utc="2025-01-01T09:00:00.000+00:00", time_zone="UTC",
                               scheme_json=scheme.to_json())
    store.db.conn.executemany(
        "INSERT INTO events (session_id, kind, offset_ms, wall_utc, value, tags)"
        " VALUES (?, ?, ?, '', ?, ?)",
        [(row.id, *e) for e in session_events(rng, 10_000)])
    log = store.events(row.id)
    t0 = time.perf_counter()
    replay = Replay(log, scheme)
    build_ms = (time.perf_counter() - t0) * 1000

    def frame(t: int) -> float:
        """What a playback frame asks: the state, the timer, the list row, the lit pad."""
        t0 = time.perf_counter()
        state = replay.state_at(t)
        rupture_timer(state, t)
        replay.event_index_at(t)
        state.current("client"), state.current("self")
        return (time.perf_counter() - t0) * 1000

    step = round(16 * 1000 / 60)  # 16× at 60 frames a second
    frames = [frame(t) for t in range(0, replay.duration_ms + step, step)]
    scrubs = [frame(rng.randint(0, replay.duration_ms)) for _ in range(2000)]

    def spread(ms: list[float]) -> str:
        return f"{percentile(ms, 50):.2f} / {percentile(ms, 99):.2f} / {max(ms):.2f} ms"

    figures["replay_frame_p99_ms"] = percentile(frames, 99)
    return [
        (f"Replay() build, {len(log)} events", f"{build_ms:.1f} ms"),
        (f"playback frame at 16× ({len(frames)} frames): p50 / p99 / max", spread(frames)),
        ("scrub to a random moment (2000 times): p50 / p99 / max", spread(scrubs)),
    ]


def main() -> None:
    rng = random.Random(7)
    figures: dict[str, float] = {}
    rows = bench_history(rng, figures) + bench_replay(rng, figures)
    print("| measure | time |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("RESULT " + json.dumps({k: round(v, 3) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
