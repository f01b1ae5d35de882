"""The inspector: a form for the selected record, and below it everything the record rests on.

Each field is written when the analyst finishes with it (Enter, leaving the field, choosing
from a list), as one undo step through `commands`. The core checks the whole record on the
write (`core.rules`): when it refuses one (`InvalidRecord`), nothing is written and each field
it names is marked, with the reason beside it, scrolled into view. All text is plain text.

Below a form's fields come its sections (`RecordForm.section`): an event's actors and places, an
actor's attributes, and the sources any event, actor or relation is cited to, each with the buttons
that add, edit and remove. "What it rests on" is the second part of a splitter the analyst can
resize; the form gets the room its fields need first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core import ops
from workbench.core.attributes import template_for
from workbench.core.confidence import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY, TIME_PRECISIONS
from workbench.core.geo import format_degrees, parse_coordinate
from workbench.core.model import ACTOR_KINDS, NOUNS, PLACE_KINDS, PLACE_ROLES, aliases_of
from workbench.core.ops.actors import merge_actors, same_name_actors
from workbench.core.ops.attributes import attributes_of
from workbench.core.ops.citations import citations_of
from workbench.core.ops.places import events_of_place, link_place, place_choices, places_of_event, unlink_place
from workbench.core.queries import actor_choices, details, event_actors
from workbench.core.rules import InvalidRecord, clean_text
from workbench.core.store import Case, CaseError, Changes
from workbench.core.tags import parse_tags, set_tags, tags_of
from workbench.core.times import case_zone, local_to_utc, utc_to_local
from workbench.ui.commands import (
    Operation,
    delete_records,
    link_records,
    link_step_name,
    push,
    quoted,
    record_step_name,
    step_name,
    update_record,
)
from workbench.ui.name_fields import AliasEditor, NameCompleter
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel

ERROR_STYLE = "QLabel { color: #b00020; }"
BAD_FIELD = "border: 1px solid #b00020;"
# The least height "What it rests on" keeps under a long form, in pixels (a few rows).
RESTS_ON_MIN = 110
# Below this width (pixels) the inspector's forms put each label above its field.
WIDE_FORM = 420


class TimeField(QWidget):
    """A case-local date and time, optionally unset, stored as UTC text."""

    def __init__(self, optional: bool, parent: QWidget | None = None, date_only: bool = False) -> None:
        super().__init__(parent)
        self.zone = case_zone(None)
        self.date_only = date_only  # stored as 'YYYY-MM-DD' (a source's publication date)
        self.enabled = QCheckBox(self) if optional else None
        self.edit = QDateTimeEdit(self)
        # The field holds the case zone's wall-clock time, which core converts; in Qt's default (the
        # computer's own zone) a time that zone skips at a clock change would be moved an hour.
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat("d MMM yyyy" if date_only else "d MMM yyyy HH:mm")
        self.edit.setCalendarPopup(True)
        self.edit.setMinimumDate(QDate(1900, 1, 1))
        self.edit.setMaximumDate(QDate(2100, 12, 31))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if self.enabled is not None:
            layout.addWidget(self.enabled)
            self.enabled.toggled.connect(self.edit.setEnabled)
        layout.addWidget(self.edit, 1)

    def set_value(self, stamp: str | None) -> None:
        if self.enabled is not None:
            self.enabled.setChecked(stamp is not None)
            self.edit.setEnabled(stamp is not None)
        if stamp:
            try:
                local = utc_to_local(stamp, self.zone)
            except ValueError:
                try:  # a plain date, or another ISO form someone stored
                    local = datetime.fromisoformat(stamp[:10])
                except ValueError:
                    return
            self.edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                            QTime(local.hour, local.minute), QTimeZone.utc()))

    def value(self) -> str | None:
        if self.enabled is not None and not self.enabled.isChecked():
            return None
        moment = self.edit.dateTime()
        date, time = moment.date(), moment.time()
        if self.date_only:
            return f"{date.year():04d}-{date.month():02d}-{date.day():02d}"
        local = datetime(date.year(), date.month(), date.day(), time.hour(), time.minute())
        return local_to_utc(local.strftime("%Y-%m-%dT%H:%M"), self.zone)


def narrow_combo(parent: QWidget) -> QComboBox:
    """A combo box as narrow as a dock needs: long choices ("unverified: an unverified report") are
    shown whole in the open list, not made the form's minimum width."""
    combo = QComboBox(parent)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


class Section(QWidget):
    """A titled list under a form's fields, with the buttons that act on it and a line for what went wrong."""

    def __init__(self, form: RecordForm, title: str, name: str) -> None:
        super().__init__(form)
        self.form = form
        self.setObjectName(name)
        self.title = QLabel(title, self)
        self.title.setStyleSheet("QLabel { font-weight: bold; }")
        self.list = QListWidget(self)
        self.list.setObjectName(f"{name}_list")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(110)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.error = QLabel(self)
        self.error.setObjectName(f"{name}_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 6, 0, 0)
        self.column.setSpacing(2)
        self.column.addWidget(self.title)
        self.column.addWidget(self.list)
        self.column.addLayout(self.buttons)
        self.column.addWidget(self.error)
        self.item_buttons: list[QToolButton] = []
        self.edit_buttons: list[QToolButton] = []
        self.list.currentItemChanged.connect(lambda *_args: self.enable(self.editable))
        self.editable = True

    def button(self, text: str, slot: Callable[[], Any], name: str, needs_item: bool = False,
               edits: bool = True) -> QToolButton:
        # Tool buttons: as wide as their words, so a row of three fits the inspector's narrow dock.
        button = QToolButton(self)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        self.buttons.addWidget(button)
        if edits:  # a button that only reads (select the events here) stays on in a read-only case
            self.edit_buttons.append(button)
        if needs_item:
            self.item_buttons.append(button)
        return button

    def set_items(self, items: list[tuple[str, Any]], empty: str = "") -> None:
        chosen = self.current()
        self.list.clear()
        for text, data in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, data)
            item.setToolTip(tip(text))
            self.list.addItem(item)
            if data == chosen and chosen is not None:
                self.list.setCurrentItem(item)
        if not items and empty:
            placeholder = QListWidgetItem(empty)
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(placeholder)
        self.say("")

    def current(self) -> Any:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def select(self, data: Any) -> None:
        for n in range(self.list.count()):
            if self.list.item(n).data(Qt.ItemDataRole.UserRole) == data:
                self.list.setCurrentRow(n)

    def say(self, reason: str) -> None:
        self.error.setText(reason)
        self.error.setVisible(bool(reason))
        if reason:
            self.form.inspector.reveal(self.error)

    def enable(self, editable: bool) -> None:
        self.editable = editable
        chosen = self.current() is not None
        for button in self.edit_buttons:
            button.setEnabled(editable and (chosen or button not in self.item_buttons))


class RecordForm(QWidget):
    """Fields of one record; `commit(field)` validates and writes the change of one field."""

    def __init__(self, inspector: Inspector, table: str) -> None:
        super().__init__(inspector)
        self.inspector = inspector
        self.table = table
        self.record_id: str | None = None
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.readers: dict[str, Callable[[], Any]] = {}
        self.writers: dict[str, Callable[[Any], None]] = {}
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout_.setContentsMargins(2, 2, 2, 2)
        self._loading = False
        self.tags_edit: QLineEdit | None = None
        self.name_completers: dict[str, NameCompleter] = {}
        self.sections: list[Section] = []
        self.citations: Section | None = None

    @property
    def case(self) -> Case:
        assert self.inspector.case is not None
        return self.inspector.case

    # building
    def _row(self, field: str, label: str, widget: QWidget, read: Callable[[], Any],
             write: Callable[[Any], None]) -> None:
        widget.setObjectName(f"{self.table}_{field}")
        error = QLabel(self)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        error.setObjectName(f"{self.table}_{field}_error")
        error.hide()
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        column.addWidget(error)
        self.layout_.addRow(label, box)
        self.fields[field], self.errors[field] = widget, error
        self.readers[field], self.writers[field] = read, write

    def line(self, field: str, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        self._row(field, label, edit, lambda: clean_text(edit.text()), lambda v: edit.setText(v or ""))
        edit.editingFinished.connect(lambda: self.commit(field))
        return edit

    def text(self, field: str, label: str, height: int = 70) -> QPlainTextEdit:
        edit = CommitOnLeave(self, lambda: self.commit(field))
        edit.setFixedHeight(height)
        self._row(field, label, edit, lambda: clean_text(edit.toPlainText(), multiline=True),
                  lambda v: edit.setPlainText(v or ""))
        return edit

    def choice(self, field: str, label: str, choices: dict[Any, str], editable: bool = False) -> QComboBox:
        combo = narrow_combo(self)
        combo.setEditable(editable)
        for value, text in choices.items():
            combo.addItem(text, value)

        def read() -> Any:
            if editable:
                return clean_text(combo.currentText())
            return combo.currentData()

        def write(value: Any) -> None:
            index = combo.findData(value)
            if index < 0 and editable:
                combo.setEditText(value or "")
            else:
                combo.setCurrentIndex(max(index, 0))

        self._row(field, label, combo, read, write)
        if editable:
            combo.lineEdit().editingFinished.connect(lambda: self.commit(field))
        combo.activated.connect(lambda _index: self.commit(field))
        return combo

    def time(self, field: str, label: str, optional: bool, date_only: bool = False) -> TimeField:
        widget = TimeField(optional, self, date_only)
        self._row(field, label, widget, widget.value, widget.set_value)
        widget.edit.editingFinished.connect(lambda: self.commit(field))
        if widget.enabled is not None:
            widget.enabled.toggled.connect(lambda _on: self.commit(field))
        return widget

    def check(self, field: str, label: str) -> QCheckBox:
        box = QCheckBox(self)
        self._row(field, label, box, lambda: int(box.isChecked()), lambda v: box.setChecked(bool(v)))
        box.toggled.connect(lambda _on: self.commit(field))
        return box

    def number(self, field: str, label: str, low: float, high: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setRange(low - 1, high + 1)
        spin.setDecimals(5)
        spin.setSpecialValueText("not set")
        spin.setMinimum(low - 1)
        self._row(field, label, spin, lambda: None if spin.value() < low else spin.value(),
                  lambda v: spin.setValue(low - 1 if v is None else v))
        spin.editingFinished.connect(lambda: self.commit(field))
        return spin

    def coordinate(self, field: str, label: str, axis: str) -> QLineEdit:
        """A latitude or longitude typed as decimal degrees or degrees-minutes-seconds (53°54′N)."""
        edit = QLineEdit(self)
        edit.setPlaceholderText("53.9 or 53°54′N" if axis == "lat" else "27.5667 or 27°34′E")

        def read() -> float | None:
            return parse_coordinate(edit.text(), axis) if edit.text().strip() else None

        self._row(field, label, edit, read, lambda v: edit.setText("" if v is None else format_degrees(v)))
        edit.editingFinished.connect(lambda: self.commit(field))
        return edit

    def section(self, title: str, name: str) -> Section:
        """A titled list under the fields (an event's places, an actor's attributes, the sources cited)."""
        section = Section(self, title, f"{self.table}_{name}")
        self.layout_.addRow(section)
        self.sections.append(section)
        return section

    def cite_section(self) -> Section:
        """The sources this event, actor or relation is cited to: cite one (existing, or new from a URL),
        edit a citation, remove it."""
        section = self.section("Sources cited", "citations")
        section.button("Cite\u2026", self.cite, f"{self.table}_cite")
        section.button("Edit\u2026", self.edit_citation, f"{self.table}_edit_citation", needs_item=True)
        section.button("Remove", self.remove_citation, f"{self.table}_remove_citation", needs_item=True)
        section.buttons.addStretch(1)
        section.list.itemDoubleClicked.connect(lambda _item: self.edit_citation())
        self.citations = section
        return section

    def load_citations(self) -> None:
        if self.citations is None or self.record_id is None:
            return
        rows = citations_of(self.case, self.table, self.record_id)
        self.citation_rows = {row["id"]: row for row in rows}
        self.citations.set_items([(describe_citation(row), row["id"]) for row in rows],
                                 empty="Not cited yet: cite a source for it.")

    def cite(self) -> bool:
        if self.record_id is None:
            return False
        from workbench.ui.citing import CitationDialog

        dialog = CitationDialog(self, self.case, self.inspector.selection.undo_stack, self.table, self.record_id)
        return self.inspector.run_dialog(dialog) == QDialog.DialogCode.Accepted

    def edit_citation(self) -> bool:
        citation_id = self.citations.current() if self.citations is not None else None
        row = getattr(self, "citation_rows", {}).get(citation_id)
        if row is None or self.record_id is None:
            return False
        from workbench.ui.citing import CitationDialog

        dialog = CitationDialog(self, self.case, self.inspector.selection.undo_stack, self.table, self.record_id,
                                citation=row)
        return self.inspector.run_dialog(dialog) == QDialog.DialogCode.Accepted

    def remove_citation(self) -> bool:
        citation_id = self.citations.current() if self.citations is not None else None
        row = getattr(self, "citation_rows", {}).get(citation_id)
        if row is None or self.record_id is None:
            return False
        source = quoted(row["title"] or row["url"] or "source")
        target = record_step_name(self.case, self.table, self.record_id)
        return push(self.inspector.selection.undo_stack, delete_records(
            self.case, "citations", [citation_id], text=f"Remove citation of {source} from {target}"))

    def actor_choice(self, field: str, label: str) -> QComboBox:
        combo = narrow_combo(self)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = NameCompleter(self)  # any script or spelling of a name or alias
        completer.attach(combo.lineEdit(), combo)
        self.name_completers[field] = completer

        def read() -> Any:
            index = combo.findText(combo.currentText())
            if index < 0:
                found = completer.index.find(combo.currentText())
                return found.record_id if found is not None else None
            return combo.itemData(index)

        def write(value: Any) -> None:
            index = combo.findData(value)
            combo.setCurrentIndex(index)

        self._row(field, label, combo, read, write)
        combo.activated.connect(lambda _index: self.commit(field))
        combo.lineEdit().editingFinished.connect(lambda: self.commit(field))
        return combo

    def tag_line(self) -> QLineEdit:
        """Free tags of the item, comma-separated; written as one undo step when the field is left."""
        edit = QLineEdit(self)
        edit.setObjectName(f"{self.table}_tags")
        edit.setPlaceholderText("tags, comma-separated (e.g. priority, Brest)")
        self.layout_.addRow("Tags", edit)
        edit.editingFinished.connect(self.commit_tags)
        self.tags_edit = edit
        return edit

    def commit_tags(self) -> bool:
        case = self.inspector.case
        if self._loading or self.tags_edit is None or self.record_id is None or case is None or case.closed \
                or case.read_only:
            return False
        wanted = parse_tags(self.tags_edit.text())
        if wanted == tags_of(case, self.table, self.record_id):
            return False
        table, record_id = self.table, self.record_id
        return push(self.inspector.selection.undo_stack, Operation(
            case, f"Tag {NOUNS.get(table, 'record')}", lambda c: set_tags(c, table, record_id, wanted)))

    # loading and writing
    def load(self, record_id: str) -> None:
        self.record_id = record_id
        row = self.case.get(self.table, record_id)
        if row is None:
            return
        self._loading = True
        try:
            for name, write in self.writers.items():
                write(self.value_for_widget(name, row))
            for name in self.errors:
                self.mark(name, "")
            self.after_load(row)
            self.load_citations()
            if self.tags_edit is not None:
                self.tags_edit.setText(", ".join(tags_of(self.case, self.table, record_id)))
                self.tags_edit.setEnabled(not self.case.read_only)
        finally:
            self._loading = False
        editable = not self.case.read_only
        for widget in self.fields.values():
            widget.setEnabled(editable)
        for section in self.sections:
            section.enable(editable)

    def value_for_widget(self, field: str, row: dict[str, Any]) -> Any:
        value = row.get(field)
        if field == "aliases":
            return "\n".join(aliases_of(value))
        return value

    def after_load(self, row: dict[str, Any]) -> None:
        """Extra widgets of a form that are not one column (an event's actors, duplicate warnings)."""

    def value_for_case(self, field: str) -> Any:
        value = self.readers[field]()
        if field == "aliases":
            return [alias for alias in (clean_text(a) for a in str(value).split("\n")) if alias]
        return value

    def stored_value(self, field: str, row: dict[str, Any]) -> Any:
        """A column of the stored row as `value_for_case` gives it (aliases as a list)."""
        value = row.get(field)
        return aliases_of(value) if field == "aliases" else value

    def mark(self, field: str, reason: str) -> None:
        error = self.errors[field]
        error.setText(reason)
        error.setVisible(bool(reason))
        self.fields[field].setStyleSheet(BAD_FIELD if reason else "")
        if reason:
            self.inspector.reveal(error)

    def commit(self, field: str) -> bool:
        """Write one field through the edit operation; if the core refuses the record, mark why and write nothing."""
        case = self.inspector.case
        if self._loading or self.record_id is None or case is None or case.closed or case.read_only:
            return False
        row = self.case.get(self.table, self.record_id)
        if row is None:
            return False
        try:
            value = self.value_for_case(field)
        except ValueError as unreadable:  # typed text that is no value of its kind (a latitude of 91°)
            self.mark(field, str(unreadable))
            return False
        if value == self.stored_value(field, row):
            # The record as stored is sound: a field back at its stored value has nothing to show, nor
            # has a neighbour showing its own stored value (its mark came from this field's refused value).
            for name in self.errors:
                if name == field or (self.errors[name].text() and self._reads_as_stored(name, row)):
                    self.mark(name, "")
            return False
        label = self.layout_.labelForField(self.fields[field].parentWidget())
        name = label.text().rstrip(":").lower() if isinstance(label, QLabel) else field
        try:
            written = push(self.inspector.selection.undo_stack,
                           update_record(self.case, self.table, self.record_id, {field: value},
                                         text=f"Edit {step_name(self.case, self.table, row)}: {name}"))
        except InvalidRecord as refusal:
            self.show_problems(field, refusal.problems)
            return False
        except (CaseError, ValueError) as error:
            self.mark(field, str(error))
            return False
        self.show_problems(field, {})
        return written

    def _reads_as_stored(self, field: str, row: dict[str, Any]) -> bool:
        try:
            return self.value_for_case(field) == self.stored_value(field, row)
        except ValueError:
            return False

    def show_problems(self, field: str, found: dict[str, str]) -> None:
        """Show the core's reasons beside the fields after writing `field` (found: {} when it was written).

        A bad value of `field` itself is marked alone. Otherwise the change may have cured or
        caused a problem in a neighbouring field (an end before the start): each field shows its
        own reason, and `field` says it was not saved because of the first one.
        """
        if field in found:
            self.mark(field, found[field])
            return
        for other in self.errors:
            if other != field:
                self.mark(other, found.get(other, ""))
        self.mark(field, f"not saved: {next(iter(found.values()))}" if found else "")


class CommitOnLeave(QPlainTextEdit):
    """A multi-line field that is written when the analyst leaves it."""

    def __init__(self, parent: QWidget, on_leave: Callable[[], Any]) -> None:
        super().__init__(parent)
        self.on_leave = on_leave
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.on_leave()


class EventForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "events")
        self.line("title", "Title", "what happened, in one line")
        self.time("start", "When", optional=False)
        self.choice("time_precision", "Precision", {k: f"{k}: {v}" for k, v in TIME_PRECISIONS.items()})
        self.time("end", "Until", optional=True)
        self.time("earliest", "Not before", optional=True)
        self.time("latest", "No later than", optional=True)
        self.line("time_note", "Time note", "e.g. evening, shortly after 18:00")
        self.choice("confidence", "Confidence", {k: f"{k}: {v}" for k, v in CONFIDENCE_LEVELS.items()})
        self.line("kind", "Kind", "e.g. protest, statement, deployment")
        self.text("summary", "Summary", 80)
        self.tag_line()
        self.actors = QListWidget(self)
        self.actors.setObjectName("events_actors")
        self.actors.setMaximumHeight(90)
        self.add_actor = QLineEdit(self)
        self.add_actor.setObjectName("events_add_actor")
        self.add_actor.setPlaceholderText("add an actor: type a name or alias")
        self.completer = NameCompleter(self)  # 'лукашенко' offers Aleksander Lukashenko
        self.completer.attach(self.add_actor)
        self.add_actor.returnPressed.connect(self._add_actor)
        self.completer.activated.connect(lambda _text: self._add_actor())
        self.remove_actor = QPushButton("Remove actor", self)
        self.remove_actor.setObjectName("events_remove_actor")
        self.remove_actor.clicked.connect(self._remove_actor)
        self.actor_error = QLabel(self)
        self.actor_error.setStyleSheet(ERROR_STYLE)
        self.actor_error.setTextFormat(Qt.TextFormat.PlainText)
        self.actor_error.hide()
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.actors)
        row = QHBoxLayout()
        row.addWidget(self.add_actor, 1)
        row.addWidget(self.remove_actor)
        column.addLayout(row)
        column.addWidget(self.actor_error)
        self.layout_.addRow("Actors", box)
        self.choices: dict[str, str] = {}
        self.places = self.section("Places", "places")
        self.add_place = QLineEdit(self.places)
        self.add_place.setObjectName("events_add_place")
        self.add_place.setPlaceholderText("tie a place: type its name")
        self.place_completer = NameCompleter(self)  # a place by any of its names, in any script
        self.place_completer.attach(self.add_place)
        self.place_role = narrow_combo(self.places)
        self.place_role.setObjectName("events_place_role")
        for role, text in PLACE_ROLES.items():
            self.place_role.addItem(text, role)
        tie = QHBoxLayout()
        tie.addWidget(self.add_place, 1)
        tie.addWidget(self.place_role)
        self.places.column.insertLayout(2, tie)
        self.add_place.returnPressed.connect(self._tie_place)
        self.place_completer.activated.connect(lambda _text: self._tie_place())
        self.places.button("New\u2026", self._new_place, "events_new_place")
        self.places.button("Edit\u2026", self._edit_place, "events_edit_place", needs_item=True)
        self.places.button("Remove", self._untie_place, "events_remove_place", needs_item=True)
        self.places.buttons.addStretch(1)
        self.place_choices: dict[str, str] = {}
        self.cite_section()

    def after_load(self, row: dict[str, Any]) -> None:
        for field in ("start", "end", "earliest", "latest"):
            self.fields[field].zone = case_zone(self.case.meta("timezone"))  # type: ignore[attr-defined]
            self.writers[field](row.get(field))
        self.actors.clear()
        for actor_id, name, role in event_actors(self.case, row["id"]):
            item = QListWidgetItem(name + (f" ({role})" if role else ""))
            item.setData(Qt.ItemDataRole.UserRole, actor_id)
            self.actors.addItem(item)
        choices = actor_choices(self.case)
        self.choices = {choice.label: choice.actor_id for choice in choices}
        self.completer.set_choices((c.actor_id, c.label, (c.name, *c.aliases)) for c in choices)
        editable = not self.case.read_only
        for widget in (self.add_actor, self.remove_actor, self.add_place, self.place_role):
            widget.setEnabled(editable)
        self.places.set_items([(f"{name} ({PLACE_ROLES.get(role, role)})", place_id)
                               for place_id, name, role in places_of_event(self.case, row["id"])],
                              empty="No place yet.")
        places = place_choices(self.case)
        self.place_choices = {label: place_id for place_id, label, _names in places}
        self.place_completer.set_choices(places)

    def _tie_place(self) -> bool:
        """Tie the typed place in the chosen role (a place tied already takes the new role)."""
        text = self.add_place.text().strip()
        if not text or self.record_id is None:
            return False
        place_id = self.place_choices.get(text)
        if place_id is None:  # a name or other name in any spelling, if it means one place (core.names)
            found = self.place_completer.index.find(text)
            place_id = found.record_id if found is not None else None
        if place_id is None:
            self.places.say(f"No place is called {text!r}; make it with New place\u2026")
            return False
        event_id, role = self.record_id, self.place_role.currentData()
        self.add_place.clear()
        names = (record_step_name(self.case, "places", place_id), record_step_name(self.case, "events", event_id))
        return push(self.inspector.selection.undo_stack, Operation(
            self.case, f"Tie {names[0]} to {names[1]} ({PLACE_ROLES[role]})",
            lambda case: link_place(case, event_id, place_id, role)))

    def _untie_place(self) -> bool:
        place_id = self.places.current()
        if place_id is None or self.record_id is None:
            return False
        event_id = self.record_id
        names = (record_step_name(self.case, "places", place_id), record_step_name(self.case, "events", event_id))
        return push(self.inspector.selection.undo_stack, Operation(
            self.case, f"Untie {names[0]} from {names[1]}", lambda case: unlink_place(case, event_id, place_id)))

    def _new_place(self) -> bool:
        if self.record_id is None:
            return False
        from workbench.ui.places import PlaceDialog

        dialog = PlaceDialog(self, self.case, self.inspector.selection.undo_stack, event_id=self.record_id,
                             name=self.add_place.text().strip())
        dialog.role.setCurrentIndex(self.place_role.currentIndex())  # type: ignore[union-attr]
        return self.inspector.run_dialog(dialog) == QDialog.DialogCode.Accepted

    def _edit_place(self) -> bool:
        place_id = self.places.current()
        if place_id is None:
            return False
        from workbench.ui.places import PlaceDialog

        dialog = PlaceDialog(self, self.case, self.inspector.selection.undo_stack, place_id=place_id)
        return self.inspector.run_dialog(dialog) == QDialog.DialogCode.Accepted

    def _add_actor(self) -> None:
        text = self.add_actor.text().strip()
        if not text or self.record_id is None:
            return
        actor_id = self.choices.get(text)
        if actor_id is None:  # a name or alias in any spelling, if it means one actor (core.names)
            found = self.completer.index.find(text)
            actor_id = found.record_id if found is not None else None
        if actor_id is None:
            self.actor_error.setText(f"No actor is called {text!r}; add it in the actor list first.")
            self.actor_error.show()
            return
        self.actor_error.hide()
        self.add_actor.clear()
        event_id = self.record_id
        push(self.inspector.selection.undo_stack, link_records(
            self.case, "event_actors", {"event_id": event_id, "actor_id": actor_id, "role": ""},
            text=f"Add {link_step_name(self.case, 'event_actors', {'event_id': event_id, 'actor_id': actor_id})}"))

    def _remove_actor(self) -> None:
        item = self.actors.currentItem()
        if item is None or self.record_id is None:
            return
        actor_id, event_id = item.data(Qt.ItemDataRole.UserRole), self.record_id
        names = (record_step_name(self.case, "actors", actor_id), record_step_name(self.case, "events", event_id))
        push(self.inspector.selection.undo_stack, Operation(
            self.case, f"Remove {names[0]} from {names[1]}",
            lambda case: ops.unlink(case, "event_actors", {"event_id": event_id, "actor_id": actor_id})))


class ActorForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "actors")
        self.line("name", "Name")
        self.choice("kind", "Kind", {kind: kind for kind in ACTOR_KINDS}, editable=True)
        self.aliases = AliasEditor(self, lambda: self.commit("aliases"))
        self._row("aliases", "Also known as", self.aliases, self.aliases.value, self.aliases.set_value)
        self.text("description", "Description", 80)
        self.tag_line()
        self.duplicate = QLabel(self)
        self.duplicate.setTextFormat(Qt.TextFormat.PlainText)
        self.duplicate.setWordWrap(True)
        self.duplicate.setObjectName("actors_duplicate")
        self.merge = QPushButton("Merge that actor into this one", self)
        self.merge.setObjectName("actors_merge")
        self.merge.clicked.connect(self._merge)
        self.layout_.addRow("", self.duplicate)
        self.layout_.addRow("", self.merge)
        self.twins: list[dict[str, Any]] = []
        self.attributes = self.section("Attributes", "attributes")
        self.attributes.button("Add\u2026", self._add_attribute, "actors_add_attribute")
        self.attributes.button("Edit\u2026", self._edit_attribute, "actors_edit_attribute", needs_item=True)
        self.attributes.button("Remove", self._remove_attribute, "actors_remove_attribute", needs_item=True)
        self.attributes.buttons.addStretch(1)
        self.attributes.list.itemDoubleClicked.connect(lambda _item: self._edit_attribute())
        self.attribute_rows: dict[str, dict[str, Any]] = {}
        self.cite_section()

    def after_load(self, row: dict[str, Any]) -> None:
        self.aliases.set_name(row["name"], row["kind"] == "person")
        # another actor with this name or an alias in any script or spelling (core.names)
        self.twins = same_name_actors(self.case, [row["name"], *aliases_of(row["aliases"])], exclude_id=row["id"])
        if self.twins:
            names = ", ".join(twin["name"] for twin in self.twins)
            self.duplicate.setText(f"Another actor has this name or alias: {names}. Same actor? Merge them.")
        self.duplicate.setVisible(bool(self.twins))
        self.merge.setVisible(bool(self.twins))
        self.merge.setEnabled(not self.case.read_only)
        rows = attributes_of(self.case, row["id"])
        self.attribute_rows = {attribute["id"]: attribute for attribute in rows}
        usual = [key for key, _type in template_for(row["kind"])]
        self.attributes.set_items([(f"{a['key']}: {a['value']}", a["id"]) for a in rows],
                                  empty=f"None yet. Usual for a {row['kind']}: {', '.join(usual[:4])}\u2026"
                                  if usual else "None yet.")

    def _add_attribute(self) -> bool:
        if self.record_id is None:
            return False
        from workbench.ui.attributes import AttributeDialog

        dialog = AttributeDialog(self, self.case, self.inspector.selection.undo_stack, self.record_id)
        return self.inspector.run_dialog(dialog) == QDialog.DialogCode.Accepted

    def _edit_attribute(self) -> bool:
        row = self.attribute_rows.get(self.attributes.current())
        if row is None or self.record_id is None:
            return False
        from workbench.ui.attributes import AttributeDialog

        dialog = AttributeDialog(self, self.case, self.inspector.selection.undo_stack, self.record_id, attribute=row)
        return self.inspector.run_dialog(dialog) == QDialog.DialogCode.Accepted

    def _remove_attribute(self) -> bool:
        row = self.attribute_rows.get(self.attributes.current())
        if row is None or self.record_id is None:
            return False
        text = f"Remove {quoted(row['key'])} of {record_step_name(self.case, 'actors', self.record_id)}"
        return push(self.inspector.selection.undo_stack,
                    delete_records(self.case, "actor_attributes", [row["id"]], text=text))

    def _merge(self) -> None:
        if not self.twins or self.record_id is None:
            return
        keep, other = self.record_id, self.twins[0]["id"]
        push(self.inspector.selection.undo_stack,
             Operation(self.case, f"Merge actor {self.twins[0]['name']}",
                      lambda case: merge_actors(case, keep, other)))


class RelationForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "relations")
        self.from_actor = self.actor_choice("from_actor_id", "From")
        self.line("kind", "Relation", "e.g. commands, member of, supports")
        self.to_actor = self.actor_choice("to_actor_id", "To")
        self.line("label", "Label", "wording shown on the chart (optional)")
        self.check("directed", "Directed")
        self.time("start", "From date", optional=True)
        self.time("end", "Until", optional=True)
        self.choice("confidence", "Confidence", {k: f"{k}: {v}" for k, v in CONFIDENCE_LEVELS.items()})
        self.tag_line()
        self.cite_section()

    def after_load(self, row: dict[str, Any]) -> None:
        zone = case_zone(self.case.meta("timezone"))
        for field in ("start", "end"):
            self.fields[field].zone = zone  # type: ignore[attr-defined]
            self.writers[field](row.get(field))
        actors = actor_choices(self.case)
        for combo, field in ((self.from_actor, "from_actor_id"), (self.to_actor, "to_actor_id")):
            combo.blockSignals(True)
            combo.clear()
            for actor in actors:
                combo.addItem(actor.name, actor.actor_id)
            self.name_completers[field].set_choices((a.actor_id, a.name, (a.name, *a.aliases)) for a in actors)
            combo.setCurrentIndex(combo.findData(row[field]))
            combo.blockSignals(False)


class SourceForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "sources")
        self.line("url", "URL", "https://...")
        self.line("title", "Title")
        self.line("publisher", "Publisher")
        self.line("language", "Language", "e.g. ru, be, en")
        self.time("published", "Published", optional=True, date_only=True)
        self.time("accessed", "Accessed", optional=True, date_only=True)
        self.choice("reliability", "Reliability", dict(RELIABILITY))
        self.tag_line()

    def after_load(self, row: dict[str, Any]) -> None:
        for field in ("published", "accessed"):
            self.fields[field].zone = case_zone(self.case.meta("timezone"))  # type: ignore[attr-defined]
            self.writers[field](row.get(field))


class CitationForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "citations")
        self.line("footnote", "Footnote")
        self.text("quote", "Quoted passage", 90)
        self.choice("credibility", "Credibility", dict(CREDIBILITY))


class PlaceForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "places")
        self.line("name", "Name")
        self.text("aliases", "Also known as\n(one per line)", 50)
        self.choice("kind", "Kind", {kind: kind for kind in ("", *PLACE_KINDS)}, editable=True)
        self.coordinate("lat", "Latitude", "lat")
        self.coordinate("lon", "Longitude", "lon")
        self.line("country", "Country", "two-letter code or name, e.g. BY")
        self.events = self.section("Events here", "events")
        self.events.button("Select these events", self._select_events, "places_select_events", edits=False)
        self.events.buttons.addStretch(1)

    def after_load(self, row: dict[str, Any]) -> None:
        rows = events_of_place(self.case, row["id"])
        self.events.set_items([(f"{title} ({PLACE_ROLES.get(role, role)})", event_id)
                               for event_id, title, role in rows], empty="No event is tied to this place yet.")

    def _select_events(self) -> int:
        ids = [self.events.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.events.list.count())]
        ids = [i for i in ids if i]
        if ids:
            self.inspector.selection.select("events", ids)
        return len(ids)


class NoteForm(RecordForm):
    def __init__(self, inspector: Inspector) -> None:
        super().__init__(inspector, "notes")
        self.text("text", "Note", 140)


FORMS: dict[str, type[RecordForm]] = {
    "events": EventForm, "actors": ActorForm, "relations": RelationForm, "sources": SourceForm,
    "citations": CitationForm, "places": PlaceForm, "notes": NoteForm,
}


class Inspector(QWidget):
    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.selection = selection
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("inspector_heading")
        self.forms = {table: form_type(self) for table, form_type in FORMS.items()}
        form_holder = QWidget(self)
        holder_layout = QVBoxLayout(form_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        for form in self.forms.values():
            form.hide()
            holder_layout.addWidget(form)
        holder_layout.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(form_holder)
        self.fields = QTreeWidget(self)
        self.fields.setObjectName("inspector_fields")
        self.fields.setColumnCount(2)
        self.fields.setHeaderLabels(["What it rests on", ""])
        self.fields.setRootIsDecorated(False)
        self.fields.setWordWrap(True)
        self.fields.setAlternatingRowColors(True)
        self.fields.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.header().setStretchLastSection(True)
        self.fields.setMinimumHeight(RESTS_ON_MIN)
        # The form first, with the room its fields need; "What it rests on" below it, resizable by its
        # handle. Once the analyst drags the handle, their split is kept.
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.setObjectName("inspector_split")
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.scroll)
        self.split.addWidget(self.fields)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 0)
        self.split_by_hand = False
        self.split.splitterMoved.connect(self._split_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addWidget(self.split, 1)
        selection.selection_changed.connect(self.show_selection)
        self.show_selection(selection.selection)

    @property
    def form(self) -> RecordForm | None:
        return next((form for form in self.forms.values() if not form.isHidden()), None)

    def _split_moved(self, _position: int, _index: int) -> None:
        self.split_by_hand = True

    def fit_split(self) -> None:
        """Give the form the height its fields need (scrolling beyond what the dock has, keeping at least
        RESTS_ON_MIN for "What it rests on"), the rest to "What it rests on"; a split made by hand stays."""
        total = sum(self.split.sizes())
        if self.split_by_hand or total <= 0:
            return
        holder = self.scroll.widget()
        holder.layout().activate()
        wanted = holder.sizeHint().height() + 2 * self.scroll.frameWidth()
        rests_on = max(RESTS_ON_MIN, total - wanted)
        self.split.setSizes([total - rests_on, rests_on])

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # In a narrow dock each label goes above its field, which then has the dock's whole width.
        policy = QFormLayout.RowWrapPolicy.WrapAllRows if self.width() < WIDE_FORM else \
            QFormLayout.RowWrapPolicy.DontWrapRows
        for form in self.forms.values():
            if form.layout_.rowWrapPolicy() != policy:
                form.layout_.setRowWrapPolicy(policy)
        self.fit_split()

    def reveal(self, widget: QWidget) -> None:
        """Scroll the form so that `widget` (a reason just shown beside its field) is in sight."""
        holder = self.scroll.widget()
        if holder is not None and holder.isAncestorOf(widget):
            holder.layout().activate()
            for form in self.forms.values():
                form.layout().activate()
            self.scroll.ensureWidgetVisible(widget, 10, 10)

    def run_dialog(self, dialog: QDialog) -> int:
        """Show a modal dialog of the inspector's (cite, place, attribute) and say how it ended."""
        return dialog.exec()

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.show_selection(self.selection.selection)

    depends_on = frozenset({"events", "actors", "relations", "sources", "citations", "notes", "places",
                            "event_actors", "event_places", "tags", "meta", "actor_attributes"})

    def case_changed(self, changes: Changes) -> None:
        self.show_selection(self.selection.selection)

    def show_selection(self, selection: Selection, _origin: object = None) -> None:
        self.fields.clear()
        table = selection.table if selection else ""
        for name, form in self.forms.items():
            form.setVisible(name == table and self.case is not None)
        if self.case is None:
            self.heading.setText("No case is open.")
            return
        if not selection:
            self.heading.setText("Select an event, actor, relation or source to see and edit it.")
            return
        noun = NOUNS.get(selection.table, "record")
        if len(selection.ids) > 1:
            self.heading.setText(f"{len(selection.ids)} {noun}s selected; showing the first.")
        else:
            self.heading.setText(f"Selected {noun}" + (" (read-only case)" if self.case.read_only else ""))
        if self.case.get(selection.table, selection.ids[0]) is None:
            self.heading.setText(f"The selected {noun} is no longer in the case.")
            for form in self.forms.values():
                form.hide()
            return
        if selection.table in self.forms:
            self.forms[selection.table].load(selection.ids[0])
            self.fit_split()
        if selection.table in ("events", "actors", "relations", "sources"):
            for label, value in details(self.case, selection.table, selection.ids[0]):
                item = QTreeWidgetItem([label, value])
                item.setToolTip(1, tip(value))
                self.fields.addTopLevelItem(item)

    def rows(self) -> list[tuple[str, str]]:
        """What the evidence list shows, for tests and copying."""
        return [(self.fields.topLevelItem(i).text(0), self.fields.topLevelItem(i).text(1))
                for i in range(self.fields.topLevelItemCount())]


def describe_citation(row: dict[str, Any]) -> str:
    """'B2 BelTA: Talks in Sochi, p. 4, read 2020-08-16 — “passage”': one citation as the inspector lists it."""
    grade = f"{row['reliability']}{row['credibility']}"
    name = row["title"] or row["url"] or "untitled source"
    if row["publisher"] and row["publisher"] not in name:
        name = f"{row['publisher']}: {name}"
    parts = [f"{grade} {name}"]
    if row["footnote"]:
        parts.append(f"footnote {row['footnote']}")
    if row["locator"]:
        parts.append(row["locator"])
    if row["accessed"]:
        parts.append(f"read {row['accessed']}")
    text = ", ".join(parts)
    if row["quote"]:
        quote = " ".join(row["quote"].split())
        cut = quote[:160] + ("\u2026" if len(quote) > 160 else "")
        text += f"\n\u201c{cut}\u201d"
    return text


def confirm(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
