"""Web Mercator (the projection of every web map) in kilometres: x east, y north, the equator at y = 0.

Kilometres rather than metres keep the Map dock's scene coordinates in the tens of thousands at most.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

RADIUS_KM = 6378.137
MAX_LAT = 85.05112878  # where the square world of Web Mercator ends
WORLD_KM = 2 * math.pi * RADIUS_KM  # the world's width on the map
KM_PER_DEGREE = WORLD_KM / 360


def project(lon: Any, lat: Any) -> tuple[Any, Any]:
    """(x, y) km of longitude and latitude (floats or numpy arrays); latitudes beyond ±85.05 are clamped."""
    lat = np.clip(lat, -MAX_LAT, MAX_LAT)
    x = np.radians(lon) * RADIUS_KM
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * RADIUS_KM
    if np.ndim(x) == 0:
        return float(x), float(y)
    return x, y


def unproject(x: Any, y: Any) -> tuple[Any, Any]:
    """(longitude, latitude) of map km (x, y)."""
    lon = np.degrees(np.asarray(x, dtype=float) / RADIUS_KM)
    lat = np.degrees(2 * np.arctan(np.exp(np.asarray(y, dtype=float) / RADIUS_KM)) - np.pi / 2)
    if np.ndim(lon) == 0:
        return float(lon), float(lat)
    return lon, lat


def scale_at(lat: float) -> float:
    """How many times Web Mercator stretches distances at `lat` (1 at the equator, 2 at 60°)."""
    return 1 / max(math.cos(math.radians(min(abs(lat), MAX_LAT))), 1e-6)


def circle(lat: float, lon: float, radius_km: float, points: int = 72) -> list[tuple[float, float]]:
    """A ring of (lon, lat) `radius_km` around a point on the ground (spherical Earth): an uncertain
    location drawn as the area it may be in."""
    bearing = np.linspace(0, 2 * np.pi, points, endpoint=False)
    phi, lam, delta = math.radians(lat), math.radians(lon), radius_km / RADIUS_KM
    lat2 = np.arcsin(np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.cos(bearing))
    lon2 = lam + np.arctan2(np.sin(bearing) * np.sin(delta) * np.cos(phi), np.cos(delta) - np.sin(phi) * np.sin(lat2))
    ring = [(float((math.degrees(a) + 540) % 360 - 180), float(math.degrees(b)))
            for a, b in zip(lon2, lat2, strict=True)]
    return [*ring, ring[0]]
