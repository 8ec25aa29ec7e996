"""Where Attune keeps its files, and how they are written safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

APP = "attune"
ENV_DB = "ATTUNE_DB"


def data_dir() -> Path:
    """The user's (non-roaming) data folder for Attune."""
    return platformdirs.user_data_path(APP, appauthor=False, roaming=False)


def config_dir() -> Path:
    """The user's config folder (the user's coding scheme file lives here)."""
    return platformdirs.user_config_path(APP, appauthor=False, roaming=False)


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
        os.chmod(folder, 0o700)
    if path == data_dir():
        os.chmod(path, 0o700)


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
        os.chmod(tmp, mode)
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
