"""Links out of the offline workbench: copy one, or open it in a browser only after the analyst agrees.

`ask_to_open` is the one place a URL leaves the app (tests/test_offline.py holds it to that).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.core.document import openable_url


def ask_to_open(parent: QWidget, url: str) -> bool:
    """Open a link in the system browser only after the analyst agrees; only http(s) links. True if opened."""
    if not openable_url(url):
        box = QMessageBox(QMessageBox.Icon.Information, "Link not opened",
                          "Only http and https links can be opened in a browser. This link stays here; "
                          "copy it if you need it.", QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDetailedText(url)
        box.exec()
        return False
    box = QMessageBox(QMessageBox.Icon.Warning, "Open in browser?",
                      "Open this link in your web browser?\n\nThis leaves the offline environment: the browser "
                      "will contact the site, which can see your network address and that the page was "
                      f"requested.\n\n{url}",
                      QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    if box.exec() != QMessageBox.StandardButton.Open:
        return False
    return QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)
