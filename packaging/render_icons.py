"""Render the SVG icons (resources/icons/hicolor/scalable) to the PNG sizes of the freedesktop hicolor theme."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
APP_ID = "org.caseworkbench.CaseWorkbench"
MIME_ICON = "application-x-case-workbench"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    for name, context in ((APP_ID, "apps"), (MIME_ICON, "mimetypes")):
        svg = ICONS / "hicolor" / "scalable" / context / f"{name}.svg"
        for size in SIZES:
            target = ICONS / "hicolor" / f"{size}x{size}" / context / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            if not render(svg, size).save(str(target), "PNG"):
                raise SystemExit(f"cannot write {target}")
    print(f"Rendered {APP_ID} and {MIME_ICON} at {', '.join(map(str, SIZES))} px into {ICONS / 'hicolor'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
