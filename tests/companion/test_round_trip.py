"""What Attune records, it can share and read back: any session its doors accept (taps,
notes, undos, pauses, corrections, comments, reflections, ratings, with texts of any
characters, up to a rule's longest and one past it) bundles, imports and folds to the same
state. A door may refuse a text; what it lets in must come back out.
"""

from __future__ import annotations

from dataclasses import asdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune_companion import corrections
from attune_companion.bundle import import_bundle, write_bundle
from attune_companion.clock import FakeClock
from attune_companion.comments import AUTHORS, CommentError, add_comment, comments
from attune_companion.errors import TapRefused
from attune_companion.events import Kind, effective_taps
from attune_companion.fold import SessionState, fold
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion.text_rules import AUTHOR, COMMENT, NOTE, REFLECTION, TextRefused

SCHEME = default_scheme()
STATES = [s.id for s in SCHEME.enabled_states]
ANY = st.characters(exclude_categories=())  # control characters and lone surrogates too


def texts(most: int) -> st.SearchStrategy[str]:
    """Short texts of any character, and now and then the longest a rule allows or one more."""
    return st.text(ANY, max_size=12) | st.builds(
        lambda c, extra: c * (most + extra), st.sampled_from(["x", "\U0001f33f"]),
        st.sampled_from([0, 1]))


taps = st.one_of(
    st.tuples(st.just("client"), st.sampled_from(STATES)),
    st.tuples(st.just("self"), st.sampled_from(STATES)),
    st.tuples(st.just("rupture"), st.sampled_from([None, "withdrawal", "confrontation"])),
    st.tuples(st.just("attempt"), st.just(None)),
    st.tuples(st.just("repair"), st.just(None)),
    st.tuples(st.just("note"), texts(NOTE.most)),
    st.tuples(st.just("glimmer"), st.just("")),
    st.tuples(st.sampled_from(["undo", "pause", "resume"]), st.just(None)),
)
steps = st.lists(st.tuples(st.sampled_from([0, 0.1, 1, 30]), st.sampled_from([0, 0, 2]), taps),
                 min_size=1, max_size=25)
fixes = st.lists(st.tuples(st.integers(0, 99), st.sampled_from(["move", "kind", "remove",
                                                                 "text"]),
                           st.integers(-30_000, 30_000), texts(NOTE.most)), max_size=4)
notes_on_it = st.lists(st.tuples(st.integers(0, 100), texts(COMMENT.most),
                                 st.sampled_from(AUTHORS) | texts(AUTHOR.most)), max_size=3)
answers = st.dictionaries(st.sampled_from([p.id for p in SCHEME.prompts]),
                          texts(REFLECTION.most), max_size=2)


def record(store: Store, plan, fix_plan, comment_plan, answer_plan) -> int:
    clock = FakeClock()
    rec = Recorder.start(store, SCHEME, clock, "K-07")
    for seconds, backdate, (what, arg) in plan:
        clock.advance(seconds)
        act = {
            "client": lambda: rec.client(arg, backdate), "self": lambda: rec.self_state(arg),
            "rupture": lambda: rec.rupture(arg, (), backdate),
            "attempt": lambda: rec.repair_attempt(), "repair": lambda: rec.repair(),
            "note": lambda: rec.note("note", arg, backdate), "glimmer": lambda: rec.note("glimmer"),
            "undo": rec.undo, "pause": rec.pause, "resume": rec.resume,
        }[what]
        try:
            act()
        except TapRefused:
            pass
    clock.advance(1)
    rec.end()
    sid = rec.session.id
    for pick, how, shift, text in fix_plan:
        tapped = [e for e in effective_taps(store.events(sid)) if e.is_tap]
        if not tapped:
            break
        tap = tapped[pick % len(tapped)]
        change = {
            "move": {"offset_ms": max(0, tap.offset_ms + shift)},
            "kind": {"kind": {Kind.CLIENT: Kind.SELF, Kind.REPAIR: Kind.REPAIR_ATTEMPT}.get(
                tap.kind, tap.kind)},
            "text": {"text": text},
        }.get(how)
        try:
            if change is None:
                corrections.remove(store, sid, tap.id)
            else:
                corrections.correct(store, sid, tap.id, **change)
        except TapRefused:
            pass
    end = fold(store.events(sid)).ended_ms or 0
    for percent, text, author in comment_plan:
        try:
            add_comment(store, sid, end * percent // 100, text, author=author)
        except CommentError:
            pass
    for prompt, text in answer_plan.items():
        try:
            store.set_reflection(sid, prompt, text)
        except TextRefused:
            pass
    store.set_rating(sid, "alliance", 7)
    return sid


def shape(state: SessionState) -> dict:
    """The folded state without row ids (an import numbers its rows afresh)."""
    d = asdict(state)
    for lane in d["lanes"].values():
        for interval in lane:
            interval.pop("event_id")
    for episode in d["episodes"]:
        episode.pop("event_ids")
    for note in d["notes"]:
        note.pop("event_id")
    return d


def plain(store: Store, sid: int) -> tuple:
    return (
        [(e.kind, e.offset_ms, e.value, e.tags, e.text) for e in effective_taps(store.events(sid))],
        [(c.start_ms, c.end_ms, c.author, c.text) for c in comments(store, sid)],
        store.reflections(sid), store.ratings(sid),
    )


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(plan=steps, fix_plan=fixes, comment_plan=notes_on_it, answer_plan=answers)
def test_every_recorded_session_bundles_imports_and_folds_the_same(
    tmp_path, plan, fix_plan, comment_plan, answer_plan
):
    with Store.memory() as store, Store.memory() as other:
        sid = record(store, plan, fix_plan, comment_plan, answer_plan)
        path = tmp_path / "s.attune"
        write_bundle(store, sid, path, include_free_text=True)
        new = import_bundle(other, path)
        assert shape(fold(other.events(new))) == shape(fold(store.events(sid)))
        assert plain(other, new) == plain(store, sid)
