"""One timeline frame in device pixels: the view's mapping, culling, merged bars and markers, labels, axis ticks.

A frame is computed in device pixels (`frame_geometry`), culled to the visible rectangle and
thinned to what the pixels can show: overlapping bars of one style merge into one, markers
falling on the same pixel become one, and labels appear only where they do not overlap (level
of detail). The view turns it into a handful of painter paths.
"""

from __future__ import annotations

import locale
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from workbench.core.timeline.data import DAY, HOUR, TimelineData
from workbench.core.timeline.layout import LaneLayout

CONNECTOR_SPACING_PX = 8.0  # fewer joining lines than one per this many pixels, or none
LABEL_CHARS = 64


# --- one frame ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Viewport:
    """The visible data rectangle and its mapping to device pixels: px = data * scale + offset."""

    x_min: float
    x_max: float
    y_min: float  # rows
    y_max: float
    x_scale: float  # pixels per second
    x_offset: float
    y_scale: float  # pixels per row
    y_offset: float

    def x_px(self, x: np.ndarray | float) -> np.ndarray | float:
        return x * self.x_scale + self.x_offset

    def y_px(self, y: np.ndarray | float) -> np.ndarray | float:
        return y * self.y_scale + self.y_offset

    def x_value(self, px: float) -> float:
        """The time at `px` pixels (the inverse of x_px)."""
        return (px - self.x_offset) / self.x_scale


@dataclass
class Shapes:
    """Rectangles (x0, x1, y0, y1) or points (x, y) in device pixels."""

    x0: np.ndarray
    x1: np.ndarray
    y0: np.ndarray
    y1: np.ndarray

    def __len__(self) -> int:
        return len(self.x0)


@dataclass
class Frame:
    """What to draw, grouped by style (key: (style, faded)); all coordinates in device pixels."""

    windows: dict[tuple[int, bool], Shapes]  # faded bars: where an uncertain event may lie
    bars: dict[tuple[int, bool], Shapes]  # stated ranges
    markers: dict[tuple[int, bool], Shapes]  # instants (x0 = x1, y0 = y1: the centre)
    selected: Shapes  # outlines around the selected events
    connectors: Shapes  # vertical lines joining one event's lanes
    labels: list[tuple[float, float, int, float]]  # (x, baseline y, event index, width)
    items: int  # appearances in view before thinning
    marked: dict[int, Shapes] = field(default_factory=dict)  # boxes around events per mark (a rating's code)


def outline_segments(shapes: Shapes) -> Shapes:
    """The four edges of each rectangle as line segments (x0, y0) - (x1, y1): top, bottom, left, right, each
    drawn from its top or left end (so that a dashed pen starts every edge with a dash)."""
    if not len(shapes):
        return _empty_shapes()
    x0, x1, y0, y1 = shapes.x0, shapes.x1, shapes.y0, shapes.y1
    return Shapes(np.concatenate([x0, x0, x0, x1]), np.concatenate([x1, x1, x0, x1]),
                  np.concatenate([y0, y1, y0, y0]), np.concatenate([y0, y1, y1, y1]))


def marker_runs(points: Shapes, gap: float) -> tuple[Shapes, Shapes]:
    """(single markers, runs) of square markers (points, x0 = x1, y0 = y1): markers of one row whose centres lie
    at most `gap` pixels apart chain into a run, from its first centre (x0) to its last (x1).

    A marker is drawn as a square and then its smaller inside; where the insides of neighbours touch (`gap` is
    the inside's width), the chain looks like one long marker: an outline around one inside. So a run is drawn
    as that, two shapes, however many markers it holds: a dense row of 1,400 pixels once drew 25,000 squares."""
    x, y = points.x0, points.y0
    if len(x) > 1 and not np.all((y[1:] > y[:-1]) | ((y[1:] == y[:-1]) & (x[1:] >= x[:-1]))):
        order = np.lexsort((x, y))
        x, y = x[order], y[order]
    joined = np.zeros(len(x), dtype=bool)  # chained to the marker before it
    joined[1:] = (y[1:] == y[:-1]) & (x[1:] - x[:-1] <= gap)
    starts = np.flatnonzero(~joined)
    ends = np.r_[starts[1:], len(x)] - 1
    alone = starts == ends
    single, first, last = starts[alone], starts[~alone], ends[~alone]
    return Shapes(x[single], x[single], y[single], y[single]), Shapes(x[first], x[last], y[first], y[first])


def _shapes_reaching(shapes: Shapes, strips: list[tuple[float, float]]) -> Shapes:
    """The rectangles (or points) that reach into any of the pixel ranges (left, right) `strips`."""
    low, high = np.minimum(shapes.x0, shapes.x1), np.maximum(shapes.x0, shapes.x1)
    keep = np.zeros(len(shapes), dtype=bool)
    for left, right in strips:
        keep |= (high >= left) & (low <= right)
    return shapes if keep.all() else Shapes(shapes.x0[keep], shapes.x1[keep], shapes.y0[keep], shapes.y1[keep])


def frame_in_strips(frame: Frame, strips: list[tuple[float, float]]) -> Frame:
    """What of `frame` reaches into the pixel ranges (left, right) `strips` (strips of the view drawn alone, clipped
    to them): the same shapes and labels as the whole frame's there, fewer to hand to the painter."""
    def each(shapes: dict) -> dict:
        found = {key: _shapes_reaching(value, strips) for key, value in shapes.items()}
        return {key: value for key, value in found.items() if len(value)}

    labels = [label for label in frame.labels
              if any(label[0] <= right and label[0] + label[3] >= left for left, right in strips)]
    return Frame(each(frame.windows), each(frame.bars), each(frame.markers), _shapes_reaching(frame.selected, strips),
                 _shapes_reaching(frame.connectors, strips), labels, frame.items, each(frame.marked))


class CoarseIndex:
    """A layout's appearances found by row and time with a few binary searches (coarse_cells), not a pass over them:
    keyed by row times the case's span plus the window's start (the layout's own order); those whose window is longer
    than REACH of the span are kept apart (few), the others lie within REACH before the times asked for."""

    REACH = 1 / 1024

    def __init__(self, layout: LaneLayout, data: TimelineData) -> None:
        self.layout, self.data = layout, data
        events = layout.item_event
        low, high = data.low[events], data.high[events]
        self.core_low, self.core_high = data.core_low[events], data.core_high[events]
        self.style = data.style[events]
        self.rows = layout.item_row
        self.origin = float(np.nanmin(low)) if len(low) else 0.0
        self.span = (float(np.nanmax(high)) - self.origin if len(high) else 0.0) + 1.0
        length = high - low
        # Long: beyond a 1024th of the span, and beyond all but a hundredth of the windows (days in a case of months).
        finite = length[np.isfinite(length)]
        self.reach = max(self.span * self.REACH, float(np.quantile(finite, 0.99)) if len(finite) else 0.0)
        key = self.rows * self.span + np.nan_to_num(low - self.origin, nan=self.span - 1.0)
        self.order = None if bool(np.all(np.diff(key) >= 0)) else np.argsort(key, kind="stable")
        self.key = key if self.order is None else key[self.order]
        self.is_long = ~(length <= self.reach)
        self.long = np.flatnonzero(self.is_long)

    def items(self, first_row: int, last_row: int, a: float, b: float) -> np.ndarray:
        """The appearances on rows `first_row` to `last_row` whose stated range reaches into [a, b] (seconds), in no
        particular order."""
        rows = np.arange(max(first_row, 0), max(last_row, 0) + 1, dtype=np.float64)
        begin = np.searchsorted(self.key, rows * self.span + max(a - self.reach - self.origin, 0.0), side="left")
        row_end = np.searchsorted(self.key, (rows + 1) * self.span, side="left")
        stop = np.minimum(np.searchsorted(self.key, rows * self.span + (b - self.origin), side="right"), row_end)
        counts = np.maximum(stop - begin, 0)
        total = int(counts.sum())
        found = np.repeat(begin - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(total)
        if self.order is not None:
            found = self.order[found]
        long = self.long[(self.rows[self.long] >= first_row) & (self.rows[self.long] <= last_row)]
        found = np.concatenate([found[~self.is_long[found]], long])  # (a long one near the times is found by both)
        return found[(self.core_high[found] >= a) & (self.core_low[found] <= b)]


def coarse_cells(index: CoarseIndex, view: Viewport, strips: list[tuple[float, float]], cell_px: float = 4.0
                 ) -> dict[int, Shapes]:
    """Where the appearances lie in the pixel ranges (left, right) `strips` of the view: per row, the runs of cells
    `cell_px` wide (on a grid of the time line) that any appearance's stated range (or moment) reaches into, as bars
    `cell_px` * 2 tall centred on the row, in the style of one of the row's appearances there ({style: bars}, in the
    view's pixels). A stand-in for the frame's shapes there that costs the appearances in the strips, not their
    drawing: a kept picture's zoom out draws it in the strips it uncovers, and draws the view exactly once it rests."""
    found: dict[int, Shapes] = {}
    if not len(index.rows) or view.x_scale <= 0:
        return found
    first_row, last_row = math.floor(view.y_min) - 1, math.ceil(view.y_max) + 1  # as _row_range takes them
    cell = cell_px / view.x_scale  # seconds
    for left, right in strips:
        a, b = sorted((view.x_value(left), view.x_value(right)))
        inside = index.items(first_row, last_row, a, b)
        if not len(inside):
            continue
        base = math.floor(a / cell)
        cells = math.floor(b / cell) - base + 1
        row = index.rows[inside]
        top = int(row.min())
        height = int(row.max()) - top + 1
        start = np.clip(np.floor(index.core_low[inside] / cell) - base, 0, cells - 1).astype(np.int64)
        end = np.clip(np.floor(index.core_high[inside] / cell) - base, 0, cells - 1).astype(np.int64)
        # Each appearance marks the cells from its start to its end: +1 at the start, -1 past the end, summed along.
        line = (row - top) * (cells + 1)
        marks = np.bincount(line + start, minlength=height * (cells + 1)) - np.bincount(
            line + end + 1, minlength=height * (cells + 1))
        taken = np.cumsum(marks.reshape(height, cells + 1), axis=1)[:, :cells] > 0
        # Runs of taken cells per row, as bars.
        edges = np.diff(np.concatenate([np.zeros((height, 1), dtype=np.int8), taken.astype(np.int8),
                                        np.zeros((height, 1), dtype=np.int8)], axis=1), axis=1)
        run_rows, run_starts = np.nonzero(edges == 1)
        _end_rows, run_ends = np.nonzero(edges == -1)
        if not len(run_rows):
            continue
        # The style of a row's runs: that of one of the row's appearances in the strip (rows hold one actor or kind).
        row_style = np.zeros(height, dtype=np.int64)
        row_style[row - top] = index.style[inside]
        style = row_style[run_rows]
        x0 = np.maximum(view.x_px((base + run_starts) * cell), left)
        x1 = np.minimum(view.x_px((base + run_ends) * cell), right)
        yc = view.y_px(top + run_rows + 0.5)
        for code in np.unique(style).tolist():
            chosen = style == code
            more = Shapes(x0[chosen], x1[chosen], yc[chosen] - cell_px, yc[chosen] + cell_px)
            had = found.get(int(code))
            found[int(code)] = more if had is None else Shapes(
                *(np.concatenate([getattr(had, name), getattr(more, name)]) for name in ("x0", "x1", "y0", "y1")))
    return found


def _empty_shapes() -> Shapes:
    nothing = np.zeros(0)
    return Shapes(nothing, nothing, nothing, nothing)


def visible_items(layout: LaneLayout, data: TimelineData, view: Viewport) -> np.ndarray:
    """Indices into layout items that intersect the view (rows culled by binary search)."""
    if not len(layout.item_row):
        return np.zeros(0, dtype=np.int64)
    first, last = _row_range(layout.item_row, view)
    if last <= first:
        return np.zeros(0, dtype=np.int64)
    events = layout.item_event[first:last]
    slack = _slack(view)
    inside = (data.high[events] >= view.x_min - slack) & (data.low[events] <= view.x_max + slack)
    return np.flatnonzero(inside) + first


def _row_range(item_row: np.ndarray, view: Viewport) -> tuple[int, int]:
    """The slice of row-sorted items on the rows in view (one row of margin either side)."""
    return (int(np.searchsorted(item_row, np.floor(view.y_min) - 1, side="left")),
            int(np.searchsorted(item_row, np.ceil(view.y_max) + 1, side="right")))


def _slack(view: Viewport) -> float:
    """Generous in x by a few pixels, so a marker whose centre is just outside still shows its half."""
    return 12 / max(view.x_scale, 1e-12)


# --- level of detail ----------------------------------------------------------------------

LABEL_LIMIT = 4000  # more label candidates in view than this: no labels at all
DENSE_ITEMS = LABEL_LIMIT  # more appearances in view than this (unlabelled then): drawn from the level of detail
FINEST_LEVEL_BITS = 16  # the finest level has about 2**16 pixels across the case's span
LevelShapes = dict[str, dict[tuple[int, bool], tuple[np.ndarray, np.ndarray, np.ndarray]]]


class LevelsOfDetail:
    """A frame's shapes worked out once per zoom level, so a dense frame costs what its pixels cost, not its events.

    Level L is the zoom at which one pixel is 2**L to 2**(L+1) seconds. Its shapes (merged windows and bars,
    markers one per pixel, per row, style and fade) are computed once from every appearance by the same rules
    as any frame, at the level's middle scale, and kept in seconds and rows. A frame of more than DENSE_ITEMS
    appearances in view takes its level's shapes that fall in view and maps them to its pixels: the picture is
    the same to within a pixel (a range between one and two pixels wide may show as a marker, two shapes a
    pixel apart as one), at the cost of the shapes in view. Rebuilt when the layout, data or fade change
    (`for_frame` compares them by identity); each level is built on first use.
    """

    def __init__(self, dense_items: int = DENSE_ITEMS) -> None:
        self.dense_items = dense_items
        self.key: tuple[object, object, object] | None = None
        self.item_low = self.item_high = np.zeros(0)
        self.levels: dict[int, LevelShapes] = {}
        self.by_event: np.ndarray | None = None  # item indices ordered by event
        self.ordered: _OrderedItems | None = None  # the appearances sorted for building levels
        self.by_top: np.ndarray | None = None  # connectors ordered by their top row, and by their bottom row
        self.by_bottom = self.tops = self.bottoms = np.zeros(0, dtype=np.int64)
        self.finest = 0  # the finest level kept
        self.start = self.end = 0.0  # the earliest and latest time of any appearance

    def for_frame(self, layout: LaneLayout, data: TimelineData, faded: np.ndarray | None) -> LevelsOfDetail:
        if self.key is None or any(a is not b for a, b in zip(self.key, (layout, data, faded), strict=True)):
            self.key = (layout, data, faded)
            self.layout, self.data, self.faded = layout, data, faded
            self.item_low = data.low[layout.item_event]
            self.item_high = data.high[layout.item_event]
            self.levels = {}
            self.by_event = self.by_top = self.ordered = None
            if len(self.item_low):
                self.start, self.end = float(np.nanmin(self.item_low)), float(np.nanmax(self.item_high))
            else:
                self.start = self.end = 0.0
            self.finest = int(np.floor(np.log2(max(self.end - self.start, 1.0)))) - FINEST_LEVEL_BITS
        return self

    def in_view(self, view: Viewport) -> tuple[int, np.ndarray]:
        """How many appearances intersect the view, and which when they are few (what `visible_items` returns,
        found on the contiguous arrays of the rows in view)."""
        first, last = _row_range(self.layout.item_row, view)
        slack = _slack(view)
        inside = ((self.item_high[first:last] >= view.x_min - slack)
                  & (self.item_low[first:last] <= view.x_max + slack))
        count = int(np.count_nonzero(inside))
        return count, (np.flatnonzero(inside) + first if count <= self.dense_items else np.zeros(0, dtype=np.int64))

    def level_for(self, view: Viewport) -> int | None:
        """The level of the view's scale (None: finer than the finest level kept)."""
        if view.x_scale <= 0 or not len(self.item_low):
            return None
        level = int(np.floor(np.log2(1.0 / view.x_scale)))
        return None if level < self.finest else level

    def shapes_in(self, level: int, view: Viewport, bar_px: float, window_px: float,
                  only: list[tuple[float, float]] | None = None) -> tuple[dict[tuple[int, bool], Shapes], ...]:
        """(windows, bars, markers) of the level that fall in view (and in the times `only`), in the view's pixels."""
        edge_low, edge_high = view.x_px(view.x_min) - 50, view.x_px(view.x_max) + 50
        slack = _slack(view)
        ranges = [(max(view.x_min - slack, a), min(view.x_max + slack, b)) for a, b in only or
                  [(view.x_min - slack, view.x_max + slack)]]
        found: list[dict[tuple[int, bool], Shapes]] = []
        for kind, half in (("windows", window_px / 2), ("bars", bar_px / 2), ("markers", 0.0)):
            shapes: dict[tuple[int, bool], Shapes] = {}
            for key, (t0, t1, rows) in self._level(level)[kind].items():
                first, last = _row_range(rows, view)
                inside = np.zeros(last - first, dtype=bool)
                for x_min, x_max in ranges:
                    inside |= (t1[first:last] >= x_min) & (t0[first:last] <= x_max)
                if not inside.any():
                    continue
                yc = view.y_px(rows[first:last][inside] + 0.5)
                if kind == "markers":  # one per pixel; a level's markers run by row and time: no sort needed
                    x = view.x_px(t0[first:last][inside])
                    pixel = np.round(x)
                    keep = np.ones(len(x), dtype=bool)
                    keep[1:] = (yc[1:] != yc[:-1]) | (pixel[1:] != pixel[:-1])
                    shapes[key] = Shapes(x[keep], x[keep], yc[keep], yc[keep])
                    continue
                x0 = np.clip(view.x_px(t0[first:last][inside]), edge_low, edge_high)
                x1 = np.clip(view.x_px(t1[first:last][inside]), edge_low, edge_high)
                if kind == "bars":
                    x1 = np.maximum(x1, x0 + 2)
                shapes[key] = Shapes(x0, x1, yc - half, yc + half)
            found.append(shapes)
        return tuple(found)

    def connectors_near(self, view: Viewport) -> np.ndarray:
        """Indices of the connectors that may reach the rows in view: those starting above its bottom, or
        those ending below its top, whichever are fewer (found by binary search, not by a pass over all)."""
        layout = self.layout
        if self.by_top is None:
            self.by_top = np.argsort(layout.connector_top, kind="stable")
            self.by_bottom = np.argsort(layout.connector_bottom, kind="stable")
            self.tops = layout.connector_top[self.by_top]
            self.bottoms = layout.connector_bottom[self.by_bottom]
        above = int(np.searchsorted(self.tops, view.y_max, side="right"))  # top <= y_max
        below = int(np.searchsorted(self.bottoms, view.y_min, side="left"))  # bottom >= y_min from here
        if above <= len(self.bottoms) - below:
            return self.by_top[:above]
        return self.by_bottom[below:]

    def items_of(self, wanted: np.ndarray, view: Viewport) -> np.ndarray:
        """The items in view of the events `wanted` marks (few: the selection, rated events)."""
        events = np.flatnonzero(wanted)
        if not len(events):
            return np.zeros(0, dtype=np.int64)
        if self.by_event is None:
            self.by_event = np.argsort(self.layout.item_event, kind="stable")
        sorted_events = self.layout.item_event[self.by_event]
        starts = np.searchsorted(sorted_events, events, side="left")
        counts = np.searchsorted(sorted_events, events, side="right") - starts
        if not counts.sum():
            return np.zeros(0, dtype=np.int64)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        items = self.by_event[np.repeat(starts, counts) + offsets]
        first, last = _row_range(self.layout.item_row, view)
        slack = _slack(view)
        inside = ((items >= first) & (items < last) & (self.item_high[items] >= view.x_min - slack)
                  & (self.item_low[items] <= view.x_max + slack))
        return np.sort(items[inside])

    def _level(self, level: int) -> LevelShapes:
        built = self.levels.get(level)
        if built is not None:
            return built
        # Every appearance at the level's middle scale, times measured from the start (small pixel numbers):
        # merged and thinned as a frame would be (`_item_shapes`' rules), then kept in seconds and rows. The
        # appearances were sorted once for all levels (`_ordered`), so a level is a few passes over them, no sort:
        # a new level no longer held up its first frame for a sort of every appearance.
        scale = 2.0 ** -(level + 0.5)
        ordered = self._ordered()
        windows, bars, markers = ordered.by_low, ordered.by_core_low, ordered.by_anchor
        # `_item_shapes`' rules at this scale: a range a pixel wide is a bar, a window three pixels wide is drawn,
        # anything else is a marker.
        marker = ((markers.core_length * scale < 1.0)
                  & ~(markers.uncertain & (markers.window_length * scale >= 3.0)))
        built = {
            "windows": windows.merged(windows.uncertain & (windows.window_length * scale >= 3.0), "low", "high",
                                      scale, self.start),
            "bars": bars.merged(bars.core_length * scale >= 1.0, "core_low", "core_high", scale, self.start,
                                least_px=2.0),
            "markers": markers.thinned(marker, scale, self.start),
        }
        self.levels[level] = built
        return built

    def _ordered(self) -> _OrderedItems:
        if self.ordered is None:
            self.ordered = _OrderedItems(self.layout, self.data, self.faded)
        return self.ordered


class _OrderedItems:
    """Every appearance sorted by (style and fade, row, time) for each time a level sorts by: the window's start
    (windows), the stated start (bars), the marker's place (markers); each sort keeps the appearances' times in
    its own order, so building a level reads them in sequence."""

    def __init__(self, layout: LaneLayout, data: TimelineData, faded: np.ndarray | None) -> None:
        events = layout.item_event
        row = layout.item_row.astype(np.int64)
        fade = faded[events] if faded is not None else np.zeros(len(events), dtype=bool)
        group = data.style[events].astype(np.int64) * 2 + fade  # (style, faded) as style * 2 + faded
        times = {"low": data.low[events], "high": data.high[events], "core_low": data.core_low[events],
                 "core_high": data.core_high[events], "anchor": data.anchor[events]}
        # The layout sorts its items by (row, window start): a stable sort by group alone (a radix sort of small
        # numbers) orders them by (group, row, window start). The other two orders sort one number each: the
        # segment (group, row) times the span, plus the time since the earliest (to well under a second).
        by_low = np.argsort(group.astype(np.int8), kind="stable")
        segment = (group * (int(row.max(initial=0)) + 1) + row).astype(np.float64)
        first = float(np.nanmin(times["low"])) if len(events) else 0.0
        span = float(np.nanmax(times["high"])) - first + 1.0 if len(events) else 1.0
        by_core_low, by_anchor = (np.argsort(segment * span + (times[name] - first)) for name in ("core_low", "anchor"))
        self.by_low, self.by_core_low, self.by_anchor = (_Sorted(order, group, row, times, data.uncertain[events])
                                                         for order in (by_low, by_core_low, by_anchor))


class _Sorted:
    """The appearances in one order: their (group, row) segment, times and uncertainty, in that order."""

    def __init__(self, order: np.ndarray, group: np.ndarray, row: np.ndarray, times: dict[str, np.ndarray],
                 uncertain: np.ndarray) -> None:
        self.group, self.row = group[order], row[order].astype(np.float64)
        new_segment = np.ones(len(order), dtype=bool)
        new_segment[1:] = (self.group[1:] != self.group[:-1]) | (self.row[1:] != self.row[:-1])
        self.segment = np.cumsum(new_segment) - 1
        self.times = {name: values[order] for name, values in times.items()}
        self.uncertain = uncertain[order]
        self.window_length = self.times["high"] - self.times["low"]
        self.core_length = self.times["core_high"] - self.times["core_low"]

    def _by_group(self, kept: np.ndarray, values: tuple[np.ndarray, ...]
                  ) -> dict[tuple[int, bool], tuple[np.ndarray, ...]]:
        group = self.group[kept]
        cuts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.zeros(0, dtype=np.int64)
        ends = np.r_[cuts[1:], len(group)]
        return {(int(group[a]) // 2, bool(group[a] % 2)): tuple(v[a:b] for v in values)
                for a, b in zip(cuts.tolist(), ends.tolist(), strict=True)}

    def merged(self, chosen: np.ndarray, low: str, high: str, scale: float, start: float, least_px: float = 0.0
               ) -> dict[tuple[int, bool], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The chosen bars (from time `low` to `high`, at least `least_px` long) of one (group, row) that overlap or
        come within a pixel merged into one (`_merge_bars`' rule), as (start, end, row) in seconds and rows per
        (style, faded)."""
        chosen = np.flatnonzero(chosen)
        if not len(chosen):
            return {}
        a = (self.times[low][chosen] - start) * scale
        b = np.maximum((self.times[high][chosen] - start) * scale, a + least_px)
        # Segments made disjoint on one number line, so one running maximum finds each merged run.
        offset = self.segment[chosen] * (float(max(np.max(np.abs(a)), np.max(np.abs(b)))) * 4 + 1e7)
        reach = np.maximum.accumulate(b + offset)
        new_run = np.ones(len(a), dtype=bool)
        new_run[1:] = a[1:] + offset[1:] > reach[:-1] + 1.0
        starts = np.flatnonzero(new_run)
        last = np.r_[starts[1:], len(a)] - 1
        return self._by_group(chosen[starts], (a[starts] / scale + start,
                                               (reach[last] - offset[last]) / scale + start, self.row[chosen[starts]]))

    def thinned(self, chosen: np.ndarray, scale: float, start: float
                ) -> dict[tuple[int, bool], tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The chosen markers one per pixel of a (group, row) (`_dedupe_points`' rule: the first in time of those on
        one pixel), as (time, time, row) per (style, faded)."""
        chosen = np.flatnonzero(chosen)
        if not len(chosen):
            return {}
        times = self.times["anchor"][chosen]
        pixel = np.round((times - start) * scale)
        segment = self.segment[chosen]
        keep = np.ones(len(chosen), dtype=bool)
        keep[1:] = (segment[1:] != segment[:-1]) | (pixel[1:] != pixel[:-1])
        return self._by_group(chosen[keep], (times[keep], times[keep], self.row[chosen[keep]]))


def frame_geometry(
    layout: LaneLayout,
    data: TimelineData,
    view: Viewport,
    *,
    faded: np.ndarray | None = None,
    selected: np.ndarray | None = None,
    marks: np.ndarray | None = None,
    measure: Callable[[int], float] | None = None,
    about_to_measure: Callable[[np.ndarray], None] | None = None,
    marker_px: float = 9.0,
    bar_px: float = 8.0,
    window_px: float = 14.0,
    detail: LevelsOfDetail | None = None,
    only: list[tuple[float, float]] | None = None,
) -> Frame:
    """Device-pixel geometry of one frame, culled to the view and thinned to what pixels can show.

    `faded`: per event, drawn as context only. `selected`: per event, outlined. `marks`: per event, a small
    code (-1: none), each code's events boxed (the timeline's colour by an ACH rating).
    `measure(event)`: the pixel width of its label; labels are placed only when given. `about_to_measure(events)`:
    told first which events may be measured, so their titles can be read at once, not one by one.
    `detail`: the view's LevelsOfDetail; with it, a view of more than DENSE_ITEMS appearances draws its
    zoom level's shapes (the same picture to within a pixel, at the cost of its pixels).
    `only`: [(from, to)] in time: a level's shapes are taken from those parts of the view alone (strips drawn alone);
    every choice (level, labels) is still the whole view's.
    """
    count, level, items = -1, None, None
    if detail is not None:
        detail = detail.for_frame(layout, data, faded)
        count, items = detail.in_view(view)
        level = detail.level_for(view) if count > detail.dense_items else None
    if level is None:
        if items is None or count > len(items):  # (a view of very many appearances finer than the finest level)
            items = visible_items(layout, data, view)
        windows, bars, markers, per_item = _item_shapes(layout, data, items, view, faded, bar_px, window_px)
    else:
        windows, bars, markers = detail.shapes_in(level, view, bar_px, window_px, only)
        # Selected and rated events are few: their outlines and boxes are placed exactly, over the level's shapes.
        items = np.zeros(0, dtype=np.int64)
        for wanted in (selected, None if marks is None else marks >= 0):
            if wanted is not None:
                items = np.union1d(items, detail.items_of(wanted, view))
        per_item = _item_shapes(layout, data, items, view, faded, bar_px, window_px)[3]
    events, yc, x0, x1, c0, c1, ax, marker = per_item

    half = marker_px / 2 + 3

    def boxes(chosen: np.ndarray) -> Shapes:
        return Shapes(
            np.where(marker[chosen], ax[chosen] - half, np.minimum(x0[chosen], c0[chosen]) - 3),
            np.where(marker[chosen], ax[chosen] + half, np.maximum(x1[chosen], c1[chosen]) + 3),
            yc[chosen] - window_px / 2 - 2, yc[chosen] + window_px / 2 + 2,
        ) if len(chosen) else _empty_shapes()

    sel = boxes(np.flatnonzero(selected[events])) if selected is not None and len(events) else _empty_shapes()
    marked: dict[int, Shapes] = {}
    if marks is not None and len(events):
        codes = marks[events]
        for code in np.unique(codes[codes >= 0]):
            marked[int(code)] = boxes(np.flatnonzero(codes == code))

    connectors = _frame_connectors(layout, data, view, detail)
    labels: list[tuple[float, float, int, float]] = []
    if measure is not None and len(events) and level is None:  # drawn from a level: far too many to label
        labels = place_labels(events, layout.item_row[items], np.where(marker, ax, np.maximum(x0, c0)),
                              marker, view, measure, marker_px, about_to_measure=about_to_measure)
    return Frame(windows, bars, markers, sel, connectors, labels, len(items) if count < 0 else count, marked)


def _item_shapes(layout: LaneLayout, data: TimelineData, items: np.ndarray, view: Viewport,
                 faded: np.ndarray | None, bar_px: float, window_px: float) -> tuple:
    """(windows, bars, markers, per-item geometry) of the given items: merged and thinned per (style, fade)."""
    events = layout.item_event[items]
    rows = layout.item_row[items].astype(np.float64)
    yc = view.y_px(rows + 0.5)
    # Clipped a little outside the view: deep zoom would otherwise hand the painter huge coordinates.
    edge_low, edge_high = view.x_px(view.x_min) - 50, view.x_px(view.x_max) + 50
    x0, x1, c0, c1 = (np.clip(view.x_px(values[events]), edge_low, edge_high)
                      for values in (data.low, data.high, data.core_low, data.core_high))
    ax = view.x_px(data.anchor[events])
    style = data.style[events]
    fade = faded[events] if faded is not None else np.zeros(len(events), dtype=bool)
    uncertain = data.uncertain[events]
    ranged = (c1 - c0) >= 1.0  # a stated range wide enough to be a bar on screen
    window_visible = uncertain & ((x1 - x0) >= 3.0)
    # An uncertain event whose window is a sliver on screen gets its stand-in marker; an
    # instant always does; a range narrower than a pixel becomes a marker too.
    marker = (~ranged & ~uncertain) | (uncertain & ~window_visible & ~ranged)

    windows, bars, markers = {}, {}, {}
    group_of = style.astype(np.int64) * 2 + fade
    for code in np.unique(group_of).tolist():
        group = group_of == code
        key = (code // 2, bool(code % 2))
        w = group & window_visible
        if w.any():
            windows[key] = _merge_bars(x0[w], x1[w], yc[w] - window_px / 2, yc[w] + window_px / 2)
        b = group & ranged
        if b.any():
            bars[key] = _merge_bars(c0[b], np.maximum(c1[b], c0[b] + 2), yc[b] - bar_px / 2, yc[b] + bar_px / 2)
        m = group & marker
        if m.any():
            markers[key] = _dedupe_points(ax[m], yc[m])
    return windows, bars, markers, (events, yc, x0, x1, c0, c1, ax, marker)


def _merge_bars(x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> Shapes:
    """Bars in the same row (same y0) that overlap or touch within a pixel become one bar."""
    order = np.lexsort((x0, y0))
    x0, x1, y0, y1 = x0[order], x1[order], y0[order], y1[order]
    # Make rows disjoint on one number line, then one running maximum finds each merged run.
    row_key = np.unique(y0, return_inverse=True)[1].astype(np.float64)
    offset = row_key * (float(np.max(np.abs(np.r_[x0, x1]))) * 4 + 1e7)
    reach = np.maximum.accumulate(x1 + offset)
    new_run = np.ones(len(x0), dtype=bool)
    new_run[1:] = (x0[1:] + offset[1:] > reach[:-1] + 1.0)
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:], len(x0)] - 1
    return Shapes(x0[starts], reach[ends] - offset[ends], y0[starts], y1[starts])


def _dedupe_points(x: np.ndarray, y: np.ndarray) -> Shapes:
    """Markers on the same device pixel are drawn once."""
    key = np.round(y) * 1e7 + np.round(x)
    _, first = np.unique(key, return_index=True)
    return Shapes(x[first], x[first], y[first], y[first])


def _frame_connectors(layout: LaneLayout, data: TimelineData, view: Viewport,
                      detail: LevelsOfDetail | None = None) -> Shapes:
    if not len(layout.connector_event):
        return _empty_shapes()
    if detail is not None:
        chosen = detail.connectors_near(view)
        x = data.anchor[layout.connector_event[chosen]]
        top, bottom = layout.connector_top[chosen], layout.connector_bottom[chosen]
    else:
        x = data.anchor[layout.connector_event]
        top, bottom = layout.connector_top, layout.connector_bottom
    inside = (x >= view.x_min) & (x <= view.x_max) & (bottom >= view.y_min) & (top <= view.y_max)
    if not inside.any():
        return _empty_shapes()
    x_px = np.round(view.x_px(x[inside]))
    left, right = sorted((view.x_px(view.x_min), view.x_px(view.x_max)))
    most = (right - left) / CONNECTOR_SPACING_PX
    if len(x_px) > most:
        # Their pixel columns counted without a sort (the columns of the view, marked): so many that they would grey
        # out the lanes, as when the view is far out, and there is nothing to sort and merge.
        columns = np.zeros(int(right - left) + 3, dtype=bool)
        columns[np.clip(x_px - math.floor(left), 0, len(columns) - 1).astype(np.int64)] = True
        if np.count_nonzero(columns) > most:
            return _empty_shapes()
    top = view.y_px(top[inside])
    bottom = view.y_px(bottom[inside])
    # Connectors on the same pixel column merge into one line spanning all of them.
    order = np.argsort(x_px, kind="stable")
    x_px, top, bottom = x_px[order], top[order], bottom[order]
    starts = np.flatnonzero(np.r_[True, x_px[1:] != x_px[:-1]])
    if len(starts) > most:
        # So many that they would grey out the lanes: the joins only help when they can be told apart.
        return _empty_shapes()
    return Shapes(x_px[starts], x_px[starts], np.minimum.reduceat(top, starts), np.maximum.reduceat(bottom, starts))


def place_labels(events: np.ndarray, rows: np.ndarray, x_px: np.ndarray, is_marker: np.ndarray, view: Viewport,
                 measure: Callable[[int], float], marker_px: float = 9.0, gap: float = 6.0,
                 min_px: float = 56.0, limit: int = LABEL_LIMIT,
                 about_to_measure: Callable[[np.ndarray], None] | None = None) -> list[tuple[float, float, int, float]]:
    """Labels that fit, as (x, baseline y, event, width): left to right in each row, a label never
    overlaps another label nor runs over the next event of its row or the view's right edge; it is
    cut short (the view elides it) when at least `min_px` is free, else left out. Too many
    candidates in view (zoomed far out): no labels at all."""
    if len(events) > limit:
        return []
    order = np.lexsort((x_px, rows))
    events, rows, x_px, is_marker = events[order], rows[order], x_px[order], is_marker[order]
    left_edge = view.x_px(view.x_min)
    right_edge = view.x_px(view.x_max)
    text_offset = view.y_scale * 0.5 * 0.45
    # The room before the next event of the row is known for all candidates at once; only those
    # with enough of it go through the (sequential) check against the label placed before.
    start = np.maximum(x_px + np.where(is_marker, marker_px / 2 + 3, 3.0), left_edge + 2)
    same_row_next = np.r_[rows[1:] == rows[:-1], False]
    next_x = np.where(same_row_next, np.r_[x_px[1:], np.inf], np.inf)
    room = np.minimum(next_x - 4, right_edge - 2) - start
    candidates = np.flatnonzero(room >= min_px)
    if about_to_measure is not None and len(candidates):
        about_to_measure(events[candidates])
    placed: list[tuple[float, float, int, float]] = []
    last_row, last_end = None, -np.inf
    for row, x, space, event in zip(rows[candidates].tolist(), start[candidates].tolist(),
                                    room[candidates].tolist(), events[candidates].tolist(), strict=True):
        if row != last_row:
            last_row, last_end = row, -np.inf
        if x < last_end + gap:
            continue
        width = min(measure(event), space)
        placed.append((x, float(view.y_px(row + 0.5) + text_offset), event, width))
        last_end = x + width
    return placed


def label_text(title: str) -> str:
    """A label is a title cut to LABEL_CHARS with an ellipsis; the tooltip has the rest."""
    title = " ".join(title.split())
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "\u2026"


# --- axis ticks ---------------------------------------------------------------------------

TICK_STEPS: tuple[tuple[str, int], ...] = (
    ("minute", 1), ("minute", 5), ("minute", 15), ("minute", 30),
    ("hour", 1), ("hour", 3), ("hour", 6), ("hour", 12),
    ("day", 1), ("day", 2), ("week", 1), ("month", 1), ("month", 3), ("year", 1), ("year", 5),
)
TICK_GAP_PX = 8.0  # at least this much space between two axis labels
APPROX_CHAR_PX = 7.0  # width of a label character when the caller cannot measure text
STEP_SECONDS = {"minute": 60, "hour": HOUR, "day": DAY, "week": 7 * DAY, "month": 30.44 * DAY, "year": 365.25 * DAY}


def _day_label(moment: datetime, with_year: bool) -> str:
    return f"{moment.day} {_month_name(moment.month)}" + (f" {moment.year}" if with_year else "")


def _month_name(month: int) -> str:
    """The month's abbreviated name in the user's locale (%b), worked out once per locale: strftime imports a module on
    every call, through the import hooks PySide6 adds, and an axis names dozens of months a frame."""
    return _month_in(month, locale.setlocale(locale.LC_TIME))


@lru_cache(maxsize=48)
def _month_in(month: int, _locale: str) -> str:
    return datetime(2000, month, 1).strftime("%b")


def time_ticks(low: float, high: float, zone: ZoneInfo, width_px: float, label_px: float = 50.0,
               measure: Callable[[str], float] | None = None, gap_px: float = TICK_GAP_PX
               ) -> list[list[tuple[float, str]]]:
    """Axis ticks in local time: [major, minor] lists of (epoch seconds, label); DST-correct.

    The step is the finest whose labels, centred on their ticks and `measure`d in pixels (about
    APPROX_CHAR_PX a character without one), keep `gap_px` apart; never finer than one label per
    `label_px`. Day boundaries are major. If even the coarsest step crowds (a very narrow axis),
    labels are left off, majors last, until none overlaps: the axis never shows "27 Jul 202028 Jul".
    """
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low or width_px <= 0:
        return [[], []]
    size_of = measure if measure is not None else (lambda text: APPROX_CHAR_PX * len(text))
    wanted = max(width_px / label_px, 1.0)
    steps = [step for step in TICK_STEPS if (high - low) / (STEP_SECONDS[step[0]] * step[1]) <= wanted]
    labelled: list[list[tuple[float, str]]] = [[], []]  # the coarsest step seen with a label in view
    for unit, size in steps or TICK_STEPS[-1:]:
        ticks = _ticks_at(unit, size, low, high, zone)
        if not any(label for level in ticks for _value, label in level):
            continue  # a step too coarse to have a tick in view does not date the axis
        labelled = ticks
        if not _crowded(ticks, low, high, width_px, size_of, gap_px):
            return ticks
    if not any(labelled):  # no coarse tick in view (three years between two five-year ticks): a finer one
        for unit, size in reversed([step for step in TICK_STEPS if step not in steps]):
            labelled = _ticks_at(unit, size, low, high, zone)
            if any(label for level in labelled for _value, label in level):
                break
    return _thinned(labelled, low, high, width_px, size_of, gap_px)


def _label_spans(ticks: list[list[tuple[float, str]]], low: float, high: float, width_px: float,
                 size_of: Callable[[str], float]) -> list[tuple[float, float, int, int]]:
    """(left, right, level, index) of each label drawn centred on its tick, in pixels, left to right."""
    spans = []
    for level, items in enumerate(ticks):
        for index, (value, label) in enumerate(items):
            if label:
                x = (value - low) / (high - low) * width_px
                half = size_of(label) / 2
                spans.append((x - half, x + half, level, index))
    return sorted(spans)


def _crowded(ticks: list[list[tuple[float, str]]], low: float, high: float, width_px: float,
             size_of: Callable[[str], float], gap_px: float) -> bool:
    spans = _label_spans(ticks, low, high, width_px, size_of)
    return any(after[0] - before[1] < gap_px for before, after in zip(spans, spans[1:], strict=False))


def _thinned(ticks: list[list[tuple[float, str]]], low: float, high: float, width_px: float,
             size_of: Callable[[str], float], gap_px: float) -> list[list[tuple[float, str]]]:
    """`ticks` with the labels that would overlap an earlier one left empty (majors kept first)."""
    spans = _label_spans(ticks, low, high, width_px, size_of)
    kept: list[tuple[float, float]] = []
    keep: set[tuple[int, int]] = set()
    for left, right, level, index in sorted(spans, key=lambda s: (s[2], s[0])):
        if all(right + gap_px <= other_left or other_right + gap_px <= left for other_left, other_right in kept):
            kept.append((left, right))
            keep.add((level, index))
    return [[(value, label if (level, index) in keep else "") for index, (value, label) in enumerate(items)]
            for level, items in enumerate(ticks)]


def _ticks_at(unit: str, size: int, low: float, high: float, zone: ZoneInfo) -> list[list[tuple[float, str]]]:
    """Every tick of one step (`size` `unit`s) between `low` and `high`, with its label."""
    first = datetime.fromtimestamp(low, UTC).astimezone(zone)
    last = datetime.fromtimestamp(high, UTC).astimezone(zone)
    major: list[tuple[float, str]] = []
    minor: list[tuple[float, str]] = []
    labelled_year = False

    def add(moment: datetime, is_major: bool, label: str) -> None:
        stamp = moment.timestamp()
        if low <= stamp <= high:
            (major if is_major else minor).append((stamp, label))

    if unit in ("minute", "hour"):
        step = size * (60 if unit == "minute" else 3600)
        day = first.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        while day <= last.replace(tzinfo=None):
            for offset in range(0, 86400, step):
                naive = day + timedelta(seconds=offset)
                moment = naive.replace(tzinfo=zone)
                if offset == 0:
                    add(moment, True, _day_label(moment, not labelled_year))
                    labelled_year = labelled_year or low <= moment.timestamp() <= high
                else:
                    add(moment, False, f"{naive.hour:02d}:{naive.minute:02d}")
            day += timedelta(days=1)
        if not major and minor:
            # No midnight in view: the first tick carries the date, so the axis is never dateless.
            stamp, text = minor.pop(0)
            moment = datetime.fromtimestamp(stamp, UTC).astimezone(zone)
            major.append((stamp, f"{_day_label(moment, True)} {text}"))
    elif unit in ("day", "week"):
        day = first.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        while day <= last.replace(tzinfo=None):
            moment = day.replace(tzinfo=zone)
            keep = (unit == "day" and (size == 1 or day.toordinal() % size == 0)) or (
                unit == "week" and day.weekday() == 0)
            if keep:
                first_of_year = day.month == 1 and day.day == 1
                add(moment, day.day == 1, _day_label(moment, first_of_year or not labelled_year))
                labelled_year = labelled_year or low <= moment.timestamp() <= high
            day += timedelta(days=1)
    else:
        months = size if unit == "month" else 12 * size
        year, month = first.year, 1
        while True:
            moment = datetime(year, month, 1, tzinfo=zone)
            if moment > last:
                break
            index = year * 12 + month - 1
            if index % months == 0:
                add(moment, month == 1, f"{_month_name(month)} {year}" if unit == "month" else f"{year}")
            month += 1
            if month > 12:
                year, month = year + 1, 1
    return [major, minor]

