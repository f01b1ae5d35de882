"""The Actor graph dock: a link chart of actors and relations over `core.graph`, with analysis and lists.

All the computing (slicing by time and filter, layouts, metrics, paths, hit tests) is in
`workbench.core.graph`; this module draws its results. The chart is one QGraphicsItem that
paints cached paths (one per line style, one per actor kind) rather than one item per actor
and relation, so that a 5k-actor, 20k-relation chart pans without re-creating anything.
Text from the case is drawn with drawText only: it is never interpreted as markup.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEasingCurve,
    QObject,
    QPointF,
    QRectF,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyleOptionGraphicsItem,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.core import graph as core
from workbench.core.casefile import Case, Changes
from workbench.core.queries import related
from workbench.core.tags import tagged
from workbench.ui.commands import Operation, insert_record, push
from workbench.ui.listing import ListPane
from workbench.ui.pictures import save_png, save_svg
from workbench.ui.selection import Selection, SelectionModel, TimeWindow

ACTOR_WIDTHS = (230, 90, 220, 60, 70)
RELATION_WIDTHS = (170, 150, 170, 90, 150, 40)

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
BEND = 30.0  # chart units between two relations of the same two actors, at their middle
FADED_ALPHA = 0.28  # relations that may fall in the window; actors and ties outside the selection
ANIMATION_MS = 380
ANIMATE_UP_TO = 1500  # actors; bigger charts jump to the new layout
BACKGROUND_WORK_FROM = 600  # actors; layouts and analysis of bigger graphs run off the UI thread
LABEL_SEPARATION_UP_TO = 400  # actors; bigger charts are read by zooming in, not by spacing labels
OVERVIEW_FROM_EDGES = 2000  # relations; bigger charts draw hairlines when zoomed out
OVERVIEW_LOD = 0.45  # zoom below which they do
EDGE_LABELS_UP_TO = 120  # relations in view; more are labelled when zoomed in or selected
MAX_LABELS = 600  # drawn per frame; beyond, only the best-connected actors are labelled
MOVE_MERGE_KEY = 0x4752  # "GR": consecutive drags of the same actors are one undo step
SIZE_METRICS = {"uniform": "Size: same", "degree": "Size: degree", "betweenness": "Size: betweenness",
                "eigenvector": "Size: eigenvector"}


# --- undo command ----------------------------------------------------------------------------


def move_actors(case: Case, after: dict[str, core.Position | None], text: str, merge_key: int = -1,
                origin: object = None) -> Operation:
    """Store new chart positions of actors (a drag, a pin, a whole layout) as one undo step.

    Consecutive drags of the same actors with the same merge_key merge into one step.
    """
    after = dict(after)
    return Operation(case, text, lambda c: core.write_positions(c, after), origin=origin,
                     merge_key=merge_key, target="actor_layout")


# --- background work ---------------------------------------------------------------------------


class WorkSignals(QObject):
    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(str)


class Work(QRunnable):
    """Runs a core function on the thread pool; `cancel()` makes the core raise LayoutCancelled."""

    def __init__(self, function: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.function = function
        self.kwargs = kwargs
        self.signals = WorkSignals()
        self.stop = threading.Event()

    def cancel(self) -> None:
        self.stop.set()

    def run(self) -> None:
        try:
            result = self.function(progress=self.signals.progress.emit, cancelled=self.stop.is_set, **self.kwargs)
        except core.LayoutCancelled:
            self.signals.failed.emit("cancelled")
            return
        except Exception as error:  # noqa: BLE001 - reported to the analyst, not swallowed
            self.signals.failed.emit(f"{type(error).__name__}: {error}")
            return
        self.signals.finished.emit(result)


# --- drawing -------------------------------------------------------------------------------------


def add_shape(path: QPainterPath, shape: str, x: float, y: float, r: float) -> None:
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


class ChartItem(QGraphicsItem):
    """The whole link chart as one item: edges, arrowheads, actors and labels from cached paths."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.graph = core.CaseGraph()
        self.graph_slice = core.GraphSlice([], [])
        self.xy: Any = None  # numpy (n, 2)
        self.radius: Any = None
        self.pinned: Any = None
        self.colour_by = "kind"
        self.community: dict[str, int] = {}
        self.degree: list[int] = []
        self.offsets: list[float] = []
        self.selected_nodes: set[int] = set()
        self.selected_edges: set[int] = set()
        self.related_nodes: set[int] = set()
        self.related_edges: set[int] = set()
        self.path_nodes: set[int] = set()
        self.path_edges: set[int] = set()
        self.label_font = QFont()
        self.label_font.setPointSizeF(8.5)
        self.edge_font = QFont()
        self.edge_font.setPointSizeF(7.5)
        self.label_metrics = QFontMetricsF(self.label_font)
        self.edge_metrics = QFontMetricsF(self.edge_font)
        self.label_widths: list[float] = []
        self._bounds = QRectF(-100, -100, 200, 200)
        self._edge_paths: dict[tuple, QPainterPath] = {}
        self._overview_paths: dict[bool, QPainterPath] = {}
        self._arrow_paths: dict[bool, QPainterPath] = {}
        self._node_paths: dict[tuple[str, str], QPainterPath] = {}
        self._geometry: dict[str, Any] = {}

    # data in
    def set_graph(self, graph: core.CaseGraph, graph_slice: core.GraphSlice, xy: Any, pinned: Any) -> None:
        self.graph = graph
        self.graph_slice = graph_slice
        self.degree = graph.degrees()
        self.offsets = core.parallel_offsets(graph.src, graph.dst)
        self.label_widths = [self.label_metrics.horizontalAdvance(name) for name in graph.names]
        self.pinned = pinned
        self.xy = None  # the old positions belong to the old graph
        self.set_sizes(None)
        self.set_positions(xy)

    def set_slice(self, graph_slice: core.GraphSlice) -> None:
        self.graph_slice = graph_slice
        self.rebuild()

    def set_sizes(self, values: list[float] | None) -> None:
        import numpy as np

        n = self.graph.n
        if values is None or not n:
            self.radius = np.full(n, NODE_RADIUS)
        else:
            v = np.asarray(values, dtype=float)
            top = v.max() if len(v) and v.max() > 0 else 1.0
            self.radius = 6.0 + 16.0 * np.sqrt(np.clip(v, 0, None) / top)
        if self.xy is not None:
            self.rebuild()

    def set_positions(self, xy: Any) -> None:
        self.xy = xy
        self.rebuild()

    def label_boxes(self) -> Any:
        """(left, top, right, bottom) of each actor's marker and label around its position."""
        import numpy as np

        height = self.label_metrics.height()
        r = self.radius if self.radius is not None else np.full(self.graph.n, NODE_RADIUS)
        half = np.maximum(np.asarray(self.label_widths) / 2 + 2, r)
        return np.stack([-half, -r, half, r + 2 + height], axis=1)

    # geometry
    def edge_geometry(self) -> dict[str, Any]:
        """Start, bend (control) and end points of every relation, clipped to the actor markers."""
        import numpy as np

        g = self.graph
        if not g.m or self.xy is None:
            empty = np.zeros((0, 2))
            return {"p0": empty, "c": empty, "p1": empty, "mid": empty, "shown": np.zeros(0, bool)}
        src, dst = np.asarray(g.src), np.asarray(g.dst)
        a, b = self.xy[src], self.xy[dst]
        vector = b - a
        length = np.hypot(vector[:, 0], vector[:, 1])
        length[length < 1e-6] = 1e-6
        unit = vector / length[:, None]
        normal = np.stack([-unit[:, 1], unit[:, 0]], axis=1)
        control = (a + b) / 2 + normal * (np.asarray(self.offsets) * BEND)[:, None] * 2
        # Clip each end at the marker's edge, measured toward the control point.
        start_dir = control - a
        start_dir /= np.maximum(np.hypot(start_dir[:, 0], start_dir[:, 1]), 1e-6)[:, None]
        end_dir = control - b
        end_dir /= np.maximum(np.hypot(end_dir[:, 0], end_dir[:, 1]), 1e-6)[:, None]
        p0 = a + start_dir * (self.radius[src] + 1)[:, None]
        p1 = b + end_dir * (self.radius[dst] + 2)[:, None]
        mid = 0.25 * p0 + 0.5 * control + 0.25 * p1
        shown = np.asarray(self.graph_slice.edge_state) != core.OUT if g.m else np.zeros(0, bool)
        return {"p0": p0, "c": control, "p1": p1, "mid": mid, "shown": shown, "end_dir": end_dir}

    def rebuild(self) -> None:
        """Rebuild the cached paths after positions, sizes, the slice or the colouring changed."""
        import numpy as np

        self.prepareGeometryChange()
        g = self.graph
        self._edge_paths, self._arrow_paths, self._node_paths = {}, {}, {}
        self._overview_paths = {}
        if self.xy is None or not g.n or len(self.xy) != g.n:
            self._bounds = QRectF(-100, -100, 200, 200)
            self._geometry = {}
            self.update()
            return
        geometry = self.edge_geometry()
        self._geometry = geometry
        states = self.graph_slice.edge_state
        for e in range(g.m):
            state = states[e]
            if state == core.OUT:
                continue
            key = (core.line_style(g.confidences[e], g.sources[e]), round(core.edge_width(g.citations[e]), 1),
                   state == core.UNCERTAIN)
            path = self._edge_paths.get(key)
            if path is None:
                path = self._edge_paths[key] = QPainterPath()
            self._add_edge(path, geometry, e)
            if g.m > OVERVIEW_FROM_EDGES:
                overview = self._overview_paths.get(state == core.UNCERTAIN)
                if overview is None:
                    overview = self._overview_paths[state == core.UNCERTAIN] = QPainterPath()
                overview.moveTo(float(geometry["p0"][e][0]), float(geometry["p0"][e][1]))
                overview.lineTo(float(geometry["p1"][e][0]), float(geometry["p1"][e][1]))
            if g.directed[e]:
                arrows = self._arrow_paths.get(state == core.UNCERTAIN)
                if arrows is None:
                    arrows = self._arrow_paths[state == core.UNCERTAIN] = QPainterPath()
                self._add_arrow(arrows, geometry, e)
        shown = self.graph_slice.node_shown
        for v in range(g.n):
            if not shown[v]:
                continue
            key = (self.node_colour(v), KIND_STYLE.get(g.kinds[v], KIND_STYLE["other"])[1])
            path = self._node_paths.get(key)
            if path is None:
                path = self._node_paths[key] = QPainterPath()
            add_shape(path, key[1], float(self.xy[v, 0]), float(self.xy[v, 1]), float(self.radius[v]))
        boxes = self.label_boxes()
        shown_mask = np.asarray(shown, dtype=bool)
        xy = self.xy[shown_mask] if shown_mask.any() else self.xy
        boxes = boxes[shown_mask] if shown_mask.any() else boxes
        low = np.min(xy + boxes[:, :2], axis=0) - 8
        high = np.max(xy + boxes[:, 2:], axis=0) + 8
        self._bounds = QRectF(float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1]))
        self.update()

    def node_colour(self, v: int) -> str:
        if self.colour_by == "community" and self.community:
            number = self.community.get(self.graph.ids[v])
            return "#DDDDDD" if number is None else COMMUNITY_COLOURS[(number - 1) % len(COMMUNITY_COLOURS)]
        return self.graph.colors[v] or KIND_STYLE.get(self.graph.kinds[v], KIND_STYLE["other"])[0]

    @staticmethod
    def _add_edge(path: QPainterPath, geometry: dict[str, Any], e: int) -> None:
        p0, c, p1 = geometry["p0"][e], geometry["c"][e], geometry["p1"][e]
        path.moveTo(float(p0[0]), float(p0[1]))
        mid = (p0 + p1) / 2
        if abs(c[0] - mid[0]) + abs(c[1] - mid[1]) > 0.5:
            path.quadTo(float(c[0]), float(c[1]), float(p1[0]), float(p1[1]))
        else:
            path.lineTo(float(p1[0]), float(p1[1]))

    @staticmethod
    def _add_arrow(path: QPainterPath, geometry: dict[str, Any], e: int) -> None:
        tip = geometry["p1"][e]
        direction = -geometry["end_dir"][e]  # pointing into the target
        dx, dy = float(direction[0]), float(direction[1])
        size, half = 9.0, 3.8
        base_x, base_y = float(tip[0]) - dx * size, float(tip[1]) - dy * size
        path.addPolygon(QPolygonF([
            QPointF(float(tip[0]), float(tip[1])),
            QPointF(base_x - dy * half, base_y + dx * half),
            QPointF(base_x + dy * half, base_y - dx * half),
            QPointF(float(tip[0]), float(tip[1])),
        ]))

    # QGraphicsItem
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        import numpy as np

        g = self.graph
        if self.xy is None or not g.n or len(self.xy) != g.n or not self._geometry:
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        exposed = option.exposedRect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, g.m < 4000 or lod > 0.5)
        focus = bool(self.selected_nodes or self.selected_edges or self.path_nodes)
        base_opacity = 0.22 if focus else 1.0
        # relations
        if self._overview_paths and lod < OVERVIEW_LOD:
            # Zoomed out on a big chart, dashes and arrowheads are a few pixels wide and cannot be
            # told apart; thin solid lines show the structure and draw an order of magnitude faster.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for faded, path in self._overview_paths.items():
                painter.setPen(QPen(EDGE_COLOUR, 0))  # cosmetic hairline: the rasterizer's fast path
                painter.setOpacity(base_opacity * (FADED_ALPHA if faded else 0.55))
                painter.drawPath(path)
        for (style, width, faded), path in ([] if self._overview_paths and lod < OVERVIEW_LOD
                                            else self._edge_paths.items()):
            pen = QPen(EDGE_COLOUR, width)
            pen.setStyle(LINE_STYLES[style])
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setOpacity(base_opacity * (FADED_ALPHA if faded else 1.0))
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        for faded, path in ([] if self._overview_paths and lod < OVERVIEW_LOD else self._arrow_paths.items()):
            painter.setOpacity(base_opacity * (FADED_ALPHA if faded else 1.0))
            painter.fillPath(path, QBrush(EDGE_COLOUR))
        painter.setOpacity(1.0)
        if focus:
            self._paint_focus_edges(painter)
        # actors
        outline = QPen(QColor(30, 30, 30), 1.0)
        outline.setCosmetic(True)
        overview = g.n > OVERVIEW_FROM_EDGES // 4 and lod < OVERVIEW_LOD
        if overview:  # thousands of markers a few pixels wide: no outlines, no smoothing
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for (colour, _shape), path in self._node_paths.items():
            painter.setOpacity(0.3 if focus else 1.0)
            painter.setPen(Qt.PenStyle.NoPen if overview else outline)
            painter.setBrush(QBrush(QColor(colour)))
            painter.drawPath(path)
        painter.setOpacity(1.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        shown = np.asarray(self.graph_slice.node_shown)
        if focus:
            self._paint_focus_nodes(painter, shown)
        if self.pinned is not None and self.pinned.any():
            pin_pen = QPen(QColor(20, 20, 20), 1.2)
            pin_pen.setCosmetic(True)
            painter.setPen(pin_pen)
            painter.setBrush(QBrush(QColor(255, 255, 255)))
            for v in np.flatnonzero(self.pinned & shown).tolist():
                x, y, r = float(self.xy[v, 0]), float(self.xy[v, 1]), float(self.radius[v])
                painter.drawEllipse(QPointF(x + r * 0.75, y - r * 0.75), 2.6, 2.6)
        self._paint_edge_labels(painter, exposed, lod, focus)
        self._paint_labels(painter, exposed, lod, shown, focus)

    def _paint_focus_edges(self, painter: QPainter) -> None:
        g, geometry = self.graph, self._geometry
        for edges, colour, extra in ((self.related_edges, EDGE_COLOUR, 0.0), (self.selected_edges, SELECTED, 1.5),
                                     (self.path_edges, HIGHLIGHT, 2.5)):
            for e in edges:
                if e >= g.m or self.graph_slice.edge_state[e] == core.OUT:
                    continue
                path = QPainterPath()
                self._add_edge(path, geometry, e)
                pen = QPen(colour, core.edge_width(g.citations[e]) + extra)
                pen.setStyle(LINE_STYLES[core.line_style(g.confidences[e], g.sources[e])])
                painter.setOpacity(FADED_ALPHA + 0.3 if self.graph_slice.edge_state[e] == core.UNCERTAIN else 1.0)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(path)
                if g.directed[e]:
                    arrow = QPainterPath()
                    self._add_arrow(arrow, geometry, e)
                    painter.fillPath(arrow, QBrush(colour))
        painter.setOpacity(1.0)

    def _paint_focus_nodes(self, painter: QPainter, shown: Any) -> None:
        g = self.graph
        outline = QPen(QColor(30, 30, 30), 1.0)
        outline.setCosmetic(True)
        for group, pen in ((self.related_nodes, outline), (self.path_nodes, QPen(HIGHLIGHT, 3.0)),
                           (self.selected_nodes, QPen(SELECTED, 3.0))):
            for v in group:
                if v >= g.n or not shown[v]:
                    continue
                path = QPainterPath()
                shape = KIND_STYLE.get(g.kinds[v], KIND_STYLE["other"])[1]
                add_shape(path, shape, float(self.xy[v, 0]), float(self.xy[v, 1]), float(self.radius[v]))
                painter.setPen(pen)
                painter.setBrush(QBrush(QColor(self.node_colour(v))))
                painter.drawPath(path)

    def _paint_labels(self, painter: QPainter, exposed: QRectF, lod: float, shown: Any, focus: bool) -> None:
        import numpy as np

        g = self.graph
        if lod * self.label_font.pointSizeF() < 4.5:
            return  # too small to read: zoom in to see names
        x, y = self.xy[:, 0], self.xy[:, 1]
        margin = 120
        inside = shown & (x >= exposed.left() - margin) & (x <= exposed.right() + margin) & (
            y >= exposed.top() - margin) & (y <= exposed.bottom() + margin)
        candidates = np.flatnonzero(inside)
        if len(candidates) > MAX_LABELS:
            degree = np.asarray(self.degree)[candidates]
            candidates = candidates[np.argsort(-degree, kind="stable")[:MAX_LABELS]]
        important = self.selected_nodes | self.related_nodes | self.path_nodes
        painter.setFont(self.label_font)
        ascent = self.label_metrics.ascent()
        halo = QColor(255, 255, 255, 200)
        for v in candidates.tolist():
            name = g.names[v]
            width = self.label_widths[v]
            left = float(x[v]) - width / 2
            top = float(y[v]) + float(self.radius[v]) + 2
            dim = focus and v not in important
            painter.setOpacity(0.35 if dim else 1.0)
            painter.fillRect(QRectF(left - 1, top, width + 2, self.label_metrics.height()), halo)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(left, top + ascent), name)
        painter.setOpacity(1.0)

    def _paint_edge_labels(self, painter: QPainter, exposed: QRectF, lod: float, focus: bool) -> None:
        import numpy as np

        g = self.graph
        if not g.m or lod * self.edge_font.pointSizeF() < 4.5:
            return
        mid = self._geometry["mid"]
        shown = self._geometry["shown"]
        inside = shown & (mid[:, 0] >= exposed.left() - 60) & (mid[:, 0] <= exposed.right() + 60) & (
            mid[:, 1] >= exposed.top() - 20) & (mid[:, 1] <= exposed.bottom() + 20)
        edges = np.flatnonzero(inside)
        if len(edges) > EDGE_LABELS_UP_TO and not focus:
            return  # a wall of text helps nobody: zoom in, or select an actor
        important = self.selected_edges | self.related_edges | self.path_edges
        if focus:
            edges = np.asarray([e for e in edges.tolist() if e in important], dtype=int)
        geometry = self._geometry
        # Names of actors come first; a relation's label goes where it overlaps nothing already
        # placed (its middle, else further along its line), or is left out.
        taken = [QRectF(float(self.xy[v, 0]) - self.label_widths[v] / 2 - float(self.radius[v]) * 0,
                        float(self.xy[v, 1]) - float(self.radius[v]),
                        self.label_widths[v], float(self.radius[v]) * 2 + 2 + self.label_metrics.height())
                 for v in range(g.n) if self.graph_slice.node_shown[v]
                 and exposed.adjusted(-150, -50, 150, 50).contains(QPointF(*map(float, self.xy[v])))]
        painter.setFont(self.edge_font)
        halo = QColor(255, 255, 255, 215)
        ascent = self.edge_metrics.ascent()
        height = self.edge_metrics.height()
        order = sorted(edges.tolist(), key=lambda e: (e not in important, -g.citations[e]))
        for e in order:
            text = g.edge_kinds[e]
            width = self.edge_metrics.horizontalAdvance(text)
            p0, c, p1 = geometry["p0"][e], geometry["c"][e], geometry["p1"][e]
            for t in (0.5, 0.38, 0.62, 0.28, 0.72):
                point = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t * t * p1
                rect = QRectF(float(point[0]) - width / 2 - 1, float(point[1]) - height / 2, width + 2, height)
                if not any(rect.intersects(other) for other in taken):
                    break
            else:
                continue
            taken.append(rect)
            painter.setOpacity(FADED_ALPHA + 0.2 if self.graph_slice.edge_state[e] == core.UNCERTAIN else 1.0)
            painter.fillRect(rect, halo)
            painter.setPen(QColor(90, 60, 20) if e in important else QColor(85, 85, 95))
            painter.drawText(QPointF(rect.left() + 1, rect.top() + ascent), text)
        painter.setOpacity(1.0)


def paint_legend(painter: QPainter, kinds: list[str], origin: QPointF, colour_by: str = "kind") -> QRectF:
    """The key to the chart: shapes of the kinds present, line styles, width, fading, direction."""
    font = QFont()
    font.setPointSizeF(7.5)
    metrics = QFontMetricsF(font)
    line = metrics.height() + 2
    styles = [("solid", "reported, 2+ sources"), ("dashed", "1 source, possible, likely"),
              ("dotted", "unverified or uncited"), ("dashdot", "planned")]
    extras = ["thicker: more citations", "faded: undated, may fall in window"]
    left_rows = len(kinds) if colour_by == "kind" else 1
    rows = max(left_rows, len(styles) + len(extras))
    column = max([metrics.horizontalAdvance(k) for k in kinds] + [60.0]) + 26
    second = max(metrics.horizontalAdvance(text) for text in [s[1] for s in styles] + extras) + 36
    rect = QRectF(origin.x(), origin.y() - rows * line - 10, column + second + 14, rows * line + 8)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(180, 180, 180), 1))
    painter.setBrush(QBrush(QColor(255, 255, 255, 232)))
    painter.drawRoundedRect(rect, 4, 4)
    painter.setFont(font)
    y = rect.top() + 4
    if colour_by == "kind":
        for k, kind in enumerate(kinds):
            colour, shape = KIND_STYLE.get(kind, KIND_STYLE["other"])
            path = QPainterPath()
            add_shape(path, shape, rect.left() + 12, y + k * line + line / 2, 5.0)
            painter.setPen(QPen(QColor(30, 30, 30), 0.8))
            painter.setBrush(QBrush(QColor(colour)))
            painter.drawPath(path)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(rect.left() + 22, y + k * line + metrics.ascent() + 1), kind)
    else:
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(QPointF(rect.left() + 8, y + metrics.ascent() + 1), "colour: community")
    x0 = rect.left() + column
    for k, (style, text) in enumerate(styles):
        pen = QPen(EDGE_COLOUR, 1.6)
        pen.setStyle(LINE_STYLES[style])
        painter.setPen(pen)
        yy = y + k * line + line / 2
        painter.drawLine(QPointF(x0, yy), QPointF(x0 + 20, yy))
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(QPointF(x0 + 26, y + k * line + metrics.ascent() + 1), text)
    k = len(styles)
    painter.setPen(QPen(EDGE_COLOUR, 4.0))
    painter.drawLine(QPointF(x0, y + k * line + line / 2), QPointF(x0 + 20, y + k * line + line / 2))
    painter.setOpacity(FADED_ALPHA)
    painter.setPen(QPen(EDGE_COLOUR, 1.6))
    painter.drawLine(QPointF(x0, y + (k + 1) * line + line / 2), QPointF(x0 + 20, y + (k + 1) * line + line / 2))
    painter.setOpacity(1.0)
    painter.setPen(QColor(20, 20, 20))
    for offset, text in enumerate(extras):
        painter.drawText(QPointF(x0 + 26, y + (k + offset) * line + metrics.ascent() + 1), text)
    painter.restore()
    return rect


def paint_legend_strip(painter: QPainter | None, kinds: list[str], width: float, colour_by: str = "kind") -> float:
    """The legend as a strip of entries that wraps at `width`; returns its height (None: measure only)."""
    font = QFont()
    font.setPointSizeF(7.5)
    metrics = QFontMetricsF(font)
    line = metrics.height() + 3
    entries: list[tuple[str, str, str]] = []  # (what, style, text)
    if colour_by == "kind":
        entries += [("kind", kind, kind) for kind in kinds]
    else:
        entries.append(("text", "", "colour: community"))
    entries += [("line", "solid", "reported, 2+ sources"), ("line", "dashed", "1 source, possible, likely"),
                ("line", "dotted", "unverified or uncited"), ("line", "dashdot", "planned"),
                ("wide", "solid", "thicker: more citations"), ("faded", "solid", "faded: undated, may fall in window")]
    x, y = 6.0, 3.0
    if painter is not None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(font)
    for what, style, text in entries:
        mark = 14.0 if what == "kind" else (0.0 if what == "text" else 24.0)
        span = mark + 4 + metrics.horizontalAdvance(text) + 12
        if x > 6 and x + span > width:
            x, y = 6.0, y + line
        if painter is not None:
            middle = y + line / 2
            if what == "kind":
                colour, shape = KIND_STYLE.get(style, KIND_STYLE["other"])
                path = QPainterPath()
                add_shape(path, shape, x + 6, middle, 5.0)
                painter.setPen(QPen(QColor(30, 30, 30), 0.8))
                painter.setBrush(QBrush(QColor(colour)))
                painter.drawPath(path)
            elif what != "text":
                pen = QPen(EDGE_COLOUR, 4.0 if what == "wide" else 1.6)
                pen.setStyle(LINE_STYLES[style])
                painter.setPen(pen)
                painter.setOpacity(FADED_ALPHA if what == "faded" else 1.0)
                painter.drawLine(QPointF(x, middle), QPointF(x + 20, middle))
                painter.setOpacity(1.0)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(x + mark + 4, y + (line - metrics.height()) / 2 + metrics.ascent()), text)
        x += span
    if painter is not None:
        painter.restore()
    return y + line + 3


class LegendOverlay(QWidget):
    """The legend as a strip under the chart, in a margin of the view, not over its viewport: a
    widget over the viewport would make every step of a pan repaint the whole chart."""

    def __init__(self, canvas: GraphCanvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.setObjectName("graph_legend")
        self.kinds: list[str] = []
        self.hide()

    def update_kinds(self) -> None:
        chart = self.canvas.chart
        self.kinds = sorted({k for k, s in zip(chart.graph.kinds, chart.graph_slice.node_shown, strict=True) if s},
                            key=lambda k: core.KINDS.index(k) if k in core.KINDS else 99)
        self.place()
        self.update()

    def place(self) -> None:
        canvas = self.canvas
        if not self.isVisibleTo(canvas):
            canvas.setViewportMargins(0, 0, 0, 0)
            return
        frame = canvas.frameWidth()
        width = canvas.width() - 2 * frame
        height = int(math.ceil(paint_legend_strip(None, self.kinds, width, canvas.chart.colour_by)))
        canvas.setViewportMargins(0, 0, 0, height)
        self.setGeometry(frame, canvas.height() - frame - height, width, height)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(244, 244, 240))
        painter.setPen(QColor(210, 210, 205))
        painter.drawLine(0, 0, self.width(), 0)
        paint_legend_strip(painter, self.kinds, self.width(), self.canvas.chart.colour_by)
        painter.end()


class GraphCanvas(QGraphicsView):
    """Zoom (wheel), pan (drag the background), click to select, drag an actor to move and pin it."""

    node_clicked = Signal(int, bool)  # node, add to selection
    edge_clicked = Signal(int, bool)
    background_clicked = Signal()
    nodes_moved = Signal(object)  # {node: (x, y)} after a drag
    context_requested = Signal(int, object)  # node, global position
    link_requested = Signal(int, int)  # Shift+drag from one actor to another: relate them

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graph_canvas")
        self.chart = ChartItem()
        self.setScene(QGraphicsScene(self))
        self.scene().addItem(self.chart)
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setBackgroundBrush(QBrush(QColor(252, 252, 250)))
        self.setMouseTracking(True)
        # Panning is by dragging the background; scroll bars would only take room from the chart.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.show_legend = True
        self.movable = True
        # A child of the view, not of its viewport: scrolling the chart does not move it.
        self.legend = LegendOverlay(self)
        self._press: QPointF | None = None
        self._drag_node = -1
        self._dragged = False
        self._pan_from: QPointF | None = None
        self._link_from = -1  # Shift+drag from an actor draws a line to the actor to relate it to
        self.link_line = QGraphicsLineItem()
        self.link_line.setPen(QPen(QColor(0, 90, 200), 0, Qt.PenStyle.DashLine))
        self.link_line.setZValue(50)
        self.link_line.hide()
        self.scene().addItem(self.link_line)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(600, 400)

    def update_scene_rect(self) -> None:
        bounds = self.chart.boundingRect()
        pad = max(bounds.width(), bounds.height(), 400) * 0.6
        self.setSceneRect(bounds.adjusted(-pad, -pad, pad, pad))

    def fit(self) -> None:
        """Show the whole chart, no larger than 100 % for a small chart."""
        self.update_scene_rect()
        bounds = self.chart.boundingRect()
        if not bounds.isValid() or bounds.width() <= 0 or bounds.height() <= 0:
            return
        view = self.viewport().size()
        scale = min(view.width() / bounds.width(), view.height() / bounds.height(), 1.0)
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(bounds.center())

    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.01 <= scale <= 8:
            self.scale(factor, factor)

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.zoom(1.0015 ** event.angleDelta().y())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.legend.place()

    def update_legend(self) -> None:
        self.legend.setVisible(self.show_legend and self.chart.graph.n > 0)
        self.legend.update_kinds()

    # mouse
    def _scene_point(self, event: Any) -> QPointF:
        return self.mapToScene(event.position().toPoint())

    def node_at(self, point: QPointF) -> int:
        chart = self.chart
        if chart.xy is None:
            return -1
        import numpy as np

        tolerance = 3.0 / max(self.transform().m11(), 1e-6)
        return core.nearest_node(chart.xy, np.asarray(chart.graph_slice.node_shown), point.x(), point.y(),
                                 chart.radius + tolerance)

    def edge_at(self, point: QPointF) -> int:
        geometry = self.chart._geometry
        if not geometry or not len(geometry.get("p0", ())):
            return -1
        tolerance = 5.0 / max(self.transform().m11(), 1e-6)
        return core.nearest_edge(geometry["p0"], geometry["mid"], geometry["p1"], geometry["shown"],
                                 point.x(), point.y(), tolerance)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            if event.button() == Qt.MouseButton.RightButton:
                node = self.node_at(self._scene_point(event))
                self.context_requested.emit(node, event.globalPosition().toPoint())
            return
        point = self._scene_point(event)
        self._press = event.position()
        self._dragged = False
        self._drag_node = self.node_at(point)
        self._link_from = -1
        if self._drag_node >= 0 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.movable:
            self._link_from = self._drag_node
        if self._drag_node < 0:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self._press is None:
            node = self.node_at(self._scene_point(event))
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if node >= 0 else Qt.CursorShape.ArrowCursor)
            self._show_tooltip(event, node)
            return
        moved = (event.position() - self._press).manhattanLength() > 3
        if self._link_from >= 0 and (moved or self._dragged):
            self._dragged = True
            start, end = self.chart.xy[self._link_from], self._scene_point(event)
            self.link_line.setLine(float(start[0]), float(start[1]), end.x(), end.y())
            self.link_line.show()
            return
        if self._drag_node >= 0 and self.movable and (moved or self._dragged):
            self._dragged = True
            point = self._scene_point(event)
            xy = self.chart.xy.copy()
            xy[self._drag_node] = (point.x(), point.y())
            self.chart.set_positions(xy)
        elif self._pan_from is not None and (moved or self._dragged):
            self._dragged = True
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        add = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        node, dragged, link_from = self._drag_node, self._dragged, self._link_from
        self._press, self._pan_from, self._drag_node, self._dragged = None, None, -1, False
        self._link_from = -1
        self.link_line.hide()
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        if link_from >= 0 and dragged:
            target = self.node_at(self._scene_point(event))
            if target >= 0 and target != link_from:
                self.link_requested.emit(link_from, target)
            return
        if dragged and node >= 0:
            self.update_scene_rect()
            self.nodes_moved.emit({node: (float(self.chart.xy[node, 0]), float(self.chart.xy[node, 1]))})
            return
        if dragged:
            return
        point = self._scene_point(event)
        if node >= 0:
            self.node_clicked.emit(node, add)
            return
        edge = self.edge_at(point)
        if edge >= 0:
            self.edge_clicked.emit(edge, add)
        else:
            self.background_clicked.emit()

    def _show_tooltip(self, event: Any, node: int) -> None:
        from PySide6.QtWidgets import QToolTip

        g = self.chart.graph
        if node >= 0:
            text = f"{g.names[node]}\n{g.kinds[node]} · {self.chart.degree[node]} ties"
        else:
            edge = self.edge_at(self._scene_point(event))
            if edge < 0:
                QToolTip.hideText()
                return
            text = (f"{g.names[g.src[edge]]} {'→' if g.directed[edge] else '↔'} {g.names[g.dst[edge]]}\n"
                    f"{g.edge_kinds[edge]}" + (f": {g.edge_labels[edge]}" if g.edge_labels[edge] else "")
                    + f"\n{g.confidences[edge]}, {g.citations[edge]} citations from {g.sources[edge]} sources")
        # QToolTip treats text that looks like rich text as HTML; escape so case text stays plain.
        from html import escape

        QToolTip.showText(event.globalPosition().toPoint(),
                          "<p style='white-space:pre'>" + escape(text) + "</p>", self)

    # export
    def render_image(self, scale: float = 2.0) -> QImage:
        bounds = self.chart.boundingRect().adjusted(-20, -20, 20, 20)
        kinds = sorted(set(self.chart.graph.kinds), key=lambda k: core.KINDS.index(k) if k in core.KINDS else 99)
        legend_height = (max(len(kinds), 6) + 1) * 16
        width = max(int(bounds.width() * scale), 200)
        height = max(int(bounds.height() * scale), 200) + int(legend_height * scale)
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        target = QRectF(0, 0, bounds.width() * scale, bounds.height() * scale)
        self.scene().render(painter, target, bounds)
        painter.scale(scale, scale)
        paint_legend(painter, kinds, QPointF(6, height / scale - 4), self.chart.colour_by)
        painter.end()
        return image

    def export_png(self, path: Path, scale: float = 2.0) -> bool:
        """Written through a temporary file beside `path`: a failure leaves the previous file as it was."""
        return save_png(self.render_image(scale), path)

    def export_svg(self, path: Path, title: str = "Actor graph") -> bool:
        """Written through a temporary file beside `path`: a failure leaves the previous file as it was."""
        bounds = self.chart.boundingRect().adjusted(-20, -20, 20, 20)
        kinds = sorted(set(self.chart.graph.kinds), key=lambda k: core.KINDS.index(k) if k in core.KINDS else 99)
        legend_height = (max(len(kinds), 6) + 1) * 16

        def paint(painter: QPainter) -> None:
            self.scene().render(painter, QRectF(0, 0, bounds.width(), bounds.height()), bounds)
            paint_legend(painter, kinds, QPointF(6, bounds.height() + legend_height - 4), self.chart.colour_by)

        return save_svg(path, bounds.width(), bounds.height() + legend_height, title, paint)


# --- analysis panel --------------------------------------------------------------------------------

METRIC_COLUMNS = ("Actor", "Kind", "Degree", "Betweenness", "Eigenvector", "Community", "Isolate")


class AnalysisPanel(QWidget):
    """Centralities, communities and isolates as a sortable, copyable table; paths and ego networks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.compute_button = QPushButton("Compute", self)
        self.compute_button.setToolTip("Compute the figures for the actors and relations shown now")
        self.copy_button = QPushButton("Copy table", self)
        self.path_button = QPushButton("Shortest path", self)
        self.path_button.setToolTip("Between the two selected actors (Ctrl+click the second on the chart)")
        self.ego_button = QPushButton("Ego network", self)
        self.ego_button.setToolTip("The selected actor and everyone within N ties of it")
        self.hops = QSpinBox(self)
        self.hops.setRange(1, 6)
        self.hops.setValue(2)
        self.hops.setSuffix(" hops")
        self.isolates_button = QPushButton("Select isolates", self)
        self.clear_button = QPushButton("Clear", self)
        self.status = QLabel("Figures are computed on the actors and relations shown.", self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.model = QStandardItemModel(0, len(METRIC_COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(METRIC_COLUMNS))
        self.model.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView(self)
        self.table.setObjectName("metrics_table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 190)
        row1 = QHBoxLayout()
        for widget in (self.compute_button, self.copy_button, self.isolates_button):
            row1.addWidget(widget)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        for widget in (self.path_button, self.ego_button, self.hops, self.clear_button):
            row2.addWidget(widget)
        row2.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.copy_button.clicked.connect(self.copy)
        self.ids: list[str] = []

    def show_metrics(self, graph: core.CaseGraph, metrics: core.Metrics | None) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.ids = []
        if metrics is None:
            return
        isolates = set(metrics.isolates)
        rows = []
        for k, actor_id in enumerate(metrics.ids):
            v = graph.index[actor_id]
            values: list[tuple[str, Any]] = [
                (graph.names[v], graph.names[v].casefold()), (graph.kinds[v], graph.kinds[v]),
                (str(metrics.degree[k]), metrics.degree[k]),
                (f"{metrics.betweenness[k]:.4f}", metrics.betweenness[k]),
                (f"{metrics.eigenvector[k]:.4f}", metrics.eigenvector[k]),
                (str(metrics.community[k]), metrics.community[k]),
                ("yes" if actor_id in isolates else "", actor_id in isolates),
            ]
            items = []
            for text, key in values:
                item = QStandardItem(text)
                item.setData(key, Qt.ItemDataRole.UserRole)
                item.setData(actor_id, Qt.ItemDataRole.UserRole + 1)
                items.append(item)
            rows.append(items)
            self.ids.append(actor_id)
        for items in rows:
            self.model.appendRow(items)
        self.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        self.status.setText(
            f"{len(metrics.ids)} actors shown. Betweenness: {metrics.methods.get('betweenness', '')}; "
            f"communities: {metrics.methods.get('communities', '')}.")

    def table_text(self) -> str:
        """The table as tab-separated text, in its current order, with a header row."""
        lines = ["\t".join(METRIC_COLUMNS)]
        for row in range(self.model.rowCount()):
            lines.append("\t".join(self.model.item(row, c).text() for c in range(self.model.columnCount())))
        return "\n".join(lines)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.table_text())

    def actor_at(self, row: int) -> str:
        return str(self.model.item(row, 0).data(Qt.ItemDataRole.UserRole + 1))


# --- the dock -----------------------------------------------------------------------------------------


class GraphPane(QWidget):
    """Toolbar, chart and, beside it, the analysis table and the actor and relation lists."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.graph = core.CaseGraph()
        self.graph_slice = core.GraphSlice([], [])
        self.metrics: core.Metrics | None = None
        self.metrics_stale = True
        self.stored: dict[str, core.Position] = {}
        self.auto_layout: dict[str, tuple[float, float]] | None = None
        self.work: Work | None = None
        self.play_windows: list[tuple[str, str]] = []
        self.play_step = -1
        self.last_message = ""

        self.actors = ListPane("actors", selection, self, ACTOR_WIDTHS)
        self.relations = ListPane("relations", selection, self, RELATION_WIDTHS)
        self.list_panes = {"actors": self.actors, "relations": self.relations}
        self.canvas = GraphCanvas(self)
        self.chart = self.canvas.chart
        self.analysis = AnalysisPanel(self)

        self.toolbar = QToolBar("Graph", self)
        self.toolbar.setObjectName("graph_toolbar")
        self.toolbar.setIconSize(QSize(16, 16))
        self.layout_choice = QComboBox(self)
        self.layout_choice.setObjectName("graph_layout")
        for key, text in core.LAYOUTS.items():
            self.layout_choice.addItem(text, key)
        self.layout_choice.setToolTip("Lay the chart out again (undoable; stored in the case file)")
        self.unpinned_only = QCheckBox("Unpinned only", self)
        self.unpinned_only.setToolTip("Leave pinned actors (dragged ones) where they are")
        self.relayout_action = QAction("Re-layout", self)
        self.fit_action = QAction("Fit", self)
        self.fit_action.setToolTip("Show the whole chart")
        self.size_choice = QComboBox(self)
        for key, text in SIZE_METRICS.items():
            self.size_choice.addItem(text, key)
        self.colour_choice = QComboBox(self)
        self.colour_choice.addItem("Colour: kind", "kind")
        self.colour_choice.addItem("Colour: community", "community")
        self.play_action = QAction("▶ Play", self)
        self.play_action.setCheckable(True)
        self.play_action.setToolTip("Step the time window day by day and watch the network grow")
        self.day_label = QLabel("", self)
        self.tables_action = QAction("Tables", self)
        self.tables_action.setCheckable(True)
        self.tables_action.setToolTip("Show the analysis table and the actor and relation lists beside the chart")
        self.legend_action = QAction("Legend", self)
        self.legend_action.setCheckable(True)
        self.legend_action.setChecked(True)
        self.export_action = QAction("Export…", self)
        self.export_menu = QMenu(self)
        self.export_png_action = self.export_menu.addAction("PNG image (2x)…")
        self.export_svg_action = self.export_menu.addAction("SVG drawing…")
        self.export_action.setMenu(self.export_menu)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(120)
        self.cancel_button = QPushButton("Cancel", self)
        for widget_or_action in (self.layout_choice, self.unpinned_only, self.relayout_action, self.fit_action, None,
                                 self.size_choice, self.colour_choice, None, self.play_action, self.day_label, None,
                                 self.legend_action, self.tables_action, self.export_action):
            if widget_or_action is None:
                self.toolbar.addSeparator()
            elif isinstance(widget_or_action, QAction):
                self.toolbar.addAction(widget_or_action)
            else:
                self.toolbar.addWidget(widget_or_action)
        self.progress_action = self.toolbar.addWidget(self.progress)
        self.cancel_action = self.toolbar.addWidget(self.cancel_button)
        self._show_busy(False)

        self.side = QTabWidget(self)
        self.side.setObjectName("graph_tabs")
        self.side.addTab(self.analysis, "Analysis")
        self.side.addTab(self.actors, "Actors")
        self.side.addTab(self.relations, "Relations")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setObjectName("graph_split")
        split.addWidget(self.canvas)
        split.addWidget(self.side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setCollapsible(0, False)
        self.side.setMinimumWidth(0)
        self.split = split
        self._split_placed = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(split, 1)

        self.rebuild_timer = QTimer(self)
        self.rebuild_timer.setSingleShot(True)
        self.rebuild_timer.timeout.connect(self.rebuild)
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(900)
        self.play_timer.timeout.connect(self._play_next)
        self.animation = QVariantAnimation(self)
        self.animation.setDuration(ANIMATION_MS)
        self.animation.setStartValue(0.0)
        self.animation.setEndValue(1.0)
        self.animation.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self.animation.valueChanged.connect(self._animate)
        self.animation.finished.connect(self._animation_done)
        self._from_xy: Any = None
        self._to_xy: Any = None

        self.layout_choice.activated.connect(lambda _i: self.apply_layout())
        self.relayout_action.triggered.connect(lambda: self.apply_layout())
        self.fit_action.triggered.connect(self.canvas.fit)
        self.size_choice.currentIndexChanged.connect(lambda _i: self._apply_sizes())
        self.colour_choice.currentIndexChanged.connect(lambda _i: self._apply_colouring())
        self.play_action.toggled.connect(self.play)
        self.legend_action.toggled.connect(self._toggle_legend)
        self.tables_action.toggled.connect(self.show_tables)
        split.splitterMoved.connect(lambda _pos, _index: self.tables_action.setChecked(split.sizes()[1] > 0))
        self.export_png_action.triggered.connect(self._ask_export_png)
        self.export_svg_action.triggered.connect(self._ask_export_svg)
        self.cancel_button.clicked.connect(self.cancel_work)
        self.canvas.node_clicked.connect(self._node_clicked)
        self.canvas.edge_clicked.connect(self._edge_clicked)
        self.canvas.background_clicked.connect(self._background_clicked)
        self.canvas.nodes_moved.connect(self._nodes_moved)
        self.canvas.link_requested.connect(self.relate)
        self.canvas.context_requested.connect(self._context_menu)
        self.analysis.compute_button.clicked.connect(lambda: self.compute_metrics(force=True))
        self.analysis.path_button.clicked.connect(self.show_shortest_path)
        self.analysis.ego_button.clicked.connect(self.show_ego_network)
        self.analysis.isolates_button.clicked.connect(self.select_isolates)
        self.analysis.clear_button.clicked.connect(self.clear_analysis_highlight)
        self.analysis.table.clicked.connect(lambda index: self._select_actors(
            [self.analysis.actor_at(index.row())]))
        self.side.currentChanged.connect(lambda _i: self._maybe_compute())
        selection.selection_changed.connect(self._selection_changed)
        selection.time_window_changed.connect(self._window_changed)
        selection.filter_changed.connect(lambda _f, _o: self._reslice())

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._split_placed:
            # The tables beside the chart only when there is room for both; else one click away.
            self._split_placed = True
            self.tables_action.setChecked(self.width() >= 900)
            self.show_tables(self.width() >= 900)

    def show_tables(self, on: bool) -> None:
        total = max(self.split.width(), 1)
        side = max(300, total // 3) if on else 0
        self.split.setSizes([max(total - side, 1), side])
        if on:
            self._maybe_compute()

    # the case
    def set_case(self, case: Case | None) -> None:
        if case is not self.case:
            self.cancel_work()
            self.play_action.setChecked(False)
        self.case = case
        self.actors.set_case(case)
        self.relations.set_case(case)
        self.auto_layout = None
        self.metrics = None
        self.metrics_stale = True
        self.rebuild_timer.start(0)  # after the window's first paint, not before it

    depends_on = frozenset({"actors", "relations", "event_actors", "citations", "meta", "actor_layout", "tags"})

    def case_changed(self, changes: Changes) -> None:
        if changes.touches({"actors", "relations", "event_actors", "citations", "meta"}):
            self.actors.set_case(self.case)
            self.relations.set_case(self.case)
        if changes.touches({"actors", "relations", "citations"}):
            self.auto_layout = None
            self.metrics_stale = True
            self.rebuild_timer.start(0)
        elif changes.touches({"actor_layout"}):
            self._positions_changed()
        elif changes.touches({"tags"}) and self.selection.filter.tags:
            self._reslice()

    def flush(self) -> None:
        """Build the chart now if a rebuild is pending (tests, screenshots)."""
        if self.rebuild_timer.isActive():
            self.rebuild_timer.stop()
            self.rebuild()

    def rebuild(self) -> None:
        """Load the graph from the case, place every actor and draw."""
        import numpy as np

        case = self.case
        if case is None or case.closed:
            self.graph = core.CaseGraph()
            self.graph_slice = core.GraphSlice([], [])
            self.chart.set_graph(self.graph, self.graph_slice, np.zeros((0, 2)), np.zeros(0, bool))
            self.analysis.show_metrics(self.graph, None)
            self.canvas.update_scene_rect()
            return
        self.graph = core.load_graph(case)
        self.stored = core.read_positions(case)
        self.play_windows = core.activity_days(case)
        self.graph_slice = self._slice()
        self.canvas.movable = not case.read_only
        missing = [a for a in self.graph.ids if a not in self.stored]
        pinned = np.array([self.stored.get(a, (0, 0, False))[2] for a in self.graph.ids], dtype=bool)
        if missing and self.graph.n > BACKGROUND_WORK_FROM:
            # Show something at once (stored positions, the rest on a circle), lay out off the UI thread.
            xy = core.circular_positions(self.graph.n, np.asarray(self.graph.src, dtype=np.int64),
                                         np.asarray(self.graph.dst, dtype=np.int64))
            for a, (x, y, _p) in self.stored.items():
                if a in self.graph.index:
                    xy[self.graph.index[a]] = (x, y)
            self.chart.set_graph(self.graph, self.graph_slice, xy, pinned)
            self._run_layout("force", automatic=True)
        else:
            xy = self._initial_positions()
            self.chart.set_graph(self.graph, self.graph_slice, xy, pinned)
        self._apply_sizes(redraw=False)
        self._apply_colouring(redraw=False)
        self.chart.rebuild()
        self.canvas.update_legend()
        self.canvas.fit()
        self._show_selection(self.selection.selection)
        self._maybe_compute()

    def _initial_positions(self) -> Any:
        """Stored positions; actors without one are placed by the force layout around the stored ones."""
        import numpy as np

        g = self.graph
        stored = {a: p for a, p in self.stored.items() if a in g.index}
        if len(stored) < g.n:
            layout = core.compute_layout(g, "force", current={a: (p[0], p[1]) for a, p in stored.items()},
                                         pinned=list(stored))
            xy = np.array([layout[a] for a in g.ids], dtype=float)
            if g.n <= LABEL_SEPARATION_UP_TO:
                fixed = np.array([a in stored for a in g.ids], dtype=bool)
                xy = core.separate_boxes(xy, self._boxes(), fixed)
        else:
            xy = np.zeros((g.n, 2))
        for a, (x, y, _pinned) in stored.items():
            xy[g.index[a]] = (x, y)
        return xy

    def _boxes(self) -> Any:
        import numpy as np

        g = self.graph
        self.chart.label_widths = [self.chart.label_metrics.horizontalAdvance(name) for name in g.names]
        if self.chart.radius is None or len(self.chart.radius) != g.n:
            self.chart.radius = np.full(g.n, NODE_RADIUS)
        return self.chart.label_boxes()

    def _slice(self) -> core.GraphSlice:
        window: TimeWindow = self.selection.time_window
        span = self.case.date_range() if self.case is not None and not self.case.closed else None
        case_filter = self.selection.filter
        marked = tagged(self.case, case_filter.tags)["actors"] if case_filter.tags and self.case else None
        return core.slice_graph(self.graph, window.start, window.end, span, case_filter, marked)

    def _reslice(self) -> None:
        if self.case is None or not self.graph.n:
            return
        self.graph_slice = self._slice()
        self.chart.set_slice(self.graph_slice)
        self.canvas.update_legend()
        self.metrics_stale = True
        self._show_selection(self.selection.selection)
        self._maybe_compute()

    def _window_changed(self, window: TimeWindow, origin: object) -> None:
        self._reslice()
        if origin is not self:
            self.day_label.setText("")

    def _positions_changed(self) -> None:
        """The stored positions changed (a command, its undo or redo): move the actors there."""
        import numpy as np

        if self.case is None or not self.graph.n:
            return
        self.stored = core.read_positions(self.case)
        target = self._initial_positions()
        self.chart.pinned = np.array([self.stored.get(a, (0, 0, False))[2] for a in self.graph.ids], dtype=bool)
        if self.chart.xy is not None and len(self.chart.xy) == len(target) and np.allclose(self.chart.xy, target):
            self.chart.update()
            return
        self._move_to(target)

    # layouts
    def apply_layout(self, name: str | None = None) -> None:
        """Lay the chart out (the chosen layout, or `name`) and store the positions as one undo step."""
        name = name or str(self.layout_choice.currentData())
        if name == "ego" and self._center() is None:
            self.last_message = "Select an actor first: the ego layout puts it in the centre."
            self.analysis.status.setText(self.last_message)
            return
        if self.graph.n > BACKGROUND_WORK_FROM:
            self._run_layout(name)
            return
        self._layout_done(name, self._compute_layout(name))

    def _center(self) -> str | None:
        chosen = self.selection.selection
        if chosen.table == "actors" and chosen.ids and chosen.ids[0] in self.graph.index:
            return chosen.ids[0]
        return None

    def _layout_arguments(self, name: str) -> dict[str, Any]:
        import numpy as np

        keep = self.unpinned_only.isChecked()
        pinned = [a for a in self.graph.ids if self.stored.get(a, (0, 0, False))[2]] if keep else []
        xy = self.chart.xy if self.chart.xy is not None else np.zeros((self.graph.n, 2))
        current = {a: (float(xy[i, 0]), float(xy[i, 1])) for i, a in enumerate(self.graph.ids)} if keep else None
        return {"graph": self.graph, "name": name, "center": self._center(), "current": current, "pinned": pinned}

    def _compute_layout(self, name: str) -> dict[str, tuple[float, float]]:
        return core.compute_layout(**self._layout_arguments(name))

    def _run_layout(self, name: str, automatic: bool = False) -> None:
        self.cancel_work()
        work = Work(core.compute_layout, **self._layout_arguments(name))
        work.signals.progress.connect(lambda f: self.progress.setValue(int(f * 100)))
        work.signals.finished.connect(lambda result: self._layout_done(name, result, automatic))
        work.signals.failed.connect(self._work_failed)
        self._start(work)

    def _layout_done(self, name: str, layout: dict[str, tuple[float, float]], automatic: bool = False) -> None:
        import numpy as np

        self._show_busy(False)
        self.work = None
        g = self.graph
        if not g.n or set(layout) != set(g.ids):
            return
        xy = np.array([layout[a] for a in g.ids], dtype=float)
        keep = self.unpinned_only.isChecked()
        pinned_mask = np.array([self.stored.get(a, (0, 0, False))[2] for a in g.ids], dtype=bool)
        if g.n <= LABEL_SEPARATION_UP_TO:
            xy = core.separate_boxes(xy, self.chart.label_boxes(), pinned_mask if keep else None)
        if automatic:
            self.auto_layout = layout
            self.chart.set_positions(xy)
            self.canvas.fit()
            return
        after = {a: (float(xy[i, 0]), float(xy[i, 1]), bool(pinned_mask[i] and keep)) for i, a in enumerate(g.ids)}
        self._move_to(xy)
        if self.case is not None and not self.case.read_only:
            push(self.selection.undo_stack, move_actors(self.case, after,
                                                       f"Lay out chart ({core.LAYOUTS.get(name, name).lower()})"))
            self.stored = {a: p for a, p in after.items()}
        self.chart.pinned = np.array([after[a][2] for a in g.ids], dtype=bool)

    def _move_to(self, target: Any) -> None:
        self.animation.stop()
        if self.chart.xy is None or len(self.chart.xy) != len(target) or self.graph.n > ANIMATE_UP_TO:
            self.chart.set_positions(target)
            self.canvas.update_scene_rect()
            return
        self._from_xy, self._to_xy = self.chart.xy.copy(), target
        self.animation.start()

    def _animate(self, value: Any) -> None:
        if self._from_xy is None:
            return
        t = float(value)
        self.chart.set_positions(self._from_xy + (self._to_xy - self._from_xy) * t)

    def _animation_done(self) -> None:
        if self._to_xy is not None:
            self.chart.set_positions(self._to_xy)
            self.canvas.update_scene_rect()
        self._from_xy = self._to_xy = None

    def finish_animation(self) -> None:
        if self.animation.state() == QVariantAnimation.State.Running:
            self.animation.stop()
            self._animation_done()

    def relate(self, from_node: int, to_node: int) -> str | None:
        """Shift+drag from one actor to another: a new relation between them, selected for editing."""
        if self.case is None or self.case.read_only:
            return None
        g = self.graph
        command = insert_record(self.case, "relations", {
            "from_actor_id": g.ids[from_node], "to_actor_id": g.ids[to_node], "kind": "related to",
            "directed": 1, "confidence": "reported"}, text=f"Relate {g.names[from_node]} to {g.names[to_node]}")
        if not push(self.selection.undo_stack, command):
            return None
        self.selection.select("relations", [command.record_id])
        return command.record_id

    def _nodes_moved(self, moved: dict[int, tuple[float, float]]) -> None:
        """A drag ended: store the actor's new place and pin it there (merged with the next drag)."""
        if self.case is None or self.case.read_only:
            return
        g = self.graph
        after = {g.ids[v]: (x, y, True) for v, (x, y) in moved.items()}
        if not any(self.stored.get(a) for a in after):
            # Not stored yet: the rest of the chart is only computed; store it too, so that the
            # file shows the chart as the analyst sees it.
            after = {**{a: (float(self.chart.xy[i, 0]), float(self.chart.xy[i, 1]),
                            bool(self.stored.get(a, (0, 0, False))[2])) for i, a in enumerate(g.ids)}, **after}
        names = ", ".join(g.names[v] for v in moved)
        if push(self.selection.undo_stack, move_actors(self.case, after, f"Move {names}",
                                                      merge_key=MOVE_MERGE_KEY)):
            self.stored.update(after)

    def set_pinned(self, actor_id: str, pinned: bool) -> None:
        if self.case is None or self.case.read_only or actor_id not in self.graph.index:
            return
        v = self.graph.index[actor_id]
        x, y = float(self.chart.xy[v, 0]), float(self.chart.xy[v, 1])
        push(self.selection.undo_stack, move_actors(self.case, {actor_id: (x, y, pinned)},
                                                    f"{'Pin' if pinned else 'Unpin'} {self.graph.names[v]}"))

    def _context_menu(self, node: int, where: Any) -> None:
        if node < 0:
            return
        actor_id = self.graph.ids[node]
        menu = QMenu(self)
        pinned = bool(self.stored.get(actor_id, (0, 0, False))[2])
        pin = menu.addAction("Unpin" if pinned else "Pin here")
        pin.setEnabled(self.case is not None and not self.case.read_only)
        ego = menu.addAction("Ego layout around this actor")
        chosen = menu.exec(where)
        if chosen is pin:
            self.set_pinned(actor_id, not pinned)
        elif chosen is ego:
            self._select_actors([actor_id])
            self.apply_layout("ego")

    # sizes and colours
    def _apply_sizes(self, redraw: bool = True) -> None:
        metric = str(self.size_choice.currentData())
        if metric == "uniform" or not self.graph.n:
            values = None
        else:
            if self.metrics is None or self.metrics_stale:
                self.compute_metrics(force=True)
                if self.metrics is None or self.metrics_stale:
                    return  # running in the background; sizes follow when it is done
            figures = self.metrics.of(metric)
            values = [figures.get(a, 0.0) for a in self.graph.ids]
        self.chart.set_sizes(values)
        if redraw:
            self.chart.update()

    def _apply_colouring(self, redraw: bool = True) -> None:
        by = str(self.colour_choice.currentData())
        if by == "community" and (self.metrics is None or self.metrics_stale):
            self.compute_metrics(force=True)
        self.chart.colour_by = by
        self.chart.community = dict(zip(self.metrics.ids, self.metrics.community, strict=True)) if self.metrics else {}
        self.canvas.update_legend()
        if redraw:
            self.chart.rebuild()

    def _toggle_legend(self, on: bool) -> None:
        self.canvas.show_legend = on
        self.canvas.update_legend()

    # analysis
    def _maybe_compute(self) -> None:
        """Small graphs: keep the figures current while the analysis table is in view."""
        if (self.side.currentWidget() is self.analysis and self.side.isVisible() and self.split.sizes()[1] > 0
                and self.metrics_stale
                and 0 < self.graph.n <= BACKGROUND_WORK_FROM):
            self.compute_metrics()

    def compute_metrics(self, force: bool = False) -> None:
        if not self.graph.n:
            return
        if self.graph.n > BACKGROUND_WORK_FROM:
            self.cancel_work()
            work = Work(core.analyse, graph=self.graph, graph_slice=self.graph_slice)
            work.signals.progress.connect(lambda f: self.progress.setValue(int(f * 100)))
            work.signals.finished.connect(self._metrics_done)
            work.signals.failed.connect(self._work_failed)
            self._start(work)
            return
        self._metrics_done(core.analyse(self.graph, self.graph_slice))

    def _metrics_done(self, metrics: core.Metrics) -> None:
        self._show_busy(False)
        self.work = None
        self.metrics = metrics
        self.metrics_stale = False
        self.analysis.show_metrics(self.graph, metrics)
        if str(self.size_choice.currentData()) != "uniform":
            self._apply_sizes()
        if self.chart.colour_by == "community":
            self._apply_colouring()

    def show_shortest_path(self) -> bool:
        chosen = self.selection.selection
        if chosen.table != "actors" or len(chosen.ids) != 2:
            self.analysis.status.setText("Select exactly two actors (Ctrl+click the second) for a shortest path.")
            return False
        nodes, edges = core.shortest_path(self.graph, chosen.ids[0], chosen.ids[1], self.graph_slice)
        self.chart.path_nodes = {self.graph.index[a] for a in nodes}
        self.chart.path_edges = {self.graph.edge_index[e] for e in edges}
        self.chart.update()
        if not nodes:
            self.analysis.status.setText("No chain of ties joins these two actors in the relations shown.")
            return False
        names = " → ".join(self.graph.names[self.graph.index[a]] for a in nodes)
        self.analysis.status.setText(f"Shortest path ({len(nodes) - 1} ties): {names}")
        return True

    def show_ego_network(self) -> dict[str, int]:
        center = self._center()
        if center is None:
            self.analysis.status.setText("Select an actor for its ego network.")
            return {}
        members = core.ego_network(self.graph, center, self.analysis.hops.value(), self.graph_slice)
        g = self.graph
        self.chart.path_nodes = {g.index[a] for a in members}
        inside = set(members)
        self.chart.path_edges = {e for e in range(g.m) if g.ids[g.src[e]] in inside and g.ids[g.dst[e]] in inside
                                 and self.graph_slice.edge_state[e] != core.OUT}
        self.chart.update()
        self.analysis.status.setText(
            f"Ego network of {g.names[g.index[center]]}: {len(members) - 1} actors within "
            f"{self.analysis.hops.value()} ties.")
        return members

    def select_isolates(self) -> None:
        if self.metrics is None or self.metrics_stale:
            self.compute_metrics(force=True)
        if self.metrics is not None:
            self._select_actors(self.metrics.isolates)
            self.analysis.status.setText(f"{len(self.metrics.isolates)} actors without a tie in the relations shown.")

    def clear_analysis_highlight(self) -> None:
        self.chart.path_nodes, self.chart.path_edges = set(), set()
        self.chart.update()

    # background work
    def _start(self, work: Work) -> None:
        self.work = work
        self.progress.setValue(0)
        self._show_busy(True)
        QThreadPool.globalInstance().start(work)

    def cancel_work(self) -> None:
        if self.work is not None:
            self.work.cancel()
            self.work = None
        self._show_busy(False)

    def wait_for_work(self, timeout_ms: int = 60000) -> None:
        QThreadPool.globalInstance().waitForDone(timeout_ms)

    def _work_failed(self, message: str) -> None:
        self._show_busy(False)
        self.work = None
        if message != "cancelled":
            self.analysis.status.setText(f"Could not finish: {message}")

    def _show_busy(self, busy: bool) -> None:
        self.progress_action.setVisible(busy)
        self.cancel_action.setVisible(busy)

    # selection
    def _node_clicked(self, node: int, add: bool) -> None:
        actor_id = self.graph.ids[node]
        chosen = self.selection.selection
        if add and chosen.table == "actors":
            ids = [a for a in chosen.ids if a != actor_id] if actor_id in chosen.ids else [*chosen.ids, actor_id]
        else:
            ids = [actor_id]
        self._select_actors(ids)

    def _select_actors(self, ids: list[str]) -> None:
        self.selection.select("actors" if ids else "", ids, origin=self)
        self._show_selection(self.selection.selection)

    def _edge_clicked(self, edge: int, add: bool) -> None:
        relation_id = self.graph.edge_ids[edge]
        chosen = self.selection.selection
        ids = [*chosen.ids, relation_id] if add and chosen.table == "relations" else [relation_id]
        self.selection.select("relations", ids, origin=self)
        self._show_selection(self.selection.selection)

    def _background_clicked(self) -> None:
        self.selection.clear(origin=self)
        self.clear_analysis_highlight()
        self._show_selection(self.selection.selection)

    def _selection_changed(self, selection: Selection, origin: object) -> None:
        if origin is self:
            return  # our own click: already shown
        self._show_selection(selection)

    def _show_selection(self, selection: Selection) -> None:
        """Mark the selection on the chart and what is tied to it; everything else fades."""
        g, chart = self.graph, self.chart
        chart.selected_nodes, chart.selected_edges = set(), set()
        chart.related_nodes, chart.related_edges = set(), set()
        if self.case is not None and not self.case.closed and selection and g.n:
            if selection.table == "actors":
                chart.selected_nodes = {g.index[a] for a in selection.ids if a in g.index}
            elif selection.table == "relations":
                chart.selected_edges = {g.edge_index[r] for r in selection.ids if r in g.edge_index}
            ties = related(self.case, selection.table, selection.ids)
            chart.related_nodes = {g.index[a] for a in ties.get("actors", ()) if a in g.index}
            chart.related_edges = {g.edge_index[r] for r in ties.get("relations", ()) if r in g.edge_index}
            if selection.table == "relations":
                chart.related_nodes |= {v for e in chart.selected_edges for v in (g.src[e], g.dst[e])}
            if selection.table in ("events", "sources") and not chart.related_nodes and not chart.related_edges:
                chart.related_nodes = set()
        chart.update()

    # play
    def play(self, on: bool) -> None:
        if not on:
            self.play_timer.stop()
            self.play_action.setText("▶ Play")
            return
        if not self.play_windows:
            self.play_action.setChecked(False)
            return
        self.play_step = -1
        self.play_action.setText("■ Stop")
        self._play_next()
        self.play_timer.start()

    def _play_next(self) -> None:
        self.play_step += 1
        if self.play_step >= len(self.play_windows):
            self.play_action.setChecked(False)
            return
        start, end = self.play_windows[self.play_step]
        self.selection.set_time_window(start, end, origin=self)
        zone = self.case.meta("timezone") if self.case is not None else "UTC"
        self.day_label.setText(f" up to {core.day_label(end, zone)} ")

    # saved views (workbench.ui.briefing)
    def view_state(self) -> dict[str, Any]:
        """What a saved view needs to put the chart back: every actor's place, zoom, centre, colouring,
        sizing, legend and the highlighted path or ego network."""
        self.flush()
        self.finish_animation()
        g, chart = self.graph, self.chart
        xy = chart.xy
        positions = ({a: [float(xy[i, 0]), float(xy[i, 1])] for i, a in enumerate(g.ids)}
                     if xy is not None and len(xy) == g.n else {})
        viewport = self.canvas.viewport().rect()
        centre = self.canvas.mapToScene(viewport.center())
        return {
            "positions": positions,
            "zoom": float(self.canvas.transform().m11()),
            "centre": [float(centre.x()), float(centre.y())],
            "viewport": [viewport.width(), viewport.height()],
            "colour_by": str(self.colour_choice.currentData()),
            "size_by": str(self.size_choice.currentData()),
            "legend": self.legend_action.isChecked(),
            "highlight": {"actors": [g.ids[v] for v in sorted(chart.path_nodes) if v < g.n],
                          "relations": [g.edge_ids[e] for e in sorted(chart.path_edges) if e < g.m]},
        }

    def restore_view_state(self, state: dict[str, Any], animate: bool = False) -> None:
        """Put the chart back as `view_state` saw it (shown only: the case's stored layout is not
        changed). In a viewport of another size the saved visible area is fitted into it."""
        import numpy as np

        self.flush()
        g, chart = self.graph, self.chart
        for combo, value in ((self.colour_choice, state.get("colour_by")), (self.size_choice, state.get("size_by"))):
            index = combo.findData(value) if isinstance(value, str) else -1
            if index >= 0 and index != combo.currentIndex():
                combo.setCurrentIndex(index)
        if isinstance(state.get("legend"), bool):
            self.legend_action.setChecked(state["legend"])
        positions = state.get("positions")
        target = chart.xy
        if isinstance(positions, dict) and g.n and chart.xy is not None and len(chart.xy) == g.n:
            target = chart.xy.copy()
            for actor_id, place in positions.items():
                v = g.index.get(actor_id) if isinstance(actor_id, str) else None
                if (v is not None and isinstance(place, list) and len(place) == 2
                        and all(isinstance(c, int | float) and math.isfinite(c) and abs(c) <= 1e9 for c in place)):
                    target[v] = place
            if animate:
                self._move_to(target)
            else:
                self.finish_animation()
                chart.set_positions(target)
        highlight = state.get("highlight")
        if isinstance(highlight, dict):
            actors, relations = highlight.get("actors"), highlight.get("relations")
            chart.path_nodes = {g.index[a] for a in actors if a in g.index} if isinstance(actors, list) else set()
            chart.path_edges = ({g.edge_index[r] for r in relations if r in g.edge_index}
                                if isinstance(relations, list) else set())
            chart.update()
        self.canvas.update_scene_rect()
        if target is not None and len(target):
            # While an animation runs the chart still has the old bounds: make room for the new ones.
            low, high = np.min(target, axis=0), np.max(target, axis=0)
            pad = max(float(high[0] - low[0]), float(high[1] - low[1]), 400.0) * 0.6
            self.canvas.setSceneRect(self.canvas.sceneRect().united(QRectF(
                float(low[0]) - pad, float(low[1]) - pad, float(high[0] - low[0]) + 2 * pad,
                float(high[1] - low[1]) + 2 * pad)))
        zoom, centre, saved = state.get("zoom"), state.get("centre"), state.get("viewport")
        if (isinstance(zoom, int | float) and math.isfinite(zoom) and 0.001 <= zoom <= 100
                and isinstance(centre, list) and len(centre) == 2
                and all(isinstance(c, int | float) and math.isfinite(c) for c in centre)):
            factor = 1.0
            now = self.canvas.viewport().rect()
            if (isinstance(saved, list) and len(saved) == 2 and all(isinstance(c, int) and c > 0 for c in saved)
                    and (saved[0], saved[1]) != (now.width(), now.height())):
                factor = min(now.width() / saved[0], now.height() / saved[1])
            self.canvas.resetTransform()
            self.canvas.scale(zoom * factor, zoom * factor)
            target_centre = QPointF(float(centre[0]), float(centre[1]))
            self.canvas.centerOn(target_centre)
            # centerOn rounds to whole pixels its own way: nudge to the pixel the view was saved at.
            shown = self.canvas.mapToScene(self.canvas.viewport().rect().center())
            scale = zoom * factor
            bars = ((self.canvas.horizontalScrollBar(), target_centre.x() - shown.x()),
                    (self.canvas.verticalScrollBar(), target_centre.y() - shown.y()))
            for bar, offset in bars:
                bar.setValue(bar.value() + round(offset * scale))

    # export
    def _ask_export_png(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export chart as PNG", "actor-graph.png", "PNG image (*.png)")
        if name:
            self.canvas.export_png(Path(name))

    def _ask_export_svg(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export chart as SVG", "actor-graph.svg", "SVG drawing (*.svg)")
        if name:
            title = self.case.title if self.case is not None else "Actor graph"
            self.canvas.export_svg(Path(name), title)
