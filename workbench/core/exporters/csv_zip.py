"""CSV export: one CSV file per table of the case in a zip, with a README that explains every column."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from workbench.core.canonical import data_tables, iter_records, table_columns
from workbench.core.cells import safe_cell
from workbench.core.exporters import atomic_output
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case

TABLE_NOTES = {
    "meta": "the case's settings: title, classification marking, time zone, case id",
    "places": "places events happen at",
    "actors": "people, states, organisations, units and groups",
    "events": "what happened, when, and how sure the case is of it",
    "event_actors": "which actors take part in which event, in what role",
    "event_places": "where each event happens",
    "relations": "ties between two actors, with their time span and confidence",
    "documents": "reports imported into the case, with their text",
    "sources": "the pages and documents claims rest on, graded for reliability",
    "footnotes": "which sources stand under which footnote label of a document",
    "citations": "one source supporting one event, relation or actor, with the quoted passage",
    "notes": "the analysts' notes, alone or on a record",
    "views": "saved views and storyboard slides",
    "actor_layout": "where the analyst placed each actor on the link chart",
    "actor_attributes": "typed facts about actors (date of birth, rank, unit, phone...): key, type, value",
    "questions": "questions weighed by Analysis of Competing Hypotheses (ACH)",
    "hypotheses": "the competing answers to each question",
    "evidence_rows": "the case's items (an event, relation, citation or note) weighed in a question's matrix",
    "ratings": "one cell of a matrix: how consistent an evidence row is with a hypothesis, with a comment",
    "audit": "every change made to the case: who, when, old and new values (append-only)",
}
COLUMN_NOTES = {
    "id": "stable id of the record (a UUID); other tables refer to records by it",
    "created_at": "when the record was made, UTC (ISO 8601 with microseconds)",
    "updated_at": "when the record last changed, UTC",
    "start": "UTC, ISO 8601 to the second (e.g. 2020-08-15T15:00:00Z); see time_precision",
    "end": "UTC, empty when the event is an instant or the relation has no known end",
    "earliest": "for approximate times: not before this (UTC)",
    "latest": "for approximate times: no later than this (UTC)",
    "time_precision": "minute, hour, day or approximate: how exactly the source dates it",
    "confidence": "confirmed, reported, likely, possible, unverified or planned",
    "reliability": "Admiralty source reliability A (completely reliable) to F (cannot be judged)",
    "credibility": "citations: Admiralty information credibility 1 (confirmed) to 6 (cannot be judged); "
                   "evidence_rows: the analyst's high, medium or low, empty when taken from the sources' grades",
    "relevance": "high, medium or low: how much an evidence row weighs in its question",
    "rating": "CC very consistent, C consistent, N neutral, I inconsistent, II very inconsistent, NA not applicable",
    "question_id": "id of a question (questions.id)",
    "hypothesis_id": "id of a hypothesis (hypotheses.id)",
    "evidence_id": "id of an evidence row (evidence_rows.id)",
    "citation_id": "id of a citation (citations.id)",
    "note_id": "id of a note (notes.id)",
    "position": "order among its siblings",
    "aliases": "other names, as a JSON list of strings",
    "directed": "1 when the relation runs from from_actor_id to to_actor_id, 0 when mutual",
    "from_actor_id": "id of the actor the relation runs from (actors.id)",
    "to_actor_id": "id of the actor the relation runs to (actors.id)",
    "event_id": "id of an event (events.id)",
    "actor_id": "id of an actor (actors.id)",
    "relation_id": "id of a relation (relations.id)",
    "source_id": "id of a source (sources.id)",
    "document_id": "id of a document (documents.id)",
    "place_id": "id of a place (places.id)",
    "lat": "latitude, WGS 84 degrees",
    "lon": "longitude, WGS 84 degrees",
    "color": "display colour, #rrggbb",
    "state": "the view's settings, JSON",
    "thumbnail": "a PNG picture of the view, base64",
    "archived_text": "the source's text as archived when it was cited",
    "quote": "the passage of the source that supports the claim",
    "footnote": "the footnote label of the document the citation comes from",
    "x": "position on the link chart, chart units",
    "y": "position on the link chart, chart units",
    "pinned": "1 when automatic layouts leave the actor where it is",
    "old": "the values before the change, JSON",
    "new": "the values after the change, JSON",
    "who": "the analyst who made the change",
    "at": "when the change was made, UTC",
    "type": "actor_attributes: text, date (YYYY[-MM[-DD]]), number, url, phone or coordinates ('lat, lon')",
    "locator": "where in the source the passage stands: page, timestamp, paragraph",
    "role": "event_actors: the actor's part, free text; event_places: location, origin or target",
}
def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict) and "base64" in value:
        return value["base64"]
    return safe_cell(value)


def readme(case: Case, tables: list[str], counts: dict[str, int]) -> str:
    lines = [
        f"{case.title}",
        f"Classification: {case.classification}",
        "",
        "A Case Workbench case as CSV: one file per table, UTF-8 with a byte-order mark (so spreadsheets",
        "read Cyrillic and accents right), comma-separated, double-quoted where needed, first row the column",
        "names. Empty cells are empty values. Times are UTC. Records refer to each other by id.",
        "Text that a spreadsheet would run as a formula (starting with =, +, -, @) begins with an apostrophe.",
        "",
    ]
    for table in tables:
        lines.append(f"{table}.csv ({counts[table]} rows): {TABLE_NOTES.get(table, '')}".rstrip(": "))
        for name, kind, _pk in table_columns(case.conn, table):
            note = COLUMN_NOTES.get(name, "")
            lines.append(f"  {name} ({(kind or 'any').lower()}){': ' + note if note else ''}")
        lines.append("")
    return "\n".join(lines)


def export_csv(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write every table of the case as CSV into a zip at `out`; returns a one-line summary."""
    out = Path(out)
    conn = case.conn
    tables = data_tables(conn)
    counts: dict[str, int] = {}
    with atomic_output(out) as partial, zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        began = not conn.in_transaction
        if began:
            conn.execute("BEGIN")
        try:
            for number, table in enumerate(tables):
                progress.check()
                names = [name for name, _kind, _pk in table_columns(conn, table)]
                with archive.open(f"{table}.csv", "w", force_zip64=True) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                    writer = csv.writer(text)
                    writer.writerow(names)
                    count = 0
                    for record in iter_records(conn, table):
                        writer.writerow([_cell(record[name]) for name in names])
                        count += 1
                        if count % 20000 == 0:
                            progress.check()
                    text.flush()
                    text.detach()
                counts[table] = count
                progress((number + 1) / (len(tables) + 1))
        finally:
            if began:
                conn.execute("COMMIT")
        archive.writestr("README.txt", readme(case, tables, counts))
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return f"Exported {len(tables)} tables ({sum(counts.values())} rows) as CSV to {out}."
