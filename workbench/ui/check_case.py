"""Check Case in the app: the File menu item, and the repair offered for a file with dangling references or with
values the app cannot read (refused, it opens read-only with those shown as unreadable)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.core.repair import describe, inspect, rebuild_search, repair, repair_file, search_index_sound
from workbench.core.store import Case, CaseError, CaseHoldsBadValues, CaseNeedsRepair, is_writable, verified
from workbench.core.store.masked import open_masked
from workbench.ui.tasks import runner


class CaseHost(Protocol):
    """What Check Case needs from the main window: its case and undo stack, its yes/no question and
    refusal, and the window its messages belong to."""

    @property
    def case(self) -> Case | None: ...

    @property
    def undo_stack(self) -> QUndoStack: ...

    def ask(self, title: str, question: str) -> bool: ...

    def refuse(self, message: str) -> None: ...

    def window(self) -> QWidget: ...

    def set_case(self, case: Case | None) -> None: ...

    def open_path(self, path: Path, read_only: bool | None = None) -> bool: ...

SHOWN = 8  # problems or fixes listed in the message itself; all of them are in its details


def _listing(lines: list[str]) -> str:
    shown = "\n".join(f"• {line}" for line in lines[:SHOWN])
    return shown + (f"\n… and {len(lines) - SHOWN} more (see details)." if len(lines) > SHOWN else "")


def tell(parent: QWidget, title: str, text: str, details: list[str]) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # case text (titles, ids) stays inert
    if details:
        box.setDetailedText("\n".join(details))
    box.exec()


def offer_repair(window: CaseHost, path: Path, needs: CaseNeedsRepair) -> bool:
    """Ask before repairing a file refused only for dangling references; True once repaired."""
    problems = [describe(item) for item in needs.dangling]
    question = (f"{needs} Repair it now? Each row pointing at a missing record is removed (a note only loses "
                f"its attachment), in one step recorded in the case's history.\n\n{_listing(problems)}")
    if not window.ask("Repair case?", question):
        window.refuse(str(needs))  # not opened, and why, as for any refused file
        return False
    try:
        report = repair_file(path, analyst=window.case.analyst if window.case else None)
    except CaseError as error:
        window.refuse(str(error))
        return False
    tell(window.window(), "Case repaired", f"{path.name} was repaired: {len(report.fixes)} fix(es).", report.fixes)
    return True


def offer_value_repair(window: CaseHost, path: Path, holds: CaseHoldsBadValues, read_only: bool) -> bool:
    """A case holding values the app cannot read: ask to replace them with neutral values (Check Case's repair),
    or open it read-only with each shown as unreadable. True once it is open."""
    problems = [bad.describe() for bad in holds.bad]
    analyst = window.case.analyst if window.case else None
    count = "1 value" if len(problems) == 1 else f"{len(problems)} values"
    if not read_only and is_writable(path) and window.ask(
        "Values the app cannot read",
        f"{path.name} holds {count} the app cannot read (written by another program). Replace them now, in one "
        "step recorded in the case's history, where the old values stay? Text becomes '(unreadable)', a time "
        "that cannot be read is cleared (an event's start becomes a placeholder, said in its time note).\n\n"
        f"No opens it read-only, with each shown as unreadable.\n\n{_listing(problems)}"):
        try:
            report = repair_file(path, analyst=analyst)
        except CaseError as error:
            window.refuse(str(error))
            return False
        tell(window.window(), "Case repaired", f"{path.name} was repaired: {len(report.fixes)} fix(es).",
             report.fixes)
        return window.open_path(path, read_only)
    try:
        case = open_masked(path, analyst=analyst)
    except CaseError as error:
        window.refuse(str(error))
        return False
    window.set_case(case)
    return True


# The search index is checked this long after a case opens, so the check (which reads all of the case's text)
# does not compete with the first paint.
INDEX_CHECK_DELAY_MS = 1000


def check_search_index(window: CaseHost) -> None:
    """After a case opens: ask off the UI thread whether its search indexes match its text (another program may
    have written it), and offer Check Case's rebuild if not."""
    case = window.case
    if case is None or case.read_only or verified.SEARCH in case.sound:  # these bytes' indexes were found sound
        return

    def checked(sound: bool) -> None:
        if sound:  # remembered for these bytes, and for those this app's writes leave (Case.close)
            case.sound.add(verified.SEARCH)
            verified.remember(verified.opened_digest(case.path), (verified.SEARCH,))
        else:
            offer_rebuild(window, case)

    def start() -> None:
        if window.case is case and not case.closed:  # not replaced or closed meanwhile
            runner().run(("search index", id(window)), search_index_sound, reader_of=case, context=window.window(),
                         done=checked)

    QTimer.singleShot(INDEX_CHECK_DELAY_MS, window.window(), start)


def offer_rebuild(window: CaseHost, case: Case) -> bool:
    """Ask to rebuild a stale or damaged search index; the rebuild runs behind a progress dialog. True once done."""
    if window.case is not case:  # another case was opened meanwhile
        return False
    if not window.ask("Search index", f"The search index of {case.path.name} is out of step with its text or damaged "
                      "(another program wrote to the file), so search may miss records or fail. Rebuild it now, as "
                      "Check Case would (workbench check --repair)?"):
        return False
    outcome = runner().run_modal(window.window(), "Rebuilding the search index\u2026", rebuild_search, writer_of=case,
                                 failure=f"Cannot rebuild the search index of {case.path.name}")
    if outcome.error:
        window.refuse(outcome.error)
    return outcome.ok


def check_open_case(window: CaseHost) -> bool:
    """File > Check Case…: report on the open case and, if the analyst agrees, repair it. True if healthy after."""
    case = window.case
    if case is None:
        return False
    parent = window.window()
    report = inspect(case)
    if report.healthy:
        tell(parent, "Check Case", f"{case.path.name} is healthy: integrity, references and search index ok.", [])
        return True
    problems = report.problems()
    if case.read_only:
        tell(parent, "Check Case", f"{case.path.name} has {len(problems)} problem(s), and it is open read-only, "
             "so it cannot be repaired here.", problems)
        return False
    if not window.ask("Check Case", f"{case.path.name} has {len(problems)} problem(s). Repair them now, in one "
                      f"step recorded in the case's history?\n\n{_listing(problems)}"):
        return False
    window.undo_stack.clear()  # undo steps may hold rows the repair removes
    report = repair(case)
    tell(parent, "Check Case", f"{case.path.name} was repaired: {len(report.fixes)} fix(es).", report.fixes)
    return inspect(case).healthy
