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

import re
import unicodedata
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

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


def _dates(row: dict[str, Any]) -> tuple[str, str]:
    created = _stamp(row.get("created_at")) or "1970-01-01T00:00:00.000Z"
    modified = _stamp(row.get("updated_at")) or created
    return created, max(created, modified)


def export_stix(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Write the case as a STIX 2.1 bundle to `out`; returns a one-line summary."""
    import stix2

    out = Path(out)
    conn = case.conn
    case_id = case.meta("case_id") or str(case.path)
    case_created = _stamp(case.meta("created_at")) or "1970-01-01T00:00:00.000Z"
    objects: list[Any] = []
    marking_refs: list[str] = []
    if case.classification:
        marking = stix2.MarkingDefinition(
            id=f"marking-definition--{uuid.uuid5(STIX_NAMESPACE, 'marking/' + case.classification)}",
            created=case_created, definition_type="statement",
            definition=stix2.StatementMarking(statement=f"Classification: {case.classification}"),
        )
        objects.append(marking)
        marking_refs = [marking.id]
    # Sources behind each claim, as external references (and, exactly, as custom properties).
    sources = {row["id"]: row for row in case.rows("sources")}
    references: dict[tuple[str, str], list[Any]] = defaultdict(list)
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
        if source["url"]:
            reference["url"] = source["url"]
        references[claim].append(stix2.ExternalReference(**reference))
    used = sorted({c["source_id"] for claims in cited.values() for c in claims})
    producer = stix2.Identity(
        id=stix_id("identity", "case", case_id), created=case_created, modified=case_created,
        name=f"Case Workbench case: {case.title}", identity_class="system", object_marking_refs=marking_refs,
        custom_properties={f"{PREFIX}role": "case", f"{PREFIX}sources": [
            {name: sources[source_id][name] for name in SOURCE_FIELDS} for source_id in used]},
    )
    objects.append(producer)
    common = {"created_by_ref": producer.id, "object_marking_refs": marking_refs}

    def carried(table: str, record_id: str, **values: Any) -> dict[str, Any]:
        """The custom properties of one record's object: its id, its citations, `values` (prefixed)."""
        extra = {f"{PREFIX}id": record_id, **{PREFIX + name: value for name, value in values.items()}}
        if cited.get((table, record_id)):
            extra[f"{PREFIX}citations"] = cited[(table, record_id)]
        return {"custom_properties": extra}
    progress(0.1)

    actors: dict[str, Any] = {}
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
        base = dict(common, created=created, modified=modified, name=row["name"],
                    external_references=references.get(("actors", row["id"])) or None,
                    **carried("actors", row["id"], **values))
        if row["description"]:
            base["description"] = row["description"]
        if kind in THREAT_ACTOR_KINDS:
            actor = stix2.ThreatActor(id=stix_id("threat-actor", "actors", row["id"]),
                                      threat_actor_types=THREAT_ACTOR_KINDS[kind], aliases=aliases or None, **base)
        elif kind in INTRUSION_SET_KINDS:
            actor = stix2.IntrusionSet(id=stix_id("intrusion-set", "actors", row["id"]), aliases=aliases or None,
                                       **base)
        else:
            identity_class, sectors = IDENTITY_KINDS.get(kind, ("unknown", []))
            if aliases:
                base["description"] = (base.get("description", "") + "\n\nAlso known as: " + "; ".join(aliases)).strip()
            actor = stix2.Identity(id=stix_id("identity", "actors", row["id"]), identity_class=identity_class,
                                   sectors=sectors or None, **base)
        actors[row["id"]] = actor
        objects.append(actor)
    progress.check()
    progress(0.25)

    locations: dict[str, Any] = {}
    for row in case.rows("places", order_by="id"):
        created, modified = _dates(row)
        place: dict[str, Any] = dict(common, created=created, modified=modified, name=row["name"])
        if row["lat"] is not None and row["lon"] is not None:
            place.update(latitude=float(row["lat"]), longitude=float(row["lon"]))
        elif re.fullmatch(r"[A-Za-z]{2}", row["country"] or ""):
            place["country"] = row["country"].upper()
        else:
            continue  # STIX needs coordinates, a region or a country code
        if row["country"] and "country" not in place and re.fullmatch(r"[A-Za-z]{2}", row["country"]):
            place["country"] = row["country"].upper()
        locations[row["id"]] = stix2.Location(id=stix_id("location", "places", row["id"]), **place,
                                              **carried("places", row["id"], place={
                                                  **{k: row[k] for k in PLACE_FIELDS},
                                                  "aliases": aliases_of(row["aliases"])}))
        objects.append(locations[row["id"]])

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
    sightings = 0
    for number, row in enumerate(events):
        if number % 2000 == 0:
            progress.check()
            progress(0.3 + 0.4 * number / max(1, len(events)))
        created, modified = _dates(row)
        involved = [actors[a] for a in participants.get(row["id"], ()) if a in actors]
        where = [locations[p] for p in places_of.get(row["id"], ()) if p in locations]
        refs = [o.id for o in involved] + [o.id for o in where] or [producer.id]
        description = row["summary"] or row["title"]
        if row["time_note"]:
            description += f"\n\nTime: {row['time_note']}"
        labels = [label for label in ("event", row["kind"], row["confidence"]) if label]
        objects.append(stix2.Report(
            id=stix_id("report", "events", row["id"]), created=created, modified=modified, name=row["title"],
            description=description, published=_stamp(row["start"]), report_types=["threat-report"],
            object_refs=refs, confidence=CONFIDENCE_SCORES.get(row["confidence"], 50), labels=labels,
            external_references=references.get(("events", row["id"])) or None, **common,
            **carried("events", row["id"], event={k: row[k] for k in EVENT_FIELDS}, actors=roles.get(row["id"], []),
                      places=[p for p in places_of.get(row["id"], ()) if p in locations],
                      **({"place_roles": {p: r for p, r in place_roles[row["id"]].items() if p in locations}}
                         if place_roles.get(row["id"]) else {})),
        ))
        for actor in involved:
            if actor.type not in ("threat-actor", "intrusion-set"):
                continue
            sighting: dict[str, Any] = dict(common, created=created, modified=modified, sighting_of_ref=actor.id,
                                            first_seen=_stamp(row["start"]), description=row["title"],
                                            confidence=CONFIDENCE_SCORES.get(row["confidence"], 50))
            if row["end"]:
                sighting["last_seen"] = _stamp(row["end"])
            if where:
                sighting["where_sighted_refs"] = [o.id for o in where]
            objects.append(stix2.Sighting(id=stix_id("sighting", "events", f"{row['id']}/{actor.id}"), **sighting,
                                          custom_properties={f"{PREFIX}event_ref": row["id"]}))
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
        relationship: dict[str, Any] = dict(
            common, created=created, modified=modified, relationship_type=relationship_type(row["kind"]),
            source_ref=source.id, target_ref=target.id, confidence=CONFIDENCE_SCORES.get(row["confidence"], 50),
            description=row["label"] or row["kind"],
            external_references=references.get(("relations", row["id"])) or None,
            **carried("relations", row["id"], relation={k: row[k] for k in RELATION_FIELDS}),
        )
        start, end = _stamp(row["start"]), _stamp(row["end"])
        if start:
            relationship["start_time"] = start
        if end and (start is None or end > start):  # STIX wants stop_time strictly after start_time
            relationship["stop_time"] = end
        objects.append(stix2.Relationship(id=stix_id("relationship", "relations", row["id"]), **relationship))
    progress.check()
    progress(0.85)

    bundle = stix2.Bundle(id=stix_id("bundle", "case", case_id), objects=objects, allow_custom=True)
    with atomic_output(out) as partial:
        # Not pretty=True: stix2 then orders every property by a search that took minutes on 1k events.
        partial.write_text(bundle.serialize(indent=1, ensure_ascii=False), encoding="utf-8")
        progress(1.0)  # the last point where Cancel is heard: the file is not in place yet
    return (f"Exported a STIX 2.1 bundle ({len(actors)} actors, {len(events)} events as reports, {sightings} "
            f"sightings, {len(relations)} relationships, {len(locations)} locations) to {out}.")
