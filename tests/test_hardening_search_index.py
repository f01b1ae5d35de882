"""A received case whose search index is damaged or out of step (issue 16, item 13): the app offers Check Case's
rebuild when it opens (asked off the UI thread, rebuilt behind a progress dialog), and a search over a damaged
index says so in one sentence instead of raising."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.core.queries import search_case
from workbench.core.repair import inspect, search_index_sound
from workbench.core.store import SearchIndexDamaged, open_case
from workbench.ui.check_case import INDEX_CHECK_DELAY_MS
from workbench.ui.sources.search import SearchPanel
from workbench.ui.tasks import runner

# Two ways another program leaves the index behind: a title changed without it, and its structure overwritten.
# (The index's triggers follow a plain UPDATE since issue 22, so "out of step" also empties the index.)
DAMAGE = {
    "out of step": "UPDATE events SET title = 'Renamed elsewhere' WHERE id = 'event-call';"
                   "INSERT INTO events_fts (events_fts) VALUES ('delete-all')",
    "damaged": "UPDATE events_fts_data SET block = X'FFFFFFFFFFFF' WHERE id = 10",
}


def damage(path: Path, how: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(DAMAGE[how])
    conn.close()


def test_a_search_over_a_damaged_index_says_so_in_one_sentence(small_case: Path) -> None:
    damage(small_case, "damaged")
    with open_case(small_case) as case:
        assert not search_index_sound(case)
        for search in (lambda: search_case(case, "Lukashenko calls"), lambda: case.search("Lukashenko")):
            with pytest.raises(SearchIndexDamaged) as refused:
                search()
            message = str(refused.value)
            assert message.endswith(".") and "\n" not in message and "Check Case" in message


def test_the_search_panel_shows_the_sentence(qtbot, answer_boxes, small_case: Path) -> None:
    from workbench.ui.main_window import MainWindow

    damage(small_case, "damaged")
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.No)  # the rebuild offered on open is declined
    try:
        assert window.open_path(small_case)
        qtbot.waitUntil(lambda: bool(answer.texts), timeout=10_000)  # asked a moment after the case opened
        assert runner().wait_idle(10_000)
    finally:
        answer.timer.stop()
    assert any("search index" in text for text in answer.texts)
    window.build_views()
    panel = window.findChild(SearchPanel)
    panel.field.setText("Lukashenko")
    panel.run()  # pytest-qt fails the test on an exception in a slot
    assert panel.summary.text().startswith("The search index of this case is damaged")


@pytest.mark.parametrize("how", list(DAMAGE))
@pytest.mark.parametrize("agree", [True, False], ids=["rebuilt", "declined"])
def test_the_app_offers_the_rebuild_when_the_case_opens(qtbot, answer_boxes, small_case: Path, how: str,
                                                        agree: bool) -> None:
    from workbench.ui.main_window import MainWindow

    damage(small_case, how)
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.Yes if agree else QMessageBox.StandardButton.No)
    try:
        assert window.open_path(small_case)
        qtbot.waitUntil(lambda: bool(answer.texts), timeout=10_000)  # asked a moment after the case opened
        assert runner().wait_idle(10_000)
    finally:
        answer.timer.stop()
    assert "search index of small.case is out of step with its text or damaged" in answer.texts[0]
    assert "workbench check --repair" in answer.texts[0]
    assert inspect(window.case).search_index_ok is agree
    if agree:
        assert window.case.search("Renamed elsewhere" if how == "out of step" else "Lukashenko")
        last = window.case.conn.execute("SELECT summary FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert last == "Check Case rebuilt the search index"


def test_a_sound_index_asks_nothing(qtbot, answer_boxes, small_case: Path) -> None:
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.Yes)
    try:
        assert window.open_path(small_case)
        qtbot.wait(INDEX_CHECK_DELAY_MS + 200)
        assert runner().wait_idle(10_000)
        qtbot.wait(100)
    finally:
        answer.timer.stop()
    assert answer.texts == []
