"""The actor graph of a case: built from actors and relations, sliced by time and filter; layouts, metrics, paths.

Everything the link chart shows is computed here; `workbench.ui.graph_view` only draws it.
numpy, networkx and igraph are imported inside the functions that need them, so importing this
module (at app start-up) costs nothing. networkx is the reference for every metric; igraph,
when installed, computes the same figures faster on large graphs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from workbench.core.casefile import Case
from workbench.core.filters import CaseFilter
from workbench.core.times import UTC_FORMAT, case_zone, utc_to_local

if TYPE_CHECKING:  # pragma: no cover
    import networkx
    import numpy

# Actor kinds the chart knows by shape and colour; anything else is drawn as "other".
KINDS = ("person", "state", "organization", "government", "military", "security", "media", "group", "other")

# A relation's place in the time window.
OUT, IN, UNCERTAIN = 0, 1, 2

# Chart units (pixels at 100 % zoom) between two tied actors in the automatic layouts.
EDGE_LENGTH = 120.0
# Components up to this size get full stress majorization (every pair); larger ones the sparse
# stress model with pivots (Ortmann, Klimenta & Brandes 2016), which is linear in the edges.
FULL_STRESS_NODES = 300
PIVOTS = 30
# Sparse stress terms and sweeps, tuned on the 5k-actor synthetic case and on scale-free graphs
# against igraph's Fruchterman-Reingold (tests/bench/bench_graph.py measures both).
TWO_HOP_SAMPLES = 32
TWO_HOP_WEIGHT = 8.0
PIVOT_WEIGHT = 0.3
DAMPING = 0.7
SPARSE_SWEEPS = 30
# Betweenness is exact up to this many actors without igraph; above, sampled (networkx k=).
EXACT_BETWEENNESS_NODES = 1500
BETWEENNESS_SAMPLES = 400
# The play control steps day by day but jumps over this many days or more with nothing dated.
QUIET_DAYS = 4

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class LayoutCancelled(Exception):
    """The analyst cancelled a long layout or analysis."""


# --- the graph of a case -----------------------------------------------------------------


@dataclass
class CaseGraph:
    """Actors (nodes) and relations (edges) of a case, by position; `index` maps actor id -> node."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    colors: list[str | None] = field(default_factory=list)
    edge_ids: list[str] = field(default_factory=list)
    src: list[int] = field(default_factory=list)
    dst: list[int] = field(default_factory=list)
    edge_kinds: list[str] = field(default_factory=list)
    edge_labels: list[str] = field(default_factory=list)
    directed: list[bool] = field(default_factory=list)
    starts: list[str | None] = field(default_factory=list)
    ends: list[str | None] = field(default_factory=list)
    confidences: list[str] = field(default_factory=list)
    citations: list[int] = field(default_factory=list)  # citation rows behind the relation
    sources: list[int] = field(default_factory=list)  # distinct sources among them
    index: dict[str, int] = field(default_factory=dict)
    edge_index: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.edge_ids)

    def degrees(self) -> list[int]:
        """Distinct neighbours per actor over all relations (both directions)."""
        neighbours: list[set[int]] = [set() for _ in range(self.n)]
        for a, b in zip(self.src, self.dst, strict=True):
            neighbours[a].add(b)
            neighbours[b].add(a)
        return [len(s) for s in neighbours]


def load_graph(case: Case) -> CaseGraph:
    """The whole actor graph of a case, three queries whatever its size."""
    graph = CaseGraph()
    for actor_id, name, kind, color in case.conn.execute("SELECT id, name, kind, color FROM actors ORDER BY seq"):
        graph.index[actor_id] = len(graph.ids)
        graph.ids.append(actor_id)
        graph.names.append(name)
        graph.kinds.append(kind if kind in KINDS else "other")
        graph.colors.append(color if _is_colour(color) else None)
    counts = {
        relation_id: (n_citations, n_sources)
        for relation_id, n_citations, n_sources in case.conn.execute(
            "SELECT relation_id, count(*), count(DISTINCT source_id) FROM citations "
            "WHERE relation_id IS NOT NULL GROUP BY relation_id"
        )
    }
    for row in case.conn.execute(
        'SELECT id, from_actor_id, to_actor_id, kind, label, directed, start, "end", confidence '
        "FROM relations ORDER BY rowid"
    ):
        relation_id, source, target, kind, label, directed, start, end, confidence = row
        if source not in graph.index or target not in graph.index:
            continue
        graph.edge_index[relation_id] = len(graph.edge_ids)
        graph.edge_ids.append(relation_id)
        graph.src.append(graph.index[source])
        graph.dst.append(graph.index[target])
        graph.edge_kinds.append(kind)
        graph.edge_labels.append(label)
        graph.directed.append(bool(directed))
        graph.starts.append(start)
        graph.ends.append(end)
        graph.confidences.append(confidence)
        n_citations, n_sources = counts.get(relation_id, (0, 0))
        graph.citations.append(n_citations)
        graph.sources.append(n_sources)
    return graph


def _is_colour(text: Any) -> bool:
    return isinstance(text, str) and len(text) in (4, 7) and text.startswith("#") and all(
        c in "0123456789abcdefABCDEF" for c in text[1:])


def line_style(confidence: str, n_sources: int) -> str:
    """How firm a tie looks: 'solid' reported by two or more sources (or confirmed), 'dashed' single
    source, possible or likely, 'dotted' unverified or uncited, 'dashdot' planned (not yet happened)."""
    if confidence == "planned":
        return "dashdot"
    if confidence == "unverified" or n_sources == 0:
        return "dotted"
    if confidence in ("possible", "likely") or (n_sources < 2 and confidence != "confirmed"):
        return "dashed"
    return "solid"


def edge_width(n_citations: int) -> float:
    """Line width in pixels: thicker the more citations stand behind a relation (1 to 5)."""
    return 1.0 + min(max(n_citations, 0), 5) * 0.8


# --- time window and filter ------------------------------------------------------------


def relation_timing(start: str | None, end: str | None, window_start: str | None, window_end: str | None,
                    whole: bool = False) -> int:
    """IN, OUT or UNCERTAIN: whether a relation holds in the window [window_start, window_end].

    A dated relation holds from `start` (or always before) until `end` (or ever after). An undated
    one may or may not have held in a narrowed window, so it is UNCERTAIN there; in a window
    spanning the whole case (`whole`) it is IN.
    """
    if start is None and end is None:
        return IN if whole or (window_start is None and window_end is None) else UNCERTAIN
    if window_end is not None and start is not None and start > window_end:
        return OUT
    if window_start is not None and end is not None and end < window_start:
        return OUT
    return IN


def window_is_whole(window_start: str | None, window_end: str | None, span: tuple[str, str] | None) -> bool:
    """Whether the window covers the whole case (its first to last event)."""
    if span is None:
        return True
    return (window_start is None or window_start <= span[0]) and (window_end is None or window_end >= span[1])


@dataclass
class GraphSlice:
    """What the chart shows now: which actors pass the filter, and each relation OUT, IN or UNCERTAIN."""

    node_shown: list[bool]
    edge_state: list[int]

    def shown_edges(self) -> list[int]:
        return [i for i, state in enumerate(self.edge_state) if state != OUT]


def slice_graph(graph: CaseGraph, window_start: str | None = None, window_end: str | None = None,
                span: tuple[str, str] | None = None, case_filter: CaseFilter | None = None,
                tagged_actors: set[str] | None = None) -> GraphSlice:
    """Apply the shared time window and filter (actor kinds, confidence floor, tags) to the graph.

    With a tag filter, `tagged_actors` are the actors carrying one of the tags; they are shown
    with their direct ties, so a tagged actor is seen among those it deals with.
    """
    case_filter = case_filter or CaseFilter()
    kinds = case_filter.actor_kinds
    node_shown = [kinds is None or kind in kinds for kind in graph.kinds]
    if case_filter.tags is not None:
        marked = tagged_actors or set()
        near = {graph.ids[graph.dst[i]] for i in range(graph.m) if graph.ids[graph.src[i]] in marked}
        near |= {graph.ids[graph.src[i]] for i in range(graph.m) if graph.ids[graph.dst[i]] in marked}
        node_shown = [shown and (actor in marked or actor in near)
                      for shown, actor in zip(node_shown, graph.ids, strict=True)]
    whole = window_is_whole(window_start, window_end, span)
    states = []
    for i in range(graph.m):
        if not (node_shown[graph.src[i]] and node_shown[graph.dst[i]]) or not case_filter.passes_confidence(
                graph.confidences[i]):
            states.append(OUT)
        else:
            states.append(relation_timing(graph.starts[i], graph.ends[i], window_start, window_end, whole))
    return GraphSlice(node_shown, states)


def activity_days(case: Case) -> list[tuple[str, str]]:
    """(window start, window end) for each local day on which something happened, for the play control.

    Each window runs from the case's first event to the end of that day, so playing them in
    order shows the network growing.
    """
    zone = case_zone(case.meta("timezone"))
    span = case.date_range()
    moments = [t for (t,) in case.conn.execute(
        "SELECT start FROM events UNION SELECT start FROM relations WHERE start IS NOT NULL")]
    if not moments:
        return []
    active = sorted({utc_to_local(t, zone).date() for t in moments})
    # Every calendar day from the first to the last active one, but a quiet stretch of
    # QUIET_DAYS or more is jumped over (the sample: 27 Jul, then 9 to 17 Aug day by day).
    days = [active[0]]
    for day in active[1:]:
        gap = (day - days[-1]).days
        if gap <= QUIET_DAYS:
            days += [days[-1] + timedelta(days=step) for step in range(1, gap)]
        days.append(day)
    first = min([*moments, span[0]] if span else moments)
    windows = []
    for day in days:
        end = datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
        windows.append((first, end.strftime(UTC_FORMAT)))
    return windows


# --- networkx view -----------------------------------------------------------------------


def to_networkx(graph: CaseGraph, graph_slice: GraphSlice | None = None) -> networkx.Graph:
    """The shown actors and relations as an undirected simple networkx Graph keyed by actor id.

    Centralities, communities and paths ask "who is tied to whom", whatever the direction of
    the tie or how many relations make it, so parallel and opposite relations count once.
    UNCERTAIN relations (undated, may hold in the window) are included.
    """
    import networkx as nx

    g = nx.Graph()
    shown = graph_slice.node_shown if graph_slice else [True] * graph.n
    g.add_nodes_from(actor_id for actor_id, keep in zip(graph.ids, shown, strict=True) if keep)
    for i in range(graph.m):
        if graph_slice is None or graph_slice.edge_state[i] != OUT:
            g.add_edge(graph.ids[graph.src[i]], graph.ids[graph.dst[i]])
    return g


# --- analysis -----------------------------------------------------------------------------


@dataclass
class Metrics:
    """Figures per shown actor, in the order of `ids`; `methods` says how each was computed."""

    ids: list[str] = field(default_factory=list)
    degree: list[int] = field(default_factory=list)
    betweenness: list[float] = field(default_factory=list)
    eigenvector: list[float] = field(default_factory=list)
    community: list[int] = field(default_factory=list)
    isolates: list[str] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)

    def of(self, name: str) -> dict[str, float]:
        return dict(zip(self.ids, getattr(self, name), strict=True))


def _check(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise LayoutCancelled


def _igraph() -> Any:
    try:
        import igraph
    except ImportError:
        return None
    return igraph


def analyse(graph: CaseGraph, graph_slice: GraphSlice | None = None, progress: Progress | None = None,
            cancelled: Cancelled | None = None, use_igraph: bool | None = None) -> Metrics:
    """Degree, betweenness and eigenvector centrality, communities and isolates of the shown graph.

    Values are networkx's (betweenness normalized, eigenvector of unit length). On graphs larger
    than EXACT_BETWEENNESS_NODES igraph computes the same exact figures when installed; without
    it betweenness is networkx's sampled estimate (k sources), and `methods` says so.
    """
    import networkx as nx

    g = to_networkx(graph, graph_slice)
    ids = list(g.nodes)
    n = len(ids)
    metrics = Metrics(ids=ids)
    if n == 0:
        return metrics
    report = progress or (lambda _f: None)
    large = n > EXACT_BETWEENNESS_NODES
    ig = _igraph() if (use_igraph is None and large) or use_igraph else None
    metrics.degree = [g.degree(v) for v in ids]
    metrics.isolates = [v for v in ids if g.degree(v) == 0]
    report(0.05)
    _check(cancelled)
    if ig is not None:
        position = {v: i for i, v in enumerate(ids)}
        h = ig.Graph(n=n, edges=[(position[a], position[b]) for a, b in g.edges])
        values, metrics.methods["betweenness"] = betweenness(g, ids, h)
        metrics.betweenness = values
        report(0.5)
        _check(cancelled)
        metrics.eigenvector = _eigenvector(g, ids, ig, h)
        metrics.methods["eigenvector"] = "igraph, unit length as networkx"
        report(0.75)
        parts = h.community_multilevel()
        groups = [[ids[i] for i in part] for part in parts]
        metrics.methods["communities"] = "Louvain (igraph multilevel)"
    else:
        values, metrics.methods["betweenness"] = betweenness(g, ids, None)
        metrics.betweenness = values
        report(0.5)
        _check(cancelled)
        metrics.eigenvector = _eigenvector(g, ids, None, None)
        metrics.methods["eigenvector"] = "networkx"
        report(0.75)
        _check(cancelled)
        groups = [sorted(c) for c in nx.community.louvain_communities(g, seed=1)]
        metrics.methods["communities"] = "Louvain (networkx, seed 1)"
    # Community 1 is the largest; ties broken by the first actor's id, so numbering is stable.
    groups.sort(key=lambda members: (-len(members), min(members)))
    community = {v: number for number, members in enumerate(groups, start=1) for v in members}
    metrics.community = [community[v] for v in ids]
    report(1.0)
    return metrics


def betweenness(g: networkx.Graph, ids: list[str], h: Any = None) -> tuple[list[float], str]:
    """Betweenness of each actor in `ids`, normalized as networkx does, and how it was computed.

    With an igraph copy `h` of g (same node order as ids): exact, in C. Without: networkx,
    exact up to EXACT_BETWEENNESS_NODES actors, else estimated from BETWEENNESS_SAMPLES sources.
    """
    import networkx as nx

    n = len(ids)
    if h is not None:
        raw = h.betweenness(directed=False)
        # igraph counts each pair once; networkx normalizes by (n-1)(n-2)/2 pairs for undirected graphs.
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        return [value * scale for value in raw], "exact (igraph, scaled as networkx)"
    k = None if n <= EXACT_BETWEENNESS_NODES else min(n, BETWEENNESS_SAMPLES)
    values = nx.betweenness_centrality(g, k=k, seed=1 if k else None)
    return [values[v] for v in ids], "exact (networkx)" if k is None else f"estimate from {k} sampled sources"


def _eigenvector(g: networkx.Graph, ids: list[str], ig: Any, h: Any) -> list[float]:
    import networkx as nx

    if g.number_of_edges() == 0:
        return [0.0] * len(ids)
    if ig is None:
        try:
            values = nx.eigenvector_centrality(g, max_iter=2000, tol=1e-9)
            return [values[v] for v in ids]
        except nx.PowerIterationFailedConvergence:
            pass
        import numpy as np

        matrix = nx.to_numpy_array(g, nodelist=ids)
        _vals, vecs = np.linalg.eigh(matrix)
        vector = np.abs(vecs[:, -1])
        return list(map(float, vector / np.linalg.norm(vector)))
    import warnings

    import numpy as np

    with warnings.catch_warnings():  # igraph warns on disconnected graphs; networkx gives them zeros too
        warnings.simplefilter("ignore", RuntimeWarning)
        vector = np.asarray(h.eigenvector_centrality(), dtype=float)
    norm = np.linalg.norm(vector)
    return list(map(float, vector / norm)) if norm else [0.0] * len(ids)


def shortest_path(graph: CaseGraph, a: str, b: str, graph_slice: GraphSlice | None = None
                  ) -> tuple[list[str], list[str]]:
    """The actors on a shortest chain of ties from a to b, and the relations along it; ([], []) if none."""
    import networkx as nx

    g = to_networkx(graph, graph_slice)
    if a not in g or b not in g:
        return [], []
    try:
        nodes = nx.shortest_path(g, a, b)
    except nx.NetworkXNoPath:
        return [], []
    steps = {frozenset(pair) for pair in zip(nodes, nodes[1:], strict=False)}
    edges = [
        graph.edge_ids[i] for i in range(graph.m)
        if (graph_slice is None or graph_slice.edge_state[i] != OUT)
        and frozenset((graph.ids[graph.src[i]], graph.ids[graph.dst[i]])) in steps
    ]
    return nodes, edges


def ego_network(graph: CaseGraph, center: str, hops: int, graph_slice: GraphSlice | None = None) -> dict[str, int]:
    """Actors within `hops` ties of `center`, each with its distance (the centre is 0)."""
    import networkx as nx

    g = to_networkx(graph, graph_slice)
    if center not in g:
        return {}
    return dict(nx.single_source_shortest_path_length(g, center, cutoff=hops))


# --- layouts ------------------------------------------------------------------------------

LAYOUTS = {
    "force": "Force-directed",
    "circular": "Circular",
    "kind": "Grouped by kind",
    "ego": "Ego (selected in centre)",
}


def compute_layout(
    graph: CaseGraph,
    name: str = "force",
    *,
    center: str | None = None,
    current: dict[str, tuple[float, float]] | None = None,
    pinned: Iterable[str] = (),
    seed: int = 1,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions (chart units) of every actor for the named layout.

    With `pinned` actors and their `current` positions, those stay where they are and only the
    others move ("re-layout unpinned only"). Deterministic for a given seed.
    """
    import numpy as np

    n = graph.n
    if n == 0:
        return {}
    src = np.asarray(graph.src, dtype=np.int64)
    dst = np.asarray(graph.dst, dtype=np.int64)
    pinned_set = {graph.index[p] for p in pinned if p in graph.index and current and p in current}
    fixed = np.zeros(n, dtype=bool)
    fixed[list(pinned_set)] = True
    init = None
    if current and fixed.any():
        init = np.array([current.get(actor_id, (math.nan, math.nan)) for actor_id in graph.ids], dtype=float)
    if name == "circular":
        xy = circular_positions(n, src, dst)
    elif name == "kind":
        xy = grouped_positions(graph.kinds, n, src, dst)
    elif name == "ego" and center in graph.index:
        xy = ego_positions(n, src, dst, graph.index[center])
    else:
        xy = force_positions(n, src, dst, init=init, fixed=fixed, seed=seed, progress=progress, cancelled=cancelled)
    if init is not None and name != "force":
        xy[fixed] = init[fixed]
    return {actor_id: (float(x), float(y)) for actor_id, (x, y) in zip(graph.ids, xy, strict=True)}


def _adjacency(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Undirected simple adjacency in CSR form (indptr, indices), self-loops and repeats dropped."""
    import numpy as np

    a = np.concatenate([src, dst]).astype(np.int64)
    b = np.concatenate([dst, src]).astype(np.int64)
    keep = a != b
    key = np.unique(a[keep] * n + b[keep])
    a, b = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(a, minlength=n))
    return indptr, b


def _bfs(indptr: numpy.ndarray, indices: numpy.ndarray, source: int) -> numpy.ndarray:
    """Hop distances from `source` (-1 where unreachable), one numpy pass per level."""
    import numpy as np

    n = len(indptr) - 1
    dist = np.full(n, -1, dtype=np.int64)
    dist[source] = 0
    frontier = np.array([source], dtype=np.int64)
    level = 0
    while frontier.size:
        level += 1
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        found = indices[offsets]
        found = np.unique(found[dist[found] < 0])
        dist[found] = level
        frontier = found
    return dist


def components(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    """A component label per node (the smallest node number in it), by min-label propagation."""
    import numpy as np

    labels = np.arange(n)
    if len(src) == 0:
        return labels
    while True:
        low = np.minimum(labels[src], labels[dst])
        new = labels.copy()
        np.minimum.at(new, src, low)
        np.minimum.at(new, dst, low)
        new = new[new]  # pointer jumping: follow labels to their own label
        if np.array_equal(new, labels):
            return labels
        labels = new


def force_positions(n: int, src: numpy.ndarray, dst: numpy.ndarray, *, init: numpy.ndarray | None = None,
                    fixed: numpy.ndarray | None = None, seed: int = 1, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> numpy.ndarray:
    """The default layout: stress majorization per connected component, components packed.

    Stress layouts place actors so that distances on the chart follow the number of ties
    between them, which untangles real networks better than spring embedders and converges in
    a few dozen vectorized sweeps. Large components use pivots (sparse stress), so the cost grows
    with the number of relations, not its square.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    relayout = init is not None and fixed.any()
    labels = components(n, src, dst)
    groups: dict[int, list[int]] = {}
    for node, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(node)
    ordered = sorted(groups.values(), key=lambda nodes: (-len(nodes), nodes[0]))
    indptr, indices = _adjacency(n, src, dst)
    xy = np.zeros((n, 2))
    boxes = []
    done = 0
    for nodes in ordered:
        _check(cancelled)
        members = np.asarray(nodes)
        if len(nodes) <= 2:
            local = np.array([[0.0, 0.0], [EDGE_LENGTH, 0.0]])[: len(nodes)]
        else:
            local_init = None
            local_fixed = None
            if relayout and fixed[members].any():
                local_init = init[members].copy()
                missing = np.isnan(local_init).any(axis=1)
                centre = np.nanmean(init[members][fixed[members]], axis=0)
                local_init[missing] = centre + rng.normal(0, EDGE_LENGTH, size=(int(missing.sum()), 2))
                local_fixed = fixed[members]
            sub_ptr, sub_idx = _subgraph(indptr, indices, members, n)
            local = _stress_layout(sub_ptr, sub_idx, rng, init=local_init, fixed=local_fixed, cancelled=cancelled)
        if relayout and fixed[members].any():
            xy[members] = local  # anchored by its pinned actors: stays where they are
        else:
            boxes.append((members, local))
        done += len(nodes)
        if progress:
            progress(done / n)
    if relayout:
        # Components without a pinned actor keep their place, re-laid out around their old centre.
        for members, local in boxes:
            old = init[members]
            centre = np.nanmean(old, axis=0) if not np.isnan(old).all() else np.zeros(2)
            xy[members] = local - local.mean(axis=0) + centre
        return xy
    _pack(xy, boxes)
    return xy


def _subgraph(indptr: numpy.ndarray, indices: numpy.ndarray, members: numpy.ndarray, n: int
              ) -> tuple[numpy.ndarray, numpy.ndarray]:
    import numpy as np

    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    counts = indptr[members + 1] - indptr[members]
    offsets = np.repeat(indptr[members] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    sub_ptr = np.zeros(len(members) + 1, dtype=np.int64)
    sub_ptr[1:] = np.cumsum(counts)
    return sub_ptr, local[indices[offsets]]


def _stress_layout(indptr: numpy.ndarray, indices: numpy.ndarray, rng: numpy.random.Generator, *,
                   init: numpy.ndarray | None = None, fixed: numpy.ndarray | None = None,
                   cancelled: Cancelled | None = None, iterations: int = 120,
                   tolerance: float = 1e-3) -> numpy.ndarray:
    """Stress majorization of one connected graph (CSR); full for small graphs, with pivots for large."""
    import numpy as np

    n = len(indptr) - 1
    degree = np.diff(indptr)
    full = n <= FULL_STRESS_NODES
    k = n if full else min(PIVOTS, n)
    # Pivots far apart (max-min), starting from the best-connected actor.
    pivots = [int(np.argmax(degree))] if not full else list(range(n))
    if full:
        rows = [_tie_lengths(indptr, indices)]
    else:
        rows = [_bfs(indptr, indices, pivots[0])]
        nearest = rows[0].astype(float)
        while len(pivots) < k:
            _check(cancelled)
            pivot = int(np.argmax(nearest))
            pivots.append(pivot)
            rows.append(_bfs(indptr, indices, pivot))
            nearest = np.minimum(nearest, rows[-1])
    hops = rows[0] if full else np.array(rows, dtype=float)  # k x n
    distance = hops * EDGE_LENGTH
    if init is None:
        xy = _pivot_mds(distance)
        xy += rng.normal(0, EDGE_LENGTH * 0.05, size=xy.shape)  # break ties between twins
    else:
        xy = init.astype(float).copy()
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    # Terms (i, j, d, w): node i is pulled to distance d from j with weight w.
    if full:
        i, j = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
        keep = i != j
        i, j = i[keep], j[keep]
        d = distance[j, i]  # row: the anchor (every node is a pivot), column: the node pulled
        w = 1.0 / d**2
    else:
        edge_i = np.repeat(np.arange(n), np.diff(indptr))
        edge_j = indices
        # Sparse stress: each actor is held at one tie's length from its neighbours, at two from a
        # sample of its neighbours' neighbours (local shape), and at its distance from each pivot,
        # whose terms stand in for all far pairs and so weigh n / k each (global shape).
        walk = rng.integers(0, 1 << 62, size=(2, n * TWO_HOP_SAMPLES))
        start = np.repeat(np.arange(n), TWO_HOP_SAMPLES)
        degree_of = np.diff(indptr)
        middle = indices[indptr[start] + walk[0] % degree_of[start]]
        end = indices[indptr[middle] + walk[1] % degree_of[middle]]
        edge_keys = edge_i * n + edge_j
        pair_keys = np.unique(start * n + end)
        pair_keys = pair_keys[~np.isin(pair_keys, edge_keys) & (pair_keys // n != pair_keys % n)]
        two_i, two_j = pair_keys // n, pair_keys % n
        pivot_i = np.tile(np.arange(n), k)
        pivot_j = np.repeat(np.asarray(pivots), n)
        pivot_d = hops.reshape(-1)
        keep = pivot_d > 2
        i = np.concatenate([edge_i, two_i, pivot_i[keep]])
        j = np.concatenate([edge_j, two_j, pivot_j[keep]])
        d = np.concatenate([np.full(len(edge_i), EDGE_LENGTH), np.full(len(two_i), 2 * EDGE_LENGTH),
                            pivot_d[keep] * EDGE_LENGTH])
        w = np.concatenate([np.full(len(edge_i), 1.0 / EDGE_LENGTH**2),
                            np.full(len(two_i), TWO_HOP_WEIGHT / (2 * EDGE_LENGTH) ** 2),
                            PIVOT_WEIGHT * (n / k) / (pivot_d[keep] * EDGE_LENGTH) ** 2])
    if init is None:  # scale the first guess to the distances it should show
        gaps = np.hypot(*(xy[i] - xy[j]).T)
        xy *= (w * gaps * d).sum() / max((w * gaps * gaps).sum(), 1e-12)
    # Terms sorted by the node they move keep bincount's writes local; 1-D x and y arrays keep
    # the gathers cheap. One sweep is a dozen vector operations over the terms.
    order = np.argsort(i, kind="stable")
    i, j, d, w = i[order], j[order], d[order], w[order]
    weight_sum = np.bincount(i, weights=w, minlength=n)
    weight_sum[weight_sum == 0] = 1.0
    wd = w * d
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    moving = ~fixed
    # Sampled terms stop paying off after a few dozen sweeps; the full model runs to convergence.
    for step in range(iterations if full else min(iterations, SPARSE_SWEEPS)):
        if step % 10 == 0:
            _check(cancelled)
        xj, yj = x[j], y[j]
        dx, dy = x[i] - xj, y[i] - yj
        gap = np.sqrt(dx * dx + dy * dy)
        np.maximum(gap, 1e-9, out=gap)
        scale = wd / gap
        new_x = np.bincount(i, weights=scale * dx + w * xj, minlength=n) / weight_sum
        new_y = np.bincount(i, weights=scale * dy + w * yj, minlength=n) / weight_sum
        shift = (np.abs(new_x - x)[moving].mean() + np.abs(new_y - y)[moving].mean()) if moving.any() else 0.0
        x[moving] += DAMPING * (new_x[moving] - x[moving])
        y[moving] += DAMPING * (new_y[moving] - y[moving])
        if shift < EDGE_LENGTH * tolerance:
            break
    return np.stack([x, y], axis=1)


def _tie_lengths(indptr: numpy.ndarray, indices: numpy.ndarray) -> numpy.ndarray:
    """All-pairs distances (in tie lengths) where a tie between well-connected actors is longer:
    1 + (sqrt(deg a) + sqrt(deg b) - 2) / 4. A hub's neighbours then sit on a wider circle, with room
    for their names, instead of crowding it. Floyd-Warshall, for the small graphs of full stress."""
    import numpy as np

    n = len(indptr) - 1
    degree = np.diff(indptr).astype(float)
    a = np.repeat(np.arange(n), np.diff(indptr))
    length = 1.0 + (np.sqrt(degree[a]) + np.sqrt(degree[indices]) - 2.0) / 4.0
    distance = np.full((n, n), np.inf)
    distance[a, indices] = length
    np.fill_diagonal(distance, 0.0)
    for k in range(n):
        np.minimum(distance, distance[:, k:k + 1] + distance[k:k + 1, :], out=distance)
    return distance


def _pivot_mds(distance: numpy.ndarray) -> numpy.ndarray:
    """Pivot MDS (Brandes & Pich 2006): a first placement from the k x n pivot distances."""
    import numpy as np

    squared = distance**2
    centred = -0.5 * (squared - squared.mean(axis=1, keepdims=True) - squared.mean(axis=0, keepdims=True)
                      + squared.mean())
    u, s, _vt = np.linalg.svd(centred.T, full_matrices=False)
    xy = u[:, :2] * s[:2]
    if xy.shape[1] < 2:
        xy = np.hstack([xy, np.zeros((len(xy), 2 - xy.shape[1]))])
    return xy


def _pack(xy: numpy.ndarray, parts: list[tuple[numpy.ndarray, numpy.ndarray]]) -> None:
    """Place laid-out components in rows, largest first, into `xy`."""
    import numpy as np

    if not parts:
        return
    margin = EDGE_LENGTH * 0.9
    sizes = []
    for _members, local in parts:
        low, high = local.min(axis=0), local.max(axis=0)
        sizes.append((high - low + margin, low))
    area = sum(float(size[0] * size[1]) for size, _low in sizes)
    row_width = max(math.sqrt(area) * 1.4, float(sizes[0][0][0]))
    x = y = row_height = 0.0
    for (members, local), (size, low) in zip(parts, sizes, strict=True):
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        xy[members] = local - low + np.array([x, y])
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    xy -= xy.mean(axis=0)


def _degree_order(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> list[int]:
    """Nodes in breadth-first order from the best-connected actor of each component, so that tied
    actors sit near each other on a circle."""
    import numpy as np

    indptr, indices = _adjacency(n, src, dst)
    degree = np.diff(indptr)
    seen = np.zeros(n, dtype=bool)
    order: list[int] = []
    for start in np.argsort(-degree, kind="stable").tolist():
        if seen[start]:
            continue
        queue = [start]
        seen[start] = True
        while queue:
            node = queue.pop(0)
            order.append(node)
            neighbours = indices[indptr[node]:indptr[node + 1]]
            for nb in sorted(neighbours.tolist(), key=lambda v: -degree[v]):
                if not seen[nb]:
                    seen[nb] = True
                    queue.append(nb)
    return order


def circular_positions(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    import numpy as np

    order = _degree_order(n, src, dst) if n < 20000 else list(range(n))
    radius = max(EDGE_LENGTH, n * EDGE_LENGTH * 0.95 / (2 * math.pi))
    xy = np.zeros((n, 2))
    angles = -math.pi / 2 + 2 * math.pi * np.arange(n) / max(n, 1)
    xy[order, 0] = radius * np.cos(angles)
    xy[order, 1] = radius * np.sin(angles)
    return xy


def grouped_positions(kinds: list[str], n: int, src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    """Actors of one kind together: one block per kind, biggest first, each a grid by connectedness."""
    import numpy as np

    degree = np.bincount(np.concatenate([src, dst]).astype(np.int64), minlength=n) if len(src) else np.zeros(n)
    by_kind: dict[str, list[int]] = {}
    for node, kind in enumerate(kinds):
        by_kind.setdefault(kind, []).append(node)
    xy = np.zeros((n, 2))
    parts = []
    spacing = EDGE_LENGTH * 1.1
    for kind in sorted(by_kind, key=lambda k: (-len(by_kind[k]), KINDS.index(k) if k in KINDS else 99)):
        members = sorted(by_kind[kind], key=lambda v: -degree[v])
        columns = max(1, math.ceil(math.sqrt(len(members) * 1.5)))
        local = np.array([[(r % columns) * spacing, (r // columns) * spacing * 0.8] for r in range(len(members))])
        parts.append((np.asarray(members), local))
    _pack(xy, parts)
    return xy


def ego_positions(n: int, src: numpy.ndarray, dst: numpy.ndarray, center: int) -> numpy.ndarray:
    """The centre actor in the middle, its neighbours on a ring, theirs on the next; the rest outside."""
    import numpy as np

    indptr, indices = _adjacency(n, src, dst)
    hops = _bfs(indptr, indices, center)
    reach = int(hops.max()) if n else 0
    hops[hops < 0] = reach + 1
    xy = np.zeros((n, 2))
    angle = np.zeros(n)
    radius = 0.0
    for ring in range(1, int(hops.max()) + 1):
        members = np.flatnonzero(hops == ring)
        if not len(members):
            continue
        # Order each ring by where its ties on the inner ring are, so lines do not cross.
        def inner_angle(v: int, ring: int = ring) -> float:
            inner = [u for u in indices[indptr[v]:indptr[v + 1]].tolist() if hops[u] == ring - 1]
            if not inner:
                return 10.0
            return float(np.angle(np.exp(1j * angle[inner]).mean()))
        members = sorted(members.tolist(), key=lambda v: (inner_angle(v), v))
        radius = max(radius + EDGE_LENGTH * 1.4, len(members) * EDGE_LENGTH * 0.9 / (2 * math.pi))
        theta = -math.pi / 2 + 2 * math.pi * np.arange(len(members)) / len(members)
        angle[members] = theta
        xy[members, 0] = radius * np.cos(theta)
        xy[members, 1] = radius * np.sin(theta)
    return xy


def separate_boxes(xy: numpy.ndarray, boxes: numpy.ndarray, fixed: numpy.ndarray | None = None,
                   padding: float = 4.0, max_rounds: int = 200) -> numpy.ndarray:
    """Move actors apart until their boxes (node and label, as left, top, right, bottom offsets from
    the actor's position) no longer overlap; pinned (`fixed`) actors do not move. For charts up to
    a few hundred actors: the test of every pair is quadratic."""
    import numpy as np

    xy = xy.astype(float).copy()
    n = len(xy)
    if n < 2:
        return xy
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    left, top, right, bottom = (boxes[:, c] for c in range(4))
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    for _round in range(max_rounds):
        x0, x1 = xy[:, 0] + left - padding, xy[:, 0] + right + padding
        y0, y1 = xy[:, 1] + top - padding, xy[:, 1] + bottom + padding
        overlap_x = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
        overlap_y = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
        clash = (overlap_x > 0) & (overlap_y > 0) & upper
        if not clash.any():
            break
        a, b = np.nonzero(clash)
        ox, oy = overlap_x[a, b], overlap_y[a, b]
        cx = (x0[b] + x1[b] - x0[a] - x1[a]) / 2
        cy = (y0[b] + y1[b] - y0[a] - y1[a]) / 2
        # Push along the axis that needs the smaller move, each actor half (all of it if the other is pinned).
        along_x = ox <= oy
        move = np.zeros((len(a), 2))
        move[along_x, 0] = np.where(cx[along_x] >= 0, 1.0, -1.0) * (ox[along_x] + 0.5)
        move[~along_x, 1] = np.where(cy[~along_x] >= 0, 1.0, -1.0) * (oy[~along_x] + 0.5)
        share_a = np.where(fixed[a], 0.0, np.where(fixed[b], 1.0, 0.5))
        share_b = np.where(fixed[b], 0.0, np.where(fixed[a], 1.0, 0.5))
        delta = np.zeros((n, 2))
        np.add.at(delta, a, -move * share_a[:, None])
        np.add.at(delta, b, move * share_b[:, None])
        xy += delta * 0.5  # half steps: an actor pushed from both sides settles instead of oscillating
    return xy


def parallel_offsets(src: list[int], dst: list[int]) -> list[float]:
    """For relations between the same two actors: -0.5, 0.5 (two), -1, 0, 1 (three)... so that the
    chart bends them apart; 0 for a single relation. The sign is the same whichever way an edge runs."""
    groups: dict[tuple[int, int], list[int]] = {}
    for edge, (a, b) in enumerate(zip(src, dst, strict=True)):
        groups.setdefault((min(a, b), max(a, b)), []).append(edge)
    offsets = [0.0] * len(src)
    for (low, _high), edges in groups.items():
        count = len(edges)
        for rank, edge in enumerate(edges):
            value = rank - (count - 1) / 2
            offsets[edge] = value if src[edge] == low else -value
    return offsets


# --- hit testing (the canvas asks which actor or relation is under the mouse) -------------


def nearest_node(xy: numpy.ndarray, shown: numpy.ndarray, x: float, y: float, radius: numpy.ndarray | float
                 ) -> int:
    """The shown node whose marker covers (x, y), the nearest if several; -1 for none."""
    import numpy as np

    if not len(xy):
        return -1
    gap = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    gap = np.where(shown & (gap <= radius), gap, np.inf)
    best = int(np.argmin(gap))
    return best if np.isfinite(gap[best]) else -1


def nearest_edge(start: numpy.ndarray, middle: numpy.ndarray, end: numpy.ndarray, shown: numpy.ndarray,
                 x: float, y: float, tolerance: float) -> int:
    """The shown edge (drawn through start, middle, end) nearest to (x, y) within tolerance; -1 for none."""
    import numpy as np

    if not len(start):
        return -1
    point = np.array([x, y])

    def to_segment(p: numpy.ndarray, q: numpy.ndarray) -> numpy.ndarray:
        seg = q - p
        length = (seg**2).sum(axis=1)
        t = np.clip(((point - p) * seg).sum(axis=1) / np.where(length > 0, length, 1.0), 0.0, 1.0)
        closest = p + seg * t[:, None]
        return np.hypot(*(closest - point).T)

    gap = np.minimum(to_segment(start, middle), to_segment(middle, end))
    gap = np.where(shown & (gap <= tolerance), gap, np.inf)
    best = int(np.argmin(gap))
    return best if np.isfinite(gap[best]) else -1


# --- layout quality (for the benchmark and the tests) -------------------------------------


def layout_stress(xy: numpy.ndarray, n: int, src: numpy.ndarray, dst: numpy.ndarray, samples: int = 200,
                  seed: int = 1) -> float:
    """Normalized stress of a layout against hop distances, at the best scale (0 is perfect).

    Pairs from `samples` random source actors to every actor in the same component; lower means
    chart distances follow network distances better, i.e. a less tangled picture.
    """
    import numpy as np

    indptr, indices = _adjacency(n, src, dst)
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=min(samples, n), replace=False)
    ratios = []
    for s in sources.tolist():
        hops = _bfs(indptr, indices, s)
        reach = hops > 0
        if reach.any():
            gaps = np.hypot(*(xy[reach] - xy[s]).T)
            ratios.append(gaps / hops[reach])
    if not ratios:
        return 0.0
    r = np.concatenate(ratios)
    scale = r.sum() / max((r**2).sum(), 1e-12)
    return float(((scale * r - 1.0) ** 2).mean())


def edge_crossings(xy: numpy.ndarray, src: numpy.ndarray, dst: numpy.ndarray, sample: int = 1500,
                   seed: int = 1) -> float:
    """Edge crossings of a straight-line drawing, counted on a random sample of edges and scaled
    to the whole graph (exact when the graph has no more edges than `sample`)."""
    import numpy as np

    m = len(src)
    if m < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    chosen = rng.choice(m, size=min(sample, m), replace=False)
    a, b = src[chosen], dst[chosen]
    p, q = xy[a], xy[b]
    count = 0
    for k in range(len(chosen) - 1):
        others = slice(k + 1, None)
        shares = (a[others] == a[k]) | (a[others] == b[k]) | (b[others] == a[k]) | (b[others] == b[k])

        def side(p1: Any, p2: Any, r: Any) -> Any:
            return np.sign((p2[..., 0] - p1[..., 0]) * (r[..., 1] - p1[..., 1])
                           - (p2[..., 1] - p1[..., 1]) * (r[..., 0] - p1[..., 0]))

        d1 = side(p[k], q[k], p[others])
        d2 = side(p[k], q[k], q[others])
        d3 = side(p[others], q[others], p[k][None, :])
        d4 = side(p[others], q[others], q[k][None, :])
        crossing = (d1 * d2 < 0) & (d3 * d4 < 0) & ~shares
        count += int(crossing.sum())
    pairs_sampled = len(chosen) * (len(chosen) - 1) / 2
    return float(count * (m * (m - 1) / 2) / pairs_sampled)


# --- positions stored in the case file ----------------------------------------------------


Position = tuple[float, float, bool]


def read_positions(case: Case) -> dict[str, Position]:
    """Where the analyst left each actor on the chart (actor id -> x, y, pinned)."""
    return {
        actor_id: (float(x), float(y), bool(pinned))
        for actor_id, x, y, pinned in case.conn.execute("SELECT actor_id, x, y, pinned FROM actor_layout")
        if isinstance(x, (int, float)) and isinstance(y, (int, float))
    }


def write_positions(case: Case, changes: dict[str, Position | None], origin: object = None) -> None:
    """Store (or, for None, forget) chart positions of actors: one transaction, one audit row, undoable."""
    if not changes:
        return
    with case.transaction(origin):
        known = {actor_id for (actor_id,) in case.conn.execute(
            "SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(changes)),))}
        rows: dict[str, dict[str, Any] | None] = {}
        for actor_id, position in changes.items():
            if position is None:
                rows[actor_id] = None
            elif actor_id in known and math.isfinite(position[0]) and math.isfinite(position[1]):
                rows[actor_id] = {"actor_id": actor_id, "x": float(position[0]), "y": float(position[1]),
                                  "pinned": int(bool(position[2]))}
        case.put_keyed("actor_layout", "actor_id", rows, summary=f"chart positions of {len(changes)} actors")


def read_positions_of(case: Case, actor_ids: Iterable[str]) -> dict[str, Position]:
    ids = list(actor_ids)
    return {
        actor_id: (float(x), float(y), bool(pinned))
        for actor_id, x, y, pinned in case.conn.execute(
            "SELECT actor_id, x, y, pinned FROM actor_layout WHERE actor_id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),))
    }


def day_label(window_end: str, zone_name: str) -> str:
    local = utc_to_local(window_end, case_zone(zone_name))
    return f"{local.day} {local:%b %Y}"

