"""The selected source: its URL, its metadata (edited through undo commands), the claims it supports,
what falls with it, and its archived text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.confidence import CREDIBILITY, RELIABILITY
from workbench.core.evidence import NOUN, claims_of_source, impact_if_sources_fall
from workbench.core.rules import InvalidRecord, clean_text
from workbench.core.store import Case
from workbench.ui import commands
from workbench.ui.plaintext import tip
from workbench.ui.selection import SelectionModel
from workbench.ui.sources.links import ask_to_open, copy_text
from workbench.ui.sources.plain import RowsModel, plain_label, rows_view

ERROR_STYLE = "QLabel { color: #b00020; }"
BAD_FIELD = "border: 1px solid #b00020;"
SOURCE_FIELDS = (("title", "Title"), ("publisher", "Publisher"), ("language", "Language"),
                 ("published", "Published"), ("accessed", "Accessed"))


class SourceDetail(QWidget):
    """The selected source: its URL (copy, open after asking), its metadata (edited through undo
    commands), the claims it supports with quote and credibility, what falls with it, its archived text."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.source_ids: tuple[str, ...] = ()
        self.marked = ""  # the field whose edit the core refused, if any
        self.heading = plain_label("", self)
        self.heading.setObjectName("source_heading")
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.url = QLineEdit(self)
        self.url.setObjectName("source_url")
        self.url.setReadOnly(True)
        self.copy_url = QPushButton("Copy URL", self)
        self.copy_url.setObjectName("source_copy_url")
        self.copy_url.clicked.connect(lambda: copy_text(self.url.text()))
        self.open_url = QPushButton("Open in browser\u2026", self)
        self.open_url.setObjectName("source_open_url")
        self.open_url.setToolTip("Asks first: opening a link leaves the offline environment")
        self.open_url.clicked.connect(lambda: ask_to_open(self, self.url.text()))

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("source_tabs")
        self.tabs.setDocumentMode(True)
        self.claims_model = RowsModel(("Claim", "Fn", "Credibility", "Quoted passage"), self)
        self.claims = rows_view(self, self.claims_model, "source_claims", (260, 30, 70))
        self.claims.clicked.connect(lambda index: self._claim_clicked(self.claims_model, index))
        self.impact_label = plain_label("", self)
        self.impact_label.setObjectName("source_impact_summary")
        self.impact_model = RowsModel(("Claim", "What is left"), self)
        self.impact = rows_view(self, self.impact_model, "source_impact", (380,))
        self.impact.clicked.connect(lambda index: self._claim_clicked(self.impact_model, index))
        impact_page = QWidget(self)
        impact_layout = QVBoxLayout(impact_page)
        impact_layout.setContentsMargins(2, 2, 2, 2)
        impact_layout.addWidget(self.impact_label)
        impact_layout.addWidget(self.impact)

        form_page = QWidget(self)
        form = QFormLayout(form_page)
        form.setContentsMargins(4, 4, 4, 4)
        self.fields: dict[str, QLineEdit] = {}
        for column, label in SOURCE_FIELDS:
            edit = QLineEdit(form_page)
            edit.setObjectName(f"source_{column}")
            edit.editingFinished.connect(lambda c=column: self._field_edited(c))
            self.fields[column] = edit
            form.addRow(label, edit)
        self.reliability = QComboBox(form_page)
        self.reliability.setObjectName("source_reliability")
        for letter, text in RELIABILITY.items():
            self.reliability.addItem(text, letter)
        self.reliability.activated.connect(self._reliability_chosen)
        form.addRow("Reliability", self.reliability)
        self.problem = plain_label("", form_page)  # why the core refused the last edit
        self.problem.setObjectName("source_problem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        form.addRow("", self.problem)
        self.archived = QPlainTextEdit(self)
        self.archived.setObjectName("source_archived_text")
        self.archived.setReadOnly(True)
        self.archived.setPlaceholderText("No archived text is stored for this source. The workbench never fetches "
                                         "pages; paste the text into the case to keep it.")
        self.tabs.addTab(self.claims, "Claims")
        self.tabs.addTab(impact_page, "If it falls")
        self.tabs.addTab(form_page, "Metadata")
        self.tabs.addTab(self.archived, "Archived text")

        url_row = QHBoxLayout()
        url_row.setContentsMargins(0, 0, 0, 0)
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        url_row.addWidget(self.open_url)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addLayout(url_row)
        layout.addWidget(self.tabs, 1)
        self.show_sources(())

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.show_sources(self.source_ids)

    def show_sources(self, source_ids: tuple[str, ...]) -> None:
        case = self.case
        row = case.get("sources", source_ids[0]) if case is not None and source_ids else None
        if source_ids[:1] != self.source_ids[:1]:
            self._mark("", "")  # a refusal concerned the source shown before
        self.source_ids = source_ids if row is not None else ()
        enabled = row is not None
        for widget in (self.url, self.copy_url, self.open_url, self.tabs):
            widget.setEnabled(enabled)
        if row is None:
            self.claims_model.set_rows([], [])
            self.impact_model.set_rows([], [])
            self.heading.setText("Select a source to see the claims it supports and what would fall with it.")
            self.url.clear()
            self.archived.clear()
            self.impact_label.clear()
            self.tabs.setTabText(0, "Claims")
            for edit in self.fields.values():
                edit.clear()
            self._mark("", "")
            return
        self._show_record(row)
        supported = claims_of_source(case, row["id"])
        self.tabs.setTabText(0, f"Claims ({len(supported)})")
        self.claims_model.set_rows(
            [(f"{NOUN[c.table]}: {c.title}", c.footnote, CREDIBILITY.get(c.credibility, str(c.credibility)), c.quote)
             for c in supported],
            [(c.table, c.record_id) for c in supported])
        impact = impact_if_sources_fall(case, self.source_ids)
        self.impact_label.setText(("These sources: " if len(self.source_ids) > 1 else "") + impact.summary)
        fallen = impact.orphaned + impact.left_single
        self.impact_model.set_rows([(f"{NOUN[i.table]}: {i.title}", i.detail) for i in fallen],
                                   [(i.table, i.record_id) for i in fallen], set(range(len(impact.orphaned))))

    def _show_record(self, row: dict[str, Any]) -> None:
        """The source's own fields: heading, URL, metadata, archived text (all an edit of it changes)."""
        assert self.case is not None
        count = len(self.source_ids)
        several = f"{count} sources selected; showing the first. " if count > 1 else ""
        self.heading.setText(several + (row["title"] or row["url"] or "untitled source"))
        self.heading.setToolTip(tip(row["title"]))
        self.url.setText(row["url"])
        self.url.setCursorPosition(0)
        self.open_url.setEnabled(bool(row["url"]))
        read_only = self.case.read_only
        for column, edit in self.fields.items():
            if not (edit.hasFocus() and edit.isModified()):
                edit.setText(row[column] or "")
                edit.setCursorPosition(0)
                if column == self.marked:  # the refused value gave way to the stored one
                    self._mark("", "")
            edit.setReadOnly(read_only)
        self.reliability.setCurrentIndex(max(0, self.reliability.findData(row["reliability"])))
        self.reliability.setEnabled(not read_only)
        self.archived.setPlainText(row["archived_text"])

    def _claim_clicked(self, model: RowsModel, index: QModelIndex) -> None:
        if index.isValid():
            table, record_id = model.payloads[index.row()]
            self.selection.select(table, [record_id], origin=self)

    def _field_edited(self, column: str) -> None:
        edit = self.fields[column]
        if self.case is None or not self.source_ids or self.case.read_only:
            return
        row = self.case.get("sources", self.source_ids[0])
        value: str | None = clean_text(edit.text())
        if column in ("published", "accessed"):
            value = value or None
        if row is None or (row[column] or "") == (value or ""):
            return
        edit.setModified(False)
        self._write(column, value, f"Edit source {column}")

    def _reliability_chosen(self, _index: int) -> None:
        if self.case is None or not self.source_ids:
            return
        letter = self.reliability.currentData()
        row = self.case.get("sources", self.source_ids[0])
        if row is not None and row["reliability"] != letter:
            self._write("reliability", letter, f"Grade source {letter}")

    def _write(self, column: str, value: str | None, text: str) -> None:
        """One edit of the source as an undo step, naming this panel as its origin: an edit of the
        source's own fields leaves its claims and what falls with it as they are, so the pane does
        not re-read those here; this panel shows the stored record itself. A refusal by the core
        is shown under the form, the typed value left in its field to be put right."""
        assert self.case is not None
        source_id = self.source_ids[0]
        try:
            commands.push(self.selection.undo_stack, commands.update_record(
                self.case, "sources", source_id, {column: value}, text=text, origin=self))
        except InvalidRecord as refusal:
            self._mark(column, "; ".join(refusal.problems.values()))
            if column in self.fields:
                self.fields[column].setModified(True)  # still the analyst's, not the case's
            return
        self._mark("", "")
        row = self.case.get("sources", source_id)
        if row is not None:
            self._show_record(row)

    def _mark(self, column: str, reason: str) -> None:
        self.marked = column if reason else ""
        label = dict(SOURCE_FIELDS).get(column, column.capitalize())
        self.problem.setText(f"{label} not saved: {reason}" if reason else "")
        self.problem.setVisible(bool(reason))
        for name, edit in self.fields.items():
            edit.setStyleSheet(BAD_FIELD if reason and name == column else "")
        self.reliability.setStyleSheet(BAD_FIELD if reason and column == "reliability" else "")
