"""Check Case: find dangling references, values the app cannot read and a stale search index, and repair them in
one transaction.

Another tool writing a case file with foreign keys off can leave rows pointing at records that
are not there (a link of an event to a deleted actor, a citation of a missing source, a tag or a
chart position of an actor that is gone). `open_case` refuses such a file with CaseNeedsRepair;
`repair_file` mends it. Each fix does what deleting the missing record through the app would
have done (the foreign key's ON DELETE action: the row goes, or its link is cleared), except
that a note keeps its text and only loses its attachment. Every fix goes through the Case
gateway, so each is audited with the whole old row, and all of them commit together or not at all.

A value the app cannot read (store.values: text that is not UTF-8, an impossible date, JSON nested without
end...) is replaced by a neutral one: '(unreadable)' for text, no value for an optional time or date, empty
aliases or view state, a placeholder start (flagged in the event's time note) for an event. The old value stays
in the audit row of the fix (undecodable bytes as \\xNN escapes), so it can be put back by hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.core.model import NOUNS as RECORD_NOUNS
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import (
    FTS_COLUMNS,
    LINK_TABLES,
    RECORD_TABLES,
    Case,
    CaseError,
    CaseHoldsBadValues,
    CaseNeedsRepair,
    Dangling,
    check_case,
    cipher,
    find_dangling,
    open_case,
)
from workbench.core.store.values import BadValue, find_bad_values, shown

# Columns that name a row for people, in the order they are tried.
LABEL_COLUMNS = ("title", "name", "tag", "quote", "text", "label", "kind", "url")
NOUNS = {
    **RECORD_NOUNS,
    "event_actors": "link of an event to an actor", "event_places": "link of an event to a place",
    "footnotes": "footnote entry", "actor_layout": "chart position",
}
# Rows that keep their content when what they were attached to is gone: only the link is cleared.
DETACH = {("notes", "event_id"), ("notes", "relation_id"), ("notes", "actor_id"), ("notes", "source_id")}
MAX_PASSES = 5


@dataclass
class CheckReport:
    """What Check Case found in an open case, and what it fixed."""

    dangling: list[Dangling] = field(default_factory=list)
    search_index_ok: bool = True
    fixes: list[str] = field(default_factory=list)
    bad_values: list[BadValue] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.dangling and self.search_index_ok and not self.bad_values

    def problems(self) -> list[str]:
        found = [describe(d) for d in self.dangling] + [bad.describe() for bad in self.bad_values]
        if not self.search_index_ok:
            found.append("The search index is out of step with the data.")
        return found


def _label(case: Case, table: str, key: dict[str, object]) -> str:
    if "id" in key and table in RECORD_TABLES:
        row = case.get(table, str(key["id"])) or {}
        for column in LABEL_COLUMNS:
            text = str(row.get(column) or "").strip()
            if text:
                text = " ".join(text.split())
                return f"“{text[:60]}{'…' if len(text) > 60 else ''}”"
        return str(key["id"])
    return "(" + ", ".join(f"{column} {value}" for column, value in key.items()) + ")"


def describe(dangling: Dangling) -> str:
    """One sentence naming the row and the record it points at that is not there."""
    key = ", ".join(f"{column} {value}" for column, value in dangling.key)
    noun = NOUNS.get(dangling.table, f"row of {dangling.table}")
    missing = NOUNS.get(dangling.target, dangling.target)
    return f"A {noun} ({dangling.table}: {key}) points at {missing} {dangling.value}, which is not in the case."


def inspect(case: Case) -> CheckReport:
    """Check an open case (reads only): dangling references, values the app cannot read, the search index."""
    return CheckReport(dangling=find_dangling(case.conn), search_index_ok=case.search_index_ok(),
                       bad_values=find_bad_values(case.conn))


@contextmanager
def tolerant(case: Case) -> Iterator[None]:
    """Read text that is not UTF-8 as \\xNN escapes meanwhile, so the gateway can read (and audit) a row to mend."""
    factory = case.conn.text_factory
    case.conn.text_factory = shown
    try:
        yield
    finally:
        case.conn.text_factory = factory


def repair(case: Case, origin: object = "check case") -> CheckReport:
    """Fix what `inspect` finds, in one transaction through the gateway; the report lists each fix."""
    report = inspect(case)
    if report.healthy:
        return report
    with tolerant(case), case.transaction():
        if not report.search_index_ok:  # first, so the deletes below unindex against a sound index
            report.fixes.append(rebuild_search(case))
        # values cleared before the ones replaced: an event's placeholder start must not pass a bad end
        for bad in sorted(report.bad_values, key=lambda bad: bad.fix is not None):
            report.fixes.append(_clear(case, bad, origin))
        for _ in range(MAX_PASSES):
            dangling = find_dangling(case.conn)
            if not dangling:
                break
            for item in dangling:
                fix = _fix(case, item, origin)
                if fix:
                    report.fixes.append(fix)
        else:
            raise CaseError("Check Case could not settle the dangling references; nothing was changed.")
        if not case.search_index_ok():
            rebuild_search(case)
        case.audit("update", "meta", "", None, None,
                    summary=f"Check Case repaired {len(report.fixes)} problem(s)")
    return report


def _fix(case: Case, item: Dangling, origin: object) -> str | None:
    key = dict(item.key)
    what = f"{NOUNS.get(item.table, item.table)} {_label(case, item.table, key)}"
    missing = f"{NOUNS.get(item.target, item.target)} {item.value}"
    if item.table in RECORD_TABLES:
        if case.get(item.table, str(key["id"])) is None:
            return None  # already removed with a row it depended on, and listed there
        if (item.table, item.column) in DETACH or item.on_delete == "SET NULL":
            case.update(item.table, str(key["id"]), {item.column: None}, origin=origin)
            return f"Detached {what} from {missing}, which is not in the case ({item.table}.{item.column} cleared)."
        going = case.dependents(item.table, [str(key["id"])])
        case.delete(item.table, str(key["id"]), origin=origin)
        also = ", ".join(f"{n} {NOUNS.get(t, t)}{'s' if n > 1 and t in RECORD_TABLES else ''}"
                         for t, n in sorted(going.items()))
        return (f"Removed {what}{f' (and with it {also})' if also else ''}: it pointed at {missing}, "
                "which is not in the case.")
    if item.table in LINK_TABLES or item.table == "actor_layout":
        case.unlink(item.table, key, origin=origin)
        return f"Removed the {what}: it pointed at {missing}, which is not in the case."
    raise CaseError(f"Check Case does not know how to repair a row of {item.table}.")


# An event whose start had to be replaced says so in its time note.
PLACEHOLDER_NOTE = "Check Case: the start this case held ({old}) could not be read; this start is a placeholder."


def _clear(case: Case, bad: BadValue, origin: object) -> str:
    """Replace one value the app cannot read by its neutral value, audited with the old one; says what it did."""
    if not bad.fixable:
        return f"Left alone (Check Case cannot replace a key): {bad.describe()}"
    if bad.table == "meta":
        key = dict(bad.key)["key"]
        case.set_meta(key, bad.fix, origin=origin)
        return f"Replaced the case property {key!r} with {bad.fix!r}: it {bad.why}."
    key = dict(bad.key)
    if bad.table in RECORD_TABLES and bad.column not in ("created_at", "updated_at"):
        changes: dict[str, Any] = {bad.column: bad.fix}
        if (bad.table, bad.column) == ("events", "start"):
            old = case.get("events", str(key["id"])) or {}
            note = PLACEHOLDER_NOTE.format(old=repr(old.get("start")))
            changes |= {"time_precision": "approximate",
                        "time_note": f"{note} {old.get('time_note') or ''}".strip()}
        case.update(bad.table, str(key["id"]), changes, origin=origin, validate=False)
    else:  # a stamp (which update keeps or renews itself) or a row of a join table: SQL of its own, audited
        where = " AND ".join(f'"{column}" = ?' for column in key)
        with case.transaction():
            (old,) = case.conn.execute(f'SELECT "{bad.column}" FROM {bad.table} WHERE {where}',
                                       tuple(key.values())).fetchone()
            case.conn.execute(f'UPDATE {bad.table} SET "{bad.column}" = ? WHERE {where}',
                              (bad.fix, *key.values()))
            case.audit("update", bad.table, "/".join(str(v) for v in key.values()), {bad.column: _plain(old)},
                       {bad.column: bad.fix}, summary="Check Case")
            case.note_changed(bad.table, "update", (str(next(iter(key.values()))),), origin)
    noun = NOUNS.get(bad.table, bad.table)
    name = f" “{bad.label}”" if bad.label else ""
    return (f"Replaced the {bad.column} of {noun}{name} ({bad.table}: {bad.record}) with {bad.fix!r}: it {bad.why}; "
            "the old value is in the case's history.")


def _plain(value: Any) -> Any:
    return shown(value) if isinstance(value, bytes) else value


def search_index_sound(reader: Case, progress: Progress = NO_PROGRESS) -> bool:
    """Whether every search index matches its table (FTS5's integrity-check), asked off the UI thread when a case
    opens; Cancel stops it within a few hundred pages. The check is spelled as an INSERT, which a read-only
    connection refuses to prepare, so it runs on a private in-memory copy."""
    memory = cipher.connect(":memory:", key=reader.key, isolation_level=None)  # SQLCipher backs up to a like key
    try:
        reader.conn.backup(memory, pages=256, progress=lambda *_pages: progress.check())
        memory.set_progress_handler(lambda: 1 if progress.cancelled else 0, 10_000)
        for number, table in enumerate(FTS_COLUMNS):
            progress(number, len(FTS_COLUMNS))
            memory.execute(f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)")
    except cipher.DatabaseError:
        progress.check()  # an interrupted check is a Cancel, not a damaged index
        return False
    finally:
        memory.close()
    return True


def rebuild_search(case: Case, progress: Progress = NO_PROGRESS) -> str:
    """Rebuild every search index from the case's text (what Check Case does for a stale or damaged index)."""
    with case.transaction():
        for number, table in enumerate(FTS_COLUMNS):
            progress(number, len(FTS_COLUMNS))
            _rebuild(case, table)
        case.audit("update", "meta", "", None, None, summary="Check Case rebuilt the search index")
    progress(1, 1)
    return "Rebuilt the search index from the case's text."


# What FTS5 writes into a new index's data table: empty averages, an empty structure.
EMPTY_INDEX = "INSERT INTO {table}_fts_data (id, block) VALUES (1, X''), (10, X'00000000000000')"


def _rebuild(case: Case, table: str) -> None:
    """Rebuild one search index from its table. An index whose structure another program overwrote cannot even
    be opened to rebuild ('vtable constructor failed'): its shadow tables are emptied first, as FTS5 leaves a new
    index (their shape was checked when the case opened; SQLite's defensive mode is lifted for those writes)."""
    try:
        case.conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        return
    except cipher.DatabaseError:
        pass
    defensive = hasattr(case.conn, "setconfig")  # an encrypted case's connection (sqlcipher3) has no such switch
    if defensive:
        case.conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, False)
    try:
        for shadow in ("data", "idx", "docsize"):
            case.conn.execute(f"DELETE FROM {table}_fts_{shadow}")
        case.conn.execute(EMPTY_INDEX.format(table=table))
    finally:
        if defensive:
            case.conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    case.conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")


def repair_file(path: Path | str, analyst: str | None = None) -> CheckReport:
    """Open a case that is sound but for dangling references, values the app cannot read and a stale index, repair
    it, check it again.

    Files refused for any other reason (damage, a foreign schema) are refused here too: those are
    not repaired, as anything planted in them must not run.
    """
    path = Path(path)
    try:
        check_case(path)
    except (CaseNeedsRepair, CaseHoldsBadValues):
        pass
    with open_case(path, analyst=analyst, check_references=False, check_values=False) as case:
        if case.read_only:
            raise CaseError(f"{path.name} is read-only, so Check Case cannot repair it.")
        report = repair(case)
    check_case(path)  # the repaired file must now open like any other
    return report
