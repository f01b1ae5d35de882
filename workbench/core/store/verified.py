"""Encrypted case files this computer checked whole, known again by a SHA-256 digest of every byte, so opening one
unchanged skips the two checks that decrypt every page (quick_check and the foreign-key check): on a 100k-event
case they cost about five times what they cost on the same case plain, and the digest about a twentieth of that.

Why this identity is safe for a file from someone else, where a file's size, times and inode are not (anyone can
write other bytes and keep those): the checks are a function of the file's bytes (and of this version of the
checks, which the digest includes), so a file with the same SHA-256 digest as one that passed them would pass them
again; making a different file with that digest is a SHA-256 collision, which nobody can find. Only a file read
alone, with no write-ahead log or journal beside it, is known this way (SQLite then reads the file and nothing
else), and only after checks that found nothing. What the file holds is read between the digest and the opening
just as it is between the checks and the opening: a program that changes it in that moment could do the same to
the checks.

What is kept: the digests alone (they tell nothing of the password or the case), in the user's cache folder;
whoever can write there can already run code as the user. A plain file's checks read it from the operating
system's cache without decrypting, so hashing it would save less; plain files are checked whole every time.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from pathlib import Path

from workbench.core.store.values import save_cache

REMEMBERED = 500
# Raised whenever a check is added or changed, so files found sound by older checks are checked again.
CHECKS_VERSION = 1


def _checks() -> str:
    """This version of the checks: ours, the app's, the schema's and SQLCipher's (whose quick_check reads them)."""
    from importlib import metadata

    import sqlcipher3

    import workbench
    from workbench.core.store.migrate import schema_version

    try:
        binding = metadata.version("sqlcipher3")
    except metadata.PackageNotFoundError:  # a frozen app without the package's metadata
        binding = ""
    return f"{CHECKS_VERSION}:{workbench.__version__}:{schema_version()}:{sqlcipher3.sqlite_version}:{binding}"


def content_digest(path: Path) -> str | None:
    """SHA-256 of this version of the checks and every byte of the file (about 0.15 s of CPU for 180 MB); None
    when it cannot be read."""
    real = Path(path).resolve()
    digest = hashlib.sha256(_checks().encode() + b"\0")
    try:
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

    return Path(platformdirs.user_cache_dir("case-workbench", appauthor=False)) / "encrypted-checked.json"


def _known() -> list[str]:
    try:
        found = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [item for item in found if isinstance(item, str)] if isinstance(found, list) else []


def known_sound(digest: str | None) -> bool:
    """Whether a file of exactly these bytes passed every check on this computer, with these checks."""
    return digest is not None and digest in _known()


def remember_sound(digest: str | None) -> None:
    """Note that a file of these bytes passed every check (the newest REMEMBERED are kept)."""
    if digest is None:
        return
    kept = [item for item in _known() if item != digest][-(REMEMBERED - 1):] + [digest]
    save_cache(_file(), kept, ".encrypted-checked-")  # failing, the next open checks the file whole again
