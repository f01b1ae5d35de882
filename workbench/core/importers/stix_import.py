"""STIX 2.1 bundles in: threat-actor, intrusion-set, identity -> actors; campaign, sighting -> events;
relationship -> relations (or an actor's part in an event); location -> places; report -> document;
external references with URLs -> sources cited by the object. Parsed with the `stix2` library."""

from __future__ import annotations

from typing import Any

from workbench.core.importers.names import ActorIndex, alias_proposal, new_spelling
from workbench.core.importers.proposals import Plan, Proposal, clean_url, stable_id, strict_json, url_key
from workbench.core.importers.report import source_values
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT

ACTOR_TYPES = {"threat-actor", "intrusion-set", "identity"}
IDENTITY_KINDS = {"individual": "person", "group": "group", "organization": "organization", "class": "group",
                  "system": "other"}


def is_stix(data: Any) -> bool:
    return isinstance(data, dict) and data.get("type") == "bundle" and isinstance(data.get("objects"), list)


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


def _confidence(value: Any) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return "reported"
    value = int(value)
    return "confirmed" if value >= 90 else "likely" if value >= 60 else "possible" if value >= 30 else "unverified"


def propose_stix(case: Case, data: dict[str, Any], name: str) -> Plan:
    """A STIX bundle -> proposals; objects stix2 cannot parse are listed as rejected with their number."""
    import stix2  # parsing only; stix2 never touches the network for this

    plan = Plan(name=name, summary_kind="stix")
    parsed: list[Any] = []
    for number, raw in enumerate(data.get("objects", []), start=1):
        try:
            parsed.append(stix2.parse(raw, allow_custom=True, version="2.1"))
        except Exception as error:  # stix2 raises many kinds; each is one rejected object
            kind = raw.get("type", "?") if isinstance(raw, dict) else "?"
            plan.rejected.append((number, f"{kind}: {str(error).splitlines()[0][:160]}"))
    index = ActorIndex(case.rows("actors"))
    known_sources = {url_key(url): sid for sid, url in case.conn.execute("SELECT id, url FROM sources") if url}
    ids: dict[str, tuple[str, str]] = {}  # stix id -> (kind, our id)

    def our(stix_id: str, kind: str) -> str:
        return stable_id("stix", stix_id) if kind != "actor" else stable_id("stix", stix_id)

    for obj in parsed:
        kind = obj.get("type")
        if kind in ACTOR_TYPES:
            match = index.find(_text(obj, "name"))
            actor_id = str(match["id"]) if match else our(obj["id"], "actor")
            ids[obj["id"]] = ("actor", actor_id)
            actor_kind = (IDENTITY_KINDS.get(_text(obj, "identity_class"), "organization") if kind == "identity"
                          else "group")
            aliases = [alias for alias in _list(obj, "aliases") if isinstance(alias, str)]
            plan.add(Proposal(f"actor:{actor_id}", "actor",
                              {"id": actor_id, "name": " ".join(_text(obj, "name").split()) or "unnamed",
                               "kind": actor_kind,
                               "aliases": aliases, "description": _text(obj, "description")},
                              label=_text(obj, "name"), existing=match is not None,
                              note=f"{kind} {obj['id']}" + (" · matched a case actor" if match else "")))
            if match is not None and new_spelling(_text(obj, "name"), match):
                plan.add(alias_proposal(actor_id, str(match["name"]), " ".join(_text(obj, "name").split())))
        elif kind == "location":
            place_id = our(obj["id"], "place")
            ids[obj["id"]] = ("place", place_id)
            plan.add(Proposal(f"place:{place_id}", "place",
                              {"id": place_id, "name": _text(obj, "name") or _text(obj, "city") or _text(obj, "country")
                               or "unnamed place", "lat": obj.get("latitude"), "lon": obj.get("longitude"),
                               "country": _text(obj, "country")}, label=_text(obj, "name"),
                              note=obj["id"]))
        elif kind in ("campaign", "sighting"):
            event_id = our(obj["id"], "event")
            ids[obj["id"]] = ("event", event_id)
            start = _stamp(obj.get("first_seen")) or _stamp(obj.get("created"))
            end = _stamp(obj.get("last_seen"))
            title = _text(obj, "name") or f"Sighting ({obj.get('count', 1)}×)"
            plan.add(Proposal(f"event:{event_id}", "event",
                              {"id": event_id, "title": title[:300], "summary": _text(obj, "description"),
                               "kind": kind, "start": start, "end": end if end and end >= start else None,
                               "time_precision": "minute" if kind == "sighting" else "day",
                               "confidence": _confidence(obj.get("confidence"))},
                              label=title, note=obj["id"]))
        elif kind == "report":
            document_id = our(obj["id"], "document")
            ids[obj["id"]] = ("document", document_id)
            plan.add(Proposal(f"document:{document_id}", "document",
                              {"id": document_id, "title": _text(obj, "name"), "published": _stamp(
                                  obj.get("published")), "format": "text", "text": _text(obj, "description"),
                               "author": "", "publisher": "", "url": ""}, label=_text(obj, "name"),
                              note=obj["id"]))
    for obj in parsed:
        kind = obj.get("type")
        if kind == "relationship":
            source, target = ids.get(obj["source_ref"]), ids.get(obj["target_ref"])
            if source is None or target is None:
                continue
            if source[0] == "actor" and target[0] == "actor" and source[1] != target[1]:
                relation_id = our(obj["id"], "relation")
                ids[obj["id"]] = ("relation", relation_id)
                plan.add(Proposal(f"relation:{relation_id}", "relation",
                                  {"id": relation_id, "from_actor_id": source[1], "to_actor_id": target[1],
                                   "kind": obj["relationship_type"], "label": _text(obj, "description"),
                                   "directed": 1, "start": _stamp(obj.get("start_time")),
                                   "end": _stamp(obj.get("stop_time")),
                                   "confidence": _confidence(obj.get("confidence"))},
                                  label=obj["relationship_type"], note=obj["id"],
                                  needs=(f"actor:{source[1]}", f"actor:{target[1]}")))
            elif {source[0], target[0]} == {"event", "actor"}:
                event, actor = (source, target) if source[0] == "event" else (target, source)
                plan.add(Proposal(f"event_actor:{event[1]}:{actor[1]}", "event_actor",
                                  {"event_id": event[1], "actor_id": actor[1], "role": obj["relationship_type"]},
                                  needs=(f"event:{event[1]}", f"actor:{actor[1]}")))
        elif kind == "sighting":
            event = ids[obj["id"]]
            refs = [obj.get("sighting_of_ref"), *(obj.get("where_sighted_refs") or [])]
            for ref in filter(None, refs):
                if ids.get(ref, ("",))[0] == "actor":
                    actor_id = ids[ref][1]
                    plan.add(Proposal(f"event_actor:{event[1]}:{actor_id}", "event_actor",
                                      {"event_id": event[1], "actor_id": actor_id,
                                       "role": "sighted" if ref == obj.get("sighting_of_ref") else "observer"},
                                      needs=(f"event:{event[1]}", f"actor:{actor_id}")))
    # external references -> sources cited by the object
    for obj in parsed:
        target = ids.get(_text(obj, "id"))
        if target is None or target[0] not in ("actor", "event", "relation", "document"):
            continue
        for reference in obj.get("external_references", []) or []:
            url = reference.get("url")
            if not url or "://" not in url:
                continue
            url = clean_url(url)
            key = url_key(url)
            source_id = known_sources.get(key) or stable_id("source", key)
            if not any(p.key == f"source:{source_id}" for p in plan.proposals):
                values = source_values(url)
                values["title"] = reference.get("description") or reference.get("source_name") or values["title"]
                plan.add(Proposal(f"source:{source_id}", "source", {"id": source_id, **values}, label=url,
                                  existing=source_id in known_sources.values()))
            if target[0] == "document":
                plan.add(Proposal(f"footnote:{target[1]}:{source_id}", "footnote",
                                  {"document_id": target[1], "label": reference.get("source_name", "ref") or "ref",
                                   "source_id": source_id, "position": 0},
                                  needs=(f"document:{target[1]}", f"source:{source_id}")))
                continue
            column = {"actor": "actor_id", "event": "event_id", "relation": "relation_id"}[target[0]]
            citation_id = stable_id("citation", target[1], source_id, obj["id"])
            plan.add(Proposal(f"citation:{citation_id}", "citation",
                              {"id": citation_id, "source_id": source_id, column: target[1],
                               "quote": (reference.get("description") or "")[:1000], "credibility": 6},
                              label=url, needs=(f"{target[0]}:{target[1]}", f"source:{source_id}")))
    return plan


def load_json(path_name: str, text: str) -> Any:
    return strict_json(path_name, text)
