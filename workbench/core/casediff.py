"""`workbench diff`: a record-level difference between two cases, each a case file, a canonical JSON document,
a case directory, one table file, or a case directory as a commit holds it (`REV:FOLDER`); and the textconv
that makes `git diff` show a table file record by record, one field a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.core.canonical import HEADER_KEY, data_tables, iter_records
from workbench.core.casedir import (
    STAMP_COLUMNS,
    TABLE_SUFFIX,
    is_case_directory,
    parse_table,
    read_casedir,
    record_key,
)
from workbench.core.errors import CaseError

Records = dict[str, dict[str, dict[str, Any]]]  # table -> key -> record
LONG_VALUE = 120


def _keyed(table: str, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {record_key(table, record): record for record in records}


def load_records(spec: str) -> Records:
    """The records of one side of a diff (see the module's docstring); CaseError when it is none of those."""
    path = Path(spec)
    if path.is_dir():
        if not is_case_directory(path):
            raise CaseError(f"{path.name} is a folder but not a case directory.")
        document, _conflicts = read_casedir(path)
        return {t: _keyed(t, rows) for t, rows in document.items() if t != HEADER_KEY}
    if path.is_file():
        if path.name.endswith(TABLE_SUFFIX):
            table = path.name[:-len(TABLE_SUFFIX)]
            return {table: _keyed(table, parse_table(table, path.read_text(encoding="utf-8"), path.name).records)}
        if path.suffix.lower() == ".json":
            from workbench.core.importers.canonical import read_document

            document = read_document(path)
            return {t: _keyed(t, rows) for t, rows in document.items() if t != HEADER_KEY and isinstance(rows, list)}
        from workbench.core.store import open_case

        with open_case(path, read_only=True) as case:
            return {t: _keyed(t, list(iter_records(case.conn, t))) for t in data_tables(case.conn, include_audit=False)}
    if ":" in spec:
        from workbench.core.gitcase import list_files, show_file

        records: Records = {}
        for name in list_files(spec):
            if name.endswith(TABLE_SUFFIX):
                table = name[:-len(TABLE_SUFFIX)]
                text = show_file(spec, name) or ""
                records[table] = _keyed(table, parse_table(table, text, f"{spec}/{name}").records)
        return records
    raise CaseError(f"{spec} is neither a case, a case directory, a JSON export nor REV:FOLDER of a commit.")


def _value(value: Any) -> str:
    text = "null" if value is None else str(value)
    text = text.replace("\n", "⏎")
    return text if len(text) <= LONG_VALUE else text[:LONG_VALUE - 1] + "…"


def _label(table: str, record: dict[str, Any]) -> str:
    from workbench.core.merge import record_label

    noun = table[:-1] if table.endswith("s") else table
    return f"{noun} “{record_label(record)}”"


def diff_records(old: Records, new: Records) -> tuple[list[str], dict[str, int]]:
    """The lines of a record-level diff from `old` to `new`, and the counts added/deleted/changed."""
    lines: list[str] = []
    counts = {"added": 0, "deleted": 0, "changed": 0}
    order = [t for t in new if t in old] + [t for t in new if t not in old] + [t for t in old if t not in new]
    for table in order:
        before, after = old.get(table, {}), new.get(table, {})
        for key in sorted(before.keys() | after.keys()):
            was, now = before.get(key), after.get(key)
            if was == now:
                continue
            if was is None:
                lines.append(f"+ {_label(table, now)} [{key}]")  # type: ignore[arg-type]
                counts["added"] += 1
            elif now is None:
                lines.append(f"- {_label(table, was)} [{key}]")
                counts["deleted"] += 1
            else:
                changed = [c for c in list(now) + [c for c in was if c not in now]
                           if c not in STAMP_COLUMNS and now.get(c) != was.get(c)]
                if not changed:
                    continue
                lines.append(f"~ {_label(table, now)} [{key}]")
                lines += [f"    {c}: {_value(was.get(c))} → {_value(now.get(c))}" for c in changed]
                counts["changed"] += 1
    return lines, counts


def run_diff(a: str, b: str) -> tuple[str, bool]:
    """`workbench diff A B`: the text to print and whether the two differ."""
    lines, counts = diff_records(load_records(a), load_records(b))
    summary = (f"{counts['added']} added, {counts['deleted']} deleted, {counts['changed']} changed "
               f"(record by record, from {a} to {b}).")
    return "\n".join([*lines, summary]) + "\n", bool(lines)


def textconv(path: Path) -> str:
    """A table file shown for `git diff`: each record a heading line and one indented line per field, so a diff
    names the record and the field that changed. Another file (or one that does not parse) is shown as it is."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")
    # git may hand textconv a temporary file named XXXXXX_actors.jsonl: the longest table name it ends with
    from workbench.core.canonical import schema_keys

    stem = path.name[:-len(TABLE_SUFFIX)] if path.name.endswith(TABLE_SUFFIX) else ""
    table = max((t for t in schema_keys() if stem == t or stem.endswith("_" + t)), key=len, default=stem)
    try:
        records = parse_table(table or "records", text, path.name).records
    except CaseError:
        return text
    out = []
    for record in records:
        key = record.get("id") if "id" in record else "/".join(str(v) for v in list(record.values())[:2])
        out.append(f"{_label(table or 'record', record)} [{key}]")
        out += [f"    {column}: {_value(value)}" for column, value in record.items() if column not in STAMP_COLUMNS]
    return "\n".join(out) + ("\n" if out else "")
