"""Actor attributes by hand: set (add or change) and remove typed key-value facts about an actor."""

from __future__ import annotations

from typing import Any

from workbench.core.attributes import ATTRIBUTE_TYPES, BadValue, normalise_value
from workbench.core.errors import CaseError
from workbench.core.ops import operation
from workbench.core.rules import InvalidRecord, clean_text
from workbench.core.store import Case, new_id


def attribute_values(key: str, value_type: str, value: str) -> dict[str, Any]:
    """An attribute's values from what the analyst typed; InvalidRecord names each field that is wrong."""
    found: dict[str, str] = {}
    key = clean_text(key)
    if not key:
        found["key"] = "name the attribute, e.g. date of birth"
    if value_type not in ATTRIBUTE_TYPES:
        found["type"] = f"a type is one of {', '.join(ATTRIBUTE_TYPES)}"
        return_value = clean_text(value)
    else:
        try:
            return_value = normalise_value(value_type, clean_text(value))
        except BadValue as error:
            found["value"] = str(error)
            return_value = ""
    if found:
        raise InvalidRecord("actor_attributes", found)
    return {"key": key, "type": value_type, "value": return_value}


@operation
def set_attribute(case: Case, actor_id: str, key: str, value_type: str, value: str,
                  attribute_id: str | None = None) -> str:
    """Add an attribute to an actor, or change the one `attribute_id` names; result: its id."""
    values = attribute_values(key, value_type, value)
    if case.get("actors", actor_id) is None:
        raise CaseError("The actor is no longer in the case.")
    if attribute_id is not None and case.get("actor_attributes", attribute_id) is not None:
        case.update("actor_attributes", attribute_id, values)
        return attribute_id
    return case.insert("actor_attributes", {**values, "actor_id": actor_id, "id": attribute_id or new_id()})


def attributes_of(case: Case, actor_id: str) -> list[dict[str, Any]]:
    """An actor's attributes, by key."""
    return case.rows("actor_attributes", where="actor_id = ?", params=(actor_id,), order_by="key, rowid")


def attributes_by_actor(case: Case, actor_id: str | None = None) -> dict[str, list[tuple[str, str, str]]]:
    """actor id -> [(key, type, value)] by key, for every actor (or only `actor_id`): listings and exports
    read them in one pass. A file from before attributes existed has none."""
    where, params = ("WHERE actor_id = ? ", (actor_id,)) if actor_id is not None else ("", ())
    found: dict[str, list[tuple[str, str, str]]] = {}
    for owner, key, value_type, value in case.conn.execute(
            f"SELECT actor_id, key, type, value FROM actor_attributes {where}ORDER BY actor_id, key, seq", params):
        found.setdefault(owner, []).append((key, value_type, value))
    return found


def describe_attributes(pairs: list[tuple[str, str, str]]) -> str:
    """'date of birth: 1954-08-30; rank: colonel': how a list or an export cell shows them."""
    return "; ".join(f"{key}: {value}" for key, _type, value in pairs)


def attribute_keys(case: Case) -> list[tuple[str, int]]:
    """Every attribute key in the case with the number of actors carrying it, most carried first:
    what lanes can be grouped by."""
    return [(str(key), int(count)) for key, count in case.conn.execute(
        "SELECT key, COUNT(DISTINCT actor_id) AS n FROM actor_attributes GROUP BY key ORDER BY n DESC, key")]


def attribute_groups(case: Case, key: str, actor_ids: list[str]) -> list[str]:
    """Each of `actor_ids`' value of attribute `key` (its first, if it has several; values that differ
    only in case are one, spelt as first seen), or '(no KEY)': the groups of a "lanes by attribute"."""
    first: dict[str, str] = {}
    spelling: dict[str, str] = {}
    for owner, value in case.conn.execute(
            "SELECT actor_id, value FROM actor_attributes WHERE key = ? ORDER BY seq", (key,)):
        if owner not in first:
            first[owner] = spelling.setdefault(" ".join(str(value).split()).casefold(), " ".join(str(value).split()))
    missing = f"(no {key})"
    return [first.get(actor_id, missing) for actor_id in actor_ids]
