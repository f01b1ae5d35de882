"""Encrypt a case file, change its password or remove its encryption: each through a checked copy renamed into place.

The case is opened first (every check of an untrusted file, any pending upgrade) and closed again, so that it is one
self-contained file; SQLCipher's `sqlcipher_export` then writes the whole database, encrypted with the new password
(or not at all), to a temporary file beside it; the copy's search indexes are rebuilt, the copy is checked as a
received file would be, flushed to disk and renamed over the case. A crash at any point leaves the old file whole.
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.core.atomic import atomic_path
from workbench.core.errors import CaseError
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import cipher
from workbench.core.store.checks import case_key, check_case, has_wal, is_writable
from workbench.core.store.errors import CaseRefused
from workbench.core.store.gateway import open_case
from workbench.core.store.tables import APPLICATION_ID, FTS_COLUMNS


def encrypt_case(path: Path | str, password: str, progress: Progress = NO_PROGRESS) -> str:
    """Encrypt a plain case with `password`; returns one sentence saying so."""
    path = Path(path)
    if not cipher.is_plain_database(path):
        raise CaseError(f"{path.name} is already encrypted; Change Password (workbench rekey) gives it another "
                        "password.")
    _require_password(password)
    _rewrite(path, None, password, progress)
    return f"Encrypted {path}: it opens only with its password from now on."


def decrypt_case(path: Path | str, password: str | None = None, progress: Progress = NO_PROGRESS) -> str:
    """Remove the encryption of a case (its password: `password`, else the one given with `cipher.unlock`)."""
    path = Path(path)
    if cipher.is_plain_database(path):
        raise CaseError(f"{path.name} is not encrypted; there is nothing to remove.")
    _rewrite(path, _known(path, password), None, progress)
    return f"Removed the encryption of {path}: anyone who has the file can read it now."


def change_password(path: Path | str, new_password: str, password: str | None = None,
                    progress: Progress = NO_PROGRESS) -> str:
    """Give an encrypted case a new password (its old one: `password`, else the one given with `cipher.unlock`)."""
    path = Path(path)
    if cipher.is_plain_database(path):
        raise CaseError(f"{path.name} is not encrypted; Encrypt Case (workbench encrypt) gives it a password.")
    _require_password(new_password)
    _rewrite(path, _known(path, password), new_password, progress)
    return f"Changed the password of {path}."


def _require_password(password: str) -> None:
    if not password:
        raise CaseError("An empty password encrypts nothing; choose a password.")


def _known(path: Path, password: str | None) -> str:
    key = case_key(path, password)
    if key is None:
        raise cipher.PasswordNeeded(path)
    return key


def _rewrite(path: Path, key: str | None, new_key: str | None, progress: Progress) -> None:
    """Write the case, encrypted with `new_key` (None: plain), to a checked copy renamed over it."""
    # The checks of a received file, an upgrade if one is due, and a checkpoint on close: one file, no WAL.
    with open_case(path, key=key) as case:
        if case.read_only:
            raise CaseError(f"{path.name} is read-only, so it cannot be rewritten.")
    if not is_writable(path):
        raise CaseError(f"{path.name} is read-only, so it cannot be rewritten.")
    if has_wal(path):
        raise CaseError(f"Another program has {path.name} open; close it there first.")
    progress(0.1)
    progress.check()
    mode = path.stat().st_mode & 0o777
    try:
        with atomic_path(path) as partial:
            os.chmod(partial, mode)  # the copy keeps the case's permissions (a case kept private stays so)
            source = cipher.connect_sqlcipher(f"{path.resolve().as_uri()}?mode=ro", key=key, uri=True,
                                              isolation_level=None)
            try:
                cipher.verify(source, path)
                version = source.execute("PRAGMA user_version").fetchone()[0]
                # The new password goes in as a bound value, never as SQL text.
                source.execute("ATTACH DATABASE ? AS rewritten KEY ?",
                               (str(partial), cipher.new_file_key(new_key) if new_key is not None else ""))
                source.execute("SELECT sqlcipher_export('rewritten')")
                # sqlcipher_export copies schema and rows, not these two header fields.
                source.execute(f"PRAGMA rewritten.user_version = {int(version)}")
                source.execute(f"PRAGMA rewritten.application_id = {APPLICATION_ID}")
                source.execute("DETACH DATABASE rewritten")
            finally:
                source.close()
            progress(0.6)
            progress.check()
            copy = cipher.connect(partial, key=new_key, isolation_level=None)
            try:
                for table in FTS_COLUMNS:  # only the live rows' words (and the rowids as the copy has them)
                    copy.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            progress(0.8)
            check_case(partial, key=new_key)
            progress(1.0)
    except CaseRefused as refused:
        raise CaseError(f"The rewritten copy of {path.name} failed its check ({refused.reason}); the case is "
                        "unchanged.") from None
    except (OSError, *cipher.Error) as error:
        raise CaseError(f"Cannot rewrite {path.name} ({error}); the case is unchanged.") from None
    if new_key is None:
        cipher.forget_password(path)
    else:
        cipher.remember_password(path, new_key)
