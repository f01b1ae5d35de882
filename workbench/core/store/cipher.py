"""Encrypted case files (SQLCipher): the one connection factory every case connection comes from, the passwords
this process was given (held in memory only), and encrypting, decrypting and re-keying a case file.

A plain case is opened with Python's own sqlite3, as always; an encrypted one with sqlcipher3 (SQLite with
SQLCipher 4 built in: AES-256 pages, an HMAC per page, keys derived with PBKDF2-HMAC-SHA512 at SQLCipher 4's
defaults). The two modules raise different exception classes, so code that catches a database error catches
`cipher.Error` (and its siblings below), which names both.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import sqlcipher3

from workbench.core.store.errors import CaseRefused
from workbench.core.store.tables import CASE_SUFFIX, SQLITE_MAGIC

# Either module's errors (an `except` clause takes a tuple, and a tuple inside one).
Error = (sqlite3.Error, sqlcipher3.Error)
DatabaseError = (sqlite3.DatabaseError, sqlcipher3.DatabaseError)
OperationalError = (sqlite3.OperationalError, sqlcipher3.OperationalError)
IntegrityError = (sqlite3.IntegrityError, sqlcipher3.IntegrityError)
ProgrammingError = (sqlite3.ProgrammingError, sqlcipher3.ProgrammingError)
InterfaceError = (sqlite3.InterfaceError, sqlcipher3.InterfaceError)

# The environment variable the command line reads a case's password from (README: Encryption).
PASSWORD_VARIABLE = "WORKBENCH_PASSWORD"
# ... and, for `workbench rekey` and `workbench encrypt`, the new password.
NEW_PASSWORD_VARIABLE = "WORKBENCH_NEW_PASSWORD"

# SQLCipher 4 writes pages of this size (its default, which we keep); the file is a whole number of them.
CIPHER_PAGE_SIZE = 4096


class PasswordNeeded(CaseRefused):
    """The file is an encrypted case (or looks like one) and no password was given for it; nothing was read."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "it is encrypted, so it opens only with its password")


class WrongPassword(CaseRefused):
    """The password does not open the file; nothing was written."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "the password is not right for it (or it is not an encrypted case file)")


def connect(target: Path | str, key: str | None = None, **options: Any) -> Any:
    """A connection to `target` (a path, or a URI with uri=True), keyed with `key` when given.

    Without a key: Python's sqlite3, exactly as before. With one: sqlcipher3, keyed before anything reads the file,
    SQLCipher's own log silenced (a wrong key would print lines to stderr), temporary tables and sorts kept in
    memory (never a temporary file holding the case's text) and triggers not recursive, as Python's sqlite3 is
    built. A wrong key fails at the first read (`verify`)."""
    if key is None:
        return sqlite3.connect(target, **options)
    if not key:
        raise ValueError("an empty password")
    conn = sqlcipher3.connect(str(target), **options)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        # sqlite3_key: the password never passes through SQL text (or a trace callback)
        conn.set_key(_raw_key(target, key, options.get("uri", False)))
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA recursive_triggers = OFF")
    except BaseException:
        conn.close()
        raise
    return conn


# SQLCipher 4's key derivation (its defaults, which we keep): PBKDF2-HMAC-SHA512, 256,000 iterations, a 32-byte key,
# salted with the file's first 16 bytes.
KDF_ITERATIONS = 256_000
SALT_BYTES = 16
# Keys derived so far, by (password, salt), in memory only: the derivation is slow by design (a second or so on a
# busy laptop) and a case opens several connections (the checks, the case, a reader per background task); each
# after the first is keyed with the derived key and its salt (SQLCipher's raw key form), which skips it.
_derived: dict[tuple[str, bytes], bytes] = {}


def _file_of(target: Path | str, uri: bool) -> Path | None:
    text = str(target)
    if text == ":memory:" or text.startswith("file::memory:"):
        return None
    if uri and text.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(text).path))
    return Path(text)


def _raw_key(target: Path | str, password: str, uri: bool) -> str:
    """SQLCipher's raw key (x'KEY SALT') for `target`: an existing encrypted file's own salt; a fresh one for a new
    or empty file (SQLCipher keeps the salt it is given); for an in-memory scratch copy, one salt per password."""
    path = _file_of(target, uri)
    salt = b""
    if path is not None:
        try:
            with path.open("rb") as handle:
                salt = handle.read(SALT_BYTES)
        except OSError:
            salt = b""
        if len(salt) < SALT_BYTES or salt == SQLITE_MAGIC:
            salt = os.urandom(SALT_BYTES)
    else:
        salt = _scratch_salts.setdefault(password, os.urandom(SALT_BYTES))
    return raw_key(password, salt)


# The salt of the in-memory copies keyed with each password (a search index check, a pruned case copy).
_scratch_salts: dict[str, bytes] = {}


def raw_key(password: str, salt: bytes) -> str:
    """The key SQLCipher 4 derives from `password` and `salt`, with the salt, in its raw key form."""
    derived = _derived.get((password, salt))
    if derived is None:
        derived = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, KDF_ITERATIONS, 32)
        _derived[(password, salt)] = derived
    return f"x'{derived.hex()}{salt.hex()}'"


def new_file_key(password: str) -> str:
    """The raw key for a new encrypted file (a fresh salt), for ATTACH ... KEY."""
    return raw_key(password, os.urandom(SALT_BYTES))


def connect_sqlcipher(target: Path | str, key: str | None = None, **options: Any) -> Any:
    """A sqlcipher3 connection, keyed with `key` when given, else reading a plain file (to export it encrypted)."""
    if key is not None:
        return connect(target, key=key, **options)
    conn = sqlcipher3.connect(str(target), **options)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


# SQLite's numbers for the settings `checks.harden` makes (sqlite3.h), which Python's sqlite3 names but sqlcipher3
# does not: its connections get them through SQLite's C API, from its own extension module.
SQLITE_DBCONFIG_DEFENSIVE = 1010
SQLITE_LIMIT_LENGTH = 0
SQLITE_LIMIT_SQL_LENGTH = 1
SQLITE_LIMIT_ATTACHED = 7


def _library() -> Any:
    import ctypes

    from sqlcipher3 import _sqlite3

    library = ctypes.CDLL(_sqlite3.__file__)
    library.sqlite3_db_filename.restype = ctypes.c_char_p
    library.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    library.sqlite3_limit.restype = ctypes.c_int
    library.sqlite3_limit.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    library.sqlite3_db_config.restype = ctypes.c_int
    return library


def harden_cipher(conn: Any, path: Path | str, limits: dict[int, int]) -> bool:
    """SQLite's defensive mode and `limits` (SQLITE_LIMIT_* -> value) on a sqlcipher3 connection to the file
    `path`, as `checks.harden` sets them on Python's own connections; False where this cannot be done safely.

    sqlcipher3 has no setconfig or setlimit: the connection's sqlite3 handle is the first field of its object
    (pysqlite's layout), which is used only once SQLite itself confirms that the handle has `path` open."""
    import ctypes

    if sys.platform == "darwin":  # sqlite3_db_config is variadic: ctypes passes such arguments right on Linux only
        return False
    try:
        library = _library()
        handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
        if not handle or not path:
            return False
        opened = library.sqlite3_db_filename(handle, b"main")
        if not opened or Path(os.fsdecode(opened)).resolve() != Path(path).resolve():
            return False
        if library.sqlite3_db_config(ctypes.c_void_p(handle), SQLITE_DBCONFIG_DEFENSIVE, ctypes.c_int(1),
                                     ctypes.c_void_p(0)) != 0:
            return False
        for limit, value in limits.items():
            library.sqlite3_limit(handle, limit, value)
    except (OSError, AttributeError, ValueError):
        return False
    return True


def is_cipher_connection(conn: Any) -> bool:
    return isinstance(conn, sqlcipher3.dbapi2.Connection)


def verify(conn: Any, path: Path | str) -> None:
    """Read the schema once: a wrong key (or a file that is no database) raises WrongPassword."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except DatabaseError:
        raise WrongPassword(path) from None


# An encrypted page reads as random bytes: its first page shows nearly every byte value (4096 random bytes show
# some 255 of the 256); a page of zeros, text or a damaged SQLite header shows far fewer.
MIN_DISTINCT_BYTES = 200


def looks_encrypted(path: Path) -> bool:
    """Whether `path` may be an encrypted case: named as a case, a whole number of SQLCipher pages, no SQLite header
    and a first page of random-looking bytes. SQLCipher leaves no header to recognise (the file's first bytes are
    random salt), so the name says it; anything else is refused as a file that is no case."""
    try:
        if not path.is_file() or path.suffix.lower() != CASE_SUFFIX:
            return False
        size = path.stat().st_size
        with path.open("rb") as handle:
            first_page = handle.read(CIPHER_PAGE_SIZE)
    except OSError:
        return False
    return (size > 0 and size % CIPHER_PAGE_SIZE == 0 and not first_page.startswith(SQLITE_MAGIC)
            and len(set(first_page)) >= MIN_DISTINCT_BYTES)


def is_plain_database(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


# The passwords of the encrypted cases this process opened, by real path: in memory only, never written
# (not to settings, recent files, temporary files or logs). Everything that opens a case by its path
# (open_case, the exports, merge, the checks) finds the password here.
_passwords: dict[Path, str] = {}


def _real(path: Path | str) -> Path:
    return Path(path).resolve()


def remember_password(path: Path | str, password: str) -> None:
    _passwords[_real(path)] = password


def password_for(path: Path | str) -> str | None:
    return _passwords.get(_real(path))


def forget_password(path: Path | str) -> None:
    password = _passwords.pop(_real(path), None)
    if password is not None and password not in _passwords.values():
        for known in [known for known in _derived if known[0] == password]:
            del _derived[known]
        _scratch_salts.pop(password, None)


def unlock(path: Path | str, password: str) -> None:
    """Try `password` on the encrypted case at `path` (read-only, writing nothing); remember it when it opens the
    file, else raise WrongPassword."""
    path = Path(path)
    if not password:
        raise WrongPassword(path)
    real = _real(path)
    mode = "ro" if real.with_name(real.name + "-wal").exists() else "ro&immutable=1"
    try:
        conn = connect(f"{real.as_uri()}?mode={mode}", key=password, uri=True, isolation_level=None)
    except Error as error:
        raise CaseRefused(path, f"SQLite cannot open it ({error})") from None
    try:
        verify(conn, path)
    finally:
        conn.close()
    remember_password(path, password)


def environment_password(variable: str = PASSWORD_VARIABLE) -> str | None:
    value = os.environ.get(variable)
    return value if value else None
