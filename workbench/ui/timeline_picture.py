"""The timeline's lanes and events kept as one picture between the frames of a move by hand: a drag moves it by whole
pixels and draws only the strips it uncovers, a wheel turn shows it stretched in time at once (and draws the strips a
zoom out uncovers); SETTLE_MS after the last move by hand, and on any other change, it is drawn whole."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRectF, QTimer
from PySide6.QtGui import QColor, QImage, QPaintEngine, QPainter, QRegion, QTransform

from workbench.core.timeline.frame import Viewport

# Once the view has rested this long after a drag or a wheel turn, the picture is drawn whole again (labels placed
# over the whole view, a zoom's stretched markers square): never between the frames of a move.
SETTLE_MS = 150
# A wheel turn further than this from the scale the picture was last drawn whole at draws it whole at once: stretched
# further, a marker would be a bar.
PREVIEW_FACTOR = 4.0
# The picture reaches this far (the view's pixels) beyond the view's sides and top and bottom: the shapes cut at the
# view's edges (bars clipped 50 pixels outside it) start inside the picture, so their dashes fall as on the screen.
MARGIN = (64, 32)


def outside(area: QRect, held: QRect) -> list[QRect]:
    """`area` less `held`, as at most four rectangles: the bands above and below, then left and right."""
    inner = area.intersected(held)
    if inner.isEmpty():
        return [QRect(area)]
    top, bottom, left, right = inner.top(), inner.bottom() + 1, inner.left(), inner.right() + 1
    a_left, a_top, a_right, a_bottom = area.left(), area.top(), area.right() + 1, area.bottom() + 1
    bands = [QRect(a_left, a_top, area.width(), top - a_top), QRect(a_left, bottom, area.width(), a_bottom - bottom),
             QRect(a_left, top, left - a_left, bottom - top), QRect(right, top, a_right - right, bottom - top)]
    return [band for band in bands if band.width() > 0 and band.height() > 0]


def _same_state(a: tuple, b: tuple) -> bool:
    """Two state tuples are the same when each member is the same object, or an equal plain value."""
    return len(a) == len(b) and all(x is y or (type(x) in (int, float, bool, str, tuple, frozenset, type(None))
                                               and type(x) is type(y) and x == y) for x, y in zip(a, b, strict=True))


class KeptPicture:
    """The view box's lanes and events as one raster picture, in device pixels, at the mapping of `x_scale`, `x_offset`,
    `y_scale`, `y_offset` (a Viewport's: seconds and rows to the view's pixels).

    - Drawn whole (`draw(painter, viewport)`, in the view's pixels) on every paint, except between the frames of a move
      by hand: a drag (`moved_by_hand` after the view moved) and a wheel turn. Whole also when anything else the picture
      shows changed (`changed()`, which the layers' update() calls, and `state()`, compared member by member), when the
      view was moved by code since, or when its size, pixel ratio or place on the device changed. So a change of data,
      filter, selection or fonts is never hidden by a kept picture.
    - A pan by hand moves the picture by whole device pixels and draws the strips it uncovers (the whole frame's
      geometry, clipped to the strip); a zoom by hand stretches it in time and draws the strips a zoom out uncovers
      (with `draw_coarse`, if given: a coarser picture of them, replaced by the exact one when the view rests).
    - SETTLE_MS after the last move by hand the view is drawn whole again (`settle`, then `on_settle()`).
    - Only on a raster device at the painter's own pixel ratio (the screen, a grab): an export at 2x or to SVG gets
      vectors, drawn directly (`paint` returns False).
    """

    def __init__(self, parent: QObject, draw: Callable[[QPainter, Viewport, list[QRectF] | None], None],
                 state: Callable[[], tuple], background: Callable[[], QColor | None],
                 on_settle: Callable[[], None],
                 draw_coarse: Callable[[QPainter, Viewport, list[QRectF]], None] | None = None) -> None:
        self.draw = draw
        # The strips a zoom out uncovers, drawn cheaply (where the events lie, not each event): the frames of a wheel
        # turn out never wait on an exact drawing of them, which the view gets SETTLE_MS after the turn.
        self.draw_coarse = draw_coarse
        self.coarse_strips = 0  # counts, for tests
        self.state = state
        self.background = background
        self.on_settle = on_settle
        self.image: QImage | None = None
        self.spare: QImage | None = None  # the next picture, drawn from this one (two reused, not one per frame)
        self.key: tuple | None = None
        self.x_scale = self.x_offset = self.y_scale = self.y_offset = 0.0
        self.drawn_scale = 0.0  # the x scale it was last drawn whole at
        # The last whole drawing, kept through a wheel turn: (picture, x scale, x offset, y offset, its view's part). A
        # zoom stretches it rather than the frame before (one resampling, not one per step) wherever it shows the view,
        # so a wheel turn back out over what it showed draws nothing.
        self.base: tuple[QImage, float, float, float, QRect] | None = None
        self.view_rect = self.valid = QRect()  # the view's part of the picture; the part of it that shows the view
        self.version = 0
        self.hand_range: Any = None  # the view's range after its last move by hand; another range is a move by code
        self.settled = True  # the picture is a whole drawing of the view as it is
        self.covered: int | None = None  # the device the last paint covered (its layers then draw nothing on it)
        self.whole_drawings = self.strips = self.previews = 0  # counts, for tests
        self.enabled = True  # False: every layer draws itself on every paint, as before pictures were kept
        self.timer = QTimer(parent)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SETTLE_MS)
        self.timer.timeout.connect(self.settle)

    def changed(self) -> None:
        """Something the picture shows changed: the next paint draws it whole."""
        self.version += 1

    def moved_by_hand(self, view_range: Any) -> None:
        """The view was just moved by hand to `view_range` (ViewBox.viewRange()): the next paint may move or stretch
        the picture, and SETTLE_MS after the last such move it is drawn whole."""
        self.hand_range = view_range
        self.timer.start()

    def settle(self) -> None:
        """The move by hand is over: the view is drawn whole from now on (at once, if it was not)."""
        self.timer.stop()
        self.hand_range = None
        if not self.settled:
            self.changed()
            self.on_settle()

    def covers(self, painter: QPainter) -> bool:
        """Whether the picture was just painted on this painter's device (so the layers over it draw nothing)."""
        return self.covered is not None and self.covered == shiboken6.getCppPointer(painter.device())[0]

    # --- painting ----------------------------------------------------------------------------

    def paint(self, painter: QPainter, viewport: Viewport, transform: QTransform, view_range: Any) -> bool:
        """Paint the view's picture on `painter` (whose world `transform` is the view's pixels), bringing it up to date;
        False (nothing painted) where the view is to be drawn directly."""
        self.covered = None
        background = self.background()
        if not self.enabled:
            return False
        engine = painter.paintEngine()
        if background is None or engine is None or engine.type() != QPaintEngine.Type.Raster:
            return False
        painter.save()
        try:
            painter.setTransform(transform)
            device = painter.deviceTransform()
            s = device.m11()
            ratio = painter.device().devicePixelRatioF()
            if (device.m12() or device.m21() or not math.isclose(s, ratio, rel_tol=1e-9)
                    or not math.isclose(device.m22(), ratio, rel_tol=1e-9)):
                return False
            s = ratio  # (the view's scale times its inverse: 0.9999999999999999 after some zooms)
            left, right = viewport.x_px(viewport.x_min), viewport.x_px(viewport.x_max)
            top, bottom = viewport.y_px(viewport.y_min), viewport.y_px(viewport.y_max)
            vx, vy = math.floor(s * left + device.dx() + 1e-6), math.floor(s * top + device.dy() + 1e-6)
            view_width = math.ceil(s * right + device.dx() - 1e-6) - vx
            view_height = math.ceil(s * bottom + device.dy() - 1e-6) - vy
            if view_width <= 0 or view_height <= 0:
                return False
            mx, my = round(MARGIN[0] * s), round(MARGIN[1] * s)
            ox, oy, width, height = vx - mx, vy - my, view_width + 2 * mx, view_height + 2 * my
            cx, cy = device.dx() - ox, device.dy() - oy  # the view's pixels to the picture's: s * p + c
            # What is drawn beyond the view is drawn for it (a label cut at its edge): only the view's part of the
            # picture is ever moved into sight.
            self.view_rect = QRect(mx, my, view_width, view_height)
            key = (width, height, s, round(cx, 6), round(cy, 6), self.version, background.rgba(), self.state())
            moving = self.hand_range is not None and view_range == self.hand_range
            if self.image is None or not moving or self.key is None or not _same_state(key, self.key):
                self.draw_whole(viewport, key, s, cx, cy, background)
            elif math.isclose(viewport.x_scale, self.x_scale, rel_tol=1e-9) and math.isclose(
                    viewport.y_scale, self.y_scale, rel_tol=1e-9):
                self.pan(viewport, s, cx, cy, background)
            elif (math.isclose(viewport.y_scale, self.y_scale, rel_tol=1e-9)
                  and abs(viewport.y_offset - self.y_offset) * s < 1e-6):
                self.zoom(viewport, s, cx, cy, background)
            else:
                self.draw_whole(viewport, key, s, cx, cy, background)
            image = self.image
            assert image is not None
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            # Whole device pixels: the picture lands exactly where a direct drawing would.
            at = QPointF((vx - device.dx()) / s, (vy - device.dy()) / s)
            painter.drawImage(QRectF(at.x(), at.y(), view_width / s, view_height / s), image,
                              QRectF(mx, my, view_width, view_height))
        finally:
            painter.restore()
        self.covered = shiboken6.getCppPointer(painter.device())[0]
        return True

    def _blank(self, width: int, height: int) -> QImage:
        image, self.spare = self.spare, None
        if image is None or image.width() != width or image.height() != height:
            # Opaque (the background is drawn into it): a stretched copy then takes the raster engine's fast path.
            image = QImage(width, height, QImage.Format.Format_RGB32)
        return image

    def _draw_into(self, image: QImage, viewport: Viewport, s: float, cx: float, cy: float, background: QColor,
                   strips: list[QRect] | None, coarse: bool = False) -> None:
        """Draw the view into the picture: whole, or only its `strips` (the picture's pixels), in one go (`coarse`:
        with draw_coarse)."""
        painter = QPainter(image)
        try:
            if strips is not None:
                # Clipped once to every strip (whole device pixels): the layers draw what reaches into any of them in
                # one pass (a pass per strip paid each layer's fixed cost per strip: a zoom out's two sides).
                region = QRegion()
                for strip in strips:
                    region = region.united(QRegion(strip))
                painter.setClipRegion(region)
            for strip in strips or [image.rect()]:
                painter.fillRect(strip, background)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
            painter.setTransform(QTransform(s, 0, 0, s, cx, cy))
            # the strips in the view's pixels, for the layers to choose what reaches into them
            draw = self.draw_coarse if coarse and strips is not None and self.draw_coarse is not None else self.draw
            draw(painter, viewport, None if strips is None else [
                QRectF((strip.left() - cx) / s, (strip.top() - cy) / s, strip.width() / s, strip.height() / s)
                for strip in strips])
        finally:
            painter.end()

    def draw_whole(self, viewport: Viewport, key: tuple, s: float, cx: float, cy: float, background: QColor) -> None:
        width, height = key[0], key[1]
        if self.spare is None:
            self.spare = self.image  # drawn over whole (_blank checks its size)
        image = self._blank(width, height)
        self._draw_into(image, viewport, s, cx, cy, background, None)
        self.image, self.key, self.base = image, key, None
        self.x_scale, self.x_offset, self.y_scale, self.y_offset = (viewport.x_scale, viewport.x_offset,
                                                                    viewport.y_scale, viewport.y_offset)
        self.drawn_scale = viewport.x_scale
        self.valid = QRect(self.view_rect)
        self.settled = True
        self.whole_drawings += 1
        self.base = (image, viewport.x_scale, viewport.x_offset, viewport.y_offset, QRect(self.valid))

    def pan(self, viewport: Viewport, s: float, cx: float, cy: float, background: QColor) -> None:
        """The picture moved by whole device pixels, and the strips it uncovers drawn."""
        assert self.image is not None and self.key is not None
        image = self.image
        nx = round(s * (viewport.x_offset - self.x_offset))
        ny = round(s * (viewport.y_offset - self.y_offset))
        if nx == 0 and ny == 0:
            return
        if abs(nx) >= image.width() or abs(ny) >= image.height():
            self.draw_whole(viewport, self.key, s, cx, cy, background)
            return
        moved = self._blank(image.width(), image.height())
        painter = QPainter(moved)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(QPoint(nx, ny), image)
        painter.end()
        self._retire(image)
        self.image = moved
        self.x_offset += nx / s
        self.y_offset += ny / s
        self._complete(self.valid.translated(nx, ny), viewport, s, cx, cy, background)

    def zoom(self, viewport: Viewport, s: float, cx: float, cy: float, background: QColor) -> None:
        """The picture stretched in time to the view's new scale, and the strips a zoom out uncovers drawn. Where the
        last whole drawing shows the view, the stretch is of it."""
        assert self.image is not None and self.key is not None
        if not 1 / PREVIEW_FACTOR <= viewport.x_scale / self.drawn_scale <= PREVIEW_FACTOR:
            self.draw_whole(viewport, self.key, s, cx, cy, background)
            return
        image = self.image
        scaled = self._blank(image.width(), image.height())
        base = self.base
        if base is None or base[0] is image or abs(viewport.y_offset - base[3]) * s >= 1e-6:
            held = self._stretched(scaled, image, self.x_scale, self.x_offset, self.valid, viewport, s, cx)
        else:
            shown = self._stretched(None, *base[:3], base[4], viewport, s, cx)
            held = self._stretched(None, image, self.x_scale, self.x_offset, self.valid, viewport, s, cx)
            if shown.left() <= held.left() and shown.right() >= held.right():
                # The whole drawing shows all the frame before did (a turn in and back out): stretched alone.
                held = self._stretched(scaled, *base[:3], base[4], viewport, s, cx)
            else:
                self._stretched(scaled, image, self.x_scale, self.x_offset, self.valid, viewport, s, cx)
                if shown.width() > 0 and shown.left() <= held.right() + 1 and shown.right() + 1 >= held.left():
                    held = held.united(self._stretched(scaled, *base[:3], base[4], viewport, s, cx, clip=True))
        self._retire(image)
        self.image = scaled
        self.x_scale, self.x_offset = viewport.x_scale, viewport.x_offset
        self.previews += 1
        self._complete(held, viewport, s, cx, cy, background, coarse=True)

    @staticmethod
    def _stretched(target: QImage | None, source: QImage, x_scale: float, x_offset: float, valid: QRect,
                   viewport: Viewport, s: float, cx: float, clip: bool = False) -> QRect:
        """`source` (drawn at `x_scale`, `x_offset`, showing the view in `valid`) stretched in time into `target` at the
        view's scale; what of the view it then holds (the picture's pixels). With no `target`, that alone; with `clip`,
        only that is painted."""
        factor = viewport.x_scale / x_scale
        # A time drawn at the picture's u = s * (t * scale + offset) + cx goes to factor * u + shift.
        shift = s * viewport.x_offset + cx - factor * (cx + s * x_offset)
        left = math.ceil(factor * valid.left() + shift)
        right = math.floor(factor * (valid.right() + 1) + shift)
        held = QRect(left, valid.top(), max(0, right - left), valid.height())
        if target is not None:
            painter = QPainter(target)
            if clip:
                painter.setClipRect(held)
            painter.drawImage(QRectF(shift, 0, factor * source.width(), source.height()), source,
                              QRectF(0, 0, source.width(), source.height()))
            painter.end()
        return held

    def _retire(self, image: QImage) -> None:
        """`image` is no longer the picture: the next one is drawn into it, unless it is the last whole drawing."""
        self.spare = None if self.base is not None and image is self.base[0] else image

    def _complete(self, held: QRect, viewport: Viewport, s: float, cx: float, cy: float, background: QColor,
                  coarse: bool = False) -> None:
        """`held` (the picture's pixels) is what the moved or stretched picture holds of the view: draw the rest of the
        view's part of it, strip by strip (`coarse`: with draw_coarse, if given)."""
        assert self.image is not None
        # Only the view's part: what lies beyond it is never moved into sight (`valid` is within the view).
        strips = outside(self.view_rect, held)
        if strips:
            self._draw_into(self.image, viewport, s, cx, cy, background, strips, coarse)
            self.strips += len(strips)
            if coarse and self.draw_coarse is not None:
                self.coarse_strips += len(strips)
        self.valid = QRect(self.view_rect)
        self.settled = False
