"""The Claim tab: the evidence behind the selected event, relation or actor, and one confidence line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.core.confidence import CONFIDENCE_LEVELS
from workbench.core.evidence import CLAIM_TABLES, NOUN, claim_evidence, describe_grade
from workbench.core.store import Case
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel
from workbench.ui.sources.plain import plain_label, plain_tree


class ClaimView(QWidget):
    """The evidence behind the selected event, relation or actor: each citation with its source,
    grade and quote, and one derived confidence line. Clicking a citation selects its source."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.claim: tuple[str, str] | None = None
        self._applying = False
        self.heading = plain_label("", self)
        self.heading.setObjectName("claim_heading")
        self.line = plain_label("", self)
        self.line.setObjectName("claim_line")
        font = QFont(self.line.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.line.setFont(font)
        self.stated = plain_label("", self)
        self.stated.setObjectName("claim_stated")
        self.stated.setStyleSheet("QLabel { color: #555; }")
        self.citations = plain_tree(self, ["Fn", "Source", "Domain", "Grade", "Quoted passage"], "claim_citations")
        self.citations.setWordWrap(True)
        self.citations.setUniformRowHeights(False)
        self.citations.itemSelectionChanged.connect(self._citation_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.heading)
        layout.addWidget(self.line)
        layout.addWidget(self.stated)
        layout.addWidget(self.citations, 1)
        selection.selection_changed.connect(self._selection_changed)
        self.show_claim()

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.claim = None
        self._selection_changed(self.selection.selection, None)

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        if selection.table in CLAIM_TABLES:
            self.claim = (selection.table, selection.ids[0])
            self.show_claim()
        elif selection.table == "sources":
            self._mark_sources(set(selection.ids))
        elif not selection:
            self.claim = None
            self.show_claim()

    def show_claim(self) -> None:
        self._applying = True
        try:
            self.citations.clear()
            evidence = claim_evidence(self.case, *self.claim) if self.case is not None and self.claim else None
            if evidence is None:
                self.claim = None
                self.heading.setText("Select an event, relation or actor to see what supports it."
                                     if self.case is not None else "No case is open.")
                self.line.clear()
                self.stated.clear()
                return
            several = len(self.selection.selection.ids) > 1 and self.selection.selection.table == evidence.table
            self.heading.setText(("First of the selected: " if several else "")
                                 + f"{NOUN[evidence.table].capitalize()}: {evidence.title}")
            self.line.setText(evidence.line)
            colour = "#a00000" if evidence.line.startswith(("uncited", "single source, unverified")) or \
                "all unverified" in evidence.line else "#1b5e20"
            self.line.setStyleSheet(f"QLabel {{ color: {colour}; }}")
            self.stated.setText(f"The report words it as: {evidence.stated} ({CONFIDENCE_LEVELS[evidence.stated]})"
                                if evidence.stated in CONFIDENCE_LEVELS else "")
            for citation in evidence.citations:
                item = QTreeWidgetItem([citation.footnote, citation.shown, citation.domain, citation.grade,
                                        citation.quote or "(no passage quoted)"])
                item.setData(0, Qt.ItemDataRole.UserRole, citation.source_id)
                item.setToolTip(1, tip(f"{citation.shown}\n{citation.url}"))
                item.setToolTip(3, describe_grade(citation.reliability, citation.credibility))
                item.setToolTip(4, tip(citation.quote))
                if citation.reliability in ("E", "F"):
                    item.setForeground(3, QBrush(QColor(170, 0, 0)))
                self.citations.addTopLevelItem(item)
            for column, width in enumerate((30, 220, 100, 45)):
                self.citations.setColumnWidth(column, width)
        finally:
            self._applying = False
        if self.selection.selection.table == "sources":
            self._mark_sources(set(self.selection.selection.ids))

    def _mark_sources(self, source_ids: set[str]) -> None:
        self._applying = True
        try:
            for n in range(self.citations.topLevelItemCount()):
                item = self.citations.topLevelItem(n)
                item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) in source_ids)
        finally:
            self._applying = False

    def _citation_chosen(self) -> None:
        if self._applying:
            return
        ids = [item.data(0, Qt.ItemDataRole.UserRole) for item in self.citations.selectedItems()]
        if ids:
            self.selection.select("sources", ids, origin=self)

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.citations.topLevelItem(n).text(c) for c in range(5))
                for n in range(self.citations.topLevelItemCount())]
