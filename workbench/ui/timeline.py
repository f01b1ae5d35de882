"""The Timeline dock: the drawn timeline (swimlanes, honest time, brushing, filters) and the event list.

Thin drawing over `workbench.core.timeline`, which computes every lane, window, frame and
label; this module turns its device-pixel geometry into a handful of painter paths per frame
(one per style, never one graphics item per event) and wires mouse, keys and the shared
selection. Case text is untrusted: labels are drawn as plain text and tooltips escape it.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from workbench.core import ach
from workbench.core.confidence import ACH_RATINGS, CONFIDENCE_LEVELS
from workbench.core.contrast import RGB, darken_until, over, strongest_alpha
from workbench.core.filters import CaseFilter
from workbench.core.graph.groups import community_names
from workbench.core.names import TextFilter, haystack
from workbench.core.ops.attributes import attribute_groups, attribute_keys
from workbench.core.queries import related
from workbench.core.store import Case, Changes, new_id
from workbench.core.tags import all_tags, events_passing
from workbench.core.timeline.data import (
    DAY,
    GRADES,
    HOUR,
    N_STYLES,
    PLANNED,
    SOLID,
    WEAK,
    allowed_actors,
    describe_span,
    event_mask,
    event_summary,
    load_timeline,
    utc_seconds,
    utc_text,
)
from workbench.core.timeline.frame import (
    CoarseIndex,
    Frame,
    LevelsOfDetail,
    Shapes,
    Viewport,
    coarse_cells,
    frame_geometry,
    frame_in_strips,
    label_text,
    marker_runs,
    outline_segments,
    time_ticks,
)
from workbench.core.timeline.layout import (
    GROUP_KEY,
    GROUP_LANES_FROM,
    DensityCounter,
    LaneLayout,
    density,
    fit_range,
    hit_test,
    layout_lanes,
    proposed_event,
)
from workbench.ui.commands import insert_record, push
from workbench.ui.listing import ListPane
from workbench.ui.pictures import save_png, save_svg
from workbench.ui.selection import Selection, SelectionModel, TimeWindow
from workbench.ui.tasks import runner
from workbench.ui.timeline_picture import KeptPicture

EVENT_WIDTHS = (190, 330, 200, 110, 90, 40)
ROW_PX = 20.0  # one sub-row of a lane
MARKER_PX = 9.0
LANE_AXIS_PX = 200
OVERVIEW_PX = 58
ZOOM_STEP = 1.25
LABEL_ROOM_PX = 170  # free space right of the last event at "fit", for its label
PAN_STEP = 0.15
DASH_PATTERN = (4.0, 3.0)  # a hedged event's dashed edges: pixels on, pixels off
STRIP_SLACK_PX = 12.0  # a strip of the kept picture draws what reaches this near it (a marker's half, a thick edge)

# Colours by style (asserted, weak, planned) and the faded context colour.
STYLE_COLOURS = (QColor(31, 78, 156), QColor(196, 86, 0), QColor(118, 72, 160))
FADED_COLOUR = QColor(182, 186, 192)
SELECTED_COLOUR = QColor(255, 140, 0)
CONNECTOR_COLOUR = QColor(120, 136, 156)
BAND_COLOURS = (QColor(255, 255, 255), QColor(245, 247, 250))
RELATED_BAND = QColor(226, 228, 255)
SEPARATOR_COLOUR = QColor(224, 228, 234)
# The time window is orange (as its handle on the overview strip); lanes linked to the selection
# are lavender: the two were both pale orange and could not be told apart.
WINDOW_COLOUR = QColor(255, 152, 0)
WINDOW_ALPHA = 28
LABEL_COLOURS = (QColor(25, 30, 40), QColor(140, 58, 0), QColor(88, 52, 122))
# An event's rating against the hypothesis the timeline is coloured by (issue 27): a box behind it, green
# for consistent, red for inconsistent (the Analysis dock's cell colours), grey for neutral or not applicable.
RATING_CODES = tuple(ACH_RATINGS)
RATING_BOX_COLOURS = {"CC": QColor(46, 125, 50), "C": QColor(102, 187, 106), "N": QColor(158, 158, 158),
                      "I": QColor(239, 83, 80), "II": QColor(183, 28, 28), "NA": QColor(200, 200, 200)}

CONFIDENCE_CHOICES = (
    ("Any confidence", "planned"),
    ("Hide planned", "unverified"),
    ("Hide unverified", "possible"),
    ("Likely or firmer", "likely"),
    ("Reported or firmer", "reported"),
    ("Confirmed only", "confirmed"),
)
RELIABILITY_CHOICES = (
    ("Any sources", "F"),
    ("Sources A-E", "E"),
    ("Sources A-D", "D"),
    ("Sources A-C", "C"),
    ("Sources A-B", "B"),
    ("Sources A only", "A"),
)
# "actors" groups thousands of actor lanes under summary lanes (from GROUP_LANES_FROM lanes): by kind, or
# by community where every actor is of one kind (ICEWS's); "actors:kind" and "actors:community" always,
# "actors:none" never; "actors:attr:KEY" by the actors' value of attribute KEY (an entry per key the case
# has, after these). A choice is (lane mode, grouping).
LANE_CHOICES = (("Lanes: actors", "actors"), ("Lanes: actors by kind", "actors:kind"),
                ("Lanes: actors by community", "actors:community"), ("Lanes: every actor", "actors:none"),
                ("Lanes: event kind", "kinds"), ("One lane", "single"))
ATTRIBUTE_GROUPING = "attr:"  # lane_groups "attr:KEY": actor lanes grouped by their value of attribute KEY
MAX_ATTRIBUTE_CHOICES = 20  # the most carried attribute keys offered as lane groupings
SUMMARY_COLOUR = QColor(70, 95, 140)  # a summary lane's density
ORDER_CHOICES = (("Order: first seen", "first"), ("Order: name", "name"), ("Order: most events", "count"))


def _colour(colour: QColor, alpha: int) -> QColor:
    result = QColor(colour)
    result.setAlpha(alpha)
    return result


def _rgb(colour: QColor) -> RGB:
    return colour.red(), colour.green(), colour.blue()


def lane_backgrounds() -> list[RGB]:
    """Every colour a lane can have under an event's title: its band (plain, alternate, linked to
    the selection), each with and without the time window's tint."""
    bands = [_rgb(c) for c in (*BAND_COLOURS, RELATED_BAND)]
    return bands + [over(_rgb(WINDOW_COLOUR), WINDOW_ALPHA, band) for band in bands]


def style_paint(style: int, faded: bool) -> dict[str, Any]:
    """Colours of one drawing style: asserted solid, weak (possible, unverified) hollow and dashed,
    planned hollow and dashed in its own colour; faded copies for context.

    A title is drawn over its own bar or window: the fills are as strong as they can be (up to the
    style's own alpha) while the title's colour still reads on them at WCAG AA (core.contrast),
    and each title colour is darkened until it does on every lane background."""
    colour = FADED_COLOUR if faded else STYLE_COLOURS[style]
    hollow = style != SOLID
    backgrounds = lane_backgrounds()
    text = darken_until(_rgb(FADED_COLOUR.darker(120) if faded else LABEL_COLOURS[style]), backgrounds)
    bar_alpha = strongest_alpha(_rgb(colour), text, backgrounds, most=50 if hollow else 200)
    window_alpha = strongest_alpha(_rgb(colour), text, backgrounds, most=22 if hollow else 46)
    fills = backgrounds + [over(_rgb(colour), alpha, bg) for alpha in (bar_alpha, window_alpha) for bg in backgrounds]
    text = darken_until(text, fills)
    return {
        "hollow": hollow,
        "edge": colour.darker(125),
        "marker_fill": None if hollow else colour,
        "bar_brush": QBrush(_colour(colour, bar_alpha)),
        "window_brush": QBrush(_colour(colour, window_alpha)),
        "window_edge": _colour(colour, 170),
        "label": QColor(*text),
        "label_fills": fills,  # what a title may lie on: the contrast test reads them
    }


def _segment_path(shapes: Shapes) -> QPainterPath:
    """Line segments (x0, y0) - (x1, y1) as one path, built from arrays without a Python loop: a thick pen
    strokes where segments overlap once (draw_segments would blend a translucent pen there twice)."""
    xs = np.column_stack([shapes.x0, shapes.x1]).ravel()
    ys = np.column_stack([shapes.y0, shapes.y1]).ravel()
    connect = np.tile(np.array([1, 0], dtype=np.int32), len(shapes))
    return pg.arrayToQPath(xs, ys, connect=connect, finiteCheck=False)


def draw_segments(painter: QPainter, shapes: Shapes) -> None:
    """Line segments (x0, y0) - (x1, y1) in the painter's pen, in one call straight from an array of QLineF
    (four doubles each) laid out by numpy: a third of the cost of building and drawing a path of them."""
    if not len(shapes):
        return
    lines = np.empty((len(shapes), 4))
    lines[:, 0], lines[:, 1], lines[:, 2], lines[:, 3] = shapes.x0, shapes.y0, shapes.x1, shapes.y1
    # The wrapper only points into `lines` (it owns nothing), which lives until the call returns.
    painter.drawLines(shiboken6.wrapInstance(lines.ctypes.data, QLineF), len(lines))


def _points(x: np.ndarray, y: np.ndarray) -> Any:
    polygon = pg.functions.create_qpolygonf(len(x))
    view = pg.functions.ndarray_from_qpolygonf(polygon)
    view[:, 0] = x
    view[:, 1] = y
    return polygon


def density_outline(heights: np.ndarray, left: float, step: float, base: float, strip: QRectF | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The outline (x, y) of bars `step` wide standing side by side on `base` from `left`, each `heights[i]`
    tall (0: none), as one polygon: along the base, up and over each bar, back down at the right. With `strip`,
    only the bars that reach into it (a kept picture's strip: the rest would be filled only to be clipped)."""
    if strip is not None and len(heights):
        first = max(int(np.floor((strip.left() - left) / step)) - 1, 0)
        last = min(int(np.ceil((strip.right() - left) / step)) + 1, len(heights))
        heights, left = heights[first:max(last, first)], left + first * step
    bins = len(heights)
    edges = left + np.arange(bins + 1) * step
    x = np.empty(2 * bins + 2)
    y = np.empty(2 * bins + 2)
    x[0], y[0], x[-1], y[-1] = edges[0], base, edges[-1], base
    x[1:-1:2], x[2:-1:2] = edges[:-1], edges[1:]
    y[1:-1:2] = y[2:-1:2] = base - heights
    return x, y


def _square_pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.SquareCap)
    return pen


def _band_pen(brush: QBrush, width: float) -> QPen:
    pen = QPen(brush, width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def draw_rects(painter: QPainter, shapes: Shapes, fill: QBrush, edge: QColor, dashed: bool,
               overlapping: bool = False) -> None:
    """Rectangles of one row height, filled from an array plus thin (dashed) edges: a fill of thousands
    of rectangles as one path costs the raster engine 30 times more. Rectangles that may overlap (not
    merged as the frame merges bars) are filled as thick strokes of one path, so that a translucent fill
    is laid once where they overlap."""
    if not len(shapes):
        return
    right = np.maximum(shapes.x1, shapes.x0 + 1)
    if overlapping:
        height = float(shapes.y1[0] - shapes.y0[0])
        middle = (shapes.y0 + shapes.y1) / 2
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(_band_pen(fill, height))
        painter.drawPath(_segment_path(Shapes(shapes.x0, right, middle, middle)))
    else:
        # Filled straight from an array of QRectF (x, y, width, height): half the cost of as many thick lines.
        rects = np.empty((len(shapes), 4))
        rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3] = (shapes.x0, shapes.y0, right - shapes.x0,
                                                              shapes.y1 - shapes.y0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRects(shiboken6.wrapInstance(rects.ctypes.data, QRectF), len(rects))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = QPen(edge, 1.0)
    if dashed:
        # The pen dashes each edge from its start, as the painter draws it: a fast pattern in the rasteriser
        # (edges cut into dashes beforehand were four times the lines to draw).
        pen.setDashPattern(DASH_PATTERN)
    painter.setPen(pen)
    draw_segments(painter, outline_segments(shapes))


def draw_markers(painter: QPainter, shapes: Shapes, size: float, edge: QColor, fill: QColor | None) -> None:
    """Square markers as wide points: one call for thousands; hollow ones get a white inside. Markers whose
    insides touch are drawn as the one long marker they look like (core.timeline.frame.marker_runs)."""
    if not len(shapes):
        return
    inside = size - (2.5 if fill is None else 2.0)
    single, runs = marker_runs(shapes, inside)
    points = _points(single.x0, single.y0) if len(single) else None
    for colour, width in ((edge, size), (fill if fill is not None else QColor(255, 255, 255), inside)):
        if points is not None:
            painter.setPen(_square_pen(colour, width))
            painter.drawPoints(points)
        if len(runs):
            painter.setPen(_band_pen(QBrush(colour), width))
            draw_segments(painter, Shapes(runs.x0 - width / 2, runs.x1 + width / 2, runs.y0, runs.y1))


class _DevicePainting:
    """Paints in the view's logical pixels whatever the painter's target (screen, 2x PNG, SVG)."""

    def logical_viewport(self: Any, painter: QPainter) -> tuple[Viewport, QTransform] | None:
        view = self.getViewBox()
        widget = self.getViewWidget()
        if view is None or widget is None:
            return None
        logical = self.deviceTransform(widget.viewportTransform())
        inverse, invertible = logical.inverted()
        if not invertible or logical.m11() == 0 or logical.m22() == 0:
            return None
        (x_min, x_max), (y_min, y_max) = view.viewRange()
        viewport = Viewport(x_min, x_max, y_min, y_max, logical.m11(), logical.dx(), logical.m22(), logical.dy())
        # Relative to the painter's own world transform, not its device transform: a widget grab
        # adds its offset outside the world transform, and applying it twice shifts the drawing.
        return viewport, inverse * painter.worldTransform()


class LaneBackdrop(pg.GraphicsObject, _DevicePainting):
    """Alternating lane bands, separators, highlighted lanes and the shared time window."""

    def __init__(self, chart: TimelineChart) -> None:
        super().__init__()
        self.chart = chart
        self.setZValue(-10)
        self._bin_width = 0.0  # the summary lanes' last bin width, in seconds

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.chart.scene_bounds()

    def update(self, *args: Any) -> None:
        """Repaint, and never from a kept picture: what the backdrop shows changed."""
        self.chart.picture.changed()
        super().update(*args)

    def paint(self, painter: QPainter, *_: Any) -> None:
        self.chart.picture.covered = None  # this pass has not painted the picture (yet)
        found = self.logical_viewport(painter)
        if found is None or self.chart.layout is None:
            return
        viewport, transform = found
        # The lanes and the events as one picture kept between the frames of a move by hand (ui.timeline_picture);
        # where it is not kept (an export, a scaled painter), each layer draws itself.
        if self.chart.picture.paint(painter, viewport, transform, self.getViewBox().viewRange()):
            return
        painter.save()
        painter.setTransform(transform)
        self.draw(painter, viewport)
        painter.restore()

    def draw(self, painter: QPainter, viewport: Viewport, strips: list[QRectF] | None = None,
             coarse: bool = False) -> None:
        """The lanes, in the view's pixels (the painter's world transform); with `strips`, only what reaches into those
        (the caller clips the painter to them); `coarse`: a summary lane's density in the bins of the last drawing
        (a wheel turn out's sides: `_density`)."""
        layout = self.chart.layout
        if layout is None:
            return
        left, right = viewport.x_px(viewport.x_min), viewport.x_px(viewport.x_max)
        first = max(0, int(np.searchsorted(layout.top + layout.rows, viewport.y_min, side="right")))
        last = min(len(layout.top), int(np.searchsorted(layout.top, viewport.y_max, side="right")))
        highlighted = self.chart.highlighted_lanes
        fills: list[tuple[QRectF, QColor]] = []
        densities = []
        for lane in range(first, last):
            top = viewport.y_px(float(layout.top[lane]))
            bottom = viewport.y_px(float(layout.top[lane] + layout.rows[lane]))
            colour = RELATED_BAND if layout.keys[lane] in highlighted else BAND_COLOURS[lane % 2]
            fills.append((QRectF(left, top, right - left, bottom - top), colour))
            fills.append((QRectF(left, bottom - 0.5, right - left, 1.0), SEPARATOR_COLOUR))
            if layout.is_summary(lane):
                densities.append((len(fills), self._density(viewport, layout.summary[lane],
                                                            QRectF(left, top, right - left, bottom - top), coarse)))
        window = self.chart.window_span()
        shade = None
        if window is not None:
            low, high = (viewport.x_px(v) for v in window)
            low, high = max(low, left - 5), min(high, right + 5)
            if high > low:
                shade = QRectF(low, viewport.y_px(viewport.y_min), high - low,
                               viewport.y_px(viewport.y_max) - viewport.y_px(viewport.y_min))
        # Drawn once, whatever the strips: the painter is clipped to them (a summary lane's polygon holds only the bars
        # that reach into one of them).
        painter.setPen(Qt.PenStyle.NoPen)
        done = 0
        for upto, polygon in [*densities, (len(fills), None)]:
            for rect, colour in fills[done:upto]:
                painter.fillRect(rect, colour)
            done = upto
            if polygon is not None:
                painter.setBrush(SUMMARY_COLOUR)
                for strip in [None] if strips is None else strips:
                    x, y = density_outline(*polygon, strip)
                    np.clip(x, left, right, out=x)  # the grid's first and last bins reach past the view's sides
                    painter.drawPolygon(_points(x, y))
        if shade is not None:
            painter.fillRect(shade, _colour(WINDOW_COLOUR, WINDOW_ALPHA))

    def _density_counter(self, events: np.ndarray) -> DensityCounter:
        """A summary lane's events (those the filter shows) sorted for counting, kept while the lane's events,
        the filter and the data are the same arrays: a pan or zoom then costs its bins, not the members."""
        chart = self.chart
        kept = getattr(self, "_density_counters", None)
        if kept is None or kept[0] is not chart.mask or kept[1] is not chart.data:
            kept = self._density_counters = (chart.mask, chart.data, {})
        counters = kept[2]
        found = counters.get(id(events))
        if found is None or found[0] is not events:
            shown = events & chart.mask if len(chart.mask) == len(events) else events
            found = counters[id(events)] = (events, DensityCounter(chart.data, shown))
        return found[1]

    def _density(self, viewport: Viewport, events: np.ndarray, band: QRectF, coarse: bool = False) -> Any:
        """A summary lane: how many of its members' events go on in each few pixels, as bars from the
        lane's bottom (square root of the count, so a quiet week still shows beside a busy one): the bars'
        (heights, left, width, base) for density_outline, or None. `coarse`: in the bins of the last drawing, while
        they are at least a pixel wide (a wheel turn out then counts only the bins it brings into view)."""
        bins = max(int(band.width() / 3), 1)
        # Bins of one grid of the time line (k * width), not of the view: a pan brings in a few new bins and counts only
        # those (DensityCounter.grid_counts), and the bars stay where they are as the lane moves under them.
        width = (viewport.x_max - viewport.x_min) / bins
        if coarse and self._bin_width and self._bin_width * viewport.x_scale >= 1.0:
            width = self._bin_width
        elif self._bin_width and abs(width / self._bin_width - 1) < 1e-9:
            width = self._bin_width  # the same scale (a pan's range differs in its last bits)
        self._bin_width = width
        first = math.floor(viewport.x_min / width)
        counts = self._density_counter(events).grid_counts(width, first, max(math.ceil(viewport.x_max / width),
                                                                              first + 1))
        top = counts.max() if len(counts) else 0
        if top <= 0:
            return None
        room = band.height() - 5
        heights = np.where(counts > 0, np.maximum(np.sqrt(counts / top) * room, 1.0), 0.0)
        # Bars flush with each other, as the overview strip draws them: with a gap narrower than a pixel
        # between bins a few pixels wide, the gap showed on some stretches of a lane and not on others.
        # Flush bars are one silhouette: a single polygon, built from arrays (a path of hundreds of
        # rectangles took the raster engine 15 ms a lane to fill).
        return heights, viewport.x_px(first * width), width * viewport.x_scale, band.bottom() - 2


class EventLayer(pg.GraphicsObject, _DevicePainting):
    """Every event of the timeline, drawn from the core's frame geometry: a few paths per style."""

    def __init__(self, chart: TimelineChart) -> None:
        super().__init__()
        self.chart = chart
        self.last_frame: Frame | None = None
        self.font = QFont()
        self.font.setPointSizeF(max(7.5, self.font.pointSizeF() - 1))
        self.italic = QFont(self.font)
        self.italic.setItalic(True)
        self.metrics = QFontMetricsF(self.font)
        self.italic_metrics = QFontMetricsF(self.italic)
        self._label_widths: dict[int, float] = {}
        self._titles: dict[int, str] = {}  # the labelled events' titles
        self.detail = LevelsOfDetail()  # a dense view draws the representatives of its zoom level
        self._coarse_index: CoarseIndex | None = None  # a wheel turn out's sides (draw_coarse), per layout
        self._paints = {(s, f): style_paint(s, f) for s in range(N_STYLES) for f in (False, True)}

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.chart.scene_bounds()

    def reset_labels(self) -> None:
        self._label_widths.clear()
        self._titles.clear()

    def _title(self, event: int) -> str:
        title = self._titles.get(event)
        if title is None:
            title = self._titles[event] = self.chart.data.title_of(event)
        return title

    def _read_titles(self, events: np.ndarray) -> None:
        """Read the titles of the events a frame may label that are not known yet, in one query."""
        missing = [event for event in events.tolist() if event not in self._titles]
        if missing:
            self._titles.update(zip(missing, self.chart.data.titles_of(missing), strict=True))

    def _measure(self, event: int) -> float:
        width = self._label_widths.get(event)
        if width is None:
            data = self.chart.data
            metrics = self.italic_metrics if data.style[event] != SOLID else self.metrics
            width = metrics.horizontalAdvance(label_text(self._title(event)))
            self._label_widths[event] = width
        return width

    def update(self, *args: Any) -> None:
        """Repaint, and never from a kept picture: what the events show changed."""
        self.chart.picture.changed()
        super().update(*args)

    def paint(self, painter: QPainter, *_: Any) -> None:
        if self.chart.picture.covers(painter):
            return  # drawn into the lanes' picture (LaneBackdrop.paint)
        found = self.logical_viewport(painter)
        if found is None or self.chart.layout is None:
            return
        viewport, transform = found
        painter.save()
        painter.setTransform(transform)
        self.draw(painter, viewport)
        painter.restore()

    def draw(self, painter: QPainter, viewport: Viewport, strips: list[QRectF] | None = None) -> None:
        """Every event in view, in the view's pixels (the painter's world transform); with `strips` (in those pixels),
        only what reaches into them of the frame of the whole view (the caller clips the painter to them)."""
        chart = self.chart
        if chart.layout is None:
            return
        frame = frame_geometry(
            chart.layout, chart.data, viewport, faded=chart.faded, selected=chart.selected, marks=chart.rating_marks,
            measure=self._measure if chart.show_labels else None, about_to_measure=self._read_titles,
            detail=self.detail, only=None if strips is None else [
                (viewport.x_value(strip.left() - STRIP_SLACK_PX), viewport.x_value(strip.right() + STRIP_SLACK_PX))
                for strip in strips],
        )
        self.last_frame = frame
        if strips is None:
            self._draw_frame(painter, frame)
            # Built with the drawing of a new layout (a view at rest), not in the first frame of a wheel turn out (a
            # tenth of a second at a million events).
            self.coarse_index()
            return
        reaches = [(strip.left() - STRIP_SLACK_PX, strip.right() + STRIP_SLACK_PX) for strip in strips]
        if len(strips) == 1:  # (the painter is clipped to it)
            self._draw_frame(painter, frame_in_strips(frame, reaches))
            return
        # The frame worked out once, each strip drawn under a clip of its own: under one clip of both sides of a zoom
        # out, a line reaching into both (a long window's dashed edges) was stroked the whole way between them.
        for strip, reach in zip(strips, reaches, strict=True):
            painter.save()
            painter.setClipRect(strip, Qt.ClipOperation.IntersectClip)
            self._draw_frame(painter, frame_in_strips(frame, [reach]))
            painter.restore()

    def coarse_index(self) -> CoarseIndex:
        """The layout's CoarseIndex, built when the layout or data changed (a whole drawing builds it first)."""
        index = self._coarse_index
        layout, data = self.chart.layout, self.chart.data
        if index is None or index.layout is not layout or index.data is not data:
            index = self._coarse_index = CoarseIndex(layout, data)
        return index

    def draw_coarse(self, painter: QPainter, viewport: Viewport, strips: list[QRectF]) -> None:
        """Where the events lie in `strips` (in the view's pixels), row by row in cells a few pixels wide, as bars in
        their style's colour (core.timeline.frame.coarse_cells): what the frames of a wheel turn out show at the sides
        the turn uncovers, a pass over the rows' appearances instead of their drawing. The view is drawn exactly once
        the turn rests (KeptPicture)."""
        chart = self.chart
        if chart.layout is None:
            return
        cells = coarse_cells(self.coarse_index(), viewport, [(strip.left(), strip.right()) for strip in strips])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for style, shapes in cells.items():
            rects = np.empty((len(shapes), 4))
            rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3] = (shapes.x0, shapes.y0, shapes.x1 - shapes.x0,
                                                                  shapes.y1 - shapes.y0)
            painter.setBrush(self._paints[(style, False)]["edge"])
            painter.drawRects(shiboken6.wrapInstance(rects.ctypes.data, QRectF), len(rects))

    def _draw_frame(self, painter: QPainter, frame: Frame) -> None:
        chart = self.chart
        painter.save()
        # Crisp, unantialiased shapes: axis-aligned bars and square markers need no smoothing, and
        # antialiased filling of thousands of shapes costs ten times more. Text stays smooth.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if len(frame.connectors):
            painter.setPen(QPen(CONNECTOR_COLOUR, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            draw_segments(painter, frame.connectors)
        for code, shapes in frame.marked.items():  # behind the events: their rating against the chosen hypothesis
            colour = RATING_BOX_COLOURS[RATING_CODES[code]]
            draw_rects(painter, shapes, QBrush(_colour(colour, 150)), colour.darker(120), False, overlapping=True)
        # Faded context first, then the emphasised events over it.
        for faded in (True, False):
            for style in range(N_STYLES):
                paint = self._paints[(style, faded)]
                key = (style, faded)
                if key in frame.windows:
                    draw_rects(painter, frame.windows[key], paint["window_brush"], paint["window_edge"],
                               paint["hollow"])
                if key in frame.bars:
                    draw_rects(painter, frame.bars[key], paint["bar_brush"], paint["edge"], paint["hollow"])
                if key in frame.markers:
                    draw_markers(painter, frame.markers[key], MARKER_PX, paint["edge"], paint["marker_fill"])
        if len(frame.selected):
            painter.setPen(QPen(SELECTED_COLOUR, 2.4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            draw_segments(painter, outline_segments(frame.selected))
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if frame.labels:
            data = chart.data
            faded_mask = chart.faded
            for x, y, event, width in frame.labels:
                style = int(data.style[event])
                faded = bool(faded_mask is not None and faded_mask[event])
                italic = style != SOLID
                painter.setFont(self.italic if italic else self.font)
                painter.setPen(self._paints[(style, faded)]["label"])
                text = label_text(self._title(event))
                if width < self._measure(event) - 0.5:
                    metrics = self.italic_metrics if italic else self.metrics
                    text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
                # drawText with a str is plain text: no markup in a title is ever interpreted.
                painter.drawText(QPointF(x, y), text)
        painter.restore()


class _MeasuringPainter:
    """Stands in for the painter while pyqtgraph works out an axis's ticks (AxisItem.generateDrawSpecs): the only
    painter calls it makes are setFont and, once per label, boundingRect, a text layout per label on every frame of a
    pan or zoom. The answers are kept per (font, box, flags, text) in `kept`."""

    def __init__(self, painter: QPainter, kept: dict[tuple, QRectF]) -> None:
        self.painter = painter
        self.kept = kept
        self.font_key = painter.font().key()

    def setFont(self, font: QFont) -> None:  # noqa: N802 - the QPainter spelling pyqtgraph calls
        self.painter.setFont(font)
        self.font_key = font.key()

    def boundingRect(self, rect: QRectF, flags: Any, text: str) -> QRectF:  # noqa: N802 - as above
        key = (self.font_key, rect.x(), rect.y(), rect.width(), rect.height(), int(flags), text)
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = self.painter.boundingRect(rect, flags, text)
        return QRectF(found)  # (pyqtgraph changes the rectangle it is given)


# pyqtgraph's flags for a bottom axis's labels (centred under their tick, from the top of their box) and a left
# axis's (right-aligned before it, centred on it).
_BELOW_TICK = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip)
KEPT_LABELS = 5000  # axis labels kept laid out, at most
_LEFT_OF_TICK = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip)


_UNREAD = object()  # TimelineChart.whole_case not read yet


class _DirectAxis:
    """An axis drawn straight onto the painter from specs kept until pyqtgraph drops its picture (`picture` None: the
    range, size or style changed), its labels laid out once each (QStaticText) on the screen."""

    _specs: tuple | None = None
    _measured: dict[tuple, QRectF]
    _static: dict[tuple[str, str], QStaticText]

    def paint(self: Any, painter: QPainter, *_: Any) -> None:
        """pyqtgraph recorded its drawing into a QPicture and played that back (twice the work, every frame of a pan
        or zoom, where the range changes and the picture is dropped, and each label laid out again as it played)."""
        if self.picture is None or self._specs is None:
            if len(self._static) + len(self._measured) > KEPT_LABELS:
                self._static.clear()  # (kept for the labels of the moment, not every lane and date ever shown)
                self._measured.clear()
            painter.save()
            if self.style["tickFont"]:
                painter.setFont(self.style["tickFont"])
            self._specs = self.generateDrawSpecs(_MeasuringPainter(painter, self._measured))
            painter.restore()
            self.picture = self._specs  # pyqtgraph sets it None when the range, size or style changes
        if not self._specs:
            return
        axis, ticks, texts = self._specs
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        pen, start, end = axis
        painter.setPen(pen)
        painter.drawLine(start, end)
        for pen, start, end in ticks:
            painter.setPen(pen)
            painter.drawLine(start, end)
        if self.style["tickFont"] is not None:
            painter.setFont(self.style["tickFont"])
        painter.setPen(self.textPen())
        painter.setClipRect(self.boundingRect().toAlignedRect(), Qt.ClipOperation.IntersectClip)
        engine = painter.paintEngine()
        raster = engine is not None and engine.type() == QPaintEngine.Type.Raster  # (an SVG keeps its text as text)
        font = painter.font().key()
        for rect, flags, text in texts:
            if not raster or int(flags) not in (_BELOW_TICK, _LEFT_OF_TICK):
                painter.drawText(rect, int(flags), text)  # plain text: dates the core wrote, lane names
                continue
            # Laid out once per label (drawText lays each out again on every frame of a move): plain text too.
            static = self._static.get((font, text))
            if static is None:
                static = self._static[(font, text)] = QStaticText(text)
                static.setTextFormat(Qt.TextFormat.PlainText)
                static.prepare(QTransform(), painter.font())
            size = static.size()
            if int(flags) == _BELOW_TICK:
                at = QPointF(rect.center().x() - size.width() / 2, rect.top())
            else:
                at = QPointF(rect.right() - size.width(), rect.center().y() - size.height() / 2)
            painter.drawStaticText(at, static)
        painter.restore()


class TimeAxis(_DirectAxis, pg.AxisItem):
    """A date axis in the case's local time; the ticks come from the core (DST-correct)."""

    def __init__(self, chart: TimelineChart, orientation: str = "bottom") -> None:
        super().__init__(orientation)
        self.chart = chart
        self.setTextPen(pg.mkPen(60, 64, 72))
        # The core already spaces the ticks so their labels fit; let pyqtgraph show all of them.
        self.setStyle(textFillLimits=[(0, 0.95), (2, 0.95), (4, 0.95), (6, 0.95)])
        self._labels: dict[float, str] = {}
        self._widths: dict[str, float] = {}
        self._specs: tuple | None = None
        self._measured: dict[tuple, QRectF] = {}  # labels' boxes (_MeasuringPainter)
        self._static: dict[tuple[str, str], QStaticText] = {}  # labels laid out once, by (font, text)
        # No SI prefix on dates: pyqtgraph otherwise sets the (empty) axis label's HTML on every range change.
        self.enableAutoSIPrefix(False)

    def tick_label_width(self, text: str) -> float:
        """The width pyqtgraph gives `text` on this axis (its boundingRect in the tick font)."""
        width = self._widths.get(text)
        if width is None:
            font = self.style.get("tickFont") or QFont()
            box = QFontMetricsF(font).boundingRect(QRectF(0, 0, 100, 100), int(Qt.AlignmentFlag.AlignCenter), text)
            width = self._widths[text] = box.width()
        return width

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802,N803 - pyqtgraph API
        # Labels measured in the axis font: the step is the finest whose labels do not collide.
        major, minor = time_ticks(minVal, maxVal, self.chart.data.zone, size, measure=self.tick_label_width)
        self._labels = {value: label for value, label in major + minor}
        levels = []
        if major:
            levels.append((DAY, [v for v, _ in major]))
        levels.append((HOUR, [v for v, _ in minor]))
        return levels

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [self._labels.get(v, "") for v in values]

    def generateDrawSpecs(self, p: Any) -> tuple | None:  # noqa: N802 - pyqtgraph API
        """pyqtgraph's specs of a bottom axis (axis line, ticks, labels), worked out as it does but without its
        per-tick objects and calls (about a millisecond and a half of every frame of a pan or zoom); any other kind
        of axis (a grid, ticks stopping the axis, given ticks, alpha set) is left to pyqtgraph."""
        style = self.style
        if (self.orientation != "bottom" or self.grid is not False or any(style["stopAxisAtTick"])
                or self._tickLevels is not None or not style["showValues"] or style["tickAlpha"] is not None):
            return super().generateDrawSpecs(p)
        if style["tickFont"] is not None:
            p.setFont(style["tickFont"])
        bounds = self.mapRectFromParent(self.geometry())
        top = bounds.top()
        start, end = QPointF(bounds.left() - 1.0, top + 1.0), QPointF(bounds.right() + 1.0, top + 1.0)
        a, b = self.mapToDevice(start), self.mapToDevice(end)
        if a is None or b is None:
            return None
        length = math.hypot(b.x() - a.x(), b.y() - a.y())
        if length == 0:
            return None
        low, high = self.range
        levels = self.tickValues(low, high, length)
        scale = 1.0 if high == low else bounds.width() / (high - low)
        offset = 0.0 if high == low else low * scale
        x_min, x_max = sorted((low * scale - offset, high * scale - offset))
        positions: list[list[float | None]] = []
        ticks = []
        for level, (_spacing, values) in enumerate(levels):
            reach = style["tickLength"] / (level * 0.5 + 1.0)
            pen = self.tickPen()
            if pen.brush().style() == Qt.BrushStyle.SolidPattern:
                pen = QPen(pen)
                colour = QColor(pen.color())
                colour.setAlpha(int(255 / (level + 1)))
                pen.setColor(colour)
            xs = [x if x_min <= x <= x_max else None for x in (v * scale - offset for v in values)]
            positions.append(xs)
            ticks.extend((pen, QPointF(x, top), QPointF(x, top + reach)) for x in xs if x is not None)
        texts: list[tuple[QRectF, Any, str]] = []
        boxes: list[QRectF] = []  # every label measured so far, of every level (as pyqtgraph counts them)
        last_height = 0.0
        room = self.boundingRect()
        below = max(0, style["tickLength"]) + style["tickTextOffset"][1]
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip
        for level in range(min(len(levels), style["maxTextLevel"] + 1)):
            spacing, values = levels[level]
            strings = self.tickStrings(values, self.autoSIPrefixScale * self.scale, spacing)
            if not strings:
                continue
            placed = []
            for text, x in zip(strings, positions[level], strict=True):
                if x is None:
                    continue
                box = p.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text)
                box.setHeight(box.height() * 0.8)
                boxes.append(box)
                placed.append((text, x, box))
            height = max((box.height() for box in boxes), default=0.0)
            if level > 0:  # a finer level's labels only while they leave room (pyqtgraph's textFillLimits)
                filled = sum(box.width() for box in boxes) / length
                if any(len(texts) >= count and filled >= limit for count, limit in style["textFillLimits"]):
                    break
            last_height = height
            for text, x, box in placed:
                rect = QRectF(x - box.width() / 2.0, top + below, box.width(), box.height())
                if room & rect == rect:
                    texts.append((rect, flags, text))
        self._updateMaxTextSize(last_height)
        return (self.pen(), start, end), ticks, texts


class LaneAxis(_DirectAxis, pg.AxisItem):
    """Lane names at the left, outside the plot, so they stay in sight while the timeline pans."""

    def __init__(self, chart: TimelineChart) -> None:
        super().__init__("left")
        self.chart = chart
        self.setWidth(LANE_AXIS_PX)
        self.setStyle(tickLength=0, autoExpandTextSpace=False, hideOverlappingLabels=False)
        self.setTextPen(pg.mkPen(40, 44, 52))
        self._elided: dict[tuple[int, bool], str] = {}
        self._metrics = QFontMetricsF(QFont())
        self.width_px = LANE_AXIS_PX
        self._measured: dict[tuple, QRectF] = {}  # lane names' boxes (_MeasuringPainter)
        self._static: dict[tuple[str, str], QStaticText] = {}

    def set_font(self, font: QFont, width_px: int) -> None:
        self.setStyle(tickFont=font)
        self._metrics = QFontMetricsF(font)
        self.width_px = width_px
        self.setWidth(width_px)
        self.reset()

    def setRange(self, mn: float, mx: float) -> None:  # noqa: N802,N803 - pyqtgraph API
        """The rows in view: unchanged by a move in time, which then keeps the names' drawing (and its pixels)."""
        if getattr(self, "range", None) == [mn, mx]:  # (pyqtgraph sets it first in its __init__)
            return
        super().setRange(mn, mx)

    def reset(self) -> None:
        self._elided.clear()
        self.picture = None  # pyqtgraph caches the drawn axis; the lanes changed under it
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802,N803 - pyqtgraph API
        layout = self.chart.layout
        if layout is None or not len(layout.top):
            return []
        low, high = min(minVal, maxVal), max(minVal, maxVal)
        centres = layout.top + layout.rows / 2
        first = int(np.searchsorted(centres, low))
        last = int(np.searchsorted(centres, high, side="right"))
        return [(1.0, centres[first:last].tolist())]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        layout = self.chart.layout
        if layout is None:
            return ["" for _ in values]
        strings = []
        for value in values:
            lane = layout.lane_of_row(value)
            if lane < 0:
                strings.append("")
                continue
            marked = layout.keys[lane] in self.chart.highlighted_lanes
            text = self._elided.get((lane, marked))
            if text is None:
                # A marked lane's name is cut shorter by the marker's width: pyqtgraph leaves out
                # a tick label wider than the axis, so a long name once vanished when marked.
                label = f"{layout.labels[lane]} ({layout.counts[lane]})"
                prefix = "\u25B6 " if marked else ""
                room = self.width_px - 14 - self._metrics.horizontalAdvance(prefix)
                text = prefix + self._metrics.elidedText(label, Qt.TextElideMode.ElideMiddle, room)
                self._elided[(lane, marked)] = text
            strings.append(text)
        return strings


class EventViewBox(pg.ViewBox):
    """Wheel zooms time, drag pans, Shift+drag sets the shared time window, click selects."""

    def __init__(self, chart: TimelineChart) -> None:
        super().__init__(invertY=True, enableMenu=False)
        self.chart = chart
        self.brush_start: float | None = None
        self.brush = pg.LinearRegionItem(orientation="vertical", movable=False,
                                         brush=pg.mkBrush(255, 152, 0, 50), pen=pg.mkPen(255, 140, 0))
        self.brush.setZValue(20)
        self.brush.hide()
        self.addItem(self.brush, ignoreBounds=True)

    def wheelEvent(self, event: Any, axis: Any = None) -> None:  # noqa: N802 - Qt override
        delta = event.delta() if hasattr(event, "delta") else event.angleDelta().y()
        factor = 1.0015 ** (-delta)
        centre = self.mapToView(event.pos())
        self.chart.zoom_by_hand(factor, centre.x())
        event.accept()

    def mouseDragEvent(self, event: Any, axis: Any = None) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and (
                self.brush_start is not None or event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            event.accept()
            x = self.mapToView(event.pos()).x()
            if event.isStart() or self.brush_start is None:
                self.brush_start = self.mapToView(event.buttonDownPos()).x()
                self.brush.show()
            self.brush.setRegion((min(self.brush_start, x), max(self.brush_start, x)))
            if event.isFinish():
                low, high = sorted((self.brush_start, x))
                self.brush_start = None
                self.brush.hide()
                self.chart.set_time_window(low, high)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            # Pan in both directions, in screen pixels, within the lanes.
            event.accept()
            last, now = event.lastPos(), event.pos()
            delta = self.mapToView(last) - self.mapToView(now)
            self.chart.pan_by_hand(delta.x(), delta.y())
            return
        event.ignore()

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        point = self.mapToView(event.pos())
        if event.button() == Qt.MouseButton.LeftButton and event.double():
            event.accept()
            self.chart.double_click_at(point.x(), point.y())
            return
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self.chart.click_at(point.x(), point.y(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
        elif event.button() == Qt.MouseButton.RightButton:
            event.accept()
            self.chart.context_menu(event.screenPos().toPoint())


class EventPlot(pg.PlotWidget):
    """The main plot; keys: +/- zoom, arrows pan and scroll lanes, Home fits the case."""

    def __init__(self, chart: TimelineChart) -> None:
        self.chart = chart
        self.view_box = EventViewBox(chart)
        super().__init__(viewBox=self.view_box, axisItems={"bottom": TimeAxis(chart), "left": LaneAxis(chart)})
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackground("w")
        self.setMouseTracking(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        chart = self.chart
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            chart.zoom(1 / ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            chart.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Left:
            chart.pan_fraction(-PAN_STEP)
        elif key == Qt.Key.Key_Right:
            chart.pan_fraction(PAN_STEP)
        elif key == Qt.Key.Key_Up:
            chart.pan_by(0, -1)
        elif key == Qt.Key.Key_Down:
            chart.pan_by(0, 1)
        elif key == Qt.Key.Key_PageUp:
            chart.pan_by(0, -chart.visible_rows() + 1)
        elif key == Qt.Key.Key_PageDown:
            chart.pan_by(0, chart.visible_rows() - 1)
        elif key == Qt.Key.Key_Home:
            chart.fit()
        elif key == Qt.Key.Key_Escape:
            chart.selection.clear(origin=chart)
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class OverviewViewBox(pg.ViewBox):
    """Drag on the overview to set the shared time window; click to centre the timeline there."""

    def __init__(self, chart: TimelineChart) -> None:
        super().__init__(enableMenu=False)
        self.chart = chart
        self.setMouseEnabled(x=False, y=False)
        self.brush_start: float | None = None

    def wheelEvent(self, event: Any, axis: Any = None) -> None:  # noqa: N802 - Qt override
        event.ignore()

    def mouseDragEvent(self, event: Any, axis: Any = None) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        x = self.mapToView(event.pos()).x()
        if event.isStart() or self.brush_start is None:
            self.brush_start = self.mapToView(event.buttonDownPos()).x()
        low, high = sorted((self.brush_start, x))
        self.chart.window_region.setRegion((low, high))
        self.chart.window_region.show()
        if event.isFinish():
            self.brush_start = None
            self.chart.set_time_window(low, high)

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self.chart.centre_on(self.mapToView(event.pos()).x())


def legend_icon(kind: str, style: int = SOLID) -> QPixmap:
    """A small picture of one drawing convention, painted with the same pens as the timeline."""
    size = QSize(30, 16)
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    paint = style_paint(style, False)
    middle = size.height() / 2
    if kind == "marker":
        draw_markers(painter, Shapes(*(np.array([v]) for v in (size.width() / 2, size.width() / 2, middle,
                                                                       middle))),
                     MARKER_PX, paint["edge"], paint["marker_fill"])
    elif kind == "bar":
        draw_rects(painter, Shapes(np.array([3.0]), np.array([size.width() - 3.0]), np.array([middle - 4]),
                                        np.array([middle + 4])), paint["bar_brush"], paint["edge"], paint["hollow"])
    elif kind == "window":
        draw_rects(painter, Shapes(np.array([1.0]), np.array([size.width() - 1.0]), np.array([middle - 7]),
                                        np.array([middle + 7])), paint["window_brush"], paint["window_edge"],
                   paint["hollow"])
    elif kind == "selected":
        painter.setPen(QPen(SELECTED_COLOUR, 2.0))
        painter.drawRect(QRectF(4, 2, size.width() - 8, size.height() - 4))
    elif kind == "time window":
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), _colour(WINDOW_COLOUR, 60))
    elif kind == "linked":
        painter.fillRect(QRectF(0, 0, size.width(), size.height()), RELATED_BAND)
        painter.setPen(QPen(QColor(150, 150, 200), 1.0))
        painter.drawRect(QRectF(0.5, 0.5, size.width() - 1, size.height() - 1))
    painter.end()
    return pixmap


class Legend(QWidget):
    ENTRIES = (
        ("marker", SOLID, "instant", "an event known to the minute"),
        ("bar", SOLID, "range", "an event with a stated start and end"),
        ("window", SOLID, "uncertain time", "faded: when it happened is known only within this window "
                                                 "(to the hour, the day, or between earliest and latest)"),
        ("marker", WEAK, "possible / unverified", "hollow and dashed: the source hedges the claim"),
        ("marker", PLANNED, "planned", "hollow and dotted: announced, not (yet) happened"),
        ("selected", SOLID, "selected", "the selected events, outlined"),
        ("linked", SOLID, "linked lanes", "the lanes of the actors linked to the selection (marked \u25B6)"),
        ("time window", SOLID, "time window", "the shared time window the other views show"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_legend")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(4)
        self.texts: list[str] = []
        for kind, style, text, tip in self.ENTRIES:
            icon = QLabel(self)
            icon.setPixmap(legend_icon(kind, style))
            icon.setToolTip(tip)
            label = QLabel(text, self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setToolTip(tip)
            row.addWidget(icon)
            row.addWidget(label)
            row.addSpacing(8)
            self.texts.append(text)
        row.addStretch(1)


class KindItem:
    """One kind of the drop-down: checkable like the menu action it replaced, but no QObject, so a
    received case with 30,000 tags builds (and tears down) its list in one go."""

    def __init__(self, item: QListWidgetItem) -> None:
        self.item = item

    def isChecked(self) -> bool:  # noqa: N802 - the QAction spelling callers use
        return self.item.checkState() == Qt.CheckState.Checked

    def setChecked(self, checked: bool) -> None:  # noqa: N802
        self.item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class KindMenuButton(QToolButton):
    """A drop-down of checkable kinds; all checked means no restriction (None).

    The kinds are items of one list in the pop-up (with a filter field once there are many), not
    one menu action each: menus of thousands of actions take seconds to build and minutes to free.
    """

    changed = Signal()
    FILTER_FROM = 15  # kinds: from this many on, the pop-up offers a filter field

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        panel = QWidget(self.menu_)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)
        self.all_button = QPushButton("Show all", panel)
        self.all_button.clicked.connect(lambda: self._set_all(True))
        self.filter = QLineEdit(panel)
        self.filter.setPlaceholderText("Filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.list = QListWidget(panel)
        self.list.setUniformItemSizes(True)
        self.list.setMaximumHeight(320)
        self.list.itemChanged.connect(self._item_changed)
        for widget in (self.all_button, self.filter, self.list):
            layout.addWidget(widget)
        holder = QWidgetAction(self.menu_)
        holder.setDefaultWidget(panel)
        self.menu_.addAction(holder)
        self.actions_: dict[str, KindItem] = {}
        self._quiet = False
        self.set_kinds([], None)

    def set_kinds(self, kinds: list[str], chosen: frozenset[str] | None) -> None:
        self._quiet = True
        self.list.setUpdatesEnabled(False)
        try:
            self.list.clear()
            self.actions_ = {}
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
            for kind in sorted(set(kinds), key=str.casefold):
                item = QListWidgetItem(kind or "(none)")
                item.setFlags(flags)
                item.setCheckState(Qt.CheckState.Checked if chosen is None or kind in chosen
                                   else Qt.CheckState.Unchecked)
                self.list.addItem(item)
                self.actions_[kind] = KindItem(item)
        finally:
            self.list.setUpdatesEnabled(True)
            self._quiet = False
        self.filter.setVisible(len(self.actions_) >= self.FILTER_FROM)
        self.filter.clear()
        self._caption(chosen)

    def _filter(self, text: str) -> None:
        wanted = TextFilter(text, phrase=True)  # any script or spelling (core.names)
        for kind, entry in self.actions_.items():
            entry.item.setHidden(bool(wanted) and not wanted.passes(haystack(kind or "(none)")))

    def _item_changed(self, _item: QListWidgetItem) -> None:
        if not self._quiet:
            self._changed()

    def _check_all(self, checked: bool | None, chosen: frozenset[str] | None = None) -> None:
        """Tick every kind (checked), none, or those of `chosen`, without a signal per kind."""
        self._quiet = True
        try:
            for kind, entry in self.actions_.items():
                entry.setChecked(checked if checked is not None else (chosen is None or kind in chosen))
        finally:
            self._quiet = False

    def _set_all(self, checked: bool) -> None:
        self._check_all(checked)
        self._changed()

    def _changed(self) -> None:
        self._caption(self.chosen())
        self.changed.emit()

    def _caption(self, chosen: frozenset[str] | None) -> None:
        shown = "all" if chosen is None else f"{len(chosen)} of {len(self.actions_)}"
        self.setText(f"{self.title}: {shown}")

    def chosen(self) -> frozenset[str] | None:
        checked = frozenset(kind for kind, entry in self.actions_.items() if entry.isChecked())
        return None if len(checked) == len(self.actions_) else checked

    def set_chosen(self, chosen: frozenset[str] | None) -> None:
        self._check_all(None, chosen)
        self._caption(chosen)


class TagMenuButton(KindMenuButton):
    """Tags to filter by: none ticked means no tag filter; ticked tags show only items carrying one."""

    def set_kinds(self, kinds: list[str], chosen: frozenset[str] | None) -> None:
        super().set_kinds(kinds, chosen)
        self.set_chosen(chosen)
        self.setEnabled(bool(kinds))

    def _set_all(self, checked: bool) -> None:
        super()._set_all(False)  # "Show all" clears the tag filter

    def _caption(self, chosen: frozenset[str] | None) -> None:
        self.setText(f"{self.title}: any" if chosen is None else f"{self.title}: {', '.join(sorted(chosen))[:24]}")

    def chosen(self) -> frozenset[str] | None:
        checked = frozenset(kind for kind, entry in self.actions_.items() if entry.isChecked())
        return checked or None

    def set_chosen(self, chosen: frozenset[str] | None) -> None:
        self._check_all(False if chosen is None else None, chosen)
        self._caption(chosen)


class TimelineChart(QWidget):
    """The drawn timeline: toolbar, swimlane plot, overview strip with the time window, legend."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline_chart")
        self.selection = selection
        self.case: Case | None = None
        self.data = load_timeline(None)
        self.mask = np.zeros(0, dtype=bool)
        self.actor_mask: np.ndarray | None = None
        self.layout: LaneLayout | None = None
        self.faded: np.ndarray | None = None
        self._span_of: object = None  # the data whose span `_span` is
        self._span: tuple[float, float] | None = None
        self.selected: np.ndarray | None = None
        self.highlighted_lanes: set[str] = set()
        self.focus: tuple[frozenset[str], bool] | None = None  # a slide's story: (actors, fade the rest)
        self.story: np.ndarray | None = None  # events of the focus's actors
        self.show_labels = True
        self.row_px = ROW_PX
        self.lane_mode = "actors"
        self.lane_order = "first"
        self.lane_groups = "auto"  # auto, kind, community, attr:KEY or none: actor lanes grouped under summary lanes
        self.group_lanes_from = GROUP_LANES_FROM  # lanes; "auto" groups from this many (tests lower it)
        self.expanded_lanes: set[str] = set()  # the groups shown with their members' lanes
        self.community_lanes: list[str] | None = None  # a community's name per actor, found off the UI thread
        self.communities_key = ("timeline communities", id(self))
        self.attribute_lanes: tuple[str, list[str]] | None = None  # (key, each actor's value of it), when grouped so
        self._hovered = -1
        self._whole_case: tuple[str, str] | None | object = None
        self._fitted = False

        self._build_controls()
        self.plot = EventPlot(self)
        self.plot.setObjectName("timeline_plot")
        self.view = self.plot.view_box
        self.picture = KeptPicture(self, self._draw_plot, self._picture_state, self._plot_background,
                                   self._picture_settled, self._draw_plot_coarse)
        self.backdrop = LaneBackdrop(self)
        self.events = EventLayer(self)
        self.view.addItem(self.backdrop, ignoreBounds=True)
        self.view.addItem(self.events, ignoreBounds=True)
        self.view.disableAutoRange()
        self.plot.getPlotItem().hideButtons()
        self.plot.getPlotItem().layout.setContentsMargins(0, 4, 8, 0)
        self.plot.getAxis("bottom").setLabel(text="")
        # The hidden top and right axes follow the view too: with pyqtgraph's SI prefix on, each range change set their
        # (empty) label's HTML again, every frame of a move.
        for name in ("top", "right"):
            self.plot.getAxis(name).enableAutoSIPrefix(False)
        self.view.sigRangeChanged.connect(self._range_changed)
        self.view.sigResized.connect(self._resized)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)

        self.overview = pg.PlotWidget(viewBox=OverviewViewBox(self), axisItems={"bottom": TimeAxis(self)})
        self.overview.setObjectName("timeline_overview")
        self.overview.setBackground("w")
        self.overview.setFixedHeight(OVERVIEW_PX)
        self.overview.hideAxis("left")
        self.overview.getPlotItem().hideButtons()
        self.overview.getPlotItem().layout.setContentsMargins(LANE_AXIS_PX, 0, 8, 0)
        self.overview_view = self.overview.getPlotItem().getViewBox()
        self.overview_view.disableAutoRange()
        self.density = pg.PlotCurveItem([0.0, 1.0], [0.0], stepMode="center", fillLevel=0,
                                        brush=pg.mkBrush(31, 78, 156, 110), pen=pg.mkPen(31, 78, 156, 180))
        self.overview.addItem(self.density)
        # What the overview shows besides its box changes only with the data, the filter or the size: kept as pixels,
        # so a move of the timeline (its box follows) repaints the strip without drawing the curve and dates again.
        for item in (self.density, self.overview.getAxis("bottom")):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.window_region = pg.LinearRegionItem(orientation="vertical", brush=pg.mkBrush(255, 152, 0, 60),
                                                 pen=pg.mkPen(230, 120, 0, width=2), movable=True)
        self.window_region.setZValue(5)
        self.window_region.sigRegionChangeFinished.connect(self._window_region_moved)
        self.overview.addItem(self.window_region, ignoreBounds=True)
        self.visible_box = pg.LinearRegionItem(orientation="vertical", brush=pg.mkBrush(31, 78, 156, 25),
                                               pen=pg.mkPen(31, 78, 156, 200), movable=True)
        self.visible_box.setZValue(10)
        self.visible_box.sigRegionChanged.connect(self._visible_box_moved)
        self.overview.addItem(self.visible_box, ignoreBounds=True)
        self.overview.setToolTip("The whole case. Drag to set the shared time window (orange); "
                                 "drag the blue box to move the timeline; click to centre it there.")
        self._moving_box = False

        self.legend = Legend(self)
        self.status = QLabel(self)
        self.status.setObjectName("timeline_status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        column = QVBoxLayout(self)
        column.setContentsMargins(2, 2, 2, 2)
        column.setSpacing(2)
        column.addLayout(self.controls)
        column.addWidget(self.plot, 1)
        column.addWidget(self.overview)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend)
        bottom.addWidget(self.status, 1)
        column.addLayout(bottom)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(250)
        self._text_timer.timeout.connect(self._controls_changed)

        selection.selection_changed.connect(self._selection_changed)
        selection.time_window_changed.connect(self._time_window_changed)
        selection.filter_changed.connect(self._filter_changed)
        self._show_filter(selection.filter)
        self.set_case(None)

    # --- controls -------------------------------------------------------------------------

    def _combo(self, name: str, choices: tuple[tuple[str, str], ...], tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        for text, value in choices:
            combo.addItem(text, value)
        combo.setToolTip(tip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _build_controls(self) -> None:
        self.controls = QHBoxLayout()
        self.controls.setSpacing(4)
        self.lane_combo = self._combo("timeline_lanes", LANE_CHOICES,
                                      "One lane per actor (an event shows in each of its actors' lanes, joined by a "
                                      "thin line), per event kind, or a single lane. Thousands of actor lanes are "
                                      f"grouped by kind under summary lanes (from {GROUP_LANES_FROM} lanes, or always, "
                                      "or never), or by community, or by the value of an attribute the actors carry "
                                      "(country, unit...); click a summary lane to open or close it")
        self.order_combo = self._combo("timeline_order", ORDER_CHOICES, "How the lanes are sorted")
        self.confidence_combo = self._combo(
            "timeline_confidence", CONFIDENCE_CHOICES,
            "The weakest confidence still shown (" + ", ".join(CONFIDENCE_LEVELS) + ", strongest first)")
        self.reliability_combo = self._combo(
            "timeline_reliability", RELIABILITY_CHOICES,
            "Show only events supported by at least one source of this Admiralty grade or better "
            "(uncited events are hidden unless any source is allowed)")
        self.actor_kinds = KindMenuButton("Actors", self)
        self.actor_kinds.setObjectName("timeline_actor_kinds")
        self.actor_kinds.setToolTip("Which kinds of actor to show")
        self.event_kinds = KindMenuButton("Events", self)
        self.event_kinds.setObjectName("timeline_event_kinds")
        self.event_kinds.setToolTip("Which kinds of event to show")
        self.tag_filter = TagMenuButton("Tags", self)
        self.tag_filter.setObjectName("timeline_tags")
        self.tag_filter.setToolTip("Show only events carrying one of the ticked tags, or done by an actor carrying one")
        self.rating_combo = QComboBox(self)
        self.rating_combo.setObjectName("timeline_colour_by_hypothesis")
        self.rating_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rating_combo.setMinimumContentsLength(9)
        self.rating_combo.setToolTip("Colour events by their rating against a hypothesis of the Analysis dock: "
                                     "green consistent, red inconsistent, grey neutral or not applicable")
        self.rating_combo.addItem("No ratings", None)
        self.rating_combo.currentIndexChanged.connect(lambda _i: self._load_ratings())
        self.rating_marks: np.ndarray | None = None
        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("timeline_text_filter")
        self.text_filter.setPlaceholderText("Filter timeline\u2026")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setToolTip("Words that must all appear in the event's title, kind or actors' names and "
                                    "aliases, in any script or spelling (Лукашенко finds Lukashenko)")
        self.fit_button = QPushButton("Fit", self)
        self.fit_button.setToolTip("Show the whole case (Home)")
        self.fit_button.clicked.connect(self.fit)
        self.clear_window_button = QPushButton("Whole case", self)
        self.clear_window_button.setObjectName("timeline_clear_window")
        self.clear_window_button.setToolTip("Set the shared time window back to the whole case")
        self.clear_window_button.clicked.connect(self.clear_time_window)
        for widget in (self.lane_combo, self.order_combo, self.confidence_combo, self.reliability_combo,
                       self.actor_kinds, self.event_kinds, self.tag_filter, self.rating_combo):
            self.controls.addWidget(widget)
        self.controls.addWidget(self.text_filter, 1)
        self.controls.addWidget(self.fit_button)
        self.controls.addWidget(self.clear_window_button)
        self.lane_combo.currentIndexChanged.connect(self._lanes_changed)
        self.order_combo.currentIndexChanged.connect(self._lanes_changed)
        for combo in (self.confidence_combo, self.reliability_combo):
            combo.currentIndexChanged.connect(self._controls_changed)
        self.actor_kinds.changed.connect(self._controls_changed)
        self.event_kinds.changed.connect(self._controls_changed)
        self.tag_filter.changed.connect(self._controls_changed)
        self.text_filter.textChanged.connect(lambda _text: self._text_timer.start())

    def current_filter(self) -> CaseFilter:
        return CaseFilter(
            actor_kinds=self.actor_kinds.chosen(),
            event_kinds=self.event_kinds.chosen(),
            confidence_floor=self.confidence_combo.currentData(),
            reliability_floor=self.reliability_combo.currentData(),
            text=self.text_filter.text().strip(),
            tags=self.tag_filter.chosen(),
        )

    def _controls_changed(self, *_: Any) -> None:
        self._text_timer.stop()
        case_filter = self.current_filter()
        self.selection.set_filter(case_filter, origin=self)
        self._apply_filter(case_filter)

    def _filter_changed(self, case_filter: CaseFilter, origin: object) -> None:
        if origin is self:
            return
        self._show_filter(case_filter)
        self._apply_filter(case_filter)

    def _show_filter(self, case_filter: CaseFilter) -> None:
        """Set the controls to a filter made elsewhere, without each control announcing a change."""
        for combo, value in ((self.confidence_combo, case_filter.confidence_floor),
                             (self.reliability_combo, case_filter.reliability_floor)):
            combo.blockSignals(True)
            index = combo.findData(value)
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.blockSignals(False)
        self.actor_kinds.set_chosen(case_filter.actor_kinds)
        self.event_kinds.set_chosen(case_filter.event_kinds)
        self.tag_filter.set_chosen(case_filter.tags)
        if self.text_filter.text().strip() != case_filter.text:
            self.text_filter.blockSignals(True)
            self.text_filter.setText(case_filter.text)
            self.text_filter.blockSignals(False)

    def _lanes_changed(self, *_: Any) -> None:
        mode, _sep, groups = str(self.lane_combo.currentData()).partition(":")
        self.lane_mode = mode
        self.lane_groups = groups or "auto"
        self.lane_order = self.order_combo.currentData()
        self.order_combo.setEnabled(self.lane_mode != "single")
        self._relayout(keep_top=False)

    # --- the case -------------------------------------------------------------------------

    def set_case(self, case: Case | None, keep_view: bool = False) -> None:
        previous = self.view.viewRange() if keep_view and self.layout is not None else None
        self.case = case
        self.data = load_timeline(case)
        self.community_lanes = None  # of the actors before
        self.attribute_lanes = None
        runner().cancel(self.communities_key)
        self._list_attribute_lanes()
        self.events.reset_labels()
        self._whole_case = _UNREAD  # the case's span, read when first needed (a scan of every event: not before paint)
        self.actor_kinds.set_kinds(self.data.actor_kinds, self.selection.filter.actor_kinds)
        self.event_kinds.set_kinds(self.data.kinds, self.selection.filter.event_kinds)
        self.tag_filter.set_kinds(list(all_tags(self.case)) if self.case is not None else [],
                                  self.selection.filter.tags)
        self._apply_filter(self.selection.filter, relayout=False)
        self._list_hypotheses()
        self._relayout(keep_top=keep_view)
        self._show_selection(self.selection.selection)
        if previous is not None:
            self.view.setXRange(*previous[0], padding=0)
        else:
            self.fit()
        self._update_overview()
        self._show_time_window(self.selection.time_window)

    # What `load_timeline` reads: a change to these re-reads the events and lays them out again.
    LOADED_FROM = frozenset({"events", "event_actors", "actors"})

    def case_changed(self, changes: Changes) -> None:
        """Catch up with one committed change, re-reading no more than it touched.

        Citations, sources and tags only feed the filter (an event's best source grade, its
        tags) and the emphasis of related events, so a change to them re-filters at most; the
        events are re-read only when they, their actors or the case's time zone changed.
        """
        if self.case is None:
            return
        if (changes.touches(self.LOADED_FROM) or "timezone" in changes.ids("meta")
                or "meta" in changes.bulk):
            self.set_case(self.case, keep_view=True)
            return
        if changes.touches({"questions", "hypotheses", "evidence_rows", "ratings", "citations"}):
            self._list_hypotheses()
            self.events.update()
        if changes.touches({"actor_attributes"}):
            self.attribute_lanes = None
            gone = self._list_attribute_lanes()
            if gone or self.lane_groups.startswith(ATTRIBUTE_GROUPING):
                self._relayout(keep_top=True)
        case_filter = self.selection.filter
        refilter = False
        if changes.touches({"citations", "sources"}):
            self.data.forget_grades()
            refilter = case_filter.reliability_floor in GRADES[:-1]
        if changes.touches({"tags"}):
            self.tag_filter.set_kinds(list(all_tags(self.case)), case_filter.tags)
            refilter = refilter or case_filter.tags is not None
        if refilter:
            self._apply_filter(case_filter)
        self._show_selection(self.selection.selection)

    def _list_attribute_lanes(self) -> bool:
        """Offer a lane grouping per attribute key the case's actors carry (the most carried first),
        keeping the chosen one while its key is still there; True when it went (the lanes are then
        those of the first choice, to be laid out again by the caller)."""
        combo = self.lane_combo
        chosen = combo.currentData()
        keys = attribute_keys(self.case)[:MAX_ATTRIBUTE_CHOICES] if self.case is not None and not self.case.closed \
            else []
        wanted = [(f"Lanes: actors by {key}", f"actors:{ATTRIBUTE_GROUPING}{key}") for key, _n in keys]
        present = [(combo.itemText(i), combo.itemData(i)) for i in range(len(LANE_CHOICES), combo.count())]
        if present == wanted:
            return False
        combo.blockSignals(True)
        while combo.count() > len(LANE_CHOICES):
            combo.removeItem(combo.count() - 1)
        for (text, value), (key, carried) in zip(wanted, keys, strict=True):
            combo.addItem(text, value)
            combo.setItemData(combo.count() - 1, f"Actor lanes grouped by their '{key}' ({carried:,} actors carry it)",
                              Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(chosen)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if index < 0:
            self.lane_mode, _sep, groups = str(combo.currentData()).partition(":")
            self.lane_groups = groups or "auto"
        return index < 0

    def _list_hypotheses(self) -> None:
        """The hypotheses the events can be coloured by (every question's), keeping the chosen one."""
        chosen = self.rating_combo.currentData()
        self.rating_combo.blockSignals(True)
        self.rating_combo.clear()
        self.rating_combo.addItem("No ratings", None)
        if self.case is not None and not self.case.closed:
            for question in ach.questions(self.case):
                for number, hypothesis in enumerate(ach.hypotheses_of(self.case, question["id"]), start=1):
                    self.rating_combo.addItem(f"Rating vs H{number}: {hypothesis['title']}", hypothesis["id"])
                    self.rating_combo.setItemData(self.rating_combo.count() - 1,
                                                  f"{question['text']}\nH{number}: {hypothesis['title']}",
                                                  Qt.ItemDataRole.ToolTipRole)
        index = self.rating_combo.findData(chosen) if chosen else 0
        self.rating_combo.setCurrentIndex(max(index, 0))
        self.rating_combo.blockSignals(False)
        self._load_ratings(repaint=False)

    def colour_by_hypothesis(self, hypothesis_id: str | None) -> None:
        """Colour the events by their rating against `hypothesis_id` (None: no colours)."""
        index = self.rating_combo.findData(hypothesis_id) if hypothesis_id else 0
        self.rating_combo.setCurrentIndex(max(index, 0))

    def _load_ratings(self, repaint: bool = True) -> None:
        hypothesis_id = self.rating_combo.currentData()
        self.rating_marks = None
        if hypothesis_id and self.case is not None and len(self.data):
            marks = np.full(len(self.data), -1, dtype=np.int8)
            by_rating: dict[str, list[str]] = {}
            for event_id, rating in ach.ratings_for_events(self.case, hypothesis_id).items():
                by_rating.setdefault(rating, []).append(event_id)
            for rating, event_ids in by_rating.items():
                if rating in RATING_CODES:
                    marks[self.data.indices_of(event_ids)] = RATING_CODES.index(rating)
            self.rating_marks = marks
        if repaint:
            self.events.update()

    def _apply_filter(self, case_filter: CaseFilter, relayout: bool = True) -> None:
        tagged = events_passing(self.case, case_filter.tags) if case_filter.tags and self.case else None
        self.mask = event_mask(self.data, case_filter, tagged)
        self.actor_mask = allowed_actors(self.data, case_filter)
        self.story = None
        if self.focus is not None:
            # A slide's focus: the lanes of its actors and their events alone, or every lane with the rest faded.
            actors, fade = self.focus
            in_story = np.array([a in actors for a in self.data.actor_ids], dtype=bool)
            self.story = np.zeros(len(self.data), dtype=bool)
            if len(self.data.pair_event) and len(in_story):
                self.story[self.data.pair_event[in_story[self.data.pair_actor]]] = True
            if not fade:
                self.actor_mask = self.actor_mask & in_story
                self.mask = self.mask & self.story
        if relayout:
            self._relayout(keep_top=True)
            self._update_overview()

    def set_text_size(self, pixels: int) -> None:
        """Draw every text of the chart (event labels, lane names, dates) `pixels` tall, rows and the lane
        column grown to match (slides, read from across a room, ask for it; the desktop keeps its fonts)."""
        font = QFont()
        font.setPixelSize(pixels)
        layer = self.events
        layer.font = QFont(font)
        layer.italic = QFont(font)
        layer.italic.setItalic(True)
        layer.metrics, layer.italic_metrics = QFontMetricsF(layer.font), QFontMetricsF(layer.italic)
        layer.reset_labels()
        self.row_px = max(ROW_PX, layer.metrics.height() * 1.35)
        lanes = max(LANE_AXIS_PX, int(pixels * 16))
        self.plot.getAxis("left").set_font(font, lanes)
        for axis in (self.plot.getAxis("bottom"), self.overview.getAxis("bottom")):
            axis.setStyle(tickFont=font)
            axis.setHeight(int(QFontMetricsF(font).height() * 1.6) + 6)
            axis.picture = None
        self.overview.setFixedHeight(max(OVERVIEW_PX, int(QFontMetricsF(font).height() * 3.2)))
        self.overview.getPlotItem().layout.setContentsMargins(lanes, 0, 8, 0)
        self._set_rows(self.view.viewRange()[1][0])
        self.events.update()

    def set_focus(self, actors: frozenset[str] | None, fade: bool = False) -> None:
        """Show a slide's story: only the lanes of `actors` and their events, or (with `fade`) every lane
        with the other events faded; None shows everything again."""
        focus = (frozenset(actors), fade) if actors else None
        if focus == self.focus:
            return
        self.focus = focus
        self._apply_filter(self.selection.filter)
        self._show_selection(self.selection.selection)

    def _relayout(self, keep_top: bool = True) -> None:
        top = self.view.viewRange()[1][0] if keep_top and self.layout is not None else 0.0
        group_by = self.lane_groups
        if group_by == "auto":  # kinds say little when every actor is of one kind: communities then
            group_by = "kind" if len(set(self.data.actor_kinds)) > 1 else "community"
            if group_by == "community" and len(self.data.actor_ids) < self.group_lanes_from:
                group_by = "none"  # too few lanes to group: no need to find communities
        if group_by == "community" and self.community_lanes is None:
            self._find_communities()
            group_by = "kind"  # meanwhile
        group_names = self.community_lanes
        if group_by.startswith(ATTRIBUTE_GROUPING):
            key = group_by[len(ATTRIBUTE_GROUPING):]
            if self.attribute_lanes is None or self.attribute_lanes[0] != key:
                found = attribute_groups(self.case, key, self.data.actor_ids) if self.case is not None else []
                self.attribute_lanes = (key, found)
            group_by, group_names = "attribute", self.attribute_lanes[1]
        self.layout = layout_lanes(self.data, self.mask, self.lane_mode, self.lane_order, self.actor_mask,
                                   group_by=group_by,
                                   group_from=self.group_lanes_from if self.lane_groups == "auto" else 0,
                                   expanded=frozenset(self.expanded_lanes), group_names=group_names)
        self.plot.getAxis("left").reset()
        self._set_rows(top)
        self._show_status()
        self.events.prepareGeometryChange()
        self.backdrop.prepareGeometryChange()
        self.events.update()
        self.backdrop.update()

    def _draw_plot(self, painter: QPainter, viewport: Viewport, strips: list[QRectF] | None) -> None:
        """The lanes and the events, in the view's pixels: what the kept picture holds (or the `strips` of it)."""
        for layer in (self.backdrop, self.events):
            painter.save()
            layer.draw(painter, viewport, strips)
            painter.restore()

    def _draw_plot_coarse(self, painter: QPainter, viewport: Viewport, strips: list[QRectF]) -> None:
        """The lanes and where the events lie in `strips` (EventLayer.draw_coarse): a wheel turn out's sides."""
        painter.save()
        self.backdrop.draw(painter, viewport, strips, coarse=True)
        painter.restore()
        painter.save()
        self.events.draw_coarse(painter, viewport, strips)
        painter.restore()

    def _picture_state(self) -> tuple:
        """Everything the lanes and events are drawn from besides the view's place: the kept picture is drawn whole
        when any of it is another object (or another value)."""
        return (self.layout, self.data, self.mask, self.faded, self.selected, self.rating_marks, self.story,
                self.show_labels, frozenset(self.highlighted_lanes), self.window_span(), self.events.font.toString(),
                self.row_px)

    def _plot_background(self) -> QColor | None:
        """The plot's background colour, under the kept picture; None (no picture) unless plain and opaque."""
        brush = self.plot.backgroundBrush()
        if brush.style() != Qt.BrushStyle.SolidPattern or brush.color().alpha() != 255:
            return None
        return brush.color()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.picture.settle()  # no timer left behind a closed window; shown again, it is drawn whole
        super().hideEvent(event)

    def _picture_settled(self) -> None:
        self.backdrop.update()
        self.events.update()

    def scene_bounds(self) -> QRectF:
        # Asked several times a frame: the span of a million events is worked out once per data.
        if self._span_of is not self.data:
            self._span_of, self._span = self.data, self.data.span()
        span = self._span or (0.0, 1.0)
        width = max(span[1] - span[0], DAY)
        rows = max(self.layout.total_rows if self.layout is not None else 1, 1)
        return QRectF(span[0] - 50 * width, -1, 101 * width, rows + 2)

    # --- view range -----------------------------------------------------------------------

    def visible_rows(self) -> float:
        return max(self.view.height() / self.row_px, 1.0)

    def _set_rows(self, top: float) -> None:
        rows = self.visible_rows()
        total = float(self.layout.total_rows if self.layout is not None else 0)
        top = min(max(top, 0.0), max(total - rows, 0.0))
        self.view.setLimits(yMin=None, yMax=None, minYRange=None, maxYRange=None)
        self.view.setYRange(top, top + rows, padding=0)

    def _resized(self, *_: Any) -> None:
        self._set_rows(self.view.viewRange()[1][0])
        if self._fitted:
            self.fit()  # still showing the whole case: keep showing it (label room is in pixels)

    def fit(self) -> None:
        low, high = fit_range(self.data, self.mask if len(self.mask) else None,
                                   width_px=self.view.width(), label_room_px=LABEL_ROOM_PX)
        self.view.setXRange(low, high, padding=0)
        self._fitted = True

    def show_span(self, low: float, high: float) -> None:
        """Show [low, high] in time; the chart no longer follows the whole case when resized."""
        self._fitted = False
        self.view.setXRange(low, high, padding=0)

    def zoom(self, factor: float, centre: float | None = None) -> None:
        (low, high), _ = self.view.viewRange()
        centre = (low + high) / 2 if centre is None else centre
        width = (high - low) * factor
        if width < 60 or width > 200 * 365.25 * DAY:
            return
        self.show_span(centre - (centre - low) * factor, centre + (high - centre) * factor)

    def zoom_by_hand(self, factor: float, centre: float | None = None) -> None:
        """A wheel turn: as `zoom`, the frames of the turn drawn from the kept picture (ui.timeline_picture)."""
        self.zoom(factor, centre)
        self.picture.moved_by_hand(self.view.viewRange())

    def pan_by_hand(self, dx: float, dy: float) -> None:
        """A drag: as `pan_by`, the frames of the drag drawn from the kept picture (ui.timeline_picture)."""
        self.pan_by(dx, dy)
        self.picture.moved_by_hand(self.view.viewRange())

    def pan_fraction(self, fraction: float) -> None:
        (low, high), _ = self.view.viewRange()
        self.pan_by((high - low) * fraction, 0)

    def pan_by(self, dx: float, dy: float) -> None:
        (low, high), (top, _bottom) = self.view.viewRange()
        if dx:
            self.show_span(low + dx, high + dx)
        if dy:
            self._set_rows(top + dy)

    def centre_on(self, x: float) -> None:
        (low, high), _ = self.view.viewRange()
        half = (high - low) / 2
        self.show_span(x - half, x + half)

    def _range_changed(self, *_: Any) -> None:
        if not self._moving_box:
            (low, high), _ = self.view.viewRange()
            self.visible_box.blockSignals(True)
            self.visible_box.setRegion((low, high))
            self.visible_box.blockSignals(False)

    def _visible_box_moved(self) -> None:
        low, high = self.visible_box.getRegion()
        if high - low < 60:
            return
        self._moving_box = True
        try:
            self.show_span(low, high)
        finally:
            self._moving_box = False

    def _update_overview(self) -> None:
        span = self.data.span()
        if span is None:
            low, high = fit_range(self.data)
            self.density.setData([low, high], [0], stepMode="center")
        else:
            low, high = fit_range(self.data, margin=0.02, whole=True)
            edges, counts = density(self.data, self.mask, low, high, 240)
            self.density.setData(edges, counts, stepMode="center")
            top = float(counts.max()) if len(counts) and counts.max() > 0 else 1.0
            self.overview_view.setYRange(0, top * 1.1, padding=0)
        self.overview_view.setXRange(low, high, padding=0)

    # --- time window ----------------------------------------------------------------------

    def whole_case(self) -> tuple[str, str] | None:
        """The case's first start and last end as of its opening (Case.date_range), or None."""
        if self._whole_case is _UNREAD:
            self._whole_case = self.case.date_range() if self.case is not None and not self.case.closed else None
        return self._whole_case

    def window_span(self) -> tuple[float, float] | None:
        """The shared time window in epoch seconds, or None when it is the whole case (or unset)."""
        window = self.selection.time_window
        if window.start is None and window.end is None:
            return None
        if (window.start, window.end) == self.whole_case():
            return None
        low = utc_seconds(window.start) if window.start else -1e12
        high = utc_seconds(window.end) if window.end else 1e12
        return low, high

    def set_time_window(self, low: float, high: float) -> None:
        if high - low < 60:
            return
        start, end = utc_text(low), utc_text(high)
        self.selection.set_time_window(start, end, origin=self)
        self._show_time_window(self.selection.time_window)

    def clear_time_window(self) -> None:
        start, end = self.whole_case() or (None, None)
        self.selection.set_time_window(start, end, origin=self)
        self._show_time_window(self.selection.time_window)

    def _window_region_moved(self) -> None:
        low, high = self.window_region.getRegion()
        current = self.window_span()
        if current is not None and abs(current[0] - low) < 1 and abs(current[1] - high) < 1:
            return
        self.set_time_window(low, high)

    def _time_window_changed(self, window: TimeWindow, origin: object) -> None:
        if origin is not self:
            self._show_time_window(window)

    def _show_time_window(self, window: TimeWindow) -> None:
        span = self.window_span()
        self.window_region.blockSignals(True)
        if span is None:
            # The whole case is no window at all: nothing to shade, the overview stays readable.
            self.window_region.hide()
        else:
            (low, high), _ = self.overview_view.viewRange()
            self.window_region.setRegion((max(span[0], low), min(span[1], high)))
            self.window_region.show()
        self.window_region.blockSignals(False)
        self.clear_window_button.setEnabled(span is not None)
        self.backdrop.update()
        self._show_status()

    # --- selection ------------------------------------------------------------------------

    def _find_communities(self) -> None:
        """Work out each actor's community off the UI thread; the lanes are grouped by them when known."""
        case, data = self.case, self.data
        if case is None or case.closed or self.lane_mode != "actors" or not len(data.actor_ids):
            return
        actor_ids = list(data.actor_ids)

        def found(names: list[str]) -> None:
            if self.data is data:
                self.community_lanes = names
                self._relayout(keep_top=True)

        runner().run(self.communities_key, lambda reader, progress: community_names(reader, actor_ids, progress),
                     reader_of=case, done=found, context=self, failure="Cannot group the lanes by community")

    def toggle_group(self, key: str) -> None:
        """Open a summary lane (its members' lanes follow it) or close it again; kept in saved views."""
        name = key.removeprefix(GROUP_KEY)
        if name in self.expanded_lanes:
            self.expanded_lanes.discard(name)
        else:
            self.expanded_lanes.add(name)
        self._relayout(keep_top=True)

    def summary_lane_at(self, y: float) -> str | None:
        """The key of the summary lane at row `y`, if one is there."""
        layout = self.layout
        lane = layout.lane_of_row(y) if layout is not None else -1
        return layout.keys[lane] if lane >= 0 and layout is not None and layout.is_summary(lane) else None

    def click_at(self, x: float, y: float, add: bool = False) -> None:
        self.plot.setFocus()
        group = self.summary_lane_at(y)
        if group is not None:
            self.toggle_group(group)
            return
        index = self.event_at(x, y)
        if index < 0:
            if not add:
                self.selection.clear(origin=self)
                self._show_selection(self.selection.selection)
            return
        event_id = self.data.id_of(index)
        if event_id is None:
            return
        ids = [event_id]
        current = self.selection.selection
        if add and current.table == "events":
            ids = [i for i in current.ids if i != event_id] if event_id in current.ids else [*current.ids, event_id]
        self.selection.select("events", ids, origin=self)
        self._show_selection(self.selection.selection)

    def double_click_at(self, x: float, y: float) -> str | None:
        """Double-click on empty space adds an event at that time in that lane (one undo step)."""
        case = self.case
        if case is None or case.read_only or self.event_at(x, y) >= 0 or self.summary_lane_at(y) is not None:
            return None  # a summary lane is no actor's: nothing to add an event to
        values, actors = proposed_event(self.layout, x, y)
        values = {**values, "id": new_id()}
        links = [("event_actors", {"event_id": values["id"], "actor_id": actor, "role": ""}) for actor in actors]
        # No origin on purpose: the window sends this change back to the timeline, which re-reads the
        # events once (and only once) to show the new one. The chart's arrays come from one ordered
        # scan of the case (load_timeline), and a new event can bring a new kind, lane or sub-row
        # packing; appending it here would be a second loader to keep in step with that one, and the
        # event list beside the chart has to re-read the events for its new row anyway.
        command = insert_record(case, "events", values, text="Add event on the timeline", links=links)
        if not push(self.selection.undo_stack, command):
            return None
        self.selection.select("events", [command.record_id])
        return command.record_id

    def event_at(self, x: float, y: float) -> int:
        if self.layout is None:
            return -1
        (low, high), _ = self.view.viewRange()
        scale = self.view.width() / max(high - low, 1e-9)
        return hit_test(self.layout, self.data, x, y, scale)

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        if origin is self and selection:
            return  # our own click: already shown (but a clearing, Esc, also takes our marks away)
        self._show_selection(selection)
        self._reveal(selection)

    def _show_selection(self, selection: Selection) -> None:
        n = len(self.data)
        self.selected = None
        self.faded = None
        self.highlighted_lanes = set()
        if self.case is not None and selection and n:
            ties = related(self.case, selection.table, selection.ids)
            if selection.table == "events":
                self.selected = np.zeros(n, dtype=bool)
                self.selected[self.data.indices_of(selection.ids)] = True
                self.highlighted_lanes = ties["actors"]
            else:
                emphasised = set(ties["events"])
                lanes = set(ties["actors"])
                if selection.table == "actors":
                    lanes |= set(selection.ids)
                self.highlighted_lanes = lanes
                self.faded = np.ones(n, dtype=bool)
                self.faded[self.data.indices_of(sorted(emphasised))] = False
        if self.focus is not None and self.focus[1] and self.story is not None and len(self.story) == n:
            self.faded = ~self.story if self.faded is None else (self.faded | ~self.story)
        self.plot.getAxis("left").reset()
        self.events.update()
        self.backdrop.update()

    def _reveal(self, selection: Selection) -> None:
        """Bring what another view selected into sight: its first event, or its first lane."""
        if self.layout is None or not selection:
            return
        (low, high), (top, bottom) = self.view.viewRange()
        if selection.table == "events" and self.selected is not None:
            chosen = np.flatnonzero(self.selected & self.mask) if len(self.mask) else np.zeros(0, int)
            if not len(chosen):
                return
            first = int(chosen[0])
            if not (low <= self.data.anchor[first] <= high):
                self.centre_on(float(self.data.anchor[first]))
            rows = self.layout.item_row[self.layout.item_event == first]
            if len(rows) and not any(top <= r + 0.5 <= bottom for r in rows):
                self._set_rows(float(rows.min()) - 1)
        elif self.highlighted_lanes:
            spans = [self.layout.rows_of_lane(key) for key in self.highlighted_lanes]
            spans = [s for s in spans if s is not None]
            if spans and not any(top <= a + 0.5 <= bottom for a, _b in spans):
                self._set_rows(float(min(a for a, _b in spans)) - 1)

    # --- hover ----------------------------------------------------------------------------

    def _mouse_moved(self, position: QPointF) -> None:
        if not self.view.sceneBoundingRect().contains(position):
            return
        point = self.view.mapSceneToView(position)
        index = self.event_at(point.x(), point.y())
        if index == self._hovered:
            return
        self._hovered = index
        if index < 0:
            QToolTip.hideText()
            return
        text = self.tooltip_html(index)
        global_pos = self.plot.mapToGlobal(self.plot.mapFromScene(position))
        QToolTip.showText(global_pos, text, self.plot)

    def tooltip_html(self, index: int) -> str:
        """Rich text on purpose, so every piece of case text in it is escaped and shown literally."""
        summary = event_summary(self.data, index)
        if summary is None:
            return ""
        escape = html.escape
        lines = [f"<b>{escape(summary.title)}</b>",
                 f"{escape(summary.when)} <i>({escape(summary.precision)})</i>"]
        if summary.actors:
            lines.append("Actors: " + escape(", ".join(summary.actors)))
        lines.append(f"Confidence: {escape(summary.confidence)} \u2013 {escape(summary.confidence_meaning)}")
        if summary.kind:
            lines.append("Kind: " + escape(summary.kind))
        if summary.footnotes:
            lines.append("Footnotes: " + escape(", ".join(summary.footnotes)))
        elif not summary.sources:
            lines.append("<i>No source cited</i>")
        return "<qt>" + "<br>".join(lines) + "</qt>"

    # --- status, export, menu -------------------------------------------------------------

    def _show_status(self) -> None:
        total = len(self.data)
        shown = int(self.mask.sum()) if len(self.mask) else 0
        if self.case is None:
            self.status.setText("No case open.")
            return
        if not total:
            self.status.setText("No events yet.")
            return
        parts = [f"{shown} of {total} events" if shown != total else f"{total} events"]
        if self.layout is not None:
            parts.append(f"{len(self.layout.keys)} lanes")
        span = self.window_span()
        if span is not None:
            inside = int(((self.data.low <= span[1]) & (self.data.high >= span[0])).sum())
            parts.append(f"time window {describe_span(*span, self.data.zone)}: {inside} of {total} events in it")
        parts.append(self.data.zone.key)
        self.status.setText(" \u00b7 ".join(parts))
        self.status.setToolTip("Shift+drag on the timeline, or drag on the overview, to set the time window. "
                               "Wheel zooms, drag pans, +/- and arrows, Home fits the case.")

    def context_menu(self, position: Any) -> None:
        menu = QMenu(self)
        menu.addAction("Fit whole case", self.fit)
        menu.addAction("Clear time window", self.clear_time_window)
        menu.addSeparator()
        menu.addAction("Export visible timeline as PNG (2x)\u2026", self._export_png_dialog)
        menu.addAction("Export visible timeline as SVG\u2026", self._export_svg_dialog)
        menu.popup(position)

    def _export_name(self, suffix: str, kind: str) -> Path | None:
        stem = self.case.path.stem if self.case is not None else "timeline"
        start = (self.case.path.parent if self.case is not None else Path.home()) / f"{stem} timeline.{suffix}"
        name, _ = QFileDialog.getSaveFileName(self, f"Export timeline as {kind}", str(start), f"{kind} (*.{suffix})")
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == f".{suffix}" else path.with_suffix(f".{suffix}")

    def _export_png_dialog(self) -> None:
        path = self._export_name("png", "PNG")
        if path is not None:
            self.export_png(path)

    def _export_svg_dialog(self) -> None:
        path = self._export_name("svg", "SVG")
        if path is not None:
            self.export_svg(path)

    def export_png(self, path: Path, scale: float = 2.0) -> bool:
        """The visible timeline (plot with lane names and axis) as a PNG at `scale` x resolution."""
        size = self.plot.size()
        image = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.scale(scale, scale)
        self.plot.render(painter)
        painter.end()
        return save_png(image, path)  # a failure leaves the previous file as it was

    def export_svg(self, path: Path) -> bool:
        size = self.plot.size()
        title = f"Timeline: {self.case.title}" if self.case is not None else "Timeline"
        return save_svg(path, size.width(), size.height(), title, self.plot.render)


    # --- saved views (workbench.ui.briefing) ------------------------------------------------

    def view_state(self) -> dict[str, Any]:
        """What a saved view needs to put this chart back: lanes, the visible time span and rows."""
        (low, high), (top, _bottom) = self.view.viewRange()
        return {"lane_mode": self.lane_mode, "lane_order": self.lane_order, "x_range": [float(low), float(high)],
                "top_row": float(top), "fitted": self._fitted, "lane_groups": self.lane_groups,
                "expanded_lanes": sorted(self.expanded_lanes)}

    def default_view_state(self) -> dict[str, Any]:
        """The chart as a freshly opened case shows it, in `view_state`'s terms: the first lane mode and
        order, the top row, the whole case fitted."""
        return {"lane_mode": self.lane_combo.itemData(0), "lane_order": self.order_combo.itemData(0),
                "top_row": 0.0, "fitted": True, "lane_groups": "auto", "expanded_lanes": []}

    def restore_view_state(self, state: dict[str, Any]) -> None:
        """Put the chart back as `view_state` saw it; missing or malformed entries leave it as it is."""
        expanded = state.get("expanded_lanes")
        if isinstance(expanded, list) and set(expanded) != self.expanded_lanes:
            self.expanded_lanes = {name for name in expanded if isinstance(name, str)}
            self._relayout(keep_top=True)
        mode, groups = state.get("lane_mode"), state.get("lane_groups", "auto")
        if mode == "actors" and isinstance(groups, str) and (groups in ("kind", "community", "none")
                                                             or groups.startswith(ATTRIBUTE_GROUPING)):
            mode = f"actors:{groups}"
        for combo, value in ((self.lane_combo, mode), (self.order_combo, state.get("lane_order"))):
            index = combo.findData(value) if isinstance(value, str) else -1
            if index >= 0 and index != combo.currentIndex():
                combo.setCurrentIndex(index)  # relayouts through _lanes_changed
        x_range = state.get("x_range")
        if state.get("fitted") is True:
            self.fit()
        elif (isinstance(x_range, list) and len(x_range) == 2 and all(isinstance(v, int | float) for v in x_range)
              and all(math.isfinite(v) for v in x_range) and 60 <= x_range[1] - x_range[0] <= 200 * 365.25 * DAY):
            self.show_span(float(x_range[0]), float(x_range[1]))
        top = state.get("top_row")
        if isinstance(top, int | float) and math.isfinite(top):
            self._set_rows(float(top))


class TimelinePane(QWidget):
    """The Timeline dock: the drawn timeline, and the events as a sortable list in a second tab."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.chart = TimelineChart(selection, self)
        self.events = ListPane("events", selection, self, EVENT_WIDTHS)
        self.list_panes = {"events": self.events}
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("timeline_tabs")
        self.tabs.setTabPosition(QTabWidget.TabPosition.South)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.chart, "Timeline")
        self.tabs.addTab(self.events, "Event list")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def set_case(self, case: Case | None) -> None:
        self.chart.set_case(case)
        self.events.set_case(case)

    depends_on = frozenset({"events", "event_actors", "event_places", "actors", "places", "citations", "meta",
                            "sources", "tags", "questions", "hypotheses", "evidence_rows", "ratings",
                            "actor_attributes"})

    def case_changed(self, changes: Changes) -> None:
        if changes.touches(self.depends_on):
            self.chart.case_changed(changes)
        if changes.touches(self.depends_on - {"actor_attributes"}):
            self.events.set_case(self.events.case)

    def focus_filter(self) -> None:
        if self.tabs.currentWidget() is self.chart:
            self.chart.text_filter.setFocus()
            self.chart.text_filter.selectAll()
        else:
            self.events.filter.setFocus()
            self.events.filter.selectAll()

    def view_state(self) -> dict[str, Any]:
        return {**self.chart.view_state(), "tab": self.tabs.currentIndex()}

    def default_view_state(self) -> dict[str, Any]:
        return {**self.chart.default_view_state(), "tab": 0}

    def restore_view_state(self, state: dict[str, Any]) -> None:
        tab = state.get("tab")
        if isinstance(tab, int) and 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)
        self.chart.restore_view_state(state)
