"""Which layout a case directory takes (issue 28): one sorted JSON-lines file per table against one file per record,
measured on the sample and a synthetic case with the real git.

For each layout, the same canonical record lines are written (the per-record layout puts each line in a file of
its own, `TABLE/KEY.json`); six pairs of concurrent edits are committed on two branches and `git merge`d, by git's
own text merge and, for the per-table layout, through the `workbench merge` driver too. Printed: per scenario
and way of merging, "clean" (and the merged records are the expected ones), "conflict" or "WRONG" (clean but a
change lost); the diff of a one-field edit; and, on a synthetic case, the number of files, and the time of
writing the layout, `git add` + `git commit`, and `git status` (seconds; the machine's load beside them).

    python -m tests.bench.bench_casedir [N_EVENTS]      (default 5000)
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core.canonical import HEADER_KEY, record_encoder
from workbench.core.casedir import HEADER_FILE, read_casedir, record_key, sort_key

Tables = dict[str, list[dict[str, Any]]]
LAYOUTS = ("table", "record")


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def write_layout(tables: Tables, folder: Path, layout: str) -> int:
    """Write the records in a layout (the same canonical lines either way); returns the number of files."""
    encode = record_encoder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HEADER_FILE).write_text(encode({"json_format": 1, "schema_version": 6}) + "\n", encoding="utf-8")
    files = 1
    for table, rows in tables.items():
        rows = sorted(rows, key=lambda r, t=table: sort_key(t, r))
        if layout == "table":
            (folder / f"{table}.jsonl").write_text("".join(encode(r) + "\n" for r in rows), encoding="utf-8")
            files += 1
            continue
        place = folder / table
        wanted = {record_key(table, r).replace("/", "~") + ".json": encode(r) + "\n" for r in rows}
        place.mkdir(exist_ok=True)
        for old in place.iterdir():
            if old.name not in wanted:
                old.unlink()
        for name, text in wanted.items():
            path = place / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
        files += len(wanted)
    return files


def read_layout(folder: Path, layout: str) -> Tables | None:
    """The records back (None when a file holds conflict markers)."""
    import json

    if layout == "table":
        document, conflicts = read_casedir(folder)
        return None if conflicts else {t: rows for t, rows in document.items() if t != HEADER_KEY}
    tables: Tables = {}
    for place in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != ".git"):
        rows = []
        for path in sorted(place.iterdir()):
            text = path.read_text(encoding="utf-8")
            if "<<<<<<<" in text:
                return None
            rows.append(json.loads(text))
        tables[place.name] = rows
    return tables


def _find(tables: Tables, table: str, key: str) -> dict[str, Any]:
    return next(r for r in tables[table] if record_key(table, r) == key)


def _stamp(record: dict[str, Any], when: str) -> None:
    if "updated_at" in record:
        record["updated_at"] = when


def scenarios(tables: Tables) -> dict[str, tuple[Callable[[Tables], None], Callable[[Tables], None], bool]]:
    """name -> (our edit, their edit, whether the merge should be clean)."""
    events = sorted(record_key("events", r) for r in tables["events"])
    gone = "notes" if tables.get("notes") else "citations"  # the synthetic case has no notes
    gone_field = "text" if gone == "notes" else "quote"
    notes = sorted(record_key(gone, r) for r in tables[gone])
    e_near, e_next, e_far = events[0], events[1], events[len(events) // 2]

    def set_field(table: str, key: str, column: str, value: Any, when: str) -> Callable[[Tables], None]:
        def change(t: Tables) -> None:
            record = _find(t, table, key)
            record[column] = value
            _stamp(record, when)
        return change

    def delete(table: str, key: str) -> Callable[[Tables], None]:
        def change(t: Tables) -> None:
            t[table] = [r for r in t[table] if record_key(table, r) != key]
        return change

    def add_actor(actor_id: str, name: str) -> Callable[[Tables], None]:
        def change(t: Tables) -> None:
            template = dict(t["actors"][0])
            template.update({"id": actor_id, "name": name, "aliases": "[]", "description": ""})
            t["actors"].append(template)
        return change

    return {
        "different records, neighbours": (set_field("events", e_near, "title", "ours", "2026-12-01T10:00:00Z"),
                                          set_field("events", e_next, "title", "theirs", "2026-12-01T11:00:00Z"),
                                          True),
        "different records, far apart": (set_field("events", e_near, "title", "ours", "2026-12-01T10:00:00Z"),
                                         set_field("events", e_far, "title", "theirs", "2026-12-01T11:00:00Z"),
                                         True),
        "one record, different fields": (set_field("events", e_near, "title", "ours", "2026-12-01T10:00:00Z"),
                                         set_field("events", e_near, "summary", "theirs", "2026-12-01T11:00:00Z"),
                                         True),
        "two new look-alike actors": (add_actor("aaaa-ours", "Viktor Babariko"),
                                      add_actor("ffff-theirs", "Viktor Babariko"), True),
        "one field, two values": (set_field("events", e_near, "title", "ours", "2026-12-01T10:00:00Z"),
                                  set_field("events", e_near, "title", "theirs", "2026-12-01T11:00:00Z"), False),
        "deletion against an edit": (delete(gone, notes[0]),
                                     set_field(gone, notes[0], gone_field, "theirs", "2026-12-01T11:00:00Z"), False),
    }


def merge_once(base: Tables, ours: Callable[[Tables], None], theirs: Callable[[Tables], None], layout: str,
               driver: bool, work: Path) -> tuple[str, int]:
    """One scenario merged by git: ("clean" | "conflict" | "WRONG", number of conflicted files)."""
    repo = Path(tempfile.mkdtemp(dir=work))
    git(repo, "init", "--quiet")
    if driver:
        subprocess.run([sys.executable, "-m", "workbench.cli", "git-setup", str(repo)], capture_output=True,
                       check=True)
    folder = repo / "case"
    write_layout(base, folder, layout)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "base")
    git(repo, "checkout", "--quiet", "-b", "theirs")
    mine, other = copy.deepcopy(base), copy.deepcopy(base)
    theirs(other)
    write_layout(other, folder, layout)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "theirs")
    git(repo, "checkout", "--quiet", "main")
    ours(mine)
    write_layout(mine, folder, layout)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "ours")
    done = git(repo, "merge", "--no-edit", "theirs")
    unmerged = len(git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split())
    if done.returncode != 0:
        return "conflict", unmerged
    expected = copy.deepcopy(base)
    theirs(expected)
    ours(expected)
    merged = read_layout(folder, layout)
    if merged is None:
        return "conflict", unmerged
    key = lambda t: lambda r: record_key(t, r)  # noqa: E731
    same = all(sorted(map(key(t), merged.get(t, []))) == sorted(map(key(t), rows)) for t, rows in expected.items())
    changed = [r for r in expected["events"] if r.get("title") in ("ours", "theirs") or r.get("summary") == "theirs"]
    for record in changed:
        got = _find(merged, "events", record_key("events", record))
        same = same and all(got[c] == record[c] for c in ("title", "summary"))
    return ("clean" if same else "WRONG"), unmerged


def diff_size(base: Tables, layout: str, work: Path) -> tuple[int, int]:
    """Lines and bytes of `git diff` (no textconv) for one field of one event edited."""
    repo = Path(tempfile.mkdtemp(dir=work))
    git(repo, "init", "--quiet")
    write_layout(base, repo / "case", layout)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "base")
    edited = copy.deepcopy(base)
    record = edited["events"][0]
    record["title"] = record["title"] + " (edited)"
    _stamp(record, "2026-12-01T10:00:00Z")
    write_layout(edited, repo / "case", layout)
    shown = git(repo, "diff", "--no-ext-diff", "--no-textconv").stdout
    return sum(1 for line in shown.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")), len(shown)


def timings(tables: Tables, layout: str, work: Path) -> dict[str, float]:
    repo = Path(tempfile.mkdtemp(dir=work))
    git(repo, "init", "--quiet")
    start = time.perf_counter()
    files = write_layout(tables, repo / "case", layout)
    written = time.perf_counter() - start
    start = time.perf_counter()
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "all")
    committed = time.perf_counter() - start
    start = time.perf_counter()
    git(repo, "status", "--porcelain")
    status = time.perf_counter() - start
    return {"files": files, "write_s": written, "add_commit_s": committed, "status_s": status}


def load(case_path: Path, work: Path) -> Tables:
    from workbench.core.exporters.casedir import export_casedir
    from workbench.core.store import open_case

    folder = Path(tempfile.mkdtemp(dir=work)) / "case"
    with open_case(case_path, read_only=True) as case:
        export_casedir(case, folder)
    document, _ = read_casedir(folder)
    return {t: rows for t, rows in document.items() if t != HEADER_KEY}


def compare(work: Path, synthetic: Path, label: str) -> dict[str, float]:
    """The merges on the sample and on `synthetic`, the diff of a one-field edit, files and git times."""
    from workbench.core.sample import build_sample_case

    figures: dict[str, float] = {}
    build_sample_case(work / "sample.case").close()
    for name, path in (("sample", work / "sample.case"), (label, synthetic)):
        base = load(path, work)
        print(f"\n== {name}: merges of concurrent edits ==")
        print(f"{'scenario':34} {'per table, git':>16} {'per table, driver':>18} {'per record, git':>16}")
        wrong = 0
        for scenario, (ours, theirs, clean) in scenarios(base).items():
            cells = [merge_once(base, ours, theirs, layout, driver, work)
                     for layout, driver in (("table", False), ("table", True), ("record", False))]
            print(f"{scenario:34} " + " ".join(f"{f'{r} ({n})':>16}" for r, n in cells)
                  + f"   expected: {'clean' if clean else 'conflict'}")
            wrong += cells[1][0] != ("clean" if clean else "conflict")
        if name != "sample":
            figures["casedir_driver_unexpected_merges"] = wrong
        for layout in LAYOUTS:
            lines, size = diff_size(base, layout, work)
            print(f"one-field edit, {layout} layout: git diff {lines} lines, {size} bytes")
            if name != "sample":
                figures[f"casedir_diff_bytes_{layout}"] = size
    tables = load(synthetic, work)
    print(f"\n== {label}: files and git times (load {os.getloadavg()[0]:.1f}) ==")
    for layout in LAYOUTS:
        got = timings(tables, layout, work)
        print(f"{layout:7} files {got['files']:>7}  write {got['write_s']:.2f} s  git add+commit "
              f"{got['add_commit_s']:.2f} s  git status {got['status_s']:.3f} s")
        figures[f"casedir_files_{layout}"] = got["files"]
        figures[f"casedir_add_commit_s_{layout}"] = got["add_commit_s"]
    figures["casedir_add_commit_ratio_record_vs_table"] = (
        figures["casedir_add_commit_s_record"] / max(1e-9, figures["casedir_add_commit_s_table"]))
    return figures


def _git_config(work: Path) -> None:
    config = work / "gitconfig"
    config.write_text("[user]\n\tname = Bench\n\temail = bench@example.org\n[init]\n\tdefaultBranch = main\n",
                      encoding="utf-8")
    os.environ.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")


def measure(case_10k: Path) -> dict[str, float]:
    """`make bench`: the comparison on the sample and the 10k-event synthetic case."""
    with tempfile.TemporaryDirectory() as folder:
        _git_config(Path(folder))
        return compare(Path(folder), Path(case_10k), "synthetic 10k")


def main(events: int = 5000) -> dict[str, float]:
    from workbench.core.synthetic import generate_case

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        _git_config(work)
        generate_case(work / "synthetic.case", events, seed=20200815).close()
        return compare(work, work / "synthetic.case", f"synthetic {events}")


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
