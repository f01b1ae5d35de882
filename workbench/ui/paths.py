"""Painter paths built from numpy arrays in one step (Qt reads the elements from its binary stream form), instead of
one Python call per line or curve: a chart of 20,000 relations is a few array operations, not 100,000 calls."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream
from PySide6.QtGui import QPainterPath

# QPainterPath::ElementType
MOVE, LINE, CURVE, CURVE_DATA = 0, 1, 2, 3
# One element as QDataStream writes it (big-endian): its type, x, y.
ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])


def painter_path(types: Any, x: Any, y: Any) -> QPainterPath:
    """The path of these elements: `types` (MOVE, LINE, CURVE then two CURVE_DATA for a cubic curve) with their
    points, all finite (Qt makes a path with one point that is not an empty path: the helpers below leave out
    each line, curve or polygon with such a point)."""
    types = np.asarray(types)
    count = len(types)
    if not count:
        return QPainterPath()
    body = np.empty(count, dtype=ELEMENT)
    body["type"], body["x"], body["y"] = types, x, y
    starts = np.flatnonzero(types == MOVE)
    last_start = int(starts[-1]) if len(starts) else 0
    # The stream: the element count, the elements, where the last subpath starts, the fill rule (odd-even).
    data = (np.array([count], ">i4").tobytes() + body.tobytes()
            + np.array([last_start, 0], ">i4").tobytes())
    path = QPainterPath()
    stream = QDataStream(QByteArray(data))
    stream >> path  # noqa: B015 - Qt's operator reads into `path`
    return path


def _finite(*arrays: Any) -> list[Any]:
    """The rows of these (n, 2) arrays whose points are all finite."""
    keep = np.ones(len(arrays[0]), dtype=bool)
    for array in arrays:
        keep &= np.isfinite(array).all(axis=1)
    return [array[keep] for array in arrays]


def segments_path(p0: Any, p1: Any) -> QPainterPath:
    """Straight segments from each point of `p0` to the point of `p1` in the same row ((n, 2) arrays)."""
    p0, p1 = _finite(np.asarray(p0, dtype=float), np.asarray(p1, dtype=float))
    n = len(p0)
    types = np.tile(np.array([MOVE, LINE]), n)
    points = np.stack([p0, p1], axis=1).reshape(-1, 2)
    return painter_path(types, points[:, 0], points[:, 1])


def quad_curves_path(p0: Any, control: Any, p1: Any) -> QPainterPath:
    """Quadratic curves from `p0` through `control` to `p1` (rows of (n, 2) arrays), as QPainterPath.quadTo
    makes them: cubic curves whose two control points lie two thirds of the way to the quadratic's one."""
    p0, control, p1 = _finite(*(np.asarray(a, dtype=float) for a in (p0, control, p1)))
    n = len(p0)
    c1 = p0 + (control - p0) * (2.0 / 3.0)
    c2 = p1 + (control - p1) * (2.0 / 3.0)
    types = np.tile(np.array([MOVE, CURVE, CURVE_DATA, CURVE_DATA]), n)
    points = np.stack([p0, c1, c2, p1], axis=1).reshape(-1, 2)
    return painter_path(types, points[:, 0], points[:, 1])


def polygons_path(corners: Any) -> QPainterPath:
    """Closed polygons, one per row of `corners` ((n, k, 2): k corners each), each its own subpath."""
    corners = np.asarray(corners, dtype=float)
    if corners.ndim == 3:
        corners = corners[np.isfinite(corners).all(axis=(1, 2))]
    n, k = corners.shape[0], corners.shape[1] if corners.ndim == 3 else 0
    if not n or not k:
        return QPainterPath()
    closed = np.concatenate([corners, corners[:, :1]], axis=1)  # back to the first corner, as addPolygon would
    types = np.tile(np.array([MOVE] + [LINE] * k), n)
    points = closed.reshape(-1, 2)
    return painter_path(types, points[:, 0], points[:, 1])


def edges_path(p0: Any, control: Any, p1: Any) -> QPainterPath:
    """Relations from `p0` to `p1` bent through `control` (rows of (n, 2) arrays): a straight line where the
    bend is under half a unit (the control point on the chord's middle), else a quadratic curve."""
    p0, control, p1 = _finite(*(np.asarray(a, dtype=float).reshape(-1, 2) for a in (p0, control, p1)))
    bent = np.abs(control - (p0 + p1) / 2).sum(axis=1) > 0.5
    straight, curved = segments_path(p0[~bent], p1[~bent]), quad_curves_path(p0[bent], control[bent], p1[bent])
    if curved.isEmpty():
        return straight
    if straight.isEmpty():
        return curved
    straight.addPath(curved)
    return straight


ARROW_LENGTH, ARROW_HALF_WIDTH = 9.0, 3.8


def arrowheads_path(tips: Any, directions: Any) -> QPainterPath:
    """Filled arrowheads with their points at `tips`, each pointing along its unit vector in `directions`."""
    tips, directions = np.asarray(tips, dtype=float).reshape(-1, 2), np.asarray(directions, dtype=float).reshape(-1, 2)
    base = tips - directions * ARROW_LENGTH
    across = np.stack([-directions[:, 1], directions[:, 0]], axis=1) * ARROW_HALF_WIDTH
    return polygons_path(np.stack([tips, base + across, base - across], axis=1))
