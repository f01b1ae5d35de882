"""The timeline's arrays kept under the digest of the case file's bytes (core.kept: why that is safe), so a case
opened again unchanged draws its first frame without reading and parsing every event again. What is read back is
checked: types, lengths and every index in range."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.core import kept

FORMAT = 1
KIND = "timeline"
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
    return kept.folder(KIND)


def is_kept(case: object) -> bool:
    """Whether arrays are kept for the bytes `case` was opened from."""
    return kept.is_kept(KIND, case, FORMAT)


def read(digest: str) -> tuple[dict[str, np.ndarray], dict[str, list[str]]] | None:
    """The arrays and texts kept for a case of these bytes, or None (none kept, or not sound)."""
    found = kept.read(KIND, digest, FORMAT)
    if found is None or set(found[0]) != set(ARRAYS):
        return None
    return found if _sound(*found) else None


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
    kept.forget(KIND, digest, FORMAT)


def write(digest: str, arrays: dict[str, np.ndarray], texts: dict[str, list[str]]) -> None:
    """Keep the arrays and texts for a case of these bytes."""
    kept.write(KIND, digest, FORMAT, {name: np.ascontiguousarray(arrays[name], ARRAYS[name]) for name in ARRAYS},
               {name: texts[name] for name in TEXTS})
