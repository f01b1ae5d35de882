"""A generated corpus of hostile values: each class of bad value a received case may hold (written by another
program with raw SQL, bypassing core.rules), planted into a copy of a case the way that program would."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEEP = "[" * 100_000 + "]" * 100_000


@dataclass(frozen=True)
class Hostile:
    """One bad value: where it goes (table, column) and the SQL expression written there."""

    name: str
    table: str
    column: str
    value: str  # an SQL expression (so bytes and casts can be written as another program would)
    clear: tuple[str, ...] = ()  # columns set NULL first, so the schema's own CHECKs still hold

    def plant(self, path: Path) -> str:
        """Write the value into the first record of the table (a meta row: by key); returns the record's id."""
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            if self.table == "meta":
                conn.execute(f"UPDATE meta SET value = {self.value} WHERE key = ?", (self.column,))
                return self.column
            (record_id,) = conn.execute(f"SELECT id FROM {self.table} ORDER BY rowid LIMIT 1").fetchone()
            sets = [f'"{column}" = NULL' for column in self.clear] + [f'"{self.column}" = {self.value}']
            conn.execute(f"UPDATE {self.table} SET {', '.join(sets)} WHERE id = ?", (record_id,))
            return record_id
        finally:
            conn.close()


TIMES_CLEARED = ("end", "earliest", "latest")

HOSTILE: tuple[Hostile, ...] = (
    # impossible dates that match the schema's digit pattern
    Hostile("30 February", "events", "start", "'2020-02-30T10:00:00Z'", TIMES_CLEARED),
    Hostile("24:00", "events", "start", "'2020-08-15T24:00:00Z'", TIMES_CLEARED),
    Hostile("year 0000", "events", "start", "'0000-01-01T00:00:00Z'", TIMES_CLEARED),
    Hostile("month 13 in an end", "relations", "end", "'2021-13-01T00:00:00Z'"),
    Hostile("impossible publication date", "sources", "published", "'2020-02-30'"),
    # an instant out of range in the case's zone (9999-12-31T23:59:59Z is year 10000 at UTC+3)
    Hostile("year 9999 at UTC+3", "events", "start", "'9999-12-31T23:59:59Z'", TIMES_CLEARED),
    Hostile("year 9999 in a relation", "relations", "start", "'9999-12-31T23:59:59Z'", ("end",)),
    # invalid UTF-8: undecodable text, and text stored as a blob
    Hostile("invalid UTF-8 in a title", "events", "title", "CAST(X'4C756B61FF73686B61' AS TEXT)"),
    Hostile("invalid UTF-8 in a name", "actors", "name", "CAST(X'C328A0' AS TEXT)"),
    Hostile("invalid UTF-8 in the case title", "meta", "title", "CAST(X'4D696E736BFE' AS TEXT)"),
    Hostile("invalid UTF-8 in a source's text", "sources", "archived_text", "CAST(X'80818283' AS TEXT)"),
    Hostile("a blob for a summary", "events", "summary", "X'00FF00FF'"),
    Hostile("a blob for a quote", "citations", "quote", "X'DEADBEEF'"),
    # JSON too deep or too big
    Hostile("aliases nested 100k deep", "actors", "aliases", f"'{DEEP}'"),
    Hostile("a view's state nested 100k deep", "views", "state", "'{\"a\": " + DEEP + "}'"),
    Hostile("aliases of 3 MB", "actors", "aliases", "'[\"' || printf('%.3000000c', 'x') || '\"]'"),
    Hostile("aliases not JSON", "actors", "aliases", "'[not json]'"),
    # wrong types
    Hostile("an integer for a creation time", "events", "created_at", "1597485600"),
    Hostile("an integer for a publication date", "sources", "published", "99991231"),
    Hostile("a real for a change time", "actors", "updated_at", "1597485600.5"),
    Hostile("a bogus time zone", "meta", "timezone", "'Mars/Olympus_Mons'"),
)


def hostile_copy(source: Path, folder: Path, hostile: Hostile) -> tuple[Path, str]:
    """A copy of `source` in `folder` holding `hostile`'s value; returns its path and the record's id."""
    path = folder / f"{hostile.name.replace(' ', '_').replace(chr(39), '')}.case"
    shutil.copyfile(source, path)
    return path, hostile.plant(path)


def all_in_one(source: Path, folder: Path, which: Callable[[Hostile], bool] = lambda _h: True) -> Path:
    """A copy of `source` holding every hostile value at once (each in its own record where it can)."""
    path = folder / "every_hostile_value.case"
    shutil.copyfile(source, path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        used: dict[str, int] = {}
        for hostile in filter(which, HOSTILE):
            if hostile.table == "meta":
                conn.execute(f"UPDATE meta SET value = {hostile.value} WHERE key = ?", (hostile.column,))
                continue
            offset = used.get(hostile.table, 0)
            used[hostile.table] = offset + 1
            row = conn.execute(f"SELECT id FROM {hostile.table} ORDER BY rowid LIMIT 1 OFFSET ?", (offset,)).fetchone()
            if row is None:
                continue
            sets = [f'"{column}" = NULL' for column in hostile.clear] + [f'"{hostile.column}" = {hostile.value}']
            conn.execute(f"UPDATE {hostile.table} SET {', '.join(sets)} WHERE id = ?", row)
    finally:
        conn.close()
    return path


def plain_copy(source: Path, folder: Path) -> Path:
    path = folder / "plain.case"
    shutil.copyfile(source, path)
    return path
