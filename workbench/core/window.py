"""What falls in the shared time window, table by table, so that every list narrows the same way
the graph and the timeline do, and a sentence that says so.

- events: those whose time (start to end, or the instant, or the window an uncertain time is known
  within) overlaps the window;
- relations: those the graph still draws in the window (core.graph.slicing.relation_timing: dated
  ones holding then, and undated ones, which may have);
- actors: those taking part in an event in the window, or in a dated relation holding then;
- sources: those cited for an event, relation or actor in the window.

A window that covers the whole case (or none at all) narrows nothing: None.
"""

from __future__ import annotations

from datetime import UTC, datetime

from workbench.core.graph.slicing import OUT, relation_timing, window_is_whole
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT, case_zone

WINDOW_TABLES = ("events", "relations", "actors", "sources")


def window_narrows(case: Case, start: str | None, end: str | None) -> bool:
    """Whether the window [start, end] leaves part of the case out."""
    if start is None and end is None:
        return False
    return not window_is_whole(start, end, case.date_range())


def in_time_window(case: Case, table: str, start: str | None, end: str | None) -> set[str] | None:
    """Ids of `table`'s records in the window, or None when the window narrows nothing (or the
    table is not one a window narrows)."""
    if table not in WINDOW_TABLES or not window_narrows(case, start, end):
        return None
    low = start or "0000"
    high = end or "9999"
    events = {i for (i,) in case.conn.execute(
        'SELECT id FROM events WHERE min(start, coalesce(earliest, start)) <= ? '
        'AND max(coalesce("end", start), coalesce(latest, start)) >= ?', (high, low))}
    if table == "events":
        return events
    holding: set[str] = set()
    dated: set[str] = set()
    ends: dict[str, tuple[str, str]] = {}
    for rid, a, b, r_start, r_end in case.conn.execute(
            'SELECT id, from_actor_id, to_actor_id, start, "end" FROM relations'):
        if relation_timing(r_start, r_end, start, end) != OUT:
            holding.add(rid)
            if r_start is not None or r_end is not None:
                dated.add(rid)
        ends[rid] = (a, b)
    if table == "relations":
        return holding
    actors = {a for (a,) in case.conn.execute(
        "SELECT DISTINCT actor_id FROM event_actors WHERE event_id IN (SELECT value FROM json_each(?))",
        (_json(events),))}
    actors |= {actor for rid in dated for actor in ends[rid]}
    if table == "actors":
        return actors
    return {s for (s,) in case.conn.execute(
        "SELECT DISTINCT source_id FROM citations WHERE event_id IN (SELECT value FROM json_each(?)) "
        "OR relation_id IN (SELECT value FROM json_each(?)) OR actor_id IN (SELECT value FROM json_each(?))",
        (_json(events), _json(dated), _json(actors)))}


def window_caption(case: Case, start: str | None, end: str | None) -> str:
    """The window in the case's local time, for a view to say what it is limited to: "9 Aug – 11 Aug 2020"."""
    zone = case_zone(case.meta("timezone"))

    def local(text: str | None) -> datetime | None:
        return None if text is None else datetime.strptime(text, UTC_FORMAT).replace(tzinfo=UTC).astimezone(zone)

    a, b = local(start), local(end)
    if a is None and b is not None:
        return f"up to {b.day} {b:%b %Y}"
    if b is None and a is not None:
        return f"from {a.day} {a:%b %Y}"
    assert a is not None and b is not None
    if a.date() == b.date():
        return f"{a.day} {a:%b %Y} {a:%H:%M}\u2013{b:%H:%M}"
    left = f"{a.day} {a:%b}" if a.year == b.year else f"{a.day} {a:%b %Y}"
    return f"{left} \u2013 {b.day} {b:%b %Y}"


def _json(ids: set[str]) -> str:
    import json

    return json.dumps(sorted(ids))
