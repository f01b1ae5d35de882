"""The bundled sample case, as built into a case file, holds every fact of the hand-checked seed key."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from workbench.core.sample import build_sample_case, ensure_sample_case, sample_resource
from workbench.core.store import Case, check_case, open_case, schema_version
from workbench.core.times import case_zone, utc_to_local

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed"
KEY_FILE = SEED / "isw-belarus-2020-08-15.key.json"
pytestmark = pytest.mark.skipif(not KEY_FILE.exists(), reason="../shared/seed is not beside this checkout")


@pytest.fixture(scope="module")
def key() -> dict:
    return json.loads(KEY_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Case:
    path = tmp_path_factory.mktemp("sample") / "sample.case"
    build_sample_case(path).close()
    with open_case(path, read_only=True) as case:
        yield case


def actor_names(case: Case) -> dict[str, str]:
    return {row["id"]: row["name"] for row in case.rows("actors")}


def test_sample_is_a_sound_case_file(sample: Case) -> None:
    assert check_case(sample.path) == schema_version()
    assert sample.meta("timezone") == "Europe/Minsk"
    assert sample.classification
    assert sample.search_index_ok()


def test_every_key_actor_with_kind_and_aliases(sample: Case, key: dict) -> None:
    actors = {a.name: a for a in sample.records("actors")}
    for expected in key["actors"]:
        assert expected["name"] in actors, expected["name"]
        actor = actors[expected["name"]]
        assert actor.kind == expected["kind"], expected["name"]
        missing = set(expected["aliases"]) - set(actor.aliases) - {actor.name}
        assert not missing, f"{actor.name} lacks aliases {missing}"


def test_every_key_event_with_date_actors_places_and_confidence(sample: Case, key: dict) -> None:
    zone = case_zone(sample.meta("timezone"))
    names = actor_names(sample)
    places = {row["id"]: row["name"] for row in sample.rows("places")}
    actors_of: dict[str, set[str]] = defaultdict(set)
    for link in sample.rows("event_actors"):
        actors_of[link["event_id"]].add(names[link["actor_id"]])
    places_of: dict[str, set[str]] = defaultdict(set)
    for link in sample.rows("event_places"):
        places_of[link["event_id"]].add(places[link["place_id"]])
    events = sample.records("events")
    for expected in key["events"]:
        want_places = set(expected.get("places", [])) | ({expected["place"]} if "place" in expected else set())
        matches = [
            e for e in events
            if utc_to_local(e.start, zone).date().isoformat() == expected["date"]
            and actors_of[e.id] == set(expected["actors"])
            and places_of[e.id] == want_places
            and e.confidence == expected["confidence"]
        ]
        assert matches, f"no event on {expected['date']} with {expected['actors']}: {expected['title']}"


def test_precise_and_uncertain_times_are_honest(sample: Case) -> None:
    zone = case_zone(sample.meta("timezone"))
    events = sample.records("events")
    by_time: dict[str, list] = defaultdict(list)
    for event in events:
        by_time[utc_to_local(event.start, zone).strftime("%Y-%m-%d %H:%M")].append(event)
    # "The evening of August 15" is anchored at 18:00 too, but only ever as approximate;
    # exactly one event there claims a time, and it claims the minute.
    exact = lambda moment: [e.time_precision for e in by_time[moment] if e.time_precision != "approximate"]
    assert exact("2020-08-15 18:00") == ["minute"]  # "at 1800 Belarus time"
    assert exact("2020-08-15 21:45") == ["minute"]  # "at 9:45pm local time"
    shared_early = [e for e in events if e.latest and utc_to_local(e.latest, zone).date().isoformat() == "2020-08-12"]
    assert shared_early and all(e.time_precision == "approximate" for e in shared_early), "as early as 12 AUG"
    for event in events:
        if event.time_precision == "approximate":
            assert event.earliest or event.latest or event.time_note, event.title


def test_footnotes_list_exactly_the_key_links(sample: Case, key: dict) -> None:
    urls = {row["id"]: row["url"] for row in sample.rows("sources")}
    found: dict[str, set[str]] = defaultdict(set)
    for row in sample.rows("footnotes"):
        found[row["label"]].add(urls[row["source_id"]])
    assert dict(found) == {label: set(links) for label, links in key["footnotes"].items()}
    counts = key["source_counts"]
    assert len(urls) == counts["distinct_urls"]
    assert len({urlsplit(u).hostname.removeprefix("www.") for u in urls.values()}) == counts["distinct_domains"]


def test_every_key_relation_cited_to_its_footnotes(sample: Case, key: dict) -> None:
    names = actor_names(sample)
    labels: dict[str, set[str]] = defaultdict(set)
    for citation in sample.rows("citations"):
        if citation["relation_id"]:
            labels[citation["relation_id"]].add(citation["footnote"])
    relations = {(names[r.from_actor_id], r.kind, names[r.to_actor_id]): r for r in sample.records("relations")}
    for expected in key["relations"]:
        triple = (expected["from"], expected["kind"], expected["to"])
        assert triple in relations, triple
        assert {str(n) for n in expected.get("fn", [])} <= labels[relations[triple].id], triple


def test_events_are_cited_with_quotes_from_the_report(sample: Case) -> None:
    report = " ".join(sample.records("documents")[0].text.replace("**", "").split())
    cited = set()
    for citation in sample.rows("citations"):
        assert " ".join(citation["quote"].split()) in report, citation["quote"][:80]
        cited.add(citation["event_id"])
    uncited = [e.title for e in sample.records("events") if e.id not in cited]
    # The report states a few facts with no footnote; those stay honestly uncited, not padded.
    assert len(uncited) < len(sample.records("events")) / 3


def test_every_key_place_with_coordinates(sample: Case, key: dict) -> None:
    places = {row["name"]: row for row in sample.rows("places")}
    for expected in key["places"]:
        assert expected["name"] in places
        assert places[expected["name"]]["lat"] == pytest.approx(expected["lat"], abs=0.01)
        assert places[expected["name"]]["lon"] == pytest.approx(expected["lon"], abs=0.01)


def test_report_is_stored_verbatim_as_a_document(sample: Case, key: dict) -> None:
    (document,) = sample.records("documents")
    assert document.text == (SEED / "isw-belarus-2020-08-15.md").read_text(encoding="utf-8")
    assert document.title == key["document"]["title"]
    assert document.author == key["document"]["author"]
    bundled = sample_resource("isw-belarus-2020-08-15.md").read_bytes()
    assert bundled == (SEED / "isw-belarus-2020-08-15.md").read_bytes()


def test_sample_builds_identically_twice(tmp_path: Path, sample: Case) -> None:
    with build_sample_case(tmp_path / "again.case") as again:
        for table in ("actors", "events", "relations", "sources", "citations", "places"):
            strip = lambda rows: [{k: v for k, v in r.items() if k not in ("created_at", "updated_at")} for r in rows]
            assert strip(again.rows(table, order_by="id")) == strip(sample.rows(table, order_by="id")), table


def test_working_copy_is_built_once_and_never_the_bundled_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "sample.case"
    assert ensure_sample_case(path) == path
    with open_case(path) as case:
        case.insert("notes", {"text": "my own note"})
    ensure_sample_case(path)
    with open_case(path) as case:
        assert case.search("own note"), "the analyst's work in the sample copy is kept"


def test_unreadable_working_copy_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "sample.case"
    path.write_text("damaged")
    ensure_sample_case(path)
    assert (tmp_path / "sample.case.unreadable").read_text() == "damaged"
    assert check_case(path) == schema_version()


def test_bundled_resources_are_not_read_from_shared() -> None:
    resource_dir = Path(str(sample_resource("")))
    assert "shared" not in resource_dir.parts
    assert (resource_dir / "belarus-2020-08-15.json").exists()
