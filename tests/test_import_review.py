"""The import review dialog and File > Import: proposals grouped and highlighted, accept / reject / edit,
the accepted ones written as one undo step; reading runs in a worker thread."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workbench.core.exporters.canonical import export_canonical
from workbench.core.importers import propose_file
from workbench.core.store import Changes, create_case, open_case
from workbench.ui.import_review import ImportReviewDialog, import_file, write_plan
from workbench.ui.main_window import MainWindow
from workbench.ui.tasks import runner

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "isw-belarus-2020-08-15.md"
SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample" / "isw-belarus-2020-08-15.md"
REPORT = SEED if SEED.exists() else SAMPLE


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    path = tmp_path / "review.case"
    create_case(path, "Review", timezone="Europe/Minsk").close()
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(path)
    return window


@pytest.fixture(autouse=True, scope="module")
def gazetteer_ready() -> None:
    """The gazetteer's index built before the timing-sensitive tests (once per machine, from 60 MB of JSON)."""
    from workbench.core.importers import places

    places.warm()


def test_review_accepts_edits_and_rejects_as_one_undo_step(window: MainWindow, qtbot, tmp_path: Path) -> None:
    case = window.case
    plan = propose_file(case, REPORT)
    dialog = ImportReviewDialog(case, plan, window)
    qtbot.addWidget(dialog)
    groups = [dialog.tree.topLevelItem(i).text(0).split(" (")[0] for i in range(dialog.tree.topLevelItemCount())]
    assert groups == ["Document", "Sources", "Actors", "Places", "Events", "Relations", "Citations"]
    strike = next(item for key, item in dialog.items.items() if "planned strike" in item.text(0))
    dialog.tree.setCurrentItem(strike)
    assert "planned strike" in dialog.evidence.toPlainText()
    assert dialog.report.textCursor().position() == dialog.proposal_of(strike).span[0]
    putilo = next(item for item in dialog.items.values() if item.text(0) == "Stepan Putilo")
    putilo.setCheckState(0, Qt.CheckState.Unchecked)
    shot = next(item for item in dialog.items.values() if "was shot" in item.text(0))
    shot.setText(0, "Тарайковский застрелен милицией")  # an edit, Cyrillic set as text
    assert "Will write:" in dialog.counts.text()
    dialog.grab().save(str(tmp_path / "review.png"))
    before = case.counts()
    written = write_plan(window, case, plan)
    assert written and written["events"] >= 20
    assert case.rows("events", where="title = ?", params=("Тарайковский застрелен милицией",))
    assert not case.rows("actors", where="name = 'Stepan Putilo'")
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText().startswith("Import")
    window.undo_stack.undo()
    assert {k: v for k, v in case.counts().items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"}
    window.undo_stack.redo()
    assert case.counts()["events"] == written["events"]


def test_reject_all_writes_nothing_new(window: MainWindow, qtbot) -> None:
    plan = propose_file(window.case, REPORT)
    dialog = ImportReviewDialog(window.case, plan, window)
    qtbot.addWidget(dialog)
    dialog.set_all(False)
    assert dialog.preview.events == []
    assert write_plan(window, window.case, plan) == {}


def test_file_import_reads_in_a_worker_and_csv_is_undoable(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "actors.csv"
    path.write_text("name,kind,aliases\nOMON,security,ОМОН\nNatalya Kochanova,person,Kochanova\n", encoding="utf-8")
    written = import_file(window, path)
    assert written == {"actors": 2}
    assert "Imported actors.csv" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert window.case.counts()["actors"] == 0
    assert import_file(window, REPORT, review=False)["documents"] == 1
    assert window.import_action.isEnabled()


def test_editing_a_proposed_event_changes_what_is_written(window: MainWindow, qtbot) -> None:
    from workbench.ui.import_review import ProposalEditor

    case = window.case
    plan = propose_file(case, REPORT)
    dialog = ImportReviewDialog(case, plan, window)
    qtbot.addWidget(dialog)
    strike = next(item for item in dialog.items.values() if "planned strike" in item.text(0))
    proposal = dialog.proposal_of(strike)
    editor = ProposalEditor(proposal, dialog.zone, dialog)
    qtbot.addWidget(editor)
    editor.widgets["title"].setText("Strike at Belarusian state TV")
    editor.widgets["start"].setText("2020-08-17 11:00")
    editor.widgets["time_precision"].setCurrentIndex(editor.widgets["time_precision"].findData("hour"))
    editor.widgets["confidence"].setCurrentIndex(editor.widgets["confidence"].findData("likely"))
    assert dialog.apply_edit(proposal, editor.values())
    assert strike.text(0) == "Strike at Belarusian state TV" and "likely" in strike.text(1)
    editor.widgets["start"].setText("2020-08-18 11:00")
    assert not dialog.apply_edit(proposal, {**editor.values(), "title": ""})  # refused, reason shown
    assert "needs a title" in dialog.counts.text()
    write_plan(window, case, plan)
    row = case.rows("events", where="title = ?", params=("Strike at Belarusian state TV",))[0]
    assert (row["start"], row["time_precision"], row["confidence"]) == ("2020-08-17T08:00:00Z", "hour", "likely")
    editor.widgets["start"].setText("not a date")
    editor._ok()
    assert "not a date" in editor.error.text()


def test_csv_templates_are_saved_and_import_cleanly(window: MainWindow, tmp_path: Path) -> None:
    from workbench.core.importers import run_import

    written = window.save_csv_templates(tmp_path / "templates")
    assert sorted(p.name for p in written) == ["actors-template.csv", "events-template.csv",
                                               "relations-template.csv", "sources-template.csv"]
    header = (tmp_path / "templates" / "events-template.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("title,start")
    target = tmp_path / "into.case"
    create_case(target, "Templates", timezone="Europe/Minsk").close()
    for name in ("actors", "sources", "events", "relations"):
        run_import(tmp_path / "templates" / f"{name}-template.csv", target, accept_all=False)


def test_importing_the_sample_report_is_one_notice_and_one_undo_step(window: MainWindow) -> None:
    case = window.case
    before = {k: v for k, v in case.counts().items() if k != "audit"}
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    written = import_file(window, REPORT, review=False)
    assert written and written["events"] >= 20
    assert len(heard) == 1, "the views hear of the whole import once"
    assert heard[0].touches({"events", "actors", "sources", "citations", "documents"})
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == f"Import {REPORT.name}"
    window.undo_stack.undo()
    assert len(heard) == 2
    assert {k: v for k, v in case.counts().items() if k != "audit"} == before
    window.undo_stack.redo()
    assert len(heard) == 3 and case.counts()["events"] == written["events"]
    assert runner().wait_idle(10_000)


def test_csv_and_case_json_imports_are_one_notice_each(window: MainWindow, tmp_path: Path, small_case: Path) -> None:
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    table = tmp_path / "events.csv"
    table.write_text("title,start,actors\nStrike at MTZ,2020-08-17,Workers\nRally in Grodno,2020-08-16,\n",
                     encoding="utf-8")
    assert import_file(window, table) == {"actors": 1, "events": 2}
    assert len(heard) == 1 and heard[0].touches({"events"})
    document = tmp_path / "small.json"
    with open_case(small_case, read_only=True) as other:
        export_canonical(other, document)
    written = import_file(window, document)
    assert written and written["events"] == 2
    assert len(heard) == 2 and window.undo_stack.count() == 2
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.case.counts()["events"] == 0 and len(heard) == 4


@pytest.mark.parametrize("step", ["read", "write"])
def test_cancel_during_an_import_leaves_the_case_unchanged(window: MainWindow, monkeypatch, press_cancel,
                                                           hold_until_cancelled, step: str) -> None:
    from workbench.ui import import_review

    name = "propose_file" if step == "read" else "apply_plan"
    monkeypatch.setattr(import_review, name, hold_until_cancelled(getattr(import_review, name)))
    case = window.case
    before = case.counts()
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    presser = press_cancel(window)
    assert import_file(window, REPORT, review=False) is None
    presser.timer.stop()
    # Cancel stopped it: run to its end (each held step waits for Cancel, so no clock is needed, and a
    # loaded machine made one flaky) it would have written the report's records.
    assert presser.pressed
    assert len(presser.ticks) >= 5, "the UI thread kept processing events meanwhile"
    assert case.counts() == before and heard == [] and window.undo_stack.count() == 0
    assert runner().wait_idle(10_000)
    # The file is untouched on disk too: a fresh connection sees the same.
    with open_case(case.path, read_only=True) as fresh:
        assert fresh.counts() == before
