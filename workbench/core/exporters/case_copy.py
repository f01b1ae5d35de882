"""Case file copies to hand on: the whole case, or a subset (time window, actors, saved view), optionally redacted.

A whole, unredacted copy goes straight through SQLite's backup API to a temporary file beside the
destination, whose search indexes are then rebuilt and which is vacuumed (the backup copies freed
cells and free pages as they are). A subset or a redacted copy is made in memory (the backup API again), pruned and
scrubbed there, and written out with VACUUM INTO, which builds the file from the live rows only:
no free page or freed cell of the copy can hold text that was removed, and the unredacted data
never touches the destination's disk. Either way the temporary file is checked as any case file
is opened (`check_case`) before it is renamed into place.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.exporters import atomic_output
from workbench.core.progress import NO_PROGRESS, Cancelled, Progress
from workbench.core.store import FTS_COLUMNS, Case, CaseError, CaseRefused, check_case, cipher

BACKUP_PAGES = 2048


@dataclass
class CopyOptions:
    """What goes into a case copy. Empty options: the whole case as it is."""

    # subset: events that overlap [start, end] (UTC text as stored; None: open)
    start: str | None = None
    end: str | None = None
    # subset: these actors, their events and relations and the actors at the other end
    actor_ids: tuple[str, ...] = ()
    # subset: the time window and actors a saved view shows (its `state`)
    view_id: str | None = None
    # redaction
    drop_notes: bool = False
    drop_archived_texts: bool = False  # sources' archived page texts
    drop_documents: bool = False  # the imported report texts
    drop_audit: bool = False
    replace_analyst: str | None = None  # put this name wherever an analyst's name stands

    @property
    def is_subset(self) -> bool:
        return bool(self.start or self.end or self.actor_ids or self.view_id)

    @property
    def is_redacted(self) -> bool:
        return bool(self.drop_notes or self.drop_archived_texts or self.drop_documents or self.drop_audit
                    or self.replace_analyst is not None)

    def describe(self) -> str:
        parts = []
        if self.start or self.end:
            parts.append(f"events from {self.start or 'the first'} to {self.end or 'the last'}")
        if self.actor_ids:
            parts.append(f"{len(self.actor_ids)} selected actors and what is tied to them")
        if self.view_id:
            parts.append("a saved view")
        dropped = [name for flag, name in ((self.drop_notes, "notes"), (self.drop_archived_texts, "archived texts"),
                                           (self.drop_documents, "documents"), (self.drop_audit, "audit trail"))
                   if flag]
        if dropped:
            parts.append("without " + ", ".join(dropped))
        if self.replace_analyst is not None:
            parts.append("analyst names replaced")
        return "; ".join(parts) or "whole case"


def export_case_copy(case: Case, out: Path, options: CopyOptions | None = None,
                     progress: Progress = NO_PROGRESS) -> str:
    """Write a checked case file copy to `out`; returns a one-line summary."""
    options = options or CopyOptions()
    out = Path(out)
    if options.view_id:
        options = _with_view(case, options)
    with atomic_output(out) as partial:
        if options.is_subset or options.is_redacted:
            _write_pruned(case, partial, options, progress)
        else:
            _write_whole(case, partial, progress)
        progress(0.95)
        try:
            check_case(partial, key=case.key)  # a copy of an encrypted case is encrypted with its key
        except CaseRefused as refused:
            raise CaseError(f"The copy written to {out.name} failed its check: {refused.reason}.") from None
        counts = _counts(partial, case.key)
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    what = options.describe()
    return (f"Exported a checked case copy ({what}: {counts['events']} events, {counts['actors']} actors, "
            f"{counts['sources']} sources) to {out}.")


def _counts(path: Path, key: str | None) -> dict[str, int]:
    conn = cipher.connect(f"{path.resolve().as_uri()}?mode=ro", key=key, uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("events", "actors", "sources")}
    finally:
        conn.close()


def _backup(case: Case, target: sqlite3.Connection, progress: Progress, share: float) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        progress(share * (1 - remaining / max(1, total)))  # raises Cancelled: the backup stops

    case.conn.backup(target, pages=BACKUP_PAGES, progress=step)


def _write_whole(case: Case, partial: Path, progress: Progress) -> None:
    target = cipher.connect(partial, key=case.key, isolation_level=None)
    try:
        _backup(case, target, progress, 0.8)
        target.execute("PRAGMA journal_mode = DELETE")
        # The backup copies pages as they are: freed cells and free pages of the case (text deleted
        # where SQLite is built without SECURE_DELETE) and search-index segments still holding deleted
        # words. Rebuilding the indexes and VACUUM leave only the live rows in the copy.
        for table in FTS_COLUMNS:
            target.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        progress.check()
        target.execute("VACUUM")
    except cipher.Error as error:
        raise CaseError(f"Cannot write the case copy: {error}.") from None
    finally:
        target.close()


def _write_pruned(case: Case, partial: Path, options: CopyOptions, progress: Progress) -> None:
    work = cipher.connect(":memory:", key=case.key, isolation_level=None)  # SQLCipher backs up to a like key
    try:
        _backup(case, work, progress, 0.4)
        work.execute("PRAGMA foreign_keys = ON")
        work.execute("PRAGMA secure_delete = ON")
        # The trail is append-only by trigger; the copy's pruning must pass it, then the triggers
        # go back with their exact text (the copy's schema is compared with ours when checked).
        triggers = work.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger'").fetchall()
        work.execute("BEGIN")
        for name, _sql in triggers:
            work.execute(f'DROP TRIGGER "{name}"')
        if options.is_subset:
            _prune(work, options)
        progress(0.55)
        progress.check()
        _redact(work, options)
        for _name, sql in triggers:
            work.execute(sql)
        for table in FTS_COLUMNS:
            work.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        orphan = work.execute("PRAGMA foreign_key_check").fetchone()
        if orphan:
            raise CaseError(f"The copy would be inconsistent (a row of '{orphan[0]}' points at a missing record).")
        work.execute("COMMIT")
        # sqlite_stat4 (when present) samples index keys: text that may have been removed.
        if work.execute("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'").fetchone():
            work.execute("DELETE FROM sqlite_stat4")
        progress(0.7)
        progress.check()
        work.execute("VACUUM INTO ?", (str(partial),))
    except Cancelled:
        raise
    except cipher.Error as error:
        raise CaseError(f"Cannot write the case copy: {error}.") from None
    finally:
        work.close()


def _with_view(case: Case, options: CopyOptions) -> CopyOptions:
    """Options narrowed to what a saved view shows: its time window and its selected actors, when it keeps them."""
    row = case.conn.execute("SELECT state FROM views WHERE id = ?", (options.view_id,)).fetchone()
    if row is None:
        raise CaseError("The saved view chosen for the copy is no longer in the case.")
    try:
        state = json.loads(row[0])
    except ValueError:
        state = {}
    window = state.get("time_window") or {}
    if isinstance(window, list) and len(window) == 2:
        window = {"start": window[0], "end": window[1]}
    selection = state.get("selection") or {}
    actor_ids = tuple(state.get("actor_ids") or (selection.get("ids", ()) if selection.get("table") == "actors"
                                                  else ()))
    return CopyOptions(
        start=options.start or window.get("start"), end=options.end or window.get("end"),
        actor_ids=options.actor_ids or tuple(str(a) for a in actor_ids), view_id=options.view_id,
        drop_notes=options.drop_notes, drop_archived_texts=options.drop_archived_texts,
        drop_documents=options.drop_documents, drop_audit=options.drop_audit,
        replace_analyst=options.replace_analyst,
    )


def _ids(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> set[str]:
    return {value for (value,) in conn.execute(sql, params) if value is not None}


def _keep_only(conn: sqlite3.Connection, table: str, keep: set[str]) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.keep")
    conn.execute("CREATE TEMP TABLE keep (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO temp.keep VALUES (?)", ((k,) for k in keep))
    conn.execute(f"DELETE FROM {table} WHERE id NOT IN (SELECT id FROM temp.keep)")
    conn.execute("DROP TABLE temp.keep")


def _prune(conn: sqlite3.Connection, options: CopyOptions) -> None:
    """Keep the subset: events in the window (and of the actors), the actors and relations tied to them,
    their citations and sources, the documents those cite, notes on kept records; drop the rest."""
    low, high = options.start or "0000", options.end or "9999"
    chosen = set(options.actor_ids)
    events = _ids(conn, 'SELECT id FROM events WHERE start <= ? AND coalesce("end", start) >= ?', (high, low))
    if chosen:
        events &= _ids(conn, "SELECT event_id FROM event_actors WHERE actor_id IN (SELECT value FROM json_each(?))",
                       (json.dumps(sorted(chosen)),))
    # A relation with no end holds on; one with no dates at all may hold in any window.
    in_window = "coalesce(start, '0000') <= ? AND coalesce(\"end\", '9999') >= ?"
    event_actors = _ids(conn, "SELECT actor_id FROM event_actors WHERE event_id IN (SELECT value FROM json_each(?))",
                        (json.dumps(sorted(events)),))
    if chosen:
        relations = _ids(conn, f"SELECT id FROM relations WHERE {in_window} AND (from_actor_id IN "
                         "(SELECT value FROM json_each(?)) OR to_actor_id IN (SELECT value FROM json_each(?)))",
                         (high, low, json.dumps(sorted(chosen)), json.dumps(sorted(chosen))))
    else:
        relations = _ids(conn, f"SELECT id FROM relations WHERE {in_window} AND (start IS NOT NULL OR "
                         "(from_actor_id IN (SELECT value FROM json_each(?)) AND to_actor_id IN "
                         "(SELECT value FROM json_each(?))))",
                         (high, low, json.dumps(sorted(event_actors)), json.dumps(sorted(event_actors))))
    actors = chosen | event_actors
    for source, target in conn.execute("SELECT from_actor_id, to_actor_id FROM relations WHERE id IN "
                                       "(SELECT value FROM json_each(?))", (json.dumps(sorted(relations)),)):
        actors |= {source, target}
    citations = _ids(conn, "SELECT id FROM citations WHERE event_id IN (SELECT value FROM json_each(?)) OR "
                     "relation_id IN (SELECT value FROM json_each(?)) OR actor_id IN (SELECT value FROM json_each(?))",
                     (json.dumps(sorted(events)), json.dumps(sorted(relations)), json.dumps(sorted(actors))))
    cited = json.dumps(sorted(citations))
    sources = _ids(conn, "SELECT source_id FROM citations WHERE id IN (SELECT value FROM json_each(?))", (cited,))
    documents = _ids(conn, "SELECT document_id FROM citations WHERE id IN (SELECT value FROM json_each(?))", (cited,))
    places = _ids(conn, "SELECT place_id FROM event_places WHERE event_id IN (SELECT value FROM json_each(?))",
                  (json.dumps(sorted(events)),))
    # Children first: foreign keys cascade, but removing the leaves first keeps the work small.
    _keep_only(conn, "citations", citations)
    conn.execute("DELETE FROM notes WHERE coalesce(event_id, relation_id, actor_id, source_id) IS NULL")
    _keep_only(conn, "relations", relations)
    _keep_only(conn, "events", events)
    _keep_only(conn, "actors", actors)
    _keep_only(conn, "places", places)
    _keep_only(conn, "sources", sources)
    _keep_only(conn, "documents", documents)
    _keep_only(conn, "views", {options.view_id} if options.view_id else set())
    # The trail keeps the history of kept records only: old values of others would carry their text.
    kept: dict[str, set[str]] = {
        "events": events, "actors": actors, "relations": relations, "citations": citations, "sources": sources,
        "documents": documents, "places": places,
        "notes": _ids(conn, "SELECT id FROM notes"), "views": _ids(conn, "SELECT id FROM views"),
        "actor_attributes": _ids(conn, "SELECT id FROM actor_attributes"),  # those of kept actors (cascade)
        # A question and its hypotheses stay whole; its evidence rows and ratings only for kept items (cascade).
        **{table: _ids(conn, f"SELECT id FROM {table}")
           for table in ("questions", "hypotheses", "evidence_rows", "ratings")},
    }
    conn.execute("CREATE TEMP TABLE kept_records (table_name TEXT, record_id TEXT, "
                 "PRIMARY KEY (table_name, record_id))")
    conn.executemany("INSERT INTO temp.kept_records VALUES (?, ?)",
                     ((table, record_id) for table, ids in kept.items() for record_id in ids))
    conn.execute("DELETE FROM audit WHERE table_name <> 'meta' AND NOT (old IS NULL AND new IS NULL) AND "
                 "(table_name, record_id) NOT IN (SELECT table_name, record_id FROM temp.kept_records)")
    conn.execute("DROP TABLE temp.kept_records")
    note = options.describe()
    conn.execute("INSERT INTO meta (key, value) VALUES ('copy_subset', ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (note,))


def _redact(conn: sqlite3.Connection, options: CopyOptions) -> None:
    if options.drop_notes:
        conn.execute("DELETE FROM notes")
        conn.execute("DELETE FROM audit WHERE table_name = 'notes'")
    if options.drop_archived_texts:
        conn.execute("UPDATE sources SET archived_text = '' WHERE archived_text <> ''")
        _scrub_audit_field(conn, "sources", "archived_text")
    if options.drop_documents:
        conn.execute("DELETE FROM documents")
        conn.execute("DELETE FROM audit WHERE table_name = 'documents'")
    if options.drop_audit:
        conn.execute("DELETE FROM audit")
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'audit'")
    if options.replace_analyst is not None:
        _replace_analyst(conn, options.replace_analyst)
    dropped = [name for flag, name in ((options.drop_notes, "notes"), (options.drop_archived_texts, "archived texts"),
                                       (options.drop_documents, "documents"), (options.drop_audit, "audit trail"))
               if flag]
    if options.replace_analyst is not None:
        dropped.append("analyst names")
    if dropped:
        conn.execute("INSERT INTO meta (key, value) VALUES ('copy_redacted', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (", ".join(dropped),))


def _scrub_audit_field(conn: sqlite3.Connection, table: str, column: str) -> None:
    """Remove one column's values from the old/new JSON of a table's audit rows."""
    rows = conn.execute("SELECT id, old, new FROM audit WHERE table_name = ?", (table,)).fetchall()
    for row_id, old, new in rows:
        conn.execute("UPDATE audit SET old = ?, new = ? WHERE id = ?",
                     (_without(old, column), _without(new, column), row_id))


def _without(text: str | None, column: str) -> str | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict):
        value.pop(column, None)
        return json.dumps(value, ensure_ascii=False)
    return None


def _replace_analyst(conn: sqlite3.Connection, replacement: str) -> None:
    """Every analyst name (audit `who`, note authors) becomes `replacement`, in the trail's values too."""
    names = _ids(conn, "SELECT DISTINCT who FROM audit") | _ids(conn, "SELECT DISTINCT author FROM notes")
    names = {name for name in names if name and name != replacement}
    conn.execute("UPDATE audit SET who = ?", (replacement,))
    conn.execute("UPDATE notes SET author = ? WHERE author <> ''", (replacement,))
    quoted = {json.dumps(name, ensure_ascii=False): json.dumps(replacement, ensure_ascii=False) for name in names}
    for row_id, old, new, summary in conn.execute("SELECT id, old, new, summary FROM audit").fetchall():
        changed = [old, new, summary]
        for i, text in enumerate(changed):
            if text:
                for name, value in quoted.items():
                    text = text.replace(name, value)
                if i == 2:
                    for name in names:
                        text = text.replace(name, replacement)
                changed[i] = text
        if changed != [old, new, summary]:
            conn.execute("UPDATE audit SET old = ?, new = ?, summary = ? WHERE id = ?", (*changed, row_id))

