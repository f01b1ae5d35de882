"""Issue 21 in the core: citations made by hand, places with coordinates and roles, actor attributes,
each through one operation checked by core.rules, audited, and carried by the exports and by merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from travel import csv_bundle, json_round_trip, merged_into_new_case

from workbench.core.attributes import normalise_value, suggested_type, template_for
from workbench.core.geo import CoordinateError, format_dms, parse_coordinate, parse_point
from workbench.core.ops import InvalidRecord, delete_records
from workbench.core.ops.attributes import attributes_of, set_attribute
from workbench.core.ops.citations import citations_of, cite, edit_citation, source_from_url
from workbench.core.ops.places import add_place, link_place, place_values, places_of_event
from workbench.core.queries import actor_listing, details, related, search_case
from workbench.core.store import open_case


@pytest.mark.parametrize(("text", "axis", "value"), [
    ("53.9", "lat", 53.9), ("-27.5667", "lon", -27.5667), ("53°54'N", "lat", 53.9), ("53° 54′ 12″ N", "lat", 53.903333),
    ("W 27° 33.5'", "lon", -27.558333), ("53,9", "lat", 53.9), ("23 41 E", "lon", 23.683333),
])
def test_coordinates_read_as_decimal_degrees_or_dms(text: str, axis: str, value: float) -> None:
    assert parse_coordinate(text, axis) == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize(("text", "axis", "said"), [
    ("91", "lat", "runs from -90 to 90"), ("53°61'N", "lat", "minutes run from 0 to 59"),
    ("27E", "lat", "E marks a longitude"), ("north", "lat", "is not a latitude"), ("-53 S", "lat", "not both"),
])
def test_bad_coordinates_are_refused_with_the_reason(text: str, axis: str, said: str) -> None:
    with pytest.raises(CoordinateError, match=said):
        parse_coordinate(text, axis)


def test_points_and_dms_round_trip() -> None:
    assert parse_point("52°05′52″N 23°41′03″E") == pytest.approx((52.097778, 23.684167), abs=1e-6)
    assert parse_point("53.9, 27.5667") == (53.9, 27.5667)
    assert format_dms(52.097778, "lat") == "52°05′52″N" and format_dms(-23.684167, "lon") == "23°41′03″W"


@pytest.mark.parametrize(("value_type", "typed", "stored"), [
    ("date", "30.08.1954", "1954-08-30"), ("date", "1954-08", "1954-08"), ("number", "1 200", "1200"),
    ("number", "3,5", "3.5"), ("url", "www.belta.by/x", "https://www.belta.by/x"),
    ("phone", "+375 (17) 222-00-00", "+375 (17) 222-00-00"), ("coordinates", "53°54′N 27°34′E", "53.9, 27.566667"),
])
def test_attribute_values_are_stored_in_one_form_per_type(value_type: str, typed: str, stored: str) -> None:
    assert normalise_value(value_type, typed) == stored


def test_templates_suggest_the_usual_keys_per_kind() -> None:
    assert ("date of birth", "date") in template_for("person") and ("position", "text") in template_for("person")
    assert ("parent unit", "text") in template_for("military") and ("garrison", "text") in template_for("military")
    assert suggested_type("person", "Date of birth") == "date" and suggested_type("other", "anything") == "text"


def test_a_source_from_a_pasted_url_gets_domain_and_publisher_offline() -> None:
    values = source_from_url("eng.belta.by/president/view/lukashenko-putin-talk-132009-2020/")
    assert values["url"] == "https://eng.belta.by/president/view/lukashenko-putin-talk-132009-2020/"
    assert values["publisher"] == "BelTA" and values["reliability"] == "F"
    assert source_from_url("https://example.org/a")["publisher"] == "example.org"


def test_cite_anything_with_a_new_source_edit_and_remove(small_case: Path) -> None:
    with open_case(small_case) as case:
        audit_before = case.counts()["audit"]
        changes = cite(case, "actors", "actor-omon", new_source=source_from_url("https://t.me/omon_channel/12"),
                       reliability="D", credibility=3, quote="  OMON units deployed\x00 to Brest ",
                       locator="post 12, 14:05", accessed="2020-08-16")
        citation = case.get("citations", changes.result)
        assert citation["actor_id"] == "actor-omon" and citation["credibility"] == 3
        assert citation["quote"] == "OMON units deployed to Brest" and citation["locator"] == "post 12, 14:05"
        assert citation["accessed"] == "2020-08-16"
        source = case.get("sources", citation["source_id"])
        assert source["publisher"] == "Telegram" and source["reliability"] == "D"
        assert set(changes.written) >= {"sources", "citations"}
        assert case.counts()["audit"] == audit_before + 2  # the source and the citation, audited
        edit_citation(case, citation["id"], reliability="C", credibility=2, locator="post 13")
        assert case.get("citations", citation["id"])["locator"] == "post 13"
        assert case.get("sources", citation["source_id"])["reliability"] == "C"
        [row] = citations_of(case, "actors", "actor-omon")
        assert row["publisher"] == "Telegram"
        assert ("Source", "https://t.me/omon_channel/12 (C2, post 13)\n\u201cOMON units deployed to Brest\u201d") in \
            details(case, "actors", "actor-omon")
        delete_records(case, "citations", [citation["id"]])
        assert citations_of(case, "actors", "actor-omon") == []


def test_a_refused_citation_writes_nothing_and_names_each_field(small_case: Path) -> None:
    with open_case(small_case) as case:
        before = case.counts()
        with pytest.raises(InvalidRecord) as refused:
            cite(case, "events", "event-call", new_source={"url": "", "title": ""}, credibility=9,
                 accessed="2020-02-30", locator="x" * 300)
        assert set(refused.value.problems) >= {"credibility", "accessed", "locator"}
        with pytest.raises(InvalidRecord) as no_source:
            cite(case, "events", "event-call", source_id="missing")
        assert "source_id" in no_source.value.problems
        with pytest.raises(InvalidRecord) as bad_url:
            cite(case, "events", "event-call", new_source={"url": "", "title": ""})
        assert "url" in bad_url.value.problems
        assert case.counts() == before


def test_places_with_aliases_kind_coordinates_and_roles(small_case: Path) -> None:
    with open_case(small_case) as case:
        values = place_values("Brest", "Брэст\nBrześć\n", "city", "52°05′52″N", "23°41′03″E", "BY")
        assert values["aliases"] == ["Брэст", "Brześć"] and values["lat"] == pytest.approx(52.097778)
        brest = add_place(case, values, event_id="event-call", role="target").result
        minsk = add_place(case, place_values("Minsk", "", "city", "53.9", "27.5667")).result
        link_place(case, "event-call", minsk, "origin")
        assert [(name, role) for _id, name, role in places_of_event(case, "event-call")] == [
            ("Minsk", "origin"), ("Brest", "target")]
        link_place(case, "event-call", minsk, "location")  # a new role replaces the old one
        assert places_of_event(case, "event-call")[0][1:] == ("Minsk", "location")
        assert related(case, "places", [brest])["events"] == {"event-call"}
        assert ("Place", "Brest (what it was aimed at)") in details(case, "events", "event-call")
        with pytest.raises(InvalidRecord):
            link_place(case, "event-call", brest, "nearby")


@pytest.mark.parametrize(("fields", "bad"), [
    (("", "", "", "", ""), "name"), (("Brest", "", "", "95", "23"), "lat"), (("Brest", "", "", "52", ""), "lon"),
    (("Brest", "", "", "52N", "23N"), "lon"), (("Brest", "x" * 201, "", "", ""), "aliases"),
])
def test_a_place_is_refused_beside_the_field_that_is_wrong(fields: tuple, bad: str) -> None:
    name, aliases, kind, lat, lon = fields
    with pytest.raises(InvalidRecord) as refused:
        place_values(name, aliases, kind, lat, lon)
    assert bad in refused.value.problems


def test_actor_attributes_are_typed_searchable_and_listed(small_case: Path) -> None:
    with open_case(small_case) as case:
        born = set_attribute(case, "actor-luka", "date of birth", "date", "30.08.1954").result
        set_attribute(case, "actor-luka", "phone", "phone", "+375 17 222 00 00")
        assert case.get("actor_attributes", born)["value"] == "1954-08-30"
        set_attribute(case, "actor-luka", "date of birth", "date", "1954-08-31", attribute_id=born)
        assert [(a["key"], a["value"]) for a in attributes_of(case, "actor-luka")] == [
            ("date of birth", "1954-08-31"), ("phone", "+375 17 222 00 00")]
        with pytest.raises(InvalidRecord) as refused:
            set_attribute(case, "actor-luka", "", "date", "30.02.1954")
        assert set(refused.value.problems) == {"key", "value"}
        hits = search_case(case, "222")["actors"]
        assert [hit.record_id for hit in hits] == ["actor-luka"] and hits[0].field == "phone"
        listing = actor_listing(case)
        row = listing.rows[listing.ids.index("actor-luka")]
        assert row[-1] == "date of birth: 1954-08-31; phone: +375 17 222 00 00"
        assert ("date of birth", "1954-08-31") in details(case, "actors", "actor-luka")
        delete_records(case, "actors", ["actor-luka"])  # its attributes go with it, through the gateway
        assert case.rows("actor_attributes") == []
        assert case.search_index_ok()


def test_attributes_places_and_citations_travel_in_json_csv_and_merge(small_case: Path, tmp_path: Path) -> None:
    with open_case(small_case) as case:
        set_attribute(case, "actor-omon", "garrison location", "coordinates", "53.9, 27.5667")
        place = add_place(case, place_values("Brest", "Брэст", "city", "52.1", "23.7"), event_id="event-call",
                          role="origin").result
        cite(case, "events", "event-call", new_source=source_from_url("https://belta.by/x"), locator="p. 2")
    document = json_round_trip(small_case, tmp_path)
    assert document["actor_attributes"][0]["value"] == "53.9, 27.5667"
    assert {"event_id": "event-call", "place_id": place, "role": "origin"} in document["event_places"]
    assert any(c["locator"] == "p. 2" for c in document["citations"])
    assert json.loads(document["places"][0]["aliases"]) == ["Брэст"]
    assert "garrison location" in csv_bundle(small_case, tmp_path)["actor_attributes.csv"]
    # merge: a colleague's attribute arrives with its actor
    theirs = tmp_path / "theirs.case"
    theirs.write_bytes(small_case.read_bytes())
    with open_case(theirs) as case:
        set_attribute(case, "actor-omon", "commander", "text", "Dmitry Balaba")
    with open_case(merged_into_new_case(theirs, tmp_path), read_only=True) as case:
        assert {a["key"] for a in attributes_of(case, "actor-omon")} == {"garrison location", "commander"}


def test_a_subset_copy_keeps_the_attributes_of_kept_actors_only(small_case: Path, tmp_path: Path) -> None:
    from workbench.core.exporters.case_copy import CopyOptions, export_case_copy

    with open_case(small_case) as case:
        set_attribute(case, "actor-luka", "rank", "text", "commander-in-chief")
        set_attribute(case, "actor-omon", "phone", "phone", "+375 17 999 99 99")
        out = tmp_path / "luka.case"
        export_case_copy(case, out, CopyOptions(actor_ids=("actor-luka",)))
    assert b"+375 17 999 99 99" not in out.read_bytes()  # OMON is not in the copy, nor its phone
    with open_case(out, read_only=True) as copy:
        assert [(a["actor_id"], a["key"]) for a in copy.rows("actor_attributes")] == [("actor-luka", "rank")]
        assert copy.conn.execute("SELECT count(*) FROM audit WHERE table_name = 'actor_attributes'").fetchone()[0] == 1
        assert copy.search_index_ok()


def test_attributes_are_node_columns_in_graphml_and_gexf_and_a_stix_custom_property(small_case: Path,
                                                                                   tmp_path: Path) -> None:
    import networkx as nx

    from workbench.cli import main

    with open_case(small_case) as case:
        set_attribute(case, "actor-omon", "garrison location", "coordinates", "53.9, 27.5667")
        set_attribute(case, "actor-luka", "date of birth", "date", "1954-08-30")
    graphml, gexf, stix = tmp_path / "g.graphml", tmp_path / "g.gexf", tmp_path / "case.stix.json"
    for fmt, out in (("graphml", graphml), ("gexf", gexf), ("stix", stix)):
        assert main(["export", str(small_case), "--format", fmt, "--out", str(out)]) == 0
    read = nx.read_graphml(graphml)
    assert read.nodes["actor-omon"]["attribute_garrison_location"] == "53.9, 27.5667"
    assert read.nodes["actor-luka"]["attributes"] == "date of birth: 1954-08-30"
    gephi = nx.read_gexf(gexf)
    assert gephi.nodes["actor-luka"]["attribute_date_of_birth"] == "1954-08-30"
    bundle = json.loads(stix.read_text(encoding="utf-8"))
    omon = next(o for o in bundle["objects"] if o.get("name", "").startswith("OMON"))
    assert omon["x_case_workbench_attributes"] == [
        {"key": "garrison location", "type": "coordinates", "value": "53.9, 27.5667"}]
    stix2validator = pytest.importorskip("stix2validator")
    result = stix2validator.validate_file(str(stix))
    assert result.is_valid, [str(error) for obj in result.object_results for error in obj.errors]


def test_a_case_of_schema_3_opens_migrated_and_takes_attributes(tmp_path: Path) -> None:
    """Schema 4 added a search index: the checks of an older file must not look for it (they did)."""
    import sqlite3

    from workbench.core.store import APPLICATION_ID, apply_migrations, schema_version

    path = tmp_path / "old.case"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    apply_migrations(conn, upto=3)
    stamp = "2020-08-15T00:00:00.000000Z"
    conn.execute("INSERT INTO actors (id, name, created_at, updated_at) VALUES ('a', 'OMON', ?, ?)", (stamp, stamp))
    conn.close()
    with open_case(path) as case:
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 4
        set_attribute(case, "a", "garrison", "text", "Minsk")
        assert search_case(case, "Minsk")["actors"][0].record_id == "a"
