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
        graph.counts.append(relation_count(label or ""))
    return graph


COUNT_LABEL = re.compile(r"^(\d{1,9}) events?$")


def relation_count(label: str) -> int:
    """The number of events a tie stands for, read from its label: an event-table import makes one
    relation per pair and type labelled '12 events' (else 1)."""
    match = COUNT_LABEL.match(label.strip())
    return max(int(match.group(1)), 1) if match else 1


def _is_colour(text: Any) -> bool:
    return isinstance(text, str) and len(text) in (4, 7) and text.startswith("#") and all(
        c in "0123456789abcdefABCDEF" for c in text[1:])

