"""Name fields of the inspector: an actor's alias editor and the completer that finds an actor by any
spelling of a name or alias (both through core.names)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.names import NameIndex, fold, other_spellings
from workbench.ui.plaintext import tip

MOST_SUGGESTIONS = 3


class NameCompleter(QCompleter):
    """Completes a typed name with the actors it may mean, in any script or spelling: 'лукашенко'
    offers 'Aleksander Lukashenko (Лукашенко, Батька)'. Qt's own filtering compares letters, so the
    list is worked out by core.names on each keystroke and shown unfiltered."""

    def __init__(self, parent: QWidget) -> None:
        self.strings = QStringListModel(parent)
        super().__init__(self.strings, parent)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._index: NameIndex | None = NameIndex([])
        self._choices: list[tuple[str, str, Iterable[str]]] = []
        self.labels: dict[str, str] = {}  # record id -> the text a choice puts in the field
        self.edit: QLineEdit | None = None

    def attach(self, edit: QLineEdit, combo: QComboBox | None = None) -> None:
        """Complete in `edit` (a combo box's own line edit when `combo` is given)."""
        self.edit = edit
        if combo is not None:
            combo.setCompleter(self)
        else:
            edit.setCompleter(self)
        edit.textEdited.connect(self.update_choices)

    def set_choices(self, choices: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        """(record id, the text a choice shows, every name it answers to) of each record offered.
        The index is built on first use: a form loads on every selection, and most are never typed in."""
        self._choices = [(record_id, label, tuple(names)) for record_id, label, names in choices]
        self.labels = {record_id: label for record_id, label, _names in self._choices}
        self._index = None
        self.strings.setStringList([])

    @property
    def index(self) -> NameIndex:
        if self._index is None:
            self._index = NameIndex((record_id, list(names)) for record_id, _label, names in self._choices)
        return self._index

    def matches(self, text: str) -> list[str]:
        """The texts of the records `text` may mean, best first."""
        return [self.labels[match.record_id] for match in self.index.complete(text)]

    def update_choices(self, text: str) -> None:
        self.strings.setStringList(self.matches(text) if text.strip() else [])
        if self.strings.rowCount() and self.edit is not None and self.edit.hasFocus():
            self.complete()


class AliasEditor(QWidget):
    """An actor's other names, one per row, in any script: add (Enter or the button), remove, and
    take a suggested spelling in the other script. `changed` is called after each edit; the form
    writes the list as one undo step."""

    def __init__(self, parent: QWidget, changed: Callable[[], object]) -> None:
        super().__init__(parent)
        self.changed = changed
        self.name = ""
        self.person = False
        self.list = QListWidget(self)
        self.list.setObjectName("aliases_list")
        self.list.setMaximumHeight(84)
        self.entry = QLineEdit(self)
        self.entry.setObjectName("aliases_entry")
        self.entry.setPlaceholderText("another name, in any script (Лукашенко, Łukaszenka, Батька)")
        self.add_button = QPushButton("Add", self)
        self.add_button.setObjectName("aliases_add")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("aliases_remove")
        self.suggested = QLabel("Other script:", self)
        self.suggestions: list[QPushButton] = []
        self.suggestion_row = QHBoxLayout()
        self.suggestion_row.setContentsMargins(0, 0, 0, 0)
        self.suggestion_row.addWidget(self.suggested)
        for number in range(MOST_SUGGESTIONS):
            button = QPushButton(self)
            button.setObjectName(f"aliases_suggestion_{number}")
            button.setFlat(True)
            button.clicked.connect(lambda _checked=False, b=button: self.add(b.property("alias")))
            self.suggestions.append(button)
            self.suggestion_row.addWidget(button)
        self.suggestion_row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        column.addLayout(row)
        column.addLayout(self.suggestion_row)
        self.entry.returnPressed.connect(lambda: self.add(self.entry.text()))
        self.add_button.clicked.connect(lambda: self.add(self.entry.text()))
        self.remove_button.clicked.connect(self.remove)

    # the form's reader and writer: aliases one per line, as the other multi-line fields
    def value(self) -> str:
        return "\n".join(self.aliases())

    def set_value(self, text: str) -> None:
        self.list.clear()
        for alias in (text or "").split("\n"):
            if alias.strip():
                self.list.addItem(QListWidgetItem(alias.strip()))
        self._suggest()

    def set_name(self, name: str, person: bool = False) -> None:
        """The actor's own name (and whether a person's), which the suggestions spell in the other script."""
        self.name, self.person = name, person
        self._suggest()

    def aliases(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def add(self, alias: object) -> None:
        text = " ".join(str(alias or "").split())
        known = {fold(name) for name in [self.name, *self.aliases()]}
        if not text or fold(text) in known:
            self.entry.clear()
            return
        self.list.addItem(QListWidgetItem(text))
        self.entry.clear()
        self._suggest()
        self.changed()

    def remove(self) -> None:
        rows = sorted({index.row() for index in self.list.selectedIndexes()}, reverse=True)
        if not rows and self.list.currentRow() >= 0:
            rows = [self.list.currentRow()]
        for row in rows:
            self.list.takeItem(row)
        if rows:
            self._suggest()
            self.changed()

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802 - Qt override
        super().setEnabled(enabled)
        self._suggest()

    def _suggest(self) -> None:
        offered = other_spellings(self.name, self.aliases(), self.person) if self.isEnabled() else []
        offered = offered[:MOST_SUGGESTIONS]
        for number, button in enumerate(self.suggestions):
            alias = offered[number] if number < len(offered) else ""
            button.setText(f"+ {alias}".replace("&", "&&") if alias else "")  # no mnemonic from a name
            button.setProperty("alias", alias)
            button.setToolTip(tip(f"Add “{alias}” as an alias") if alias else "")
            button.setVisible(bool(alias))
        self.suggested.setVisible(bool(offered))
