"""Check Case: dangling references written by another tool are reported, and repaired on request in
one transaction with each fix listed; damaged or hostile files are never 'repaired'."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.cli import main
from workbench.core import repair as repair_module
from workbench.core.repair import inspect, repair_file
from workbench.core.store import CaseNeedsRepair, CaseRefused, check_case, open_case
from workbench.ui.tasks import runner


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def outside_tool(path: Path, *statements: str) -> None:
    """Writes the way another SQLite tool would: foreign keys off (SQLite's default)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()


@pytest.fixture
def dangling_case(small_case: Path) -> Path:
    """The small case after another tool deleted an actor and a source without their dependents."""
    with open_case(small_case) as case:
        case.insert("tags", {"tag": "priority", "actor_id": "actor-luka"})
        case.insert("tags", {"tag": "check", "event_id": "event-call"})
        case.conn.execute("INSERT INTO actor_layout (actor_id, x, y, pinned) VALUES ('actor-luka', 1, 2, 1)")
        case.insert("notes", {"text": "Lukashenko's own words matter here.", "actor_id": "actor-luka"})
        case.insert("citations", {"source_id": "source-tass", "actor_id": "actor-luka", "quote": "Батька"})
    outside_tool(small_case,
                 "DELETE FROM actors WHERE id = 'actor-luka'",
                 "DELETE FROM sources WHERE id = 'source-belta'",
                 "INSERT INTO event_actors (event_id, actor_id) VALUES ('no-such-event', 'actor-omon')")
    return small_case


def test_a_file_with_dangling_references_is_refused_with_a_repairable_reason(dangling_case: Path) -> None:
    before = digest(dangling_case)
    with pytest.raises(CaseNeedsRepair) as needs:
        open_case(dangling_case)
    message = str(needs.value)
    assert message.startswith("Cannot open small.case: it is inconsistent (") and message.endswith(".")
    assert ". " not in message and "workbench check --repair" in message
    found = {(d.table, d.column, d.target, d.value) for d in needs.value.dangling}
    assert found == {
        ("event_actors", "actor_id", "actors", "actor-luka"),
        ("event_actors", "event_id", "events", "no-such-event"),
        ("relations", "from_actor_id", "actors", "actor-luka"),
        ("citations", "actor_id", "actors", "actor-luka"),
        ("citations", "source_id", "sources", "source-belta"),
        ("footnotes", "source_id", "sources", "source-belta"),
        ("notes", "actor_id", "actors", "actor-luka"),
        ("tags", "actor_id", "actors", "actor-luka"),
        ("actor_layout", "actor_id", "actors", "actor-luka"),
    }
    assert isinstance(needs.value, CaseRefused)
    assert digest(dangling_case) == before


def test_check_lists_each_dangling_reference_then_repair_fixes_them_in_one_step(
    dangling_case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(dangling_case)
    assert main(["check", str(dangling_case)]) == 2
    err = capsys.readouterr().err
    assert "9 dangling reference(s); nothing was changed" in err
    assert err.count("  A ") == 9 and "points at actor actor-luka, which is not in the case" in err
    assert "workbench check --repair" in err
    assert digest(dangling_case) == before

    with open_case(dangling_case, check_references=False, read_only=True) as case:
        audit_before = case.counts()["audit"]
    assert main(["check", "--repair", str(dangling_case)]) == 0
    out = capsys.readouterr().out
    fixes = [line for line in out.splitlines() if line.startswith("Fixed: ")]
    assert any("Detached note “Lukashenko's own words matter here.”" in fix for fix in fixes)
    assert "Fixed: Removed relation “requests support from” (and with it 1 citation): it pointed at actor " \
        "actor-luka, which is not in the case." in fixes
    assert len(fixes) == 9  # one fix per dangling row; the other tool's deletes kept the index in step (its triggers)
    assert any("chart position" in fix for fix in fixes) and any("tag “priority”" in fix for fix in fixes)
    assert out.rstrip().endswith("search index ok).")

    assert check_case(dangling_case)
    with open_case(dangling_case) as case:
        assert inspect(case).healthy
        assert case.rows("relations") == []  # it ran from the missing actor
        assert case.rows("citations", where="relation_id IS NOT NULL") == []  # went with the relation
        assert [r["source_id"] for r in case.rows("citations")] == []  # the BelTA one and the actor one
        assert [(r["document_id"], r["label"]) for r in case.rows("footnotes")] == [("doc", "10")]
        note = case.rows("notes", where="text LIKE 'Lukashenko%'")[0]
        assert note["actor_id"] is None  # the analyst's words stay, unattached
        assert [t["tag"] for t in case.rows("tags")] == ["check"]
        assert case.conn.execute("SELECT count(*) FROM actor_layout").fetchone()[0] == 0
        assert {(r["event_id"], r["actor_id"]) for r in case.rows("event_actors")} == {
            ("event-call", "actor-kremlin"), ("event-rumour", "actor-omon")}
        assert case.search("Lukashenko's own words")  # the detached note is still found
        # every fix audited with the old row, plus one summary row
        audited = case.conn.execute("SELECT action, old, summary FROM audit WHERE id > ? ORDER BY id",
                                    (audit_before,)).fetchall()
        assert len(audited) >= len(fixes) + 1
        assert audited[-1][2].startswith(f"Check Case repaired {len(fixes)}")
        assert any(row[0] == "delete" and "requests support from" in (row[1] or "") for row in audited)
    assert main(["check", str(dangling_case)]) == 0


def test_a_repair_that_fails_midway_changes_nothing(dangling_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fix, calls = repair_module._fix, []

    def failing_fix(case, item, origin):  # an injected failure after a few fixes went through
        calls.append(item)
        if len(calls) == 4:
            raise sqlite3.OperationalError("disk I/O error (injected)")
        return real_fix(case, item, origin)

    monkeypatch.setattr(repair_module, "_fix", failing_fix)
    with open_case(dangling_case, check_references=False, read_only=True) as case:
        tables = {t: case.rows(t) for t in ("relations", "citations", "notes", "tags", "event_actors", "footnotes")}
        audit = case.counts()["audit"]
    with pytest.raises(sqlite3.OperationalError, match="injected"):
        repair_file(dangling_case)
    with open_case(dangling_case, check_references=False, read_only=True) as case:
        assert {t: case.rows(t) for t in tables} == tables
        assert case.counts()["audit"] == audit
    with pytest.raises(CaseNeedsRepair):
        check_case(dangling_case)


def test_damaged_or_hostile_files_are_never_repaired(small_case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside_tool(small_case, "CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM actors; END",
                 "DELETE FROM actors WHERE id = 'actor-luka'")
    before = digest(small_case)
    assert main(["check", "--repair", str(small_case)]) == 2
    assert "trigger 'wipe'" in capsys.readouterr().err
    with pytest.raises(CaseRefused, match="trigger 'wipe'"):
        repair_file(small_case)
    assert digest(small_case) == before
    assert sorted(p.name for p in small_case.parent.iterdir() if p.name.startswith("small")) == ["small.case"]




@pytest.mark.parametrize("agree", [False, True], ids=["declined", "repaired"])
def test_the_app_offers_the_repair_instead_of_only_refusing(answer_boxes, qtbot, dangling_case: Path,
                                                             agree: bool) -> None:
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    before = digest(dangling_case)
    answer = answer_boxes(QMessageBox.StandardButton.Yes if agree else QMessageBox.StandardButton.No)
    try:
        opened = window.open_path(dangling_case)
    finally:
        answer.timer.stop()
    assert opened is agree
    assert "Repair it now?" in answer.texts[0] and "points at actor actor-luka" in answer.texts[0]
    if agree:
        assert answer.texts[1].startswith("small.case was repaired: ")
        assert window.case is not None and inspect(window.case).healthy
    else:
        assert answer.texts[1].startswith("Cannot open small.case: it is inconsistent")
        assert window.case is None
        assert digest(dangling_case) == before


def test_check_case_menu_item_reports_and_repairs_a_stale_search_index(answer_boxes, qtbot, small_case: Path) -> None:
    from workbench.ui.main_window import MainWindow

    # the index's triggers follow an outside edit (issue 22); a tool that empties the index leaves it stale
    outside_tool(small_case, "UPDATE events SET title = 'Renamed elsewhere' WHERE id = 'event-call'",
                 "INSERT INTO events_fts (events_fts) VALUES ('delete-all')")
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    declined = answer_boxes(QMessageBox.StandardButton.No)  # the rebuild offered on open (test_hardening_search_index)
    try:
        assert window.open_path(small_case)
        qtbot.waitUntil(lambda: bool(declined.texts), timeout=10_000)
        assert runner().wait_idle(10_000)
    finally:
        declined.timer.stop()
    assert "search index of small.case is out of step" in declined.texts[0]
    assert window.check_case_action.isEnabled()
    assert window.check_case_action in window.menuBar().actions()[0].menu().actions()
    answer = answer_boxes(QMessageBox.StandardButton.Yes)
    try:
        window.check_case_action.trigger()
        window.check_case_action.trigger()
    finally:
        answer.timer.stop()
    assert "search index is out of step" in answer.texts[0]
    assert answer.texts[1] == "small.case was repaired: 1 fix(es)."
    assert answer.texts[2] == "small.case is healthy: integrity, references and search index ok."
    assert window.case.search("renamed elsewhere")
    window.close_case()
    assert not window.check_case_action.isEnabled()
