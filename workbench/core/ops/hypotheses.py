"""Analysis of Competing Hypotheses by hand: questions, their hypotheses, evidence rows and rated cells."""

from __future__ import annotations

from workbench.core.confidence import ACH_LEVELS, ACH_RATINGS
from workbench.core.errors import CaseError
from workbench.core.ops import operation
from workbench.core.rules import InvalidRecord, clean_text
from workbench.core.store import Case, new_id

# The case's items an evidence row may weigh, and the column of evidence_rows that names each.
EVIDENCE_COLUMN = {"events": "event_id", "relations": "relation_id", "citations": "citation_id",
                   "notes": "note_id"}


def _next_position(case: Case, table: str, question_id: str) -> int:
    rows = case.rows(table, where="question_id = ?", params=(question_id,))
    return max((row["position"] for row in rows), default=-1) + 1


def _question(case: Case, question_id: str) -> dict:
    question = case.get("questions", question_id)
    if question is None:
        raise CaseError("The question is no longer in the case.")
    return question


@operation
def add_question(case: Case, text: str, description: str = "", question_id: str | None = None) -> str:
    """A new question (with no hypotheses yet); result: its id."""
    position = max((row["position"] for row in case.rows("questions")), default=-1) + 1
    return case.insert("questions", {"id": question_id or new_id(), "text": clean_text(text),
                                     "description": clean_text(description, multiline=True), "position": position})


@operation
def add_hypothesis(case: Case, question_id: str, title: str, description: str = "",
                   hypothesis_id: str | None = None) -> str:
    """A hypothesis answering `question_id`, after its others; result: its id."""
    _question(case, question_id)
    return case.insert("hypotheses", {
        "id": hypothesis_id or new_id(), "question_id": question_id, "title": clean_text(title),
        "description": clean_text(description, multiline=True),
        "position": _next_position(case, "hypotheses", question_id)})


@operation
def add_evidence(case: Case, question_id: str, table: str, item_id: str, relevance: str = "medium",
                 credibility: str | None = None, evidence_id: str | None = None) -> str:
    """Weigh one of the case's items (event, relation, citation, note) in a question's matrix; result: the
    row's id (the existing row's when the item is already there: an item is weighed once per question)."""
    _question(case, question_id)
    column = EVIDENCE_COLUMN.get(table)
    if column is None:
        raise InvalidRecord("evidence_rows", {"event_id": "evidence is an event, relation, citation or note"})
    if case.get(table, item_id) is None:
        raise CaseError(f"The {table[:-1]} is no longer in the case.")
    existing = case.rows("evidence_rows", where=f"question_id = ? AND {column} = ?", params=(question_id, item_id))
    if existing:
        return existing[0]["id"]
    return case.insert("evidence_rows", {
        "id": evidence_id or new_id(), "question_id": question_id, column: item_id, "relevance": relevance,
        "credibility": credibility, "position": _next_position(case, "evidence_rows", question_id)})


@operation
def set_weights(case: Case, evidence_id: str, credibility: str | None = "", relevance: str = "") -> None:
    """An evidence row's credibility override (None: from its sources' grades; '': unchanged) and relevance."""
    changes: dict[str, str | None] = {}
    if credibility != "":
        changes["credibility"] = credibility
    if relevance:
        changes["relevance"] = relevance
    bad = {key: f"{key} is high, medium or low" for key, value in changes.items()
           if value is not None and value not in ACH_LEVELS}
    if bad:
        raise InvalidRecord("evidence_rows", bad)
    if changes:
        case.update("evidence_rows", evidence_id, changes)


@operation
def rate(case: Case, evidence_id: str, hypothesis_id: str, rating: str | None,
         comment: str | None = None) -> str | None:
    """Set one cell: `rating` (CC, C, N, I, II, NA; None: not rated) and its comment (None: unchanged).

    A cell with neither rating nor comment is removed. Result: the cell's id, None when it is gone.
    """
    row = case.get("evidence_rows", evidence_id)
    hypothesis = case.get("hypotheses", hypothesis_id)
    if row is None or hypothesis is None:
        raise CaseError("The evidence row or the hypothesis is no longer in the case.")
    if row["question_id"] != hypothesis["question_id"]:
        raise InvalidRecord("ratings", {"hypothesis_id": "a cell joins evidence and a hypothesis of one question"})
    if rating is not None and rating not in ACH_RATINGS:
        raise InvalidRecord("ratings", {"rating": f"a rating is one of {', '.join(ACH_RATINGS)}"})
    cells = case.rows("ratings", where="evidence_id = ? AND hypothesis_id = ?", params=(evidence_id, hypothesis_id))
    cell = cells[0] if cells else None
    text = clean_text(comment, multiline=True) if comment is not None else (cell["comment"] if cell else "")
    if rating is None and not text:
        if cell is not None:
            case.delete("ratings", cell["id"])
        return None
    # A comment without a rating keeps the cell as neutral until the analyst rates it.
    value = rating or (cell["rating"] if cell else "N")
    if cell is None:
        return case.insert("ratings", {"evidence_id": evidence_id, "hypothesis_id": hypothesis_id,
                                       "rating": value, "comment": text})
    if (cell["rating"], cell["comment"]) != (value, text):
        case.update("ratings", cell["id"], {"rating": value, "comment": text})
    return cell["id"]
