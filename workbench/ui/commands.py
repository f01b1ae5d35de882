"""The one undo command: a user action is one core operation (`core.ops`) on the window's undo stack.

A view never writes to the case itself: it builds an `Operation` (usually through one of the
helpers below) and pushes it with `push`. The first redo runs the operation while the case
notes every primitive write in a journal (`Case.recording`); undo reverts that journal exactly
(ids, stamps and everything a delete took with it), and a later redo replays it. One command is
one undo step and one transaction, so the views hear of it once, as one `Changes`, however many
records it touches (an actor deleted with its relations and citations, a whole import, a merge).

The first run names the view that asked as the origin, so that view need not re-read what it
just did; undo and redo name no origin, and every view that depends on the tables refreshes.

A long write (an import, a merge) runs on a worker thread instead (`ui.tasks.write_modal`): it
is journalled there on a writer connection, and `Operation.from_journal` makes the same kind of
undo step from the journal it sends back, without running anything again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.core import ops
from workbench.core.model import NOUNS, record_name
from workbench.core.store import Case, CaseError, Changes, new_id, replayable


def noun(table: str, count: int = 1) -> str:
    word = NOUNS.get(table, table)
    return word if count == 1 else f"{count} {word}s"


# An undo step names its record in at most this many characters ("Edit event 'Lukashenko calls Pu…'").
NAME_IN_STEP = 40


def quoted(name: str) -> str:
    """A record's name as an undo step quotes it: one line, cut to NAME_IN_STEP characters."""
    name = " ".join(str(name).split())
    return f"'{name[:NAME_IN_STEP - 1]}\u2026'" if len(name) > NAME_IN_STEP else f"'{name}'"


def step_name(case: Case | None, table: str, row: dict[str, Any] | None) -> str:
    """'event 'Rally in Minsk'', 'relation 'commands'': the noun and what the analyst calls the record.

    A relation is named by its label, else its kind; a citation by the record it supports.
    """
    word = NOUNS.get(table, table)
    if not row:
        return word
    if table == "relations":
        name = row.get("label") or row.get("kind") or ""
    elif table == "citations" and case is not None:
        for column, target in (("event_id", "events"), ("relation_id", "relations"), ("actor_id", "actors")):
            if row.get(column):
                return f"citation for {step_name(case, target, case.get(target, row[column]))}"
        name = ""
    else:
        name = record_name(row)
    return f"{word} {quoted(name)}" if name else word


def record_step_name(case: Case, table: str, record_id: str) -> str:
    """step_name of a stored record (the noun alone when it is gone)."""
    try:
        return step_name(case, table, case.get(table, record_id))
    except (CaseError, ValueError):
        return NOUNS.get(table, table)


class Operation(QUndoCommand):
    """A user action: `action(case)` (a core operation) run once; undo/redo use its journal.

    `merge_key` >= 0 with the same `target` lets consecutive steps merge into one undo step
    (a field typed into, a node dragged in several moves).
    """

    def __init__(self, case: Case, text: str, action: Callable[[Case], Any], origin: object = None,
                 merge_key: int = -1, target: object = None) -> None:
        super().__init__(text)
        self.case = case
        self.action = action
        self.origin = origin
        self.merge_key = merge_key
        self.target = target
        self.journal: list[tuple[Any, ...]] | None = None
        self.changes: Changes = Changes()
        self._done_by_push = False
        self._undone_already = False

    @classmethod
    def from_journal(cls, case: Case, text: str, journal: list[tuple[Any, ...]], changes: Changes | None = None,
                     origin: object = None) -> Operation:
        """An action that already ran and committed elsewhere, as an undo step that `push` does not run again.

        For a long write done on a writer connection on a worker thread (`ui.tasks.write_modal`):
        the worker ran it inside `writer.recording()` and sent back the journal and Changes; the
        caller announces the Changes on `case` once, and this command's undo reverts the journal
        on `case` and its redo replays it, like any other Operation.
        """
        command = cls(case, text, _already_run, origin)
        command.journal = list(journal)
        command.changes = changes if changes is not None else Changes()
        command.ran_before_push()
        return command

    @property
    def result(self) -> Any:
        """What the operation returned (an id, counts), read after the command ran."""
        return self.changes.result

    def redo(self) -> None:
        if self._done_by_push:  # `push` already ran it, to learn whether it could be done at all
            self._done_by_push = False
            return
        if self.journal is None:
            with self.case.recording(origin=self.origin) as journal:
                outcome = self.action(self.case)
            self.changes = outcome if isinstance(outcome, Changes) else Changes(result=outcome)
            self.journal = list(journal)
        else:
            self.case.replay(self.journal)

    def ran_before_push(self) -> None:
        """`push` ran it already: the stack's own first redo must not run it again."""
        self._done_by_push = True

    def undo(self) -> None:
        if self._undone_already:  # `undo(stack)` reverted it before moving the stack
            self._undone_already = False
            return
        if self.journal:
            self.case.revert(self.journal)
            self._forget_if_final()

    def _forget_if_final(self) -> None:
        """A step whose bulk writes were too big to keep for redo leaves the stack once undone: the
        stack must not offer a redo it cannot do (the analyst imports the file again instead)."""
        if self.journal and not replayable(self.journal):
            self.setObsolete(True)

    def revert_now(self) -> None:
        """Undo it now (raising CaseBusy or StaleJournal with nothing written); the stack's own undo
        that follows is then a no-op."""
        if self.journal:
            self.case.revert(self.journal)
            self._forget_if_final()
        self._undone_already = True

    def replay_now(self) -> None:
        """Redo it now (raising with nothing written); the stack's own redo that follows is a no-op."""
        if self.journal is None:
            self.redo()
        elif self.journal:
            self.case.replay(self.journal)
        self._done_by_push = True

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.merge_key

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, Operation) or self.merge_key < 0 or other.merge_key != self.merge_key:
            return False
        if other.target != self.target:
            return False
        self.journal = (self.journal or []) + (other.journal or [])
        return True


def _already_run(case: Case) -> Any:
    raise AssertionError("an Operation made from a journal replays the journal, it never runs an action")


def insert_record(case: Case, table: str, values: dict[str, Any], text: str = "",
                  links: Iterable[tuple[str, dict[str, Any]]] = (), origin: object = None) -> Operation:
    """Add one record (with its join rows); the command's `record_id` names it."""
    values = dict(values)
    values.setdefault("id", new_id())
    links = list(links)
    command = Operation(case, text or f"Add {step_name(case, table, values)}",
                        lambda c: ops.add_record(c, table, values, links), origin=origin)
    command.record_id = values["id"]  # type: ignore[attr-defined]
    return command


def update_record(case: Case, table: str, record_id: str, changes: dict[str, Any], text: str = "",
                  merge_key: int = -1, origin: object = None) -> Operation:
    """Change some fields of one record; steps with the same merge_key and record merge."""
    changes = dict(changes)
    return Operation(case, text or f"Edit {record_step_name(case, table, record_id)}",
                     lambda c: ops.edit_record(c, table, record_id, changes),
                     origin=origin, merge_key=merge_key, target=(table, record_id))


def delete_records(case: Case, table: str, record_ids: Iterable[str], text: str = "",
                   origin: object = None) -> Operation:
    """Delete records and everything that hangs on them, as one undo step."""
    ids = list(dict.fromkeys(record_ids))
    what = record_step_name(case, table, ids[0]) if len(ids) == 1 else noun(table, len(ids))
    return Operation(case, text or f"Delete {what}",
                     lambda c: ops.delete_records(c, table, ids), origin=origin)


def link_records(case: Case, table: str, values: dict[str, Any], text: str = "", origin: object = None) -> Operation:
    """Add a row to a join table (an actor to an event, a source under a footnote)."""
    values = dict(values)
    return Operation(case, text or f"Link {link_step_name(case, table, values)}",
                     lambda c: ops.link(c, table, values), origin=origin)


def link_step_name(case: Case, table: str, values: dict[str, Any]) -> str:
    """'actor 'OMON' to event 'Rally'': the two records a join row ties, as an undo step names them."""
    ends = [(column.removesuffix("_id") + "s", value) for column, value in values.items()
            if column.endswith("_id") and isinstance(value, str)]
    if len(ends) != 2:
        return "records"
    (first_table, first_id), (second_table, second_id) = ends
    # event_actors lists the event first; a step reads better naming what is added to what
    return f"{record_step_name(case, second_table, second_id)} to {record_step_name(case, first_table, first_id)}"


def set_meta(case: Case, key: str, value: str, text: str = "", origin: object = None) -> Operation:
    """Change one case property (title, classification, time zone)."""
    words = {"timezone": "time zone", "classification": "classification marking"}
    return Operation(case, text or f"Change case {words.get(key, key)}", lambda c: ops.set_meta(c, key, value),
                     origin=origin)


def undo(stack: QUndoStack) -> str | None:
    """Undo the last step. If the case refuses (another program holds the write lock, or changed
    what the step would restore), nothing is written, the stack stays where it was and the reason
    comes back as one sentence; None when it was undone (or there was nothing to undo)."""
    if not stack.canUndo():
        return None
    return _step(stack.command(stack.index() - 1), Operation.revert_now, stack.undo)


def redo(stack: QUndoStack) -> str | None:
    """Redo the next step; like `undo`, a refusal leaves the stack where it was and says why."""
    if not stack.canRedo():
        return None
    return _step(stack.command(stack.index()), Operation.replay_now, stack.redo)


def _step(command: QUndoCommand, run_now: Callable[[Operation], None], move: Callable[[], None]) -> str | None:
    """Run the step on the case first; only when that worked does the stack move (its own call is then a no-op)."""
    if isinstance(command, Operation):
        try:
            run_now(command)
        except CaseError as refused:
            return str(refused)
    move()
    return None


def push(stack: QUndoStack | None, command: Operation) -> bool:
    """Run a command and put it on the undo stack; False (and nothing done) on a read-only or closed case.

    The command runs before it goes on the stack: if the core refuses it (InvalidRecord,
    CaseError, ValueError), the error propagates, nothing was written (one transaction), and
    the stack does not hold a step that never happened.
    """
    if stack is None or command.case.read_only or command.case.closed:
        return False
    command.redo()
    command.ran_before_push()
    stack.push(command)
    return True
