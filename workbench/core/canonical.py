"""The canonical JSON format: which tables, columns and record order it holds; shared by its exporter,
its importer and merge (the format itself is described in `core.exporters.canonical`)."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from workbench.core.store.tables import introspect

JSON_FORMAT = 1
HEADER_KEY = "case_workbench"
# Parents before children, so an import can insert in this order without breaking a foreign key.
TABLE_ORDER = (
    "meta", "places", "actors", "actor_attributes", "events", "event_actors", "event_places", "relations",
    "documents", "sources", "footnotes", "citations", "notes",
    "questions", "hypotheses", "evidence_rows", "ratings", "views", "actor_layout", "audit",
)
INTERNAL_COLUMNS = ("seq",)
# Documents larger than this are refused on import rather than read into memory.
MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024


def is_exported_table(name: str) -> bool:
    """Tables that hold the case's data: not SQLite's own, not the full-text indexes or their shadows."""
    return not (name.startswith("sqlite_") or "_fts" in name)


def data_tables(conn: sqlite3.Connection, include_audit: bool = True) -> list[str]:
    """The case's data tables in dependency order; tables a later schema adds come before `audit`."""
    found = {name for name in introspect(conn).table_names() if is_exported_table(name)}
    ordered = [t for t in TABLE_ORDER if t in found and t != "audit"]
    ordered += sorted(found - set(TABLE_ORDER))
    if include_audit and "audit" in found:
        ordered.append("audit")
    return ordered


def table_columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, primary-key position) of each exported column, in schema order."""
    return [(column.name, (column.type or "").upper(), column.is_pk)
            for column in introspect(conn)[table].columns if column.name not in INTERNAL_COLUMNS]


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


def record_encoder() -> Callable[[Any], str]:
    """The one encoder of a canonical record line (the JSON export's and the case directory's): UTF-8 text as
    it is, no NaN, keys in the order given; its C implementation, without per-call set-up."""
    return json.JSONEncoder(ensure_ascii=False, check_circular=False, allow_nan=False).encode


@cache
def schema_keys() -> dict[str, tuple[str, ...]]:
    """What identifies a record of each table of this build's schema (`sort_columns`), known without a case:
    read from an empty in-memory database at the newest schema (for merging table files, which come alone)."""
    from workbench.core.store.migrate import apply_migrations

    conn = sqlite3.connect(":memory:")
    try:
        apply_migrations(conn)
        return {table: tuple(sort_columns(conn, table)) for table in data_tables(conn)}
    finally:
        conn.close()
