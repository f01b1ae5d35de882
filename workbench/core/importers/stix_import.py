"""STIX 2.1 bundles in, parsed with the `stix2` library. Every type of STIX 2.1 object is mapped or
reported:

- threat-actor, intrusion-set, campaign, identity -> actors; malware, tool, attack-pattern and
  infrastructure -> actors of their own kind ('malware', 'tool', 'attack pattern', 'infrastructure');
  the identity that only produced the bundle (created_by_ref, nothing else) is no actor;
- location -> places; sighting, incident, observed-data -> events; report -> a document;
- indicator, vulnerability, course-of-action, note, opinion, malware-analysis, grouping -> notes,
  each on the record its first relationship (or object_refs) names, its other ties in its text;
- relationship -> a relation between two actors, an actor's part in an event (role = the type), an
  event's place, or a line of a note; external references with URLs -> sources cited by the object;
- everything else (cyber observables, marking and extension definitions, language content, and
  relationships whose ends are not imported) is reported: a count per type in the review
  (`Plan.notes`) and the skipped objects by id in a note written with the import.

A bundle from our own export (`core.exporters.stix`) carries what STIX cannot hold in
`x_case_workbench_*` properties: records come back with their ids, actor kinds, an event's times,
precision, confidence, parts and places, relation direction and confidence, citations with grades,
and sources as they were. Our derived sightings and our producer identity are not imported again.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from workbench.core.confidence import CONFIDENCE_LEVELS
from workbench.core.importers.names import ActorIndex, alias_proposal, new_spelling
from workbench.core.importers.proposals import Plan, Proposal, clean_url, stable_id, strict_json, url_key
from workbench.core.importers.report import source_values
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT

PREFIX = "x_case_workbench_"
# STIX 2.1's domain and relationship objects, and what each becomes.
ACTOR_TYPES = {"threat-actor": "group", "intrusion-set": "group", "campaign": "campaign", "identity": "organization",
               "malware": "malware", "tool": "tool", "attack-pattern": "attack pattern",
               "infrastructure": "infrastructure"}
EVENT_TYPES = {"sighting", "incident", "observed-data"}
NOTE_TYPES = {"indicator", "vulnerability", "course-of-action", "note", "opinion", "malware-analysis", "grouping"}
SDO_TYPES = set(ACTOR_TYPES) | {"location", "report", "incident", "observed-data"} | NOTE_TYPES
SRO_TYPES = {"relationship", "sighting"}
IDENTITY_KINDS = {"individual": "person", "group": "group", "organization": "organization", "class": "group",
                  "system": "other"}
MAX_NOTE_IDS = 2000  # skipped ids listed in the note; more are counted


def is_stix(data: Any) -> bool:
    """A bundle, or one STIX object alone (the OASIS examples hold some so)."""
    return isinstance(data, dict) and (
        (data.get("type") == "bundle" and isinstance(data.get("objects"), list)) or _lone_object(data))


def _lone_object(data: dict[str, Any]) -> bool:
    kind, stix_id = data.get("type"), data.get("id")
    return (isinstance(kind, str) and isinstance(stix_id, str) and stix_id.startswith(f"{kind}--")
            and "spec_version" in data)


def _stamp(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return value.strftime(UTC_FORMAT)  # stix2 gives STIXdatetime (aware, UTC)
    except AttributeError:
        return None


def _text(obj: Any, key: str) -> str:
    """A text property; a custom property of another type (allow_custom lets any JSON through) counts as none."""
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _list(obj: Any, key: str) -> list[Any]:
    value = obj.get(key)
    return list(value) if isinstance(value, (list, tuple)) else []


def _dict(obj: Any, key: str) -> dict[str, Any]:
    value = obj.get(PREFIX + key)
    return dict(value) if isinstance(value, dict) else {}


def _confidence(value: Any) -> str:
    """STIX 0-100 -> our words, the inverse of the export's scale (confirmed 95, likely 70, reported 50,
    possible 30, unverified 15)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return "reported"
    value = int(value)
    return ("confirmed" if value >= 90 else "likely" if value >= 60 else "reported" if value >= 45
            else "possible" if value >= 25 else "unverified")


def _level(carried: Any, score: Any) -> str:
    return carried if isinstance(carried, str) and carried in CONFIDENCE_LEVELS else _confidence(score)


def propose_stix(case: Case, data: dict[str, Any], name: str) -> Plan:
    """A STIX bundle -> proposals; objects stix2 cannot parse are listed as rejected with their number."""
    import stix2  # parsing only; stix2 never touches the network for this

    plan = Plan(name=name, summary_kind="stix")
    if data.get("type") != "bundle" and _lone_object(data):
        data = {"type": "bundle", "objects": [data]}
    parsed: list[Any] = []
    for number, raw in enumerate(data.get("objects", []), start=1):
        try:
            obj = stix2.parse(raw, allow_custom=True, version="2.1")
        except Exception as error:  # stix2 raises many kinds; each is one rejected object
            kind = raw.get("type", "?") if isinstance(raw, dict) else "?"
            plan.rejected.append((number, f"{kind}: {str(error).splitlines()[0][:160]}"))
            continue
        # allow_custom lets an object of an unknown type through unchecked: it needs a type and an id at least
        if not isinstance(obj.get("type"), str) or not isinstance(obj.get("id"), str):
            plan.rejected.append((number, "an object without a text type and id"))
            continue
        parsed.append(obj)
    reader = _Reader(case, plan, parsed)
    reader.read()
    return plan


class _Reader:
    """One bundle's objects -> the plan's proposals, with what became of each object."""

    def __init__(self, case: Case, plan: Plan, parsed: list[Any]) -> None:
        self.case, self.plan, self.parsed = case, plan, parsed
        self.index = ActorIndex(case.rows("actors"))
        self.known_sources = {url_key(url): sid for sid, url in case.conn.execute("SELECT id, url FROM sources") if url}
        self.ids: dict[str, tuple[str, str]] = {}  # stix id -> (kind, our id)
        self.records: dict[str, str] = {}  # an exported record's id (x_case_workbench_id) -> our id
        self.outcome: dict[str, Counter[str]] = defaultdict(Counter)  # stix type -> what it became -> count
        self.skipped: list[tuple[str, str]] = []  # (type, id) of objects not imported
        self.notes: dict[str, Proposal] = {}  # stix id -> the note it became
        self.names: dict[str, str] = {}  # stix id -> its name, for notes' lines
        self.keys: set[str] = set()
        self.sources: dict[str, dict[str, Any]] = {}  # exported source id -> its record (our own bundles)

    def add(self, proposal: Proposal) -> Proposal:
        if proposal.key not in self.keys:
            self.keys.add(proposal.key)
            self.plan.add(proposal)
        return proposal

    def became(self, obj: Any, what: str) -> None:
        self.outcome[obj["type"]][what] += 1

    def skip(self, obj: Any, why: str) -> None:
        self.became(obj, f"not imported ({why})")
        self.skipped.append((obj["type"], obj["id"]))

    def our_id(self, obj: Any) -> str:
        carried = obj.get(PREFIX + "id")
        return carried if isinstance(carried, str) and carried.strip() else stable_id("stix", obj["id"])

    def read(self) -> None:
        producers = self._producers()
        for obj in self.parsed:
            self.names[obj["id"]] = _text(obj, "name") or _text(obj, "abstract") or obj["id"]
            if obj.get(PREFIX + "role") == "case":
                for source in _list(obj, PREFIX + "sources"):
                    if isinstance(source, dict) and isinstance(source.get("id"), str):
                        self.sources[source["id"]] = source
        for obj in self.parsed:
            kind = obj["type"]
            if kind == "identity" and obj["id"] in producers:
                self.became(obj, "not an actor (the bundle's producer)")
            elif kind in ACTOR_TYPES:
                self._actor(obj)
            elif kind == "location":
                self._place(obj)
            elif kind == "report" and isinstance(obj.get(PREFIX + "event"), dict):
                self._our_event(obj)
            elif kind == "report":
                self._document(obj)
            elif kind == "sighting" and obj.get(PREFIX + "event_ref"):
                self.became(obj, "part of its event (our own export)")
            elif kind in EVENT_TYPES:
                self._event(obj)
            elif kind in NOTE_TYPES:
                self._note(obj)
            elif kind == "marking-definition":
                self.became(obj, "a marking (not imported: the case has its own)")
            elif kind != "relationship":
                self.skip(obj, "no counterpart in a case" if kind not in SDO_TYPES else "not mapped")
        for obj in self.parsed:
            if obj["type"] == "relationship":
                self._relationship(obj)
            elif obj["type"] == "sighting" and obj["id"] in self.ids:
                self._sighting_links(obj)
            elif obj["type"] == "report" and self.ids.get(obj["id"], ("",))[0] == "event":
                self._our_event_links(obj)
        for obj in self.parsed:
            self._citations(obj)
        self._report()

    def _producers(self) -> set[str]:
        """Identities that only produced objects: named as created_by_ref and in no relationship, sighting or list."""
        creators = {obj["created_by_ref"] for obj in self.parsed if isinstance(obj.get("created_by_ref"), str)}
        tied: set[str] = set()
        for obj in self.parsed:
            for key in ("source_ref", "target_ref", "sighting_of_ref"):
                if isinstance(obj.get(key), str):
                    tied.add(obj[key])
            for key in ("object_refs", "where_sighted_refs", "observed_data_refs"):
                tied.update(ref for ref in _list(obj, key) if isinstance(ref, str))
        ours = {obj["id"] for obj in self.parsed if obj.get(PREFIX + "role") == "case"}
        return {ref for ref in creators if ref not in tied} | ours

    # objects
    def _actor(self, obj: Any) -> None:
        kind = obj["type"]
        name = " ".join(_text(obj, "name").split()) or "unnamed"
        match = self.index.find(name)
        actor_id = str(match["id"]) if match else self.our_id(obj)
        self.ids[obj["id"]] = ("actor", actor_id)
        self.records[self.our_id(obj)] = actor_id
        carried_kind = obj.get(PREFIX + "kind")
        if isinstance(carried_kind, str) and carried_kind:
            actor_kind = carried_kind
        elif kind == "identity":
            actor_kind = IDENTITY_KINDS.get(_text(obj, "identity_class"), "organization")
        else:
            actor_kind = ACTOR_TYPES[kind]
        aliases = obj.get(PREFIX + "aliases")
        if not isinstance(aliases, list):
            aliases = [alias for alias in _list(obj, "aliases") if isinstance(alias, str)]
        description = obj.get(PREFIX + "description")
        if not isinstance(description, str):
            description = _text(obj, "description")
        color = obj.get(PREFIX + "color")
        self.add(Proposal(f"actor:{actor_id}", "actor",
                          {"id": actor_id, "name": name, "kind": actor_kind, "aliases": aliases,
                           "description": description, "color": color if isinstance(color, str) else None},
                          label=name, existing=match is not None,
                          note=f"{kind} {obj['id']}" + (" · matched a case actor" if match else "")))
        if match is not None and new_spelling(_text(obj, "name"), match):  # a new spelling of a case actor
            self.add(alias_proposal(actor_id, str(match["name"]), name))
        self.became(obj, f"actor ({actor_kind})")

    def _place(self, obj: Any) -> None:
        place_id = self.our_id(obj)
        self.ids[obj["id"]] = ("place", place_id)
        carried = _dict(obj, "place")
        values = {"id": place_id, "name": _text(obj, "name") or _text(obj, "city") or _text(obj, "country")
                  or _text(obj, "region") or "unnamed place", "lat": obj.get("latitude"), "lon": obj.get("longitude"),
                  "country": _text(obj, "country")}
        values.update({k: carried[k] for k in ("name", "lat", "lon", "country", "kind", "aliases") if k in carried})
        self.add(Proposal(f"place:{place_id}", "place", values, label=values["name"], note=obj["id"]))
        self.became(obj, "place")

    def _our_event(self, obj: Any) -> None:
        event_id = self.our_id(obj)
        self.ids[obj["id"]] = ("event", event_id)
        carried = _dict(obj, "event")
        values = {"id": event_id, "title": _text(obj, "name")[:300] or "untitled event"}
        values.update({k: carried.get(k) for k in ("summary", "kind", "start", "end", "time_precision", "time_note",
                                                   "earliest", "latest")})
        for key in ("summary", "kind", "time_note"):
            values[key] = values[key] if isinstance(values[key], str) else ""
        values["start"] = values["start"] or _stamp(obj.get("published"))
        values["time_precision"] = values["time_precision"] or "day"
        values["confidence"] = _level(carried.get("confidence"), obj.get("confidence"))
        self.add(Proposal(f"event:{event_id}", "event", values, label=values["title"], note=obj["id"]))
        self.became(obj, "event (our own export)")

    def _our_event_links(self, obj: Any) -> None:
        event_id = self.ids[obj["id"]][1]
        for pair in _list(obj, PREFIX + "actors"):
            if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and pair[0] in self.records:
                actor_id = self.records[pair[0]]
                self.add(Proposal(f"event_actor:{event_id}:{actor_id}", "event_actor",
                                  {"event_id": event_id, "actor_id": actor_id, "role": str(pair[1] or "")},
                                  needs=(f"event:{event_id}", f"actor:{actor_id}")))
        roles = _dict(obj, "place_roles")
        for place_id in _list(obj, PREFIX + "places"):
            if isinstance(place_id, str) and f"place:{place_id}" in self.keys:
                role = roles.get(place_id) if roles.get(place_id) in ("origin", "target") else "location"
                self.add(Proposal(f"event_place:{event_id}:{place_id}", "event_place",
                                  {"event_id": event_id, "place_id": place_id, "role": role},
                                  needs=(f"event:{event_id}", f"place:{place_id}")))

    def _event(self, obj: Any) -> None:
        kind = obj["type"]
        event_id = self.our_id(obj)
        self.ids[obj["id"]] = ("event", event_id)
        start = (_stamp(obj.get("first_seen")) or _stamp(obj.get("first_observed")) or _stamp(obj.get("created"))
                 or "1970-01-01T00:00:00Z")
        end = _stamp(obj.get("last_seen")) or _stamp(obj.get("last_observed"))
        count = obj.get("count") or obj.get("number_observed") or 1
        title = _text(obj, "name") or {"sighting": f"Sighting ({count}×)", "observed-data": f"Observed data ({count}×)",
                                       "incident": "Incident"}[kind]
        self.add(Proposal(f"event:{event_id}", "event",
                          {"id": event_id, "title": title[:300], "summary": _text(obj, "description"),
                           "kind": kind, "start": start, "end": end if end and end >= start else None,
                           "time_precision": "minute" if kind != "incident" else "day",
                           "confidence": _confidence(obj.get("confidence"))},
                          label=title, note=obj["id"]))
        self.became(obj, "event")

    def _document(self, obj: Any) -> None:
        document_id = self.our_id(obj)
        self.ids[obj["id"]] = ("document", document_id)
        self.add(Proposal(f"document:{document_id}", "document",
                          {"id": document_id, "title": _text(obj, "name"), "published": _stamp(obj.get("published")),
                           "format": "text", "text": _text(obj, "description"), "author": "", "publisher": "",
                           "url": ""}, label=_text(obj, "name"), note=obj["id"]))
        self.became(obj, "document")

    def _note(self, obj: Any) -> None:
        note_id = self.our_id(obj)
        self.ids[obj["id"]] = ("note", note_id)
        kind = obj["type"]
        lines = [f"{kind.replace('-', ' ').capitalize()}: {_text(obj, 'name') or _text(obj, 'abstract') or obj['id']}"]
        for key in ("description", "content", "explanation", "pattern", "result", "opinion"):
            if _text(obj, key):
                lines.append(f"{key.replace('_', ' ')}: {_text(obj, key)}" if key != "description" else _text(obj, key))
        for key in ("indicator_types", "labels"):
            if _list(obj, key):
                lines.append(f"{key.replace('_', ' ')}: {', '.join(map(str, _list(obj, key)))}")
        lines.append(f"STIX id: {obj['id']}")
        proposal = self.add(Proposal(f"note:{note_id}", "note", {"id": note_id, "text": "\n".join(lines),
                                                                 "author": "STIX import"},
                                     label=lines[0][:120], note=obj["id"]))
        self.notes[obj["id"]] = proposal
        for ref in _list(obj, "object_refs"):  # a STIX note or opinion is about the objects it names
            self._attach(obj["id"], ref, "about")
        self.became(obj, "note")

    def _attach(self, note_ref: str, other_ref: str, words: str) -> bool:
        """Put a note-mapped object's tie to `other_ref` into the note: on the record (the first such), in its text."""
        if not isinstance(other_ref, str):
            return False
        note, other = self.notes.get(note_ref), self.ids.get(other_ref)
        if note is None or other is None or other[0] not in ("actor", "event", "relation"):
            return False
        column = {"actor": "actor_id", "event": "event_id", "relation": "relation_id"}[other[0]]
        values = note.values
        if not any(values.get(c) for c in ("actor_id", "event_id", "relation_id")):
            values[column] = other[1]
            note.needs = (f"{other[0]}:{other[1]}",)
        values["text"] += f"\n{words} {self.names.get(other_ref, other_ref)}"
        return True

    # ties
    def _relationship(self, obj: Any) -> None:
        source_ref, target_ref = obj["source_ref"], obj["target_ref"]
        source, target = self.ids.get(source_ref), self.ids.get(target_ref)
        kind = obj["relationship_type"]
        if source is None or target is None:
            self.skip(obj, "an end is not imported")
            return
        if source[0] == "actor" and target[0] == "actor" and source[1] != target[1]:
            relation_id = self.our_id(obj)
            self.ids[obj["id"]] = ("relation", relation_id)
            carried = _dict(obj, "relation")
            directed = carried.get("directed", 1)
            label = carried.get("label")
            values = {"id": relation_id, "from_actor_id": source[1], "to_actor_id": target[1],
                      "kind": carried.get("kind") if isinstance(carried.get("kind"), str) else kind,
                      "label": label if isinstance(label, str) else _text(obj, "description"),
                      "directed": 0 if directed in (0, False) else 1,
                      "start": carried.get("start", _stamp(obj.get("start_time"))),
                      "end": carried.get("end", _stamp(obj.get("stop_time"))),
                      "confidence": _level(carried.get("confidence"), obj.get("confidence"))}
            self.add(Proposal(f"relation:{relation_id}", "relation", values, label=kind, note=obj["id"],
                              needs=(f"actor:{source[1]}", f"actor:{target[1]}")))
            self.became(obj, "relation")
        elif {source[0], target[0]} == {"event", "actor"}:
            event, actor = (source, target) if source[0] == "event" else (target, source)
            self.add(Proposal(f"event_actor:{event[1]}:{actor[1]}", "event_actor",
                              {"event_id": event[1], "actor_id": actor[1], "role": kind},
                              needs=(f"event:{event[1]}", f"actor:{actor[1]}")))
            self.became(obj, "an actor's part in an event")
        elif {source[0], target[0]} == {"event", "place"}:
            event, place = (source, target) if source[0] == "event" else (target, source)
            self.add(Proposal(f"event_place:{event[1]}:{place[1]}", "event_place",
                              {"event_id": event[1], "place_id": place[1]},
                              needs=(f"event:{event[1]}", f"place:{place[1]}")))
            self.became(obj, "an event's place")
        elif (self._attach(source_ref, target_ref, kind.replace("-", " "))
              or self._attach(target_ref, source_ref, f"{kind.replace('-', ' ')} (by)")):
            self.became(obj, "a line of a note")
        else:
            self.skip(obj, f"{source[0]} to {target[0]}")

    def _sighting_links(self, obj: Any) -> None:
        event = self.ids[obj["id"]]
        refs = [obj.get("sighting_of_ref"), *(obj.get("where_sighted_refs") or [])]
        for ref in filter(None, refs):
            if self.ids.get(ref, ("",))[0] == "actor":
                actor_id = self.ids[ref][1]
                self.add(Proposal(f"event_actor:{event[1]}:{actor_id}", "event_actor",
                                  {"event_id": event[1], "actor_id": actor_id,
                                   "role": "sighted" if ref == obj.get("sighting_of_ref") else "observer"},
                                  needs=(f"event:{event[1]}", f"actor:{actor_id}")))
            elif self.ids.get(ref, ("",))[0] == "place":
                place_id = self.ids[ref][1]
                self.add(Proposal(f"event_place:{event[1]}:{place_id}", "event_place",
                                  {"event_id": event[1], "place_id": place_id},
                                  needs=(f"event:{event[1]}", f"place:{place_id}")))

    # sources and citations
    def _source(self, source_id: str, values: dict[str, Any]) -> str:
        url = values.get("url") or ""
        known = self.known_sources.get(url_key(url)) if url else None
        if known:
            source_id = known
        self.add(Proposal(f"source:{source_id}", "source", {**values, "id": source_id},
                          label=url or str(values.get("title", "")), existing=known is not None))
        return source_id

    def _citations(self, obj: Any) -> None:
        target = self.ids.get(_text(obj, "id"))
        if target is None or target[0] not in ("actor", "event", "relation", "document"):
            return
        column = {"actor": "actor_id", "event": "event_id", "relation": "relation_id"}.get(target[0])
        carried = [c for c in _list(obj, PREFIX + "citations") if isinstance(c, dict)]
        if carried and column:
            for citation in carried:
                source_ref = citation.get("source_id")
                source = self.sources.get(source_ref) if isinstance(source_ref, str) else None
                if source is None or not isinstance(citation.get("id"), str):
                    continue
                source_id = self._source(source["id"], {k: v for k, v in source.items() if k != "id"})
                self.add(Proposal(f"citation:{citation['id']}", "citation",
                                  {"id": citation["id"], "source_id": source_id, column: target[1],
                                   "quote": citation.get("quote") or "", "footnote": citation.get("footnote") or "",
                                   "credibility": citation.get("credibility", 6)},
                                  label=str(source.get("url") or source.get("title", "")),
                                  needs=(f"{target[0]}:{target[1]}", f"source:{source_id}")))
            return
        for reference in _list(obj, "external_references"):
            url = reference.get("url") if hasattr(reference, "get") else None  # stix2 ExternalReference or a dict
            if not isinstance(url, str) or "://" not in url:
                continue
            url = clean_url(url)
            values = source_values(url)
            values["title"] = reference.get("description") or reference.get("source_name") or values["title"]
            source_id = self._source(stable_id("source", url_key(url)), values)
            if target[0] == "document":
                self.add(Proposal(f"footnote:{target[1]}:{source_id}", "footnote",
                                  {"document_id": target[1], "label": reference.get("source_name", "ref") or "ref",
                                   "source_id": source_id, "position": 0},
                                  needs=(f"document:{target[1]}", f"source:{source_id}")))
                continue
            citation_id = stable_id("citation", target[1], source_id, obj["id"])
            self.add(Proposal(f"citation:{citation_id}", "citation",
                              {"id": citation_id, "source_id": source_id, column: target[1],
                               "quote": (reference.get("description") or "")[:1000], "credibility": 6},
                              label=url, needs=(f"{target[0]}:{target[1]}", f"source:{source_id}")))

    # what became of each type
    def _report(self) -> None:
        lines = []
        for kind in sorted(self.outcome):
            parts = [f"{count} {what}" for what, count in sorted(self.outcome[kind].items(), key=lambda i: -i[1])]
            lines.append(f"{kind}: {sum(self.outcome[kind].values())} → {', '.join(parts)}")
        if lines:
            self.plan.notes.append("STIX objects in the bundle, by type: " + "; ".join(lines) + ".")
        if self.skipped:
            self.plan.notes.append(f"{len(self.skipped)} objects are not imported; a note lists them by id.")
            listed = [f"{kind} {stix_id}" for kind, stix_id in self.skipped[:MAX_NOTE_IDS]]
            more = len(self.skipped) - len(listed)
            text = (f"Not imported from {self.plan.name} ({len(self.skipped)} STIX objects):\n" + "\n".join(listed)
                    + (f"\nand {more} more" if more else ""))
            note_id = stable_id("stix-skipped", self.plan.name, json.dumps(sorted(self.skipped)))
            self.add(Proposal(f"note:{note_id}", "note", {"id": note_id, "text": text, "author": "STIX import"},
                              label=f"Not imported: {len(self.skipped)} STIX objects", note="skipped objects"))


def load_json(path_name: str, text: str) -> Any:
    return strict_json(path_name, text)
