"""Encrypted cases in the window: the password asked when one opens (a wrong one said and asked again), New Case's
password fields, and File > Encrypt Case…, Change Password… and Remove Encryption… (core.store.encryption).

The password goes from the field to core's memory (`cipher.unlock`) and nowhere else: not the settings, not the
recent files, not a log.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import CaseError
from workbench.core.progress import Progress
from workbench.core.store import WrongPassword, cipher
from workbench.core.store.encryption import change_password, decrypt_case, encrypt_case
from workbench.ui.plaintext import warn
from workbench.ui.tasks import runner

EMPTY = "An empty password encrypts nothing; type one."
DIFFERENT = "The two passwords differ; type them again."


def password_field(parent: QWidget, name: str) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def plain_label(parent: QWidget, name: str, text: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # file names are untrusted
    label.setWordWrap(True)
    return label


class NewPasswordFields(QWidget):
    """A new password typed twice; `problem()` says why it cannot be used (empty, or the two differ)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = password_field(self, "new_password")
        self.again = password_field(self, "new_password_again")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for text, field in (("Password:", self.first), ("Again:", self.again)):
            label = QLabel(text, self)
            label.setStyleSheet("QLabel { border: none; }")  # a refused password outlines the fields, not these
            form.addRow(label, field)

    def password(self) -> str:
        return self.first.text()

    def problem(self) -> str | None:
        if not self.first.text():
            return EMPTY
        if self.first.text() != self.again.text():
            return DIFFERENT
        return None

    def clear(self) -> None:
        self.first.clear()
        self.again.clear()


class PasswordDialog(QDialog):
    """Asks for a password. `check(password)` returns None when it is right, else the sentence to show; the
    dialog stays open for another try until it is right or cancelled. With `new`, a new password is asked twice
    (and, with `current`, the current one first)."""

    def __init__(self, parent: QWidget | None, title: str, text: str, check: Callable[[str], str | None] | None = None,
                 new: bool = False, current: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("password_dialog")
        self.setWindowTitle(title)
        self.check = check
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self, "password_text", text))
        form = QFormLayout()
        self.current = password_field(self, "password") if current else None
        if self.current is not None:
            form.addRow("Current password:" if new else "Password:", self.current)
        layout.addLayout(form)
        self.new_fields = NewPasswordFields(self) if new else None
        if self.new_fields is not None:
            layout.addWidget(self.new_fields)
        self.problem = plain_label(self, "password_problem")
        self.problem.setStyleSheet("QLabel { color: #b00020; }")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(440, self.sizeHint().height())

    def accept(self) -> None:
        problem = None
        if self.current is not None and self.check is not None:
            problem = self.check(self.current.text())
        if problem is None and self.new_fields is not None:
            problem = self.new_fields.problem()
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            if self.current is not None and self.new_fields is None or problem not in (EMPTY, DIFFERENT):
                if self.current is not None:
                    self.current.clear()
                    self.current.setFocus()
            elif self.new_fields is not None:
                self.new_fields.clear()
                self.new_fields.first.setFocus()
            return
        super().accept()

    def new_password(self) -> str:
        return self.new_fields.password() if self.new_fields is not None else ""


def unlocker(path: Path) -> Callable[[str], str | None]:
    """A check that tries a password on the case at `path` and remembers it (in memory) when right."""
    def check(password: str) -> str | None:
        try:
            cipher.unlock(path, password)
        except WrongPassword:
            return "That password does not open this case; try again."
        except CaseError as error:
            return str(error)
        return None

    return check


def ask_to_unlock(parent: QWidget | None, path: Path) -> bool:
    """Ask for the password of the encrypted case at `path` until it is right (True) or the analyst cancels."""
    cipher.forget_password(path)
    dialog = PasswordDialog(parent, "Encrypted case", f"{path.name} is encrypted. Type its password to open it.",
                            check=unlocker(path))
    return dialog.exec() == QDialog.DialogCode.Accepted


def install(window: Any, file_menu: QMenu, before: QAction) -> None:
    """File > Encrypt Case…, Change Password…, Remove Encryption…, placed before `before`."""
    window.encrypt_action = QAction("E&ncrypt Case\u2026", window)
    window.encrypt_action.setStatusTip("Encrypt this case file with a password (SQLCipher)")
    window.encrypt_action.triggered.connect(lambda: encrypt_open_case(window))
    window.change_password_action = QAction("Change Pass&word\u2026", window)
    window.change_password_action.setStatusTip("Give this encrypted case a new password")
    window.change_password_action.triggered.connect(lambda: change_open_case_password(window))
    window.remove_encryption_action = QAction("Remove Encr&yption\u2026", window)
    window.remove_encryption_action.setStatusTip("Make this case a plain, unencrypted file again")
    window.remove_encryption_action.triggered.connect(lambda: remove_open_case_encryption(window))
    for action in (window.encrypt_action, window.change_password_action, window.remove_encryption_action):
        file_menu.insertAction(before, action)
    update_actions(window)


def update_actions(window: Any) -> None:
    case = window.case
    writable = case is not None and not case.read_only
    window.encrypt_action.setEnabled(writable and not case.encrypted)
    window.change_password_action.setEnabled(writable and case.encrypted)
    window.remove_encryption_action.setEnabled(writable and case.encrypted)


def _current_check(window: Any) -> Callable[[str], str | None]:
    known = window.case.key

    def check(password: str) -> str | None:
        return None if password == known else "That is not this case's password; try again."

    return check


NO_UNDO = "The case is closed and opened again, so what Undo could take back so far is forgotten."


def encrypt_open_case(window: Any, dialog: PasswordDialog | None = None) -> bool:
    """File > Encrypt Case…: a new password, typed twice; the case is rewritten encrypted and opened again."""
    if window.case is None or window.case.encrypted or window.case.read_only:
        return False
    dialog = dialog or PasswordDialog(
        window, "Encrypt case", f"Encrypt {window.case.path.name} with a password. Without it nobody can open the "
        f"file, and nobody can recover a forgotten password. {NO_UNDO}", new=True, current=False)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    password = dialog.new_password()
    return _rewrite(window, "Encrypting", lambda path, progress: encrypt_case(path, password, progress))


def change_open_case_password(window: Any, dialog: PasswordDialog | None = None) -> bool:
    """File > Change Password…: the current password, then the new one twice."""
    if window.case is None or not window.case.encrypted or window.case.read_only:
        return False
    dialog = dialog or PasswordDialog(window, "Change password", f"A new password for {window.case.path.name}. "
                                      f"{NO_UNDO}", check=_current_check(window), new=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    password = dialog.new_password()
    return _rewrite(window, "Changing the password of",
                    lambda path, progress: change_password(path, password, progress=progress))


def remove_open_case_encryption(window: Any, dialog: PasswordDialog | None = None) -> bool:
    """File > Remove Encryption…: the current password, then the case is rewritten as a plain file."""
    if window.case is None or not window.case.encrypted or window.case.read_only:
        return False
    dialog = dialog or PasswordDialog(
        window, "Remove encryption", f"Remove the encryption of {window.case.path.name}: anyone who has the file "
        f"will be able to read it. Type its password to go on. {NO_UNDO}", check=_current_check(window))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return _rewrite(window, "Removing the encryption of", lambda path, progress: decrypt_case(path, progress=progress))


def _rewrite(window: Any, doing: str, work: Callable[[Path, Progress], str]) -> bool:
    """Close the case (nothing may hold it while its file is replaced), rewrite it off the UI thread, open it again
    (the old file when the rewrite failed, which leaves it whole)."""
    path = window.case.path
    read_only = window.case.read_only
    key = window.case.key
    window.set_case(None)
    if key is not None:
        cipher.remember_password(path, key)  # set_case forgot it with the closed case; the rewrite needs it
    outcome = runner().run_modal(window, f"{doing} {path.name}\u2026", lambda progress: work(path, progress),
                                 failure=f"Cannot rewrite {path.name}")
    if outcome.error:
        warn(window, "Cannot rewrite the case", outcome.error)
    elif outcome.cancelled:
        window.statusBar().showMessage(f"Cancelled; {path.name} is unchanged.", 10_000)
    opened = window.open_path(path, read_only)
    if outcome.ok and opened:
        window.statusBar().showMessage(str(outcome.result), 15_000)
    return outcome.ok and opened
