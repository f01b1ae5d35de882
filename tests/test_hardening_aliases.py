"""A received case whose aliases are not a JSON list of names opens, shows and exports without an error
(issue 16, item 13); the rules keep such aliases from being written by us. Opening it, the check names those
aliases (store.values) and the app shows them as empty (read-only) unless repaired; every reader of aliases is
tolerant as well, which is what the core half of the test holds to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.core.exporters import export
from workbench.core.model import aliases_of
from workbench.core.queries import actor_listing, search_case
from workbench.core.store import open_case
from workbench.ui.main_window import MainWindow

BAD = ["[garbage]", '["ok", {"x": 1}]', "[" * 5_000 + "]" * 5_000, '{"not": "a list"}']


@pytest.mark.parametrize("aliases", BAD, ids=["not-json", "object-inside", "deep", "object"])
def test_bad_aliases_read_as_none_everywhere(qtbot, answer_boxes, small_case: Path, tmp_path: Path,
                                            aliases: str) -> None:
    conn = sqlite3.connect(small_case)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE actors SET aliases = ? WHERE id = 'actor-kremlin'", (aliases,))
    conn.commit()
    conn.close()
    with open_case(small_case, read_only=True, check_values=False) as case:
        assert actor_listing(case)
        search_case(case, "Kremlin")
        for fmt in ("json", "graphml", "stix", "gexf"):
            export(case, fmt, tmp_path / f"out.{fmt}")
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    answer = answer_boxes(QMessageBox.StandardButton.No)  # not repaired: shown read-only
    try:
        assert window.open_path(small_case)
    finally:
        answer.timer.stop()
    assert "aliases" in answer.texts[0] and window.case.read_only
    for name in ("graph", "timeline", "sources"):
        window.view(name)
    window.selection.select("actors", ["actor-kremlin"])  # pytest-qt fails the test on any error in a slot


def test_aliases_of() -> None:
    assert aliases_of('["Батька", "Lukashenka"]') == ["Батька", "Lukashenka"]
    assert aliases_of(None) == [] and aliases_of("[") == [] and aliases_of(BAD[2]) == []
