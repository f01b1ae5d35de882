"""The bundled sample case (ISW, Belarus, 15 Aug 2020): built from resources/sample into a fresh case file."""

from __future__ import annotations

import json
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from workbench.core.store import Case, CaseRefused, create_case, open_case
from workbench.core.times import case_zone, local_to_utc

SAMPLE_JSON = "belarus-2020-08-15.json"
SAMPLE_FILE_NAME = "belarus-2020-08-15.case"
# Fixed namespace: the sample's records get the same ids in every build, so saved views,
# merges and exports of two copies of the sample agree.
ID_NAMESPACE = uuid.UUID("6f1c3b9e-5d0a-4c57-9a53-2b6f0e8d7c41")


def sample_resource(name: str) -> Any:
    return resources.files("workbench.resources").joinpath("sample", name)


def load_sample_data() -> dict[str, Any]:
    return json.loads(sample_resource(SAMPLE_JSON).read_text(encoding="utf-8"))


def stable_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{key}"))


def default_sample_path() -> Path:
    return Path(platformdirs.user_data_dir("case-workbench", appauthor=False)) / "samples" / SAMPLE_FILE_NAME


def ensure_sample_case(path: Path | None = None) -> Path:
    """The user's working copy of the sample, built on first use; never the bundled original.

    A copy that can no longer be opened (damaged, or from another build) is set aside and
    rebuilt, so `workbench` with no argument always opens something.
    """
    path = path or default_sample_path()
    if path.exists():
        try:
            open_case(path).close()
            return path
        except CaseRefused:
            path.replace(path.with_name(path.name + ".unreadable"))
    build_sample_case(path).close()
    return path


def build_sample_case(path: Path | str) -> Case:
    """Create the sample case at `path` from the curated JSON and the report text."""
    data = load_sample_data()
    meta = data["meta"]
    zone = case_zone(meta.get("timezone"))
    case = create_case(path, meta["title"], meta.get("classification", "UNCLASSIFIED"), meta.get("timezone", "UTC"))

    def when(text: str | None) -> str | None:
        return None if not text else local_to_utc(text, zone)

    with case.transaction():
        doc = data["document"]
        document_id = stable_id("document", doc["key"])
        case.insert("documents", {
            "id": document_id, "title": doc["title"], "author": doc.get("author", ""),
            "publisher": doc.get("publisher", ""), "published": doc.get("published"),
            "url": doc.get("url", ""), "format": doc.get("format", "markdown"),
            "text": sample_resource(doc["file"]).read_text(encoding="utf-8"),
        })

        footnote_sources: dict[str, list[str]] = {}
        for source in data["sources"]:
            source_id = stable_id("source", source["url"])
            case.insert("sources", {
                "id": source_id, "url": source["url"], "title": source.get("title", ""),
                "publisher": source.get("publisher", ""), "language": source.get("language", ""),
                "published": source.get("published"), "accessed": source.get("accessed"),
                "reliability": source.get("reliability", "F"),
            })
            for label in source.get("footnotes", []):
                footnote_sources.setdefault(label, []).append(source_id)
        for label, source_ids in footnote_sources.items():
            for position, source_id in enumerate(source_ids):
                case.link("footnotes", {
                    "document_id": document_id, "label": label, "source_id": source_id, "position": position,
                })

        place_ids = {}
        for place in data["places"]:
            place_ids[place["name"]] = stable_id("place", place["name"])
            case.insert("places", {
                "id": place_ids[place["name"]], "name": place["name"], "lat": place.get("lat"),
                "lon": place.get("lon"), "country": place.get("country", ""), "kind": place.get("kind", ""),
                "aliases": place.get("aliases", []),
            })

        actor_ids = {}
        for actor in data["actors"]:
            actor_ids[actor["name"]] = stable_id("actor", actor["name"])
            case.insert("actors", {
                "id": actor_ids[actor["name"]], "name": actor["name"], "kind": actor.get("kind", "other"),
                "aliases": actor.get("aliases", []), "description": actor.get("description", ""),
                "color": actor.get("color"),
            })

        def cite(target: dict[str, str], citations: list[dict[str, Any]]) -> None:
            (target_id,) = target.values()
            for index, citation in enumerate(citations):
                label = str(citation["footnote"])
                if label not in footnote_sources:
                    raise ValueError(f"sample cites footnote {label}, which lists no source")
                for source_id in footnote_sources[label]:
                    case.insert("citations", {
                        "id": stable_id("citation", f"{target_id}|{index}|{source_id}"),
                        **target, "source_id": source_id, "document_id": document_id, "footnote": label,
                        "quote": citation.get("quote", ""), "credibility": citation.get("credibility", 6),
                    })

        event_ids = {}
        for event in data["events"]:
            event_id = stable_id("event", f"{event['start']} {event['title']}")
            event_ids[event["title"]] = event_id
            case.insert("events", {
                "id": event_id, "title": event["title"], "summary": event.get("summary", ""),
                "kind": event.get("kind", ""), "start": when(event["start"]), "end": when(event.get("end")),
                "time_precision": event.get("time_precision", "day"), "time_note": event.get("time_note", ""),
                "earliest": when(event.get("earliest")), "latest": when(event.get("latest")),
                "confidence": event.get("confidence", "reported"),
            })
            for participant in event.get("actors", []):
                case.link("event_actors", {
                    "event_id": event_id, "actor_id": actor_ids[participant["name"]],
                    "role": participant.get("role", ""),
                })
            roles = event.get("place_roles", {})  # where it happened, unless named origin or target
            for place_name in event.get("places", []):
                case.link("event_places", {"event_id": event_id, "place_id": place_ids[place_name],
                                           "role": roles.get(place_name, "location")})
            cite({"event_id": event_id}, event.get("citations", []))

        for relation in data["relations"]:
            relation_id = stable_id("relation", f"{relation['from']}|{relation['kind']}|{relation['to']}")
            case.insert("relations", {
                "id": relation_id, "from_actor_id": actor_ids[relation["from"]],
                "to_actor_id": actor_ids[relation["to"]], "kind": relation["kind"],
                "label": relation.get("label", ""), "directed": int(relation.get("directed", True)),
                "start": when(relation.get("start")), "end": when(relation.get("end")),
                "confidence": relation.get("confidence", "reported"),
            })
            cite({"relation_id": relation_id}, relation.get("citations", []))

        targets = {"actor": actor_ids, "event": event_ids}
        for index, note in enumerate(data.get("notes", [])):
            about = note.get("about") or {}
            attached = {f"{kind}_id": targets[kind][name] for kind, name in about.items()}
            case.insert("notes", {"id": stable_id("note", str(index)), "text": note["text"], **attached})

        _sample_questions(case, event_ids, actor_ids)

        # The default storyboard (resources/sample/storyboard.json); thumbnails are drawn on first show.
        from workbench.core.storyboard import sample_storyboard_rows

        for row in sample_storyboard_rows(case, event_ids, actor_ids, stable_id):
            case.insert("views", row)
    return case


def _sample_questions(case: Case, event_ids: dict[str, str], actor_ids: dict[str, str]) -> None:
    """The sample's question with its hypotheses and rated evidence (resources/sample/analysis.json)."""
    data = json.loads(sample_resource("analysis.json").read_text(encoding="utf-8"))
    for q_index, question in enumerate(data["questions"]):
        question_id = stable_id("question", question["text"])
        case.insert("questions", {"id": question_id, "text": question["text"],
                                  "description": question.get("description", ""), "position": q_index})
        hypothesis_ids = [stable_id("hypothesis", f"{question_id}|{title}") for title in question["hypotheses"]]
        for position, (hypothesis_id, title) in enumerate(zip(hypothesis_ids, question["hypotheses"], strict=True)):
            case.insert("hypotheses", {"id": hypothesis_id, "question_id": question_id, "title": title,
                                       "position": position})
        for position, evidence in enumerate(question["evidence"]):
            if "event" in evidence:
                item = {"event_id": event_ids[evidence["event"]]}
            elif "note" in evidence:
                item = {"note_id": stable_id("note", str(evidence["note"]))}
            else:
                source, kind, target = evidence["relation"]
                item = {"relation_id": stable_id("relation", f"{source}|{kind}|{target}")}
            (key,) = item.values()
            evidence_id = stable_id("evidence", f"{question_id}|{key}")
            case.insert("evidence_rows", {"id": evidence_id, "question_id": question_id, **item,
                                          "relevance": evidence.get("relevance", "medium"), "position": position})
            comments = evidence.get("comments", [""] * len(hypothesis_ids))
            for hypothesis_id, rating, comment in zip(hypothesis_ids, evidence["ratings"], comments, strict=True):
                case.insert("ratings", {"id": stable_id("rating", f"{evidence_id}|{hypothesis_id}"),
                                        "evidence_id": evidence_id, "hypothesis_id": hypothesis_id,
                                        "rating": rating, "comment": comment})
