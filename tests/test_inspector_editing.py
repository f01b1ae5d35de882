"""Editing through the inspector and the Edit menu on a real window: written, validated, undoable, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workbench.core.queries import event_actors
from workbench.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, small_case: Path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    window.show()
    return window


def test_editing_a_title_writes_it_once_and_undo_takes_it_back(qtbot, window: MainWindow) -> None:
    window.selection.select("events", ["event-call"])
    form = window.inspector.form
    assert form is window.inspector.forms["events"]
    title = form.fields["title"]
    assert title.text() == "Lukashenko calls Putin"
    title.setText("  Lukashenko\x00 calls Putin\u202e twice ")
    title.editingFinished.emit()
    assert window.case.get("events", "event-call")["title"] == "Lukashenko calls Putin twice"
    assert window.undo_action.text() == "&Undo Edit event 'Lukashenko calls Putin': title"
    assert "Lukashenko calls Putin twice" in [
        window.panes["events"].model.index(r, 1).data() for r in range(window.panes["events"].model.rowCount())]
    window.undo_action.trigger()
    assert window.case.get("events", "event-call")["title"] == "Lukashenko calls Putin"
    assert title.text() == "Lukashenko calls Putin"  # the form follows undo


def test_invalid_input_is_marked_with_its_reason_and_never_written(qtbot, window: MainWindow) -> None:
    window.selection.select("events", ["event-call"])
    form = window.inspector.forms["events"]
    before = window.case.get("events", "event-call")
    form.fields["title"].setText("")
    form.fields["title"].editingFinished.emit()
    assert form.errors["title"].text() == "an event needs a title"
    assert not form.errors["title"].isHidden()
    form.fields["title"].setText("x" * 1_000_000)  # a pasted megabyte
    form.fields["title"].editingFinished.emit()
    assert "at most 300 characters" in form.errors["title"].text()
    end = form.fields["end"]
    end.enabled.setChecked(True)  # commits an end; set it before the start next
    start_day = end.edit.dateTime().addDays(-3)
    end.edit.setDateTime(start_day)
    end.edit.editingFinished.emit()
    assert form.errors["end"].text() == "the end is before the start"
    after = window.case.get("events", "event-call")
    assert after["title"] == before["title"] and (after["end"] is None or after["end"] >= after["start"])



def test_a_refusal_names_the_neighbouring_field_it_concerns_and_a_cure_clears_both(qtbot, window: MainWindow) -> None:
    """The core checks the whole record on the write: moving the start past the end is refused
    because of the end, so the end shows the reason and the start says it was not saved."""
    window.selection.select("events", ["event-call"])
    form = window.inspector.forms["events"]
    start, end = form.fields["start"], form.fields["end"]
    end.enabled.setChecked(True)
    end.edit.setDateTime(start.edit.dateTime().addDays(1))
    end.edit.editingFinished.emit()
    stored = window.case.get("events", "event-call")
    assert stored["end"] > stored["start"]
    steps = window.undo_stack.count()
    start.edit.setDateTime(start.edit.dateTime().addDays(3))
    start.edit.editingFinished.emit()
    assert form.errors["end"].text() == "the end is before the start"
    assert form.errors["start"].text() == "not saved: the end is before the start"
    assert window.case.get("events", "event-call") == stored
    assert window.undo_stack.count() == steps  # a refused write leaves no undo step
    start.edit.setDateTime(start.edit.dateTime().addDays(-3))  # back as stored: nothing to write or mark
    start.edit.editingFinished.emit()
    assert form.errors["start"].isHidden() and form.errors["end"].isHidden()
    assert window.undo_stack.count() == steps
    form.fields["title"].setText("")
    form.fields["title"].editingFinished.emit()
    start.edit.editingFinished.emit()  # leaving a field unchanged keeps a refused neighbour marked
    assert form.errors["title"].text() == "an event needs a title"
    form.fields["title"].setText(stored["title"])
    form.fields["title"].editingFinished.emit()
    start.edit.setDateTime(start.edit.dateTime().addDays(-1))  # a day before the old start: sound again
    start.edit.editingFinished.emit()
    assert form.errors["start"].isHidden() and form.errors["end"].isHidden() and form.errors["title"].isHidden()
    assert window.case.get("events", "event-call")["start"] < stored["start"]
    assert window.undo_stack.count() == steps + 1

def test_relation_to_itself_is_refused_in_the_form(qtbot, window: MainWindow) -> None:
    window.selection.select("relations", ["relation-support"])
    form = window.inspector.forms["relations"]
    combo = form.fields["to_actor_id"]
    combo.setCurrentIndex(combo.findData("actor-luka"))
    combo.activated.emit(combo.currentIndex())
    assert form.errors["to_actor_id"].text() == "a relation joins two different actors"
    assert window.case.get("relations", "relation-support")["to_actor_id"] == "actor-kremlin"
    combo.setCurrentIndex(combo.findData("actor-omon"))
    combo.activated.emit(combo.currentIndex())
    assert window.case.get("relations", "relation-support")["to_actor_id"] == "actor-omon"
    assert form.errors["to_actor_id"].isHidden()


def test_undo_steps_name_the_record_they_change(qtbot, window: MainWindow) -> None:
    """Issue 21, item 6: 'Edit relation relation' named the noun twice and the record not at all."""
    window.selection.select("relations", ["relation-support"])
    form = window.inspector.forms["relations"]
    form.fields["kind"].setText("met employees of")
    form.fields["kind"].editingFinished.emit()
    assert window.undo_action.text() == "&Undo Edit relation 'requests support from': relation"
    form.fields["confidence"].setCurrentIndex(form.fields["confidence"].findData("likely"))
    form.fields["confidence"].activated.emit(form.fields["confidence"].currentIndex())
    assert window.undo_action.text() == "&Undo Edit relation 'met employees of': confidence"
    window.selection.select("events", ["event-rumour"])
    events = window.inspector.forms["events"]
    events.add_actor.setText("Батька")
    events.add_actor.returnPressed.emit()
    assert window.undo_action.text().startswith("&Undo Add actor 'Александр Лукашенко' to event '")


def test_choices_explain_themselves_and_grade_edits_are_undoable(qtbot, window: MainWindow) -> None:
    window.selection.select("sources", ["source-belta"])
    form = window.inspector.forms["sources"]
    combo = form.fields["reliability"]
    assert [combo.itemText(i) for i in range(2)] == ["A - completely reliable", "B - usually reliable"]
    assert combo.currentText() == "C - fairly reliable"
    combo.setCurrentIndex(combo.findData("B"))
    combo.activated.emit(combo.currentIndex())
    assert window.case.get("sources", "source-belta")["reliability"] == "B"
    window.undo_stack.undo()
    assert window.case.get("sources", "source-belta")["reliability"] == "C"
    assert form.fields["published"].value() is None  # unset date stays unset


def test_adding_an_actor_to_an_event_by_alias(qtbot, window: MainWindow) -> None:
    window.selection.select("events", ["event-rumour"])
    form = window.inspector.forms["events"]
    form.add_actor.setText("Батька")  # an alias finds the actor
    form.add_actor.returnPressed.emit()
    linked = {r["actor_id"] for r in window.case.rows("event_actors", where="event_id = ?", params=("event-rumour",))}
    assert linked == {"actor-omon", "actor-luka"}
    form.add_actor.setText("Nobody at all")
    form.add_actor.returnPressed.emit()
    assert "No actor is called" in form.actor_error.text()
    window.undo_stack.undo()
    linked = {r["actor_id"] for r in window.case.rows("event_actors", where="event_id = ?", params=("event-rumour",))}
    assert linked == {"actor-omon"}



def test_removing_an_actor_from_an_event_is_one_undo_step(qtbot, window: MainWindow) -> None:
    window.selection.select("events", ["event-call"])
    form = window.inspector.forms["events"]
    shown = [form.actors.item(n).text() for n in range(form.actors.count())]
    assert shown == ["Kremlin", "Александр Лукашенко (caller)"]
    form.actors.setCurrentRow(1)
    form.remove_actor.click()
    assert [a for a, _, _ in event_actors(window.case, "event-call")] == ["actor-kremlin"]
    assert [form.actors.item(n).text() for n in range(form.actors.count())] == ["Kremlin"]
    assert window.undo_action.text() == "&Undo Remove actor 'Александр Лукашенко' from event 'Lukashenko calls Putin'"
    window.undo_stack.undo()
    assert [a for a, _, _ in event_actors(window.case, "event-call")] == ["actor-kremlin", "actor-luka"]
    assert [form.actors.item(n).text() for n in range(form.actors.count())] == shown

def test_delete_asks_naming_what_goes_with_it_and_is_one_undo_step(qtbot, window: MainWindow) -> None:
    questions: list[str] = []
    answers = iter([False, True])
    window.ask = lambda title, question: questions.append(question) or next(answers)
    window.selection.select("events", ["event-call"])
    assert not window.delete_action.trigger() and window.case.get("events", "event-call") is not None
    assert questions[0] == ("Delete the event \u201cLukashenko calls Putin\u201d? Its 2 actor links, 1 citation "
                            "and 1 note go with it. You can undo this with Ctrl+Z.")
    window.delete_action.trigger()
    assert window.case.get("events", "event-call") is None
    assert window.case.rows("notes") == []
    assert not window.selection.selection
    window.undo_stack.undo()
    assert window.case.get("events", "event-call")["title"] == "Lukashenko calls Putin"
    assert len(window.case.rows("notes")) == 1 and len(window.case.rows("citations")) == 2
    assert window.case.search_index_ok()


def test_new_records_and_merging_duplicate_actors(qtbot, window: MainWindow) -> None:
    window.ask = lambda title, question: True
    actor = window.new_record("actors")
    form = window.inspector.forms["actors"]
    assert window.selection.selection.ids == (actor,)
    form.fields["name"].setText("Kremlin")
    form.fields["name"].editingFinished.emit()
    assert not form.duplicate.isHidden() and "Kremlin" in form.duplicate.text()  # warned, allowed
    relation_count = len(window.case.rows("relations"))
    window.selection.select("actors", ["actor-kremlin", actor])
    assert window.new_record("relations")
    assert len(window.case.rows("relations")) == relation_count + 1
    window.selection.select("actors", ["actor-kremlin", actor])
    assert window.merge_selected_actors()
    assert window.case.get("actors", actor) is None
    # the relation between the two merged actors went with the merged one
    assert len(window.case.rows("relations")) == relation_count
    window.undo_stack.undo()
    assert window.case.get("actors", actor)["name"] == "Kremlin"
    event = window.new_record("events")
    assert window.case.get("events", event)["title"] == "New event"
    assert window.inspector.forms["events"].fields["title"].hasFocus()


def test_read_only_case_disables_every_edit(qtbot, small_case: Path) -> None:
    window = MainWindow(read_only=True)
    qtbot.addWidget(window)
    window.open_path(small_case)
    window.selection.select("events", ["event-call"])
    assert not window.inspector.forms["events"].fields["title"].isEnabled()
    assert not window.delete_action.isEnabled() and not window.new_event_action.isEnabled()
    assert window.new_record("events") is None


def test_history_shows_who_changed_what(qtbot, window: MainWindow) -> None:
    from workbench.ui.settings import set_analyst

    set_analyst("A. Analyst")
    window.open_path(window.case.path)  # the name applies to cases opened from now on
    window.selection.select("events", ["event-call"])
    form = window.inspector.forms["events"]
    form.fields["title"].setText("Call with Putin")
    form.fields["title"].editingFinished.emit()
    window.docks["history"].show()
    window.docks["history"].raise_()
    history = window.history
    history.only_selected.setChecked(True)
    model = history.trail.model
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    assert first[1:3] == ["A. Analyst", "update"]
    assert first[4] == "title: Lukashenko calls Putin -> Call with Putin"
    history.trail.filter.setText("Putin")
    assert model.rowCount() >= 1
    history.trail.filter.clear()
    history.only_selected.setChecked(False)
    assert history.trail.model.rowCount() > 5
    assert Qt  # keep the import honest for type checkers
