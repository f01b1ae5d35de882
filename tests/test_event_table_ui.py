"""The event-table import in the app: File > Import opens the column-mapping step for a table that is not one
of our CSV templates, the import runs on the task runner (one change notice, Cancel leaves the case as it
was) and the refused rows are listed with their lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from workbench.core.importers.event_table import detect, read_head
from workbench.core.store import Changes, create_case, open_case
from workbench.ui.event_mapping import MappingDialog, import_event_file
from workbench.ui.import_review import import_file
from workbench.ui.main_window import MainWindow
from workbench.ui.tasks import runner

DATA = Path(__file__).parent / "data" / "event_tables"


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    path = tmp_path / "events.case"
    create_case(path, "Events", timezone="UTC").close()
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(path)
    return window


class Answerer:
    """Accepts the mapping dialog and notes the text of each message box, as an analyst clicking through."""

    def __init__(self) -> None:
        self.mapped: list[MappingDialog] = []
        self.boxes: list[tuple[str, str]] = []
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(30)

    def _tick(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, MappingDialog) and widget not in self.mapped:
            self.mapped.append(widget)
            widget.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        elif isinstance(widget, QMessageBox):
            self.boxes.append((widget.text(), widget.detailedText()))
            widget.accept()


def test_file_import_maps_columns_imports_once_and_lists_refused_rows(window: MainWindow) -> None:
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    answerer = Answerer()
    try:
        written = import_file(window, DATA / "acled.csv")
    finally:
        answerer.timer.stop()
    assert written is not None and written["events"] == 5 and written["relations"] == 2
    dialog = answerer.mapped[0]
    assert dialog.preset == "acled" and dialog.choices["precision"].currentData() == "time_precision"
    assert len(heard) == 1 and heard[0].touches({"events", "actors", "relations"})
    text, details = answerer.boxes[0]
    assert "3 of 8 rows were refused" in text
    assert details.splitlines()[0] == "line 7: latitude 95 is out of range (-90 to 90)"
    assert runner().wait_idle(10_000)
    with open_case(window.case.path, read_only=True) as fresh:
        assert fresh.counts()["events"] == 5


def test_the_mapping_step_for_a_table_of_the_analysts_own(window: MainWindow, tmp_path: Path) -> None:
    table = tmp_path / "mine.csv"
    table.write_text("Wann;Wer;Mit wem;Was\n2020-08-09;OMON;Protesters;disperses\n"
                     "2020-08-10;OMON;Protesters;disperses\n", encoding="utf-8")
    from workbench.core.importers.event_table import read_head

    dialog = MappingDialog(table, read_head(table), window)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.table.item(0, 1).text() == "OMON" and not ok.isEnabled()
    dialog.choices["date"].setCurrentIndex(dialog.choices["date"].findData("Wann"))
    assert not ok.isEnabled()  # actor 1 is still missing
    dialog.choices["actor1"].setCurrentIndex(dialog.choices["actor1"].findData("Wer"))
    dialog.choices["actor2"].setCurrentIndex(dialog.choices["actor2"].findData("Mit wem"))
    dialog.choices["event_type"].setCurrentIndex(dialog.choices["event_type"].findData("Was"))
    assert ok.isEnabled()
    written = import_event_file(window, window.case, table, dialog.mapping())
    assert written == {"events": 2, "actors": 2, "relations": 1}
    assert runner().wait_idle(10_000)


def test_cancel_leaves_the_case_unchanged(window: MainWindow, monkeypatch, press_cancel,
                                          hold_until_cancelled) -> None:
    from workbench.ui import event_mapping

    monkeypatch.setattr(event_mapping, "import_event_table", hold_until_cancelled(event_mapping.import_event_table))
    before = window.case.counts()
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    presser = press_cancel(window)
    mapping = event_mapping.detect(event_mapping.read_head(DATA / "icews.tsv").header)
    assert import_event_file(window, window.case, DATA / "icews.tsv", mapping) is None
    presser.timer.stop()
    assert presser.pressed and heard == [] and window.case.counts() == before
    assert runner().wait_idle(10_000)


def held(case) -> dict[str, int]:
    """What a case holds, but its audit trail (which keeps every write and every undo)."""
    return {table: count for table, count in case.counts().items() if table != "audit"}


def test_the_import_is_one_undo_step(window: MainWindow) -> None:
    # Undo deletes every row the import wrote, in one transaction; redo writes them again, the same ids.
    before = held(window.case)
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    mapping = detect(read_head(DATA / "acled.csv").header)
    answerer = Answerer()  # acled.csv has refused rows: their list is a message box
    try:
        written = import_event_file(window, window.case, DATA / "acled.csv", mapping)
    finally:
        answerer.timer.stop()
    assert written is not None and written["events"] == 5
    stack = window.undo_stack
    assert stack.count() == 1 and stack.undoText() == "Import acled.csv"
    after = held(window.case)
    events = sorted(r["id"] for r in window.case.rows("events"))
    links = window.case.conn.execute("SELECT count(*) FROM event_actors").fetchone()[0]
    assert links > 0
    stack.undo()
    assert held(window.case) == before
    assert window.case.conn.execute("SELECT count(*) FROM event_actors").fetchone()[0] == 0
    assert window.case.search("Minsk") == []  # and out of the search index
    assert heard[-1].bulk >= {"events", "event_actors", "actors", "relations"}
    stack.redo()
    assert held(window.case) == after and sorted(r["id"] for r in window.case.rows("events")) == events
    assert window.case.conn.execute("SELECT count(*) FROM event_actors").fetchone()[0] == links
    assert runner().wait_idle(10_000)


def test_an_import_too_big_to_redo_is_undone_and_leaves_the_stack(window: MainWindow, monkeypatch) -> None:
    # Past BULK_REDO_ROWS the journal keeps only the rows' keys (ICEWS14's 90,730 events would keep
    # hundreds of MB): undo still deletes them all, and the step says so and is not offered for redo.
    from workbench.core.store import gateway

    monkeypatch.setattr(gateway, "BULK_REDO_ROWS", 3)
    before = held(window.case)
    mapping = detect(read_head(DATA / "acled.csv").header)
    answerer = Answerer()
    try:
        assert import_event_file(window, window.case, DATA / "acled.csv", mapping) is not None
    finally:
        answerer.timer.stop()
    stack = window.undo_stack
    assert stack.undoText() == "Import acled.csv (undo only: too big to redo)"
    stack.undo()
    assert held(window.case) == before
    assert stack.count() == 0 and not stack.canRedo()
    assert runner().wait_idle(10_000)
