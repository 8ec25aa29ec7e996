"""A minute of taps at 50 a second (session time, on the fake clock) through the live window,
half by click and half by key: every tap is shown recorded as it is made, and every one is in
the database, in order, none lost. The event loop runs between taps as it does in use, so
paints and ticks land among them.

How fast the window keeps up on a real schedule is a figure, not a test: see
benchmarks/tap_stress.py (a test that compares the wall clock with a number fails on a busy
machine and teaches nothing).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QGraphicsView

from attune_companion.events import Kind
from attune_companion_ui.live.actions import key_sequence

TAPS = int(os.environ.get("STRESS_TAPS", 3_000))
"""A minute at 50 taps a second."""
TAP_S = 1 / 50
TICK_EVERY = 12
"""Taps between the window's 250 ms ticks (12 × 20 ms)."""
LOOP_EVERY = 5
"""Taps between turns of the event loop (paints coalesce over 100 ms, as they would live)."""
LADDER = ("ventral", "sympathetic", "dorsal")


def plan(n: int) -> list[str]:
    """Always-valid taps: both lanes, notes, and a rupture with an attempt and a repair every
    20 taps."""
    names = []
    for i in range(n):
        step = i % 20
        if step == 5:
            names.append("rupture")
        elif step == 9:
            names.append("repair_attempt")
        elif step == 13:
            names.append("repair")
        elif step == 17:
            names.append("note:glimmer")
        else:
            lane = "self" if i % 3 == 2 else "client"
            names.append(f"{lane}:{LADDER[(i // 3 + i) % 3]}")
    return names


def expected(name: str) -> tuple[Kind, str | None]:
    kinds = {"rupture": (Kind.RUPTURE, None), "repair_attempt": (Kind.REPAIR_ATTEMPT, None),
             "repair": (Kind.REPAIR, None), "note:glimmer": (Kind.NOTE, "glimmer")}
    if name in kinds:
        return kinds[name]
    lane, state = name.split(":")
    return (Kind.CLIENT if lane == "client" else Kind.SELF), state


class CountPaints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def test_a_minute_at_fifty_taps_a_second_is_all_recorded_in_order(live, store, clock):
    # Each commit still returns before the tap is shown; only the disk's flush per commit is
    # left out (3,000 of them are minutes on a slow disk, and durability has its own tests).
    store.conn.execute("PRAGMA synchronous = NORMAL")
    page = live.live_page
    names = plan(TAPS)
    keys = {name: key_sequence(page.actions.get(name).key)[0] for name in set(names)}
    paints = CountPaints()
    page.plot.findChild(QGraphicsView).viewport().installEventFilter(paints)
    turns = 0

    for done, name in enumerate(names):
        clock.advance(TAP_S)
        if done % 2 == 0:
            page.pad.buttons[name].click()
        else:
            QTest.keyClick(live, keys[name].key(), keys[name].keyboardModifiers())
        assert page.status.text().startswith("Recorded:"), (done, name, page.status.text())
        if (done + 1) % TICK_EVERY == 0:
            live._tick()  # the 250 ms tick, in session time
        if (done + 1) % LOOP_EVERY == 0:
            QApplication.processEvents()
            turns += 1

    events = store.events(store.sessions()[0].id)
    assert [(e.kind, e.value) for e in events] == [expected(n) for n in names]
    assert [e.offset_ms for e in events] == sorted(e.offset_ms for e in events)
    assert events[-1].offset_ms == round(TAPS * TAP_S * 1000), "stamped on the session clock"
    assert paints.paints >= turns // 2, (
        f"the plot was drawn {paints.paints} times in {turns} turns of the event loop")
