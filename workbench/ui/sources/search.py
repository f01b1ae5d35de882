"""The Search tab: full-text search over the whole case, hits grouped by kind, matched words highlighted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.queries import SearchHit, SearchResults, search_case
from workbench.core.store import MAX_TERMS, Case, CaseError, words_left_out
from workbench.core.store.search import RANK_POOL
from workbench.ui.plaintext import tip
from workbench.ui.selection import SelectionModel
from workbench.ui.sources.plain import plain_label

SEARCH_DELAY_MS = 120
HIT_BRUSH = QBrush(QColor(255, 226, 110))
FRAGMENTS = Qt.ItemDataRole.UserRole + 1
HIT = Qt.ItemDataRole.UserRole


class FragmentDelegate(QStyledItemDelegate):
    """Paints a search hit as plain text pieces, the matched words bold on yellow: no rich text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        lines = index.data(FRAGMENTS)
        if not lines:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        base = QFont(option.font)
        bold = QFont(option.font)
        bold.setBold(True)
        height = QFontMetrics(base).height()
        y = option.rect.top() + 2
        for number, pieces in enumerate(lines):
            x = option.rect.left() + 4
            for text, hit in pieces:
                font = bold if hit else base
                metrics = QFontMetrics(font)
                room = option.rect.right() - x
                if room <= 0:
                    break
                shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
                width = metrics.horizontalAdvance(shown)
                rect = QRect(x, y, width, height)
                if hit:
                    painter.fillRect(rect, HIT_BRUSH)
                painter.setFont(font)
                if selected and not hit:
                    painter.setPen(option.palette.highlightedText().color())
                elif number > 0 and not hit:
                    painter.setPen(QColor(90, 90, 90))
                else:
                    painter.setPen(QColor(0, 0, 0))
                painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
                x += width
            y += height
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        lines = index.data(FRAGMENTS)
        size = super().sizeHint(option, index)
        if lines:
            size.setHeight(QFontMetrics(option.font).height() * len(lines) + 4)
        return size


class SearchPanel(QWidget):
    """Full-text search over the whole case, results grouped by kind, matched words highlighted.
    Enter (or a click) selects the hit everywhere."""

    GROUP_TITLES = {"events": "Events", "actors": "Actors", "relations": "Relations", "sources": "Sources",
                    "documents": "Documents", "notes": "Notes"}

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.hits: dict[str, list[SearchHit]] = {}
        self.crowded: set[str] = set()  # kinds with so many matches that those added last are shown
        self.on_document: Any = None  # set by the pane: show a document hit in the reader
        self.field = QLineEdit(self)
        self.field.setObjectName("search_field")
        self.field.setPlaceholderText("Search events, actors, relations, sources, documents, notes\u2026 (Ctrl+K)")
        self.field.setClearButtonEnabled(True)
        self.summary = plain_label("", self)
        self.summary.setObjectName("search_summary")
        self.summary.setStyleSheet("QLabel { color: #555; }")
        self.results = QTreeWidget(self)
        self.results.setObjectName("search_results")
        self.results.setHeaderHidden(True)
        self.results.setItemDelegate(FragmentDelegate(self.results))
        self.results.itemActivated.connect(lambda item, _c: self.go(item))
        self.results.itemClicked.connect(lambda item, _c: self.go(item))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run)
        self.field.textChanged.connect(lambda _: self.timer.start())
        self.field.returnPressed.connect(self._enter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.field)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.run()

    def run(self) -> None:
        self.timer.stop()
        self.results.clear()
        text = self.field.text()
        try:
            found = search_case(self.case, text) if self.case is not None and text.strip() else SearchResults(())
        except CaseError as error:  # a damaged search index: say so in one sentence
            self.hits, self.crowded = {}, set()
            self.summary.setText(str(error))
            return
        self.hits, self.crowded = found, found.crowded
        total = sum(len(v) for v in self.hits.values())
        if not text.strip():
            self.summary.setText("Type to search; words match at their start, in any case, Latin or Cyrillic.")
            return
        summary = f"{total} match{'es' if total != 1 else ''}" if total else "Nothing matches."
        if self.crowded:  # the search box answers within a keystroke: it lists those added last, unranked
            kinds = ", ".join(self.GROUP_TITLES[table].lower() for table in self.hits if table in self.crowded)
            summary = (f"{total} shown. More than {RANK_POOL:,} {kinds} match: those added last are shown,"
                       " newest first; add a word to narrow the search.")
        left_out = words_left_out(text)
        if left_out:  # a pasted page: say which words were searched for
            summary += f" (searched the first {MAX_TERMS} words; {left_out} more left out)"
        self.summary.setText(summary)
        bold = QFont(self.results.font())
        bold.setBold(True)
        for table, hits in self.hits.items():
            if not hits:
                continue
            shown = f"{len(hits)} added last" if table in self.crowded else f"{len(hits)}"
            group = QTreeWidgetItem([f"{self.GROUP_TITLES[table]} ({shown})"])
            group.setFont(0, bold)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for hit in hits:
                lines = [list(hit.title)]
                if hit.context:
                    lines.append([(f"{hit.field}: ", False), *hit.context])
                item = QTreeWidgetItem(group, [hit.title_text])
                item.setData(0, FRAGMENTS, lines)
                item.setData(0, HIT, hit)
                item.setToolTip(0, tip(hit.title_text))
            self.results.addTopLevelItem(group)
            group.setExpanded(True)
        first = self._first_hit()
        if first is not None:
            self.results.setCurrentItem(first)

    def _first_hit(self) -> QTreeWidgetItem | None:
        for g in range(self.results.topLevelItemCount()):
            group = self.results.topLevelItem(g)
            if group.childCount():
                return group.child(0)
        return None

    def _enter(self) -> None:
        if self.timer.isActive():
            self.run()
        item = self.results.currentItem() or self._first_hit()
        if item is not None:
            self.go(item)

    def go(self, item: QTreeWidgetItem) -> None:
        hit: SearchHit | None = item.data(0, HIT)
        if hit is None:
            return
        if hit.table == "documents":
            if self.on_document is not None:
                self.on_document(hit.record_id)
            return
        table, record_id = hit.target if hit.table == "notes" and hit.target else (hit.table, hit.record_id)
        if table in ("events", "actors", "relations", "sources"):
            self.selection.select(table, [record_id], origin=self)

    def grouped(self) -> dict[str, list[str]]:
        """Titles of the hits shown, by kind; for tests."""
        return {table: [hit.title_text for hit in hits] for table, hits in self.hits.items() if hits}
