"""Records of a case as plain dataclasses, one per table; field names are the column names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


def aliases_of(text: str | list | None) -> list[str]:
    """An actor's aliases as stored (JSON text), read without fail: a received file may hold anything there
    (not JSON, not a list, nested without end), and that must not break a view; it reads as no aliases."""
    if isinstance(text, list):
        value: object = text
    else:
        try:
            value = json.loads(text or "[]")
        except (ValueError, RecursionError):
            return []
    return [str(alias) for alias in value if isinstance(alias, (str, int, float))] if isinstance(value, list) else []


# The column that names a record to the analyst, first present first (a title, a name, a URL...).
NAMING_COLUMNS = ("title", "name", "url", "text", "quote", "kind")


def record_name(row: dict, default: str = "") -> str:
    """What to call a record in a sentence ("Delete the event 'Rally'?"): its first naming column."""
    return next((str(row[column]) for column in NAMING_COLUMNS if row.get(column)), default)


@dataclass
class Record:
    table: ClassVar[str] = ""
    # Columns stored as JSON text holding a list of names (aliases): read without fail, written as JSON.
    name_lists: ClassVar[tuple[str, ...]] = ()
    id: str = ""
    created_at: str = ""
    updated_at: str = ""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Record:
        names = {f.name for f in fields(cls)}
        record = cls(**{key: value for key, value in row.items() if key in names})
        for column in cls.name_lists:
            setattr(record, column, aliases_of(getattr(record, column)))
        return record

    def to_row(self) -> dict[str, Any]:
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        for column in self.name_lists:
            row[column] = json.dumps(row[column], ensure_ascii=False)
        return row


@dataclass
class Place(Record):
    table: ClassVar[str] = "places"
    name_lists: ClassVar[tuple[str, ...]] = ("aliases",)
    name: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    aliases: list[str] = field(default_factory=list)
    kind: str = ""


@dataclass
class Actor(Record):
    table: ClassVar[str] = "actors"
    name_lists: ClassVar[tuple[str, ...]] = ("aliases",)
    name: str = ""
    kind: str = "other"
    aliases: list[str] = field(default_factory=list)
    description: str = ""
    color: str | None = None


@dataclass
class Event(Record):
    table: ClassVar[str] = "events"
    title: str = ""
    summary: str = ""
    kind: str = ""
    start: str = ""
    end: str | None = None
    time_precision: str = "day"
    time_note: str = ""
    earliest: str | None = None
    latest: str | None = None
    confidence: str = "reported"


@dataclass
class Relation(Record):
    table: ClassVar[str] = "relations"
    from_actor_id: str = ""
    to_actor_id: str = ""
    kind: str = ""
    label: str = ""
    directed: int = 1
    start: str | None = None
    end: str | None = None
    confidence: str = "reported"


@dataclass
class Document(Record):
    table: ClassVar[str] = "documents"
    title: str = ""
    author: str = ""
    publisher: str = ""
    published: str | None = None
    url: str = ""
    format: str = "text"
    text: str = ""


@dataclass
class Source(Record):
    table: ClassVar[str] = "sources"
    url: str = ""
    title: str = ""
    publisher: str = ""
    language: str = ""
    published: str | None = None
    accessed: str | None = None
    reliability: str = "F"
    archived_text: str = ""


@dataclass
class Citation(Record):
    table: ClassVar[str] = "citations"
    source_id: str = ""
    event_id: str | None = None
    relation_id: str | None = None
    actor_id: str | None = None
    document_id: str | None = None
    footnote: str = ""
    quote: str = ""
    credibility: int = 6
    locator: str = ""  # page, timestamp or paragraph of the passage in the source
    accessed: str | None = None  # the day the analyst read it there, YYYY-MM-DD


@dataclass
class Note(Record):
    table: ClassVar[str] = "notes"
    text: str = ""
    author: str = ""
    event_id: str | None = None
    relation_id: str | None = None
    actor_id: str | None = None
    source_id: str | None = None


@dataclass
class View(Record):
    table: ClassVar[str] = "views"
    title: str = ""
    caption: str = ""
    position: int = 0
    state: str = "{}"
    thumbnail: bytes | None = None


@dataclass
class ActorAttribute(Record):
    """One typed fact about an actor (core.attributes): 'date of birth' = '1954-08-30'."""

    table: ClassVar[str] = "actor_attributes"
    actor_id: str = ""
    key: str = ""
    type: str = "text"
    value: str = ""


@dataclass
class Tag(Record):
    table: ClassVar[str] = "tags"
    tag: str = ""
    event_id: str | None = None
    actor_id: str | None = None
    relation_id: str | None = None
    source_id: str | None = None


@dataclass
class Question(Record):
    """A question the analyst weighs hypotheses for (Analysis of Competing Hypotheses, core.ach)."""

    table: ClassVar[str] = "questions"
    text: str = ""
    description: str = ""
    position: int = 0


@dataclass
class Hypothesis(Record):
    table: ClassVar[str] = "hypotheses"
    question_id: str = ""
    title: str = ""
    description: str = ""
    position: int = 0


@dataclass
class EvidenceRow(Record):
    """One of the case's items (event, relation, citation or note) weighed in a question's matrix."""

    table: ClassVar[str] = "evidence_rows"
    question_id: str = ""
    event_id: str | None = None
    relation_id: str | None = None
    citation_id: str | None = None
    note_id: str | None = None
    credibility: str | None = None  # the analyst's override: high/medium/low; None: from the sources' grades
    relevance: str = "medium"
    position: int = 0


@dataclass
class Rating(Record):
    """One cell of a matrix: how consistent an evidence row is with a hypothesis (CC, C, N, I, II, NA)."""

    table: ClassVar[str] = "ratings"
    evidence_id: str = ""
    hypothesis_id: str = ""
    rating: str = "N"
    comment: str = ""


# What one record of each table is called in messages: "Delete the event ...", "Edit actor name".
# The kinds of actor the forms offer (a kind is free text: others may be typed or imported).
ACTOR_KINDS = ("person", "state", "organization", "government", "military", "security", "media", "group", "other")
# The part a place plays in an event (event_places.role), in the order forms offer them.
PLACE_ROLES: dict[str, str] = {"location": "where it happened", "origin": "where it started from",
                               "target": "what it was aimed at"}
# Kinds of place the form offers (a kind is free text: others may be typed).
PLACE_KINDS = ("city", "town", "village", "district", "region", "country", "border crossing", "base", "building",
               "street or square", "other")

NOUNS: dict[str, str] = {
    "events": "event", "actors": "actor", "relations": "relation", "sources": "source", "citations": "citation",
    "places": "place", "notes": "note", "views": "view", "documents": "document", "tags": "tag",
    "actor_attributes": "attribute", "questions": "question", "hypotheses": "hypothesis",
    "evidence_rows": "evidence row", "ratings": "rating",
}

RECORD_TYPES: dict[str, type[Record]] = {
    cls.table: cls for cls in (Place, Actor, Event, Relation, Document, Source, Citation, Note, View, Tag,
                               ActorAttribute, Question, Hypothesis, EvidenceRow, Rating)
}
