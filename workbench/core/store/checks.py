"""Checks a case file from someone else before anything writes to it: the header read with plain file
I/O, then the database on a read-only connection (schema compared with the exact DDL our migrations
create, quick_check, foreign_key_check); and the connection settings for untrusted files."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import struct
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.core.store import cipher, verified
from workbench.core.store.errors import CaseHoldsBadValues, CaseNeedsRepair, CaseRefused, Dangling
from workbench.core.store.migrate import expected_schema, schema_version
from workbench.core.store.tables import (
    APPLICATION_ID,
    CHECK_SECONDS,
    FTS_SHADOW_SUFFIXES,
    FTS_TABLES,
    MAX_VALUE_BYTES,
    RECORD_TABLES,
    SQLITE_MAGIC,
    _column_list,
    _quote,
)
from workbench.core.store.values import find_bad_values, fingerprint, known_clean, remember_clean

# The page cache of the check of an encrypted case (KiB), for the reason given where it is set.
ENCRYPTED_CHECK_CACHE_KIB = 65536
ENCRYPTED_CACHE_KIB = 65536  # an encrypted case's connections: see _connect
# A check lists at most this many values the app cannot read (Check Case repairs them all).
MAX_BAD_VALUES = 1000


@dataclass
class HeaderInfo:
    page_size: int
    page_count: int
    user_version: int
    application_id: int
    wal: bool
    encrypted: bool = False  # read through SQLCipher with its key: the file itself has no readable header


def read_keyed_header(path: Path, key: str) -> HeaderInfo:
    """The header fields of an encrypted case, read through SQLCipher with `key` (read-only, creating nothing
    when no WAL lies beside it); WrongPassword when the key does not open it."""
    real = path.resolve()
    wal = has_wal(path)
    size = real.stat().st_size
    if size % cipher.CIPHER_PAGE_SIZE:
        raise CaseRefused(path, f"it is truncated or damaged ({size} bytes is not a whole number of pages)")
    uri = f"{real.as_uri()}?mode={'ro' if wal else 'ro&immutable=1'}"
    try:
        conn = cipher.connect(uri, key=key, uri=True, isolation_level=None)
    except cipher.Error as error:
        raise CaseRefused(path, f"SQLite cannot open it ({error})") from None
    try:
        try:
            harden(conn, path=real)
        except cipher.DatabaseError:
            raise cipher.WrongPassword(path) from None
        cipher.verify(conn, path)
        try:
            user_version = conn.execute("PRAGMA user_version").fetchone()[0]
            application_id = conn.execute("PRAGMA application_id").fetchone()[0] & 0xFFFFFFFF
        except cipher.DatabaseError as error:
            raise CaseRefused(path, f"its header is damaged ({error})") from None
    finally:
        conn.close()
    return HeaderInfo(cipher.CIPHER_PAGE_SIZE, size // cipher.CIPHER_PAGE_SIZE, user_version, application_id, wal,
                      encrypted=True)


def read_header(path: Path, key: str | None = None) -> HeaderInfo:
    """Check a file's SQLite header with plain reads; raise CaseRefused naming what is wrong.

    A file with no SQLite header that is named as a case and sized in SQLCipher pages is taken for an encrypted
    case (PasswordNeeded without `key`); with `key`, so is any file with no SQLite header, and its header fields are
    read through SQLCipher (WrongPassword when the key does not open it)."""
    if not path.exists():
        raise CaseRefused(path, "the file does not exist")
    if path.is_dir():
        raise CaseRefused(path, "it is a folder, not a case file")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise CaseRefused(path, f"it cannot be read ({error.strerror or error})") from None
    if size == 0:
        raise CaseRefused(path, "the file is empty (0 bytes)")
    if not header.startswith(SQLITE_MAGIC) and (key is not None or cipher.looks_encrypted(path)):
        if key is None:
            raise cipher.PasswordNeeded(path)
        return read_keyed_header(path, key)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise CaseRefused(path, "it is not a case file (not an SQLite database)")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise CaseRefused(path, "its header is damaged (invalid page size)")
    change_counter, page_count = struct.unpack(">II", header[24:32])
    (valid_for,) = struct.unpack(">I", header[92:96])
    (user_version,) = struct.unpack(">I", header[60:64])
    (application_id,) = struct.unpack(">I", header[68:72])
    wal = header[18] == 2 or header[19] == 2
    # Fields SQLite would act on before any check runs: an unknown write version opens the file
    # read-only behind our back, an odd schema format or encoding changes how it is read.
    (schema_format,) = struct.unpack(">I", header[44:48])
    (encoding,) = struct.unpack(">I", header[56:60])
    if header[18] not in (1, 2) or header[19] not in (1, 2) or header[21:24] != b"\x40\x20\x20" \
            or schema_format > 4 or encoding not in (0, 1):
        raise CaseRefused(path, "its header is damaged (unknown file format fields)")
    if size % page_size:
        raise CaseRefused(path, f"it is truncated or damaged ({size} bytes is not a whole number of pages)")
    # The in-header page count is only meaningful when written by SQLite 3.7.0+ (valid_for matches).
    # A checkpoint killed midway leaves the new header (and page count) in a file not yet grown,
    # beside a whole WAL that holds every page: SQLite reads that consistently, so the verdict is
    # left to the database check, which reads it with its WAL (on a private copy).
    if change_counter == valid_for and page_count and size < page_count * page_size and not has_wal(path):
        raise CaseRefused(
            path, f"it is truncated ({size} of {page_count * page_size} bytes present)"
        )
    return HeaderInfo(page_size, page_count, user_version, application_id, wal)


def has_wal(path: Path) -> bool:
    """Whether a non-empty write-ahead log lies beside the real file (behind any symbolic link)."""
    real = path.resolve()
    wal = real.with_name(real.name + "-wal")
    try:
        return wal.is_file() and wal.stat().st_size > 0
    except OSError:
        return False


def check_header(path: Path, header: HeaderInfo) -> None:
    if header.application_id != APPLICATION_ID:
        raise CaseRefused(path, "it is an SQLite database but not a Case Workbench case file")
    if header.user_version > schema_version():
        raise CaseRefused(
            path,
            f"it was saved by a newer Case Workbench (schema {header.user_version}; this version "
            f"reads up to {schema_version()}), so open it with a newer version",
        )
    if header.user_version < 1:
        raise CaseRefused(path, "it is marked as a case file but holds no case schema")


def is_fts_shadow(name: str) -> bool:
    return any(name == fts + suffix for fts in FTS_TABLES for suffix in FTS_SHADOW_SUFFIXES)


# What ANALYZE (and PRAGMA optimize) may add: its statistics tables, by exact shape, holding numbers.
ANALYZE_TABLES = {
    "sqlite_stat1": "CREATE TABLE sqlite_stat1(tbl,idx,stat)",
    "sqlite_stat4": "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)",
}
# The only settings our search indexes hold in their <name>_config shadow table.
FTS_CONFIG_KEYS = {"version"}


def schema_difference(
    actual: Iterable[tuple[str, str, str, str | None]], version: int
) -> str | None:
    """None when the schema is exactly ours; otherwise one phrase naming the first difference.

    Objects are keyed by type and name: triggers, indexes and tables have namespaces of their
    own in SQLite, so a trigger may share a table's name (and, keyed by name only, hide behind
    it). Every object is compared, the search indexes' shadow tables included (FTS5 writes their
    DDL; the expected schema is built by the same SQLite, so it writes the same). The only objects
    allowed beyond ours are ANALYZE's statistics tables, by exact shape.
    """
    expected = {(row[0], row[1]): row for row in expected_schema(version)}
    found: dict[tuple[str, str], tuple[str, str, str, str | None]] = {}
    for row in actual:
        key = (row[0], row[1])
        if key in found:
            return f"it holds two {row[0]}s named '{row[1]}'"
        found[key] = row
    for kind, name in sorted(set(found) - set(expected)):
        if kind == "table" and ANALYZE_TABLES.get(name) == found[(kind, name)][3] and found[(kind, name)][2] == name:
            continue
        return f"it holds a {kind} '{name}' that Case Workbench does not create"
    for kind, name in sorted(set(expected) - set(found)):
        return f"its {kind} '{name}' is missing"
    for key in sorted(expected):
        if found[key] != expected[key]:
            return f"its {key[0]} '{key[1]}' differs from what Case Workbench creates"
    return None


def fts_config_difference(conn: sqlite3.Connection) -> str | None:
    """None when the search indexes hold only the settings FTS5 writes itself (a planted 'rank'
    breaks every search); else one phrase naming the index."""
    for fts in FTS_TABLES:
        # A file of an older schema lacks the indexes later ones added (schema 4's actor_attributes_fts);
        # its schema was already found to be exactly that version's.
        if conn.execute("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (f"{fts}_config",)) \
                .fetchone() is None:
            continue
        keys = {key for (key,) in conn.execute(f'SELECT k FROM "{fts}_config"')}
        if keys - FTS_CONFIG_KEYS:
            return f"its search index {fts} carries settings Case Workbench does not write ({sorted(keys)[0]})"
    return None


def harden(conn: sqlite3.Connection, deadline: float | None = None, path: Path | None = None) -> None:
    """Connection settings for a file we did not write: no schema-defined code, bounded sizes. `path`: the file a
    sqlcipher3 connection has open (an encrypted case), whose defensive mode and limits are set through SQLite's C
    API (`cipher.harden_cipher`)."""
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA mmap_size = 0")
    if cipher.is_cipher_connection(conn) and path is not None:
        cipher.harden_cipher(conn, path, {cipher.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
                                          cipher.SQLITE_LIMIT_SQL_LENGTH: 1_000_000, cipher.SQLITE_LIMIT_ATTACHED: 0})
    if hasattr(conn, "setconfig"):  # Python 3.12+
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    if hasattr(conn, "setlimit"):
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, 1_000_000)
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    if deadline is not None:
        conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)


def check_database(path: Path, header: HeaderInfo, check_references: bool = True, check_values: bool = True,
                   remembered: bool = False, key: str | None = None) -> int:
    """Read-only checks of a file whose header passed; raise CaseRefused with the first problem.

    Dangling references are checked next to last: a file that has only those raises CaseNeedsRepair
    (unless `check_references` is False, for opening it to repair); then the values the app reads
    (store.values): a file holding one it cannot read raises CaseHoldsBadValues (unless
    `check_values` is False, for repairing it or showing it masked; with `remembered`, a version of the file
    found or left clean before is not read again: store.values.known_clean). Returns the schema version,
    read through the WAL when one is left beside the file.
    """
    # immutable=1 reads without creating -wal/-shm files; a leftover -wal (an unclean close)
    # must be read too, so then the plain read-only mode is used.
    real = path.resolve()  # through a symbolic link, SQLite reads the sidecars beside the real file
    wal_file = real.with_name(real.name + "-wal")
    journal = real.with_name(real.name + "-journal")
    if _lingering(journal):
        # An immutable read would check the file without the journal, and the first read-write
        # open would then roll the journal's pages in: what was checked is not what is opened.
        raise CaseRefused(path, f"another program left an unfinished change in {journal.name} beside it, so it "
                          "cannot be checked as it would be opened")
    if remembered:
        verified.note_opened(real, None)  # until these checks say otherwise
    mark = fingerprint(path) if check_values else None
    if check_values and remembered and known_clean(path):
        check_values = False
    if not has_wal(path):
        version = _check_connection(path, real, "ro&immutable=1", header, check_references, check_values, key,
                                    remembered=remembered)
        if check_values and mark is not None:
            remember_clean(path, mark)
        return version
    if real.stat().st_size >= header.page_count * header.page_size:
        # A WAL beside a whole file: an unclean close, or another program writing right now (a second
        # import). SQLite's own read-only mode reads it consistently under the WAL's locks.
        return _check_connection(path, real, "ro", header, check_references, check_values, key)
    # A file shorter than its header says, beside a WAL: a checkpoint killed midway. Check the file
    # with its WAL applied on a private copy, so the check sees exactly what opening it will replay
    # and leaves nothing beside the received file.
    with tempfile.TemporaryDirectory(prefix="workbench-check-") as folder:
        copy = Path(folder) / "case"
        try:
            shutil.copyfile(real, copy)
            shutil.copyfile(wal_file, Path(folder) / "case-wal")
        except OSError as error:
            raise CaseRefused(path, f"it cannot be read ({error.strerror or error})") from None
        return _check_connection(path, copy, "ro", header, check_references, check_values, key)


# A rollback journal beside a case is there while another program writes (briefly: a write, or
# the switch to WAL) or for good after a crash; one still there after this long is the latter.
JOURNAL_WAIT_SECONDS = 5.0


def _lingering(journal: Path) -> bool:
    """Whether a non-empty rollback journal stays beside the case past JOURNAL_WAIT_SECONDS."""
    deadline = time.monotonic() + JOURNAL_WAIT_SECONDS
    while True:
        try:
            if not journal.exists() or not journal.stat().st_size:
                return False
        except OSError:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.02)


def _check_connection(path: Path, real: Path, mode: str, header: HeaderInfo, check_references: bool,
                      check_values: bool, key: str | None = None, remembered: bool = False) -> int:
    """The database checks on one read-only connection. `remembered` (opening a case, not Check Case): a file read
    alone (immutable) whose exact bytes passed every check on this computer before, or were left by this app's own
    writes to a sound file (store.verified: known by their SHA-256 digest), skips quick_check and the foreign-key
    check, the two that read (and, encrypted, decrypt) every page; the header, schema and search-index
    configuration checks still run."""
    content = verified.content_digest(real) if remembered and mode == "ro&immutable=1" else None
    whole = not (remembered and verified.known_sound(content))
    uri = f"{real.as_uri()}?mode={mode}"
    try:
        # The key is applied first: every check below (the hostile-file ones included) reads the decrypted file.
        conn = cipher.connect(uri, key=key, uri=True, isolation_level=None)
    except cipher.Error as error:
        raise CaseRefused(path, f"SQLite cannot open it ({error})") from None
    try:
        harden(conn, deadline=time.monotonic() + CHECK_SECONDS, path=real)
        if key is not None:
            cipher.verify(conn, path)
            # Every page read is decrypted and its HMAC checked: a page cache that holds the indexes the foreign
            # key check walks saves reading (and decrypting) them again, where plain pages come from the OS cache.
            conn.execute(f"PRAGMA cache_size = {-ENCRYPTED_CHECK_CACHE_KIB}")
        try:
            if mode == "ro":  # committed pages in the WAL (an unclean exit) supersede the file's own header
                header = HeaderInfo(header.page_size, header.page_count,
                                    conn.execute("PRAGMA user_version").fetchone()[0],
                                    conn.execute("PRAGMA application_id").fetchone()[0] & 0xFFFFFFFF, header.wal)
                check_header(path, header)
            schema = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
        except cipher.DatabaseError as error:
            raise CaseRefused(path, f"its schema cannot be read ({error})") from None
        except UnicodeDecodeError:  # damage inside the schema's own text: no table can be trusted
            raise CaseRefused(path, "its schema is damaged (its text is not UTF-8)") from None
        problem = schema_difference(schema, header.user_version)
        if problem is None:
            try:
                problem = fts_config_difference(conn)
            except cipher.DatabaseError as error:
                problem = f"its search index cannot be read ({error})"
        if problem:
            raise CaseRefused(path, problem)
        try:
            verdict = [row[0] for row in conn.execute("PRAGMA quick_check(5)")] if whole else ["ok"]
            if verdict != ["ok"]:
                raise CaseRefused(path, f"it is damaged (integrity check: {first_problem(verdict)})")
            if whole and check_references and conn.execute("PRAGMA foreign_key_check").fetchone():
                raise CaseNeedsRepair(path, find_dangling(conn))
            if check_values:
                bad = find_bad_values(conn, limit=MAX_BAD_VALUES)
                if bad:
                    raise CaseHoldsBadValues(path, bad)
        except cipher.OperationalError as error:
            if "interrupted" in str(error):
                raise CaseRefused(path, f"checking it took longer than {CHECK_SECONDS:.0f} s") from None
            raise CaseRefused(path, f"it is damaged ({error})") from None
        except cipher.DatabaseError as error:
            raise CaseRefused(path, f"it is damaged ({error})") from None
    finally:
        conn.close()
    if whole and check_references and content is not None:
        if verified.content_digest(real) == content:
            verified.remember_sound(content)  # unchanged while it was checked: these bytes pass
        else:
            content = None
    if remembered:
        verified.note_opened(real, content if check_references else None)
    return header.user_version


def find_dangling(conn: sqlite3.Connection) -> list[Dangling]:
    """Every row whose foreign key names a missing record, with the key that finds the row again.

    PRAGMA foreign_key_check gives no rowid for WITHOUT ROWID join tables, so each foreign key of
    each table it names is queried directly.
    """
    tables = sorted({row[0] for row in conn.execute("PRAGMA foreign_key_check")})
    found: list[Dangling] = []
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        columns = {row[1] for row in info}
        keys = ["id"] if "id" in columns and table in RECORD_TABLES else [
            row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
        for fk in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})").fetchall():
            # id, seq, table, from, to, on_update, on_delete, match
            target, column, parent_key, on_delete = fk[2], fk[3], fk[4] or "id", fk[6].upper()
            sql = (f"SELECT {_column_list(keys)}, {_quote(column)} FROM {_quote(table)} AS child "
                   f"WHERE child.{_quote(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {_quote(target)} "
                   f"AS parent WHERE parent.{_quote(parent_key)} = child.{_quote(column)}) "
                   f"ORDER BY {_column_list(keys)}")
            for row in conn.execute(sql):
                found.append(Dangling(table, tuple(zip(keys, row[:-1], strict=True)), column, target, row[-1],
                                      on_delete))
    return found


def first_problem(verdict: Sequence[str]) -> str:
    """The first problem quick_check names, as one clause (its report runs over several lines)."""
    lines = [line.strip() for text in verdict for line in str(text).splitlines()]
    lines = [line for line in lines if line and not line.startswith("***")] or ["unknown damage"]
    return re.sub(r"\.(\s|$)", r"\1", lines[0])[:200].rstrip()


def check_case(path: Path | str, check_references: bool = True, check_values: bool = True,
               remembered: bool = False, key: str | None = None) -> int:
    """Every check `open_case` makes, writing nothing; returns the file's schema version. `remembered`: a version
    of the file this computer found or left without a bad value is not read for values again (opening a case).
    `key`: an encrypted case's password (default: the one this process was given for it, `cipher.unlock`)."""
    path = Path(path)
    header = read_header(path, case_key(path, key))
    check_header(path, header)
    return check_database(path, header, check_references, check_values, remembered,
                          key=case_key(path, key) if header.encrypted else None)


def case_key(path: Path, key: str | None = None) -> str | None:
    """The password to open `path` with: `key`, else the one this process was given for it; None for a plain file
    (a password given for a plain case is not used)."""
    if cipher.is_plain_database(path):
        return None
    return key if key is not None else cipher.password_for(path)


def schema_problem(conn: sqlite3.Connection) -> str | None:
    """`schema_difference` and `fts_config_difference` of the database `conn` has open, as it is now."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema").fetchall()
    return schema_difference(rows, version) or fts_config_difference(conn)


def _connect(path: Path, read_only: bool, key: str | None = None) -> sqlite3.Connection:
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = cipher.connect(uri, key=key, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = cipher.connect(path, key=key, isolation_level=None, check_same_thread=False)
    if key is not None:
        cipher.verify(conn, path)
        # Every page read is decrypted and its HMAC checked: a page cache that holds what a whole-case read (an
        # export, a search's joins) comes back to saves decrypting it again, where plain pages come from the
        # operating system's cache (the canonical export of the 100k case: 1.4-1.6x plain with SQLite's default
        # 2 MB, 1.1-1.2x with this; tests/bench/bench_encryption.py).
        conn.execute(f"PRAGMA cache_size = {-ENCRYPTED_CACHE_KIB}")
    harden(conn, path=path)
    if not read_only:
        # A writing connection opens a file whose schema was found exactly ours (or that we create), and
        # Case.transaction checks it again whenever it changed (the schema cookie): its only code is the
        # search index's triggers (schema/0004), which SQLite runs only with trusted_schema on, FTS5 not
        # being marked innocuous. Readers and the checks of untrusted files keep it off.
        conn.execute("PRAGMA trusted_schema = ON")
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only:
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL comes with the first write: Case.transaction
    return conn


def is_writable(path: Path) -> bool:
    """Whether we may write the case: a file marked read-only (no write bit for anyone) stays
    read-only even for root, and the folder must be writable, as SQLite keeps its journal there."""
    marked_writable = bool(path.stat().st_mode & 0o222)
    return marked_writable and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
