"""Free tags: set in the inspector (one undo step), filter the timeline and the graph, travel with deletes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from workbench.core.filters import CaseFilter
from workbench.core.store import open_case
from workbench.core.tags import all_tags, events_passing, parse_tags, set_tags, tagged, tags_of
from workbench.ui.main_window import MainWindow


def test_parse_and_set_tags_exactly(small_case: Path) -> None:
    assert parse_tags(" Brest, priority,, needs second source ;priority\x00 ") == [
        "Brest", "priority", "needs second source"]
    with open_case(small_case) as case:
        set_tags(case, "events", "event-call", ["priority", "Brest"])
        set_tags(case, "actors", "actor-omon", ["Brest"])
        assert tags_of(case, "events", "event-call") == ["Brest", "priority"]
        assert all_tags(case) == {"Brest": 2, "priority": 1}
        assert tagged(case, {"Brest"}) == {"events": {"event-call"}, "actors": {"actor-omon"},
                                            "relations": set(), "sources": set()}
        # events pass by their own tag or their actor's
        assert events_passing(case, {"Brest"}) == {"event-call", "event-rumour"}
        set_tags(case, "events", "event-call", ["priority"])
        assert tags_of(case, "events", "event-call") == ["priority"]
        case.delete("actors", "actor-omon")  # its tags go with it
        assert all_tags(case) == {"priority": 1}
        assert case.search_index_ok()


@pytest.fixture
def window(qtbot, small_case: Path) -> MainWindow:
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert window.open_path(small_case)
    QApplication.processEvents()
    return window


def test_tags_from_the_inspector_filter_timeline_and_graph(qtbot, window: MainWindow) -> None:
    window.selection.select("events", ["event-rumour"])
    edit = window.inspector.forms["events"].tags_edit
    edit.setText("watch, Brest")
    edit.editingFinished.emit()
    assert tags_of(window.case, "events", "event-rumour") == ["Brest", "watch"]
    assert window.undo_action.text() == "&Undo Tag event"
    chart = window.timeline.chart
    assert sorted(chart.tag_filter.actions_) == ["Brest", "watch"]
    chart.tag_filter.actions_["watch"].setChecked(True)
    assert window.selection.filter.tags == frozenset({"watch"})
    shown = {chart.data.id_of(i) for i in range(len(chart.data)) if chart.mask[i]}
    assert shown == {"event-rumour"}
    # the graph shows tagged actors and their ties only; tag OMON and filter by it
    set_tags(window.case, "actors", "actor-omon", ["watch"])
    window.graph.flush()
    graph = window.graph
    shown_actors = {graph.graph.ids[v] for v, on in enumerate(graph.graph_slice.node_shown) if on}
    assert shown_actors == {"actor-omon"}
    window.selection.set_filter(CaseFilter())
    assert chart.tag_filter.chosen() is None
    window.undo_stack.undo()
    assert tags_of(window.case, "events", "event-rumour") == []


def test_lists_honour_the_shared_filter(qtbot, window: MainWindow) -> None:
    from workbench.core.tags import set_tags as tag

    events = window.panes["events"]
    relations = window.panes["relations"]
    sources = window.panes["sources"]

    def ids(pane) -> set[str]:
        return {pane.model.record_id(r) for r in range(pane.model.rowCount())}

    assert ids(events) == {"event-call", "event-rumour"}
    window.selection.set_filter(CaseFilter(confidence_floor="reported"))
    assert ids(events) == {"event-call"}  # the unverified rumour is below the floor
    tag(window.case, "events", "event-rumour", ["watch"])
    window.selection.set_filter(CaseFilter(tags=frozenset({"watch"})))
    assert ids(events) == {"event-rumour"}
    assert ids(relations) == set()
    window.selection.set_filter(CaseFilter(reliability_floor="B"))
    assert ids(sources) == {"source-tass"}  # BelTA is graded C
    window.selection.set_filter(CaseFilter())
    assert ids(events) == {"event-call", "event-rumour"} and len(ids(sources)) == 2


def test_thousands_of_tags_make_one_list_not_thousands_of_menu_actions(qtbot, small_case: Path) -> None:
    """A received case with 30,000 tags (issue 16, item 10): its tag filter is one list with a filter field,
    not 30,000 menu actions (which took seconds to build and minutes to free at exit)."""
    with open_case(small_case) as case:
        case.bulk_insert("tags", [{"tag": f"tag {n:05d}", "event_id": "event-call"} for n in range(30_000)])
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    button = window.timeline.chart.tag_filter
    assert len(button.actions_) == 30_000
    assert len(button.menu_.actions()) == 1, "one widget action holds the list"
    assert not button.filter.isHidden(), "many tags: a filter field"
    button.filter.setText("tag 2999")
    shown = [k for k, entry in button.actions_.items() if not entry.item.isHidden()]
    assert shown == [f"tag 2999{n}" for n in range(10)]
    button.actions_["tag 02999"].setChecked(True)
    assert window.selection.filter.tags == frozenset({"tag 02999"})
