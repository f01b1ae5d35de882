"""Encrypted cases in the window (issue 25): the password asked on open (a wrong one said, another try), New Case's
encryption, File > Encrypt Case… / Change Password… / Remove Encryption…, the export dialog's note, and the
password in no file the app writes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMessageBox

from workbench.core.store import SQLITE_MAGIC, cipher, create_case, open_case
from workbench.ui.case_properties import CasePropertiesDialog
from workbench.ui.encryption import PasswordDialog
from workbench.ui.main_window import MainWindow
from workbench.ui.sharing import ExportDialog

PASSWORD = "ui pass — пароль"
NEW_PASSWORD = "another one"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui-encrypted") / "secret.case"
    with create_case(path, "Secret case", key=PASSWORD) as case:
        case.insert("events", {"title": "An encrypted event", "start": "2020-08-15T10:00:00Z"})
    cipher.forget_password(path)
    return path


@pytest.fixture
def encrypted(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "secret.case"
    shutil.copy(template, path)
    return path


def answering(steps: list[Callable[[QDialog], bool]]) -> QTimer:
    """A timer that hands each modal dialog, as it comes up, to the next step (which says whether it is done with
    it); the steps run in order."""
    timer = QTimer()
    seen: list[QDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog) or not steps or (seen and seen[-1] is dialog and not dialog.isVisible()):
            return
        if steps[0](dialog):
            steps.pop(0)
            seen.append(dialog)

    timer.timeout.connect(answer)
    timer.start(30)
    return timer


def type_password(text: str, field: str = "password") -> Callable[[QDialog], bool]:
    def step(dialog: QDialog) -> bool:
        if not isinstance(dialog, PasswordDialog):
            return False
        dialog.findChild(QLineEdit, field).setText(text)
        dialog.accept()
        return True

    return step


def type_new_password(first: str, again: str | None = None, current: str | None = None) -> Callable[[QDialog], bool]:
    def step(dialog: QDialog) -> bool:
        if not isinstance(dialog, PasswordDialog):
            return False
        if current is not None:
            dialog.findChild(QLineEdit, "password").setText(current)
        dialog.findChild(QLineEdit, "new_password").setText(first)
        dialog.findChild(QLineEdit, "new_password_again").setText(first if again is None else again)
        dialog.accept()
        return True

    return step


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_opening_asks_for_the_password_and_gives_another_try(qtbot, encrypted: Path, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    before = encrypted.read_bytes()
    said: list[str] = []

    def wrong(dialog: QDialog) -> bool:
        assert isinstance(dialog, PasswordDialog) and "secret.case is encrypted" in dialog.findChild(
            QLabel, "password_text").text()
        dialog.findChild(QLineEdit, "password").setText("wrong")
        dialog.accept()  # refused: the dialog stays, saying why
        problem = dialog.findChild(QLabel, "password_problem")
        said.append(problem.text() if dialog.isVisible() and not problem.isHidden() else "")
        return True

    timer = answering([wrong, type_password(PASSWORD)])
    try:
        assert window.open_path(encrypted)
    finally:
        timer.stop()
    assert said == ["That password does not open this case; try again."]
    assert window.case is not None and window.case.encrypted and window.case.counts()["events"] == 1
    assert window.encrypt_action.isEnabled() is False and window.change_password_action.isEnabled()
    window.close_case()
    assert encrypted.read_bytes() == before, "viewing an encrypted case leaves it byte-for-byte as it was"
    assert cipher.password_for(encrypted) is None, "a closed case's password is forgotten"
    # the password is in no file the app wrote: settings, recent files, the case's folder, the caches
    for file in files_under(tmp_path):
        data = file.read_bytes()
        assert PASSWORD.encode() not in data and PASSWORD.encode("utf-16-le") not in data, file
    # cancelling leaves no case open and says nothing more
    timer = answering([lambda dialog: dialog.reject() is None])
    try:
        assert not window.open_path(encrypted)
    finally:
        timer.stop()
    assert window.case is None


def test_new_case_can_be_encrypted(qtbot, tmp_path: Path) -> None:
    dialog = CasePropertiesDialog(None, {"title": "New", "timezone": "UTC", "classification": "UNCLASSIFIED"},
                                  new=True)
    qtbot.addWidget(dialog)
    fields = dialog.password_fields
    assert fields.isHidden()
    dialog.encrypt.setChecked(True)
    assert not fields.isHidden()
    fields.first.setText("one")
    fields.again.setText("two")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.findChild(QLabel, "password_fields_error").text() == "The two passwords differ; type them again."
    fields.again.setText("one")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    window = MainWindow()
    qtbot.addWidget(window)
    path = tmp_path / "made.case"
    assert window.create_case_at(path, {**dialog.values(), "password": fields.password()})
    assert window.case.encrypted
    window.close_case()
    assert not path.read_bytes().startswith(SQLITE_MAGIC)
    with open_case(path, key="one") as case:
        assert case.title == "New"


def test_encrypt_change_and_remove_from_the_file_menu(qtbot, small_case: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    assert window.encrypt_action.isEnabled() and not window.remove_encryption_action.isEnabled()
    counts = window.case.counts()

    timer = answering([type_new_password(PASSWORD, "typo"), type_new_password(PASSWORD)])
    try:
        assert window.encrypt_action.isEnabled()
        from workbench.ui.encryption import change_open_case_password, encrypt_open_case, remove_open_case_encryption

        assert encrypt_open_case(window)
    finally:
        timer.stop()
    assert window.case.encrypted and window.case.counts() == counts
    assert not small_case.read_bytes().startswith(SQLITE_MAGIC)
    assert window.change_password_action.isEnabled() and not window.encrypt_action.isEnabled()

    timer = answering([type_new_password(NEW_PASSWORD, current="not it"),
                       type_new_password(NEW_PASSWORD, current=PASSWORD)])
    try:
        assert change_open_case_password(window)
    finally:
        timer.stop()
    assert window.case.encrypted and window.case.key == NEW_PASSWORD
    with open_case(small_case, key=NEW_PASSWORD, read_only=True) as other:
        assert other.counts() == counts

    timer = answering([type_password(NEW_PASSWORD)])
    try:
        assert remove_open_case_encryption(window)
    finally:
        timer.stop()
    assert not window.case.encrypted and small_case.read_bytes().startswith(SQLITE_MAGIC)
    assert window.case.counts() == counts
    assert [p.name for p in small_case.parent.iterdir() if p.name.startswith(".small")] == [], "no partial left"


def test_the_export_dialog_says_a_plain_export_is_not_encrypted(qtbot, encrypted: Path, small_case: Path) -> None:
    with open_case(encrypted, key=PASSWORD, read_only=True) as case:
        dialog = ExportDialog(case)
        qtbot.addWidget(dialog)
        note = dialog.findChild(QLabel, "plain_note")
        for fmt in ("json", "csv", "graphml", "gexf", "stix", "timelinejs"):
            dialog.set_format(fmt)
            assert not note.isHidden() and "not" in note.text() and fmt.upper() in note.text()
        dialog.set_format("case")
        assert note.isHidden()
    with open_case(small_case, read_only=True) as plain:
        dialog = ExportDialog(plain)
        qtbot.addWidget(dialog)
        dialog.set_format("json")
        assert dialog.findChild(QLabel, "plain_note").isHidden()


def test_merge_asks_for_the_other_cases_password(qtbot, encrypted: Path, small_case: Path) -> None:
    from workbench.ui.sharing import merge_from

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    timer = answering([type_password(PASSWORD),
                       lambda dialog: isinstance(dialog, QMessageBox) and dialog.done(0) is None])
    try:
        merged = merge_from(window, encrypted, decide=lambda chooser: True)
    finally:
        timer.stop()
    assert merged
    assert window.case.counts()["events"] == 3


def test_a_deck_export_of_an_encrypted_case_asks_before_anything_is_written(qtbot, sample_path: Path,
                                                                              tmp_path: Path) -> None:
    """Export Briefing (a PDF deck is a plain file) says once that its output is not encrypted and writes nothing
    unless the analyst goes on; a plain case's deck is written without the question."""
    from PySide6.QtWidgets import QFileDialog

    from workbench.core.exporters import plain_output_note
    from workbench.core.store.encryption import encrypt_case

    secret = tmp_path / "secret.case"
    shutil.copy(sample_path, secret)
    encrypt_case(secret, PASSWORD)
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(secret) and window.case.encrypted and window.storyboard.slides
    out = secret.with_suffix(".pdf")  # the name the save dialog suggests
    asked: list[str] = []

    def save_as(dialog: QDialog) -> bool:
        if not isinstance(dialog, QFileDialog):
            return False
        dialog.accept()
        return True

    def answer(button: QMessageBox.StandardButton) -> Callable[[QDialog], bool]:
        def step(dialog: QDialog) -> bool:
            if not isinstance(dialog, QMessageBox):
                return False
            asked.append(dialog.text())
            dialog.done(button)
            return True
        return step

    for steps in ([save_as, answer(QMessageBox.StandardButton.Cancel)],
                  [save_as, answer(QMessageBox.StandardButton.Yes)]):
        timer = answering(steps)
        try:
            window.storyboard.export_dialog()
        finally:
            timer.stop()
        assert not steps, "the dialogs expected did not all come up"
        if len(asked) == 1:
            assert not out.exists(), "nothing is written before the analyst goes on"
    assert asked == [f"{plain_output_note(True, 'pdf')} Export it?"] * 2
    assert out.read_bytes().startswith(b"%PDF"), "the deck itself is a plain PDF, as said"
    window.close_case()
    # a plain case's deck: no question
    plain = tmp_path / "plain.case"
    shutil.copy(sample_path, plain)
    out = plain.with_suffix(".pdf")
    assert window.open_path(plain, read_only=True)
    steps = [save_as]
    timer = answering(steps + [answer(QMessageBox.StandardButton.Cancel)])
    try:
        window.storyboard.export_dialog()
    finally:
        timer.stop()
    assert len(asked) == 2 and out.exists()
