"""The actor graph core on the sample case: metrics equal networkx's, time slicing, paths, layouts, stored positions."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from workbench.core.filters import CaseFilter
from workbench.core.graph.geometry import nearest_edge, nearest_node, parallel_offsets, separate_boxes
from workbench.core.graph.layouts import (
    LAYOUTS,
    circular_positions,
    compute_layout,
    edge_crossings,
    force_positions,
    layout_stress,
)
from workbench.core.graph.metrics import IN_PROCESS_UP_TO, analyse, ego_network, shortest_path
from workbench.core.graph.model import CaseGraph, load_graph
from workbench.core.graph.positions import read_positions, write_positions
from workbench.core.graph.slicing import IN, OUT, UNCERTAIN, activity_days, day_label, slice_graph
from workbench.core.progress import Cancelled, Progress
from workbench.core.store import check_case, open_case, schema_version


@pytest.fixture
def sample(sample_path: Path, tmp_path: Path):
    copy = tmp_path / "belarus.case"
    copy.write_bytes(sample_path.read_bytes())
    case = open_case(copy)
    yield case
    case.close()


def actor_id(graph: CaseGraph, name: str) -> str:
    return graph.ids[graph.names.index(name)]


def reference_graph(case) -> nx.Graph:
    """The sample as networkx sees it, straight from the tables (not through workbench.core.graph)."""
    g = nx.Graph()
    g.add_nodes_from(actor for (actor,) in case.conn.execute("SELECT id FROM actors"))
    g.add_edges_from(case.conn.execute("SELECT from_actor_id, to_actor_id FROM relations"))
    return g


def test_centralities_equal_networkx_on_the_sample(sample) -> None:
    graph = load_graph(sample)
    assert (graph.n, graph.m) == (23, 28)
    metrics = analyse(graph)
    reference = reference_graph(sample)
    assert metrics.of("degree") == dict(reference.degree)
    assert metrics.of("betweenness") == pytest.approx(nx.betweenness_centrality(reference), abs=1e-12)
    assert metrics.of("eigenvector") == pytest.approx(nx.eigenvector_centrality(reference, max_iter=2000, tol=1e-9),
                                                      abs=1e-6)
    degree = metrics.of("degree")
    assert max(degree, key=degree.get) == actor_id(graph, "Aleksander Lukashenko")
    assert metrics.isolates == [actor_id(graph, "Belarusian forest ministry")]
    assert len(set(metrics.community)) >= 3


def test_exact_betweenness_of_a_scale_free_graph_equals_networkx_and_says_exact() -> None:
    """A few hundred actors: above IN_PROCESS_UP_TO, so rustworkx runs in its child process."""
    g = nx.barabasi_albert_graph(IN_PROCESS_UP_TO + 100, 2, seed=7)
    ids = [f"a{v}" for v in g.nodes]
    graph = CaseGraph(ids=ids, names=ids, kinds=["person"] * len(ids), src=[a for a, _b in g.edges],
                      dst=[b for _a, b in g.edges], edge_ids=[f"r{i}" for i in range(g.number_of_edges())],
                      edge_kinds=["tie"] * g.number_of_edges())
    metrics = analyse(graph)
    assert metrics.methods["betweenness"].startswith("exact")
    reference = nx.betweenness_centrality(g)
    assert metrics.of("betweenness") == pytest.approx({f"a{v}": x for v, x in reference.items()}, abs=1e-9)
    eigenvector = nx.eigenvector_centrality(g, max_iter=2000, tol=1e-9)
    assert metrics.of("eigenvector") == pytest.approx({f"a{v}": x for v, x in eigenvector.items()}, abs=1e-6)
    sampled = analyse(graph, sampled=True)
    assert sampled.methods["betweenness"].startswith("sampled")
    assert sampled.of("betweenness") != pytest.approx(metrics.of("betweenness"), abs=1e-9)


def test_time_window_9_to_14_august_hides_the_16_august_counter_demonstration(sample) -> None:
    graph = load_graph(sample)
    counter = graph.edge_kinds.index("counter-demonstration")
    agreement = graph.edge_kinds.index("agreement")
    warrant = [i for i, k in enumerate(graph.edge_kinds) if k == "arrest warrant"
               and graph.names[graph.src[i]] == "Aleksander Lukashenko"][0]
    founded = graph.edge_kinds.index("founded")  # undated
    span = sample.date_range()
    # 9-14 Aug in Minsk (UTC+3)
    narrow = slice_graph(graph, "2020-08-08T21:00:00Z", "2020-08-14T20:59:59Z", span)
    assert narrow.edge_state[counter] == OUT
    assert narrow.edge_state[agreement] == OUT  # 15 Aug
    assert narrow.edge_state[warrant] == IN  # 14 Aug
    assert narrow.edge_state[founded] == UNCERTAIN  # undated: may fall in the window, drawn faded
    whole = slice_graph(graph, *span, span)
    assert set(whole.edge_state) == {IN}
    assert slice_graph(graph).edge_state[counter] == IN  # no window at all


def test_filter_hides_kinds_and_weak_relations(sample) -> None:
    graph = load_graph(sample)
    only_people = slice_graph(graph, case_filter=CaseFilter(actor_kinds=frozenset({"person"})))
    assert {graph.kinds[v] for v, shown in enumerate(only_people.node_shown) if shown} == {"person"}
    assert all(graph.kinds[graph.src[e]] == graph.kinds[graph.dst[e]] == "person"
               for e in only_people.shown_edges())
    reported = slice_graph(graph, case_filter=CaseFilter(confidence_floor="reported"))
    assert graph.edge_kinds.index("may be supporting") not in reported.shown_edges()  # possible
    metrics = analyse(graph, only_people)
    assert set(metrics.ids) == {graph.ids[v] for v, k in enumerate(graph.kinds) if k == "person"}


def test_shortest_path_from_kochanova_to_the_kremlin_runs_through_lukashenko(sample) -> None:
    graph = load_graph(sample)
    kochanova, kremlin = actor_id(graph, "Natalya Kochanova"), actor_id(graph, "Kremlin")
    nodes, edges = shortest_path(graph, kochanova, kremlin)
    assert [graph.names[graph.index[a]] for a in nodes] == ["Natalya Kochanova", "Aleksander Lukashenko", "Kremlin"]
    assert sorted(graph.edge_kinds[graph.edge_index[e]] for e in edges) == ["agreement", "loyalist of"]
    # on 9-14 Aug the agreement (15 Aug) does not exist yet, and Kochanova's tie is undated
    early = slice_graph(graph, "2020-08-08T21:00:00Z", "2020-08-14T20:59:59Z", sample.date_range())
    nodes, _ = shortest_path(graph, kochanova, kremlin, early)
    assert len(nodes) == 0 or "agreement" not in nodes
    assert shortest_path(graph, kochanova, actor_id(graph, "Belarusian forest ministry")) == ([], [])


def test_ego_network_and_activity_days(sample) -> None:
    graph = load_graph(sample)
    ego = ego_network(graph, actor_id(graph, "Stepan Putilo"), 1)
    assert {graph.names[graph.index[a]] for a in ego} == {"Stepan Putilo", "Kremlin", "Aleksander Lukashenko",
                                                          "NEXTA"}
    days = activity_days(sample)
    labels = [day_label(end, "Europe/Minsk") for _start, end in days]
    assert labels[0] == "27 Jul 2020"
    assert labels[1:] == [f"{d} Aug 2020" for d in range(9, 18)]  # the quiet stretch is jumped
    assert all(start == sample.date_range()[0] for start, _end in days)


def test_layout_and_analysis_report_progress_and_stop_on_cancel(sample) -> None:
    graph = load_graph(sample)
    seen: list[float] = []
    compute_layout(graph, "force", progress=Progress(seen.append))
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    seen.clear()
    analyse(graph, progress=Progress(seen.append))
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    stopped = Progress()
    stopped.cancel()
    with pytest.raises(Cancelled):
        compute_layout(graph, "force", progress=stopped)
    with pytest.raises(Cancelled):
        analyse(graph, progress=stopped)


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_every_layout_places_every_actor(sample, name: str) -> None:
    graph = load_graph(sample)
    layout = compute_layout(graph, name, center=actor_id(graph, "Aleksander Lukashenko"))
    xy = np.array([layout[a] for a in graph.ids])
    assert xy.shape == (23, 2) and np.isfinite(xy).all()
    distinct = {(round(x), round(y)) for x, y in xy}
    assert len(distinct) == 23
    if name == "ego":
        centre = xy[graph.index[actor_id(graph, "Aleksander Lukashenko")]]
        assert np.allclose(centre, 0)
    assert compute_layout(graph, name, center=actor_id(graph, "Aleksander Lukashenko")) == layout


def test_force_layout_untangles_better_than_a_circle(sample) -> None:
    graph = load_graph(sample)
    src, dst = np.array(graph.src), np.array(graph.dst)
    force = force_positions(graph.n, src, dst)
    circle = circular_positions(graph.n, src, dst)
    assert layout_stress(force, graph.n, src, dst) < layout_stress(circle, graph.n, src, dst)
    assert edge_crossings(force, src, dst) <= edge_crossings(circle, src, dst)


def test_relayout_unpinned_only_keeps_pinned_actors(sample) -> None:
    graph = load_graph(sample)
    first = compute_layout(graph, "circular")
    luka = actor_id(graph, "Aleksander Lukashenko")
    again = compute_layout(graph, "force", current=first, pinned=[luka])
    assert again[luka] == pytest.approx(first[luka])
    assert any(again[a] != pytest.approx(first[a]) for a in graph.ids if a != luka)


def test_separate_boxes_removes_overlaps_and_keeps_fixed() -> None:
    xy = np.array([[0.0, 0.0], [5.0, 0.0], [10.0, 3.0], [300.0, 300.0]])
    boxes = np.tile([-40.0, -8.0, 40.0, 20.0], (4, 1))
    fixed = np.array([True, False, False, False])
    out = separate_boxes(xy, boxes, fixed)
    assert out[0] == pytest.approx(xy[0])
    for a in range(4):
        for b in range(a + 1, 4):
            apart_x = abs(out[a, 0] - out[b, 0]) >= 80
            apart_y = abs(out[a, 1] - out[b, 1]) >= 28
            assert apart_x or apart_y


def test_positions_survive_save_and_reopen_and_go_with_the_actor(sample, tmp_path: Path) -> None:
    graph = load_graph(sample)
    luka, kremlin = actor_id(graph, "Aleksander Lukashenko"), actor_id(graph, "Kremlin")
    write_positions(sample, {luka: (12.5, -40.0, True), kremlin: (300.0, 10.0, False)})
    copy = sample.save_copy(tmp_path / "for colleague.case")
    sample.close()
    assert check_case(copy) == schema_version()
    with open_case(copy) as reopened:
        assert read_positions(reopened) == {luka: (12.5, -40.0, True), kremlin: (300.0, 10.0, False)}
        audit = reopened.conn.execute(
            "SELECT action, summary FROM audit WHERE table_name = 'actor_layout'").fetchall()
        assert audit == [("update", "chart positions of 2 actors")]
        write_positions(reopened, {kremlin: None})
        assert set(read_positions(reopened)) == {luka}
        reopened.conn.execute("PRAGMA foreign_keys = ON")
        reopened.delete("actors", luka)
        assert read_positions(reopened) == {}


def test_write_positions_ignores_unknown_actors_and_non_numbers(sample) -> None:
    graph = load_graph(sample)
    luka = actor_id(graph, "Aleksander Lukashenko")
    write_positions(sample, {"no-such-actor": (1.0, 2.0, False), luka: (float("nan"), 0.0, False)})
    assert read_positions(sample) == {}


def test_hit_tests() -> None:
    xy = np.array([[0.0, 0.0], [100.0, 0.0]])
    shown = np.array([True, True])
    assert nearest_node(xy, shown, 98, 3, 9.0) == 1
    assert nearest_node(xy, shown, 50, 0, 9.0) == -1
    assert nearest_node(xy, np.array([True, False]), 98, 3, 9.0) == -1
    start, end = xy[[0]], xy[[1]]
    middle = (start + end) / 2
    assert nearest_edge(start, middle, end, np.array([True]), 50, 3, 5) == 0
    assert nearest_edge(start, middle, end, np.array([True]), 50, 30, 5) == -1


def test_layouts_of_a_larger_graph_are_fast_enough_to_test_and_finite() -> None:
    g = nx.barabasi_albert_graph(800, 2, seed=3)
    edges = np.array(g.edges)
    xy = force_positions(800, edges[:, 0], edges[:, 1])
    assert np.isfinite(xy).all()
    assert layout_stress(xy, 800, edges[:, 0], edges[:, 1]) < 0.4
    assert parallel_offsets([0, 1, 0], [1, 0, 2]) == [-0.5, -0.5, 0.0]


def test_force_layout_of_a_large_component_untangles_as_well_as_igraph() -> None:
    """Above FULL_STRESS_NODES the default layout is our own Fruchterman-Reingold: on a scale-free graph it
    draws no more than 1.2x igraph's crossings, with no more stress (igraph seeded, mean of three runs)."""
    import random

    igraph = pytest.importorskip("igraph", reason="igraph (the test extra, a baseline only) is not installed")
    g = nx.barabasi_albert_graph(500, 2, seed=5)
    edges = np.array(g.edges)
    src, dst = edges[:, 0], edges[:, 1]
    ours = force_positions(500, src, dst)
    h = igraph.Graph(n=500, edges=edges.tolist())
    igraph.set_random_number_generator(random.Random(3))
    try:
        runs = [np.asarray(h.layout_fruchterman_reingold().coords) for _ in range(3)]
    finally:
        igraph.set_random_number_generator(random)
    assert edge_crossings(ours, src, dst) <= 1.2 * np.mean([edge_crossings(fr, src, dst) for fr in runs])
    assert layout_stress(ours, 500, src, dst) <= np.mean([layout_stress(fr, 500, src, dst) for fr in runs])
    assert np.array_equal(ours, force_positions(500, src, dst))  # seeded: the same case, the same chart


def test_relayout_of_a_large_component_keeps_pinned_actors_and_the_chart_scale() -> None:
    g = nx.barabasi_albert_graph(800, 2, seed=5)
    edges = np.array(g.edges)
    src, dst = edges[:, 0], edges[:, 1]
    first = force_positions(800, src, dst)
    fixed = np.zeros(800, dtype=bool)
    fixed[:5] = True
    current = first.copy()
    current[700:] = np.nan  # actors without a place yet
    again = force_positions(800, src, dst, init=current, fixed=fixed)
    assert np.isfinite(again).all()
    assert np.array_equal(again[:5], first[:5])
    # The others settle near where they were (within a tie or two), not on a chart blown up or crushed.
    tie = np.median(np.hypot(*(first[src] - first[dst]).T))
    assert np.median(np.hypot(*(again[:700] - first[:700]).T)) < 2 * tie
    spread = np.ptp(again, axis=0) / np.ptp(first, axis=0)
    assert (spread > 0.7).all() and (spread < 1.4).all()


def test_cancel_stops_exact_betweenness_in_its_child_process() -> None:
    import multiprocessing

    from workbench.core.graph.metrics import exact_betweenness

    g = nx.barabasi_albert_graph(3000, 3, seed=7)
    stopped = Progress()
    stopped.cancel()  # the first report while the child works raises Cancelled
    with pytest.raises(Cancelled):
        exact_betweenness(g.number_of_nodes(), list(g.edges), stopped)
    assert multiprocessing.active_children() == []  # killed and reaped, not left running
