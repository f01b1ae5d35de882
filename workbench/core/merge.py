"""Merge a colleague's case file into this one by stable ids: new records added, identical ones skipped,
changed ones listed as conflicts for the analyst to settle per record, look-alike actors proposed.

`plan_merge` only reads both cases and says what a merge would do; `apply_merge` writes the plan
with the analyst's choices through the case's gateway in one transaction (in the app, one undo
step) and records the merge in the audit trail. Records are matched by id (join tables by their key
columns). Without a common ancestor, a record that exists only in the colleague's case is new to
this one, unless this case's audit trail shows it was deleted here: then it is a conflict too
("deleted here"), so a deletion is not silently undone. Chart positions (actor_layout) are the
analyst's own view: theirs are added for actors this case has not placed, never listed as conflicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.canonical import data_tables, iter_records, sort_columns
from workbench.core.model import aliases_of
from workbench.core.names import NameIndex
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import LINK_TABLES, RECORD_TABLES, Case, open_case

THEIRS, MINE = "theirs", "mine"
# Columns that change with every save and say nothing about the content.
STAMP_COLUMNS = ("updated_at",)
SILENT_TABLES = ("actor_layout",)
LABEL_COLUMNS = ("title", "name", "kind", "url", "text", "quote", "key")

@dataclass
class Conflict:
    """One record both cases hold with different content (or that was deleted here)."""

    table: str
    key: str
    label: str
    mine: dict[str, Any] | None  # None: deleted here, still in theirs
    theirs: dict[str, Any] | None  # None: deleted in theirs, edited here (a git merge's conflict)
    fields: tuple[str, ...]
    newer: str  # THEIRS or MINE by updated_at, "" when unknown

    @property
    def choice_key(self) -> tuple[str, str]:
        return (self.table, self.key)

    def describe(self) -> str:
        noun = self.table[:-1] if self.table.endswith("s") else self.table
        if self.mine is None:
            return f"{noun} “{self.label}” was deleted here and is still in theirs"
        if self.theirs is None:
            return f"{noun} “{self.label}” was edited here and deleted in theirs"
        verb = "differs" if len(self.fields) == 1 else "differ"
        return f"{noun} “{self.label}”: {', '.join(self.fields)} {verb}"


@dataclass
class DuplicateActor:
    """An actor new from theirs whose name or an alias matches an actor of this case."""

    mine_id: str
    theirs_id: str
    mine_name: str
    theirs_name: str


@dataclass
class MergePlan:
    other_path: Path
    other_title: str
    other_classification: str
    mine_classification: str
    added: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    identical: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    duplicates: list[DuplicateActor] = field(default_factory=list)
    summary: str = ""  # what the merge dialog says instead of its count of new records (a git merge's conflicts)

    @property
    def added_count(self) -> int:
        return sum(len(rows) for rows in self.added.values())

    @property
    def identical_count(self) -> int:
        return sum(self.identical.values())

    @property
    def is_empty(self) -> bool:
        return not self.added_count and not self.conflicts

    @property
    def marking_differs(self) -> bool:
        return self.other_classification.strip().upper() != self.mine_classification.strip().upper()

    def describe_added(self) -> str:
        parts = [f"{len(rows)} {table}" for table, rows in self.added.items() if rows]
        return ", ".join(parts) or "nothing"


def actor_names(row: dict[str, Any]) -> list[str]:
    """An actor record's name and aliases, the names a look-alike is found by."""
    return [row["name"], *aliases_of(row.get("aliases"))]


def record_label(row: dict[str, Any]) -> str:
    """A record's name for a person: its title, name, kind, url, text, quote or key (80 characters at most)."""
    for column in LABEL_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and value:
            return value[:80]
    return "/".join(str(v) for v in list(row.values())[:2])


def _key(row: dict[str, Any], keys: list[str]) -> str:
    return row[keys[0]] if len(keys) == 1 else "/".join(str(row[k]) for k in keys)


def merge_tables(case: Case, other: Case) -> list[str]:
    """The tables both cases hold, in dependency order; meta (title, marking) and the trail stay this case's."""
    theirs = set(data_tables(other.conn, include_audit=False))
    return [t for t in data_tables(case.conn, include_audit=False) if t != "meta" and t in theirs]


def plan_merge(case: Case, other: Case, progress: Progress = NO_PROGRESS) -> MergePlan:
    """What merging `other` into `case` would do; reads both, writes nothing."""
    plan = MergePlan(other.path, other.title, other.classification, case.classification)
    deleted_here = set(case.conn.execute(
        "SELECT table_name, record_id FROM audit WHERE action = 'delete' AND record_id <> ''"))
    tables = merge_tables(case, other)
    for number, table in enumerate(tables):
        progress(number, len(tables) + 1)
        keys = sort_columns(case.conn, table)
        mine = {_key(row, keys): row for row in iter_records(case.conn, table, blobs_as_base64=False)}
        added: list[dict[str, Any]] = []
        identical = 0
        for row in iter_records(other.conn, table, blobs_as_base64=False):
            key = _key(row, keys)
            here = mine.get(key)
            if here is None:
                if table in RECORD_TABLES and (table, key) in deleted_here:
                    plan.conflicts.append(Conflict(table, key, record_label(row), None, row, (), ""))
                else:
                    added.append(row)
                continue
            differing = tuple(c for c in row if c not in STAMP_COLUMNS and row[c] != here.get(c))
            if not differing or table in SILENT_TABLES:
                identical += 1
                continue
            stamps = (str(row.get("updated_at") or ""), str(here.get("updated_at") or ""))
            newer = "" if not all(stamps) or stamps[0] == stamps[1] else THEIRS if stamps[0] > stamps[1] else MINE
            plan.conflicts.append(Conflict(table, key, record_label(here), here, row, differing, newer))
        plan.added[table] = added
        plan.identical[table] = identical
        progress(number + 1, len(tables) + 1)
    # Actors new from theirs that look like one of ours under another id: the same name or alias in
    # any script or spelling (core.names), so their "Лукашэнка" is proposed as our "Lukashenko".
    ours = {row["id"]: row for row in case.rows("actors")}
    known = NameIndex((actor_id, actor_names(row)) for actor_id, row in ours.items())
    for row in plan.added.get("actors", []):
        found = next((m for m in (known.find(name, whole=True) for name in actor_names(row)) if m is not None),
                     None)
        match = ours[found.record_id] if found is not None else None
        if match is not None:
            plan.duplicates.append(DuplicateActor(match["id"], row["id"], match["name"], row["name"]))
    progress(1.0)
    return plan


def _foreign_keys(case: Case, table: str) -> list[tuple[str, str]]:
    """(column, parent table) of each foreign key of a table; every parent is keyed by `id`."""
    return [(key.column, key.other_table) for key in case.db[table].foreign_keys]


def apply_merge(
    case: Case,
    plan: MergePlan,
    take_theirs: Iterable[tuple[str, str]] = (),
    merge_duplicates: Iterable[tuple[str, str]] = (),
    origin: object = None,
    progress: Progress = NO_PROGRESS,
) -> dict[str, int]:
    """Write a merge plan: add the new records, settle each conflict (theirs for the keys in
    `take_theirs`, else mine), fold each (mine id, theirs id) of `merge_duplicates` into ours.

    One transaction (Cancel through `progress` rolls it back); a record whose parent is missing
    (deleted here and kept deleted) is skipped with its dependants. Returns counts: added, theirs,
    mine, merged_actors, skipped.
    """
    from workbench.core.ops.actors import merge_actors

    chosen = set(take_theirs)
    counts = {"added": 0, "theirs": 0, "mine": 0, "merged_actors": 0, "skipped": 0}
    if plan.is_empty:
        return counts
    recording = case.is_recording  # an undoable action journals one-record writes only
    conflicts_by_table: dict[str, list[Conflict]] = {}
    for conflict in plan.conflicts:
        conflicts_by_table.setdefault(conflict.table, []).append(conflict)
    with case.transaction():
        present: dict[str, set[str]] = {}

        def ids_of(table: str) -> set[str]:
            if table not in present:
                present[table] = {i for (i,) in case.conn.execute(f'SELECT id FROM "{table}"')}
            return present[table]

        def fits(table: str, row: dict[str, Any]) -> bool:
            return all(row.get(column) is None or row[column] in ids_of(parent)
                       for column, parent in _foreign_keys(case, table))

        tables = merge_tables_of(plan)
        for number, table in enumerate(tables):
            progress(number, len(tables) + 1)
            for conflict in conflicts_by_table.get(table, []):
                if conflict.choice_key not in chosen:
                    counts["mine"] += 1
                    continue
                if conflict.theirs is None:  # deleted in theirs: taking theirs deletes it here
                    if table in RECORD_TABLES:
                        if case.get(table, conflict.key) is not None:
                            case.delete(table, conflict.key, origin=origin)
                    elif conflict.mine is not None:
                        case.unlink(table, conflict.mine, origin=origin)
                elif conflict.mine is None:
                    if not fits(table, conflict.theirs):
                        counts["skipped"] += 1
                        continue
                    case.insert(table, conflict.theirs, origin=origin)
                    ids_of(table).add(conflict.key)
                elif table == "meta":  # a git merge's conflict over the title or marking
                    case.set_meta(conflict.key, conflict.theirs["value"])
                elif table in RECORD_TABLES:
                    changes = {c: conflict.theirs[c] for c in conflict.fields}
                    case.update(table, conflict.key, changes, origin=origin, stamp=conflict.theirs.get("updated_at"))
                else:
                    case.link(table, conflict.theirs, origin=origin)
                counts["theirs"] += 1
            rows = [row for row in plan.added.get(table, []) if fits(table, row)]
            counts["skipped"] += len(plan.added.get(table, [])) - len(rows)
            if not rows:
                continue
            if table in RECORD_TABLES:
                if recording:
                    for row_number, row in enumerate(rows):
                        if row_number % 500 == 0:
                            progress.check()
                        case.insert(table, row, origin=origin)
                else:
                    case.bulk_insert(table, rows, origin=origin)
                ids_of(table).update(row["id"] for row in rows)
            elif table in LINK_TABLES and not recording:
                case.bulk_insert(table, rows, origin=origin)
            else:
                for row_number, row in enumerate(rows):
                    if row_number % 500 == 0:
                        progress.check()
                    case.link(table, row, origin=origin)
            counts["added"] += len(rows)
        progress(len(tables), len(tables) + 1)
        for mine_id, theirs_id in merge_duplicates:
            if case.get("actors", mine_id) is not None and case.get("actors", theirs_id) is not None:
                merge_actors(case, mine_id, theirs_id, origin=origin)
                counts["merged_actors"] += 1
        case.audit(
            "update", "meta", "merge", None,
            {"from": plan.other_path.name, "title": plan.other_title, **counts},
            summary=(f"merged {plan.other_path.name}: {counts['added']} added, {counts['theirs']} conflicts "
                     f"settled theirs, {counts['mine']} mine, {counts['merged_actors']} actors merged"),
        )
    return counts


def plan_from_conflicts(case: Case, folder: Path, conflicts: Iterable[Any]) -> MergePlan:
    """The merge dialog's plan for the conflicts a git merge left in a case directory (`core.casedir`
    TableConflicts): `case` is the working copy read from our side, each conflict offers their version."""
    from workbench.core.canonical import table_columns

    plan = MergePlan(Path(folder), f"{Path(folder).name} (their side of the git merge)", case.classification,
                     case.classification)
    conflicts = list(conflicts)
    plan.summary = (f"git merged {Path(folder).name} record by record and field by field; {len(conflicts)} "
                    "record(s) were changed differently on the two sides (the same field, or deleted on one side "
                    "and edited on the other). Choose the version of each; every other change is already merged.")
    for conflict in conflicts:
        blobs = {name for name, kind, _pk in table_columns(case.conn, conflict.table) if kind == "BLOB"}
        mine, theirs = (_stored(record, blobs) for record in (conflict.ours, conflict.theirs))
        some = mine if mine is not None else theirs or {}
        stamps = (str((theirs or {}).get("updated_at") or ""), str((mine or {}).get("updated_at") or ""))
        newer = "" if not all(stamps) or stamps[0] == stamps[1] else THEIRS if stamps[0] > stamps[1] else MINE
        plan.conflicts.append(Conflict(conflict.table, conflict.key, record_label(some), mine, theirs,
                                       conflict.fields, newer))
    return plan


def _stored(record: dict[str, Any] | None, blobs: set[str]) -> dict[str, Any] | None:
    """A canonical record's values as the case stores them (a BLOB's {"base64": ...} decoded)."""
    if record is None:
        return None
    import base64

    return {key: base64.b64decode(value["base64"]) if key in blobs and isinstance(value, dict) else value
            for key, value in record.items()}


def merge_tables_of(plan: MergePlan) -> list[str]:
    """The plan's tables in dependency order (the order `plan_merge` visited them)."""
    order = list(plan.added)
    order += [c.table for c in plan.conflicts if c.table not in order]
    return order


def run_merge(case: Path, other: Path) -> str:
    """`workbench merge CASE OTHER`: add what is new, keep this case's version of every conflict, list them."""
    case, other = Path(case), Path(other)
    with open_case(case) as mine:
        with open_case(other, read_only=True) as theirs:
            plan = plan_merge(mine, theirs)
        if plan.is_empty:
            return (f"Nothing to merge: every record of {other.name} is already in {case.name} "
                    f"({plan.identical_count} identical).")
        counts = apply_merge(mine, plan)
    lines = [
        f"Merged {other.name} into {case.name}: {counts['added']} records added ({plan.describe_added()}), "
        f"{plan.identical_count} identical, {len(plan.conflicts)} conflicts kept as they are here, "
        f"{counts['skipped']} skipped, {len(plan.duplicates)} possible duplicate actors."
    ]
    if plan.marking_differs:
        lines.append(f"  note: {other.name} is marked {plan.other_classification!r}, this case "
                     f"{plan.mine_classification!r}; the marking of this case is unchanged.")
    for conflict in plan.conflicts:
        newer = " (theirs is newer)" if conflict.newer == THEIRS else ""
        lines.append(f"  conflict: {conflict.describe()}{newer}; kept this case's [{conflict.key}]")
    for duplicate in plan.duplicates:
        lines.append(f"  duplicate? actor “{duplicate.theirs_name}” [{duplicate.theirs_id}] looks like "
                     f"“{duplicate.mine_name}” [{duplicate.mine_id}]")
    if plan.conflicts or plan.duplicates:
        lines.append("  To choose per record, use File > Merge Case in the app.")
    return "\n".join(lines)
