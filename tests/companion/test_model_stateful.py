"""Random sessions driven through the Recorder, checked against a brute-force reference.

The reference keeps its own list of the taps in effect and samples the session on a 100 ms
grid (every time in these sessions is a multiple of 100 ms, so sampling is exact): each
sample's state on each lane, whether it is paused, whether a rupture is open. The summary's
figures must equal the counts of samples; the recorder's state must equal the fold of what
the store holds; lanes must tile time. A session may also be interrupted (a crash), have a tap
corrected in review meanwhile (removed, moved or changed in kind) and be resumed, after which
undo must take back the newest tap still in effect. Every session ends in teardown, after
which every rupture must be closed exactly once (repaired or unrepaired) and the figures
checked again.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from attune_companion import corrections
from attune_companion.clock import FakeClock
from attune_companion.errors import TapRefused
from attune_companion.events import EPISODE_KINDS, Kind, effective_taps
from attune_companion.fold import LANES, fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion.summary import summarise

SCHEME = default_scheme()
STATES = [s.id for s in SCHEME.enabled_states]
VENTRAL = "ventral"
GRID = 100
LANE_KIND = {"client": Kind.CLIENT, "self": Kind.SELF}
SWAPS = {Kind.CLIENT: Kind.SELF, Kind.SELF: Kind.CLIENT,
         Kind.REPAIR: Kind.REPAIR_ATTEMPT, Kind.REPAIR_ATTEMPT: Kind.REPAIR}

steps_ms = st.sampled_from([0, 100, 300, 1_000, 4_000, 20_000])
backdates_s = st.sampled_from([0, 0, 0.1, 0.5, 2, 9, 30])
markers = st.lists(st.sampled_from(sorted(SCHEME.marker_ids())), max_size=2, unique=True)
strategies = st.lists(st.sampled_from(sorted(SCHEME.strategy_ids())), max_size=2, unique=True)
TYPED = st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\n\t")
"""What can be typed: anything but control characters (tab and line break aside)."""
fixes = st.sampled_from(["none", "remove", "move", "swap"])
shifts_ms = st.sampled_from([-20_000, -1_000, -100, 100, 1_000, 20_000, 600_000])


@dataclass
class Tap:
    id: int
    kind: Kind
    offset_ms: int
    value: str | None = None
    tags: tuple[str, ...] = ()


class Reference:
    """What should have been recorded: the taps in effect, the pauses, the end."""

    def __init__(self) -> None:
        self.now = 0
        self.taps: list[Tap] = []  # in recording order; an undo removes the newest
        self.pauses: list[list[int | None]] = []
        self.ended_ms: int | None = None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None

    def timeline(self, kinds) -> list[Tap]:
        return sorted((t for t in self.taps if t.kind in kinds), key=lambda t: (t.offset_ms, t.id))

    def ruptures(self, end: int) -> list[dict]:
        """Episodes replayed from the episode taps: start, repair (or None), end."""
        out: list[dict] = []
        for tap in self.timeline(EPISODE_KINDS):
            is_open = bool(out) and out[-1]["repair"] is None
            if tap.kind is Kind.RUPTURE and not is_open:
                out.append({"start": tap.offset_ms, "repair": None})
            elif tap.kind is Kind.REPAIR:
                out[-1]["repair"] = tap.offset_ms
        for ep in out:
            ep["end"] = end if ep["repair"] is None else ep["repair"]
        return out

    def rupture_open(self) -> bool:
        eps = self.ruptures(self.now)
        return bool(eps) and eps[-1]["repair"] is None

    def placed_at(self, kind: Kind, backdate_s: float) -> tuple[int, bool]:
        """Where a tap back-dated by `backdate_s` lands, and whether it was clamped."""
        wanted = self.now - round(backdate_s * 1000)
        earliest = self.pauses[-1][1] if self.pauses else 0
        if kind in EPISODE_KINDS:
            earliest = max([earliest, *(t.offset_ms for t in self.timeline(EPISODE_KINDS))])
        offset = min(self.now, max(wanted, earliest))
        return offset, offset > wanted


class Samples:
    """The session sampled every 100 ms up to `end`."""

    def __init__(self, ref: Reference, end: int) -> None:
        self.t = np.arange(0, end, GRID)
        self.active = np.ones(len(self.t), dtype=bool)
        for start, stop in ref.pauses:
            self.active[start // GRID:(end if stop is None else stop) // GRID] = False
        self.lane = {}
        for lane, kind in LANE_KIND.items():
            taps = ref.timeline({kind})
            index = np.searchsorted([t.offset_ms for t in taps], self.t, side="right") - 1
            names = np.array([t.value for t in taps] + [None], dtype=object)
            self.lane[lane] = names[index]  # index -1 picks the None: not yet noted

    def ms(self, mask) -> int:
        return int(np.count_nonzero(mask & self.active)) * GRID

    def span_ms(self, start: int, stop: int) -> int:
        return int(np.count_nonzero(self.active[start // GRID:stop // GRID])) * GRID


class SessionMachine(RuleBasedStateMachine):
    """A live session taking random taps, pauses and undos, clock moving in 100 ms steps."""

    def __init__(self) -> None:
        super().__init__()
        self.store = Store.memory()
        self.clock = FakeClock()
        self.rec = Recorder.start(self.store, SCHEME, self.clock, "K-07")
        self.ref = Reference()

    def teardown(self) -> None:
        try:
            self.end()
            self.summary_matches_the_reference()
            self.recorder_state_is_the_fold_of_the_store()
            for ep in self.rec.state.episodes:
                assert not ep.is_open
                assert (ep.repair_ms is not None) != ep.unrepaired
            summary = summarise(self.rec.state, SCHEME)
            assert summary.ruptures.open == 0
        finally:
            self.store.close()

    # -- driving -------------------------------------------------------------------------

    def attempt(self, expect_refusal: bool, call):
        """Run one operation; a refusal must leave the store untouched."""
        before = len(self.store.events(self.rec.session.id))
        if expect_refusal:
            try:
                call()
            except TapRefused:
                assert len(self.store.events(self.rec.session.id)) == before
                return None
            raise AssertionError("the operation should have been refused")
        return call()

    def maybe(self, call):
        """Run an operation the core may refuse; a refusal must leave the store untouched."""
        before = self.store.events(self.rec.session.id)
        try:
            return call()
        except TapRefused:
            assert self.store.events(self.rec.session.id) == before
            return None

    def tap(self, kind: Kind, backdate_s: float, call, value=None, tags=()) -> None:
        refused = self.ref.paused
        if kind in (Kind.REPAIR, Kind.REPAIR_ATTEMPT):
            refused = refused or not self.ref.rupture_open()
        change = self.attempt(refused, call)
        if change is None:
            return
        expected = self.ref.placed_at(kind, backdate_s)
        assert (change.event.offset_ms, change.clamped) == expected
        self.ref.taps.append(Tap(change.event.id, kind, expected[0], value, tuple(tags)))

    @rule(ms=steps_ms)
    def advance(self, ms: int) -> None:
        self.clock.advance(ms / 1000)
        self.ref.now += ms

    @rule(lane=st.sampled_from(LANES), state=st.sampled_from(STATES), backdate=backdates_s)
    def state_tap(self, lane: str, state: str, backdate: float) -> None:
        tap = self.rec.client if lane == "client" else self.rec.self_state
        self.tap(LANE_KIND[lane], backdate, lambda: tap(state, backdate), value=state)

    @rule(kind=st.sampled_from([None, "withdrawal", "confrontation"]), tags=markers,
          backdate=backdates_s)
    def rupture(self, kind: str | None, tags: list[str], backdate: float) -> None:
        self.tap(Kind.RUPTURE, backdate, lambda: self.rec.rupture(kind, tags, backdate),
                 value=kind, tags=tags)

    @rule(tags=strategies, backdate=backdates_s)
    def repair_attempt(self, tags: list[str], backdate: float) -> None:
        self.tap(Kind.REPAIR_ATTEMPT, backdate, lambda: self.rec.repair_attempt(tags, backdate),
                 tags=tags)

    @rule(tags=strategies, backdate=backdates_s)
    def repair(self, tags: list[str], backdate: float) -> None:
        self.tap(Kind.REPAIR, backdate, lambda: self.rec.repair(tags, backdate), tags=tags)

    @rule(kind=st.sampled_from(["glimmer", "trigger", "note"]), text=st.text(TYPED, max_size=8),
          backdate=backdates_s)
    def note(self, kind: str, text: str, backdate: float) -> None:
        self.tap(Kind.NOTE, backdate, lambda: self.rec.note(kind, text, backdate), value=kind)

    @rule()
    def undo(self) -> None:
        refused = not self.ref.taps
        change = self.attempt(refused, self.rec.undo)
        if change is not None:
            assert change.undone is not None and change.undone.id == self.ref.taps.pop().id

    @rule()
    def pause(self) -> None:
        if self.attempt(self.ref.paused, self.rec.pause) is not None:
            self.ref.pauses.append([self.ref.now, None])

    @rule()
    def resume(self) -> None:
        if self.attempt(not self.ref.paused, self.rec.resume) is not None:
            self.ref.pauses[-1][1] = self.ref.now

    @rule(fix=fixes, pick=st.integers(0, 1_000), shift=shifts_ms, gap=steps_ms)
    def interrupt_correct_resume(self, fix: str, pick: int, shift: int, gap: int) -> None:
        """The app dies; in review a tap is corrected (or not); later the session resumes."""
        sid = self.rec.session.id
        self.store.set_status(sid, "interrupted")
        if fix != "none" and self.ref.taps:
            tap = self.ref.taps[pick % len(self.ref.taps)]
            self.correct(sid, tap, fix, shift)
        self.clock.advance(gap / 1000)
        was_paused = self.ref.paused
        self.rec = Recorder.resume_interrupted(self.store, sid, self.clock)
        resumed = self.rec.now_ms()
        if not was_paused:
            pause, resume = self.store.events(sid)[-2:]
            assert (pause.kind, resume.kind, resume.offset_ms) == (Kind.PAUSE, Kind.RESUME, resumed)
            assert all(t.offset_ms <= pause.offset_ms for t in self.ref.taps)
            self.ref.pauses.append([pause.offset_ms, resumed])
        self.ref.now = resumed

    def correct(self, sid: int, tap: Tap, fix: str, shift: int) -> None:
        if fix == "remove":
            if self.maybe(lambda: corrections.remove(self.store, sid, tap.id)) is not None:
                self.ref.taps.remove(tap)
        elif fix == "move":
            to = tap.offset_ms + shift
            if to >= 0 and self.maybe(lambda: corrections.move(self.store, sid, tap.id, to)):
                tap.offset_ms = to
        elif tap.kind in SWAPS:
            kind = SWAPS[tap.kind]
            if self.maybe(lambda: corrections.retag(self.store, sid, tap.id, kind=kind)):
                tap.kind = kind

    def end(self) -> None:
        """Not a rule: every session ends in teardown, so random steps all land in live time
        (what is refused after the end is tested in test_recorder)."""
        self.rec.end()
        self.ref.ended_ms = self.ref.now
        if self.ref.paused:
            self.ref.pauses[-1][1] = self.ref.now

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def the_taps_in_effect_are_the_references(self) -> None:
        stored = effective_taps(self.store.events(self.rec.session.id))
        assert {t.id for t in self.ref.taps} == {e.id for e in stored if e.is_tap}

    @invariant()
    def session_clock_is_the_reference_clock(self) -> None:
        assert self.rec.now_ms() == self.ref.now

    @invariant()
    def lanes_tile_time(self) -> None:
        for intervals in self.rec.state.lanes.values():
            for a, b in zip(intervals, intervals[1:]):
                assert a.start_ms <= b.start_ms and a.end_ms == b.start_ms
            if intervals:
                assert intervals[-1].end_ms == self.rec.state.ended_ms

    @invariant()
    def recorder_state_is_the_fold_of_the_store(self) -> None:
        live, stored = self.rec.state, fold(self.store.events(self.rec.session.id))
        assert live.lanes == stored.lanes
        assert live.episodes == stored.episodes
        assert live.pauses == stored.pauses
        assert live.notes == stored.notes
        assert live.ended_ms == stored.ended_ms

    @invariant()
    def summary_matches_the_reference(self) -> None:
        ref = self.ref
        end = ref.ended_ms if ref.ended_ms is not None else ref.now
        s = summarise(self.rec.state, SCHEME, ref.now)
        grid = Samples(ref, end)

        assert s.end_ms == s.duration.total_ms == end
        assert s.duration.active_ms == grid.ms(True)
        assert s.duration.paused_ms == end - grid.ms(True)
        assert s.duration.pauses == len(ref.pauses)

        for lane, kind in LANE_KIND.items():
            got, held = s.lanes[lane], grid.lane[lane]
            assert got.noted_ms == grid.ms(held != None)  # noqa: E711 (numpy comparison)
            assert got.not_noted_ms == grid.ms(held == None)  # noqa: E711
            for state, figures in got.states.items():
                assert figures.active_ms == grid.ms(held == state)
            if got.noted_ms:
                assert abs(sum(f.share for f in got.states.values()) - 1) <= 1e-9
            taps = ref.timeline({kind})
            assert got.transitions == sum(a.value != b.value for a, b in zip(taps, taps[1:]))
            assert (got.longest_ventral_ms, got.longest_ventral_start_ms) == longest_stretch(
                taps, grid, end
            )

        episodes = ref.ruptures(end)
        r = s.ruptures
        assert r.count == len(episodes)
        for got, want in zip(r.episodes, episodes):
            assert got.start_ms == want["start"]
            assert got.repair_ms == want["repair"]
            assert got.open_ms == grid.span_ms(want["start"], want["end"])
            if want["repair"] is None:
                assert got.status == ("unrepaired" if ref.ended_ms is not None else "open")
                assert got.time_to_repair_ms is None
            else:
                assert got.status == "repaired"
                assert got.time_to_repair_ms == got.open_ms
            client = [t for t in ref.timeline({Kind.CLIENT}) if t.offset_ms <= want["start"]]
            assert got.client_before == (client[-1].value if client else None)
        assert r.time_in_rupture_ms == sum(grid.span_ms(e["start"], e["end"]) for e in episodes)
        used = Counter(tag for t in ref.taps if t.kind in (Kind.REPAIR, Kind.REPAIR_ATTEMPT)
                       for tag in t.tags)
        assert r.strategies == dict(used)

        client, me = grid.lane["client"], grid.lane["self"]
        base = (client != None) & (client != VENTRAL) & (me != None)  # noqa: E711
        assert s.coregulation.base_ms == grid.ms(base)
        assert s.coregulation.self_ventral_ms == grid.ms(base & (me == VENTRAL))


def longest_stretch(taps: list[Tap], grid: Samples, end: int) -> tuple[int, int | None]:
    """The longest run of consecutive ventral taps, by active samples, the earliest on a tie."""
    best: tuple[int, int | None] = (0, None)
    i = 0
    while i < len(taps):
        if taps[i].value != VENTRAL:
            i += 1
            continue
        j = i
        while j < len(taps) and taps[j].value == VENTRAL:
            j += 1
        stop = taps[j].offset_ms if j < len(taps) else end
        length = grid.span_ms(taps[i].offset_ms, stop)
        if best[1] is None or length > best[0]:
            best = (length, taps[i].offset_ms)
        i = j
    return best


SessionMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_sessions_match_the_reference = SessionMachine.TestCase
