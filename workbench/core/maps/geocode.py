"""Finding a place to put on the map, offline: typed coordinates, the case's own places (by name or other
name), and the gazetteer the report importer uses (GeoNames' places of 1,000+ people, core.importers.places,
through its public `candidates`: that name, then names beginning with it), most populous first, each with
its coordinates and country."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.geo import CoordinateError, format_point, parse_point
from workbench.core.importers import places as gazetteer
from workbench.core.model import aliases_of
from workbench.core.store import Case


@dataclass(frozen=True)
class Candidate:
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-2 from the gazetteer, as stored for a case's place
    population: int = 0
    source: str = "gazetteer"  # "typed", "case" (place_id set) or "gazetteer"
    place_id: str = ""

    @property
    def text(self) -> str:
        """One line to choose from: 'Minsk, BY (53.9, 27.56), 1,742,124 people'."""
        if self.source == "typed":
            return f"Coordinates {self.name}"
        where = f"{self.name}" + (f", {self.country}" if self.country else "")
        people = f", {self.population:,} people" if self.population else ""
        origin = " (in this case)" if self.source == "case" else ""
        return f"{where}{origin} ({format_point(round(self.lat, 4), round(self.lon, 4))}){people}"


def candidates(text: str, case: Case | None = None, limit: int = 12) -> list[Candidate]:
    """What `text` may mean: coordinates typed ('53.9, 27.56', '53°54′N 27°34′E') as themselves; else the
    case's places of that name or other name, then the gazetteer's, most populous first. The gazetteer's
    index is built on first use (seconds, once per machine): run this off the UI thread."""
    text = " ".join(text.split())
    if not text:
        return []
    try:
        lat, lon = parse_point(text)
    except CoordinateError:
        pass
    else:
        return [Candidate(format_point(lat, lon), lat, lon, "", source="typed")]
    found: list[Candidate] = []
    key = gazetteer.key_of(text) or text.casefold()  # a name in Cyrillic has no Latin key: as written

    def keys(name: str) -> str:
        return gazetteer.key_of(name) or name.casefold()

    if case is not None and not case.closed:
        for place_id, name, aliases, lat, lon, country in case.conn.execute(
                "SELECT id, name, aliases, lat, lon, country FROM places WHERE lat IS NOT NULL ORDER BY name"):
            if key in {keys(n) for n in (name, *aliases_of(aliases))}:
                found.append(Candidate(name, float(lat), float(lon), country, source="case", place_id=place_id))
    for place in gazetteer.candidates(text, limit):  # that name, then names that begin with it
        found.append(Candidate(place.name, place.lat, place.lon, place.country, place.population))
    return found[:limit]
