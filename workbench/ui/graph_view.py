"""The Actor graph dock: actors and the relations between them (the drawn link chart is issue 4's)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from workbench.core.casefile import Case, Change
from workbench.ui.listing import ListPane
from workbench.ui.selection import SelectionModel

ACTOR_WIDTHS = (230, 90, 220, 60, 70)
RELATION_WIDTHS = (170, 150, 170, 90, 150, 40)


class GraphPane(QWidget):
    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.actors = ListPane("actors", selection, self, ACTOR_WIDTHS)
        self.relations = ListPane("relations", selection, self, RELATION_WIDTHS)
        self.list_panes = {"actors": self.actors, "relations": self.relations}
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("graph_split")
        split.addWidget(self.actors)
        split.addWidget(self.relations)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def set_case(self, case: Case | None) -> None:
        self.actors.set_case(case)
        self.relations.set_case(case)

    def case_changed(self, change: Change) -> None:
        if change.table in ("actors", "relations", "event_actors", "citations", "meta"):
            self.set_case(self.actors.case)
