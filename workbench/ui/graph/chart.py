"""The link chart as one QGraphicsItem: relations, arrowheads, actors and labels painted from cached paths.

One item paints cached paths (one per line style, one per actor kind) rather than one item per
actor and relation, so that a 5k-actor, 20k-relation chart pans without re-creating anything.
Text from the case is drawn with drawText only: it is never interpreted as markup.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from workbench.core.graph.geometry import edge_width, line_style, nearest_edge, nearest_node, parallel_offsets
from workbench.core.graph.model import CaseGraph
from workbench.core.graph.slicing import OUT, UNCERTAIN, GraphSlice
from workbench.ui.graph.style import (
    COMMUNITY_COLOURS,
    EDGE_COLOUR,
    FADED_ALPHA,
    HIGHLIGHT,
    KIND_STYLE,
    LINE_STYLES,
    NODE_RADIUS,
    SELECTED,
    add_shape,
)

BEND = 30.0  # chart units between two relations of the same two actors, at their middle
OVERVIEW_FROM_EDGES = 2000  # relations; bigger charts draw hairlines when zoomed out
OVERVIEW_LOD = 0.45  # zoom below which they do
EDGE_LABELS_UP_TO = 120  # relations in view; more are labelled when zoomed in or selected
MAX_LABELS = 600  # drawn per frame; beyond, only the best-connected actors are labelled


class ChartItem(QGraphicsItem):
    """The whole link chart as one item: edges, arrowheads, actors and labels from cached paths."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.graph = CaseGraph()
        self.graph_slice = GraphSlice([], [])
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
    def set_graph(self, graph: CaseGraph, graph_slice: GraphSlice, xy: Any, pinned: Any) -> None:
        self.graph = graph
        self.graph_slice = graph_slice
        self.degree = graph.degrees()
        self.offsets = parallel_offsets(graph.src, graph.dst)
        self.label_widths = [self.label_metrics.horizontalAdvance(name) for name in graph.names]
        self.pinned = pinned
        self.xy = None  # the old positions belong to the old graph
        self.set_sizes(None)
        self.set_positions(xy)

    def set_slice(self, graph_slice: GraphSlice) -> None:
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

    def label_boxes(self, graph: CaseGraph | None = None) -> Any:
        """(left, top, right, bottom) of each actor's marker and label around its position.

        Of `graph`, one about to be shown, when given: its names are measured in the chart's
        font, its markers at the chart's sizes if it has as many actors, else the default size.
        """
        import numpy as np

        graph = self.graph if graph is None else graph
        widths = (self.label_widths if graph is self.graph
                  else [self.label_metrics.horizontalAdvance(name) for name in graph.names])
        r = self.radius if self.radius is not None and len(self.radius) == graph.n else np.full(graph.n, NODE_RADIUS)
        height = self.label_metrics.height()
        half = np.maximum(np.asarray(widths) / 2 + 2, r)
        return np.stack([-half, -r, half, r + 2 + height], axis=1)

    # geometry
    @property
    def geometry(self) -> dict[str, Any]:
        """Where each relation was last drawn: "p0", "c", "p1" (start, bend, end), "mid" (where its
        label goes) and "shown", arrays by relation; empty while nothing is drawn."""
        return self._geometry

    def node_at(self, x: float, y: float, tolerance: float) -> int:
        """The shown actor whose marker, grown by `tolerance`, covers (x, y); the nearest if several, -1 if none."""
        import numpy as np

        if self.xy is None:
            return -1
        return nearest_node(self.xy, np.asarray(self.graph_slice.node_shown), x, y, self.radius + tolerance)

    def edge_at(self, x: float, y: float, tolerance: float) -> int:
        """The shown relation drawn within `tolerance` of (x, y), the nearest; -1 if none."""
        geometry = self._geometry
        if not geometry or not len(geometry.get("p0", ())):
            return -1
        return nearest_edge(geometry["p0"], geometry["mid"], geometry["p1"], geometry["shown"], x, y, tolerance)

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
        shown = np.asarray(self.graph_slice.edge_state) != OUT if g.m else np.zeros(0, bool)
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
            if state == OUT:
                continue
            key = (line_style(g.confidences[e], g.sources[e]), round(edge_width(g.citations[e]), 1),
                   state == UNCERTAIN)
            path = self._edge_paths.get(key)
            if path is None:
                path = self._edge_paths[key] = QPainterPath()
            self._add_edge(path, geometry, e)
            if g.m > OVERVIEW_FROM_EDGES:
                overview = self._overview_paths.get(state == UNCERTAIN)
                if overview is None:
                    overview = self._overview_paths[state == UNCERTAIN] = QPainterPath()
                overview.moveTo(float(geometry["p0"][e][0]), float(geometry["p0"][e][1]))
                overview.lineTo(float(geometry["p1"][e][0]), float(geometry["p1"][e][1]))
            if g.directed[e]:
                arrows = self._arrow_paths.get(state == UNCERTAIN)
                if arrows is None:
                    arrows = self._arrow_paths[state == UNCERTAIN] = QPainterPath()
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
                if e >= g.m or self.graph_slice.edge_state[e] == OUT:
                    continue
                path = QPainterPath()
                self._add_edge(path, geometry, e)
                pen = QPen(colour, edge_width(g.citations[e]) + extra)
                pen.setStyle(LINE_STYLES[line_style(g.confidences[e], g.sources[e])])
                painter.setOpacity(FADED_ALPHA + 0.3 if self.graph_slice.edge_state[e] == UNCERTAIN else 1.0)
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
            painter.setOpacity(FADED_ALPHA + 0.2 if self.graph_slice.edge_state[e] == UNCERTAIN else 1.0)
            painter.fillRect(rect, halo)
            painter.setPen(QColor(90, 60, 20) if e in important else QColor(85, 85, 95))
            painter.drawText(QPointF(rect.left() + 1, rect.top() + ascent), text)
        painter.setOpacity(1.0)

