"""The About dialog: versions of the app, its case file schema, Qt and Python, and the licences it ships."""

from __future__ import annotations

import platform
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from workbench import __version__
from workbench.core.store import schema_version
from workbench.licenses import licences_text

SUMMARY = "An offline workbench for timelines, actor graphs and sources. It never uses the network."


def version_text() -> str:
    """The lines that say exactly what is running, for the About dialog and for bug reports."""
    build = "packaged application" if getattr(sys, "frozen", False) else f"Python package in {sys.prefix}"
    return (
        f"Case Workbench {__version__}\n"
        f"Case file schema {schema_version()}\n"
        f"Qt {qVersion()}, PySide6 {pyside_version}\n"
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}\n"
        f"Running as: {build}"
    )


def about_text() -> str:
    """Everything the dialog shows, as plain text: versions, then the licences of bundled libraries."""
    return f"{version_text()}\n\n{SUMMARY}\n\n{licences_text()}"


class AboutDialog(QDialog):
    """Versions on top; below, the licence texts of every bundled library, selectable and plain."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Case Workbench")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        self.versions = QLabel(f"{version_text()}\n\n{SUMMARY}")
        self.versions.setTextFormat(Qt.TextFormat.PlainText)
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.versions.setWordWrap(True)
        layout.addWidget(self.versions)
        layout.addWidget(QLabel("Licences of the bundled libraries:"))
        self.licences = QPlainTextEdit(licences_text())
        self.licences.setReadOnly(True)
        self.licences.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.licences.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.licences, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
