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

The objects are built as plain dicts and written by the C JSON encoder, one object a line: the
`stix2` classes check every property as they are made, which took a minute for 100k events; the
tests check the bundle with the official stix2-validator and parse every object with `stix2` instead.

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

import json
import re
import unicodedata
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote as percent_encode

from workbench.core.exporters import atomic_output
from workbench.core.exporters.graphml import CONFIDENCE_SCORES
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


def stix_id(kind: str, table: str, record_id: str) -> str:
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, f'{table}/{record_id}')}"


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


def bundle_json(bundle_id: str, objects: list[dict[str, Any]]) -> str:
    """The bundle as JSON, one object a line (readable, diffable, and written by the C encoder)."""
    lines = ",\n".join(json.dumps(obj, ensure_ascii=False) for obj in objects)
    return f'{{"type": "bundle", "id": {json.dumps(bundle_id)}, "objects": [\n{lines}\n]}}\n'


def _dates(row: dict[str, Any]) -> tuple[str, str]:
    created = _stamp(row.get("created_at")) or "1970-01-01T00:00:00.000Z"
    modified = _stamp(row.get("updated_at")) or created
    return created, max(created, modified)


def export_stix(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the case as a STIX 2.1 bundle to `out`; returns a one-line summary."""
    out = Path(out)
    conn = case.conn
    case_id = case.meta("case_id") or str(case.path)
    case_created = _stamp(case.meta("created_at")) or "1970-01-01T00:00:00.000Z"
    objects: list[dict[str, Any]] = []
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
    cursor = conn.execute("SELECT id, source_id, event_id, relation_id, actor_id, quote, credibility, footnote "
                          "FROM citations ORDER BY id")
    for citation_id, source_id, event_id, relation_id, actor_id, quote, credibility, footnote in cursor:
        source = sources.get(source_id)
        if source is None:
            continue
        claim = (("events", event_id) if event_id else ("relations", relation_id) if relation_id
                 else ("actors", actor_id))
        cited[claim].append({"id": citation_id, "source_id": source_id, "quote": quote,
                             "credibility": credibility, "footnote": footnote})
        words = [source["title"] or source["url"]]
        if quote:
            words.append(f"“{quote}”")
        grades = f"source reliability {source['reliability']}, information credibility {credibility}"
        if footnote:
            grades += f", footnote {footnote}"
        reference: dict[str, Any] = {
            "source_name": source["publisher"] or domain_of(source["url"]) or "source",
            "description": " ".join(words) + f" ({grades})",
        }
        if source["url"]:  # a URI, as STIX wants: an IRI's other characters percent-encoded as UTF-8
            reference["url"] = percent_encode(source["url"], safe=URI_CHARACTERS)
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
    events = case.rows("events", order_by="id")
    event_count = len(events)
    sightings = 0
    for number, row in enumerate(events):
        if number % 2000 == 0:
            progress.check()
            progress(0.3 + 0.4 * number / max(1, event_count))
        created, modified = _dates(row)
        involved = [actors[a] for a in participants.get(row["id"], ()) if a in actors]
        where = [locations[p] for p in places_of.get(row["id"], ()) if p in locations]
        refs = [actor_id for _type, actor_id in involved] + where or [producer_id]
        description = row["summary"] or row["title"]
        if row["time_note"]:
            description += f"\n\nTime: {row['time_note']}"
        labels = [label for label in ("event", row["kind"], row["confidence"]) if label]
        confidence = CONFIDENCE_SCORES.get(row["confidence"], 50)
        objects.append(_object("report", stix_id("report", "events", row["id"]), {
            "created_by_ref": producer_id, "created": created, "modified": modified, "name": row["title"],
            "description": description, "report_types": ["threat-report"], "published": _instant(row["start"]),
            "object_refs": refs, "confidence": confidence, "labels": labels,
            "external_references": references.get(("events", row["id"])) or None,
            "object_marking_refs": marking_refs,
        }, carried("events", row["id"], event={k: row[k] for k in EVENT_FIELDS}, actors=roles.get(row["id"], []),
                   places=[p for p in places_of.get(row["id"], ()) if p in locations],
                   **({"place_roles": {p: r for p, r in place_roles[row["id"]].items() if p in locations}}
                      if place_roles.get(row["id"]) else {}))))
        for stix_type, actor_id in involved:
            if stix_type not in ("threat-actor", "intrusion-set"):
                continue
            objects.append(_object("sighting", stix_id("sighting", "events", f"{row['id']}/{actor_id}"), {
                "created_by_ref": producer_id, "created": created, "modified": modified,
                "description": row["title"], "first_seen": _instant(row["start"]),
                "last_seen": _instant(row["end"]), "sighting_of_ref": actor_id, "where_sighted_refs": where or None,
                "confidence": confidence, "object_marking_refs": marking_refs,
            }, {f"{PREFIX}event_ref": row["id"]}))
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

    text = bundle_json(stix_id("bundle", "case", case_id), objects)
    with atomic_output(out) as partial:
        partial.write_text(text, encoding="utf-8")
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return (f"Exported a STIX 2.1 bundle ({len(actors)} actors, {event_count} events as reports, {sightings} "
            f"sightings, {len(relations)} relationships, {len(locations)} locations) to {out}.")
