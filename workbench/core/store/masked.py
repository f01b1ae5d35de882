"""A received case holding values the app cannot read, opened to look at: a private copy in which each such value
is replaced by what Check Case would write ('(unreadable)' for text), read-only, named as the file itself."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workbench.core.store import cipher
from workbench.core.store.checks import _connect, case_key, check_case, harden
from workbench.core.store.errors import CaseRefused
from workbench.core.store.gateway import Case, default_analyst
from workbench.core.store.tables import FTS_COLUMNS, _quote
from workbench.core.store.values import BadValue, find_bad_values


@dataclass
class MaskedCase(Case):
    """A read-only Case whose connection reads a masked private copy; `path` is the received file (titles, the
    recent list, and the guard that keeps exports off it), `copy` the copy, removed on close."""

    copy: Path | None = None
    bad_values: tuple[BadValue, ...] = ()

    def open_reader(self) -> Case:
        uri = f"{self.copy.as_uri()}?mode=ro"  # type: ignore[union-attr]
        conn = cipher.connect(uri, key=self.key, uri=True, isolation_level=None, check_same_thread=False)
        harden(conn, path=self.copy)
        return Case(path=self.path, conn=conn, read_only=True, analyst=self.analyst, key=self.key)

    def close(self) -> None:
        super().close()
        if self.copy is not None:
            shutil.rmtree(self.copy.parent, ignore_errors=True)
            self.copy = None


def mask(conn: sqlite3.Connection, bad: list[BadValue]) -> None:
    """Write each bad value's replacement over it, with SQL of its own (a private copy: nothing to audit)."""
    reindex = False
    for value in bad:
        if value.table == "meta":
            conn.execute("UPDATE meta SET value = ? WHERE CAST(key AS BLOB) = CAST(? AS BLOB)",
                         (value.fix, dict(value.key)["key"]))
            continue
        where = " AND ".join(f"{_quote(column)} = ?" for column, _v in value.key)
        if value.fixable:
            conn.execute(f"UPDATE {_quote(value.table)} SET {_quote(value.column)} = ? WHERE {where}",
                         (value.fix, *(v for _c, v in value.key)))
        else:  # a key the app cannot read: the row cannot be named, so it is left out of the copy
            conn.execute(f"DELETE FROM {_quote(value.table)} WHERE rowid IN (SELECT rowid FROM {_quote(value.table)} "
                         f"WHERE {where})", tuple(v for _c, v in value.key))
        reindex = reindex or value.column in FTS_COLUMNS.get(value.table, ())
    if reindex:
        for table in FTS_COLUMNS:
            conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")


def open_masked(path: Path | str, analyst: str | None = None, key: str | None = None) -> MaskedCase:
    """Open a sound case holding values the app cannot read, read-only, each such value shown as Check Case would
    leave it. Raises CaseRefused as `open_case` does for anything else wrong with the file. The private copy of an
    encrypted case is encrypted with its key."""
    path = Path(path)
    key = case_key(path, key)
    check_case(path, check_values=False, key=key)
    folder = Path(tempfile.mkdtemp(prefix="workbench-masked-"))
    copy = folder / path.name
    try:
        source = cipher.connect(f"{path.resolve().as_uri()}?mode=ro", key=key, uri=True, isolation_level=None)
        target = cipher.connect(copy, key=key, isolation_level=None)
        try:
            harden(source, path=path.resolve())
            source.backup(target)  # a consistent copy, with any WAL beside the file applied
            bad = find_bad_values(target)
            target.execute("PRAGMA ignore_check_constraints = ON")  # the schema's CHECKs held on the original
            target.execute("BEGIN")
            mask(target, bad)
            target.execute("COMMIT")
        finally:
            source.close()
            target.close()
        conn = _connect(copy, read_only=True, key=key)
    except (OSError, *cipher.Error) as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise CaseRefused(path, f"it cannot be copied to show it ({error})") from None
    return MaskedCase(path=path, conn=conn, read_only=True, analyst=analyst or default_analyst(), copy=copy,
                      bad_values=tuple(bad), key=key)
