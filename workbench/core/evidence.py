"""What every claim rests on: citations with their sources' grades, the confidence line derived from them,
the evidence health of a whole case, and what would be left standing if a source fell.

A claim is an event, a relation or an actor that citations point at. A source's grade is its
Admiralty reliability letter (A best .. F "cannot be judged", the default for a source nobody has
graded); a citation's grade adds the credibility digit of what it quotes (1 confirmed .. 6 cannot be
judged), so "B2" is a usually reliable source saying something probably true.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

from workbench.core import kept
from workbench.core.confidence import CREDIBILITY, RELIABILITY
from workbench.core.model import NOUNS
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.queries import Column, Listing, _label_key, _labels, domain_of
from workbench.core.store import Case
from workbench.core.times import case_zone, utc_to_local

CLAIM_TABLES = ("events", "relations", "actors")
CLAIM_COLUMN = {"events": "event_id", "relations": "relation_id", "actors": "actor_id"}
WEAK_GRADES = ("E", "F")  # unreliable, or reliability cannot be judged
NOUN = {table: NOUNS[table] for table in (*CLAIM_TABLES, "sources")}

SOURCE_PANE_COLUMNS = (
    Column("Fn", "footnote labels in the case's documents"),
    Column("Title or URL"),
    Column("Domain"),
    Column("Lang"),
    Column("Publisher"),
    Column("Published"),
    Column("Grade", "Admiralty reliability A-F; F: reliability cannot be judged (the default)"),
    Column("Claims", "events, relations and actors this source supports"),
)


# --- one claim ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CitedSource:
    """One citation of a claim, with the source it points at."""

    citation_id: str
    source_id: str
    footnote: str
    title: str
    url: str
    publisher: str
    reliability: str
    credibility: int
    quote: str

    @property
    def domain(self) -> str:
        return domain_of(self.url)

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"

    @property
    def shown(self) -> str:
        return self.title or self.url or "untitled source"


def grade_key(reliability: str, credibility: int) -> tuple[int, int]:
    """Orders grades best first: reliability, then credibility."""
    letters = list(RELIABILITY)
    return (letters.index(reliability) if reliability in letters else len(letters), int(credibility))


def describe_grade(reliability: str, credibility: int | None = None) -> str:
    text = RELIABILITY.get(reliability, reliability)
    if credibility is not None:
        text += "; information " + CREDIBILITY.get(credibility, str(credibility))
    return text


def confidence_line(citations: Iterable[CitedSource]) -> str:
    """One line combining the citations of a claim: how many sources, how independent, how good.

    "uncited: no source supports this" / "single source, B2" / "single source, unverified (F6)" /
    "2 sources, best B2" / "3 sources (2 domains), best C2" / "2 sources, all unverified (best F3)".
    """
    cited = list(citations)
    if not cited:
        return "uncited: no source supports this"
    best: dict[str, CitedSource] = {}
    for citation in cited:  # a source cited twice for one claim counts once, with its best citation
        kept = best.get(citation.source_id)
        if kept is None or grade_key(citation.reliability, citation.credibility) < grade_key(
                kept.reliability, kept.credibility):
            best[citation.source_id] = citation
    sources = sorted(best.values(), key=lambda c: grade_key(c.reliability, c.credibility))
    top = sources[0]
    all_weak = all(c.reliability in WEAK_GRADES for c in sources)
    if len(sources) == 1:
        return f"single source, unverified ({top.grade})" if all_weak else f"single source, {top.grade}"
    domains = {c.domain or c.source_id for c in sources}
    count = f"{len(sources)} sources" + (f" ({len(domains)} domains)" if len(domains) < len(sources) else "")
    if len(domains) == 1:
        count = f"{len(sources)} sources, all from {top.domain or 'one place'}"
    if all_weak:
        return f"{count}, all unverified (best {top.grade})"
    return f"{count}, best {top.grade}"


@dataclass
class ClaimEvidence:
    table: str
    record_id: str
    title: str
    stated: str  # the confidence the claim itself states ("reported", "unverified", ...); '' for actors
    citations: list[CitedSource]

    @property
    def line(self) -> str:
        return confidence_line(self.citations)

    @property
    def source_ids(self) -> list[str]:
        return list(dict.fromkeys(c.source_id for c in self.citations))


def claim_title(case: Case, table: str, record_id: str) -> str | None:
    if table == "events":
        row = case.conn.execute("SELECT title FROM events WHERE id = ?", (record_id,)).fetchone()
    elif table == "relations":
        row = case.conn.execute(
            "SELECT f.name || ' ' || coalesce(nullif(r.label, ''), r.kind) || ' ' || t.name FROM relations r "
            "JOIN actors f ON f.id = r.from_actor_id JOIN actors t ON t.id = r.to_actor_id WHERE r.id = ?",
            (record_id,)).fetchone()
    elif table == "actors":
        row = case.conn.execute("SELECT name FROM actors WHERE id = ?", (record_id,)).fetchone()
    else:
        return None
    return None if row is None else row[0]


def claim_citations(case: Case, table: str, record_id: str) -> list[CitedSource]:
    column = CLAIM_COLUMN[table]
    return [
        CitedSource(*row)
        for row in case.conn.execute(
            f"""
            SELECT c.id, s.id, c.footnote, s.title, s.url, s.publisher, s.reliability, c.credibility, c.quote
            FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.{column} = ?
            ORDER BY c.footnote = '', c.footnote, c.rowid
            """,
            (record_id,),
        )
    ]


def claim_evidence(case: Case, table: str, record_id: str) -> ClaimEvidence | None:
    """The citations of one event, relation or actor and its stated confidence; None if it is gone."""
    if table not in CLAIM_COLUMN:
        return None
    title = claim_title(case, table, record_id)
    if title is None:
        return None
    stated = ""
    if table in ("events", "relations"):
        stated = case.conn.execute(f"SELECT confidence FROM {table} WHERE id = ?", (record_id,)).fetchone()[0]
    citations = claim_citations(case, table, record_id)
    citations.sort(key=lambda c: (_label_key(c.footnote) if c.footnote else (True, 10**9, ""),
                                  grade_key(c.reliability, c.credibility)))
    return ClaimEvidence(table, record_id, title, stated, citations)


# --- sources ------------------------------------------------------------------------------

SOURCES_KEPT, SOURCES_FORMAT = "sources", 1


def source_pane_listing(case: Case) -> Listing:
    """Every source: footnotes, title or URL, domain, language, publisher, date, grade, claims supported.

    One pass per join (not a subquery per source): 10k sources and 175k citations in tens of ms. A case opened
    again unchanged reads the listing back as kept under its bytes' digest (core.kept): the claims' count and
    every URL's registrable domain were most of an opening's work on the sources.
    """
    def read_back(digest: str) -> Listing | None:
        found = kept.read(SOURCES_KEPT, digest, SOURCES_FORMAT)
        if found is None or not _sound_listing(found[1]):
            return None
        ids, rows, keys = found[1]
        return Listing("sources", SOURCE_PANE_COLUMNS, ids, [tuple(row) for row in rows],
                       [(tuple(key[0]), *key[1:]) for key in keys])  # JSON lists back to the tuples they were

    def keep(digest: str, listing: Listing) -> None:
        kept.write(SOURCES_KEPT, digest, SOURCES_FORMAT, {}, [listing.ids, listing.rows, listing.sort_keys])

    return kept.worked_out(SOURCES_KEPT, case, read_back, lambda: _source_pane_listing(case), keep)


def _sound_listing(value: Any) -> bool:
    """Whether a kept listing has the shape `_source_pane_listing` gives: ids, rows of strings and sort keys whose
    first item is a list (a footnote's key). Checked by type counts over whole columns (10k sources: milliseconds,
    where a test per cell took a tenth of the opening's sources)."""
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(part, list) for part in value)):
        return False
    ids, rows, keys = value
    width = len(SOURCE_PANE_COLUMNS)
    if not len(ids) == len(rows) == len(keys):
        return False
    if not ids:
        return True
    return (set(map(type, ids)) == {str} and set(map(type, rows)) == {list} and set(map(len, rows)) == {width}
            and set(map(type, chain.from_iterable(rows))) == {str}
            and set(map(type, keys)) == {list} and set(map(len, keys)) == {width}
            and set(map(type, map(itemgetter(0), keys))) == {list}
            and Counter(map(type, chain.from_iterable(keys)))[list] == len(keys))  # no other item a list


def read_sources_ahead(case: Case) -> None:
    """Start the reads a first listing of the sources waits for, on second connections (Case.read_ahead);
    nothing when the listing is kept for these bytes (it is read back instead)."""
    if not kept.is_kept(SOURCES_KEPT, case, SOURCES_FORMAT):
        case.read_ahead(read_claims, read_sources)


def read_claims(case: Case) -> list[tuple[str, int]]:
    """(source id, the number of records it is cited for) of every cited source."""
    return case.conn.execute(
        "SELECT source_id, count(DISTINCT coalesce(event_id, relation_id, actor_id)) FROM citations NOT INDEXED "
        "GROUP BY source_id"
    ).fetchall()


def read_sources(case: Case) -> tuple[list[tuple], list[tuple]]:
    """The footnotes' (source id, label) and the sources' columns the listing shows, in the sources' order."""
    footnotes = case.conn.execute("SELECT source_id, label FROM footnotes").fetchall()
    sources = case.conn.execute(
        "SELECT id, url, title, language, publisher, published, reliability FROM sources ORDER BY seq").fetchall()
    return footnotes, sources


def _source_pane_listing(case: Case) -> Listing:
    claims_read = case.reading(read_claims, beside=True)  # the longest read, on two cores beside the others
    footnote_rows, source_rows = case.reading(read_sources)()
    footnotes: dict[str, list[str]] = {}
    for source_id, label in footnote_rows:
        footnotes.setdefault(source_id, []).append(label)
    domains = [domain_of(row[1]) for row in source_rows]  # while the claims are counted
    claims = dict(claims_read())
    ids, rows, keys = [], [], []
    for (source_id, url, title, language, publisher, published, reliability), domain in zip(
            source_rows, domains, strict=True):
        fn = _labels(",".join(footnotes.get(source_id, ())))
        first = fn.split(", ")[0] if fn else ""
        shown = title or url or "untitled source"
        date = (published or "")[:10]
        n_claims = claims.get(source_id, 0)
        ids.append(source_id)
        rows.append((fn, shown, domain, language, publisher, date, reliability, str(n_claims)))
        keys.append((_label_key(first) if first else (True, 10**9, ""), shown.casefold(), domain, language,
                     publisher.casefold(), date, reliability, n_claims))
    order = sorted(range(len(ids)), key=lambda i: keys[i][0])
    return Listing("sources", SOURCE_PANE_COLUMNS, [ids[i] for i in order], [rows[i] for i in order],
                   [keys[i] for i in order])


def restrict(listing: Listing, keep: set[str]) -> Listing:
    """The rows of a listing whose record is in `keep`, in the same order."""
    chosen = [i for i, record_id in enumerate(listing.ids) if record_id in keep]
    return Listing(listing.table, listing.columns, [listing.ids[i] for i in chosen],
                   [listing.rows[i] for i in chosen], [listing.sort_keys[i] for i in chosen])


def group_sources(listing: Listing, by: str) -> list[tuple[str, list[int]]]:
    """Rows of a source listing in groups: by 'domain' (alphabetical) or 'footnote' (numeric).

    A source under two footnotes appears in both groups; one under none goes to "no footnote".
    Returns (group title, row indexes of `listing`).
    """
    column = 2 if by == "domain" else 0
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(listing.rows):
        labels = [row[column]] if by == "domain" else (row[column].split(", ") if row[column] else [""])
        for label in labels:
            groups.setdefault(label, []).append(index)
    if by == "domain":
        names = sorted(groups, key=lambda g: (g == "", g))
        return [(name or "no domain", groups[name]) for name in names]
    names = sorted(groups, key=lambda g: (g == "",) + _label_key(g))
    return [(f"footnote {name}" if name else "no footnote", groups[name]) for name in names]


def grade_passes(grade: str, allowed: str) -> bool:
    """Grade filter of the source list: 'all', 'A-C' (usable), 'D-F' (weak), or one letter."""
    if allowed in ("", "all"):
        return True
    if "-" in allowed:
        low, high = allowed.split("-")
        return low <= grade <= high
    return grade == allowed


@dataclass(frozen=True)
class SupportedClaim:
    """A claim a source supports, with the citation that ties them."""

    table: str
    record_id: str
    title: str
    citation_id: str
    footnote: str
    quote: str
    credibility: int


def claims_of_source(case: Case, source_id: str) -> list[SupportedClaim]:
    """Every claim (event, relation, actor) a source is cited for, with each citation's quote and credibility."""
    found = []
    for citation_id, event_id, relation_id, actor_id, footnote, quote, credibility, event, relation, actor in \
            case.conn.execute(
                """
                SELECT c.id, c.event_id, c.relation_id, c.actor_id, c.footnote, c.quote, c.credibility,
                       e.title, fa.name || ' ' || coalesce(nullif(r.label, ''), r.kind) || ' ' || ta.name, a.name
                FROM citations c
                LEFT JOIN events e ON e.id = c.event_id
                LEFT JOIN relations r ON r.id = c.relation_id
                LEFT JOIN actors fa ON fa.id = r.from_actor_id LEFT JOIN actors ta ON ta.id = r.to_actor_id
                LEFT JOIN actors a ON a.id = c.actor_id
                WHERE c.source_id = ? ORDER BY e.start IS NULL, e.start, c.rowid
                """,
                (source_id,),
            ):
        if event_id:
            table, record_id, title = "events", event_id, event
        elif relation_id:
            table, record_id, title = "relations", relation_id, relation
        else:
            table, record_id, title = "actors", actor_id, actor
        found.append(SupportedClaim(table, record_id, title or "?", citation_id, footnote, quote, credibility))
    return found


# --- the whole case -----------------------------------------------------------------------

@dataclass(frozen=True)
class HealthItem:
    """One row of the evidence health panel: a claim or a source, and why it is listed.

    Events carry their stored start and precision; `item_when` turns them into words when a row is
    shown, so listing 60k single-source claims does not format 60k dates up front.
    """

    table: str
    record_id: str
    title: str
    detail: str
    start: str = ""
    precision: str = ""


HEALTH_CATEGORIES = (
    ("uncited", "No citation", "events and relations that no source supports"),
    ("single_source", "Single source", "claims that rest on one source only"),
    ("weak_only", "Only E/F sources", "claims whose every source is graded E (unreliable) or F (cannot be judged)"),
    ("ungraded", "Sources graded F", "sources at grade F: reliability not judged (the default for a new source)"),
)


@dataclass
class EvidenceHealth:
    uncited: list[HealthItem] = field(default_factory=list)
    single_source: list[HealthItem] = field(default_factory=list)
    weak_only: list[HealthItem] = field(default_factory=list)
    ungraded: list[HealthItem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name, _, _ in HEALTH_CATEGORIES}


def item_when(item: HealthItem, zone_name: str | None) -> str:
    """'15 Aug 2020' or '15 Aug 2020 21:45' for an event row; '' for the others."""
    return short_when(item.start, item.precision, zone_name) if item.start else ""


@lru_cache(maxsize=4096)
def short_when(start: str, precision: str, zone_name: str | None) -> str:
    local = utc_to_local(start, case_zone(zone_name))
    return f"{local.day} {local:%b %Y}" + (f" {local:%H:%M}" if precision in ("minute", "hour") else "")


def _claims(case: Case, table: str, ids: Iterable[str] | None = None) -> Iterator[tuple[str, str, str, str]]:
    """(id, title, start, precision) of events, relations or actors in display order: all, or just `ids`."""
    where, params = "", ()
    if ids is not None:
        where, params = "WHERE x.id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)
    if table == "events":
        # unordered: sorting the flagged few in Python beats reading 100k rows through the start index
        sql = f"SELECT x.id, x.title, x.start, x.time_precision FROM events x {where}"
    elif table == "relations":
        sql = ("SELECT x.id, f.name || ' ' || coalesce(nullif(x.label, ''), x.kind) || ' ' || t.name, '', '' "
               "FROM relations x JOIN actors f ON f.id = x.from_actor_id JOIN actors t ON t.id = x.to_actor_id "
               f"{where} ORDER BY f.name COLLATE NOCASE, x.kind, t.name COLLATE NOCASE")
    else:
        sql = f"SELECT x.id, x.name, '', '' FROM actors x {where} ORDER BY x.name COLLATE NOCASE"
    yield from case.conn.execute(sql, params)


def _display_order(item: HealthItem) -> tuple[int, str]:
    """Events by time, then relations, then actors (their order within a table kept: the sort is stable)."""
    return (CLAIM_TABLES.index(item.table), item.start)


# Rows read between two looks at Cancel: a stale run stops within a few milliseconds.
CHECK_EVERY = 5_000


def claim_support(case: Case, counted: str = "F", progress: Progress = NO_PROGRESS) -> dict[str, dict[str, list[str]]]:
    """table -> claim id -> the distinct sources citing it, counting only sources graded `counted` or better.

    One sequential scan of the citations: on 175k citations it is several times faster than a
    GROUP BY through the index, which reads the rows in random order.
    """
    grades = dict(case.conn.execute("SELECT id, reliability FROM sources"))
    support: dict[str, dict[str, list[str]]] = {table: {} for table in CLAIM_TABLES}
    events, relations, actors = support["events"], support["relations"], support["actors"]
    total = case.counts()["citations"]
    for n, (source_id, event_id, relation_id, actor_id) in enumerate(case.conn.execute(
            "SELECT source_id, event_id, relation_id, actor_id FROM citations NOT INDEXED")):
        if not n % CHECK_EVERY:
            progress(n, total)
        if grades.get(source_id, "F") > counted:
            continue
        if event_id:
            cited = events.setdefault(event_id, [])
        elif relation_id:
            cited = relations.setdefault(relation_id, [])
        else:
            cited = actors.setdefault(actor_id, [])
        if source_id not in cited:
            cited.append(source_id)
    return support


def evidence_health(case: Case, reliability_floor: str = "F", progress: Progress = NO_PROGRESS) -> EvidenceHealth:
    """Claims with no citation, on a single source, or only on E/F sources; sources graded F.

    `reliability_floor` is the worst grade still counted as support (the shared filter's floor):
    with "C", a claim resting only on D-F sources counts as uncited. `progress` hears how far it
    is and stops it (Cancelled) when a newer question replaces this one.
    """
    counted = reliability_floor if reliability_floor in RELIABILITY else "F"
    support = claim_support(case, counted, progress.part(0.0, 0.5))
    sources = {source_id: (reliability, url) for source_id, reliability, url in
               case.conn.execute("SELECT id, reliability, url FROM sources")}
    grades = {source_id: reliability for source_id, (reliability, _) in sources.items()}
    domains: dict[str, str] = {}
    health = EvidenceHealth()
    for step, table in enumerate(CLAIM_TABLES):
        progress(0.5 + 0.5 * step / len(CLAIM_TABLES))
        supported = support[table]
        if table == "actors" and not supported:
            continue  # actors are entities: listed only when something cites them, weakly
        noun = NOUN[table]
        rows = _claims(case, table, list(supported) if table == "actors" else None)
        for n, (record_id, title, start, precision) in enumerate(rows):
            if not n % CHECK_EVERY:
                progress.check()
            cited = supported.get(record_id)
            if not cited:
                if table != "actors":
                    health.uncited.append(HealthItem(table, record_id, title, f"uncited {noun}", start, precision))
                continue
            best = min(grades[s] for s in cited)
            weak = best in WEAK_GRADES
            if len(cited) == 1:
                domain = domains.get(cited[0])
                if domain is None:
                    domain = domains[cited[0]] = domain_of(sources[cited[0]][1])
                detail = f"single source, {'unverified, ' if weak else ''}graded {best} ({domain})"
                health.single_source.append(HealthItem(table, record_id, title, detail, start, precision))
            if weak:
                detail = f"{len(cited)} source{'s' if len(cited) > 1 else ''}, best graded {best}"
                health.weak_only.append(HealthItem(table, record_id, title, detail, start, precision))
    for items in (health.uncited, health.single_source, health.weak_only):
        items.sort(key=_display_order)
    cited_times = dict(case.conn.execute("SELECT source_id, count(*) FROM citations NOT INDEXED GROUP BY source_id"))
    for source_id, title, url in case.conn.execute(
            "SELECT id, title, url FROM sources WHERE reliability = 'F' ORDER BY seq"):
        n = cited_times.get(source_id, 0)
        health.ungraded.append(HealthItem("sources", source_id, title or url or "untitled source",
                                          f"grade F, cited {n} time{'s' if n != 1 else ''}"))
    progress(1.0)
    return health


@dataclass
class Impact:
    """What rests on some sources: the claims left with no other support if they fell, and those
    left on a single remaining source."""

    source_ids: tuple[str, ...]
    orphaned: list[HealthItem]
    left_single: list[HealthItem]
    supported: int  # claims these sources support in all

    @property
    def summary(self) -> str:
        if not self.supported:
            return "No claim rests on this source."
        return (f"If it falls: {len(self.orphaned)} of its {self.supported} claims are left with no other "
                f"support, {len(self.left_single)} with a single source.")


def impact_if_sources_fall(case: Case, source_ids: Iterable[str]) -> Impact:
    """The claims that would be left with no other support (or a single one) without these sources."""
    fallen = tuple(dict.fromkeys(source_ids))
    chosen = json.dumps(list(fallen))
    orphaned: list[HealthItem] = []
    left_single: list[HealthItem] = []
    supported = 0
    for table, column in CLAIM_COLUMN.items():
        remaining: dict[str, int] = {}
        for claim_id, n_left in case.conn.execute(
            f"""
            SELECT c.{column}, count(DISTINCT CASE WHEN c.source_id IN (SELECT value FROM json_each(:fallen))
                                                THEN NULL ELSE c.source_id END)
            FROM citations c
            WHERE c.{column} IN (SELECT {column} FROM citations
                                 WHERE source_id IN (SELECT value FROM json_each(:fallen)) AND {column} IS NOT NULL)
            GROUP BY c.{column}
            """,
            {"fallen": chosen},
        ):
            remaining[claim_id] = n_left
        supported += len(remaining)
        hit = [claim_id for claim_id, n in remaining.items() if n <= 1]
        if not hit:
            continue
        for claim_id, title, start, precision in _claims(case, table, hit):
            if remaining[claim_id] == 0:
                orphaned.append(HealthItem(table, claim_id, title, "no other source", start, precision))
            else:
                left_single.append(HealthItem(table, claim_id, title, "one other source left", start, precision))
    orphaned.sort(key=_display_order)
    left_single.sort(key=_display_order)
    return Impact(fallen, orphaned, left_single, supported)
