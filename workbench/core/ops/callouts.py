"""Callouts on a saved view's charts: add one, remove one; each an operation (one transaction, undoable)."""

from __future__ import annotations

from workbench.core import storyboard
from workbench.core.errors import CaseError
from workbench.core.ops import operation
from workbench.core.store import Case, new_id


def _state(case: Case, view_id: str) -> dict:
    row = case.get("views", view_id)
    if row is None:
        raise CaseError("That saved view is no longer in the case.")
    state = storyboard.parse_state(row["state"])
    state.pop("version", None)
    return state


@operation
def add_callout(case: Case, view_id: str, callout: storyboard.Callout) -> str:
    """Put `callout` on the view's charts (a new id when it has none); result: its id."""
    if callout.kind not in storyboard.CALLOUT_KINDS or callout.table not in storyboard.CALLOUT_TABLES:
        raise CaseError("A callout is a text or an arrow on an actor, an event or a point.")
    state = _state(case, view_id)
    callout_id = callout.id or new_id()
    kept = [storyboard.callout_to_json(c) for c in storyboard.callouts_of(state)]
    text = callout.text.strip()[:storyboard.MAX_CALLOUT_TEXT]
    kept.append(storyboard.callout_to_json(storyboard.Callout(callout_id, callout.kind, text, callout.table,
                                                              callout.target, callout.point)))
    state["callouts"] = kept
    case.update("views", view_id, {"state": storyboard.dump_state(state)})
    return callout_id


@operation
def remove_callout(case: Case, view_id: str, callout_id: str) -> bool:
    """Take one callout off the view; result: whether it was there."""
    state = _state(case, view_id)
    callouts = storyboard.callouts_of(state)
    kept = [storyboard.callout_to_json(c) for c in callouts if c.id != callout_id]
    if len(kept) == len(callouts):
        return False
    state["callouts"] = kept
    case.update("views", view_id, {"state": storyboard.dump_state(state)})
    return True
