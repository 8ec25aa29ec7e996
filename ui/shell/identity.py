"""Who the running app is, to the desktop: name, organisation, version, icon and the desktop
entry it belongs to (`attune.desktop`, so docks and task bars group its windows under its icon).
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QGuiApplication, QIcon

from attune_companion import about

DESKTOP_FILE = "attune"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """Attune's icon at every size it is drawn in (resources/icons)."""
    icon = QIcon()
    folder = resources.files("attune_companion_resources").joinpath("icons")
    for size in ICON_SIZES:
        icon.addFile(str(folder.joinpath(f"attune-{size}.png")))
    return icon


def identify(app: QGuiApplication) -> None:
    """Name the app, its organisation, version and desktop entry, and give it its icon.
    (The organisation and name also place the settings file: keep them.)"""
    app.setApplicationName("Attune")
    app.setOrganizationName("attune")
    app.setApplicationVersion(about.version())
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(app_icon())
