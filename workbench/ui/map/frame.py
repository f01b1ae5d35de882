"""The map's picture kept between frames: a pan moves it and draws only the strips it uncovers, a zoom by hand
shows it scaled at once, the picture is drawn sharp off the UI thread once the view rests, and any other change
draws it whole."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, QSizeF, QTimer
from PySide6.QtGui import QBrush, QImage, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsView, QStyleOptionGraphicsItem

from workbench.core.progress import NO_PROGRESS, Progress
from workbench.ui.map.canvas import LINK_PIXELS, BasemapItem, Occupancy, PlacesItem
from workbench.ui.tasks import runner

# After a pan or a zoom by hand, the picture is drawn whole again (names placed over the whole view, a zoom's
# scaled picture sharp) once the view has rested this long, off the UI thread (a whole picture of a continent's
# places takes a tenth of a second or more): never between the frames of a drag or a wheel turn.
SETTLE_MS = 150
# The strips a move by hand uncovers are drawn on the UI thread, in the frame, while they are at most this share
# of the viewport (a drag's: a tenth or less). Larger ones (a fling, a zoom out past the picture's margin) would
# cost the frame most of a whole drawing: they show the view's background until the view rests and the picture
# drawn off the UI thread lands.
STRIP_SHARE = 0.25
# How far past a strip its names may reach (logical pixels, across and along): a strip is drawn into a window of the
# picture this much larger, whose size bounds what Qt rasterizes.
NAME_REACH = (200, 40)
# The picture reaches this fraction of the viewport's width and height beyond each of its edges: a zoom out by
# hand (a wheel step, by 1.2) shows what the picture holds, without strips drawn around it.
MARGIN = 0.15


@dataclass
class Drawing:
    """A whole picture drawn off the UI thread, and what it was drawn for (`MapFrame.request`)."""

    token: int
    image: QImage
    scale: float
    dx: float
    dy: float
    key: tuple
    room: Occupancy
    kept_links: np.ndarray | None


class MapFrame:
    """The basemap and the places as one picture of the viewport and MARGIN around it, at `scale`, `dx`, `dy`
    (scene -> the picture's pixels; the viewport's are those less the margin).

    - Drawn whole when the items change (`PlacesItem.version`, the city names shown, the text scale), the
      viewport's size or pixel ratio changes, or the view is moved by code (`show_area`, a saved view, a
      slide): what a deck or a saved view shows is always a whole drawing.
    - A pan by hand (a drag) moves the picture by whole pixels and draws only the viewport's strips it does
      not hold (their names placed around the picture's, kept in `room`; the moves chosen for the picture's
      frame, so a line goes on across the strip's edge).
    - A zoom by hand (wheel, + and -) shows the picture scaled in the frame while it covers the viewport (`stretches`:
      nothing drawn or copied); past that (a zoom out beyond its margin) the picture is scaled to the new transform
      and the strips it then lacks drawn, at once.
    - Strips over STRIP_SHARE of the viewport are not drawn in the frame: it shows the view's background there.
    - SETTLE_MS after the last move by hand (`settle`), the sharp picture is asked for.
    - The sharp picture is drawn whole on the task runner (`request`), with copies of the items, and shown
      when it lands only if nothing changed meanwhile: the same items, the same transform (`arrived`); any
      move or drawing in between drops it."""

    def __init__(self, view: QGraphicsView) -> None:
        self.view: Any = view  # pane.MapView (its basemap_item and places_item), not imported: pane imports this
        self.image: QImage | None = None
        self.spare: QImage | None = None  # the next picture, drawn from this one (two reused, not one per frame)
        self.scale = 0.0
        self.dx = self.dy = 0.0
        self.key: tuple | None = None
        self.settled = True  # drawn whole at its scale and place, not moved or scaled from another
        self.valid = QRect()  # the part of the picture wholly drawn (a zoom out leaves its edges undrawn)
        # Where the view was (`target`) when a drag left it inside the picture, not centred: the picture is not moved
        # while the viewport stays inside it (`pan`).
        self.shown: tuple[float, float, float] | None = None
        # Where the picture's names and markers are (canvas.Occupancy, its pixels): a drag's strips place their
        # names around them; None after a zoom's preview (a strip's names then lie wholly inside it).
        self.room: Occupancy | None = None
        self.by_hand = False  # the view's last move was a drag or a zoom by hand (MapView sets it)
        self.pending: int | None = None  # the token of the picture being drawn off the UI thread, if any
        self.tokens = 0
        self.whole_drawings = 0  # how many times it was drawn whole on the UI thread (tests)
        self.landed = 0  # how many pictures drawn off the UI thread were shown (tests)
        self.dropped = 0  # how many came back for a view that had moved or changed meanwhile (tests)
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
        """Paint the picture of the view as it is now onto the viewport's painter (drawing what changed): moved by
        whole pixels, or scaled (a zoom by hand the picture still holds, `stretches`)."""
        self.bring_up_to_date()
        scale, dx, dy = self.target()
        mx, my = self.margin()
        painter.save()
        painter.resetTransform()
        # written, not blended: the picture is opaque and covers the viewport
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        if math.isclose(scale, self.scale, rel_tol=1e-12):
            painter.drawImage(QPoint(round(dx - self.dx) - mx, round(dy - self.dy) - my), self.image)
        else:
            factor = scale / self.scale
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            left, top = dx - factor * self.dx - mx, dy - factor * self.dy - my
            painter.setTransform(QTransform(factor, 0, 0, factor, left, top))
            painter.drawImage(QPointF(0, 0), self.image)
        painter.restore()

    def holds(self, scale: float, dx: float, dy: float) -> bool:
        """Whether a picture drawn at (scale, dx, dy) is the view's as it is now."""
        now, x, y = self.target()
        return math.isclose(scale, now, rel_tol=1e-12) and abs(dx - x) < 0.5 and abs(dy - y) < 0.5

    def bring_up_to_date(self) -> None:
        scale, dx, dy = self.target()
        key = self.current_key()
        if self.image is None or key != self.key:
            self.draw_whole(scale, dx, dy, key)
            return
        if self.holds(self.scale, self.dx, self.dy) or (self.shown is not None and self.holds(*self.shown)):
            return  # the picture is the view's (centred on it, or the view moved inside it since)
        self.shown = None
        self.drop_pending()  # drawn for where the view was
        if not self.by_hand:
            self.draw_whole(scale, dx, dy, key)
        elif math.isclose(scale, self.scale, rel_tol=1e-12):
            self.pan(dx, dy)
            self.shown = (scale, dx, dy)
        elif self.stretches(scale, dx, dy):
            # shown scaled in the frame (`draw`): the sharp picture it was drawn as stays kept, so each step of a
            # wheel turn scales it afresh (one smooth scaling of the viewport's pixels, never a scaled copy scaled
            # again), until the picture drawn sharp at the new scale lands
            self.settled = False
            self.timer.start()
        else:
            self.zoom(scale, dx, dy)

    def stretches(self, scale: float, dx: float, dy: float) -> bool:
        """Whether the picture, scaled to the view's transform (scale, dx, dy), covers the viewport with what it
        holds drawn (`valid`, less a pixel each side, which a smooth scaling blends with its neighbours)."""
        factor = scale / self.scale
        held = self.valid
        if held.isEmpty():
            return False
        mx, my = self.margin()
        size = self.view.viewport().size()
        # a point u of the picture is at factor * (u - its d) + d in the view's picture, whose viewport starts at m
        left = factor * (held.x() + 1 - self.dx) + dx
        top = factor * (held.y() + 1 - self.dy) + dy
        right = factor * (held.x() + held.width() - 1 - self.dx) + dx
        bottom = factor * (held.y() + held.height() - 1 - self.dy) + dy
        return left <= mx and top <= my and right >= mx + size.width() and bottom >= my + size.height()

    def settle(self) -> None:
        """The view rests: draw the picture whole off the UI thread, if it was moved or scaled (the timer's end)."""
        self.timer.stop()
        if self.image is None or self.settled or self.pending is not None:
            return
        self.request()

    # the picture drawn off the UI thread
    def request(self) -> None:
        """Draw the picture whole at the view's transform on the task runner, with copies of the items (the UI
        thread goes on drawing strips with its own); `arrived` shows it if the view is still where it was."""
        self.timer.stop()
        self.tokens += 1
        token = self.pending = self.tokens
        scale, dx, dy = self.target()
        key = self.current_key()
        size, ratio = self.size()
        mx, _ = self.margin()
        view = self.view
        places = view.places_item.copy()
        basemap = view.basemap_item.copy(places)
        background = QBrush(view.background())
        viewport = view.viewport().size()

        def work(progress: Progress) -> Drawing:
            basemap.check = places.check = progress.check  # stopped within a step once not wanted
            image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
            room = whole_room(size, mx)
            paint_picture(image, None, (scale, dx, dy), basemap, places, room, background, viewport, progress)
            return Drawing(token, image, scale, dx, dy, key, room, places.kept_links)

        runner().run(("map picture", id(self)), work, done=self.arrived, context=view,
                     failure="Cannot draw the map")

    def arrived(self, drawing: Drawing) -> None:
        """A picture drawn off the UI thread: shown if it is the one asked for last and the view is still
        what and where it was drawn for, else dropped (it is never shown for a view that moved)."""
        if drawing.token != self.pending:
            self.dropped += 1
            return
        self.pending = None
        if self.image is None or drawing.key != self.current_key() or not self.holds(drawing.scale, drawing.dx,
                                                                                   drawing.dy):
            self.dropped += 1
            return
        self.spare, self.image = self.image, drawing.image
        self.scale, self.dx, self.dy, self.key = drawing.scale, drawing.dx, drawing.dy, drawing.key
        self.shown = None
        self.room = drawing.room
        self.view.places_item.kept_links = drawing.kept_links  # a drag's strips draw the moves this picture has
        self.valid = QRect(QPoint(0, 0), self.size()[0])
        self.settled = True
        self.landed += 1
        self.view.viewport().update()

    def moved_by_hand(self) -> None:
        """A drag or a zoom by hand (before the frame that shows it): stop the picture being drawn, at once."""
        self.by_hand = True
        self.drop_pending()

    def drop_pending(self) -> None:
        """The picture being drawn off the UI thread will not be shown: stop it (its worker holds the
        interpreter while Qt draws: the sooner it stops, the sooner the UI thread runs)."""
        if self.pending is not None:
            self.pending = None
            runner().cancel(("map picture", id(self)))

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
        self.drop_pending()
        if self.spare is None:
            self.spare = self.image  # drawn over whole (blank() checks its size)
        image = self.blank()
        self.image, self.scale, self.dx, self.dy, self.key = image, scale, dx, dy, key
        self.shown = None
        size, _ = self.size()
        mx, _ = self.margin()
        self.room = whole_room(size, mx)
        self.paint_region(None)
        self.valid = QRect(QPoint(0, 0), self.size()[0])
        self.settled = True
        self.whole_drawings += 1

    def pan(self, dx: float, dy: float) -> None:
        """Draw what the viewport then shows that the picture does not hold: the viewport moves inside the picture
        while it fits there (nothing copied; what was drawn around it stays, for a drag back), else the picture is
        moved by whole pixels to put the viewport back in its middle."""
        size, _ = self.size()
        mx, my = self.margin()
        ox, oy = round(dx - self.dx), round(dy - self.dy)  # how far the picture would move to centre the viewport
        viewport = QRect(mx - ox, my - oy, size.width() - 2 * mx, size.height() - 2 * my)
        if QRect(QPoint(0, 0), size).contains(viewport):
            self.complete(self.valid, viewport)
            return
        moved = self.blank()
        held = self.valid
        if not held.isEmpty():  # only what is drawn (the viewport and what a drag drew around it)
            ratio = self.image.devicePixelRatioF()
            painter = QPainter(moved)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.drawImage(QPointF(held.x() + ox, held.y() + oy), self.image,
                              QRectF(held.x() * ratio, held.y() * ratio, held.width() * ratio, held.height() * ratio))
            painter.end()
        self.spare, self.image = self.image, moved
        self.dx += ox
        self.dy += oy
        if self.room is not None:
            self.room = self.room.shifted(ox, oy)
        self.complete(held.translated(ox, oy), viewport.translated(ox, oy))

    def zoom(self, scale: float, dx: float, dy: float) -> None:
        """The picture scaled to the new transform; what the viewport then shows that it does not hold (a zoom
        out past its margin) drawn at it. A zoom in scales only what the viewport shows (the margin, which a zoom
        in never shows, would cost as much again): the margin is drawn again once the view rests."""
        factor = scale / self.scale
        mx, my = self.margin()
        size, _ = self.size()
        viewport = QRect(mx, my, size.width() - 2 * mx, size.height() - 2 * my)
        scaled = self.blank()
        painter = QPainter(scaled)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if factor > 1:
            painter.setClipRect(viewport)
        # a point u of the old picture is at the scene's (u - old d) / old scale, so now at
        # factor * (u - old d) + d
        left, top = dx - factor * self.dx, dy - factor * self.dy
        painter.setTransform(QTransform(factor, 0, 0, factor, left, top))
        painter.drawImage(QPointF(0, 0), self.image)
        painter.end()
        self.spare, self.image = self.image, scaled
        self.scale, self.dx, self.dy = scale, dx, dy
        self.room, self.shown = None, None
        # what the scaled picture holds drawn, to whole pixels inside it
        held = self.valid
        x0, y0 = math.ceil(left + factor * held.x()), math.ceil(top + factor * held.y())
        x1 = math.floor(left + factor * (held.x() + held.width()))
        y1 = math.floor(top + factor * (held.y() + held.height()))
        held = QRect(x0, y0, max(0, x1 - x0), max(0, y1 - y0))
        self.complete(held.intersected(viewport) if factor > 1 else held, viewport)

    def complete(self, held: QRect, viewport: QRect) -> None:
        """`held` (picture pixels) is what the moved or scaled picture holds drawn: draw the rest of the
        `viewport`'s part of it, strip by strip, or, more than STRIP_SHARE of it, fill it with the background (the
        whole picture comes once the view rests)."""
        size, _ = self.size()
        held = held.intersected(QRect(QPoint(0, 0), size))
        if self.room is not None:  # names only where the picture is drawn once the strips are, none across its edge
            self.room.bounds = QRectF(viewport)
            self.room.walls = (viewport.x(), viewport.x() + viewport.width())
        strips = outside(viewport, held)
        if sum(strip.width() * strip.height() for strip in strips) > STRIP_SHARE * viewport.width() * viewport.height():
            painter = QPainter(self.image)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            # what lies outside the viewport too: the picture holds nothing drawn beyond `held`
            for band in outside(QRect(QPoint(0, 0), size), held):
                painter.fillRect(band, self.view.background())
            painter.end()
            self.valid = held if not held.isEmpty() else QRect()
            # drawn once the view rests, as any move by hand: asked for at once, the drawing would be stopped by
            # the next frame of the fling, having held the interpreter (and the frame) meanwhile
            self.settled = False
            self.timer.start()
            return
        for strip in strips:
            self.paint_region(strip)
        self.valid = drawn_after(held, viewport) if strips else held
        self.settled = False
        self.timer.start()

    def paint_region(self, region: QRect | None) -> None:
        """Draw the basemap and the places into the picture at its transform: all of it, or one strip."""
        view = self.view
        paint_picture(self.image, region, (self.scale, self.dx, self.dy), view.basemap_item, view.places_item,
                      self.room, view.background(), view.viewport().size())
        if region is not None:
            self.strips += 1


def drawn_after(held: QRect, viewport: QRect) -> QRect:
    """The largest of a few rectangles wholly drawn once the strips around `held` fill `viewport`: the viewport,
    or it joined with what `held` has beside it across its rows or along its columns (a drag's way)."""
    found = viewport
    for beside in (QRect(held.x(), viewport.y(), held.width(), viewport.height()),
                   QRect(viewport.x(), held.y(), viewport.width(), held.height())):
        if not held.contains(beside):
            continue
        joined = beside.united(viewport)
        if (beside.intersects(viewport) or joined.width() * joined.height() ==
                beside.width() * beside.height() + viewport.width() * viewport.height()) and \
                joined.width() * joined.height() > found.width() * found.height():
            found = joined
    return found


def whole_room(size: QSize, mx: int) -> Occupancy:
    """The room for names in a whole picture of `size` with a margin of `mx` beside the viewport."""
    room = Occupancy(size.width(), size.height())
    room.walls = (mx, size.width() - mx)  # a name cut by the viewport's edge would read as another name
    return room


def paint_picture(image: QImage, region: QRect | None, at: tuple[float, float, float], basemap: BasemapItem,
                  places: PlacesItem, room: Occupancy | None, background: QBrush, viewport: QSize,
                  progress: Progress = NO_PROGRESS) -> None:
    """Draw the basemap and the places into a picture at (scale, dx, dy): all of it, or one strip. On the UI
    thread with the view's items, or on a worker with their copies (`progress` stops it between the layers)."""
    scale, dx, dy = at
    ratio = image.devicePixelRatioF()
    width, height = image.width() / ratio, image.height() / ratio
    target = QRectF(region) if region is not None else QRectF(0, 0, width, height)
    device, offset = image, QPointF(0, 0)
    bounds = room.bounds if room is not None else None
    if region is not None:
        # A strip is drawn into a window of the picture just around it (sharing its memory): Qt rasterizes a
        # path over the whole device it paints on, clip or not, so a large area or coast crossing a thin strip
        # would cost what it costs over the whole picture. Names reach past the strip only inside the window.
        device, offset, window = window_of(image, region.adjusted(-NAME_REACH[0], -NAME_REACH[1], *NAME_REACH))
        if room is not None:
            room.bounds = window if bounds is None else window.intersected(bounds)
    painter = QPainter(device)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setClipRect(target.translated(-offset))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.fillRect(target.translated(-offset), background)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        transform = QTransform(scale, 0, 0, scale, dx, dy)
        painter.setTransform(transform * QTransform.fromTranslate(-offset.x(), -offset.y()))
        option = QStyleOptionGraphicsItem()
        option.exposedRect = transform.inverted()[0].mapRect(target)
        basemap.offset = places.offset = offset
        basemap.region, basemap.strip = target, region is not None
        basemap.names_room = room
        places.partial = region is not None
        places.names_unclipped = region is not None and room is not None
        # the moves' budget of pixels is the viewport's: the picture is larger by its margin
        places.link_budget = LINK_PIXELS * width * height / max(1, viewport.width() * viewport.height())
        progress(0, 2)
        basemap.paint(painter, option)
        progress(1, 2)
        places.paint(painter, option)
    finally:
        basemap.region, basemap.strip, basemap.names_room = None, False, None
        basemap.offset = places.offset = QPointF(0, 0)
        places.partial = places.names_unclipped = False
        places.link_budget = LINK_PIXELS
        if room is not None:
            room.bounds = bounds
        painter.end()


def window_of(image: QImage, area: QRect) -> tuple[QImage, QPointF, QRectF]:
    """An image that is the part of `image` around `area` (its logical pixels), sharing its memory: what is drawn
    on it is drawn on `image`. With where it lies in `image` (logical pixels), and its rectangle there."""
    ratio = image.devicePixelRatioF()
    left, top = max(0, math.floor(area.x() * ratio)), max(0, math.floor(area.y() * ratio))
    right = min(image.width(), math.ceil((area.x() + area.width()) * ratio))
    bottom = min(image.height(), math.ceil((area.y() + area.height()) * ratio))
    line = image.bytesPerLine()
    memory = image.bits()  # the picture's own memory (it is never shared: MapFrame keeps it alone)
    window = QImage(memory[top * line + left * image.depth() // 8:], max(1, right - left), max(1, bottom - top), line,
                    image.format())
    window.setDevicePixelRatio(ratio)
    offset = QPointF(left / ratio, top / ratio)
    return window, offset, QRectF(offset, QSizeF((right - left) / ratio, (bottom - top) / ratio))


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
