"""The audit trail of the case, newest first: for the whole case or the selected item, filterable."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from workbench.core.queries import audit_listing
from workbench.core.store import Case, Changes
from workbench.ui.listing import ListPane
from workbench.ui.selection import Selection, SelectionModel

AUDIT_WIDTHS = (140, 80, 60, 120, 400)


class AuditTrail(ListPane):
    """A ListPane whose rows are audit entries: selecting one selects nothing else."""

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.reload()

    def reload(self, record_id: str | None = None) -> None:
        listing = audit_listing(self.case, record_id=record_id) if self.case is not None else None
        self.set_listing(listing, self.widths)

    def _view_selection_changed(self, *_: object) -> None:
        pass  # audit rows are not case records

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        pass


class HistoryPane(QWidget):
    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.only_selected = QCheckBox("Only the selected item", self)
        self.only_selected.setObjectName("history_only_selected")
        self.count = QLabel(self)
        self.trail = AuditTrail("audit", selection, self, AUDIT_WIDTHS)
        self.trail.view.setSortingEnabled(False)
        self.list_panes: dict[str, ListPane] = {}
        top = QHBoxLayout()
        top.addWidget(self.only_selected)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.trail)
        self.only_selected.toggled.connect(lambda _on: self.reload())
        selection.selection_changed.connect(lambda *_: self.only_selected.isChecked() and self.reload())

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.trail.case = case
        if self.isVisible() or case is None:  # a hidden history is read when it shows (showEvent)
            self.reload()

    # Every write leaves an audit row.
    depends_on = frozenset({"*"})

    def case_changed(self, changes: Changes) -> None:
        if self.isVisible():
            self.reload()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        record = self.selection.selection.first if self.only_selected.isChecked() else None
        if self.only_selected.isChecked() and record is None:
            self.trail.set_listing(None)
            self.count.setText("nothing selected")
            return
        self.trail.reload(record)
        shown = self.trail.model.rowCount() if self.trail.model else 0
        self.count.setText(f"{shown} changes" + (" (newest 20,000)" if shown >= 20_000 else ""))
