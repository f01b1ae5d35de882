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
from workbench.core.marking import compose_marking, marking_problem, split_marking
from workbench.core.rules import MAX_NAME, MAX_TITLE, InvalidRecord, check, clean_text, problems
from workbench.core.store import Case, Changes, new_id
from workbench.core.times import valid_zone

P = ParamSpec("P")

__all__ = [
    "META_KEYS", "CaseError", "Changes", "InvalidRecord", "add_record", "check", "check_meta", "clean_meta",
    "clean_text", "delete_records", "edit_record", "link", "meta_problem", "operation", "problems", "set_meta",
    "unlink",
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


# Case properties an analyst may set (File > Case Properties, `workbench new`), and how each is checked.
META_KEYS = ("title", "analyst", "classification", "timezone", "description")


def meta_problem(key: str, value: str) -> str | None:
    """Why `value` cannot be the case property `key`, in words for the analyst; None when it can."""
    if key not in META_KEYS:
        return f"not a case property (one of {', '.join(META_KEYS)})"
    if key == "title" and not value:
        return "a case needs a title"
    if key == "title" and len(value) > MAX_TITLE:
        return f"a title is at most {MAX_TITLE} characters ({len(value)} given)"
    if key == "timezone" and not valid_zone(value):
        return f"{value[:60]!r} is not a time zone name (e.g. Europe/Minsk, UTC)"
    if key == "classification":
        return marking_problem(value)
    if key == "analyst" and len(value) > MAX_NAME:
        return f"a name is at most {MAX_NAME} characters"
    return None


def clean_meta(key: str, value: str) -> str:
    """A case property as stored: text cleaned (a description keeps its lines), a marking in capitals."""
    value = clean_text(value, multiline=key == "description")
    if key == "classification" and not marking_problem(value):
        value = compose_marking(*split_marking(value))
    return value


def check_meta(values: dict[str, str]) -> None:
    """Raise InvalidRecord naming each case property of `values` that cannot be stored."""
    found = {key: why for key, value in values.items() if (why := meta_problem(key, clean_meta(key, value)))}
    if found:
        raise InvalidRecord("meta", found)


@operation
def set_meta(case: Case, key: str, value: str) -> None:
    """Set one case property (title, analyst, classification marking, time zone, description)."""
    value = clean_meta(key, value)
    check_meta({key: value})
    case.set_meta(key, value)
