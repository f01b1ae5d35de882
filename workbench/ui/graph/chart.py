"""The link chart as one QGraphicsItem: relations, arrowheads, actors and labels painted from cached paths.

One item paints cached paths (one per line style, one per actor kind) rather than one item per
actor and relation, so that a 5k-actor, 20k-relation chart pans without re-creating anything.
Text from the case is drawn with drawText only: it is never interpreted as markup.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from workbench.core.graph.geometry import (
    LabelBoard,
    edge_width,
    label_spacing,
    line_style,
    nearest_edge,
    nearest_node,
    parallel_offsets,
    place_labels,
    separate_boxes,
)
from workbench.core.graph.groups import (
    GROUP_FROM,
    SMALL_CLUSTERS,
    Grouping,
    group_ties,
    strongest_ties,
    tie_width,
)
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
from workbench.ui.paths import arrowheads_path, edges_path, segments_path

BEND = 30.0  # chart units between two relations of the same two actors, at their middle
OVERVIEW_FROM_EDGES = 1000  # relations; bigger charts draw faint hairlines when zoomed out
OVERVIEW_LOD = 0.45  # zoom below which they do
EDGE_LABELS_UP_TO = 120  # relations in view; more are labelled when zoomed in or selected
MAX_LABELS = 600  # placed per zoom; beyond, only the most important actors are candidates
LABEL_PT, EDGE_LABEL_PT = 8.5, 7.5  # names and relation labels at 100 % zoom and label size
MIN_LABEL_PT = 8.0  # names are never drawn smaller on screen: zoomed out, fewer actors are named instead
LABEL_CANDIDATES = 2000  # shown actors up to which every one is a candidate wherever the view is
FIT_TRIES_UP_TO = 200  # actors up to which Fit tries smaller zooms until every name fits
LABEL_PAD = 1.0  # pixels either side of a name, inside its halo
MARKER_OBSTACLE_PX = 2.0  # markers this wide (radius on screen) or more are kept clear of names
WRAP_FROM = 8  # names wider than this many line heights may go on two lines where one line does not fit
COLLAPSE_ISOLATES_FROM = 200  # actors: on bigger charts the isolated ones are drawn as one group
MIN_GROUP = 5  # isolated actors, fewer are drawn one by one
GROUP_RADIUS = 22.0  # chart units
GROUP_MIN_PX = 13.0
GROUP_AREA_SHARE = 0.2  # collapsed groups' markers cover at least this share of the area their centres span
GROUP_TEXT = "isolated actors (click to show)"
ISOLATES = -2  # what group_hit returns for the isolated actors' marker (groups are 0 or more)
GROUP_OWNER = 1 << 40  # a group marker's owner on the label board: never an actor's number
GROUP_FILL_ALPHA = 150  # a group marker's fill: its colour, a little see-through over the faint ties
TIE_ALPHA = 0.28  # ties between groups are faint: the groups stand out
EDGE_LABEL_ROOM = 1.3  # a relation is labelled only if its drawn length is this many times its label


def wrap_name(name: str, lines: int) -> str:
    """`name` broken at spaces into `lines` lines of about equal length ("Belarusian National TV\nand
    Radio Company"); fewer lines if it has too few spaces."""
    words = name.split(" ")
    if lines < 2 or len(words) < 2:
        return name
    target = len(name) / min(lines, len(words))
    out: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) / 2 > target and len(out) < lines - 1:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*out, line])


class ChartItem(QGraphicsItem):
    """The whole link chart as one item: edges, arrowheads, actors and labels from cached paths."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn_version = 0  # counts update(): a kept drawing of an older version is out of date
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
        # An event, source or claim selected elsewhere: its actors and relations are tinted (ringed
        # and drawn in the selection's colour) while the rest of the chart fades.
        self.tint_related = False
        # On a big chart the actors with no relation at all are drawn as one marked group (a grid of
        # hundreds of dots says nothing); a click on it shows them (`expand_isolates`).
        self.collapsed: Any = None  # numpy bool by actor, or None
        self.isolates_expanded = False
        self.group_centre: QPointF | None = None
        # Thousands of actors: communities or kinds drawn as one marker each (core.graph.groups), each
        # expanded by a click; the relations of a collapsed group are drawn as faint ties between markers.
        self.group_from = GROUP_FROM  # actors; the pane groups charts this big (tests lower it)
        self.grouping: Grouping | None = None
        self.expanded: set[int] = set()
        self.in_groups: Any = None  # numpy bool by actor: hidden inside a collapsed group
        self.group_xy: Any = None  # (k, 2) centres of the groups
        self.group_r: Any = None  # (k,) radii in chart units
        self.group_shown: Any = None  # (k,) members the slice shows; a group is drawn collapsed when > 0
        self._tie_paths: dict[float, QPainterPath] = {}
        self.ties: tuple[Any, Any, Any] = ((), (), ())  # (end, end, relations) of each tie between groups
        self.every_tie = False  # draw every tie between groups, not only the strongest (core strongest_ties)
        self.ties_drawn: Any = None  # numpy bool by tie: drawn
        # Ties weighted by the events behind them (an event table's '12 events'): width and, zoomed
        # out, the hairlines' weight; else a relation is as wide as its citations make it.
        self.weigh_ties = False
        self.label_scale = 1.0  # the label-size control: names, relation labels and their least size
        self.label_font = QFont()
        self.label_font.setPointSizeF(LABEL_PT)
        self.edge_font = QFont()
        self.edge_font.setPointSizeF(EDGE_LABEL_PT)
        self.label_metrics = QFontMetricsF(self.label_font)
        self.min_label_pt = MIN_LABEL_PT  # a slide read across a room asks for more
        self.edge_metrics = QFontMetricsF(self.edge_font)
        self.label_widths: list[float] = []
        self._bounds = QRectF(-100, -100, 200, 200)
        self._nominal = QRectF(self._bounds)  # markers and names at the chart's own size
        self._edge_paths: dict[tuple, QPainterPath] = {}
        self._overview_paths: dict[tuple[bool, int], QPainterPath] = {}  # (faded, weight or 0)
        self._arrow_paths: dict[bool, QPainterPath] = {}
        self._node_paths: dict[tuple[str, str], QPainterPath] = {}
        self._geometry: dict[str, Any] = {}
        self._version = 0  # bumped when what the labels are placed around changes
        self._labels: dict[str, Any] = {}  # the last placement of names and relation labels
        self.view_scale = 1.0  # the zoom of the view showing the chart: its bounds hold the labels at it
        self.label_area: QRectF | None = None  # on a big chart, where the view is: candidates come from there
        self.area_scale = 0.0  # the zoom `label_area` was last chosen for

    # data in
    def set_graph(self, graph: CaseGraph, graph_slice: GraphSlice, xy: Any, pinned: Any, draw: bool = True) -> None:
        """Show `graph` with actors at `xy`; with `draw` False the caller rebuilds the paths itself (once, after
        setting sizes, colours and groups)."""
        self.graph = graph
        self.graph_slice = graph_slice
        self.degree = graph.degrees()
        self.offsets = parallel_offsets(graph.src, graph.dst)
        self.label_widths = [self.label_metrics.horizontalAdvance(name) for name in graph.names]
        self.pinned = pinned
        self.xy = None  # the old positions belong to the old graph
        self.set_sizes(None)
        if draw:
            self.set_positions(xy)
        else:
            self.xy = xy

    def node_visible(self) -> Any:
        """Which actors are drawn one by one: shown by the slice and not in the isolates' group."""
        import numpy as np

        shown = np.asarray(self.graph_slice.node_shown, dtype=bool)
        if self.collapsed is not None and len(self.collapsed) == len(shown):
            shown = shown & ~self.collapsed
        if self.in_groups is not None and len(self.in_groups) == len(shown):
            shown = shown & ~self.in_groups
        return shown

    # groups
    def set_grouping(self, grouping: Grouping | None) -> None:
        """Draw `grouping`'s groups as one marker each (all collapsed), or every actor (None)."""
        self.grouping = grouping if grouping is not None and grouping.k else None
        self.expanded = set()
        self.rebuild()

    def expand_group(self, group: int, expand: bool = True) -> None:
        """Draw the members of `group` one by one (or, with `expand` False, as its marker again)."""
        if expand:
            self.expanded.add(group)
        else:
            self.expanded.discard(group)
        self.rebuild()

    def collapse_groups(self) -> None:
        self.expanded = set()
        self.rebuild()

    def collapsed_groups(self) -> list[int]:
        """The groups drawn as a marker now."""
        if self.group_shown is None:
            return []
        import numpy as np

        return [int(i) for i in np.flatnonzero(self.group_shown > 0) if int(i) not in self.expanded]

    def group_of(self, v: int) -> int:
        """The group actor `v` is in (-1: none)."""
        grouping = self.grouping
        return -1 if grouping is None or v >= len(grouping.member) else int(grouping.member[v])

    def group_hit(self, x: float, y: float, tolerance: float) -> int:
        """The collapsed group whose marker covers (x, y) (the smallest if several), ISOLATES for the
        isolated actors' marker, else -1."""
        import numpy as np

        groups = self.collapsed_groups()
        if groups:
            centres = self.group_xy[groups]
            radius = np.maximum(self.group_r[groups], GROUP_MIN_PX / max(self.view_scale, 1e-6)) + tolerance
            distance = np.hypot(centres[:, 0] - x, centres[:, 1] - y)
            inside = np.flatnonzero(distance <= radius)
            if len(inside):
                return groups[int(inside[np.argmin(radius[inside])])]
        return ISOLATES if self.group_at(x, y, tolerance) else -1

    def _collapse_groups(self) -> None:
        """Which actors are hidden in collapsed groups, and where each group's marker goes: at the
        middle of its members (as the layout placed them), moved apart until no two markers overlap."""
        import numpy as np

        self.in_groups, self.group_xy, self.group_r, self.group_shown = None, None, None, None
        g, grouping = self.graph, self.grouping
        if grouping is None or self.xy is None or len(grouping.member) != g.n or len(self.xy) != g.n:
            return
        member, k = grouping.member, grouping.k
        shown = np.asarray(self.graph_slice.node_shown, dtype=bool)
        grouped = member >= 0
        collapsed = np.ones(k + 1, dtype=bool)
        collapsed[list(self.expanded)] = False
        collapsed[k] = False  # member -1 reads the last entry
        self.in_groups = grouped & collapsed[member] & shown
        self.group_shown = np.bincount(member[grouped & shown], minlength=k)
        centre = np.zeros((k, 2))
        np.add.at(centre, member[grouped], self.xy[grouped])
        sizes = np.maximum(np.bincount(member[grouped], minlength=k), 1)
        centre /= sizes[:, None]
        # Area grows with the members, so a marker of 400 is about twice as wide as one of 100.
        radius = NODE_RADIUS * (1.2 + 0.55 * np.sqrt(np.maximum(self.group_shown, 1)))
        drawn = np.flatnonzero((self.group_shown > 0) & collapsed[:k])
        if len(drawn) > 1:
            # Markers as large as the chart's spread allows: a fifth of the area the groups span. Sized by
            # actors alone, a small group's marker came out a few pixels wide at Fit and was drawn at
            # GROUP_MIN_PX instead, larger than the room the separation below had kept it: markers overlapped.
            span = centre[drawn].max(axis=0) - centre[drawn].min(axis=0)
            area = float(np.prod(np.maximum(span, radius[drawn].max())))
            covered = float(np.pi * np.sum(radius[drawn] ** 2))
            radius = radius * max(1.0, math.sqrt(GROUP_AREA_SHARE * area / max(covered, 1e-9)))
        boxes = np.stack([-radius, -radius, radius, radius], axis=1)
        if 1 < len(drawn) <= 400:  # the quadratic separation; more groups than that are left as placed
            centre[drawn] = separate_boxes(centre[drawn], boxes[drawn], padding=NODE_RADIUS)
        self.group_xy, self.group_r = centre, radius

    def _end_points(self) -> tuple[Any, Any]:
        """Where each relation is drawn from and to: its actor (0 or more), or the collapsed group
        hiding it (-1 - group)."""
        import numpy as np

        src, dst = np.asarray(self.graph.src, dtype=np.int64), np.asarray(self.graph.dst, dtype=np.int64)
        if self.in_groups is None or self.grouping is None:
            return src, dst
        node = np.where(self.in_groups, -1 - self.grouping.member, np.arange(self.graph.n))
        return node[src], node[dst]

    def _build_ties(self) -> None:
        """One faint tie per pair of ends (group-group or group-actor), as wide as the relations it stands for;
        only the strongest (core strongest_ties) unless every tie is asked for."""
        import numpy as np

        self._tie_paths = {}
        self.ties = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
        self.ties_drawn = None
        if self.in_groups is None or not self.graph.m:
            return
        end_src, end_dst = self._end_points()
        shown = np.asarray(self.graph_slice.edge_state) != OUT
        weights = (np.asarray(self.graph.counts) if self.weigh_ties and len(self.graph.counts) == self.graph.m
                   else None)
        a, b, counts = group_ties(np.asarray(self.graph.src), np.asarray(self.graph.dst), end_src, end_dst, shown,
                                  weights)
        self.ties = (a, b, counts)
        drawn = np.ones(len(counts), dtype=bool) if self.every_tie else strongest_ties(a, b, counts)
        self.ties_drawn = drawn
        a, b, counts = a[drawn], b[drawn], counts[drawn]

        def place(end: Any) -> Any:
            end = np.asarray(end)
            out = np.zeros((len(end), 2))
            actor = end >= 0
            out[actor] = self.xy[end[actor]]
            out[~actor] = self.group_xy[-1 - end[~actor]]
            return out

        p, q = place(a), place(b)
        for width, x0, y0, x1, y1 in zip(np.round(tie_width(counts), 0).tolist(), p[:, 0].tolist(),
                                         p[:, 1].tolist(), q[:, 0].tolist(), q[:, 1].tolist(), strict=True):
            path = self._tie_paths.get(width)
            if path is None:
                path = self._tie_paths[width] = QPainterPath()
            path.moveTo(x0, y0)
            path.lineTo(x1, y1)

    def set_weigh_ties(self, on: bool) -> None:
        if on != self.weigh_ties:
            self.weigh_ties = on
            self.rebuild()

    def set_every_tie(self, on: bool) -> None:
        if on != self.every_tie:
            self.every_tie = on
            self.rebuild()

    @property
    def ties_thinned(self) -> bool:
        """Some ties between groups are not drawn (only the strongest are): the legend says so."""
        return self.ties_drawn is not None and not bool(self.ties_drawn.all())

    def edge_pen_width(self, e: int) -> float:
        """How wide relation `e` is drawn: by the events behind it when ties are weighted, else by its citations."""
        import numpy as np

        return float(self.edge_pen_widths(np.array([e]))[0])

    def edge_pen_widths(self, edges: Any) -> Any:
        """`edge_pen_width` of each relation in the array `edges` (core.graph's edge_width and tie_width)."""
        import numpy as np

        g = self.graph
        widths = edge_width(np.asarray(g.citations, dtype=np.int64)[edges])
        if self.weigh_ties:
            weighed = edges < len(g.counts)
            counts = np.asarray(g.counts, dtype=np.int64)
            widths[weighed] = tie_width(counts[edges[weighed]])
        return widths

    def group_tooltip(self, group: int) -> str:
        grouping = self.grouping
        assert grouping is not None and self.group_shown is not None
        count = int(self.group_shown[group])
        if grouping.by == "kind":
            what = f"{count:,} actors of the kind {grouping.names[group]}"
        elif grouping.names[group] == SMALL_CLUSTERS and grouping.leaders[group] < 0:
            what = f"{count:,} actors in small separate clusters (pairs, triples), tied to no one else"
        else:
            what = f"a community of {count:,} actors around {grouping.names[group]} (its best connected)"
        return f"{what}\nclick to show them one by one"

    def group_colour(self, group: int) -> str:
        grouping = self.grouping
        if grouping is not None and grouping.by == "kind":
            return KIND_STYLE.get(grouping.names[group], KIND_STYLE["other"])[0]
        if grouping is not None and grouping.leaders[group] < 0:
            return "#C8C8D0"
        return COMMUNITY_COLOURS[group % len(COMMUNITY_COLOURS)]

    def _collapse_isolates(self) -> None:
        import numpy as np

        self.collapsed, self.group_centre = None, None
        g = self.graph
        if self.isolates_expanded or g.n < COLLAPSE_ISOLATES_FROM or self.xy is None or len(self.xy) != g.n:
            return
        isolated = (np.asarray(self.degree) == 0) & np.asarray(self.graph_slice.node_shown, dtype=bool)
        if int(isolated.sum()) < MIN_GROUP:
            return
        self.collapsed = isolated
        # Under the middle of the connected chart, clear of it (the layouts put isolates anywhere).
        others = self.xy[np.asarray(self.graph_slice.node_shown, dtype=bool) & ~isolated]
        others = others if len(others) else self.xy
        x = float((others[:, 0].min() + others[:, 0].max()) / 2)
        y = float(others[:, 1].max()) + 2 * GROUP_RADIUS + 40.0
        self.group_centre = QPointF(x, y)

    def group_count(self) -> int:
        return 0 if self.collapsed is None else int(self.collapsed.sum())

    def group_at(self, x: float, y: float, tolerance: float) -> bool:
        """Whether (x, y) is on the isolates' group marker."""
        if self.group_centre is None:
            return False
        return math.hypot(x - self.group_centre.x(), y - self.group_centre.y()) <= self.group_radius() + tolerance

    def group_radius(self, scale: float | None = None) -> float:
        """The group marker's radius in chart units: GROUP_RADIUS, and never under GROUP_MIN_PX on screen."""
        scale = self.view_scale if scale is None else scale
        return max(GROUP_RADIUS, GROUP_MIN_PX / max(scale, 1e-6))

    def expand_isolates(self, expand: bool = True) -> None:
        self.isolates_expanded = expand
        self.rebuild()

    def set_slice(self, graph_slice: GraphSlice) -> None:
        self.graph_slice = graph_slice
        self.rebuild()

    def set_sizes(self, values: list[float] | None, draw: bool = True) -> None:
        """Size the markers by `values` (None: all alike); with `draw` False the caller rebuilds the paths."""
        import numpy as np

        n = self.graph.n
        if values is None or not n:
            self.radius = np.full(n, NODE_RADIUS)
        else:
            v = np.asarray(values, dtype=float)
            top = v.max() if len(v) and v.max() > 0 else 1.0
            self.radius = 6.0 + 16.0 * np.sqrt(np.clip(v, 0, None) / top)
        if self.xy is not None and draw:
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
        if self.xy is None:
            return -1
        return nearest_node(self.xy, self.node_visible(), x, y, self.radius + tolerance)

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

    def rebuild(self, names: bool = True) -> None:
        """Rebuild the cached paths after positions, sizes, the slice or the colouring changed. With `names`
        False the bounds leave the names out until the view next gives its zoom (`set_view_scale`): for a caller
        that fits the view at once, which places them for the new zoom (placing them twice cost a big chart's
        opening a tenth of a second)."""
        import numpy as np

        self.prepareGeometryChange()
        self._version += 1
        g = self.graph
        self._edge_paths, self._arrow_paths, self._node_paths = {}, {}, {}
        self._overview_paths = {}
        if self.xy is None or not g.n or len(self.xy) != g.n:
            self._bounds = QRectF(-100, -100, 200, 200)
            self._geometry = {}
            self.update()
            return
        self._collapse_isolates()
        self._collapse_groups()
        self._build_ties()
        geometry = self.edge_geometry()
        if self.in_groups is not None and g.m:  # a relation into a collapsed group is drawn as its tie
            visible = self.node_visible()
            geometry["shown"] = geometry["shown"] & visible[np.asarray(g.src)] & visible[np.asarray(g.dst)]
        self._geometry = geometry
        self._build_edge_paths(geometry)
        shown = self.node_visible()
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
        groups = self.collapsed_groups()
        every = not shown_mask.any() and not groups  # nothing shown: the bounds of the whole layout
        xy = self.xy if every else self.xy[shown_mask]
        boxes = boxes if every else boxes[shown_mask]
        if groups:  # group markers, and a line for their names under them
            r = self.group_r[groups]
            xy = np.vstack([xy, self.group_xy[groups]])
            boxes = np.vstack([boxes, np.stack([-r, -r, r, r + 2 + self.label_metrics.height()], axis=1)])
        low = np.min(xy + boxes[:, :2], axis=0) - 8
        high = np.max(xy + boxes[:, 2:], axis=0) + 8
        self._nominal = QRectF(float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1]))
        self._bounds = self._nominal.united(self._label_extent(self.view_scale)) if names else QRectF(self._nominal)
        self.update()

    def _build_edge_paths(self, geometry: dict[str, Any]) -> None:
        """The relations' paths, one per look (line style, width, faded), their arrowheads and, on a big chart,
        the hairlines drawn zoomed out: each built from arrays in one step (ui.paths)."""
        import numpy as np

        g = self.graph
        drawn = np.flatnonzero(np.asarray(geometry["shown"], dtype=bool))
        if not len(drawn):
            return
        faded = np.asarray(self.graph_slice.edge_state)[drawn] == UNCERTAIN
        widths = self.edge_pen_widths(drawn)
        looks: dict[tuple, list[int]] = {}
        styles: dict[tuple[str, int], str] = {}  # line_style by (confidence, sources up to 2): a few looks in all
        confidences, sources = g.confidences, g.sources
        for e, width, fade in zip(drawn.tolist(), widths.tolist(), faded.tolist(), strict=True):
            said = (confidences[e], min(sources[e], 2))
            style = styles.get(said)
            if style is None:
                style = styles[said] = line_style(*said)
            looks.setdefault((style, round(width, 1), fade), []).append(e)
        p0, control, p1 = geometry["p0"], geometry["c"], geometry["p1"]
        for key, members in looks.items():
            self._edge_paths[key] = edges_path(p0[members], control[members], p1[members])
        if g.m > OVERVIEW_FROM_EDGES:
            weights = (np.round(widths).astype(int) if self.weigh_ties else np.zeros(len(drawn), dtype=int))
            for fade in (False, True):
                for weight in np.unique(weights[faded == fade]).tolist():
                    rows = drawn[(faded == fade) & (weights == weight)]
                    self._overview_paths[(fade, int(weight))] = segments_path(p0[rows], p1[rows])
        directed = np.asarray(g.directed, dtype=bool)[drawn]
        for fade in (False, True):
            rows = drawn[directed & (faded == fade)]
            if len(rows):
                self._arrow_paths[fade] = arrowheads_path(p1[rows], -geometry["end_dir"][rows])

    # labels
    def set_label_scale(self, factor: float) -> None:
        """Draw names and relation labels `factor` times their usual size (1 to 2), and never smaller
        on screen than `factor` times MIN_LABEL_PT."""
        factor = min(max(float(factor), 1.0), 2.0)
        if factor == self.label_scale:
            return
        # Relative to the fonts as set (a slide sets larger ones), not to the window's defaults.
        label_pt = self.label_font.pointSizeF() / self.label_scale
        edge_pt = self.edge_font.pointSizeF() / self.label_scale
        self.label_scale = factor
        self.label_font.setPointSizeF(label_pt * factor)
        self.edge_font.setPointSizeF(edge_pt * factor)
        self.label_metrics = QFontMetricsF(self.label_font)
        self.edge_metrics = QFontMetricsF(self.edge_font)
        self.label_widths = [self.label_metrics.horizontalAdvance(name) for name in self.graph.names]
        self.rebuild()

    def set_view_scale(self, scale: float, area: QRectF | None = None) -> None:
        """The view now shows the chart at `scale` (and, for a big chart, `area` of it): the bounds
        grow to hold names drawn at their on-screen size there."""
        if scale <= 0:
            return
        if area is not None and self.label_area is not None and scale == self.area_scale:
            # The area Fit chose for this zoom, give or take the pixel the view's rounding moved it: the names
            # already placed for it stand (placing them again cost a big chart a tenth of a second per fit).
            slack = 2.0 / scale
            old = self.label_area
            if all(abs(a - b) <= slack for a, b in zip(area.getCoords(), old.getCoords(), strict=True)):
                area = old
        self.view_scale = self.area_scale = scale
        self.label_area = area
        if self.xy is None or not self.graph.n or len(self.xy) != self.graph.n or not self._geometry:
            return
        bounds = self._nominal.united(self._label_extent(scale))
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    def _label_extent(self, scale: float) -> QRectF:
        rects = list(self.label_rects(scale).values()) + list(self.group_label_rects(scale).values())
        extent = QRectF()
        for rect in rects:
            extent = extent.united(rect)
        return extent

    def fit_scale(self, width: float, height: float, limit: float = 1.0) -> tuple[float, QRectF]:
        """The zoom (up to `limit`) for a view of `width` x `height` pixels that shows every actor and
        names as many as it can, and the chart's point to centre. Names keep their screen size, so a
        smaller zoom makes room between them: the largest zoom that names every shown actor (on a
        chart up to FIT_TRIES_UP_TO actors), else the one that names most. Leaves `label_area` at the view."""
        import numpy as np

        if self.xy is None or not self.graph.n or len(self.xy) != self.graph.n or width <= 0 or height <= 0:
            return limit, QRectF(self._bounds)
        shown = self.node_visible()
        groups = self.collapsed_groups()
        every = not shown.any() and not groups  # nothing shown: frame the whole layout
        xy = self.xy if every else self.xy[shown]
        r = np.asarray(self.radius) if every else np.asarray(self.radius)[shown]
        if self.group_centre is not None:  # the isolates' group marker is framed too
            xy = np.vstack([xy, [[self.group_centre.x(), self.group_centre.y()]]])
            r = np.append(r, GROUP_RADIUS)
        if groups:  # and the groups' markers
            xy = np.vstack([xy, self.group_xy[groups]])
            r = np.append(r, self.group_r[groups])
        if groups:  # a small group's marker is drawn GROUP_MIN_PX wide at any zoom
            width, height = max(width - 2 * GROUP_MIN_PX, 1.0), max(height - 2 * GROUP_MIN_PX, 1.0)
        low, high = (xy - r[:, None]).min(axis=0), (xy + r[:, None]).max(axis=0)
        markers = QRectF(float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1]))
        centre = markers.center()
        # Room for a line of names above the top actor and below the bottom one: names at the view's
        # edge could otherwise only go inward, where the actors next to them are.
        line = QFontMetricsF(self._scaled_font(self.label_font, min(limit, 1.0))).height() + 4  # + gap, rounding
        top = min(limit, width / max(markers.width(), 1e-6),
                  max(height - 2 * line, height / 2) / max(markers.height(), 1e-6))
        wanted = min(int(shown.sum()) + len(groups), MAX_LABELS)
        tries = 20 if self.graph.n <= FIT_TRIES_UP_TO else 1
        best, best_named = top, -1
        scale = top
        for _try in range(tries):
            half_w, half_h = width / 2 / scale, height / 2 / scale
            self.label_area = QRectF(centre.x() - half_w, centre.y() - half_h, 2 * half_w, 2 * half_h)
            placement = self.label_placement(scale)
            named = len(placement["names"]) + len(placement["groups"])
            if named > best_named:
                best, best_named = scale, named
            if named >= wanted:
                break
            scale *= 0.93
        half_w, half_h = width / 2 / best, height / 2 / best
        self.label_area = QRectF(centre.x() - half_w, centre.y() - half_h, 2 * half_w, 2 * half_h)
        self.area_scale = best
        return best, markers

    def label_point_size(self, scale: float, font: QFont | None = None) -> float:
        """The on-screen size of names (or of `font`) at `scale`: as the chart's, never below MIN_LABEL_PT."""
        base = (font or self.label_font).pointSizeF()
        return max(base * scale, min(self.min_label_pt * self.label_scale, base))

    def _scaled_font(self, font: QFont, scale: float) -> QFont:
        scaled = QFont(font)
        scaled.setPointSizeF(self.label_point_size(scale, font))
        return scaled

    def label_order(self) -> list[int]:
        """Actors by how much their name matters: selected, then on a path or tied to the selection,
        then the best connected; only those shown (and, on a big chart, in `label_area`)."""
        import numpy as np

        shown = self.node_visible()
        if self.xy is None or not len(shown):
            return []
        candidates = np.flatnonzero(shown)
        if len(candidates) > LABEL_CANDIDATES and self.label_area is not None:
            area = self.label_area
            x, y = self.xy[candidates, 0], self.xy[candidates, 1]
            candidates = candidates[(x >= area.left()) & (x <= area.right()) & (y >= area.top())
                                    & (y <= area.bottom())]
        degree = np.asarray(self.degree)[candidates] if len(self.degree) == self.graph.n else np.zeros(len(candidates))
        rank = np.where(np.isin(candidates, list(self.selected_nodes)), 0,
                        np.where(np.isin(candidates, list(self.path_nodes | self.related_nodes)), 1, 2))
        order = candidates[np.lexsort((candidates, -degree, rank))]
        return order[:MAX_LABELS].tolist()

    def label_placement(self, scale: float) -> dict[str, Any]:
        """Where names and relation labels go at `scale`, in the chart's units times `scale` (screen
        pixels without the pan): {"font", "names": {actor: box}, "edge_font", "edges": {relation: box}}.
        Labels are drawn at their on-screen size and none overlaps another or a marker; those that
        do not fit are left out (see place_labels). Kept until the zoom, the chart or the selection changes."""
        import numpy as np

        key = (round(scale, 6), self._version, frozenset(self.selected_nodes), frozenset(self.related_nodes),
               frozenset(self.path_nodes), frozenset(self.selected_edges), frozenset(self.related_edges),
               frozenset(self.path_edges), self.tint_related, self.label_font.pointSizeF(), self.edge_font.pointSizeF(),
               None if self.label_area is None else tuple(round(c, 3) for c in self.label_area.getRect()))
        if self._labels.get("key") == key:
            return self._labels
        g = self.graph
        font = self._scaled_font(self.label_font, scale)
        edge_font = self._scaled_font(self.edge_font, scale)
        placement: dict[str, Any] = {"key": key, "font": font, "edge_font": edge_font, "names": {}, "edges": {},
                                     "text": {}, "groups": {}}
        if self.xy is None or not g.n or len(self.xy) != g.n or not self._geometry:
            self._labels = placement
            return placement
        metrics = QFontMetricsF(font)
        order = self.label_order()
        widths = np.zeros(g.n)
        wrapped: dict[int, list[tuple[float, float]]] = {}
        texts: dict[tuple[int, float], str] = {}  # (actor, box height) -> the name as drawn in it
        for v in order:
            widths[v] = metrics.horizontalAdvance(g.names[v]) + 2 * LABEL_PAD
            if widths[v] > WRAP_FROM * metrics.height():
                for lines in (2, 3):
                    text = wrap_name(g.names[v], lines)
                    if text.count("\n") != lines - 1:
                        break
                    height = lines * metrics.height()
                    texts[(v, round(height, 2))] = text
                    wrapped.setdefault(v, []).append(
                        (max(metrics.horizontalAdvance(part) for part in text.split("\n")) + 2 * LABEL_PAD, height))
        anchors = self.xy * scale
        radius = np.asarray(self.radius) * scale
        shown_mask = self.node_visible()
        area = self.label_area
        if area is not None and g.n > LABEL_CANDIDATES:  # markers far out of view cannot be in a name's way
            grown = area.adjusted(-area.width() / 4, -area.height() / 4, area.width() / 4, area.height() / 4)
            x, y = self.xy[:, 0], self.xy[:, 1]
            shown_mask = shown_mask & (x >= grown.left()) & (x <= grown.right()) & (y >= grown.top()) & (
                y <= grown.bottom())
        if scale * float(np.max(self.radius, initial=0.0)) < MARKER_OBSTACLE_PX:
            shown_mask = np.zeros_like(shown_mask)  # dots too small to hide: names may cover them
        shown = np.flatnonzero(shown_mask).tolist()
        board = LabelBoard(max(48.0, metrics.height() * 4))
        if self.group_centre is not None:  # the isolates' marker and its line of text keep names off
            gx, gy = self.group_centre.x() * scale, self.group_centre.y() * scale
            r = self.group_radius(scale) * scale
            half = max(r, metrics.horizontalAdvance(GROUP_TEXT) / 2 + 2)
            board.add((gx - half, gy - r, gx + half, gy + r + metrics.height() + 4))
        frame = None if area is None else (area.left() * scale, area.top() * scale, area.right() * scale,
                                           area.bottom() * scale)
        placement["groups"] = self._place_group_labels(scale, metrics, board, frame)
        placement["names"] = place_labels(anchors, radius, widths, metrics.height(), order, shown, board=board,
                                          frame=frame, wrapped=wrapped)
        # The text of each name as drawn: on two or three lines where only that fitted.
        placement["text"] = {v: texts.get((v, round(box[3] - box[1], 2)), g.names[v])
                             for v, box in placement["names"].items()}
        placement["edges"] = self._place_edge_labels(scale, edge_font, board)
        self._labels = placement
        return placement

    def _place_group_labels(self, scale: float, metrics: QFontMetricsF, board: LabelBoard,
                            frame: tuple[float, float, float, float] | None) -> dict[int, tuple]:
        """Each collapsed group's marker keeps names off it; its name goes under it (else above, right,
        left) where it fits (inside `frame`, the view, for a group in view), the biggest groups first."""
        groups = self.collapsed_groups()
        if not groups or self.grouping is None:
            return {}
        placed: dict[int, tuple] = {}
        height = metrics.height()
        spacing = label_spacing(height)
        rims = {}
        for group in groups:
            x, y = float(self.group_xy[group, 0]) * scale, float(self.group_xy[group, 1]) * scale
            r = max(float(self.group_r[group]) * scale, GROUP_MIN_PX)
            rims[group] = (x, y, r)
            board.add((x - r, y - r, x + r, y + r), GROUP_OWNER + group)
        for group in groups:  # numbered biggest first
            x, y, r = rims[group]
            width = metrics.horizontalAdvance(self.group_label(group)) + 2 * LABEL_PAD
            framed = frame is not None and frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]
            for cx, cy in ((x, y + r + 2 + height / 2), (x, y - r - 2 - height / 2),
                           (x + r + 4 + width / 2, y), (x - r - 4 - width / 2, y)):
                box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
                if framed and not (frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1]
                                   and box[3] <= frame[3]):
                    continue
                if board.free(box, GROUP_OWNER + group, spacing):
                    board.add(box)
                    placed[group] = box
                    break
        return placed

    def group_label(self, group: int) -> str:
        """What a group's marker is called: its best connected member and how many more, or its kind."""
        grouping = self.grouping
        assert grouping is not None
        count = int(self.group_shown[group]) if self.group_shown is not None else grouping.sizes[group]
        if grouping.by == "kind" or grouping.leaders[group] < 0:
            return f"{grouping.names[group]} ({count:,})"
        return f"{grouping.names[group]} +{count - 1:,}"

    def _place_edge_labels(self, scale: float, font: QFont, board: LabelBoard) -> dict[int, tuple]:
        """Relation labels where they fit: along their line, clear of names, markers and each other,
        and only on a line long enough on screen to carry one."""
        import numpy as np

        g, geometry = self.graph, self._geometry
        if not g.m:
            return {}
        focus = bool(self.selected_nodes or self.selected_edges or self.path_nodes
                     or (self.tint_related and (self.related_nodes or self.related_edges)))
        important = self.selected_edges | self.related_edges | self.path_edges
        shown = np.asarray(geometry["shown"], dtype=bool)
        area = self.label_area
        if area is not None:  # the relations in view
            mid = geometry["mid"]
            shown = shown & (mid[:, 0] >= area.left()) & (mid[:, 0] <= area.right()) & (
                mid[:, 1] >= area.top()) & (mid[:, 1] <= area.bottom())
        edges = np.flatnonzero(shown).tolist()
        if focus:
            edges = [e for e in edges if e in important]
        elif len(edges) > EDGE_LABELS_UP_TO:
            return {}  # a wall of text helps nobody: zoom in, or select an actor
        metrics = QFontMetricsF(font)
        height = metrics.height()
        spacing = label_spacing(height)
        placed: dict[int, tuple] = {}
        for e in sorted(edges, key=lambda e: (e not in important, -g.citations[e], e)):
            width = metrics.horizontalAdvance(g.edge_kinds[e]) + 2
            p0, c, p1 = geometry["p0"][e] * scale, geometry["c"][e] * scale, geometry["p1"][e] * scale
            if float(np.hypot(*(p1 - p0))) < width * EDGE_LABEL_ROOM and e not in important:
                continue
            for t in (0.5, 0.38, 0.62, 0.28, 0.72):
                point = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t * t * p1
                box = (float(point[0]) - width / 2, float(point[1]) - height / 2,
                       float(point[0]) + width / 2, float(point[1]) + height / 2)
                if board.free(box, spacing=spacing):
                    board.add(box)
                    placed[e] = box
                    break
        return placed

    def label_rects(self, scale: float | None = None) -> dict[int, QRectF]:
        """The scene rectangle of each name drawn at `scale` (the view's by default), by actor."""
        scale = self.view_scale if scale is None else scale
        names = self.label_placement(scale)["names"]
        return {v: QRectF(box[0] / scale, box[1] / scale, (box[2] - box[0]) / scale, (box[3] - box[1]) / scale)
                for v, box in names.items()}

    def group_label_rects(self, scale: float | None = None) -> dict[int, QRectF]:
        """The scene rectangle of each group's name drawn at `scale` (the view's by default), by group."""
        scale = self.view_scale if scale is None else scale
        groups = self.label_placement(scale)["groups"]
        return {k: QRectF(box[0] / scale, box[1] / scale, (box[2] - box[0]) / scale, (box[3] - box[1]) / scale)
                for k, box in groups.items()}

    def edge_label_rects(self, scale: float | None = None) -> dict[int, QRectF]:
        """The scene rectangle of each relation label drawn at `scale` (the view's by default)."""
        scale = self.view_scale if scale is None else scale
        edges = self.label_placement(scale)["edges"]
        return {e: QRectF(box[0] / scale, box[1] / scale, (box[2] - box[0]) / scale, (box[3] - box[1]) / scale)
                for e, box in edges.items()}

    def node_colour(self, v: int) -> str:
        if self.colour_by == "community" and self.community:
            number = self.community.get(self.graph.ids[v])
            return "#DDDDDD" if number is None else COMMUNITY_COLOURS[(number - 1) % len(COMMUNITY_COLOURS)]
        return self.graph.colors[v] or KIND_STYLE.get(self.graph.kinds[v], KIND_STYLE["other"])[0]

    # QGraphicsItem
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def update(self, *args: Any) -> None:
        """Repaint, and never from a kept drawing (GraphCanvas.paintEvent): what the chart shows changed."""
        self.drawn_version += 1
        super().update(*args)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        import numpy as np

        g = self.graph
        if self.xy is None or not g.n or len(self.xy) != g.n or not self._geometry:
            return
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, g.m < 4000 or lod > 0.5)
        focus = bool(self.selected_nodes or self.selected_edges or self.path_nodes
                     or (self.tint_related and (self.related_nodes or self.related_edges)))
        base_opacity = 0.22 if focus else 1.0
        # relations
        if self._overview_paths and lod < OVERVIEW_LOD:
            # Zoomed out on a big chart, dashes and arrowheads are a few pixels wide and cannot be
            # told apart; thin solid lines show the structure and draw an order of magnitude faster.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for (faded, weight), path in self._overview_paths.items():
                # A cosmetic hairline (the rasterizer's fast path); weighted ties as wide as their events say.
                hairline = QPen(EDGE_COLOUR, 0 if weight <= 1 else weight)
                hairline.setCosmetic(True)
                painter.setPen(hairline)
                painter.setOpacity(base_opacity * (FADED_ALPHA if faded else 0.3))  # faint: the actors stand out
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
        if self._tie_paths:
            self._paint_ties(painter, base_opacity, smooth=lod >= OVERVIEW_LOD)
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
        shown = self.node_visible()
        if focus:
            self._paint_focus_nodes(painter, shown)
        if self.group_centre is not None:
            self._paint_group(painter)
        if self.in_groups is not None:
            self._paint_groups(painter, focus)
        if self.pinned is not None and self.pinned.any():
            pin_pen = QPen(QColor(20, 20, 20), 1.2)
            pin_pen.setCosmetic(True)
            painter.setPen(pin_pen)
            painter.setBrush(QBrush(QColor(255, 255, 255)))
            for v in np.flatnonzero(self.pinned & shown).tolist():
                x, y, r = float(self.xy[v, 0]), float(self.xy[v, 1]), float(self.radius[v])
                painter.drawEllipse(QPointF(x + r * 0.75, y - r * 0.75), 2.6, 2.6)
        self._paint_labels(painter, focus)

    def _paint_ties(self, painter: QPainter, opacity: float, smooth: bool = True) -> None:
        # Zoomed out (`smooth` False), the faint ties are drawn without antialiasing, as the relations are: a
        # frame of the 5k-actor chart spent most of its time smoothing them.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        top = max(self._tie_paths, default=1.0)
        for width, path in self._tie_paths.items():
            # The strongest ties darkest: a tie of one or two relations is barely there.
            painter.setOpacity(opacity * TIE_ALPHA * (0.25 + 1.5 * (width / top) ** 2))
            pen = QPen(EDGE_COLOUR, width)
            pen.setCosmetic(True)  # as wide on screen at every zoom: a tie of 300 relations reads as one
            # Flat ends (under the groups' discs the ties end in): Qt strokes a path of many wide round-capped
            # lines a dozen times slower, and a zoom frame of the 5k-actor chart took 0.7 s.
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawPath(path)
        painter.setOpacity(1.0)

    def _paint_groups(self, painter: QPainter, focus: bool) -> None:
        """Collapsed groups: a disc in the group's colour, its shown members' number in it; a group
        hiding a selected actor (or one tied to the selection) is ringed in the selection's colour."""
        groups = self.collapsed_groups()
        if not groups:
            return
        transform = painter.worldTransform()
        scale = max(transform.m11(), 1e-6)
        marked = {self.group_of(v) for v in self.selected_nodes | self.related_nodes | self.path_nodes}
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        outline = QPen(QColor(40, 40, 50), 1.2)
        outline.setCosmetic(True)
        ring = QPen(SELECTED, 3.0)
        ring.setCosmetic(True)
        font = QFont(self.label_font)
        font.setBold(True)
        font.setPointSizeF(self.label_point_size(scale))
        metrics = QFontMetricsF(font)
        numbers = []
        for group in groups:
            centre = QPointF(float(self.group_xy[group, 0]), float(self.group_xy[group, 1]))
            radius = max(float(self.group_r[group]), GROUP_MIN_PX / scale)
            fill = QColor(self.group_colour(group))
            fill.setAlpha(GROUP_FILL_ALPHA)
            painter.setOpacity(0.35 if focus and group not in marked else 1.0)
            painter.setPen(ring if group in marked else outline)
            painter.setBrush(QBrush(fill))
            painter.drawEllipse(centre, radius, radius)
            numbers.append((transform.map(centre), radius * scale, f"{int(self.group_shown[group]):,}"))
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.setFont(font)
        painter.setOpacity(1.0)
        for at, radius_px, text in numbers:
            width = metrics.horizontalAdvance(text)
            if width + 4 > 2 * radius_px:
                continue  # the number does not fit in the disc: its name says it, and its tooltip
            painter.setPen(QColor(255, 255, 255))  # on the darker discs; a dark halo keeps it legible
            box = QRectF(at.x() - width / 2 - 2, at.y() - metrics.height() / 2, width + 4, metrics.height())
            painter.fillRect(box, QColor(30, 30, 40, 150))
            painter.drawText(QPointF(at.x() - width / 2, at.y() + metrics.ascent() / 2 - 1), text)
        painter.restore()

    def _paint_group(self, painter: QPainter) -> None:
        """The isolates' group: a dashed ring with their number, and what a click does, under it."""
        centre = self.group_centre
        assert centre is not None
        pen = QPen(QColor(90, 90, 100), 1.4, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QBrush(QColor(236, 236, 240)))
        transform = painter.worldTransform()
        radius = self.group_radius(transform.m11())
        painter.drawEllipse(centre, radius, radius)
        at = transform.map(centre)
        painter.save()
        painter.setWorldTransform(QTransform())
        font = QFont(self.label_font)
        font.setPointSizeF(max(MIN_LABEL_PT * self.label_scale, self.label_font.pointSizeF() * transform.m11()))
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        count = str(self.group_count())
        painter.setPen(QColor(30, 30, 40))
        painter.drawText(QPointF(at.x() - metrics.horizontalAdvance(count) / 2, at.y() + metrics.ascent() / 2 - 1),
                         count)
        font.setBold(False)
        painter.setFont(font)
        text = GROUP_TEXT
        below = at.y() + radius * transform.m11() + metrics.ascent() + 2
        painter.fillRect(QRectF(at.x() - metrics.horizontalAdvance(text) / 2 - 1, below - metrics.ascent(),
                                metrics.horizontalAdvance(text) + 2, metrics.height()), QColor(255, 255, 255, 200))
        painter.drawText(QPointF(at.x() - metrics.horizontalAdvance(text) / 2, below), text)
        painter.restore()

    def _paint_focus_edges(self, painter: QPainter) -> None:
        g, geometry = self.graph, self._geometry
        related = (SELECTED, 1.0) if self.tint_related else (EDGE_COLOUR, 0.0)
        for edges, colour, extra in ((self.related_edges, *related), (self.selected_edges, SELECTED, 1.5),
                                     (self.path_edges, HIGHLIGHT, 2.5)):
            for e in edges:
                if e >= g.m or self.graph_slice.edge_state[e] == OUT:
                    continue
                path = edges_path(geometry["p0"][e], geometry["c"][e], geometry["p1"][e])
                pen = QPen(colour, self.edge_pen_width(e) + extra)
                pen.setStyle(LINE_STYLES[line_style(g.confidences[e], g.sources[e])])
                painter.setOpacity(FADED_ALPHA + 0.3 if self.graph_slice.edge_state[e] == UNCERTAIN else 1.0)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(path)
                if g.directed[e]:
                    arrow = arrowheads_path(geometry["p1"][e], -geometry["end_dir"][e])
                    painter.fillPath(arrow, QBrush(colour))
        painter.setOpacity(1.0)

    def _paint_focus_nodes(self, painter: QPainter, shown: Any) -> None:
        g = self.graph
        outline = QPen(QColor(30, 30, 30), 1.0)
        outline.setCosmetic(True)
        ring = QPen(SELECTED, 2.5) if self.tint_related else outline
        for group, pen in ((self.related_nodes, ring), (self.path_nodes, QPen(HIGHLIGHT, 3.0)),
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

    def _paint_labels(self, painter: QPainter, focus: bool) -> None:
        """Names and relation labels at their on-screen size, where label_placement put them."""
        transform = painter.worldTransform()
        scale = transform.m11()
        if scale <= 0 or abs(transform.m12()) > 1e-9 or abs(transform.m21()) > 1e-9:
            return  # the chart is never rotated or sheared
        placement = self.label_placement(scale)
        g = self.graph
        dx, dy = transform.dx(), transform.dy()
        # Drawn in device pixels: the boxes are the chart's units times the zoom, plus the pan.
        painter.save()
        painter.setWorldTransform(QTransform())
        important_edges = self.selected_edges | self.related_edges | self.path_edges
        painter.setFont(placement["edge_font"])
        ascent = QFontMetricsF(placement["edge_font"]).ascent()
        halo = QColor(255, 255, 255, 215)
        for e, box in placement["edges"].items():
            rect = QRectF(box[0] + dx, box[1] + dy, box[2] - box[0], box[3] - box[1])
            painter.setOpacity(FADED_ALPHA + 0.2 if self.graph_slice.edge_state[e] == UNCERTAIN else 1.0)
            painter.fillRect(rect, halo)
            painter.setPen(QColor(90, 60, 20) if e in important_edges else QColor(85, 85, 95))
            painter.drawText(QPointF(rect.left() + 1, rect.top() + ascent), g.edge_kinds[e])
        important = self.selected_nodes | self.related_nodes | self.path_nodes
        painter.setFont(placement["font"])
        ascent = QFontMetricsF(placement["font"]).ascent()
        halo = QColor(255, 255, 255, 200)
        painter.setOpacity(1.0)
        for group, box in placement["groups"].items():
            rect = QRectF(box[0] + dx, box[1] + dy, box[2] - box[0], box[3] - box[1])
            painter.fillRect(rect, halo)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(rect.left() + LABEL_PAD, rect.top() + ascent), self.group_label(group))
        for v, box in placement["names"].items():
            rect = QRectF(box[0] + dx, box[1] + dy, box[2] - box[0], box[3] - box[1])
            painter.setOpacity(0.35 if focus and v not in important else 1.0)
            painter.fillRect(rect, halo)
            painter.setPen(QColor(20, 20, 20))
            text = placement["text"][v]
            if "\n" in text:  # drawText with a str is plain text: a name is never read as markup
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), text)
            else:
                painter.drawText(QPointF(rect.left() + LABEL_PAD, rect.top() + ascent), text)
        painter.restore()
