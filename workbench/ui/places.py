"""Places by hand: the place dialog (name, other names, kind, coordinates typed as decimal degrees or
degrees-minutes-seconds and checked as typed, country; for an event, its role) and Edit > Places, the
list of every place to create, edit, delete and select the events at."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.geo import CoordinateError, format_degrees, format_dms, parse_coordinate
from workbench.core.model import PLACE_KINDS, PLACE_ROLES, aliases_of
from workbench.core.ops.actors import describe_dependents
from workbench.core.ops.places import add_place, edit_place, events_at, place_values
from workbench.core.rules import InvalidRecord
from workbench.core.store import Case, CaseError
from workbench.ui.checked_form import CheckedForm, ok_cancel
from workbench.ui.commands import Operation, delete_records, push, record_step_name, step_name
from workbench.ui.plaintext import tip


class CoordinateField(QWidget):
    """A latitude or longitude typed as decimal degrees or DMS, with what it reads as shown beside it."""

    def __init__(self, axis: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = axis
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"place_{axis}")
        self.edit.setPlaceholderText("53.9 or 53°54′N" if axis == "lat" else "27.5667 or 27°34′E")
        self.reading = QLabel(self)
        self.reading.setObjectName(f"place_{axis}_reading")
        self.reading.setStyleSheet("QLabel { color: #555; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.reading)
        self.edit.textChanged.connect(self._read)

    def set_value(self, value: float | None) -> None:
        self.edit.setText("" if value is None else format_degrees(value))

    def text(self) -> str:
        return self.edit.text()

    def _read(self, text: str) -> None:
        try:
            value = parse_coordinate(text, self.axis) if text.strip() else None
        except CoordinateError:
            value = None
        self.reading.setText("" if value is None else f"= {format_dms(value, self.axis)}")


class PlaceDialog(QDialog):
    """Create a place (tied to `event_id` in a role, when given) or edit `place_id`; one undo step."""

    def __init__(self, parent: QWidget | None, case: Case, stack: QUndoStack | None, place_id: str | None = None,
                 event_id: str | None = None, name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("place_dialog")
        self.case, self.stack, self.place_id, self.event_id = case, stack, place_id, event_id
        row = case.get("places", place_id) if place_id else None
        self.setWindowTitle(f"Edit {step_name(case, 'places', row)}" if row else "New place")
        self.form = CheckedForm()
        self.name = QLineEdit(row["name"] if row else name, self)
        self.form.add("name", "Name", self.name)
        self.aliases = QPlainTextEdit("\n".join(aliases_of(row["aliases"])) if row else "", self)
        self.aliases.setTabChangesFocus(True)
        self.aliases.setFixedHeight(54)
        self.aliases.setPlaceholderText("other names, one per line (Брэст, Brześć)")
        self.form.add("aliases", "Also known as", self.aliases)
        self.kind = QComboBox(self)
        self.kind.setEditable(True)
        self.kind.addItems(["", *PLACE_KINDS])
        self.kind.setCurrentText(row["kind"] if row else "")
        self.form.add("kind", "Kind", self.kind)
        self.lat, self.lon = CoordinateField("lat", self), CoordinateField("lon", self)
        self.form.add("lat", "Latitude", self.lat.edit, owner=self.lat)
        self.form.add("lon", "Longitude", self.lon.edit, owner=self.lon)
        if row:
            self.lat.set_value(row["lat"])
            self.lon.set_value(row["lon"])
        self.country = QLineEdit(row["country"] if row else "", self)
        self.country.setPlaceholderText("two-letter code or name, e.g. BY")
        self.form.add("country", "Country", self.country)
        self.role: QComboBox | None = None
        if event_id is not None and row is None:
            self.role = QComboBox(self)
            for role, text in PLACE_ROLES.items():
                self.role.addItem(text, role)
            self.form.add("role", "Role in the event", self.role)
            self.setWindowTitle(f"New place for {record_step_name(case, 'events', event_id)}")
        buttons = ok_cancel(self)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.command: Operation | None = None
        self.resize(480, self.sizeHint().height())

    def build(self) -> Operation:
        """The one undo step of the dialog's values; InvalidRecord names each field that is wrong."""
        values = place_values(self.name.text(), self.aliases.toPlainText(), self.kind.currentText(),
                              self.lat.text(), self.lon.text(), self.country.text())
        if self.place_id is not None:
            place_id = self.place_id
            return Operation(self.case, f"Edit {record_step_name(self.case, 'places', place_id)}",
                             lambda c: edit_place(c, place_id, values))
        event_id, role = self.event_id, self.role.currentData() if self.role is not None else "location"
        text = f"Add place {values['name']!r}" + (
            f" to {record_step_name(self.case, 'events', event_id)}" if event_id else "")
        return Operation(self.case, text, lambda c: add_place(c, values, event_id=event_id, role=role))

    def accept(self) -> None:
        try:
            command = self.build()
            written = push(self.stack, command)
        except InvalidRecord as refusal:
            self.form.show_problems(refusal.problems, fallback="name")
            return
        except (CaseError, ValueError) as error:
            self.form.show_problems({"name": str(error)})
            return
        if written:
            self.command = command
            super().accept()


class PlacesDialog(QDialog):
    """Edit > Places: every place of the case with its kind, coordinates and events; new, edit, delete,
    and select the events at a place (the timeline and lists show them)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("places_dialog")
        self.setWindowTitle("Places")
        self.window_ = window
        self.filter = QLineEdit(self)
        self.filter.setObjectName("places_filter")
        self.filter.setPlaceholderText("Filter places\u2026")
        self.filter.setClearButtonEnabled(True)
        self.list = QTreeWidget(self)
        self.list.setObjectName("places_list")
        self.list.setHeaderLabels(["Place", "Kind", "Coordinates", "Events"])
        self.list.setRootIsDecorated(False)
        self.list.setSortingEnabled(True)
        self.new_button = QPushButton("New\u2026", self)
        self.edit_button = QPushButton("Edit\u2026", self)
        self.delete_button = QPushButton("Delete", self)
        self.events_button = QPushButton("Select its events", self)
        self.events_button.setToolTip("Select every event at this place: the timeline and the lists show them")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button, self.events_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.new_button.clicked.connect(self.new_place)
        self.edit_button.clicked.connect(self.edit_place)
        self.delete_button.clicked.connect(self.delete_place)
        self.events_button.clicked.connect(self.select_events)
        self.list.itemDoubleClicked.connect(lambda _item, _column: self.edit_place())
        self.list.itemSelectionChanged.connect(self._enable)
        self.filter.textChanged.connect(self._apply_filter)
        window.signals.changed.connect(self._changed)
        self.resize(640, 420)
        self.reload()

    @property
    def case(self) -> Case | None:
        return self.window_.case

    def _changed(self, changes: Any) -> None:
        if changes.touches({"places", "event_places"}):
            self.reload()

    def reload(self) -> None:
        chosen = self.current()
        self.list.clear()
        case = self.case
        if case is None:
            self._enable()
            return
        for place in case.rows("places", order_by="name"):
            at = len(events_at(case, {place["id"]}))
            where = "" if place["lat"] is None else \
                f"{format_dms(place['lat'], 'lat')} {format_dms(place['lon'], 'lon')}"
            names = ", ".join(aliases_of(place["aliases"]))
            item = QTreeWidgetItem([place["name"] + (f" ({names})" if names else ""), place["kind"], where, str(at)])
            item.setData(0, Qt.ItemDataRole.UserRole, place["id"])
            item.setToolTip(0, tip(item.text(0)))
            self.list.addTopLevelItem(item)
            if place["id"] == chosen:
                item.setSelected(True)
        self._apply_filter(self.filter.text())
        self._enable()

    def current(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def _enable(self) -> None:
        editable = self.case is not None and not self.case.read_only
        chosen = self.current() is not None
        self.new_button.setEnabled(editable)
        self.edit_button.setEnabled(editable and chosen)
        self.delete_button.setEnabled(editable and chosen)
        self.events_button.setEnabled(chosen)

    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        for n in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(n)
            shown = " ".join(item.text(c) for c in range(3)).casefold()
            item.setHidden(not all(word in shown for word in words))

    def new_place(self) -> str | None:
        if self.case is None:
            return None
        dialog = PlaceDialog(self, self.case, self.window_.undo_stack)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.command is None:
            return None
        return dialog.command.result

    def edit_place(self) -> bool:
        place_id = self.current()
        if self.case is None or place_id is None:
            return False
        return PlaceDialog(self, self.case, self.window_.undo_stack, place_id=place_id).exec() == \
            QDialog.DialogCode.Accepted

    def delete_place(self) -> bool:
        place_id, case = self.current(), self.case
        if case is None or place_id is None:
            return False
        going = describe_dependents(case, "places", [place_id])
        name = record_step_name(case, "places", place_id)
        question = f"Delete the {name}?" + (f" Its {going} go with it." if going else "") + \
            " You can undo this with Ctrl+Z."
        if not self.window_.ask("Delete place", question):
            return False
        return push(self.window_.undo_stack, delete_records(case, "places", [place_id]))

    def select_events(self) -> int:
        place_id, case = self.current(), self.case
        if case is None or place_id is None:
            return 0
        events = sorted(events_at(case, {place_id}))
        if events:
            self.window_.selection.select("events", events)
        else:
            self.window_.statusBar().showMessage("No event is tied to this place yet.", 8000)
        return len(events)
