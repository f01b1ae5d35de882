"""The schema's migrations (core/schema/*.sql), applied in order, and the exact schema each version has."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass
class Migration:
    version: int
    name: str
    sql: str


@cache
def migrations() -> tuple[Migration, ...]:
    """The numbered migrations shipped in workbench/core/schema, in order, numbers contiguous from 1."""
    found = []
    for entry in resources.files("workbench.core.schema").iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("schema migrations are not numbered 0001, 0002, ... without gaps")
    return tuple(found)


def schema_version() -> int:
    """The newest schema this build reads and writes."""
    return migrations()[-1].version


def split_statements(sql: str) -> Iterator[str]:
    """SQL script -> statements; trigger bodies with inner semicolons stay whole."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in migration: {pending[:60]!r}")


def apply_migrations(conn: sqlite3.Connection, upto: int | None = None) -> None:
    """Bring a database from its user_version to `upto` (default: newest) in one transaction.

    All steps commit together, so a crash leaves the file fully at the old schema or fully at the
    new one, never between. Inside an open transaction the steps join it (the caller commits).
    """
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    target = schema_version() if upto is None else upto
    steps = [m for m in migrations() if current < m.version <= target]
    if not steps:
        return
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        for migration in steps:
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version}")
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise


@cache
def expected_schema(version: int) -> frozenset[tuple[str, str, str, str | None]]:
    """The sqlite_schema rows our migrations 1..version create, built in memory."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, upto=version)
        return frozenset(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema"))
    finally:
        conn.close()
