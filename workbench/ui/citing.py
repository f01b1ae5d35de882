"""The citation dialog: cite an existing or a new source (from a pasted URL) for an event, relation or
actor, with the Admiralty grades, the quoted passage, a locator and the date read; or edit one citation.
The dialog writes through one core operation as one undo step; what the core refuses stays in the dialog,
beside its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.confidence import CREDIBILITY, RELIABILITY
from workbench.core.ops.citations import cite, edit_citation, source_from_url
from workbench.core.queries import source_names
from workbench.core.rules import InvalidRecord
from workbench.core.store import Case, CaseError
from workbench.ui.checked_form import CheckedForm, ok_cancel
from workbench.ui.commands import Operation, push, record_step_name


class OptionalDate(QWidget):
    """A day (YYYY-MM-DD), or none when unticked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox(self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("d MMM yyyy")
        self.edit.setMinimumDate(QDate(1900, 1, 1))
        self.edit.setMaximumDate(QDate(2100, 12, 31))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.enabled)
        row.addWidget(self.edit, 1)
        self.enabled.toggled.connect(self.edit.setEnabled)

    def set_value(self, day: str | None) -> None:
        self.enabled.setChecked(bool(day))
        self.edit.setEnabled(bool(day))
        chosen = QDate.fromString((day or "")[:10], "yyyy-MM-dd") if day else QDate.currentDate()
        self.edit.setDate(chosen if chosen.isValid() else QDate.currentDate())

    def value(self) -> str | None:
        if not self.enabled.isChecked():
            return None
        return self.edit.date().toString("yyyy-MM-dd")


class CitationDialog(QDialog):
    """Cite a source for one record (`citation` None), or edit `citation` (a row of `citations_of`)."""

    def __init__(self, parent: QWidget | None, case: Case, stack: QUndoStack | None, table: str, record_id: str,
                 citation: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("citation_dialog")
        self.case, self.stack, self.table, self.record_id, self.citation = case, stack, table, record_id, citation
        self.target_name = record_step_name(case, table, record_id)
        self.setWindowTitle(f"Edit citation for {self.target_name}" if citation else f"Cite a source for "
                            f"{self.target_name}")
        self.command: Operation | None = None
        self.form = CheckedForm()
        # the source: one already in the case, or a new one from a pasted URL
        self.use_existing = QRadioButton("A source in the case", self)
        self.use_new = QRadioButton("A new source from its URL", self)
        self.sources = QComboBox(self)
        self.sources.setObjectName("citation_source")
        self.sources.setEditable(True)
        self.sources.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        names = sorted(source_names(case).items(), key=lambda item: item[1].casefold())
        for source_id, name in names:
            self.sources.addItem(name, source_id)
        completer = QCompleter(self.sources.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.sources.setCompleter(completer)
        self.url = QLineEdit(self)
        self.url.setObjectName("citation_url")
        self.url.setPlaceholderText("paste the address, e.g. https://www.belta.by/politics/view/...")
        self.new_title = QLineEdit(self)
        self.new_title.setObjectName("citation_new_title")
        self.new_title.setPlaceholderText("title of the page (optional)")
        self.filled = QLabel(self)  # what the URL alone says: domain, publisher, language
        self.filled.setObjectName("citation_filled")
        self.filled.setTextFormat(Qt.TextFormat.PlainText)
        self.filled.setWordWrap(True)
        source_box = QWidget(self)
        column = QVBoxLayout(source_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.use_existing)
        column.addWidget(self.sources)
        column.addWidget(self.use_new)
        column.addWidget(self.url)
        column.addWidget(self.new_title)
        column.addWidget(self.filled)
        self.form.add("source_id", "Source", self.sources, owner=source_box)
        self.reliability = QComboBox(self)
        for grade, text in RELIABILITY.items():
            self.reliability.addItem(text, grade)
        self.form.add("reliability", "Source reliability", self.reliability)
        self.credibility = QComboBox(self)
        for grade, text in CREDIBILITY.items():
            self.credibility.addItem(text, grade)
        self.form.add("credibility", "Credibility", self.credibility)
        self.quote = QPlainTextEdit(self)
        self.quote.setObjectName("citation_quote")
        self.quote.setTabChangesFocus(True)
        self.quote.setPlaceholderText("the passage, typed or pasted")
        self.quote.setFixedHeight(90)
        self.form.add("quote", "Quoted passage", self.quote)
        self.locator = QLineEdit(self)
        self.locator.setObjectName("citation_locator")
        self.locator.setPlaceholderText("page 4, 12:30 in the video, paragraph 3...")
        self.form.add("locator", "Where in the source", self.locator)
        self.accessed = OptionalDate(self)
        self.form.add("accessed", "Read on", self.accessed.edit, owner=self.accessed)
        buttons = ok_cancel(self)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)

        self.use_existing.toggled.connect(self._source_mode)
        self.sources.currentIndexChanged.connect(self._source_chosen)
        self.url.textChanged.connect(self._url_changed)
        if citation is not None:
            self.sources.setCurrentIndex(self.sources.findData(citation["source_id"]))
            self.use_existing.setChecked(True)
            self.use_new.setEnabled(False)
            self.sources.setEnabled(False)  # a citation stays with its source: cite another one instead
            self.credibility.setCurrentIndex(self.credibility.findData(citation["credibility"]))
            self.quote.setPlainText(citation["quote"])
            self.locator.setText(citation["locator"])
            self.accessed.set_value(citation["accessed"])
        else:
            self.use_existing.setChecked(bool(names))
            self.use_new.setChecked(not names)
            self.use_existing.setEnabled(bool(names))
            self.credibility.setCurrentIndex(self.credibility.findData(6))
            self.accessed.set_value(date.today().isoformat())
        self._source_mode()
        self._source_chosen()
        self.resize(620, self.sizeHint().height())

    # the source part
    def _source_mode(self, *_args: object) -> None:
        existing = self.use_existing.isChecked()
        self.sources.setEnabled(existing and self.citation is None)
        for widget in (self.url, self.new_title, self.filled):
            widget.setEnabled(not existing)
        if not existing:
            self._url_changed(self.url.text())

    def _source_chosen(self, *_args: object) -> None:
        source_id = self.sources.currentData()
        row = self.case.get("sources", source_id) if source_id and self.use_existing.isChecked() else None
        if row is not None:
            self.reliability.setCurrentIndex(self.reliability.findData(row["reliability"]))

    def _url_changed(self, text: str) -> None:
        if not text.strip():
            self.filled.setText("")
            return
        values = source_from_url(text)
        parts = [f"domain {values['url'].split('/')[2] if values['url'].count('/') >= 2 else ''}".strip(),
                 f"publisher {values['publisher']}" if values.get("publisher") else "",
                 f"language {values['language']}" if values.get("language") else "",
                 f"published {str(values['published'])[:10]}" if values.get("published") else ""]
        self.filled.setText("Filled in from the address: " + ", ".join(part for part in parts if part))
        if values.get("title") and not self.new_title.text():
            self.new_title.setText(str(values["title"]))

    def new_source(self) -> dict[str, Any] | None:
        if self.use_existing.isChecked():
            return None
        values = source_from_url(self.url.text()) if self.url.text().strip() else {"url": "", "title": ""}
        if self.new_title.text().strip():
            values["title"] = self.new_title.text().strip()
        return values

    # writing
    def build(self) -> Operation:
        """The one undo step this dialog's values make."""
        case, table, record_id = self.case, self.table, self.record_id
        reliability = self.reliability.currentData()
        values = {"credibility": self.credibility.currentData(), "quote": self.quote.toPlainText(),
                  "locator": self.locator.text(), "accessed": self.accessed.value()}
        if self.citation is not None:
            citation_id = self.citation["id"]
            return Operation(case, f"Edit citation for {self.target_name}",
                             lambda c: edit_citation(c, citation_id, reliability=reliability, **values))
        new_source, source_id = self.new_source(), self.sources.currentData()
        return Operation(case, f"Add citation to {self.target_name}",
                         lambda c: cite(c, table, record_id, source_id=source_id, new_source=new_source,
                                        reliability=reliability, **values))

    def accept(self) -> None:
        """Write the citation as one undo step; a refusal is shown beside its field and the dialog stays."""
        command = self.build()
        try:
            written = push(self.stack, command)
        except InvalidRecord as refusal:
            found = dict(refusal.problems)
            # the new source's URL or title is said under the source
            found = {("source_id" if field in ("url", "title") else field): why for field, why in found.items()}
            self.form.show_problems(found, fallback="source_id")
            return
        except (CaseError, ValueError) as error:
            self.form.show_problems({"source_id": str(error)})
            return
        if written:
            self.command = command
            super().accept()
