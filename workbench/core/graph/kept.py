"""The graph's first layout kept under the digest of the case file's bytes (core.kept: why that is safe): a big
chart opened again unchanged is drawn where it was laid out, without laying it out again off the UI thread and
drawing it twice. The layout placed around the stored places is a function of the case (compute_layout is
deterministic for its seed), so it is the same picture. What is read back is checked: the same actors, finite."""

from __future__ import annotations

import numpy as np

from workbench.core import kept

FORMAT = 1
KIND = "layout"


def read(digest: str, ids: list[str]) -> dict[str, tuple[float, float]] | None:
    """The layout kept for a case of these bytes whose chart has the actors `ids`, or None."""
    found = kept.read(KIND, digest, FORMAT)
    if found is None:
        return None
    arrays, kept_ids = found
    xy = arrays.get("xy")
    if (not isinstance(kept_ids, list) or len(kept_ids) != len(ids) or set(kept_ids) != set(ids)
            or xy is None or xy.dtype != np.float64 or xy.shape != (len(ids), 2) or not np.isfinite(xy).all()):
        return None
    return {actor: (x, y) for actor, (x, y) in zip(kept_ids, xy.tolist(), strict=True)}


def write(digest: str, layout: dict[str, tuple[float, float]]) -> None:
    """Keep the layout of a case of these bytes."""
    ids = list(layout)
    kept.write(KIND, digest, FORMAT, {"xy": np.array([layout[a] for a in ids], dtype=np.float64).reshape(-1, 2)},
               ids)


def forget(digest: str) -> None:
    kept.forget(KIND, digest, FORMAT)
