"""Undo commands: every user change to a case is one of these, and each step is one core call.

A view never writes to the case itself: it builds a command and pushes it on the window's
undo stack (`SelectionModel.undo_stack`, set by the main window). Redo runs the core call;
undo runs its inverse. Several commands pushed between `begin_macro`/`end_macro` of the
stack are one undo step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.core.casefile import Case, new_id

NOUNS = {
    "events": "event", "actors": "actor", "relations": "relation", "sources": "source", "citations": "citation",
    "places": "place", "notes": "note", "views": "view", "documents": "document",
}


def noun(table: str) -> str:
    return NOUNS.get(table, table)


class CaseCommand(QUndoCommand):
    def __init__(self, case: Case, text: str) -> None:
        super().__init__(text)
        self.case = case


class InsertRecord(CaseCommand):
    """Add one record; undo removes it again (with the same id, so redo restores it as it was)."""

    def __init__(self, case: Case, table: str, values: dict[str, Any], text: str = "") -> None:
        super().__init__(case, text or f"Add {noun(table)}")
        self.table = table
        self.values = dict(values)
        self.values.setdefault("id", new_id())
        self.record_id: str = self.values["id"]

    def redo(self) -> None:
        self.case.insert(self.table, self.values, origin=self)

    def undo(self) -> None:
        self.case.delete(self.table, self.record_id, origin=self)


class UpdateRecord(CaseCommand):
    """Change some fields of one record; undo puts the old values back.

    Consecutive updates of the same fields of the same record with `merge_key` set (a node
    dragged in several moves, a field typed into) merge into one undo step.
    """

    def __init__(self, case: Case, table: str, record_id: str, changes: dict[str, Any], text: str = "",
                 merge_key: int = -1) -> None:
        super().__init__(case, text or f"Edit {noun(table)}")
        self.table, self.record_id = table, record_id
        self.changes = dict(changes)
        self.old: dict[str, Any] | None = None
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.merge_key

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, UpdateRecord) or other.merge_key != self.merge_key:
            return False
        if (other.table, other.record_id, set(other.changes)) != (self.table, self.record_id, set(self.changes)):
            return False
        self.changes = other.changes  # self.old stays the value before the first step
        return True

    def redo(self) -> None:
        old = self.case.update(self.table, self.record_id, self.changes, origin=self)
        if self.old is None:
            self.old = old

    def undo(self) -> None:
        if self.old is not None:
            self.case.update(self.table, self.record_id, self.old, origin=self)


class SetMeta(CaseCommand):
    def __init__(self, case: Case, key: str, value: str, text: str = "") -> None:
        super().__init__(case, text or f"Change case {key}")
        self.key, self.value = key, value
        self.old: str | None = None

    def redo(self) -> None:
        self.old = self.case.meta(self.key, default=None)  # type: ignore[arg-type]
        self.case.set_meta(self.key, self.value, origin=self)

    def undo(self) -> None:
        self.case.set_meta(self.key, self.old if self.old is not None else "", origin=self)


class LinkRecords(CaseCommand):
    """Add a row to a join table (an actor to an event, a source under a footnote)."""

    def __init__(self, case: Case, table: str, values: dict[str, Any], text: str = "") -> None:
        super().__init__(case, text or "Link records")
        self.table, self.values = table, dict(values)

    def redo(self) -> None:
        self.case.link(self.table, self.values, origin=self)

    def undo(self) -> None:
        self.case.unlink(self.table, self.values, origin=self)


def push(stack: QUndoStack | None, command: CaseCommand) -> bool:
    """Run a command through the undo stack; False (and nothing done) on a read-only or closed case."""
    if stack is None or command.case.read_only or command.case.closed:
        return False
    stack.push(command)
    return True
