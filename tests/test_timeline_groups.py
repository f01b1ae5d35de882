"""Summary lanes (issues 19 item 7 and 24 item 6): thousands of actor lanes grouped by kind under lanes
that draw their members' density and open on a click, kept in saved views. Proved on a 300-actor
synthetic case with the grouping threshold lowered (the app groups from 200 lanes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from workbench.core.store import open_case
from workbench.core.synthetic import generate_case
from workbench.core.timeline.data import load_timeline
from workbench.core.timeline.layout import GROUP_KEY, SUMMARY_ROWS, layout_lanes
from workbench.ui.selection import SelectionModel
from workbench.ui.timeline import SUMMARY_COLOUR, TimelineChart


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lanes") / "synthetic.case"
    generate_case(path, 3000).close()  # 150 actors
    return path


def test_lanes_are_grouped_by_kind_under_summary_lanes(synthetic: Path) -> None:
    case = open_case(synthetic)
    try:
        data = load_timeline(case)
    finally:
        case.close()
    plain = layout_lanes(data)
    assert len(plain.keys) > 100 and not plain.summary
    assert layout_lanes(data, group_by="kind", group_from=len(plain.keys) + 1).keys == plain.keys  # below: as ever
    grouped = layout_lanes(data, group_by="kind", group_from=100)
    kinds = {data.actor_kinds[data.actor_ids.index(k)] for k in plain.keys if k in data.actor_ids}
    summaries = [k for k in grouped.keys if k.startswith(GROUP_KEY)]
    assert {k.removeprefix(GROUP_KEY) for k in summaries} == kinds
    assert all(grouped.is_summary(lane) == key.startswith(GROUP_KEY) for lane, key in enumerate(grouped.keys))
    assert all(grouped.rows[lane] == SUMMARY_ROWS for lane in grouped.summary)
    assert len(grouped.item_event) == 0 or set(grouped.item_lane.tolist()).isdisjoint(grouped.summary)
    # Each summary lane sums up its members' events: the events of every actor of that kind.
    for lane, events in grouped.summary.items():
        kind = grouped.keys[lane].removeprefix(GROUP_KEY)
        members = np.array([data.actor_kinds[a] == kind for a in range(len(data.actor_ids))])
        expected = np.zeros(len(data), dtype=bool)
        expected[data.pair_event[members[data.pair_actor]]] = True
        assert (events == expected).all()
        assert grouped.counts[lane] == expected.sum()
    # Opened, a group's members' lanes follow its summary lane, drawn with their events.
    kind = summaries[0].removeprefix(GROUP_KEY)
    opened = layout_lanes(data, group_by="kind", group_from=100, expanded=frozenset({kind}))
    first = opened.keys.index(summaries[0])
    members = [k for k in plain.keys if k in data.actor_ids and data.actor_kinds[data.actor_ids.index(k)] == kind]
    assert opened.keys[first + 1:first + 1 + len(members)] == members
    assert opened.labels[first].startswith("▾") and grouped.labels[0].startswith("▸")
    drawn = set(opened.item_lane.tolist())
    assert drawn == set(range(first + 1, first + 1 + len(members)))


def test_summary_lanes_draw_density_and_open_on_a_click(qtbot, synthetic: Path) -> None:
    case = open_case(synthetic)
    chart = TimelineChart(SelectionModel())
    qtbot.addWidget(chart)
    chart.group_lanes_from = 100  # the app groups from 200 lanes; this case has about 150
    chart.resize(1200, 700)
    chart.show()
    chart.set_case(case)
    QApplication.processEvents()
    layout = chart.layout
    assert layout is not None and layout.summary and len(layout.keys) < 12
    # The first summary lane is drawn as bars of its density.
    lane = 0
    middle_row = float(layout.top[lane]) + SUMMARY_ROWS - 0.2  # near its bottom, where every bar starts
    (low, high), _ = chart.view.viewRange()
    picture = chart.plot.viewport().grab().toImage()
    y = chart.plot.mapFromScene(chart.view.mapViewToScene(QPointF((low + high) / 2, middle_row))).y()
    colours = {picture.pixelColor(x, int(y)).name() for x in range(picture.width())}
    assert SUMMARY_COLOUR.name() in colours
    # A click on it opens it, a second closes it; the state is kept in a saved view.
    chart.click_at((low + high) / 2, float(layout.top[lane]) + 0.5)
    name = layout.keys[lane].removeprefix(GROUP_KEY)
    assert chart.expanded_lanes == {name}
    assert len(chart.layout.keys) > len(layout.keys) and len(chart.layout.item_event) > 0
    state = chart.view_state()
    assert state["expanded_lanes"] == [name] and state["lane_groups"] == "auto"
    chart.click_at((low + high) / 2, float(chart.layout.top[0]) + 0.5)
    assert chart.expanded_lanes == set() and len(chart.layout.keys) == len(layout.keys)
    chart.restore_view_state(state)
    assert chart.expanded_lanes == {name}
    # A double-click on a summary lane adds no event: it is no actor's lane.
    assert chart.double_click_at((low + high) / 2, float(chart.layout.top[0]) + 0.5) is None
    # 'Lanes: every actor' never groups; 'by kind' always does; saved views say which.
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("actors:none"))
    assert not chart.layout.summary and len(chart.layout.keys) > 100
    assert chart.view_state()["lane_groups"] == "none" and chart.view_state()["lane_mode"] == "actors"
    chart.group_lanes_from = 10_000
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("actors:kind"))
    assert chart.layout.summary
    chart.restore_view_state({"lane_mode": "actors", "lane_groups": "none"})
    assert chart.lane_groups == "none" and not chart.layout.summary
    chart.set_case(None)
    chart.close()
    case.close()


def test_lanes_grouped_by_community_found_off_the_ui_thread(qtbot, synthetic: Path) -> None:
    # ICEWS's actors are all of one kind: there, and on request, the lanes are grouped by community.
    from workbench.core.graph.groups import community_names
    from workbench.ui.tasks import runner

    case = open_case(synthetic)
    data = load_timeline(case)
    names = community_names(case, list(data.actor_ids))
    assert len(names) == len(data.actor_ids) and len(set(names)) >= 3
    grouped = layout_lanes(data, group_by="community", group_from=0, group_names=names)
    assert {grouped.keys[lane].removeprefix(GROUP_KEY) for lane in grouped.summary} == {
        names[data.actor_ids.index(k)] for k in layout_lanes(data).keys if k in data.actor_ids}
    chart = TimelineChart(SelectionModel())
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    chart.show()
    chart.set_case(case)
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("actors:community"))
    assert runner().wait_idle(60_000)
    QApplication.processEvents()
    assert chart.community_lanes == names
    shown = {chart.layout.keys[lane] for lane in chart.layout.summary}
    assert shown == {grouped.keys[lane] for lane in grouped.summary}
    assert chart.view_state()["lane_groups"] == "community"
    chart.set_case(None)
    chart.close()
    case.close()


def test_lanes_grouped_by_an_attribute_the_actors_carry(qtbot, synthetic: Path, tmp_path: Path) -> None:
    # Issue 19 item 7: "by kind, community or a chosen attribute": each attribute key the actors carry
    # is a lane grouping, offered as it appears and withdrawn as it goes.
    import shutil

    from workbench.core.ops import delete_records
    from workbench.core.ops.attributes import attribute_groups, set_attribute

    path = tmp_path / "units.case"
    shutil.copy(synthetic, path)
    case = open_case(path)
    chart = TimelineChart(SelectionModel())
    qtbot.addWidget(chart)
    chart.resize(1000, 600)
    chart.show()
    chart.set_case(case)
    assert chart.lane_combo.findData("actors:attr:unit") < 0
    ids = list(chart.data.actor_ids)
    given = {ids[0]: "North", ids[1]: "north ", ids[2]: "North", ids[3]: "South", ids[4]: "South"}
    attribute_ids = []
    for actor_id, unit in given.items():
        changes = set_attribute(case, actor_id, "unit", "text", unit)
        attribute_ids.append(changes.result)
        chart.case_changed(changes)
    assert attribute_groups(case, "unit", ids[:6]) == ["North", "North", "North", "South", "South", "(no unit)"]
    index = chart.lane_combo.findData("actors:attr:unit")
    assert index >= 0 and chart.lane_combo.itemText(index) == "Lanes: actors by unit"  # offered...
    chart.lane_combo.setCurrentIndex(index)  # ...and chosen
    summaries = {chart.layout.keys[lane] for lane in chart.layout.summary}
    assert summaries == {GROUP_KEY + "North", GROUP_KEY + "South", GROUP_KEY + "(no unit)"}
    north = chart.layout.keys.index(GROUP_KEY + "North")
    assert chart.layout.labels[north] == "▸ North: 3 actors"
    assert chart.view_state()["lane_groups"] == "attr:unit"
    state = chart.view_state()
    chart.lane_combo.setCurrentIndex(0)
    assert not chart.layout.summary  # 150 lanes: fewer than "auto" groups
    chart.restore_view_state(state)
    assert chart.lane_groups == "attr:unit" and GROUP_KEY + "South" in chart.layout.keys
    # A changed value regroups; the key gone, its grouping goes and the lanes are ungrouped.
    changes = set_attribute(case, ids[3], "unit", "text", "North", attribute_id=attribute_ids[3])
    chart.case_changed(changes)
    north = chart.layout.keys.index(GROUP_KEY + "North")
    assert chart.layout.labels[north] == "▸ North: 4 actors"
    chart.case_changed(delete_records(case, "actor_attributes", attribute_ids))
    assert chart.lane_combo.findData("actors:attr:unit") < 0
    assert chart.lane_groups == "auto" and not chart.layout.summary
    chart.set_case(None)
    chart.close()
    case.close()


def test_a_summary_lanes_density_outline_holds_its_bars() -> None:
    # The bars of a summary lane are drawn as one polygon: its area is the bars' area, it stays on the base line
    # between them, and a bin of no events has no bar.
    from workbench.ui.timeline import density_outline

    heights = np.array([0.0, 3.0, 3.0, 0.0, 10.0, 1.0, 0.0])
    x, y = density_outline(heights, 50.0, 4.0, 100.0)
    area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    assert area == pytest.approx(heights.sum() * 4.0)
    assert x.min() == 50.0 and x.max() == 50.0 + 7 * 4.0 and y.max() == 100.0 and y.min() == 90.0
    over_empty = (x > 50.0 + 3 * 4.0) & (x < 50.0 + 4 * 4.0)  # inside the empty fourth bin: no point at all
    assert not over_empty.any()
    assert list(zip(x[7:9], y[7:9], strict=True)) == [(62.0, 100.0), (66.0, 100.0)]  # along the base under it
