"""GeoJSON and KML of a case's places, read by a real GIS reader (GDAL/OGR's ogr2ogr, from the system's
gdal-bin, installed by `make interop-tools`): every place and every origin -> target event comes back as a
feature, with its coordinates as stored, its Cyrillic names intact, and uncertain places as polygons."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.core.exporters import export
from workbench.core.ops.places import add_place, link_place, place_values
from workbench.core.store import open_case

OGR2OGR = shutil.which("ogr2ogr")
pytestmark = pytest.mark.skipif(OGR2OGR is None, reason="GDAL's ogr2ogr is not installed (apt-get install gdal-bin)")


@pytest.fixture(scope="module")
def exported(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("geo")
    copy = folder / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    with open_case(copy) as case:
        # a region (an uncertain place: its area, not a point) and a place at the antimeridian's edge
        region = add_place(case, place_values("Gomel Region", ["Гомельская вобласць"], "region", "52.3", "29.9",
                                              "BY")).result
        far = add_place(case, place_values("Anadyr", ["Анадырь"], "town", "64.733333", "177.508889", "RU")).result
        event = case.conn.execute("SELECT id FROM events ORDER BY start LIMIT 1").fetchone()[0]
        link_place(case, event, region, "location")
        link_place(case, event, far, "location")
        stored = {name: (lat, lon) for name, lat, lon in case.conn.execute("SELECT name, lat, lon FROM places")}
        export(case, "geojson", folder / "places.geojson")
        export(case, "kml", folder / "places.kml")
    return folder, stored


def read_with_ogr(path: Path, layers: tuple[str, ...] = ("",)) -> list[dict]:
    """The file's layers (a KML folder is a layer; "" for a file of one) as OGR reads them, converted by
    ogr2ogr to GeoJSON features."""
    features: list[dict] = []
    for number, layer in enumerate(layers):
        out = path.with_name(f"{path.name}.{number}.ogr.geojson")
        subprocess.run([OGR2OGR, "-f", "GeoJSON", str(out), str(path), *([layer] if layer else [])], check=True,
                       capture_output=True, timeout=60)
        features += json.loads(out.read_text(encoding="utf-8"))["features"]
    return features


def check(features: list[dict], stored: dict[str, tuple[float, float]], name_key: str) -> None:
    places = {f["properties"][name_key]: f for f in features if f["geometry"]["type"] in ("Point", "Polygon")}
    assert set(places) == set(stored)
    for name, (lat, lon) in stored.items():
        geometry = places[name]["geometry"]
        if geometry["type"] == "Point":
            x, y = geometry["coordinates"][:2]
            assert (round(y, 6), round(x, 6)) == (lat, lon), name
    region = places["Gomel Region"]["geometry"]
    assert region["type"] == "Polygon" and len(region["coordinates"][0]) > 20
    lons = [p[0] for p in region["coordinates"][0]]
    lats = [p[1] for p in region["coordinates"][0]]
    assert min(lons) < 29.9 < max(lons) and min(lats) < 52.3 < max(lats)
    moves = sorted(tuple(tuple(round(v, 6) for v in p[:2]) for p in f["geometry"]["coordinates"])
                   for f in features if f["geometry"]["type"] == "LineString")
    assert moves == [((29.93, 56.02), (30.2, 55.19)), ((32.24, 52.75), (30.98, 52.44))]


def test_geojson_read_by_ogr(exported) -> None:
    folder, stored = exported
    features = read_with_ogr(folder / "places.geojson")
    check(features, stored, "name")
    minsk = next(f for f in features if f["properties"].get("name") == "Minsk")
    assert minsk["properties"]["event_count"] == 6
    assert "Мінск" in json.dumps(minsk["properties"]["aliases"], ensure_ascii=False)


def test_kml_read_by_ogr(exported) -> None:
    folder, stored = exported
    features = read_with_ogr(folder / "places.kml", ("Places", "Events between places"))
    check(features, stored, "Name")
    listing = subprocess.run(["ogrinfo", "-ro", "-q", str(folder / "places.kml")], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    assert "Places" in listing and "Events between places" in listing
    minsk = next(f for f in features if f["properties"].get("Name") == "Minsk")
    assert minsk["properties"]["description"].count("\n") == 5  # its six events, one a line
    aliases = minsk["properties"]["aliases"]  # ExtendedData, read by LIBKML
    assert (json.loads(aliases) if isinstance(aliases, str) else aliases) == ["Мінск", "Минск"]
    move = next(f for f in features if f["geometry"]["type"] == "LineString")
    assert move["properties"]["begin"].startswith("2020-08-1")  # the event's TimeSpan
