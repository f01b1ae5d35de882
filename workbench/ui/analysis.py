"""The Analysis dock: Analysis of Competing Hypotheses over the case's own cited items (issue 27).

A question with its hypotheses (columns) and evidence rows (the case's events, relations, citations and
notes, with their sources' grades); each cell is rated by a combo, scores and flags come from `core.ach`;
unticking a source shows the scores as they would stand if it fell. Every edit is one undo step.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core import ach
from workbench.core.confidence import ACH_RATINGS
from workbench.core.exporters.matrix_csv import export_matrix_csv
from workbench.core.model import NOUNS
from workbench.core.ops.hypotheses import add_evidence, add_hypothesis, add_question, rate, set_weights
from workbench.core.store import Case, CaseError, Changes
from workbench.ui.checked_form import ok_cancel
from workbench.ui.commands import Operation, delete_records, insert_record, push, quoted, update_record
from workbench.ui.listing import RECORDS_MIME
from workbench.ui.plaintext import tip, warn
from workbench.ui.selection import SelectionModel

RATING_COLOURS = {"CC": "#2e7d32", "C": "#a5d6a7", "N": "#eeeeee", "I": "#ef9a9a", "II": "#c62828", "NA": "#fafafa"}
DARK_RATINGS = ("CC", "II")
FIXED_COLUMNS = ("Evidence", "Grades", "Cred.", "Rel.", "Diag.")
FIXED_TIPS = ("The case's item weighed (an event, relation, citation or note)",
              "Its sources' grades, best first, each source once; \u2691: one source only",
              "Credibility: high, medium or low; italic when read from the sources' grades",
              "Relevance: high, medium or low", "Diagnosticity: how far apart its ratings lie (0-4)")
EVIDENCE, GRADES, CREDIBILITY, RELEVANCE, DIAGNOSTIC = range(5)
FROM_GRADES = "from grades"
WEIGHED_TABLES = ("events", "relations", "citations", "notes")


def rating_brush(rating: str) -> QBrush:
    return QBrush(QColor(RATING_COLOURS.get(rating, "#ffffff")))


class ChoiceDelegate(QStyledItemDelegate):
    """A combo for a cell: ratings in the hypothesis columns, levels in credibility and relevance."""

    def __init__(self, pane: AnalysisPane) -> None:
        super().__init__(pane)
        self.pane = pane

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt override
                     index: QModelIndex | QPersistentModelIndex) -> QWidget | None:
        choices = self.pane.choices(index.column())
        if not choices:
            return None
        combo = QComboBox(parent)
        combo.setObjectName("analysis_cell_combo")
        for value, text in choices:
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        value = self.pane.value_at(index.row(), index.column())
        position = editor.findData(value)  # type: ignore[attr-defined]
        editor.setCurrentIndex(max(position, 0))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        # Applied once the editor has closed: the edit rebuilds the table, which must not happen under the editor.
        row, column, value = index.row(), index.column(), editor.currentData()  # type: ignore[attr-defined]
        QTimer.singleShot(0, self.pane, lambda: self.pane.choose(row, column, value))


class MatrixTable(QTableWidget):
    """The matrix; takes records dropped from the case's lists as new evidence rows."""

    def __init__(self, pane: AnalysisPane) -> None:
        super().__init__(pane)
        self.pane = pane
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(RECORDS_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(RECORDS_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        if not event.mimeData().hasFormat(RECORDS_MIME):
            super().dropEvent(event)
            return
        try:
            dropped = json.loads(bytes(event.mimeData().data(RECORDS_MIME).data()).decode("utf-8"))
            table, ids = str(dropped["table"]), [str(i) for i in dropped["ids"]]
        except (ValueError, KeyError, TypeError):
            return
        event.acceptProposedAction()
        self.pane.add_items(table, ids)


class EvidencePicker(QDialog):
    """Choose items of the case to weigh: events, relations, citations and notes, filtered as you type."""

    def __init__(self, candidates: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add evidence")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter\u2026")
        self.filter.setObjectName("evidence_picker_filter")
        self.list = QListWidget(self)
        self.list.setObjectName("evidence_picker_list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for table, item_id, label in candidates:
            item = QListWidgetItem(f"{NOUNS[table]}: {label}")
            item.setData(Qt.ItemDataRole.UserRole, (table, item_id))
            self.list.addItem(item)
        buttons = ok_cancel(self)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        self.resize(640, 480)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(not all(word in item.text().casefold() for word in words))

    def chosen(self) -> list[tuple[str, str]]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]


class AnalysisPane(QWidget):
    """Questions, hypotheses and the matrix of one question; see the module docstring."""

    depends_on = frozenset({"questions", "hypotheses", "evidence_rows", "ratings", "events", "relations",
                            "citations", "notes", "sources", "actors"})

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analysis_pane")
        self.selection = selection
        self.case: Case | None = None
        self.matrix: ach.Matrix | None = None
        self.shown_rows: list[ach.MatrixRow] = []
        self.fallen: set[str] = set()
        self._loading = False
        self.actions_by_name: dict[str, QAction] = {}

        self.question = QComboBox(self)
        self.question.setObjectName("analysis_question")
        self.question.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.question.setMinimumContentsLength(5)
        # Three menus rather than nine buttons: the dock shares the window's width with the sources.
        self.question_menu = self._menu("Question", "analysis_question_menu", (
            ("New question\u2026", "analysis_new_question", self.new_question),
            ("Rename question\u2026", "analysis_rename_question", self.rename_question),
            ("Delete question", "analysis_delete_question", self.delete_question),
            ("Export the matrix as CSV\u2026", "analysis_export_csv", self.export_csv),
            ("Add the matrix to the storyboard", "analysis_add_slide", self.add_slide)))
        self.hypothesis_menu = self._menu("Hypotheses", "analysis_hypothesis_menu", (
            ("Add hypothesis\u2026", "analysis_add_hypothesis", self.new_hypothesis),
            ("Edit the current column's hypothesis\u2026", "analysis_edit_hypothesis", self.edit_hypothesis),
            ("Delete the current column's hypothesis", "analysis_delete_hypothesis", self.delete_hypothesis)))
        self.evidence_menu = self._menu("Evidence", "analysis_evidence_menu", (
            ("Add evidence from the case\u2026", "analysis_add_evidence", self.pick_evidence),
            ("Add the selected event, relation or citation", "analysis_add_selected", self.add_selected),
            ("Remove the current row", "analysis_remove_row", self.remove_row)))
        self.evidence_menu.setToolTip("Add the case's events, relations, citations and notes as rows "
                                      "(or drag rows from the event and relation lists onto the matrix)")
        self.diagnostic_first = QCheckBox("Diagnostic first", self)
        self.diagnostic_first.setToolTip("Sort the rows most diagnostic first (rated most differently across the "
                                         "hypotheses); untick for the order they were added in")
        self.diagnostic_first.setObjectName("analysis_diagnostic_first")
        self.diagnostic_first.setChecked(True)
        self.diagnostic_first.toggled.connect(lambda _on: self.show_matrix())

        self.table = MatrixTable(self)
        self.table.setObjectName("analysis_matrix")
        self.table.setItemDelegate(ChoiceDelegate(self))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.SelectedClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
        self.table.currentCellChanged.connect(self._current_cell_changed)

        self.comment = QLineEdit(self)
        self.comment.setObjectName("analysis_comment")
        self.comment.setPlaceholderText("Comment on the selected cell\u2026")
        self.comment.editingFinished.connect(self._comment_edited)
        self.scores = QLabel(self)
        self.scores.setObjectName("analysis_scores")
        self.scores.setTextFormat(Qt.TextFormat.PlainText)
        self.scores.setWordWrap(True)

        self.sources = QListWidget(self)
        self.sources.setObjectName("analysis_sources")
        self.sources.setToolTip("Untick a source to see the scores as they would stand if it fell")
        self.sources.itemChanged.connect(self._source_toggled)
        sources_box = QWidget(self)
        sources_layout = QVBoxLayout(sources_box)
        sources_layout.setContentsMargins(0, 0, 0, 0)
        falls = QLabel("If a source falls: untick it to see the scores without its evidence", sources_box)
        falls.setWordWrap(True)
        sources_layout.addWidget(falls)
        sources_layout.addWidget(self.sources)

        questions_row = QHBoxLayout()
        questions_row.addWidget(self.question, 1)
        for button in (self.question_menu, self.hypothesis_menu, self.evidence_menu):
            questions_row.addWidget(button)
        questions_row.addWidget(self.diagnostic_first)
        matrix_box = QWidget(self)
        matrix_layout = QVBoxLayout(matrix_box)
        matrix_layout.setContentsMargins(0, 0, 0, 0)
        matrix_layout.addWidget(self.table, 1)
        matrix_layout.addWidget(self.comment)
        matrix_layout.addWidget(self.scores)
        # Below the matrix, not beside it: the matrix takes the dock's whole width.
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(matrix_box)
        self.split.addWidget(sources_box)
        self.split.setStretchFactor(0, 5)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(questions_row)
        layout.addWidget(self.split, 1)
        self.question.currentIndexChanged.connect(lambda _i: self._question_changed())

    def _menu(self, text: str, name: str, entries: tuple[tuple[str, str, Any], ...]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setObjectName(name)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for label, action_name, slot in entries:
            action = QAction(label, button)
            action.setObjectName(action_name)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            menu.addAction(action)
            self.actions_by_name[action_name] = action
        button.setMenu(menu)
        return button

    # the case
    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.fallen.clear()
        self.reload()

    def case_changed(self, changes: Changes) -> None:
        self.reload()

    @property
    def question_id(self) -> str | None:
        return self.question.currentData()

    def reload(self, question_id: str | None = None) -> None:
        """Re-read the questions and the current (or `question_id`'s) matrix."""
        keep = question_id or self.question_id
        self._loading = True
        try:
            self.question.clear()
            if self.case is not None and not self.case.closed:
                for row in ach.questions(self.case):
                    self.question.addItem(row["text"], row["id"])
            index = self.question.findData(keep) if keep else -1
            self.question.setCurrentIndex(index if index >= 0 else (0 if self.question.count() else -1))
        finally:
            self._loading = False
        self._question_changed(keep_fallen=self.question_id == keep)

    def _question_changed(self, keep_fallen: bool = False) -> None:
        if self._loading:
            return
        if not keep_fallen:
            self.fallen.clear()
        question_id = self.question_id
        self.matrix = ach.load_matrix(self.case, question_id) if self.case is not None and question_id else None
        writable = self.case is not None and not self.case.read_only
        has_question = self.matrix is not None
        has_hypotheses = bool(self.matrix and self.matrix.hypotheses)
        enabled = {"analysis_new_question": writable, "analysis_export_csv": has_question,
                   "analysis_add_slide": writable and has_question,
                   "analysis_rename_question": writable and has_question,
                   "analysis_delete_question": writable and has_question,
                   "analysis_add_hypothesis": writable and has_question,
                   "analysis_edit_hypothesis": writable and has_hypotheses,
                   "analysis_delete_hypothesis": writable and has_hypotheses,
                   "analysis_add_evidence": writable and has_question,
                   "analysis_add_selected": writable and has_question,
                   "analysis_remove_row": writable and bool(self.matrix and self.matrix.rows)}
        for name, on in enabled.items():
            self.actions_by_name[name].setEnabled(on)
        self.show_sources()
        self.show_matrix()

    # showing
    def show_sources(self) -> None:
        self._loading = True
        try:
            self.sources.clear()
            if self.matrix is None:
                return
            for source_id, title in self.matrix.source_titles.items():
                item = QListWidgetItem(title)
                item.setToolTip(tip(title))
                item.setData(Qt.ItemDataRole.UserRole, source_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked if source_id in self.fallen else Qt.CheckState.Checked)
                self.sources.addItem(item)
            self.fallen &= set(self.matrix.source_titles)
        finally:
            self._loading = False

    def show_matrix(self) -> None:
        matrix = self.matrix
        table = self.table
        table.clear()
        if matrix is None:
            table.setRowCount(0)
            table.setColumnCount(0)
            self.scores.setText("No question yet: New question\u2026 asks one; then add hypotheses and evidence."
                                if self.case is not None else "")
            return
        hypothesis_ids = matrix.hypothesis_ids
        rows = ach.by_diagnosticity(matrix) if self.diagnostic_first.isChecked() else list(matrix.rows)
        self.shown_rows = rows
        now, after = ach.scores(matrix), ach.scores(matrix, self.fallen)
        table.setColumnCount(len(FIXED_COLUMNS) + len(hypothesis_ids))
        table.setRowCount(len(rows))
        labels = list(FIXED_COLUMNS)
        for number, (hypothesis_id, title) in enumerate(matrix.hypotheses, start=1):
            score = f"{now[hypothesis_id]:.1f}"
            if self.fallen and round(after[hypothesis_id], 6) != round(now[hypothesis_id], 6):
                score += f" \u2192 {after[hypothesis_id]:.1f}"
            labels.append(f"H{number}  ({score})\n{_short(title, 18)}")
        table.setHorizontalHeaderLabels(labels)
        for column, text in enumerate(FIXED_TIPS):
            table.horizontalHeaderItem(column).setToolTip(text)
        for column, (_hypothesis_id, title) in enumerate(matrix.hypotheses, start=len(FIXED_COLUMNS)):
            table.horizontalHeaderItem(column).setToolTip(tip(title))
        for row, evidence in enumerate(rows):
            standing = evidence.without(frozenset(self.fallen))
            fallen = standing is None
            label = evidence.label + ("" if evidence.source_ids else "  (no source)")
            self._put(row, EVIDENCE, label, tip(f"{NOUNS[evidence.table]}: {evidence.label}"), fallen=fallen)
            grades = evidence.grades or "\u2014"
            if evidence.single_sourced:
                grades += " \u2691"  # a flag: one source only
            self._put(row, GRADES, grades, tip(("One source only.\n" if evidence.single_sourced else "") + "\n".join(
                f"{c.grade}  {c.shown}" for c in evidence.citations) or "no source"), fallen=fallen)
            item = self._put(row, CREDIBILITY, evidence.credibility, (
                "Credibility set by the analyst" if evidence.credibility_override else
                f"Credibility read from the best grade of its sources ({evidence.grades or 'none'}): A/B with 1/2 "
                "high, E/F or 5/6 low, else medium") + "; double-click to set it", fallen=fallen)
            if not evidence.credibility_override:  # italic: read from the grades, not set by hand
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self._put(row, RELEVANCE, evidence.relevance, "Relevance: high, medium or low", fallen=fallen)
            diagnostic = ach.diagnosticity(evidence, hypothesis_ids)
            self._put(row, DIAGNOSTIC, str(diagnostic) if diagnostic else "\u2013",
                      "How far apart its ratings lie across the hypotheses (0-4); \u2013: not diagnostic "
                      "(rated alike against every hypothesis)", fallen=fallen)
            for column, hypothesis_id in enumerate(hypothesis_ids, start=len(FIXED_COLUMNS)):
                rating = evidence.ratings.get(hypothesis_id, "")
                comment = evidence.comments.get(hypothesis_id, "")
                item = self._put(row, column, rating + (" \u2022" if comment else ""),
                                 tip(f"{ACH_RATINGS.get(rating, 'not rated')}" + (f"\n{comment}" if comment else "")),
                                 fallen=fallen, editable=True)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if rating and not fallen:
                    item.setBackground(rating_brush(rating))
                    if rating in DARK_RATINGS:
                        item.setForeground(QBrush(QColor("white")))
        self._size_columns()
        self.show_scores(now, after)

    def _put(self, row: int, column: int, text: str, tooltip: str = "", fallen: bool = False,
             editable: bool = False) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if editable or column in (CREDIBILITY, RELEVANCE):
            flags |= Qt.ItemFlag.ItemIsEditable
        item.setFlags(flags)
        if tooltip:
            item.setToolTip(tooltip)
        if fallen:  # its every source fell: it leaves the scores
            item.setForeground(QBrush(QColor("#9e9e9e")))
            font = item.font()
            font.setStrikeOut(True)
            item.setFont(font)
        self.table.setItem(row, column, item)
        return item

    def _size_columns(self) -> None:
        table = self.table
        metrics = table.fontMetrics()
        widths = {GRADES: metrics.horizontalAdvance("B2, C2 \u2691") + 12,
                  CREDIBILITY: metrics.horizontalAdvance("medium") + 14,
                  RELEVANCE: metrics.horizontalAdvance("medium") + 14,
                  DIAGNOSTIC: metrics.horizontalAdvance("Diag.") + 10}
        hypothesis_width = metrics.horizontalAdvance("H1 (10.0 \u2192 10.0)") + 8
        fixed = sum(widths.values()) + hypothesis_width * (table.columnCount() - len(FIXED_COLUMNS))
        available = table.viewport().width() or 900
        widths[EVIDENCE] = max(120, available - fixed - 4)
        for column, width in widths.items():
            table.setColumnWidth(column, width)
        for column in range(len(FIXED_COLUMNS), table.columnCount()):
            table.setColumnWidth(column, hypothesis_width)
        table.horizontalHeader().setMinimumHeight(metrics.height() * 2 + 10)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.matrix is not None:
            self._size_columns()

    def show_scores(self, now: dict[str, float], after: dict[str, float]) -> None:
        matrix = self.matrix
        if matrix is None or not matrix.hypotheses:
            self.scores.setText("Add hypotheses (columns) and evidence (rows), then rate each cell.")
            return
        order = ach.ranking(after if self.fallen else now)
        names = {h: f"H{i}" for i, h in enumerate(matrix.hypothesis_ids, start=1)}
        parts = [f"{names[h]} {after[h] if self.fallen else now[h]:.1f}" for h in order]
        lines = ["Inconsistency (lower is stronger" + (", with the unticked sources fallen" if self.fallen else "")
                 + "): " + " < ".join(parts)]
        titles = self.matrix.source_titles
        for hypothesis_id, standing in ach.standings(matrix).items():
            flags = standing.flags
            if standing.lead_falls_with:
                flags = [f for f in flags if not f.startswith("lead falls")] + [
                    "lead falls if " + " or ".join(_short(titles.get(s, s), 40) for s in standing.lead_falls_with)
                    + " falls"]
            if flags:
                lines.append(f"{names[hypothesis_id]}: " + "; ".join(flags))
        not_diagnostic = sum(1 for row in matrix.rows if ach.diagnosticity(row, matrix.hypothesis_ids) == 0)
        if not_diagnostic:
            lines.append(f"{not_diagnostic} of {len(matrix.rows)} rows are not diagnostic (rated alike everywhere)")
        self.scores.setText("\n".join(lines))

    # what a cell offers and holds
    def choices(self, column: int) -> list[tuple[str | None, str]]:
        if column >= len(FIXED_COLUMNS):
            return [(None, "(not rated)")] + [(code, f"{code}  {words}") for code, words in ACH_RATINGS.items()]
        if column == CREDIBILITY:
            return [(None, FROM_GRADES), ("high", "high"), ("medium", "medium"), ("low", "low")]
        if column == RELEVANCE:
            return [("high", "high"), ("medium", "medium"), ("low", "low")]
        return []

    def value_at(self, row: int, column: int) -> str | None:
        evidence = self.shown_rows[row]
        if column >= len(FIXED_COLUMNS):
            return evidence.ratings.get(self.matrix.hypothesis_ids[column - len(FIXED_COLUMNS)])
        if column == CREDIBILITY:
            return evidence.credibility_override
        return evidence.relevance

    def choose(self, row: int, column: int, value: str | None) -> None:
        """The analyst chose `value` in a cell's combo: one undo step, when it changes anything."""
        if self.case is None or not 0 <= row < len(self.shown_rows) or value == self.value_at(row, column):
            return
        evidence = self.shown_rows[row]
        if column >= len(FIXED_COLUMNS):
            hypothesis_id = self.matrix.hypothesis_ids[column - len(FIXED_COLUMNS)]
            text = f"Rate {quoted(evidence.label)} {value or 'not rated'} against H{column - len(FIXED_COLUMNS) + 1}"
            self._push(Operation(self.case, text, lambda c: rate(c, evidence.id, hypothesis_id, value), origin=self))
        elif column == CREDIBILITY:
            self._push(Operation(self.case, f"Set credibility of {quoted(evidence.label)}",
                                 lambda c: set_weights(c, evidence.id, credibility=value), origin=self))
        elif column == RELEVANCE and value:
            self._push(Operation(self.case, f"Set relevance of {quoted(evidence.label)}",
                                 lambda c: set_weights(c, evidence.id, relevance=value), origin=self))

    def _current_cell_changed(self, row: int, column: int, *_: int) -> None:
        in_cell = self.matrix is not None and 0 <= row < len(self.shown_rows) and column >= len(FIXED_COLUMNS)
        self.comment.setEnabled(bool(in_cell and self.case is not None and not self.case.read_only))
        self.comment.setText(self.shown_rows[row].comments.get(
            self.matrix.hypothesis_ids[column - len(FIXED_COLUMNS)], "") if in_cell else "")
        if self.matrix is not None and 0 <= row < len(self.shown_rows) and self.case is not None:
            evidence = self.shown_rows[row]
            target = ach.item_target(self.case, evidence.table, evidence.item_id)
            if target is not None:
                self.selection.select(target[0], [target[1]], origin=self)

    def _comment_edited(self) -> None:
        row, column = self.table.currentRow(), self.table.currentColumn()
        if self.case is None or self.matrix is None or not 0 <= row < len(self.shown_rows) \
                or column < len(FIXED_COLUMNS):
            return
        evidence = self.shown_rows[row]
        hypothesis_id = self.matrix.hypothesis_ids[column - len(FIXED_COLUMNS)]
        text = self.comment.text()
        if text.strip() == evidence.comments.get(hypothesis_id, ""):
            return
        rating = evidence.ratings.get(hypothesis_id)
        self._push(Operation(self.case, f"Comment on {quoted(evidence.label)}",
                             lambda c: rate(c, evidence.id, hypothesis_id, rating, comment=text), origin=self))
        self.table.setCurrentCell(row, column)

    def _source_toggled(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        source_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.fallen.discard(source_id)
        else:
            self.fallen.add(source_id)
        self.show_matrix()

    # edits
    def _push(self, command: Operation) -> Any:
        try:
            pushed = push(self.selection.undo_stack, command)
        except (CaseError, ValueError) as refused:
            warn(self, "Analysis", str(refused))
            return None
        if pushed:
            self.reload()
        return command.result if pushed else None

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok and value.strip() else None

    def new_question(self, text: str | None = None) -> str | None:
        text = text or self._ask("New question", "The question the hypotheses answer:")
        if self.case is None or not text:
            return None
        question_id = self._push(Operation(self.case, f"Add question {quoted(text)}",
                                           lambda c: add_question(c, text), origin=self))
        if question_id:
            self.reload(question_id)
        return question_id

    def rename_question(self, text: str | None = None) -> None:
        question_id = self.question_id
        if self.case is None or question_id is None:
            return
        text = text or self._ask("Rename question", "The question:", self.question.currentText())
        if text:
            self._push(update_record(self.case, "questions", question_id, {"text": text}, origin=self))

    def delete_question(self) -> None:
        if self.case is not None and self.question_id is not None:
            self._push(delete_records(self.case, "questions", [self.question_id], origin=self))

    def export_csv(self, path: str | None = None) -> str | None:
        """Write the matrix (with the unticked sources' scores) to a CSV file the analyst names."""
        if self.case is None or self.question_id is None:
            return None
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(self, "Export the matrix as CSV", "matrix.csv",
                                                        "CSV files (*.csv)")
        if not path:
            return None
        try:
            return export_matrix_csv(self.case, self.question_id, Path(path), self.fallen)
        except CaseError as refused:
            warn(self, "Export the matrix", str(refused))
            return None

    def add_slide(self) -> str | None:
        """The matrix (with the sources unticked now) as a slide at the end of the storyboard; its view id."""
        if self.case is None or self.matrix is None:
            return None
        from workbench.core.storyboard import dump_state, next_position

        state = {"analysis": {"question_id": self.matrix.question_id, "fallen": sorted(self.fallen)}}
        now = ach.scores(self.matrix, self.fallen)
        names = {h: f"H{i}" for i, h in enumerate(self.matrix.hypothesis_ids, start=1)}
        caption = "Least inconsistent: " + ", ".join(
            f"{names[h]} ({now[h]:.1f})" for h in ach.ranking(now)) if self.matrix.hypotheses else ""
        command = insert_record(self.case, "views", {
            "title": self.matrix.question, "caption": caption, "position": next_position(self.case),
            "state": dump_state(state)}, text=f"Add the matrix of {quoted(self.matrix.question)} to the storyboard",
            origin=self)
        return command.record_id if self._push(command) else None

    def _current_hypothesis(self) -> str | None:
        column = self.table.currentColumn()
        if self.matrix is None or not self.matrix.hypotheses:
            return None
        index = column - len(FIXED_COLUMNS)
        return self.matrix.hypothesis_ids[index if 0 <= index < len(self.matrix.hypotheses) else -1]

    def new_hypothesis(self, title: str | None = None) -> str | None:
        question_id = self.question_id
        if self.case is None or question_id is None:
            return None
        title = title or self._ask("Add hypothesis", "The hypothesis (one answer to the question):")
        if not title:
            return None
        return self._push(Operation(self.case, f"Add hypothesis {quoted(title)}",
                                    lambda c: add_hypothesis(c, question_id, title), origin=self))

    def edit_hypothesis(self, title: str | None = None) -> None:
        hypothesis_id = self._current_hypothesis()
        if self.case is None or hypothesis_id is None:
            return
        current = dict(self.matrix.hypotheses)[hypothesis_id]
        title = title or self._ask("Edit hypothesis", "The hypothesis:", current)
        if title and title != current:
            self._push(update_record(self.case, "hypotheses", hypothesis_id, {"title": title}, origin=self))

    def delete_hypothesis(self) -> None:
        hypothesis_id = self._current_hypothesis()
        if self.case is not None and hypothesis_id is not None:
            self._push(delete_records(self.case, "hypotheses", [hypothesis_id], origin=self))

    def add_items(self, table: str, ids: list[str]) -> None:
        """Weigh the given items (events, relations, citations, notes) in the current question: one undo step."""
        question_id = self.question_id
        if self.case is None or question_id is None or table not in WEIGHED_TABLES or not ids:
            return
        what = NOUNS[table] if len(ids) == 1 else f"{len(ids)} {NOUNS[table]}s"

        def weigh(case: Case) -> Changes:
            with case.transaction() as scope:
                for item_id in ids:
                    add_evidence(case, question_id, table, item_id)
            return scope.changes()

        self._push(Operation(self.case, f"Add {what} as evidence", weigh, origin=self))

    def add_selected(self) -> None:
        chosen = self.selection.selection
        self.add_items(chosen.table, list(chosen.ids))

    def pick_evidence(self) -> None:
        if self.case is None or self.question_id is None:
            return
        picker = EvidencePicker(ach.evidence_candidates(self.case, self.question_id), self)
        if picker.exec() != QDialog.DialogCode.Accepted:
            return
        by_table: dict[str, list[str]] = {}
        for table, item_id in picker.chosen():
            by_table.setdefault(table, []).append(item_id)
        question_id = self.question_id

        def weigh(case: Case) -> Changes:
            with case.transaction() as scope:
                for table, ids in by_table.items():
                    for item_id in ids:
                        add_evidence(case, question_id, table, item_id)
            return scope.changes()

        if by_table:
            self._push(Operation(self.case, "Add evidence", weigh, origin=self))

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if self.case is not None and 0 <= row < len(self.shown_rows):
            evidence = self.shown_rows[row]
            self._push(delete_records(self.case, "evidence_rows", [evidence.id],
                                      text=f"Remove {quoted(evidence.label)} from the matrix", origin=self))


class MatrixBoard(QTableWidget):
    """A question's matrix drawn for a slide: read-only, the analyst's colours, large text, the scores below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("matrix_board")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matrix: ach.Matrix | None = None
        self.fallen: frozenset[str] = frozenset()
        self.titles: list[tuple[str, str]] = []  # each hypothesis's heading and score
        self.text_px = 18

    def show_question(self, case: Case, question_id: str, fallen: frozenset[str] = frozenset()) -> bool:
        """Show the question's matrix (most diagnostic first); False when the question is gone."""
        self.matrix = ach.load_matrix(case, question_id) if not case.closed else None
        self.fallen = fallen
        self.clear()
        if self.matrix is None:
            self.setRowCount(0)
            self.setColumnCount(0)
            return False
        matrix = self.matrix
        ids = matrix.hypothesis_ids
        now, after = ach.scores(matrix), ach.scores(matrix, fallen)
        rows = ach.by_diagnosticity(matrix)
        self.setColumnCount(2 + len(ids))
        self.setRowCount(len(rows) + 1)
        self.titles = []
        for number, (hypothesis_id, title) in enumerate(matrix.hypotheses, start=1):
            score = f"{now[hypothesis_id]:.1f}" + (f" \u2192 {after[hypothesis_id]:.1f}" if fallen else "")
            self.titles.append((f"H{number}: {title}", f"({score})"))
        self._label_headers()
        for row, evidence in enumerate(rows):
            self.setItem(row, 0, QTableWidgetItem(evidence.label))
            grades = (evidence.grades or "\u2014") + (" \u2691" if evidence.single_sourced else "")
            self.setItem(row, 1, QTableWidgetItem(grades))
            for column, hypothesis_id in enumerate(ids, start=2):
                rating = evidence.ratings.get(hypothesis_id, "")
                item = QTableWidgetItem(rating)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if rating:
                    item.setBackground(rating_brush(rating))
                    if rating in DARK_RATINGS:
                        item.setForeground(QBrush(QColor("white")))
                self.setItem(row, column, item)
        order = ach.ranking(after if fallen else now)
        names = {h: f"H{i}" for i, h in enumerate(ids, start=1)}
        summary = QTableWidgetItem("Inconsistency, lower is stronger: "
                                   + " < ".join(f"{names[h]} {(after if fallen else now)[h]:.1f}" for h in order))
        font = summary.font()
        font.setBold(True)
        summary.setFont(font)
        self.setItem(len(rows), 0, summary)
        self.setSpan(len(rows), 0, 1, 2 + len(ids))
        self.set_text_px(self.text_px)
        return True

    def set_text_px(self, pixels: int) -> None:
        """Text `pixels` tall, and the columns shared out: the evidence takes what the ratings leave."""
        self.text_px = pixels
        font = self.font()
        font.setPixelSize(pixels)
        self.setFont(font)
        self.horizontalHeader().setFont(font)
        self._size()

    def _label_headers(self) -> None:
        """Hypotheses in their columns' width, on up to three lines (a header does not wrap by itself)."""
        metrics = self.fontMetrics()
        labels = ["Evidence", "Grades"]
        for column, (title, score) in enumerate(self.titles, start=2):
            characters = max(8, int((self.columnWidth(column) or 200) / max(metrics.averageCharWidth(), 1)) - 2)
            lines = textwrap.wrap(title, characters)
            if len(lines) > 3:
                lines = [*lines[:2], _short(" ".join(lines[2:]), characters)]
            labels.append("\n".join([*lines, score]))
        if self.columnCount() == len(labels):
            self.setHorizontalHeaderLabels(labels)

    def _size(self) -> None:
        if self.columnCount() < 2:
            return
        metrics = self.fontMetrics()
        rating_width = max(metrics.horizontalAdvance("H1: 10.0 \u2192 10.0") // 2 + 16,
                           metrics.horizontalAdvance("CC") * 3)
        grades_width = metrics.horizontalAdvance("B2, C2 \u2691") + 16
        width = max(self.viewport().width(), 400)
        self.setColumnWidth(1, grades_width)
        hypotheses = self.columnCount() - 2
        share = max(rating_width, (width - grades_width) // (hypotheses + 3)) if hypotheses else rating_width
        for column in range(2, self.columnCount()):
            self.setColumnWidth(column, share)
        self.setColumnWidth(0, max(160, width - grades_width - share * hypotheses - 2))
        self.horizontalHeader().setMinimumHeight(metrics.height() * 4 + 12)
        self._label_headers()
        self.resizeRowsToContents()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._size()


def _short(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "\u2026"
