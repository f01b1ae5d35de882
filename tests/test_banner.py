"""The classification banners span the window through edits, resizes, docking and floating (issue 19):
a marking that shrinks to its text at the left is a marking-compliance failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from workbench.ui.commands import insert_record, push, update_record
from workbench.ui.main_window import MainWindow


def settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def assert_full_width(window: MainWindow) -> None:
    for banner in (window.top_banner, window.bottom_banner):
        label = banner.label
        left = label.mapTo(window, label.rect().topLeft()).x()
        assert banner.isVisible()
        assert left <= 2 and label.width() >= window.width() - 4, (banner.objectName(), left, label.width(),
                                                                   window.width())
        # Coloured across: the label's own fill, not the window's grey, at both ends of the strip.
        picture = window.grab().toImage()
        y = label.mapTo(window, label.rect().center()).y()
        # (left of the centred text, and right of it)
        colours = {picture.pixelColor(x, y).name() for x in (3, window.width() // 8, window.width() * 7 // 8,
                                                              window.width() - 4)}
        assert len(colours) == 1, colours


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900), (1920, 1080)])
def test_banner_spans_the_window_after_an_edit_a_resize_and_docking(qtbot, sample_path: Path, tmp_path: Path,
                                                                    size: tuple[int, int]) -> None:
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(copy)
    window.resize(*size)
    window.show()
    window.build_views()
    settle()
    assert_full_width(window)
    # An edit (the window hears the change and redraws its frame: title, banners, status).
    push(window.undo_stack, insert_record(window.case, "actors", {"name": "Banner Test", "kind": "person"}))
    settle()
    assert_full_width(window)
    actor = window.case.conn.execute("SELECT id FROM actors WHERE name = 'Banner Test'").fetchone()[0]
    push(window.undo_stack, update_record(window.case, "actors", actor, {"name": "Banner Test 2"}))
    window.undo()
    settle()
    assert_full_width(window)
    # A resize, then a dock floated and docked again.
    window.resize(size[0] - 200, size[1] - 100)
    settle()
    assert_full_width(window)
    dock = window.docks["graph"]
    dock.setFloating(True)
    settle()
    assert_full_width(window)
    dock.setFloating(False)
    settle()
    assert_full_width(window)


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900)])
def test_a_layout_saved_before_the_newer_docks_puts_them_in_their_tabs(qtbot, sample_path: Path, tmp_path: Path,
                                                                      size: tuple[int, int]) -> None:
    """An analyst's layout saved by a version without the Map and Analysis docks: each goes where the default
    puts it, a tab behind its neighbour, and the window stays the size of the screen (the analysis opened as a
    fourth column and pushed the window to 1667 px, its bottom banner under stray tab bars)."""
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    older = MainWindow()
    qtbot.addWidget(older)
    for name in ("map", "analysis"):  # the older version's state names no such dock
        older.docks[name].setObjectName(f"not_yet_{name}")
    older.save_layout()
    state = bytes(older.saveState())
    assert "analysis_dock".encode("utf-16-be") not in state and "map_dock".encode("utf-16-be") not in state
    older.close()

    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(copy)
    window.resize(*size)
    window.show()
    window.build_views()
    settle()
    assert set(window.tabifiedDockWidgets(window.docks["sources"])) == {window.docks["analysis"], window.docks["map"]}
    assert window.tabifiedDockWidgets(window.docks["graph"]) == []
    assert window.width() == size[0], "the window is no wider than the screen it was sized for"
    assert_full_width(window)
