"""Optional: a local recording of the session that follows the playback cursor.

Uses QtMultimedia, which ships in `PySide6-Addons` (the optional 'media' extra). Without it
the panel only says how to enable the feature. The database keeps the file's path and the
offset (recording time = session time + offset), never the file itself. The player seeks only
when it has drifted more than `DRIFT_MS` from the cursor, so it plays smoothly in between.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QDoubleSpinBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from attune_companion import comments as core
from attune_companion.errors import AttuneError
from attune_companion.store import Store

_missing: ImportError | None = None
try:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
except ImportError as exc:  # PySide6-Essentials only, or a system library missing
    QAudioOutput = QMediaPlayer = None
    _missing = exc
try:
    from PySide6.QtMultimediaWidgets import QVideoWidget
except ImportError:
    QVideoWidget = None

DRIFT_MS = 300
ENABLE_HINT = ("Playing a recording along is an optional part this installation of Attune does "
               "not include; whoever set it up can add it. Playback works without it.")
"""Said to a clinician, who never opened a terminal: what is missing, and who can add it."""
if _missing is not None and ".so" in str(_missing):  # Addons installed, a library is not
    ENABLE_HINT = ("Playing a recording along needs the computer's sound library (PulseAudio), "
                   "which is missing; whoever looks after this computer can add it.")
MEDIA_FILTER = "Recordings (*.mp3 *.m4a *.wav *.ogg *.mp4 *.mov *.mkv *.webm);;All files (*)"


def multimedia_available() -> bool:
    return QMediaPlayer is not None


def needs_seek(player_ms: int, target_ms: int) -> bool:
    """Seek only past the drift allowance: small differences would stutter the sound."""
    return abs(player_ms - target_ms) > DRIFT_MS


class MediaSync(QWidget):
    """Link a recording (path + offset) and keep its player at the cursor.

    `player` may be passed (tests use a stand-in with position/setPosition/play/pause/
    setPlaybackRate/setSource); by default it is a QMediaPlayer when QtMultimedia exists.
    """

    def __init__(self, parent: QWidget | None = None, *, player: Any = None,
                 ask_path: Callable[[], str] | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Recording sync")
        self.available = player is not None or multimedia_available()
        self._store: Store | None = None
        self._session_id = 0
        self._offset_ms = 0
        self._linked = False
        self._player_playing = False
        self.ask_path = ask_path or self._ask_path
        self.player = player
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Recording (optional, only with the client's consent)", self)
        title.setObjectName("section")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.message = QLabel(self)
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Recording status")
        layout.addWidget(self.message)
        if not self.available:
            self.message.setText(ENABLE_HINT)
            return
        if self.player is None:
            self.player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self.player.setAudioOutput(self._audio)
            if QVideoWidget is not None:
                video = QVideoWidget(self)
                video.setMinimumHeight(120)
                self.player.setVideoOutput(video)
                layout.addWidget(video)
        self.choose = QPushButton("Link a recording…", self)
        self.choose.setAccessibleName("Link a recording file")
        self.choose.setToolTip("The file stays where it is; only its path is remembered.")
        self.choose.clicked.connect(self.choose_file)
        self.unlink = QPushButton("Unlink", self)
        self.unlink.setAccessibleName("Unlink the recording")
        self.unlink.clicked.connect(self.clear)
        self.offset = QDoubleSpinBox(self)
        self.offset.setRange(-core.MAX_MEDIA_OFFSET_MS / 1000, core.MAX_MEDIA_OFFSET_MS / 1000)
        self.offset.setDecimals(1)
        self.offset.setSingleStep(0.5)
        self.offset.setSuffix(" s")
        self.offset.setAccessibleName("Recording offset in seconds")
        self.offset.setToolTip("Recording time = session time + offset. Positive when the "
                               "recording started before the session.")
        self.offset.editingFinished.connect(self._save_offset)
        row = QHBoxLayout()
        for widget in (self.choose, QLabel("Offset", self), self.offset, self.unlink):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)

    # -- the link ---------------------------------------------------------------------------

    def show_session(self, store: Store, session_id: int) -> None:
        self._store, self._session_id = store, session_id
        if not self.available:
            return
        link = core.media_link(store, session_id)
        self._load(link.path if link else None, link.offset_ms if link else 0)

    def choose_file(self) -> None:
        path = self.ask_path()
        if path and self._store is not None:
            self._link(path, self._offset_ms)

    def clear(self) -> None:
        if self._store is not None:
            core.clear_media_link(self._store, self._session_id)
        self._load(None, 0)

    def _save_offset(self) -> None:
        offset = round(self.offset.value() * 1000)
        if self._linked and offset != self._offset_ms:
            link = core.media_link(self._store, self._session_id) if self._store else None
            if link is not None:
                self._link(link.path, offset)

    def _link(self, path: str, offset_ms: int) -> None:
        assert self._store is not None
        try:
            link = core.set_media_link(self._store, self._session_id, path, offset_ms)
        except AttuneError as exc:
            self.message.setText(str(exc))
            return
        self._load(link.path, link.offset_ms)

    def _load(self, path: str | None, offset_ms: int) -> None:
        self._offset_ms = offset_ms
        self.offset.blockSignals(True)
        self.offset.setValue(offset_ms / 1000)
        self.offset.blockSignals(False)
        self._linked = path is not None and Path(path).is_file()
        self.unlink.setEnabled(path is not None)
        if path is None:
            self.message.setText("No recording linked.")
        elif not self._linked:
            self.message.setText(f"The linked recording is not found at {path}.")
        else:
            self.message.setText(f"Linked: {Path(path).name}")
        self.player.setSource(QUrl.fromLocalFile(path) if self._linked else QUrl())
        self._player_playing = False

    def _ask_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Link a recording", "", MEDIA_FILTER)
        return path

    # -- following the cursor ---------------------------------------------------------------

    def follow(self, cursor_ms: int, playing: bool, speed: int) -> None:
        """Keep the recording at cursor + offset: seek past the drift allowance, play along."""
        if not self.available or not self._linked:
            return
        target = max(0, cursor_ms + self._offset_ms)
        if needs_seek(int(self.player.position()), target):
            self.player.setPosition(target)
        if playing:
            self.player.setPlaybackRate(float(speed))
        if playing != self._player_playing:
            self._player_playing = playing
            self.player.play() if playing else self.player.pause()
