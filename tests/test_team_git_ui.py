"""A case directory in the window (issue 28, item 4), with the real git: File > Open of the directory or of the
repository holding it, every change written back at once, branch and uncommitted changes in the title and the
status bar, Commit to Git, and the merge dialog for the conflicts a git merge left."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from workbench.core.canonical import record_encoder
from workbench.core.casedir import read_casedir
from workbench.ui.main_window import MainWindow

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def git_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """git that reads no configuration of this machine or user: a global file of the test's own, no system file."""
    config = tmp_path_factory.mktemp("git-home") / "gitconfig"
    config.write_text("[user]\n\tname = Test Analyst\n\temail = analyst@example.org\n"
                      "[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(config))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        yield


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def origin(sample_path: Path, git_config: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository holding the sample as the case directory `belarus/`, set up for the driver, one commit."""
    repo = tmp_path_factory.mktemp("origin")
    git(repo, "init", "--quiet")
    for args in (["export", str(sample_path), "--format", "casedir", "--out", str(repo / "belarus")],
                 ["git-setup", str(repo)]):
        done = subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "the sample")
    return repo


def repository(origin: Path, where: Path) -> Path:
    git(where.parent, "clone", "--quiet", str(origin), str(where))
    subprocess.run([sys.executable, "-m", "workbench.cli", "git-setup", str(where)], check=True, capture_output=True)
    return where


def window_on(qtbot, path: Path) -> MainWindow:
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(path)
    window.resize(1440, 900)
    window.show()
    QApplication.processEvents()
    return window


def test_an_edit_is_written_back_at_once_and_committed_from_the_menu(qtbot, origin: Path, tmp_path: Path) -> None:
    from workbench.core.gitcase import working_copy_path
    from workbench.ui import commands, team

    repo = repository(origin, tmp_path / "repo")
    window = window_on(qtbot, repo)  # the repository holding the case directory
    folder = repo / "belarus"
    assert window.case_directory == folder
    assert window.case.path == working_copy_path(folder) and not window.case.path.is_relative_to(repo)
    assert window.windowTitle().endswith("[main, committed]")
    assert "git: main: committed" in window.status_git.text()
    event_id = sorted(r["id"] for r in read_casedir(folder)[0]["events"])[0]
    committed = (folder / "events.jsonl").read_bytes()

    commands.push(window.undo_stack, commands.update_record(window.case, "events", event_id, {"title": "Typed"}))
    # on disk at once, in the directory git sees: nothing waits for a save
    assert '"title": "Typed"' in (folder / "events.jsonl").read_text(encoding="utf-8")
    assert git(repo, "status", "--porcelain").stdout.split() == ["M", "belarus/events.jsonl"]
    assert window.windowTitle().endswith("[main, uncommitted changes]")
    assert "uncommitted changes" in window.status_git.text()
    window.undo_stack.undo()
    assert (folder / "events.jsonl").read_bytes() == committed
    assert window.windowTitle().endswith("[main, committed]")
    window.undo_stack.redo()

    made = team.commit(window, "Retitled an event")
    assert made and git(repo, "log", "-1", "--format=%s").stdout.strip() == "Retitled an event"
    assert git(repo, "status", "--porcelain").stdout == ""
    assert window.windowTitle().endswith("[main, committed]")
    # the commit action is in the File menu, enabled for a case directory in git
    assert window.commit_action.isEnabled() and window.commit_action.text().startswith("Commit to &Git")
    # a commit made in a terminal meanwhile shows when the window comes back to the front
    commands.push(window.undo_stack, commands.update_record(window.case, "events", event_id, {"title": "Again"}))
    assert window.windowTitle().endswith("[main, uncommitted changes]")
    git(repo, "commit", "--quiet", "-am", "committed in a terminal")
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    assert window.windowTitle().endswith("[main, committed]")
    # closing and opening again rebuilds the working copy from the directory: the edit is there
    window.close_case()
    assert not window.commit_action.isEnabled()
    assert window.open_path(folder)
    assert window.case.get("events", event_id)["title"] == "Again"


def test_a_git_merge_with_conflicts_opens_in_the_merge_dialog(qtbot, origin: Path, tmp_path: Path,
                                                              answer_boxes) -> None:
    from workbench.ui.sharing import MergeDialog

    repo = repository(origin, tmp_path / "repo")
    folder = repo / "belarus"
    events = sorted(r["id"] for r in read_casedir(folder)[0]["events"])
    path = folder / "events.jsonl"

    def retitle(title: str) -> None:  # an edit as a colleague's app writes it: one record's line
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for record in records:
            if record["id"] == events[0]:
                record["title"] = title
        path.write_text("".join(record_encoder()(r) + "\n" for r in records), encoding="utf-8")

    git(repo, "checkout", "--quiet", "-b", "theirs")
    retitle("Their title")
    git(repo, "commit", "--quiet", "-am", "theirs")
    git(repo, "checkout", "--quiet", "main")
    retitle("Our title")
    git(repo, "commit", "--quiet", "-am", "ours")
    assert git(repo, "merge", "--no-edit", "theirs", check=False).returncode == 1

    seen: list[MergeDialog] = []

    def choose_theirs() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, MergeDialog) and not seen:
            seen.append(dialog)
            assert dialog.conflicts.rowCount() == 1
            assert dialog.conflicts.text(0, 2) == "title"
            assert (dialog.conflicts.text(0, 3), dialog.conflicts.text(0, 4)) == ("Our title", "Their title")
            dialog.conflicts.choose("theirs")
            dialog.accept()

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(choose_theirs)
    timer.start(20)
    answer_boxes(QMessageBox.StandardButton.Yes)  # "settle them now?"
    try:
        window = window_on(qtbot, repo)
    finally:
        timer.stop()
    assert seen, "the merge dialog did not open"
    assert not window.case.read_only
    assert window.case.get("events", events[0])["title"] == "Their title"
    document, conflicts = read_casedir(folder)
    assert conflicts == [] and "<<<<<<<" not in path.read_text(encoding="utf-8")
    assert window.windowTitle().endswith("[main, merge to commit]")
    assert subprocess.run([sys.executable, "-m", "workbench.cli", "check", str(folder)]).returncode == 0
    from workbench.ui import team

    assert team.commit(window, "Merged theirs: their title")
    assert git(repo, "rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"
    assert window.windowTitle().endswith("[main, committed]")


def test_conflicts_left_unsettled_open_read_only(qtbot, origin: Path, tmp_path: Path, answer_boxes) -> None:
    repo = repository(origin, tmp_path / "repo")
    folder = repo / "belarus"
    blocked = folder / "notes.jsonl"
    first = blocked.read_text(encoding="utf-8").splitlines()[0]
    changed = first.replace('"text": "', '"text": "Ours: ', 1)
    blocked.write_text(blocked.read_text(encoding="utf-8").replace(
        first, f"<<<<<<< ours\n{changed}\n=======\n>>>>>>> theirs"), encoding="utf-8")
    text = blocked.read_text(encoding="utf-8")
    answer_boxes(QMessageBox.StandardButton.No)
    window = window_on(qtbot, folder)
    assert window.case.read_only
    assert blocked.read_text(encoding="utf-8") == text  # nothing settled them as ours behind the analyst's back
