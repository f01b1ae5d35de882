"""Every slide of the sample gets its thumbnail in the Storyboard dock (issue 19: slides 6-8 were never
drawn), each a picture of its own slide: its charts drawn, no two alike."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from sized_window import open_window


def test_every_sample_slide_gets_a_thumbnail_of_its_own(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    window.docks["storyboard"].raise_()
    QApplication.processEvents()
    board = window.storyboard
    assert len(board.slides) == 8
    qtbot.waitUntil(lambda: all(board.pixmap(slide) is not None for slide in board.slides), timeout=120_000)
    images = []
    for row, slide in enumerate(board.slides):
        pixmap = board.pixmap(slide)
        assert pixmap is not None and not pixmap.isNull(), slide.title
        assert not board.list.item(row).icon().isNull(), slide.title
        image = pixmap.toImage()
        # The charts are drawn: in the lower two thirds, many pixels are neither white nor the banner.
        inked = sum(1 for x in range(0, image.width(), 2) for y in range(image.height() // 3, image.height() - 12, 2)
                    if QColor(image.pixel(x, y)).lightness() < 200)
        assert inked > 150, (row + 1, slide.title, inked)
        images.append(image)
    for a in range(len(images)):
        for b in range(a + 1, len(images)):
            assert images[a] != images[b], (a + 1, b + 1)
