"""Import in the app: read a file off the UI thread (progress, Cancel), review a report's proposals
(the report beside them, each highlighted in place with its hedges; accept / edit / reject, bulk
accept, a timeline preview), and write the accepted ones off the UI thread as one undo step.

Reading and writing both run through `ui.tasks` (the write on a writer connection, so the window
keeps painting during a long import); the views hear of an import once.

Every piece of the report and of the proposals is shown as plain text: the widgets here never
interpret markup from the file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.confidence import CONFIDENCE_LEVELS, TIME_PRECISIONS
from workbench.core.importers import Plan, apply_plan, file_kind, import_whole, propose_file, read_text
from workbench.core.importers.proposals import GROUP_TITLES, GROUPS, Proposal, describe_counts, describe_review
from workbench.core.importers.report import ReportDateMissing
from workbench.core.progress import Progress
from workbench.core.rules import clean_text, problems
from workbench.core.store import Case
from workbench.core.times import case_zone, describe_when, local_to_utc, parse_utc, utc_to_local
from workbench.ui.plaintext import inform, warn
from workbench.ui.tasks import runner, write_modal

IMPORTABLE = (".md", ".markdown", ".html", ".htm", ".txt", ".text", ".csv", ".zip", ".json", ".stix", ".tsv",
              ".tab", ".xlsx", ".xlsm")
FILE_FILTER = ("Reports, CSV, JSON, STIX and event tables (*.md *.markdown *.html *.htm *.txt *.csv *.zip *.json "
               "*.stix *.tsv *.tab *.xlsx *.xlsm);;All files (*)")
HEDGE_COLOURS = {"unverified": "#f8bbd0", "possible": "#ffe0b2", "likely": "#fff59d", "planned": "#c5e1a5",
                 "reported": "#e1f5fe"}
SPAN_COLOUR = "#bbdefb"
ROLE = Qt.ItemDataRole.UserRole


def importable(path: Path) -> bool:
    return path.suffix.lower() in IMPORTABLE


NEEDS_DATE = "needs a report date"


def read_file(reader: Case, path: Path, progress: Progress, report_date: date | None = None) -> Any:
    """On a worker: a report's or STIX bundle's Plan, a checked CSV, "canonical" (written without review),
    or NEEDS_DATE for a report that states no date with a year."""
    kind = file_kind(path, read_text(path) if path.suffix.lower() == ".json" else None)
    if kind == "csv":
        from workbench.core.importers.csv_import import read_csv

        return read_csv(reader, path, progress=progress)
    if kind in ("canonical", "csvzip"):
        return "canonical"
    if kind == "events":  # written without review; an event table maps its columns first
        return "events"
    try:
        return propose_file(reader, path, progress=progress, report_date=report_date)
    except ReportDateMissing:
        return NEEDS_DATE


def read_in_background(parent: QWidget, case: Case, path: Path, report_date: date | None = None) -> Any:
    """Read and propose on a worker (its own read-only connection) behind a progress dialog with Cancel;
    the result, or None when cancelled or refused (the refusal is shown)."""
    outcome = runner().run_modal(parent, f"Reading {path.name}…",
                                 lambda reader, progress: read_file(reader, path, progress, report_date),
                                 reader_of=case, title="Import", failure=f"Cannot import {path.name}")
    if outcome.error:
        warn(parent, "Cannot import", outcome.error)
    return outcome.result


class ReportDateDialog(QDialog):
    """Asks for the date of a report that states none with a year. Nothing is prefilled: a guess (today,
    the file's time) would silently place every event of the report."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Date of the report")
        layout = QVBoxLayout(self)
        question = QLabel(f"{name} states no date with a year in its header, title, metadata or file name. "
                          "On what date was it published? Its year-less dates take this date's year, and "
                          "claims it does not date are placed no later than this date.", self)
        question.setTextFormat(Qt.TextFormat.PlainText)
        question.setWordWrap(True)
        layout.addWidget(question)
        self.field = QLineEdit(self)
        self.field.setObjectName("report_date")
        self.field.setPlaceholderText("YYYY-MM-DD")
        layout.addWidget(self.field)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.field.textChanged.connect(self._check)
        self._check()

    def day(self) -> date | None:
        text = self.field.text().strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            return None

    def _check(self) -> None:
        ok = self.day() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.error.setText("" if ok or not self.field.text().strip() else "Write the date as YYYY-MM-DD.")


def ask_report_date(parent: QWidget, name: str) -> date | None:
    dialog = ReportDateDialog(name, parent)
    return dialog.day() if dialog.exec() == QDialog.DialogCode.Accepted else None


class TimelinePreview(QWidget):
    """The accepted events on a time axis, as the timeline will show them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(64)
        self.events: list[tuple[float, float | None, str, str]] = []  # (start, end, confidence, title)
        self.zone = case_zone("UTC")

    def set_events(self, proposals: list[Proposal]) -> None:
        self.events = []
        for p in proposals:
            start = parse_utc(p.values["start"]).timestamp()
            end = parse_utc(p.values["end"]).timestamp() if p.values.get("end") else None
            self.events.append((start, end, p.values.get("confidence", "reported"), p.values["title"]))
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), QColor("#fafafa"))
        if not self.events:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No events accepted")
            return
        low = min(e[0] for e in self.events)
        high = max(max(e[0], e[1] or e[0]) for e in self.events)
        span = max(high - low, 86400.0)
        margin = 12

        def x(t: float) -> float:
            return margin + (t - low) / span * (width - 2 * margin)

        painter.setPen(QPen(QColor("#9e9e9e")))
        painter.drawLine(margin, height - 18, width - margin, height - 18)
        for day in range(int(span // 86400) + 1):
            tick = x(low + day * 86400)
            painter.drawLine(int(tick), height - 21, int(tick), height - 15)
        rows: list[float] = []
        for start, end, confidence, _title in sorted(self.events):
            row = next((i for i, right in enumerate(rows) if right < x(start) - 4), len(rows))
            if row == len(rows):
                rows.append(0.0)
            rows[row] = x(end or start) + 6
            y = 6 + (row % 4) * 10
            colour = QColor(HEDGE_COLOURS.get(confidence, "#90caf9")).darker(140)
            painter.setPen(QPen(colour, 2))
            painter.setBrush(QBrush(colour))
            if end:
                painter.drawRect(QRectF(x(start), y, max(2.0, x(end) - x(start)), 6))
            else:
                painter.drawEllipse(QRectF(x(start) - 3, y, 6, 6))
        painter.setPen(QColor("#424242"))
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        painter.setFont(font)
        first = describe_when(parse_utc_text(low), self.zone)
        last = describe_when(parse_utc_text(high), self.zone)
        painter.drawText(margin, height - 2, first)
        painter.drawText(QRectF(0, height - 14, width - margin, 14), Qt.AlignmentFlag.AlignRight, last)
        painter.end()


def parse_utc_text(timestamp: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


TABLE_OF_KIND = {"event": "events", "actor": "actors", "relation": "relations"}


class ProposalEditor(QDialog):
    """Fields of one proposed event, actor or relation, before anything is written."""

    FIELDS = {
        "event": ("title", "start", "time_precision", "confidence", "kind"),
        "actor": ("name", "kind"),
        "relation": ("kind", "confidence"),
    }

    def __init__(self, proposal: Proposal, zone: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proposal, self.zone = proposal, zone
        self.setWindowTitle(f"Edit proposed {proposal.kind}")
        form = QFormLayout(self)
        self.widgets: dict[str, QWidget] = {}
        values = proposal.values
        for field in self.FIELDS[proposal.kind]:
            if field == "confidence":
                widget = QComboBox(self)
                for level, meaning in CONFIDENCE_LEVELS.items():
                    widget.addItem(f"{level}: {meaning}", level)
                widget.setCurrentIndex(max(0, widget.findData(values.get(field, "reported"))))
            elif field == "time_precision":
                widget = QComboBox(self)
                for level, meaning in TIME_PRECISIONS.items():
                    widget.addItem(f"{level}: {meaning}", level)
                widget.setCurrentIndex(max(0, widget.findData(values.get(field, "day"))))
            elif field == "start":
                widget = QLineEdit(self)
                local = utc_to_local(values["start"], zone)
                widget.setText(f"{local:%Y-%m-%d %H:%M}")
                widget.setToolTip(f"Local time ({zone.key}): YYYY-MM-DD or YYYY-MM-DD HH:MM")
            elif proposal.kind == "actor" and field == "kind":
                widget = QComboBox(self)
                widget.setEditable(True)
                widget.addItems(["person", "state", "government", "organization", "military", "security", "media",
                                 "group", "other"])
                widget.setCurrentText(values.get("kind", "other"))
            else:
                widget = QLineEdit(str(values.get(field, "")), self)
            widget.setObjectName(f"proposal_{field}")
            self.widgets[field] = widget
            form.addRow(field.replace("_", " ").capitalize(), widget)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("QLabel { color: #b00020; }")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for field, widget in self.widgets.items():
            if isinstance(widget, QComboBox):
                result[field] = widget.currentData() if widget.currentData() is not None else \
                    clean_text(widget.currentText())
            elif field == "start":
                text = clean_text(widget.text()).replace(" ", "T")
                try:
                    result[field] = local_to_utc(text, self.zone)
                except ValueError:
                    result[field] = ""
            else:
                result[field] = clean_text(widget.text())
        return result

    def _ok(self) -> None:
        values = self.values()
        if "start" in values and not values["start"]:
            self.error.setText("The date is not a date: write YYYY-MM-DD or YYYY-MM-DD HH:MM.")
            return
        found = problems(TABLE_OF_KIND[self.proposal.kind], {**self.proposal.values, **values})
        if found:
            field, reason = next(iter(found.items()))
            self.error.setText(f"{field}: {reason}")
            return
        self.accept()


class ImportReviewDialog(QDialog):
    """The report on the left with every proposal highlighted, the proposals on the right."""

    def __init__(self, case: Case, plan: Plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case, self.plan = case, plan
        self.zone = case_zone(case.meta("timezone"))
        self.setWindowTitle(f"Review import: {plan.name}")
        self.resize(1280, 800)
        self.items: dict[str, QTreeWidgetItem] = {}

        self.report = QPlainTextEdit(self)
        self.report.setObjectName("import_report")
        self.report.setReadOnly(True)
        self.report.setPlainText(plan.text.replace("\u2028", "\n"))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("import_proposals")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Proposal", "When / kind", "How found"])
        self.tree.setColumnWidth(0, 380)
        self.tree.setColumnWidth(1, 170)
        self.evidence = QTextEdit(self)
        self.evidence.setObjectName("import_evidence")
        self.evidence.setReadOnly(True)
        self.evidence.setAcceptRichText(False)
        self.evidence.setMaximumHeight(110)
        self.preview = TimelinePreview(self)
        self.preview.zone = self.zone
        self.counts = QLabel(self)
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        # How the file was read (a guessed encoding) and what it held that is not proposed (STIX types)
        self.notes = QLabel("\n".join(plan.notes), self)
        self.notes.setObjectName("import_notes")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(plan.notes))

        self.accept_all_button = QPushButton("Accept all", self)
        self.reject_all_button = QPushButton("Reject all", self)
        self.edit_button = QPushButton("Edit…", self)
        self.accept_all_button.clicked.connect(lambda: self.set_all(True))
        self.reject_all_button.clicked.connect(lambda: self.set_all(False))
        self.edit_button.clicked.connect(self.edit_current)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("Import accepted", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.notes)
        right_layout.addWidget(self.tree, 1)
        right_layout.addWidget(QLabel("Evidence (hedges highlighted):", self))
        right_layout.addWidget(self.evidence)
        bulk = QHBoxLayout()
        for button in (self.accept_all_button, self.reject_all_button, self.edit_button):
            bulk.addWidget(button)
        bulk.addStretch(1)
        right_layout.addLayout(bulk)
        splitter = QSplitter(self)
        splitter.addWidget(self.report)
        splitter.addWidget(right)
        splitter.setSizes([520, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(QLabel("Timeline preview of the accepted events:", self))
        layout.addWidget(self.preview)
        footer = QHBoxLayout()
        footer.addWidget(self.counts, 1)
        footer.addWidget(self.buttons)
        layout.addLayout(footer)

        self._fill()
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda item, _previous: self._show(item))
        self._highlight_all()
        self._refresh()

    # the list
    def _fill(self) -> None:
        self.tree.clear()
        for group in GROUPS:
            proposals = self.plan.group(group)
            if not proposals:
                continue
            new = sum(not p.existing for p in proposals)
            parent = QTreeWidgetItem(self.tree, [f"{GROUP_TITLES[group]} ({new} new, {len(proposals) - new} in case)"])
            parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            for proposal in proposals:
                item = QTreeWidgetItem(parent, [proposal.label or proposal.values.get("title", ""),
                                                self._detail(proposal), proposal.note])
                item.setData(0, ROLE, proposal.key)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable)
                item.setCheckState(0, Qt.CheckState.Checked if proposal.accepted else Qt.CheckState.Unchecked)
                if proposal.existing:
                    item.setForeground(0, QBrush(QColor("#757575")))
                    item.setToolTip(0, "Already in the case: accepting it writes nothing new")
                if proposal.kind in ("event", "relation"):
                    item.setBackground(1, QBrush(QColor(HEDGE_COLOURS.get(proposal.values.get("confidence"),
                                                                          "#ffffff"))))
                self.items[proposal.key] = item
            parent.setExpanded(group in ("event", "actor", "relation"))

    def _detail(self, proposal: Proposal) -> str:
        values = proposal.values
        if proposal.kind == "event":
            when = describe_when(values["start"], self.zone, precision=values["time_precision"], end=values.get("end"),
                                 earliest=values.get("earliest"), latest=values.get("latest"))
            return f"{when} · {values['confidence']}"
        if proposal.kind == "actor":
            return values["kind"]
        if proposal.kind == "relation":
            return values["confidence"]
        if proposal.kind == "source":
            return values.get("language") or ""
        if proposal.kind == "citation":
            return f"footnote {values.get('footnote', '')}"
        return values.get("published") or ""

    def proposal_of(self, item: QTreeWidgetItem | None) -> Proposal | None:
        key = item.data(0, ROLE) if item is not None else None
        return self.plan.by_key().get(key) if key else None

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        proposal = self.proposal_of(item)
        if proposal is None or column != 0:
            return
        proposal.accepted = item.checkState(0) == Qt.CheckState.Checked
        text = " ".join(item.text(0).split())
        field = {"event": "title", "actor": "name", "relation": "kind", "document": "title"}.get(proposal.kind)
        if field and text and text != proposal.label:
            proposal.values[field] = text[:300]
            proposal.label = text[:300]
        self._refresh()

    def set_all(self, accepted: bool) -> None:
        self.tree.blockSignals(True)
        for key, item in self.items.items():
            item.setCheckState(0, Qt.CheckState.Checked if accepted else Qt.CheckState.Unchecked)
            self.plan.by_key()[key].accepted = accepted
        self.tree.blockSignals(False)
        self._refresh()

    def edit_current(self) -> bool:
        """Edit the current proposal's fields (events, actors, relations) in a form; others by name."""
        item = self.tree.currentItem()
        proposal = self.proposal_of(item)
        if proposal is None:
            return False
        if proposal.kind not in ProposalEditor.FIELDS:
            self.tree.editItem(item, 0)
            return False
        editor = ProposalEditor(proposal, self.zone, self)
        if editor.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.apply_edit(proposal, editor.values())

    def apply_edit(self, proposal: Proposal, values: dict[str, Any]) -> bool:
        """Take edited values for a proposal if they make a sound record; say why not otherwise."""
        candidate = {**proposal.values, **values}
        found = problems(TABLE_OF_KIND[proposal.kind], candidate)
        if found:
            field, reason = next(iter(found.items()))
            self.counts.setText(f"Not changed: {field}: {reason}.")
            return False
        proposal.values.update(values)
        label_field = {"event": "title", "actor": "name", "relation": "kind"}[proposal.kind]
        proposal.label = str(proposal.values[label_field])
        item = self.items[proposal.key]
        self.tree.blockSignals(True)
        item.setText(0, proposal.label)
        item.setText(1, self._detail(proposal))
        self.tree.blockSignals(False)
        self._refresh()
        return True

    def _refresh(self) -> None:
        chosen = self.plan.effective()
        self.counts.setText(describe_review(self.plan))
        self.preview.set_events([p for p in chosen if p.kind == "event"])

    # the report and the evidence
    def _highlight_all(self) -> None:
        selections = []
        for proposal in self.plan.group("event"):
            if proposal.span:
                selection = QTextEdit.ExtraSelection()
                selection.format.setBackground(QColor(HEDGE_COLOURS.get(proposal.values["confidence"], SPAN_COLOUR)))
                cursor = QTextCursor(self.report.document())
                cursor.setPosition(proposal.span[0])
                cursor.setPosition(min(proposal.span[1], len(self.plan.text)), QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selections.append(selection)
        self.base_selections = selections
        self.report.setExtraSelections(selections)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        proposal = self.proposal_of(item)
        if proposal is None:
            return
        self.evidence.setPlainText(proposal.evidence or proposal.note)
        cursor = QTextCursor(self.evidence.document())
        for start, end, level in proposal.hedges:
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(HEDGE_COLOURS.get(level, "#fff59d")).darker(110))
            fmt.setFontWeight(QFont.Weight.Bold)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        if proposal.span:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor("#64b5f6"))
            cursor = QTextCursor(self.report.document())
            cursor.setPosition(proposal.span[0])
            cursor.setPosition(min(proposal.span[1], len(self.plan.text)), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            self.report.setExtraSelections([*self.base_selections, selection])
            view_cursor = QTextCursor(self.report.document())
            view_cursor.setPosition(proposal.span[0])
            self.report.setTextCursor(view_cursor)
            self.report.centerCursor()


def write_in_background(window: Any, case: Case, name: str, action: Callable[[Case, Progress], Any]
                        ) -> dict[str, int] | None:
    """Write an import on a writer connection off the UI thread, as one undo step "Import <name>".

    The views hear of it once; Cancel (or a refusal, which is shown) leaves the case unchanged.
    """
    outcome = write_modal(window, window.undo_stack, case, f"Import {name}", f"Importing {name}…", action,
                          failure=f"Cannot import {name}")
    if outcome.cancelled:
        window.statusBar().showMessage(f"Import of {name} cancelled; the case is unchanged.", 10_000)
        return None
    if outcome.error:
        warn(window, "Cannot import", outcome.error)
        return None
    return outcome.result


def write_plan(window: Any, case: Case, plan: Plan) -> dict[str, int] | None:
    """Accepted proposals -> one undo step on the window's stack."""
    return write_in_background(window, case, plan.name,
                               lambda writer, progress: apply_plan(writer, plan, progress=progress))


def import_file(window: Any, path: Path, review: bool = True) -> dict[str, int] | None:
    """File > Import… and drops: read off the UI thread, review, write off the UI thread as one undo step."""
    case: Case | None = window.case
    if case is None or case.read_only:
        inform(window, "Import", "Open a case you may change first, then import into it.")
        return None
    result = read_in_background(window, case, path)
    if result == NEEDS_DATE:
        day = ask_report_date(window, path.name)
        if day is None:
            return None
        result = read_in_background(window, case, path, report_date=day)
    if result is None:
        return None
    if result == "canonical":
        return _import_canonical(window, case, path)
    if result == "events":  # ACLED, ICEWS, GDELT or a spreadsheet of events (not one of our CSV templates)
        from workbench.ui.event_mapping import import_event_file

        return import_event_file(window, case, path)
    if isinstance(result, Plan):
        if result.rejected and not _rejected_ok(window, path, result.rejected, sum(1 for _ in result.proposals)):
            return None
        if review:
            dialog = ImportReviewDialog(case, result, window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
        written = write_plan(window, case, result)
    else:  # a checked CSV
        from workbench.core.importers.csv_import import write_csv

        if result.rejected and not _rejected_ok(window, path, result.rejected, len(result.rows)):
            return None
        written = write_in_background(window, case, path.name,
                                     lambda writer, progress: write_csv(writer, result, progress=progress))
    if written is not None:
        reading = f" (read as {result.reading})" if getattr(result, "reading", "") else ""
        window.statusBar().showMessage(f"Imported {path.name}{reading}: {describe_counts(written)}.", 10_000)
    return written


def _rejected_ok(window: QWidget, path: Path, rejected: list[tuple[int, str]], valid: int) -> bool:
    from workbench.core.importers.csv_import import describe_rejected

    box = QMessageBox(window)
    box.setWindowTitle("Rows rejected")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"{path.name}: {len(rejected)} rows cannot be imported. Import the {valid} valid rows, or nothing?")
    box.setDetailedText(describe_rejected(rejected).replace("; ", "\n"))
    valid_button = box.addButton(f"Import {valid} valid rows", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Import nothing", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is valid_button


def _import_canonical(window: Any, case: Case, path: Path) -> dict[str, int] | None:
    """Our own JSON or CSV zip: written whole, without a review."""
    return write_in_background(window, case, path.name,
                               lambda writer, progress: import_whole(path, writer, progress=progress))
