"""A database in a cloud-sync client's folder is recognised, on any platform's paths, so Attune
can warn before a sync client copies a live database apart from its -wal file."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune_companion.cloud_folders import cloud_service, cloud_warning

HOME = {"HOME": "/home/sam"}


@pytest.mark.parametrize(("path", "service"), [
    # Dropbox, with the suffixes its clients add
    ("/home/sam/Dropbox/attune/attune.db", "Dropbox"),
    ("/Users/sam/Dropbox (Personal)/attune.db", "Dropbox"),
    (r"C:\Users\sam\Dropbox (Practice Ltd)\Attune\attune.db", "Dropbox"),
    # OneDrive, personal and work, Windows and macOS
    (r"C:\Users\sam\OneDrive\Documents\attune.db", "OneDrive"),
    (r"C:\Users\sam\OneDrive - Contoso Health\attune.db", "OneDrive"),
    ("/Users/sam/Library/CloudStorage/OneDrive-Personal/attune.db", "OneDrive"),
    # iCloud Drive on macOS and Windows
    ("/Users/sam/Library/Mobile Documents/com~apple~CloudDocs/attune.db", "iCloud Drive"),
    (r"C:\Users\sam\iCloudDrive\attune.db", "iCloud Drive"),
    ("/Users/sam/iCloud Drive/attune.db", "iCloud Drive"),
    # Google Drive, old and new clients
    ("/Users/sam/Google Drive/attune.db", "Google Drive"),
    (r"G:\My Drive\attune\attune.db", "Google Drive"),
    ("/Users/sam/Library/CloudStorage/GoogleDrive-sam@example.org/My Drive/a.db",
     "Google Drive"),
    # the others
    ("/home/sam/Nextcloud/attune.db", "Nextcloud"),
    ("/home/sam/ownCloud/attune.db", "ownCloud"),
    (r"C:\Users\sam\Box\attune.db", "Box"),
    ("/Users/sam/Box Sync/attune.db", "Box"),
    ("/Users/sam/pCloud Drive/attune.db", "pCloud"),
    (r"C:\Users\sam\Sync\attune.db", "Sync.com or Syncthing"),
    ("/home/sam/MEGA/attune.db", "MEGA"),
    ("/home/sam/MEGAsync/attune.db", "MEGA"),
    ("/Users/sam/Library/CloudStorage/Box-Box/attune.db", "Box"),
    ("/Users/sam/Library/CloudStorage/SomeNewClient/attune.db", "a cloud storage service"),
    # case never matters
    ("/HOME/SAM/DROPBOX/ATTUNE.DB", "Dropbox"),
    ("/home/sam/dropbox/attune.db", "Dropbox"),
])
def test_a_sync_folder_anywhere_in_the_path_is_named(path: str, service: str) -> None:
    assert cloud_service(path, HOME) == service


@pytest.mark.parametrize("path", [
    "/home/sam/.local/share/attune/attune.db",  # the default data folder
    r"C:\Users\sam\AppData\Local\attune\attune.db",
    "/Users/sam/Library/Application Support/attune/attune.db",
    "/home/sam/Documents/my dropbox notes/attune.db",  # a name that only contains one
    "/home/sam/Documents/Boxes/attune.db",
    "/home/sam/attune/Dropbox.db",  # the file's own name is not a folder
    "relative/attune.db",
])
def test_ordinary_folders_are_not_taken_for_sync_folders(path: str) -> None:
    assert cloud_service(path, HOME) is None


def test_a_home_folder_named_like_a_client_is_not_a_sync_folder() -> None:
    assert cloud_service("/home/box/.local/share/attune/attune.db", {"HOME": "/home/box"}) is None
    assert cloud_service(r"C:\Users\Mega\AppData\Local\attune\attune.db",
                         {"USERPROFILE": r"C:\Users\Mega"}) is None
    assert cloud_service("/home/box/Dropbox/attune.db", {"HOME": "/home/box"}) == "Dropbox"


def test_onedrive_moved_elsewhere_is_known_from_the_environment() -> None:
    env = {"OneDriveCommercial": r"D:\Work Files", "USERPROFILE": r"C:\Users\sam"}
    assert cloud_service(r"d:\work files\attune\attune.db", env) == "OneDrive"
    assert cloud_service(r"D:\Other\attune.db", env) is None


def test_the_warning_names_the_place_and_how_to_move_it(tmp_path: Path) -> None:
    synced = tmp_path / "Dropbox" / "attune.db"
    text = cloud_warning(synced, {})
    assert text is not None
    assert str(synced) in text and "Dropbox" in text
    assert "close Attune" in text and "--db" in text and "ATTUNE_DB" in text
    assert cloud_warning(tmp_path / "attune.db", {}) is None


def test_a_link_into_a_sync_folder_is_seen_through(tmp_path: Path) -> None:
    real = tmp_path / "OneDrive" / "attune"
    real.mkdir(parents=True)
    (tmp_path / "data").symlink_to(real)
    assert "OneDrive" in (cloud_warning(tmp_path / "data" / "attune.db", {}) or "")
