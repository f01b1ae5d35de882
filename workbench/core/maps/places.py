"""What the Map dock draws of a case: its places with coordinates, each with the number of events there in the
time window (marker size) and its kind (marker style), the events that join two places (origin -> target) as
directed links, and uncertain places (a region, a district, a country) as the area they stand for.

Also the map's side of the linked selection: the places of selected events, actors or sources.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from workbench.core.maps.basemap import AREA_KINDS, Basemap
from workbench.core.model import aliases_of
from workbench.core.store import Case

# The overlap test of core.window, as SQL over events `e`: the event's time meets [low, high].
_IN_WINDOW = ('min(e.start, coalesce(e.earliest, e.start)) <= :high '
              'AND max(coalesce(e."end", e.start), coalesce(e.latest, e.start)) >= :low')


@dataclass(frozen=True)
class MapPlace:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str
    lat: float
    lon: float
    events: int  # events at the place in the time window (any role)
    total: int  # events at the place in the whole case
    area: tuple[tuple[tuple[float, float], ...], ...] = ()  # rings of (lon, lat) for an uncertain place

    @property
    def uncertain(self) -> bool:
        return bool(self.area)

    @property
    def label(self) -> str:
        """The name, with the first other name in another script ('Minsk · Мінск')."""
        other = next((a for a in self.aliases if not a.isascii() and a != self.name), "")
        return f"{self.name} · {other}" if other else self.name


@dataclass(frozen=True)
class MapLink:
    """Events that go from one place to another (the event's origin and target places)."""

    origin: str
    target: str
    events: tuple[str, ...]


@dataclass
class MapLayer:
    places: list[MapPlace] = field(default_factory=list)
    links: list[MapLink] = field(default_factory=list)
    without_coordinates: int = 0

    def place(self, place_id: str) -> MapPlace | None:
        return next((p for p in self.places if p.id == place_id), None)


def is_area_kind(kind: str) -> bool:
    return (kind or "").strip().casefold() in AREA_KINDS


def marker_radius(events: int, smallest: float = 4.0, largest: float = 22.0) -> float:
    """Marker radius in pixels: area grows with the number of events, a place with none still shows."""
    if events <= 0:
        return smallest * 0.75
    return min(largest, smallest + 3.0 * math.sqrt(events))


def map_layer(case: Case, start: str | None = None, end: str | None = None,
              basemap: Basemap | None = None) -> MapLayer:
    """The case's places and origin->target links with their event counts in the window [start, end]
    (None: open). Areas of uncertain places come from `basemap` (rings when it is None)."""
    conn = case.conn
    window = {"low": start or "0000", "high": end or "9999"}
    counts = dict(conn.execute(
        f"SELECT ep.place_id, count(*) FROM event_places ep JOIN events e ON e.id = ep.event_id "
        f"WHERE {_IN_WINDOW} GROUP BY ep.place_id", window).fetchall())
    totals = dict(conn.execute("SELECT place_id, count(*) FROM event_places GROUP BY place_id").fetchall())
    layer = MapLayer()
    for place_id, name, aliases, kind, country, lat, lon in conn.execute(
            "SELECT id, name, aliases, kind, country, lat, lon FROM places ORDER BY name, id"):
        if lat is None or lon is None:
            layer.without_coordinates += 1
            continue
        area: tuple = ()
        if is_area_kind(kind):
            if basemap is None:
                from workbench.core.maps.basemap import RING_KM
                from workbench.core.maps.projection import circle

                rings = [circle(lat, lon, RING_KM[kind.strip().casefold()])]
            else:
                rings = basemap.area_around(lat, lon, kind)
            area = tuple(tuple(ring) for ring in rings)
        layer.places.append(MapPlace(place_id, name, tuple(aliases_of(aliases)), kind, country, float(lat), float(lon),
                                     int(counts.get(place_id, 0)), int(totals.get(place_id, 0)), area))
    where = {p.id: p for p in layer.places}
    ends: dict[str, tuple[list[str], list[str]]] = {}
    for event_id, place_id, role in conn.execute(
            f"SELECT e.id, ep.place_id, ep.role FROM events e JOIN event_places ep ON ep.event_id = e.id "
            f"WHERE ep.role IN ('origin', 'target') AND {_IN_WINDOW} ORDER BY e.start, e.seq, ep.place_id", window):
        if place_id in where:
            ends.setdefault(event_id, ([], []))[0 if role == "origin" else 1].append(place_id)
    links: dict[tuple[str, str], list[str]] = {}
    for event_id, (origins, targets) in ends.items():
        for origin, target in pairs(origins, targets, where):
            links.setdefault((origin, target), []).append(event_id)
    layer.links = [MapLink(o, t, tuple(ids)) for (o, t), ids in links.items()]
    return layer


def pairs(origins: list[str], targets: list[str], where: dict[str, MapPlace]) -> list[tuple[str, str]]:
    """Which origin goes to which target. One on either side: each to each. Several on both sides ("from
    Nevel and Klincy towards Vitebsk and Gomel, respectively"): each origin to its nearest target, since
    a case does not say which goes with which and every pair would draw moves nobody reported."""
    found = [(o, t) for o in origins for t in targets if o != t]
    if len(origins) > 1 and len(targets) > 1:
        found = []
        for origin in origins:
            a = where[origin]
            nearest = min((t for t in targets if t != origin),
                          key=lambda t: (where[t].lat - a.lat) ** 2 + ((where[t].lon - a.lon) *
                                                                       math.cos(math.radians(a.lat))) ** 2,
                          default=None)
            if nearest is not None:
                found.append((origin, nearest))
    return found


def places_of(case: Case, table: str, ids: list[str] | tuple[str, ...]) -> set[str]:
    """The places of the selected records: of events, where they happened; of actors, where their events
    happened; of sources, where the events they are cited for happened; places, themselves."""
    if not ids:
        return set()
    chosen = json.dumps(list(ids))
    marks = "SELECT value FROM json_each(?)"
    if table == "places":
        return set(ids)
    sql = {
        "events": f"SELECT place_id FROM event_places WHERE event_id IN ({marks})",
        "actors": f"SELECT ep.place_id FROM event_places ep JOIN event_actors ea ON ea.event_id = ep.event_id "
                  f"WHERE ea.actor_id IN ({marks})",
        "sources": f"SELECT ep.place_id FROM event_places ep JOIN citations c ON c.event_id = ep.event_id "
                   f"WHERE c.source_id IN ({marks})",
    }.get(table)
    if sql is None:
        return set()
    return {place for (place,) in case.conn.execute(sql, (chosen,))}
