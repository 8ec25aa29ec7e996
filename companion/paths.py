"""Where Attune keeps its files, and how they are written safely.

Folders per platform (platformdirs; `appauthor=False`, not roaming):

| | data (the database, backups/) | config (scheme.json) | log |
|---|---|---|---|
| Linux | ~/.local/share/attune | ~/.config/attune | ~/.local/state/attune/log |
| macOS | ~/Library/Application Support/attune | ~/Library/Application Support/attune | ~/Library/Logs/attune |
| Windows | %LOCALAPPDATA%\\attune | %LOCALAPPDATA%\\attune | %LOCALAPPDATA%\\attune\\Logs |

File modes: on Linux and macOS Attune's files are 0600 and its folders 0700 (only this user).
Windows has no such modes: `os.chmod` there only sets or clears the read-only flag, and who may
read a file is decided by the folder's access list, which for %LOCALAPPDATA% is this user (and
the administrators). So `set_mode` does nothing on Windows: the folder already keeps the
files private, and a mode must not make Attune's own files read-only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import platformdirs
from platformdirs.api import PlatformDirsABC

APP = "attune"
ENV_DB = "ATTUNE_DB"
POSIX_MODES = os.name != "nt"
"""Whether file modes mean "who may read this" here (not on Windows; see the module's note)."""


def platform_dirs(platform: str | None = None) -> PlatformDirsABC:
    """platformdirs' folders for Attune on `platform` (default: this one's `sys.platform`)."""
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        from platformdirs.windows import Windows as Dirs
    elif platform == "darwin":
        from platformdirs.macos import MacOS as Dirs
    else:
        from platformdirs.unix import Unix as Dirs
    return Dirs(APP, appauthor=False, roaming=False)


def data_dir() -> Path:
    """The user's (non-roaming) data folder for Attune."""
    return platform_dirs().user_data_path


def config_dir() -> Path:
    """The user's config folder (the user's coding scheme file lives here)."""
    return platform_dirs().user_config_path


def log_dir() -> Path:
    """The user's log folder for Attune (attune.log and faults.log)."""
    return platform_dirs().user_log_path


def set_mode(path: Path, mode: int = 0o600) -> None:
    """Give a file or folder its POSIX mode (0o600 for Attune's files: only this user; 0o700
    for its folders); nothing on Windows, where the user's profile folder keeps them private
    (see the module's note)."""
    if POSIX_MODES:
        os.chmod(path, mode)


def default_db_path() -> Path:
    return data_dir() / "attune.db"


def user_scheme_path() -> Path:
    return config_dir() / "scheme.json"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database to use: an explicit path, else $ATTUNE_DB, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def ensure_private_dir(path: Path) -> None:
    """Create a folder (and missing parents) readable only by this user.

    An existing folder Attune did not create is left as it is, except Attune's own data
    folder, which is always brought to 0700.
    """
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
        set_mode(folder, 0o700)
    if path == data_dir():
        set_mode(path, 0o700)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to `path` via a temporary file in the same folder, fsync, then rename.

    A reader (or a crash) sees the old file or the new one, never a truncated one.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        set_mode(Path(tmp), mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
