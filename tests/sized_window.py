"""The sample case in a main window of a given size, with every view built: what an analyst sees on opening."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from workbench.ui.main_window import MainWindow


def sample_window(qtbot, sample_path: Path, tmp_path: Path) -> MainWindow:
    """A main window on a copy of the sample, not yet shown (its views are built once it paints)."""
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(copy)
    return window


def open_window(qtbot, sample_path: Path, tmp_path: Path, width: int = 1440, height: int = 900) -> MainWindow:
    window = sample_window(qtbot, sample_path, tmp_path)
    window.resize(width, height)
    window.show()
    QApplication.processEvents()
    window.build_views()
    for _ in range(5):
        QApplication.processEvents()
    return window
