"""Canonical JSON: the whole case as one deterministic document that two analysts can keep in git.

Layout, chosen so that a change to one record is a change to one line of the file:

    {
    "case_workbench": {"json_format": 1, "schema_version": 2},
    "meta": [
    {"key": "case_id", "value": "..."},
    ...
    ],
    "actors": [
    {"id": "...", "name": "...", ...},
    ...
    ],
    ...
    }

One top-level key per table, in dependency order (meta, places, actors, events, event_actors,
event_places, relations, documents, sources, footnotes, citations, notes, views, actor_layout),
records sorted by id (join tables by their key columns, meta by key), one record per line, each
record's keys in the schema's column order and named as the columns are. The full-text indexes
and SQLite's own tables are left out (they are rebuilt from the data); `seq` is internal and left
out. BLOBs (view thumbnails) are written as {"base64": "..."}.

The audit trail is left out unless asked for (`include_audit=True`): the case that a document is
imported into necessarily records the import in its own trail, so a trail could never come back
byte-identical, and in git the repository's history is the trail. When a document carries an
`audit` key, importing it appends those rows to the case's trail as history (their original
times and analysts kept, new row numbers), never replays them.

Importing a document into an empty case (a new one) restores it: the case takes the document's
meta (title, marking, time zone, case id) and every record, and its JSON export is byte-identical
to the document. Into a case that already holds records, only records it does not have are added;
its own meta and versions of records are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.canonical import (
    HEADER_KEY,
    JSON_FORMAT,
    data_tables,
    iter_records,
    record_encoder,
)
from workbench.core.exporters import atomic_output
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case


def write_canonical(case: Case, handle: Any, include_audit: bool = False,
                    progress: Progress = NO_PROGRESS) -> dict[str, int]:
    """Write the canonical document to a text handle; returns the number of records per table."""
    conn = case.conn
    encode = record_encoder()
    handle.write("{\n" + json.dumps(HEADER_KEY) + ": " + encode(canonical_header(case)))
    tables = data_tables(conn, include_audit=include_audit)
    totals = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    grand_total = max(1, sum(totals.values()))
    done = 0
    counts: dict[str, int] = {}
    began = not conn.in_transaction
    if began:  # one read snapshot for the whole document, whatever commits meanwhile
        conn.execute("BEGIN")
    try:
        for table in tables:
            progress.check()
            handle.write(",\n" + json.dumps(table) + ": [")
            count = 0
            lines: list[str] = []
            for record in iter_records(conn, table):
                lines.append(encode(record))
                count += 1
                if len(lines) >= 5000:
                    handle.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
                    lines.clear()
                    done += 5000
                    progress(done / grand_total)
                    progress.check()
            if lines:
                handle.write(("\n" if count == len(lines) else ",\n") + ",\n".join(lines))
                done += len(lines)
            handle.write("\n]" if count else "]")
            counts[table] = count
            progress(done / grand_total)
    finally:
        if began:
            conn.execute("COMMIT")
    handle.write("\n}\n")
    return counts


def canonical_header(case: Case) -> dict[str, int]:
    """The document's header: the format's version and the schema the records were written with."""
    return {"json_format": JSON_FORMAT, "schema_version": case.conn.execute("PRAGMA user_version").fetchone()[0]}


def table_lines(case: Case, table: str) -> Iterator[str]:
    """One table's records as canonical lines (no separators): the same text the JSON document holds."""
    encode = record_encoder()
    for record in iter_records(case.conn, table):
        yield encode(record)


def export_canonical(case: Case, out: Path, include_audit: bool = False,
                     progress: Progress = NO_PROGRESS) -> str:
    """Write the case's canonical JSON document to `out` (atomically); returns a one-line summary."""
    out = Path(out)
    with atomic_output(out) as partial:
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            counts = write_canonical(case, handle, include_audit=include_audit, progress=progress)
    records = sum(n for table, n in counts.items() if table not in ("meta", "audit"))
    trail = f", {counts['audit']} audit rows" if "audit" in counts else ""
    return f"Exported {records} records of {len(counts)} tables{trail} as canonical JSON to {out}."


def canonical_text(case: Case, include_audit: bool = False) -> str:
    """The canonical document as a string (for tests and small cases)."""
    import io

    buffer = io.StringIO()
    write_canonical(case, buffer, include_audit=include_audit)
    return buffer.getvalue()
