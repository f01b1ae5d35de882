"""Operations on actors: merging two into one, and finding look-alikes by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.core.errors import CaseError
from workbench.core.model import aliases_of
from workbench.core.names import NameIndex
from workbench.core.ops import operation
from workbench.core.store import Case


def same_name_actors(case: Case, name: str | Iterable[str], exclude_id: str | None = None) -> list[dict[str, Any]]:
    """Actors already in the case whose name or an alias is `name` (or one of `name`s) in any script
    or spelling, word for word (core.names): the duplicate check, and what a typed name means."""
    wanted = [name] if isinstance(name, str) else list(name)
    rows = {row["id"]: row for row in case.rows("actors") if row["id"] != exclude_id}
    index = NameIndex((actor_id, [row["name"], *aliases_of(row["aliases"])]) for actor_id, row in rows.items())
    found: dict[str, float] = {}
    for each in wanted:
        for match in index.matches(each, limit=len(rows) or 1, whole=True):
            found[match.record_id] = max(found.get(match.record_id, 0.0), match.score)
    return [rows[actor_id] for actor_id in sorted(found, key=lambda i: (-found[i], rows[i]["name"]))]


@operation
def merge_actors(case: Case, keep_id: str, other_id: str) -> None:
    """Fold `other` into `keep`: its events, relations, citations and notes now name `keep`;
    its name and aliases become aliases of `keep`; then `other` goes. One transaction."""
    if keep_id == other_id:
        raise CaseError("An actor cannot be merged into itself.")
    keep, other = case.get("actors", keep_id), case.get("actors", other_id)
    if keep is None or other is None:
        raise CaseError("Both actors must still be in the case to merge them.")
    aliases = list(dict.fromkeys(
        [*aliases_of(keep["aliases"]), other["name"], *aliases_of(other["aliases"])]))
    aliases = [alias for alias in aliases if alias != keep["name"]]
    case.update("actors", keep_id, {"aliases": aliases})
    if not keep["description"] and other["description"]:
        case.update("actors", keep_id, {"description": other["description"]})
    kept_events = {row["event_id"] for row in case.rows("event_actors", where="actor_id = ?", params=(keep_id,))}
    for link in case.rows("event_actors", where="actor_id = ?", params=(other_id,)):
        if link["event_id"] not in kept_events:
            case.link("event_actors", {**link, "actor_id": keep_id})
        case.unlink("event_actors", link)
    for relation in case.rows("relations", where="from_actor_id = ? OR to_actor_id = ?",
                              params=(other_id, other_id)):
        ends = {"from_actor_id": relation["from_actor_id"], "to_actor_id": relation["to_actor_id"]}
        ends = {key: keep_id if value == other_id else value for key, value in ends.items()}
        if ends["from_actor_id"] == ends["to_actor_id"]:
            continue  # a tie between the two merged actors: it goes with `other`
        case.update("relations", relation["id"], ends)
    for table in ("citations", "notes"):
        for row in case.rows(table, where="actor_id = ?", params=(other_id,)):
            case.update(table, row["id"], {"actor_id": keep_id})
    case.delete("actors", other_id)


def describe_dependents(case: Case, table: str, record_ids: list[str]) -> str:
    """'its 3 citations and 1 note' style phrase for a delete confirmation; '' when nothing goes with it."""
    counts = case.dependents(table, record_ids)
    words = {
        "citations": "citation", "event_actors": "actor link", "event_places": "place link",
        "relations": "relation", "notes": "note", "footnotes": "footnote entry",
    }
    parts = []
    named = [(count, words.get(name, name.replace("_", " ").rstrip("s"))) for name, count in counts.items()]
    for count, word in sorted(named, key=lambda item: (-item[0], item[1])):
        parts.append(f"{count} {word}{'' if count == 1 else 's'}")
    if not parts:
        return ""
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
