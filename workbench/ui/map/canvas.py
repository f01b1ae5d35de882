"""The map's drawing: the basemap (fills, coast, borders, divisions, city names) and the places layer
(markers, areas of uncertain places, origin -> target arrows, names), each one QGraphicsItem that paints
only what the view shows at the level of detail its zoom needs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from pyqtgraph.functions import arrayToQPath, arrayToQPolygonF
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem

from workbench.core.maps.basemap import BUCKET_KM, Basemap, Parts
from workbench.core.maps.places import MapLayer, marker_radius
from workbench.core.maps.projection import MAX_LAT, WORLD_KM, project

HALF_WORLD = WORLD_KM / 2
_, TOP_KM = project(0.0, MAX_LAT)
WORLD_RECT = QRectF(-HALF_WORLD, -TOP_KM, WORLD_KM, 2 * TOP_KM)  # scene y = -north km

SEA = QColor(214, 228, 238)
LAND = QColor(246, 244, 238)
LAKE = QColor(206, 223, 236)
COAST = QColor(120, 150, 175)
BORDER = QColor(120, 110, 130)
ADMIN1 = QColor(170, 160, 175)
CITY = QColor(70, 70, 70)
# Marker styles by kind of place: (fill colour, shape)
KIND_STYLES: dict[str, tuple[QColor, str]] = {
    "city": (QColor(200, 60, 40), "circle"), "town": (QColor(215, 100, 40), "circle"),
    "village": (QColor(225, 140, 50), "circle"), "building": (QColor(120, 60, 160), "square"),
    "street or square": (QColor(150, 70, 170), "square"), "base": (QColor(40, 110, 60), "triangle"),
    "border crossing": (QColor(30, 120, 140), "diamond"), "region": (QColor(60, 100, 190), "circle"),
    "district": (QColor(60, 100, 190), "circle"), "country": (QColor(60, 100, 190), "circle"),
}
DEFAULT_STYLE = (QColor(200, 60, 40), "circle")
SELECTED = QColor(255, 196, 0)
# Pixels of line (length in view times width) a frame strokes for the moves between places, at most: about 5 % of a
# 1400x800 view, some fifteen moves across it or hundreds of short ones.
LINK_PIXELS = 60_000
# More areas of uncertain places than this in sight are outlined thin and solid, without antialiasing.
CROWDED_AREAS = 150
LINKED = QColor(0, 120, 215)


# A drag's strips stamp each area from a picture of it (PlacesItem.paint_area_sprites): one larger than this many
# pixels is drawn as a path instead, and the pictures kept at one scale hold this many pixels at most (4 bytes each).
SPRITE_PIXELS = 1_500_000
SPRITES_PIXELS = 6_000_000


def area_pen(colour: QColor, text_scale: float, dashed: bool) -> QPen:
    """An area's outline: one pixel wide, cosmetic (Qt's fast stroker, which also skips the dashes outside the clip;
    a wider dashed pen is stroked whole, several times slower), dashed only where dashes can be seen (and stroking
    them is worth its cost)."""
    pen = QPen(colour.darker(120), 1.0 * text_scale, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    pen.setCosmetic(True)
    return pen


def style_of(kind: str) -> tuple[QColor, str]:
    return KIND_STYLES.get((kind or "").strip().casefold(), DEFAULT_STYLE)


def _km_per_pixel(painter: QPainter) -> float:
    scale = abs(painter.worldTransform().m11())
    return 1.0 / scale if scale > 0 else 1.0


def in_picture(painter: QPainter, offset: QPointF) -> QTransform:
    """The painter's transform to the picture's pixels: its device is a window into the picture at `offset` (a
    strip's, ui.map.frame) or the picture itself."""
    transform = painter.worldTransform()
    if offset.isNull():
        return transform
    return transform * QTransform.fromTranslate(offset.x(), offset.y())


def to_pixels(painter: QPainter, offset: QPointF) -> None:
    """Draw in the picture's pixels from here on (see `in_picture`)."""
    if offset.isNull():
        painter.resetTransform()
    else:
        painter.setTransform(QTransform.fromTranslate(-offset.x(), -offset.y()))


def _visible_km(painter: QPainter, exposed: QRectF) -> QRectF:
    """The exposed scene rectangle in map km with y north."""
    return QRectF(exposed.left(), -exposed.bottom(), exposed.width(), exposed.height())


CHUNK = 400  # points of a line drawn as one piece: a continent's coast is culled piece by piece


class _Buckets:
    """One layer at one level: its parts (lines cut into pieces of CHUNK points) grouped by grid cell of
    their first point, each cell's path built when first drawn."""

    def __init__(self, parts: Parts, closed: bool) -> None:
        self.parts, self.closed = parts, closed
        starts = parts.starts.astype(np.int64)
        a, b = starts[:-1], starts[1:]
        if not closed:  # pieces of a line share their end points, so the line stays whole
            pieces = [(s, min(s + CHUNK + 1, end)) for begin, end in zip(a.tolist(), b.tolist(), strict=True)
                      for s in range(begin, max(begin + 1, end - 1), CHUNK)]
            a = np.asarray([p[0] for p in pieces], dtype=np.int64)
            b = np.asarray([p[1] for p in pieces], dtype=np.int64)
        self.ranges = (a, b)
        self.paths: dict[tuple[int, int], QPainterPath] = {}
        self.bounds: dict[tuple[int, int], QRectF] = {}
        self.cells: dict[tuple[int, int], np.ndarray] = {}
        self.boxes: np.ndarray | None = None  # the cells' bounds as rows (left, top, right, bottom), once asked
        self.cell_keys: list[tuple[int, int]] = []
        if not len(a):
            return
        cx = (parts.x[a] // BUCKET_KM).astype(np.int64)
        cy = (parts.y[a] // BUCKET_KM).astype(np.int64)
        key = cx * 1_000_003 + cy
        order = np.argsort(key, kind="stable")
        # each piece's box at once (reduceat over its rows), then each cell's as the union of its pieces'
        rows = np.concatenate([np.arange(s, e) for s, e in zip(a.tolist(), b.tolist(), strict=True)])
        offsets = np.concatenate([[0], np.cumsum(b - a)[:-1]])
        x0, x1 = np.minimum.reduceat(parts.x[rows], offsets), np.maximum.reduceat(parts.x[rows], offsets)
        y0, y1 = np.minimum.reduceat(parts.y[rows], offsets), np.maximum.reduceat(parts.y[rows], offsets)
        boundaries = np.flatnonzero(np.diff(key[order])) + 1
        for group in np.split(order, boundaries):
            cell = (int(cx[group[0]]), int(cy[group[0]]))
            self.cells[cell] = group
            left, right = float(x0[group].min()), float(x1[group].max())
            bottom, top = float(y0[group].min()), float(y1[group].max())
            self.bounds[cell] = QRectF(left, -top, right - left + 1e-6, top - bottom + 1e-6)  # scene: y down

    def path(self, cell: tuple[int, int]) -> QPainterPath:
        found = self.paths.get(cell)
        if found is None:
            a, b = self.ranges
            group = self.cells[cell]
            rows = np.concatenate([np.arange(s, e) for s, e in zip(a[group].tolist(), b[group].tolist(), strict=True)])
            connect = np.ones(len(rows), dtype=np.int32)
            connect[np.cumsum(b[group] - a[group]) - 1] = 0  # no line from one piece's end to the next
            found = arrayToQPath(self.parts.x[rows], -self.parts.y[rows], connect=connect, finiteCheck=False)
            found.setFillRule(Qt.FillRule.OddEvenFill)
            self.paths[cell] = found
        return found

    def visible(self, exposed: QRectF) -> list[tuple[int, int]]:
        """Cells whose pieces may show in the exposed part of the scene (their boxes tested all at once)."""
        if self.boxes is None:
            self.cell_keys = list(self.bounds)
            self.boxes = np.asarray([(b.left(), b.top(), b.right(), b.bottom()) for b in self.bounds.values()],
                                    dtype=float).reshape(-1, 4)
        boxes = self.boxes
        meets = ((boxes[:, 0] <= exposed.right()) & (boxes[:, 2] >= exposed.left())
                 & (boxes[:, 1] <= exposed.bottom()) & (boxes[:, 3] >= exposed.top()))
        return [self.cell_keys[n] for n in np.flatnonzero(meets).tolist()]


class Occupancy:
    """Which parts of the view a name already covers, on a 4-pixel grid: a name goes only where none is."""

    def __init__(self, width: float, height: float, cell: int = 4, strict: bool = False) -> None:
        self.cell = cell
        # strict: a name must lie wholly inside (a strip drawn beside a picture kept from an earlier frame,
        # where a name crossing the strip's edge would be cut)
        self.width, self.height = width, height
        self.bounds: QRectF | None = QRectF(0, 0, width, height) if strict else None  # where names must lie wholly
        self.walls: tuple[float, ...] = ()  # x of edges no name may cross (the viewport's, inside a larger picture)
        self.grid = np.zeros((int(height) // cell + 2, int(width) // cell + 2), dtype=bool)

    def shifted(self, dx: int, dy: int) -> Occupancy:
        """The cover of a picture moved by (dx, dy) pixels: a cell is taken where any cell it overlaps was (a
        move is not a whole number of cells); what moves in from outside is free."""
        moved = Occupancy(self.width, self.height, self.cell)
        moved.walls = self.walls
        rows, columns = self.grid.shape
        for sx in {math.floor(dx / self.cell), math.ceil(dx / self.cell)}:
            for sy in {math.floor(dy / self.cell), math.ceil(dy / self.cell)}:
                if abs(sx) >= columns or abs(sy) >= rows:
                    continue
                moved.grid[max(0, sy):rows + min(0, sy), max(0, sx):columns + min(0, sx)] |= \
                    self.grid[max(0, -sy):rows - max(0, sy), max(0, -sx):columns - max(0, sx)]
        return moved

    def cover(self, left: np.ndarray, top: np.ndarray, right: np.ndarray, bottom: np.ndarray) -> None:
        """Take the cells of many rectangles at once (the markers, before any name): each rectangle adds one at
        its top left corner of a difference grid, whose running sums along both axes are then the cover."""
        if not len(left):
            return
        c = self.cell
        rows, columns = self.grid.shape
        r0 = np.clip(np.floor(top / c), 0, rows).astype(np.int64)
        r1 = np.clip(np.ceil(bottom / c), 0, rows).astype(np.int64)
        c0 = np.clip(np.floor(left / c), 0, columns).astype(np.int64)
        c1 = np.clip(np.ceil(right / c), 0, columns).astype(np.int64)
        keep = (r1 > r0) & (c1 > c0)
        if not keep.any():
            return
        r0, r1, c0, c1 = r0[keep], r1[keep], c0[keep], c1[keep]
        # only over the block the rectangles span (a strip's markers in a picture's grid)
        top_row, left_column = int(r0.min()), int(c0.min())
        height, width = int(r1.max()) - top_row, int(c1.max()) - left_column
        r0, r1, c0, c1 = r0 - top_row, r1 - top_row, c0 - left_column, c1 - left_column
        difference = np.zeros((height + 1, width + 1), dtype=np.int32)
        np.add.at(difference, (r0, c0), 1)
        np.add.at(difference, (r0, c1), -1)
        np.add.at(difference, (r1, c0), -1)
        np.add.at(difference, (r1, c1), 1)
        self.grid[top_row:top_row + height, left_column:left_column + width] |= \
            difference.cumsum(axis=0).cumsum(axis=1)[:height, :width] > 0

    @property
    def bounds(self) -> QRectF | None:
        """Where names must lie wholly (None: anywhere in the grid)."""
        return self._bounds

    @bounds.setter
    def bounds(self, value: QRectF | None) -> None:
        self._bounds = value
        self.limits = None if value is None else (value.left(), value.top(), value.right(), value.bottom())

    def claim(self, rect: QRectF) -> bool:
        """Take the cells `rect` overlaps, if none is taken yet (a name 4 px beside a marker is free of it)."""
        return self.claim_box(rect.left(), rect.top(), rect.right(), rect.bottom())

    def claim_box(self, left: float, top: float, right: float, bottom: float) -> bool:
        """`claim` for a rectangle given by its edges (names are placed by the hundred a frame: no QRectF each)."""
        c = self.cell
        rows, columns = self.grid.shape
        c0, c1 = max(0, math.floor(left / c)), math.ceil(right / c)
        if left < 0 or c1 > columns - 1:
            return False  # a name cut by the edge of the view reads as another name
        limits = self.limits
        if limits is not None and (left < limits[0] or top < limits[1] or right > limits[2] or bottom > limits[3]):
            return False
        for wall in self.walls:
            if left < wall < right:
                return False
        r0, r1 = max(0, math.floor(top / c)), math.ceil(bottom / c)
        if r0 >= rows or c0 >= columns or r1 <= 0 or c1 <= 0:
            return False
        window = self.grid[r0:r1, c0:c1]
        if window.any():
            return False
        window[...] = True
        return True


_BUCKETS: dict[tuple[str, int], _Buckets | None] = {}


_WIDTHS: dict[tuple[str, str], float] = {}


def text_widths(font: QFont, metrics: QFontMetricsF) -> Callable[[str], float]:
    """How wide a text is in `font` (`metrics` its), measured once per font and text: a strip of a drag places
    the same names again and again."""
    key = font.key()

    def width(text: str) -> float:
        found = _WIDTHS.get((key, text))
        if found is None:
            if len(_WIDTHS) > 100_000:  # a case of very many names: measured again rather than kept forever
                _WIDTHS.clear()
            found = _WIDTHS[(key, text)] = metrics.horizontalAdvance(text)
        return found

    return width


def _go_on() -> None:
    """A drawing on the UI thread is never stopped half way."""


def private_path(path: QPainterPath) -> QPainterPath:
    """A copy of a path that shares nothing with it. Qt caches what drawing a path needs inside the path's shared
    data, unguarded: a path drawn on two threads at once (a frame's strip on the UI thread, a whole picture on a
    worker) is copied on the worker first."""
    copied = QPainterPath()
    copied.addPath(path)
    copied.setFillRule(path.fillRule())
    return copied


def buckets_of(basemap: Basemap, name: str, lod: int) -> _Buckets | None:
    """The process's one bucketing of a layer (paths are shared by every map view)."""
    key = (name, lod)
    if key not in _BUCKETS:
        parts = basemap.layer(name, lod) if basemap.has(name, lod) else None
        _BUCKETS[key] = None if parts is None else _Buckets(parts, name.endswith("fill"))
    return _BUCKETS[key]


class BasemapItem(QGraphicsItem):
    """Land, lakes, coast, country borders, first-level divisions and city names."""

    def __init__(self, basemap: Basemap) -> None:
        super().__init__()
        self.basemap = basemap
        self.setZValue(0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)  # paint what is exposed
        self.city_font = QFont()
        self.city_font.setPointSizeF(8.5)
        self.country_font = QFont()
        self.country_font.setPointSizeF(9.5)
        self.country_font.setBold(True)
        self.country_font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.0)
        self.show_cities = True
        self.places: PlacesItem | None = None  # whose names go before the cities'
        # The part of the device a paint names (ui.map.frame's picture, in its logical pixels; None: the whole
        # device), and whether it is a strip beside a picture kept from an earlier frame (names only wholly
        # inside it).
        self.region: QRectF | None = None
        self.strip = False
        # The room names take in ui.map.frame's picture, in its pixels, kept from frame to frame (a strip's names
        # may then reach past the strip where nothing is); None: a room of the region's own.
        self.names_room: Occupancy | None = None
        self.private_paths = False  # a copy drawn off the UI thread (`copy`)
        # Where the device painted on lies in the picture the names are laid out in (its pixels): a strip is drawn
        # into a window of the picture just around it, whose edges bound what Qt rasterizes (ui.map.frame).
        self.offset = QPointF(0, 0)
        # Called between the steps of a drawing: a copy's raises core.progress.Cancelled once the drawing is not
        # wanted (the worker holds the interpreter while Qt draws, so it must stop soon, not at the end).
        self.check: Callable[[], None] = _go_on

    def copy(self, places: PlacesItem | None = None) -> BasemapItem:
        """This item for one drawing off the UI thread (ui.map.frame), whose names go after `places`': its own
        fonts and state, the basemap shared (read only), every shared path copied before it is drawn (`own`)."""
        clone = BasemapItem(self.basemap)
        clone.show_cities, clone.places, clone.private_paths = self.show_cities, places, True
        clone.city_font, clone.country_font = QFont(self.city_font), QFont(self.country_font)
        return clone

    def own(self, path: QPainterPath) -> QPainterPath:
        return private_path(path) if self.private_paths else path

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return WORLD_RECT

    def lod(self, km_per_px: float, area: QRectF) -> int:
        centre_lat = float(np.degrees(2 * np.arctan(np.exp(area.center().y() / 6378.137)) - np.pi / 2))
        return self.basemap.lod_for(km_per_px, centre_lat)

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        exposed = option.exposedRect if option is not None else WORLD_RECT
        km_per_px = _km_per_pixel(painter)
        area = _visible_km(painter, exposed)
        lod = self.lod(km_per_px, area)
        scene_area = exposed
        painter.fillRect(exposed.intersected(WORLD_RECT), SEA)
        for name, colour in (("landfill", LAND), ("lakesfill", LAKE)):
            layer = buckets_of(self.basemap, name, lod)
            if layer is None:
                continue
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            for cell in layer.visible(exposed):
                self.check()
                painter.drawPath(self.own(layer.path(cell)))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        lines = [("coast", COAST, 0.8, Qt.PenStyle.SolidLine), ("borders", BORDER, 1.2, Qt.PenStyle.SolidLine)]
        if lod >= 1:
            lines.insert(1, ("admin1", ADMIN1, 0.7, Qt.PenStyle.DashLine))
        for name, colour, width, style in lines:
            layer = buckets_of(self.basemap, name, lod)
            if layer is None:
                continue
            pen = QPen(colour, width, style)
            pen.setCosmetic(True)
            painter.setPen(pen)
            for cell in layer.visible(exposed):
                self.check()
                painter.drawPath(self.own(layer.path(cell)))
        del scene_area
        self.check()
        self.paint_names(painter, km_per_px, area)

    def paint_names(self, painter: QPainter, km_per_px: float, area: QRectF) -> None:
        """Country names at world scale, then city names, largest first, none over another: over the whole
        device, or only wholly inside `region` (whose anchors `area` then holds)."""
        device = painter.device()
        region = self.region
        if region is None:
            region = QRectF(0, 0, device.width(), device.height()) if device else QRectF(0, 0, 2000, 2000)
        occupied = self.names_room
        if occupied is not None:  # laid out in the picture's pixels, around what it holds
            origin = QPointF(0, 0)
            inside = QRectF(0, 0, occupied.width, occupied.height)
            anchors = region if self.strip else None
            markers = (region if self.strip else inside).adjusted(-30, -30, 30, 30)
        else:  # laid out in the region's own pixels (its top left at 0, 0), drawn moved back to it
            origin = region.topLeft()
            occupied = Occupancy(region.width(), region.height(), strict=self.strip)
            inside = QRectF(0, 0, region.width(), region.height())
            anchors = inside if self.strip else None
            markers = inside.adjusted(-30, -30, 30, 30)
        transform = in_picture(painter, self.offset) * QTransform.fromTranslate(-origin.x(), -origin.y())
        painter.save()
        to_pixels(painter, self.offset)
        painter.translate(origin)
        if self.names_room is not None and self.strip:
            painter.setClipping(False)  # a name may reach past the strip, where its room was free
        if self.places is not None:
            self.places.layout_labels(transform, occupied, markers, anchors=anchors, origin=origin)
        free = occupied.claim

        basemap = self.basemap
        if km_per_px > 1.2:
            painter.setFont(self.country_font)
            metrics = QFontMetricsF(self.country_font)
            painter.setPen(QColor(110, 100, 120))
            x, y = project(basemap.country_labels[:, 0], basemap.country_labels[:, 1])
            inside = np.flatnonzero((x >= area.left()) & (x <= area.right()) & (y >= area.top())
                                    & (y <= area.bottom()))
            for number in inside.tolist():
                self.check()
                name = basemap.country_names[number]
                at = transform.map(QPointF(float(x[number]), -float(y[number])))
                text = name.upper()
                width = metrics.horizontalAdvance(text)
                rect = QRectF(at.x() - width / 2, at.y() - metrics.height() / 2, width, metrics.height())
                if free(rect):
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        if self.show_cities and km_per_px < 12:
            # fewer, larger places when zoomed out: about one name per 120 px square of the view
            population = 3_000_000 if km_per_px > 6 else 500_000 if km_per_px > 2.5 else \
                100_000 if km_per_px > 0.8 else 15_000
            painter.setFont(self.city_font)
            metrics = QFontMetricsF(self.city_font)
            cx, cy = basemap.city_xy
            count = len(basemap.cities_above(population))  # the largest `count` (a prefix: no copies made)
            ox, oy = cx[:count], cy[:count]
            inside = np.flatnonzero((ox >= area.left()) & (ox <= area.right()) & (oy >= area.top())
                                    & (oy <= area.bottom()))
            painter.setBrush(CITY)
            inside = inside[:400]
            # where they are in the device, all at once (an affine transform: x' = m11 x + m21 y + dx)
            sx, sy = cx[inside], -cy[inside]
            ax = (transform.m11() * sx + transform.m21() * sy + transform.dx()).tolist()
            ay = (transform.m12() * sx + transform.m22() * sy + transform.dy()).tolist()
            height = metrics.height()
            width_of = text_widths(self.city_font, metrics)
            claim, names, placed = occupied.claim_box, basemap.city_names, []
            for number, x, y in zip(inside.tolist(), ax, ay, strict=True):
                self.check()
                name = names[number]
                width = width_of(name)
                left, top = x + 4, y - height / 2
                if claim(left - 6, top - 1, left + width + 2, top + height + 1):
                    placed.append((x, y, QRectF(left, top, width, height), name))
            # the dots, then the names (each claimed its own room: none is over another)
            painter.setPen(Qt.PenStyle.NoPen)
            for x, y, _, _ in placed:
                painter.drawEllipse(QPointF(x, y), 2.0, 2.0)
            painter.setPen(CITY)
            flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
            for _, _, rect, name in placed:
                self.check()
                painter.drawText(rect, flags, name)
        painter.restore()


def clip_segments(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray,
                  rect: QRectF) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The parts of line segments inside `rect` (Liang-Barsky, all at once); a segment wholly outside comes
    back as a point on it, which draws nothing."""
    dx, dy = x1 - x0, y1 - y0
    low, high = np.zeros(len(x0)), np.ones(len(x0))
    outside = np.zeros(len(x0), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, x0 - rect.left()), (dx, rect.right() - x0), (-dy, y0 - rect.top()),
                     (dy, rect.bottom() - y0)):
            ratio = q / p
            outside |= (p == 0) & (q < 0)
            low = np.where(p < 0, np.maximum(low, ratio), low)
            high = np.where(p > 0, np.minimum(high, ratio), high)
    high = np.where(outside | (low > high), low, high)
    return x0 + low * dx, y0 + low * dy, x0 + high * dx, y0 + high * dy


_SPRITES: dict[tuple[str, int, int, float], QImage] = {}


def marker_sprite(shape: str, rgba: int, diameter: int, ratio: float = 1.0) -> QImage:
    """A marker drawn once (white outline, antialiased) at the screen's pixel ratio, for stamping (an image, not a
    pixmap: ui.map.frame draws pictures off the UI thread too)."""
    key = (shape, rgba, diameter, ratio)
    found = _SPRITES.get(key)
    if found is not None:
        return found
    size = diameter + 8
    side = int(math.ceil(size * ratio))
    sprite = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    sprite.setDevicePixelRatio(ratio)
    sprite.fill(Qt.GlobalColor.transparent)
    painter = QPainter(sprite)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(255, 255, 255), 1.2))
    painter.setBrush(QColor.fromRgba(rgba))
    c, r = size / 2, diameter / 2
    if shape == "square":
        painter.drawRect(QRectF(c - r, c - r, 2 * r, 2 * r))
    elif shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(c, c - r * 1.2), QPointF(c - r, c + r * 0.8),
                                       QPointF(c + r, c + r * 0.8)]))
    elif shape == "diamond":
        painter.drawPolygon(QPolygonF([QPointF(c, c - r), QPointF(c + r, c), QPointF(c, c + r), QPointF(c - r, c)]))
    else:
        painter.drawEllipse(QPointF(c, c), r, r)
    painter.end()
    _SPRITES[key] = sprite
    return sprite


class PlacesItem(QGraphicsItem):
    """The case's places: areas, origin -> target arrows, markers and names, in screen pixels."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(10)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.layer = MapLayer()
        self.selected: set[str] = set()
        self.linked: set[str] = set()
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self.radius = np.zeros(0)
        self.area_paths: dict[str, QPainterPath] = {}
        self.label_font = QFont()
        self.label_font.setPointSizeF(9.0)
        self.label_font.setBold(True)
        self.text_scale = 1.0
        self.labels: list[tuple[QRectF, str, bool]] = []
        self.labels_for: tuple[float, float, float] | None = None
        self.marker_groups: list[tuple[tuple[str, int, int], np.ndarray]] = []
        self.marker_rank = np.zeros(0, dtype=np.int64)
        self.area_groups: list[tuple[list[QPainterPath], np.ndarray, QColor, QColor]] = []
        self.ringed: list[int] = []
        self.link_a = self.link_b = np.zeros(0, dtype=int)
        self.link_width = np.zeros(0)
        self.link_marked = np.zeros(0, dtype=bool)
        self.link_events = np.zeros(0, dtype=int)
        self.links_drawn = 0
        self.is_area = np.zeros(0, dtype=bool)
        self.label_order = np.zeros(0, dtype=np.int64)
        self._pin: tuple[float, float, str] | None = None
        # Counts every change of what the item draws (layer, marks, pin): a picture kept of it is stale once
        # this moves (ui.map.frame).
        self.version = 0
        # A strip drawn beside a picture kept from an earlier frame: the moves chosen for that picture's frame
        # (`kept_links`) are drawn, so a line crossing the strip's edge goes on where the picture has it.
        self.partial = False
        self.kept_links: np.ndarray | None = None
        self.on_change: Callable[[], None] | None = None  # the view's repaint (the item is not in a scene)
        self.names_unclipped = False  # a strip's names may reach past it (ui.map.frame keeps their room)
        self.link_budget = LINK_PIXELS
        self.private_paths = False  # a copy drawn off the UI thread (`copy`)
        self.offset = QPointF(0, 0)  # as BasemapItem.offset
        # Pictures of the areas for a drag's strips (`paint_area_sprites`), at `sprites_at`; how many pixels they hold
        self.area_sprites: dict[tuple, tuple[QImage, int, int] | None] = {}
        self.sprites_at: tuple | None = None
        self.sprite_pixels = 0
        self.check: Callable[[], None] = _go_on  # as BasemapItem.check

    def copy(self) -> PlacesItem:
        """This item for one drawing off the UI thread (ui.map.frame): what it draws shared (arrays and lists
        that are replaced, never changed in place), its drawing state its own, every shared path copied before
        it is drawn (`own`)."""
        clone = PlacesItem()
        clone.__dict__.update(self.__dict__)
        clone.label_font = QFont(self.label_font)
        clone.labels, clone.labels_for, clone.kept_links, clone.on_change = [], None, None, None
        clone.partial = clone.names_unclipped = False
        clone.private_paths, clone.check = True, _go_on
        return clone

    def own(self, path: QPainterPath) -> QPainterPath:
        return private_path(path) if self.private_paths else path

    @property
    def pin(self) -> tuple[float, float, str] | None:
        """A place found by name or coordinates: (lat, lon, name), pinned."""
        return self._pin

    @pin.setter
    def pin(self, value: tuple[float, float, str] | None) -> None:
        self._pin = value
        self.changed()

    def changed(self) -> None:
        """What the item draws has changed: every kept picture of it is stale, its view paints again."""
        self.version += 1
        if self.on_change is not None:
            self.on_change()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return WORLD_RECT

    def set_layer(self, layer: MapLayer) -> None:
        self.layer = layer
        self.labels_for = None  # names to place again
        lon = np.asarray([p.lon for p in layer.places], dtype=float)
        lat = np.asarray([p.lat for p in layer.places], dtype=float)
        x, y = project(lon, lat) if len(lon) else (np.zeros(0), np.zeros(0))
        self.x, self.y = np.asarray(x, dtype=float), -np.asarray(y, dtype=float)
        self.radius = np.asarray([marker_radius(p.events) for p in layer.places], dtype=float) * self.text_scale
        self.area_paths = {}
        self.is_area = np.asarray([bool(p.area) for p in layer.places], dtype=bool)
        # names are tried busiest first (then by name): sorted once per layer, not once per frame
        self.label_order = np.asarray(sorted(range(len(layer.places)),
                                             key=lambda n: (-layer.places[n].events, layer.places[n].name)),
                                      dtype=np.int64)
        shared: dict[tuple, QPainterPath] = {}  # places in the same area (a region's) share one path
        for place in layer.places:
            if place.area in shared:
                self.area_paths[place.id] = shared[place.area]
            elif place.area:
                path = QPainterPath()
                path.setFillRule(Qt.FillRule.OddEvenFill)
                for ring in place.area:
                    rx, ry = project(np.asarray([p[0] for p in ring]), np.asarray([p[1] for p in ring]))
                    path.addPolygon(QPolygonF([QPointF(a, -b) for a, b in zip(rx.tolist(), ry.tolist(),
                                                                               strict=True)]))
                    path.closeSubpath()
                self.area_paths[place.id] = shared[place.area] = path
        self._group()
        self.changed()

    def index_of(self) -> dict[str, int]:
        return {p.id: n for n, p in enumerate(self.layer.places)}

    def place_at(self, scene_point: QPointF, km_per_px: float) -> str | None:
        """The place under a point of the scene: the nearest marker within its radius (and a few pixels),
        else the smallest area holding the point."""
        if len(self.x):
            distance = np.hypot(self.x - scene_point.x(), self.y - scene_point.y()) / km_per_px
            nearest = int(np.argmin(distance))
            if distance[nearest] <= self.radius[nearest] + 4:
                return self.layer.places[nearest].id
        holding = [(path.boundingRect().width(), place_id) for place_id, path in self.area_paths.items()
                   if path.contains(scene_point)]
        return min(holding)[1] if holding else None

    def paint_pin(self, painter: QPainter, transform: Any) -> None:
        if self.pin is None:
            return
        lat, lon, name = self.pin
        x, y = project(lon, lat)
        at = transform.map(QPointF(x, -y))
        painter.setPen(QPen(QColor(20, 20, 20), 2.0))
        painter.setBrush(QColor(255, 255, 255))
        painter.drawLine(at, QPointF(at.x(), at.y() - 18))
        painter.drawEllipse(QPointF(at.x(), at.y() - 22), 5, 5)
        painter.drawText(QPointF(at.x() + 9, at.y() - 18), name)

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        if self.pin is not None:
            transform = in_picture(painter, self.offset)
            painter.save()
            to_pixels(painter, self.offset)
            self.paint_pin(painter, transform)
            painter.restore()
        places = self.layer.places
        if not places:
            return
        transform = in_picture(painter, self.offset)
        exposed = option.exposedRect if option is not None else WORLD_RECT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # areas of uncertain places, in scene coordinates, a colour at a time; one under two pixels is
        # left out (its place is a speck at this scale)
        km_per_px = _km_per_pixel(painter)
        drawn = []
        for paths, boxes, colour, fill in self.area_groups:  # which areas show, for every group at once
            extent = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]) / km_per_px
            meets = ((extent > 2) & (boxes[:, 0] <= exposed.right()) & (boxes[:, 2] >= exposed.left())
                     & (boxes[:, 1] <= exposed.bottom()) & (boxes[:, 3] >= exposed.top()))
            drawn.append((paths, np.flatnonzero(meets), extent, colour, fill))
        # Many areas in sight (a continent of regions): thin solid outlines without antialiasing, each a few
        # pixels of dash pattern otherwise, which would cost a frame many times over and read as noise.
        crowded = sum(len(chosen) for _, chosen, _, _, _ in drawn) > CROWDED_AREAS
        if self.partial and not self.private_paths and painter.device().devicePixelRatioF() == 1 and \
                self.offset == self.offset.toPoint().toPointF():
            self.paint_area_sprites(painter, transform, drawn, crowded)
        else:
            self.paint_areas(painter, drawn, crowded)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.save()
        to_pixels(painter, self.offset)
        sx, dx, sy, dy = transform.m11(), transform.dx(), transform.m22(), transform.dy()
        px, py = self.x * sx + dx, self.y * sy + dy
        view = transform.mapRect(exposed).adjusted(-30, -30, 30, 30)
        self.check()
        self.paint_links(painter, px, py, view)
        inside = (px >= view.left()) & (px <= view.right()) & (py >= view.top()) & (py <= view.bottom())
        self.check()
        self.paint_markers(painter, px, py, inside)
        painter.restore()
        painter.save()
        to_pixels(painter, self.offset)
        if self.names_unclipped:
            painter.setClipping(False)
        self.check()
        self.paint_labels_for(painter, transform)
        painter.restore()

    def paint_areas(self, painter: QPainter, drawn: list, crowded: bool) -> None:
        """The areas in view as paths: every fill, then every outline."""
        # The fills without antialiasing (their outline covers their edge; smoothing a large area's edge costs
        # a frame several times the rest of it), then the outlines over every fill.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for paths, chosen, _, _, fill in drawn:
            painter.setBrush(fill)
            for number in chosen.tolist():
                self.check()
                painter.drawPath(self.own(paths[number]))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not crowded)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for paths, chosen, extent, colour, _ in drawn:
            for number in chosen.tolist():
                self.check()
                painter.setPen(area_pen(colour, self.text_scale, extent[number] > 60 and not crowded))
                painter.drawPath(self.own(paths[number]))

    def paint_area_sprites(self, painter: QPainter, transform: QTransform, drawn: list, crowded: bool) -> None:
        """The areas in a strip of a drag, each stamped from a picture of it at this scale (`area_sprite`), kept
        from strip to strip: Qt blends a translucent fill's pixels on its thread pool (the frame waits for it on a
        busy machine) and several times slower than an image's; the picture is filled without blending."""
        scale, dx, dy = transform.m11(), transform.dx(), transform.dy()
        tx, ty = math.floor(dx), math.floor(dy)
        at = (scale, transform.m22(), dx - tx, dy - ty, self.text_scale)
        if self.sprites_at != at:  # another scale (or a move by a part of a pixel): pictures of it drawn again
            self.area_sprites, self.sprites_at, self.sprite_pixels = {}, at, 0
        world = painter.worldTransform()
        painter.save()
        to_pixels(painter, self.offset)
        for paths, chosen, extent, colour, fill in drawn:
            for number in chosen.tolist():
                self.check()
                path = paths[number]
                dashed = bool(extent[number] > 60 and not crowded)
                found = self.area_sprite(path, colour, fill, dashed, not crowded)
                if found is not None:
                    sprite, x, y = found
                    painter.drawImage(QPoint(x + tx, y + ty), sprite)
                    continue
                painter.save()  # too large to keep a picture of: drawn as a path
                painter.setWorldTransform(world)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawPath(path)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, not crowded)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(area_pen(colour, self.text_scale, dashed))
                painter.drawPath(path)
                painter.restore()
        painter.restore()

    def area_sprite(self, path: QPainterPath, colour: QColor, fill: QColor, dashed: bool,
                    smooth: bool) -> tuple[QImage, int, int] | None:
        """A picture of one area (fill and outline) at `sprites_at`, with where its corner goes relative to the
        whole pixel the scene's origin is at; None for one too large to keep."""
        key = (id(path), fill.rgba(), colour.rgba(), dashed, smooth)
        if key in self.area_sprites:
            return self.area_sprites[key]
        scale, scale_y, fx, fy, _ = self.sprites_at
        box = QTransform(scale, 0, 0, scale_y, fx, fy).mapRect(path.boundingRect())
        x, y = math.floor(box.left()) - 2, math.floor(box.top()) - 2
        width, height = math.ceil(box.right()) + 2 - x, math.ceil(box.bottom()) + 2 - y
        found = None
        if width * height <= SPRITE_PIXELS and self.sprite_pixels + width * height <= SPRITES_PIXELS:
            sprite = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
            sprite.fill(Qt.GlobalColor.transparent)
            painter = QPainter(sprite)
            painter.setTransform(QTransform(scale, 0, 0, scale_y, fx - x, fy - y))
            # the fill written, not blended (over nothing, the same pixels), then the outline over it
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawPath(path)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(area_pen(colour, self.text_scale, dashed))
            painter.drawPath(path)
            painter.end()
            found = (sprite, x, y)
            self.sprite_pixels += width * height
        self.area_sprites[key] = found
        return found

    def _link_arrays(self) -> None:
        """The links as arrays (origin and target marker numbers, width, highlighted, events), for drawing all at
        once, the marked ones and then the busiest first (the order a frame's budget takes them in)."""
        index = self.index_of()
        rows = [(index[link.origin], index[link.target], len(link.events),
                 link.origin in self.selected or link.target in self.selected)
                for link in self.layer.links if link.origin in index and link.target in index]
        table = np.asarray(rows, dtype=float).reshape(-1, 4)
        table = table[np.lexsort((-table[:, 2], -table[:, 3]))] if len(table) else table
        self.link_a, self.link_b = table[:, 0].astype(int), table[:, 1].astype(int)
        self.link_events = table[:, 2].astype(int)
        self.link_width = np.minimum(6.0, 1.2 + 0.8 * table[:, 2]) * self.text_scale
        self.link_marked = table[:, 3].astype(bool)
        self.links_drawn = 0
        self.kept_links = None

    def paint_links(self, painter: QPainter, px: np.ndarray, py: np.ndarray, view: QRectF) -> None:
        """Origin -> target lines with an arrowhead at the target: one path per width and colour.

        A frame strokes at most LINK_PIXELS pixels of line (each line's length in view, at most the view's
        diagonal), the marked moves and then the busiest first: ten thousand moves across a continent would
        otherwise paint the view over many times (and take seconds) to show a mass no one can read; zoomed in,
        every move in view is drawn. `links_drawn` says how many were."""
        self.links_drawn = 0
        if not len(self.link_a):
            return
        # a strip: only the frame's choice may show in it (the moves its picture has), so only those are looked at
        among = self.kept_links if self.partial and self.kept_links is not None else None
        a, b = (self.link_a, self.link_b) if among is None else (self.link_a[among], self.link_b[among])
        x0, y0, x1, y1 = px[a], py[a], px[b], py[b]
        length = np.hypot(x1 - x0, y1 - y0)
        shown = ((length >= 1) & (np.maximum(x0, x1) >= view.left()) & (np.minimum(x0, x1) <= view.right())
                 & (np.maximum(y0, y1) >= view.top()) & (np.minimum(y0, y1) <= view.bottom()))
        if among is not None:
            kept = np.flatnonzero(shown)  # of `among`
        else:
            candidates = np.flatnonzero(shown)
            cost = np.minimum(length[candidates], math.hypot(view.width(), view.height())) * \
                self.link_width[candidates]
            kept = candidates[np.cumsum(cost) <= self.link_budget] if len(candidates) else candidates
            self.kept_links = kept
            self.links_drawn = len(kept)
        # the moves drawn, in the order of the arrays (marked, then busiest first)
        number = kept if among is None else among[kept]
        a, b, x0, y0, x1, y1, length = a[kept], b[kept], x0[kept], y0[kept], x1[kept], y1[kept], length[kept]
        widths, marks = self.link_width[number], self.link_marked[number]
        if not len(kept):
            return
        # every line's ends and head worked out at once, then drawn a pen (colour and width) at a time
        head = 9.0 * self.text_scale
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        ra, rb = self.radius[a], self.radius[b] + 2
        sx, sy = x0 + ux * ra, y0 + uy * ra
        tx, ty = x1 - ux * rb, y1 - uy * rb
        # each line cut to the part in `view` (30 pixels beyond what is drawn, so the cut ends do not show): a wide
        # pen is stroked along the whole line, in sight or not
        cx0, cy0, cx1, cy1 = clip_segments(sx, sy, tx, ty, view)
        line_x, line_y = np.column_stack([cx0, cx1]), np.column_stack([cy0, cy1])
        head_x = np.column_stack([tx, tx - ux * head - uy * head * 0.5, tx - ux * head + uy * head * 0.5, tx])
        head_y = np.column_stack([ty, ty - uy * head + ux * head * 0.5, ty - uy * head - ux * head * 0.5, ty])
        order = np.lexsort((widths, marks))  # the unmarked first, each by width
        pens = np.flatnonzero((np.diff(marks[order]) != 0) | (np.diff(widths[order]) != 0)) + 1
        for chosen in np.split(order, pens):
            self.check()
            marked, width = bool(marks[chosen[0]]), float(widths[chosen[0]])
            colour = SELECTED.darker(130) if marked else QColor(90, 40, 120)
            lines = arrayToQPath(line_x[chosen].ravel(), line_y[chosen].ravel(), connect="pairs", finiteCheck=False)
            # flat caps: Qt strokes a path of many round-capped lines a hundred times slower
            painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(lines)
            connect = np.ones(4 * len(chosen), dtype=np.int32)
            connect[3::4] = 0
            heads = arrayToQPath(head_x[chosen].ravel(), head_y[chosen].ravel(), connect=connect, finiteCheck=False)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPath(heads)

    def set_marks(self, selected: set[str], linked: set[str]) -> None:
        """The selected places (ringed yellow) and those of what is selected elsewhere (ringed blue)."""
        self.selected, self.linked = selected, linked
        self._group()
        self.changed()

    def _group(self) -> None:
        """Markers by (shape, colour, size) and areas by colour, drawn a group at a time."""
        places = self.layer.places
        groups: dict[tuple[str, int, int], list[int]] = {}
        for number, place in enumerate(places):
            if place.id in self.area_paths:
                continue  # an uncertain place is its area, never a point
            colour, shape = style_of(place.kind)
            if not place.events:
                colour = QColor(colour)
                colour.setAlpha(110)
            groups.setdefault((shape, colour.rgba(), int(round(self.radius[number] * 2))), []).append(number)
        # largest first, so small markers stay on top
        self.marker_groups = sorted(((k, np.asarray(v)) for k, v in groups.items()), key=lambda g: -g[0][2])
        self.marker_rank = np.full(len(places), -1, dtype=np.int64)  # each marker's group, in drawing order
        for rank, (_, members) in enumerate(self.marker_groups):
            self.marker_rank[members] = rank
        # Places in one area (regions in the same province) are drawn as that area once, its fill as dark as their
        # fills laid over each other: each of them would blend every pixel of it again.
        stacked: dict[tuple[int, int], list[float]] = {}  # (colour, path) -> how much of the light each lets through
        drawn_paths: dict[int, QPainterPath] = {}
        for place in places:
            path = self.area_paths.get(place.id)
            if path is None:
                continue
            colour = SELECTED if place.id in self.selected else LINKED if place.id in self.linked else \
                style_of(place.kind)[0]
            drawn_paths[id(path)] = path
            stacked.setdefault((colour.rgba(), id(path)), []).append(1 - (60 if place.events else 25) / 255)
        areas: dict[tuple[int, int], list[QPainterPath]] = {}
        for (rgba, key), through in stacked.items():
            alpha = round(255 * (1 - math.prod(through)))
            areas.setdefault((rgba, alpha), []).append(drawn_paths[key])
        self.area_groups = []
        for (rgba, alpha), paths in areas.items():
            colour = QColor.fromRgba(rgba)
            fill = QColor(colour)
            fill.setAlpha(alpha)
            boxes = np.asarray([(b.left(), b.top(), b.right(), b.bottom()) for b in map(QPainterPath.boundingRect,
                                                                                        paths)], dtype=float)
            self.area_groups.append((paths, boxes.reshape(-1, 4), colour, fill))
        self.ringed = [n for n, p in enumerate(places) if p.id in self.selected or p.id in self.linked]
        self.area_sprites, self.sprites_at, self.sprite_pixels = {}, None, 0  # of paths that may be gone
        self._link_arrays()

    def paint_markers(self, painter: QPainter, px: np.ndarray, py: np.ndarray, inside: np.ndarray) -> None:
        """Every marker in view, a group at a time: circles and squares as wide points (one call per
        group), triangles and diamonds as one path per group; rings around the marked ones."""
        places = self.layer.places
        engine = painter.paintEngine()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster  # not a PDF's vectors
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        for number in self.ringed:
            if inside[number] and places[number].id not in self.area_paths:
                r = float(self.radius[number])
                colour = SELECTED if places[number].id in self.selected else LINKED
                painter.setPen(QPen(colour, 3.0 * self.text_scale))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(float(px[number]), float(py[number])), r + 3, r + 3)
        # the markers in view sorted by group (stable: each group's in its own order), taken a group at a time
        drawn = np.flatnonzero(inside & (self.marker_rank >= 0))
        drawn = drawn[np.argsort(self.marker_rank[drawn], kind="stable")]
        ranks = self.marker_rank[drawn]
        for shown in np.split(drawn, np.flatnonzero(np.diff(ranks)) + 1) if len(drawn) else ():
            (shape, rgba, diameter), _ = self.marker_groups[int(self.marker_rank[shown[0]])]
            x, y = px[shown], py[shown]
            colour = QColor.fromRgba(rgba)
            if raster:  # one small picture per style, stamped: thousands of markers in a few milliseconds
                sprite = marker_sprite(shape, rgba, diameter, ratio)
                half = sprite.width() / ratio / 2
                for a, b in zip((x - half).tolist(), (y - half).tolist(), strict=True):
                    self.check()
                    painter.drawImage(QPointF(a, b), sprite)
                continue
            if shape in ("circle", "square"):
                cap = Qt.PenCapStyle.RoundCap if shape == "circle" else Qt.PenCapStyle.SquareCap
                points = arrayToQPolygonF(x, y)
                painter.setPen(QPen(QColor(255, 255, 255), diameter + 2.4, Qt.PenStyle.SolidLine, cap))
                painter.drawPoints(points)
                painter.setPen(QPen(colour, diameter, Qt.PenStyle.SolidLine, cap))
                painter.drawPoints(points)
                continue
            r = diameter / 2
            shape_x, shape_y = ((np.array([0, -1, 1, 0]), np.array([-1.2, 0.8, 0.8, -1.2])) if shape == "triangle"
                                else (np.array([0, 1, 0, -1, 0]), np.array([-1, 0, 1, 0, -1])))
            corners = len(shape_x)
            vx = (x[:, None] + shape_x[None, :] * r).ravel()
            vy = (y[:, None] + shape_y[None, :] * r).ravel()
            connect = np.ones(len(vx), dtype=np.int32)
            connect[corners - 1::corners] = 0
            path = arrayToQPath(vx, vy, connect=connect, finiteCheck=False)
            painter.setPen(QPen(QColor(255, 255, 255), 1.2))
            painter.setBrush(colour)
            painter.drawPath(path)

    def screen_points(self, transform: Any) -> tuple[np.ndarray, np.ndarray]:
        sx, dx, sy, dy = transform.m11(), transform.dx(), transform.m22(), transform.dy()
        return self.x * sx + dx, self.y * sy + dy

    def layout_labels(self, transform: Any, occupied: Occupancy, view: QRectF, anchors: QRectF | None = None,
                      origin: QPointF | None = None) -> None:
        """Claim room for the places' markers and names first (busiest first), before the basemap's
        city names take any: the case's places are what the map is for. The markers in `view` keep names off;
        the places in `anchors` (default `view`) get names. `transform` maps to the occupancy's pixels, which
        are the device's moved by -`origin` (a strip's); the names are kept in the device's."""
        places = self.layer.places
        self.labels = []
        ox, oy = (origin.x(), origin.y()) if origin is not None else (0.0, 0.0)
        self.labels_for = (transform.m11(), transform.dx() + ox, transform.dy() + oy)
        if not places:
            return
        px, py = self.screen_points(transform)
        shown = np.flatnonzero((px >= view.left()) & (px <= view.right()) & (py >= view.top())
                               & (py <= view.bottom()))
        markers = shown[~self.is_area[shown]]
        if anchors is not None:
            shown = np.flatnonzero((px >= anchors.left()) & (px < anchors.right()) & (py >= anchors.top())
                                   & (py < anchors.bottom()))
        occupied.cover(px[markers] - self.radius[markers], py[markers] - self.radius[markers],
                       px[markers] + self.radius[markers], py[markers] + self.radius[markers])
        font = self.font()
        metrics = QFontMetricsF(font)
        width_of = text_widths(font, metrics)
        in_view = np.zeros(len(places), dtype=bool)
        in_view[shown] = True
        order = self.label_order[in_view[self.label_order]][:400]  # busiest first, as sorted once per layer
        height = metrics.height()
        claim = occupied.claim_box
        radius = np.where(self.is_area[order], 0.0, self.radius[order])  # an area's name is at its point
        for number, x, y, r in zip(order.tolist(), px[order].tolist(), py[order].tolist(), radius.tolist(),
                                   strict=True):
            self.check()
            place = places[number]
            text = place.label
            width = width_of(text) + 6
            left, top = x + r + 4, y - height / 2
            if not claim(left, top, left + width, top + height):
                left = x - r - 4 - width  # on the marker's other side
                if not claim(left, top, left + width, top + height):
                    continue
            self.labels.append((QRectF(left + ox, top + oy, width, height), text, bool(place.events)))

    def font(self) -> QFont:
        font = QFont(self.label_font)
        font.setPointSizeF(self.label_font.pointSizeF() * self.text_scale)
        return font

    def paint_labels_for(self, painter: QPainter, transform: Any) -> None:
        """Names of the places beside their markers, where layout_labels found room."""
        if self.labels_for != (transform.m11(), transform.dx(), transform.dy()):
            device = painter.device()
            occupied = Occupancy(device.width() if device else 2000, device.height() if device else 2000)
            view = QRectF(0, 0, device.width(), device.height()) if device else QRectF(0, 0, 2000, 2000)
            self.layout_labels(transform, occupied, view)
        painter.setFont(self.font())
        for rect, text, busy in self.labels:
            self.check()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 210))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(QColor(20, 20, 20) if busy else QColor(110, 110, 110))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
