"""A case directory in the window (issue 28): opened through a SQLite working copy, every change written back to the
directory at once, the git branch and uncommitted changes shown, the one Commit to Git action, and the conflicts a
git merge left settled in the merge dialog.

When is a change written back? After every change notice the case announces (each edit, undo, redo, import or
merge, once it is committed to the working copy): only the tables the notice names, and only the files whose text
changed. So the directory always holds what the analyst sees, nothing typed waits for a save or a clean exit,
and `git status` in a terminal is right at any moment. The working copy itself is in the user's cache folder
(`core.gitcase.working_copy_path`) and is rebuilt from the directory on every open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QInputDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from workbench.core.casedir import HEADER_FILE, is_case_directory
from workbench.core.errors import CaseError
from workbench.core.exporters.casedir import export_casedir
from workbench.core.gitcase import (
    GitState,
    build_working_copy,
    commit_case,
    find_case_directories,
    state_of,
)
from workbench.core.merge import plan_from_conflicts
from workbench.core.store import Changes, open_case
from workbench.ui.plaintext import warn
from workbench.ui.settings import analyst_name


def case_directory_of(path: Path, parent: QWidget | None = None) -> Path | None:
    """The case directory File > Open means by `path`: the folder itself, the folder of its header file, or the one
    case directory inside a repository (asked which when it holds several); None when there is none."""
    path = Path(path)
    if path.name == HEADER_FILE and path.is_file():
        return path.parent
    if not path.is_dir():
        return None
    if is_case_directory(path):
        return path
    found = find_case_directories(path)
    if len(found) <= 1:
        return found[0] if found else None
    names = [str(p.relative_to(path)) for p in found]
    name, ok = QInputDialog.getItem(parent, "Open case directory", f"{path.name} holds several cases; open:",
                                    names, 0, False)
    return path / name if ok else None


def open_case_directory(window: Any, path: Path, read_only: bool = False) -> bool:
    """File > Open of a case directory (or a repository holding one): build its working copy, open it, settle the
    conflicts a git merge left; True when it is open."""
    folder = case_directory_of(path, window)
    if folder is None:
        window.refuse(f"{Path(path).name} holds no case directory (no {HEADER_FILE} in it or below it).")
        return False
    try:
        copy, conflicts = build_working_copy(folder, analyst=analyst_name())
        case = open_case(copy, read_only=read_only, analyst=analyst_name())
    except CaseError as error:
        window.refuse(f"Cannot open the case directory {folder.name}: {error}")
        return False
    window.set_case(case, directory=folder)
    if conflicts and not case.read_only:
        if window.ask("Settle the merge's conflicts",
                      f"The git merge left {len(conflicts)} conflict(s) in {folder.name}: records both sides changed "
                      "differently. Choose the version of each now? (Otherwise the case opens read-only.)"):
            settle_conflicts(window, folder, conflicts)
        else:
            stay_read_only(window, folder)
    return True


def settle_conflicts(window: Any, folder: Path, conflicts: list[Any]) -> bool:
    """The merge dialog for the conflicts a git merge left; once settled, the directory is written whole (no block
    left). Cancelled, the case stays open read-only, so no write-back can settle them silently as ours."""
    from workbench.ui import sharing

    plan = plan_from_conflicts(window.case, folder, conflicts)
    if not sharing.settle_plan(window, plan, f"{folder.name} (git merge)"):
        stay_read_only(window, folder)
        return False
    write_back(window)
    return True


def stay_read_only(window: Any, folder: Path) -> None:
    """Conflicts not settled: the working copy again, read-only (the directory keeps its conflict blocks)."""
    window.set_case(open_case(window.case.path, read_only=True, analyst=analyst_name()), directory=folder)
    window.statusBar().showMessage(f"The merge's conflicts in {folder.name} are not settled: the case is open "
                                   "read-only; open it again to settle them.", 30_000)


class GitRefresher(QObject):
    """Asks git again when the window comes back to the front: a commit, pull or branch switch in a terminal
    meanwhile shows in the title and status bar (no timer polls git)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.setObjectName("git_refresher")
        self.window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.WindowActivate and self.window.case_directory is not None:
            refresh(self.window)
        return False


def attach(window: Any) -> None:
    """Called by the window when it opens a case directory: write each change back, show the repository's state."""
    case = window.case
    case.subscribe(lambda changes: write_back(window, changes))
    if window.findChild(GitRefresher, "git_refresher") is None:
        GitRefresher(window)
    refresh(window)


def write_back(window: Any, changes: Changes | None = None) -> None:
    """Write the working copy's tables a change named (all, without `changes`) back to the case directory."""
    case, folder = window.case, window.case_directory
    if case is None or folder is None or case.closed or case.read_only:
        return
    tables = None
    if changes is not None:
        tables = changes.tables
        if not tables:
            return
    try:
        export_casedir(case, folder, tables=tables)
    except CaseError as error:
        warn(window, "Cannot write the case directory", f"{error} The change is kept in the working copy "
                     f"{case.path}; it is written to {folder.name} with the next change that succeeds.")
        return
    refresh(window)


def refresh(window: Any) -> None:
    """Ask git (locally) for the branch and whether the directory holds uncommitted changes."""
    folder = window.case_directory
    try:
        window.git_state = state_of(folder) if folder is not None else None
    except CaseError:
        window.git_state = None
    window.show_git_state()


def describe(folder: Path | None, state: GitState | None) -> tuple[str, str]:
    """(what the window title adds, what the status bar shows) for an open case directory."""
    if folder is None:
        return "", ""
    if state is None:
        return f" [{folder.name}: not in git]", f"Case directory {folder}: not in a git repository"
    changed = "uncommitted changes" if state.dirty else "committed"
    if state.conflicted or state.merging:
        changed = "merge to commit"
    return f" [{state.branch or 'detached'}, {changed}]", f"git: {state.describe()}  ({folder})"


class CommitDialog(QDialog):
    """File > Commit to Git…: the message of the one commit the app makes."""

    def __init__(self, folder: Path, state: GitState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commit_dialog")
        self.setWindowTitle("Commit to Git")
        layout = QVBoxLayout(self)
        where = QLabel(f"Commit {folder.name} on branch {state.branch or '(detached HEAD)'} of {state.root}. "
                       "Nothing is sent anywhere: push or carry the repository yourself.", self)
        where.setWordWrap(True)
        layout.addWidget(where)
        self.message = QPlainTextEdit(self)
        self.message.setObjectName("commit_message")
        self.message.setPlaceholderText("What changed, and why")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Commit")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 260)


def commit(window: Any, message: str | None = None) -> str | None:
    """File > Commit to Git…: ask for a message (unless given) and commit the case directory; the new commit's id."""
    folder, state = window.case_directory, window.git_state
    if folder is None or state is None:
        return None
    if message is None:
        dialog = CommitDialog(folder, state, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        message = dialog.message.toPlainText()
    try:
        write_back(window)
        made = commit_case(folder, message)
    except CaseError as error:
        warn(window, "Cannot commit", str(error))
        return None
    refresh(window)
    window.statusBar().showMessage(f"Committed {folder.name} as {made} on {state.branch or 'detached HEAD'}.", 15_000)
    return made
