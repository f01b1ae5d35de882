"""Where the analyst left each actor on the chart: positions and pins stored in the case file."""

from __future__ import annotations

import json
import math
from typing import Any

from workbench.core.ops import operation
from workbench.core.store import Case

# An actor's place on the chart: x, y (chart units) and whether the analyst pinned it there.
Position = tuple[float, float, bool]


def read_positions(case: Case) -> dict[str, Position]:
    """Where the analyst left each actor on the chart (actor id -> x, y, pinned)."""
    return {
        actor_id: (float(x), float(y), bool(pinned))
        for actor_id, x, y, pinned in case.conn.execute("SELECT actor_id, x, y, pinned FROM actor_layout")
        if isinstance(x, (int, float)) and isinstance(y, (int, float))
    }


@operation
def write_positions(case: Case, changes: dict[str, Position | None]) -> None:
    """Store (or, for None, forget) chart positions of actors: one transaction, one audit row, undoable.

    Positions of actors that do not exist and coordinates that are not finite are left out.
    """
    if not changes:
        return
    known = {actor_id for (actor_id,) in case.conn.execute(
        "SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(changes)),))}
    rows: dict[str, dict[str, Any] | None] = {}
    for actor_id, position in changes.items():
        if position is None:
            rows[actor_id] = None
        elif actor_id in known and math.isfinite(position[0]) and math.isfinite(position[1]):
            rows[actor_id] = {"actor_id": actor_id, "x": float(position[0]), "y": float(position[1]),
                              "pinned": int(bool(position[2]))}
    case.put_keyed("actor_layout", "actor_id", rows, summary=f"chart positions of {len(changes)} actors")
