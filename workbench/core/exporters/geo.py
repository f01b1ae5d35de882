"""Places and their events as GeoJSON (RFC 7946) and KML 2.2, for a GIS (QGIS, ArcGIS, Google Earth).

Each place with coordinates is one feature: a Point, or for an uncertain place (a region, a district, a
country) the Polygon of the area the map draws, with its point kept in the `lat`/`lon` properties; its
properties name its events in the case. Each event that goes from one place to another (its origin and
target places) is a LineString from the origin to the target. Coordinates are longitude, latitude in
WGS 84 decimal degrees as stored (six decimals at most). Read back by GDAL/OGR in
tests/test_interop_geo.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from workbench.core.exporters import atomic_output
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case

KML_NS = "http://www.opengis.net/kml/2.2"


def _events_by_place(case: Case) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for place_id, event_id, title, start, end, role in case.conn.execute(
            'SELECT ep.place_id, e.id, e.title, e.start, e."end", ep.role FROM event_places ep '
            "JOIN events e ON e.id = ep.event_id ORDER BY e.start, e.seq"):
        found.setdefault(place_id, []).append({"id": event_id, "title": title, "start": start, "end": end,
                                               "role": role})
    return found


def geo_features(case: Case, progress: Progress = NO_PROGRESS) -> list[dict[str, Any]]:
    """GeoJSON features of the case's places (with their events) and origin->target events."""
    from workbench.core.maps.basemap import load_basemap
    from workbench.core.maps.places import map_layer

    progress(0, 1)  # a Cancel pressed before the work began stops it here (raises Cancelled)
    layer = map_layer(case, basemap=load_basemap())
    events = _events_by_place(case)
    features = []
    for number, place in enumerate(layer.places):
        progress(number, max(1, len(layer.places)))
        if place.area:
            geometry: dict[str, Any] = {"type": "Polygon",
                                        "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]
                                                        for ring in place.area[:1]]}
        else:
            geometry = {"type": "Point", "coordinates": [place.lon, place.lat]}
        features.append({"type": "Feature", "id": place.id, "geometry": geometry, "properties": {
            "kind_of_feature": "place", "id": place.id, "name": place.name, "aliases": list(place.aliases),
            "place_kind": place.kind, "country": place.country, "lat": place.lat, "lon": place.lon,
            "uncertain": place.uncertain, "event_count": place.total,
            "events": [e["title"] for e in events.get(place.id, [])],
            "event_ids": [e["id"] for e in events.get(place.id, [])]}})
    where = {p.id: p for p in layer.places}
    titles = dict(case.conn.execute("SELECT id, title FROM events").fetchall())
    times = {i: (s, e) for i, s, e in case.conn.execute('SELECT id, start, "end" FROM events')}
    for link in layer.links:
        origin, target = where[link.origin], where[link.target]
        for event_id in link.events:
            start, end = times[event_id]
            features.append({"type": "Feature", "id": f"{event_id}:{link.origin}:{link.target}", "geometry": {
                "type": "LineString", "coordinates": [[origin.lon, origin.lat], [target.lon, target.lat]]},
                "properties": {"kind_of_feature": "event", "id": event_id, "name": titles.get(event_id, ""),
                               "origin": origin.name, "target": target.name, "start": start, "end": end}})
    return features


def export_geojson(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    features = geo_features(case, progress)
    document = {"type": "FeatureCollection", "name": case.title, "features": features}
    progress(1, 1)
    with atomic_output(out) as partial:
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    places = sum(1 for f in features if f["properties"]["kind_of_feature"] == "place")
    return f"Exported {places} places and {len(features) - places} events between places to {Path(out).name}."


def _kml_text(value: Any) -> str:
    return escape("" if value is None else str(value))


def _kml_coordinates(points: list[list[float]] | list[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def export_kml(case: Case, out: Path, progress: Progress = NO_PROGRESS) -> str:
    features = geo_features(case, progress)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<kml xmlns="{KML_NS}">', "<Document>",
             f"<name>{_kml_text(case.title)}</name>"]
    for folder, kind in (("Places", "place"), ("Events between places", "event")):
        lines.append(f"<Folder><name>{folder}</name>")
        for feature in (f for f in features if f["properties"]["kind_of_feature"] == kind):
            properties, geometry = feature["properties"], feature["geometry"]
            lines.append(f'<Placemark id="{_kml_text(feature["id"])}">')
            lines.append(f"<name>{_kml_text(properties['name'])}</name>")
            if kind == "place":
                description = "\n".join(properties["events"])
            else:
                description = f"{properties['origin']} → {properties['target']}"
                end = properties["end"] or properties["start"]
                lines.append(f"<TimeSpan><begin>{_kml_text(properties['start'])}</begin>"
                             f"<end>{_kml_text(end)}</end></TimeSpan>")
            lines.append(f"<description>{_kml_text(description)}</description>")
            lines.append("<ExtendedData>")
            for key, value in properties.items():
                if key in ("name", "events", "event_ids", "kind_of_feature"):
                    continue
                shown = json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
                lines.append(f'<Data name="{key}"><value>{_kml_text(shown)}</value></Data>')
            lines.append("</ExtendedData>")
            if geometry["type"] == "Point":
                lines.append(f"<Point><coordinates>{_kml_coordinates([geometry['coordinates']])}</coordinates></Point>")
            elif geometry["type"] == "LineString":
                lines.append(f"<LineString><tessellate>1</tessellate><coordinates>"
                             f"{_kml_coordinates(geometry['coordinates'])}</coordinates></LineString>")
            else:
                lines.append("<Polygon><outerBoundaryIs><LinearRing><coordinates>"
                             f"{_kml_coordinates(geometry['coordinates'][0])}"
                             "</coordinates></LinearRing></outerBoundaryIs></Polygon>")
            lines.append("</Placemark>")
        lines.append("</Folder>")
    lines += ["</Document>", "</kml>"]
    progress(1, 1)
    with atomic_output(out) as partial:
        partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    places = sum(1 for f in features if f["properties"]["kind_of_feature"] == "place")
    return f"Exported {places} places and {len(features) - places} events between places to {Path(out).name}."
