"""The graph's analysis panel: centralities, communities and isolates in a sortable, copyable table; paths."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.cells import safe_cell
from workbench.core.graph.metrics import Metrics
from workbench.core.graph.model import CaseGraph

METRIC_COLUMNS = ("Actor", "Kind", "Degree", "Betweenness", "Eigenvector", "Community", "Isolate")


class AnalysisPanel(QWidget):
    """Centralities, communities and isolates as a sortable, copyable table; paths and ego networks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.setToolTip("Compute the figures for the actors and relations shown now")
        self.copy_button = QPushButton("Copy table", self)
        self.path_button = QPushButton("Shortest path", self)
        self.path_button.setToolTip("Between the two selected actors (Ctrl+click the second on the chart)")
        self.ego_button = QPushButton("Ego network", self)
        self.ego_button.setToolTip("The selected actor and everyone within N ties of it")
        self.hops = QSpinBox(self)
        self.hops.setRange(1, 6)
        self.hops.setValue(2)
        self.hops.setSuffix(" hops")
        self.isolates_button = QPushButton("Select isolates", self)
        self.sampled = QCheckBox("Sampled betweenness", self)
        self.sampled.setToolTip("Estimate betweenness from 400 sources: faster on very large graphs, not exact")
        self.clear_button = QPushButton("Clear", self)
        self.status = QLabel("Figures are computed on the actors and relations shown.", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.model = QStandardItemModel(0, len(METRIC_COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(METRIC_COLUMNS))
        self.model.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView(self)
        self.table.setObjectName("metrics_table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 190)
        row1 = QHBoxLayout()
        for widget in (self.compute_button, self.copy_button, self.isolates_button):
            row1.addWidget(widget)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        for widget in (self.path_button, self.ego_button, self.hops, self.clear_button):
            row2.addWidget(widget)
        row2.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.sampled)  # a row of its own: the panel is no wider, the chart keeps its room
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.copy_button.clicked.connect(self.copy)
        self.ids: list[str] = []

    def show_metrics(self, graph: CaseGraph, metrics: Metrics | None) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.ids = []
        self.model.setHorizontalHeaderLabels(list(METRIC_COLUMNS))
        if metrics is None:
            return
        how = metrics.methods.get("betweenness", "")  # the column says whether its figures are exact
        self.model.setHorizontalHeaderItem(3, QStandardItem(
            "Betweenness (sampled)" if how.startswith("sampled") else "Betweenness (exact)"))
        isolates = set(metrics.isolates)
        rows = []
        for k, actor_id in enumerate(metrics.ids):
            v = graph.index[actor_id]
            values: list[tuple[str, Any]] = [
                (graph.names[v], graph.names[v].casefold()), (graph.kinds[v], graph.kinds[v]),
                (str(metrics.degree[k]), metrics.degree[k]),
                (f"{metrics.betweenness[k]:.4f}", metrics.betweenness[k]),
                (f"{metrics.eigenvector[k]:.4f}", metrics.eigenvector[k]),
                (str(metrics.community[k]), metrics.community[k]),
                ("yes" if actor_id in isolates else "", actor_id in isolates),
            ]
            items = []
            for text, key in values:
                item = QStandardItem(text)
                item.setData(key, Qt.ItemDataRole.UserRole)
                item.setData(actor_id, Qt.ItemDataRole.UserRole + 1)
                items.append(item)
            rows.append(items)
            self.ids.append(actor_id)
        for items in rows:
            self.model.appendRow(items)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.status.setText(
            f"{len(metrics.ids)} actors shown. Betweenness: {metrics.methods.get('betweenness', '')}; "
            f"communities: {metrics.methods.get('communities', '')}.")

    def table_text(self) -> str:
        """The table as tab-separated text, in its current order, with a header row."""
        lines = ["\t".join(self.model.horizontalHeaderItem(c).text() for c in range(self.model.columnCount()))]
        for row in range(self.model.rowCount()):  # names come from sources: no formula may run when pasted
            lines.append("\t".join(safe_cell(self.model.item(row, c).text().replace("\t", " "))
                                   for c in range(self.model.columnCount())))
        return "\n".join(lines)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.table_text())

    def actor_at(self, row: int) -> str:
        return str(self.model.item(row, 0).data(Qt.ItemDataRole.UserRole + 1))

