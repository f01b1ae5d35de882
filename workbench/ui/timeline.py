"""The Timeline dock: the case's events in time order (the drawn timeline is issue 3's)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.core.casefile import Case, Change
from workbench.ui.listing import ListPane
from workbench.ui.selection import SelectionModel

EVENT_WIDTHS = (190, 330, 200, 110, 90, 40)


class TimelinePane(QWidget):
    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.events = ListPane("events", selection, self, EVENT_WIDTHS)
        self.list_panes = {"events": self.events}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.events)

    def set_case(self, case: Case | None) -> None:
        self.events.set_case(case)

    def case_changed(self, change: Change) -> None:
        if change.table in ("events", "event_actors", "event_places", "actors", "places", "citations", "meta"):
            self.events.set_case(self.events.case)

    def focus_filter(self) -> None:
        self.events.filter.setFocus()
        self.events.filter.selectAll()
