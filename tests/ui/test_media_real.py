"""Recording sync with the real QtMultimedia player (the optional 'media' extra).

Skipped where PySide6-Addons is not installed (the default install); run it after
`pip install 'attune-companion[media]'`. A short WAV is made here, so no recording is needed.
"""

from __future__ import annotations

import struct
import wave

import pytest

pytest.importorskip("PySide6.QtMultimedia")

from PySide6.QtMultimedia import QMediaPlayer  # noqa: E402

from attune_companion import comments  # noqa: E402
from attune_companion.clock import FakeClock  # noqa: E402
from attune_companion.recorder import Recorder  # noqa: E402
from attune_companion.scheme import default_scheme  # noqa: E402
from attune_companion_ui.supervision.media_sync import MediaSync  # noqa: E402


def make_wav(path, seconds: int = 30, rate: int = 8000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack("<h", 0) * rate * seconds)


def test_the_real_player_loads_the_linked_file_and_follows_the_cursor(store, tmp_path, qtbot):
    rec = Recorder.start(store, default_scheme(), FakeClock(), "K-07")
    rec.client("ventral")
    rec.end()
    recording = tmp_path / "session.wav"
    make_wav(recording)
    comments.set_media_link(store, rec.session.id, recording, offset_ms=2_000)

    panel = MediaSync(ask_path=lambda: str(recording))
    qtbot.addWidget(panel)
    panel.show_session(store, rec.session.id)
    player = panel.player
    assert isinstance(player, QMediaPlayer)
    qtbot.waitUntil(lambda: player.mediaStatus() in (
        QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia),
        timeout=5000)
    assert player.error() == QMediaPlayer.Error.NoError, player.errorString()
    assert player.duration() == 30_000

    panel.follow(10_000, playing=False, speed=1)
    qtbot.waitUntil(lambda: abs(player.position() - 12_000) <= 300, timeout=3000)
    assert comments.media_link(store, rec.session.id).path == str(recording)
