"""File > Export and File > Merge Case in the window: work off the UI thread, Cancel, one undo step."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from workbench.core.exporters import FORMATS
from workbench.core.exporters.canonical import canonical_text
from workbench.core.store import Changes, open_case
from workbench.ui import sharing
from workbench.ui.main_window import MainWindow
from workbench.ui.tasks import runner


def open_window(qtbot: QtBot, path: Path, read_only: bool = False) -> MainWindow:
    window = MainWindow(read_only=read_only)
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(path)
    return window


def test_file_menu_has_export_and_merge(qtbot: QtBot, small_case: Path) -> None:
    window = open_window(qtbot, small_case)
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "&Export\u2026" in texts and "&Merge Case\u2026" in texts
    assert window.export_action.isEnabled() and window.merge_case_action.isEnabled()
    window.close_case()
    assert not window.export_action.isEnabled() and not window.merge_case_action.isEnabled()


def test_export_dialog_builds_copy_options_from_the_selection(qtbot: QtBot, small_case: Path) -> None:
    window = open_window(qtbot, small_case)
    window.selection.select("actors", ["actor-omon"])
    window.selection.set_time_window("2020-08-14T00:00:00Z", "2020-08-14T23:59:59Z")
    dialog = sharing.ExportDialog(window.case, window.selection, window)
    qtbot.addWidget(dialog)
    assert dialog.fmt == "case" and dialog.destination.text().endswith("small copy.case")
    dialog.check_actors.setChecked(True)
    dialog.check_window.setChecked(True)
    dialog.check_notes.setChecked(True)
    dialog.check_analyst.setChecked(True)
    options = dialog.options()
    assert options.actor_ids == ("actor-omon",) and options.start == "2020-08-14T00:00:00Z"
    assert options.drop_notes and options.replace_analyst == "Analyst" and not options.drop_audit
    dialog.set_format("gexf")
    assert dialog.copy_box.isHidden() and dialog.destination.text().endswith("small.gexf")
    assert dialog.options() is None


def test_export_runs_off_the_ui_thread_and_writes_the_file(qtbot: QtBot, small_case: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, small_case)
    threads: list[int] = []
    original = sharing.export

    def watched(*args: object, **kwargs: object) -> str:
        threads.append(threading.get_ident())  # not current_thread(): a pool thread would keep a dummy Thread
        return original(*args, **kwargs)  # type: ignore[arg-type]

    sharing.export = watched  # type: ignore[assignment]
    try:
        out = tmp_path / "case.json"
        summary = sharing.finish_export(window, window.case, "json", out, None)
    finally:
        sharing.export = original  # type: ignore[assignment]
    assert summary and summary.startswith("Exported") and out.exists()
    assert threads and threads[0] != threading.main_thread().ident
    assert json.loads(out.read_text(encoding="utf-8"))["events"]
    assert "Exported" in window.statusBar().currentMessage()


def test_cancel_during_an_export_leaves_the_destination_unchanged_and_the_window_responsive(
        qtbot: QtBot, small_case: Path, tmp_path: Path, monkeypatch, answer_boxes, press_cancel,
        hold_until_cancelled) -> None:
    window = open_window(qtbot, small_case)
    monkeypatch.setattr(sharing, "export", hold_until_cancelled(sharing.export))
    answer_boxes(QMessageBox.StandardButton.Yes)  # "x exists. Replace it?"
    for fmt in FORMATS:
        out = tmp_path / f"cancelled{FORMATS[fmt].suffix}"
        out.write_bytes(b"the previous export")
        presser = press_cancel(window)
        started = time.monotonic()
        assert sharing.finish_export(window, window.case, fmt, out, None) is None
        presser.timer.stop()
        ticks = presser.ticks
        assert presser.pressed and time.monotonic() - started < 8, "Cancel stopped the export"
        assert out.read_bytes() == b"the previous export"
        assert window.statusBar().currentMessage() == "Export cancelled; no file was written."
        # The UI thread went on handling events while the export waited (the Cancel above was pressed
        # by a UI-thread timer, which could not have fired otherwise): it kept ticking.
        assert len(ticks) >= 5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert runner().wait_idle(10_000)


def test_merge_from_a_colleague_is_one_undo_step(qtbot: QtBot, small_case: Path, tmp_path: Path) -> None:
    colleague = tmp_path / "colleague.case"
    shutil.copy(small_case, colleague)
    with open_case(colleague, analyst="colleague") as theirs:
        theirs.insert("events", {"id": "event-new", "title": "Theirs only", "start": "2020-08-18T10:00:00Z"})
        theirs.update("events", "event-call", {"title": "Their title"})
        theirs.insert("actors", {"id": "actor-batka", "name": "Батька", "kind": "person"})
    window = open_window(qtbot, small_case)
    case = window.case
    before = canonical_text(case)
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    seen: dict[str, object] = {}

    def decide(dialog: sharing.MergeDialog) -> bool:
        seen["conflicts"] = dialog.conflicts.rowCount()
        seen["duplicates"] = dialog.duplicates.rowCount()
        dialog.conflicts.choose(sharing.THEIRS)
        return True

    assert sharing.merge_from(window, colleague, decide=decide)
    assert seen == {"conflicts": 1, "duplicates": 1}
    assert case.get("events", "event-new") is not None
    assert case.get("events", "event-call")["title"] == "Their title"
    assert case.get("actors", "actor-batka") is None  # folded into Lukashenko (his alias)
    assert len(heard) == 1, "the views hear of the whole merge once"
    assert {"event-new", "event-call"} <= heard[0].written["events"]
    assert heard[0].deleted["actors"] == {"actor-batka"}
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == "Merge colleague.case"
    window.undo_stack.undo()
    assert len(heard) == 2, "and of its undo once"
    assert canonical_text(case) == before
    window.undo_stack.redo()
    assert case.get("events", "event-call")["title"] == "Their title"


def test_merge_of_the_same_case_says_nothing_to_merge(qtbot: QtBot, small_case: Path, tmp_path: Path) -> None:
    copy = tmp_path / "same.case"
    shutil.copy(small_case, copy)
    window = open_window(qtbot, small_case)
    assert not sharing.merge_from(window, copy, decide=lambda dialog: True)
    assert "Nothing to merge" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0
