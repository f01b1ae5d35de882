"""Groups of actors for drawing a big chart: communities or kinds, each one marker until it is expanded.

Five thousand actors drawn one by one are a hairball. Above GROUP_FROM actors the chart draws each
community (Louvain) or each kind as one marker, sized by its members and named after its best
connected actor, with one faint tie per pair of groups whose width says how many relations it
stands for. No Qt here: the chart (ui.graph.chart) draws what this module computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from workbench.core.graph.model import CaseGraph
from workbench.core.progress import NO_PROGRESS, Progress

GROUP_FROM = 1000  # actors; bigger charts are drawn as groups unless the analyst says otherwise
MIN_MEMBERS = 5  # communities smaller than this (small separate clusters, mostly) are one group together
SMALL_CLUSTERS = "small clusters"  # that group's name
GROUP_MODES = ("auto", "community", "kind", "none")
STRONGEST_PER_END = 3  # ties between groups: each group's heaviest few are drawn...
TIE_LIFT = 2.0  # ...and any at least this many times as heavy as chance would make it


@dataclass
class Grouping:
    """Which group each actor is drawn in (-1: drawn on its own), and each group's name and leader."""

    by: str  # "community" or "kind"
    member: np.ndarray  # int64 per actor
    names: list[str] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)  # the best connected member (named on the marker)
    sizes: list[int] = field(default_factory=list)

    @property
    def k(self) -> int:
        return len(self.names)

    def members(self, group: int) -> np.ndarray:
        return np.flatnonzero(self.member == group)


def communities(graph: CaseGraph, progress: Progress = NO_PROGRESS) -> list[int]:
    """A community number per actor (0 is the largest; isolated actors each have their own): Louvain
    over every relation, a pair tied by many relations weighing more (networkx, seed 1, so the same
    case gives the same groups)."""
    import networkx as nx

    progress(0.0)
    g = nx.Graph()
    g.add_nodes_from(range(graph.n))
    weights: dict[tuple[int, int], int] = {}
    for a, b in zip(graph.src, graph.dst, strict=True):
        if a != b:
            key = (a, b) if a < b else (b, a)
            weights[key] = weights.get(key, 0) + 1
    g.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    progress.check()
    progress(0.2)
    found = nx.community.louvain_communities(g, weight="weight", seed=1)
    progress.check()
    found = sorted((sorted(c) for c in found), key=lambda members: (-len(members), members[0]))
    number = [0] * graph.n
    for i, members in enumerate(found):
        for v in members:
            number[v] = i
    progress(1.0)
    return number


def group_actors(graph: CaseGraph, by: str, community: list[int] | None = None,
                 degree: list[int] | None = None, min_members: int = MIN_MEMBERS) -> Grouping:
    """Actors grouped `by` "community" (numbers from `communities`) or "kind", numbered largest first.
    Actors without any tie are left out (isolated actors have their own marker). The communities of
    fewer than `min_members` actors (the pairs and triples that real event data has by the hundred,
    each tied to nobody else) make one last group together, SMALL_CLUSTERS; kinds that small are
    drawn actor by actor."""
    n = graph.n
    degree = graph.degrees() if degree is None else degree
    deg = np.asarray(degree, dtype=np.int64) if n else np.zeros(0, np.int64)
    if by == "community":
        if community is None or len(community) != n:
            return Grouping(by, np.full(n, -1, dtype=np.int64))
        raw = np.asarray(community, dtype=np.int64)
        labels: list[Any] = sorted(set(raw.tolist()))
        key = raw
    elif by == "kind":
        labels = sorted(set(graph.kinds))
        position = {kind: i for i, kind in enumerate(labels)}
        key = np.asarray([position[kind] for kind in graph.kinds], dtype=np.int64)
    else:
        return Grouping(by, np.full(n, -1, dtype=np.int64))
    key = np.where(deg > 0, key, -1) if n else key
    counts = np.bincount(key[key >= 0], minlength=len(labels)) if n else np.zeros(0, np.int64)
    kept = [i for i in range(len(labels)) if counts[i] >= min_members]
    kept.sort(key=lambda i: (-int(counts[i]), str(labels[i])))
    renumber = np.full(len(labels) + 1, -1, dtype=np.int64)
    for new, old in enumerate(kept):
        renumber[old] = new
    member = renumber[key] if n else np.zeros(0, np.int64)  # key -1 reads the last entry: -1
    grouping = Grouping(by, member)
    for new, old in enumerate(kept):
        members = np.flatnonzero(member == new)
        leader = int(members[np.lexsort((members, -deg[members]))[0]])
        grouping.leaders.append(leader)
        grouping.sizes.append(len(members))
        grouping.names.append(graph.names[leader] if by == "community" else str(labels[old]))
    small = (key >= 0) & (member < 0) if n else np.zeros(0, bool)
    if by == "community" and int(small.sum()) >= min_members:
        member[small] = len(kept)
        grouping.leaders.append(-1)
        grouping.sizes.append(int(small.sum()))
        grouping.names.append(SMALL_CLUSTERS)
    return grouping


def group_ties(src: np.ndarray, dst: np.ndarray, end_src: np.ndarray, end_dst: np.ndarray,
               shown: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The relations drawn between groups, one tie per pair of ends: (first end, second end, count):
    the relations it stands for, or the sum of their `weights` (the events behind each) when given.

    `end_src` and `end_dst` say where each relation is drawn from and to: an actor (0 or more) or a
    group (-1 - group); relations within one group, not `shown`, or between two actors drawn on
    their own (drawn as themselves) are left out."""
    a, b = end_src[shown], end_dst[shown]
    grouped = ((a < 0) | (b < 0)) & (a != b)
    a, b = a[grouped], b[grouped]
    low, high = np.minimum(a, b), np.maximum(a, b)
    if not len(low):
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    pairs, inverse, counts = np.unique(np.stack([low, high], axis=1), axis=0, return_inverse=True,
                                       return_counts=True)
    if weights is not None:
        counts = np.bincount(inverse.ravel(), weights=np.asarray(weights)[shown][grouped],
                             minlength=len(pairs)).astype(np.int64)
    return pairs[:, 0], pairs[:, 1], counts


def strongest_ties(a: np.ndarray, b: np.ndarray, counts: np.ndarray, per_end: int = STRONGEST_PER_END,
                   lift: float = TIE_LIFT) -> np.ndarray:
    """Which of the ties (`group_ties`'s ends and counts) to draw so that structure shows, not chance:
    each end's `per_end` heaviest ties, and any tie at least `lift` times as heavy as chance would make
    it (expected = the two ends' total weights × each other ÷ twice the whole, as if ties fell at
    random among the ends' relations). Thousands of random cross-community relations give every
    pair of groups a tie of about the weight chance gives it: drawn all, a grey mass."""
    counts = np.asarray(counts, dtype=np.float64)
    keep = np.zeros(len(counts), dtype=bool)
    if not len(counts):
        return keep
    ends, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    first, second = inverse[:len(a)], inverse[len(a):]
    strength = np.bincount(first, weights=counts, minlength=len(ends)) + np.bincount(
        second, weights=counts, minlength=len(ends))
    expected = strength[first] * strength[second] / max(2.0 * counts.sum(), 1.0)
    keep |= counts >= lift * np.maximum(expected, 1e-9)
    order = np.lexsort((np.arange(len(counts)), -counts))  # heaviest first, ties in a stable order
    taken = np.zeros(len(ends), dtype=np.int64)
    for tie in order.tolist():  # a few thousand ties at most: one per pair of ends drawn
        one, two = first[tie], second[tie]
        if taken[one] < per_end or taken[two] < per_end:
            keep[tie] = True
            taken[one] += 1
            taken[two] += 1
    return keep


def community_names(case: Any, actor_ids: list[str], progress: Progress = NO_PROGRESS) -> list[str]:
    """A community's name for each of `actor_ids` (the timeline's summary lanes): its best connected
    member and how many more ("Iran +1,013"), SMALL_CLUSTERS, or "no tie" for an actor tied to nobody."""
    from workbench.core.graph.model import load_graph

    graph = load_graph(case)
    progress.check()
    grouping = group_actors(graph, "community", communities(graph, progress.part(0.0, 0.9)))
    names = [f"{graph.names[leader]} +{size - 1:,}" if leader >= 0 else SMALL_CLUSTERS
             for leader, size in zip(grouping.leaders, grouping.sizes, strict=True)]
    out = []
    for actor_id in actor_ids:
        v = graph.index.get(actor_id)
        group = int(grouping.member[v]) if v is not None else -1
        out.append(names[group] if group >= 0 else "no tie")
    return out


def tie_width(count: int | np.ndarray) -> Any:
    """Line width in pixels for a tie standing for `count` relations (or events): 1 for one, growing
    with the logarithm, at most 7."""
    return np.minimum(1.0 + 1.2 * np.log2(np.maximum(count, 1)), 7.0)
