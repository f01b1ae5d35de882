"""Team work through git (issue 28): the case directory round trip, and real git merging two analysts' concurrent
edits of the sample through `workbench merge` as its merge driver, diff through its textconv, and three clones
passing a case through a bare repository on the local disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workbench.core.casedir import read_casedir
from workbench.core.exporters.canonical import canonical_text
from workbench.core.exporters.casedir import export_casedir
from workbench.core.importers.casedir import UnresolvedConflicts, import_casedir
from workbench.core.store import Case, create_case, open_case

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed (.ci/run installs it)")
PYTHON = [sys.executable, "-m", "workbench.cli"]


@pytest.fixture(scope="module")
def git_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """git that reads no configuration of this machine or user: a global file of the test's own, no system file."""
    home = tmp_path_factory.mktemp("git-home")
    config = home / "gitconfig"
    config.write_text("[user]\n\tname = Test Analyst\n\temail = analyst@example.org\n"
                      "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", str(config))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.delenv("GIT_DIR", raising=False)
        patch.delenv("GIT_WORK_TREE", raising=False)
        yield dict(os.environ)


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


def workbench(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PYTHON, *args], capture_output=True, text=True, cwd=cwd, check=False)


@pytest.fixture(scope="module")
def origin(sample_path: Path, git_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository whose one commit holds the sample as the case directory `belarus/`, set up by git-setup."""
    repo = tmp_path_factory.mktemp("origin")
    git(repo, "init", "--quiet")
    done = workbench("export", str(sample_path), "--format", "casedir", "--out", str(repo / "belarus"))
    assert done.returncode == 0, done.stderr
    done = workbench("git-setup", str(repo))
    assert done.returncode == 0, done.stderr
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "the sample")
    return repo


def clone(origin: Path, where: Path) -> Path:
    git(where.parent, "clone", "--quiet", str(origin), str(where))
    done = workbench("git-setup", str(where))  # git copies no config: each clone is set up once
    assert done.returncode == 0, done.stderr
    return where


def edit(folder: Path, change: Callable[[Case], None], scratch: Path) -> None:
    """What the app does to a case directory: read it into a working copy, change it there, write it back."""
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / f"work-{len(list(scratch.iterdir()))}.case"
    case = create_case(copy, "work")
    try:
        import_casedir(folder, case)
        change(case)
        export_casedir(case, folder)
    finally:
        case.close()


def records(folder: Path, table: str) -> dict[str, dict]:
    document, _conflicts = read_casedir(folder)
    return {row["id"]: row for row in document[table]}


def ids(folder: Path, table: str) -> list[str]:
    return sorted(records(folder, table))


def test_a_case_directory_reads_back_byte_identical(sample_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "belarus"
    done = workbench("export", str(sample_path), "--format", "casedir", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    done = workbench("import", str(folder), "--into", str(tmp_path / "back.case"), "--create")
    assert done.returncode == 0, done.stderr
    with open_case(sample_path, read_only=True) as original, open_case(tmp_path / "back.case") as back:
        assert canonical_text(back) == canonical_text(original)
    # one file per table, each line one record exactly as the canonical document writes it
    document = canonical_text(open_case(sample_path, read_only=True))
    lines = set(document.splitlines())
    for table_file in folder.glob("*.jsonl"):
        for line in table_file.read_text(encoding="utf-8").splitlines():
            assert line + "," in lines or line in lines
    # a second export over it writes nothing: git sees no change
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    done = workbench("export", str(sample_path), "--format", "casedir", "--out", str(folder))
    assert "(0 files written)" in done.stdout
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert workbench("check", str(folder)).returncode == 0


def test_a_case_directory_beside_other_files_is_refused(sample_path: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = workbench("export", str(sample_path), "--format", "casedir", "--out", str(tmp_path))
    assert done.returncode == 2 and "holds other files" in done.stderr
    assert "case_workbench.json" not in {p.name for p in tmp_path.iterdir()}


@pytest.fixture(scope="module")
def picked(origin: Path) -> dict[str, str]:
    """Records of the sample each scenario edits: four events, a note, and an actor."""
    events = ids(origin / "belarus", "events")
    notes = ids(origin / "belarus", "notes")
    return {"e1": events[0], "e2": events[1], "e3": events[2], "e4": events[3], "note": notes[0]}


def branch_edits(repo: Path, scratch: Path, picked: dict[str, str]) -> None:
    """Two branches edit the sample at the same time: `ours` on main, `theirs` on a branch."""
    from workbench.core.ops import add_record, delete_records, edit_record

    folder = repo / "belarus"
    git(repo, "checkout", "--quiet", "-b", "theirs")

    def theirs(case: Case) -> None:
        edit_record(case, "events", picked["e2"], {"title": "Theirs: a different record"})
        edit_record(case, "events", picked["e3"], {"summary": "Theirs: the summary of a record ours retitles"})
        edit_record(case, "events", picked["e4"], {"title": "Theirs: the same field"})
        edit_record(case, "notes", picked["note"], {"text": "Theirs: an edit of a note ours deletes"})
        add_record(case, "actors", {"id": "actor-theirs-babariko", "name": "Viktor Babariko", "kind": "person"})

    edit(folder, theirs, scratch)
    git(repo, "commit", "--quiet", "-am", "theirs")
    git(repo, "checkout", "--quiet", "main")

    def ours(case: Case) -> None:
        edit_record(case, "events", picked["e1"], {"title": "Ours: one record"})
        edit_record(case, "events", picked["e3"], {"title": "Ours: the title of a record theirs summarises"})
        edit_record(case, "events", picked["e4"], {"title": "Ours: the same field"})
        delete_records(case, "notes", [picked["note"]])
        add_record(case, "actors", {"id": "actor-ours-babariko", "name": "Viktor Babariko", "kind": "person",
                                    "aliases": ["Віктар Бабарыка"]})

    edit(folder, ours, scratch)
    git(repo, "commit", "--quiet", "-am", "ours")


@pytest.fixture(scope="module")
def merged(origin: Path, picked: dict[str, str], tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """A clone where `git merge theirs` ran over concurrent edits of every kind."""
    repo = clone(origin, tmp_path_factory.mktemp("merge") / "repo")
    branch_edits(repo, tmp_path_factory.mktemp("scratch"), picked)
    return repo, git(repo, "merge", "--no-edit", "theirs", check=False)


def test_git_merge_gives_the_expected_case_and_exactly_the_true_conflicts(merged, picked) -> None:
    repo, done = merged
    folder = repo / "belarus"
    assert done.returncode == 1, done.stdout + done.stderr  # conflicts remain
    unmerged = sorted(git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split())
    assert unmerged == ["belarus/events.jsonl", "belarus/notes.jsonl"]
    document, conflicts = read_casedir(folder)
    assert sorted((c.table, c.key) for c in conflicts) == sorted([("events", picked["e4"]), ("notes", picked["note"])])
    same_field = next(c for c in conflicts if c.table == "events")
    assert same_field.fields == ("title",)
    assert same_field.ours["title"] == "Ours: the same field" and same_field.theirs["title"] == "Theirs: the same field"
    deleted = next(c for c in conflicts if c.table == "notes")
    assert deleted.ours is None and deleted.theirs["text"] == "Theirs: an edit of a note ours deletes"
    events = {row["id"]: row for row in document["events"]}
    assert events[picked["e1"]]["title"] == "Ours: one record"
    assert events[picked["e2"]]["title"] == "Theirs: a different record"
    assert events[picked["e3"]]["title"] == "Ours: the title of a record theirs summarises"
    assert events[picked["e3"]]["summary"] == "Theirs: the summary of a record ours retitles"
    actors = {row["id"] for row in document["actors"]}
    assert {"actor-ours-babariko", "actor-theirs-babariko"} <= actors  # both kept: a look-alike is no conflict
    said = done.stdout + done.stderr
    assert "duplicate? actor “Viktor Babariko” [actor-theirs-babariko] looks like “Viktor Babariko”" in said
    assert "events.jsonl: conflict: event" in said and "title differ" in said
    # no file but the two conflicted ones holds a conflict block, and the marked files say where
    text = (folder / "events.jsonl").read_text(encoding="utf-8")
    assert text.count("<<<<<<< ours") == 1 and text.count(">>>>>>> theirs") == 1
    refused = workbench("import", str(folder), "--into", str(repo.parent / "blind.case"), "--create")
    assert refused.returncode == 2 and "2 merge conflict(s) not yet resolved" in refused.stderr


def test_a_merge_settled_as_the_dialog_does_checks_healthy_and_commits(merged, picked, tmp_path: Path) -> None:
    from workbench.core.merge import apply_merge, plan_from_conflicts

    repo = tmp_path / "repo"  # a copy: the other tests see the merge as git left it
    shutil.copytree(merged[0], repo, symlinks=True)
    folder = repo / "belarus"
    case = create_case(tmp_path / "work.case", "work")
    try:
        _document, conflicts = read_casedir(folder)
        import_casedir(folder, case, conflicts_ok=True)
        plan = plan_from_conflicts(case, folder, conflicts)
        assert len(plan.conflicts) == 2
        # the analyst takes theirs for the same field, and keeps the note deleted (ours)
        apply_merge(case, plan, take_theirs=[("events", picked["e4"])])
        # the two look-alike actors git kept are what the inspector flags, with its button to merge them
        from workbench.core.ops.actors import same_name_actors

        flagged = same_name_actors(case, ["Viktor Babariko"], exclude_id="actor-ours-babariko")
        assert [actor["id"] for actor in flagged] == ["actor-theirs-babariko"]
        export_casedir(case, folder)
    finally:
        case.close()
    assert read_casedir(folder)[1] == []
    assert records(folder, "events")[picked["e4"]]["title"] == "Theirs: the same field"
    assert picked["note"] not in records(folder, "notes")
    checked = workbench("check", str(folder))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    git(repo, "add", "belarus")
    git(repo, "commit", "--quiet", "--no-edit")
    assert git(repo, "rev-list", "--count", "--merges", "HEAD").stdout.strip() == "1"


def test_a_clean_merge_passes_and_checks_healthy(origin: Path, tmp_path: Path) -> None:
    from workbench.core.ops import edit_record

    repo = clone(origin, tmp_path / "repo")
    folder = repo / "belarus"
    first, second = ids(folder, "events")[:2]
    git(repo, "checkout", "--quiet", "-b", "theirs")
    edit(folder, lambda case: edit_record(case, "events", first, {"summary": "theirs"}), tmp_path / "scratch")
    git(repo, "commit", "--quiet", "-am", "theirs")
    git(repo, "checkout", "--quiet", "main")
    edit(folder, lambda case: edit_record(case, "events", first, {"title": "ours"}), tmp_path / "scratch")
    edit(folder, lambda case: edit_record(case, "events", second, {"title": "ours too"}), tmp_path / "scratch")
    git(repo, "commit", "--quiet", "-am", "ours")
    done = git(repo, "merge", "--no-edit", "theirs", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    events = records(folder, "events")
    assert (events[first]["title"], events[first]["summary"], events[second]["title"]) == ("ours", "theirs", "ours too")
    checked = workbench("check", str(folder))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_diff_names_records_and_fields(merged, picked, origin: Path) -> None:
    repo, _done = merged
    done = workbench("diff", "theirs~1:belarus", "theirs:belarus", cwd=repo)
    assert done.returncode == 1, done.stderr
    assert f"~ event “Theirs: the same field” [{picked['e4']}]" in done.stdout
    assert "+ actor “Viktor Babariko” [actor-theirs-babariko]" in done.stdout
    assert "0 deleted, " in done.stdout.splitlines()[-1]
    # git diff itself goes through the textconv driver: a field a line under its record
    shown = git(repo, "diff", "theirs~1", "theirs", "--", "belarus/events.jsonl").stdout
    assert "+    title: Theirs: the same field" in shown
    assert git(repo, "diff", "theirs~1", "theirs", "--", "belarus/actors.jsonl").stdout.count("\n+actor “Viktor") == 1
    same = workbench("diff", str(origin / "belarus"), "HEAD:belarus", cwd=origin)
    assert same.returncode == 0 and same.stdout.startswith("0 added, 0 deleted, 0 changed")


def test_git_setup_quotes_the_python_that_installed_it(origin: Path, tmp_path: Path) -> None:
    from workbench.core.gitcase import driver_commands, setup_repository

    repo = clone(origin, tmp_path / "repo")
    odd = tmp_path / "a folder's python" / "python3"
    odd.parent.mkdir()
    # a wrapper, not a link: the virtual environment's Python finds its packages from its own path
    odd.write_text(f"#!/bin/sh\nexec '{sys.executable}' \"$@\"\n", encoding="utf-8")
    odd.chmod(0o755)
    setup_repository(repo, python=str(odd))
    setup_repository(repo, python=str(odd))  # twice: one block in .gitattributes
    attributes = (repo / ".gitattributes").read_text(encoding="utf-8")
    assert attributes.count("merge=workbench") == 1 and "*.case binary" in attributes
    driver = git(repo, "config", "merge.workbench.driver").stdout.strip()
    assert driver == driver_commands(str(odd))["merge.workbench.driver"]
    # the shell git uses runs it: the odd path survives the quoting
    shown = subprocess.run(["sh", "-c", driver.split(" merge ")[0] + " --version"], capture_output=True, text=True)
    assert shown.returncode == 0 and "Case Workbench" in shown.stdout


def test_the_packaged_app_installs_its_own_executable_as_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.core.gitcase import driver_commands

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/Case Workbench/case-workbench")
    assert driver_commands()["merge.workbench.driver"] == (
        "'/opt/Case Workbench/case-workbench' merge %A %B --base %O --name %P --marker-size %L")


def test_three_clones_pass_a_case_round_a_bare_repository(origin: Path, tmp_path: Path) -> None:
    from workbench.core.ops import add_record, edit_record

    bare = tmp_path / "team.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(origin), str(bare))
    anna, boris, chen = (clone(bare, tmp_path / name) for name in ("anna", "boris", "chen"))
    first, second = ids(anna / "belarus", "events")[:2]
    scratch = tmp_path / "scratch"
    edit(anna / "belarus", lambda c: edit_record(c, "events", first, {"title": "Anna's title"}), scratch)
    git(anna, "commit", "--quiet", "-am", "anna")
    git(anna, "push", "--quiet", "origin", "main")
    edit(boris / "belarus", lambda c: edit_record(c, "events", first, {"summary": "Boris's summary"}), scratch)
    git(boris, "commit", "--quiet", "-am", "boris")
    pulled = git(boris, "pull", "--quiet", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    git(boris, "push", "--quiet", "origin", "main")
    edit(chen / "belarus", lambda c: add_record(c, "notes", {"id": "note-chen", "text": "Chen's note",
                                                             "event_id": second}), scratch)
    git(chen, "commit", "--quiet", "-am", "chen")
    pulled = git(chen, "pull", "--quiet", "--no-rebase", "--no-edit", "origin", "main", check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    git(chen, "push", "--quiet", "origin", "main")
    git(anna, "pull", "--quiet", "--no-rebase", "origin", "main")
    for clone_dir in (anna, chen):
        event = records(clone_dir / "belarus", "events")[first]
        assert (event["title"], event["summary"]) == ("Anna's title", "Boris's summary")
        assert records(clone_dir / "belarus", "notes")["note-chen"]["text"] == "Chen's note"
    assert (anna / "belarus" / "events.jsonl").read_bytes() == (chen / "belarus" / "events.jsonl").read_bytes()
    assert workbench("check", str(anna / "belarus")).returncode == 0


def test_a_file_left_with_conflicts_is_no_json_for_other_tools(merged) -> None:
    repo, _done = merged
    with pytest.raises(UnresolvedConflicts):
        import_casedir(repo / "belarus", create_case(repo.parent / "x.case", "x"))
    assert json.loads((repo / "belarus" / "case_workbench.json").read_text(encoding="utf-8"))["json_format"] == 1
