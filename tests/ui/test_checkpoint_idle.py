"""A quiet spell in a live session folds the log into the database file, so the file alone
(without its `-wal`) holds every tap recorded before the spell."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt

from attune_companion.events import Kind
from attune_companion.store import Store

LEFT = Qt.MouseButton.LeftButton


def test_an_idle_spell_mid_session_leaves_the_db_file_complete(live, db_path, tmp_path, qtbot):
    page = live.live_page
    qtbot.mouseClick(page.pad.buttons["client:ventral"], LEFT)
    qtbot.mouseClick(page.pad.buttons["rupture"], LEFT)
    idle = live.controller.idle
    assert idle.isActive() and idle.isSingleShot(), "each commit restarts the idle timer"
    idle.timeout.emit()  # the quiet spell has passed (not waited for: 30 s)

    copy = tmp_path / "copy" / db_path.name
    copy.parent.mkdir()
    shutil.copy2(db_path, copy)  # the .db alone, while the session is still live
    with Store.open(copy, readonly=True) as alone:
        [session] = alone.sessions()
        assert [e.kind for e in alone.events(session.id)] == [Kind.CLIENT, Kind.RUPTURE]
