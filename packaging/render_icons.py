"""Render Attune's icon (resources/icons/attune.svg) to the PNG sizes desktops ask for, and to
a Windows .ico, with Qt's own SVG renderer (PySide6-Essentials has QtSvg).

    .venv/bin/python packaging/render_icons.py

Run it after changing the SVG and commit what it writes (the app and the bundle read the files,
they do not render them).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(size: int):
    """The icon drawn at `size` × `size` pixels on a transparent ground."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(ICONS / "attune.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImageWriter

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (Qt's image plugins need it)
    for size in SIZES:
        out = ICONS / f"attune-{size}.png"
        if not render(size).save(str(out)):
            raise SystemExit(f"could not write {out}")
        print(f"wrote {out.name}")
    ico = QImageWriter(str(ICONS / "attune.ico"), b"ico")
    if not ico.write(render(256)):
        raise SystemExit(f"could not write attune.ico: {ico.errorString()}")
    print("wrote attune.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
