"""The timeline's arrays kept in the user's cache folder under the SHA-256 digest of the case file's bytes, so a
case opened again unchanged draws its first frame without reading and parsing every event again.

Why the digest is a safe key: the arrays are a function of what the file holds, and the file holds what its bytes
say; `Case.unchanged_digest` gives a digest only while nothing has been written since the opening checked those
bytes (store.verified). Another version of the app or of this format keeps its own files (the digest includes the
app's version, the name this format's). An encrypted case keeps nothing: its times and names would lie on disk in
clear. What is read back is checked as a received file is: types, lengths and every index in range, else it is
worked out again from the case.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

FORMAT = 1
KEPT = 8  # the newest files kept: a few cases opened in turn
ARRAYS = {  # name -> dtype of the timeline's arrays, events first, then event-actor pairs
    "seq": np.int64, "start": np.float64, "end": np.float64, "has_end": np.bool_, "earliest": np.float64,
    "latest": np.float64, "precision": np.int8, "confidence": np.int8, "kind": np.int32,
    "pair_event": np.int32, "pair_actor": np.int32,
    # the events' drawn time windows (data.event_geometry): a function of the above and the case's time zone
    "low": np.float64, "high": np.float64, "core_low": np.float64, "core_high": np.float64, "anchor": np.float64,
    "uncertain": np.bool_,
}
GEOMETRY = ("low", "high", "core_low", "core_high", "anchor", "uncertain")
EVENT_ARRAYS = ("seq", "start", "end", "has_end", "earliest", "latest", "precision", "confidence", "kind", *GEOMETRY)
TEXTS = ("kinds", "actor_ids", "actor_names", "actor_kinds")


def folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("case-workbench", appauthor=False)) / "timeline"


def _file(digest: str) -> Path:
    return folder() / f"{digest}-{FORMAT}.npz"


def read(digest: str) -> tuple[dict[str, np.ndarray], dict[str, list[str]]] | None:
    """The arrays and texts kept for a case of these bytes, or None (none kept, or not sound)."""
    path = _file(digest)
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in ARRAYS}
            texts = json.loads(bytes(stored["texts"]).decode("utf-8"))
        os.utime(path)  # the newest kept are those used last
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return None
    return (arrays, texts) if _sound(arrays, texts) else None


def _sound(arrays: dict[str, np.ndarray], texts: object) -> bool:
    if not (isinstance(texts, dict) and all(isinstance(texts.get(name), list) for name in TEXTS)
            and all(isinstance(text, str) for name in TEXTS for text in texts[name])):
        return False
    if any(array.dtype != np.dtype(ARRAYS[name]) or array.ndim != 1 for name, array in arrays.items()):
        return False
    events, pairs, actors = len(arrays["seq"]), len(arrays["pair_event"]), len(texts["actor_ids"])
    if any(len(arrays[name]) != events for name in EVENT_ARRAYS) or len(arrays["pair_actor"]) != pairs:
        return False
    if len(texts["actor_names"]) != actors or len(texts["actor_kinds"]) != actors:
        return False
    inside = [(arrays["kind"], len(texts["kinds"])), (arrays["pair_event"], events), (arrays["pair_actor"], actors)]
    return all(not len(values) or (values.min() >= 0 and values.max() < bound) for values, bound in inside)


def forget(digest: str) -> None:
    """Drop what is kept for a case of these bytes (the next opening reads the case)."""
    _file(digest).unlink(missing_ok=True)


def write(digest: str, arrays: dict[str, np.ndarray], texts: dict[str, list[str]]) -> None:
    """Keep the arrays and texts for a case of these bytes (only a cache: a failure leaves nothing behind)."""
    from workbench.core.atomic import atomic_path

    target = _file(digest)
    encoded = np.frombuffer(json.dumps({name: texts[name] for name in TEXTS}, ensure_ascii=False).encode(), np.uint8)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as partial, partial.open("wb") as out:
            np.savez(out, texts=encoded, **{name: np.ascontiguousarray(arrays[name], ARRAYS[name])
                                            for name in ARRAYS})
        kept = sorted(target.parent.glob("*.npz"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in kept[KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
