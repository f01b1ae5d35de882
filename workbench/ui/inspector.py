"""The inspector: every field of the selected record, with the sources it rests on, as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.core.casefile import Case, Change
from workbench.core.queries import details
from workbench.ui.selection import Selection, SelectionModel

NOUNS = {"events": "event", "actors": "actor", "relations": "relation", "sources": "source"}


class Inspector(QWidget):
    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.selection = selection
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("inspector_heading")
        self.fields = QTreeWidget(self)
        self.fields.setObjectName("inspector_fields")
        self.fields.setColumnCount(2)
        self.fields.setHeaderHidden(True)
        self.fields.setRootIsDecorated(False)
        self.fields.setWordWrap(True)
        self.fields.setAlternatingRowColors(True)
        self.fields.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.header().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.fields)
        selection.selection_changed.connect(self.show_selection)
        self.show_selection(selection.selection)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.show_selection(self.selection.selection)

    def case_changed(self, change: Change) -> None:
        self.show_selection(self.selection.selection)

    def show_selection(self, selection: Selection, _origin: object = None) -> None:
        self.fields.clear()
        if self.case is None:
            self.heading.setText("No case is open.")
            return
        if not selection:
            self.heading.setText("Select an event, actor, relation or source to see what it rests on.")
            return
        noun = NOUNS.get(selection.table, "record")
        if len(selection.ids) > 1:
            self.heading.setText(f"{len(selection.ids)} {noun}s selected; showing the first.")
        else:
            self.heading.setText(f"Selected {noun}")
        pairs = details(self.case, selection.table, selection.ids[0])
        if not pairs:
            self.heading.setText(f"The selected {noun} is no longer in the case.")
        for label, value in pairs:
            item = QTreeWidgetItem([label, value])
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            item.setToolTip(1, value)
            self.fields.addTopLevelItem(item)

    def rows(self) -> list[tuple[str, str]]:
        """What the inspector shows, for tests and copying."""
        return [(self.fields.topLevelItem(i).text(0), self.fields.topLevelItem(i).text(1))
                for i in range(self.fields.topLevelItemCount())]
