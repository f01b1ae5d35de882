"""Work derived from a case, kept in the user's cache folder under the SHA-256 digest of the case file's bytes, so a
case opened again unchanged need not do it again: the timeline's arrays (core.timeline.kept), the graph's first
layout (core.graph.kept), the sources' listing (core.evidence) and the case's time span (Case.date_range).

Why the digest is a safe key: the work is a function of what the file holds, and the file holds what its bytes say;
`Case.unchanged_digest` gives a digest only while nothing has been written since the opening checked those bytes
(store.verified). Another version of the app keeps its own (the digest includes the app's version), another format
its own files (each kind names its format). An encrypted case keeps nothing: what it holds would lie on disk in
clear. What is read back is checked by its kind as a received file is, else worked out again from the case.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import numpy as np

KEPT = 8  # the newest files kept of each kind: a few cases opened in turn
T = TypeVar("T")

_writing: list[tuple[str | None, threading.Thread]] = []  # (kind, thread) keeping work for later openings
_writing_lock = threading.Lock()


def digest_of(case: Any) -> str | None:
    """The digest to keep a case's derived work under: None for an encrypted case, or one written since it opened."""
    return None if case is None or case.encrypted else case.unchanged_digest()


def worked_out(kind: str, case: Any, read_back: Callable[[str], T | None], work: Callable[[], T],
               keep: Callable[[str, T], None]) -> T:
    """What `work()` gives for `case` (work of this `kind`): read back as kept under the digest of its bytes
    (`read_back(digest)`, None when nothing sound is kept), else worked out, and kept for the next opening
    (`keep(digest, result)`) if nothing was written to the case meanwhile. The keeping runs on a thread of its own
    (`keep_later`), so an opening does not wait for a file write, nor for another kind's; `keep` must only read
    `result`."""
    digest = digest_of(case)
    if digest is not None:
        wait_kept(kind)  # a write of this work still under way is read back, not done twice (others go on)
        found = read_back(digest)
        if found is not None:
            return found
    result = work()
    if digest is not None and digest == digest_of(case):  # nothing written while it was worked out
        keep_later(lambda: keep(digest, result), kind)
    return result


def keep_later(write: Callable[[], None], kind: str | None = None) -> None:
    """Run `write` (a `write` below, for a later opening, of work of `kind`) on a thread of its own. The interpreter
    waits for it at exit (it is no daemon), so no half-written file is left; `wait_kept` waits for those still
    writing."""
    thread = threading.Thread(target=write, name="keep for the next opening")
    with _writing_lock:
        _writing[:] = [(other_kind, other) for other_kind, other in _writing if other.is_alive()]
        _writing.append((kind, thread))
    thread.start()


def wait_kept(kind: str | None = None) -> None:
    """Wait until every `keep_later` write (of `kind`, if given) has finished."""
    with _writing_lock:
        pending = [thread for writing, thread in _writing if kind is None or writing == kind]
    for thread in pending:
        thread.join()


def folder(kind: str) -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("case-workbench", appauthor=False)) / kind


def _file(kind: str, digest: str, fmt: int, suffix: str = ".npz") -> Path:
    return folder(kind) / f"{digest}-{fmt}{suffix}"


def is_kept(kind: str, case: Any, fmt: int) -> bool:
    """Whether work of this kind is kept for the bytes `case` was opened from (whether it is sound is for reading
    back to say): an opening starts reading ahead only what it will not read back."""
    digest = digest_of(case)
    return digest is not None and _file(kind, digest, fmt).is_file()


def read(kind: str, digest: str, fmt: int) -> tuple[dict[str, np.ndarray], Any] | None:
    """The arrays and the JSON value kept for a case of these bytes, or None (none kept, or unreadable)."""
    import numpy as np  # not before the window's first paint (tests/test_architecture.py)

    path = _file(kind, digest, fmt)
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files if name != "json"}
            value = json.loads(bytes(stored["json"]).decode("utf-8"))
        os.utime(path)  # the newest kept are those used last
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    return arrays, value


def read_value(kind: str, digest: str, fmt: int) -> Any:
    """The JSON value kept (`write_value`) for a case of these bytes, or None (none kept, or unreadable)."""
    path = _file(kind, digest, fmt, ".json")
    try:
        value = json.loads(path.read_bytes().decode("utf-8"))
        os.utime(path)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return value


def write_value(kind: str, digest: str, fmt: int, value: Any) -> None:
    """Keep a small JSON value (no arrays) for a case of these bytes; as `write`, without numpy."""
    _replace(_file(kind, digest, fmt, ".json"), lambda out: out.write(json.dumps(value).encode()))


def _replace(target: Path, fill: Callable[[Any], Any]) -> None:
    """Write `target` through a temporary file renamed into place, and keep only the newest KEPT of its folder."""
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".kept-", suffix=".partial", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            fill(out)
        os.replace(temporary, target)
        temporary = None
        kept = sorted(target.parent.glob(f"*{target.suffix}"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in kept[KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def write(kind: str, digest: str, fmt: int, arrays: dict[str, np.ndarray], value: Any) -> None:
    """Keep arrays and a JSON value for a case of these bytes (only a cache: a failure leaves nothing behind).

    Written to a temporary file renamed into place, as store.values keeps its cache, without the flush to disk an
    export gets (core.atomic): a cache lost in a crash is worked out again, and its write must not wait on the
    disk while a view opens."""
    import numpy as np

    encoded = np.frombuffer(json.dumps(value, ensure_ascii=False).encode(), np.uint8)
    _replace(_file(kind, digest, fmt), lambda out: np.savez(out, json=encoded, **arrays))


def forget(kind: str, digest: str, fmt: int) -> None:
    """Drop what is kept of this kind for a case of these bytes."""
    _file(kind, digest, fmt).unlink(missing_ok=True)
