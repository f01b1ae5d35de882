"""GraphML of the actor graph checked by the tools that receive it: the official graphml.xsd (lxml),
networkx and igraph, each reading the attributes with their types."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from lxml import etree

from workbench.core.exporters import export
from workbench.core.store import open_case

SCHEMAS = Path(__file__).parent / "data" / "graphml"


@pytest.fixture(scope="module")
def graphml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml.xsd")))


@pytest.fixture
def sample_graphml(sample_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "actors.graphml"
    with open_case(sample_path, read_only=True) as case:
        export(case, "graphml", out)
    return out


def test_graphml_is_valid_under_the_official_schema(sample_graphml: Path, graphml_schema: etree.XMLSchema) -> None:
    document = etree.parse(str(sample_graphml))
    assert graphml_schema.validate(document), graphml_schema.error_log
    keys = document.getroot().findall("{http://graphml.graphdrawing.org/xmlns}key")
    # the node and the edge both have 'kind' and 'label': two keys of one name, with ids of their own
    assert sorted(k.get("for") for k in keys if k.get("attr.name") == "kind") == ["edge", "node"]


def test_the_schema_refuses_what_the_old_export_wrote(graphml_schema: etree.XMLSchema) -> None:
    """The check bites: node and edge keys sharing the id 'kind' (named_key_ids) are refused."""
    document = etree.fromstring(
        b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        b'<key id="kind" for="node" attr.name="kind" attr.type="string"/>'
        b'<key id="kind" for="edge" attr.name="kind" attr.type="string"/>'
        b'<graph edgedefault="directed"/></graphml>')
    assert not graphml_schema.validate(document)
    assert "Duplicate key-sequence ['kind']" in str(graphml_schema.error_log)


def test_networkx_reads_typed_attributes(sample_graphml: Path, sample_path: Path) -> None:
    graph = nx.read_graphml(sample_graphml, force_multigraph=True)
    with open_case(sample_path, read_only=True) as case:
        actors = {row["id"]: row for row in case.rows("actors")}
        relations = {row["id"]: row for row in case.rows("relations")}
    assert set(graph.nodes) == set(actors)
    assert {key for _a, _b, key in graph.edges(keys=True)} == set(relations)
    for actor_id, node in graph.nodes(data=True):
        assert node["label"] == actors[actor_id]["name"] and node["kind"] == actors[actor_id]["kind"]
        assert isinstance(node["x"], float) and isinstance(node["degree"], int)
        assert isinstance(node["betweenness"], float) and node["color"].startswith("#")
    for source, target, key, edge in graph.edges(keys=True, data=True):
        relation = relations[key]
        assert (source, target) == (relation["from_actor_id"], relation["to_actor_id"])
        assert edge["kind"] == relation["kind"] and edge["confidence"] == relation["confidence"]
        assert edge["directed"] is bool(relation["directed"]) and isinstance(edge["weight"], float)


def test_igraph_reads_typed_attributes(sample_graphml: Path, sample_path: Path) -> None:
    igraph = pytest.importorskip("igraph", reason="igraph (the test extra) is not installed")
    graph = igraph.Graph.Read_GraphML(str(sample_graphml))
    with open_case(sample_path, read_only=True) as case:
        actors = {row["id"]: row for row in case.rows("actors")}
        relations = {row["id"]: row for row in case.rows("relations")}
    assert graph.vcount() == len(actors) and graph.ecount() == len(relations)
    assert graph.is_directed()
    names = dict(zip(graph.vs["id"], graph.vs["label"], strict=True))
    assert names == {actor_id: row["name"] for actor_id, row in actors.items()}
    # igraph keeps every number as a double: a count is numeric and whole, not the text "13"
    assert all(isinstance(x, float) for x in graph.vs["x"])
    assert all(isinstance(d, float) and d == int(d) for d in graph.vs["degree"]) and max(graph.vs["degree"]) > 1
    for edge in graph.es:
        relation = relations[edge["relation_id"]]
        assert graph.vs[edge.source]["id"] == relation["from_actor_id"]
        assert graph.vs[edge.target]["id"] == relation["to_actor_id"]
        assert edge["kind"] == relation["kind"] and edge["directed"] is bool(relation["directed"])
