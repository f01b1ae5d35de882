"""Actor graph benchmark (issue 4): layout and betweenness against networkx and igraph, chart pan frame time.

`measure(case_100k)` returns a flat dict of figures; `python -m tests.bench.bench_graph` builds
its own 100k-event synthetic case (5k actors, 20k relations) in a temporary folder and prints
them. Ratios are ours divided by the baseline, measured in the same run. Layout quality is
reported beside speed (normalized stress against hop distances, and edge crossings), so that
speed is not bought with a hairball. Nothing here fails on speed.
`python -m tests.bench.bench_graph --layouts` prints the layout figures of every graph only, the
ICEWS14 actor graph's too when its file lies beside the clone (bench_events.py).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tests.bench.shipped import baseline
from tests.bench.standalone import p95, run_alone
from workbench.core.graph.layouts import edge_crossings, force_positions, layout_stress
from workbench.core.graph.metrics import betweenness, to_networkx
from workbench.core.graph.model import CaseGraph, load_graph
from workbench.core.store import open_case

ROUNDS = 3
PAN_FRAMES = 40
PAN_STEP_PX = 12
ZOOM_FRAMES = 40
ZOOM_STEP = 1.25


def best_of(rounds: int, run: Callable[[], object]) -> tuple[float, object]:
    """Fastest of `rounds` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def layout_figures(n: int, src: np.ndarray, dst: np.ndarray, suffix: str,
                   networkx_too: bool = True) -> dict[str, float]:
    """Our default layout against networkx spring_layout (defaults) and igraph Fruchterman-Reingold.

    igraph starts from a random layout, so its crossings and stress are the mean over its rounds (seeded,
    so a run repeats); the ratios are ours over those means.
    """
    import networkx as nx

    figures: dict[str, float] = {}
    ours_s, ours = best_of(ROUNDS, lambda: force_positions(n, src, dst))
    with baseline():
        import igraph

        h = igraph.Graph(n=n, edges=list(zip(src.tolist(), dst.tolist(), strict=True)))
        igraph.set_random_number_generator(random.Random(1))
        runs: list[np.ndarray] = []
        try:
            igraph_s, _fr = best_of(ROUNDS, lambda: runs.append(np.asarray(h.layout_fruchterman_reingold().coords)))
        finally:
            igraph.set_random_number_generator(random)
    figures[f"layout_s_{suffix}"] = ours_s
    figures[f"layout_igraph_s_{suffix}"] = igraph_s
    figures[f"layout_ratio_vs_igraph_{suffix}"] = ours_s / igraph_s
    figures[f"layout_stress_{suffix}"] = layout_stress(ours, n, src, dst)
    figures[f"layout_stress_igraph_{suffix}"] = statistics.fmean(layout_stress(fr, n, src, dst) for fr in runs)
    figures[f"layout_stress_ratio_vs_igraph_{suffix}"] = (figures[f"layout_stress_{suffix}"]
                                                          / figures[f"layout_stress_igraph_{suffix}"])
    figures[f"layout_crossings_{suffix}"] = edge_crossings(ours, src, dst)
    figures[f"layout_crossings_igraph_{suffix}"] = statistics.fmean(edge_crossings(fr, src, dst) for fr in runs)
    figures[f"layout_crossings_ratio_vs_igraph_{suffix}"] = (figures[f"layout_crossings_{suffix}"]
                                                             / figures[f"layout_crossings_igraph_{suffix}"])
    if networkx_too:
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        with baseline():  # spring_layout needs scipy above 500 nodes (not shipped)
            start = time.perf_counter()
            spring = nx.spring_layout(g, seed=1)  # once: about half a minute on 5k actors
            networkx_s = time.perf_counter() - start
        xy = np.array([spring[v] for v in range(n)])
        figures[f"layout_networkx_s_{suffix}"] = networkx_s
        figures[f"layout_ratio_vs_networkx_{suffix}"] = ours_s / networkx_s
        figures[f"layout_stress_networkx_{suffix}"] = layout_stress(xy, n, src, dst)
        figures[f"layout_crossings_networkx_{suffix}"] = edge_crossings(xy, src, dst)
    return figures


def betweenness_figures(graph: CaseGraph, suffix: str) -> dict[str, float]:
    """What the app runs for betweenness (exact, rustworkx in its child process, as shipped) against
    igraph (a baseline only: not shipped), and how far networkx's sampled estimate (only when the
    analyst asks for it) is from the exact figures."""
    g = to_networkx(graph)
    ids = list(g.nodes)
    position = {v: i for i, v in enumerate(ids)}
    edges = [(position[a], position[b]) for a, b in g.edges]
    ours_s, exact = best_of(ROUNDS, lambda: betweenness(g, ids)[0])
    with baseline():
        import igraph

        h = igraph.Graph(n=len(ids), edges=edges)
        igraph_s, raw = best_of(ROUNDS, lambda: h.betweenness(directed=False))
    start = time.perf_counter()
    estimate, _method = betweenness(g, ids, sampled=True)
    sampled_s = time.perf_counter() - start
    exact_a, estimate_a = np.asarray(exact), np.asarray(estimate)
    n = len(ids)
    igraph_a = np.asarray(raw) * (2.0 / ((n - 1) * (n - 2)))  # igraph counts each pair once
    top = max(exact_a.max(), 1e-12)
    ranks = lambda v: np.argsort(np.argsort(-v))  # noqa: E731
    spearman = float(np.corrcoef(ranks(exact_a), ranks(estimate_a))[0, 1])
    top50 = len(set(np.argsort(-exact_a)[:50]) & set(np.argsort(-estimate_a)[:50])) / 50
    return {
        f"betweenness_s_{suffix}": ours_s,
        f"betweenness_igraph_s_{suffix}": igraph_s,
        f"betweenness_ratio_vs_igraph_{suffix}": ours_s / igraph_s,
        f"betweenness_max_error_vs_igraph_{suffix}": float(np.abs(exact_a - igraph_a).max() / top),
        f"betweenness_sampled_s_{suffix}": sampled_s,
        f"betweenness_sampled_max_error_{suffix}": float(np.abs(exact_a - estimate_a).max() / top),
        f"betweenness_sampled_spearman_{suffix}": spearman,
        f"betweenness_sampled_top50_overlap_{suffix}": top50,
    }


def pan_frame_ms(case_path: Path) -> dict[str, float]:
    """Median time (and 95th percentile) of one pan step of the whole 5k-actor chart (fitted, every actor and
    relation in view): scroll by a few pixels and let Qt paint what it must; of one zoom step (in and out from
    Fit by 1.25, as the timeline's zoom frames) as the wheel zooms (the last whole drawing shown scaled); of the
    whole drawing once the wheel rests (names placed for the zoom: `graph_zoom_settle_ms_5k`, not a frame of the
    turn); and of a full repaint of the view."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from workbench.ui.graph.pane import GraphPane
    from workbench.ui.selection import SelectionModel

    app = QApplication.instance() or QApplication([])
    case = open_case(case_path, read_only=True)
    try:
        selection = SelectionModel()
        selection.undo_stack = QUndoStack()
        span = case.date_range()
        if span:
            selection.set_time_window(*span)
        pane = GraphPane(selection)
        pane.resize(1400, 900)
        pane.show()
        pane.set_case(case)
        pane.flush()
        pane.wait_for_work()
        for _ in range(10):
            app.processEvents()
        pane.canvas.fit()
        app.processEvents()
        canvas = pane.canvas
        bar = canvas.horizontalScrollBar()
        pan, full = [], []
        for frame in range(PAN_FRAMES):
            step = PAN_STEP_PX if frame % 20 < 10 else -PAN_STEP_PX
            start = time.perf_counter()
            bar.setValue(bar.value() + step)  # QGraphicsView scrolls the pixels, paints the strip
            app.processEvents()
            pan.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            canvas.viewport().repaint()
            full.append((time.perf_counter() - start) * 1000)
        canvas.fit()
        app.processEvents()
        zoom = []
        for frame in range(ZOOM_FRAMES):
            factor = ZOOM_STEP if (frame // 5) % 2 == 0 else 1 / ZOOM_STEP  # in five steps, out five steps
            start = time.perf_counter()
            canvas.zoom_by_hand(factor)  # as the wheel does: the last whole drawing shown scaled
            app.processEvents()
            zoom.append((time.perf_counter() - start) * 1000)
        canvas.settle()
        canvas.fit()
        app.processEvents()
        settle = []
        for frame in range(ZOOM_FRAMES):
            canvas.zoom_by_hand(ZOOM_STEP if (frame // 5) % 2 == 0 else 1 / ZOOM_STEP)
            app.processEvents()
            start = time.perf_counter()
            canvas.settle()  # the wheel rests: the names placed for the zoom, the view drawn whole
            app.processEvents()
            settle.append((time.perf_counter() - start) * 1000)
        pane.close()
        return {"graph_pan_frame_ms_5k": statistics.median(pan), "graph_pan_frame_p95_ms_5k": p95(pan),
                "graph_zoom_frame_ms_5k": statistics.median(zoom), "graph_zoom_frame_p95_ms_5k": p95(zoom),
                "graph_zoom_settle_ms_5k": statistics.median(settle), "graph_zoom_settle_p95_ms_5k": p95(settle),
                "graph_full_repaint_ms_5k": statistics.median(full), "graph_full_repaint_p95_ms_5k": p95(full)}
    finally:
        case.close()


def measure(case_100k: Path) -> dict[str, float]:
    """Every figure of issue 4 on the 100k-event case (5k actors), plus scale-free graphs of 500,
    2k and 5k actors with about 2 links per actor."""

    figures: dict[str, float] = {}
    with open_case(case_100k, read_only=True) as case:
        graph = load_graph(case)
    src, dst = np.asarray(graph.src, dtype=np.int64), np.asarray(graph.dst, dtype=np.int64)
    figures.update(layout_figures(graph.n, src, dst, "5k"))
    figures.update(betweenness_figures(graph, "5k"))
    for n, suffix in ((500, "ba500"), (2000, "ba2k"), (5000, "ba5k")):
        figures.update(layout_figures(n, *scale_free(n), suffix, networkx_too=n <= 2000))
    figures.update(pan_frame_ms(case_100k))
    return figures


def scale_free(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The scale-free graph of the figures named ba500, ba2k, ba5k: about 2 links per actor."""
    import networkx as nx

    edges = np.asarray(nx.barabasi_albert_graph(n, 2, seed=7).edges, dtype=np.int64)
    return edges[:, 0], edges[:, 1]


def measure_layouts(case_100k: Path) -> dict[str, float]:
    """Only the layout figures, all in one process: the 5k case, the scale-free graphs and, when the
    file is beside the clone, the ICEWS14 actor graph (imported first, as bench_events does)."""
    from tests.bench.bench_events import ICEWS14
    from workbench.core.importers import run_import
    from workbench.core.store import create_case

    figures: dict[str, float] = {}
    with open_case(case_100k, read_only=True) as case:
        graph = load_graph(case)
    figures.update(layout_figures(graph.n, np.asarray(graph.src, dtype=np.int64),
                                  np.asarray(graph.dst, dtype=np.int64), "5k", networkx_too=False))
    for n, suffix in ((500, "ba500"), (2000, "ba2k"), (5000, "ba5k")):
        figures.update(layout_figures(n, *scale_free(n), suffix, networkx_too=False))
    if ICEWS14.exists():
        icews = case_100k.with_name("icews14.case")
        create_case(icews, "ICEWS14").close()
        run_import(ICEWS14, icews, accept_all=True)
        with open_case(icews, read_only=True) as case:
            graph = load_graph(case)
        figures.update(layout_figures(graph.n, np.asarray(graph.src, dtype=np.int64),
                                      np.asarray(graph.dst, dtype=np.int64), "icews14", networkx_too=False))
    return figures


if __name__ == "__main__":
    # --layouts: the layout figures of every graph only (a minute or two), for tuning the layout.
    sys.exit(run_alone(measure_layouts if "--layouts" in sys.argv[1:] else measure))
