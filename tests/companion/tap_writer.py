"""Helper for test_durability.py (not a test module): records taps until it is killed.

Usage: python tap_writer.py DB_PATH

Opens the store, starts a session on the real clock, prints "session ID", then records taps
in a loop (client, self, rupture, repair attempt, repair, note) and prints "EVENT_ID KIND"
for each one only after the Recorder call has returned, i.e. after it was committed. A line
on stdout is therefore an acknowledgement: the test kills this process at a random moment
and checks that every acknowledged event survived.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import cycle

from attune_companion.clock import SystemClock
from attune_companion.recorder import Change, Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


def main(db_path: str) -> None:
    store = Store.open(db_path)
    rec = Recorder.start(store, default_scheme(), SystemClock(), "KILL-01")
    print(f"session {rec.session.id}", flush=True)
    taps: list[Callable[[], Change]] = [
        lambda: rec.client("ventral"),
        lambda: rec.self_state("ventral"),
        lambda: rec.rupture("withdrawal", ["minimal_response"]),
        lambda: rec.client("dorsal"),
        lambda: rec.repair_attempt(["clarify"]),
        lambda: rec.self_state("sympathetic"),
        lambda: rec.repair(["acknowledge"]),
        lambda: rec.note("note", "generic note text"),
        lambda: rec.client("sympathetic"),
    ]
    for tap in cycle(taps):
        event = tap().event
        print(f"{event.id} {event.kind.value}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
