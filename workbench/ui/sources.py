"""The Sources dock: every source and what rests on it, the evidence behind the selected claim,
the evidence health of the case, the imported report to read, and search across the case.

Thin views over workbench.core.evidence / document / queries. Every string from the case is shown
as plain text; edits go through undo commands; selections go through the shared SelectionModel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.casefile import Case, Changes
from workbench.core.confidence import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY
from workbench.core.evidence import (
    CLAIM_TABLES,
    HEALTH_CATEGORIES,
    NOUN,
    SOURCE_PANE_COLUMNS,
    EvidenceHealth,
    HealthItem,
    claim_evidence,
    claims_of_source,
    describe_grade,
    evidence_health,
    grade_passes,
    group_sources,
    impact_if_sources_fall,
    item_when,
    restrict,
    source_pane_listing,
)
from workbench.core.queries import Listing, SearchHit, related, search_case
from workbench.ui import commands
from workbench.ui.document_reader import DocumentReader, ask_to_open, copy_text, plain_label
from workbench.ui.listing import ListPane
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel
from workbench.ui.worker import Background

SOURCE_WIDTHS = (40, 300, 120, 40, 120, 80, 45, 50)
GROUPINGS = (("No grouping", ""), ("Group by domain", "domain"), ("Group by footnote", "footnote"))
GRADE_FILTERS = (("All grades", "all"), ("A-C: usable", "A-C"), ("D-F: weak", "D-F"),
                 ("E-F: unreliable or not judged", "E-F"), ("F: not judged", "F"))
SEARCH_DELAY_MS = 120
HIT_BRUSH = QBrush(QColor(255, 226, 110))
SOURCE_FIELDS = (("title", "Title"), ("publisher", "Publisher"), ("language", "Language"),
                 ("published", "Published"), ("accessed", "Accessed"))


def _elide(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[:length - 1] + "\u2026"


def _plain_tree(parent: QWidget, headers: list[str], name: str) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setObjectName(name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.header().setStretchLastSection(True)
    return tree


class RowsModel(QAbstractTableModel):
    """Plain-text rows with a payload each: lists of thousands of claims without a widget item per row."""

    def __init__(self, headers: tuple[str, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple[str, ...]] = []
        self.payloads: list[Any] = []
        self.alarming: set[int] = set()  # rows whose last column is drawn red

    def set_rows(self, rows: list[tuple[str, ...]], payloads: list[Any], alarming: set[int] | None = None) -> None:
        self.beginResetModel()
        self.rows, self.payloads, self.alarming = rows, payloads, alarming or set()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.ToolTipRole:  # case text: shown literally, never as rich text
            return tip(self.data(index, Qt.ItemDataRole.DisplayRole))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self.alarming \
                and index.column() == len(self.headers) - 1:
            return QBrush(QColor(170, 0, 0))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def _rows_view(parent: QWidget, model: QAbstractTableModel, name: str, widths: tuple[int, ...]) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 6)
    view.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    return view


# --- the source list ------------------------------------------------------------------------

class SourceList(ListPane):
    """The shared sortable, filterable source table, plus grade filter, grouping, and following the
    selection: with an event, relation or actor selected it lists only the sources behind it."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__("sources", selection, parent, SOURCE_WIDTHS)
        self.full: Listing | None = None
        self.keep: set[str] | None = None  # the sources of the followed claims; None: every source
        self.scope = Selection()
        self.grouping = QComboBox(self)
        self.grouping.setObjectName("sources_grouping")
        for text, value in GROUPINGS:
            self.grouping.addItem(text, value)
        self.grade = QComboBox(self)
        self.grade.setObjectName("sources_grade")
        for text, value in GRADE_FILTERS:
            self.grade.addItem(text, value)
        self.grade.setToolTip("Admiralty reliability: A completely reliable .. E unreliable, F cannot be judged")
        self.follow = QCheckBox("Follow selection", self)
        self.follow.setObjectName("sources_follow")
        self.follow.setChecked(True)
        self.follow.setToolTip("With an event, relation or actor selected, list only the sources behind it")
        self.scope_label = plain_label("", self)
        self.scope_label.setObjectName("sources_scope")
        self.show_all = QPushButton("Show all", self)
        self.show_all.setObjectName("sources_show_all")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("sources_groups")
        self.tree.setHeaderLabels([c.name for c in SOURCE_PANE_COLUMNS])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.hide()
        for column, width in enumerate(SOURCE_WIDTHS):
            self.tree.setColumnWidth(column, width + (40 if column == 0 else 0))

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.grouping)
        controls.addWidget(self.grade)
        controls.addWidget(self.follow)
        controls.addStretch(1)
        scope = QHBoxLayout()
        scope.setContentsMargins(2, 0, 0, 0)
        scope.addWidget(self.scope_label, 1)
        scope.addWidget(self.show_all)
        self.scope_bar = QWidget(self)
        self.scope_bar.setLayout(scope)
        self.scope_bar.setStyleSheet("QWidget { background: #fff4d6; }")
        layout: QVBoxLayout = self.layout()  # type: ignore[assignment]
        layout.insertLayout(1, controls)
        layout.insertWidget(2, self.scope_bar)
        layout.addWidget(self.tree)

        self.grouping.currentIndexChanged.connect(lambda _: self._fill_tree())
        self.grade.currentIndexChanged.connect(lambda _: self.refresh())
        self.follow.toggled.connect(lambda _: self._follow(self.selection.selection, None))
        self.show_all.clicked.connect(self.unfollow)
        self.filter.textChanged.connect(lambda _: self._fill_tree())
        self.tree.itemSelectionChanged.connect(self._tree_selection_changed)
        selection.selection_changed.connect(self._follow)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.full = source_pane_listing(case) if case is not None else None
        self.scope, self.keep = Selection(), None
        self._follow(self.selection.selection, None, refresh=False)
        self.refresh()

    def reload(self) -> None:
        """Re-read the sources after a change, keeping scope, filters and grouping."""
        self.full = source_pane_listing(self.case) if self.case is not None else None
        if self.scope and self.case is not None:
            self.keep = related(self.case, self.scope.table, self.scope.ids)["sources"]
        self.refresh()

    def refresh(self) -> None:
        if self.full is None:
            self.set_listing(None)
            self.tree.clear()
            self.scope_bar.hide()
            return
        keep = self.keep
        grade = self.grade.currentData()
        if grade != "all":
            passing = {i for i, row in zip(self.full.ids, self.full.rows, strict=True) if grade_passes(row[6], grade)}
            keep = passing if keep is None else keep & passing
        self.set_listing(self.full if keep is None else restrict(self.full, keep), self.widths)
        self._highlight_related(self.selection.selection)
        self._fill_tree()
        self._show_scope()

    # following the selection
    def _follow(self, selection: Selection, origin: object, refresh: bool = True) -> None:
        if self.case is None:
            return
        before = (self.scope, self.keep)
        if selection.table in CLAIM_TABLES:
            if self.follow.isChecked():
                self.scope = selection
                self.keep = related(self.case, selection.table, selection.ids)["sources"]
            else:
                self.scope, self.keep = Selection(), None
        elif selection.table == "sources":
            if self.keep is not None and not set(selection.ids) <= self.keep:
                self.scope, self.keep = Selection(), None  # a source from elsewhere (search, reader) must show
        else:
            self.scope, self.keep = Selection(), None
        if refresh and (self.scope, self.keep) != before:
            self.refresh()
        elif refresh:
            self._show_scope()

    def unfollow(self) -> None:
        self.scope, self.keep = Selection(), None
        self.refresh()

    def _show_scope(self) -> None:
        if not self.scope or self.case is None:
            self.scope_bar.hide()
            return
        noun = NOUN.get(self.scope.table, "record")
        n = len(self.keep or ())
        count = f"{n} source{'s' if n != 1 else ''}"
        if len(self.scope.ids) == 1:
            evidence = claim_evidence(self.case, self.scope.table, self.scope.ids[0])
            title = _elide(evidence.title, 70) if evidence else "?"
            line = evidence.line if evidence else ""
            text = f"Sources of the selected {noun} \u201c{title}\u201d: {line}" if n else \
                f"The selected {noun} \u201c{title}\u201d has no source: it is uncited."
        else:
            text = f"Sources of the {len(self.scope.ids)} selected {noun}s: {count}"
        self.scope_label.setText(text)
        self.scope_bar.show()

    # grouping
    def _fill_tree(self) -> None:
        by = self.grouping.currentData()
        if not by or self.model is None:
            self.tree.hide()
            self.view.show()
            self._show_selection(self.selection.selection)
            return
        self.view.hide()
        self.tree.show()
        self._applying = True
        try:
            self.tree.clear()
            listing = self.model.listing
            shown = restrict(listing, {listing.ids[i] for i in self.model.visible})
            bold = QFont(self.tree.font())
            bold.setBold(True)
            chosen = set(self.selection.selection.ids) if self.selection.selection.table == "sources" else set()
            groups = []
            for title, rows in group_sources(shown, by):
                group = QTreeWidgetItem([f"{title} ({len(rows)})"])
                group.setFont(0, bold)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                for row in rows:
                    item = QTreeWidgetItem(group, list(shown.rows[row]))
                    item.setData(0, Qt.ItemDataRole.UserRole, shown.ids[row])
                    item.setToolTip(1, tip(shown.rows[row][1]))
                groups.append(group)
            self.tree.addTopLevelItems(groups)
            for group in groups:
                group.setFirstColumnSpanned(True)
                group.setExpanded(True)
                for n in range(group.childCount()):
                    if group.child(n).data(0, Qt.ItemDataRole.UserRole) in chosen:
                        group.child(n).setSelected(True)
        finally:
            self._applying = False

    def _tree_selection_changed(self) -> None:
        if self._applying:
            return
        ids = [item.data(0, Qt.ItemDataRole.UserRole) for item in self.tree.selectedItems()]
        ids = [i for i in dict.fromkeys(ids) if i]
        if ids:
            self.selection.select("sources", ids, origin=self)

    def _show_selection(self, selection: Selection) -> None:
        super()._show_selection(selection)
        if self.tree.isVisible() or (self.grouping.currentData() and self.model is not None):
            self._applying = True
            try:
                chosen = set(selection.ids) if selection.table == "sources" else set()
                for g in range(self.tree.topLevelItemCount()):
                    group = self.tree.topLevelItem(g)
                    for n in range(group.childCount()):
                        item = group.child(n)
                        item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) in chosen)
            finally:
                self._applying = False

    def grouped_rows(self) -> list[tuple[str, list[str]]]:
        """What the grouped view shows: (group heading, source ids); for tests."""
        found = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            found.append((group.text(0), [group.child(n).data(0, Qt.ItemDataRole.UserRole)
                                          for n in range(group.childCount())]))
        return found


# --- one source -----------------------------------------------------------------------------

class SourceDetail(QWidget):
    """The selected source: its URL (copy, open after asking), its metadata (edited through undo
    commands), the claims it supports with quote and credibility, what falls with it, its archived text."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.source_ids: tuple[str, ...] = ()
        self.heading = plain_label("", self)
        self.heading.setObjectName("source_heading")
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.url = QLineEdit(self)
        self.url.setObjectName("source_url")
        self.url.setReadOnly(True)
        self.copy_url = QPushButton("Copy URL", self)
        self.copy_url.setObjectName("source_copy_url")
        self.copy_url.clicked.connect(lambda: copy_text(self.url.text()))
        self.open_url = QPushButton("Open in browser\u2026", self)
        self.open_url.setObjectName("source_open_url")
        self.open_url.setToolTip("Asks first: opening a link leaves the offline environment")
        self.open_url.clicked.connect(lambda: ask_to_open(self, self.url.text()))

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("source_tabs")
        self.tabs.setDocumentMode(True)
        self.claims_model = RowsModel(("Claim", "Fn", "Credibility", "Quoted passage"), self)
        self.claims = _rows_view(self, self.claims_model, "source_claims", (260, 30, 70))
        self.claims.clicked.connect(lambda index: self._claim_clicked(self.claims_model, index))
        self.impact_label = plain_label("", self)
        self.impact_label.setObjectName("source_impact_summary")
        self.impact_model = RowsModel(("Claim", "What is left"), self)
        self.impact = _rows_view(self, self.impact_model, "source_impact", (380,))
        self.impact.clicked.connect(lambda index: self._claim_clicked(self.impact_model, index))
        impact_page = QWidget(self)
        impact_layout = QVBoxLayout(impact_page)
        impact_layout.setContentsMargins(2, 2, 2, 2)
        impact_layout.addWidget(self.impact_label)
        impact_layout.addWidget(self.impact)

        form_page = QWidget(self)
        form = QFormLayout(form_page)
        form.setContentsMargins(4, 4, 4, 4)
        self.fields: dict[str, QLineEdit] = {}
        for column, label in SOURCE_FIELDS:
            edit = QLineEdit(form_page)
            edit.setObjectName(f"source_{column}")
            edit.editingFinished.connect(lambda c=column: self._field_edited(c))
            self.fields[column] = edit
            form.addRow(label, edit)
        self.reliability = QComboBox(form_page)
        self.reliability.setObjectName("source_reliability")
        for letter, text in RELIABILITY.items():
            self.reliability.addItem(text, letter)
        self.reliability.activated.connect(self._reliability_chosen)
        form.addRow("Reliability", self.reliability)
        self.archived = QPlainTextEdit(self)
        self.archived.setObjectName("source_archived_text")
        self.archived.setReadOnly(True)
        self.archived.setPlaceholderText("No archived text is stored for this source. The workbench never fetches "
                                         "pages; paste the text into the case to keep it.")
        self.tabs.addTab(self.claims, "Claims")
        self.tabs.addTab(impact_page, "If it falls")
        self.tabs.addTab(form_page, "Metadata")
        self.tabs.addTab(self.archived, "Archived text")

        url_row = QHBoxLayout()
        url_row.setContentsMargins(0, 0, 0, 0)
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_url)
        url_row.addWidget(self.open_url)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addLayout(url_row)
        layout.addWidget(self.tabs, 1)
        self.show_sources(())

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.show_sources(self.source_ids)

    def show_sources(self, source_ids: tuple[str, ...]) -> None:
        case = self.case
        row = case.get("sources", source_ids[0]) if case is not None and source_ids else None
        self.source_ids = source_ids if row is not None else ()
        enabled = row is not None
        for widget in (self.url, self.copy_url, self.open_url, self.tabs):
            widget.setEnabled(enabled)
        if row is None:
            self.claims_model.set_rows([], [])
            self.impact_model.set_rows([], [])
            self.heading.setText("Select a source to see the claims it supports and what would fall with it.")
            self.url.clear()
            self.archived.clear()
            self.impact_label.clear()
            self.tabs.setTabText(0, "Claims")
            for edit in self.fields.values():
                edit.clear()
            return
        several = f"{len(source_ids)} sources selected; showing the first. " if len(source_ids) > 1 else ""
        self.heading.setText(several + (row["title"] or row["url"] or "untitled source"))
        self.heading.setToolTip(tip(row["title"]))
        self.url.setText(row["url"])
        self.url.setCursorPosition(0)
        self.open_url.setEnabled(bool(row["url"]))
        read_only = case.read_only
        for column, edit in self.fields.items():
            if not (edit.hasFocus() and edit.isModified()):
                edit.setText(row[column] or "")
                edit.setCursorPosition(0)
            edit.setReadOnly(read_only)
        self.reliability.setCurrentIndex(max(0, self.reliability.findData(row["reliability"])))
        self.reliability.setEnabled(not read_only)
        self.archived.setPlainText(row["archived_text"])
        supported = claims_of_source(case, row["id"])
        self.tabs.setTabText(0, f"Claims ({len(supported)})")
        self.claims_model.set_rows(
            [(f"{NOUN[c.table]}: {c.title}", c.footnote, CREDIBILITY.get(c.credibility, str(c.credibility)), c.quote)
             for c in supported],
            [(c.table, c.record_id) for c in supported])
        impact = impact_if_sources_fall(case, self.source_ids)
        self.impact_label.setText(("These sources: " if len(self.source_ids) > 1 else "") + impact.summary)
        fallen = impact.orphaned + impact.left_single
        self.impact_model.set_rows([(f"{NOUN[i.table]}: {i.title}", i.detail) for i in fallen],
                                   [(i.table, i.record_id) for i in fallen], set(range(len(impact.orphaned))))

    def _claim_clicked(self, model: RowsModel, index: QModelIndex) -> None:
        if index.isValid():
            table, record_id = model.payloads[index.row()]
            self.selection.select(table, [record_id], origin=self)

    def _field_edited(self, column: str) -> None:
        edit = self.fields[column]
        if self.case is None or not self.source_ids or self.case.read_only:
            return
        row = self.case.get("sources", self.source_ids[0])
        value = edit.text().strip()
        if column in ("published", "accessed"):
            value = value or None  # type: ignore[assignment]
        if row is None or (row[column] or "") == (value or ""):
            return
        edit.setModified(False)
        commands.push(self.selection.undo_stack, commands.update_record(
            self.case, "sources", self.source_ids[0], {column: value}, text=f"Edit source {column}"))

    def _reliability_chosen(self, _index: int) -> None:
        if self.case is None or not self.source_ids:
            return
        letter = self.reliability.currentData()
        row = self.case.get("sources", self.source_ids[0])
        if row is not None and row["reliability"] != letter:
            commands.push(self.selection.undo_stack, commands.update_record(
                self.case, "sources", self.source_ids[0], {"reliability": letter},
                text=f"Grade source {letter}"))


# --- the selected claim ---------------------------------------------------------------------

class ClaimView(QWidget):
    """The evidence behind the selected event, relation or actor: each citation with its source,
    grade and quote, and one derived confidence line. Clicking a citation selects its source."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.claim: tuple[str, str] | None = None
        self._applying = False
        self.heading = plain_label("", self)
        self.heading.setObjectName("claim_heading")
        self.line = plain_label("", self)
        self.line.setObjectName("claim_line")
        font = QFont(self.line.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.line.setFont(font)
        self.stated = plain_label("", self)
        self.stated.setObjectName("claim_stated")
        self.stated.setStyleSheet("QLabel { color: #555; }")
        self.citations = _plain_tree(self, ["Fn", "Source", "Domain", "Grade", "Quoted passage"], "claim_citations")
        self.citations.setWordWrap(True)
        self.citations.setUniformRowHeights(False)
        self.citations.itemSelectionChanged.connect(self._citation_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.heading)
        layout.addWidget(self.line)
        layout.addWidget(self.stated)
        layout.addWidget(self.citations, 1)
        selection.selection_changed.connect(self._selection_changed)
        self.show_claim()

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.claim = None
        self._selection_changed(self.selection.selection, None)

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        if selection.table in CLAIM_TABLES:
            self.claim = (selection.table, selection.ids[0])
            self.show_claim()
        elif selection.table == "sources":
            self._mark_sources(set(selection.ids))
        elif not selection:
            self.claim = None
            self.show_claim()

    def show_claim(self) -> None:
        self._applying = True
        try:
            self.citations.clear()
            evidence = claim_evidence(self.case, *self.claim) if self.case is not None and self.claim else None
            if evidence is None:
                self.claim = None
                self.heading.setText("Select an event, relation or actor to see what supports it."
                                     if self.case is not None else "No case is open.")
                self.line.clear()
                self.stated.clear()
                return
            several = len(self.selection.selection.ids) > 1 and self.selection.selection.table == evidence.table
            self.heading.setText(("First of the selected: " if several else "")
                                 + f"{NOUN[evidence.table].capitalize()}: {evidence.title}")
            self.line.setText(evidence.line)
            colour = "#a00000" if evidence.line.startswith(("uncited", "single source, unverified")) or \
                "all unverified" in evidence.line else "#1b5e20"
            self.line.setStyleSheet(f"QLabel {{ color: {colour}; }}")
            self.stated.setText(f"The report words it as: {evidence.stated} ({CONFIDENCE_LEVELS[evidence.stated]})"
                                if evidence.stated in CONFIDENCE_LEVELS else "")
            for citation in evidence.citations:
                item = QTreeWidgetItem([citation.footnote, citation.shown, citation.domain, citation.grade,
                                        citation.quote or "(no passage quoted)"])
                item.setData(0, Qt.ItemDataRole.UserRole, citation.source_id)
                item.setToolTip(1, tip(f"{citation.shown}\n{citation.url}"))
                item.setToolTip(3, describe_grade(citation.reliability, citation.credibility))
                item.setToolTip(4, tip(citation.quote))
                if citation.reliability in ("E", "F"):
                    item.setForeground(3, QBrush(QColor(170, 0, 0)))
                self.citations.addTopLevelItem(item)
            for column, width in enumerate((30, 220, 100, 45)):
                self.citations.setColumnWidth(column, width)
        finally:
            self._applying = False
        if self.selection.selection.table == "sources":
            self._mark_sources(set(self.selection.selection.ids))

    def _mark_sources(self, source_ids: set[str]) -> None:
        self._applying = True
        try:
            for n in range(self.citations.topLevelItemCount()):
                item = self.citations.topLevelItem(n)
                item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) in source_ids)
        finally:
            self._applying = False

    def _citation_chosen(self) -> None:
        if self._applying:
            return
        ids = [item.data(0, Qt.ItemDataRole.UserRole) for item in self.citations.selectedItems()]
        if ids:
            self.selection.select("sources", ids, origin=self)

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.citations.topLevelItem(n).text(c) for c in range(5))
                for n in range(self.citations.topLevelItemCount())]


# --- evidence health ------------------------------------------------------------------------

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
        self.background = Background(self)
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
            self.background.cancel()
            self._health_ready(None)
            return
        # ~1.5 s on 100k events and 175k citations: a large case is examined on a reader thread
        # while the panel says so; a small one at once.
        counts = case.counts()
        if counts["events"] + counts["relations"] + counts["actors"] <= self.BACKGROUND_ABOVE:
            self.background.cancel()
            self._health_ready(evidence_health(case, floor))
            return
        self.description.setText("Examining the evidence of the whole case…")
        self.category.setEnabled(False)
        self.background.run(case, lambda reader: evidence_health(reader, floor), self._health_ready,
                            self._health_failed)

    def _health_failed(self, message: str) -> None:
        self.category.setEnabled(True)
        self.description.setText(f"The evidence health could not be worked out: {message}")

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
            self.description.setText(impact.summary)
            self.model.set_items(impact.orphaned + impact.left_single, zone)
            return
        description = next(text for key, _, text in HEALTH_CATEGORIES if key == name)
        floor = self.selection.filter.reliability_floor
        if floor != "F":
            description += f" (only sources graded {floor} or better count as support)"
        self.description.setText(description.capitalize())
        self.model.set_items(getattr(self.health, name), zone)

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


# --- search ---------------------------------------------------------------------------------

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
        self.hits = search_case(self.case, text) if self.case is not None and text.strip() else {}
        total = sum(len(v) for v in self.hits.values())
        if not text.strip():
            self.summary.setText("Type to search; words match at their start, in any case, Latin or Cyrillic.")
            return
        self.summary.setText(f"{total} match{'es' if total != 1 else ''}" if total else "Nothing matches.")
        bold = QFont(self.results.font())
        bold.setBold(True)
        for table, hits in self.hits.items():
            if not hits:
                continue
            group = QTreeWidgetItem([f"{self.GROUP_TITLES[table]} ({len(hits)})"])
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


# --- the dock -------------------------------------------------------------------------------

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
