"""Validation of what analysts type, merging duplicate actors, and what a delete takes with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.ops.actors import describe_dependents, merge_actors, same_name_actors
from workbench.core.rules import MAX_TITLE, clean_text, problems
from workbench.core.store import CaseError, open_case


def test_event_rules_name_the_field_and_the_reason() -> None:
    assert problems("events", {"title": "Rally", "start": "2020-08-16T10:00:00Z"}) == {}
    assert problems("events", {"title": "", "start": "2020-08-16T10:00:00Z"}) == {"title": "an event needs a title"}
    huge = problems("events", {"title": "x" * 1_000_000, "start": "2020-08-16T10:00:00Z"})
    assert "at most 300 characters (1000000 given)" in huge["title"]
    assert problems("events", {"title": "a", "start": "2020-08-16T10:00:00Z", "end": "2020-08-15T10:00:00Z"}) == {
        "end": "the end is before the start"}
    assert "outside" in problems("events", {"title": "a", "start": "1812-06-24T00:00:00Z"})["start"]
    assert "outside" in problems("events", {"title": "a", "start": "2150-01-01T00:00:00Z"})["start"]
    assert problems("events", {"title": "a", "start": "2020-08-16T10:00:00Z",
                               "latest": "2020-08-15T00:00:00Z"}) == {"latest": "'no later than' is before the start"}


def test_relation_source_and_other_rules() -> None:
    assert problems("relations", {"from_actor_id": "a", "to_actor_id": "a", "kind": "x"}) == {
        "to_actor_id": "a relation joins two different actors"}
    assert "kind" in problems("relations", {"from_actor_id": "a", "to_actor_id": "b", "kind": ""})
    assert problems("sources", {"url": "belta.by/x"}) == {"url": "a URL starts with its scheme, e.g. https://"}
    assert problems("sources", {"url": "", "title": ""}) == {"url": "a source needs a URL or a title"}
    assert problems("sources", {"url": "https://belta.by", "reliability": "G"})["reliability"]
    assert problems("places", {"name": "Minsk", "lat": 95.0, "lon": 27.5}) == {"lat": "latitude runs from -90 to 90"}
    assert problems("citations", {"source_id": "s", "credibility": 9})
    assert problems("notes", {"text": ""}) == {"text": "a note needs some text"}
    assert problems("actors", {"name": "Лукашенко / Lukashenko", "aliases": ["Батька"]}) == {}


def test_clean_text_drops_control_and_bidi_characters() -> None:
    assert clean_text("  Luka\x00shenko\u202e \t\n speaks ") == "Lukashenko speaks"
    assert clean_text("line one\r\nline two\x07", multiline=True) == "line one\nline two"
    assert clean_text("Лукашенко") == "Лукашенко"
    assert clean_text("e\u0301") == "\u00e9"  # NFC
    assert clean_text(None) == ""


@given(st.text())
def test_clean_text_never_keeps_a_control_character(text: str) -> None:
    cleaned = clean_text(text, multiline=True)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in cleaned)
    assert clean_text(cleaned, multiline=True) == cleaned
    assert "\n" not in clean_text(text)


def test_duplicate_names_are_found_across_scripts_case_and_aliases(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        assert [a["id"] for a in same_name_actors(case, "kremlin")] == ["actor-kremlin"]
        assert [a["id"] for a in same_name_actors(case, "alexander lukashenko")] == ["actor-luka"]
        assert [a["id"] for a in same_name_actors(case, "Батька")] == ["actor-luka"]
        assert same_name_actors(case, "Kremlin", exclude_id="actor-kremlin") == []
        assert same_name_actors(case, "   ") == []


def test_merge_actors_rewires_everything_and_reverts_exactly(small_case: Path) -> None:
    with open_case(small_case) as case:
        twin = case.insert("actors", {"name": "Lukashenko", "kind": "person", "aliases": ["A. G. Lukashenko"]})
        event = case.insert("events", {"title": "Speech at MZKT", "start": "2020-08-17T09:00:00Z"})
        case.link("event_actors", {"event_id": event, "actor_id": twin, "role": "speaker"})
        case.link("event_actors", {"event_id": "event-call", "actor_id": twin})  # already has actor-luka
        relation = case.insert("relations", {"from_actor_id": "actor-kremlin", "to_actor_id": twin,
                                             "kind": "backs"})
        case.insert("relations", {"from_actor_id": "actor-luka", "to_actor_id": twin, "kind": "is"})
        case.insert("notes", {"text": "same man", "actor_id": twin})
        before = {t: case.rows(t) for t in ("actors", "event_actors", "relations", "notes")}
        assert describe_dependents(case, "actors", [twin]) == "2 actor links, 2 relations and 1 note"
        with case.recording() as journal:
            merge_actors(case, "actor-luka", twin)
        luka = case.record("actors", "actor-luka")
        assert {"Lukashenko", "A. G. Lukashenko", "Alexander Lukashenko"} <= set(luka.aliases)
        assert case.get("actors", twin) is None
        assert case.get("relations", relation)["to_actor_id"] == "actor-luka"
        links = {(r["event_id"], r["actor_id"]) for r in case.rows("event_actors")}
        assert (event, "actor-luka") in links and ("event-call", "actor-luka") in links
        assert case.rows("notes", where="actor_id = ?", params=("actor-luka",))[0]["text"] == "same man"
        case.revert(journal)
        assert {t: case.rows(t) for t in before} == before
        assert case.search_index_ok()
        with pytest.raises(CaseError):
            merge_actors(case, "actor-luka", "actor-luka")


def test_describe_dependents_of_a_source_and_a_bare_record(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        assert describe_dependents(case, "sources", ["source-belta"]) == "1 citation and 1 footnote entry"
        assert describe_dependents(case, "events", ["event-rumour"]) == "1 actor link"
        assert describe_dependents(case, "events", ["event-call"]) == "2 actor links, 1 citation and 1 note"
        assert len(MAX_TITLE * "x") == 300
