"""The map's picture kept between frames: a pan moves it and draws only the strips it uncovers, a zoom by hand
shows it scaled at once and draws it sharp once the wheel rests, and any other change draws it whole."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, QTimer
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsView, QStyleOptionGraphicsItem

from workbench.ui.map.canvas import LINK_PIXELS, Occupancy

# After a pan or a zoom by hand, the picture is drawn whole again (names placed over the whole view, a zoom's
# scaled picture sharp) once the view has rested this long: never between the frames of a drag or a wheel turn.
SETTLE_MS = 150
# A zoom by hand further than this from the scale the picture was last drawn whole at is drawn whole at once:
# scaled so far, the picture would be a blur (zooming in) or a stamp in a frame of strips (zooming out).
PREVIEW_FACTOR = 3.0
# The picture reaches this fraction of the viewport's width and height beyond each of its edges: a zoom out by
# hand (a wheel step, by 1.2) shows what the picture holds, without strips drawn around it.
MARGIN = 0.15


class MapFrame:
    """The basemap and the places as one picture of the viewport and MARGIN around it, at `scale`, `dx`, `dy`
    (scene -> the picture's pixels; the viewport's are those less the margin).

    - Drawn whole when the items change (`PlacesItem.version`, the city names shown, the text scale), the
      viewport's size or pixel ratio changes, or the view is moved by code (`show_area`, a saved view, a
      slide): what a deck or a saved view shows is always a whole drawing.
    - A pan by hand (a drag) moves the picture by whole pixels and draws only the viewport's strips it does
      not hold (their names placed around the picture's, kept in `room`; the moves chosen for the picture's
      frame, so a line goes on across the strip's edge).
    - A zoom by hand (wheel, + and -) scales the picture and draws the strips a zoom out uncovers, at once;
      SETTLE_MS after the last move by hand, the picture is drawn whole (`settle`)."""

    def __init__(self, view: QGraphicsView) -> None:
        self.view: Any = view  # pane.MapView (its basemap_item and places_item), not imported: pane imports this
        self.image: QImage | None = None
        self.spare: QImage | None = None  # the next picture, drawn from this one (two reused, not one per frame)
        self.scale = 0.0
        self.drawn_scale = 0.0  # the scale it was last drawn whole at (a zoom's previews scale it further)
        self.dx = self.dy = 0.0
        self.key: tuple | None = None
        self.settled = True  # drawn whole at its scale and place, not moved or scaled from another
        self.valid = QRect()  # the part of the picture wholly drawn (a zoom out leaves its edges undrawn)
        # Where the picture's names and markers are (canvas.Occupancy, its pixels): a drag's strips place their
        # names around them; None after a zoom's preview (a strip's names then lie wholly inside it).
        self.room: Occupancy | None = None
        self.by_hand = False  # the view's last move was a drag or a zoom by hand (MapView sets it)
        self.whole_drawings = 0  # how many times it was drawn whole (tests)
        self.strips = 0  # how many strips were drawn beside a moved picture (tests)
        self.timer = QTimer(view)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SETTLE_MS)
        self.timer.timeout.connect(self.settle)

    def current_key(self) -> tuple:
        view = self.view
        size = view.viewport().size()
        return (view.places_item.version, view.basemap_item.show_cities, view.places_item.text_scale,
                size.width(), size.height(), view.viewport().devicePixelRatioF())

    def margin(self) -> tuple[int, int]:
        size = self.view.viewport().size()
        return round(size.width() * MARGIN), round(size.height() * MARGIN)

    def target(self) -> tuple[float, float, float]:
        """The view's transform as the picture's: scale, and where the scene's origin is in the picture."""
        transform = self.view.viewportTransform()
        mx, my = self.margin()
        return transform.m11(), transform.dx() + mx, transform.dy() + my

    def draw(self, painter: QPainter) -> None:
        """Paint the picture of the view as it is now onto the viewport's painter (drawing what changed)."""
        self.bring_up_to_date()
        _, dx, dy = self.target()
        mx, my = self.margin()
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPoint(round(dx - self.dx) - mx, round(dy - self.dy) - my), self.image)
        painter.restore()

    def bring_up_to_date(self) -> None:
        scale, dx, dy = self.target()
        key = self.current_key()
        if self.image is None or key != self.key:
            self.draw_whole(scale, dx, dy, key)
            return
        same_scale = math.isclose(scale, self.scale, rel_tol=1e-12)
        if same_scale and abs(dx - self.dx) < 0.5 and abs(dy - self.dy) < 0.5:
            return
        if not self.by_hand:
            self.draw_whole(scale, dx, dy, key)
        elif same_scale:
            self.pan(dx, dy)
        else:
            self.zoom(scale, dx, dy)

    def settle(self) -> None:
        """Draw the picture whole at the view's transform, if it was moved or scaled (the timer's end)."""
        self.timer.stop()
        if self.image is None or self.settled:
            return
        self.draw_whole(*self.target(), self.current_key())
        self.view.viewport().update()

    # drawing
    def size(self) -> tuple[QSize, float]:
        """The picture's size in the viewport's logical pixels, and the pixel ratio."""
        viewport = self.view.viewport()
        mx, my = self.margin()
        return viewport.size() + QSize(2 * mx, 2 * my), viewport.devicePixelRatioF()

    def blank(self) -> QImage:
        size, ratio = self.size()
        image = self.spare
        if image is None or image.size() != size * ratio or image.devicePixelRatioF() != ratio:
            image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
        self.spare = None
        return image

    def draw_whole(self, scale: float, dx: float, dy: float, key: tuple) -> None:
        self.timer.stop()
        if self.spare is None:
            self.spare = self.image  # drawn over whole (blank() checks its size)
        image = self.blank()
        self.image, self.scale, self.dx, self.dy, self.key = image, scale, dx, dy, key
        self.drawn_scale = scale
        size, _ = self.size()
        mx, _ = self.margin()
        self.room = Occupancy(size.width(), size.height())
        self.room.walls = (mx, size.width() - mx)  # a name cut by the viewport's edge would read as another name
        self.paint_region(None)
        self.valid = QRect(QPoint(0, 0), self.size()[0])
        self.settled = True
        self.whole_drawings += 1

    def pan(self, dx: float, dy: float) -> None:
        """Move the picture by whole pixels and draw what the viewport then shows that it does not hold."""
        size, _ = self.size()
        ox, oy = round(dx - self.dx), round(dy - self.dy)
        if abs(ox) >= size.width() or abs(oy) >= size.height():
            self.draw_whole(self.scale, dx, dy, self.key)
            return
        moved = self.blank()
        painter = QPainter(moved)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(QPoint(ox, oy), self.image)
        painter.end()
        self.spare, self.image = self.image, moved
        self.dx += ox
        self.dy += oy
        if self.room is not None:
            self.room = self.room.shifted(ox, oy)
            mx, my = self.margin()
            # names only where the picture is drawn once the strips are: the viewport
            self.room.bounds = QRectF(mx, my, size.width() - 2 * mx, size.height() - 2 * my)
        self.complete(self.valid.translated(ox, oy))

    def zoom(self, scale: float, dx: float, dy: float) -> None:
        """The picture scaled to the new transform; what the viewport then shows that it does not hold (a zoom
        out past its margin) drawn at it."""
        factor = scale / self.scale
        if not 1 / PREVIEW_FACTOR <= scale / self.drawn_scale <= PREVIEW_FACTOR:
            self.draw_whole(scale, dx, dy, self.key)
            return
        scaled = self.blank()
        painter = QPainter(scaled)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        # a point u of the old picture is at the scene's (u - old d) / old scale, so now at
        # factor * (u - old d) + d
        left, top = dx - factor * self.dx, dy - factor * self.dy
        painter.setTransform(QTransform(factor, 0, 0, factor, left, top))
        painter.drawImage(QPointF(0, 0), self.image)
        painter.end()
        self.spare, self.image = self.image, scaled
        self.scale, self.dx, self.dy = scale, dx, dy
        self.room = None
        # what the scaled picture holds drawn, to whole pixels inside it
        held = self.valid
        x0, y0 = math.ceil(left + factor * held.x()), math.ceil(top + factor * held.y())
        x1 = math.floor(left + factor * (held.x() + held.width()))
        y1 = math.floor(top + factor * (held.y() + held.height()))
        self.complete(QRect(x0, y0, max(0, x1 - x0), max(0, y1 - y0)))

    def complete(self, held: QRect) -> None:
        """`held` (picture pixels) is what the moved or scaled picture holds drawn: draw the rest of the
        viewport's part of it, strip by strip."""
        size, _ = self.size()
        held = held.intersected(QRect(QPoint(0, 0), size))
        mx, my = self.margin()
        viewport = QRect(mx, my, size.width() - 2 * mx, size.height() - 2 * my)
        strips = outside(viewport, held)
        if len(strips) == 1 and strips[0] == viewport:
            self.draw_whole(self.scale, self.dx, self.dy, self.key)
            return
        for strip in strips:
            self.paint_region(strip)
        self.valid = viewport if strips else held  # a rectangle wholly drawn
        self.unsettled()

    def unsettled(self) -> None:
        self.settled = False
        self.timer.start()

    def paint_region(self, region: QRect | None) -> None:
        """Draw the basemap and the places into the picture at its transform: all of it, or one strip."""
        view = self.view
        image = self.image
        size, _ = self.size()
        target = QRectF(region) if region is not None else QRectF(0, 0, size.width(), size.height())
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setClipRect(target)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.fillRect(target, view.background())
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        transform = QTransform(self.scale, 0, 0, self.scale, self.dx, self.dy)
        painter.setTransform(transform)
        option = QStyleOptionGraphicsItem()
        option.exposedRect = transform.inverted()[0].mapRect(target)
        basemap, places = view.basemap_item, view.places_item
        basemap.region, basemap.strip = target, region is not None
        basemap.names_room = self.room
        places.partial = region is not None
        places.names_unclipped = region is not None and self.room is not None
        # the moves' budget of pixels is the viewport's: the picture is larger by its margin
        viewport = view.viewport().size()
        places.link_budget = LINK_PIXELS * size.width() * size.height() / max(1, viewport.width() * viewport.height())
        try:
            basemap.paint(painter, option)
            places.paint(painter, option)
        finally:
            basemap.region, basemap.strip, basemap.names_room = None, False, None
            places.partial = places.names_unclipped = False
            places.link_budget = LINK_PIXELS
            painter.end()
        if region is not None:
            self.strips += 1


def paint_items(view: Any, painter: QPainter, exposed: QRectF) -> None:
    """The basemap and the places straight onto a painter in scene coordinates (a PDF's or a picture's
    vectors, which a kept raster picture would replace)."""
    option: Any = QStyleOptionGraphicsItem()
    option.exposedRect = exposed
    view.basemap_item.paint(painter, option)
    view.places_item.paint(painter, option)


def outside(area: QRect, held: QRect) -> list[QRect]:
    """`area` less `held`, as at most four rectangles: the bands above and below, then left and right."""
    inner = area.intersected(held)
    if inner.isEmpty():
        return [QRect(area)]
    top, bottom = inner.y(), inner.y() + inner.height()
    left, right = inner.x(), inner.x() + inner.width()
    a_left, a_top = area.x(), area.y()
    a_right, a_bottom = area.x() + area.width(), area.y() + area.height()
    bands = [QRect(a_left, a_top, area.width(), top - a_top), QRect(a_left, bottom, area.width(), a_bottom - bottom),
             QRect(a_left, top, left - a_left, bottom - top), QRect(right, top, a_right - right, bottom - top)]
    return [band for band in bands if band.width() > 0 and band.height() > 0]
