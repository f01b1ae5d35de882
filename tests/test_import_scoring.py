"""Scores the report importer against the hand-checked key of the seed report (precision and recall of
events, actors, and the footnote -> URL mapping). Figures are printed; the asserts hold the levels reached."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench.bench_import_dev import match_actors, same_event
from workbench.core.importers.proposals import url_key
from workbench.core.importers.report import domain_of, propose_report
from workbench.core.store import create_case
from workbench.core.times import case_zone

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed"
REPORT = SEED / "isw-belarus-2020-08-15.md"
KEY = SEED / "isw-belarus-2020-08-15.key.json"
pytestmark = pytest.mark.skipif(not REPORT.exists(), reason="the seed report is not beside this checkout")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict:
    key = json.loads(KEY.read_text(encoding="utf-8"))
    case = create_case(tmp_path_factory.mktemp("score") / "score.case", "Score", timezone="Europe/Minsk")
    plan = propose_report(case, REPORT.read_text(encoding="utf-8"), REPORT.name)
    zone = case_zone("Europe/Minsk")
    urls = {p.values["id"]: p.values["url"] for p in plan.group("source")}
    footnotes: dict[str, list[str]] = {}
    for p in sorted(plan.group("footnote"), key=lambda p: (int(p.values["label"]), p.values["position"])):
        footnotes.setdefault(p.values["label"], []).append(urls[p.values["source_id"]])

    events = plan.group("event")
    matched_events = [p for p in events if any(same_event(p, f, zone) for f in key["events"])]
    found_facts = [f for f in key["events"] if any(same_event(p, f, zone) for p in events)]
    actors = plan.group("actor")
    _meant, matched_actors, _merged, found_actors = match_actors(actors, key["actors"])
    figures = {
        "event_precision": len(matched_events) / len(events),
        "event_recall": len(found_facts) / len(key["events"]),
        "actor_precision": len(matched_actors) / len(actors),
        "actor_recall": len(found_actors) / len(key["actors"]),
        "events": len(events), "actors": len(actors),
        "missed_events": [f["title"] for f in key["events"] if f not in found_facts],
        "missed_actors": [a["name"] for a in key["actors"] if a not in found_actors],
        "extra_actors": [p.values["name"] for p in actors if p not in matched_actors],
        "extra_events": [p.values["title"] for p in events if p not in matched_events],
    }
    print("\nreport importer on the seed:", json.dumps(figures, indent=1, ensure_ascii=False))
    case.close()
    return {"key": key, "plan": plan, "footnotes": footnotes, "figures": figures}


def test_footnotes_map_to_exactly_the_keyed_urls(scored: dict) -> None:
    assert scored["footnotes"] == scored["key"]["footnotes"]
    plan, counts = scored["plan"], scored["key"]["source_counts"]
    assert len(scored["footnotes"]) == counts["footnotes"]
    assert len(plan.group("footnote")) == counts["url_mentions"]
    assert len(plan.group("source")) == counts["distinct_urls"]
    assert len({domain_of(p.values["url"]) for p in plan.group("source")}) == counts["distinct_domains"]
    assert len({url_key(p.values["url"]) for p in plan.group("source")}) == counts["distinct_urls"]


def test_document_header_is_parsed(scored: dict) -> None:
    document = scored["plan"].group("document")[0].values
    expected = scored["key"]["document"]
    assert document["title"] == expected["title"]
    assert document["author"] == expected["author"]
    assert document["published"] == expected["published"]
    assert "Institute for the Study of War" in document["publisher"]


def test_events_and_actors_hold_the_levels_reached(scored: dict) -> None:
    figures = scored["figures"]
    # Levels reached on 2026-11-28; raise them when the importer improves, never lower them.
    assert figures["event_recall"] >= 1.0
    assert figures["event_precision"] >= 1.0
    assert figures["actor_recall"] >= 1.0
    assert figures["actor_precision"] >= 0.90
