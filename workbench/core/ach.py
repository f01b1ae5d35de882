"""Analysis of Competing Hypotheses (Heuer): a question's matrix read from the case, its scores, the diagnosticity
of each evidence row, and what happens to the scores if a source falls.

Heuer's rule (Psychology of Intelligence Analysis, ch. 8): a hypothesis is judged by the evidence that
argues against it, not for it. A hypothesis's *inconsistency score* counts 1 for each Inconsistent (I)
cell and 2 for each Very Inconsistent (II) cell; consistent, neutral and not-applicable cells count 0. Each
row weighs by its credibility and its relevance (high, medium, low; medium weighs 1, so a matrix left at
medium scores as Heuer counts). The least inconsistent hypothesis is the strongest.

A row's credibility is the analyst's override or, by default, read from its sources' Admiralty grades:
the best citation behind the item counts (A/B with 1/2: high; E/F or 5/6: low; else medium; an uncited
item, such as an analyst's own assumption, is low until the analyst says otherwise).

A row is *diagnostic* when its ratings differ across the hypotheses: the spread between the most and the
least consistent rating. A row rated the same against every hypothesis (Heuer's "E1": consistent with
all) has no diagnostic value and cannot help choose between them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from workbench.core.evidence import CitedSource, claim_citations, claim_title, grade_key
from workbench.core.model import NOUNS
from workbench.core.store import Case

# How much each inconsistent rating counts against a hypothesis (Heuer; PARC ACH's Inconsistency Score).
INCONSISTENCY = {"I": 1.0, "II": 2.0}
# Where each rating stands on one scale, for diagnosticity (NA and unrated cells take no part).
SCALE = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2}
# Weights of credibility and relevance. Ours: medium is neutral (1) so an unweighted matrix scores as
# Heuer counts, and high weighs twice low, as a geometric scale (sqrt 2 either side of medium).
LEVEL_WEIGHT = {"high": math.sqrt(2), "medium": 1.0, "low": 1 / math.sqrt(2)}
# Admiralty grades that cannot carry a judgement alone: unreliable or unjudged sources, improbable or
# unjudged information.
LOW_RELIABILITY = ("E", "F")
LOW_CREDIBILITY = (5, 6)
ITEM_COLUMNS = {"event_id": "events", "relation_id": "relations", "citation_id": "citations", "note_id": "notes"}


def is_low_grade(citation: CitedSource) -> bool:
    return citation.reliability in LOW_RELIABILITY or int(citation.credibility) in LOW_CREDIBILITY


def credibility_from_grades(citations: Iterable[CitedSource]) -> str:
    """high, medium or low from the best citation's grade (A/B with 1/2 high; E/F or 5/6 low; none: low)."""
    cited = sorted(citations, key=lambda c: grade_key(c.reliability, c.credibility))
    if not cited:
        return "low"
    best = cited[0]
    if is_low_grade(best):
        return "low"
    if best.reliability in ("A", "B") and int(best.credibility) in (1, 2):
        return "high"
    return "medium"


@dataclass(frozen=True)
class MatrixRow:
    """One evidence row: the item it weighs, the citations behind it, its weights and its cells."""

    id: str
    table: str  # events, relations, citations or notes
    item_id: str
    label: str
    citations: tuple[CitedSource, ...] = ()
    credibility_override: str | None = None
    relevance: str = "medium"
    position: int = 0
    ratings: dict[str, str] = field(default_factory=dict)  # hypothesis id -> CC/C/N/I/II/NA
    comments: dict[str, str] = field(default_factory=dict)

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.source_id for c in self.citations))

    @property
    def single_sourced(self) -> bool:
        return len(self.source_ids) == 1

    @property
    def grades(self) -> str:
        """The grades of its citations, best first and each source once: 'B2, C3'."""
        best: dict[str, CitedSource] = {}
        for citation in sorted(self.citations, key=lambda c: grade_key(c.reliability, c.credibility)):
            best.setdefault(citation.source_id, citation)
        return ", ".join(c.grade for c in best.values())

    @property
    def graded_credibility(self) -> str:
        return credibility_from_grades(self.citations)

    @property
    def credibility(self) -> str:
        return self.credibility_override or self.graded_credibility

    @property
    def weight(self) -> float:
        return LEVEL_WEIGHT.get(self.credibility, 1.0) * LEVEL_WEIGHT.get(self.relevance, 1.0)

    @property
    def low_grades(self) -> bool:
        """Every citation behind it is low-graded (or there is none)."""
        return all(is_low_grade(c) for c in self.citations)

    def without(self, fallen: frozenset[str]) -> MatrixRow | None:
        """The row as it stands once the `fallen` sources are discounted; None when nothing is left under it."""
        if not fallen or not set(self.source_ids) & fallen:
            return self
        kept = tuple(c for c in self.citations if c.source_id not in fallen)
        return replace(self, citations=kept) if kept else None


@dataclass(frozen=True)
class Matrix:
    question_id: str
    question: str
    hypotheses: tuple[tuple[str, str], ...]  # (id, title) in order
    rows: tuple[MatrixRow, ...]

    @property
    def hypothesis_ids(self) -> tuple[str, ...]:
        return tuple(h for h, _title in self.hypotheses)

    @property
    def source_titles(self) -> dict[str, str]:
        """Every source behind the matrix, id -> how to call it, in order of first appearance."""
        found: dict[str, str] = {}
        for row in self.rows:
            for citation in row.citations:
                found.setdefault(citation.source_id, citation.shown)
        return found


# --- scores ------------------------------------------------------------------------------------

def scores(matrix: Matrix, fallen: Iterable[str] = (), weighted: bool = True) -> dict[str, float]:
    """Hypothesis id -> inconsistency score (lower is stronger), with the `fallen` sources' evidence removed.

    A row drops out when every source under it falls; a row with sources left keeps the credibility of
    what is left. Rows with no sources (the analyst's assumptions) never fall.
    """
    gone = frozenset(fallen)
    totals = {h: 0.0 for h in matrix.hypothesis_ids}
    for row in matrix.rows:
        kept = row.without(gone)
        if kept is None:
            continue
        weight = kept.weight if weighted else 1.0
        for hypothesis_id in totals:
            totals[hypothesis_id] += INCONSISTENCY.get(kept.ratings.get(hypothesis_id, ""), 0.0) * weight
    return totals


def ranking(totals: dict[str, float]) -> list[str]:
    """Hypothesis ids, least inconsistent first (ties keep the matrix's order)."""
    order = list(totals)
    return sorted(order, key=lambda h: (round(totals[h], 9), order.index(h)))


def diagnosticity(row: MatrixRow, hypothesis_ids: Iterable[str]) -> int:
    """How far apart the row's ratings lie across the hypotheses (0..4); 0: not diagnostic."""
    values = [SCALE[row.ratings[h]] for h in hypothesis_ids if row.ratings.get(h) in SCALE]
    return max(values) - min(values) if len(values) > 1 else 0


def by_diagnosticity(matrix: Matrix) -> list[MatrixRow]:
    """Rows most diagnostic first; among equals the heavier first, then the matrix's order."""
    ids = matrix.hypothesis_ids
    return sorted(matrix.rows, key=lambda row: (-diagnosticity(row, ids), -row.weight, row.position))


@dataclass(frozen=True)
class Standing:
    """What one hypothesis's standing rests on, and the flags the analyst should see."""

    hypothesis_id: str
    score: float
    support_sources: tuple[str, ...]  # sources under the diagnostic rows consistent with it
    one_source: bool  # all its diagnostic support comes from one source
    low_grades: bool  # all its diagnostic support rests on low grades (E/F, 5/6) or on no source
    lead_falls_with: tuple[str, ...]  # sources whose fall alone would cost it the lead (when it leads)

    @property
    def flags(self) -> list[str]:
        found = []
        if self.one_source:
            found.append("rests on one source")
        if self.low_grades:
            found.append("rests on low grades (E/F, 5/6)")
        if self.lead_falls_with:
            found.append(f"lead falls with {len(self.lead_falls_with)} source"
                         + ("s" if len(self.lead_falls_with) > 1 else "") + " alone")
        return found


def standings(matrix: Matrix) -> dict[str, Standing]:
    """Each hypothesis's score and what it rests on (see Standing)."""
    ids = matrix.hypothesis_ids
    totals = scores(matrix)
    order = ranking(totals)
    leader = order[0] if order and len(order) > 1 and totals[order[0]] < totals[order[1]] else None
    falls_with: list[str] = []
    if leader is not None:
        for source_id in matrix.source_titles:
            after = scores(matrix, [source_id])
            if ranking(after)[0] != leader or min(v for h, v in after.items() if h != leader) <= after[leader]:
                falls_with.append(source_id)
    result = {}
    for hypothesis_id in ids:
        support = [row for row in matrix.rows if diagnosticity(row, ids) > 0
                   and row.ratings.get(hypothesis_id) in ("C", "CC")]
        sources = tuple(dict.fromkeys(s for row in support for s in row.source_ids))
        result[hypothesis_id] = Standing(
            hypothesis_id, totals[hypothesis_id], sources,
            one_source=len(sources) == 1 and all(row.source_ids for row in support),
            low_grades=bool(support) and all(row.low_grades for row in support),
            lead_falls_with=tuple(falls_with) if hypothesis_id == leader else ())
    return result


def if_sources_fall(matrix: Matrix, fallen: Iterable[str]) -> dict[str, tuple[float, float]]:
    """Hypothesis id -> (score now, score with the `fallen` sources' evidence removed)."""
    before, after = scores(matrix), scores(matrix, fallen)
    return {h: (before[h], after[h]) for h in matrix.hypothesis_ids}


# --- reading a case ------------------------------------------------------------------------------

def questions(case: Case) -> list[dict]:
    """The case's questions in order."""
    return case.rows("questions", order_by="position, rowid")


def hypotheses_of(case: Case, question_id: str) -> list[dict]:
    return case.rows("hypotheses", where="question_id = ?", params=(question_id,), order_by="position, rowid")


def _citation(case: Case, citation_id: str) -> list[CitedSource]:
    return [CitedSource(*row) for row in case.conn.execute(
        "SELECT c.id, s.id, c.footnote, s.title, s.url, s.publisher, s.reliability, c.credibility, c.quote "
        "FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.id = ?", (citation_id,))]


def item_label(case: Case, table: str, item_id: str) -> str:
    """How a matrix names an item: an event's title, a relation's sentence, a citation's passage, a note's text."""
    if table in ("events", "relations"):
        return claim_title(case, table, item_id) or f"(a deleted {NOUNS[table]})"
    row = case.get(table, item_id)
    if row is None:
        return f"(a deleted {NOUNS.get(table, table)})"
    if table == "citations":
        for column, target in (("event_id", "events"), ("relation_id", "relations"), ("actor_id", "actors")):
            if row.get(column):
                claim = claim_title(case, target, row[column]) or ""
                quote = " ".join((row.get("quote") or "").split())
                return f"{quote[:120]} ({claim})" if quote else f"citation for {claim}"
        return "citation"
    return " ".join(str(row.get("text") or "").split())[:200]


def item_citations(case: Case, table: str, item_id: str) -> list[CitedSource]:
    """The citations behind an item: its own (an event, a relation), itself (a citation), its record's (a note)."""
    if table in ("events", "relations"):
        return claim_citations(case, table, item_id)
    if table == "citations":
        return _citation(case, item_id)
    note = case.get("notes", item_id)
    if note is None:
        return []
    for column, target in (("event_id", "events"), ("relation_id", "relations"), ("actor_id", "actors")):
        if note.get(column):
            return claim_citations(case, target, note[column])
    return []


def load_matrix(case: Case, question_id: str) -> Matrix | None:
    """A question's matrix as stored, rows in their order; None when the question is gone."""
    question = case.get("questions", question_id)
    if question is None:
        return None
    hypotheses = tuple((h["id"], h["title"]) for h in hypotheses_of(case, question_id))
    cells: dict[str, dict[str, tuple[str, str]]] = {}
    for evidence_id, hypothesis_id, rating, comment in case.conn.execute(
            "SELECT r.evidence_id, r.hypothesis_id, r.rating, r.comment FROM ratings r "
            "JOIN evidence_rows e ON e.id = r.evidence_id WHERE e.question_id = ?", (question_id,)):
        cells.setdefault(evidence_id, {})[hypothesis_id] = (rating, comment)
    rows = []
    for stored in case.rows("evidence_rows", where="question_id = ?", params=(question_id,),
                            order_by="position, rowid"):
        column = next(c for c in ITEM_COLUMNS if stored.get(c))
        table, item_id = ITEM_COLUMNS[column], stored[column]
        own = cells.get(stored["id"], {})
        rows.append(MatrixRow(
            id=stored["id"], table=table, item_id=item_id, label=item_label(case, table, item_id),
            citations=tuple(item_citations(case, table, item_id)),
            credibility_override=stored["credibility"], relevance=stored["relevance"], position=stored["position"],
            ratings={h: value[0] for h, value in own.items()}, comments={h: value[1] for h, value in own.items()}))
    return Matrix(question_id, question["text"], hypotheses, tuple(rows))


def ratings_for_events(case: Case, hypothesis_id: str) -> dict[str, str]:
    """Event id -> its rating against one hypothesis, for the timeline's colours (an event weighed directly,
    or through one of its citations; the event's own row wins)."""
    found: dict[str, str] = {}
    for event_id, via_citation, rating in case.conn.execute(
            "SELECT coalesce(e.event_id, c.event_id), e.citation_id IS NOT NULL, r.rating FROM ratings r "
            "JOIN evidence_rows e ON e.id = r.evidence_id LEFT JOIN citations c ON c.id = e.citation_id "
            "WHERE r.hypothesis_id = ? AND coalesce(e.event_id, c.event_id) IS NOT NULL "
            "ORDER BY e.citation_id IS NULL", (hypothesis_id,)):
        if not via_citation or event_id not in found:
            found[event_id] = rating
    return found


def item_target(case: Case, table: str, item_id: str) -> tuple[str, str] | None:
    """What selecting an evidence row selects in the other views: an event or relation itself; a citation's
    or a note's record (events, relations, actors, sources); None for a note that stands alone."""
    if table in ("events", "relations"):
        return table, item_id
    row = case.get(table, item_id)
    if row is None:
        return None
    for column, target in (("event_id", "events"), ("relation_id", "relations"), ("actor_id", "actors"),
                           ("source_id", "sources")):
        if row.get(column):
            return target, row[column]
    return None


def evidence_candidates(case: Case, question_id: str | None = None) -> list[tuple[str, str, str]]:
    """(table, id, label) of every item that can be weighed, in time order for events; those already in the
    question's matrix are left out."""
    taken: set[tuple[str, str]] = set()
    if question_id is not None:
        for stored in case.rows("evidence_rows", where="question_id = ?", params=(question_id,)):
            column = next(c for c in ITEM_COLUMNS if stored.get(c))
            taken.add((ITEM_COLUMNS[column], stored[column]))
    found: list[tuple[str, str, str]] = []
    for event_id, title, start in case.conn.execute("SELECT id, title, start FROM events ORDER BY start, seq"):
        found.append(("events", event_id, f"{start[:10]}  {title}"))
    for (relation_id,) in case.conn.execute("SELECT id FROM relations ORDER BY rowid"):
        found.append(("relations", relation_id, claim_title(case, "relations", relation_id) or relation_id))
    for (citation_id,) in case.conn.execute("SELECT id FROM citations ORDER BY rowid"):
        found.append(("citations", citation_id, item_label(case, "citations", citation_id)))
    for note_id, text in case.conn.execute("SELECT id, text FROM notes ORDER BY seq"):
        found.append(("notes", note_id, " ".join(text.split())[:200]))
    return [item for item in found if (item[0], item[1]) not in taken]
