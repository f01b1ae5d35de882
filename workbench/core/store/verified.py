"""Case files this computer checked whole, or wrote itself from a file found sound, known again by a SHA-256 digest
of every byte, so opening one unchanged skips the checks that read every page: quick_check and the foreign-key
check (`STRUCTURE`), and the search index's integrity check (`SEARCH`, run off the UI thread after opening). On a
100k-event case those cost about ten times the digest (plain; fifty times encrypted, where every page read is
decrypted), and the search check copies the whole file into memory.

Why this identity is safe for a file from someone else, where a file's size, times and inode are not (anyone can
write other bytes and keep those): the checks are a function of the file's bytes (and of this version of the
checks, which the digest includes), so a file with the same SHA-256 digest as one that passed them would pass them
again; making a different file with that digest is a SHA-256 collision, which nobody can find. Only a file read
alone, with no write-ahead log or journal beside it, is known this way (SQLite then reads the file and nothing
else), and only after checks that found nothing. What the file holds is read between the digest and the opening
just as it is between the checks and the opening: a program that changes it in that moment could do the same to
the checks.

A case this app wrote is known too (`Case.close`): a file that passed the checks, changed only by this app's own
transactions (every write obeys core.rules, the search index is kept in step by the schema's triggers) and closed
back to one file, is as sound as it was; its digest is taken after the close, so any byte changed later by anyone
else is checked whole again.

What is kept: the digests alone (they tell nothing of the password or the case), in the user's cache folder;
whoever can write there can already run code as the user.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from workbench.core.store.values import save_cache

REMEMBERED = 500
# Raised whenever a check is added or changed, so files found sound by older checks are checked again.
CHECKS_VERSION = 2
STRUCTURE = "structure"  # quick_check and the foreign-key check (store.checks)
SEARCH = "search"  # the search indexes match their tables (core.repair.search_index_sound)

# The digest of each case file as this process last opened it (its real path as key): what the checks found.
_opened: dict[str, str] = {}


def _checks() -> str:
    """This version of the checks: ours, the app's, the schema's and SQLite's (whose quick_check reads them)."""
    from importlib import metadata

    import sqlcipher3

    import workbench
    from workbench.core.store.migrate import schema_version

    try:
        binding = metadata.version("sqlcipher3")
    except metadata.PackageNotFoundError:  # a frozen app without the package's metadata
        binding = ""
    return (f"{CHECKS_VERSION}:{workbench.__version__}:{schema_version()}:{sqlcipher3.sqlite_version}:{binding}:"
            f"{sqlite3.sqlite_version}")


def content_digest(path: Path) -> str | None:
    """SHA-256 of this version of the checks and every byte of the file (about 0.15 s of CPU for 180 MB); None
    when it cannot be read or a write-ahead log or journal lies beside it (its pages are not in the file yet).
    The first call for a file `digest_ahead` was started on takes its answer, if the file is still the one it
    read (same size, modification time and inode), waiting for it if need be; later calls read the file again."""
    real = Path(path).resolve()
    ahead = _ahead.pop(str(real), None)
    if ahead is not None:
        stamp, thread, answer = ahead
        thread.join()
        if answer and _stamp(real) == stamp and not _sidecars(real):
            return answer[0]
    return _digest(real)


# Digests being worked out ahead, by real path: the file's stamp when it began, the thread, its answer once done.
_ahead: dict[str, tuple[tuple[int, ...] | None, threading.Thread, list[str | None]]] = {}


def digest_ahead(path: Path) -> None:
    """Start `content_digest(path)` on a thread, for the opening that follows: SHA-256 lets go of the interpreter
    while it hashes, so a big file is read while the app imports its modules (a second and a half at a million
    events). What it reads is what the opening would read a moment later: see this module's docstring."""
    try:
        real = Path(path).resolve()
        stamp = _stamp(real)
    except (OSError, ValueError, RuntimeError):
        return
    if stamp is None or str(real) in _ahead:
        return
    answer: list[str | None] = []
    checks = _checks()  # here, not on the thread: no module imported on two threads at once
    thread = threading.Thread(target=lambda: answer.append(_digest(real, checks)), name="case digest", daemon=True)
    _ahead[str(real)] = (stamp, thread, answer)
    thread.start()


def _stamp(real: Path) -> tuple[int, ...] | None:
    try:
        found = real.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def _sidecars(real: Path) -> bool:
    """Whether a write-ahead log or journal with pages in it lies beside the file (or that cannot be told)."""
    try:
        for suffix in ("-wal", "-journal"):
            sidecar = real.with_name(real.name + suffix)
            if sidecar.exists() and sidecar.stat().st_size:
                return True
    except OSError:
        return True
    return False


def _digest(real: Path, checks: str | None = None) -> str | None:
    digest = hashlib.sha256((_checks() if checks is None else checks).encode() + b"\0")
    try:
        if _sidecars(real):
            return None
        with real.open("rb") as handle:
            if not os.fstat(handle.fileno()).st_size:
                return None
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                digest.update(mapped)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def _file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("case-workbench", appauthor=False)) / "checked.json"


def _known() -> dict[str, list[str]]:
    try:
        found = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {digest: [check for check in checks if isinstance(check, str)]
            for digest, checks in found.items() if isinstance(digest, str) and isinstance(checks, list)}


def known(digest: str | None) -> frozenset[str]:
    """The checks (STRUCTURE, SEARCH) a file of exactly these bytes passed on this computer, with these checks."""
    return frozenset(_known().get(digest, ())) if digest is not None else frozenset()


def known_sound(digest: str | None) -> bool:
    """Whether a file of exactly these bytes passed quick_check and the foreign-key check on this computer."""
    return STRUCTURE in known(digest)


def remember(digest: str | None, checks: Iterable[str]) -> None:
    """Note that a file of these bytes passed `checks` (with those it passed before; the newest REMEMBERED kept)."""
    checks = set(checks)
    if digest is None or not checks:
        return
    kept = _known()
    checks |= set(kept.pop(digest, ()))
    kept[digest] = sorted(checks)
    save_cache(_file(), dict(list(kept.items())[-REMEMBERED:]), ".checked-")  # failing: checked whole next time


def remember_sound(digest: str | None) -> None:
    """Note that a file of these bytes passed quick_check and the foreign-key check."""
    remember(digest, (STRUCTURE,))


def note_opened(path: Path, digest: str | None) -> None:
    """The digest of the file at `path` as this process just checked it for opening (None: not known by one)."""
    key = str(Path(path).resolve())
    if digest is None:
        _opened.pop(key, None)
    else:
        _opened[key] = digest


def opened_digest(path: Path) -> str | None:
    """The digest of the file at `path` as this process last checked it for opening."""
    return _opened.get(str(Path(path).resolve()))
