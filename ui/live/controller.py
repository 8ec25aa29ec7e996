"""The one way a click or key reaches the core, and the one way what changed reaches the views.

A handler calls one Recorder operation. The Recorder commits the event and returns a `Change`;
only then does the controller emit `changed`, so nothing is shown as recorded before it is on
disk. A refusal (or a database that cannot be written) becomes a calm sentence on `refused`;
so does anything unexpected the core raises: whatever goes wrong, a tap is shown as recorded
only when the core returned its committed `Change`. The controller holds the Recorder; the
widgets hold nothing of the session.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from attune_companion.clock import Clock, SystemClock
from attune_companion.errors import AttuneError, TapHeld
from attune_companion.fold import SessionState
from attune_companion.recorder import Change, Recorder
from attune_companion.scheme import Scheme
from attune_companion.store import Store
from attune_companion_ui.live.backup_worker import SessionBackups

NOT_SAVED = "Something went wrong; that tap was not saved."
_log = logging.getLogger(__name__)


class SessionController(QObject):
    """Starts, resumes and records a session for the window.

    Signals: `opened(Recorder)` when a session starts or resumes (views rebuild from it),
    `changed(Change)` after each committed operation, `refused(str)` when nothing was recorded
    (or something went wrong that the clinician should read in the status line),
    `ended(SessionState)` after the end is committed, `backdateChanged(int)` with the seconds
    the next tap will be back-dated by (0: none), `held(str)` while the database cannot take
    taps (they are held in memory and retried every few seconds; "" once all are saved),
    `backupFinished(str)` when the backup after a session's end, made on a thread of its own
    (`backups`), is done ("" when it was made, else `backup_problem`).
    """

    opened = Signal(object)
    changed = Signal(object)
    refused = Signal(str)
    ended = Signal(object)
    backdateChanged = Signal(int)
    held = Signal(str)
    backupFinished = Signal(str)

    RETRY_MS = 2000
    IDLE_CHECKPOINT_MS = 30_000

    def __init__(
        self, store: Store, scheme: Scheme, clock: Clock | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.scheme = scheme
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._recorder: Recorder | None = None
        self._backdate_s = 0
        self._retry = QTimer(self)
        self._retry.setInterval(self.RETRY_MS)
        self._retry.timeout.connect(self.retry_held)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(self.IDLE_CHECKPOINT_MS)
        self.idle.timeout.connect(self.checkpoint_when_idle)
        self.backup_problem: str | None = None
        self.backups = SessionBackups(self)
        self.backups.finished.connect(self._backed_up)

    # -- the session -----------------------------------------------------------------------

    @property
    def recorder(self) -> Recorder | None:
        return self._recorder

    @property
    def live(self) -> bool:
        """A session is open and not ended."""
        return self._recorder is not None and not self._recorder.state.ended

    @property
    def backdate_s(self) -> int:
        return self._backdate_s

    def now_ms(self) -> int:
        """Session time now (0 when no session is open)."""
        return self._recorder.now_ms() if self._recorder is not None else 0

    def start(self, client_code: str, number: int | None, modality: str | None) -> None:
        """Begin a session with the user's scheme. Raises AttuneError with a message to show."""
        self._open(Recorder.start(self.store, self.scheme, self.clock, client_code,
                                  number=number, modality=modality, back_up=self._back_up))

    def resume_interrupted(self, session_id: int) -> None:
        """Carry on a session a crash left open (with the scheme it was recorded with)."""
        self._open(Recorder.resume_interrupted(self.store, session_id, self.clock,
                                               back_up=self._back_up))

    def close_interrupted(self, session_id: int) -> SessionState:
        """End a session a crash left open, keeping every tap (and backed up, as every end)."""
        change = Recorder.close_interrupted(self.store, session_id, back_up=self._back_up)
        if change.backup_problem is not None:
            self.backup_problem = change.backup_problem
        return change.state

    def attach(self, recorder: Recorder) -> None:
        """Record through `recorder` (playback codes a coder layer with this controller)."""
        self._open(recorder)

    def _open(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self.set_backdate(0)
        self.opened.emit(recorder)

    # -- taps ------------------------------------------------------------------------------

    def tap_client(self, state_id: str) -> bool:
        return self._tap(lambda r, s: r.client(state_id, backdate_s=s))

    def tap_self(self, state_id: str) -> bool:
        return self._tap(lambda r, s: r.self_state(state_id, backdate_s=s))

    def rupture(self, rupture_type: str | None = None) -> bool:
        return self._tap(lambda r, s: r.rupture(rupture_type, backdate_s=s))

    def repair_attempt(self) -> bool:
        return self._tap(lambda r, s: r.repair_attempt(backdate_s=s))

    def repair(self) -> bool:
        return self._tap(lambda r, s: r.repair(backdate_s=s))

    def note(self, kind: str, text: str | None = None) -> bool:
        return self._tap(lambda r, s: r.note(kind, text, backdate_s=s))

    def undo(self) -> bool:
        return self._run(lambda r: r.undo())

    def toggle_pause(self) -> bool:
        """Pause a running session, or resume a paused one."""
        return self._run(lambda r: r.resume() if r.state.paused else r.pause())

    def end(self) -> bool:
        return self._run(lambda r: r.end())

    def pause_before_closing(self) -> None:
        """Closing the window mid-session pauses it first, so the stop is recorded exactly and
        the session is offered for resuming at the next start."""
        if self.live and self._recorder is not None and not self._recorder.state.paused:
            self._run(lambda r: r.pause())

    @property
    def held_count(self) -> int:
        """Taps recorded in memory but not yet saved (the database refused them so far)."""
        return len(self._recorder.pending) if self._recorder is not None else 0

    def retry_held(self) -> bool:
        """Try again to save held taps; True once nothing is held."""
        recorder = self._recorder
        if recorder is None:
            return True
        try:
            change = recorder.flush_pending()
        except TapHeld as exc:
            self.held.emit(_held_message(exc))
            return False
        except Exception:  # noqa: BLE001 - the held taps stay held and the retries go on
            _log.exception("Saving held taps failed unexpectedly")
            self.held.emit(f"Something went wrong while saving; Attune is still holding "
                           f"{self.held_count} tap(s) and keeps trying. Keep this window open.")
            return False
        self._retry.stop()
        if change is not None:
            self.held.emit("")
            self._committed(change)
        return True

    def finish_backup(self) -> None:
        """Wait for the backup under way, and any asked for after it (the window is closing:
        the app must not end in the middle of a copy)."""
        self.backups.finish()

    def checkpoint_when_idle(self) -> None:
        """After a quiet spell (`idle`, restarted by every commit), fold the log into the
        database file, so a crash that also loses the `-wal` keeps what came before it."""
        try:
            self.store.checkpoint(wait=False)
        except sqlite3.Error:
            pass  # the log still holds everything; the session's end or closing folds it in

    def set_backdate(self, seconds: int) -> None:
        """Back-date the next tap by `seconds` (0: not back-dated)."""
        if seconds != self._backdate_s:
            self._backdate_s = seconds
            self.backdateChanged.emit(seconds)

    # -- internals -------------------------------------------------------------------------

    def _tap(self, op: Callable[[Recorder, int], Change]) -> bool:
        seconds = self._backdate_s
        done = self._run(lambda r: op(r, seconds))
        if done:
            self.set_backdate(0)
        return done

    def _run(self, op: Callable[[Recorder], Change]) -> bool:
        recorder = self._recorder
        if recorder is None:
            self.refused.emit("No session is running. Start one first.")
            return False
        try:
            change = op(recorder)
        except TapHeld as exc:
            self.held.emit(_held_message(exc))
            self._retry.start()
            return False
        except AttuneError as exc:
            self.refused.emit(str(exc))
            return False
        except sqlite3.Error as exc:
            self.refused.emit(f"This tap could not be saved ({exc}). Nothing was recorded.")
            return False
        except Exception:  # noqa: BLE001 - an unforeseen failure is never shown as a tap
            _log.exception("A tap failed unexpectedly")
            self.refused.emit(NOT_SAVED)
            return False
        self._committed(change)
        return True

    def _committed(self, change: Change) -> None:
        self.changed.emit(change)
        self.idle.start()
        if change.state.ended:
            if change.backup_problem is not None:  # else said by `backupFinished`
                self.backup_problem = change.backup_problem
            self.ended.emit(change.state)

    def _back_up(self, store: Store) -> None:
        """The recorder's way to make the backup after a session's end: on a thread of its
        own, so the end and its review never wait for it."""
        self.backup_problem = None
        self.backups.request(store)

    def _backed_up(self, problem: str) -> None:
        self.backup_problem = problem or None
        self.backupFinished.emit(problem)



def _held_message(exc: TapHeld) -> str:
    """The core's "not saved yet" plus what this window does about it (it retries while open)."""
    return f"{exc} It keeps trying; keep this window open."

