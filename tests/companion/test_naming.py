"""A session has one name for its database record and one for its number, used the same way
by the window, the command line and the reports."""

from __future__ import annotations

import re

from attune_companion.clock import FakeClock
from attune_companion.naming import record_name, session_name
from attune_companion.recorder import Recorder
from attune_companion.scheme import default_scheme
from attune_companion.store import Store


def test_a_session_is_named_by_its_record_and_its_number_never_mixed():
    store = Store.memory()
    for _ in range(5):  # other sessions first: the record number is not the session number
        Recorder.start(store, default_scheme(), FakeClock(), "M-12").end()
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07", number=5,
                         modality="telehealth")
    row = store.session(rec.session.id)
    assert row.id == 6 and record_name(row.id) == "record 6" and session_name(5) == "session 5"
    assert row.describe().startswith("K-07 · session 5 · telehealth · ")
    assert "record" not in row.describe()
    assert row.describe(record=True) == "record 6 · " + row.describe()
    assert re.fullmatch(r"attune-record-6-\d{4}-\d\d-\d\d\.pdf", row.file_name("pdf"))
    store.close()
