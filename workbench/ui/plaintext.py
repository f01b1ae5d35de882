"""Untrusted text in tooltips: Qt shows a tooltip as rich text when it looks like HTML, so
`<img src="file:///etc/passwd">` in a case would be loaded. Every tooltip that carries case
or source text goes through `tip`, which escapes it and keeps its line breaks."""

from __future__ import annotations

from PySide6.QtGui import Qt


def tip(text: object) -> str:
    """Text for setToolTip / ToolTipRole that Qt shows literally, whatever it contains."""
    if text is None:
        return ""
    value = str(text)
    if not value:
        return ""
    return Qt.convertFromPlainText(value, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def _box(icon: object, parent: object, title: str, text: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(icon, title, str(text), QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # file names and messages may hold markup
    return box.exec()


def warn(parent: object, title: str, text: str) -> int:
    """QMessageBox.warning, but the text is always plain text."""
    from PySide6.QtWidgets import QMessageBox

    return _box(QMessageBox.Icon.Warning, parent, title, text)


def inform(parent: object, title: str, text: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    return _box(QMessageBox.Icon.Information, parent, title, text)
