"""The drawn views on screen are built just after the window first paints; one behind another dock's tab (the map,
by default) once those have painted, or at once if its tab is in front."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from sized_window import sample_window

from workbench.ui.main_window import LAZY_VIEWS, MainWindow
from workbench.ui.tasks import runner


class BuiltAtPaint(QObject):
    """Notes which drawn views were built at the first paint with every view on screen built."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.built: set[str] | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (self.built is None and watched is self.window and event.type() == QEvent.Type.Paint
                and self.window.shown_views_built() and "timeline" in self.window.views):
            self.built = set(self.window.views) & set(LAZY_VIEWS)
        return False


def _opened(qtbot, sample_path: Path, tmp_path: Path, map_in_front: bool) -> tuple[MainWindow, BuiltAtPaint]:
    window = sample_window(qtbot, sample_path, tmp_path)
    if map_in_front:
        window.docks["map"].raise_()
    watcher = BuiltAtPaint(window)
    window.installEventFilter(watcher)
    window.show()
    return window, watcher


def test_a_view_behind_a_tab_is_built_after_the_views_on_screen_have_painted(qtbot, sample_path, tmp_path):
    window, watcher = _opened(qtbot, sample_path, tmp_path, map_in_front=False)
    qtbot.waitUntil(lambda: watcher.built is not None, timeout=20_000)
    assert watcher.built == {"timeline", "graph", "sources"}
    assert window.docks["map"].visibleRegion().isEmpty()
    qtbot.waitUntil(lambda: "map" in window.views, timeout=20_000)  # without being asked
    assert window.views_built()
    runner().wait_idle(20_000)


def test_a_view_whose_tab_is_in_front_is_built_with_the_others(qtbot, sample_path, tmp_path):
    window, watcher = _opened(qtbot, sample_path, tmp_path, map_in_front=True)
    qtbot.waitUntil(lambda: watcher.built is not None, timeout=20_000)
    assert not window.docks["map"].visibleRegion().isEmpty()
    assert watcher.built == {"timeline", "graph", "map"}  # the sources are behind the map's tab now
    qtbot.waitUntil(window.views_built, timeout=20_000)
    runner().wait_idle(20_000)
