"""Write files so that a failure never leaves one half-written: a temporary file in the target folder, renamed in."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(destination: Path | str) -> Iterator[Path]:
    """A fresh, empty temporary file beside `destination` to write; renamed over it on success.

    The temporary file is in the same folder, so the rename is atomic: readers see the old file
    or the whole new one. On any failure (a full disk, an exception, Ctrl+C) the temporary file
    is removed and `destination` is left exactly as it was.
    """
    destination = Path(destination)
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
