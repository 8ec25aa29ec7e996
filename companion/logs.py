"""Attune's log, for reporting a problem: a small rotating file in the user's log folder
(`paths.log_dir`), and a fault log that Python writes if Attune crashes hard.

What goes in: start and stop with the versions, and for an uncaught error its type and where it
happened (file, line and function of each frame). Never an error's message and
never a value: a message can quote a client code or a note's text (a refused code is quoted to
the clinician), so none is written. The fault log (`faulthandler`) holds only where each thread
was, by file and function.
"""

from __future__ import annotations

import errno
import faulthandler
import logging
import platform
import sys
import threading
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import IO

from attune_companion import about, paths

LOG_NAME = "attune.log"
FAULT_NAME = "faults.log"
MAX_BYTES = 256 * 1024
BACKUPS = 3
"""attune.log and three older files of 256 KB at most: about a megabyte in all."""

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

log = logging.getLogger("attune")
_handler: RotatingFileHandler | None = None
_fault_file: IO[str] | None = None
_previous_hooks: dict[str, object] = {}


def setup_logging(folder: Path | None = None) -> Path | None:
    """Log to `folder` (default: the user's log folder) from now on, enable the fault log
    there, and log every uncaught exception (in a Qt slot too: PySide6 hands those to
    `sys.excepthook`) before passing it on to the hook that was there. Returns the log file,
    or None when the folder cannot be written (Attune then runs without a log: recording
    matters more). Calling it again moves the log to the new folder."""
    global _handler, _fault_file
    folder = paths.log_dir() if folder is None else folder
    log_file = folder / LOG_NAME
    try:
        paths.ensure_private_dir(folder)
        handler = RotatingFileHandler(log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                      encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
    _handler = handler
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    paths.set_mode(log_file, 0o600)

    fault_path = folder / FAULT_NAME
    if _fault_file is None:
        _previous_hooks["faulthandler"] = faulthandler.is_enabled()
    try:
        if fault_path.exists() and fault_path.stat().st_size > MAX_BYTES:
            fault_path.replace(fault_path.with_name(FAULT_NAME + ".1"))
        fault_file = open(fault_path, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
        paths.set_mode(fault_path, 0o600)
    except OSError:
        fault_file = None  # the log goes on without the fault log
    if fault_file is not None:
        old_fault_file, _fault_file = _fault_file, fault_file
        faulthandler.enable(file=_fault_file, all_threads=True)
        if old_fault_file is not None:
            old_fault_file.close()
    _install_hooks()
    return log_file


def _install_hooks() -> None:
    if sys.excepthook is not _excepthook:
        _previous_hooks["sys"] = sys.excepthook
        sys.excepthook = _excepthook
    if threading.excepthook is not _thread_excepthook:
        _previous_hooks["threading"] = threading.excepthook
        threading.excepthook = _thread_excepthook


def _excepthook(exc_type: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    log_exception((exc_type, exc, tb))
    _previous_hooks.get("sys", sys.__excepthook__)(exc_type, exc, tb)  # type: ignore[operator]


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        log_exception((args.exc_type, args.exc_value, args.exc_traceback))
    _previous_hooks.get("threading", threading.__excepthook__)(args)  # type: ignore[operator]


def log_exception(exc_info: ExcInfo) -> None:
    """Log an uncaught error: its type and where it happened, never its message (see the
    module's note). Safe to call from any excepthook."""
    exc_type, exc, tb = exc_info
    log.error("uncaught %s", describe(exc, tb) if exc is not None else exc_type.__qualname__)


def describe(exc: BaseException, tb: TracebackType | None = None) -> str:
    """An error as the log keeps it: its type (with the errno name of an OSError), the frames
    it passed, then the same for the error it was raised from or during, if any."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(tb if current is exc and tb else current.__traceback__)
        parts.append(_name(current) + "".join(
            f"\n  {frame.filename}:{frame.lineno} in {frame.name}" for frame in frames
        ))
        current = current.__cause__ or current.__context__
        if current is not None:
            parts.append("raised while handling")
    return "\n".join(parts)


def _name(exc: BaseException) -> str:
    kind = type(exc)
    name = (kind.__qualname__ if kind.__module__ == "builtins"
            else f"{kind.__module__}.{kind.__qualname__}")
    code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    return f"{name} [{errno.errorcode.get(code, code)}]" if code is not None else name


def stop_logging() -> None:
    """Write the last line, close the files and put back the hooks that were there before."""
    global _handler, _fault_file
    if _handler is None:
        return
    log.info("stopped")
    log.removeHandler(_handler)
    _handler.close()
    _handler = None
    faulthandler.disable()
    if _fault_file is not None:
        _fault_file.close()
        _fault_file = None
    if _previous_hooks.pop("faulthandler", False):
        faulthandler.enable(file=sys.__stderr__, all_threads=True)
    if sys.excepthook is _excepthook:
        sys.excepthook = _previous_hooks.pop("sys", sys.__excepthook__)  # type: ignore[assignment]
    if threading.excepthook is _thread_excepthook:
        threading.excepthook = _previous_hooks.pop(  # type: ignore[assignment]
            "threading", threading.__excepthook__)


def current_log_file() -> Path | None:
    """The file being logged to, or None before `setup_logging`."""
    return Path(_handler.baseFilename) if _handler is not None else None


def log_start(program: str) -> None:
    """One line at start-up: the program, its version and the system (the libraries' versions
    are left to the About box's details, to keep start-up quick)."""
    frozen = ", built app" if getattr(sys, "frozen", False) else ""
    log.info("%s %s started (Python %s on %s%s)", program, about.version(),
             platform.python_version(), platform.platform(), frozen)
