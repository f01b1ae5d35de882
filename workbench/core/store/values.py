"""Values inside a received case that the app cannot read (written by another program, past core.rules): found
on open and by Check Case, each named in one sentence, and the neutral value that replaces each.

What is looked for: text that is not valid UTF-8 (or is stored as bytes), a number where text or a time
belongs, times that are not real (30 February, 24:00) or fall outside the years the app draws, JSON (an
actor's aliases, a view's state) nested too deeply, too big or of the wrong shape, and an unknown time zone.
Most of the search runs inside SQLite (types, dates through its own date functions); Python decodes
each row's text once and looks closer only at the rows SQLite flags, so a large case is scanned in about
the time SQLite takes to read it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.core.rules import FIRST_YEAR, LAST_YEAR, WHOLE_TEXTS, json_problem, problems, time_problem
from workbench.core.store.tables import KEYED_TABLES, LINK_TABLES, RECORD_TABLES, _quote
from workbench.core.times import now_stamp, valid_zone

# What a value the app cannot read is shown as, and what Check Case writes in its place (the old value
# stays in the audit row of the repair, with undecodable bytes written as \xNN escapes).
UNREADABLE = "(unreadable)"
# JSON kept in a record larger than this is not read (a view's state or an actor's aliases is small).
MAX_JSON_BYTES = 1_000_000

# Exact UTC times (an event's or relation's), loose dates (a source's), and bookkeeping stamps.
TIMES = {("events", "start"), ("events", "end"), ("events", "earliest"), ("events", "latest"),
         ("relations", "start"), ("relations", "end")}
DATES = {("sources", "published"), ("sources", "accessed"), ("documents", "published")}
STAMPS = ("created_at", "updated_at")
JSON_COLUMNS: dict[tuple[str, str], type] = {("actors", "aliases"): list, ("views", "state"): dict}
SCANNED = (*RECORD_TABLES, *LINK_TABLES, *KEYED_TABLES)
NOUNS = {"events": "event", "actors": "actor", "relations": "relation", "sources": "source", "citations": "citation",
         "places": "place", "notes": "note", "views": "view", "documents": "document", "tags": "tag",
         "questions": "question", "hypotheses": "hypothesis", "evidence_rows": "evidence row", "ratings": "rating",
         "event_actors": "link of an event to an actor", "event_places": "link of an event to a place",
         "footnotes": "footnote entry", "actor_layout": "chart position", "meta": "case property"}
LABELS = ("title", "name", "tag", "kind", "url")


@dataclass(frozen=True)
class BadValue:
    """One value the app cannot read: where it is, why, and what replaces it (`fix`; `fixable` False: nothing can)."""

    table: str
    key: tuple[tuple[str, Any], ...]  # (column, value) pairs naming the row: its id, a join table's key, a meta key
    column: str
    why: str
    fix: Any = None
    fixable: bool = True
    label: str = ""  # the record's title or name, when readable

    @property
    def record(self) -> str:
        return ", ".join(f"{column} {value}" for column, value in self.key)

    def describe(self) -> str:
        """One sentence naming the table, the record and the field."""
        noun = NOUNS.get(self.table, f"row of {self.table}")
        name = f" “{self.label}”" if self.label else ""
        return f"The {noun}{name} ({self.table}: {self.record}), field {self.column}: it {self.why}."


def shown(raw: bytes) -> str:
    """Bytes as text for a sentence or the audit: undecodable bytes as \\xNN escapes (nothing lost)."""
    return raw.decode("utf-8", "backslashreplace")


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, not null) of each column."""
    rows = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    return [(_text(row[1]), _text(row[2]).upper(), bool(row[3])) for row in rows]


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _kind(table: str, column: str, declared: str) -> str:
    if (table, column) in TIMES:
        return "time"
    if (table, column) in DATES:
        return "date"
    if column in STAMPS:
        return "stamp"
    if (table, column) in JSON_COLUMNS:
        return "json"
    if declared in ("INTEGER", "REAL"):
        return "number"
    if declared == "BLOB":
        return "blob"
    return "text"


def _time_ok_sql(column: str, kind: str) -> str:
    """An SQL test, true for a readable value of a time column: SQLite's date functions, through a Julian day
    number, normalise an impossible date (30 February becomes 1 March, 24:00 the next day), so a value equal
    to its normal form is a real time; the years are those the app draws. Rows it fails are looked at in
    Python, which has the last word (core.rules)."""
    q = _quote(column)
    year = f"substr({q}, 1, 4) BETWEEN '{FIRST_YEAR:04d}' AND '{LAST_YEAR:04d}'"
    # cheap tests first: only a day past the 28th or a 24th hour needs SQLite's calendar
    day = (f"substr({q}, 6, 2) BETWEEN '01' AND '12' AND (substr({q}, 9, 2) BETWEEN '01' AND '28' OR "
           f"date(julianday(substr({q}, 1, 10))) IS substr({q}, 1, 10))")
    clock = f"substr({q}, 12, 2) <= '23'"
    if kind == "time":
        return (f"({q} IS NULL OR (typeof({q}) = 'text' AND length({q}) = 20 AND {year} AND {day} AND {clock} AND "
                f"{q} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'))")
    if kind == "stamp":
        return (f"(typeof({q}) = 'text' AND length({q}) IN (20, 27) AND {year} AND {day} AND {clock} AND "
                f"{q} GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]*Z')")
    # a loose date: a year, or a real date
    return (f"({q} IS NULL OR {q} = '' OR (typeof({q}) = 'text' AND {year} AND (length({q}) = 4 OR "
            f"date(julianday(substr({q}, 1, 10))) IS substr({q}, 1, 10))))")


def _key_columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    if table in RECORD_TABLES:
        return ("id",)
    if table in LINK_TABLES:
        return LINK_TABLES[table]
    return (KEYED_TABLES[table],)


def find_bad_values(conn: sqlite3.Connection, limit: int | None = None) -> list[BadValue]:
    """Every value of the case the app cannot read (at most `limit`), in table order; [] for a sound case."""
    found: list[BadValue] = []
    factory = conn.text_factory
    conn.text_factory = bytes  # read as stored: a bad value must not stop the scan
    try:
        for bad in _scan(conn):
            found.append(bad)
            if limit is not None and len(found) >= limit:
                break
    finally:
        conn.text_factory = factory
    return found


# Rows whose text is decoded together: one decode per chunk (a chunk with a bad value is then read row by row).
CHUNK_ROWS = 5000


def _scan(conn: sqlite3.Connection) -> Iterator[BadValue]:
    """SQLite returns only the rows it finds suspect (types, times, aliases beyond a flat list) and the text of
    many rows at once (one decode per chunk); each suspect row is then looked at column by column."""
    yield from _scan_meta(conn)
    for table in SCANNED:
        columns = _columns(conn, table)
        if not columns:
            continue
        keys = _key_columns(conn, table)
        by_rowid = table not in LINK_TABLES and table not in KEYED_TABLES
        named = "rowid" if by_rowid else ", ".join(_quote(k) for k in keys)
        tests, texts = [], []
        for name, declared, _notnull in columns:
            kind = _kind(table, name, declared)
            q = _quote(name)
            if kind in ("time", "stamp", "date"):
                tests.append(_time_ok_sql(name, kind))
            elif kind == "number" and name != "seq":  # seq is the rowid: always an integer
                tests.append(f"typeof({q}) IN ('integer', 'real', 'null')")
            elif kind == "json":
                tests.append(_json_ok_sql(table, name))
            if kind in ("text", "json"):  # typeof reads a value's header only, never a long value itself
                tests.append(f"typeof({q}) IN ('text', 'null')")
            if kind != "blob" and (table, name) not in WHOLE_TEXTS:
                texts.append(q)
        suspects: list[tuple] = [tuple(row) for row in conn.execute(
            f"SELECT {named} FROM {_quote(table)} WHERE NOT ({' AND '.join(tests) or '1'})")]
        suspects.extend(_undecodable(conn, table, keys, texts, by_rowid))
        for name, _declared, _notnull in columns:
            if (table, name) in WHOLE_TEXTS:  # a whole report or page may run to many MB: decoded one by one,
                # as a copy into a chunk would cost more than reading it
                suspects.extend((rowid,) for rowid, text in conn.execute(
                    f"SELECT rowid, CAST({_quote(name)} AS BLOB) FROM {_quote(table)}") if not _decodes(text))
        for found in dict.fromkeys(suspects):
            where = ("rowid = ?", found) if by_rowid else (" AND ".join(f"{_quote(k)} = ?" for k in keys), found)
            yield from _row_values(conn, table, columns, keys, where)


def _json_ok_sql(table: str, column: str) -> str:
    """True for JSON that needs no closer look: a flat list of names (an actor's aliases); a view's state
    (an object of any shape, and views are few) is always read in Python."""
    q = _quote(column)
    if JSON_COLUMNS[(table, column)] is not list:
        return "0"
    return (f"(typeof({q}) = 'text' AND length(CAST({q} AS BLOB)) <= {MAX_JSON_BYTES} AND "
            f"instr(substr({q}, 2), '[') = 0 AND instr({q}, '{{') = 0 AND json_valid({q}))")


def _undecodable(conn: sqlite3.Connection, table: str, keys: tuple[str, ...], texts: list[str],
                 by_rowid: bool) -> Iterator[tuple]:
    """The keys of rows with text that is not valid UTF-8: each text column of CHUNK_ROWS rows is decoded at once
    (a zero byte between values keeps a sequence cut at the end of one value from joining the next into valid
    UTF-8); a chunk that fails is read row by row. Bytes where text belongs are found by their type instead."""
    if not texts:
        return
    aggregates = ", ".join(f"group_concat(c{number}, X'00')" for number in range(len(texts)))
    narrow = ", ".join(f"{text} AS c{number}" for number, text in enumerate(texts))
    one_by_one = " || X'00' || ".join(f"coalesce(CAST({text} AS BLOB), X'')" for text in texts)
    if not by_rowid:  # join tables (no rowid) hold short keys: one decode for the whole table
        if all(_decodes(text) for text in conn.execute(
                f"SELECT {aggregates} FROM (SELECT {narrow} FROM {_quote(table)})").fetchone()):
            return
        for row in conn.execute(f"SELECT {', '.join(_quote(k) for k in keys)}, {one_by_one} FROM {_quote(table)}"):
            if not _decodes(row[-1]):
                yield tuple(row[:-1])
        return
    after = -(2 ** 63)
    while True:
        last, *chunk = conn.execute(
            f"SELECT max(row_number_), {aggregates} FROM (SELECT rowid AS row_number_, {narrow} FROM {_quote(table)} "
            f"WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK_ROWS})", (after,)).fetchone()
        if last is None:
            return
        if not all(_decodes(text) for text in chunk):
            for rowid, row_text in conn.execute(
                    f"SELECT rowid, {one_by_one} FROM {_quote(table)} WHERE rowid > ? AND rowid <= ?", (after, last)):
                if not _decodes(row_text):
                    yield (rowid,)
        after = last


def _decodes(raw: bytes | str | None) -> bool:
    if not isinstance(raw, bytes):
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _row_values(conn: sqlite3.Connection, table: str, columns: list[tuple[str, str, bool]],
                keys: tuple[str, ...], where: tuple[str, tuple]) -> Iterator[BadValue]:
    names = [name for name, _declared, _notnull in columns]
    selected = ", ".join(f"{_quote(n)}, typeof({_quote(n)})" for n in names)
    row = conn.execute(f"SELECT {selected} FROM {_quote(table)} WHERE {where[0]}", where[1]).fetchone()
    values = {name: (row[2 * i], _text(row[2 * i + 1])) for i, name in enumerate(names)}
    key = tuple((k, shown(v) if isinstance(v, bytes) else v) for k, (v, _t) in ((k, values[k]) for k in keys))
    label = ""
    for column in LABELS:
        raw, kind = values.get(column, (None, "null"))
        if kind == "text":
            try:
                label = " ".join(raw.decode("utf-8").split())[:60]
            except UnicodeDecodeError:
                continue
            if label:
                break
    readable: dict[str, Any] = {}
    bad: list[tuple[str, str, str, bool]] = []  # column, kind, why, not null
    for name, declared, notnull in columns:
        raw, stored = values[name]
        kind = _kind(table, name, declared)
        why, value = _why(kind, raw, stored)
        if why is None and kind in ("time", "stamp", "date", "json"):
            why = _content_problem(table, name, kind, value)
        if why is None:
            readable[name] = value
        else:
            bad.append((name, kind, why, notnull))
    if any(kind == "time" and notnull for _name, kind, _why, notnull in bad):
        readable["placeholder"] = _first_start(conn)
    for name, kind, why, notnull in bad:  # the replacement may depend on the row's readable values (a start)
        fixable = name not in keys and not name.endswith("_id")
        yield BadValue(table, key, name, why, _neutral(table, name, kind, readable, notnull), fixable, label)


def _first_start(conn: sqlite3.Connection) -> str | None:
    """The case's first event start that is a readable time (placeholder for an event whose start is not)."""
    for (start,) in conn.execute(f"SELECT start FROM events WHERE {_time_ok_sql('start', 'time')} ORDER BY start"):
        text = start.decode("utf-8", "replace") if isinstance(start, bytes) else start
        if time_problem(text) is None:
            return text
    return None


def _why(kind: str, raw: Any, stored: str) -> tuple[str | None, Any]:
    """(why the stored value cannot be read, or None; the value as the app would read it)."""
    if kind == "blob" or stored == "null":
        return None, raw
    if kind == "number":
        return (None, raw) if stored in ("integer", "real") else ("holds text or bytes where a number belongs", None)
    if stored in ("integer", "real"):
        what = "a time" if kind in ("time", "stamp", "date") else "text"
        return f"holds a number ({raw!r}) where {what} belongs", None
    if stored == "blob":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return f"is stored as {len(raw):,} bytes that are not text", None
        return "is stored as bytes, not text", text
    try:
        return None, raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"is not valid UTF-8 text (byte {error.start + 1:,} of {len(raw):,})", None


def _content_problem(table: str, column: str, kind: str, text: str) -> str | None:
    if kind == "json":
        if len(text.encode("utf-8")) > MAX_JSON_BYTES:
            return f"is JSON of {len(text.encode('utf-8')):,} bytes, more than the {MAX_JSON_BYTES:,} the app reads"
        problem = json_problem(text, JSON_COLUMNS[(table, column)])
        if problem is None and (table, column) == ("actors", "aliases"):  # a list of names, as the rules say
            aliases = problems("actors", {"name": "-", "aliases": text}).get("aliases")
            return None if aliases is None else "is not a list of names" if "list of names" in aliases else (
                f"breaks a rule of aliases ({aliases})")
        return None if problem is None else problem.removeprefix("it ").replace("its JSON is", "is JSON")
    if text is None:
        return None
    if kind in ("time", "date"):
        problem = time_problem(text, exact=kind == "time")
        return None if problem is None else f"cannot be kept: {problem}"
    try:  # a bookkeeping stamp: UTC to the second or the microsecond
        if not text.endswith("Z") or len(text) not in (20, 27):
            raise ValueError
        year = datetime.fromisoformat(text[:19]).year
    except ValueError:
        return f"is not a real date and time ({text[:40]!r})"
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"falls outside the years {FIRST_YEAR}-{LAST_YEAR} the app draws ({text[:40]!r})"
    return None


def _neutral(table: str, column: str, kind: str, row: dict[str, Any], notnull: bool) -> Any:
    """What replaces a bad value: no value where one may be missing, else a placeholder the app reads."""
    if kind == "json":
        return "[]" if JSON_COLUMNS[(table, column)] is list else "{}"
    if kind == "stamp":
        return now_stamp()
    if kind == "number":
        return 0 if notnull else None
    if kind in ("time", "date"):
        if not notnull:
            return None
        # an event's start: a time the event's other readable times allow (not before 'not before', not after
        # its end or 'no later than'), else the case's first readable start; its time note says it is a placeholder
        for candidate in (row.get("earliest"), row.get("end"), row.get("latest")):
            if isinstance(candidate, str) and _content_problem(table, "start", "time", candidate) is None:
                return min(c for c in (candidate, row.get("end"), row.get("latest"))
                           if isinstance(c, str) and _content_problem(table, "start", "time", c) is None
                           and c >= candidate)
        return row.get("placeholder") or "2000-01-01T00:00:00Z"
    return UNREADABLE


def _scan_meta(conn: sqlite3.Connection) -> Iterator[BadValue]:
    for key, value, stored in conn.execute("SELECT key, value, typeof(value) FROM meta ORDER BY key"):
        name = shown(key) if isinstance(key, bytes) else str(key)
        why, text = _why("text", value, _text(stored))
        if why is not None:
            yield BadValue("meta", (("key", name),), name, why, "UTC" if name == "timezone" else UNREADABLE)
        elif name == "timezone" and not valid_zone(text):
            yield BadValue("meta", (("key", name),), name,
                           f"names a time zone this computer does not know ({text[:40]!r}), so times show in UTC",
                           "UTC")



# Opening a case looks for values it cannot read once per version of the file: a file this computer checked, or
# last wrote itself (every write obeys core.rules), is known by its fingerprint until anything else changes it.
REMEMBERED = 500


def _remembered_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("case-workbench", appauthor=False)) / "values-checked.json"


def fingerprint(path: Path) -> str | None:
    """What changes whenever anything writes the file: size, times, inode, SQLite's change counter and schema
    cookie; None while a journal lies beside it (its pages are not in the file yet)."""
    real = Path(path).resolve()
    try:
        for suffix in ("-wal", "-journal"):
            sidecar = real.with_name(real.name + suffix)
            if sidecar.exists() and sidecar.stat().st_size:
                return None
        stat = real.stat()
        with real.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    return (f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}:{header[24:28].hex()}:"
            f"{header[40:44].hex()}")


def _remembered() -> dict[str, str]:
    try:
        found = json.loads(_remembered_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def known_clean(path: Path) -> bool:
    """Whether this version of the file was found (or left) without a value the app cannot read."""
    mark = fingerprint(path)
    return mark is not None and _remembered().get(str(Path(path).resolve())) == mark


def remember_clean(path: Path, mark: str | None = None) -> None:
    """Note that the file as it is now (or as `mark` found it) holds no value the app cannot read."""
    mark = mark or fingerprint(path)
    if mark is None or mark != fingerprint(path):
        return
    remembered = _remembered()
    remembered.pop(str(Path(path).resolve()), None)
    remembered[str(Path(path).resolve())] = mark
    kept = dict(list(remembered.items())[-REMEMBERED:])
    save_cache(_remembered_file(), kept, ".values-checked-")


def save_cache(target: Path, kept: Any, prefix: str) -> None:
    """Write a remembered-checks cache as JSON through a temporary file renamed into place; a failure
    leaves it as it was (only a cache: the next open checks again)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=prefix, dir=target.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(kept, out)
        os.replace(temporary, target)
    except OSError:
        pass
