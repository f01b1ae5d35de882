"""CSV import: one table per file (events, actors, relations or sources), told apart by its header.

Columns (a header row is required; unknown columns are refused, missing optional ones take defaults):

  events     title*, start*, end, time_precision, time_note, earliest, latest, confidence, kind, summary,
             actors (names separated by ';'), id
  actors     name*, kind, aliases (separated by ';'), description, color, id
  relations  from*, to* (actor names, aliases or ids), kind*, label, directed (1/0), start, end, confidence, id
  sources    url or title*, title, publisher, language, published, accessed, reliability (A-F), id

Times are 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM' (the case's time zone) or carry their own offset / 'Z'.
Every row is checked first; rejected rows are listed with their line number and reason, and the
caller chooses: write all valid rows, or nothing. Rows are written with Case.bulk_insert.

Files come as spreadsheets write them: the encoding is detected (`importers.encoding`: UTF-8 with or
without a byte-order mark, UTF-16, Windows-1252 or Windows-1251) and the separator (',', ';' or tab)
is the one that splits the header into known column names; both are named in `CsvPlan.reading`.

The CSV zip of `core.exporters.csv_zip` (one file per table, every column) is read back whole by
`import_csv_zip`, as the canonical JSON is: into an empty case it is the same case again.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.core.canonical import HEADER_KEY, data_tables
from workbench.core.cells import FORMULA_STARTS, is_number
from workbench.core.confidence import CONFIDENCE_LEVELS, TIME_PRECISIONS
from workbench.core.importers.encoding import Decoded, decode
from workbench.core.importers.names import ActorIndex, fold
from workbench.core.importers.proposals import ImportRefused, clean_url, stable_id
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.rules import problems
from workbench.core.store import Case, CaseError, cipher, schema_version
from workbench.core.times import UTC_FORMAT, NonexistentTime, ambiguity_note, case_zone, localize, now_stamp

COLUMNS = {
    "events": ("title", "start", "end", "time_precision", "time_note", "earliest", "latest", "confidence", "kind",
               "summary", "actors", "id"),
    "actors": ("name", "kind", "aliases", "description", "color", "id"),
    "relations": ("from", "to", "kind", "label", "directed", "start", "end", "confidence", "id"),
    "sources": ("url", "title", "publisher", "language", "published", "accessed", "reliability", "id"),
}
TEMPLATE_ROWS = {
    "events": ["OMON enter the state TV building", "2020-08-15T18:30", "", "approximate", "shortly after 18:00",
               "2020-08-15T18:30", "2020-08-15T20:00", "reported", "security operation", "", "OMON", ""],
    "actors": ["OMON", "security", "Special Purpose Police Unit;ОМОН", "Belarusian riot police", "", ""],
    "relations": ["OMON", "Belarusian National TV and Radio Company", "entered building of", "", "1",
                  "2020-08-15", "", "reported", ""],
    "sources": ["https://news.tut.by/society/696819.html", "", "TUT.BY", "ru", "2020-08-15", "", "C", ""],
}
MAX_REASONS = 20
SEPARATORS = {",": "','", ";": "';'", "\t": "tab"}
MAX_CSV_BYTES = 2 * 1024**3  # a larger file (or zip member) is refused rather than read into memory
MAX_FIELD_CHARS = 1_000_000  # a longer field rejects its row
CSV_FIELD_LIMIT = 64 * 2**20  # csv's own limit (128 KiB by default) would refuse the whole file


@dataclass
class CsvPlan:
    name: str
    table: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    new_actors: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    skipped: int = 0  # rows already in the case (same id)
    reading: str = ""  # how the file was read: 'Windows-1252 (Western European), guessed; separated by ';''


def template(table: str) -> str:
    """A CSV template for one table: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[table])
    writer.writerow(TEMPLATE_ROWS[table])
    return out.getvalue()


def write_templates(folder: Path) -> list[Path]:
    """One template per table, UTF-8 with a byte-order mark: without one, Excel reads the example's
    ОМОН as Windows-1252 ('ÐžÐœÐ')."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in COLUMNS:
        path = folder / f"{table}-template.csv"
        path.write_text(template(table), encoding="utf-8-sig")
        written.append(path)
    return written


def table_of(header: list[str]) -> str | None:
    names = set(header)
    if {"from", "to"} <= names:
        return "relations"
    if {"title", "start"} <= names:
        return "events"
    if "name" in names:
        return "actors"
    if "url" in names or ("title" in names and "start" not in names):
        return "sources"
    return None


class TimeReader:
    """'2020-08-15', '2020-08-15T18:00' (case zone) or with an offset -> stored UTC text, cached per value."""

    def __init__(self, zone_name: str) -> None:
        self.zone = case_zone(zone_name)
        self.cache: dict[str, str] = {}
        # Local times the zone repeats (the hour the clocks go back), with the note saying which was taken.
        self.ambiguous: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        found = self.cache.get(text)
        if found is not None:
            return found
        value = text.strip()
        if value.endswith("Z"):
            value = value[:-1] + "+00:00"
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            naive = moment
            moment, ambiguous = localize(naive, self.zone)  # NonexistentTime rejects the row with its line
            if ambiguous:
                self.ambiguous[text] = ambiguity_note(naive, self.zone)
        if not 1900 <= moment.year <= 2100:
            raise ValueError(f"{moment.year} is outside 1900-2100")
        stamp = moment.astimezone(UTC).strftime(UTC_FORMAT)
        if len(self.cache) < 200_000:
            self.cache[text] = stamp
        return stamp


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise ImportRefused(f"{path.name} is larger than {MAX_CSV_BYTES // 2**30} GB; split it first.")
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(f"{path.name} does not exist.") from None
    except OSError as error:
        raise ImportRefused(f"Cannot read {path.name}: {error.strerror or error}.") from None


def separator(text: str, known: set[str]) -> str:
    """The separator of a CSV text: of ',', ';' and tab, the one that splits the first line into the
    most known column names (Excel writes ';' where the decimal point is a comma); ',' when none does."""
    first = text.split("\n", 1)[0]
    scores = {sep: sum(1 for cell in first.split(sep) if cell.strip().strip('"').strip().lower() in known)
              for sep in SEPARATORS}
    best = max(scores, key=lambda sep: (scores[sep], sep == ","))
    return best if scores[best] else ","


def describe_reading(decoded: Decoded, sep: str) -> str:
    """'UTF-8, separated by ','' or 'Windows-1251 (Cyrillic), guessed from the text, separated by ';''."""
    guessed = ", guessed from the text" if decoded.guessed else ""
    return f"{decoded.name}{guessed}, separated by {SEPARATORS[sep]}"


def read_csv(case: Case, path: Path, progress: Progress = NO_PROGRESS) -> CsvPlan:
    """Check every row of a CSV file against `case`; nothing is written."""
    decoded = decode(read_bytes(path))
    sep = separator(decoded.text, {name for columns in COLUMNS.values() for name in columns})
    handle = io.StringIO(decoded.text, newline="")
    limit = csv.field_size_limit(CSV_FIELD_LIMIT)  # a field over MAX_FIELD_CHARS rejects its row, not the file
    try:
        plan = _read_rows(case, path, handle, progress, sep)
    finally:
        csv.field_size_limit(limit)
    plan.reading = describe_reading(decoded, sep)
    return plan


def _read_rows(case: Case, path: Path, handle: io.StringIO, progress: Progress, sep: str = ",") -> CsvPlan:
    # strict: a quote left open or a stray quote after a closing one is an error, never rows merged into one field
    reader = csv.reader(handle, strict=True, delimiter=sep)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRefused(f"{path.name} is empty; a CSV import needs a header row.") from None
    except (csv.Error, UnicodeDecodeError) as error:
        raise ImportRefused(f"{path.name} is not readable CSV text ({error}).") from None
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        raise ImportRefused(f"{path.name}: the header names the column '{doubled[0][:40]}' twice.")
    table = table_of(header)
    if table is None:
        raise ImportRefused(f"{path.name}: the header names no known table (events need title and start, "
                            "actors name, relations from/to/kind, sources url or title).")
    unknown = [h for h in header if h not in COLUMNS[table]]
    if unknown:
        raise ImportRefused(f"{path.name}: column '{unknown[0]}' is not a column of {table} "
                            f"({', '.join(COLUMNS[table])}).")
    plan = CsvPlan(path.name, table)
    reader_of = {"events": _event_row, "actors": _actor_row, "relations": _relation_row,
                 "sources": _source_row}[table]
    context = _Context(case)
    existing = {row_id for (row_id,) in case.conn.execute(f"SELECT id FROM {table}")}
    seen: dict[str, int] = {}  # id -> line of the file's row
    width = len(header)
    size = max(1, len(handle.getvalue()))
    start = reader.line_num + 1  # the line a row starts on (a quoted field may run over several)
    try:
        for number, values in enumerate(reader, start=2):
            line, start = start, reader.line_num + 1
            if number % 5000 == 0:
                progress(handle.tell(), size)  # characters read so far
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) != width:
                plan.rejected.append((line, f"{len(values)} fields where the header has {width}"))
                continue
            row = dict(zip(header, values, strict=True))
            try:
                longest = max(row, key=lambda column: len(row[column]))
                if len(row[longest]) > MAX_FIELD_CHARS:
                    raise ValueError(f"{longest} is {len(row[longest]):,} characters (at most {MAX_FIELD_CHARS:,})")
                if any("\0" in value for value in values):
                    raise ValueError("a field holds a NUL character")
                linked = len(context.links)
                record = reader_of(row, context, plan)
                found = problems(table, record)  # the rules every write path obeys (core.rules)
                if found:
                    del context.links[linked:]
                    raise ValueError("; ".join(f"{field}: {why}" for field, why in found.items()))
            except ValueError as error:
                plan.rejected.append((line, str(error)))
                continue
            if record["id"] in seen:  # two rows of the file are one record: say so, never keep one silently
                plan.rejected.append((line, f"the same record as line {seen[record['id']]} (id {record['id']})"))
                del context.links[linked:]
                continue
            seen[record["id"]] = line
            if record["id"] in existing:
                plan.skipped += 1
                continue
            plan.rows.append(record)
    except csv.Error as error:
        raise ImportRefused(f"{path.name}: the row starting on line {start} cannot be read as CSV ({error}); "
                            "nothing was imported.") from None
    plan.new_actors = list(context.new_actors.values())
    plan.links = context.links
    return plan


class _Context:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.times = TimeReader(case.meta("timezone"))
        self.stamp = now_stamp()
        self._index: ActorIndex | None = None
        self.actor_ids = {row_id for (row_id,) in case.conn.execute("SELECT id FROM actors")}
        self.new_actors: dict[str, dict[str, Any]] = {}
        self.links: list[dict[str, Any]] = []
        self.resolved: dict[str, str] = {}

    @property
    def index(self) -> ActorIndex:
        if self._index is None:
            self._index = ActorIndex(self.case.rows("actors"))
        return self._index

    def actor(self, name: str, create: bool) -> str | None:
        name = name.strip()
        if name in self.resolved:
            return self.resolved[name]
        if name in self.actor_ids:
            found: str | None = name
        else:
            row = self.index.find(name)
            found = str(row["id"]) if row else None
            if found is None:
                key = fold(name)
                if key in self.new_actors:
                    found = self.new_actors[key]["id"]
                elif create and key:
                    found = stable_id("actor", key)
                    if found not in self.actor_ids:
                        self.new_actors[key] = {"id": found, "name": name, "kind": "other", "aliases": "[]",
                                                "description": "", "color": None, "created_at": self.stamp,
                                                "updated_at": self.stamp}
        if found is not None:
            self.resolved[name] = found
        return found


def _time(context: _Context, row: dict[str, str], column: str, required: bool = False) -> str | None:
    text = row.get(column, "").strip()
    if not text:
        if required:
            raise ValueError(f"{column} is empty")
        return None
    try:
        return context.times(text)
    except NonexistentTime as error:
        raise ValueError(f"{column} {error}") from None
    except ValueError:
        raise ValueError(f"{column} '{text[:40]}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None


def _with_ambiguity(row: dict[str, str], context: _Context) -> str:
    """The row's time note, with a word on any of its times that the case's zone repeats."""
    notes = [context.times.ambiguous[row[c].strip()] for c in ("start", "end", "earliest", "latest")
             if row.get(c, "").strip() in context.times.ambiguous]
    return "; ".join(filter(None, [row.get("time_note", "").strip(), *dict.fromkeys(notes)]))


def _choice(row: dict[str, str], column: str, allowed: object, default: str) -> str:
    value = row.get(column, "").strip().lower() or default
    if value not in allowed:  # type: ignore[operator]
        raise ValueError(f"{column} '{value[:30]}' is not one of {', '.join(allowed)}")  # type: ignore[arg-type]
    return value


def _event_row(row: dict[str, str], context: _Context, plan: CsvPlan) -> dict[str, Any]:
    title = " ".join(row.get("title", "").split())
    start = _time(context, row, "start", required=True)
    end, earliest, latest = _time(context, row, "end"), _time(context, row, "earliest"), _time(context, row, "latest")
    event_id = row.get("id", "").strip() or stable_id("csv-event", title, start)
    record = {
        "id": event_id, "title": title, "summary": row.get("summary", ""), "kind": row.get("kind", "").strip(),
        "start": start, "end": end, "time_precision": _choice(row, "time_precision", TIME_PRECISIONS, "day"),
        "time_note": _with_ambiguity(row, context), "earliest": earliest, "latest": latest,
        "confidence": _choice(row, "confidence", CONFIDENCE_LEVELS, "reported"),
        "created_at": context.stamp, "updated_at": context.stamp,
    }
    for name in filter(None, (n.strip() for n in row.get("actors", "").split(";"))):
        actor_id = context.actor(name, create=True)
        if actor_id:
            context.links.append({"event_id": event_id, "actor_id": actor_id, "role": ""})
    return record


def _actor_row(row: dict[str, str], context: _Context, plan: CsvPlan) -> dict[str, Any]:
    name = " ".join(row.get("name", "").split())
    aliases = [a.strip() for a in row.get("aliases", "").split(";") if a.strip()]
    return {"id": row.get("id", "").strip() or stable_id("actor", fold(name)), "name": name,
            "kind": row.get("kind", "").strip().lower() or "other",
            "aliases": json.dumps(aliases, ensure_ascii=False), "description": row.get("description", ""),
            "color": row.get("color", "").strip() or None, "created_at": context.stamp, "updated_at": context.stamp}


def _relation_row(row: dict[str, str], context: _Context, plan: CsvPlan) -> dict[str, Any]:
    ends = []
    for column in ("from", "to"):
        name = row.get(column, "").strip()
        if not name:
            raise ValueError(f"{column} is empty")
        actor_id = context.actor(name, create=True)
        if actor_id is None:
            raise ValueError(f"{column} '{name[:40]}' is not an actor")
        ends.append(actor_id)
    kind = row.get("kind", "").strip()
    start, end = _time(context, row, "start"), _time(context, row, "end")
    directed = row.get("directed", "1").strip().lower() or "1"
    if directed not in ("1", "0", "true", "false", "yes", "no"):
        raise ValueError(f"directed '{directed}' is not 1 or 0")
    return {"id": row.get("id", "").strip() or stable_id("csv-relation", ends[0], kind, ends[1]),
            "from_actor_id": ends[0], "to_actor_id": ends[1], "kind": kind, "label": row.get("label", ""),
            "directed": int(directed in ("1", "true", "yes")), "start": start, "end": end,
            "confidence": _choice(row, "confidence", CONFIDENCE_LEVELS, "reported"),
            "created_at": context.stamp, "updated_at": context.stamp}


def _source_row(row: dict[str, str], context: _Context, plan: CsvPlan) -> dict[str, Any]:
    url = clean_url(row.get("url", "")) if row.get("url", "").strip() else ""
    title = " ".join(row.get("title", "").split())
    reliability = row.get("reliability", "").strip().upper() or "F"
    from workbench.core.importers.proposals import url_key

    return {"id": row.get("id", "").strip() or stable_id("source", url_key(url) if url else f"title:{fold(title)}"),
            "url": url, "title": title, "publisher": row.get("publisher", ""), "language": row.get("language", ""),
            "published": _time(context, row, "published"), "accessed": _time(context, row, "accessed"),
            "reliability": reliability, "archived_text": "", "created_at": context.stamp,
            "updated_at": context.stamp}


def write_csv(case: Case, plan: CsvPlan, progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """Write the valid rows of a checked CSV in one transaction.

    Bulk inserts, except while an undoable action records (the app's import): the undo journal
    notes one-record writes only, so then every row goes through the per-record gateway.
    """
    written: dict[str, int] = {}
    kept = {row["id"] for row in plan.rows}
    links = list({(link["event_id"], link["actor_id"]): link for link in plan.links
                  if link["event_id"] in kept}.values())
    with case.transaction():
        if case.is_recording:
            total, done = len(plan.new_actors) + len(plan.rows) + len(links), 0
            for table, rows in (("actors", plan.new_actors), (plan.table, plan.rows)):
                for row in rows:
                    if done % 500 == 0:
                        progress(done, total)
                    case.insert(table, row)
                    done += 1
                if rows:
                    written[table] = written.get(table, 0) + len(rows)
            for link in links:
                if done % 500 == 0:
                    progress(done, total)
                case.link("event_actors", link)
                done += 1
        else:
            if plan.new_actors:
                written["actors"] = case.bulk_insert("actors", plan.new_actors)
            progress.check()
            if plan.rows:
                written[plan.table] = written.get(plan.table, 0) + case.bulk_insert(plan.table, plan.rows)
            progress.check()
            if links:
                case.bulk_insert("event_actors", links)
        progress(1.0)
    return written


def describe_rejected(rejected: list[tuple[int, str]], unit: str = "line") -> str:
    """'line 3: title is empty; ...' (a CSV's lines; a STIX bundle's rejections are numbered by `unit` 'object')."""
    shown = "; ".join(f"{unit} {line}: {reason}" for line, reason in rejected[:MAX_REASONS])
    more = f"; and {len(rejected) - MAX_REASONS} more" if len(rejected) > MAX_REASONS else ""
    return shown + more


def _cell_value(text: str, kind: str, nullable: bool) -> Any:
    """One cell of the CSV zip as the column holds it (the reverse of csv_zip's `_cell`)."""
    if text == "":
        return None if nullable else ""
    if kind == "BLOB":
        return {"base64": text}  # decoded by the canonical import
    try:
        if kind == "INTEGER":
            return int(text)
        if kind == "REAL":
            return float(text)
    except ValueError:
        pass  # kept as text: the case's own checks refuse it with the column's name
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) and not is_number(text[1:]):
        return text[1:]  # the apostrophe the export put before text a spreadsheet would run as a formula
    return text


def read_csv_zip(case: Case, path: Path) -> tuple[dict[str, Any], list[str]]:
    """The CSV zip as a canonical document (one key per table) and how each file was read."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise ImportRefused(f"{path.name} does not exist.") from None
    except (OSError, zipfile.BadZipFile) as error:
        raise ImportRefused(f"{path.name} is not a readable zip ({error}).") from None
    document: dict[str, Any] = {HEADER_KEY: {"schema_version": schema_version()}}
    readings = []
    limit = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        with archive:
            members = {info.filename: info for info in archive.infolist()}
            known = [name for name in members if name.endswith(".csv")]
            tables = data_tables(case.conn)
            strange = sorted(set(known) - {f"{table}.csv" for table in tables})
            if strange:
                raise ImportRefused(f"{path.name}: {strange[0]} is not a table of a Case Workbench case; "
                                    "a CSV zip holds the files of a CSV export.")
            if not known:
                raise ImportRefused(f"{path.name} holds no CSV file of a case table.")
            for table in tables:
                info = members.get(f"{table}.csv")
                if info is None:
                    continue
                if info.file_size > MAX_CSV_BYTES:
                    raise ImportRefused(f"{path.name}: {info.filename} is too large to import.")
                decoded = decode(archive.read(info))
                schema = {row[1]: (str(row[2] or "").upper(), not row[3] and not row[5])
                          for row in case.conn.execute(f'PRAGMA table_info("{table}")')}
                sep = separator(decoded.text, set(schema))
                readings.append(f"{info.filename}: {describe_reading(decoded, sep)}")
                reader = csv.reader(io.StringIO(decoded.text, newline=""), strict=True, delimiter=sep)
                header = next(reader, None)
                if header is None:
                    continue
                unknown = [name for name in header if name not in schema]
                if unknown:
                    raise ImportRefused(f"{path.name}: {info.filename} has a column '{unknown[0][:40]}' that "
                                        f"{table} does not have.")
                rows = []
                for values in reader:
                    if not values:
                        continue
                    if len(values) != len(header):
                        raise ImportRefused(f"{path.name}: {info.filename} line {reader.line_num} has "
                                            f"{len(values)} fields where the header has {len(header)}.")
                    rows.append({name: _cell_value(value, *schema[name])
                                 for name, value in zip(header, values, strict=True)})
                document[table] = rows
    except csv.Error as error:
        raise ImportRefused(f"{path.name}: a CSV file in it cannot be read ({error}); nothing was imported.") from None
    except (zipfile.BadZipFile, OSError, EOFError, *cipher.Error) as error:
        raise ImportRefused(f"{path.name} cannot be read ({error}); nothing was imported.") from None
    finally:
        csv.field_size_limit(limit)
    return document, readings


def import_csv_zip(path: Path, into: Case, progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """A CSV zip of our own export into `into`, as the canonical import takes our JSON: restored whole
    into an empty case, only the records it lacks into another; returns records added per table."""
    from workbench.core.importers.canonical import import_document

    document, _readings = read_csv_zip(into, Path(path))
    try:
        return import_document(document, Path(path).name, into, progress)
    except ImportRefused:
        raise
    except CaseError as error:
        raise ImportRefused(str(error)) from None
