"""Who matters in the shown graph: degree, betweenness and eigenvector centrality, communities, isolates, paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.core.graph.model import CaseGraph
from workbench.core.graph.slicing import OUT, GraphSlice
from workbench.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # pragma: no cover
    import networkx

# Betweenness is exact (rustworkx, in Rust) at every size unless the analyst asks for networkx's
# sampled estimate from BETWEENNESS_SAMPLES sources. rustworkx holds the GIL for the whole call, which
# would freeze the window that runs it on a worker thread: above IN_PROCESS_UP_TO actors it runs in a
# child process, which Cancel kills.
BETWEENNESS_SAMPLES = 400
IN_PROCESS_UP_TO = 400
# Kept for callers of the old API: networkx's exact betweenness is used up to here when rustworkx is missing.
EXACT_BETWEENNESS_NODES = 1500


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


def analyse(graph: CaseGraph, graph_slice: GraphSlice | None = None, progress: Progress = NO_PROGRESS,
            sampled: bool = False) -> Metrics:
    """Degree, betweenness and eigenvector centrality, communities and isolates of the shown graph.

    Values are networkx's (betweenness normalized, eigenvector of unit length). Betweenness is
    exact unless `sampled` (networkx's estimate from BETWEENNESS_SAMPLES sources); `methods` says
    which. Cancel (through `progress`) raises core.progress.Cancelled between the steps and while
    betweenness runs.
    """
    import networkx as nx

    g = to_networkx(graph, graph_slice)
    ids = list(g.nodes)
    metrics = Metrics(ids=ids)
    if not ids:
        return metrics
    metrics.degree = [g.degree(v) for v in ids]
    metrics.isolates = [v for v in ids if g.degree(v) == 0]
    progress(0.05)
    metrics.betweenness, metrics.methods["betweenness"] = betweenness(
        g, ids, sampled=sampled, progress=progress.part(0.05, 0.5))
    progress(0.5)
    metrics.eigenvector = _eigenvector(g, ids)
    metrics.methods["eigenvector"] = "networkx's power iteration (rustworkx)"
    progress(0.6)
    groups = [sorted(c) for c in nx.community.louvain_communities(g, seed=1)]
    metrics.methods["communities"] = "Louvain (networkx, seed 1)"
    # Community 1 is the largest; ties broken by the first actor's id, so numbering is stable.
    groups.sort(key=lambda members: (-len(members), min(members)))
    community = {v: number for number, members in enumerate(groups, start=1) for v in members}
    metrics.community = [community[v] for v in ids]
    progress(1.0)
    return metrics


def _rustworkx_graph(n: int, edges: list[tuple[int, int]]) -> Any:
    import rustworkx as rx

    r = rx.PyGraph(multigraph=False)
    r.add_nodes_from(range(n))
    r.add_edges_from_no_data(edges)
    return r


def _exact_betweenness(n: int, edges: list[tuple[int, int]]) -> list[float]:
    """Normalized exact betweenness of nodes 0..n-1 (networkx's scale: (n-1)(n-2)/2 pairs)."""
    import rustworkx as rx

    values = rx.graph_betweenness_centrality(_rustworkx_graph(n, edges), normalized=True)
    return [float(values[i]) for i in range(n)]


def _child(conn: Any, n: int, edges: list[tuple[int, int]]) -> None:
    conn.send(_exact_betweenness(n, edges))
    conn.close()


def exact_betweenness(n: int, edges: list[tuple[int, int]], progress: Progress = NO_PROGRESS) -> list[float]:
    """`_exact_betweenness`, in a child process above IN_PROCESS_UP_TO nodes (so the caller's other
    threads keep the GIL); Cancel kills the child and raises Cancelled."""
    if n <= IN_PROCESS_UP_TO:
        return _exact_betweenness(n, edges)
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # fork would copy Qt's threads and locks
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, n, edges), daemon=True)
    try:
        child.start()
    except (OSError, RuntimeError):  # no child possible here (an unguarded __main__): same figures, in process
        receiver.close()
        sender.close()
        return _exact_betweenness(n, edges)
    sender.close()
    try:
        while not receiver.poll(0.05):
            progress(0.0)  # raises Cancelled once Cancel was asked for
            if not child.is_alive() and not receiver.poll(0):
                break
        else:
            return receiver.recv()
    except EOFError:
        pass
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    return _exact_betweenness(n, edges)  # the child died (out of memory, killed): same figures, in process


def betweenness(g: networkx.Graph, ids: list[str], sampled: bool = False,
                progress: Progress = NO_PROGRESS) -> tuple[list[float], str]:
    """Betweenness of each actor in `ids`, normalized as networkx does, and how it was computed:
    exact (rustworkx; networkx when rustworkx is missing), or networkx's estimate from
    BETWEENNESS_SAMPLES sources when `sampled`."""
    import networkx as nx

    n = len(ids)
    if not sampled:
        try:
            import rustworkx  # noqa: F401 - a runtime requirement; a source checkout may lack it
        except ImportError:
            values = nx.betweenness_centrality(g)
            return [values[v] for v in ids], "exact (networkx)"
        position = {v: i for i, v in enumerate(ids)}
        edges = [(position[a], position[b]) for a, b in g.edges]
        return exact_betweenness(n, edges, progress), "exact (rustworkx)"
    k = min(n, BETWEENNESS_SAMPLES)
    values = nx.betweenness_centrality(g, k=k, seed=1)
    return [values[v] for v in ids], f"sampled: estimate from {k} of {n} sources"


def _eigenvector(g: networkx.Graph, ids: list[str]) -> list[float]:
    import networkx as nx
    import numpy as np

    if g.number_of_edges() == 0:
        return [0.0] * len(ids)
    try:
        import rustworkx as rx
    except ImportError:
        rx = None
    if rx is not None:
        position = {v: i for i, v in enumerate(ids)}
        r = _rustworkx_graph(len(ids), [(position[a], position[b]) for a, b in g.edges])
        try:  # the same power iteration as networkx's, in Rust
            found = rx.eigenvector_centrality(r, max_iter=2000, tol=1e-9)
            return [float(found[i]) for i in range(len(ids))]
        except rx.FailedToConverge:
            pass
    try:
        values = nx.eigenvector_centrality(g, max_iter=2000, tol=1e-9)
        return [values[v] for v in ids]
    except nx.PowerIterationFailedConvergence:
        pass
    matrix = nx.to_numpy_array(g, nodelist=ids)
    _vals, vecs = np.linalg.eigh(matrix)
    vector = np.abs(vecs[:, -1])
    return list(map(float, vector / np.linalg.norm(vector)))


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

