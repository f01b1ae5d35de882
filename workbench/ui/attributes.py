"""The attribute dialog: one typed key-value fact about an actor (date of birth, rank, garrison, phone),
with the keys its kind usually has suggested and the value checked for its type beside the field."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from workbench.core.attributes import ATTRIBUTE_TYPES, suggested_type, template_for
from workbench.core.ops.attributes import attributes_of, set_attribute
from workbench.core.rules import InvalidRecord
from workbench.core.store import Case, CaseError
from workbench.ui.checked_form import CheckedForm, ok_cancel
from workbench.ui.commands import Operation, push, quoted, record_step_name


class AttributeDialog(QDialog):
    """Add an attribute to `actor_id`, or edit `attribute` (a row of `attributes_of`); one undo step."""

    def __init__(self, parent: QWidget | None, case: Case, stack: QUndoStack | None, actor_id: str,
                 attribute: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attribute_dialog")
        self.case, self.stack, self.actor_id, self.attribute = case, stack, actor_id, attribute
        actor = case.get("actors", actor_id) or {}
        self.kind = actor.get("kind", "")
        self.actor_name = record_step_name(case, "actors", actor_id)
        self.setWindowTitle(f"{'Edit' if attribute else 'Add'} attribute of {self.actor_name}")
        self.form = CheckedForm()
        self.key = QComboBox(self)
        self.key.setObjectName("attribute_key")
        self.key.setEditable(True)
        have = {row["key"] for row in attributes_of(case, actor_id)}
        suggestions = [key for key, _type in template_for(self.kind) if key not in have]
        self.key.addItems(suggestions)
        self.key.lineEdit().setPlaceholderText("e.g. date of birth, rank, phone")
        self.form.add("key", "Attribute", self.key)
        self.type = QComboBox(self)
        self.type.setObjectName("attribute_type")
        for value_type in ATTRIBUTE_TYPES:
            self.type.addItem(value_type, value_type)
        self.form.add("type", "Type", self.type)
        self.value = QLineEdit(self)
        self.value.setObjectName("attribute_value")
        self.form.add("value", "Value", self.value)
        self.hint = QLabel(self)
        self.hint.setObjectName("attribute_hint")
        self.hint.setStyleSheet("QLabel { color: #555; }")
        self.hint.setWordWrap(True)
        buttons = ok_cancel(self)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        if suggestions and attribute is None:
            usual = QLabel(f"Usual for a {self.kind}: {', '.join(suggestions)}.", self)
            usual.setWordWrap(True)
            layout.addWidget(usual)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.key.currentTextChanged.connect(self._key_changed)
        self.type.currentIndexChanged.connect(self._type_changed)
        if attribute is not None:
            self.key.setCurrentText(attribute["key"])
            self.type.setCurrentIndex(self.type.findData(attribute["type"]))
            self.value.setText(attribute["value"])
        else:
            self.key.setCurrentText(suggestions[0] if suggestions else "")
            self._key_changed(self.key.currentText())
        self._type_changed()
        self.command: Operation | None = None
        self.resize(460, self.sizeHint().height())

    def _key_changed(self, key: str) -> None:
        if self.attribute is None:  # a template's key brings its type; the analyst may still change it
            self.type.setCurrentIndex(self.type.findData(suggested_type(self.kind, key)))

    def _type_changed(self, *_args: object) -> None:
        self.hint.setText(ATTRIBUTE_TYPES.get(self.type.currentData(), ""))

    def build(self) -> Operation:
        case, actor_id = self.case, self.actor_id
        key, value_type, value = self.key.currentText(), self.type.currentData(), self.value.text()
        attribute_id = self.attribute["id"] if self.attribute else None
        verb = "Edit" if attribute_id else "Add"
        return Operation(case, f"{verb} {quoted(key.strip() or 'attribute')} of {self.actor_name}",
                         lambda c: set_attribute(c, actor_id, key, value_type, value, attribute_id=attribute_id))

    def accept(self) -> None:
        command = self.build()
        try:
            written = push(self.stack, command)
        except InvalidRecord as refusal:
            self.form.show_problems(refusal.problems, fallback="value")
            return
        except (CaseError, ValueError) as error:
            self.form.show_problems({"value": str(error)})
            return
        if written:
            self.command = command
            super().accept()
