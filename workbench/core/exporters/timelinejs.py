"""TimelineJS (Knight Lab) JSON of the case's events, to publish a timeline on a web page.

Dates are the case's local time, given only as precisely as the event is dated (a day-precision
event has no hour). The workbench's own wording of the whole time (range, precision, time note)
is the slide's `display_date`, which TimelineJS shows instead of start and end: inside
`start_date` it would be followed by the end date again.

TimelineJS sets every text it shows as HTML, so every value from the case is escaped, and only
http(s) links are written. `headline` and `text` are HTML (TimelineJS sanitises them and shows
them): escaped once. `display_date` and `group` are plain text to TimelineJS, which strips their
markup by parsing them as HTML and taking the text, which decodes one level of entities, and then
sets that text as HTML: escaped twice, so a time note '<img onerror=...>' shows as written.
Checked in the real TimelineJS in Chromium (tests/test_interop_timelinejs.py).
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from workbench.core.confidence import CONFIDENCE_LEVELS
from workbench.core.exporters import atomic_output
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case
from workbench.core.times import case_zone, describe_when, utc_to_local


def _date(stamp: str, precision: str, zone: Any) -> dict[str, Any]:
    local = utc_to_local(stamp, zone)
    date: dict[str, Any] = {"year": local.year, "month": local.month, "day": local.day}
    if precision in ("hour", "minute"):
        date["hour"] = local.hour
    if precision == "minute":
        date["minute"] = local.minute
    return date


def _html(text: str) -> str:
    """Text as HTML that shows it as written (quotes left alone: they mean nothing in element text,
    and TimelineJS reuses headlines in aria labels, where an entity would be read out)."""
    return html.escape(text, quote=False)


def _plain(text: str) -> str:
    """Text for a field TimelineJS strips of markup before setting it as HTML (see the docstring)."""
    return _html(_html(text))


def _link(url: str, text: str) -> str:
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{html.escape(url, quote=True)}">{_html(text)}</a>'
    return _html(text)


def timeline_document(case: Case, progress: Progress = NO_PROGRESS) -> dict[str, Any]:
    zone = case_zone(case.meta("timezone"))
    conn = case.conn
    actors: dict[str, list[str]] = defaultdict(list)
    for event_id, name in conn.execute("SELECT ea.event_id, a.name FROM event_actors ea JOIN actors a "
                                       "ON a.id = ea.actor_id ORDER BY a.name"):
        actors[event_id].append(name)
    cited: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for event_id, url, title in conn.execute(
            "SELECT DISTINCT c.event_id, s.url, s.title FROM citations c JOIN sources s ON s.id = c.source_id "
            "WHERE c.event_id IS NOT NULL ORDER BY s.title, s.url"):
        cited[event_id].append((url, title or url))
    events = []
    for number, row in enumerate(case.rows("events", order_by="start, id")):
        if number % 5000 == 0:
            progress.check()
        parts = []
        if row["summary"]:
            parts.append(f"<p>{_html(row['summary'])}</p>")
        if actors.get(row["id"]):
            parts.append(f"<p>Actors: {_html(', '.join(actors[row['id']]))}</p>")
        parts.append(f"<p>Confidence: {_html(CONFIDENCE_LEVELS.get(row['confidence'], row['confidence']))}</p>")
        if cited.get(row["id"]):
            parts.append("<p>Sources: " + "; ".join(_link(url, title) for url, title in cited[row["id"]]) + "</p>")
        when = describe_when(row["start"], zone, precision=row["time_precision"], end=row["end"],
                             earliest=row["earliest"], latest=row["latest"], note=row["time_note"])
        event: dict[str, Any] = {
            "unique_id": row["id"],
            "start_date": _date(row["start"], row["time_precision"], zone),
            "display_date": _plain(when),
            "text": {"headline": _html(row["title"]), "text": "".join(parts)},
        }
        if row["end"]:
            event["end_date"] = _date(row["end"], row["time_precision"], zone)
        if row["kind"]:
            event["group"] = _plain(row["kind"])
        events.append(event)
    return {
        "title": {"text": {"headline": _html(case.title), "text": f"<p>{_html(case.classification)}</p>"}},
        "events": events,
    }


def export_timelinejs(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the events as TimelineJS JSON to `out`; returns a one-line summary."""
    out = Path(out)
    document = timeline_document(case, progress.part(0, 0.8))
    progress(0.8)
    with atomic_output(out) as partial:
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return f"Exported {len(document['events'])} events as TimelineJS JSON to {out}."
