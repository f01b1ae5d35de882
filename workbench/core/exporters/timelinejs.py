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
from collections import defaultdict
from datetime import datetime
from itertools import repeat
from json.encoder import encode_basestring as string  # a JSON string literal, as json.dumps spells it
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import numpy as np

from workbench.core.confidence import CONFIDENCE_LEVELS
from workbench.core.exporters import atomic_output
from workbench.core.gcpause import collector_paused
from workbench.core.jsonio import LINES_AT_A_TIME, json_line, write_json_lines
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case
from workbench.core.times import case_zone, describe_local, utc_to_local


def _date(local: datetime, precision: str) -> dict[str, Any]:
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
    with collector_paused():  # a few hundred thousand dicts, none of them in a cycle
        return _timeline_document(case, progress)


def _timeline_document(case: Case, progress: Progress) -> dict[str, Any]:
    zone = case_zone(case.meta("timezone"))
    conn = case.conn
    # Names, links and confidence words are few and shared by many events: each is read and escaped once, and
    # each event's short lists are sorted here (cheaper at 100k events than SQLite sorting the joins). An
    # event's actors are sorted by name and joined escaped: escaping each name is escaping the joined text.
    names = {actor_id: (name, _html(name)) for actor_id, name in conn.execute("SELECT id, name FROM actors")}
    actors: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for event_id, actor_id in conn.execute("SELECT event_id, actor_id FROM event_actors"):
        if actor_id in names:
            actors[event_id].append(names[actor_id])
    links = {source_id: ((title is not None, title or "", url), _link(url, title or url))
             for source_id, url, title in conn.execute("SELECT id, url, title FROM sources")}
    cited: dict[str, set[tuple[tuple[bool, str, str], str]]] = defaultdict(set)
    for event_id, source_id in conn.execute("SELECT event_id, source_id FROM citations WHERE event_id IS NOT NULL"):
        if source_id in links:
            cited[event_id].add(links[source_id])  # one link per (title, url), as the sources show
    levels = {level: f"<p>Confidence: {_html(word)}</p>" for level, word in CONFIDENCE_LEVELS.items()}
    groups: dict[str, str] = {}
    events = []
    # In (start, id) order, sorted here: a scan of the table and a sort of its tuples is cheaper than SQLite's.
    rows = conn.execute('SELECT id, title, summary, kind, start, "end", time_precision, earliest, latest, '
                        "time_note, confidence FROM events").fetchall()
    rows.sort(key=itemgetter(4, 0))
    for number, (event_id, title, summary, kind, start, end, precision, earliest, latest, note,
                 confidence) in enumerate(rows):
        if number % 5000 == 0:
            progress.check()
        parts = []
        if summary:
            parts.append(f"<p>{_html(summary)}</p>")
        if event_id in actors:
            parts.append(f"<p>Actors: {', '.join(escaped for _name, escaped in sorted(actors[event_id]))}</p>")
        parts.append(levels.get(confidence) or f"<p>Confidence: {_html(confidence)}</p>")
        if event_id in cited:
            parts.append("<p>Sources: " + "; ".join(link for _key, link in sorted(cited[event_id])) + "</p>")
        local = utc_to_local(start, zone)
        local_end = utc_to_local(end, zone) if end else None
        when = describe_local(local, zone, precision=precision, local_end=local_end, earliest=earliest,
                              latest=latest, note=note)
        event: dict[str, Any] = {
            "unique_id": event_id,
            "start_date": _date(local, precision),
            "display_date": _plain(when),
            "text": {"headline": _html(title), "text": "".join(parts)},
        }
        if local_end is not None:
            event["end_date"] = _date(local_end, precision)
        if kind:
            if kind not in groups:
                groups[kind] = _plain(kind)
            event["group"] = groups[kind]
        events.append(event)
    return {
        "title": {"text": {"headline": _html(case.title), "text": f"<p>{_html(case.classification)}</p>"}},
        "events": events,
    }


def write_timeline(handle: BinaryIO, document: dict[str, Any]) -> None:
    """The document as UTF-8 JSON to a binary handle, one event a line: still readable and diffable, in
    json.dumps' spelling (core.jsonio.json_line, msgspec: json's own encoder took a third of the export)."""
    head = {key: value for key, value in document.items() if key != "events"}
    opening = json_line(head)[:-1]
    handle.write(opening + (b", " if head else b"") + b'"events": [\n')
    write_json_lines(handle, document["events"])
    handle.write(b"\n]}\n")


def _date_json(local: datetime, precision: str) -> str:
    """`_date` as JSON text, in json.dumps' spelling."""
    if precision == "minute":
        return (f'{{"year": {local.year}, "month": {local.month}, "day": {local.day}, "hour": {local.hour}, '
                f'"minute": {local.minute}}}')
    if precision == "hour":
        return f'{{"year": {local.year}, "month": {local.month}, "day": {local.day}, "hour": {local.hour}}}'
    return f'{{"year": {local.year}, "month": {local.month}, "day": {local.day}}}'


def timeline_lines(case: Case, progress: Progress = NO_PROGRESS) -> tuple[bytes, list[str]]:
    """The TimelineJS file's opening and, after it, its events' JSON, one event a line, as the pieces of those
    lines: PIECES to a line, the last ending its line. Joined, they are the text of
    `write_timeline(timeline_document(case))` (the tests compare them).

    The pieces are made column by column from the rows, without a dict per event for an encoder to walk and
    respace, nor a text per event to join and escape again: JSON escapes a text character by character, so an
    escaped text joined to another is the escape of the two joined, and each actor's name and each source's link
    is escaped once, however many events list it. Each event's dates and their wording are made once per set of
    times."""
    with collector_paused():  # a few hundred thousand texts, none of them in a cycle
        return _timeline_lines(case, progress)


PIECES = 10


def _timeline_lines(case: Case, progress: Progress) -> tuple[bytes, list[str]]:
    conn = case.conn
    rows = conn.execute('SELECT id, title, summary, kind, start, "end", time_precision, earliest, latest, '
                        "time_note, confidence FROM events").fetchall()
    if not rows:
        return _opening(case), []
    # In (start, id) order, as _timeline_document sorts them: the schema's CHECK makes every start 20 characters,
    # so start + id sorts as the pair does, and compares one text instead of a tuple; the NUL keeps it so for
    # starts of other lengths.
    rows.sort(key=lambda row: row[4] + "\0" + row[0])
    ids, titles, summaries, kinds, starts, ends, precisions, earliests, latests, notes, confidences = (
        list(column) for column in zip(*rows, strict=True))
    del rows
    progress.check()
    line_of = dict(zip(ids, range(len(ids)), strict=True))
    actor_text = _actor_paragraphs(conn, line_of)
    progress.check()
    source_text = _source_paragraphs(conn, line_of)
    del line_of
    progress.check()
    times = list(zip(starts, ends, precisions, earliests, latests, notes, strict=True))
    dates = list(map(_dated(times, case_zone(case.meta("timezone"))).__getitem__, times))
    del times
    progress.check()
    levels = {level: _escaped(f"<p>Confidence: {_html(word)}</p>") for level, word in CONFIDENCE_LEVELS.items()}
    levels.update((level, _escaped(f"<p>Confidence: {_html(level)}</p>")) for level in set(confidences) - levels.keys())
    groups = {kind: f', "group": {string(_plain(kind))}}},\n' if kind else "},\n" for kind in set(kinds)}
    # Line n is pieces[n * PIECES:(n + 1) * PIECES]; each column is put in place whole (in C).
    count = len(ids)
    pieces = [""] * (count * PIECES)
    pieces[0::PIECES] = repeat('{"unique_id": ', count)
    pieces[1::PIECES] = map(string, ids)
    pieces[2::PIECES] = map(itemgetter(0), dates)  # ... "text": {"headline": '
    pieces[3::PIECES] = map(string, map(_html, titles))
    pieces[4::PIECES] = map(_summary_paragraph, summaries)  # ', "text": "' and the summary's paragraph
    pieces[5::PIECES] = actor_text
    pieces[6::PIECES] = map(levels.__getitem__, confidences)
    pieces[7::PIECES] = source_text
    pieces[8::PIECES] = map(itemgetter(1), dates)  # '"}' closing the text, and the end date
    pieces[9::PIECES] = map(groups.__getitem__, kinds)
    pieces[-1] = pieces[-1][:-2] + "\n"  # no comma after the last event
    return _opening(case), pieces


def _escaped(text: str) -> str:
    """`text` escaped as inside a JSON string, without the quotes around it."""
    return string(text)[1:-1]


def _paragraphs(pairs: list[tuple[str, str]], items: dict[str, tuple[Any, str]], line_of: dict[str, int], head: str,
                separator: str) -> list[str]:
    """Each line's paragraph `head` (JSON-escaped, "" where the event has none): the HTML of its event's items, sorted
    by their keys, each (key, HTML) once, joined by `separator`. `pairs`: (event id, item id) rows; `items`: item
    id -> (sort key, HTML); `line_of`: event id -> its line. An item not in `items`, or an event not in `line_of`,
    is left out.

    Made with arrays, not a set and a sort per event: each distinct (key, HTML) is ranked once, the (line, rank)
    pairs sorted together, and the paragraphs made by one join of all their pieces, split at a NUL after each
    (an escaped text holds no NUL: JSON writes it as \\u0000)."""
    paragraphs = [""] * len(line_of)
    ranked = sorted(set(items.values()))
    place = {made: rank for rank, made in enumerate(ranked)}
    rank_of = {item: place[made] for item, made in items.items()}
    if not pairs or not ranked:
        return paragraphs
    events, members = zip(*pairs, strict=True)
    lines = np.fromiter(map(line_of.get, events, repeat(-1)), dtype=np.int64, count=len(events))
    ranks = np.fromiter(map(rank_of.get, members, repeat(-1)), dtype=np.int64, count=len(members))
    known = (lines >= 0) & (ranks >= 0)
    lines, ranks = lines[known], ranks[known]
    order = np.lexsort((ranks, lines))
    lines, ranks = lines[order], ranks[order]
    again = np.zeros(len(lines), dtype=bool)  # a pair already listed (a source cited twice for one event)
    again[1:] = (lines[1:] == lines[:-1]) & (ranks[1:] == ranks[:-1])
    lines, ranks = lines[~again], ranks[~again]
    if not len(lines):
        return paragraphs
    first = np.ones(len(lines), dtype=bool)  # the first item of its event's paragraph
    first[1:] = lines[1:] != lines[:-1]
    last = np.ones(len(lines), dtype=bool)
    last[:-1] = first[1:]
    joined = np.empty(3 * len(lines), dtype=object)
    joined[0::3] = np.array(["", f"<p>{head}: "], dtype=object)[first.view(np.int8)]
    joined[1::3] = np.array([_escaped(text) for _key, text in ranked], dtype=object)[ranks]
    joined[2::3] = np.array([separator, "</p>\0"], dtype=object)[last.view(np.int8)]
    made = "".join(joined.tolist()).split("\0")
    for line, text in zip(lines[first].tolist(), made, strict=False):  # the split leaves a last "" after the last NUL
        paragraphs[line] = text
    return paragraphs


def _actor_paragraphs(conn: Any, line_of: dict[str, int]) -> list[str]:
    """Each line's 'Actors:' paragraph, its actors sorted by name and escaped (two of one name both listed)."""
    return _paragraphs(conn.execute("SELECT event_id, actor_id FROM event_actors").fetchall(),
                       {actor_id: ((name, actor_id), _html(name))
                        for actor_id, name in conn.execute("SELECT id, name FROM actors")}, line_of, "Actors", ", ")


def _source_paragraphs(conn: Any, line_of: dict[str, int]) -> list[str]:
    """Each line's 'Sources:' paragraph: one link per (title, url), as the sources show, sorted as they are."""
    # '+event_id': a scan of the table, not a look-up of each row through the partial index on event_id (twice
    # the time); the rows of other records (event_id NULL) are left out all the same.
    return _paragraphs(conn.execute("SELECT event_id, source_id FROM citations WHERE +event_id IS NOT NULL").fetchall(),
                       {source_id: ((title is not None, title or "", url), _link(url, title or url))
                        for source_id, url, title in conn.execute("SELECT id, url, title FROM sources")},
                       line_of, "Sources", "; ")


def _dated(times: list[tuple[Any, ...]], zone: ZoneInfo) -> dict[tuple[Any, ...], tuple[str, str]]:
    """For each distinct (start, end, precision, earliest, latest, note): the JSON of the event's start date and
    wording (with the keys around them) and of its end date (after the quote and brace closing the event's text).
    Many events share their times (62k sets of 100k synthetic events; 42k starts), and each start is converted to
    the case's zone once."""
    distinct = dict.fromkeys(times)
    moments = {when[0] for when in distinct}
    moments.update(when[1] for when in distinct if when[1])
    # fromisoformat reads the stored form ('...Z', which the schema's CHECK holds every start and end to) as UTC.
    local = {text: datetime.fromisoformat(text).astimezone(zone) for text in moments}
    dated = {}
    for when in distinct:
        start, end, precision, earliest, latest, note = when
        begins = local[start]
        ends_at = local[end] if end else None
        wording = describe_local(begins, zone, precision=precision, local_end=ends_at, earliest=earliest,
                                 latest=latest, note=note)
        dated[when] = (f', "start_date": {_date_json(begins, precision)}, "display_date": {string(_plain(wording))}, '
                       '"text": {"headline": ',
                       '"}' if ends_at is None else f'"}}, "end_date": {_date_json(ends_at, precision)}')
    return dated


def _summary_paragraph(summary: str) -> str:
    """The event's text up to its summary's paragraph, JSON-escaped: the text goes on without a closing quote."""
    return f', "text": "<p>{_escaped(_html(summary))}</p>' if summary else ', "text": "'


def _opening(case: Case) -> bytes:
    head = {"title": {"text": {"headline": _html(case.title), "text": f"<p>{_html(case.classification)}</p>"}}}
    return json_line(head)[:-1] + b', "events": [\n'


def export_timelinejs(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the events as TimelineJS JSON to `out`; returns a one-line summary."""
    out = Path(out)
    opening, pieces = timeline_lines(case, progress.part(0, 0.8))
    progress(0.8)
    with atomic_output(out) as partial:
        with partial.open("wb") as handle:
            handle.write(opening)
            step = LINES_AT_A_TIME * PIECES  # a few thousand lines at a time, not one whole text
            for start in range(0, len(pieces), step):
                handle.write("".join(pieces[start:start + step]).encode())
            handle.write(b"]}\n" if pieces else b"\n]}\n")
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return f"Exported {len(pieces) // PIECES} events as TimelineJS JSON to {out}."
