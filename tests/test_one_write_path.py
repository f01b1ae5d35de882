"""The one write path: a user action is one undo step, one transaction and ONE change notice, routed only
to the views that depend on what it touched (issue 15). Import, merge and layout have their own tests
beside their views; deleting an actor, the case with the most dependants, is here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.core import ops
from workbench.core.exporters.canonical import canonical_text
from workbench.core.rules import InvalidRecord
from workbench.core.store import Changes, open_case
from workbench.ui.commands import push, update_record
from workbench.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, sample_path: Path, tmp_path: Path) -> MainWindow:
    copy = tmp_path / "belarus.case"
    shutil.copy(sample_path, copy)
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(copy)
    return window


def lukashenko(window: MainWindow) -> str:
    return next(row["id"] for row in window.case.rows("actors") if row["name"] == "Aleksander Lukashenko")


def test_deleting_lukashenko_is_one_notice_and_one_undo_step(window: MainWindow, answer_boxes) -> None:
    case = window.case
    actor_id = lukashenko(window)
    before = canonical_text(case)
    related = len(case.rows("relations", where="from_actor_id = ? OR to_actor_id = ?", params=(actor_id, actor_id)))
    cited = len(case.rows("citations", where="actor_id = ?", params=(actor_id,)))
    assert related >= 10, "the sample ties Lukashenko to many actors"
    heard: list[Changes] = []
    window.signals.changed.connect(heard.append)
    answer_boxes(QMessageBox.StandardButton.Yes)
    window.selection.select("actors", [actor_id])
    assert window.delete_selection()
    assert len(heard) == 1, f"one notice for the delete, not one per record ({len(heard)})"
    changes = heard[0]
    assert changes.deleted["actors"] == {actor_id}
    assert len(changes.deleted["relations"]) == related
    assert len(changes.deleted.get("citations", ())) >= cited
    assert "event_actors" in changes.deleted
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert len(heard) == 2, "and one for its undo"
    assert canonical_text(case) == before
    assert not window.selection.selection or actor_id not in window.selection.selection.ids


def test_views_hear_only_of_the_tables_they_show(window: MainWindow, monkeypatch) -> None:
    """Moving an actor on the chart (actor_layout) reloads neither the timeline nor the sources."""
    heard: dict[str, int] = {}
    for name in ("timeline", "sources", "graph"):
        view = window.view(name)
        original = view.case_changed

        def counting(changes: Changes, name: str = name, original=original) -> None:
            heard[name] = heard.get(name, 0) + 1
            original(changes)

        monkeypatch.setattr(view, "case_changed", counting)
    case = window.case
    ops.edit_record(case, "actors", lukashenko(window), {"description": "President"})  # not through undo: any path
    assert heard == {"timeline": 1, "sources": 1, "graph": 1}
    heard.clear()
    ops.set_meta(case, "title", "Belarus, August 2020")
    assert "timeline" in heard
    heard.clear()
    with case.transaction():
        case.put_keyed("actor_layout", "actor_id", {lukashenko(window): {
            "actor_id": lukashenko(window), "x": 1.0, "y": 2.0, "pinned": 1}})
    assert heard == {"graph": 1}, heard


def test_the_view_that_made_a_change_is_not_sent_it_back(window: MainWindow, monkeypatch) -> None:
    timeline = window.view("timeline")
    heard: list[Changes] = []
    monkeypatch.setattr(timeline, "case_changed", heard.append)
    event_id = window.case.rows("events")[0]["id"]
    push(window.undo_stack, update_record(window.case, "events", event_id, {"title": "Edited on the timeline"},
                                          origin=timeline))
    assert heard == [], "the timeline made this edit and already shows it"
    window.undo_stack.undo()
    assert len(heard) == 1, "undo has no origin: every dependent view hears of it"


def test_every_write_path_obeys_the_same_rules(tmp_path: Path, small_case: Path) -> None:
    with open_case(small_case) as case:
        with pytest.raises(InvalidRecord) as refused:
            ops.edit_record(case, "events", "event-call", {"end": "2020-08-01T00:00:00Z", "title": ""})
        assert set(refused.value.problems) == {"end", "title"}, "each bad field is named"
        with pytest.raises(InvalidRecord):
            case.bulk_insert("actors", [{"name": "ok"}, {"name": ""}])
        assert case.get("events", "event-call")["title"] == "Lukashenko calls Putin"
        assert not [row for row in case.rows("actors") if row["name"] == "ok"], "one transaction: nothing kept"
        with pytest.raises(InvalidRecord) as refused:
            ops.set_meta(case, "timezone", "Mars/Olympus")
        assert "timezone" in refused.value.problems
