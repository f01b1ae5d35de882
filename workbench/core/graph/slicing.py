"""The graph as it stands in the shared time window and filter, and the days the play control steps through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from workbench.core.filters import CaseFilter
from workbench.core.graph.model import CaseGraph
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT, case_zone, utc_to_local

# A relation's place in the time window.
OUT, IN, UNCERTAIN = 0, 1, 2
# The play control steps day by day but jumps over this many days or more with nothing dated.
QUIET_DAYS = 4


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
    passing = {confidence: case_filter.passes_confidence(confidence) for confidence in set(graph.confidences)}
    states = [
        relation_timing(start, end, window_start, window_end, whole)
        if node_shown[a] and node_shown[b] and passing[confidence] else OUT
        for a, b, confidence, start, end in zip(graph.src, graph.dst, graph.confidences, graph.starts, graph.ends,
                                                strict=True)
    ]
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


def day_label(window_end: str, zone_name: str) -> str:
    """The local day a play window ends on, as the play control shows it ("17 Aug 2020")."""
    local = utc_to_local(window_end, case_zone(zone_name))
    return f"{local.day} {local:%b %Y}"

