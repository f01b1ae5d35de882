"""File > Export and File > Merge Case: the dialogs, and the work run off the UI thread with progress and Cancel.

All of it runs through `ui.tasks`. An export reads the case through its own read-only connection on
a worker thread and writes its file under a temporary name, so Cancel (or a failure) leaves no
partial file. A merge plans on a worker thread (reading both files), shows the analyst what it would
add and every conflict to settle as theirs or mine, then writes on a writer connection on a worker
thread as one undo step, which the views hear of once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.exporters import FORMATS, export, plain_output_note
from workbench.core.exporters.case_copy import CopyOptions
from workbench.core.merge import MINE, THEIRS, MergePlan, apply_merge, plan_merge
from workbench.core.progress import Progress
from workbench.core.store import CASE_SUFFIX, Case, cipher, open_case
from workbench.core.times import case_zone, utc_to_local
from workbench.ui.plaintext import tip, warn
from workbench.ui.selection import SelectionModel
from workbench.ui.tasks import Outcome, runner, write_modal

Index = QModelIndex | QPersistentModelIndex


# --- export ----------------------------------------------------------------------------------------


def export_in_background(parent: QWidget | None, case: Case, fmt: str, out: Path,
                         options: CopyOptions | None = None) -> Outcome:
    """Export on a worker thread through a reader of its own, behind a progress dialog with Cancel."""
    def work(snapshot: Case, progress: Progress) -> str:
        return export(snapshot, fmt, out, options=options, progress=progress)

    return runner().run_modal(parent, f"Exporting {case.title} as {FORMATS[fmt].label}…", work, reader_of=case)


class ExportDialog(QDialog):
    """Format, destination and, for a case copy, the subset and redaction."""

    def __init__(self, case: Case, selection: SelectionModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle("Export")
        self.case = case
        self._edited_destination = False
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.combo_format = QComboBox(self)
        self.combo_format.setObjectName("combo_format")
        for name, spec in FORMATS.items():
            self.combo_format.addItem(spec.label, name)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        form.addRow("Format:", self.combo_format)
        form.addRow("", self.description)
        row = QHBoxLayout()
        self.destination = QLineEdit(self)
        self.destination.setObjectName("destination")
        self.destination.textEdited.connect(lambda _text: setattr(self, "_edited_destination", True))
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._choose)
        row.addWidget(self.destination, 1)
        row.addWidget(browse)
        form.addRow("Save to:", row)
        layout.addLayout(form)
        # An encrypted case exported to a plain format: said once, here, before anything is written.
        self.plain_note = QLabel(self)
        self.plain_note.setObjectName("plain_note")
        self.plain_note.setTextFormat(Qt.TextFormat.PlainText)
        self.plain_note.setWordWrap(True)
        self.plain_note.setStyleSheet("QLabel { color: #8a4b00; font-weight: bold; }")
        layout.addWidget(self.plain_note)

        self.copy_box = QGroupBox("Case copy: what goes in", self)
        copy_layout = QVBoxLayout(self.copy_box)
        window = selection.time_window if selection else None
        self.window = (window.start, window.end) if window and (window.start or window.end) else (None, None)
        self.check_window = QCheckBox(f"Only events in the time window ({self._describe_window()})", self)
        self.check_window.setObjectName("check_window")
        self.check_window.setEnabled(self.window != (None, None) and self.window != tuple(case.date_range() or ()))
        chosen = selection.selection if selection else None
        self.actor_ids = tuple(chosen.ids) if chosen and chosen.table == "actors" else ()
        self.check_actors = QCheckBox(
            f"Only the {len(self.actor_ids)} selected actors and everything tied to them", self)
        self.check_actors.setObjectName("check_actors")
        self.check_actors.setEnabled(bool(self.actor_ids))
        self.combo_view = QComboBox(self)
        self.combo_view.setObjectName("combo_view")
        self.combo_view.addItem("Not limited to a saved view", None)
        for view in case.rows("views", order_by="position, id"):
            self.combo_view.addItem(f"Only what the view “{view['title'] or 'untitled'}” shows", view["id"])
        self.combo_view.setEnabled(self.combo_view.count() > 1)
        self.check_notes = QCheckBox("Leave out notes", self)
        self.check_notes.setObjectName("check_notes")
        self.check_archived = QCheckBox("Leave out the archived texts of sources", self)
        self.check_archived.setObjectName("check_archived")
        self.check_documents = QCheckBox("Leave out imported documents (report texts)", self)
        self.check_documents.setObjectName("check_documents")
        self.check_audit = QCheckBox("Leave out the audit trail", self)
        self.check_audit.setObjectName("check_audit")
        analyst_row = QHBoxLayout()
        self.check_analyst = QCheckBox("Replace analysts' names with", self)
        self.check_analyst.setObjectName("check_analyst")
        self.analyst = QLineEdit("Analyst", self)
        self.analyst.setObjectName("analyst")
        analyst_row.addWidget(self.check_analyst)
        analyst_row.addWidget(self.analyst, 1)
        for widget in (self.check_window, self.check_actors, self.combo_view):
            copy_layout.addWidget(widget)
        copy_layout.addWidget(QLabel("Redaction (the copy holds none of what is left out, in any byte):", self))
        for widget in (self.check_notes, self.check_archived, self.check_documents, self.check_audit):
            copy_layout.addWidget(widget)
        copy_layout.addLayout(analyst_row)
        layout.addWidget(self.copy_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.combo_format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()

    def _describe_window(self) -> str:
        zone = case_zone(self.case.meta("timezone"))
        ends = [f"{utc_to_local(t, zone):%d %b %Y}" if t else "open" for t in self.window]
        return " to ".join(ends)

    @property
    def fmt(self) -> str:
        return str(self.combo_format.currentData())

    def set_format(self, fmt: str) -> None:
        self.combo_format.setCurrentIndex(self.combo_format.findData(fmt))

    def _format_changed(self) -> None:
        spec = FORMATS[self.fmt]
        self.description.setText(spec.description[0].upper() + spec.description[1:] + ".")
        self.copy_box.setVisible(self.fmt == "case")
        note = plain_output_note(self.case.encrypted, self.fmt)
        self.plain_note.setText(note or "")
        self.plain_note.setVisible(note is not None)
        if not self._edited_destination:
            stem = self.case.path.stem + (" copy" if self.fmt == "case" else "")
            extra = {"stix": ".stix", "timelinejs": ".timeline"}.get(self.fmt, "")
            self.destination.setText(str(self.case.path.with_name(stem + extra + spec.suffix)))
        self.adjustSize()

    def _choose(self) -> None:
        spec = FORMATS[self.fmt]
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.destination.text(),
                                              f"{spec.label} (*{spec.suffix});;All files (*)")
        if name:
            self.destination.setText(name)
            self._edited_destination = True

    @property
    def out(self) -> Path:
        return Path(self.destination.text().strip())

    def options(self) -> CopyOptions | None:
        if self.fmt != "case":
            return None
        start, end = self.window if self.check_window.isChecked() else (None, None)
        return CopyOptions(
            start=start, end=end, actor_ids=self.actor_ids if self.check_actors.isChecked() else (),
            view_id=self.combo_view.currentData(),
            drop_notes=self.check_notes.isChecked(), drop_archived_texts=self.check_archived.isChecked(),
            drop_documents=self.check_documents.isChecked(), drop_audit=self.check_audit.isChecked(),
            replace_analyst=(self.analyst.text().strip() or "Analyst") if self.check_analyst.isChecked() else None,
        )


def export_case(window: Any) -> str | None:
    """File > Export…: ask, export in the background, say how it went; the summary when written."""
    case: Case | None = window.case
    if case is None:
        return None
    dialog = ExportDialog(case, window.selection, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return finish_export(window, case, dialog.fmt, dialog.out, dialog.options())


def finish_export(window: Any, case: Case, fmt: str, out: Path, options: CopyOptions | None) -> str | None:
    if not out.name:
        warn(window, "Export", "Name a file to export to.")
        return None
    if out.exists() and not ask(window, "Export", f"{out.name} exists. Replace it?"):
        return None
    outcome = export_in_background(window, case, fmt, out, options)
    if outcome.cancelled:
        window.statusBar().showMessage("Export cancelled; no file was written.", 10_000)
        return None
    if outcome.error:
        warn(window, "Cannot export", outcome.error)
        return None
    window.statusBar().showMessage(str(outcome.result), 15_000)
    return str(outcome.result)


def ask(parent: QWidget, title: str, question: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box.exec() == QMessageBox.StandardButton.Yes


# --- merge -----------------------------------------------------------------------------------------


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:89] + "…"


class CheckedRowsModel(QAbstractTableModel):
    """Rows of a merge plan with a check box in the first column; `checked` holds the ticked rows."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, rows: list[Any], checked: set[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = rows
        self.checked = checked

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return Qt.CheckState.Checked if index.row() in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:  # case text: shown literally, never as rich text
            return tip(self.data(index, Qt.ItemDataRole.DisplayRole))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.text(index.row(), index.column())

    def text(self, row: int, column: int) -> str:
        raise NotImplementedError

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        self.set_checked(index.row(), Qt.CheckState(value) == Qt.CheckState.Checked)
        return True

    def set_checked(self, row: int, checked: bool) -> None:
        (self.checked.add if checked else self.checked.discard)(row)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))


class ConflictModel(CheckedRowsModel):
    """Conflicts of a merge plan; the first column's check box means "take theirs"."""

    HEADERS = ("Take theirs", "Record", "Differs in", "Here (mine)", "Theirs", "Newer")

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(plan.conflicts, set(), parent)
        self.plan = plan

    def text(self, row: int, column: int) -> str:
        conflict = self.plan.conflicts[row]
        noun = conflict.table[:-1] if conflict.table.endswith("s") else conflict.table
        if column == 0:
            return "theirs" if row in self.checked else "mine"
        if column == 1:
            return f"{noun}: {conflict.label}"
        if column == 2:
            if conflict.theirs is None:
                return "deleted in theirs"
            return "deleted here" if conflict.mine is None else ", ".join(conflict.fields)
        fields = conflict.fields or ("(whole record)",)
        if column == 3:
            if conflict.mine is None:
                return "(deleted)"
            return "; ".join(_short(conflict.mine.get(f)) for f in fields)
        if column == 4:
            if conflict.theirs is None:
                return "(deleted)"
            return "; ".join(_short(conflict.theirs.get(f)) for f in fields) if conflict.fields else "(still there)"
        return {THEIRS: "theirs", MINE: "mine"}.get(conflict.newer, "")

    def choose(self, rule: str) -> None:
        for row, conflict in enumerate(self.plan.conflicts):
            self.set_checked(row, rule == THEIRS or (rule == "newer" and conflict.newer == THEIRS))

    def take_theirs(self) -> list[tuple[str, str]]:
        return [self.plan.conflicts[row].choice_key for row in sorted(self.checked)]


class DuplicateModel(CheckedRowsModel):
    """Actors new from theirs that look like ours; checked ones are merged into ours."""

    HEADERS = ("Merge", "Their actor", "Looks like our")

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(plan.duplicates, set(range(len(plan.duplicates))), parent)
        self.plan = plan

    def text(self, row: int, column: int) -> str:
        duplicate = self.plan.duplicates[row]
        return ("merge" if row in self.checked else "keep apart", duplicate.theirs_name, duplicate.mine_name)[column]

    def pairs(self) -> list[tuple[str, str]]:
        return [(self.plan.duplicates[r].mine_id, self.plan.duplicates[r].theirs_id) for r in sorted(self.checked)]


def _table(model: QAbstractTableModel, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setWordWrap(False)
    return view


class MergeDialog(QDialog):
    """What a merge would do, and the analyst's choice per conflict and per look-alike actor."""

    def __init__(self, plan: MergePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setWindowTitle(f"Merge {plan.other_path.name}" + (" (git)" if plan.summary else ""))
        self.resize(980, 560)
        self.plan = plan
        layout = QVBoxLayout(self)
        summary = QLabel(plan.summary or (
            f"“{plan.other_title}” ({plan.other_path.name}) brings {plan.added_count} new records "
            f"({plan.describe_added()}); {plan.identical_count} are identical and are skipped; "
            f"{len(plan.conflicts)} differ from this case's version."), self)
        summary.setObjectName("merge_summary")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(summary)
        if plan.marking_differs:
            warning = QLabel(f"Its classification is “{plan.other_classification}”, this case's "
                             f"“{plan.mine_classification}”: this case's marking stays as it is.", self)
            warning.setObjectName("marking_warning")
            warning.setWordWrap(True)
            warning.setTextFormat(Qt.TextFormat.PlainText)
            warning.setStyleSheet("QLabel { background: #ffd54f; color: black; padding: 4px; }")
            layout.addWidget(warning)
        self.conflicts = ConflictModel(plan, self)
        self.duplicates = DuplicateModel(plan, self)
        if plan.conflicts:
            layout.addWidget(QLabel("Conflicts: tick “Take theirs” for each record whose version from the other "
                                    "case should win; unticked ones stay as they are here.", self))
            table = _table(self.conflicts, "conflict_table", self)
            header = table.horizontalHeader()
            # Record, mine and theirs share the width; long values are elided and shown whole as tooltips.
            for column in (1, 3, 4):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            header.setStretchLastSection(False)
            layout.addWidget(table, 2)
            row = QHBoxLayout()
            for text, rule in (("All mine", MINE), ("All theirs", THEIRS), ("Newer wins", "newer")):
                button = QPushButton(text, self)
                button.setObjectName(f"choose_{rule}")
                button.clicked.connect(lambda _checked=False, r=rule: self.conflicts.choose(r))
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        if plan.duplicates:
            layout.addWidget(QLabel("Actors that look like ones already here: ticked ones are merged into "
                                    "ours (their name becomes an alias).", self))
            layout.addWidget(_table(self.duplicates, "duplicate_table", self), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def plan_in_background(parent: QWidget | None, case: Case, other: Path) -> Outcome:
    def work(mine: Case, progress: Progress) -> MergePlan:
        with open_case(other, read_only=True) as theirs:
            return plan_merge(mine, theirs, progress=progress)

    return runner().run_modal(parent, f"Comparing {other.name} with this case…", work, reader_of=case)


def merge_case(window: Any) -> bool:
    """File > Merge Case…: choose a colleague's case file and merge it."""
    case: Case | None = window.case
    if case is None or case.read_only:
        return False
    name, _ = QFileDialog.getOpenFileName(window, "Merge a case into this one", str(case.path.parent),
                                          f"Case files (*{CASE_SUFFIX});;All files (*)")
    return merge_from(window, Path(name), dialog=MergeDialog) if name else False


def merge_from(window: Any, other: Path, dialog: Callable[[MergePlan, QWidget], MergeDialog] = MergeDialog,
               decide: Callable[[MergeDialog], bool] | None = None) -> bool:
    """Plan the merge off the UI thread, let the analyst choose, then merge as one undo step.

    `decide` stands in for the analyst in tests (it gets the dialog and says whether to go on).
    """
    case: Case | None = window.case
    if case is None or case.read_only:
        return False
    if cipher.looks_encrypted(other) and cipher.password_for(other) is None:
        from workbench.ui.encryption import ask_to_unlock

        if not ask_to_unlock(window, other):
            return False
    outcome = plan_in_background(window, case, other)
    if outcome.cancelled:
        window.statusBar().showMessage("Merge cancelled; this case is unchanged.", 10_000)
        return False
    if outcome.error:
        warn(window, "Cannot merge", outcome.error)
        return False
    plan: MergePlan = outcome.result
    if plan.is_empty:
        window.statusBar().showMessage(
            f"Nothing to merge: every record of {other.name} is already here ({plan.identical_count} identical).",
            15_000)
        return False
    return settle_plan(window, plan, other.name, dialog, decide)


def settle_plan(window: Any, plan: MergePlan, name: str,
                dialog: Callable[[MergePlan, QWidget], MergeDialog] = MergeDialog,
                decide: Callable[[MergeDialog], bool] | None = None) -> bool:
    """Show a merge plan in the merge dialog and write the analyst's choices as one undo step: a colleague's case
    (File > Merge Case) or the conflicts a git merge left in a case directory (ui.team). True when merged."""
    case: Case = window.case
    chooser = dialog(plan, window)
    accepted = decide(chooser) if decide is not None else chooser.exec() == QDialog.DialogCode.Accepted
    if not accepted:
        return False
    take_theirs, pairs = chooser.conflicts.take_theirs(), chooser.duplicates.pairs()
    written = write_modal(window, window.undo_stack, case, f"Merge {name}", f"Merging {name}…",
                          lambda writer, progress: apply_merge(writer, plan, take_theirs=take_theirs,
                                                               merge_duplicates=pairs, progress=progress))
    if written.cancelled:
        window.statusBar().showMessage("Merge cancelled; this case is unchanged.", 10_000)
        return False
    if written.error:
        warn(window, "Cannot merge", written.error)
        return False
    counts = written.result or {}
    window.statusBar().showMessage(
        f"Merged {name}: {counts.get('added', 0)} added, {counts.get('theirs', 0)} conflicts settled theirs, "
        f"{counts.get('mine', 0)} mine, {counts.get('merged_actors', 0)} actors merged. Ctrl+Z undoes it.", 15_000)
    return True
