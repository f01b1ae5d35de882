"""A case directory in a git repository: set-up of the merge and diff drivers, the merge driver's entry, and
the few git questions the app asks (branch, uncommitted changes, conflicts) and its one commit.

git runs as a subprocess of the user's own git, always on the local repository: nothing here fetches,
pulls or pushes (the analyst does that, or carries the repository across an air gap).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.casedir import HEADER_FILE, MARKER_SIZE, TABLE_SUFFIX, is_case_directory
from workbench.core.errors import CaseError

DRIVER = "workbench"
ATTRIBUTES_BEGIN = "# Case Workbench (workbench git-setup): begin"
ATTRIBUTES_END = "# Case Workbench: end"
ATTRIBUTES = f"""{ATTRIBUTES_BEGIN}
# A case directory's table files merge record by record and field by field (workbench merge), and
# git diff shows them record by record (workbench diff --textconv). Another .jsonl file merges as text.
*{TABLE_SUFFIX} merge={DRIVER} diff={DRIVER}
# A case file (encrypted or not) is a database: git keeps each version whole and never merges it.
*.case binary
*.case-wal binary
*.case-shm binary
{ATTRIBUTES_END}
"""


def git(repo: Path, *args: str, check: bool = True, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `git -C repo ARGS` and return its output; CaseError with git's own words when it fails (`check`)."""
    environment = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=environment,
                              input=input_text, encoding="utf-8", errors="replace", check=False)
    except FileNotFoundError:
        raise CaseError("git is not installed (or not on PATH), so the case cannot be kept in git here.") from None
    if check and done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise CaseError(f"git {args[0]} failed: {said[-1] if said else f'exit {done.returncode}'}")
    return done


def repository_root(path: Path) -> Path | None:
    """The top folder of the git work tree holding `path`, or None when it is in none."""
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    try:
        done = git(folder, "rev-parse", "--show-toplevel", check=False)
    except CaseError:
        return None
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def driver_commands(python: str | None = None) -> dict[str, str]:
    """The git config entries of the drivers: the Python that runs this (`sys.executable -m workbench.cli`; in the
    packaged app its executable, whose main is the command line), quoted for the shell git runs them with (git
    quotes %P itself; %O %A %B are its own temporary files)."""
    run = f"{shlex.quote(python or sys.executable)} -m workbench.cli"
    if python is None and getattr(sys, "frozen", False):  # the packaged app: its executable is the command line
        run = shlex.quote(sys.executable)
    return {
        f"merge.{DRIVER}.name": "Case Workbench: merge case records by stable id",
        f"merge.{DRIVER}.driver": f"{run} merge %A %B --base %O --name %P --marker-size %L",
        f"diff.{DRIVER}.textconv": f"{run} diff --textconv",
    }


def setup_repository(repo: Path, python: str | None = None) -> str:
    """`workbench git-setup [REPO]`: our block in REPO's .gitattributes (kept once, replaced when rerun) and the
    drivers in its .git/config; returns a one-line summary. REPO must be a git work tree already."""
    root = repository_root(repo)
    if root is None:
        raise CaseError(f"{Path(repo)} is not inside a git repository; run `git init` there first.")
    attributes = root / ".gitattributes"
    try:
        old = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(f"Cannot read {attributes}: {error}.") from None
    if ATTRIBUTES_BEGIN in old and ATTRIBUTES_END in old:
        before, rest = old.split(ATTRIBUTES_BEGIN, 1)
        after = rest.split(ATTRIBUTES_END, 1)[1].lstrip("\n")
        new = before + ATTRIBUTES + after
    else:
        new = old + ("\n" if old and not old.endswith("\n") else "") + ATTRIBUTES
    if new != old:
        from workbench.core.atomic import atomic_path

        with atomic_path(attributes) as partial:
            partial.write_text(new, encoding="utf-8", newline="\n")
    for key, value in driver_commands(python).items():
        git(root, "config", "--local", key, value)
    return (f"Set up {root} for case directories: .gitattributes {'updated' if new != old else 'unchanged'}, "
            f"merge and diff drivers in .git/config run {python or sys.executable}; commit .gitattributes "
            "(each clone runs workbench git-setup once, since git never copies its config).")


def is_set_up(repo: Path) -> bool:
    """Whether this clone has our merge driver in its config (git-setup was run here)."""
    root = repository_root(repo)
    return root is not None and bool(git(root, "config", "--get", f"merge.{DRIVER}.driver", check=False).stdout.strip())


def merge_file_as_text(ours: Path, base: Path, theirs: Path, marker_size: int = MARKER_SIZE) -> int:
    """git's own line merge of one file into `ours` (a .jsonl file that is no case table): 0 clean, 1 conflicts."""
    done = subprocess.run(["git", "merge-file", f"--marker-size={marker_size}", "-L", "ours", "-L", "base",
                           "-L", "theirs", str(ours), str(base), str(theirs)], capture_output=True, check=False)
    return 0 if done.returncode == 0 else 1


def run_merge_driver(ours: Path, theirs: Path, base: Path, name: str | None,
                     marker_size: int = MARKER_SIZE) -> tuple[int, list[str]]:
    """git's merge driver on one file (`%A %B --base %O --name %P`): the merge written into `ours`; returns the
    exit code (0 clean, 1 true conflicts left as blocks) and the lines to print on the terminal."""
    from workbench.core.canonical import schema_keys
    from workbench.core.threeway import describe, merge_table, table_of

    table = table_of(name)
    in_case = table is not None and (table in schema_keys() or is_case_directory(Path(name or ".").parent))
    if not in_case:
        return merge_file_as_text(ours, base, theirs, marker_size), []
    try:
        texts = [path.read_bytes().decode("utf-8") for path in (base, ours, theirs)]
        merged = merge_table(table, *texts, marker_size=marker_size)  # type: ignore[arg-type]
    except (UnicodeDecodeError, CaseError) as error:
        code = merge_file_as_text(ours, base, theirs, marker_size)
        return code, [f"workbench merge: {name}: {error}; merged as text instead."]
    ours.write_bytes(merged.text.encode("utf-8"))
    lines = [f"workbench merge: {name}: {line}" for line in describe(merged)]
    if merged.conflicts:
        lines.append(f"workbench merge: {name}: {len(merged.conflicts)} conflict(s) left for the app's merge dialog "
                     "(open the case directory in Case Workbench).")
    return (1 if merged.conflicts else 0), lines


# git status's codes of a path a merge left unmerged.
UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})


@dataclass
class GitState:
    """What the window shows of the repository holding an open case directory."""

    root: Path
    branch: str  # "" when detached
    dirty: bool  # the case directory differs from the last commit (or holds untracked files)
    merging: bool  # a merge waits for its commit
    conflicted: list[str] = field(default_factory=list)  # paths git lists as unmerged

    def describe(self) -> str:
        where = self.branch or "detached HEAD"
        if self.conflicted:
            return f"{where}: merge with {len(self.conflicted)} conflicted file(s)"
        if self.merging:
            return f"{where}: merge not yet committed"
        return f"{where}: uncommitted changes" if self.dirty else f"{where}: committed"


def state_of(folder: Path) -> GitState | None:
    """The repository state of a case directory (git status, local only); None when it is in no repository."""
    root = repository_root(folder)
    if root is None:
        return None
    branch = git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
    status = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", str(folder)).stdout
    dirty, conflicted = False, []
    for entry in filter(None, status.split("\0")):
        code, path = entry[:2], entry[3:]
        if code in UNMERGED:
            conflicted.append(path)
        dirty = dirty or bool(code.strip())
    merging = bool(git(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).stdout.strip())
    return GitState(root, branch, dirty, merging, conflicted)


def commit_case(folder: Path, message: str) -> str:
    """Stage the case directory (and .gitattributes) and commit it with `message`; returns the new commit's short
    id. With a merge waiting, this commit concludes it. The only commit the app makes, and only when asked."""
    if not message.strip():
        raise CaseError("A commit needs a message saying what changed.")
    root = repository_root(folder)
    if root is None:
        raise CaseError(f"{Path(folder).name} is not in a git repository.")
    paths = [str(folder)]
    if (root / ".gitattributes").exists():
        paths.append(str(root / ".gitattributes"))
    merging = bool(git(root, "rev-parse", "-q", "--verify", "MERGE_HEAD", check=False).stdout.strip())
    git(root, "add", "--all", "--", *paths)
    # A merge's commit takes the whole index (git refuses a partial one); otherwise only the case is committed.
    limit = [] if merging else ["--", *paths]
    git(root, "commit", "--quiet", "--no-verify", "-F", "-", *limit, input_text=message)
    return git(root, "rev-parse", "--short", "HEAD").stdout.strip()


def show_file(spec: str, file_name: str) -> str | None:
    """The text of FILE inside `REV:FOLDER` (`git show`), from the repository of the current folder; None when
    that commit has no such file."""
    revision, _, folder = spec.partition(":")
    path = f"{folder.rstrip('/')}/{file_name}" if folder else file_name
    done = git(Path.cwd(), "show", f"{revision}:{path}", check=False)
    return done.stdout if done.returncode == 0 else None


def list_files(spec: str) -> list[str]:
    """The names of the files of folder `REV:FOLDER` (`git ls-tree`); CaseError when the commit has none."""
    revision, _, folder = spec.partition(":")
    target = f"{revision}:{folder.rstrip('/')}" if folder else f"{revision}:"
    done = git(Path.cwd(), "ls-tree", "--name-only", target, check=False)
    if done.returncode != 0:
        raise CaseError(f"{spec} names no folder of a commit in this repository.")
    names = done.stdout.splitlines()
    if HEADER_FILE not in names:
        raise CaseError(f"{spec} is not a case directory (it has no {HEADER_FILE}).")
    return names


def working_copy_path(folder: Path) -> Path:
    """Where the app keeps the SQLite working copy of a case directory: the user's cache folder, one per directory
    (by its resolved path). Not inside the repository, so `git add --all` never commits it, `git clean` never
    deletes it under the open app, and no .gitignore is needed; it is rebuilt from the directory on every open."""
    import hashlib

    import platformdirs

    resolved = str(Path(folder).resolve())
    digest = hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]
    base = Path(platformdirs.user_cache_dir("case-workbench", appauthor=False)) / "working-copies" / digest
    return base / f"{Path(folder).resolve().name or 'case'}.case"


def build_working_copy(folder: Path, analyst: str | None = None) -> tuple[Path, list[Any]]:
    """Read a case directory into a fresh working copy (the directory is the truth: a pull or a branch switch may
    have changed it since the last open); returns the copy's path and the conflict blocks a merge left (their
    side; the copy holds ours)."""
    from workbench.core.atomic import SIDECAR_SUFFIXES
    from workbench.core.importers.casedir import import_casedir
    from workbench.core.store import create_case

    folder = Path(folder)
    target = working_copy_path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target, *(target.with_name(target.name + end) for end in SIDECAR_SUFFIXES)):
        leftover.unlink(missing_ok=True)
    from workbench.core.casedir import read_casedir

    _document, conflicts = read_casedir(folder)  # refused (CaseError) before any file is made
    case = create_case(target, folder.name, analyst=analyst)
    try:
        import_casedir(folder, case, conflicts_ok=True)
    except BaseException:
        case.close()
        target.unlink(missing_ok=True)
        raise
    case.close()
    return target, conflicts


def find_case_directories(root: Path, depth: int = 3) -> list[Path]:
    """The case directories in a folder (a repository holding one), itself included, `depth` levels down at most;
    .git and hidden folders skipped."""
    root = Path(root)
    if is_case_directory(root):
        return [root]
    found: list[Path] = []
    layer = [root]
    for _level in range(depth):
        next_layer = []
        for folder in layer:
            try:
                children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
            except OSError:
                continue
            for child in children:
                (found if is_case_directory(child) else next_layer).append(child)
        layer = next_layer
    return found
