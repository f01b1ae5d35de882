"""What the panes list, and which records each selection ties to: straight from a real case file."""

from __future__ import annotations

from pathlib import Path

from workbench.core.marking import banner_colours, banner_text
from workbench.core.queries import (
    ActorChoice,
    actor_choices,
    actor_listing,
    details,
    domain_of,
    event_actors,
    event_listing,
    related,
    relation_listing,
    source_listing,
    source_names,
)
from workbench.core.store import open_case


def test_event_listing_reads_time_honestly_and_in_order(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        listing = event_listing(case)
    assert listing.ids == ["event-rumour", "event-call"]  # by start time
    rumour, call = listing.rows
    assert rumour[0].startswith("14 Aug 2020") and "no later than" in rumour[0]
    assert rumour[4] == "unverified"
    assert call[1] == "Lukashenko calls Putin"
    assert set(call[2].split(", ")) == {"Александр Лукашенко", "Kremlin"}
    assert call[5] == "2"


def test_actor_relation_and_source_listings(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        actors = actor_listing(case)
        relations = relation_listing(case)
        sources = source_listing(case)
    by_name = {row[0]: row for row in actors.rows}
    assert by_name["Александр Лукашенко"][2] == "Alexander Lukashenko, Батька"
    assert by_name["Александр Лукашенко"][3:] == ("1", "1", "")  # one event, one relation, no attributes
    assert relations.rows == [("Александр Лукашенко", "requests support from", "Kremlin", "reported", "", "10")]
    # footnotes sort as numbers (2 before 10); an untitled source shows its URL
    assert [row[0] for row in sources.rows] == ["2", "10"]
    assert sources.rows[1][1] == "https://tass.com/politics/2"
    assert sources.rows[0][2] == "belta.by"
    assert sources.rows[0][6] == "1"


def test_details_trace_every_claim_to_its_source(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        event = dict(details(case, "events", "event-call"))
        rumour = details(case, "events", "event-rumour")
        source = details(case, "sources", "source-belta")
        assert details(case, "events", "no-such-id") == []
    assert event["Event"] == "Lukashenko calls Putin"
    assert "belta.by" in event["Source [2]"] and "(C2)" in event["Source [2]"]
    assert "Лукашенко и Путин провели переговоры" in event["Source [2]"]
    assert event["Note"] == "Check the BelTA timing."
    assert ("Source", "none: this claim is not cited") in rumour
    assert ("Reliability", "C - fairly reliable") in source
    assert any(label == "Supports event" and "Lukashenko calls Putin" in value for label, value in source)



def test_what_the_forms_offer_actors_of_an_event_and_source_names(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        assert event_actors(case, "event-call") == [("actor-kremlin", "Kremlin", ""),
                                                    ("actor-luka", "Александр Лукашенко", "caller")]
        assert event_actors(case, "event-rumour") == [("actor-omon", "OMON (Special Purpose Police Unit)", "")]
        assert event_actors(case, "no-such-event") == []
        choices = actor_choices(case)
        names = source_names(case)
    assert [choice.name for choice in choices] == ["Kremlin", "OMON (Special Purpose Police Unit)",
                                                   "Александр Лукашенко"]
    assert choices[2] == ActorChoice("actor-luka", "Александр Лукашенко", ("Alexander Lukashenko", "Батька"))
    assert choices[2].label == "Александр Лукашенко (Alexander Lukashenko, Батька)"
    assert choices[0].label == "Kremlin"
    assert names == {"source-belta": "Лукашенко провел переговоры с Путиным",
                     "source-tass": "https://tass.com/politics/2"}  # no title: named by its URL

def test_related_records_of_each_kind_of_selection(small_case: Path) -> None:
    with open_case(small_case, read_only=True) as case:
        of_event = related(case, "events", ["event-call"])
        of_actor = related(case, "actors", ["actor-luka"])
        of_source = related(case, "sources", ["source-tass"])
        many = related(case, "events", [f"missing-{n}" for n in range(50_000)] + ["event-rumour"])
        assert related(case, "events", []) == {t: set() for t in ("events", "actors", "relations", "sources")}
    assert of_event["actors"] == {"actor-luka", "actor-kremlin"}
    assert of_event["sources"] == {"source-belta"}
    assert of_actor["events"] == {"event-call"} and of_actor["relations"] == {"relation-support"}
    assert of_actor["actors"] == {"actor-kremlin"}  # the selection itself is not "related"
    assert of_source["relations"] == {"relation-support"}
    assert many["actors"] == {"actor-omon"}  # a huge selection is still one query, not a SQL error


def test_domain_and_banner_markings() -> None:
    assert domain_of("https://www.belta.by/x") == "belta.by"
    assert domain_of("not a url") == ""
    assert banner_colours("TOP SECRET//SI") == ("#ff8c00", "#000000")
    assert banner_colours("SECRET//NOFORN")[0] == "#c8102e"
    assert banner_colours("unclassified // sample case")[0] == "#007a33"
    assert banner_colours("Handle with care")[0] == "#5a5a5a"
    assert banner_text("  unclassified //  sample ") == "UNCLASSIFIED // SAMPLE"
    assert banner_text("") == "NO CLASSIFICATION MARKING SET"


def test_case_filter_floors() -> None:
    from workbench.core.filters import CaseFilter

    everything = CaseFilter()
    assert everything.is_empty
    assert all(everything.passes_confidence(c) for c in ("confirmed", "unverified", "planned"))
    strict = CaseFilter(confidence_floor="likely", reliability_floor="C")
    assert strict.passes_confidence("reported") and strict.passes_confidence("likely")
    assert not strict.passes_confidence("unverified") and not strict.passes_confidence("possible")
    assert strict.passes_reliability("B") and strict.passes_reliability("C")
    assert not strict.passes_reliability("F")
    assert not strict.is_empty


def test_cyrillic_words_find_latin_spellings_on_the_sample(tmp_path: Path) -> None:
    from workbench.core.queries import search_case
    from workbench.core.sample import build_sample_case
    from workbench.core.store import fts_query, transliterations

    assert transliterations("Лукашенко") == ["lukashenko"]
    assert {"dogovorilsya", "dogovorilsja"} <= set(transliterations("договорился"))
    assert "kyiv" in transliterations("Київ") and "hrodna" in transliterations("Гродна")  # passport, BGN/PCGN
    assert transliterations("OMON") == []
    assert '"x"*' in fts_query('x" OR NEAR(') and "NEAR(" not in fts_query('x" OR NEAR(')
    with build_sample_case(tmp_path / "sample.case") as case:
        slug = search_case(case, "договорил")  # the BelTA URL slug 'lukashenko-dogovorilsja-s-putinym'
        assert any("belta.by" in (case.get("sources", hit.record_id) or {}).get("url", "") for hit in slug["sources"])
        omon = search_case(case, "омон")
        assert any(case.get("actors", hit.record_id)["name"].startswith("OMON") for hit in omon["actors"])
        assert search_case(case, "Kochanova")["actors"]
