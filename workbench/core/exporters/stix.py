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

The objects are built as plain dicts, exactly as `stix2` serialises them, and written one object a line
by msgspec in json.dumps' spelling (core.jsonio.json_line): the `stix2` classes check every property as
they are made, which took a minute for 100k events; the tests check the bundle with the official
stix2-validator and parse every object with `stix2` instead. Reports and sightings (most of a bundle)
are built key by key from plain rows, with the garbage collector paused (core.gcpause).

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
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote as percent_encode

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
EVENT_FIELDS = ("summary", "kind", "start", "end", "time_precision", "time_note", "earliest", "latest", "confidence")
RELATION_FIELDS = ("kind", "label", "directed", "start", "end", "confidence")
PLACE_FIELDS = ("name", "lat", "lon", "country", "kind")
SOURCE_FIELDS = ("id", "url", "title", "publisher", "language", "published", "accessed", "reliability", "archived_text")
# RFC 3986's reserved and unreserved characters, and '%' (a URL already percent-encoded stays as it is).
URI_CHARACTERS = ":/?#[]@!$&'()*+,;=-._~%"
CITATION_FIELDS = ("id", "source_id", "quote", "credibility", "footnote")
EPOCH = "1970-01-01T00:00:00.000Z"  # created/modified of a record without stamps


_NAMESPACE_BYTES = STIX_NAMESPACE.bytes


def stix_id(kind: str, table: str, record_id: str) -> str:
    """`kind--` and the UUIDv5 of `table/record_id` in STIX_NAMESPACE: what uuid.uuid5 gives, spelled out
    (its UUID object took a tenth of a 100k-event export)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{table}/{record_id}".encode(),
                                    usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{kind}--{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


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
    100k events never holds its million dicts and lists at once, and frees each batch while it is fresh."""

    def __init__(self, handle: BinaryIO, bundle_id: str) -> None:
        self.handle, self.pending, self.written = handle, [], 0
        handle.write(f'{{"type": "bundle", "id": {json.dumps(bundle_id)}, "objects": [\n'.encode())

    def append(self, made: dict[str, Any]) -> None:
        self.pending.append(made)
        if len(self.pending) >= LINES_AT_A_TIME:
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
    # In id order, sorted here: reading the table in its own order and sorting the tuples (their ids are unique)
    # is cheaper than SQLite's walk of the id index, which jumps about the table.
    citations = conn.execute("SELECT id, source_id, event_id, relation_id, actor_id, quote, credibility, footnote "
                             "FROM citations").fetchall()
    citations.sort()
    for citation_id, source_id, event_id, relation_id, actor_id, quote, credibility, footnote in citations:
        cite = cites.get(source_id)
        if cite is None:
            continue
        claim = (("events", event_id) if event_id else ("relations", relation_id) if relation_id
                 else ("actors", actor_id))
        cited[claim].append({"id": citation_id, "source_id": source_id, "quote": quote,
                             "credibility": credibility, "footnote": footnote})
        source_name, head, grades, url = cite
        description = (f"{head} “{quote}” ({grades}{credibility}" if quote else f"{head} ({grades}{credibility}")
        description += f", footnote {footnote})" if footnote else ")"
        reference: dict[str, Any] = {"source_name": source_name, "description": description}
        if url is not None:
            reference["url"] = url
        references[claim].append(reference)
    used = sorted({c["source_id"] for claims in cited.values() for c in claims})
    producer_id = stix_id("identity", "case", case_id)
    objects.append(_object("identity", producer_id, {
        "created_by_ref": None, "created": case_created, "modified": case_created,
        "name": f"Case Workbench case: {case.title}", "identity_class": "system",
        "object_marking_refs": marking_refs,
    }, {f"{PREFIX}role": "case", f"{PREFIX}sources": [
        {name: sources[source_id][name] for name in SOURCE_FIELDS} for source_id in used]}))

    def carried(table: str, record_id: str, **values: Any) -> dict[str, Any]:
        """The custom properties of one record's object: its id, its citations, `values` (prefixed)."""
        extra = {f"{PREFIX}id": record_id, **{PREFIX + name: value for name, value in values.items()}}
        if cited.get((table, record_id)):
            extra[f"{PREFIX}citations"] = cited[(table, record_id)]
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
        tail = {"external_references": references.get(("actors", row["id"])) or None,
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

    participants: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, list[list[str]]] = defaultdict(list)
    for event_id, actor_id, role in conn.execute(
            "SELECT event_id, actor_id, role FROM event_actors ORDER BY event_id, actor_id"):
        participants[event_id].append(actor_id)
        roles[event_id].append([actor_id, role])
    places_of: dict[str, list[str]] = defaultdict(list)
    place_roles: dict[str, dict[str, str]] = defaultdict(dict)  # where it started from, what it was aimed at
    for event_id, place_id, role in conn.execute(
            "SELECT event_id, place_id, role FROM event_places ORDER BY event_id, place_id"):
        places_of[event_id].append(place_id)
        if role != "location":
            place_roles[event_id][place_id] = role
    # Reports and sightings are most of the bundle: built here key by key in _object's order (None and []
    # left out, custom properties last in name order), from plain rows, with nothing made twice.
    rows = conn.execute('SELECT id, title, created_at, updated_at, summary, kind, start, "end", time_precision, '
                        "time_note, earliest, latest, confidence FROM events").fetchall()
    rows.sort()  # by id (unique), as the citations above
    event_count = len(rows)
    sightings = 0
    for number, row in enumerate(rows):
        if number % 2000 == 0:
            progress.check()
            progress(0.3 + 0.4 * number / max(1, event_count))
        event_id, title, created_at, updated_at, summary, kind, start, end, _precision, note, _earliest, _latest, \
            level = row
        created = _stamp(created_at) or EPOCH
        modified = max(created, _stamp(updated_at) or created)
        involved = [actors[a] for a in participants.get(event_id, ()) if a in actors]
        kept_places = [p for p in places_of.get(event_id, ()) if p in locations]
        where = [locations[p] for p in kept_places]
        refs = [actor_id for _type, actor_id in involved] + where or [producer_id]
        description = summary or title
        if note:
            description += f"\n\nTime: {note}"
        confidence = CONFIDENCE_SCORES.get(level, 50)
        published = _instant(start)
        report: dict[str, Any] = {
            "type": "report", "spec_version": "2.1", "id": stix_id("report", "events", event_id),
            "created_by_ref": producer_id, "created": created, "modified": modified, "name": title,
            "description": description, "report_types": ["threat-report"], "published": published,
            "object_refs": refs, "confidence": confidence,
            "labels": [label for label in ("event", kind, level) if label]}
        external = references.get(("events", event_id))
        if external:
            report["external_references"] = external
        if marking_refs:
            report["object_marking_refs"] = marking_refs
        if event_id in roles:
            report[f"{PREFIX}actors"] = roles[event_id]
        if ("events", event_id) in cited:
            report[f"{PREFIX}citations"] = cited[("events", event_id)]
        report[f"{PREFIX}event"] = dict(zip(EVENT_FIELDS, row[4:], strict=True))
        report[f"{PREFIX}id"] = event_id
        if event_id in place_roles:
            report[f"{PREFIX}place_roles"] = {p: r for p, r in place_roles[event_id].items() if p in locations}
        if kept_places:
            report[f"{PREFIX}places"] = kept_places
        objects.append(report)
        for stix_type, actor_id in involved:
            if stix_type not in ("threat-actor", "intrusion-set"):
                continue
            sighting: dict[str, Any] = {
                "type": "sighting", "spec_version": "2.1",
                "id": stix_id("sighting", "events", f"{event_id}/{actor_id}"),
                "created_by_ref": producer_id, "created": created, "modified": modified, "description": title,
                "first_seen": published}
            if end:
                sighting["last_seen"] = _instant(end)
            sighting["sighting_of_ref"] = actor_id
            if where:
                sighting["where_sighted_refs"] = where
            sighting["confidence"] = confidence
            if marking_refs:
                sighting["object_marking_refs"] = marking_refs
            sighting[f"{PREFIX}event_ref"] = event_id
            objects.append(sighting)
            sightings += 1
    progress(0.7)

    relations = case.rows("relations", order_by="id")
    for number, row in enumerate(relations):
        if number % 2000 == 0:
            progress.check()
        source, target = actors.get(row["from_actor_id"]), actors.get(row["to_actor_id"])
        if source is None or target is None:
            continue
        created, modified = _dates(row)
        start, end = _stamp(row["start"]), _stamp(row["end"])
        objects.append(_object("relationship", stix_id("relationship", "relations", row["id"]), {
            "created_by_ref": producer_id, "created": created, "modified": modified,
            "relationship_type": relationship_type(row["kind"]), "description": row["label"] or row["kind"],
            "source_ref": source[1], "target_ref": target[1],
            "start_time": _instant(row["start"]),
            # STIX wants stop_time strictly after start_time
            "stop_time": _instant(row["end"]) if end and (start is None or end > start) else None,
            "confidence": CONFIDENCE_SCORES.get(row["confidence"], 50),
            "external_references": references.get(("relations", row["id"])) or None,
            "object_marking_refs": marking_refs,
        }, carried("relations", row["id"], relation={k: row[k] for k in RELATION_FIELDS})))
    progress.check()
    progress(0.85)
    return (f"{len(actors)} actors, {event_count} events as reports, {sightings} sightings, {len(relations)} "
            f"relationships, {len(locations)} locations")
