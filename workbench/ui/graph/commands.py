"""The graph's undo step: store new chart positions of actors (a drag, a pin, a whole layout)."""

from __future__ import annotations

from workbench.core.graph.positions import Position, write_positions
from workbench.core.store import Case
from workbench.ui.commands import Operation

MOVE_MERGE_KEY = 0x4752  # "GR": consecutive drags of the same actors are one undo step


def move_actors(case: Case, after: dict[str, Position | None], text: str, merge_key: int = -1,
                origin: object = None) -> Operation:
    """Store new chart positions of actors (a drag, a pin, a whole layout) as one undo step.

    Consecutive drags of the same actors with the same merge_key merge into one step. Pass the
    pane as `origin` when it already shows the positions, so the window does not send them back.
    """
    after = dict(after)
    return Operation(case, text, lambda c: write_positions(c, after), origin=origin,
                     merge_key=merge_key, target="actor_layout")
