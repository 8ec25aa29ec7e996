"""Redaction: every writer leaves out every free text, corrected texts included, unless free
text is asked for, and then it carries what that writer shows."""

from __future__ import annotations

import zipfile

import pytest

from attune_companion.bundle import read_bundle, write_bundle
from attune_companion.export import events_csv, session_json
from attune_companion.redaction import OTHER_AUTHOR, shared
from attune_companion.store import Store
from tests.companion.canary import FIELDS, PREFIX, canary_session, found


@pytest.fixture
def source() -> tuple[Store, int]:
    store = Store.memory()
    return store, canary_session(store)


def test_shared_content_holds_no_canary_when_redacted(source):
    store, sid = source
    content = shared(store, sid, redact=True)
    assert found(repr(content)) == set()
    assert {c.author for c in content.comments} == {OTHER_AUTHOR, "supervisor"}
    assert found(repr(shared(store, sid, redact=False))) == set(FIELDS)


@pytest.mark.parametrize(
    "write, shows",
    [
        (events_csv, {"note", "corrected", "retyped"}),
        (session_json, {"note", "corrected", "retyped", "comment", "author", "reflection"}),
    ],
    ids=["csv", "json"],
)
def test_an_export_leaves_out_every_free_text_unless_asked(source, write, shows):
    store, sid = source
    assert PREFIX.encode() not in write(store, sid)  # redaction is the default
    assert PREFIX.encode() not in write(store, sid, redact=True)
    assert found(write(store, sid, redact=False)) == shows


def test_a_bundle_leaves_out_every_free_text_unless_asked(source, tmp_path):
    store, sid = source
    redacted, full = tmp_path / "r.attune", tmp_path / "f.attune"
    write_bundle(store, sid, redacted)
    write_bundle(store, sid, full, include_free_text=True)
    with zipfile.ZipFile(redacted) as zf:
        assert all(PREFIX.encode() not in zf.read(name) for name in zf.namelist())
    assert read_bundle(redacted).redacted
    with zipfile.ZipFile(full) as zf:
        assert found(b"".join(zf.read(name) for name in zf.namelist())) == set(FIELDS)
