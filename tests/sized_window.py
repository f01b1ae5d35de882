"""The sample case in a main window of a given size, with every view built: what an analyst sees on opening."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from workbench.ui.main_window import MainWindow


def open_window(qtbot, sample_path: Path, tmp_path: Path, width: int = 1440, height: int = 900) -> MainWindow:
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(copy)
    window.resize(width, height)
    window.show()
    QApplication.processEvents()
    window.build_views()
    for _ in range(5):
        QApplication.processEvents()
    return window
