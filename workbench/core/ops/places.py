"""Places by hand: create, edit and delete them (name, other names, kind, coordinates typed as decimal
degrees or degrees-minutes-seconds), and tie events to them in a role: where it happened, where it
started from, what it was aimed at."""

from __future__ import annotations

from typing import Any

from workbench.core.errors import CaseError
from workbench.core.geo import CoordinateError, parse_coordinate
from workbench.core.model import PLACE_ROLES, aliases_of
from workbench.core.ops import operation
from workbench.core.rules import InvalidRecord, check, clean_text
from workbench.core.store import Case, new_id


def place_values(name: str, aliases: list[str] | str = (), kind: str = "", lat: str | float | None = "",
                 lon: str | float | None = "", country: str = "") -> dict[str, Any]:
    """A place's values from what the analyst typed; InvalidRecord names each field that is wrong.

    Coordinates may be typed as decimal degrees or as degrees, minutes and seconds with N/S, E/W;
    both or neither must be given.
    """
    found: dict[str, str] = {}
    if isinstance(aliases, str):
        aliases = aliases.split("\n")
    values: dict[str, Any] = {
        "name": clean_text(name), "kind": clean_text(kind), "country": clean_text(country),
        "aliases": list(dict.fromkeys(alias for alias in (clean_text(a) for a in aliases) if alias)),
    }
    for axis, text in (("lat", lat), ("lon", lon)):
        if text is None or (isinstance(text, str) and not text.strip()):
            values[axis] = None
            continue
        try:
            values[axis] = parse_coordinate(str(text), axis) if isinstance(text, str) else float(text)
        except (CoordinateError, ValueError) as error:
            found[axis] = str(error)
    if not found and (values["lat"] is None) != (values["lon"] is None):
        missing = "lon" if values["lon"] is None else "lat"
        found[missing] = f"give the {'longitude' if missing == 'lon' else 'latitude'} too, or neither"
    try:
        check("places", {key: value for key, value in values.items() if key not in found})
    except InvalidRecord as refusal:
        found.update(refusal.problems)
    if found:
        raise InvalidRecord("places", found)
    return values


@operation
def add_place(case: Case, values: dict[str, Any], event_id: str | None = None, role: str = "location") -> str:
    """Add a place (values from `place_values`), tied to an event in `role` when one is named; result: its id."""
    place_id = case.insert("places", {**values, "id": values.get("id") or new_id()})
    if event_id is not None:
        _link(case, event_id, place_id, role)
    return place_id


@operation
def edit_place(case: Case, place_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some fields of a place; result: their old values."""
    return case.update("places", place_id, changes)


@operation
def link_place(case: Case, event_id: str, place_id: str, role: str = "location") -> None:
    """Tie an event to a place in a role (a place already tied gets the new role)."""
    _link(case, event_id, place_id, role)


@operation
def unlink_place(case: Case, event_id: str, place_id: str) -> None:
    case.unlink("event_places", {"event_id": event_id, "place_id": place_id})


def _link(case: Case, event_id: str, place_id: str, role: str) -> None:
    if role not in PLACE_ROLES:
        raise InvalidRecord("event_places", {"role": f"a place is {', '.join(PLACE_ROLES.values())}"})
    if case.get("events", event_id) is None or case.get("places", place_id) is None:
        raise CaseError("The event or the place is no longer in the case.")
    case.link("event_places", {"event_id": event_id, "place_id": place_id, "role": role})


def places_of_event(case: Case, event_id: str) -> list[tuple[str, str, str]]:
    """(place id, name, role) of each place an event is tied to, where it happened first."""
    order = {role: rank for rank, role in enumerate(PLACE_ROLES)}
    rows = case.conn.execute(
        "SELECT p.id, p.name, ep.role FROM event_places ep JOIN places p ON p.id = ep.place_id "
        "WHERE ep.event_id = ?", (event_id,)).fetchall()
    return sorted(rows, key=lambda row: (order.get(row[2], 9), row[1].casefold()))


def events_of_place(case: Case, place_id: str) -> list[tuple[str, str, str]]:
    """(event id, title, role) of each event tied to a place, earliest first."""
    return case.conn.execute(
        "SELECT e.id, e.title, ep.role FROM event_places ep JOIN events e ON e.id = ep.event_id "
        "WHERE ep.place_id = ? ORDER BY e.start, e.seq", (place_id,)).fetchall()


def place_choices(case: Case) -> list[tuple[str, str, tuple[str, ...]]]:
    """(id, 'Name (alias, alias)', (name, *aliases)) of every place, by name: what a form offers to pick."""
    found = []
    for place_id, name, aliases in case.conn.execute(
            "SELECT id, name, aliases FROM places ORDER BY name COLLATE NOCASE"):
        others = aliases_of(aliases)
        found.append((place_id, name + (f" ({', '.join(others)})" if others else ""), (name, *others)))
    return found


def events_at(case: Case, place_ids: set[str]) -> set[str]:
    """Ids of the events tied to any of `place_ids`, in any role (filtering by place)."""
    import json

    return {event_id for (event_id,) in case.conn.execute(
        "SELECT DISTINCT event_id FROM event_places WHERE place_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(place_ids)),))}
