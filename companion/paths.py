"""Where Attune keeps its files, and how they are read and written safely.

Every output the user names (an export, a report, a bundle) goes through `write_output`,
which refuses a target that is the database, one of its own files (journal, lock), a backup,
any other SQLite database, or not an ordinary file; then writes it atomically. Every file
the user names to read goes through `read_user_file`, which reads only an ordinary file and
only up to a limit, so a pipe cannot hang it and a device cannot fill memory.

Folders per platform (platformdirs; `appauthor=False`, not roaming):

| | data (database, backups/) and config (scheme.json) | log |
|---|---|---|
| Linux | ~/.local/share/attune and ~/.config/attune | ~/.local/state/attune/log |
| macOS | ~/Library/Application Support/attune (both) | ~/Library/Logs/attune |
| Windows | %LOCALAPPDATA%\\attune (both) | %LOCALAPPDATA%\\attune\\Logs |

File modes: on Linux and macOS Attune's files are 0600 and its folders 0700 (only this user).
Windows has no such modes: `os.chmod` there only sets or clears the read-only flag, and who may
read a file is decided by the folder's access list, which for %LOCALAPPDATA% is this user (and
the administrators). So `set_mode` does nothing on Windows: the folder already keeps the
files private, and a mode must not make Attune's own files read-only.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from platformdirs.api import PlatformDirsABC

from attune_companion.errors import AttuneError, BadPath, StoreError, UnsafeOutput, UnusableInput

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
    """The database to use: an explicit path, else $ATTUNE_DB, else the default.

    An explicit path that is blank is refused: taking it for "not given" would quietly open
    another database than the one asked for.
    """
    if explicit is not None:
        if not os.fspath(explicit).strip():
            raise StoreError("The database path given is empty; give a file, or leave the "
                             "option out to use Attune's data folder.")
        return user_path(explicit)
    env = os.environ.get(ENV_DB)
    if env:
        return user_path(env)
    return default_db_path()


def user_path(typed: str | os.PathLike[str]) -> Path:
    """A path as the user typed it, with a leading '~' or '~name' made their home folder.

    Raises BadPath when '~name' names no user here (rather than Python's RuntimeError).
    """
    try:
        return Path(typed).expanduser()
    except RuntimeError:
        first = Path(typed).parts[0]
        raise BadPath(f"{os.fspath(typed)} cannot be used: '{first}' is not the home folder "
                      "of anyone on this computer.") from None


def lock_path(db_path: Path) -> Path:
    """The lock file that says a running Attune holds `db_path`."""
    return db_path.with_name(db_path.name + ".lock")


def backup_dir(db_path: Path) -> Path:
    """The folder of `db_path`'s backups (beside it)."""
    return db_path.parent / "backups"


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


SIDECARS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database while it is in use."""
SQLITE_MAGIC = b"SQLite format 3\x00"
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
"""Opening never waits (for a pipe's writer); reading a regular file is unaffected."""


def file_kind_problem(path: Path) -> str | None:
    """Why `path` cannot be read or written whole as a file ("it is a folder", "...a pipe"),
    or None when it is an ordinary file or absent. Looks without opening, so a pipe cannot
    hang it; follows symbolic links."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # absent (or unreachable: opening it will say why)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "it is a folder"
    if stat.S_ISFIFO(mode):
        return "it is a pipe, not an ordinary file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not an ordinary file"
    return "it is not an ordinary file"


def read_user_file(path: Path, limit: int) -> bytes:
    """The bytes of a file the user named, at most `limit` of them.

    Raises UnusableInput for anything but an ordinary file (checked before opening, and
    opened without blocking, so a pipe cannot hang) or a file larger than `limit`;
    OSError when it cannot be opened.
    """
    path = Path(path)
    why = file_kind_problem(path)
    if why is None:
        with os.fdopen(os.open(path, _READ_FLAGS), "rb") as f:
            if stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped since the look?
                data = f.read(limit + 1)
                if len(data) <= limit:
                    return data
                why = f"it is larger than {_size(limit)}"
            else:
                why = "it is not an ordinary file"
    raise UnusableInput(path, why)


def write_output(path: Path, data: bytes, db_path: Path | None) -> None:
    """Write an output the user chose (export, report, bundle): `check_output_path`, then
    `atomic_write`. `db_path` is the database in use (None: in memory)."""
    atomic_write(check_output_path(path, db_path), data)


def check_output_path(path: Path, db_path: Path | None) -> Path:
    """`path`, if Attune may write an output there; else UnsafeOutput, saying why.

    Refused: the database in use or the default one ($ATTUNE_DB, else the data folder), their
    journal and lock files, anything in their backups folders, any other SQLite database, and
    anything that is not an ordinary file (a folder, a device, a pipe). Paths are compared
    after following links and `..`, by file identity where they exist (so a hard link or
    another spelling of the name is caught) and without regard to case.
    """
    path = Path(path)
    why = file_kind_problem(path)
    if why is not None:
        raise UnsafeOutput(path, why)
    for db in _protected_databases(db_path):
        if _same_file(path, db):
            raise UnsafeOutput(path, "it is Attune's database")
        for other in (*(db.with_name(db.name + s) for s in SIDECARS), lock_path(db)):
            if _same_file(path, other):
                raise UnsafeOutput(path, "it is one of the files of Attune's database")
        if _inside(path, backup_dir(db)):
            raise UnsafeOutput(path, "it is in Attune's backups folder")
    if _is_sqlite(path):
        raise UnsafeOutput(path, "it is a database")
    return path


def _protected_databases(db_path: Path | None) -> list[Path]:
    dbs = [] if db_path is None else [Path(db_path)]
    try:
        dbs.append(resolve_db_path())
    except AttuneError:  # $ATTUNE_DB names no usable path: nothing there to protect
        pass
    return [*dbs, *(_resolved(db) for db in dbs)]  # a linked database's files sit by its target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        pass  # one of them does not exist (yet): compare where they would be
    ra, rb = _resolved(a), _resolved(b)
    if ra == rb:
        return True
    if ra.name.casefold() != rb.name.casefold():
        return False
    try:
        return os.path.samefile(ra.parent, rb.parent)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    return any(_same_file(parent, folder) for parent in _resolved(path).parents)


def _resolved(path: Path) -> Path:
    """`path` with links and `..` followed; as written (made absolute) if they loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of links: Python 3.11 raises RuntimeError
        return Path(os.path.abspath(path))


def _is_sqlite(path: Path) -> bool:
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as f:
        return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


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
