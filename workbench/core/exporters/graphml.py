"""GraphML of the actor graph: actors with kind, colour, position and centralities, relations with kind,
confidence and dates; read by Gephi, yEd, Cytoscape and networkx.

`actor_network` gathers what both graph formats (this one and GEXF) write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.exporters import atomic_output
from workbench.core.model import aliases_of
from workbench.core.ops.attributes import attributes_by_actor, describe_attributes
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case

# The link chart's fill per actor kind (ui/graph/style.KIND_STYLE), so Gephi shows the same colours.
KIND_COLOURS = {
    "person": "#0072B2", "state": "#D55E00", "organization": "#009E73", "government": "#882255",
    "military": "#7A6A00", "security": "#CC79A7", "media": "#56B4E9", "group": "#E69F00", "other": "#888888",
}
# STIX 2.1's scale for words of estimative probability, the number tools like Gephi can filter on.
CONFIDENCE_SCORES = {"confirmed": 95, "likely": 70, "reported": 50, "planned": 50, "possible": 30, "unverified": 15}


@dataclass
class ActorNetwork:
    nodes: list[tuple[str, dict[str, Any]]]
    edges: list[tuple[str, str, str, dict[str, Any]]]  # source, target, relation id, attributes


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def actor_network(case: Case, progress: Progress = NO_PROGRESS) -> ActorNetwork:
    """Actors and relations with everything the graph formats carry; positions as left on the chart,
    else from the chart's own automatic layout, with the stored ones held in place. y points up
    (as in Gephi), the chart's y down."""
    from workbench.core.graph.layouts import compute_layout
    from workbench.core.graph.metrics import analyse
    from workbench.core.graph.model import load_graph
    from workbench.core.graph.positions import read_positions

    graph = load_graph(case)
    progress.check()
    stored = read_positions(case)
    metrics = analyse(graph, progress=progress.part(0.1, 0.5))  # Cancel raises Cancelled from inside
    if all(actor_id in stored for actor_id in graph.ids):
        positions = {actor_id: stored[actor_id][:2] for actor_id in graph.ids}
    else:
        positions = compute_layout(graph, "force", current={a: p[:2] for a, p in stored.items()},
                                   pinned=list(stored), progress=progress.part(0.5, 0.9))
    progress(0.9)
    rows = {row[0]: row[1:] for row in case.conn.execute("SELECT id, aliases, description FROM actors")}
    events = dict(case.conn.execute("SELECT actor_id, count(*) FROM event_actors GROUP BY actor_id"))
    measured = {name: metrics.of(name) for name in ("degree", "betweenness", "eigenvector", "community")}
    nodes = []
    facts = attributes_by_actor(case)  # typed attributes: one node column per key (Gephi's data laboratory)
    for i, actor_id in enumerate(graph.ids):
        colour = graph.colors[i] or KIND_COLOURS.get(graph.kinds[i], KIND_COLOURS["other"])
        aliases_text, description = rows.get(actor_id, ("[]", ""))
        aliases = aliases_of(aliases_text)
        x, y = positions.get(actor_id, (0.0, 0.0))
        r, g, b = hex_rgb(colour)
        degree = int(measured["degree"].get(actor_id, 0))
        nodes.append((actor_id, {
            "label": graph.names[i], "kind": graph.kinds[i], "aliases": "; ".join(aliases),
            "description": description or "", "color": colour.lower(), "r": r, "g": g, "b": b,
            "x": float(x), "y": -float(y), "size": float(10 + 2 * min(degree, 20)),
            "degree": degree, "betweenness": float(measured["betweenness"].get(actor_id, 0.0)),
            "eigenvector": float(measured["eigenvector"].get(actor_id, 0.0)),
            "community": int(measured["community"].get(actor_id, 0)), "events": int(events.get(actor_id, 0)),
            "attributes": describe_attributes(facts.get(actor_id, [])),
            **{attribute_column(key): value for key, _type, value in facts.get(actor_id, [])},
        }))
    edges = []
    for j, relation_id in enumerate(graph.edge_ids):
        attributes: dict[str, Any] = {
            "label": graph.edge_labels[j] or graph.edge_kinds[j], "kind": graph.edge_kinds[j],
            "directed": graph.directed[j], "confidence": graph.confidences[j],
            "confidence_score": CONFIDENCE_SCORES.get(graph.confidences[j], 50),
            "citations": graph.citations[j], "sources": graph.sources[j], "weight": float(max(1, graph.citations[j])),
        }
        if graph.starts[j]:
            attributes["start"] = graph.starts[j]
        if graph.ends[j]:
            attributes["end"] = graph.ends[j]
        edges.append((graph.ids[graph.src[j]], graph.ids[graph.dst[j]], relation_id, attributes))
    return ActorNetwork(nodes, edges)


def attribute_column(key: str) -> str:
    """The node column of an actor attribute: 'date of birth' -> 'attribute_date_of_birth' (an XML name)."""
    slug = "_".join(re.findall(r"[^\W_]+", key.casefold()))
    return f"attribute_{slug or 'unnamed'}"


def export_graphml(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the actor graph as GraphML to `out`; returns a one-line summary."""
    import networkx as nx

    out = Path(out)
    network = actor_network(case, progress)
    # A multigraph: two actors may be tied by several relations. Every edge is written from
    # from_actor to to_actor; `directed` says whether the relation has a direction.
    g = nx.MultiDiGraph(name=case.title, classification=case.classification)
    g.add_nodes_from(network.nodes)
    for source, target, relation_id, attributes in network.edges:
        # The relation's id also as data: igraph does not keep an <edge>'s own id attribute.
        g.add_edge(source, target, key=relation_id, relation_id=relation_id, **attributes)
    progress.check()
    with atomic_output(out) as partial:
        # Key ids d0, d1...: graphml.xsd wants every <key> id unique across nodes, edges and the graph,
        # and named ids would give a node's 'kind' and an edge's 'kind' the same one. Readers go by attr.name.
        nx.write_graphml(g, partial, encoding="utf-8", prettyprint=True, named_key_ids=False)
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return (f"Exported the actor graph ({len(network.nodes)} actors, {len(network.edges)} relations) "
            f"as GraphML to {out}.")
