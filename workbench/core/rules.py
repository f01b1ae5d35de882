"""Rules for what may be written to a case: the one validation every write path obeys.

`problems(table, values)` says, per field, why a value cannot be stored. The case gateway
(`Case.insert`, `Case.update`, `Case.bulk_insert`) refuses a record with problems by raising
`InvalidRecord`, so the forms, the importers, merge, repair and the command line all obey the
same rules; the forms also call `problems` as the analyst types, to show each reason beside its
field. `clean_text` is applied to everything typed or pasted: control characters never reach
the case file.
"""

from __future__ import annotations

import json
import operator
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from itertools import chain
from typing import Any

from workbench.core.attributes import ATTRIBUTE_TYPES, MAX_KEY, value_problem
from workbench.core.confidence import (
    ACH_LEVELS,
    ACH_RATINGS,
    CONFIDENCE_LEVELS,
    CREDIBILITY,
    RELIABILITY,
    TIME_PRECISIONS,
)
from workbench.core.errors import CaseError
from workbench.core.model import PLACE_ROLES

# Longest accepted one-line values; long text belongs in a summary, description or note.
MAX_TITLE = 300
MAX_NAME = 200
MAX_TEXT = 1_000_000
# Whole texts kept as received, not typed: only the case file's own value limit bounds them.
WHOLE_TEXTS = {("documents", "text"), ("sources", "archived_text")}
FIRST_YEAR, LAST_YEAR = 1900, 2100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str | None, multiline: bool = False) -> str:
    """Typed or pasted text as stored: NFC, no control or bidi-override characters, trimmed.

    One-line fields also fold line breaks and tabs into single spaces.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def _year(stamp: str | None) -> int | None:
    return int(stamp[:4]) if stamp and stamp[:4].isdigit() else None


# A stored time: UTC to the second, as the schema's CHECK constraints demand.
_STAMP = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\dZ")


def _check_time(field: str, stamp: str | None, found: dict[str, str], exact: bool = True) -> None:
    """An event's or relation's time must be a UTC stamp (`exact`); a source's dates only a year in range."""
    problem = time_problem(stamp, exact)
    if problem:
        found[field] = problem


def time_problem(stamp: object, exact: bool = True) -> str | None:
    """Why a stored time cannot be kept (None when it can): `exact` for an event's or relation's UTC stamp,
    else a source's or document's date (a real date when it has one, a year in range)."""
    if stamp is None:  # most optional times are unset: nothing below would find a problem
        return None
    if stamp and not isinstance(stamp, str):
        return "a time is text"
    if exact and stamp and not _STAMP.fullmatch(stamp):
        return f"a time is stored as UTC like 2020-08-15T18:00:00Z; {str(stamp)[:40]!r} is not one"
    if stamp and not _real_date(stamp, exact):
        return f"{stamp[:40]!r} is not a real date and time (no 30 February, no 24:00)"
    year = _year(stamp)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        return f"dates run from {FIRST_YEAR} to {LAST_YEAR}; {year} is outside them"
    return None


def _real_date(stamp: str, exact: bool) -> bool:
    """Whether a stamp that has the right digits names a time that exists (2020-02-30 does not)."""
    try:
        if exact:  # the pattern already matched: fromisoformat (C, ~20x strptime) checks the values
            datetime.fromisoformat(stamp[:-1])
        elif re.match(r"\d{4}-\d{2}-\d{2}", stamp):
            date.fromisoformat(stamp[:10])
    except ValueError:
        return False
    return True


# JSON kept in a record (a view's state, an actor's aliases) is bounded: a received file must not
# hold a value that the app cannot read back without exhausting the stack.
MAX_JSON_DEPTH = 32


def json_problem(text: Any, want: type) -> str | None:
    """None when `text` is JSON of type `want` nested at most MAX_JSON_DEPTH deep; else why not."""
    if not isinstance(text, str):
        return "it is not JSON text"
    try:
        value = json.loads(text)
    except RecursionError:
        return "its JSON is nested too deeply"
    except ValueError:
        return "it is not valid JSON"
    if not isinstance(value, want):
        return f"its JSON is not {'a list' if want is list else 'an object'}"
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return f"its JSON is nested more than {MAX_JSON_DEPTH} deep"
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return None


class InvalidRecord(CaseError, ValueError):
    """A record the rules refuse; `problems` maps each bad field to why, in words for the analyst."""

    def __init__(self, table: str, problems: dict[str, str]) -> None:
        self.table, self.problems = table, dict(problems)
        reasons = "; ".join(f"{field}: {why}" for field, why in self.problems.items())
        super().__init__(f"Cannot store this {table.removesuffix('s')}: {reasons}.")


def _check_names(field: str, aliases: Any, found: dict[str, str]) -> None:
    """Other names (an actor's or a place's aliases) are a list of names, as a list or its JSON text."""
    if isinstance(aliases, str):
        aliases = None if json_problem(aliases, list) else json.loads(aliases)
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        found[field] = "aliases are a list of names"
    elif any(len(alias) > MAX_NAME for alias in aliases):
        found[field] = f"an alias is at most {MAX_NAME} characters"


# The item an evidence row weighs: exactly one of these columns is set.
EVIDENCE_ITEM_COLUMNS = ("event_id", "relation_id", "citation_id", "note_id")


def _check_hypotheses(table: str, values: dict[str, Any], found: dict[str, str]) -> None:
    """Questions, hypotheses, evidence rows and ratings of an ACH matrix (core.ach)."""
    if table == "questions":
        text = values.get("text") or ""
        if not text:
            found["text"] = "a question needs its text, e.g. 'Will Russia intervene militarily?'"
        elif len(text) > MAX_TITLE:
            found["text"] = f"a question is at most {MAX_TITLE} characters; put the rest in its description"
    elif table == "hypotheses":
        if not values.get("question_id"):
            found["question_id"] = "a hypothesis answers a question"
        title = values.get("title") or ""
        if not title:
            found["title"] = "a hypothesis needs a statement, e.g. 'Russia will not intervene'"
        elif len(title) > MAX_TITLE:
            found["title"] = f"a hypothesis is at most {MAX_TITLE} characters; put the rest in its description"
    elif table == "evidence_rows":
        if not values.get("question_id"):
            found["question_id"] = "an evidence row belongs to a question"
        if sum(1 for column in EVIDENCE_ITEM_COLUMNS if values.get(column)) != 1:
            found["event_id"] = "an evidence row weighs exactly one event, relation, citation or note"
        if values.get("credibility") is not None and values["credibility"] not in ACH_LEVELS:
            found["credibility"] = "credibility is high, medium or low (or taken from the sources' grades)"
        if values.get("relevance", "medium") not in ACH_LEVELS:
            found["relevance"] = "relevance is high, medium or low"
    elif table == "ratings":
        if not values.get("evidence_id"):
            found["evidence_id"] = "a rating belongs to an evidence row"
        if not values.get("hypothesis_id"):
            found["hypothesis_id"] = "a rating belongs to a hypothesis"
        if values.get("rating") not in ACH_RATINGS:
            found["rating"] = f"a rating is one of {', '.join(ACH_RATINGS)}"
        if len(values.get("comment") or "") > MAX_TEXT:
            found["comment"] = f"at most {MAX_TEXT:,} characters"
    for column in ("position",):
        if column in values and not isinstance(values[column], int):
            found[column] = "a position is a whole number"


def check(table: str, values: dict[str, Any]) -> None:
    """Raise InvalidRecord naming every field of `values` the rules refuse."""
    found = problems(table, values)
    if found:
        raise InvalidRecord(table, found)


def check_many(table: str, rows: Sequence[dict[str, Any]]) -> None:
    """`check` of every row in turn, the first refused one raising as `check` raises for it; a few thousand rows
    at a time are first screened column by column (`screened`, in C's loops: a restored 100k-event case), and
    only a batch that the screen cannot clear is checked row by row. The screen clears a batch only when
    `problems` would find nothing in any of its rows; it may send a sound batch to the slow check, never wave
    through a bad one (tests/test_rules_batch.py holds the two to the same answers)."""
    for begin in range(0, len(rows), SCREEN_BATCH):
        batch = rows[begin:begin + SCREEN_BATCH]
        if not screened(table, batch):
            for row in batch:
                check(table, row)


def screened(table: str, rows: Sequence[dict[str, Any]]) -> bool:
    """True only when `problems` finds nothing in any of `rows`, known from whole columns at a time (for events,
    relations and citations); False when that cannot be told so (any other table, a value of an unexpected kind,
    or a row with a problem)."""
    screen = _SCREENS.get(table)
    try:
        return screen is not None and _texts_fit(rows) and screen(rows)
    except (TypeError, ValueError):  # a value of a kind the screen does not expect (a list, a number, ...)
        return False


SCREEN_BATCH = 5000
# Unicode's other digits pass \d: the screen wants ASCII ones, and leaves any other to the row-by-row check.
_ASCII_STAMP = re.compile(r"[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z")


def _texts_fit(rows: Sequence[dict[str, Any]]) -> bool:
    """No text of any row is longer than MAX_TEXT (the last check of `problems`)."""
    values = chain.from_iterable(map(dict.values, rows))
    return max(map(len, filter(str.__instancecheck__, values)), default=0) <= MAX_TEXT


def _column(rows: Sequence[dict[str, Any]], field: str, default: Any = None) -> list[Any]:
    return [row.get(field, default) for row in rows]


def _names_fit(values: list[Any], longest: int) -> bool:
    """Every value is a non-empty text of at most `longest` characters."""
    return set(map(type, values)) == {str} and all(values) and max(map(len, values)) <= longest


def _stamps_fit(values: list[Any]) -> bool:
    """Every value is None or a stored UTC time that `time_problem` accepts: ASCII digits, a real date and
    time, its year within FIRST_YEAR..LAST_YEAR."""
    stamps = set(values)
    stamps.discard(None)
    if not stamps:
        return True
    if set(map(type, stamps)) != {str} or not all(map(_ASCII_STAMP.fullmatch, stamps)):
        return False
    # fromisoformat raises ValueError for a time that does not exist (30 February, 24:00), as in `_real_date`.
    return (all(map(datetime.fromisoformat, [stamp[:-1] for stamp in stamps]))
            and f"{FIRST_YEAR:04d}" <= min(stamps)[:4] and max(stamps)[:4] <= f"{LAST_YEAR:04d}")


def _ordered(before: list[Any], after: list[Any]) -> bool:
    """Wherever both are set, `after` is not before `before` (both already known to be stored times)."""
    return not any(first and second and second < first for first, second in zip(before, after, strict=True))


def _screen_events(rows: Sequence[dict[str, Any]]) -> bool:
    starts, ends = _column(rows, "start"), _column(rows, "end")
    earliest, latest = _column(rows, "earliest"), _column(rows, "latest")
    return (_names_fit(_column(rows, "title", ""), MAX_TITLE) and all(starts)
            and _stamps_fit(starts) and _stamps_fit(ends) and _stamps_fit(earliest) and _stamps_fit(latest)
            and _ordered(starts, ends) and _ordered(earliest, starts) and _ordered(starts, latest)
            and set(_column(rows, "time_precision", "day")) <= TIME_PRECISIONS.keys()
            and set(_column(rows, "confidence", "reported")) <= CONFIDENCE_LEVELS.keys())


def _screen_relations(rows: Sequence[dict[str, Any]]) -> bool:
    froms, tos = _column(rows, "from_actor_id"), _column(rows, "to_actor_id")
    starts, ends = _column(rows, "start"), _column(rows, "end")
    return (all(froms) and all(tos) and not any(map(operator.eq, froms, tos))
            and _names_fit(_column(rows, "kind"), MAX_NAME)
            and _stamps_fit(starts) and _stamps_fit(ends) and _ordered(starts, ends)
            and set(_column(rows, "confidence", "reported")) <= CONFIDENCE_LEVELS.keys())


def _screen_citations(rows: Sequence[dict[str, Any]]) -> bool:
    locators = [locator for locator in _column(rows, "locator") if locator is not None]
    return (set(_column(rows, "credibility", 6)) <= CREDIBILITY.keys() and all(_column(rows, "source_id"))
            and set(map(type, locators)) <= {str} and max(map(len, locators), default=0) <= MAX_NAME
            and set(_column(rows, "accessed")) == {None})


# Screens of the tables a restore writes by the hundred thousand; the others are checked row by row.
_SCREENS = {"events": _screen_events, "relations": _screen_relations, "citations": _screen_citations}


def problems(table: str, values: dict[str, Any]) -> dict[str, str]:
    """field -> why its value cannot be stored; {} when the record may be written as it is."""
    found: dict[str, str] = {}
    if table == "events":
        title = values.get("title", "")
        if not title:
            found["title"] = "an event needs a title"
        elif len(title) > MAX_TITLE:
            found["title"] = (f"a title is at most {MAX_TITLE} characters ({len(title)} given); "
                              "put longer text in the summary")
        if not values.get("start"):
            found["start"] = "an event needs a start date"
        for field in ("start", "end", "earliest", "latest"):
            _check_time(field, values.get(field), found)
        start, end = values.get("start"), values.get("end")
        if start and end and end < start and "end" not in found:
            found["end"] = "the end is before the start"
        earliest, latest = values.get("earliest"), values.get("latest")
        if start and earliest and earliest > start and "earliest" not in found:
            found["earliest"] = "'not before' is after the start"
        if start and latest and latest < start and "latest" not in found:
            found["latest"] = "'no later than' is before the start"
        if values.get("time_precision", "day") not in TIME_PRECISIONS:
            found["time_precision"] = "unknown precision"
        if values.get("confidence", "reported") not in CONFIDENCE_LEVELS:
            found["confidence"] = "unknown confidence"
    elif table == "actors":
        name = values.get("name", "")
        if not name:
            found["name"] = "an actor needs a name"
        elif len(name) > MAX_NAME:
            found["name"] = f"a name is at most {MAX_NAME} characters ({len(name)} given)"
        _check_names("aliases", values.get("aliases", []), found)
    elif table == "relations":
        if not values.get("from_actor_id"):
            found["from_actor_id"] = "choose the actor the relation runs from"
        if not values.get("to_actor_id"):
            found["to_actor_id"] = "choose the actor the relation runs to"
        elif values.get("to_actor_id") == values.get("from_actor_id"):
            found["to_actor_id"] = "a relation joins two different actors"
        if not values.get("kind"):
            found["kind"] = "say what the relation is (e.g. 'commands', 'member of')"
        elif len(values["kind"]) > MAX_NAME:
            found["kind"] = f"a relation kind is at most {MAX_NAME} characters"
        for field in ("start", "end"):
            _check_time(field, values.get(field), found)
        if values.get("start") and values.get("end") and values["end"] < values["start"] and "end" not in found:
            found["end"] = "the end is before the start"
        if values.get("confidence", "reported") not in CONFIDENCE_LEVELS:
            found["confidence"] = "unknown confidence"
    elif table == "sources":
        if not values.get("url") and not values.get("title"):
            found["url"] = "a source needs a URL or a title"
        if values.get("url") and not re.match(r"^[a-z][a-z0-9+.-]*:", values["url"], re.IGNORECASE):
            found["url"] = "a URL starts with its scheme, e.g. https://"
        if values.get("reliability", "F") not in RELIABILITY:
            found["reliability"] = "reliability is a grade from A to F"
        for field in ("published", "accessed"):
            _check_time(field, values.get(field), found, exact=False)
    elif table == "citations":
        if values.get("credibility", 6) not in CREDIBILITY:
            found["credibility"] = "credibility is a grade from 1 to 6"
        if not values.get("source_id"):
            found["source_id"] = "a citation names its source"
        if len(values.get("locator") or "") > MAX_NAME:
            found["locator"] = f"a locator is at most {MAX_NAME} characters (a page, timestamp or paragraph)"
        _check_time("accessed", values.get("accessed"), found, exact=False)
    elif table == "places":
        if not values.get("name"):
            found["name"] = "a place needs a name"
        elif len(values["name"]) > MAX_NAME:
            found["name"] = f"a name is at most {MAX_NAME} characters ({len(values['name'])} given)"
        _check_names("aliases", values.get("aliases", []), found)
        if len(values.get("kind") or "") > MAX_NAME:
            found["kind"] = f"a kind is at most {MAX_NAME} characters"
        lat, lon = values.get("lat"), values.get("lon")
        if lat is not None and not -90 <= lat <= 90:
            found["lat"] = "latitude runs from -90 to 90"
        if lon is not None and not -180 <= lon <= 180:
            found["lon"] = "longitude runs from -180 to 180"
    elif table == "actor_attributes":
        if not values.get("actor_id"):
            found["actor_id"] = "an attribute belongs to an actor"
        key = values.get("key") or ""
        if not key:
            found["key"] = "name the attribute, e.g. date of birth"
        elif len(key) > MAX_KEY:
            found["key"] = f"an attribute's name is at most {MAX_KEY} characters"
        value_type = values.get("type", "text")
        if value_type not in ATTRIBUTE_TYPES:
            found["type"] = f"a type is one of {', '.join(ATTRIBUTE_TYPES)}"
        else:
            problem = value_problem(value_type, values.get("value") or "")
            if problem:
                found["value"] = problem
    elif table == "event_places":
        if values.get("role", "location") not in PLACE_ROLES:
            found["role"] = f"a place's role is one of {', '.join(PLACE_ROLES)}"
    elif table == "views":
        problem = json_problem(values.get("state", "{}"), dict)
        if problem:
            found["state"] = f"a view's state is a JSON object, but {problem}"
    elif table == "notes":
        if not values.get("text"):
            found["text"] = "a note needs some text"
    elif table in ("questions", "hypotheses", "evidence_rows", "ratings"):
        _check_hypotheses(table, values, found)
    # The longest text first, in C (a bulk import checks every row): only a record holding one too long is walked.
    if max(map(len, filter(str.__instancecheck__, values.values())), default=0) > MAX_TEXT:
        for field, value in values.items():
            if (table, field) in WHOLE_TEXTS:  # an imported report or a page's text: bounded by the file's limit
                continue
            if isinstance(value, str) and len(value) > MAX_TEXT and field not in found:
                found[field] = f"at most {MAX_TEXT:,} characters"
    return found
