"""The Evidence health tab: the case's weak spots, and what falls with the selected source."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableView, QVBoxLayout, QWidget

from workbench.core.evidence import (
    HEALTH_CATEGORIES,
    NOUN,
    EvidenceHealth,
    HealthItem,
    evidence_health,
    impact_if_sources_fall,
    item_when,
)
from workbench.core.store import Case
from workbench.core.window import in_time_window, window_caption, window_narrows
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel
from workbench.ui.sources.plain import plain_label
from workbench.ui.tasks import runner


class HealthModel(QAbstractTableModel):
    """Rows of one health category; dates are put into words only for the rows on screen."""

    HEADERS = ("Kind", "When", "Claim or source", "Why listed")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[HealthItem] = []
        self.zone: str | None = None

    def set_items(self, items: list[HealthItem], zone: str | None) -> None:
        self.beginResetModel()
        self.items, self.zone = items, zone
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole:  # case text: shown literally, never as rich text
            return tip(self.data(index, Qt.ItemDataRole.DisplayRole))
        item = self.items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return NOUN.get(item.table, item.table)
            if column == 1:
                return item_when(item, self.zone)
            if column == 2:
                return item.title
            return item.detail
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class HealthPanel(QWidget):
    """The case's weak spots: uncited, single-source and E/F-only claims, sources graded F, and what
    falls with the selected source. Each row selects its record everywhere."""

    IMPACT = "impact"
    # Cases with more claims than this are examined off the UI thread.
    BACKGROUND_ABOVE = 5_000

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.health: EvidenceHealth | None = None
        self.task_key = ("evidence health", id(self))  # its runs replace each other in ui.tasks
        self.dirty = True
        self.active = False  # the current tab of the dock (visible or not: a hidden window still counts)
        self._applying = False
        self.category = QComboBox(self)
        self.category.setObjectName("health_category")
        self.description = plain_label("", self)
        self.description.setObjectName("health_description")
        self.description.setStyleSheet("QLabel { color: #555; }")
        self.model = HealthModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("health_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((60, 115, 330)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._row_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.category)
        layout.addWidget(self.description)
        layout.addWidget(self.view, 1)
        self.category.currentIndexChanged.connect(lambda _: self._show_category())
        selection.selection_changed.connect(self._selection_changed)
        # The claims listed narrow to the shared time window, as the lists and the graph do, and say so.
        self._window_ids: dict[str, set[str] | None] = {}
        selection.time_window_changed.connect(self._window_changed)
        selection.filter_changed.connect(lambda *_: self.invalidate())

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.invalidate()

    def invalidate(self) -> None:
        """Recompute at once when on screen, else the next time the panel is shown."""
        self.dirty = True
        if self.active or self.isVisible():
            self.refresh()

    def set_active(self, active: bool) -> None:
        self.active = active
        if active and self.dirty:
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.dirty:
            self.refresh()

    def refresh(self) -> None:
        self.dirty = False
        floor = self.selection.filter.reliability_floor
        case = self.case
        if case is None:
            runner().cancel(self.task_key)
            self._health_ready(None)
            return
        # ~1.5 s on 100k events and 175k citations: a large case is examined on a reader thread
        # while the panel says so; a small one at once.
        counts = case.counts()
        if counts["events"] + counts["relations"] + counts["actors"] <= self.BACKGROUND_ABOVE:
            runner().cancel(self.task_key)
            self._health_ready(evidence_health(case, floor))
            return
        self.description.setText("Examining the evidence of the whole case…")
        self.category.setEnabled(False)
        runner().run(self.task_key, lambda reader, progress: evidence_health(reader, floor, progress), reader_of=case,
                     done=self._health_ready, failed=self._health_failed, context=self)

    def _health_failed(self, message: str) -> None:
        self.category.setEnabled(True)
        self.description.setText(f"The evidence health could not be worked out: {message}")

    def _window_changed(self, *_: Any) -> None:
        self._window_ids = {}
        if self.health is not None:
            self._show_category()

    def in_window(self, items: list[HealthItem]) -> tuple[list[HealthItem], str]:
        """`items` in the shared time window, and a sentence saying how many ("" when it narrows nothing)."""
        case, window = self.case, self.selection.time_window
        if case is None or case.closed or not window_narrows(case, window.start, window.end):
            return items, ""
        for table in {item.table for item in items} - set(self._window_ids):
            self._window_ids[table] = in_time_window(case, table, window.start, window.end)
        kept = [item for item in items
                if self._window_ids.get(item.table) is None or item.record_id in self._window_ids[item.table]]
        return kept, (f" Time window {window_caption(case, window.start, window.end)}: {len(kept)} of "
                      f"{len(items)} listed.")

    def _health_ready(self, health: EvidenceHealth | None) -> None:
        self.category.setEnabled(True)
        self.health = health
        current = self.category.currentData() or "uncited"
        self.category.blockSignals(True)
        self.category.clear()
        counts = self.health.counts() if self.health else {}
        for name, title, _ in HEALTH_CATEGORIES:
            self.category.addItem(f"{title} ({counts.get(name, 0)})", name)
        self.category.addItem("If the selected source falls", self.IMPACT)
        self.category.setCurrentIndex(max(0, self.category.findData(current)))
        self.category.blockSignals(False)
        self._show_category()

    def _show_category(self) -> None:
        name = self.category.currentData()
        zone = self.case.meta("timezone") if self.case is not None else None
        if self.case is None or self.health is None:
            self.description.setText("No case is open.")
            self.model.set_items([], zone)
            return
        if name == self.IMPACT:
            selection = self.selection.selection
            if selection.table != "sources":
                self.description.setText("Select a source (in the list, a claim's citations or a footnote marker) "
                                         "to see the claims that would be left with no other support.")
                self.model.set_items([], zone)
                return
            impact = impact_if_sources_fall(self.case, selection.ids)
            items, note = self.in_window(impact.orphaned + impact.left_single)
            self.description.setText(impact.summary + note)
            self.model.set_items(items, zone)
            return
        description = next(text for key, _, text in HEALTH_CATEGORIES if key == name)
        floor = self.selection.filter.reliability_floor
        if floor != "F":
            description += f" (only sources graded {floor} or better count as support)"
        items, note = self.in_window(getattr(self.health, name))
        self.description.setText(description.capitalize() + ("." if note else "") + note)
        self.model.set_items(items, zone)

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        if origin is not self and self.category.currentData() == self.IMPACT and self.health is not None:
            self._show_category()

    def _row_chosen(self, *_: Any) -> None:
        rows = self.view.selectionModel().selectedRows()
        if self._applying or not rows:
            return
        item = self.model.items[rows[0].row()]
        self.selection.select(item.table, [item.record_id], origin=self)

    def choose(self, category: str) -> None:
        self.category.setCurrentIndex(self.category.findData(category))

    def titles(self) -> list[str]:
        return [item.title for item in self.model.items]
