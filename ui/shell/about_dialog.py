"""The About box: Attune's version, where its data, settings and log live, and a button that
copies the system's details for a problem report (versions and screen scale only, never
anything about a client). Opened from the start page, so never during a session; not modal.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from attune_companion import about, logs, paths


def qt_details() -> list[tuple[str, str]]:
    """The window's side of the system details: Qt, PySide6, pyqtgraph, the platform plugin
    and each screen's size and scale."""
    try:
        pyqtgraph = metadata.version("pyqtgraph")  # not imported: the start page does not need it
    except metadata.PackageNotFoundError:
        pyqtgraph = "not installed"
    rows = [("Qt", qVersion()), ("PySide6", PySide6.__version__), ("pyqtgraph", pyqtgraph),
            ("Qt platform", QGuiApplication.platformName())]
    for number, screen in enumerate(QGuiApplication.screens(), 1):
        size = screen.size()
        rows.append((f"Screen {number}", f"{size.width()}×{size.height()}, scale "
                     f"{screen.devicePixelRatio():g}, {screen.logicalDotsPerInch():.0f} dpi"))
    return rows


def system_details_text() -> str:
    """What 'Copy system details' puts on the clipboard."""
    return about.format_details(about.system_details(qt_details()))


class AboutDialog(QDialog):
    """Version, file locations and the copy button. `database` is the database in use (None:
    it could not be opened); `settings_file` where the preferences are kept."""

    def __init__(self, database: Path | None, settings_file: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Attune")
        self.setAccessibleName("About Attune")
        layout = QVBoxLayout(self)
        title = QLabel(f"Attune {about.version()}")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addWidget(QLabel("A quiet companion for the therapy hour. Everything stays on "
                                "this computer."))

        log_file = logs.current_log_file()
        self.locations = {
            "Data folder": str(paths.data_dir()),
            "Database": str(database) if database is not None else "could not be opened",
            "Settings": settings_file,
            "Coding scheme": str(paths.user_scheme_path()),
            "Log": str(log_file) if log_file is not None else "not kept in this run",
        }
        form = QFormLayout()
        for name, value in self.locations.items():
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            label.setAccessibleName(name)
            form.addRow(f"{name}:", label)
        layout.addLayout(form)

        self.copy_button = QPushButton("Copy system details")
        self.copy_button.setToolTip("Versions of Attune, the system, Python and Qt, and the "
                                    "screen scale, to paste into a problem report. Nothing "
                                    "about your clients.")
        self.copy_button.clicked.connect(self.copy_details)
        self.copied = QLabel("")
        self.copied.setObjectName("hint")
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.copied)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(system_details_text())
        self.copied.setText("Copied. Paste it into your message, with the log file if you can.")


def open_about(database: Path | None, settings_file: str, parent: QWidget) -> AboutDialog:
    """Show the About box beside the window (not modal); it is deleted when closed."""
    dialog = AboutDialog(database, settings_file, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
