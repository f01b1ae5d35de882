"""The Sources dock: tabs for the sources (list and the selected source), the selected claim,
evidence health, the imported report to read, and search across the case.

Thin views over workbench.core.evidence / document / queries. Every string from the case is shown
as plain text; edits go through undo commands; selections go through the shared SelectionModel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QSplitter, QTabWidget, QVBoxLayout, QWidget

from workbench.core.store import Case, Changes
from workbench.ui.selection import Selection, SelectionModel
from workbench.ui.sources.claim import ClaimView
from workbench.ui.sources.health import HealthPanel
from workbench.ui.sources.reader import DocumentReader
from workbench.ui.sources.search import SearchPanel
from workbench.ui.sources.source_detail import SourceDetail
from workbench.ui.sources.source_list import SourceList


class SourcesPane(QWidget):
    """The Sources dock: tabs for the sources, the selected claim, evidence health, the report, search."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.sources = SourceList(selection, self)
        self.detail = SourceDetail(selection, self)
        self.claim = ClaimView(selection, self)
        self.health = HealthPanel(selection, self)
        self.reader = DocumentReader(selection, self)
        self.search = SearchPanel(selection, self)
        self.search.on_document = self.show_document
        self.list_panes = {"sources": self.sources}

        split = self.split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("sources_split")
        split.setChildrenCollapsible(False)
        split.addWidget(self.sources)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        self.detail.hide()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("sources_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(split, "Sources")
        self.tabs.addTab(self.claim, "Claim")
        self.tabs.addTab(self.health, "Evidence health")
        self.tabs.addTab(self.reader, "Reader")
        self.tabs.addTab(self.search, "Search")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _: self.health.set_active(self.tabs.currentWidget() is self.health))
        self.search_shortcut = QShortcut(QKeySequence("Ctrl+K"), self)
        self.search_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.search_shortcut.activated.connect(self.focus_search)
        selection.selection_changed.connect(self._selection_changed)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.sources.set_case(case)
        self.detail.set_case(case)
        self.claim.set_case(case)
        self.health.set_case(case)
        self.reader.set_case(case)
        self.search.set_case(case)
        self._selection_changed(self.selection.selection, None)

    depends_on = frozenset({"sources", "footnotes", "citations", "meta", "events", "relations", "actors",
                            "documents", "notes"})

    def case_changed(self, changes: Changes) -> None:
        if changes.touches({"sources", "footnotes", "citations", "meta"}):
            self.sources.reload()
        if changes.touches({"sources", "citations", "events", "relations", "actors"}):
            if changes.origin is not self.detail:  # the detail already shows its own edit
                self.detail.show_sources(self.detail.source_ids)
            self.claim.show_claim()
        if changes.touches({"sources", "citations", "events", "relations", "actors", "footnotes"}):
            self.health.invalidate()
        if changes.touches(self.reader.depends_on):
            self.reader.case_changed(changes)
        if changes.touches({"events", "actors", "sources", "documents", "notes"}) and self.search.field.text().strip():
            self.search.timer.start()

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        """The detail follows the last selected source (it stays while one of its claims is clicked)."""
        if selection.table == "sources":
            self.detail.show_sources(selection.ids)
        elif not selection:
            self.detail.show_sources(())
        showing = bool(self.detail.source_ids)
        if showing and self.detail.isHidden():
            self.detail.show()
            total = max(2, self.split.height())
            self.split.setSizes([total // 2, total - total // 2])
        elif not showing:
            self.detail.hide()

    def focus_search(self) -> None:
        """Ctrl+K: show the dock and the Search tab, with the search field ready to type in."""
        dock = self.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is not None:
            dock.show()
            dock.raise_()
        self.tabs.setCurrentWidget(self.search)
        self.search.field.setFocus()
        self.search.field.selectAll()

    def show_document(self, document_id: str) -> None:
        self.reader.show_document(document_id)
        self.tabs.setCurrentWidget(self.reader)

    def show_tab(self, name: str) -> None:
        pages = {"sources": 0, "claim": 1, "health": 2, "reader": 3, "search": 4}
        self.tabs.setCurrentIndex(pages[name])
