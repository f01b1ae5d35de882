"""Write files so that a failure never leaves one half-written: a temporary file in the target folder, renamed in."""

from __future__ import annotations

import glob
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.core.errors import CaseError

# The case files open in this process (resolved through symbolic links), with how many
# connections hold each: no write through atomic_path may replace one of them or its sidecars.
_open_cases: Counter[Path] = Counter()
_lock = threading.Lock()
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal")


class OverwritesCase(CaseError, OSError):
    """A write would replace an open case file or one of its sidecars."""


def protect(case_path: Path) -> None:
    with _lock:
        _open_cases[Path(case_path).resolve()] += 1


def unprotect(case_path: Path) -> None:
    with _lock:
        real = Path(case_path).resolve()
        _open_cases[real] -= 1
        if _open_cases[real] <= 0:
            del _open_cases[real]


def refuse_open_case(destination: Path) -> None:
    """Raise OverwritesCase if `destination` (through any symbolic link) is an open case or its sidecar."""
    real = Path(destination).resolve()
    with _lock:
        cases = list(_open_cases)
    name = Path(destination).name
    for case in cases:
        if real == case:
            raise OverwritesCase(f"{name} is the open case {case.name} itself, which a file written by Case "
                                 "Workbench never overwrites; choose another name")
        if real in (case.with_name(case.name + suffix) for suffix in SIDECAR_SUFFIXES):
            raise OverwritesCase(f"{name} is the journal of the open case {case.name}, which a file written by "
                                 "Case Workbench never overwrites; choose another name")


# A write in progress touches its temporary file all the time; one untouched this long was left by
# a process that was killed (a crash, kill -9, a power cut), and goes before the next write there.
STALE_PARTIAL_SECONDS = 600


class BadDestination(CaseError, OSError):
    """A file cannot be written there: the name is a folder, or its folder does not exist."""


def refuse_bad_destination(destination: Path) -> None:
    """Raise BadDestination (one sentence) for a folder's name or a missing folder; every export refuses
    them alike, and none creates folders on its own."""
    if destination.is_dir():
        raise BadDestination(f"{destination} is a folder; give the name of the file to write in it")
    if not destination.parent.is_dir():
        raise BadDestination(f"the folder {destination.parent} does not exist, so {destination.name} cannot be "
                             "written there")


def remove_stale_partials(destination: Path) -> None:
    """Remove temporary files that earlier, killed writes of `destination` left beside it."""
    now = time.time()
    for partial in destination.parent.glob(f".{glob.escape(destination.name)}.*.partial"):
        try:
            if now - partial.stat().st_mtime > STALE_PARTIAL_SECONDS:
                partial.unlink()
        except OSError:
            pass  # gone already, or not ours to remove: the new write goes on regardless


@contextmanager
def atomic_path(destination: Path | str) -> Iterator[Path]:
    """A fresh, empty temporary file beside `destination` to write; renamed over it on success.

    The temporary file is in the same folder, so the rename is atomic: readers see the old file
    or the whole new one. On any failure (a full disk, an exception, Ctrl+C) the temporary file
    is removed and `destination` is left exactly as it was.
    """
    destination = Path(destination)
    refuse_open_case(destination)
    refuse_bad_destination(destination)
    remove_stale_partials(destination)
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.partial")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # 0o666: the umask applies
    try:
        yield temporary
        with open(temporary, "rb") as written:  # on disk before it takes the old file's place
            os.fsync(written.fileno())
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
