"""Import a canonical JSON document (our own export) into a case: restored whole into an empty case,
or only the records it lacks into one that holds some (see `core.exporters.canonical` for the format)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from workbench.core.canonical import (
    HEADER_KEY,
    MAX_IMPORT_BYTES,
    data_tables,
    is_exported_table,
    sort_columns,
    table_columns,
)
from workbench.core.gcpause import collector_paused
from workbench.core.jsonio import strict_json_bytes
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import LINK_TABLES, RECORD_TABLES, Case, CaseError, cipher, schema_version


def read_document(path: Path) -> dict[str, Any]:
    """Parse and check the outline of a canonical document; CaseError with one sentence when it is not one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CaseError(f"{path.name} is too large to import ({size // 2**20} MB).")
        data = path.read_bytes()
    except FileNotFoundError:
        raise CaseError(f"{path.name} does not exist.") from None
    except OSError as error:
        raise CaseError(f"Cannot read {path.name}: {error.strerror or error}.") from None
    try:
        document = strict_json_bytes(path.name, data, CaseError)
    except UnicodeDecodeError:
        raise CaseError(f"{path.name} is not UTF-8 text, so it is not a Case Workbench JSON export.") from None
    del data
    if not isinstance(document, dict) or not isinstance(document.get(HEADER_KEY), dict):
        raise CaseError(f"{path.name} is JSON but not a Case Workbench export (no '{HEADER_KEY}' header).")
    check_header(path.name, document[HEADER_KEY])
    return document


def check_header(name: str, header: dict[str, Any]) -> None:
    """Refuse, in one sentence, a document (or case directory) whose header names no schema or a newer one."""
    version = header.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise CaseError(f"{name} does not say which case schema it was written with.")
    if version > schema_version():
        raise CaseError(f"{name} was written by a newer Case Workbench (schema {version}; this version "
                        f"reads up to {schema_version()}), so import it with a newer version.")


def _is_empty(case: Case) -> bool:
    return all(case.conn.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0] for t in RECORD_TABLES)


_NESTED = frozenset({dict, list})


def _decode_rows(name: str, table: str, rows: Any, columns: dict[str, str]) -> list[dict[str, Any]]:
    """The document's rows of one table, checked against the schema, BLOB markers decoded."""
    if not isinstance(rows, list):
        raise CaseError(f"{name}: '{table}' is not a list of records.")
    decoded = []
    keys: Any = None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise CaseError(f"{name}: record {number} of '{table}' is not an object.")
        if keys is None:
            unknown = row.keys() - columns.keys()
            if unknown:
                raise CaseError(f"{name}: record {number} of '{table}' has a field '{sorted(unknown)[0]}' "
                                "that this table does not have.")
            keys = row.keys()
        elif row.keys() != keys:
            unknown = row.keys() - columns.keys()
            if unknown:
                raise CaseError(f"{name}: record {number} of '{table}' has a field '{sorted(unknown)[0]}' "
                                "that this table does not have.")
            raise CaseError(f"{name}: record {number} of '{table}' does not have the same fields as the first.")
        # Most rows hold no object or list at all: they pass as they are (checked in C, not value by value).
        if _NESTED.isdisjoint(map(type, row.values())):
            decoded.append(row)
            continue
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


def import_canonical(path: Path, into: Case, progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """Read a canonical JSON document into `into`, in one transaction; returns records added per table.

    Into an empty case the document is restored whole (meta included, so the case's own export is
    byte-identical to it); into a case with records, records it already has (by id or key) are kept
    as they are and only the others are added. An `audit` key is appended to the trail as history.
    """
    path = Path(path)
    document = read_document(path)
    progress(0.2)
    return import_document(document, path.name, into, progress)


def import_document(document: dict[str, Any], name: str, into: Case,
                    progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """`import_canonical` of a document already read (from JSON, or from the CSV zip: one key per table)."""
    conn = into.conn
    unknown = [key for key in document if key != HEADER_KEY and (
        not is_exported_table(key) or not conn.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (key,)).fetchone())]
    if unknown:
        raise CaseError(f"{name} holds a table '{unknown[0]}' that this case does not have.")
    added: dict[str, int] = {}
    try:
        with collector_paused(), into.transaction():  # hundreds of thousands of rows, none of them in a cycle
            empty = _is_empty(into)
            tables = data_tables(conn)
            for number, table in enumerate(tables):
                progress(0.2 + 0.8 * number / len(tables))
                if table not in document:
                    continue
                columns = {name: kind for name, kind, _pk in table_columns(conn, table)}
                rows = _decode_rows(name, table, document[table], columns)
                if table == "meta":
                    added[table] = _import_meta(into, rows) if empty else 0
                elif table == "audit":
                    added[table] = _append_history(into, rows, name)
                else:
                    added[table] = _import_rows(into, table, rows, progress)
            progress(1.0)
    except cipher.Error as error:
        raise CaseError(f"{name} cannot be imported: {error}.") from None
    except (TypeError, ValueError, OverflowError) as error:
        raise CaseError(f"{name} cannot be imported: a value does not fit its column ({error}).") from None
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


def _import_rows(case: Case, table: str, rows: list[dict[str, Any]], progress: Progress) -> int:
    conn = case.conn
    keys = sort_columns(conn, table)
    where = " AND ".join(f'"{k}" = ?' for k in keys)
    if conn.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
        new_rows = rows  # nothing to compare with (a restore): no look-up per row
    elif keys == ["id"]:
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
            for number, row in enumerate(new_rows):
                if number % 500 == 0:
                    progress.check()
                case.insert(table, row)
        else:
            case.bulk_insert(table, new_rows)
    elif table in LINK_TABLES and not recording:
        case.bulk_insert(table, new_rows)
    else:
        for number, row in enumerate(new_rows):
            if number % 500 == 0:
                progress.check()
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
