"""A form whose fields each carry their reason beside them: what the core refuses is shown under the field
that holds it, in red, and the field is outlined, never in a box that hides the form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

ERROR_STYLE = "QLabel { color: #b00020; }"
BAD_FIELD = "border: 1px solid #b00020;"


class CheckedForm(QFormLayout):
    """Rows of (label, field, reason); `show_problems({field: why})` marks each, '' or {} clears."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.on_mark: Callable[[QWidget], None] | None = None  # e.g. scroll the reason into view

    def add(self, field: str, label: str, widget: QWidget, owner: QWidget | None = None) -> QWidget:
        """Add a row; `widget` is what the reason outlines (`owner`, when given, is what the row shows)."""
        holder = QWidget(self.parentWidget())
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(owner or widget)
        error = QLabel(holder)
        error.setObjectName(f"{field}_error")
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        error.hide()
        column.addWidget(error)
        self.addRow(label, holder)
        widget.setObjectName(widget.objectName() or field)
        self.fields[field], self.errors[field] = widget, error
        return widget

    def mark(self, field: str, reason: str) -> None:
        error = self.errors[field]
        error.setText(reason)
        error.setVisible(bool(reason))
        self.fields[field].setStyleSheet(BAD_FIELD if reason else "")
        if reason and self.on_mark is not None:
            self.on_mark(error)

    def show_problems(self, found: dict[str, str], fallback: str = "") -> None:
        """Mark each field `found` names and clear the others; a reason for a field this form does not
        have goes beside `fallback` (or the first field)."""
        stray = [why for field, why in found.items() if field not in self.fields]
        for field in self.fields:
            self.mark(field, found.get(field, ""))
        if stray:
            target = fallback if fallback in self.fields else next(iter(self.fields))
            self.mark(target, "; ".join(filter(None, [found.get(target, ""), *stray])))

    def problems_shown(self) -> dict[str, str]:
        return {field: error.text() for field, error in self.errors.items() if not error.isHidden()}


def scrolled(widget: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """`widget` in a scroll area that gives it its width: a long form scrolls, it is never squeezed."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


def ok_cancel(dialog: QDialog, ok_text: str = "") -> QDialogButtonBox:
    """The dialog's OK and Cancel buttons, wired to accept and reject; `ok_text` names what OK does."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    if ok_text:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
