"""The column-mapping step of an event-table import (ACLED, ICEWS, GDELT, a spreadsheet): which column is what.

File > Import… opens it for a .tsv or .xlsx, or a .csv that is not one of our CSV templates. The format
recognised from the header fills the choices in; the analyst sees the first rows and may change any of
them. The import itself (core.importers.event_table) runs on the one task runner with progress and
Cancel (which leaves the case unchanged); the refused rows are then listed with their line numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.importers.event_table import (
    FIELDS,
    PRESET_TITLES,
    REQUIRED,
    EventTableResult,
    Mapping,
    TableHead,
    detect,
    generic_mapping,
    import_event_table,
    read_head,
)
from workbench.core.importers.proposals import describe_counts
from workbench.core.progress import Progress
from workbench.core.store import Case, replayable
from workbench.ui.commands import Operation, push
from workbench.ui.plaintext import inform, warn
from workbench.ui.tasks import runner

NONE = "(not in this file)"
MAX_LISTED = 10_000  # refused rows listed in the details (the count says how many in all)


class MappingDialog(QDialog):
    """The first rows of the table and one choice of column per field; `mapping()` is what was chosen."""

    def __init__(self, path: Path, head: TableHead, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import events from {path.name}")
        self.head = head
        found = detect(head.header)
        self.preset = found.preset if found else "generic"
        chosen = (found or generic_mapping(head.header)).columns
        layout = QVBoxLayout(self)
        said = (f"Recognised as {PRESET_TITLES[self.preset]}." if found else
                "Not a format we recognise: say which column is what.")
        self.intro = QLabel(f"{said} Each row becomes an event tied to its actors; repeated ties of one type "
                            "become one relation with their count. This import is not undone by Undo: keep a "
                            "copy of the case if you may want it back.")
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = QTableWidget(len(head.sample), len(head.header), self)
        self.table.setHorizontalHeaderLabels(head.header)
        for row, values in enumerate(head.sample):
            for column, value in enumerate(values[:len(head.header)]):
                self.table.setItem(row, column, QTableWidgetItem(value))  # an item's text is plain text
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(180)
        layout.addWidget(self.table)
        form = QFormLayout()
        self.choices: dict[str, QComboBox] = {}
        for field, label in FIELDS.items():
            box = QComboBox(self)
            box.setObjectName(f"map_{field}")
            box.addItem(NONE, "")
            for column in head.header:
                box.addItem(column, column)
            if chosen.get(field):
                box.setCurrentIndex(box.findData(chosen[field]))
            box.currentIndexChanged.connect(self._check)
            self.choices[field] = box
            form.addRow(f"{label}{' *' if field in REQUIRED else ''}", box)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._check()

    def mapping(self) -> Mapping:
        return Mapping({f: box.currentData() for f, box in self.choices.items() if box.currentData()}, self.preset)

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not self.mapping().missing())


def import_event_file(window: Any, case: Case, path: Path, mapping: Mapping | None = None) -> dict[str, int] | None:
    """Map the columns (unless `mapping` is given), then import on the task runner with progress and Cancel."""
    try:
        head = read_head(path)
    except Exception as error:  # noqa: BLE001 - an unreadable file is one sentence to the analyst
        warn(window, "Cannot import", str(error))
        return None
    if mapping is None:
        dialog = MappingDialog(path, head, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        mapping = dialog.mapping()

    def work(writer: Case, progress: Progress) -> tuple[EventTableResult, Any, list[tuple[Any, ...]]]:
        # Recorded, so that the import is one undo step: its bulk writes are named in the journal
        # and undo deletes them in one transaction (see Case.bulk_insert for what redo keeps).
        with writer.recording() as journal:
            result = import_event_table(writer, path, mapping, accept_all=True, progress=progress)
        return result, writer.last_changes, list(journal)

    outcome = runner().run_modal(window, f"Importing {path.name}…", work, writer_of=case, title="Import",
                                 failure=f"Cannot import {path.name}")
    if outcome.cancelled:
        window.statusBar().showMessage(f"Import of {path.name} cancelled; the case is unchanged.", 10_000)
        return None
    if outcome.error:
        warn(window, "Cannot import", outcome.error)
        return None
    result, changes, journal = outcome.result
    if changes is not None:
        case.announce(changes)
    if journal:
        text = f"Import {path.name}" if replayable(journal) else f"Import {path.name} (undo only: too big to redo)"
        push(window.undo_stack, Operation.from_journal(case, text, journal, changes))
    summary = f"Imported {path.name}: {describe_counts(result.written) or 'nothing new'}"
    if result.skipped:
        summary += f"; {result.skipped} events already in the case"
    window.statusBar().showMessage(summary + ".", 10_000)
    if result.rejected:
        _show_refused(window, path, result)
    elif not result.written:
        inform(window, "Import", summary + ".")
    return result.written


def _show_refused(window: QWidget, path: Path, result: EventTableResult) -> None:
    box = QMessageBox(window)
    box.setWindowTitle("Rows refused")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"{path.name}: {len(result.rejected)} of {result.rows} rows were refused and not imported; "
                "the details list each with its line.")
    shown = "\n".join(f"line {line}: {reason}" for line, reason in result.rejected[:MAX_LISTED])
    more = len(result.rejected) - MAX_LISTED
    box.setDetailedText(shown + (f"\nand {more} more" if more > 0 else ""))
    box.exec()
