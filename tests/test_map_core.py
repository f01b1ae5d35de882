"""The map without Qt (issue 26): Web Mercator, the shipped Natural Earth basemap and its levels of detail,
uncertain places as areas, event counts in the time window, origin -> target links, the linked selection's
places, and the GeoJSON and KML exports (read back here; GDAL reads them in test_interop_geo.py)."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from workbench.core.exporters import export
from workbench.core.maps.basemap import load_basemap
from workbench.core.maps.places import map_layer, marker_radius, places_of
from workbench.core.maps.projection import circle, project, unproject
from workbench.core.ops.places import add_place, link_place, place_values
from workbench.core.store import open_case

MINSK = (53.9, 27.56)
GOMEL = (52.44, 30.98)


@pytest.fixture
def sample(sample_path: Path, tmp_path: Path):
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    case = open_case(copy)
    yield case
    case.close()


def test_mercator_round_trips_and_clamps_the_poles() -> None:
    lon = np.array([-179.9, -27.5, 0.0, 27.56, 179.9])
    lat = np.array([-80.0, -33.9, 0.0, 53.9, 84.0])
    back_lon, back_lat = unproject(*project(lon, lat))
    assert np.allclose(back_lon, lon, atol=1e-9) and np.allclose(back_lat, lat, atol=1e-9)
    assert project(0.0, 90.0)[1] == pytest.approx(project(0.0, 85.05112878)[1])
    ring = circle(*MINSK, 100.0)
    assert ring[0] == ring[-1]
    # every point of the ring is 100 km from Minsk on the ground
    for lon_, lat_ in ring[:-1:9]:
        d = 6378.137 * math.acos(min(1, math.sin(math.radians(MINSK[0])) * math.sin(math.radians(lat_))
                                     + math.cos(math.radians(MINSK[0])) * math.cos(math.radians(lat_))
                                     * math.cos(math.radians(lon_ - MINSK[1]))))
        assert d == pytest.approx(100.0, rel=1e-3)


def test_the_basemap_ships_borders_divisions_coasts_and_named_places() -> None:
    basemap = load_basemap()
    for name in ("landfill", "coast", "borders", "lakesfill"):
        for lod in range(3):
            assert len(basemap.layer(name, lod)) > 0
    assert not basemap.has("admin1", 0) and basemap.layer("admin1", 0) is None
    assert len(basemap.layer("admin1", 2)) > 1000
    # finer levels have more points, so zooming in shows more coast
    sizes = [len(basemap.layer("coast", lod).x) for lod in range(3)]
    assert sizes == sorted(sizes) and sizes[2] > 3 * sizes[0]
    # the levels of detail follow the zoom: the world, a country, a city
    assert basemap.lod_for(20.0) == 0 and basemap.lod_for(1.0) == 1 and basemap.lod_for(0.05) == 2
    # Belarus's cities, and its name among the countries
    big = {basemap.city_names[i] for i in basemap.cities_above(300_000)}
    assert {"Minsk", "Homyel'"} <= big or {"Minsk", "Gomel"} <= big
    assert "Belarus" in basemap.country_names
    assert basemap.country_names[basemap.country_of(*MINSK)] == "Belarus"
    assert basemap.country_codes[basemap.country_of(*MINSK)] == "BY"
    # the coast is where it should be: Minsk is far from it, the point off Klaipėda is at sea
    lon, lat = unproject(basemap.layer("coast", 2).x, basemap.layer("coast", 2).y)
    near_minsk = np.hypot(lon - MINSK[1], lat - MINSK[0]).min()
    assert near_minsk > 2.0
    assert np.hypot(lon - 21.1, lat - 55.7).min() < 0.2


def test_an_uncertain_place_is_the_area_that_holds_it() -> None:
    basemap = load_basemap()
    (region,) = basemap.area_around(*GOMEL, "region")
    lons, lats = np.array([p[0] for p in region]), np.array([p[1] for p in region])
    # Gomel oblast: it holds Gomel, reaches the Ukrainian border and not Minsk
    assert lats.min() < 51.6 and lons.max() > 31.5
    assert not (lons.min() < MINSK[1] < lons.max() and lats.min() < MINSK[0] < lats.max())
    (country, *_) = basemap.area_around(*MINSK, "country")
    assert len(country) > 10
    (ring,) = basemap.area_around(*MINSK, "district")
    assert len(ring) == 73  # a ring where no area is known
    assert basemap.area_around(*MINSK, "city") == []


def test_places_in_the_time_window_with_their_events(sample) -> None:
    whole = map_layer(sample, basemap=load_basemap())
    by_name = {p.name: p for p in whole.places}
    assert len(whole.places) == 8 and whole.without_coordinates == 0
    assert by_name["Minsk"].events == 6 and by_name["Minsk"].total == 6
    assert by_name["Minsk"].label == "Minsk · Мінск"
    assert by_name["Independence Square, Minsk"].kind == "street or square"
    # 15 August only: Minsk's events of the 9th to the 14th drop out; the totals stay
    day = map_layer(sample, "2020-08-14T21:00:00Z", "2020-08-15T20:59:59Z")
    by_name_day = {p.name: p for p in day.places}
    assert by_name_day["Minsk"].events < 6 and by_name_day["Minsk"].total == 6
    assert by_name_day["Nevel"].events == 1
    # Nevel and Klincy towards Vitebsk and Gomel, respectively: two directed links, not four
    names = {p.id: p.name for p in whole.places}
    assert sorted((names[link.origin], names[link.target]) for link in whole.links) == [
        ("Klincy", "Gomel"), ("Nevel", "Vitebsk")]
    before = map_layer(sample, "2020-08-08T21:00:00Z", "2020-08-09T20:59:59Z")
    assert before.links == []
    assert marker_radius(0) < marker_radius(1) < marker_radius(6) < marker_radius(10_000) == 22.0


def test_a_region_place_is_drawn_as_its_area_and_links_in_any_role(sample) -> None:
    values = place_values("Gomel Region", ["Гомельская вобласць"], "region", "52.3", "29.9", "BY")
    region = add_place(sample, values).result
    event = sample.conn.execute("SELECT id FROM events ORDER BY start LIMIT 1").fetchone()[0]
    link_place(sample, event, region, "target")
    minsk = sample.conn.execute("SELECT id FROM places WHERE name = 'Minsk'").fetchone()[0]
    link_place(sample, event, minsk, "origin")
    layer = map_layer(sample, basemap=load_basemap())
    place = layer.place(region)
    assert place.uncertain and len(place.area[0]) > 20
    assert (minsk, region) in {(link.origin, link.target) for link in layer.links}
    # the linked selection: the event's places; an actor's and a source's places through their events
    assert places_of(sample, "events", [event]) >= {region, minsk}
    actor = sample.conn.execute("SELECT actor_id FROM event_actors WHERE event_id = ?", (event,)).fetchone()
    if actor:
        assert region in places_of(sample, "actors", [actor[0]])
    source = sample.conn.execute("SELECT source_id FROM citations WHERE event_id = ?", (event,)).fetchone()
    if source:
        assert region in places_of(sample, "sources", [source[0]])
    assert places_of(sample, "relations", ["x"]) == set()


def test_geojson_and_kml_hold_every_place_and_each_move(sample, tmp_path: Path) -> None:
    summary = export(sample, "geojson", tmp_path / "places.geojson")
    assert "8 places" in summary and "2 events between places" in summary
    document = json.loads((tmp_path / "places.geojson").read_text(encoding="utf-8"))
    points = {f["properties"]["name"]: f for f in document["features"] if f["properties"]["kind_of_feature"] == "place"}
    assert points["Minsk"]["geometry"] == {"type": "Point", "coordinates": [27.56, 53.9]}
    assert points["Minsk"]["properties"]["aliases"] == ["Мінск", "Минск"]
    assert points["Minsk"]["properties"]["event_count"] == 6
    moves = [f for f in document["features"] if f["geometry"]["type"] == "LineString"]
    assert {tuple(map(tuple, f["geometry"]["coordinates"])) for f in moves} == {
        ((29.93, 56.02), (30.2, 55.19)), ((32.24, 52.75), (30.98, 52.44))}
    export(sample, "kml", tmp_path / "places.kml")
    root = ET.parse(tmp_path / "places.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == 10
    minsk = next(m for m in marks if m.findtext("k:name", namespaces=ns) == "Minsk")
    assert minsk.findtext(".//k:Point/k:coordinates", namespaces=ns) == "27.56,53.9"
    assert all(m.find(".//k:TimeSpan", ns) is not None for m in marks if m.find(".//k:LineString", ns) is not None)


def test_about_names_the_map_data_and_its_licences() -> None:
    from workbench.licenses import MAP_DATA, licences_text

    text = licences_text(MAP_DATA)
    assert "Natural Earth (map data)" in text and "public domain" in text
    assert "GeoNames (place names)" in text and "CC-BY-4.0" in text and "creativecommons.org/licenses/by/4.0" in text
