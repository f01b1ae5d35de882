"""Coded event tables (ACLED, ICEWS, GDELT, an analyst's own spreadsheet) -> events, actors, ties and places.

A table's columns are mapped to the fields below (`Mapping`); presets recognise ACLED's export,
ICEWS's release and GDELT 2.0 events from their headers, and a generic spreadsheet by common
column names; the UI's mapping step lets the analyst change any of it.

- Time is honest: a day is a day (precision 'day'); ACLED's time_precision 2 (week) and 3 (month),
  a bare month ('2014-03') and a bare year ('2014') become uncertain-time windows (precision
  'approximate', earliest/latest the window, a time note saying what the source gave), never a day
  made up. An unknown date form refuses its row.
- Actors are found through the one name matcher (`core.names`): names whose key is the same are one
  actor; a name the case already has (by name or alias, any spelling `NameIndex.find` takes) is that
  actor. Their kind comes from a kind/sector column when mapped, and their country (a country column,
  or for ICEWS the "(Country)" its sector actors' names end with) becomes the "country" attribute
  of the actors the import makes.
- Every interaction of two actors is one event tied to both (roles 'actor 1'/'actor 2'); repeated
  interactions of one type become ONE relation per (actor 1, type, actor 2), its label saying the
  count ('12 events') and its start/end the first and last date.
- Places come from coordinates (and the place name): one place per name and position, linked to
  its events; coordinates out of range refuse the row.
- Notes, the sub-type and numeric fields (fatalities, intensity) go into the event's summary as
  'field: value' lines: events have no attribute table. A source column (publisher or URL) becomes
  a source cited by the event.

The file streams: rows are read, checked and written in chunks inside one transaction, so memory
holds the actors, places, relations and the list of refused rows (line and reason), never the
rows. `progress` reports bytes read and Cancel rolls everything back.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from workbench.core import names
from workbench.core.importers.proposals import NAMESPACE, ImportRefused, stable_id
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.rules import MAX_TITLE
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT, case_zone, localize, now_stamp

# The fields a column may be mapped to, in the order the mapping step shows them.
FIELDS: dict[str, str] = {
    "date": "Date",
    "precision": "Date precision (ACLED 1/2/3 or day/week/month/year)",
    "actor1": "Actor 1",
    "actor1_kind": "Actor 1 kind or sector",
    "actor1_country": "Actor 1 country",
    "actor2": "Actor 2",
    "actor2_kind": "Actor 2 kind or sector",
    "actor2_country": "Actor 2 country",
    "event_type": "Event type",
    "sub_event_type": "Event sub-type",
    "place": "Place name",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "source": "Source (publisher or URL)",
    "notes": "Notes",
    "fatalities": "Fatalities",
    "intensity": "Intensity / Goldstein score",
    "id": "Event id",
}
REQUIRED = ("date", "actor1")

PRESETS: dict[str, dict[str, str]] = {
    "acled": {
        "date": "event_date", "precision": "time_precision", "actor1": "actor1", "actor1_kind": "inter1",
        "actor2": "actor2", "actor2_kind": "inter2", "event_type": "event_type",
        "sub_event_type": "sub_event_type", "place": "location", "latitude": "latitude", "longitude": "longitude",
        "source": "source", "notes": "notes", "fatalities": "fatalities", "id": "event_id_cnty",
    },
    "icews": {
        "date": "Event Date", "actor1": "Source Name", "actor1_kind": "Source Sectors",
        "actor1_country": "Source Country", "actor2": "Target Name", "actor2_kind": "Target Sectors",
        "actor2_country": "Target Country", "event_type": "Event Text", "sub_event_type": "CAMEO Code",
        "place": "City", "latitude": "Latitude", "longitude": "Longitude", "source": "Publisher",
        "intensity": "Intensity", "id": "Event ID",
    },
    "gdelt": {
        "date": "SQLDATE", "actor1": "Actor1Name", "actor1_kind": "Actor1Type1Code",
        "actor1_country": "Actor1CountryCode", "actor2": "Actor2Name", "actor2_kind": "Actor2Type1Code",
        "actor2_country": "Actor2CountryCode", "event_type": "EventCode", "sub_event_type": "EventBaseCode",
        "place": "ActionGeo_FullName", "latitude": "ActionGeo_Lat", "longitude": "ActionGeo_Long",
        "source": "SOURCEURL", "intensity": "GoldsteinScale", "id": "GLOBALEVENTID",
    },
}
# The columns that identify each preset (all must be in the header).
PRESET_KEYS = {
    "acled": ("event_date", "actor1", "event_type"),
    "icews": ("Event Date", "Source Name", "Event Text"),
    "gdelt": ("SQLDATE", "Actor1Name", "EventCode"),
}
PRESET_TITLES = {"acled": "ACLED export", "icews": "ICEWS events", "gdelt": "GDELT 2.0 events",
                 "generic": "Spreadsheet"}
# A spreadsheet of the analyst's own: common column names (folded: lower case, no spaces or punctuation).
GENERIC_NAMES: dict[str, tuple[str, ...]] = {
    "date": ("date", "eventdate", "day", "when"),
    "precision": ("precision", "timeprecision", "dateprecision"),
    "actor1": ("actor1", "actor", "source", "sourcename", "from", "initiator"),
    "actor1_kind": ("actor1kind", "actor1type", "sourcesector", "sourcesectors"),
    "actor1_country": ("actor1country", "sourcecountry"),
    "actor2": ("actor2", "target", "targetname", "to", "counterpart"),
    "actor2_kind": ("actor2kind", "actor2type", "targetsector", "targetsectors"),
    "actor2_country": ("actor2country", "targetcountry"),
    "event_type": ("eventtype", "type", "event", "action", "eventtext"),
    "sub_event_type": ("subeventtype", "subtype"),
    "place": ("place", "location", "city", "placename"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
    "source": ("sourceurl", "url", "publisher", "reference"),
    "notes": ("notes", "note", "description", "comment", "comments"),
    "fatalities": ("fatalities", "deaths", "killed"),
    "id": ("id", "eventid"),
}
# Sector and type words -> our actor kinds (ICEWS sectors, ACLED inter codes, GDELT type codes).
KIND_WORDS = {
    "military": "military", "army": "military", "mil": "military", "armed forces": "military",
    "police": "security", "cop": "security", "security": "security", "spy": "security", "intelligence": "security",
    "government": "government", "gov": "government", "executive": "government", "legislative": "government",
    "judicial": "government", "ministry": "government", "jud": "government", "leg": "government",
    "media": "media", "med": "media", "news": "media",
    "party": "organization", "parties": "organization", "ngo": "organization", "igo": "organization",
    "business": "organization", "bus": "organization", "rebel": "group", "reb": "group", "insurgents": "group",
    "opposition": "group", "opp": "group", "protesters": "group", "rioters": "group", "civilians": "group",
    "cvl": "group", "militia": "group", "rebel groups": "group", "political militias": "group",
    "identity militias": "group", "state forces": "military", "external/other forces": "military",
}
ACLED_INTER = {"1": "military", "2": "group", "3": "group", "4": "group", "5": "group", "6": "group",
               "7": "group", "8": "military"}
ACLED_PRECISION = {"1": "day", "2": "week", "3": "month"}
WORDS_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year"}
CHUNK = 5000  # rows written per executemany
_NAMESPACE = NAMESPACE.bytes
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {
    m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)[ ,-]*(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+) (\d{1,2}),? (\d{4})$")


def fold_header(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


@dataclass
class Mapping:
    """Which column (by header name) feeds each field; `preset` is the recognised format or 'generic'."""

    columns: dict[str, str]
    preset: str = "generic"

    def missing(self) -> list[str]:
        return [f for f in REQUIRED if not self.columns.get(f)]


@dataclass
class TableHead:
    """A table's header and first rows (for the mapping step), and how it is read."""

    header: list[str]
    sample: list[list[str]]
    delimiter: str  # '' for XLSX


@dataclass
class EventTableResult:
    written: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    rows: int = 0  # data rows read
    skipped: int = 0  # events already in the case (same id)
    preset: str = "generic"


def detect(header: list[str]) -> Mapping | None:
    """The preset whose key columns the header has, else the generic mapping if it finds a date and an actor."""
    present = set(header)
    for preset, keys in PRESET_KEYS.items():
        if all(k in present for k in keys):
            return Mapping({f: c for f, c in PRESETS[preset].items() if c in present}, preset)
    generic = generic_mapping(header)
    return generic if not generic.missing() else None


def generic_mapping(header: list[str]) -> Mapping:
    folded = {fold_header(h): h for h in reversed(header)}
    columns: dict[str, str] = {}
    used: set[str] = set()
    for fieldname, candidates in GENERIC_NAMES.items():
        for candidate in candidates:
            column = folded.get(candidate)
            if column and column not in used:
                columns[fieldname] = column
                used.add(column)
                break
    return Mapping(columns, "generic")


# --- reading ------------------------------------------------------------------------------------


def _delimiter(line: str) -> str:
    if "\t" in line:
        return "\t"
    return ";" if line.count(";") > line.count(",") else ","


def _is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _open_text(path: Path) -> Any:
    """The file as text: streamed as UTF-8 when it is, else decoded whole by the importers' reader."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        # a non-UTF-8 file fails within its first megabyte in practice; check it, then stream from the start
        handle.read(1 << 20)
        handle.seek(0)
        return handle
    except UnicodeDecodeError:
        handle.close()
    except OSError as error:
        raise ImportRefused(f"Cannot read {path.name}: {error.strerror or error}.") from None
    from workbench.core.importers import read_text

    return io.StringIO(read_text(path), newline="")


def _rows(path: Path) -> Iterator[tuple[int, list[str], float]]:
    """(line number, values, fraction of the file read) for the header and every row."""
    if _is_xlsx(path):
        try:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is one refusal
            raise ImportRefused(f"{path.name} cannot be read as an Excel workbook ({error}).") from None
        try:
            sheet = book.worksheets[0]
            total = max(1, sheet.max_row or 1)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell(v) for v in values], number / total
        finally:
            book.close()
        return
    handle = _open_text(path)
    with handle:
        first = handle.readline()
        handle.seek(0)
        size = max(1, path.stat().st_size)
        reader = csv.reader(handle, delimiter=_delimiter(first), strict=False)
        start = 1
        buffer = getattr(handle, "buffer", None)
        try:
            for values in reader:
                line, start = start, reader.line_num + 1
                fraction = buffer.tell() / size if buffer is not None and line % 2000 == 0 else 0.0
                yield line, values, fraction
        except csv.Error as error:
            raise ImportRefused(f"{path.name}: the row starting on line {start} cannot be read ({error}).") from None
        except UnicodeDecodeError:
            raise ImportRefused(f"{path.name}: line {start} or the next is not UTF-8 text.") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_head(path: Path, rows: int = 20) -> TableHead:
    """The header and the first `rows` rows, for recognising the format and the mapping step."""
    sample: list[list[str]] = []
    header: list[str] | None = None
    delimiter = ""
    for _line, values, _fraction in _rows(path):
        if header is None:
            header = [v.strip() for v in values]
            continue
        sample.append(values)
        if len(sample) >= rows:
            break
    if not header or not any(header):
        raise ImportRefused(f"{path.name} is empty; an event table needs a header row.")
    if not _is_xlsx(path):
        with _open_text(path) as handle:
            delimiter = _delimiter(handle.readline())
    return TableHead(header, sample, delimiter)


def recognise(path: Path) -> Mapping | None:
    """The mapping a known format's header gives, or None when the header is not an event table we know."""
    return detect(read_head(path, rows=0).header)


def is_event_table(path: Path) -> bool:
    """A .csv whose header is not one of our CSV templates (events, actors, relations, sources) is an event table."""
    from workbench.core.importers.csv_import import table_of

    try:
        header = read_head(path, rows=0).header
    except ImportRefused:
        return False  # the CSV importer says what is wrong with it
    return table_of([h.lower() for h in header]) is None


def preset_mapping(path: Path, preset: str) -> Mapping:
    """The mapping of a named preset ('acled', 'icews', 'gdelt', 'generic') on this file's header."""
    header = read_head(path, rows=0).header
    if preset == "generic":
        return generic_mapping(header)
    if preset not in PRESETS:
        raise ImportRefused(f"'{preset}' is not a preset; use one of acled, icews, gdelt, generic.")
    present = set(header)
    return Mapping({f: c for f, c in PRESETS[preset].items() if c in present}, preset)


# --- time ---------------------------------------------------------------------------------------


class TableTimes:
    """Date text (+ precision) -> (start, end, precision, note, earliest, latest), cached per value."""

    def __init__(self, zone_name: str) -> None:
        self.zone = case_zone(zone_name)
        self.cache: dict[tuple[str, str], tuple[str, str, str, str | None, str | None]] = {}

    def stamp(self, day: date, end: bool = False) -> str:
        naive = datetime(day.year, day.month, day.day, 23, 59, 59) if end else datetime(day.year, day.month, day.day)
        moment, _ambiguous = localize(naive, self.zone)
        return moment.astimezone(UTC).strftime(UTC_FORMAT)

    def __call__(self, text: str, precision: str) -> tuple[str, str, str, str | None, str | None]:
        """(start, time_precision, time_note, earliest, latest); ValueError names a form we cannot read."""
        key = (text, precision)
        found = self.cache.get(key)
        if found is not None:
            return found
        day, given = parse_date(text)
        if precision == "":
            precision = given
        if given != "day" and precision == "day":
            precision = given  # a bare month is a month whatever a precision column says
        if precision == "day":
            result = (self.stamp(day), "day", "", None, None)
        else:
            if precision == "week":
                low, high = day - timedelta(days=3), day + timedelta(days=3)
                note = f"the source gives the week around {day.isoformat()}"
            elif precision == "month":
                low = day.replace(day=1)
                high = day.replace(day=calendar.monthrange(day.year, day.month)[1])
                note = f"the source gives the month {day.strftime('%B %Y')}"
            else:  # year
                low, high = date(day.year, 1, 1), date(day.year, 12, 31)
                note = f"the source gives the year {day.year}"
            start = self.stamp(low)
            result = (start, "approximate", note, start, self.stamp(high, end=True))
        if len(self.cache) < 100_000:
            self.cache[key] = result
        return result


def parse_date(text: str) -> tuple[date, str]:
    """A date as event tables write it, and the precision the text itself gives (day, month or year).

    '2014-03-05', '2014-03-05T10:00', '20140305' (GDELT), '5 March 2014' and '05-March-2014' (ACLED),
    'March 5, 2014', '2014-03' or '201403' (a month), '2014' (a year). Anything else (slashed forms such as
    03/05/2014 are ambiguous) raises ValueError.
    """
    value = text.strip()
    if not value:
        raise ValueError("the date is empty")
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value), "day"
        if len(value) > 10 and value[4] == "-" and value[10] in "T ":
            return date.fromisoformat(value[:10]), "day"
        if value.isdigit():
            if len(value) == 8:
                return date(int(value[:4]), int(value[4:6]), int(value[6:])), "day"
            if len(value) == 6:
                return date(int(value[:4]), int(value[4:]), 1), "month"
            if len(value) == 4:
                return date(int(value), 1, 1), "year"
        if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
            return date(int(value[:4]), int(value[5:]), 1), "month"
        match = _DAY_MONTH_YEAR.match(value)
        if match and match.group(2).lower() in MONTHS:
            return date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1))), "day"
        match = _MONTH_DAY_YEAR.match(value)
        if match and match.group(1).lower() in MONTHS:
            return date(int(match.group(3)), MONTHS[match.group(1).lower()], int(match.group(2))), "day"
    except ValueError:
        pass
    raise ValueError(f"date '{value[:40]}' is not a date form we read (YYYY-MM-DD, YYYYMMDD, 5 March 2014, "
                     "YYYY-MM, YYYY)")


def _precision(text: str) -> str:
    value = text.strip().lower()
    if not value:
        return ""
    found = ACLED_PRECISION.get(value) or WORDS_PRECISION.get(value)
    if found is None:
        raise ValueError(f"time precision '{value[:20]}' is not 1, 2, 3, day, week, month or year")
    return found


# --- the import ---------------------------------------------------------------------------------


def kind_of(text: str) -> str:
    """An actor kind from a sector or type column ('Police,Government' -> security; ACLED inter 1 -> military)."""
    value = text.strip().lower()
    if not value:
        return "other"
    if value in ACLED_INTER:
        return ACLED_INTER[value]
    if value in KIND_WORDS:
        return KIND_WORDS[value]
    for part in re.split(r"[,;/]", value):
        for word in part.strip().split():
            if word in KIND_WORDS:
                return KIND_WORDS[word]
    return "other"


class _Actors:
    """Names -> actor ids through core.names: one actor per key, and the case's own actors by name or alias."""

    def __init__(self, case: Case, stamp: str) -> None:
        self.case = case
        self.stamp = stamp
        self.by_name: dict[str, str] = {}
        self.by_key: dict[str, str] = {}
        self.new: list[dict[str, Any]] = []
        self.country: dict[str, str] = {}  # a new actor -> the first country the table gives it
        self._index: names.NameIndex | None = None
        self.has_actors = case.conn.execute("SELECT 1 FROM actors LIMIT 1").fetchone() is not None

    def index(self) -> names.NameIndex:
        if self._index is None:
            from workbench.core.model import aliases_of

            self._index = names.NameIndex(
                (str(r["id"]), [r["name"], *aliases_of(r["aliases"])]) for r in self.case.rows("actors"))
        return self._index

    def __call__(self, name: str, kind: str, country: str = "") -> str:
        found = self.by_name.get(name)
        if found is not None:
            if country and found in self.country and not self.country[found]:
                self.country[found] = country
            return found
        key = names.key(name) or names.fold(name) or name
        found = self.by_key.get(key)
        if found is None and self.has_actors:
            match = self.index().find(name)
            found = match.record_id if match else None
        if found is None:
            found = stable_id("actor", key)
            self.new.append({"id": found, "name": name, "kind": kind, "aliases": "[]", "description": "",
                             "color": None, "created_at": self.stamp, "updated_at": self.stamp})
            self.country[found] = country
        elif country and found in self.country and not self.country[found]:
            self.country[found] = country
        self.by_key.setdefault(key, found)
        self.by_name[name] = found
        return found


def _number(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} '{text[:20]}' is not a number") from None
    if not low <= value <= high:
        raise ValueError(f"{what} {value:g} is out of range ({low:g} to {high:g})")
    return value


def quick_stable_id(*parts: str) -> str:
    """proposals.stable_id (a UUID 5) without building a UUID object: a third of its time, on every row."""
    digest = bytearray(hashlib.sha1(_NAMESPACE + "|".join(parts).encode("utf-8")).digest()[:16])  # noqa: S324
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_NAMED_COUNTRY = re.compile(r"\(([^()]{2,80})\)\s*$")


def country_in_name(name: str) -> str:
    """The country ICEWS writes after a sector actor's name ('Police (Russia)' -> 'Russia'), else ''."""
    found = _NAMED_COUNTRY.search(name)
    return " ".join(found.group(1).split()) if found else ""


def _title(event_type: str, one: str, two: str) -> str:
    what = event_type or "Event"
    title = f"{what}: {one} → {two}" if two else f"{what}: {one}"
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE - 1] + "…"


def import_event_table(case: Case, path: Path, mapping: Mapping | None = None, accept_all: bool = True,
                       progress: Progress = NO_PROGRESS) -> EventTableResult:
    """Read `path` with `mapping` (recognised from the header when None) and write it in one transaction.

    Refused rows are listed (line, reason); with `accept_all` False any refused row writes nothing
    (ImportRefused lists them), else the valid rows are written. Cancel rolls everything back.
    """
    path = Path(path)
    rows = _rows(path)
    try:
        _line, header, _fraction = next(rows)
    except StopIteration:
        raise ImportRefused(f"{path.name} is empty; an event table needs a header row.") from None
    header = [h.strip() for h in header]
    if mapping is None:
        mapping = detect(header)
        if mapping is None:
            raise ImportRefused(f"{path.name}: the header is not one of ACLED, ICEWS or GDELT and names no date and "
                                "actor column; map its columns in the app (File > Import…).")
    missing = mapping.missing()
    if missing:
        raise ImportRefused(f"{path.name}: no column is mapped to {', '.join(FIELDS[m] for m in missing)}.")
    where = {h: i for i, h in reversed(list(enumerate(header)))}
    absent = [c for c in mapping.columns.values() if c and c not in where]
    if absent:
        raise ImportRefused(f"{path.name}: the header has no column '{absent[0][:40]}'.")
    col = {f: where[c] for f, c in mapping.columns.items() if c}
    result = EventTableResult(preset=mapping.preset)
    stamp = now_stamp()
    times = TableTimes(case.meta("timezone"))
    actors = _Actors(case, stamp)
    existing_events = {i for (i,) in case.conn.execute("SELECT id FROM events")}
    existing_relations = {i for (i,) in case.conn.execute("SELECT id FROM relations")}
    existing_places = {i for (i,) in case.conn.execute("SELECT id FROM places")}
    existing_sources = {i for (i,) in case.conn.execute("SELECT id FROM sources")}
    relations: dict[tuple[str, str, str], dict[str, Any]] = {}
    places: dict[tuple[str, str, str], str] = {}
    sources: dict[str, str] = {}  # as written -> source id
    sources_made: set[str] = set()  # 'Reuters' and 'reuters' are one source
    seen_ids: dict[str, int] = {}  # the data's own event ids -> the line that had it first
    events: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    place_links: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    extra = [f for f in ("sub_event_type", "notes", "fatalities", "intensity") if f in col]
    width = len(header)
    counts = {"events": 0, "event_actors": 0, "event_places": 0, "citations": 0}
    # ICEWS releases cut down to names (as the ICEWS14 benchmark year is) still say a sector actor's country
    # in its name: 'Citizen (United Kingdom)'.
    named_country = mapping.preset == "icews" and "actor1_country" not in col

    def country(values: list[str], fieldname: str, name: str) -> str:
        found = " ".join(get(values, fieldname).split())
        return found or (country_in_name(name) if named_country else "")

    def get(values: list[str], fieldname: str) -> str:
        i = col.get(fieldname)
        return values[i].strip() if i is not None and i < len(values) else ""

    def flush() -> None:
        progress.check()
        for table, batch in (("actors", actors.new), ("places", list(places_new)), ("sources", list(sources_new)),
                             ("events", events), ("event_actors", links), ("event_places", place_links),
                             ("citations", citations)):
            if batch:
                written = case.bulk_insert(table, batch)
                counts[table] = counts.get(table, 0) + written
        actors.new.clear()
        places_new.clear()
        sources_new.clear()
        for batch in (events, links, place_links, citations):
            batch.clear()

    places_new: list[dict[str, Any]] = []
    sources_new: list[dict[str, Any]] = []
    with case.transaction():
        progress(0.0)
        for line, values, fraction in rows:
            if fraction:
                progress(fraction)
            if not values or not any(v.strip() for v in values):
                continue
            result.rows += 1
            try:
                if len(values) < width and len(values) <= max(col.values()):
                    raise ValueError(f"{len(values)} fields where the header has {width}")
                one = " ".join(get(values, "actor1").split())
                two = " ".join(get(values, "actor2").split())
                if not one:
                    raise ValueError(f"actor 1 ({mapping.columns['actor1'][:30]}) is empty")
                start, precision, note, earliest, latest = times(get(values, "date"),
                                                                 _precision(get(values, "precision")))
                lat_text, lon_text = get(values, "latitude"), get(values, "longitude")
                lat = lon = None
                if lat_text or lon_text:
                    if not (lat_text and lon_text):
                        raise ValueError("a latitude without a longitude, or the other way round")
                    lat = _number(lat_text, -90, 90, "latitude")
                    lon = _number(lon_text, -180, 180, "longitude")
                for numeric in ("fatalities", "intensity"):
                    text = get(values, numeric)
                    if text:
                        _number(text, -1e9, 1e9, numeric)
            except ValueError as error:
                result.rejected.append((line, str(error)))
                continue
            event_type = " ".join(get(values, "event_type").split())
            own_id = get(values, "id")
            event_id = quick_stable_id("event-table", mapping.preset, own_id) if own_id else quick_stable_id(
                "event-table", path.name, str(line))
            if own_id:  # ids made from the line cannot repeat, so only the data's own ids are kept to compare
                if event_id in seen_ids:
                    result.rejected.append((line, f"the same event id as line {seen_ids[event_id]} ({own_id[:40]})"))
                    continue
                seen_ids[event_id] = line
            if event_id in existing_events:
                result.skipped += 1
                continue
            first = actors(one, kind_of(get(values, "actor1_kind")), country(values, "actor1_country", one))
            second = actors(two, kind_of(get(values, "actor2_kind")),
                            country(values, "actor2_country", two)) if two else None
            summary = "\n".join(f"{FIELDS[f].split(' /')[0].split(' (')[0]}: {get(values, f)}"
                                for f in extra if get(values, f))
            events.append({"id": event_id, "title": _title(event_type, one, two), "summary": summary,
                           "kind": event_type, "start": start, "end": None, "time_precision": precision,
                           "time_note": note, "earliest": earliest, "latest": latest, "confidence": "reported",
                           "created_at": stamp, "updated_at": stamp})
            links.append({"event_id": event_id, "actor_id": first, "role": "actor 1"})
            if second is not None and second != first:
                links.append({"event_id": event_id, "actor_id": second, "role": "actor 2"})
                kind = event_type or "interacts with"
                tie = relations.get((first, kind, second))
                if tie is None:
                    relations[(first, kind, second)] = {
                        "id": quick_stable_id("event-relation", first, kind, second), "from_actor_id": first,
                        "to_actor_id": second, "kind": kind[:200], "count": 1, "start": start, "end": start}
                else:
                    tie["count"] += 1
                    tie["start"] = min(tie["start"], start)
                    tie["end"] = max(tie["end"], start)
            place_name = " ".join(get(values, "place").split())
            if lat is not None or place_name:
                place_key = (place_name.casefold(), f"{lat}", f"{lon}")
                place_id = places.get(place_key)
                if place_id is None:
                    place_id = places[place_key] = stable_id("event-place", *place_key)
                    if place_id not in existing_places:
                        places_new.append({"id": place_id, "name": place_name or f"{lat:.4f}, {lon:.4f}",
                                           "lat": lat, "lon": lon, "country": "", "created_at": stamp,
                                           "updated_at": stamp})
                place_links.append({"event_id": event_id, "place_id": place_id})
            source = get(values, "source")
            if source:
                is_url = source.startswith(("http://", "https://"))
                source_id = sources.get(source)
                if source_id is None:
                    source_id = sources[source] = stable_id(
                        "source", ("url:" if is_url else "publisher:") + source.casefold())
                    if source_id not in existing_sources and source_id not in sources_made:
                        sources_made.add(source_id)
                        sources_new.append({"id": source_id, "url": source if is_url else "",
                                            "title": "" if is_url else source[:MAX_TITLE],
                                            "publisher": "" if is_url else source, "created_at": stamp,
                                            "updated_at": stamp})
                citations.append({"id": quick_stable_id("event-citation", event_id, source_id), "source_id": source_id,
                                  "event_id": event_id, "created_at": stamp, "updated_at": stamp})
            if len(events) >= CHUNK:
                flush()
        flush()
        if result.rejected and not accept_all:
            from workbench.core.importers.csv_import import describe_rejected

            raise ImportRefused(
                f"{path.name}: {len(result.rejected)} rows refused ({describe_rejected(result.rejected)}); nothing "
                f"was imported; fix them, or import the {result.rows - len(result.rejected)} valid rows.")
        progress.check()
        new_relations = []
        for tie in relations.values():
            if tie["id"] in existing_relations:
                continue
            count = tie.pop("count")
            new_relations.append({**tie, "label": f"{count} event" + ("" if count == 1 else "s"), "directed": 1,
                                  "confidence": "reported", "created_at": stamp, "updated_at": stamp})
        if new_relations:
            counts["relations"] = case.bulk_insert("relations", new_relations)
        # The actors this import made get their country as an attribute (lanes can be grouped by it);
        # the case's own actors keep theirs as the analyst set them.
        countries = [{"id": quick_stable_id("event-table-country", actor_id), "actor_id": actor_id, "key": "country",
                      "type": "text", "value": country[:1000], "created_at": stamp, "updated_at": stamp}
                     for actor_id, country in actors.country.items() if country]
        if countries:
            counts["actor_attributes"] = case.bulk_insert("actor_attributes", countries)
        progress(1.0)
    result.written = {k: v for k, v in counts.items()
                      if v and k not in ("event_actors", "event_places", "citations", "actor_attributes")}
    if counts.get("citations"):
        result.written["citations"] = counts["citations"]
    return result


def relation_count(label: str) -> int:
    """The number of events an imported tie stands for, read back from its label ('12 events' -> 12; else 1)."""
    from workbench.core.graph.model import relation_count as count

    return count(label)


def describe(result: EventTableResult) -> str:
    from workbench.core.importers.proposals import describe_counts

    return describe_counts(result.written)

