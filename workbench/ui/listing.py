"""A sortable, filterable table of one pane's records, fed by `core.queries` listings.

Sorting and filtering happen in the model over precomputed keys, not through a
QSortFilterProxyModel: a proxy calls back into Python for every comparison, which on 100k
rows takes seconds, while one `sorted()` over the keys takes milliseconds.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.confidence import is_weak
from workbench.core.names import TextFilter, haystacks
from workbench.core.queries import LISTINGS, Listing, passing_ids, related
from workbench.core.store import Case
from workbench.core.window import in_time_window, window_caption
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel

# Records dragged from a list (the Analysis dock takes them as evidence): JSON {"table": ..., "ids": [...]}.
RECORDS_MIME = "application/x-case-workbench-records"
RELATED_BRUSH = QBrush(QColor(255, 236, 179))
TITLE_COLUMN = {"events": "Event", "actors": "Actor", "relations": "Relation", "sources": "Title or URL"}
TITLE_SHARE = 0.4  # of a list's width, kept for its title column when the others are wide
COLUMN_MAX = 180  # px: a long place or alias list is cut (its tooltip has it), the title keeps the room
WEAK_BRUSH = QBrush(QColor(120, 120, 120))


class ListingModel(QAbstractTableModel):
    def __init__(self, listing: Listing, parent: Any = None) -> None:
        super().__init__(parent)
        self.listing = listing
        self._texts: list[str] | None = None  # core.names haystacks of the rows, made on the first filter
        self.visible = list(range(len(listing)))
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.filter_text = ""
        self.related: set[str] = set()
        self.allowed: set[str] | None = None  # ids passing the shared filter; None: all
        self._italic = QFont()
        self._italic.setItalic(True)
        self._bold = QFont()
        self._bold.setBold(True)
        confidence = [c.name for c in listing.columns].index("Confidence") if any(
            c.name == "Confidence" for c in listing.columns) else -1
        self._weak = {i for i, row in enumerate(listing.rows) if confidence >= 0 and is_weak(row[confidence])}

    # Qt model interface
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.listing.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.visible[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.listing.rows[row][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.listing.rows[row][index.column()]
            return tip(text) if len(text) > 30 else None
        if role == Qt.ItemDataRole.BackgroundRole and self.listing.ids[row] in self.related:
            return RELATED_BRUSH
        if role == Qt.ItemDataRole.FontRole and row in self._weak:
            return self._italic
        if role == Qt.ItemDataRole.ForegroundRole and row in self._weak:
            return WEAK_BRUSH
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Rows can be dragged (onto the Analysis dock's matrix, as evidence), never dropped here.
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else super().flags(index)

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [RECORDS_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:  # noqa: N802 - Qt override
        """The dragged rows' records: JSON {"table": ..., "ids": [...]}, in the order shown."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        ids = [self.listing.ids[self.visible[row]] for row in rows]
        data = QMimeData()
        data.setData(RECORDS_MIME, QByteArray(json.dumps({"table": self.listing.table, "ids": ids}).encode("utf-8")))
        return data

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        column = self.listing.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.name
        if role == Qt.ItemDataRole.ToolTipRole:  # the heading whole, for a column cut narrow
            return f"{column.name}: {column.tooltip}" if column.tooltip else column.name
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        records = [self.visible[index.row()] for index in before]
        self.sort_column, self.sort_order = column, order
        self.arrange()
        position = {record: row for row, record in enumerate(self.visible)}
        after = [self.index(position[record], index.column()) for record, index in zip(records, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    # ours
    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self.filter_text = text.strip()
        self.arrange()
        self.endResetModel()

    def arrange(self) -> None:
        """Work out the visible rows from the filter text, the allowed ids and the sort, without telling
        the views: callers wrap it in a reset or layout change, or call it before the model is shown."""
        words = TextFilter(self.filter_text)
        rows = range(len(self.listing))
        if self.allowed is not None:
            ids, allowed = self.listing.ids, self.allowed
            rows = [i for i in rows if ids[i] in allowed]
        if words:  # every word, in any script or spelling (core.names)
            if self._texts is None:
                self._texts = haystacks([" \u241f ".join(row) for row in self.listing.rows])
            texts = self._texts
            rows = [i for i in rows if words.passes(texts[i])]
        if self.sort_column >= 0:
            keys = self.listing.sort_keys
            column = self.sort_column
            rows = sorted(rows, key=lambda i: keys[i][column],
                          reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
        self.visible = list(rows)

    def record_id(self, view_row: int) -> str:
        return self.listing.ids[self.visible[view_row]]

    def rows_of(self, ids: set[str]) -> list[int]:
        return [n for n, i in enumerate(self.visible) if self.listing.ids[i] in ids]

    def set_allowed(self, ids: set[str] | None) -> None:
        if ids == self.allowed:
            return
        self.beginResetModel()
        self.allowed = ids
        self.arrange()
        self.endResetModel()

    def set_related(self, ids: set[str]) -> None:
        if ids == self.related:
            return
        self.related = ids
        if self.visible:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.visible) - 1, self.columnCount() - 1),
                                  [Qt.ItemDataRole.BackgroundRole])


class ListPane(QWidget):
    """A filter field over a table of one kind of record, tied to the shared selection."""

    def __init__(self, table: str, selection: SelectionModel, parent: QWidget | None = None,
                 widths: tuple[int, ...] = ()) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.widths = widths
        self.table = table
        self.selection = selection
        self._applying = False
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(f"Filter {table}\u2026")
        self.filter.setClearButtonEnabled(True)
        self.filter.setObjectName(f"{table}_filter")
        self.view = QTableView(self)
        self.view.setObjectName(f"{table}_table")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.natural: dict[int, int] = {}  # each column's width for its content, but the title's
        self.title_column = -1
        self.hand_sized = False  # a column resized by hand: no more automatic widths
        self._sizing = False
        self.view.horizontalHeader().sectionResized.connect(self._section_resized)
        self.view.installEventFilter(self)
        # Says when the shared time window narrows the list, with a way back to the whole case.
        self.window_ids: set[str] | None = None  # the records in the time window; None: it narrows nothing
        self.window_note = QLabel(self)
        self.window_note.setObjectName(f"{table}_window_note")
        self.window_note.setTextFormat(Qt.TextFormat.PlainText)
        self.window_whole = QPushButton("Whole case", self)
        self.window_whole.setObjectName(f"{table}_window_whole")
        self.window_whole.setToolTip("Widen the shared time window to the whole case (every view follows)")
        self.window_whole.clicked.connect(self._whole_case)
        note = QHBoxLayout()
        note.setContentsMargins(2, 0, 0, 0)
        note.addWidget(self.window_note, 1)
        note.addWidget(self.window_whole)
        self.window_bar = QWidget(self)
        self.window_bar.setObjectName(f"{table}_window_bar")
        self.window_bar.setLayout(note)
        self.window_note.setStyleSheet("QLabel { background: #fff1dc; padding: 1px 4px; }")
        self.window_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.filter)
        layout.addWidget(self.window_bar)
        layout.addWidget(self.view)
        self._model: ListingModel | None = None
        self._stale = False  # hidden when its case came: filled when shown or first asked for
        self.filter.textChanged.connect(self._filter_changed)
        selection.selection_changed.connect(self._selection_changed)
        selection.filter_changed.connect(lambda _filter, _origin: self._apply_case_filter())
        selection.time_window_changed.connect(lambda _window, _origin: self._window_changed())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape):  # type: ignore[attr-defined]
            self.selection.clear(origin=None)  # as Esc in the timeline and the graph: every view, this list too
            return True
        return super().eventFilter(watched, event)

    @property
    def model(self) -> ListingModel | None:
        """The records shown; a list that was hidden (a tab behind another) when its case came is filled now."""
        if self._stale:
            self._fill()
        return self._model

    def set_case(self, case: Case | None) -> None:
        """Show the records of `case` (or nothing); also called to reload after a change. A hidden list (the event
        list behind the timeline) is filled when it is shown or asked for: reading 100k events into rows is most
        of a big case's opening, and nobody sees them until the tab is opened."""
        self.case = case
        self._stale = case is not None and not self.isVisible()
        if not self._stale:  # (a stale list keeps its rows and their sort until it is filled again)
            self._fill()

    def _fill(self) -> None:
        self._stale = False
        self.set_listing(LISTINGS[self.table](self.case) if self.case is not None else None, self.widths)
        self._highlight_related(self.selection.selection)

    def _highlight_related(self, selection: Selection) -> None:
        if self.case is not None and self._model is not None:
            self._model.set_related(related(self.case, selection.table, selection.ids).get(self.table, set()))

    def set_listing(self, listing: Listing | None, widths: tuple[int, ...] = ()) -> None:
        old = self.view.selectionModel()
        self.window_ids = self._in_window() if listing is not None else None  # the case may have changed
        if listing is None:
            self._model = None
            self.view.setModel(None)
        else:
            first_time = self._model is None
            sort = ((self._model.sort_column, self._model.sort_order) if self._model
                    else (-1, Qt.SortOrder.AscendingOrder))
            self._model = ListingModel(listing, self)
            self._model.filter_text = self.filter.text().strip()
            self._model.sort_column, self._model.sort_order = sort
            self._model.allowed = self._allowed()
            self._model.arrange()
            self.view.setModel(self._model)
            self.view.selectionModel().selectionChanged.connect(self._view_selection_changed)
            if sort[0] < 0:
                self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            if first_time:
                self.size_columns(widths)
            self._show_selection(self.selection.selection)
        if old is not None:
            old.deleteLater()
        self._show_window_note()

    def size_columns(self, widths: tuple[int, ...] = ()) -> None:
        """Each column as wide as its content (up to COLUMN_MAX px; `widths` when there are no rows
        yet), and the title column (the event's, actor's, relation's or source's) takes the rest: the
        last column took the spare width while the titles were cut short. Where the contents do not
        all fit, the widest other columns give way first, so the title keeps TITLE_SHARE of the width
        (a heading cut short shows its start, and its tooltip says it whole)."""
        if self._model is None:
            return
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setResizeContentsPrecision(200)  # the first rows are enough to judge a width by
        names = [c.name for c in self._model.listing.columns]
        self.title_column = names.index(TITLE_COLUMN[self.table]) if TITLE_COLUMN.get(self.table) in names else -1
        self.natural = {}
        for column in range(len(names)):
            if column == self.title_column:
                continue
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            if len(self._model.listing):
                self.natural[column] = min(max(self.view.sizeHintForColumn(column),
                                               header.sectionSizeHint(column)), COLUMN_MAX)
            elif column < len(widths):
                self.natural[column] = widths[column]
        if self.title_column >= 0:
            header.setSectionResizeMode(self.title_column, QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(36)
        else:
            header.setStretchLastSection(True)
        self.hand_sized = False
        self._fit_columns()

    def _fit_columns(self) -> None:
        if not self.natural or self.hand_sized:
            return
        room = self.view.viewport().width()
        budget = room * (1 - TITLE_SHARE) if self.title_column >= 0 else float("inf")
        wanted = dict(self.natural)
        if sum(wanted.values()) > budget:
            # The narrowest cap under which the other columns fit the budget: wide ones give way first.
            low, high = 36.0, float(max(wanted.values()))
            for _step in range(30):
                cap = (low + high) / 2
                if sum(min(w, cap) for w in wanted.values()) > budget:
                    high = cap
                else:
                    low = cap
            wanted = {c: min(w, int(low)) for c, w in wanted.items()}
        self._sizing = True
        try:
            for column, width in wanted.items():
                self.view.setColumnWidth(column, max(int(width), 36))
        finally:
            self._sizing = False

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._sizing and column != getattr(self, "title_column", -1) and self.view.isVisible():
            self.hand_sized = True  # the analyst's widths stay

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_columns()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt override
        if visible and self._stale:  # filled just before it shows, so that it shows sized as a list filled earlier
            self._fill()
        super().setVisible(visible)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:  # shown with its parent, which does not pass through setVisible
            self._fill()
        self._fit_columns()

    def _allowed(self) -> set[str] | None:
        if self.case is None or self.case.closed or self.table not in LISTINGS:
            return None
        allowed = passing_ids(self.case, self.table, self.selection.filter)
        if self.window_ids is not None:
            allowed = self.window_ids if allowed is None else allowed & self.window_ids
            chosen = self.selection.selection
            if chosen.table == self.table:  # what is selected stays in sight, in the window or not
                allowed = allowed | set(chosen.ids)
        return allowed

    def _apply_case_filter(self) -> None:
        if self._model is not None:
            self._model.set_allowed(self._allowed())
            self._show_selection(self.selection.selection)
        self._show_window_note()

    def _in_window(self) -> set[str] | None:
        if self.case is None or self.case.closed:
            return None
        window = self.selection.time_window
        return in_time_window(self.case, self.table, window.start, window.end)

    def _window_changed(self) -> None:
        self.window_ids = self._in_window()
        self._apply_case_filter()

    def _show_window_note(self) -> None:
        if self.window_ids is None or self._model is None or self.case is None:
            self.window_bar.hide()
            return
        window = self.selection.time_window
        shown = sum(1 for i in self._model.listing.ids if i in self.window_ids)
        self.window_note.setText(f"Time window {window_caption(self.case, window.start, window.end)}: "
                                 f"{shown} of {len(self._model.listing)} {self.table}")
        self.window_bar.show()

    def _whole_case(self) -> None:
        span = self.case.date_range() if self.case is not None and not self.case.closed else None
        self.selection.set_time_window(*(span or (None, None)), origin=None)

    def _filter_changed(self, text: str) -> None:
        if self._model is not None:
            self._model.set_filter(text)
            self._show_selection(self.selection.selection)

    def _view_selection_changed(self, *_: Any) -> None:
        if self._applying or self._model is None:
            return
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        ids = [self._model.record_id(row) for row in rows]
        if ids:
            self.selection.select(self.table, ids, origin=self)
        elif self.selection.selection.table == self.table:
            self.selection.clear(origin=self)

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        if (self.window_ids is not None and self._model is not None and selection.table == self.table
                and not set(selection.ids) <= (self._model.allowed or set())):
            self._model.set_allowed(self._allowed())  # a record selected elsewhere, out of the window
        if origin is not self:
            self._show_selection(selection)
        self._highlight_related(selection)

    def _show_selection(self, selection: Selection) -> None:
        if self._model is None:
            return
        self._applying = True
        try:
            chosen = self.view.selectionModel()
            if selection.table != self.table:
                chosen.clearSelection()
                return
            rows = self._model.rows_of(set(selection.ids))
            ranges = QItemSelection()
            for row in rows:
                ranges.select(self._model.index(row, 0), self._model.index(row, self._model.columnCount() - 1))
            chosen.select(ranges, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if rows:
                self.view.scrollTo(self._model.index(rows[0], 0))
        finally:
            self._applying = False

    def set_related(self, ids: set[str]) -> None:
        if self._model is not None:
            self._model.set_related(ids)

    def selected_ids(self) -> list[str]:
        if self.model is None:
            return []
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.record_id(row) for row in rows]
