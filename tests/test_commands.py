"""Undo commands on a real window and case file: each step is a core call, undo restores, the views follow."""

from __future__ import annotations

from pathlib import Path

from workbench.ui.commands import insert_record, push, set_meta, update_record
from workbench.ui.main_window import MainWindow


def event_titles(window: MainWindow) -> list[str]:
    model = window.panes["events"].model
    return [model.index(row, 1).data() for row in range(model.rowCount())]


def test_insert_undo_redo_reach_the_file_and_the_views(qtbot, small_case: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_path(small_case)
    case = window.case
    command = insert_record(case, "events", {"title": "Strike at MTZ", "start": "2020-08-17T08:00:00Z"})
    assert push(window.undo_stack, command)
    assert case.get("events", command.record_id)["title"] == "Strike at MTZ"
    assert "Strike at MTZ" in event_titles(window)
    assert window.undo_action.text() == "&Undo Add event 'Strike at MTZ'"
    window.undo_action.trigger()
    assert case.get("events", command.record_id) is None
    assert "Strike at MTZ" not in event_titles(window)
    window.redo_action.trigger()
    assert case.get("events", command.record_id)["title"] == "Strike at MTZ"
    actions = [action for (action,) in case.conn.execute(
        "SELECT action FROM audit WHERE record_id = ? ORDER BY id", (command.record_id,))]
    assert actions == ["insert", "delete", "insert"]  # the audit keeps the whole story


def test_updates_with_a_merge_key_are_one_undo_step(qtbot, small_case: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.open_path(small_case)
    case = window.case
    for title in ("Lukashenko calls", "Lukashenko calls Putin twice", "Lukashenko calls Putin again"):
        push(window.undo_stack, update_record(case, "events", "event-call", {"title": title}, merge_key=7))
    assert window.undo_stack.count() == 1
    assert case.get("events", "event-call")["title"] == "Lukashenko calls Putin again"
    window.undo_stack.undo()
    assert case.get("events", "event-call")["title"] == "Lukashenko calls Putin"
    push(window.undo_stack, set_meta(case, "classification", "TOP SECRET"))
    assert window.top_banner.label.text() == "TOP SECRET"
    window.undo_stack.undo()
    assert window.top_banner.label.text() == "SECRET//NOFORN"


def test_read_only_case_takes_no_commands(qtbot, small_case: Path) -> None:
    window = MainWindow(read_only=True)
    qtbot.addWidget(window)
    window.open_path(small_case)
    assert not push(window.undo_stack, update_record(window.case, "events", "event-call", {"title": "x"}))
    assert window.undo_stack.count() == 0
    assert window.case.get("events", "event-call")["title"] == "Lukashenko calls Putin"
