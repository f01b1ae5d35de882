"""Three-way merge of a case directory's table files, record by record and field by field: git's merge driver.

git hands the driver three versions of one table file: the common ancestor (base), ours and theirs.
A record is matched across them by its stable id (a join table's record by its key columns, as
`core.merge` matches records between two cases). For each record:

- the same on both sides, or changed on one side only: that side's version (an addition, an edit, a deletion);
- changed on both sides: merged field by field against the base; `updated_at` takes the later stamp;
  a field both sides changed to different values is a true conflict, as is a deletion against an edit.

The merged file is written in canonical order with the canonical encoder, so a clean merge is itself a
canonical file. Each true conflict is left as a block holding the record's two versions (each with every
non-conflicting change applied; see `core.casedir`), which the app's merge dialog settles. Actors added
on one side that look like an actor of the other (the same name or alias in any script: `core.names`)
are proposed, as `workbench merge` proposes them; a look-alike is no conflict, so it does not fail the merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.canonical import record_encoder
from workbench.core.casedir import (
    MARKER_SIZE,
    STAMP_COLUMNS,
    TABLE_SUFFIX,
    TableConflict,
    parse_table,
    record_key,
    render_conflict,
    sort_key,
)
from workbench.core.errors import CaseError


@dataclass
class TableMerge:
    """The merged text of one table file, its true conflicts and the look-alike actors it proposes."""

    table: str
    text: str
    conflicts: list[TableConflict] = field(default_factory=list)
    lookalikes: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    merged_fields: int = 0  # records both sides changed whose fields merged cleanly


def _by_key(table: str, text: str, name: str) -> dict[str, dict[str, Any]]:
    parsed = parse_table(table, text, name)
    if parsed.conflicts:
        raise CaseError(f"{name} still holds conflict blocks from an earlier merge; resolve them first.")
    return {record_key(table, record): record for record in parsed.records}


def _merge_fields(base: dict[str, Any], ours: dict[str, Any],
                  theirs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both sides' versions with every change that does not conflict applied (equal but for their stamps when none
    conflicts; each keeps its own `updated_at`, which says whose version is newer)."""
    columns = list(ours) + [c for c in theirs if c not in ours]
    mine: dict[str, Any] = {}
    other: dict[str, Any] = {}
    for column in columns:
        b, o, t = base.get(column), ours.get(column), theirs.get(column)
        if column in STAMP_COLUMNS:
            mine[column], other[column] = o, t
        elif o == t or t == b:
            mine[column] = other[column] = o
        elif o == b:
            mine[column] = other[column] = t
        else:
            mine[column], other[column] = o, t
    return mine, other


def merge_table(table: str, base: str, ours: str, theirs: str, marker_size: int = MARKER_SIZE) -> TableMerge:
    """Merge three versions of one table file's text (see the module's docstring)."""
    name = f"{table}{TABLE_SUFFIX}"
    b, o, t = (_by_key(table, text, f"{side} {name}") for side, text in
               (("the base", base), ("our", ours), ("their", theirs)))
    encode = record_encoder()
    result = TableMerge(table, "")
    merged: list[tuple[tuple[Any, ...], str]] = []
    for key in {**b, **o, **t}:
        was, mine, other = b.get(key), o.get(key), t.get(key)
        if mine == other or other == was:
            chosen, conflict = mine, None
        elif mine == was:
            chosen, conflict = other, None
        elif mine is None or other is None:
            chosen, conflict = None, TableConflict(table, key, mine, other)
        else:
            mine_merged, other_merged = _merge_fields(was or {}, mine, other)
            if _unstamped(mine_merged) == _unstamped(other_merged):
                stamps = {c: max(v for v in (mine_merged.get(c), other_merged.get(c)) if v is not None)
                          for c in STAMP_COLUMNS if mine_merged.get(c) is not None or other_merged.get(c) is not None}
                chosen, conflict = {**mine_merged, **stamps}, None
                result.merged_fields += 1
            else:
                chosen, conflict = None, TableConflict(table, key, mine_merged, other_merged)
        if conflict is not None:
            result.conflicts.append(conflict)
            some = conflict.ours if conflict.ours is not None else conflict.theirs
            merged.append((sort_key(table, some), render_conflict(encode, conflict, marker_size)))  # type: ignore[arg-type]
        elif chosen is not None:
            merged.append((sort_key(table, chosen), encode(chosen) + "\n"))
    merged.sort(key=lambda pair: pair[0])
    result.text = "".join(text for _key, text in merged)
    if table == "actors":
        result.lookalikes = lookalike_actors(b, o, t)
    return result


def _unstamped(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in STAMP_COLUMNS}


def lookalike_actors(base: dict[str, dict[str, Any]], ours: dict[str, dict[str, Any]],
                     theirs: dict[str, dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(our actor, their new actor) pairs under different ids whose names or aliases match (core.names)."""
    from workbench.core.merge import actor_names
    from workbench.core.names import NameIndex

    known = NameIndex((key, actor_names(row)) for key, row in ours.items())
    pairs = []
    for key, row in theirs.items():
        if key in base or key in ours:
            continue
        found = next((m for m in (known.find(n, whole=True) for n in actor_names(row)) if m is not None), None)
        if found is not None and found.record_id != key:
            pairs.append((ours[found.record_id], row))
    return pairs


def describe(merge: TableMerge) -> list[str]:
    """What a merge of one table file says on the terminal: each conflict, each look-alike proposed."""
    lines = []
    noun = merge.table[:-1] if merge.table.endswith("s") else merge.table
    for conflict in merge.conflicts:
        some = conflict.ours if conflict.ours is not None else conflict.theirs or {}
        label = _label(some)
        if conflict.ours is None:
            lines.append(f"conflict: {noun} “{label}” [{conflict.key}] was deleted here and edited in theirs")
        elif conflict.theirs is None:
            lines.append(f"conflict: {noun} “{label}” [{conflict.key}] was edited here and deleted in theirs")
        else:
            lines.append(f"conflict: {noun} “{label}” [{conflict.key}]: {', '.join(conflict.fields)} differ")
    for mine, theirs in merge.lookalikes:
        lines.append(f"duplicate? actor “{theirs.get('name')}” [{theirs.get('id')}] looks like "
                     f"“{mine.get('name')}” [{mine.get('id')}]; Edit > Merge Selected Actors in the app folds them "
                     "into one")
    return lines


def _label(record: dict[str, Any]) -> str:
    from workbench.core.merge import record_label

    return record_label(record)


def table_of(path_name: str | None) -> str | None:
    """The table a file of a case directory holds, from its path in the repository; None for another file."""
    if not path_name:
        return None
    path = Path(path_name)
    return path.name[:-len(TABLE_SUFFIX)] if path.name.endswith(TABLE_SUFFIX) else None
