"""One rule for typed text, at every door: what the recorder, comments, reflections and
corrections accept, a bundle of it imports; what they refuse, they refuse for the same reason
an import names."""

from __future__ import annotations

import pytest

from attune_companion import corrections
from attune_companion.bundle import BundleError, import_bundle, read_bundle, write_bundle
from attune_companion.clock import FakeClock
from attune_companion.comments import CommentError, add_comment
from attune_companion.errors import AttuneError, TapRefused
from attune_companion.events import Kind
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store
from attune_companion.text_rules import (
    AUTHOR,
    COMMENT,
    NOTE,
    REFLECTION,
    TextRefused,
    cut_insertion,
    inserted_span,
)

EMOJI = "\U0001f33f"  # one character, two UTF-16 units, four UTF-8 bytes


def ended_session(store: Store) -> int:
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    rec.client("ventral")
    clock.advance(60)
    rec.end()
    return rec.session.id


@pytest.mark.parametrize("rule", [NOTE, COMMENT, AUTHOR, REFLECTION])
def test_length_is_counted_in_characters_not_utf16_units(rule):
    assert rule.clean(EMOJI * rule.most) == EMOJI * rule.most
    with pytest.raises(TextRefused, match=f"at most {rule.most:,} characters; this one has"):
        rule.clean(EMOJI * (rule.most + 1))


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused_by_name(char):
    with pytest.raises(TextRefused, match=f"control character U\\+{ord(char):04X}"):
        NOTE.clean(f"before{char}after")
    assert NOTE.problem(f"x{char}") is not None


def test_tabs_and_line_breaks_are_text_and_line_endings_become_one():
    assert REFLECTION.clean("  one\r\ntwo\rthree\tfour \n") == "one\ntwo\nthree\tfour"
    assert REFLECTION.problem("one\ntwo\tthree") is None


def test_a_cut_drops_the_end_of_what_was_inserted_never_what_was_there():
    before, after = "ab", "aXYZb"
    assert inserted_span(before, after) == (1, 4)
    start, end = cut_insertion(after, 1, 4, 4)
    assert after[:start] + after[end:] == "aXYb"
    assert cut_insertion("abcXYZ", 3, 6, 2) == (3, 6)  # all of the insertion, nothing more
    assert cut_insertion("abc", 1, 2, 5) == (2, 2)  # it fits: nothing to cut
    assert inserted_span("aaa", "aaaa") == (3, 4)


@pytest.mark.parametrize(
    "door",
    [
        lambda store, sid: store.set_reflection(sid, "noticed_self", "x" * 20_001),
        lambda store, sid: store.set_reflection(sid, "noticed_self", "a\x00b"),
        lambda store, sid: add_comment(store, sid, 0, "a\x00b"),
        lambda store, sid: add_comment(store, sid, 0, "fine", author="who\x00"),
        lambda store, sid: add_comment(store, sid, 0, "x" * 2001),
    ],
)
def test_every_door_refuses_what_the_rule_refuses_and_writes_nothing(door):
    store = Store.memory()
    sid = ended_session(store)
    before = list(store.db.conn.iterdump())
    with pytest.raises((TextRefused, CommentError)):
        door(store, sid)
    assert list(store.db.conn.iterdump()) == before


def test_a_note_with_a_nul_is_refused_when_tapped():
    store = Store.memory()
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    with pytest.raises(TapRefused, match="control character U\\+0000"):
        rec.note("note", "half\x00way")
    assert store.events(rec.session.id) == []


def test_the_longest_reflection_attune_keeps_is_bundled_and_imported(tmp_path):
    """Before the rule, a reflection had no limit and an import refused anything over 20,000
    characters: Attune wrote bundles it could not read."""
    store = Store.memory()
    sid = ended_session(store)
    longest = EMOJI * REFLECTION.most
    store.set_reflection(sid, "noticed_self", longest)
    path = tmp_path / "s.attune"
    write_bundle(store, sid, path, include_free_text=True)
    other = Store.memory()
    assert other.reflections(import_bundle(other, path)) == {"noticed_self": longest}


def test_a_text_saved_before_the_rule_is_refused_naming_the_real_cause(tmp_path):
    """A NUL written by an older Attune is refused as a control character, not as 'too long',
    and already when the bundle is written, not on the supervisor's computer."""
    store = Store.memory()
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-08")
    note = rec.note("note", "ok").event
    rec.end()
    store.append(rec.session.id, Kind.EDIT, note.offset_ms, note.wall_utc,
                 target=note.id, changes={"text": "nul\x00here"})
    path = tmp_path / "s.attune"
    with pytest.raises(BundleError, match="cannot be shared as it is: .*control character U\\+0000"):
        write_bundle(store, rec.session.id, path, include_free_text=True)
    assert not path.exists()
    write_bundle(store, rec.session.id, path)  # redacted, the text is not in it: fine
    assert read_bundle(path).redacted


def test_a_refused_text_is_an_attune_error_with_one_calm_line():
    with pytest.raises(AttuneError) as caught:
        COMMENT.clean("bad\x00")
    assert "\n" not in str(caught.value) and str(caught.value).endswith(".")


def test_a_corrected_note_text_keeps_the_rule():
    store = Store.memory()
    clock = FakeClock()
    rec = Recorder.start(store, default_scheme(), clock, "K-07")
    note = rec.note("note", "a").event
    clock.advance(1)
    rec.end()
    with pytest.raises(TapRefused, match="at most 500"):
        corrections.correct(store, rec.session.id, note.id, text=EMOJI * 501)
    corrections.correct(store, rec.session.id, note.id, text=EMOJI * 500)
