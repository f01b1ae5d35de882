"""The main window on real case files: panes, shared selection, banners, File menu, refusals, settings."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from workbench.core.store import check_case, open_case, schema_version
from workbench.ui.main_window import MainWindow
from workbench.ui.settings import recent_files


@pytest.fixture
def window(qtbot, small_case: Path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    return window


@pytest.fixture
def messages(answer_boxes):
    """Every message box the app raises is answered Ok; its text is kept in `.texts`."""
    return answer_boxes(QMessageBox.StandardButton.Ok)


def rows(window: MainWindow, table: str) -> list[tuple[str, ...]]:
    model = window.panes[table].model
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_window_shows_the_case_in_every_pane(window: MainWindow) -> None:
    assert window.windowTitle() == "Minsk — Минск, small case - Case Workbench"
    assert window.top_banner.label.text() == "SECRET//NOFORN" == window.bottom_banner.label.text()
    assert "#c8102e" in window.top_banner.label.styleSheet()
    assert [r[1] for r in rows(window, "events")] == ["Unmarked vehicles seen near Minsk", "Lukashenko calls Putin"]
    assert {r[0] for r in rows(window, "actors")} == {"Александр Лукашенко", "Kremlin",
                                                      "OMON (Special Purpose Police Unit)"}
    assert rows(window, "relations")[0][:3] == ("Александр Лукашенко", "requests support from", "Kremlin")
    assert [r[0] for r in rows(window, "sources")] == ["2", "10"]
    assert "2 events, 3 actors, 1 relations, 2 sources" in window.status_counts.text()
    assert "14 Aug 2020 - 15 Aug 2020 (Europe/Minsk)" in window.status_counts.text()
    assert window.status_read_only.isHidden()
    for title in ("Timeline", "Actor graph", "Sources", "Inspector"):
        assert any(d.windowTitle() == title for d in window.docks.values())


def test_selecting_a_row_drives_the_inspector_and_highlights_what_is_tied_to_it(qtbot, window: MainWindow) -> None:
    pane = window.panes["events"]
    row = pane.model.rows_of({"event-call"})[0]
    with qtbot.waitSignal(window.selection.selection_changed) as signal:
        pane.view.selectRow(row)
    assert signal.args[0].table == "events" and signal.args[0].ids == ("event-call",)
    assert signal.args[1] is pane
    shown = dict(window.inspector.rows())
    assert shown["Event"] == "Lukashenko calls Putin"
    assert "belta.by" in shown["Source [2]"]
    assert window.panes["actors"].model.related == {"actor-luka", "actor-kremlin"}
    assert window.panes["sources"].model.related == {"source-belta"}
    # the actor pane paints the tie, it does not steal the selection
    assert window.panes["actors"].selected_ids() == []


def test_selection_from_elsewhere_reaches_the_lists_without_echo(qtbot, window: MainWindow) -> None:
    heard = []
    window.selection.selection_changed.connect(lambda selection, origin: heard.append((selection, origin)))
    window.selection.select("actors", ["actor-kremlin"], origin="graph")
    assert window.panes["actors"].selected_ids() == ["actor-kremlin"]
    assert len(heard) == 1  # the list followed without announcing a change of its own
    window.selection.select("actors", ["actor-kremlin"], origin="graph")
    assert len(heard) == 1  # the same selection again is no change
    window.selection.select("sources", ["source-tass"])
    assert window.panes["actors"].selected_ids() == []
    assert window.panes["sources"].selected_ids() == ["source-tass"]
    assert dict(window.inspector.rows())["URL"] == "https://tass.com/politics/2"


def test_filter_and_sort_keep_the_selection(qtbot, window: MainWindow) -> None:
    pane = window.panes["actors"]
    window.selection.select("actors", ["actor-luka"])
    pane.filter.setText("лукаш")  # QTest cannot type Cyrillic keys; the text path is the same
    assert [r[0] for r in rows(window, "actors")] == ["Александр Лукашенко"]
    assert pane.selected_ids() == ["actor-luka"]
    pane.filter.clear()
    pane.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # by number of relations
    assert [r[4] for r in rows(window, "actors")] == ["1", "1", "0"]
    assert pane.selected_ids() == ["actor-luka"]
    pane.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert [r[0] for r in rows(window, "actors")] == ["Kremlin", "OMON (Special Purpose Police Unit)",
                                                      "Александр Лукашенко"]


def test_a_change_in_the_case_reaches_the_views(qtbot, window: MainWindow) -> None:
    window.selection.select("events", ["event-rumour"])
    with qtbot.waitSignal(window.signals.changed):
        window.case.insert("events", {"title": "Protest in Grodno", "start": "2020-08-16T09:00:00Z"})
    assert "Protest in Grodno" in [r[1] for r in rows(window, "events")]
    assert "3 events" in window.status_counts.text()
    window.case.delete("events", "event-rumour")
    assert not window.selection.selection  # a deleted record leaves the selection
    assert window.inspector.heading.text().startswith("Select")


def test_read_only_file_opens_read_only_and_says_so(qtbot, small_case: Path) -> None:
    small_case.chmod(0o444)
    try:
        before = sha256(small_case)
        window = MainWindow()
        qtbot.addWidget(window)
        assert window.open_path(small_case)
        assert window.case.read_only
        assert window.windowTitle().endswith("[read-only]")
        assert not window.status_read_only.isHidden()
        window.close()
        assert sha256(small_case) == before
    finally:
        small_case.chmod(0o644)


@pytest.mark.parametrize("bad", ["missing", "empty", "text", "truncated", "trigger"])
def test_refused_files_get_one_sentence_and_stay_untouched(
    qtbot, window: MainWindow, messages, tmp_path: Path, small_case: Path, bad: str
) -> None:
    path = tmp_path / f"{bad}.case"
    if bad == "empty":
        path.write_bytes(b"")
    elif bad == "text":
        path.write_text("Lukashenko said hello\n" * 100)
    elif bad == "truncated":
        data = small_case.read_bytes()
        path.write_bytes(data[: len(data) * 6 // 10])
    elif bad == "trigger":
        import sqlite3

        path.write_bytes(small_case.read_bytes())
        conn = sqlite3.connect(path)
        conn.execute("CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM sources; END")
        conn.commit()
        conn.close()
    before = sha256(path) if path.exists() else None
    siblings = sorted(p.name for p in tmp_path.iterdir())
    assert not window.open_path(path)
    assert len(messages.texts) == 1
    text = messages.texts[0]
    assert text.startswith(f"Cannot open {path.name}: ") and text.endswith(".") and "\n" not in text
    assert "Traceback" not in text
    assert window.case is not None and window.case.path == small_case  # the open case stays open
    assert (sha256(path) if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_recent_files_and_layout_survive_a_restart(qtbot, small_case: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.case"
    open_case(small_case).save_copy(other)
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_path(small_case)
    window.open_path(other)
    assert recent_files()[:2] == [other.resolve(), small_case.resolve()]
    window.docks["inspector"].hide()
    window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    assert again.docks["inspector"].isHidden()
    again.recent_menu.aboutToShow.emit()
    assert [a.text() for a in again.recent_menu.actions()][:2] == [str(other.resolve()), str(small_case.resolve())]
    again.recent_menu.actions()[1].trigger()
    assert again.case.path == small_case.resolve() or again.case.path.resolve() == small_case.resolve()
    again.reset_layout()
    assert not again.docks["inspector"].isHidden()


def test_save_a_copy_writes_a_checked_case_and_close_empties_the_window(window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "copies" / "for colleague"
    target.parent.mkdir()
    assert window.save_copy_to(target)
    written = target.with_suffix(".case")
    assert check_case(written) == schema_version()
    with open_case(written, read_only=True) as copy:
        assert copy.counts()["events"] == 2
    window.close_case()
    assert window.case is None
    assert window.windowTitle() == "Case Workbench"
    assert window.panes["events"].model is None
    assert not window.save_copy_action.isEnabled()
    assert window.inspector.heading.text() == "No case is open."


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=tmp_path)


def test_screenshot_renders_the_window_to_png(tmp_path: Path, small_case: Path) -> None:
    out = tmp_path / "shots" / "window.png"
    before = sha256(small_case)
    result = run_cli("--screenshot", str(out), str(small_case), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)  # the window's default size
    # the top banner is SECRET red across the width, under the menu bar
    reds = [image.pixelColor(x, y).name() for y in range(18, 60) for x in (5, 720, 1435)]
    assert reds.count("#c8102e") >= 3
    assert sha256(small_case) == before


def test_screenshot_of_a_refused_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "notes.case"
    bad.write_text("not a case")
    out = tmp_path / "never.png"
    result = run_cli("--screenshot", str(out), str(bad), tmp_path=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("Cannot open")]
    assert len(lines) == 1 and lines[0].startswith("Cannot open notes.case: ") and lines[0].endswith(".")
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert bad.read_text() == "not a case"


def test_no_argument_opens_a_fresh_copy_of_the_sample(tmp_path: Path, isolated_user_dirs: Path) -> None:
    out = tmp_path / "sample.png"
    result = run_cli("--screenshot", str(out), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    copies = list((isolated_user_dirs / "data").rglob("*.case"))
    assert len(copies) == 1 and "resources" not in str(copies[0])
    with open_case(copies[0], read_only=True) as case:
        assert case.counts()["events"] >= 20
        assert "Belarus" in case.title
