"""Read-only questions the views ask of a case: list rows for each pane and the details of one record.

Every row carries the record's id first, so a view can map a selection back to the case without
holding records. Text is returned as plain strings; views must show it as plain text.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from workbench.core.confidence import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY, TIME_PRECISIONS
from workbench.core.domains import domain_of as registrable_domain_of
from workbench.core.model import PLACE_ROLES, aliases_of
from workbench.core.names import NameIndex
from workbench.core.ops.attributes import attributes_by_actor, describe_attributes
from workbench.core.store import Case, SearchIndexDamaged, cipher, fts_query
from workbench.core.store.search import RANK_POOL, best_rowids, search_words
from workbench.core.times import case_zone, describe_when, utc_to_local


@dataclass(frozen=True)
class Column:
    name: str
    tooltip: str = ""


@dataclass(frozen=True)
class Listing:
    """Rows of one pane: `ids[i]` is the record shown by `rows[i]`; `sort_keys[i]` orders it."""

    table: str
    columns: tuple[Column, ...]
    ids: list[str]
    rows: list[tuple[str, ...]]
    sort_keys: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.ids)


EVENT_COLUMNS = (
    Column("When", "local time in the case's time zone, no more precise than the source"),
    Column("Event"),
    Column("Actors"),
    Column("Place"),
    Column("Confidence", "as the report words it"),
    Column("Fn", "footnotes of the report that support the event"),
)
ACTOR_COLUMNS = (
    Column("Actor"),
    Column("Kind"),
    Column("Also known as"),
    Column("Events", "events the actor takes part in"),
    Column("Relations", "relations to or from the actor"),
    Column("Attributes", "typed facts about the actor: date of birth, rank, unit, phone..."),
)
RELATION_COLUMNS = (
    Column("From"),
    Column("Relation"),
    Column("To"),
    Column("Confidence"),
    Column("When"),
    Column("Fn", "footnotes that support the relation"),
)
SOURCE_COLUMNS = (
    Column("Fn", "footnote labels in the case's documents"),
    Column("Title or URL"),
    Column("Domain"),
    Column("Lang"),
    Column("Published"),
    Column("Reliability", "Admiralty grade A-F; F: reliability cannot be judged"),
    Column("Claims", "events, relations and actors this source supports"),
)


def _labels(text: str | None) -> str:
    """'3,1,3' -> '1, 3' sorted numerically where labels are numbers."""
    if not text:
        return ""
    labels = set(text.split(","))
    return ", ".join(sorted(labels, key=_label_key))


def _label_key(label: str) -> tuple[bool, int, str]:
    return (not label.isdigit(), int(label) if label.isdigit() else 0, label)


def domain_of(url: str) -> str:
    """The publisher's domain of a URL: its registrable domain (news.tut.by is tut.by)."""
    return registrable_domain_of(url)


def _grouped(case: Case, sql: str) -> dict[str, str]:
    """(key, text) rows -> key: 'text, text' in row order; one pass instead of a subquery per record."""
    grouped: dict[str, list[str]] = {}
    for key, text in case.conn.execute(sql):
        grouped.setdefault(key, []).append(text)
    return {key: ", ".join(texts) for key, texts in grouped.items()}


def event_listing(case: Case) -> Listing:
    zone = case_zone(case.meta("timezone"))
    actors_of = _grouped(case, "SELECT ea.event_id, a.name FROM event_actors ea JOIN actors a ON a.id = ea.actor_id "
                               "ORDER BY ea.event_id, a.name")
    places_of = _grouped(case, "SELECT ep.event_id, p.name FROM event_places ep JOIN places p ON p.id = ep.place_id "
                               "ORDER BY ep.event_id, p.name")
    footnotes_of = _grouped(case, "SELECT DISTINCT event_id, footnote FROM citations "
                                  "WHERE event_id IS NOT NULL AND footnote <> ''")
    cursor = case.conn.execute(
        """
        SELECT id, title, start, "end", time_precision, earliest, latest, time_note, confidence
        FROM events ORDER BY start, seq
        """
    )
    ids, rows, keys = [], [], []
    confidence_rank = {level: rank for rank, level in enumerate(CONFIDENCE_LEVELS)}
    for event_id, title, start, end, precision, earliest, latest, note, confidence in cursor:
        when = describe_when(start, zone, precision=precision, end=end, earliest=earliest, latest=latest, note=note)
        actors = actors_of.get(event_id, "")
        places = places_of.get(event_id, "")
        fn = _labels(footnotes_of.get(event_id, "").replace(", ", ","))
        ids.append(event_id)
        rows.append((when, title, actors, places, confidence, fn))
        keys.append((start, title.casefold(), actors.casefold(), places.casefold(),
                     confidence_rank.get(confidence, 99), fn))
    return Listing("events", EVENT_COLUMNS, ids, rows, keys)


def actor_listing(case: Case) -> Listing:
    cursor = case.conn.execute(
        """
        SELECT a.id, a.name, a.kind, a.aliases,
               (SELECT count(*) FROM event_actors ea WHERE ea.actor_id = a.id),
               (SELECT count(*) FROM relations r WHERE r.from_actor_id = a.id OR r.to_actor_id = a.id)
        FROM actors a ORDER BY a.name COLLATE NOCASE, a.seq
        """
    )
    ids, rows, keys = [], [], []
    attributes = attributes_by_actor(case)
    for actor_id, name, kind, aliases, n_events, n_relations in cursor:
        alias_text = ", ".join(aliases_of(aliases))
        facts = describe_attributes(attributes.get(actor_id, []))
        ids.append(actor_id)
        rows.append((name, kind, alias_text, str(n_events), str(n_relations), facts))
        keys.append((name.casefold(), kind, alias_text.casefold(), n_events, n_relations, facts.casefold()))
    return Listing("actors", ACTOR_COLUMNS, ids, rows, keys)


def relation_listing(case: Case) -> Listing:
    zone = case_zone(case.meta("timezone"))
    cursor = case.conn.execute(
        """
        SELECT r.id, f.name, r.kind, r.label, r.directed, t.name, r.confidence, r.start, r."end",
               (SELECT group_concat(c.footnote) FROM citations c WHERE c.relation_id = r.id AND c.footnote <> '')
        FROM relations r JOIN actors f ON f.id = r.from_actor_id JOIN actors t ON t.id = r.to_actor_id
        ORDER BY f.name COLLATE NOCASE, r.kind, t.name COLLATE NOCASE
        """
    )
    ids, rows, keys = [], [], []
    for relation_id, source_name, kind, _label, directed, target_name, confidence, start, end, footnotes in cursor:
        when = _span(start, end, zone)
        shown_kind = kind + ("" if directed else " (both ways)")
        fn = _labels(footnotes)
        ids.append(relation_id)
        rows.append((source_name, shown_kind, target_name, confidence, when, fn))
        keys.append((source_name.casefold(), shown_kind.casefold(), target_name.casefold(), confidence,
                     start or "", fn))
    return Listing("relations", RELATION_COLUMNS, ids, rows, keys)


def _span(start: str | None, end: str | None, zone: Any) -> str:
    def day(text: str) -> str:
        local = utc_to_local(text, zone)
        return f"{local.day} {local:%b %Y}"

    if start and end:
        return f"{day(start)} - {day(end)}" if day(start) != day(end) else day(start)
    if start:
        return f"from {day(start)}"
    if end:
        return f"until {day(end)}"
    return ""


def source_listing(case: Case) -> Listing:
    cursor = case.conn.execute(
        """
        SELECT s.id, s.url, s.title, s.language, s.published, s.reliability,
               (SELECT group_concat(f.label) FROM footnotes f WHERE f.source_id = s.id),
               (SELECT count(*) FROM citations c WHERE c.source_id = s.id)
        FROM sources s ORDER BY s.seq
        """
    )
    ids, rows, keys = [], [], []
    for source_id, url, title, language, published, reliability, footnotes, n_claims in cursor:
        fn = _labels(footnotes)
        first = fn.split(", ")[0] if fn else ""
        shown = title or url
        date = (published or "")[:10]
        ids.append(source_id)
        rows.append((fn, shown, domain_of(url), language, date, reliability, str(n_claims)))
        keys.append(((int(first) if first.isdigit() else 10**9, first), shown.casefold(), domain_of(url),
                     language, date, reliability, n_claims))
    listing = Listing("sources", SOURCE_COLUMNS, ids, rows, keys)
    order = sorted(range(len(listing)), key=lambda i: listing.sort_keys[i][0])
    return Listing("sources", SOURCE_COLUMNS, [ids[i] for i in order], [rows[i] for i in order],
                   [keys[i] for i in order])


LISTINGS = {
    "events": event_listing,
    "actors": actor_listing,
    "relations": relation_listing,
    "sources": source_listing,
}


def details(case: Case, table: str, record_id: str) -> list[tuple[str, str]]:
    """(label, value) pairs describing one record for the inspector, citations included; [] if gone."""
    row = case.get(table, record_id)
    if row is None:
        return []
    zone = case_zone(case.meta("timezone"))
    names = {a_id: name for a_id, name in case.conn.execute("SELECT id, name FROM actors")}
    pairs: list[tuple[str, str]] = []
    if table == "events":
        pairs += [
            ("Event", row["title"]),
            ("When", describe_when(row["start"], zone, precision=row["time_precision"], end=row["end"],
                                   earliest=row["earliest"], latest=row["latest"], note=row["time_note"])),
            ("Precision", TIME_PRECISIONS.get(row["time_precision"], row["time_precision"])),
            ("Confidence", f"{row['confidence']}: {CONFIDENCE_LEVELS.get(row['confidence'], '')}"),
            ("Kind", row["kind"]),
            ("Summary", row["summary"]),
        ]
        for name, role in case.conn.execute(
            "SELECT a.name, ea.role FROM event_actors ea JOIN actors a ON a.id = ea.actor_id "
            "WHERE ea.event_id = ? ORDER BY a.name", (record_id,)
        ):
            pairs.append(("Actor", name + (f" ({role})" if role else "")))
        for place, role in case.conn.execute(
            "SELECT p.name, ep.role FROM event_places ep JOIN places p ON p.id = ep.place_id WHERE ep.event_id = ? "
            "ORDER BY ep.role <> 'location', p.name", (record_id,),
        ):
            pairs.append(("Place", place + ("" if role == "location" else f" ({PLACE_ROLES.get(role, role)})")))
    elif table == "actors":
        pairs += [
            ("Actor", row["name"]),
            ("Kind", row["kind"]),
            ("Also known as", ", ".join(aliases_of(row["aliases"]))),
            ("Description", row["description"]),
        ]
        pairs += [(key, value) for key, _type, value in attributes_by_actor(case, record_id).get(record_id, [])]
    elif table == "relations":
        pairs += [
            ("From", names.get(row["from_actor_id"], "?")),
            ("Relation", row["label"] or row["kind"]),
            ("Kind", row["kind"]),
            ("To", names.get(row["to_actor_id"], "?")),
            ("Directed", "yes" if row["directed"] else "no, both ways"),
            ("When", _span(row["start"], row["end"], zone) or "not stated"),
            ("Confidence", f"{row['confidence']}: {CONFIDENCE_LEVELS.get(row['confidence'], '')}"),
        ]
    elif table == "sources":
        labels = _labels(",".join(label for (label,) in case.conn.execute(
            "SELECT label FROM footnotes WHERE source_id = ?", (record_id,))))
        pairs += [
            ("Title", row["title"]),
            ("URL", row["url"]),
            ("Domain", domain_of(row["url"])),
            ("Footnotes", labels),
            ("Publisher", row["publisher"]),
            ("Language", row["language"]),
            ("Published", row["published"] or ""),
            ("Reliability", RELIABILITY.get(row["reliability"], row["reliability"])),
            ("Archived text", f"{len(row['archived_text'])} characters" if row["archived_text"] else "none stored"),
        ]
        for table_name, title, quote, credibility in case.conn.execute(
            """
            SELECT CASE WHEN c.event_id IS NOT NULL THEN 'event'
                        WHEN c.relation_id IS NOT NULL THEN 'relation' ELSE 'actor' END,
                   coalesce(e.title, fa.name || ' ' || r.kind || ' ' || ta.name, a.name), c.quote, c.credibility
            FROM citations c
            LEFT JOIN events e ON e.id = c.event_id
            LEFT JOIN relations r ON r.id = c.relation_id
            LEFT JOIN actors fa ON fa.id = r.from_actor_id LEFT JOIN actors ta ON ta.id = r.to_actor_id
            LEFT JOIN actors a ON a.id = c.actor_id
            WHERE c.source_id = ? ORDER BY c.rowid
            """,
            (record_id,),
        ):
            pairs.append((f"Supports {table_name}", f"{title} [{CREDIBILITY.get(credibility, credibility)}]"
                          + (f"\n\u201c{quote}\u201d" if quote else "")))
        return pairs
    column = {"events": "event_id", "relations": "relation_id", "actors": "actor_id"}[table]
    for footnote, url, title, reliability, quote, credibility, locator in case.conn.execute(
        f"""
        SELECT c.footnote, s.url, s.title, s.reliability, c.quote, c.credibility, c.locator
        FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.{column} = ? ORDER BY c.rowid
        """,
        (record_id,),
    ):
        grade = f"{reliability}{credibility}"
        label = f"Source [{footnote}]" if footnote else "Source"
        where = f", {locator}" if locator else ""
        pairs.append((label, f"{url or title} ({grade}{where})" + (f"\n\u201c{quote}\u201d" if quote else "")))
    if not any(label.startswith("Source") for label, _ in pairs):
        pairs.append(("Source", "none: this claim is not cited"))
    for (text,) in case.conn.execute(f"SELECT text FROM notes WHERE {column} = ? ORDER BY seq", (record_id,)):
        pairs.append(("Note", text))
    return pairs



@dataclass(frozen=True)
class ActorChoice:
    """An actor as a form offers it to pick: id, name and aliases."""

    actor_id: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """'Name (alias, alias)': the name with every alias, so typing an alias finds the actor."""
        return self.name + (f" ({', '.join(self.aliases)})" if self.aliases else "")


def actor_choices(case: Case) -> list[ActorChoice]:
    """Every actor of the case, by name: what a form's actor pickers offer."""
    return [ActorChoice(actor_id, name, tuple(aliases_of(aliases))) for actor_id, name, aliases in
            case.conn.execute("SELECT id, name, aliases FROM actors ORDER BY name")]


def event_actors(case: Case, event_id: str) -> list[tuple[str, str, str]]:
    """(actor id, name, role) of each actor taking part in an event, by name."""
    return case.conn.execute(
        "SELECT a.id, a.name, ea.role FROM event_actors ea JOIN actors a ON a.id = ea.actor_id "
        "WHERE ea.event_id = ? ORDER BY a.name", (event_id,)
    ).fetchall()


def source_names(case: Case) -> dict[str, str]:
    """source id -> its title, or its URL when it has none: how a menu names a source."""
    return {source_id: title or url for source_id, title, url in
            case.conn.execute("SELECT id, title, url FROM sources")}

def related(case: Case, table: str, ids: list[str] | tuple[str, ...]) -> dict[str, set[str]]:
    """Records tied to the selected ones, by table, for views to highlight (the selection itself excluded)."""
    found: dict[str, set[str]] = {name: set() for name in LISTINGS}
    if not ids or (table not in LISTINGS and table != "places"):  # a place marks the events at it
        return found
    # One JSON parameter instead of one per id: a selection of 100k events is still one query.
    marks = "SELECT value FROM json_each(?)"
    chosen = json.dumps(list(ids))

    def add(target: str, sql: str) -> None:
        found[target].update(value for (value,) in case.conn.execute(sql, (chosen,)) if value)

    if table == "events":
        add("actors", f"SELECT actor_id FROM event_actors WHERE event_id IN ({marks})")
        add("sources", f"SELECT source_id FROM citations WHERE event_id IN ({marks})")
    elif table == "actors":
        add("events", f"SELECT event_id FROM event_actors WHERE actor_id IN ({marks})")
        add("relations", f"SELECT id FROM relations WHERE from_actor_id IN ({marks})")
        add("relations", f"SELECT id FROM relations WHERE to_actor_id IN ({marks})")
        add("actors", f"SELECT to_actor_id FROM relations WHERE from_actor_id IN ({marks})")
        add("actors", f"SELECT from_actor_id FROM relations WHERE to_actor_id IN ({marks})")
        add("sources", f"SELECT source_id FROM citations WHERE actor_id IN ({marks})")
    elif table == "relations":
        add("actors", f"SELECT from_actor_id FROM relations WHERE id IN ({marks})")
        add("actors", f"SELECT to_actor_id FROM relations WHERE id IN ({marks})")
        add("sources", f"SELECT source_id FROM citations WHERE relation_id IN ({marks})")
    elif table == "places":  # its events, who took part in them and what they are cited from
        at = f"SELECT event_id FROM event_places WHERE place_id IN ({marks})"
        add("events", at)
        add("actors", f"SELECT actor_id FROM event_actors WHERE event_id IN ({at})")
        add("sources", f"SELECT source_id FROM citations WHERE event_id IN ({at})")
    elif table == "sources":
        add("events", f"SELECT event_id FROM citations WHERE source_id IN ({marks})")
        add("relations", f"SELECT relation_id FROM citations WHERE source_id IN ({marks})")
        add("actors", f"SELECT actor_id FROM citations WHERE source_id IN ({marks})")
    if table in found:
        found[table] -= set(ids)
    return found


# --- search across the case (the source pane's search box) --------------------------------

SEARCH_TABLES = ("events", "actors", "relations", "sources", "documents", "notes")
SEARCH_FIELDS = {
    "events": (("title", "title"), ("summary", "summary")),
    "actors": (("name", "name"), ("aliases", "also known as"), ("description", "description")),
    "sources": (("title", "title"), ("publisher", "publisher"), ("url", "URL"), ("archived_text", "archived text")),
    "documents": (("title", "title"), ("text", "text")),
    "notes": (("text", "note"),),
}


@dataclass(frozen=True)
class SearchHit:
    """One found record: its title and a stretch of the text that matched, as (text, matched) pieces."""

    table: str
    record_id: str
    title: tuple[tuple[str, bool], ...]
    context: tuple[tuple[str, bool], ...] = ()
    field: str = ""  # where the context comes from ("archived text", "summary", ...)
    target: tuple[str, str] | None = None  # what selecting the hit selects (a note's record), if not itself

    @property
    def title_text(self) -> str:
        return "".join(text for text, _ in self.title)


def _fold(text: str) -> str:
    """Lower case without diacritics, one char per char, so positions in the fold are positions in `text`."""
    if text.isascii():  # no diacritics, and ASCII lower case keeps the length
        return text.lower()
    return text.translate(_FOLDS)


class _Folds(dict[int, str]):
    """Each character's fold, worked out the first time str.translate meets it."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[:1] or char
        self[code] = folded = (base.lower() or char)[:1]
        return folded


_FOLDS = _Folds()


def highlight(text: str, words: list[str], width: int = 0) -> tuple[tuple[str, bool], ...]:
    """`text` cut into (piece, matched) around the words searched for (word starts, any case or accent);
    with `width`, only a window of about that many characters around the first match."""
    if not text:
        return ()
    folded = _fold(text)
    found: list[tuple[int, int]] = []
    for pattern in _word_patterns(tuple(words))[1]:
        found += [(m.start(), m.end()) for m in pattern.finditer(folded)]
    found.sort()
    start, end = 0, len(text)
    if width and len(text) > width:
        first = found[0][0] if found else 0
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
    pieces: list[tuple[str, bool]] = []
    cursor = start
    for low, high in found:
        low, high = max(low, cursor), min(high, end)
        if high <= low:
            continue
        if low > cursor:
            pieces.append((text[cursor:low], False))
        pieces.append((text[low:high], True))
        cursor = high
    if cursor < end:
        pieces.append((text[cursor:end], False))
    pieces = [(re.sub(r"\s+", " ", piece), hit) for piece, hit in pieces]
    if start > 0:
        pieces.insert(0, ("\u2026", False))
    if end < len(text):
        pieces.append(("\u2026", False))
    return tuple(pieces)


def _matches(text: str, words: list[str]) -> bool:
    """Whether any of `words` starts a word of `text` (any case or accent)."""
    return bool(words) and _word_patterns(tuple(words))[0].search(_fold(text)) is not None


@functools.lru_cache(maxsize=256)
def _word_patterns(words: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """For folded text: any of the words at a word's start, and each word with the rest of its word (a search
    tests hundreds of records with the same few words)."""
    folded = [re.escape(_fold(word)) for word in words]
    return (re.compile(r"(?<!\w)(?:" + "|".join(folded) + ")"),
            tuple(re.compile(r"(?<!\w)" + word + r"\w*") for word in folded))


class SearchResults(dict[str, list[SearchHit]]):
    """What a search found, by table (best first), and the tables with so many matches that only the
    RANK_POOL added last were ranked (`crowded`): a search box must answer within a keystroke."""

    crowded: set[str]

    def __init__(self, tables: tuple[str, ...]) -> None:
        super().__init__({table: [] for table in tables})
        self.crowded = set()


def search_case(case: Case, text: str, limit: int = 50) -> SearchResults:
    """Full-text search over events, actors (with aliases), relations, sources, documents and notes.

    The FTS5 indexes find the records (every word, each as a prefix; Latin and Cyrillic alike);
    relations, which have no index of their own, are found through their actors' names and their wording.
    Results come grouped by table, best first, at most `limit` per table. Where more than RANK_POOL
    records of a table match, the best are chosen among the RANK_POOL added last (`crowded`).
    """
    try:
        return _search_case(case, text, limit)
    except cipher.DatabaseError:  # a search index another program damaged: one sentence, not an exception
        raise SearchIndexDamaged() from None


def _search_case(case: Case, text: str, limit: int) -> SearchResults:
    words = search_words(text)
    query = fts_query(text)
    found = SearchResults(SEARCH_TABLES)
    if not query:
        return found
    for table, fields in SEARCH_FIELDS.items():
        columns = ", ".join(f"t.{column}" for column, _ in fields)
        extra = ", t.event_id, t.relation_id, t.actor_id, t.source_id" if table == "notes" else ""
        rowids, crowded = best_rowids(case.conn, f"{table}_fts", query, limit)
        if crowded:
            found.crowded.add(table)
        rows = {row[0]: row[1:] for row in case.conn.execute(
            f"SELECT t.seq, t.id, {columns}{extra} FROM {table} t WHERE t.seq IN (SELECT value FROM json_each(?))",
            (json.dumps(rowids),),
        )}
        cursor = (rows[rowid] for rowid in rowids if rowid in rows)
        for row in cursor:
            record_id, values = row[0], row[1:1 + len(fields)]
            values = [", ".join(aliases_of(v)) if column == "aliases" else (v or "")
                      for (column, _), v in zip(fields, values, strict=True)]
            title_text = values[0] or (values[2] if table == "sources" else "") or "untitled"
            context, where = (), ""
            for (column, label), value in zip(fields, values, strict=True):
                if value and (column != fields[0][0] or not _matches(title_text, words)) and _matches(value, words):
                    context, where = highlight(value, words, width=110), label
                    break
            target = None
            if table == "notes":
                attached = dict(zip(("events", "relations", "actors", "sources"), row[1 + len(fields):], strict=True))
                target = next(((t, i) for t, i in attached.items() if i), None)
                context, where = (), ""
            found[table].append(SearchHit(table, record_id, highlight(title_text, words, width=110), context,
                                          where, target))
    _search_attributes(case, query, words, limit, found["actors"])
    found["relations"], crowded = _search_relations(case, words, limit)
    if crowded:
        found.crowded.add("relations")
    _add_actors_by_name(case, text, found["actors"], limit)
    return found


T = TypeVar("T")


def _until_changed(kept: dict[tuple[str, int, int, int], T], case: Case, compute: Callable[[], T]) -> T:
    """`compute()` for this case, kept in `kept` (one entry) until this connection writes or another commits."""
    (version,) = case.conn.execute("PRAGMA data_version").fetchone()
    key = (str(case.path), id(case.conn), version, case.conn.total_changes)
    if key not in kept:
        kept.clear()
        kept[key] = compute()
    return kept[key]


_ACTOR_NAMES: dict[tuple[str, int, int, int], tuple[NameIndex, dict[str, str]]] = {}


def _actor_names(case: Case) -> tuple[NameIndex, dict[str, str]]:
    """The case's actors as a NameIndex (and id -> name), kept until the case changes: a search per
    keystroke would otherwise index 5,000 actors each time."""
    def index() -> tuple[NameIndex, dict[str, str]]:
        rows = case.conn.execute("SELECT id, name, aliases FROM actors").fetchall()
        return (NameIndex((i, [name, *aliases_of(aliases)]) for i, name, aliases in rows),
                {i: name for i, name, _aliases in rows})

    return _until_changed(_ACTOR_NAMES, case, index)


def _add_actors_by_name(case: Case, text: str, hits: list[SearchHit], limit: int) -> None:
    """Actors a searched name means in any script or spelling (core.names) that the index's words did
    not find: 'Łukaszenka' or 'Лукашэнка' finds Lukashenko without that alias."""
    if not 0 < len(search_words(text)) <= 4 or len(hits) >= limit:
        return
    shown = {hit.record_id for hit in hits}
    index, names = _actor_names(case)
    for match in index.complete(text, limit=limit - len(hits)):
        if match.record_id not in shown:
            name = names[match.record_id]
            spelled = () if match.name == name else ((match.name, True),)
            hits.append(SearchHit("actors", match.record_id, ((name, False),), spelled, "spelled"))


def _search_attributes(case: Case, query: str, words: list[str], limit: int, hits: list[SearchHit]) -> None:
    """Actors found by an attribute (a phone number, a rank, a unit), added after those found by name."""
    seen = {hit.record_id for hit in hits}
    for actor_id, name, key, value in case.conn.execute(
        "SELECT a.id, a.name, t.key, t.value FROM actor_attributes_fts JOIN actor_attributes t "
        "ON t.seq = actor_attributes_fts.rowid JOIN actors a ON a.id = t.actor_id "
        "WHERE actor_attributes_fts MATCH ? ORDER BY rank LIMIT ?", (query, limit),
    ):
        if actor_id in seen or len(hits) >= limit:
            continue
        seen.add(actor_id)
        hits.append(SearchHit("actors", actor_id, highlight(name, words, width=110),
                              highlight(f"{key}: {value}", words, width=110), key))


# Each actor a word names brings its relations (a few each, read through two indexes): a word naming more
# actors than this ("Minsk" in a million-event case names 775) reads the relations of those added last.
NAMED_ACTORS = 500


def _search_relations(case: Case, words: list[str], limit: int) -> tuple[list[SearchHit], bool]:
    """Relations whose actors (by name or alias) or whose wording match every word, and whether more than
    NAMED_ACTORS actors or RANK_POOL relations were candidates (`crowded`: then those added last, newest first).

    Candidates come through indexes: actors named by any word (their FTS index, name and aliases only: an actor
    found by its description would bring thousands of relations the words do not name), and wordings with any
    word (the case's few distinct kind/label pairs, matched here as the highlight matches them). A search with
    no more than RANK_POOL candidates lists them by their actors' names."""
    if not words:
        return [], False
    wordings = [pair for pair in _relation_wordings(case) if _matches(f"{pair[1] or pair[0]} {pair[0]}", words)]
    named = [actor_id for (actor_id,) in case.conn.execute(
        "SELECT t.id FROM actors_fts JOIN actors t ON t.seq = actors_fts.rowid WHERE actors_fts MATCH ? "
        "ORDER BY actors_fts.rowid DESC LIMIT ?",
        ("{name aliases} : (" + " OR ".join(f'"{w}"*' for w in words) + ")", NAMED_ACTORS + 1),
    )]
    rowids = [rowid for (rowid,) in case.conn.execute(
        """
        WITH named(id) AS (SELECT value FROM json_each(:named))
        SELECT rowid FROM relations WHERE from_actor_id IN named
        UNION SELECT rowid FROM relations WHERE to_actor_id IN named
        UNION SELECT rowid FROM relations WHERE (kind, label) IN (SELECT value ->> 0, value ->> 1
                                                                 FROM json_each(:wordings))
        ORDER BY 1 DESC LIMIT :pool
        """,
        {"named": json.dumps(named[:NAMED_ACTORS], ensure_ascii=False),
         "wordings": json.dumps(wordings, ensure_ascii=False), "pool": RANK_POOL + 1},
    )]
    crowded = len(named) > NAMED_ACTORS or len(rowids) > RANK_POOL
    rowids = rowids[:RANK_POOL]
    chunk = RANK_POOL if not crowded else max(limit * 2, 100)
    hits: list[SearchHit] = []
    order = "f.name COLLATE NOCASE, r.kind, t.name COLLATE NOCASE" if not crowded else "r.rowid DESC"
    for start in range(0, len(rowids), chunk):
        for relation_id, source_name, kind, label, target_name, from_aliases, to_aliases in case.conn.execute(
            f"""
            SELECT r.id, f.name, r.kind, r.label, t.name, f.aliases, t.aliases FROM relations r
            JOIN actors f ON f.id = r.from_actor_id JOIN actors t ON t.id = r.to_actor_id
            WHERE r.rowid IN (SELECT value FROM json_each(?)) ORDER BY {order}
            """,
            (json.dumps(rowids[start:start + chunk]),),
        ):
            title = f"{source_name} {label or kind} {target_name}"
            everything = " ".join((title, kind, ", ".join(aliases_of(from_aliases)),
                                   ", ".join(aliases_of(to_aliases))))
            if not all(_matches(everything, [word]) for word in words):
                continue
            hits.append(SearchHit("relations", relation_id, highlight(title, words)))
            if len(hits) >= limit:
                return hits, crowded
    return hits, crowded


_RELATION_WORDINGS: dict[tuple[str, int, int, int], list[tuple[str, str]]] = {}


def _relation_wordings(case: Case) -> list[tuple[str, str]]:
    """The case's distinct (kind, label) pairs, kept until the case changes (one pass over the wording index)."""
    return _until_changed(_RELATION_WORDINGS, case,
                          lambda: case.conn.execute("SELECT DISTINCT kind, label FROM relations").fetchall())


AUDIT_COLUMNS = (
    Column("When", "local time of the change"),
    Column("Who", "the analyst's name as set in Preferences (the OS user by default)"),
    Column("Action"),
    Column("Record"),
    Column("Change"),
)


def _short(value: Any, width: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def describe_change(action: str, old: str | None, new: str | None) -> str:
    """One line saying what an audit row changed: "title: 'A' -> 'B'", "added 'Rally'"."""
    try:
        before = json.loads(old) if old else None
        after = json.loads(new) if new else None
    except ValueError:
        return action
    def name(row: Any) -> str:
        if isinstance(row, dict):
            for key in ("title", "name", "url", "text", "quote", "kind"):
                if row.get(key):
                    return f"'{_short(row[key])}'"
            return ""
        return f"'{_short(row)}'"

    if action == "update" and isinstance(before, dict) and isinstance(after, dict):
        return "; ".join(f"{key}: {_short(before.get(key))!s} -> {_short(after.get(key))!s}" for key in after)
    if action == "update":
        return f"{_short(before)} -> {_short(after)}"
    if action == "insert":
        return f"added {name(after)}".strip()
    if action == "delete":
        return f"deleted {name(before)}".strip()
    return _short(after if after is not None else before)


AUDIT_SHOWN_CHARACTERS = 65_536
_NAMED = re.compile(r'"(?:title|name|url|quote|kind)": "((?:[^"\\]|\\.){1,200})"')


def _long_change(action: str, old: str | None, new: str | None) -> str:
    """What an audit row with a value too long to read whole changed, from the start of its JSON."""
    found = _NAMED.search((new if action == "insert" else old) or "")
    name = f" '{_short(found.group(1))}'" if found else ""
    if action in ("insert", "delete"):
        return f"{'added' if action == 'insert' else 'deleted'}{name} (more than {AUDIT_SHOWN_CHARACTERS:,} characters)"
    return f"a change of more than {AUDIT_SHOWN_CHARACTERS:,} characters{name and ' to' + name}, too long to show here"


def audit_listing(case: Case, record_id: str | None = None, text: str = "", limit: int = 20_000) -> Listing:
    """The audit trail, newest first: the whole case, or one record (its id, or links naming it)."""
    zone = case_zone(case.meta("timezone"))
    where, params = [], []
    if record_id:
        where.append("(record_id = ? OR record_id LIKE ? OR record_id LIKE ?)")
        params += [record_id, f"{record_id}/%", f"%/{record_id}%"]
    for word in search_words(text):
        where.append("(who || ' ' || action || ' ' || table_name || ' ' || coalesce(old, '') || ' ' "
                     "|| coalesce(new, '') || ' ' || summary) LIKE ?")
        params.append(f"%{word}%")
    # An audit row keeps whole old and new values; one of a 100 MB page would be copied and parsed for one line of
    # text, so only the first AUDIT_SHOWN_CHARACTERS (and one more, to tell a longer value) leave the file.
    cut = AUDIT_SHOWN_CHARACTERS + 1
    sql = (f"SELECT id, at, who, action, table_name, record_id, substr(old, 1, {cut}), substr(new, 1, {cut}), summary "
           "FROM audit" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id DESC LIMIT ?")
    ids, rows, keys = [], [], []
    for audit_id, at, who, action, table, rec, old, new, summary in case.conn.execute(sql, (*params, limit)):
        local = utc_to_local(at, zone)
        when = f"{local:%Y-%m-%d %H:%M:%S}"
        if len(old or "") > AUDIT_SHOWN_CHARACTERS or len(new or "") > AUDIT_SHOWN_CHARACTERS:
            change = _long_change(action, old, new)
        else:
            change = describe_change(action, old, new)
        if summary:
            change = f"{summary}: {change}" if change else summary
        noun = table[:-1] if table.endswith("s") else table
        ids.append(str(audit_id))
        rows.append((when, who, action, f"{noun} {rec[:8]}" if rec else noun, change))
        keys.append((audit_id, who.casefold(), action, table, change.casefold()))
    return Listing("audit", AUDIT_COLUMNS, ids, rows, keys)


def passing_ids(case: Case, table: str, case_filter: Any) -> set[str] | None:
    """Ids of the records of `table` that pass the shared filter, or None when it restricts nothing.

    The lists honour what the drawn views honour: actor and event kinds, the confidence floor of
    events and relations, the reliability floor of sources, and tags (an event passes by its own
    tag or its actors'; an actor, relation or source by its own).
    """
    from workbench.core.filters import CaseFilter
    from workbench.core.tags import events_passing, tagged

    if not isinstance(case_filter, CaseFilter) or case_filter.is_empty:
        return None
    levels = list(CONFIDENCE_LEVELS)
    floor = levels.index(case_filter.confidence_floor) if case_filter.confidence_floor in levels else len(levels)
    weak_allowed = json.dumps(levels[: floor + 1])
    keep: set[str] | None = None

    def narrow(ids: set[str]) -> None:
        nonlocal keep
        keep = ids if keep is None else keep & ids

    if table == "events":
        if floor < len(levels) - 1:
            narrow({i for (i,) in case.conn.execute(
                "SELECT id FROM events WHERE confidence IN (SELECT value FROM json_each(?))", (weak_allowed,))})
        if case_filter.event_kinds is not None:
            narrow({i for (i,) in case.conn.execute(
                "SELECT id FROM events WHERE kind IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(case_filter.event_kinds)),))})
        if case_filter.actor_kinds is not None:
            narrow({i for (i,) in case.conn.execute(
                "SELECT DISTINCT ea.event_id FROM event_actors ea JOIN actors a ON a.id = ea.actor_id "
                "WHERE a.kind IN (SELECT value FROM json_each(?))", (json.dumps(sorted(case_filter.actor_kinds)),))})
        if case_filter.tags:
            narrow(events_passing(case, case_filter.tags))
    elif table == "actors":
        if case_filter.actor_kinds is not None:
            narrow({i for (i,) in case.conn.execute(
                "SELECT id FROM actors WHERE kind IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(case_filter.actor_kinds)),))})
        if case_filter.tags:
            narrow(tagged(case, case_filter.tags)["actors"])
    elif table == "relations":
        if floor < len(levels) - 1:
            narrow({i for (i,) in case.conn.execute(
                "SELECT id FROM relations WHERE confidence IN (SELECT value FROM json_each(?))", (weak_allowed,))})
        if case_filter.tags:
            narrow(tagged(case, case_filter.tags)["relations"])
    elif table == "sources":
        if case_filter.reliability_floor in RELIABILITY and case_filter.reliability_floor != "F":
            grades = list(RELIABILITY)[: list(RELIABILITY).index(case_filter.reliability_floor) + 1]
            narrow({i for (i,) in case.conn.execute(
                "SELECT id FROM sources WHERE reliability IN (SELECT value FROM json_each(?))", (json.dumps(grades),))})
        if case_filter.tags:
            narrow(tagged(case, case_filter.tags)["sources"])
    return keep
