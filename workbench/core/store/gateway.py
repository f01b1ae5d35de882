"""Create, check, open and migrate case files, and write to them: one transaction and one audit row per change.

A case file from someone else is untrusted input. `open_case` reads the header with plain
file I/O, then checks the database on a read-only, immutable connection (schema compared
with the exact DDL our migrations create, quick_check, foreign_key_check) before anything
opens it for writing; a refused file is never written to.
"""

from __future__ import annotations

import functools
import getpass
import json
import operator
import re
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core import kept
from workbench.core.atomic import protect, unprotect
from workbench.core.errors import CaseError
from workbench.core.model import RECORD_TYPES, Record
from workbench.core.rules import check as check_record
from workbench.core.rules import check_many
from workbench.core.store import cipher, verified
from workbench.core.store.changes import ChangeLog, Changes
from workbench.core.store.checks import (
    ENCRYPTED_CACHE_KIB,
    _connect,
    case_key,
    check_case,
    harden,
    is_writable,
    schema_problem,
)
from workbench.core.store.errors import CaseBusy, CaseReadOnly, CaseRefused, SearchIndexDamaged, StaleJournal
from workbench.core.store.migrate import apply_migrations, schema_version
from workbench.core.store.search import best_rowids, fts_query
from workbench.core.store.tables import (
    APPLICATION_ID,
    AUDIT_DETAIL_ROWS,
    BULK_CACHE_KIB,
    BULK_REDO_ROWS,
    COUNTED_TABLES,
    FTS_COLUMNS,
    LINK_TABLES,
    RECORD_TABLES,
    _check_link_or_keyed,
    _check_table,
    _column_list,
    _quote,
    introspect,
)
from workbench.core.store.values import remember_clean
from workbench.core.times import now_stamp, parse_utc


def default_analyst() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


SPAN_KEPT, SPAN_FORMAT = "span", 1  # date_range's answer, kept for the next opening of the same bytes


def _span_read_back(digest: str) -> tuple[str, str] | None:
    """A kept span: two stored UTC times, the first not after the second; None when none is kept or it is not
    sound (then it is read again; a case with no events keeps none, and reads nothing to know it)."""
    found = kept.read_value(SPAN_KEPT, digest, SPAN_FORMAT)
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(text, str) for text in found)):
        return None
    try:
        low, high = (parse_utc(text) for text in found)
    except ValueError:
        return None
    return (found[0], found[1]) if low <= high else None


def _keep_span(digest: str, span: tuple[str, str] | None) -> None:
    """Keep a span for the next opening; a case with no events keeps none (reading it back would read it again)."""
    if span is not None:
        kept.write_value(SPAN_KEPT, digest, SPAN_FORMAT, span)


@dataclass
class Case:
    """An open case file: the one gateway through which everything reads and writes it."""

    path: Path
    conn: sqlite3.Connection
    read_only: bool = False
    analyst: str = field(default_factory=default_analyst)
    listeners: list[Callable[[Changes], None]] = field(default_factory=list)
    _depth: int = 0
    # One log per open transaction scope, outermost first: each scope knows what it wrote.
    _logs: list[ChangeLog] = field(default_factory=list)
    # The Changes announced by the last committed transaction (what an operation returns).
    last_changes: Changes = field(default_factory=Changes)
    # WAL is switched on at the first write, so that opening and closing a case without
    # changing it (a look, a screenshot, a briefing) leaves the file byte-for-byte as it was.
    _wal: bool = False
    # While an undoable action runs, every primitive write is noted here (see `recording`).
    _journal: list[tuple[Any, ...]] | None = None
    # Whether the file held no value the app cannot read when opened (store.values): then, as every write obeys
    # core.rules, it holds none when closed, and the next open need not read it for values again.
    values_checked: bool = False
    # The whole-file checks (store.verified: STRUCTURE, SEARCH) the file passed as it was opened, or that a new case
    # passes: then, as this app's writes keep it so, its bytes are remembered as sound when it is closed.
    sound: set[str] = field(default_factory=set)
    # date_range's answer and the (changes made here, data_version) it was read at.
    _span: tuple[tuple[int, int], tuple[str, str] | None] | None = field(default=None, repr=False)
    # The schema cookie when the schema was last found ours: a write re-checks the schema when it moved.
    _schema_cookie: int | None = None
    # An encrypted case's password (None: a plain case), for the second connections and the copies made of it;
    # kept out of repr so that no log or traceback shows it.
    key: str | None = field(default=None, repr=False)
    # The SHA-256 digest of the file as open_case checked it (store.verified) and PRAGMA data_version then: while
    # neither this connection nor another has written, the data is what those bytes hold (`unchanged_digest`).
    _opened: tuple[str, int] | None = field(default=None, repr=False)
    # Reads started ahead (`read_ahead`): read -> (the version they started at, what waits for the answer).
    _ahead: dict[Callable[[Case], Any], tuple[tuple[int, int], Callable[[], Any]]] = field(
        default_factory=dict, repr=False)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def unchanged_digest(self) -> str | None:
        """The digest of the bytes this case was opened from, while nothing has been written to it since (by this
        connection or any other); None otherwise, or when the opening knew no digest. What is read from the case
        meanwhile is a function of that digest, so work derived from it may be kept under it (core.timeline)."""
        if self._opened is None or self.conn is None or self.conn.total_changes or self.conn.in_transaction:
            return None
        digest, version = self._opened
        return digest if self.conn.execute("PRAGMA data_version").fetchone()[0] == version else None

    def __post_init__(self) -> None:
        protect(self.path)  # no export may write over an open case (core.atomic)
        if not self.read_only:  # a file left in WAL by an unclean exit goes back to one file on close
            self._wal = self.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    @functools.cached_property
    def db(self) -> Any:
        """The same connection as a `sqlite_utils.Database` (see `store.tables.introspect`), for scripts."""
        return introspect(self.conn)

    def open_reader(self) -> Case:
        """A second, read-only connection to this case for work on another thread.

        The file was checked when it was opened, so this skips the checks; it sees every
        change committed so far (a snapshot per query, as SQLite gives readers).
        """
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = cipher.connect(uri, key=self.key, uri=True, isolation_level=None, check_same_thread=False)
        harden(conn, path=self.path)
        if self.key is not None:  # decrypted pages kept, as on the case's own connection (store.checks._connect)
            conn.execute(f"PRAGMA cache_size = {-ENCRYPTED_CACHE_KIB}")
        return Case(path=self.path, conn=conn, read_only=True, analyst=self.analyst, key=self.key)

    def read_beside(self, read: Callable[[Case], Any]) -> Callable[[], Any]:
        """Start `read(reader)` on a second, read-only connection (`open_reader`) on a thread of its own, and give
        back what waits for its answer. SQLite lets go of the interpreter while it steps through a query, so on two
        cores a long one there overlaps what the caller reads meanwhile. Where no second connection can be opened
        (a file being replaced), `read` runs on this connection when its answer is asked for, on the asking thread.
        """
        def on_reader() -> tuple[bool, Any]:
            try:
                reader = self.open_reader()
            except Exception:  # noqa: BLE001 - no second connection: read on this one when asked
                return False, None
            try:
                return True, read(reader)
            finally:
                reader.close()

        pool = ThreadPoolExecutor(max_workers=1)
        future = pool.submit(on_reader)
        pool.shutdown(wait=False)

        def answer() -> Any:
            read_there, found = future.result()
            return found if read_there else read(self)

        return answer

    def _version(self) -> tuple[int, int] | None:
        """(changes made on this connection, PRAGMA data_version): both stay put while nobody writes the case;
        None inside a transaction, whose reads may yet be rolled back."""
        if self.conn.in_transaction:
            return None
        return self.conn.total_changes, self.conn.execute("PRAGMA data_version").fetchone()[0]

    def read_ahead(self, *reads: Callable[[Case], Any]) -> None:
        """Start each read on a second connection of its own now (`read_beside`), for `reading` to collect later:
        an opening starts the reads its views will wait for, and they overlap the imports and layout meanwhile."""
        version = self._version()
        if version is None:
            return
        for read in reads:
            self._ahead[read] = (version, self.read_beside(read))

    def reading(self, read: Callable[[Case], Any], *, beside: bool = False) -> Callable[[], Any]:
        """What waits for `read`'s answer on this case as it is now: the read started ahead if nothing has been
        written since it started; else, with `beside`, one started now on a second connection, and without,
        `read` on this connection when the answer is asked for."""
        started = self._ahead.pop(read, None)
        if started is not None and started[0] == self._version():
            return started[1]
        if beside:
            return self.read_beside(read)
        return lambda: read(self)

    def open_writer(self) -> Case:
        """A second, writable connection to this case, for a long write on a worker thread.

        It records and announces nothing to this case's listeners: the worker returns the
        journal and `Changes` of its transaction, and the UI thread hands the Changes to
        `announce` on this case once the write has committed. Close it on the worker.
        """
        self._require_writable()
        if not self._wal:  # readers on the UI thread keep reading while the writer writes
            self.conn.execute("PRAGMA journal_mode = WAL")
            self._wal = True
        conn = _connect(self.path, read_only=False, key=self.key)
        conn.execute("PRAGMA busy_timeout = 5000")
        return Case(path=self.path, conn=conn, read_only=False, analyst=self.analyst, _wal=True, key=self.key)

    # context manager / lifetime
    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoint and leave a single self-contained file (no -wal beside it) to carry away."""
        if self.conn is None:
            return
        try:
            if self._wal:
                self.conn.execute("PRAGMA optimize")
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.conn.execute("PRAGMA journal_mode = DELETE")
        except cipher.Error:
            pass  # the WAL is still valid and is replayed on the next open
        finally:
            self.conn.close()
            self.conn = None  # type: ignore[assignment]
            unprotect(self.path)
        if self.values_checked and not self.read_only:
            remember_clean(self.path)
        if self.sound and self._wal and not self.read_only:  # written: its new bytes are as sound as the old
            verified.remember(verified.content_digest(self.path), self.sound)

    @property
    def closed(self) -> bool:
        return self.conn is None

    # notifications
    def subscribe(self, listener: Callable[[Changes], None]) -> None:
        self.listeners.append(listener)

    def unsubscribe(self, listener: Callable[[Changes], None]) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def note_changed(self, table: str, action: str, ids: Iterable[str] = (), origin: object = None) -> None:
        """Count a write in this transaction's Changes (for operations that write a table with
        SQL of their own, such as chart positions); action: insert, update, delete or bulk insert."""
        ids = tuple(ids)
        for log in self._logs:
            log.note(table, action, ids, origin)

    def announce(self, changes: Changes) -> None:
        """Tell the listeners of one committed change (made here, or on a writer connection of this case)."""
        self.last_changes = changes
        if changes:
            for listener in list(self.listeners):
                listener(changes)

    # transactions
    @contextmanager
    def transaction(self, origin: object = None,
                    waiting: Callable[[float], None] | None = None) -> Iterator[ChangeLog]:
        """One transaction; nested calls join the outer one. Yields the log of this scope's writes.

        After COMMIT the listeners hear of everything the transaction wrote once, as one
        `Changes` (also kept as `last_changes`). `origin` names who asked; the outermost scope
        that names anyone wins. A nested scope's log (`scope.changes()`) holds its own writes,
        which is what an operation returns when it runs inside a larger one (an undo step).
        """
        self._require_writable()
        if self._depth == 0:
            self._begin(waiting)
            self._logs = []
        scope = ChangeLog()
        scope.origin = origin if origin is not None else (self._logs[0].origin if self._logs else None)
        if origin is not None and self._logs and self._logs[0].origin is None:
            self._logs[0].origin = origin
        self._logs.append(scope)
        self._depth += 1
        try:
            yield scope
        except BaseException:
            self._depth -= 1
            self._logs.pop()
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
                self._logs = []
            raise
        self._depth -= 1
        self._logs.pop()
        if self._depth == 0:
            self.conn.execute("COMMIT")
            self.announce(scope.changes())

    def _begin(self, waiting: Callable[[float], None] | None) -> None:
        """(WAL on, then) BEGIN IMMEDIATE: CaseBusy when another program holds the write lock past the busy timeout,
        or, with `waiting`, wait on (calling waiting(seconds so far) after each timeout) until it is ours."""
        started = time.monotonic()
        timeout = self.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        if waiting is not None:  # short tries, so the caller hears soon that we wait
            self.conn.execute("PRAGMA busy_timeout = 500")
        try:
            while True:
                try:
                    if not self._wal:  # WAL from the first write on; switching needs the lock too
                        self.conn.execute("PRAGMA journal_mode = WAL")
                        self._wal = True
                    self.conn.execute("BEGIN IMMEDIATE")
                    self._check_schema()
                    return
                except cipher.OperationalError as error:
                    if "locked" not in str(error) and "busy" not in str(error):
                        raise
                    if waiting is None:
                        raise CaseBusy(self.path) from None
                    waiting(time.monotonic() - started)
        finally:
            if waiting is not None:
                self.conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")

    def _check_schema(self) -> None:
        """Inside BEGIN IMMEDIATE: the schema is still ours (another program may have changed it since it
        was checked; our triggers run with trusted_schema on), else roll back and refuse."""
        cookie = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        if cookie == self._schema_cookie:
            return
        problem = schema_problem(self.conn)
        if problem:
            self.conn.execute("ROLLBACK")
            raise CaseRefused(self.path, f"{problem} (changed by another program since it was opened)")
        self._schema_cookie = cookie

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @property
    def is_recording(self) -> bool:
        """Whether an undoable action is noting every write (see `recording`)."""
        return self._journal is not None

    def journal_entry(self, entry: tuple[Any, ...]) -> None:
        """Note a write made with SQL of its own in the undo journal, if one is recording.

        Only kinds `_apply` knows may be noted: ("keyed", table, key, old rows, new rows).
        """
        if self._journal is not None:
            self._journal.append(entry)

    def _require_writable(self) -> None:
        if self.read_only:
            raise CaseReadOnly(self.path)

    def audit(self, action: str, table: str, record_id: str, old: Any, new: Any, summary: str = "") -> None:
        self.conn.execute(
            "INSERT INTO audit (at, who, action, table_name, record_id, old, new, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now_stamp(), self.analyst, action, table, record_id,
                None if old is None else json.dumps(old, ensure_ascii=False, default=_blob_text),
                None if new is None else json.dumps(new, ensure_ascii=False, default=_blob_text),
                summary,
            ),
        )

    # meta
    def meta(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def all_meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta ORDER BY key"))

    def set_meta(self, key: str, value: str, origin: object = None) -> None:
        with self.transaction():
            old = self.meta(key, default=None)  # type: ignore[arg-type]
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            self.audit("update" if old is not None else "insert", "meta", key, old, value)
            if self._journal is not None:
                self._journal.append(("meta", "meta", key, old, value))
            self.note_changed("meta", "update", (key,), origin)

    @property
    def title(self) -> str:
        return self.meta("title") or self.path.stem

    @property
    def classification(self) -> str:
        return self.meta("classification")

    # records
    def get(self, table: str, record_id: str) -> dict[str, Any] | None:
        _check_table(table)
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (record_id,))
        row = cursor.fetchone()
        return None if row is None else _row_dict(cursor, row, drop_seq=True)

    def record(self, table: str, record_id: str) -> Record | None:
        row = self.get(table, record_id)
        return None if row is None else RECORD_TYPES[table].from_row(row)

    def records(self, table: str, order_by: str | None = None) -> list[Record]:
        _check_table(table)
        record_type = RECORD_TYPES[table]
        return [record_type.from_row(row) for row in self.rows(table, order_by=order_by)]

    def rows(
        self, table: str, order_by: str | None = None, where: str = "", params: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        """Rows of a table as dicts, in insertion order (join tables: by their key) unless told."""
        _check_table(table, allow_links=True)
        order_by = order_by or (", ".join(LINK_TABLES[table]) if table in LINK_TABLES else "rowid")
        if not re.fullmatch(r"[\w\", ]+( (ASC|DESC))?", order_by):
            raise ValueError(f"bad order_by {order_by!r}")
        sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "") + f" ORDER BY {order_by}"
        cursor = self.conn.execute(sql, params)
        return [_row_dict(cursor, row, drop_seq=True) for row in cursor.fetchall()]

    def insert(self, table: str, values: dict[str, Any] | Record, origin: object = None,
               validate: bool = True) -> str:
        """Insert one record (id and stamps filled in when absent); returns its id.

        The record must pass `core.rules` (InvalidRecord names each bad field); undo and redo,
        which put back rows exactly as they were, pass validate=False.
        """
        _check_table(table)
        row = _prepare(table, values)
        if validate:
            check_record(table, row)
        with self.transaction():
            columns = list(row)
            self.conn.execute(
                f"INSERT INTO {table} ({_column_list(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [row[c] for c in columns],
            )
            self.audit("insert", table, row["id"], None, row)
            if self._journal is not None:
                self._journal.append(("insert", table, self.get(table, row["id"])))
            self.note_changed(table, "insert", (row["id"],), origin)
        return row["id"]

    def update(
        self, table: str, record_id: str, changes: dict[str, Any], origin: object = None, stamp: str | None = None,
        validate: bool = True,
    ) -> dict[str, Any]:
        """Change some columns of one record; returns the old values of those columns.

        `updated_at` becomes now, or `stamp` (undo puts the old stamp back with it).
        """
        _check_table(table)
        changes = {k: v for k, v in changes.items() if k not in ("id", "created_at", "seq")}
        if isinstance(changes.get("aliases"), list):
            changes["aliases"] = json.dumps(changes["aliases"], ensure_ascii=False)
        with self.transaction():
            current = self.get(table, record_id)
            if current is None:
                raise CaseError(f"There is no {table[:-1]} with id {record_id} in this case.")
            unknown = set(changes) - set(current)
            if unknown:
                raise ValueError(f"{table} has no column {sorted(unknown)[0]!r}")
            if validate:
                check_record(table, {**current, **changes})
            old = {k: current[k] for k in changes if k != "updated_at"}
            previous_stamp = current["updated_at"]
            changes.pop("updated_at", None)
            changes["updated_at"] = stamp or now_stamp()
            self.conn.execute(
                f"UPDATE {table} SET {', '.join(f'{_quote(c)} = ?' for c in changes)} WHERE id = ?",
                [*changes.values(), record_id],
            )
            self.audit("update", table, record_id, old, {k: changes[k] for k in old})
            if self._journal is not None:
                self._journal.append(("update", table, record_id, {**old, "updated_at": previous_stamp},
                                      dict(changes)))
            self.note_changed(table, "update", (record_id,), origin)
        return old

    def delete(self, table: str, record_id: str, origin: object = None) -> dict[str, Any]:
        """Delete one record and what hangs on it (citations, links, notes...); returns the record.

        Dependents are removed through this same gateway, not left to SQLite's ON DELETE
        CASCADE, so each is audited, leaves the search index, and can be restored by undo.
        """
        _check_table(table)
        with self.transaction():
            current = self.get(table, record_id)
            if current is None:
                raise CaseError(f"There is no {table[:-1]} with id {record_id} in this case.")
            for child, column, action in self._referencing(table):
                if child not in RECORD_TABLES:  # a join table, or any table keyed by its columns
                    keys = self._keys(child)
                    rows = self.conn.execute(
                        f"SELECT {_column_list(keys)} FROM {child} WHERE {_quote(column)} = ?", (record_id,)
                    ).fetchall()
                    for row in rows:
                        self.unlink(child, dict(zip(keys, row, strict=True)), origin=origin)
                    continue
                for (child_id,) in self.conn.execute(
                    f"SELECT id FROM {child} WHERE {_quote(column)} = ?", (record_id,)
                ).fetchall():
                    if action == "CASCADE":
                        self.delete(child, child_id, origin=origin)
                    elif action == "SET NULL":
                        self.update(child, child_id, {column: None}, origin=origin, validate=False)
            if self._journal is not None:
                self._journal.append(("delete", table, current))
            self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
            self.audit("delete", table, record_id, current, None)
            self.note_changed(table, "delete", (record_id,), origin)
        return current

    def link(self, table: str, values: dict[str, Any], origin: object = None) -> None:
        """Add a row to a join table (event_actors, event_places, footnotes)."""
        keys = self._keys(table)
        with self.transaction():
            if self._journal is not None:  # INSERT OR REPLACE: a row it replaces must come back on undo
                where = " AND ".join(f"{_quote(k)} = ?" for k in keys)
                cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", [values[k] for k in keys])
                for row in cursor.fetchall():
                    self._journal.append(("unlink", table, _row_dict(cursor, row)))
            columns = list(values)
            self.conn.execute(
                f"INSERT OR REPLACE INTO {table} ({_column_list(columns)}) VALUES ({', '.join('?' * len(columns))})",
                list(values.values()),
            )
            self.audit("insert", table, "/".join(str(values[k]) for k in keys), None, values)
            if self._journal is not None:
                self._journal.append(("link", table, dict(values)))
            self.note_changed(table, "insert", (str(values[keys[0]]),), origin)

    def unlink(self, table: str, values: dict[str, Any], origin: object = None) -> None:
        keys = self._keys(table)
        with self.transaction():
            if self._journal is not None:
                where = " AND ".join(f"{_quote(k)} = ?" for k in keys)
                cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", [values[k] for k in keys])
                for row in cursor.fetchall():
                    self._journal.append(("unlink", table, _row_dict(cursor, row)))
            self.conn.execute(
                f"DELETE FROM {table} WHERE {' AND '.join(f'{k} = ?' for k in keys)}",
                [values[k] for k in keys],
            )
            self.audit("delete", table, "/".join(str(values[k]) for k in keys), values, None)
            self.note_changed(table, "delete", (str(values[keys[0]]),), origin)

    # undo support: a journal of primitive writes that can be replayed or reverted exactly
    @contextmanager
    def recording(self, origin: object = None) -> Iterator[list[tuple[Any, ...]]]:
        """Note every primitive write made inside, in order, in one transaction.

        The journal holds whole rows (old and new), so `revert` puts the case back exactly as
        it was (ids and stamps included) and `replay` redoes the same writes.
        """
        if self._journal is not None:  # nested: the outer recording already notes everything
            yield self._journal
            return
        journal: list[tuple[Any, ...]] = []
        with self.transaction(origin):
            self._journal = journal
            try:
                yield journal
            finally:
                self._journal = None

    def replay(self, journal: list[tuple[Any, ...]], origin: object = None) -> None:
        """Redo: the journal's writes again, in order; StaleJournal (nothing written) if another
        writer changed one of its records since the undo."""
        with self.transaction(origin):
            for entry in journal:
                self._expect(entry, forward=True)
                self._apply(entry, forward=True, origin=origin)

    def revert(self, journal: list[tuple[Any, ...]], origin: object = None) -> None:
        """Undo: the journal's writes taken back, last first; StaleJournal (nothing written) if another
        writer changed one of its records since, rather than overwrite that change."""
        with self.transaction(origin):
            for entry in reversed(journal):
                self._expect(entry, forward=False)
                self._apply(entry, forward=False, origin=origin)

    def _expect(self, entry: tuple[Any, ...], forward: bool) -> None:
        """Raise StaleJournal unless the record an entry rewrites is as the journal left it."""
        kind, table = entry[0], entry[1]
        if kind == "bulk":
            self._expect_bulk(table, entry[2], entry[3], forward)
        elif kind in ("insert", "delete"):
            row = entry[2]
            current = self.get(table, row["id"])
            goes = (kind == "insert") != forward  # this step removes the row the journal wrote
            if goes and (current is None or current["updated_at"] != row["updated_at"]):
                raise StaleJournal(table, row, "was changed or deleted")
            if not goes and current is not None:
                raise StaleJournal(table, current, "was added again")
        elif kind == "update":
            record_id, old, new = entry[2], entry[3], entry[4]
            current = self.get(table, record_id)
            stamp = (old if forward else new).get("updated_at")
            if current is None or (stamp is not None and current["updated_at"] != stamp):
                raise StaleJournal(table, current or {"id": record_id}, "was changed or deleted")
        elif kind == "meta":
            key, old, new = entry[2], entry[3], entry[4]
            if self.meta(key, default=None) != (old if forward else new):  # type: ignore[arg-type]
                raise StaleJournal("meta", {"id": key, "name": key}, "was changed")

    def _expect_bulk(self, table: str, names: list[tuple[Any, ...]], rows: list[dict[str, Any]] | None,
                     forward: bool) -> None:
        if forward:
            if rows is None:
                raise CaseError(f"The {len(names)} rows written to {table} in bulk were too many to keep for redo; "
                                "nothing was changed: import the file again.")
            if table not in LINK_TABLES:
                for chunk in _chunks([name[0] for name in names], 500):
                    found = self.conn.execute(f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(chunk))}) "
                                              "LIMIT 1", chunk).fetchone()
                    if found is not None:
                        raise StaleJournal(table, self.get(table, found[0]) or {"id": found[0]}, "was added again")
            return
        if table in LINK_TABLES:
            return  # join rows have no stamp; a missing one is simply not deleted again
        stamps = dict(names)
        seen = 0
        for chunk in _chunks(list(stamps), 500):
            for record_id, stamp in self.conn.execute(
                    f"SELECT id, updated_at FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                seen += 1
                if stamp != stamps[record_id]:
                    raise StaleJournal(table, self.get(table, record_id) or {"id": record_id}, "was changed")
        if seen != len(stamps):
            raise StaleJournal(table, {"id": f"{len(stamps) - seen} of {len(stamps)} rows"}, "were deleted")

    def _apply_bulk(self, table: str, names: list[tuple[Any, ...]], rows: list[dict[str, Any]] | None,
                    forward: bool, origin: object) -> None:
        if forward:
            self.bulk_insert(table, rows or [], origin=origin)
            return
        keys = LINK_TABLES.get(table, ("id",))
        if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", c) for c in (table, *keys)):
            raise ValueError(f"bad table or column name {table!r}")
        where = " AND ".join(f"{key} = ?" for key in keys)
        # One statement for them all (the search index's triggers take each row out of the index).
        self.conn.executemany(f"DELETE FROM {table} WHERE {where}",
                              [name if table in LINK_TABLES else (name[0],) for name in names])
        self.audit("delete", table, "", None, None, summary=f"undo of a bulk insert: {len(names)} rows")
        self.note_changed(table, "bulk insert", (), origin)  # as after a bulk write: the views reload the table

    def _apply(self, entry: tuple[Any, ...], forward: bool, origin: object) -> None:
        kind, table = entry[0], entry[1]
        if kind == "bulk":
            self._apply_bulk(table, entry[2], entry[3], forward, origin)
            return
        if kind == "keyed":  # rows of a table keyed by one column: {key: row or None}
            key, rows = entry[2], entry[4 if forward else 3]
            self.put_keyed(table, key, rows, origin=origin)
            return
        if kind == "meta":
            key, old, new = entry[2], entry[3], entry[4]
            value = new if forward else old
            if value is None:
                self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
                self.audit("delete", "meta", key, new, None, summary="undo")
                self.note_changed("meta", "update", (key,), origin)
            else:
                self.set_meta(key, value, origin=origin)
            return
        if kind in ("insert", "delete"):
            row = entry[2]
            if (kind == "insert") == forward:
                self.insert(table, row, origin=origin, validate=False)
            else:
                self._delete_one(table, row["id"], origin)
        elif kind == "update":
            record_id, old, new = entry[2], entry[3], entry[4]
            values = dict(new if forward else old)
            stamp = values.pop("updated_at", None)
            self.update(table, record_id, values, origin=origin, stamp=stamp, validate=False)
        elif kind in ("link", "unlink"):
            if (kind == "link") == forward:
                self.link(table, entry[2], origin=origin)
            else:
                self.unlink(table, entry[2], origin=origin)

    def put_keyed(self, table: str, key: str, rows: dict[str, dict[str, Any] | None], origin: object = None,
                  summary: str = "") -> None:
        """Set or (for None) remove rows of a table keyed by one column, such as chart positions.

        One audit row for all of them; the undo journal gets the rows as they were and are.
        """
        if not rows:
            return
        _check_link_or_keyed(table, key)
        with self.transaction(origin):
            ids = json.dumps(list(rows))
            cursor = self.conn.execute(
                f"SELECT * FROM {table} WHERE {_quote(key)} IN (SELECT value FROM json_each(?))", (ids,))
            old: dict[str, dict[str, Any] | None] = dict.fromkeys(rows)
            for found in cursor.fetchall():
                row = _row_dict(cursor, found)
                old[row[key]] = row
            puts = [row for row in rows.values() if row is not None]
            if puts:
                columns = list(puts[0])
                self.conn.executemany(
                    f"INSERT OR REPLACE INTO {table} ({_column_list(columns)}) "
                    f"VALUES ({', '.join(f':{c}' for c in columns)})", puts)
            self.conn.executemany(f"DELETE FROM {table} WHERE {_quote(key)} = ?",
                                  [(k,) for k, row in rows.items() if row is None])
            detail = len(rows) <= AUDIT_DETAIL_ROWS
            self.audit("update", table, next(iter(rows)) if len(rows) == 1 else "",
                       old if detail else None, dict(rows) if detail else None,
                       summary=summary or f"{len(rows)} rows of {table}")
            self.journal_entry(("keyed", table, key, old, dict(rows)))
            self.note_changed(table, "update", tuple(rows), origin)

    def _delete_one(self, table: str, record_id: str, origin: object) -> None:
        """Delete a record whose dependents are already gone (undoing its insert)."""
        with self.transaction():
            current = self.get(table, record_id)
            if current is None:
                return
            self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,))
            self.audit("delete", table, record_id, current, None, summary="undo")
            self.note_changed(table, "delete", (record_id,), origin)

    def _keys(self, table: str) -> tuple[str, ...]:
        """The columns that name one row of a join table (its primary key)."""
        if table in LINK_TABLES:
            return LINK_TABLES[table]
        if table in RECORD_TABLES or not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(f"{table} is not a join table")
        info = self.conn.execute(f"PRAGMA table_info({table})").fetchall()
        keys = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
        if not keys:
            raise ValueError(f"{table} is not a join table")
        return keys

    def _referencing(self, table: str) -> list[tuple[str, str, str]]:
        """(child table, column, ON DELETE action) for every foreign key pointing at `table`.id."""
        cache = self.__dict__.setdefault("_fk_cache", {})
        if not cache:
            names = [name for (name,) in self.conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%_fts%'")]
            for child in names:
                for fk in self.conn.execute(f"PRAGMA foreign_key_list({_quote(child)})").fetchall():
                    # id, seq, table, from, to, on_update, on_delete, match
                    cache.setdefault(fk[2], []).append((child, fk[3], fk[6].upper()))
        return cache.get(table, [])

    def dependents(self, table: str, record_ids: Iterable[str]) -> dict[str, int]:
        """What deleting these records would take with them: table -> number of rows (the records excluded)."""
        record_ids = list(record_ids)
        counts: dict[str, int] = {}
        seen: set[tuple[str, str]] = set()

        def walk(parent: str, parent_id: str) -> None:
            for child, column, action in self._referencing(parent):
                if action != "CASCADE":
                    continue
                if child not in RECORD_TABLES:
                    (n,) = self.conn.execute(
                        f"SELECT count(*) FROM {child} WHERE {_quote(column)} = ?", (parent_id,)).fetchone()
                    counts[child] = counts.get(child, 0) + n
                    continue
                for (child_id,) in self.conn.execute(
                    f"SELECT id FROM {child} WHERE {_quote(column)} = ?", (parent_id,)
                ).fetchall():
                    if (child, child_id) not in seen:
                        seen.add((child, child_id))
                        counts[child] = counts.get(child, 0) + 1
                        walk(child, child_id)

        for record_id in record_ids:
            seen.add((table, record_id))
        for record_id in record_ids:
            walk(table, record_id)
        return {name: n for name, n in counts.items() if n}

    def bulk_insert(self, table: str, rows: Iterable[dict[str, Any]], origin: object = None) -> int:
        """Insert many rows of one table fast: one statement, one transaction, one audit row.

        Every row must have the same keys as the first; ids and stamps are filled in when absent.
        """
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        if table in LINK_TABLES:
            columns = list(first)
            prepared: Iterable[dict[str, Any]] = _chain(first, iterator)
        else:
            _check_table(table)
            stamp = now_stamp()
            columns = list(_prepare(table, first, stamp))
            # Every row must pass the rules, as a record inserted one at a time does: all checked before the
            # first is written, a few thousand at a time (rules.check_many), the first refused one raising.
            prepared = list(_complete_rows(table, _chain(first, iterator), stamp))
            check_many(table, prepared)
        if not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", c) for c in columns):
            raise ValueError(f"bad column name among {columns!r}")
        # Each row's values picked in C by an itemgetter and bound by position (extra keys are ignored): binding
        # by name makes a string of every column's name for every row (half the binding time of 100k rows).
        sql = f"INSERT INTO {table} ({_column_list(columns)}) VALUES ({', '.join('?' * len(columns))})"
        pick = operator.itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
        journal = self._journal
        if journal is not None:
            # Undoable: the journal names every row written, by key (record tables: id and stamp), and
            # keeps the rows themselves for redo while a journal holds fewer than BULK_REDO_ROWS;
            # beyond that (an event table of 90k rows would keep hundreds of MB) undo still deletes
            # them all in one transaction, and the step says it cannot be redone.
            prepared = list(prepared)
            keys = LINK_TABLES.get(table, ("id",))
            if table in LINK_TABLES:
                names: list[tuple[Any, ...]] = [tuple(row[k] for k in keys) for row in prepared]
            else:
                names = [(row["id"], row["updated_at"]) for row in prepared]
            bulk = [i for i, entry in enumerate(journal) if entry[0] == "bulk"]
            kept = sum(len(journal[i][3]) for i in bulk if journal[i][3] is not None)
            rows = prepared if kept + len(prepared) <= BULK_REDO_ROWS and replayable(journal) else None
            if rows is None:  # the journal cannot be redone now: the rows kept so far are of no use
                for i in bulk:
                    journal[i] = (*journal[i][:3], None)
            journal.append(("bulk", table, names, rows))
        with self.transaction():
            # Random UUID keys scatter index writes; with the default 2 MB page cache, pages are
            # evicted and rewritten many times (a third of the time of 100k rows). Widen it meanwhile.
            cache_size = self.conn.execute("PRAGMA cache_size").fetchone()[0]
            self.conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
            try:
                with self._indexes_after(table), self._search_index_after(table, columns):
                    try:
                        cursor = self.conn.executemany(sql, map(pick, prepared))
                    except KeyError as missing:  # only the itemgetter looks keys up
                        raise ValueError(f"a row of {table} has no value for the column {missing}; every row "
                                         "needs the first row's keys") from None
                    count = cursor.rowcount
            finally:
                self.conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            self.audit("bulk insert", table, "", None, None, summary=f"{count} rows")
            self.note_changed(table, "bulk insert", (), origin)
        return count

    @contextmanager
    def _indexes_after(self, table: str) -> Iterator[None]:
        """Inside a transaction, into an empty table: the table's own lookup indexes are built once after the body's
        rows, not grown a row at a time (random ids and times scatter those inserts over the index: half of a 100k-event
        restore). They are dropped meanwhile and made again with their exact text, all in the same transaction, also
        after a failure; unique indexes and keys stay, so a duplicate is still refused as it is inserted."""
        indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE %'", (table,)).fetchall()
        if not indexes or self.conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
            yield  # a table that holds rows keeps its indexes: building them again would cost more than it saves
            return
        for name, _sql in indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        try:
            yield
        finally:
            for _name, sql in indexes:
                self.conn.execute(sql)
        # Our own change, back to the schema as checked: the next BEGIN need not check it again.
        self._schema_cookie = self.conn.execute("PRAGMA schema_version").fetchone()[0]

    @contextmanager
    def _search_index_after(self, table: str, columns: list[str]) -> Iterator[None]:
        """Inside a transaction: the rows the body inserts into `table` are indexed for search in one
        statement after it, not one at a time by the insert trigger (which took three quarters of a
        100k-row bulk insert). The trigger is dropped meanwhile and put back with its exact text, all
        in the same transaction: a rollback undoes both, and the schema is exactly ours again at its end."""
        trigger = self.conn.execute("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?",
                                    (f"{table}_ai",)).fetchone()
        if table not in FTS_COLUMNS or "seq" in columns or trigger is None:
            yield  # rows that bring their own seq may fall below the last one: the trigger indexes them
            return
        (last,) = self.conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()
        self.conn.execute(f'DROP TRIGGER "{table}_ai"')
        try:
            yield
        finally:  # also after a failure, in case the caller goes on with the transaction
            indexed = _column_list(list(FTS_COLUMNS[table]))
            self.conn.execute(f'INSERT INTO "{table}_fts" (rowid, {indexed}) '
                              f"SELECT seq, {indexed} FROM {table} WHERE seq > ?", (last,))
            self.conn.execute(trigger[0])
        # Our own change, back to the schema as checked: the next BEGIN need not check it again.
        self._schema_cookie = self.conn.execute("PRAGMA schema_version").fetchone()[0]

    # the search index: kept in step by its triggers (schema/0004_search_index.sql)
    def rebuild_search_index(self) -> None:
        """Rebuild every FTS index from its table (repair after an outside tool wrote the file)."""
        with self.transaction():
            for table in FTS_COLUMNS:
                self.conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")

    def search_index_ok(self) -> bool:
        """Whether every FTS index matches its table (FTS5's own integrity-check, rank 1)."""
        conn = self.conn
        if self.read_only:
            # The check is spelled as an INSERT, which a read-only connection refuses to prepare.
            conn = cipher.connect(":memory:", key=self.key, isolation_level=None)  # SQLCipher copies to a like key
            self.conn.backup(conn)
        try:
            for table in FTS_COLUMNS:
                conn.execute(f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)")
        except cipher.DatabaseError:
            return False
        finally:
            if conn is not self.conn:
                conn.close()
        return True

    def save_copy(self, destination: Path | str) -> Path:
        """Write a consistent copy of the case (SQLite backup API) to a temporary file, check it,
        then rename it into place, so a failure never leaves a half-written file at `destination`."""
        from workbench.core.atomic import atomic_path

        destination = Path(destination)
        if destination.resolve() == self.path.resolve():
            raise CaseError("A copy cannot overwrite the open case itself; choose another name.")
        try:
            with atomic_path(destination) as partial:
                target = cipher.connect(partial, key=self.key, isolation_level=None)  # a copy encrypted alike
                try:
                    self.conn.backup(target)
                    target.execute("PRAGMA journal_mode = DELETE")
                finally:
                    target.close()
                check_case(partial, key=self.key)
        except (OSError, *cipher.Error) as error:
            raise CaseError(f"Cannot save a copy to {destination.name}: {error}.") from None
        except CaseRefused as refused:
            raise CaseError(f"The copy written to {destination.name} failed its check: {refused.reason}.") from None
        return destination

    # questions about the whole case
    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}

    def date_range(self) -> tuple[str, str] | None:
        """First start and last end (or start) of the case's events, UTC text; None when empty.

        Kept until this connection writes or another one commits (the last end reads every event, about a second
        at a million: views ask for the span many times while a big case opens), and for the next opening of the
        same bytes (core.kept)."""
        version = self._version()  # None inside a transaction: what it reads now may yet be rolled back
        if version is not None and self._span is not None and self._span[0] == version:
            return self._span[1]
        span = kept.worked_out(SPAN_KEPT, self, _span_read_back, self._read_span, _keep_span)
        self._span = None if version is None else (version, span)
        return span

    def _read_span(self) -> tuple[str, str] | None:
        low, high = self.conn.execute('SELECT min(start), max(coalesce("end", start)) FROM events').fetchone()
        return None if low is None else (low, high)

    def search(self, text: str, limit: int = 200) -> list[tuple[str, str, str]]:
        """Full-text search over events, actors, sources, documents and notes -> (table, id, snippet).

        Where more than `search.RANK_POOL` records of a table match, those added last come first, unranked."""
        query = fts_query(text)
        if not query:
            return []
        hits: list[tuple[str, str, str]] = []
        try:
            for table in FTS_COLUMNS:
                fts = f"{table}_fts"
                rowids, crowded = best_rowids(self.conn, fts, query, limit)
                if not rowids:
                    continue
                # snippet() needs the match itself: read it again over the rows chosen (FTS5 drops a rowid range
                # cheaply, an IN list not)
                newest = f"AND {fts}.rowid >= ? ORDER BY {fts}.rowid DESC" if crowded else "ORDER BY rank"
                hits.extend(
                    (table, record_id, snippet)
                    for record_id, snippet in self.conn.execute(
                        f"SELECT t.id, snippet({fts}, -1, '[', ']', '…', 12) FROM {fts} "
                        f"JOIN {table} t ON t.seq = {fts}.rowid WHERE {fts} MATCH ? {newest} LIMIT ?",
                        (query, *([rowids[-1]] if crowded else []), limit),
                    )
                )
        except cipher.DatabaseError:  # a search index another program damaged
            raise SearchIndexDamaged() from None
        return hits[:limit]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def replayable(journal: list[tuple[Any, ...]]) -> bool:
    """Whether a journal can be redone after an undo: false when a bulk write was too big to keep its rows."""
    return all(entry[0] != "bulk" or entry[3] is not None for entry in journal)


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _complete_rows(table: str, rows: Iterable[dict[str, Any]], stamp: str) -> Iterator[dict[str, Any]]:
    """Rows as given when they already carry an id and stamps (the bulk case); else _prepare'd."""
    for row in rows:
        if not (
            isinstance(row, dict) and row.get("id") and row.get("created_at") and row.get("updated_at")
            and type(row.get("aliases")) is not list
        ):
            row = _prepare(table, row, stamp)
        yield row


def _blob_text(value: Any) -> str:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(type(value).__name__)


def _prepare(table: str, values: dict[str, Any] | Record, stamp: str | None = None) -> dict[str, Any]:
    row = values.to_row() if isinstance(values, Record) else dict(values)
    if not row.get("id"):
        row["id"] = new_id()
    stamp = stamp or now_stamp()
    if not row.get("created_at"):
        row["created_at"] = stamp
    if not row.get("updated_at"):
        row["updated_at"] = row["created_at"]
    if isinstance(row.get("aliases"), list):
        row["aliases"] = json.dumps(row["aliases"], ensure_ascii=False)
    row.pop("seq", None)
    return row


def _row_dict(cursor: sqlite3.Cursor, row: tuple, drop_seq: bool = False) -> dict[str, Any]:
    result = {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
    if drop_seq:
        result.pop("seq", None)
    return result


def new_id() -> str:
    return str(uuid.uuid4())


def open_case(
    path: Path | str, read_only: bool = False, analyst: str | None = None, check_references: bool = True,
    check_values: bool = True, key: str | None = None,
) -> Case:
    """Check a case file and open it; a file that may not be written opens read-only.

    Raises CaseRefused (with a one-sentence reason) and leaves the file untouched when it
    is not a sound case file of a schema this build knows. `check_references=False` opens a
    file whose only fault is dangling references, for workbench.core.repair to mend; `check_values=False`
    one holding values the app cannot read (store.values), for the repair to clear them. `key`: an encrypted
    case's password (default: the one given for it with `cipher.unlock`); PasswordNeeded or WrongPassword
    (both CaseRefused) when it has none or the wrong one.
    """
    path = Path(path)
    key = case_key(path, key)
    version = check_case(path, check_references, check_values, remembered=True, key=key)
    read_only = read_only or not is_writable(path)
    if read_only and version < schema_version():
        raise CaseRefused(
            path, f"it uses the older schema {version} and is read-only, so it cannot be upgraded"
        )
    try:
        conn = _connect(path, read_only, key=key)
    except cipher.Error as error:
        raise CaseRefused(path, f"SQLite cannot open it ({error})") from None
    digest = verified.opened_digest(path)
    opened = None if digest is None else (digest, conn.execute("PRAGMA data_version").fetchone()[0])
    case = Case(path=path, conn=conn, read_only=read_only, analyst=analyst or default_analyst(),
                values_checked=check_values, key=key, sound=set(verified.known(digest)), _opened=opened)
    if version < schema_version():
        try:
            with case.transaction():  # the upgrade and its audit row commit together, or neither does
                apply_migrations(conn)
                case.audit("migrate", "meta", "", version, schema_version(), summary="schema upgraded")
        except BaseException:
            case.close()
            raise
    return case


def create_case(
    path: Path | str,
    title: str,
    classification: str = "UNCLASSIFIED",
    timezone: str = "UTC",
    analyst: str | None = None,
    key: str | None = None,
) -> Case:
    """Create a new, empty case file at `path` (which must not exist); encrypted with the password `key` when
    given (remembered for this process, so that the case opens again by its path)."""
    path = Path(path)
    if path.exists():
        raise CaseError(f"{path.name} already exists; choose another name.")
    if key is not None and not key:
        raise CaseError(f"Cannot create {path.name}: an empty password encrypts nothing.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _connect(path, read_only=False, key=key)
    except (OSError, *cipher.Error) as error:
        raise CaseError(f"Cannot create {path.name}: {error}.") from None
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    apply_migrations(conn)
    if key is not None:
        cipher.remember_password(path, key)
    case = Case(path=path, conn=conn, analyst=analyst or default_analyst(), values_checked=True, key=key,
                sound={verified.STRUCTURE, verified.SEARCH})
    with case.transaction():
        for key, value in (
            ("title", title), ("classification", classification), ("timezone", timezone),
            ("case_id", new_id()), ("created_at", now_stamp()),
            ("created_with", f"Case Workbench (Python {sys.version.split()[0]})"),
        ):
            case.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        case.audit("create", "meta", "", None, {"title": title}, summary="case created")
    return case
