"""The case directory: the canonical JSON cut into one sorted JSON-lines file per table, for git.

    DIR/case_workbench.json   the canonical document's header: {"json_format": 1, "schema_version": N}
    DIR/meta.jsonl            one record a line, exactly the lines of the canonical document's "meta" list
    DIR/actors.jsonl          ...one file per exported table, in any case (empty for an empty table)

Each line is the canonical document's line for that record (`exporters.canonical.table_lines`, the same
encoder and order), so the directory and the document hold the same text: `importers.casedir` reads the
directory back into a case whose canonical JSON is byte-identical to the original's. A change to one
record changes one line of one file; git's own merges see the records as lines, and the merge driver that
`workbench git-setup` installs (`core.threeway`) merges them record by record and field by field.

Why one file per table and not one file per record: measured in docs/team-git.md (tests/bench/bench_casedir.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from workbench.core.atomic import atomic_path
from workbench.core.canonical import data_tables, record_encoder
from workbench.core.casedir import HEADER_FILE, TABLE_SUFFIX, is_case_directory
from workbench.core.errors import CaseError
from workbench.core.exporters.canonical import canonical_header, table_lines
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case


def table_text(case: Case, table: str) -> str:
    """One table's file: its canonical lines, each ended by a newline (an empty table: an empty file)."""
    return "".join(line + "\n" for line in table_lines(case, table))


def _write_if_changed(path: Path, text: str) -> bool:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False  # untouched: its time stays, and git and the file system see no change
    except FileNotFoundError:
        pass
    with atomic_path(path) as partial:
        partial.write_bytes(data)
    return True


def export_casedir(case: Case, out: Path, tables: Iterable[str] | None = None,
                   progress: Progress = NO_PROGRESS) -> str:
    """Write (or bring up to date) the case directory `out`; returns a one-line summary.

    Only files whose text changed are rewritten, each atomically; `tables` limits the work to those
    tables (the app writes back the tables a change named). A folder that holds files but no case
    directory is refused, so an export never mixes a case into someone's other files.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CaseError(f"{out.name} is a file; a case directory is written to a folder.")
    if out.is_dir() and not is_case_directory(out) and any(
            entry for entry in out.iterdir() if entry.name not in (".git", ".gitattributes", ".gitignore")):
        raise CaseError(f"{out.name} holds other files and no case directory; choose an empty or new folder.")
    if not out.parent.is_dir():
        raise CaseError(f"The folder {out.parent} does not exist.")
    conn = case.conn
    exported = data_tables(conn, include_audit=False)
    wanted = exported if tables is None else [t for t in exported if t in set(tables)]
    changed = 0
    began = not conn.in_transaction
    try:
        out.mkdir(exist_ok=True)
        if began:  # one read snapshot for every file, whatever commits meanwhile
            conn.execute("BEGIN")
        try:
            changed += _write_if_changed(out / HEADER_FILE, record_encoder()(canonical_header(case)) + "\n")
            for number, table in enumerate(wanted):
                progress(number / max(1, len(wanted)))
                progress.check()
                changed += _write_if_changed(out / f"{table}{TABLE_SUFFIX}", table_text(case, table))
        finally:
            if began:
                conn.execute("COMMIT")
        if tables is None:  # a table this schema no longer exports (or an old audit file) goes
            for stale in out.glob(f"*{TABLE_SUFFIX}"):
                if stale.name[:-len(TABLE_SUFFIX)] not in exported:
                    stale.unlink()
                    changed += 1
    except OSError as error:
        raise CaseError(f"Cannot write the case directory {out.name}: {error.strerror or error}.") from None
    progress(1.0)
    return (f"Exported {len(wanted)} tables of {case.title} as a case directory to {out}{os.sep} "
            f"({changed} files written).")


def run_export_casedir(case: Path, out: Path) -> str:
    """`workbench export CASE --format casedir --out DIR`: open the case read-only and write the directory."""
    from workbench.core.store import open_case

    with open_case(Path(case), read_only=True) as opened:
        return export_casedir(opened, Path(out))
