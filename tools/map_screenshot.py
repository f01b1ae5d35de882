"""The README's Map screenshot (docs/map.png): the sample case at the default window size, the Map dock raised.

    QT_QPA_PLATFORM=offscreen python tools/map_screenshot.py docs/map.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from workbench.core.sample import build_sample_case
from workbench.ui.app import SCREENSHOT_SIZE
from workbench.ui.main_window import MainWindow


def main(out: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.case"
        build_sample_case(path).close()
        window = MainWindow()
        window.keep_layout = False
        window.open_path(path)
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        app.processEvents()
        window.build_views()
        window.size_docks()
        window.docks["map"].raise_()
        for _ in range(5):
            app.processEvents()
        pane = window.view("map")
        pane.fit_places()
        gomel = window.case.conn.execute("SELECT id FROM places WHERE name = 'Gomel'").fetchone()[0]
        window.selection.select("places", [gomel])  # Gomel, its events, actors and sources everywhere
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out), "PNG")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/map.png")))
