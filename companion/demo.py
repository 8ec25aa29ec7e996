"""A generated, realistic 50-minute session for a new user to explore.

The demo is recorded through the same `Recorder` calls real taps make, on a `FakeClock` whose
wall clock starts about an hour ago, so it is stored, folded and summarised exactly like a real
session. The same seed always gives the same session.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from attune_companion.clock import FakeClock
from attune_companion.recorder import Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store

GENERIC_NOTES = (
    "Returned to last week's theme.",
    "Breathing slowed after the grounding exercise.",
    "Long silence; eyes down.",
    "Laughed for the first time today.",
)


class _Script:
    """Moves the fake clock to a session time, then taps."""

    def __init__(self, rec: Recorder, clock: FakeClock, rng: random.Random) -> None:
        self.rec, self.clock, self.rng = rec, clock, rng

    def at(self, seconds: float) -> Recorder:
        """The recorder, with the clock moved to `seconds` of session time (never backwards)."""
        jittered = seconds + self.rng.uniform(-8, 8)
        now = self.rec.now_ms() / 1000
        self.clock.advance(max(jittered - now, 1.0))
        return self.rec

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


def make_demo_session(
    store: Store, scheme: Scheme, *, client_code: str = "DEMO-01", seed: int = 0
) -> int:
    """Record a generated ~50-minute session (ended) and return its id.

    It has three or four ruptures (the last one repaired late or left unrepaired), a short
    break, an undone mis-tap, a back-dated tap, glimmers, triggers and generic notes. It taps
    ids of the default scheme (pass `default_scheme()`).
    """
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(minutes=60 + rng.uniform(0, 5))
    clock = FakeClock(wall=start.replace(microsecond=0))
    number = len(store.sessions(client_code)) + 1
    rec = Recorder.start(store, scheme, clock, client_code, number=number, modality="telehealth")
    s = _Script(rec, clock, rng)
    _opening(s)
    _withdrawal(s, start_s=8 * 60, markers=["minimal_response", "avoidant_storytelling"])
    _calm(s, from_s=14 * 60, to_s=19 * 60, late_noticing=True)
    _confrontation(s, start_s=20 * 60, markers=["complaint_parameters"])
    _break(s, at_s=27 * 60, minutes=2)
    if rng.random() < 0.5:
        _withdrawal(s, start_s=31 * 60, markers=["self_criticism"],
                    strategies=["validate_defence"])
    else:
        _activation(s, start_s=31 * 60)
    _calm(s, from_s=36 * 60, to_s=41 * 60)
    _confrontation(s, start_s=42 * 60, markers=["complaint_progress"], repaired=False)
    _ending(s, end_s=52 * 60 + rng.uniform(0, 90))
    return rec.session.id


def _opening(s: _Script) -> None:
    """Arriving activated, settling, a glimmer."""
    s.at(10).client("sympathetic")
    s.at(15).self_state("ventral")
    s.at(150).client("ventral")
    s.at(240).note("glimmer")
    s.at(330).client(s.pick("ventral", "sympathetic"))
    s.at(420).client("ventral")


def _withdrawal(
    s: _Script, start_s: float, markers: list[str], strategies: list[str] | None = None
) -> None:
    """The client moves away; a first attempt does not land; a second one repairs."""
    s.at(start_s).client("dorsal")
    s.at(start_s + 20).rupture("withdrawal", markers)
    s.at(start_s + 60).self_state("sympathetic")
    s.at(start_s + 110).repair_attempt(["clarify"])
    s.at(start_s + 160).self_state("ventral")
    s.at(start_s + 220).repair(strategies or ["invite_exploration"])
    s.at(start_s + 260).client("ventral")


def _confrontation(
    s: _Script, start_s: float, markers: list[str], repaired: bool = True
) -> None:
    """The client moves against; a rationale, then the clinician's own part, repairs it."""
    s.at(start_s).client("sympathetic")
    s.at(start_s + 15).rupture("confrontation", markers)
    s.at(start_s + 30).self_state("sympathetic")
    s.at(start_s + 90).repair_attempt(["rationale"])
    if not repaired:
        s.at(start_s + 150).note("trigger")
        return
    s.at(start_s + 180).note("trigger")
    s.at(start_s + 240).repair(["acknowledge", "invite_exploration"])
    s.at(start_s + 255).client("ventral")
    s.at(start_s + 270).self_state("ventral")


def _calm(s: _Script, from_s: float, to_s: float, late_noticing: bool = False) -> None:
    """A settled stretch with a note and a brief activation; with `late_noticing`, a
    mis-tap that is undone and a settling noticed (and back-dated) 20 s late."""
    s.at(from_s).note("note", s.pick(*GENERIC_NOTES))
    if late_noticing:
        s.at(from_s + 60).client("dorsal")
        s.at(from_s + 62).undo()
    s.at(from_s + 120).client("sympathetic")
    if late_noticing:
        s.at(from_s + 180).client("ventral", backdate_s=20)
    else:
        s.at(from_s + 160).client("ventral")
    s.at(to_s).note("glimmer")


def _activation(s: _Script, start_s: float) -> None:
    """A stretch of activation on both lanes that settles without a rupture."""
    s.at(start_s).client("sympathetic")
    s.at(start_s + 40).self_state("sympathetic")
    s.at(start_s + 150).self_state("ventral")
    s.at(start_s + 200).client("ventral")


def _break(s: _Script, at_s: float, minutes: float) -> None:
    s.at(at_s).pause()
    s.at(at_s + minutes * 60).resume()


def _ending(s: _Script, end_s: float) -> None:
    """Winding down; anything still open is recorded as unrepaired by `end`."""
    rec = s.at(end_s - 300)
    if rec.state.open_episode is not None and s.rng.random() < 0.5:
        rec.repair(["link_patterns"])  # repaired late
        s.at(end_s - 270).client("ventral")
        s.at(end_s - 240).self_state("ventral")
    else:  # settles on the surface; the rupture stays open into the next session
        s.at(end_s - 240).client("ventral")
        s.at(end_s - 200).self_state("ventral")
    s.at(end_s - 120).note("note", s.pick(*GENERIC_NOTES))
    s.at(end_s).end()
