"""The tables of a case file and what the gateway may do with each; identifier quoting for SQL."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from workbench.core.model import RECORD_TYPES

APPLICATION_ID = 0x43415345  # "CASE": marks a SQLite file as ours


SQLITE_MAGIC = b"SQLite format 3\x00"


CASE_SUFFIX = ".case"


# Tables a user can write records to through Case.insert/update/delete.
RECORD_TABLES = tuple(RECORD_TYPES)


# Join tables: keyed by their columns, not by an id.
LINK_TABLES = {
    "event_actors": ("event_id", "actor_id"),
    "event_places": ("event_id", "place_id"),
    "footnotes": ("document_id", "label", "source_id"),
}


COUNTED_TABLES = (
    "events", "actors", "relations", "sources", "citations", "places",
    "documents", "footnotes", "notes", "views", "tags", "audit",
)


# Searched text per table; the FTS5 index <table>_fts holds these columns keyed by the row's seq.
FTS_COLUMNS = {
    "events": ("title", "summary"),
    "actors": ("name", "aliases", "description"),
    "sources": ("title", "publisher", "url", "archived_text"),
    "documents": ("title", "text"),
    "notes": ("text",),
    "actor_attributes": ("key", "value"),
}


FTS_TABLES = tuple(f"{table}_fts" for table in FTS_COLUMNS)


FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


# Untrusted files cannot hold cells larger than this (SQLITE_LIMIT_LENGTH); 256 MB.
MAX_VALUE_BYTES = 256 * 1024 * 1024


# A check that runs longer than this on an open is abandoned and the file refused.
CHECK_SECONDS = 60.0


# Audit rows keep old and new values of this many rows of a keyed write (a drag); more are summarised.
AUDIT_DETAIL_ROWS = 20


# Tables written by `Case.put_keyed`, and their key column.
KEYED_TABLES = {"actor_layout": "actor_id"}


# Page cache for the duration of a bulk insert, in KiB (the SQLite default is 2000).
BULK_CACHE_KIB = 64 * 1024
# Rows of bulk writes an undo journal keeps for redo (about 1 KB each); beyond, undo deletes them but redo cannot.
BULK_REDO_ROWS = 50_000


def introspect(conn: sqlite3.Connection) -> Any:
    """A `sqlite_utils.Database` over `conn`, for the store's schema chores (table names, columns, keys).

    Imported on first use: sqlite-utils pulls in numpy and its plugin system (~0.3 s), which opening
    a case or painting the window does not need. It runs no statement of its own on `conn`
    (recursive_triggers=False), so it is safe on a read-only connection. The checks of an untrusted
    file (`store.checks`) keep their own reading of sqlite_schema: they compare exact DDL, which is
    not what sqlite-utils describes.
    """
    import sqlite_utils

    return sqlite_utils.Database(conn, recursive_triggers=False)


def _check_table(table: str, allow_links: bool = False) -> None:
    if table not in RECORD_TABLES and not (allow_links and table in LINK_TABLES):
        raise ValueError(f"unknown table {table!r}")


def _check_link_or_keyed(table: str, key: str) -> None:
    if KEYED_TABLES.get(table) != key:
        raise ValueError(f"{table} is not a table keyed by {key}")


def _quote(column: str) -> str:
    """A column name as an SQL identifier; only plain names are accepted, so no key can change the SQL."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", column):
        raise ValueError(f"not a column name: {column!r}")
    return f'"{column}"'


def _column_list(columns: Iterable[str]) -> str:
    return ", ".join(_quote(c) for c in columns)
