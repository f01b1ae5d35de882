"""The actor graph of a case: actors (nodes) and relations (edges), read from the case file in three queries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from workbench.core.model import ACTOR_KINDS
from workbench.core.store import Case

# Actor kinds the chart knows by shape and colour; anything else is drawn as "other".
# The actor kinds, in the legend's order: the one list in core.model.
KINDS = ACTOR_KINDS


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
    counts: list[int] = field(default_factory=list)  # events a tie stands for (an event table's '12 events'), else 1
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
        import numpy as np

        src, dst = np.asarray(self.src, dtype=np.int64), np.asarray(self.dst, dtype=np.int64)
        ends = np.unique(np.concatenate([src * self.n + dst, dst * self.n + src]))  # each (actor, neighbour) once
        return np.bincount(ends // max(self.n, 1), minlength=self.n).tolist()


CITED_SQL = ("SELECT relation_id, count(*), count(DISTINCT source_id) FROM citations "
             "WHERE relation_id IS NOT NULL GROUP BY relation_id")


def read_ahead(case: Case) -> None:
    """Start the reads `load_graph` waits for on second connections (Case.read_ahead): an opening's imports and
    other views go on meanwhile."""
    case.read_ahead(read_cited, read_actors_and_relations)


def read_cited(case: Case) -> list[tuple[str, int, int]]:
    """(relation id, citations, distinct sources) of every cited relation."""
    return case.conn.execute(CITED_SQL).fetchall()


def read_actors_and_relations(case: Case) -> tuple[list[tuple], list[tuple]]:
    """The actors' and the relations' columns the graph draws, in the order each was added."""
    actors = case.conn.execute("SELECT id, name, kind, color FROM actors ORDER BY seq").fetchall()
    relations = case.conn.execute(
        'SELECT id, from_actor_id, to_actor_id, kind, label, directed, start, "end", confidence '
        "FROM relations ORDER BY rowid").fetchall()
    return actors, relations


def load_graph(case: Case) -> CaseGraph:
    """The whole actor graph of a case, three queries whatever its size, read column by column. The citations are
    counted on a second connection meanwhile: SQLite lets go of the interpreter while it groups them, so on two
    cores the count (a seek into the citations for each cited relation) overlaps reading the relations. An
    opening starts both reads ahead (`read_ahead`)."""
    graph = CaseGraph()
    cited = case.reading(read_cited, beside=True)
    actors, relations = case.reading(read_actors_and_relations)()
    if actors:
        ids, names, kinds, colors = (list(column) for column in zip(*actors, strict=True))
        graph.ids, graph.names = ids, names
        graph.kinds = [kind if kind in KINDS else "other" for kind in kinds]
        graph.colors = [color if _is_colour(color) else None for color in colors]
        graph.index = {actor_id: number for number, actor_id in enumerate(ids)}
    index = graph.index
    rows = [row for row in relations if row[1] in index and row[2] in index]
    counted = cited()
    if not rows:
        return graph
    counts = {relation_id: (n_citations, n_sources) for relation_id, n_citations, n_sources in counted}
    (edge_ids, sources, targets, edge_kinds, labels, directed, starts, ends,
     confidences) = (list(column) for column in zip(*rows, strict=True))
    graph.edge_ids = edge_ids
    graph.edge_index = {relation_id: number for number, relation_id in enumerate(edge_ids)}
    graph.src = [index[source] for source in sources]
    graph.dst = [index[target] for target in targets]
    graph.edge_kinds, graph.edge_labels = edge_kinds, labels
    graph.directed = [bool(flag) for flag in directed]
    graph.starts, graph.ends, graph.confidences = starts, ends, confidences
    numbers = [counts.get(relation_id, (0, 0)) for relation_id in edge_ids]
    graph.citations = [n_citations for n_citations, _n_sources in numbers]
    graph.sources = [n_sources for _n_citations, n_sources in numbers]
    graph.counts = [relation_count(label or "") for label in labels]
    return graph


COUNT_LABEL = re.compile(r"^(\d{1,9}) events?$")


def relation_count(label: str) -> int:
    """The number of events a tie stands for, read from its label: an event-table import makes one
    relation per pair and type labelled '12 events' (else 1)."""
    if "event" not in label:  # most labels: no pattern to try
        return 1
    match = COUNT_LABEL.match(label.strip())
    return max(int(match.group(1)), 1) if match else 1


def _is_colour(text: Any) -> bool:
    return isinstance(text, str) and len(text) in (4, 7) and text.startswith("#") and all(
        c in "0123456789abcdefABCDEF" for c in text[1:])

