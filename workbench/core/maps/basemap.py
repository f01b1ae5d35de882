"""The offline basemap shipped with the app (resources/basemap/basemap.npz, built by tools/build_basemap.py):
Natural Earth's land, lakes, coastlines, country borders and first-level divisions (public domain) at three
levels of detail, country names, admin-1 areas around Belarus, and GeoNames' populated places (CC BY 4.0).

Nothing is fetched: the file ships inside the package. Coordinates are decoded and projected once per process
(`load_basemap`), about a tenth of a second.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from workbench.core.maps.projection import KM_PER_DEGREE, circle, project, scale_at

RESOURCE = ("basemap", "basemap.npz")
LINE_LAYERS = ("coast", "borders", "admin1")
FILL_LAYERS = ("landfill", "lakesfill")
# Grid, in km, that line parts are bucketed by, so a view paints only the buckets it shows.
BUCKET_KM = 250.0
# An uncertain place drawn as a ring when no area of the basemap holds it: radius by kind, km.
RING_KM = {"region": 90.0, "district": 25.0, "country": 250.0, "other": 10.0}
AREA_KINDS = frozenset(RING_KM) - {"other"}
_LOCK = threading.RLock()
_LOADED: Basemap | None = None


@dataclass
class Parts:
    """Polylines or rings of one layer at one level of detail, projected: x, y (km) and part starts."""

    x: np.ndarray
    y: np.ndarray
    starts: np.ndarray  # len(parts) + 1

    def __len__(self) -> int:
        return len(self.starts) - 1

    def part(self, number: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.starts[number], self.starts[number + 1]
        return self.x[a:b], self.y[a:b]

    def buckets(self, size_km: float = BUCKET_KM) -> dict[tuple[int, int], list[int]]:
        """Part numbers by the grid cell of their first point: what a view culls by."""
        found: dict[tuple[int, int], list[int]] = {}
        if not len(self):
            return found
        first = self.starts[:-1]
        cells = zip((self.x[first] // size_km).astype(int).tolist(), (self.y[first] // size_km).astype(int).tolist(),
                    strict=True)
        for number, cell in enumerate(cells):
            found.setdefault(cell, []).append(number)
        return found


def decode(steps: np.ndarray, index: np.ndarray, quantum: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, starts) from the extract's int16 steps and its (start, first x, first y) index."""
    starts = index[:, 0].astype(np.int64)
    coords = steps.astype(np.int64)
    if len(starts) > 1:
        coords[starts[:-1]] = index[:-1, 1:]
    # steps are relative within each part, whose first row holds its absolute point: a cumulative sum
    # per part is the cumulative sum overall minus the sums before each part
    total = np.cumsum(coords, axis=0)
    before = np.zeros_like(total)
    if len(starts) > 1 and len(total):
        base = total[starts[:-1]] - coords[starts[:-1]]
        lengths = np.diff(starts)
        before = np.repeat(base, lengths, axis=0)
    absolute = (total - before) * quantum
    return absolute[:, 0], absolute[:, 1], starts


@dataclass
class Basemap:
    lods: tuple[float, ...]
    raw: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]  # the extract's packed layers
    quantum: float
    country_names: list[str]
    country_codes: list[str]
    country_labels: np.ndarray  # (n, 2) lon, lat
    country_rings: tuple[np.ndarray, np.ndarray, np.ndarray]  # lon, lat, starts
    country_owner: np.ndarray
    area_rings: tuple[np.ndarray, np.ndarray, np.ndarray]
    city_lon: np.ndarray
    city_lat: np.ndarray
    city_population: np.ndarray
    city_names: list[str]
    city_countries: list[str]
    city_xy: tuple[np.ndarray, np.ndarray] = field(default=(np.zeros(0), np.zeros(0)))
    layers: dict[tuple[str, int], Parts] = field(default_factory=dict)  # decoded on first use

    def has(self, name: str, lod: int) -> bool:
        return (name, lod) in self.raw

    def layer(self, name: str, lod: int) -> Parts | None:
        """A layer at a level of detail (or the nearest coarser level that has it), decoded and projected
        on first use: a view at world scale never pays for the city-scale coast."""
        for level in range(lod, -1, -1):
            key = (name, level)
            if key in self.layers:
                return self.layers[key]
            if key in self.raw:
                with _LOCK:
                    if key not in self.layers:
                        lon, lat, starts = decode(*self.raw[key], self.quantum)
                        x, y = project(lon, lat)
                        self.layers[key] = Parts(np.asarray(x), np.asarray(y), starts)
                return self.layers[key]
        return None

    def lod_for(self, km_per_pixel: float, lat: float = 50.0) -> int:
        """The coarsest level whose simplification strays at most two or three pixels at this scale."""
        pixel_degrees = km_per_pixel / (KM_PER_DEGREE * scale_at(lat))
        for level, tolerance in enumerate(self.lods):
            if tolerance <= pixel_degrees * 2.5:
                return level
        return len(self.lods) - 1

    def cities_above(self, population: int) -> np.ndarray:
        """Indexes of the places of at least `population` people (they are stored largest first)."""
        return np.arange(int(np.searchsorted(-self.city_population, -population, side="right")))

    def country_of(self, lat: float, lon: float) -> int | None:
        """The country (its number) whose 1:110m outline holds the point, if any."""
        lons, lats, starts = self.country_rings
        for ring in _rings_holding(lons, lats, starts, lon, lat):
            return int(self.country_owner[ring])
        return None

    def area_around(self, lat: float, lon: float, kind: str) -> list[list[tuple[float, float]]]:
        """Rings of (lon, lat) an uncertain place of `kind` is drawn as: the admin-1 area (a region) or the
        country (a country) holding its point when the basemap has one, else a ring whose radius suits
        the kind. A place of another kind is a point: []."""
        kind = (kind or "").strip().casefold()
        if kind not in AREA_KINDS:
            return []
        if kind == "region":
            lons, lats, starts = self.area_rings
            for ring in _rings_holding(lons, lats, starts, lon, lat):
                a, b = starts[ring], starts[ring + 1]
                return [list(zip(lons[a:b].tolist(), lats[a:b].tolist(), strict=True))]
        if kind == "country":
            country = self.country_of(lat, lon)
            if country is not None:
                lons, lats, starts = self.country_rings
                return [list(zip(lons[starts[r]:starts[r + 1]].tolist(), lats[starts[r]:starts[r + 1]].tolist(),
                                 strict=True))
                        for r in np.flatnonzero(self.country_owner == country)]
        return [circle(lat, lon, RING_KM[kind])]


_BOXES: dict[int, tuple[np.ndarray, ...]] = {}


def _boxes(lons: np.ndarray, lats: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each ring's bounding box, worked out once per set of rings (the basemap's are read-only)."""
    key = id(starts)
    found = _BOXES.get(key)
    if found is None:
        first = starts[:-1]
        found = (np.minimum.reduceat(lons, first), np.maximum.reduceat(lons, first),
                 np.minimum.reduceat(lats, first), np.maximum.reduceat(lats, first), starts)
        _BOXES[key] = found  # keeps `starts` alive, so its id is never reused for other rings
    return found


def _rings_holding(lons: np.ndarray, lats: np.ndarray, starts: np.ndarray, lon: float, lat: float) -> list[int]:
    """Numbers of the rings that hold the point (even-odd rule)."""
    found = []
    if len(starts) < 2:
        return found
    x0, x1, y0, y1, _ = _boxes(lons, lats, starts)
    for ring in np.flatnonzero((x0 <= lon) & (lon <= x1) & (y0 <= lat) & (lat <= y1)).tolist():
        a, b = starts[ring], starts[ring + 1]
        x, y = lons[a:b], lats[a:b]
        x2, y2 = np.roll(x, -1), np.roll(y, -1)
        crossing = (y > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x + (lat - y) * (x2 - x) / (y2 - y)
        if int(np.count_nonzero(crossing & (lon < at))) % 2 == 1:
            found.append(ring)
    return found


def _read() -> Basemap:
    source = resources.files("workbench.resources").joinpath(*RESOURCE)
    with source.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    quantum = float(arrays["quantum"])
    lods = tuple(float(t) for t in arrays["lods"])
    raw = {(name, lod): (arrays[f"{name}{lod}_xy"], arrays[f"{name}{lod}_ix"])
           for name in (*LINE_LAYERS, *FILL_LAYERS) for lod in range(len(lods)) if f"{name}{lod}_xy" in arrays}
    countries = json.loads(str(arrays["country_names"]))
    cities = json.loads(str(arrays["city_names"]))
    city_lonlat = arrays["city_lonlat"].astype(np.float64)
    basemap = Basemap(
        lods=lods, raw=raw, quantum=quantum, country_names=countries["names"], country_codes=countries["codes"],
        country_labels=arrays["country_label"].astype(np.float64),
        country_rings=decode(arrays["country_xy"], arrays["country_ix"], quantum),
        country_owner=arrays["country_owner"],
        area_rings=decode(arrays["area_xy"], arrays["area_ix"], quantum),
        city_lon=city_lonlat[:, 0], city_lat=city_lonlat[:, 1], city_population=arrays["city_population"],
        city_names=cities["names"], city_countries=cities["countries"])
    basemap.city_xy = project(basemap.city_lon, basemap.city_lat)
    return basemap


def load_basemap() -> Basemap:
    """The basemap, read once per process (thread-safe: the Map dock may load it on a worker)."""
    global _LOADED  # noqa: PLW0603 - one read-only basemap per process
    with _LOCK:
        if _LOADED is None:
            _LOADED = _read()
        return _LOADED


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))
