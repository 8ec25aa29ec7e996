"""Helper for test_checkpoint.py (not a test module): records, then waits to be killed.

Usage: python wal_writer.py DB_PATH

Records one whole session (taps, then its end), then a second session: some taps, an
explicit `Store.checkpoint()`, then more taps. It prints what it recorded at each step as
"WHAT SESSION_ID EVENT_ID..." and "ready" at the end, then waits, holding the database open,
for the test to kill it: nothing is closed, so only what the steps themselves guarantee is
in the database file.
"""

from __future__ import annotations

import sys

from attune_companion.clock import SystemClock
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


def say(what: str, rec: Recorder, ids: list[int]) -> None:
    print(what, rec.session.id, *ids, flush=True)


def main(db_path: str) -> None:
    store = Store.open(db_path)
    clock = SystemClock()
    ended = Recorder.start(store, default_scheme(), clock, "WAL-01")
    ids = [ended.client(("ventral", "dorsal")[i % 2]).event.id for i in range(30)]
    ids.append(ended.end().event.id)
    say("ended", ended, ids)
    live = Recorder.start(store, default_scheme(), clock, "WAL-02")
    say("checkpointed", live, [live.client("sympathetic").event.id for _ in range(10)])
    store.checkpoint()
    say("after", live, [live.self_state("ventral").event.id for _ in range(10)])
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main(sys.argv[1])
