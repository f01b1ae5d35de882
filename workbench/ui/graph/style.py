"""How the link chart marks actors and relations: colour and shape per actor kind, line styles, highlights."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPolygonF

# Colour-blind-safe (Okabe-Ito based) fill and shape per actor kind.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "person": ("#0072B2", "circle"),
    "state": ("#D55E00", "square"),
    "organization": ("#009E73", "hexagon"),
    "government": ("#882255", "pentagon"),
    "military": ("#7A6A00", "triangle"),
    "security": ("#CC79A7", "diamond"),
    "media": ("#56B4E9", "roundrect"),
    "group": ("#E69F00", "ring"),
    "other": ("#888888", "circle"),
}
COMMUNITY_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB",
                     "#EE8866", "#44BB99", "#99DDFF", "#FFAABB", "#AAAA00")
LINE_STYLES = {
    "solid": Qt.PenStyle.SolidLine,
    "dashed": Qt.PenStyle.DashLine,
    "dotted": Qt.PenStyle.DotLine,
    "dashdot": Qt.PenStyle.DashDotLine,
}
EDGE_COLOUR = QColor(70, 70, 78)
HIGHLIGHT = QColor(230, 120, 0)
SELECTED = QColor(200, 30, 30)
NODE_RADIUS = 9.0
FADED_ALPHA = 0.28  # relations that may fall in the window; actors and ties outside the selection


def add_shape(path: QPainterPath, shape: str, x: float, y: float, r: float) -> None:
    """Add an actor marker of `shape` (KIND_STYLE's second field) centred on (x, y), radius r, to `path`."""
    if shape == "square":
        path.addRect(QRectF(x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76))
    elif shape == "roundrect":
        path.addRoundedRect(QRectF(x - r * 1.05, y - r * 0.8, r * 2.1, r * 1.6), r * 0.4, r * 0.4)
    elif shape in ("hexagon", "pentagon", "triangle", "diamond"):
        sides = {"hexagon": 6, "pentagon": 5, "triangle": 3, "diamond": 4}[shape]
        scale = {"hexagon": 1.05, "pentagon": 1.08, "triangle": 1.3, "diamond": 1.2}[shape]
        offset = -math.pi / 2 if shape != "hexagon" else 0.0
        points = [QPointF(x + r * scale * math.cos(offset + 2 * math.pi * k / sides),
                          y + r * scale * math.sin(offset + 2 * math.pi * k / sides) + (r * 0.15 if sides == 3 else 0))
                  for k in range(sides)]
        path.addPolygon(QPolygonF([*points, points[0]]))
    elif shape == "ring":
        path.addEllipse(QPointF(x, y), r, r)
        path.addEllipse(QPointF(x, y), r * 0.5, r * 0.5)
    else:
        path.addEllipse(QPointF(x, y), r, r)

