"""Text bound for a spreadsheet (a CSV export, a table copied to the clipboard): formulas cannot run."""

from __future__ import annotations

from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula; a hostile source's title
# could (=HYPERLINK(...), @SUM(...)), so such text cells get a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet cell: text a spreadsheet would run as a formula begins with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value
