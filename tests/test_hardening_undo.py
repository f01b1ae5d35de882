"""A failed undo or redo leaves the stack where it was and says why; undo never overwrites another
writer's change (issue 16, item 5)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.core.exporters.canonical import canonical_text
from workbench.core.store import open_case
from workbench.ui.commands import delete_records, push, update_record
from workbench.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, small_case: Path) -> MainWindow:
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    return window


def test_undo_while_another_program_writes_leaves_the_stack_and_says_why(window: MainWindow, answer_boxes) -> None:
    case = window.case
    push(window.undo_stack, update_record(case, "events", "event-call", {"title": "Renamed"}))
    case.conn.execute("PRAGMA busy_timeout = 50")  # do not wait the usual 5 s in a test
    other = sqlite3.connect(case.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    boxes = answer_boxes(QMessageBox.StandardButton.Ok)
    try:
        assert not window.undo()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert window.undo_stack.index() == 1, "the step is still there to undo"
    assert case.get("events", "event-call")["title"] == "Renamed"
    assert any("Another program is writing" in text for text in boxes.texts)
    assert window.undo()
    assert case.get("events", "event-call")["title"] == "Lukashenko calls Putin"
    assert window.undo_stack.index() == 0


def test_undo_does_not_overwrite_what_another_writer_did_since(window: MainWindow, answer_boxes) -> None:
    case = window.case
    push(window.undo_stack, update_record(case, "events", "event-call", {"title": "Ours"}))
    with open_case(case.path) as other:  # the command line, or a colleague's app on a share
        other.update("events", "event-call", {"title": "Theirs, later"})
    boxes = answer_boxes(QMessageBox.StandardButton.Ok)
    assert not window.undo()
    assert case.get("events", "event-call")["title"] == "Theirs, later", "their change is kept"
    assert window.undo_stack.index() == 1
    assert any("changed or deleted by someone else" in text for text in boxes.texts)


def test_undoing_a_delete_after_another_writer_recreated_the_record_refuses(window: MainWindow,
                                                                              answer_boxes) -> None:
    case = window.case
    push(window.undo_stack, delete_records(case, "actors", ["actor-kremlin"]))
    with open_case(case.path) as other:  # a command-line import brings the actor back under its id
        other.insert("actors", {"id": "actor-kremlin", "name": "Kremlin (re-imported)", "kind": "state"})
    before = canonical_text(case)
    boxes = answer_boxes(QMessageBox.StandardButton.Ok)
    assert not window.undo()
    assert canonical_text(case) == before, "nothing written: the other writer's actor and its links stay"
    assert window.undo_stack.index() == 1
    assert any("added again" in text for text in boxes.texts)


def test_redo_after_another_writer_changed_the_record_refuses(window: MainWindow, answer_boxes) -> None:
    case = window.case
    push(window.undo_stack, update_record(case, "events", "event-call", {"title": "Ours"}))
    assert window.undo()
    with open_case(case.path) as other:
        other.update("events", "event-call", {"title": "Theirs"})
    boxes = answer_boxes(QMessageBox.StandardButton.Ok)
    assert not window.redo()
    assert case.get("events", "event-call")["title"] == "Theirs"
    assert window.undo_stack.index() == 0 and window.undo_stack.canRedo()
    assert boxes.texts


def test_undoing_a_json_import_puts_back_the_case_settings(small_case: Path, tmp_path: Path) -> None:
    """Importing our JSON into an empty case takes the document's title, marking, zone and case id;
    its undo puts back the empty case's own (issue 16, item 6)."""
    from workbench.core.exporters.canonical import export_canonical
    from workbench.core.importers.canonical import import_canonical
    from workbench.core.store import create_case

    document = tmp_path / "small.json"
    with open_case(small_case, read_only=True) as source:
        export_canonical(source, document)
    with create_case(tmp_path / "empty.case", "Empty", "UNCLASSIFIED", "UTC") as case:
        before = case.all_meta()
        with case.recording() as journal:
            import_canonical(document, case)
        assert case.meta("classification") == "SECRET//NOFORN" and case.meta("timezone") == "Europe/Minsk"
        case.revert(journal)
        assert case.all_meta() == before
        assert case.counts()["events"] == 0
