"""Free tags on events, actors, relations and sources: read, set, list, and which items carry them."""

from __future__ import annotations

import json
from collections import Counter

from workbench.core.rules import clean_text
from workbench.core.store import Case

TAGGED = {"events": "event_id", "actors": "actor_id", "relations": "relation_id", "sources": "source_id"}
MAX_TAG = 100


def parse_tags(text: str) -> list[str]:
    """'Brest, priority,, needs second source' -> ['Brest', 'priority', 'needs second source'] (no repeats)."""
    tags = (clean_text(part)[:MAX_TAG] for part in text.replace(";", ",").split(","))
    return list(dict.fromkeys(tag for tag in tags if tag))


def tags_of(case: Case, table: str, record_id: str) -> list[str]:
    column = TAGGED[table]
    return [tag for (tag,) in case.conn.execute(
        f"SELECT tag FROM tags WHERE {column} = ? ORDER BY tag COLLATE NOCASE", (record_id,))]


def set_tags(case: Case, table: str, record_id: str, tags: list[str], origin: object = None) -> None:
    """Make the item carry exactly `tags` (adding and removing rows; one transaction)."""
    column = TAGGED[table]
    wanted = list(dict.fromkeys(tags))
    with case.transaction():
        current = {row["tag"]: row["id"] for row in case.rows("tags", where=f"{column} = ?", params=(record_id,))}
        for tag, tag_id in current.items():
            if tag not in wanted:
                case.delete("tags", tag_id, origin=origin)
        for tag in wanted:
            if tag not in current:
                case.insert("tags", {"tag": tag, column: record_id}, origin=origin)


def all_tags(case: Case) -> Counter[str]:
    """Every tag in the case with the number of items carrying it."""
    return Counter(dict(case.conn.execute("SELECT tag, count(*) FROM tags GROUP BY tag")))


def tagged(case: Case, tags: frozenset[str] | set[str]) -> dict[str, set[str]]:
    """table -> ids of the items carrying any of `tags`."""
    found: dict[str, set[str]] = {table: set() for table in TAGGED}
    if not tags:
        return found
    rows = case.conn.execute(
        "SELECT event_id, actor_id, relation_id, source_id FROM tags WHERE tag IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(tags)),),
    )
    for row in rows:
        for table, value in zip(TAGGED, row, strict=True):
            if value:
                found[table].add(value)
    return found


def events_passing(case: Case, tags: frozenset[str] | set[str]) -> set[str]:
    """Events that carry a tag, or whose actors carry one (tag an actor to follow all it does)."""
    marked = tagged(case, tags)
    events = set(marked["events"])
    if marked["actors"]:
        events.update(event_id for (event_id,) in case.conn.execute(
            "SELECT event_id FROM event_actors WHERE actor_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(marked["actors"])),)))
    return events
