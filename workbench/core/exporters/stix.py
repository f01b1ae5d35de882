"""STIX 2.1 bundle of a case, built with the `stix2` library, for OpenCTI, MISP and other threat-intel platforms.

What becomes what:
- actor, by kind: person -> identity (individual); state -> identity (organization, sector
  government-national); government -> identity (organization, government); organization ->
  identity (organization); media -> identity (organization, communications); group -> identity
  (group); military, security -> threat-actor (nation-state); intrusion set, cyber, apt ->
  intrusion-set; any other kind -> identity (unknown). Aliases go with them.
- event -> report (published = the event's start, object_refs = its actors and places); an event a
  threat actor takes part in is also a sighting of that actor (first_seen / last_seen = the event's
  span, where sighted = its places).
- relation -> relationship (type = the relation's kind, lowercase and hyphenated; start_time and
  stop_time).
- place with coordinates or a two-letter country code -> location.
- source cited for a claim -> external reference on the claim's object (URL, publisher, title, the
  quoted passage, reliability and credibility grades, footnote).
- confidence -> STIX confidence: confirmed 95, likely 70, reported 50, planned 50, possible 30,
  unverified 15.
- classification marking -> a statement marking-definition on every object.

The objects are built as plain dicts and msgspec Structs, exactly as `stix2` serialises them, and written one
object a line by msgspec in json.dumps' spelling (core.jsonio.json_line): the `stix2` classes check every property
as they are made, which took a minute for 100k events; the tests check the bundle with the official
stix2-validator and parse every object with `stix2` instead. Reports, sightings, relationships and citations (most
of a bundle) are Structs made from plain rows, their keys in the order of their fields, a few thousand at a time,
with the garbage collector paused (core.gcpause).

Ids are UUIDv5 of the record's table and id, so exporting the same case again (or a colleague's copy
of it) gives the same STIX ids and a platform updates objects instead of duplicating them.

What STIX cannot hold natively travels in custom properties (STIX 2.1's `x_` properties, which
stix2-validator accepts and other platforms ignore), so that our own import gets the case back:
- every object made from a record: `x_case_workbench_id` (the record's id);
- actors: `x_case_workbench_kind`, `x_case_workbench_aliases` (exactly as stored), `x_case_workbench_color`,
  `x_case_workbench_description` (an identity's STIX description also lists the aliases);
- events (reports): `x_case_workbench_event` (summary, kind, start, end, precision, time note, earliest,
  latest, confidence), `x_case_workbench_actors` ([actor id, role] for every part in it) and
  `x_case_workbench_places`; the sightings derived from an event say so (`x_case_workbench_event_ref`);
- relations: `x_case_workbench_relation` (kind as written, label, directed, start, end, confidence);
- places: `x_case_workbench_place` (name, coordinates, country, kind, other names); an event's places in
  another role than where it happened: `x_case_workbench_place_roles` (place id -> origin or target);
- citations: `x_case_workbench_citations` on the claim's object (id, source, quote, credibility,
  footnote), beside the native external references other platforms show;
- sources: `x_case_workbench_sources` on the case's producer identity (`x_case_workbench_role`: 'case').

NOT_CARRIED names what does not travel: the case's settings, documents and their footnotes, notes,
saved views, chart positions, tags, the audit trail, sources no claim cites, places STIX cannot
locate (no coordinates, no country code) and every record's created_at/updated_at (STIX's created
and modified keep milliseconds; an import stamps its own records).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from urllib.parse import quote as percent_encode

import msgspec

from workbench.core.exporters import atomic_output
from workbench.core.exporters.graphml import CONFIDENCE_SCORES
from workbench.core.gcpause import collector_paused
from workbench.core.jsonio import LINES_AT_A_TIME, write_json_lines
from workbench.core.model import aliases_of
from workbench.core.ops.attributes import attributes_by_actor
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.queries import domain_of
from workbench.core.store import Case

# Fixed namespace for the UUIDv5 of every exported object.
STIX_NAMESPACE = uuid.UUID("6c7e1c3a-2f7b-4f0e-9a51-3d1f0c2b8e11")
IDENTITY_KINDS: dict[str, tuple[str, list[str]]] = {
    "person": ("individual", []),
    "state": ("organization", ["government-national"]),
    "government": ("organization", ["government"]),
    "organization": ("organization", []),
    "media": ("organization", ["communications"]),
    "group": ("group", []),
}
THREAT_ACTOR_KINDS = {"military": ["nation-state"], "security": ["nation-state"]}
INTRUSION_SET_KINDS = {"intrusion set", "intrusion-set", "intrusion_set", "cyber", "apt"}
PREFIX = "x_case_workbench_"
# What a STIX round trip leaves behind (see the module's docstring): whole tables, and columns of every table.
NOT_CARRIED_TABLES = ("meta", "documents", "footnotes", "notes", "views", "actor_layout", "tags", "audit",
                      "questions", "hypotheses", "evidence_rows", "ratings")
NOT_CARRIED_COLUMNS = {"*": ("created_at", "updated_at"), "citations": ("document_id",)}
PLACE_FIELDS = ("name", "lat", "lon", "country", "kind")
SOURCE_FIELDS = ("id", "url", "title", "publisher", "language", "published", "accessed", "reliability", "archived_text")
# RFC 3986's reserved and unreserved characters, and '%' (a URL already percent-encoded stays as it is).
URI_CHARACTERS = ":/?#[]@!$&'()*+,;=-._~%"
CITATION_FIELDS = ("id", "source_id", "quote", "credibility", "footnote")
EPOCH = "1970-01-01T00:00:00.000Z"  # created/modified of a record without stamps


_NAMESPACE_BYTES = STIX_NAMESPACE.bytes


# The hex digit of a UUID's variant nibble (RFC 4122: the top two bits 10) for each digit a hash gives there.
_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


def _ids(kind: str, table: str) -> Callable[[str], str]:
    """`stix_id` of one kind and table, as a function of the record's id: what uuid.uuid5 gives, spelled out (its
    UUID object took a tenth of a 100k-event export), with the hashed prefix and the id's kind made once."""
    prefix, head = _NAMESPACE_BYTES + f"{table}/".encode(), f"{kind}--"

    def made(record_id: str) -> str:
        h = hashlib.sha1(prefix + record_id.encode(), usedforsecurity=False).hexdigest()
        # version 5 in the 13th digit, the variant in the 17th
        return f"{head}{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"
    return made


def stix_id(kind: str, table: str, record_id: str) -> str:
    """`kind--` and the UUIDv5 of `table/record_id` in STIX_NAMESPACE."""
    return _ids(kind, table)(record_id)


def relationship_type(kind: str) -> str:
    """A relation's kind as a STIX relationship type: lowercase ASCII words joined by hyphens."""
    folded = unicodedata.normalize("NFKD", kind).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug or "related-to"


def _stamp(text: str | None) -> str | None:
    """Stored UTC text -> a STIX timestamp (millisecond precision)."""
    if not text:
        return None
    if len(text) == 27:  # microseconds
        return text[:23] + "Z"
    return text[:19] + ".000Z"


def _instant(text: str | None) -> str | None:
    """Stored UTC text -> a STIX timestamp of no fixed precision (published, first_seen, start_time...),
    written as `stix2` writes one: fractional seconds only when they are not zero."""
    stamp = _stamp(text)
    if stamp is None:
        return None
    whole, _, fraction = stamp[:-1].partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}Z" if fraction else f"{whole}Z"


def _object(kind: str, object_id: str, properties: dict[str, Any],
            custom: dict[str, Any] | None = None) -> dict[str, Any]:
    """One STIX 2.1 object as `stix2` serialises it: properties that are None or an empty list
    left out, custom properties last in name order."""
    made: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": object_id}
    for name, value in properties.items():
        if value is not None and value != []:
            made[name] = value
    for name in sorted(custom or ()):
        value = custom[name]  # type: ignore[index]
        if value is not None and value != []:
            made[name] = value
    return made


class _BundleStream:
    """The bundle as UTF-8 JSON to a binary handle, one object a line (readable and diffable), in the spelling of
    json.dumps (core.jsonio.json_line), written as its objects are made, a few thousand at a time: the export of
    100k events never holds its million objects at once, and frees each batch while it is fresh."""

    def __init__(self, handle: BinaryIO, bundle_id: str) -> None:
        self.handle, self.written = handle, 0
        self.pending: list[Any] = []
        handle.write(f'{{"type": "bundle", "id": {json.dumps(bundle_id)}, "objects": [\n'.encode())

    def append(self, made: Any) -> None:
        """One object, made as a dict or a Struct below."""
        self.pending.append(made)
        if len(self.pending) >= LINES_AT_A_TIME:
            self.flush()

    def extend(self, made: list[Any]) -> None:
        """A batch of objects, written at once."""
        self.flush()
        self.pending = made
        self.flush()

    def flush(self) -> None:
        if self.pending:
            self.handle.write(b",\n" if self.written else b"")
            write_json_lines(self.handle, self.pending)
            self.written += len(self.pending)
            self.pending = []

    def close(self) -> None:
        self.flush()
        self.handle.write(b"\n]}\n")


def _dates(row: dict[str, Any]) -> tuple[str, str]:
    created = _stamp(row.get("created_at")) or EPOCH
    modified = _stamp(row.get("updated_at")) or created
    return created, max(created, modified)


# Most of a bundle (reports, sightings, relationships, citations) is made as msgspec Structs rather than dicts: made
# in C from the rows' values, with their keys in their order, and encoded as the dicts would be (a field that is
# None where its default is None is left out, as _object leaves out None). The values are those of the rows, typed
# Any: whatever a row holds is written as it would be from a dict.
class _Citation(msgspec.Struct):
    id: Any
    source_id: Any
    quote: Any
    credibility: Any
    footnote: Any


class _Reference(msgspec.Struct, omit_defaults=True):
    source_name: Any
    description: Any
    url: Any = None


class _EventFields(msgspec.Struct):  # x_case_workbench_event: an event's own fields
    summary: Any
    kind: Any
    start: Any
    end: Any
    time_precision: Any
    time_note: Any
    earliest: Any
    latest: Any
    confidence: Any


class _Object(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What every STIX object of ours begins with, in this order (a subclass's fields follow these)."""

    type: str
    spec_version: str
    id: str
    created_by_ref: str
    created: Any
    modified: Any


class _Report(_Object, kw_only=True, omit_defaults=True):
    name: Any
    description: Any
    report_types: list[str]
    published: Any
    object_refs: list[str]
    confidence: int
    labels: list[Any]
    external_references: list[_Reference] | None = None
    object_marking_refs: list[str] | None = None
    x_case_workbench_actors: list[list[Any]] | None = None
    x_case_workbench_citations: list[_Citation] | None = None
    x_case_workbench_event: _EventFields
    x_case_workbench_id: Any
    x_case_workbench_place_roles: dict[str, Any] | None = None
    x_case_workbench_places: list[str] | None = None


class _Sighting(_Object, kw_only=True, omit_defaults=True):
    description: Any
    first_seen: Any
    last_seen: Any = None
    sighting_of_ref: str
    where_sighted_refs: list[str] | None = None
    confidence: int
    object_marking_refs: list[str] | None = None
    x_case_workbench_event_ref: Any


class _RelationFields(msgspec.Struct):  # x_case_workbench_relation
    kind: Any
    label: Any
    directed: Any
    start: Any
    end: Any
    confidence: Any


class _Relationship(_Object, kw_only=True, omit_defaults=True):
    relationship_type: str
    description: Any
    source_ref: str
    target_ref: str
    start_time: Any = None
    stop_time: Any = None
    confidence: int
    external_references: list[_Reference] | None = None
    object_marking_refs: list[str] | None = None
    x_case_workbench_citations: list[_Citation] | None = None
    x_case_workbench_id: Any
    x_case_workbench_relation: _RelationFields


class _Context(NamedTuple):
    """What every event's objects refer to: the producer, the markings, the actors' and the places' STIX ids."""

    producer_id: str
    marking_refs: list[str] | None
    actors: dict[str, tuple[str, str]]  # actor id -> (STIX type, STIX id)
    locations: dict[str, str]  # place id -> STIX id


Claims = dict[str, dict[str, list[Any]]]  # table -> record id -> its citations (or its references), in id order


def _citations(conn: Any, cites: dict[str, tuple[str, str, str, str | None]]) -> tuple[Claims, Claims, set[str]]:
    """Each claim's citations and external references, in the citations' id order; and the sources they cite.
    `cites`: what a reference takes from each source (its name, its title, its grades, its URL), for the citations
    of the sources in it."""
    # In id order, sorted here: reading the table in its own order and sorting by the ids (unique) is cheaper than
    # SQLite's walk of the id index, which jumps about the table.
    rows = conn.execute("SELECT id, source_id, event_id, relation_id, actor_id, quote, credibility, footnote "
                        "FROM citations").fetchall()
    rows.sort(key=itemgetter(0))
    if not {row[1] for row in rows} <= cites.keys():
        rows = [row for row in rows if row[1] in cites]
    cited: Claims = {"events": defaultdict(list), "relations": defaultdict(list), "actors": defaultdict(list)}
    references: Claims = {"events": defaultdict(list), "relations": defaultdict(list), "actors": defaultdict(list)}
    if not rows:
        return cited, references, set()
    ids, sources, events, relations, actors, quotes, credibilities, footnotes = (
        list(column) for column in zip(*rows, strict=True))
    del rows
    made = map(_Citation, ids, sources, quotes, credibilities, footnotes)
    descriptions = [f"{cites[source][1]} “{quote}” ({cites[source][2]}{credibility}" if quote
                    else f"{cites[source][1]} ({cites[source][2]}{credibility}"
                    for source, quote, credibility in zip(sources, quotes, credibilities, strict=True)]
    refs = map(_Reference, map(itemgetter(0), map(cites.__getitem__, sources)),
               [f"{described}, footnote {footnote})" if footnote else f"{described})"
                for described, footnote in zip(descriptions, footnotes, strict=True)],
               map(itemgetter(3), map(cites.__getitem__, sources)))
    for event, relation, actor, citation, reference in zip(events, relations, actors, made, refs, strict=True):
        table, claim = ("events", event) if event else ("relations", relation) if relation else ("actors", actor)
        cited[table][claim].append(citation)
        references[table][claim].append(reference)
    return cited, references, set(sources)


def _event_objects(conn: Any, context: _Context, cited: dict[str, list[_Citation]],
                   references: dict[str, list[_Reference]], progress: Progress) -> Iterator[tuple[list[Any], int]]:
    """Each event's report followed by the sightings it gives, in the order of the events' ids, a few thousand
    events at a time; each batch with the number of events in it."""
    actors, locations, producer, marking = context.actors, context.locations, context.producer_id, context.marking_refs
    sighted = {actor for actor, (stix_type, _ref) in actors.items() if stix_type in ("threat-actor", "intrusion-set")}
    involved: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, list[list[Any]]] = defaultdict(list)
    for event_id, actor_id, role in conn.execute(
            "SELECT event_id, actor_id, role FROM event_actors ORDER BY event_id, actor_id"):
        if actor_id in actors:
            involved[event_id].append(actor_id)
        roles[event_id].append([actor_id, role])
    kept_places: dict[str, list[str]] = defaultdict(list)
    place_roles: dict[str, dict[str, Any]] = defaultdict(dict)  # where it started from, what it was aimed at
    for event_id, place_id, role in conn.execute(
            "SELECT event_id, place_id, role FROM event_places ORDER BY event_id, place_id"):
        if place_id in locations:
            kept_places[event_id].append(place_id)
        if role != "location":
            at = place_roles[event_id]  # {} when none of its places is one STIX holds: written all the same
            if place_id in locations:
                at[place_id] = role
    where = {event_id: [locations[place] for place in found] for event_id, found in kept_places.items()}
    progress.check()
    rows = conn.execute('SELECT id, title, created_at, updated_at, summary, kind, start, "end", time_precision, '
                        "time_note, earliest, latest, confidence FROM events").fetchall()
    rows.sort(key=itemgetter(0))  # by id (unique), as the citations
    report_id, sighting_id = _ids("report", "events"), _ids("sighting", "events")
    threat = ["threat-report"]
    labels: dict[tuple[Any, Any], list[Any]] = {}
    for first in range(0, len(rows), LINES_AT_A_TIME):
        progress(first, len(rows))
        batch = rows[first:first + LINES_AT_A_TIME]
        made: list[Any] = []
        for row, fields in zip(batch, map(_EventFields, *list(zip(*batch, strict=True))[4:]), strict=True):
            event_id, title, created_at, updated_at, summary, kind, start, end, _precision, note, _earliest, \
                _latest, level = row
            created = _stamp(created_at) or EPOCH
            modified = max(created, _stamp(updated_at) or created)
            refs = [actors[actor][1] for actor in involved[event_id]] if event_id in involved else []
            if event_id in where:
                refs += where[event_id]
            description = summary or title
            if note:
                description += f"\n\nTime: {note}"
            confidence = CONFIDENCE_SCORES.get(level, 50)
            published = _instant(start)
            if (kind, level) not in labels:
                labels[kind, level] = [label for label in ("event", kind, level) if label]
            made.append(_Report(
                type="report", spec_version="2.1", id=report_id(event_id), created_by_ref=producer, created=created,
                modified=modified, name=title, description=description, report_types=threat, published=published,
                object_refs=refs or [producer], confidence=confidence, labels=labels[kind, level],
                external_references=references.get(event_id), object_marking_refs=marking,
                x_case_workbench_actors=roles.get(event_id), x_case_workbench_citations=cited.get(event_id),
                x_case_workbench_event=fields, x_case_workbench_id=event_id,
                x_case_workbench_place_roles=place_roles.get(event_id),
                x_case_workbench_places=kept_places.get(event_id)))
            for actor in involved.get(event_id, ()):
                if actor in sighted:
                    made.append(_Sighting(
                        type="sighting", spec_version="2.1", id=sighting_id(f"{event_id}/{actors[actor][1]}"),
                        created_by_ref=producer, created=created, modified=modified, description=title,
                        first_seen=published, last_seen=_instant(end) if end else None,
                        sighting_of_ref=actors[actor][1],
                        where_sighted_refs=where.get(event_id), confidence=confidence, object_marking_refs=marking,
                        x_case_workbench_event_ref=event_id))
        yield made, len(batch)


def export_stix(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the case as a STIX 2.1 bundle to `out`; returns a one-line summary."""
    with collector_paused():  # a bundle is a few million dicts and lists, none of them in a cycle
        return _export_stix(case, Path(out), progress)


def _export_stix(case: Case, out: Path, progress: Progress) -> str:
    case_id = case.meta("case_id") or str(case.path)
    with atomic_output(out) as partial, partial.open("wb") as handle:
        objects = _BundleStream(handle, stix_id("bundle", "case", case_id))
        summary = _write_objects(case, case_id, objects, progress)
        objects.close()
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return f"Exported a STIX 2.1 bundle ({summary}) to {out}."


def _write_objects(case: Case, case_id: str, objects: _BundleStream, progress: Progress) -> str:
    """Make the bundle's objects in their order into `objects`; returns what was written, in words."""
    conn = case.conn
    case_created = _stamp(case.meta("created_at")) or "1970-01-01T00:00:00.000Z"
    marking_refs: list[str] = []
    if case.classification:
        marking_id = f"marking-definition--{uuid.uuid5(STIX_NAMESPACE, 'marking/' + case.classification)}"
        objects.append(_object("marking-definition", marking_id, {
            "created": case_created, "definition_type": "statement",
            "definition": {"statement": f"Classification: {case.classification}"}}))
        marking_refs = [marking_id]
    # Sources behind each claim, as external references (and, exactly, as custom properties).
    sources = {row["id"]: row for row in case.rows("sources")}
    references: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    cited: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    # What a reference takes from its source, worked out once per source (many claims cite each).
    cites: dict[str, tuple[str, str, str, str | None]] = {}
    for source_id, source in sources.items():
        cites[source_id] = (
            source["publisher"] or domain_of(source["url"]) or "source",
            source["title"] or source["url"],
            f"source reliability {source['reliability']}, information credibility ",
            # a URI, as STIX wants: an IRI's other characters percent-encoded as UTF-8
            percent_encode(source["url"], safe=URI_CHARACTERS) if source["url"] else None)
    cited, references, used = _citations(conn, cites)
    producer_id = stix_id("identity", "case", case_id)
    objects.append(_object("identity", producer_id, {
        "created_by_ref": None, "created": case_created, "modified": case_created,
        "name": f"Case Workbench case: {case.title}", "identity_class": "system",
        "object_marking_refs": marking_refs,
    }, {f"{PREFIX}role": "case", f"{PREFIX}sources": [
        {name: sources[source_id][name] for name in SOURCE_FIELDS} for source_id in sorted(used)]}))

    def carried(table: str, record_id: str, **values: Any) -> dict[str, Any]:
        """The custom properties of one record's object: its id, its citations, `values` (prefixed)."""
        extra = {f"{PREFIX}id": record_id, **{PREFIX + name: value for name, value in values.items()}}
        if table in cited and record_id in cited[table]:
            extra[f"{PREFIX}citations"] = cited[table][record_id]
        return extra
    progress(0.1)

    # actor id -> (STIX type, STIX id)
    actors: dict[str, tuple[str, str]] = {}
    facts = attributes_by_actor(case)
    for row in case.rows("actors", order_by="id"):
        created, modified = _dates(row)
        kind = (row["kind"] or "other").lower()
        stored_aliases = aliases_of(row["aliases"])
        aliases = [a for a in stored_aliases if a != row["name"]]
        values: dict[str, Any] = {"kind": row["kind"], "aliases": stored_aliases, "color": row["color"],
                                  "description": row["description"]}
        if facts.get(row["id"]):  # typed attributes: x_case_workbench_attributes, a list of {key, type, value}
            values["attributes"] = [{"key": key, "type": value_type, "value": value}
                                    for key, value_type, value in facts[row["id"]]]
        base: dict[str, Any] = {"created_by_ref": producer_id, "created": created, "modified": modified,
                                "name": row["name"], "description": row["description"] or None}
        tail = {"external_references": references["actors"].get(row["id"]),
                "object_marking_refs": marking_refs}
        if kind in THREAT_ACTOR_KINDS:
            stix_type = "threat-actor"
            properties = {**base, "threat_actor_types": THREAT_ACTOR_KINDS[kind], "aliases": aliases or None, **tail}
        elif kind in INTRUSION_SET_KINDS:
            stix_type = "intrusion-set"
            properties = {**base, "aliases": aliases or None, **tail}
        else:
            stix_type = "identity"
            identity_class, sectors = IDENTITY_KINDS.get(kind, ("unknown", []))
            if aliases:
                base["description"] = ((base["description"] or "") + "\n\nAlso known as: "
                                       + "; ".join(aliases)).strip()
            properties = {**base, "identity_class": identity_class, "sectors": sectors or None, **tail}
        actor_id = stix_id(stix_type, "actors", row["id"])
        actors[row["id"]] = (stix_type, actor_id)
        objects.append(_object(stix_type, actor_id, properties, carried("actors", row["id"], **values)))
    progress.check()
    progress(0.25)

    locations: dict[str, str] = {}
    for row in case.rows("places", order_by="id"):
        created, modified = _dates(row)
        place: dict[str, Any] = {"created_by_ref": producer_id, "created": created, "modified": modified,
                                 "name": row["name"]}
        if row["lat"] is not None and row["lon"] is not None:
            place.update(latitude=float(row["lat"]), longitude=float(row["lon"]))
        elif re.fullmatch(r"[A-Za-z]{2}", row["country"] or ""):
            place["country"] = row["country"].upper()
        else:
            continue  # STIX needs coordinates, a region or a country code
        if row["country"] and "country" not in place and re.fullmatch(r"[A-Za-z]{2}", row["country"]):
            place["country"] = row["country"].upper()
        place["object_marking_refs"] = marking_refs
        locations[row["id"]] = stix_id("location", "places", row["id"])
        objects.append(_object("location", locations[row["id"]], place, carried("places", row["id"], place={
            **{k: row[k] for k in PLACE_FIELDS}, "aliases": aliases_of(row["aliases"])})))

    event_count = sightings = 0
    context = _Context(producer_id, marking_refs or None, actors, locations)
    for made, events in _event_objects(conn, context, cited["events"], references["events"],
                                       progress.part(0.3, 0.7)):
        objects.extend(made)
        event_count, sightings = event_count + events, sightings + len(made) - events
    progress(0.7)

    relations = conn.execute('SELECT id, from_actor_id, to_actor_id, created_at, updated_at, kind, label, directed, '
                             'start, "end", confidence FROM relations').fetchall()
    relations.sort(key=itemgetter(0))  # by id (unique), as the citations
    relationship_id = _ids("relationship", "relations")
    kinds = {kind: relationship_type(kind) for kind in {row[5] for row in relations}}
    relation_cited, relation_references = cited["relations"], references["relations"]
    for number, row in enumerate(relations):
        if number % 2000 == 0:
            progress.check()
        relation_id, from_actor, to_actor, created_at, updated_at, kind, label, directed, start, end, level = row
        source, target = actors.get(from_actor), actors.get(to_actor)
        if source is None or target is None:
            continue
        created = _stamp(created_at) or EPOCH
        begins, ends = _stamp(start), _stamp(end)
        objects.append(_Relationship(
            type="relationship", spec_version="2.1", id=relationship_id(relation_id), created_by_ref=producer_id,
            created=created, modified=max(created, _stamp(updated_at) or created), relationship_type=kinds[kind],
            description=label or kind, source_ref=source[1], target_ref=target[1], start_time=_instant(start),
            # STIX wants stop_time strictly after start_time
            stop_time=_instant(end) if ends and (begins is None or ends > begins) else None,
            confidence=CONFIDENCE_SCORES.get(level, 50), external_references=relation_references.get(relation_id),
            object_marking_refs=marking_refs or None, x_case_workbench_citations=relation_cited.get(relation_id),
            x_case_workbench_id=relation_id,
            x_case_workbench_relation=_RelationFields(kind, label, directed, start, end, level)))
    progress.check()
    progress(0.85)
    return (f"{len(actors)} actors, {event_count} events as reports, {sightings} sightings, {len(relations)} "
            f"relationships, {len(locations)} locations")
