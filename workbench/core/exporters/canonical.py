"""Canonical JSON: the whole case as one deterministic document that two analysts can keep in git.

Layout, chosen so that a change to one record is a change to one line of the file:

    {
    "case_workbench": {"json_format": 1, "schema_version": 2},
    "meta": [
    {"key": "case_id", "value": "..."},
    ...
    ],
    "actors": [
    {"id": "...", "name": "...", ...},
    ...
    ],
    ...
    }

One top-level key per table, in dependency order (meta, places, actors, events, event_actors,
event_places, relations, documents, sources, footnotes, citations, notes, views, actor_layout),
records sorted by id (join tables by their key columns, meta by key), one record per line, each
record's keys in the schema's column order and named as the columns are. The full-text indexes
and SQLite's own tables are left out (they are rebuilt from the data); `seq` is internal and left
out. BLOBs (view thumbnails) are written as {"base64": "..."}.

The audit trail is left out unless asked for (`include_audit=True`): the case that a document is
imported into necessarily records the import in its own trail, so a trail could never come back
byte-identical, and in git the repository's history is the trail. When a document carries an
`audit` key, importing it appends those rows to the case's trail as history (their original
times and analysts kept, new row numbers), never replays them.

Importing a document into an empty case (a new one) restores it: the case takes the document's
meta (title, marking, time zone, case id) and every record, and its JSON export is byte-identical
to the document. Into a case that already holds records, only records it does not have are added;
its own meta and versions of records are kept.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.casefile import LINK_TABLES, RECORD_TABLES, Case, CaseError, schema_version
from workbench.core.exporters import Cancelled, Progress, atomic_output, check_cancelled, report

JSON_FORMAT = 1
HEADER_KEY = "case_workbench"
# Parents before children, so an import can insert in this order without breaking a foreign key.
TABLE_ORDER = (
    "meta", "places", "actors", "events", "event_actors", "event_places", "relations", "documents", "sources",
    "footnotes", "citations", "notes", "views", "actor_layout", "audit",
)
INTERNAL_COLUMNS = ("seq",)
# Documents larger than this are refused on import rather than read into memory.
MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024


def is_exported_table(name: str) -> bool:
    """Tables that hold the case's data: not SQLite's own, not the full-text indexes or their shadows."""
    return not (name.startswith("sqlite_") or "_fts" in name)


def data_tables(conn: sqlite3.Connection, include_audit: bool = True) -> list[str]:
    """The case's data tables in dependency order; tables a later schema adds come before `audit`."""
    found = {name for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
             if is_exported_table(name)}
    ordered = [t for t in TABLE_ORDER if t in found and t != "audit"]
    ordered += sorted(found - set(TABLE_ORDER))
    if include_audit and "audit" in found:
        ordered.append("audit")
    return ordered


def table_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, primary-key position) of each exported column, in schema order."""
    return [(name, (kind or "").upper(), pk) for _cid, name, kind, _notnull, _default, pk
            in conn.execute(f'PRAGMA table_info("{table}")') if name not in INTERNAL_COLUMNS]


def sort_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """What orders a table's records: id, else its primary key columns, else every column."""
    columns = table_columns(conn, table)
    names = [name for name, _kind, _pk in columns]
    if "id" in names:
        return ["id"]
    keys = [name for name, _kind, pk in sorted(columns, key=lambda c: c[2]) if pk]
    return keys or names


def iter_records(conn: sqlite3.Connection, table: str, blobs_as_base64: bool = True) -> Iterator[dict[str, Any]]:
    """The records of a table as dicts in canonical order and key order, BLOBs as {"base64": ...} (or bytes)."""
    columns = table_columns(conn, table)
    names = [name for name, _kind, _pk in columns]
    blobs = [i for i, (_name, kind, _pk) in enumerate(columns) if kind == "BLOB" and blobs_as_base64]
    order = ", ".join(f'"{c}"' for c in sort_columns(conn, table))
    cursor = conn.execute(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}" ORDER BY {order}')
    if not blobs:
        for row in cursor:
            yield dict(zip(names, row, strict=True))
        return
    for row in cursor:
        values = list(row)
        for i in blobs:
            if isinstance(values[i], bytes):
                values[i] = {"base64": base64.b64encode(values[i]).decode("ascii")}
        yield dict(zip(names, values, strict=True))


def write_canonical(case: Case, handle: Any, include_audit: bool = False, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> dict[str, int]:
    """Write the canonical document to a text handle; returns the number of records per table."""
    conn = case.conn
    # One encoder for every record: its C implementation, without per-call set-up.
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False).encode
    header = {"json_format": JSON_FORMAT, "schema_version": case.conn.execute("PRAGMA user_version").fetchone()[0]}
    handle.write("{\n" + json.dumps(HEADER_KEY) + ": " + encode(header))
    tables = data_tables(conn, include_audit=include_audit)
    totals = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    grand_total = max(1, sum(totals.values()))
    done = 0
    counts: dict[str, int] = {}
    began = not conn.in_transaction
    if began:  # one read snapshot for the whole document, whatever commits meanwhile
        conn.execute("BEGIN")
    try:
        for table in tables:
            check_cancelled(cancelled)
            handle.write(",\n" + json.dumps(table) + ": [")
            count = 0
            lines: list[str] = []
            for record in iter_records(conn, table):
                lines.append(encode(record))
                count += 1
                if len(lines) >= 5000:
                    handle.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
                    lines.clear()
                    done += 5000
                    report(progress, done / grand_total)
                    check_cancelled(cancelled)
            if lines:
                handle.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
                done += len(lines)
            handle.write("\n]" if count else "]")
            counts[table] = count
            report(progress, done / grand_total)
    finally:
        if began:
            conn.execute("COMMIT")
    handle.write("\n}\n")
    return counts


def export_canonical(case: Case, out: Path, include_audit: bool = False, progress: Progress | None = None,
                     cancelled: Cancelled | None = None) -> str:
    """Write the case's canonical JSON document to `out` (atomically); returns a one-line summary."""
    out = Path(out)
    with atomic_output(out) as partial:
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            counts = write_canonical(case, handle, include_audit=include_audit, progress=progress,
                                     cancelled=cancelled)
    records = sum(n for table, n in counts.items() if table not in ("meta", "audit"))
    trail = f", {counts['audit']} audit rows" if "audit" in counts else ""
    return f"Exported {records} records of {len(counts)} tables{trail} as canonical JSON to {out}."


def canonical_text(case: Case, include_audit: bool = False) -> str:
    """The canonical document as a string (for tests and small cases)."""
    import io

    buffer = io.StringIO()
    write_canonical(case, buffer, include_audit=include_audit)
    return buffer.getvalue()


# --- import -------------------------------------------------------------------------------------------


def read_document(path: Path) -> dict[str, Any]:
    """Parse and check the outline of a canonical document; CaseError with one sentence when it is not one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CaseError(f"{path.name} is too large to import ({size // 2**20} MB).")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseError(f"{path.name} does not exist.") from None
    except UnicodeDecodeError:
        raise CaseError(f"{path.name} is not UTF-8 text, so it is not a Case Workbench JSON export.") from None
    except OSError as error:
        raise CaseError(f"Cannot read {path.name}: {error.strerror or error}.") from None
    from workbench.core.importers.proposals import strict_json

    document = strict_json(path.name, text, CaseError)
    if not isinstance(document, dict) or not isinstance(document.get(HEADER_KEY), dict):
        raise CaseError(f"{path.name} is JSON but not a Case Workbench export (no '{HEADER_KEY}' header).")
    header = document[HEADER_KEY]
    version = header.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise CaseError(f"{path.name} does not say which case schema it was written with.")
    if version > schema_version():
        raise CaseError(f"{path.name} was written by a newer Case Workbench (schema {version}; this version "
                        f"reads up to {schema_version()}), so import it with a newer version.")
    return document


def _is_empty(case: Case) -> bool:
    return all(case.conn.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0] for t in RECORD_TABLES)


def _decode_rows(name: str, table: str, rows: Any, columns: dict[str, str]) -> list[dict[str, Any]]:
    """The document's rows of one table, checked against the schema, BLOB markers decoded."""
    if not isinstance(rows, list):
        raise CaseError(f"{name}: '{table}' is not a list of records.")
    decoded = []
    keys: set[str] | None = None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise CaseError(f"{name}: record {number} of '{table}' is not an object.")
        unknown = set(row) - set(columns)
        if unknown:
            raise CaseError(f"{name}: record {number} of '{table}' has a field '{sorted(unknown)[0]}' "
                            "that this table does not have.")
        if keys is None:
            keys = set(row)
        elif set(row) != keys:
            raise CaseError(f"{name}: record {number} of '{table}' does not have the same fields as the first.")
        values = dict(row)
        for key, value in values.items():
            if isinstance(value, dict) and columns[key] == "BLOB" and isinstance(value.get("base64"), str):
                try:
                    values[key] = base64.b64decode(value["base64"], validate=True)
                except ValueError:
                    raise CaseError(f"{name}: record {number} of '{table}' has damaged base64 in '{key}'.") from None
            elif isinstance(value, (dict, list)):
                raise CaseError(f"{name}: record {number} of '{table}' has a nested value in '{key}'.")
        decoded.append(values)
    return decoded


def import_canonical(path: Path, into: Case) -> dict[str, int]:
    """Read a canonical JSON document into `into`, in one transaction; returns records added per table.

    Into an empty case the document is restored whole (meta included, so the case's own export is
    byte-identical to it); into a case with records, records it already has (by id or key) are kept
    as they are and only the others are added. An `audit` key is appended to the trail as history.
    """
    path = Path(path)
    document = read_document(path)
    conn = into.conn
    unknown = [key for key in document if key != HEADER_KEY and (
        not is_exported_table(key) or not conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (key,)).fetchone())]
    if unknown:
        raise CaseError(f"{path.name} holds a table '{unknown[0]}' that this case does not have.")
    added: dict[str, int] = {}
    try:
        with into.transaction():
            empty = _is_empty(into)
            for table in data_tables(conn):
                if table not in document:
                    continue
                columns = {name: kind for name, kind, _pk in table_columns(conn, table)}
                rows = _decode_rows(path.name, table, document[table], columns)
                if table == "meta":
                    added[table] = _import_meta(into, rows) if empty else 0
                elif table == "audit":
                    added[table] = _append_history(into, rows, path.name)
                else:
                    added[table] = _import_rows(into, table, rows)
    except sqlite3.Error as error:
        raise CaseError(f"{path.name} cannot be imported: {error}.") from None
    except (TypeError, ValueError, OverflowError) as error:
        raise CaseError(f"{path.name} cannot be imported: a value does not fit its column ({error}).") from None
    return added


def _import_meta(case: Case, rows: list[dict[str, Any]]) -> int:
    changed = 0
    for row in rows:
        key, value = row.get("key"), row.get("value")
        if not isinstance(key, str) or not isinstance(value, str):
            raise CaseError("A meta record of the document is not a key and a text value.")
        if case.meta(key, default=None) != value:  # type: ignore[arg-type]
            case.set_meta(key, value)
            changed += 1
    return changed


def _import_rows(case: Case, table: str, rows: list[dict[str, Any]]) -> int:
    conn = case.conn
    keys = sort_columns(conn, table)
    where = " AND ".join(f'"{k}" = ?' for k in keys)
    if keys == ["id"]:
        existing = {row_id for (row_id,) in conn.execute(f'SELECT id FROM "{table}"')}
        new_rows = [row for row in rows if row.get("id") not in existing]
    else:
        new_rows = [row for row in rows
                    if conn.execute(f'SELECT 1 FROM "{table}" WHERE {where}', [row.get(k) for k in keys]).fetchone()
                    is None]
    if not new_rows:
        return 0
    # While an undoable action records (the import as one undo step), rows go through the
    # journaled one-record calls; otherwise through bulk_insert, one statement and one audit row.
    recording = case.is_recording
    if table in RECORD_TABLES:
        if recording:
            for row in new_rows:
                case.insert(table, row)
        else:
            case.bulk_insert(table, new_rows)
    elif table in LINK_TABLES and not recording:
        case.bulk_insert(table, new_rows)
    else:
        for row in new_rows:
            case.link(table, row)
    return len(new_rows)


def _append_history(case: Case, rows: list[dict[str, Any]], name: str) -> int:
    fields = ("at", "who", "action", "table_name", "record_id", "old", "new", "summary")
    history = [tuple(row.get(f, "" if f in ("record_id", "summary") else None) for f in fields) for row in rows]
    if not history:
        return 0
    case.conn.executemany(
        f"INSERT INTO audit ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})", history)
    case.audit("bulk insert", "audit", "", None, None,
                summary=f"{len(history)} rows of history imported from {name}")
    return len(history)
