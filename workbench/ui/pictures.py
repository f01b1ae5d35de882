"""Pictures of a view written to disk: PNG and SVG, through a temporary file renamed into place.

A failure (a full disk, an unwritable folder) returns False and leaves any previous file at
`path` exactly as it was, with nothing partial beside it (core.atomic.atomic_path).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QFile, QFileDevice, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPainter

from workbench.core.atomic import atomic_path


def save_png(image: QImage, path: Path) -> bool:
    try:
        with atomic_path(path) as partial:
            if not image.save(str(partial), "PNG"):
                raise OSError(f"the PNG image could not be written to {Path(path).name}")
    except OSError:
        return False
    return True


def save_svg(path: Path, width: float, height: float, title: str, paint: Callable[[QPainter], None]) -> bool:
    """An SVG drawing of `width` x `height` made by `paint(painter)`."""
    from PySide6.QtSvg import QSvgGenerator

    try:
        with atomic_path(path) as partial:
            output = QFile(str(partial))
            if not output.open(QIODevice.OpenModeFlag.WriteOnly):
                raise OSError(output.errorString())
            generator = QSvgGenerator()
            generator.setOutputDevice(output)
            generator.setTitle(title)
            generator.setSize(QSize(int(width), int(height)))
            generator.setViewBox(QRectF(0, 0, width, height))
            painter = QPainter()
            if not painter.begin(generator):
                raise OSError("the SVG drawing could not be started")
            paint(painter)
            ended = painter.end()
            output.close()  # closed before the rename, so every byte is on disk
            if not ended or output.error() != QFileDevice.FileError.NoError:
                raise OSError(output.errorString() or "the SVG drawing could not be written")
    except OSError:
        return False
    return True
