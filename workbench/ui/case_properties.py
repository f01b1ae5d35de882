"""File > Case Properties (and the questions New Case asks): title, analyst, time zone, classification
marking with handling caveats, description. Each changed property is one undo step, audited."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from PySide6.QtCore import QStringListModel, Qt, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.core.marking import CAVEAT_PRESETS, LEVELS, banner_colours, banner_text, compose_marking, split_marking
from workbench.core.ops import META_KEYS, clean_meta, meta_problem
from workbench.core.store import Case
from workbench.ui.checked_form import CheckedForm, ok_cancel
from workbench.ui.commands import push, quoted, set_meta

# Properties in the order the dialog asks for them; each is one undo step when changed.
ASKED = ("title", "analyst", "timezone", "classification", "description")
NAMES = {"title": "title", "analyst": "analyst", "timezone": "time zone", "classification": "classification marking",
         "description": "description"}


@cache
def zone_names() -> list[str]:
    """Every IANA zone this machine knows, UTC first: what the time zone field searches."""
    names = sorted(name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/")))
    return ["UTC", *names]


def zone_hint(name: str) -> str:
    """'UTC+03:00 now' for a known zone; '' otherwise."""
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(name)).strftime("%z")
    except (ValueError, KeyError, OSError):
        return ""
    return f"UTC{offset[:3]}:{offset[3:]} now" if offset else ""


class CasePropertiesDialog(QDialog):
    """The case's properties as fields; `values()` gives them as stored, `accept` refuses bad ones beside
    their field."""

    def __init__(self, parent: QWidget | None, current: dict[str, str], new: bool = False) -> None:
        super().__init__(parent)
        self.new = new
        self.setObjectName("case_properties")
        self.setWindowTitle("New case" if new else "Case properties")
        self.current = dict(current)
        self.form = CheckedForm()
        self.title = QLineEdit(current.get("title", ""))
        self.form.add("title", "Title", self.title)
        self.analyst = QLineEdit(current.get("analyst", ""))
        self.analyst.setPlaceholderText("who leads the case")
        self.form.add("analyst", "Analyst", self.analyst)
        self.timezone = QLineEdit(current.get("timezone", "UTC") or "UTC")
        self.timezone.setPlaceholderText("type to search, e.g. Minsk, Berlin, UTC")
        completer = QCompleter(QStringListModel(zone_names(), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.timezone.setCompleter(completer)
        self.zone_hint = QLabel(self)
        self.zone_hint.setObjectName("zone_hint")
        zone_box = QWidget(self)
        zone_row = QGridLayout(zone_box)
        zone_row.setContentsMargins(0, 0, 0, 0)
        zone_row.addWidget(self.timezone, 0, 0)
        zone_row.addWidget(self.zone_hint, 0, 1)
        zone_row.setColumnStretch(0, 1)
        self.form.add("timezone", "Time zone", self.timezone, owner=zone_box)
        self.timezone.textChanged.connect(self._zone_changed)

        level, caveats = split_marking(current.get("classification", "UNCLASSIFIED") or "UNCLASSIFIED")
        self.level = QComboBox(self)
        self.level.addItems(LEVELS)
        if level and level not in LEVELS:  # a marking from elsewhere: shown as it is, refused only if kept and changed
            self.level.addItem(level)
        self.level.setCurrentText(level or LEVELS[0])
        self.presets: dict[str, QCheckBox] = {}
        marking_box = QWidget(self)
        grid = QGridLayout(marking_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.level, 0, 0, 1, 4)
        for number, preset in enumerate(CAVEAT_PRESETS):
            box = QCheckBox(preset, marking_box)
            box.setObjectName(f"caveat_{number}")
            box.setChecked(preset in caveats)
            box.toggled.connect(self._marking_changed)
            self.presets[preset] = box
            grid.addWidget(box, 1 + number // 4, number % 4)
        self.caveats = QLineEdit(" // ".join(c for c in caveats if c not in CAVEAT_PRESETS), marking_box)
        self.caveats.setObjectName("caveats")
        self.caveats.setPlaceholderText("other caveats, separated by //  (e.g. REL TO USA, GBR)")
        grid.addWidget(self.caveats, 2 + (len(CAVEAT_PRESETS) - 1) // 4, 0, 1, 4)
        self.banner = QLabel(marking_box)
        self.banner.setObjectName("banner_preview")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.banner, 3 + (len(CAVEAT_PRESETS) - 1) // 4, 0, 1, 4)
        self.form.add("classification", "Classification", self.level, owner=marking_box)
        self.level.currentTextChanged.connect(self._marking_changed)
        self.caveats.textChanged.connect(self._marking_changed)

        self.description = QPlainTextEdit(current.get("description", ""))
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(90)
        self.form.add("description", "Description", self.description)

        self.encrypt = None
        if new:  # an encrypted case is made so from the start (File > Encrypt Case… encrypts one later)
            from workbench.ui.encryption import NewPasswordFields

            self.encrypt = QCheckBox("Encrypt this case with a password", self)
            self.encrypt.setObjectName("encrypt")
            self.password_fields = NewPasswordFields(self)
            self.password_fields.hide()
            self.encrypt.toggled.connect(self.password_fields.setVisible)
            self.form.add("password", "Encryption", self.encrypt)
            self.form.add("password_fields", "", self.password_fields)

        self.note = QLabel(self)  # what a change of time zone does, said before it is made
        self.note.setObjectName("zone_note")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        buttons = ok_cancel(self)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())
        self._zone_changed(self.timezone.text())
        self._marking_changed()

    def marking(self) -> str:
        chosen = [preset for preset, box in self.presets.items() if box.isChecked()]
        return compose_marking(self.level.currentText(), [*chosen, *self.caveats.text().split("//")])

    def values(self) -> dict[str, str]:
        """Every asked property as it would be stored."""
        typed = {"title": self.title.text(), "analyst": self.analyst.text(), "timezone": self.timezone.text(),
                 "classification": self.marking(), "description": self.description.toPlainText()}
        return {key: clean_meta(key, value) for key, value in typed.items()}

    def changed(self) -> dict[str, str]:
        """The properties whose values differ from the case's."""
        # compared as stored: 'UNCLASSIFIED // SAMPLE CASE' left as it was is no change
        return {key: value for key, value in self.values().items()
                if value != clean_meta(key, self.current.get(key, "") or "")}

    def problems(self) -> dict[str, str]:
        """Why a property cannot be stored; a case's own unchanged value (a marking made elsewhere) is left be."""
        values = self.values()
        check = values if self.new else self.changed()
        return {key: why for key in check if (why := meta_problem(key, values[key]))}

    def accept(self) -> None:
        found = self.problems()
        if self.encrypt is not None and self.encrypt.isChecked() and self.password_fields.problem():
            found["password_fields"] = self.password_fields.problem()
        self.form.show_problems(found)
        if not found:
            super().accept()

    def _zone_changed(self, text: str) -> None:
        name = text.strip()
        self.zone_hint.setText(zone_hint(name))
        before = self.current.get("timezone", "")
        if before and name != before and meta_problem("timezone", name) is None:
            self.note.setText(f"Times will be shown in {name} instead of {before}. No stored time changes: "
                              "each event keeps its moment, only its local reading moves.")
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))

    def _marking_changed(self, *_args: object) -> None:
        marking = self.marking()
        background, foreground = banner_colours(marking)
        self.banner.setText(banner_text(marking))
        self.banner.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; font-weight: bold; "
                                  "padding: 2px; }")


def current_properties(case: Case) -> dict[str, str]:
    """The case's properties as the dialog shows them."""
    return {key: case.meta(key) for key in META_KEYS}


def apply_properties(window: Any, changed: dict[str, str]) -> int:
    """Write each changed property as its own undo step (audited by the case); returns the steps made.

    `window` is the MainWindow (not imported here: it imports this module when the menu is used).

    A new time zone re-draws every local time (the views hear the meta change) and the status bar says
    that the stored instants stayed as they were.
    """
    case = window.case
    if case is None or case.read_only:
        return 0
    made = 0
    for key in ASKED:
        if key in changed:
            shown = changed[key].splitlines()[0] if changed[key] else "nothing"
            made += push(window.undo_stack, set_meta(case, key, changed[key],
                                                     text=f"Change case {NAMES[key]} to {quoted(shown)}"))
    if "timezone" in changed:
        window.statusBar().showMessage(f"Times are now shown in {changed['timezone']}; no stored time changed.",
                                       15_000)
    return made


def edit_case_properties(window: Any) -> int:
    """File > Case Properties: the dialog, then one undo step per changed property."""
    if window.case is None:
        return 0
    dialog = CasePropertiesDialog(window, current_properties(window.case))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not window.case.read_only)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    return apply_properties(window, dialog.changed())


def ask_new_case(window: QWidget, title: str, analyst: str) -> dict[str, str] | None:
    """What New Case asks before it creates the file: every property, checked; None when cancelled."""
    zone = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")  # the computer's own zone
    zone = zone if meta_problem("timezone", zone) is None else "UTC"
    dialog = CasePropertiesDialog(window, {"title": title, "analyst": analyst, "timezone": zone,
                                           "classification": "UNCLASSIFIED", "description": ""}, new=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    values = dialog.values()
    if dialog.encrypt is not None and dialog.encrypt.isChecked():
        values["password"] = dialog.password_fields.password()  # to create_case, in memory only
    return values
