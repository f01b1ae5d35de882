"""Every change to a case is an operation here: it validates, writes in one transaction, returns one Changes.

An operation is a function `op(case, ...)` decorated with `@operation`. Called, it runs in one
transaction of `case` (joining an outer one, such as the undo step that records it), and
returns the `Changes` it made: tables -> ids, its origin, and what the function returned as
`Changes.result`. Values are checked by the gateway against `core.rules` (InvalidRecord names
each bad field), so every path (forms, importers, merge, repair, the command line) obeys the
same rules. The UI wraps an operation in one undo command (`ui.commands.Operation`); the
command line calls it directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Concatenate, ParamSpec

from workbench.core.errors import CaseError
from workbench.core.rules import InvalidRecord, check, clean_text, problems
from workbench.core.store import Case, Changes, new_id

P = ParamSpec("P")

__all__ = [
    "CaseError", "Changes", "InvalidRecord", "add_record", "check", "clean_text", "delete_records",
    "edit_record", "link", "operation", "problems", "set_meta", "unlink",
]


def operation(function: Callable[Concatenate[Case, P], Any]) -> Callable[Concatenate[Case, P], Changes]:
    """Make `function(case, ...)` an operation: one transaction, returning one Changes.

    The decorated function takes an extra keyword `origin` (who asked: a view, or None).
    """

    @functools.wraps(function)
    def run(case: Case, /, *args: P.args, origin: object = None, **kwargs: P.kwargs) -> Changes:
        with case.transaction(origin) as scope:
            result = function(case, *args, **kwargs)
        return scope.changes(result)

    return run  # type: ignore[return-value]


@operation
def add_record(case: Case, table: str, values: dict[str, Any],
               links: Iterable[tuple[str, dict[str, Any]]] = ()) -> str:
    """Add one record and its join rows (an event with its actors); result: the new id."""
    values = dict(values)
    values.setdefault("id", new_id())
    record_id = case.insert(table, values)
    for link_table, link_values in links:
        case.link(link_table, link_values)
    return record_id


@operation
def edit_record(case: Case, table: str, record_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change some fields of one record; result: their old values."""
    return case.update(table, record_id, changes)


@operation
def delete_records(case: Case, table: str, record_ids: Iterable[str]) -> list[str]:
    """Delete records and everything that hangs on them; result: the ids that were there."""
    gone = []
    for record_id in dict.fromkeys(record_ids):
        if case.get(table, record_id) is not None:  # may have gone with an earlier one
            case.delete(table, record_id)
            gone.append(record_id)
    return gone


@operation
def link(case: Case, table: str, values: dict[str, Any]) -> None:
    """Add a row to a join table (an actor to an event, a source under a footnote)."""
    case.link(table, values)


@operation
def unlink(case: Case, table: str, values: dict[str, Any]) -> None:
    case.unlink(table, values)


# Case properties an analyst may set, and how each is checked.
META_KEYS = ("title", "classification", "timezone", "description")


@operation
def set_meta(case: Case, key: str, value: str) -> None:
    """Set one case property (title, classification marking, time zone...)."""
    if key not in META_KEYS:
        raise InvalidRecord("meta", {key: f"not a case property (one of {', '.join(META_KEYS)})"})
    value = clean_text(value)
    if key == "title" and not value:
        raise InvalidRecord("meta", {"title": "a case needs a title"})
    if key == "timezone":
        from workbench.core.times import valid_zone

        if not valid_zone(value):
            raise InvalidRecord("meta", {"timezone": f"{value!r} is not a time zone name (e.g. Europe/Minsk)"})
    case.set_meta(key, value)
