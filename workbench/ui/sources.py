"""The Sources dock: every source with its footnotes, grade and the claims resting on it."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.core.casefile import Case, Change
from workbench.ui.listing import ListPane
from workbench.ui.selection import SelectionModel

SOURCE_WIDTHS = (40, 330, 150, 50, 90, 80, 60)


class SourcesPane(QWidget):
    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.sources = ListPane("sources", selection, self, SOURCE_WIDTHS)
        self.list_panes = {"sources": self.sources}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.sources)

    def set_case(self, case: Case | None) -> None:
        self.sources.set_case(case)

    def case_changed(self, change: Change) -> None:
        if change.table in ("sources", "footnotes", "citations", "meta"):
            self.sources.set_case(self.sources.case)
