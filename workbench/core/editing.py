"""Rules for what an analyst may write, and edits that touch several records (merging actors).

`problems(table, values)` says, per field, why a value cannot be stored; the forms show the
reason beside the field and write nothing until every field is sound. `clean_text` is applied
to everything typed or pasted: control characters never reach the case file.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from workbench.core.casefile import Case, CaseError
from workbench.core.confidence import CONFIDENCE_LEVELS, CREDIBILITY, RELIABILITY, TIME_PRECISIONS

# Longest accepted one-line values; long text belongs in a summary, description or note.
MAX_TITLE = 300
MAX_NAME = 200
MAX_TEXT = 1_000_000
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


def _check_time(field: str, stamp: str | None, found: dict[str, str]) -> None:
    year = _year(stamp)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        found[field] = f"dates run from {FIRST_YEAR} to {LAST_YEAR}; {year} is outside them"


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
        aliases = values.get("aliases", [])
        if isinstance(aliases, str):
            aliases = json.loads(aliases)
        if any(len(alias) > MAX_NAME for alias in aliases):
            found["aliases"] = f"an alias is at most {MAX_NAME} characters"
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
            _check_time(field, values.get(field), found)
    elif table == "citations":
        if values.get("credibility", 6) not in CREDIBILITY:
            found["credibility"] = "credibility is a grade from 1 to 6"
        if not values.get("source_id"):
            found["source_id"] = "a citation names its source"
    elif table == "places":
        if not values.get("name"):
            found["name"] = "a place needs a name"
        lat, lon = values.get("lat"), values.get("lon")
        if lat is not None and not -90 <= lat <= 90:
            found["lat"] = "latitude runs from -90 to 90"
        if lon is not None and not -180 <= lon <= 180:
            found["lon"] = "longitude runs from -180 to 180"
    elif table == "notes":
        if not values.get("text"):
            found["text"] = "a note needs some text"
    for field, value in values.items():
        if isinstance(value, str) and len(value) > MAX_TEXT and field not in found:
            found[field] = f"at most {MAX_TEXT:,} characters"
    return found


def same_name_actors(case: Case, name: str, exclude_id: str | None = None) -> list[dict[str, Any]]:
    """Actors already in the case whose name or an alias matches `name` (case and accents aside)."""
    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()

    wanted = fold(name)
    if not wanted:
        return []
    found = []
    for row in case.rows("actors"):
        if row["id"] == exclude_id:
            continue
        names = [row["name"], *json.loads(row["aliases"] or "[]")]
        if any(fold(candidate) == wanted for candidate in names):
            found.append(row)
    return found


def merge_actors(case: Case, keep_id: str, other_id: str, origin: object = None) -> None:
    """Fold `other` into `keep`: its events, relations, citations and notes now name `keep`;
    its name and aliases become aliases of `keep`; then `other` goes. One transaction."""
    if keep_id == other_id:
        raise CaseError("An actor cannot be merged into itself.")
    with case.transaction():
        keep, other = case.get("actors", keep_id), case.get("actors", other_id)
        if keep is None or other is None:
            raise CaseError("Both actors must still be in the case to merge them.")
        aliases = list(dict.fromkeys(
            [*json.loads(keep["aliases"]), other["name"], *json.loads(other["aliases"])]))
        aliases = [alias for alias in aliases if alias != keep["name"]]
        case.update("actors", keep_id, {"aliases": aliases}, origin=origin)
        if not keep["description"] and other["description"]:
            case.update("actors", keep_id, {"description": other["description"]}, origin=origin)
        kept_events = {row["event_id"] for row in case.rows("event_actors", where="actor_id = ?", params=(keep_id,))}
        for link in case.rows("event_actors", where="actor_id = ?", params=(other_id,)):
            if link["event_id"] not in kept_events:
                case.link("event_actors", {**link, "actor_id": keep_id}, origin=origin)
            case.unlink("event_actors", link, origin=origin)
        for relation in case.rows("relations", where="from_actor_id = ? OR to_actor_id = ?",
                                  params=(other_id, other_id)):
            ends = {"from_actor_id": relation["from_actor_id"], "to_actor_id": relation["to_actor_id"]}
            ends = {key: keep_id if value == other_id else value for key, value in ends.items()}
            if ends["from_actor_id"] == ends["to_actor_id"]:
                continue  # a tie between the two merged actors: it goes with `other`
            case.update("relations", relation["id"], ends, origin=origin)
        for table in ("citations", "notes"):
            for row in case.rows(table, where="actor_id = ?", params=(other_id,)):
                case.update(table, row["id"], {"actor_id": keep_id}, origin=origin)
        case.delete("actors", other_id, origin=origin)


def describe_dependents(case: Case, table: str, record_ids: list[str]) -> str:
    """'its 3 citations and 1 note' style phrase for a delete confirmation; '' when nothing goes with it."""
    counts = case.dependents(table, record_ids)
    words = {
        "citations": "citation", "event_actors": "actor link", "event_places": "place link",
        "relations": "relation", "notes": "note", "footnotes": "footnote entry",
    }
    parts = []
    named = [(count, words.get(name, name.replace("_", " ").rstrip("s"))) for name, count in counts.items()]
    for count, word in sorted(named, key=lambda item: (-item[0], item[1])):
        parts.append(f"{count} {word}{'' if count == 1 else 's'}")
    if not parts:
        return ""
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
