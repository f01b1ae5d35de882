"""GEXF 1.2 of the actor graph for Gephi: the GraphML attributes plus viz colour, size and position, and
each relation's time interval (a dynamic graph), so Gephi's timeline shows ties as they held.

Times are dates (GEXF's `date` time format, yyyy-mm-dd, inclusive) in the case's time zone: relations
are dated to the day, and `date` is the format every GEXF reader (Gephi, networkx) understands. A
relation with only a start holds from then on; an undated relation holds throughout. Every edge is
written from from_actor to to_actor in a directed graph (mixed graphs are not read by every tool);
the `directed` attribute says whether the relation has a direction.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from workbench.core.exporters import atomic_output
from workbench.core.exporters.graphml import actor_network
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case
from workbench.core.times import case_zone, utc_to_local

NS = "http://www.gexf.net/1.2draft"
NS_VIZ = "http://www.gexf.net/1.2draft/viz"
NODE_ATTRIBUTES = (("kind", "string"), ("aliases", "string"), ("description", "string"), ("color", "string"),
                   ("degree", "integer"), ("betweenness", "double"), ("eigenvector", "double"),
                   ("community", "integer"), ("events", "integer"), ("attributes", "string"))
EDGE_ATTRIBUTES = (("kind", "string"), ("directed", "boolean"), ("confidence", "string"),
                   ("confidence_score", "integer"), ("citations", "integer"), ("sources", "integer"),
                   ("start_utc", "string"), ("end_utc", "string"))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attributes(parent: ET.Element, kind: str, declared: tuple[tuple[str, str], ...]) -> None:
    block = ET.SubElement(parent, "attributes", {"class": kind, "mode": "static"})
    for name, value_type in declared:
        ET.SubElement(block, "attribute", {"id": name, "title": name, "type": value_type})


def _values(parent: ET.Element, data: dict[str, Any], declared: tuple[tuple[str, str], ...]) -> None:
    values = ET.SubElement(parent, "attvalues")
    for name, _type in declared:
        if data.get(name) is not None:
            ET.SubElement(values, "attvalue", {"for": name, "value": _text(data[name])})


def export_gexf(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the actor graph as dynamic GEXF to `out`; returns a one-line summary."""
    out = Path(out)
    network = actor_network(case, progress)
    zone = case_zone(case.meta("timezone"))

    def day(stamp: str) -> str:
        return utc_to_local(stamp, zone).date().isoformat()

    root = ET.Element("gexf", {"xmlns": NS, "xmlns:viz": NS_VIZ, "version": "1.2"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "Case Workbench"
    ET.SubElement(meta, "description").text = f"{case.title} ({case.classification})"
    starts = [e[3]["start"] for e in network.edges if e[3].get("start")]
    graph_attributes = {"defaultedgetype": "directed", "mode": "dynamic" if starts else "static"}
    if starts:
        graph_attributes["timeformat"] = "date"
    graph = ET.SubElement(root, "graph", graph_attributes)
    # Actor attributes add a string column per key (attribute_date_of_birth...), as in the GraphML.
    node_columns = NODE_ATTRIBUTES + tuple((name, "string") for name in sorted(
        {name for _id, data in network.nodes for name in data if name.startswith("attribute_")}))
    _attributes(graph, "node", node_columns)
    _attributes(graph, "edge", EDGE_ATTRIBUTES)
    nodes = ET.SubElement(graph, "nodes")
    for actor_id, data in network.nodes:
        node = ET.SubElement(nodes, "node", {"id": actor_id, "label": data["label"]})
        _values(node, data, node_columns)
        ET.SubElement(node, "viz:color", {"r": str(data["r"]), "g": str(data["g"]), "b": str(data["b"])})
        ET.SubElement(node, "viz:size", {"value": repr(data["size"])})
        ET.SubElement(node, "viz:position", {"x": repr(data["x"]), "y": repr(data["y"]), "z": "0.0"})
    progress.check()
    edges = ET.SubElement(graph, "edges")
    for source, target, relation_id, data in network.edges:
        attributes = {"id": relation_id, "source": source, "target": target, "label": data["label"],
                      "weight": repr(data["weight"])}
        values = dict(data, start_utc=data.get("start"), end_utc=data.get("end"))
        if data.get("start"):
            attributes["start"] = day(data["start"])
        if data.get("end"):
            attributes["end"] = day(data["end"])
        edge = ET.SubElement(edges, "edge", attributes)
        _values(edge, values, EDGE_ATTRIBUTES)
    ET.indent(root)
    with atomic_output(out) as partial:
        ET.ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return (f"Exported the actor graph ({len(network.nodes)} actors, {len(network.edges)} relations, "
            f"{len(starts)} dated) as GEXF to {out}.")
