"""The graph's level of detail at scale (issue 19 item 7): communities or kinds drawn as groups you
can expand, their names kept clear of each other, faint ties between them. Proved on a 300-actor
synthetic case with the chart's grouping threshold lowered (the app groups from 1,000 actors)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from shown_pane import shown_graph

from workbench.core.graph.groups import (
    SMALL_CLUSTERS,
    communities,
    group_actors,
    group_ties,
    strongest_ties,
    tie_width,
)
from workbench.core.graph.model import CaseGraph, load_graph
from workbench.core.graph.slicing import OUT
from workbench.core.store import open_case
from workbench.core.synthetic import generate_case
from workbench.ui.graph.legend import paint_legend_strip


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("groups") / "synthetic.case"
    generate_case(path, 6000).close()  # 300 actors, about 1,200 relations
    return path


def test_communities_become_groups_named_after_their_hub(synthetic: Path) -> None:
    case = open_case(synthetic)
    try:
        graph = load_graph(case)
    finally:
        case.close()
    numbers = communities(graph)
    assert numbers == communities(graph)  # seeded: the same case gives the same groups
    degree = graph.degrees()
    grouping = group_actors(graph, "community", numbers, degree)
    assert grouping.k >= 3
    assert grouping.sizes == sorted(grouping.sizes, reverse=True) or grouping.names[-1] == SMALL_CLUSTERS
    for group in range(grouping.k):
        members = grouping.members(group)
        assert len(members) == grouping.sizes[group] >= 5
        if grouping.leaders[group] >= 0:  # named after its best connected member
            leader = grouping.leaders[group]
            assert grouping.names[group] == graph.names[leader]
            assert degree[leader] == max(degree[v] for v in members)
    isolated = np.asarray(degree) == 0
    assert (grouping.member[isolated] == -1).all()  # isolated actors have their own marker
    kinds = group_actors(graph, "kind", degree=degree)
    assert set(kinds.names) <= set(graph.kinds)
    assert all(graph.kinds[v] == kinds.names[kinds.member[v]] for v in range(graph.n) if kinds.member[v] >= 0)


def test_small_clusters_are_one_group_and_ties_count_relations() -> None:
    # A five-actor star, and four separate pairs: the pairs are one group of eight, 'small clusters'.
    graph = CaseGraph()
    names = ["hub", "a", "b", "c", "d"] + [f"p{i}" for i in range(8)]
    for i, name in enumerate(names):
        graph.ids.append(f"id{i}")
        graph.names.append(name)
        graph.kinds.append("person")
        graph.index[f"id{i}"] = i
    edges = [(0, 1), (0, 2), (0, 3), (0, 4), (0, 1), (5, 6), (7, 8), (9, 10), (11, 12)]
    for e, (a, b) in enumerate(edges):
        graph.edge_ids.append(f"r{e}")
        graph.src.append(a)
        graph.dst.append(b)
    grouping = group_actors(graph, "community", communities(graph))
    assert grouping.names == ["hub", SMALL_CLUSTERS] and grouping.sizes == [5, 8]
    # Drawn with the hub's group collapsed and the pairs on their own: one tie per (group, actor) pair.
    end = np.where(grouping.member == 0, -1, np.arange(graph.n))
    src, dst = np.asarray(graph.src), np.asarray(graph.dst)
    a, b, counts = group_ties(src, dst, end[src], end[dst], np.ones(len(edges), bool))
    assert len(a) == 0  # every relation of the star is inside its group; the pairs are drawn as themselves
    end = np.where(grouping.member >= 0, -1 - grouping.member, np.arange(graph.n))
    end[0] = 0  # the hub drawn on its own: its four relations to its group are one tie of five
    a, b, counts = group_ties(src, dst, end[src], end[dst], np.ones(len(edges), bool))
    assert (a.tolist(), b.tolist(), counts.tolist()) == ([-1], [0], [5])
    assert tie_width(1) == 1.0 and tie_width(5) > tie_width(2) and tie_width(10**6) == 7.0


def test_the_chart_draws_groups_that_open_on_a_click(qtbot, synthetic: Path) -> None:
    case = open_case(synthetic)
    # The app groups from 1,000 actors; this case has 300.
    pane = shown_graph(qtbot, case, 1000, 700, group_from=100)
    pane.fit()
    selection = pane.selection
    chart, canvas, g = pane.chart, pane.canvas, pane.graph
    assert pane.grouping_mode() == "community" and chart.grouping is not None
    grouping = chart.grouping
    groups = chart.collapsed_groups()
    assert len(groups) == grouping.k >= 3
    # No member of a collapsed group is drawn on its own, and no relation into one is drawn as itself.
    visible = chart.node_visible()
    assert not visible[grouping.member >= 0].any()
    drawn = chart.geometry["shown"]
    assert not (drawn & ~(visible[np.asarray(g.src)] & visible[np.asarray(g.dst)])).any()
    # The ties stand for every shown relation that leaves a group.
    member = grouping.member
    src, dst = np.asarray(g.src), np.asarray(g.dst)
    leaving = (np.asarray(chart.graph_slice.edge_state) != OUT) & (member[src] != member[dst]) & (
        (member[src] >= 0) | (member[dst] >= 0))
    assert int(np.sum(chart.ties[2])) == int(leaving.sum()) > 0
    # Every group is in view after Fit, and names (groups' and actors') do not overlap.
    view = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    for group in groups:
        assert view.contains(float(chart.group_xy[group, 0]), float(chart.group_xy[group, 1]))
    rects = list(chart.group_label_rects().values()) + list(chart.label_rects().values())
    assert len(chart.group_label_rects()) >= len(groups) // 2
    assert [(i, j) for i in range(len(rects)) for j in range(i + 1, len(rects)) if rects[i].intersects(rects[j])] == []
    # A click on a group's marker shows its members one by one; the tooltip says what the marker is.
    group = groups[0]
    assert "community" in chart.group_tooltip(group)
    at = canvas.mapFromScene(float(chart.group_xy[group, 0]), float(chart.group_xy[group, 1]))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert group in chart.expanded and group not in chart.collapsed_groups()
    members = grouping.members(group)
    assert chart.node_visible()[members].all()
    v = int(members[0])
    assert chart.node_at(float(chart.xy[v, 0]), float(chart.xy[v, 1]), 1.0) == v
    # An actor chosen elsewhere (a list, a search) that hides in a group: its group opens.
    other = groups[1]
    hidden = int(grouping.members(other)[0])
    selection.select("actors", [g.ids[hidden]])
    assert other in chart.expanded and chart.node_visible()[hidden]
    # The choice is kept in a saved view; kinds and none are the other choices.
    state = pane.view_state()
    assert state["groups"] == "auto"
    pane.restore_view_state({**state, "groups": "kind"})
    assert chart.grouping is not None and chart.grouping.by == "kind"
    assert {chart.grouping.names[k] for k in chart.collapsed_groups()} <= set(g.kinds)
    # Between the kinds, relations fall at random: only the strongest ties are drawn, and the legend says so.
    assert chart.ties_thinned and 0 < chart.ties_drawn.sum() < len(chart.ties[2])
    legend = canvas.legend
    assert legend.needed_height(200) > paint_legend_strip(None, legend.kinds, 200, chart.colour_by, 0, chart.weigh_ties)
    pane.every_tie_action.setChecked(True)  # Groups > Every tie between groups
    assert chart.ties_drawn.all() and not chart.ties_thinned
    assert pane.view_state()["every_tie"] is True
    pane.restore_view_state({**state, "groups": "kind"})  # a view saved before: the strongest only
    assert chart.ties_thinned
    pane.restore_view_state({**state, "groups": "none"})
    assert chart.grouping is None and chart.node_visible().sum() > len(grouping.member) - np.sum(
        np.asarray(chart.degree) == 0) - 1
    pane.cancel_work()
    case.close()


def test_ties_are_weighted_by_the_events_behind_them(qtbot, tmp_path: Path) -> None:
    # An ICEWS-style table: A accuses B six times, B meets C once. One relation per pair and type,
    # '6 events' and '1 event'; a case of such ties opens with the toggle on, drawing the first wider.
    from workbench.core.importers.event_table import import_event_table
    from workbench.core.store import create_case

    table = tmp_path / "events.tsv"
    rows = ["Event Date\tSource Name\tEvent Text\tTarget Name"]
    rows += [f"2014-01-0{day}\tAlpha Ministry\tAccuse\tBeta Party" for day in range(1, 7)]
    rows += ["2014-01-08\tBeta Party\tConsult\tGamma Council"]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with create_case(tmp_path / "ties.case", "Ties") as case:
        import_event_table(case, table)
    case = open_case(tmp_path / "ties.case")
    pane = shown_graph(qtbot, case, 800, 600)
    chart, g = pane.chart, pane.graph
    assert sorted(g.counts) == [1, 6]
    six, one = g.counts.index(6), g.counts.index(1)
    assert pane.weigh_action.isChecked() and chart.weigh_ties
    assert chart.edge_pen_width(six) > chart.edge_pen_width(one) + 2
    widths = {key[1] for key in chart._edge_paths}  # noqa: SLF001 - what the painter strokes
    assert len(widths) == 2
    assert pane.view_state()["weigh_ties"] is True
    pane.weigh_action.setChecked(False)  # by citations: none here, so both as thin
    assert chart.edge_pen_width(six) == chart.edge_pen_width(one)
    assert len({key[1] for key in chart._edge_paths}) == 1  # noqa: SLF001
    assert pane.view_state()["weigh_ties"] is False
    # Grouped, a tie stands for the events of its relations when weighted, for the relations when not.
    graph = load_graph(case)
    src, dst = np.asarray(graph.src), np.asarray(graph.dst)
    alpha = graph.names.index("Alpha Ministry")
    end = np.where(np.arange(graph.n) == alpha, alpha, -1)  # Beta and Gamma in one group, Alpha on its own
    assert group_ties(src, dst, end[src], end[dst], np.ones(2, bool), np.asarray(graph.counts))[2].tolist() == [6]
    assert group_ties(src, dst, end[src], end[dst], np.ones(2, bool))[2].tolist() == [1]
    pane.cancel_work()
    case.close()


def test_only_ties_stronger_than_chance_are_drawn_between_groups() -> None:
    # Twenty groups whose relations fall at random between them (the synthetic 5k case's, which drew a
    # grey mass), and two pairs planted far heavier than chance: those two stand out, each group keeps
    # its few strongest ties, and most of the chance ties are not drawn.
    rng = np.random.default_rng(7)
    k = 20
    ends = rng.integers(0, k, size=(6000, 2))
    ends = ends[ends[:, 0] != ends[:, 1]]
    planted = np.array([[3, 11]] * 400 + [[5, 17]] * 300)
    ends = -1 - np.concatenate([ends, planted])
    src, dst = ends[:, 0], ends[:, 1]
    a, b, counts = group_ties(src, dst, src, dst, np.ones(len(src), dtype=bool))
    assert len(counts) == k * (k - 1) // 2
    keep = strongest_ties(a, b, counts)
    pairs = {(int(x), int(y)) for x, y in zip(a[keep], b[keep], strict=True)}
    assert (-12, -4) in pairs and (-18, -6) in pairs
    assert keep.sum() <= k * 3 and keep.sum() < len(counts) / 3
    for group in range(k):  # no group is left without a tie drawn
        assert ((a[keep] == -1 - group) | (b[keep] == -1 - group)).any()
    # Drawn all, nothing is dropped; no ties, nothing to draw.
    assert strongest_ties(a, b, counts, per_end=k).all()
    assert strongest_ties(a[:0], b[:0], counts[:0]).shape == (0,)
