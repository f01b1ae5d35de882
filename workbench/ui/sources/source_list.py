"""The Sources tab's list: every source, sortable and filterable, by grade and group, following the selection."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.evidence import (
    CLAIM_TABLES,
    NOUN,
    SOURCE_PANE_COLUMNS,
    claim_evidence,
    grade_passes,
    group_sources,
    restrict,
    source_pane_listing,
)
from workbench.core.queries import Listing, related
from workbench.core.store import Case
from workbench.ui.listing import ListPane
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel
from workbench.ui.sources.plain import plain_label

SOURCE_WIDTHS = (40, 300, 120, 40, 120, 80, 45, 50)
GROUPINGS = (("No grouping", ""), ("Group by domain", "domain"), ("Group by footnote", "footnote"))
GRADE_FILTERS = (("All grades", "all"), ("A-C: usable", "A-C"), ("D-F: weak", "D-F"),
                 ("E-F: unreliable or not judged", "E-F"), ("F: not judged", "F"))


def _elide(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[:length - 1] + "\u2026"


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
