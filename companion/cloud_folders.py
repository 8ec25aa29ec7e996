"""Whether the database lies in a folder a cloud-sync client copies (Dropbox, OneDrive, ...).

A sync client copies files as they change; copying a live SQLite database apart from its `-wal`
file, or putting an older copy back, can damage it or lose sessions. Attune keeps working
there, but says so, and how to move the database. The folder is known by the names the clients
give their folders, matched per path component, case-insensitively, on any platform's
separators; on Windows the OneDrive folders are also named in the environment.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from attune_companion.paths import ENV_DB

_FOLDERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "com~apple~clouddocs": "iCloud Drive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "box": "Box",
    "box sync": "Box",
    "pcloud drive": "pCloud",
    "pclouddrive": "pCloud",
    "sync": "Sync.com or Syncthing",
    "mega": "MEGA",
    "megasync": "MEGA",
    "tresorit": "Tresorit",
    "seafile": "Seafile",
    "cloudstorage": "a cloud storage service",
}
"""Folder names (casefolded) the sync clients use, and the service each belongs to."""

_DECORATION = re.compile(r"^(?P<name>.+?)(?:\s*\(.*\)|\s*-\s*.+)$")
"""A client's name with a suffix it adds: 'Dropbox (Personal)', 'OneDrive - Contoso',
'OneDrive-Personal', 'GoogleDrive-me@example.org' (macOS CloudStorage), 'Box-Box'."""

_ENV_FOLDERS = {"OneDrive": "OneDrive", "OneDriveConsumer": "OneDrive",
                "OneDriveCommercial": "OneDrive"}
"""Environment variables Windows sets to a sync client's folder."""


def _parts(path: str | os.PathLike[str]) -> list[str]:
    return [p.casefold() for p in re.split(r"[\\/]+", os.fspath(path)) if p]


def cloud_service(path: str | os.PathLike[str],
                  environ: Mapping[str, str] | None = None) -> str | None:
    """The sync service whose folder holds `path` (None: none known). `environ` (default
    os.environ) names the OneDrive folders on Windows, and the home folder, whose own name
    is never taken for a sync folder (a user called 'box')."""
    parts = _parts(path)
    env = os.environ if environ is None else environ
    for variable, service in _ENV_FOLDERS.items():
        folder = _parts(env.get(variable, ""))
        if folder and parts[: len(folder)] == folder:
            return service
    folders = parts[:-1]  # not the file's own name
    for variable in ("HOME", "USERPROFILE"):
        home = _parts(env.get(variable, ""))
        if home and folders[: len(home)] == home:
            folders = folders[len(home):]
            break
    found = [_FOLDERS[name] for part in folders for name in _names(part) if name in _FOLDERS]
    specific = [service for service in found if service != _FOLDERS["cloudstorage"]]
    return (specific or found or [None])[0]


def _names(part: str) -> tuple[str, ...]:
    decorated = _DECORATION.match(part)
    return (part, decorated.group("name").strip()) if decorated else (part,)


def cloud_warning(db_path: Path, environ: Mapping[str, str] | None = None) -> str | None:
    """A calm sentence when the database is in a sync client's folder (its real place too,
    through links), saying how to move it; None when it is not."""
    service = cloud_service(db_path, environ)
    if service is None:
        try:
            service = cloud_service(db_path.resolve(), environ)
        except OSError:
            service = None
    if service is None:
        return None
    return (f"The database {db_path} is in a folder synced by {service}. A sync client copying "
            "it while Attune writes can damage it. To move it: close Attune, move the file "
            f"(and its backups folder) to a folder that is not synced, then start Attune with "
            f"--db and the new path, or set {ENV_DB} to it.")
