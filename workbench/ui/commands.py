"""Undo commands: every user change to a case is one of these, and each step is core calls.

A view never writes to the case itself: it builds a command and pushes it on the window's
undo stack (`SelectionModel.undo_stack`, set by the main window) with `push`. The first redo
runs the core calls while the case notes every primitive write in a journal
(`Case.recording`); undo reverts that journal exactly (ids, stamps and everything a delete
took with it), and a later redo replays it. One command is one undo step, however many
records it touches (an actor deleted with its relations and citations, two actors merged).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.core.casefile import Case, new_id
from workbench.core.model import NOUNS


def noun(table: str, count: int = 1) -> str:
    word = NOUNS.get(table, table)
    return word if count == 1 else f"{count} {word}s"


class CaseCommand(QUndoCommand):
    """A user action on a case: `perform` makes the core calls once; undo/redo use the journal."""

    def __init__(self, case: Case, text: str) -> None:
        super().__init__(text)
        self.case = case
        self.journal: list[tuple[Any, ...]] | None = None
        self._done_by_push = False

    def perform(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._done_by_push:  # `push` already ran it, to learn whether it could be done at all
            self._done_by_push = False
            return
        if self.journal is None:
            with self.case.recording() as journal:
                self.perform()
            self.journal = list(journal)
        else:
            self.case.replay(self.journal, origin=self)

    def undo(self) -> None:
        if self.journal:
            self.case.revert(self.journal, origin=self)


class CaseEdit(CaseCommand):
    """Any sequence of core calls as one undo step: `CaseEdit(case, "Merge actors", lambda c: ...)`."""

    def __init__(self, case: Case, text: str, action: Callable[[Case], Any]) -> None:
        super().__init__(case, text)
        self.action = action
        self.result: Any = None

    def perform(self) -> None:
        self.result = self.action(self.case)


class InsertRecord(CaseCommand):
    """Add one record (with its links, if given as `links`: [(table, values)])."""

    def __init__(self, case: Case, table: str, values: dict[str, Any], text: str = "",
                 links: Iterable[tuple[str, dict[str, Any]]] = ()) -> None:
        super().__init__(case, text or f"Add {noun(table)}")
        self.table = table
        self.values = dict(values)
        self.values.setdefault("id", new_id())
        self.record_id: str = self.values["id"]
        self.links = list(links)

    def perform(self) -> None:
        self.case.insert(self.table, self.values, origin=self)
        for table, values in self.links:
            self.case.link(table, values, origin=self)


class UpdateRecord(CaseCommand):
    """Change some fields of one record.

    Consecutive updates of the same record with the same `merge_key` (a node dragged in
    several moves, a field typed into) merge into one undo step.
    """

    def __init__(self, case: Case, table: str, record_id: str, changes: dict[str, Any], text: str = "",
                 merge_key: int = -1) -> None:
        super().__init__(case, text or f"Edit {noun(table)}")
        self.table, self.record_id = table, record_id
        self.changes = dict(changes)
        self.merge_key = merge_key

    def perform(self) -> None:
        self.case.update(self.table, self.record_id, self.changes, origin=self)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.merge_key

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, UpdateRecord) or other.merge_key != self.merge_key or self.merge_key < 0:
            return False
        if (other.table, other.record_id) != (self.table, self.record_id):
            return False
        self.journal = (self.journal or []) + (other.journal or [])
        self.changes.update(other.changes)
        return True


class DeleteRecords(CaseCommand):
    """Delete records and everything that hangs on them, as one undo step."""

    def __init__(self, case: Case, table: str, record_ids: Iterable[str], text: str = "") -> None:
        self.record_ids = list(dict.fromkeys(record_ids))
        super().__init__(case, text or f"Delete {noun(table, len(self.record_ids))}")
        self.table = table

    def perform(self) -> None:
        for record_id in self.record_ids:
            if self.case.get(self.table, record_id) is not None:  # may have gone with an earlier one
                self.case.delete(self.table, record_id, origin=self)


class SetMeta(CaseCommand):
    def __init__(self, case: Case, key: str, value: str, text: str = "") -> None:
        super().__init__(case, text or f"Change case {key}")
        self.key, self.value = key, value
        self.old: str | None = None

    # meta is not a record table: its undo is its own
    def redo(self) -> None:
        if self._done_by_push:
            self._done_by_push = False
            return
        self.old = self.case.meta(self.key, default=None)  # type: ignore[arg-type]
        self.case.set_meta(self.key, self.value, origin=self)

    def undo(self) -> None:
        self.case.set_meta(self.key, self.old if self.old is not None else "", origin=self)


class LinkRecords(CaseCommand):
    """Add a row to a join table (an actor to an event, a source under a footnote)."""

    def __init__(self, case: Case, table: str, values: dict[str, Any], text: str = "") -> None:
        super().__init__(case, text or "Link records")
        self.table, self.values = table, dict(values)

    def perform(self) -> None:
        self.case.link(self.table, self.values, origin=self)


def push(stack: QUndoStack | None, command: CaseCommand) -> bool:
    """Run a command and put it on the undo stack; False (and nothing done) on a read-only or closed case.

    The command runs before it goes on the stack: if the core refuses it (invalid input,
    CaseError, ValueError), the error propagates, nothing was written (one transaction), and
    the stack does not hold a step that never happened.
    """
    if stack is None or command.case.read_only or command.case.closed:
        return False
    command.redo()
    command._done_by_push = True
    stack.push(command)
    return True
