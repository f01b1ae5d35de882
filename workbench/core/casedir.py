"""The case directory's files read back: the header, one JSON-lines file per table, and the record-level
conflict blocks a git merge leaves in them (written by `core.threeway`, settled in the app's merge dialog).

A table file is the canonical document's lines of one table, one record a line. After a merge with true
conflicts, a conflicting record stands in a block, its two versions one line each (a side deleted it: no
line on that side):

    <<<<<<< ours
    {"id": "...", "title": "ours", ...}
    =======
    {"id": "...", "title": "theirs", ...}
    >>>>>>> theirs

Both versions already carry every change that did not conflict, so they differ only in the fields that
truly conflict. The exporter lives in `core.exporters.casedir`, the importer in `core.importers.casedir`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.canonical import HEADER_KEY, MAX_IMPORT_BYTES, schema_keys
from workbench.core.errors import CaseError
from workbench.core.jsonio import strict_json

HEADER_FILE = f"{HEADER_KEY}.json"
TABLE_SUFFIX = ".jsonl"
MARKER_SIZE = 7
# Columns stamped by every save: they say when, not what, so they never make a conflict (the later wins).
STAMP_COLUMNS = ("updated_at",)


def is_case_directory(path: Path) -> bool:
    """A folder holding a case directory's header file."""
    return (Path(path) / HEADER_FILE).is_file()


def key_columns(table: str, record: dict[str, Any]) -> tuple[str, ...]:
    """What identifies a record of `table` (this build's schema; `id` for a table it does not know)."""
    known = schema_keys().get(table)
    if known:
        return known
    return ("id",) if "id" in record else tuple(record)


def record_key(table: str, record: dict[str, Any]) -> str:
    """A record's key as `core.merge` writes it: its id, or its key columns joined by '/'."""
    columns = key_columns(table, record)
    if len(columns) == 1:
        return str(record.get(columns[0]))
    return "/".join(str(record.get(c)) for c in columns)


def sort_key(table: str, record: dict[str, Any]) -> tuple[Any, ...]:
    """The canonical order of a table's records (SQLite's ORDER BY on the key columns: text by code point)."""
    return tuple((value is not None, isinstance(value, str), value if value is not None else 0)
                 for value in (record.get(c) for c in key_columns(table, record)))


@dataclass
class TableConflict:
    """One record that both sides of a merge changed differently: `ours`/`theirs` None when that side deleted it."""

    table: str
    key: str
    ours: dict[str, Any] | None
    theirs: dict[str, Any] | None

    @property
    def fields(self) -> tuple[str, ...]:
        if self.ours is None or self.theirs is None:
            return ()
        columns = list(self.ours) + [c for c in self.theirs if c not in self.ours]
        return tuple(c for c in columns if c not in STAMP_COLUMNS and self.ours.get(c) != self.theirs.get(c))


@dataclass
class TableFile:
    """A table file read: its records (ours where a block stands) and its conflict blocks."""

    table: str
    records: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[TableConflict] = field(default_factory=list)


def _record(name: str, number: int, line: str) -> dict[str, Any]:
    record = strict_json(f"{name} line {number}", line, CaseError)
    if not isinstance(record, dict):
        raise CaseError(f"{name} line {number} is not a record (a JSON object).")
    return record


def parse_table(table: str, text: str, name: str = "") -> TableFile:
    """Read one table file's text; CaseError (one sentence, naming the line) when it is not one."""
    name = name or f"{table}{TABLE_SUFFIX}"
    parsed = TableFile(table)
    side: list[tuple[int, str]] | None = None
    ours: list[tuple[int, str]] = []
    theirs: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("<" * MARKER_SIZE):
            if side is not None:
                raise CaseError(f"{name} line {number}: a conflict block opens inside another.")
            ours, theirs = [], []
            side = ours
        elif line.startswith("=" * MARKER_SIZE) and side is ours:
            side = theirs
        elif line.startswith(">" * MARKER_SIZE) and side is theirs:
            block = _conflicts(table, name, ours, theirs)
            parsed.conflicts += block
            parsed.records += [c.ours for c in block if c.ours is not None]
            side = None
        elif not line.strip():
            continue
        elif side is not None:
            side.append((number, line))
        else:
            parsed.records.append(_record(name, number, line))
    if side is not None:
        raise CaseError(f"{name}: a conflict block is not closed.")
    return parsed


def _conflicts(table: str, name: str, ours: list[tuple[int, str]],
               theirs: list[tuple[int, str]]) -> list[TableConflict]:
    """One block's conflicts, paired by key (a block normally holds one record's two versions)."""
    mine = {record_key(table, r): r for r in (_record(name, n, line) for n, line in ours)}
    other = {record_key(table, r): r for r in (_record(name, n, line) for n, line in theirs)}
    keys = list(mine) + [k for k in other if k not in mine]
    if not keys:
        raise CaseError(f"{name}: a conflict block holds no record.")
    return [TableConflict(table, key, mine.get(key), other.get(key)) for key in keys]


def read_header(folder: Path) -> dict[str, Any]:
    """The directory's header, checked: the JSON format and schema version the records were written with."""
    path = Path(folder) / HEADER_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseError(f"{Path(folder).name} is not a case directory (it has no {HEADER_FILE}).") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(f"Cannot read {HEADER_FILE} of {Path(folder).name}: {error}.") from None
    header = strict_json(HEADER_FILE, text, CaseError)
    if not isinstance(header, dict):
        raise CaseError(f"{HEADER_FILE} of {Path(folder).name} is not a case directory's header.")
    return header


def read_casedir(folder: Path) -> tuple[dict[str, Any], list[TableConflict]]:
    """The directory as a canonical document (ours where a conflict block stands) and its conflicts."""
    folder = Path(folder)
    document: dict[str, Any] = {HEADER_KEY: read_header(folder)}
    conflicts: list[TableConflict] = []
    files = sorted(folder.glob(f"*{TABLE_SUFFIX}"))
    total = sum(f.stat().st_size for f in files)
    if total > MAX_IMPORT_BYTES:
        raise CaseError(f"{folder.name} is too large to import ({total // 2**20} MB).")
    for path in files:
        table = path.name[:-len(TABLE_SUFFIX)]
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CaseError(f"{path.name} of {folder.name} is not UTF-8 text.") from None
        except OSError as error:
            raise CaseError(f"Cannot read {path.name}: {error.strerror or error}.") from None
        parsed = parse_table(table, text, f"{folder.name}/{path.name}")
        document[table] = parsed.records
        conflicts += parsed.conflicts
    return document, conflicts


def render_conflict(encode: Any, conflict: TableConflict, marker_size: int = MARKER_SIZE) -> str:
    """A conflict block's text (see the module's docstring)."""
    lines = ["<" * marker_size + " ours"]
    if conflict.ours is not None:
        lines.append(encode(conflict.ours))
    lines.append("=" * marker_size)
    if conflict.theirs is not None:
        lines.append(encode(conflict.theirs))
    lines.append(">" * marker_size + " theirs")
    return "\n".join(lines) + "\n"
