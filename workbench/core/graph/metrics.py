"""Who matters in the shown graph: degree, betweenness and eigenvector centrality, communities, isolates, paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.core.graph.model import CaseGraph
from workbench.core.graph.slicing import OUT, GraphSlice
from workbench.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # pragma: no cover
    import networkx

# Betweenness is exact up to this many actors without igraph; above, sampled (networkx k=).
EXACT_BETWEENNESS_NODES = 1500
BETWEENNESS_SAMPLES = 400


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


def _igraph() -> Any:
    try:
        import igraph
    except ImportError:
        return None
    return igraph


def analyse(graph: CaseGraph, graph_slice: GraphSlice | None = None, progress: Progress = NO_PROGRESS,
            use_igraph: bool | None = None) -> Metrics:
    """Degree, betweenness and eigenvector centrality, communities and isolates of the shown graph.

    Values are networkx's (betweenness normalized, eigenvector of unit length). On graphs larger
    than EXACT_BETWEENNESS_NODES igraph computes the same exact figures when installed; without
    it betweenness is networkx's sampled estimate (k sources), and `methods` says so. Cancel
    (through `progress`) raises core.progress.Cancelled between the steps.
    """
    import networkx as nx

    g = to_networkx(graph, graph_slice)
    ids = list(g.nodes)
    n = len(ids)
    metrics = Metrics(ids=ids)
    if n == 0:
        return metrics
    large = n > EXACT_BETWEENNESS_NODES
    ig = _igraph() if (use_igraph is None and large) or use_igraph else None
    metrics.degree = [g.degree(v) for v in ids]
    metrics.isolates = [v for v in ids if g.degree(v) == 0]
    progress(0.05)
    if ig is not None:
        position = {v: i for i, v in enumerate(ids)}
        h = ig.Graph(n=n, edges=[(position[a], position[b]) for a, b in g.edges])
        values, metrics.methods["betweenness"] = betweenness(g, ids, h)
        metrics.betweenness = values
        progress(0.5)
        metrics.eigenvector = _eigenvector(g, ids, ig, h)
        metrics.methods["eigenvector"] = "igraph, unit length as networkx"
        progress(0.75)
        parts = h.community_multilevel()
        groups = [[ids[i] for i in part] for part in parts]
        metrics.methods["communities"] = "Louvain (igraph multilevel)"
    else:
        values, metrics.methods["betweenness"] = betweenness(g, ids, None)
        metrics.betweenness = values
        progress(0.5)
        metrics.eigenvector = _eigenvector(g, ids, None, None)
        metrics.methods["eigenvector"] = "networkx"
        progress(0.75)
        groups = [sorted(c) for c in nx.community.louvain_communities(g, seed=1)]
        metrics.methods["communities"] = "Louvain (networkx, seed 1)"
    # Community 1 is the largest; ties broken by the first actor's id, so numbering is stable.
    groups.sort(key=lambda members: (-len(members), min(members)))
    community = {v: number for number, members in enumerate(groups, start=1) for v in members}
    metrics.community = [community[v] for v in ids]
    progress(1.0)
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

