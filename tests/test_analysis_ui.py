"""The Analysis dock (issue 27): questions and hypotheses with undo, cells rated by combo, rows added from the
selection, by drag and from a picker, sorted by diagnosticity, sources toggled off, rows selecting their items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QComboBox

from workbench.core import ach
from workbench.core.ops.hypotheses import rate
from workbench.core.queries import LISTINGS
from workbench.core.store import open_case
from workbench.ui import commands
from workbench.ui.analysis import FIXED_COLUMNS, AnalysisPane
from workbench.ui.listing import RECORDS_MIME, ListingModel
from workbench.ui.selection import SelectionModel


@pytest.fixture
def pane(qtbot, small_case: Path):
    case = open_case(small_case)
    selection = SelectionModel()
    selection.undo_stack = QUndoStack()
    view = AnalysisPane(selection)
    qtbot.addWidget(view)
    case.subscribe(lambda changes: view.case_changed(changes) if changes.origin is not view else None)
    view.set_case(case)
    view.resize(900, 600)
    view.show()
    yield view
    view.set_case(None)
    case.close()


def rate_by_combo(view: AnalysisPane, row: int, column: int, code: str | None) -> None:
    """Open the cell's combo as a double-click does and choose `code`."""
    index = view.table.model().index(row, column)
    view.table.setCurrentIndex(index)
    view.table.edit(index)
    (combo,) = [c for c in view.table.findChildren(QComboBox, "analysis_cell_combo") if c.isVisible()]
    combo.setCurrentIndex(combo.findData(code))
    view.table.commitData(combo)
    view.table.closeEditor(combo, view.table.itemDelegate().EndEditHint.NoHint)
    QApplication.processEvents()  # the choice applies once the editor has closed


def test_a_question_is_built_rated_and_undone_step_by_step(pane: AnalysisPane) -> None:
    stack = pane.selection.undo_stack
    pane.new_question("Will Russia intervene militarily in Belarus?")
    pane.new_hypothesis("Russia will not intervene")
    pane.new_hypothesis("Russia will intervene")
    pane.selection.select("events", ["event-call"])
    pane.add_selected()
    pane.add_items("relations", ["relation-support"])
    assert pane.table.rowCount() == 2 and pane.table.columnCount() == len(FIXED_COLUMNS) + 2
    assert pane.table.item(0, 0).text() == "Lukashenko calls Putin"
    assert pane.table.item(0, 1).text() == "C2 \u2691"  # one source: flagged
    steps = stack.count()
    # rows are in the order added while nothing is rated; rating by combo is one undo step per cell
    rate_by_combo(pane, 1, len(FIXED_COLUMNS), "I")  # relation: inconsistent with 'will not intervene'
    rate_by_combo(pane, 1, len(FIXED_COLUMNS) + 1, "CC")
    assert stack.count() == steps + 2
    assert pane.matrix is not None
    scores = ach.scores(pane.matrix)
    assert list(scores.values())[0] > 0 and list(scores.values())[1] == 0
    # most diagnostic first: the rated relation is now the top row
    assert pane.table.item(0, 0).text().startswith("Александр Лукашенко requests support from Kremlin")
    assert "H1" in pane.scores.text() and "H2 0.0 < H1" in pane.scores.text()
    # a comment on the current cell
    pane.table.setCurrentCell(0, len(FIXED_COLUMNS))
    pane.comment.setText("asked for help: not intervention yet")
    pane.comment.editingFinished.emit()
    assert pane.matrix.rows[1].comments[pane.matrix.hypothesis_ids[0]] == "asked for help: not intervention yet"
    # relevance by combo
    rate_by_combo(pane, 0, 3, "high")
    assert pane.matrix.rows[1].relevance == "high"
    for _ in range(stack.count()):
        stack.undo()
    assert pane.case.rows("questions") == [] and pane.question.count() == 0
    for _ in range(stack.count()):
        stack.redo()
    assert pane.matrix is not None and len(pane.matrix.rows) == 2 and pane.matrix.rows[1].relevance == "high"


def test_rows_arrive_by_drag_from_a_list_and_from_the_picker(pane: AnalysisPane, qtbot) -> None:
    pane.new_question("Is the Serbian brigade there for the crackdown?")
    # a drag from the event list carries the records' table and ids
    model = ListingModel(LISTINGS["events"](pane.case))
    dragged = model.mimeData([model.index(0, 0), model.index(1, 1)])
    assert json.loads(bytes(dragged.data(RECORDS_MIME).data()))["table"] == "events"
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, dragged, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    pane.table.dropEvent(drop)
    assert {row.item_id for row in pane.matrix.rows} == {"event-call", "event-rumour"}
    # something that is not a record list's drag is refused without harm
    other = QMimeData()
    other.setData(RECORDS_MIME, b"not json")
    pane.table.dropEvent(QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, other, Qt.MouseButton.LeftButton,
                                    Qt.KeyboardModifier.NoModifier))
    assert len(pane.matrix.rows) == 2
    # the picker offers what is not in the matrix yet
    candidates = ach.evidence_candidates(pane.case, pane.question_id)
    assert {table for table, _id, _label in candidates} == {"relations", "citations", "notes"}


def test_a_row_selects_its_item_and_a_fallen_source_changes_the_scores(pane: AnalysisPane) -> None:
    pane.new_question("Will Russia intervene?")
    no = pane.new_hypothesis("No")
    pane.new_hypothesis("Yes")
    pane.add_items("events", ["event-call"])
    citation = pane.case.rows("citations", where="relation_id = ?", params=("relation-support",))[0]["id"]
    pane.add_items("citations", [citation])
    pane.diagnostic_first.setChecked(False)
    evidence = pane.matrix.rows[1]
    commands.push(pane.selection.undo_stack, commands.Operation(
        pane.case, "rate", lambda c: rate(c, evidence.id, no, "II")))  # from elsewhere: the pane hears of it
    QApplication.processEvents()
    # TASS is B, but the passage is ungraded (6): low credibility, so II counts 2 x 0.71
    assert pane.table.horizontalHeaderItem(len(FIXED_COLUMNS)).text().startswith("H1  (1.4)")
    # clicking the citation's row selects the relation it supports, for every view
    pane.table.setCurrentCell(1, 0)
    assert pane.selection.selection.table == "relations" and pane.selection.selection.ids == ("relation-support",)
    pane.table.setCurrentCell(0, 0)
    assert pane.selection.selection.ids == ("event-call",)
    # untick TASS: its citation's row leaves the scores, struck out
    tass = next(i for i in range(pane.sources.count()) if pane.sources.item(i).data(Qt.ItemDataRole.UserRole)
                == "source-tass")
    pane.sources.item(tass).setCheckState(Qt.CheckState.Unchecked)
    assert pane.fallen == {"source-tass"}
    assert "\u2192 0.0" in pane.table.horizontalHeaderItem(len(FIXED_COLUMNS)).text()
    assert pane.table.item(1, 0).font().strikeOut()
    assert "with the unticked sources fallen" in pane.scores.text()


def test_the_matrix_exports_to_csv_most_diagnostic_first_with_scores(pane: AnalysisPane, tmp_path: Path) -> None:
    import csv

    pane.new_question("Will Russia intervene?")
    no = pane.new_hypothesis("No")
    yes = pane.new_hypothesis("Yes")
    pane.add_items("events", ["event-call", "event-rumour"])
    rumour = next(row for row in pane.matrix.rows if row.item_id == "event-rumour")
    commands.push(pane.selection.undo_stack, commands.Operation(
        pane.case, "rate", lambda c: rate(c, rumour.id, no, "I", comment="=HYPERLINK(\"x\")")))
    commands.push(pane.selection.undo_stack,
                  commands.Operation(pane.case, "rate", lambda c: rate(c, rumour.id, yes, "C")))
    out = tmp_path / "matrix.csv"
    assert "2 rows, 2 hypotheses" in pane.export_csv(str(out))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Evidence", "Item", "Grades"] and rows[0][7] == "H1: No"
    assert rows[1][0].startswith("Unmarked vehicles")  # the diagnostic row first, though uncited (low)
    assert rows[1][7:9] == ["I", "'=HYPERLINK(\"x\")"]  # a comment that is a formula is disarmed
    assert rows[-1][0].startswith("Inconsistency score") and float(rows[-1][7]) > 0


def test_the_timeline_colours_events_by_their_rating_against_a_hypothesis(qtbot, small_case: Path) -> None:
    from workbench.core.ops.hypotheses import add_evidence, add_hypothesis, add_question
    from workbench.ui.timeline import RATING_CODES, TimelinePane

    with open_case(small_case) as case:
        question = add_question(case, "Will Russia intervene?").result
        no = add_hypothesis(case, question, "No").result
        yes = add_hypothesis(case, question, "Yes").result
        call = add_evidence(case, question, "events", "event-call").result
        rate(case, call, no, "II")
        rate(case, call, yes, "C")
    case = open_case(small_case)
    selection = SelectionModel()
    pane = TimelinePane(selection)
    qtbot.addWidget(pane)
    pane.resize(1200, 500)
    pane.set_case(case)
    pane.show()
    QApplication.processEvents()
    chart = pane.chart
    assert chart.rating_combo.count() == 3 and chart.rating_marks is None
    before = chart.grab().toImage()
    chart.colour_by_hypothesis(no)
    call_index = int(chart.data.indices_of(["event-call"])[0])
    assert RATING_CODES[chart.rating_marks[call_index]] == "II"
    assert (chart.rating_marks >= 0).sum() == 1  # the rumour is not in the matrix
    QApplication.processEvents()
    assert chart.events.last_frame.marked and chart.grab().toImage() != before
    # a rating changed elsewhere recolours the event
    row = case.rows("ratings", where="hypothesis_id = ?", params=(no,))[0]
    changes = commands.Operation(case, "rate", lambda c: rate(c, row["evidence_id"], no, "C"))
    commands.push(QUndoStack(), changes)
    pane.case_changed(changes.changes)
    assert RATING_CODES[chart.rating_marks[call_index]] == "C"
    pane.set_case(None)
    case.close()


def test_the_matrix_is_a_storyboard_slide_and_a_deck_page(qtbot, sample_path: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from workbench.core import storyboard
    from workbench.ui.briefing.deck import export_deck
    from workbench.ui.briefing.slides import SlideRenderer

    copy = tmp_path / "belarus.case"
    copy.write_bytes(sample_path.read_bytes())
    case = open_case(copy)
    selection = SelectionModel()
    selection.undo_stack = QUndoStack()
    view = AnalysisPane(selection)
    qtbot.addWidget(view)
    view.set_case(case)
    assert view.matrix is not None and len(view.matrix.rows) >= 8  # the sample's question
    meduza = next(s for s, title in view.matrix.source_titles.items() if title.startswith("Lukashenko: at our"))
    view.fallen = {meduza}
    view_id = view.add_slide()
    slide = next(s for s in storyboard.slides(case) if s.id == view_id)
    assert slide.title.startswith("Will Russia intervene militarily") and slide.state["analysis"]["fallen"] == [meduza]
    renderer = SlideRenderer(case)
    renderer.show(slide)
    stage = renderer.view.stage
    assert stage.matrix.isVisible() and not stage.timeline.isVisible() and not stage.graph.isVisible()
    assert stage.matrix.rowCount() == len(view.matrix.rows) + 1
    assert "\u2192" in stage.matrix.horizontalHeaderItem(2).text()  # the scores if Meduza fell
    # the next slide (a chart) hides the matrix again
    renderer.show(storyboard.slides(case)[0])
    assert not stage.matrix.isVisible() and stage.timeline.isVisible()
    view.set_case(None)
    case.close()
    out = tmp_path / "deck.pdf"
    export_deck(copy, "pdf", out)
    texts = [" ".join(page.extract_text().split()) for page in PdfReader(str(out)).pages]
    matrix_page = next(text for text in texts if "Will Russia intervene militarily" in text)
    assert "No military intervention" in matrix_page and "Inconsistency" in matrix_page
