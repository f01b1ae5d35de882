"""The Actor graph dock: toolbar, link chart and, beside it, the analysis table and the actor and relation lists."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEasingCurve,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
)
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core import kept
from workbench.core.graph import kept as graph_kept
from workbench.core.graph.geometry import separate_boxes
from workbench.core.graph.groups import communities, group_actors
from workbench.core.graph.layouts import LAYOUTS, circular_positions, compute_layout
from workbench.core.graph.metrics import Metrics, analyse, ego_network, shortest_path
from workbench.core.graph.model import CaseGraph, load_graph
from workbench.core.graph.positions import Position, read_positions
from workbench.core.graph.slicing import OUT, GraphSlice, activity_days, day_label, slice_graph
from workbench.core.progress import Progress
from workbench.core.queries import related
from workbench.core.store import Case, Changes
from workbench.core.tags import tagged
from workbench.core.window import window_caption, window_narrows
from workbench.ui.commands import insert_record, push
from workbench.ui.graph.analysis import AnalysisPanel
from workbench.ui.graph.canvas import GraphCanvas
from workbench.ui.graph.chart import ISOLATES
from workbench.ui.graph.commands import MOVE_MERGE_KEY, move_actors
from workbench.ui.listing import ListPane
from workbench.ui.selection import Selection, SelectionModel, TimeWindow
from workbench.ui.tasks import runner

ACTOR_WIDTHS = (230, 90, 220, 60, 70)
RELATION_WIDTHS = (170, 150, 170, 90, 150, 40)
ANIMATION_MS = 380
ANIMATE_UP_TO = 1500  # actors; bigger charts jump to the new layout
BACKGROUND_WORK_FROM = 600  # actors; layouts and analysis of bigger graphs run off the UI thread
LABEL_SIZES = (1.0, 1.25, 1.5, 2.0)  # the names' size control: never below the readable size
LABEL_SEPARATION_UP_TO = 400  # actors; bigger charts are read by zooming in, not by spacing labels
GROUP_CHOICES = (("Groups: auto (communities on a big chart)", "auto"), ("Groups: communities", "community"),
                 ("Groups: kinds", "kind"), ("Groups: none (every actor)", "none"))
SIZE_METRICS = {"uniform": "Size: same", "degree": "Size: degree", "betweenness": "Size: betweenness",
                "eigenvector": "Size: eigenvector"}


class GraphPane(QWidget):
    """Toolbar, chart and, beside it, the analysis table and the actor and relation lists."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.graph = CaseGraph()
        self.graph_slice = GraphSlice([], [])
        # A slide's story (actors, relations): only they are shown; no relation named means every tie between them.
        self.focus: tuple[frozenset[str], frozenset[str]] | None = None
        self.metrics: Metrics | None = None
        self.metrics_stale = True
        self.stored: dict[str, Position] = {}
        self.layout_xy: Any = None  # each actor's place in the case's own layout, whatever a saved view shows
        # Background runs (ui.tasks): a new layout replaces the older one, new figures the older
        # figures, and the replaced run's result is dropped; a layout and the figures run side by side.
        self.layout_key = ("graph layout", id(self))
        self.deferred: Callable[[], None] | None = None  # background work started once the rebuild is over
        self.figures_key = ("graph figures", id(self))
        self.groups_key = ("graph communities", id(self))
        self.community_numbers: list[int] | None = None  # Louvain's, for the groups of a big chart
        self.weighed_case: Case | None = None  # the case whose ties' weighting was last chosen for it
        self.play_windows: list[tuple[str, str]] | None = None  # worked out when Play is first pressed
        self.play_step = -1
        self.last_message = ""

        self.actors = ListPane("actors", selection, self, ACTOR_WIDTHS)
        self.relations = ListPane("relations", selection, self, RELATION_WIDTHS)
        self.list_panes = {"actors": self.actors, "relations": self.relations}
        self.canvas = GraphCanvas(self)
        self.chart = self.canvas.chart
        self.analysis = AnalysisPanel(self)

        # Two rows of controls: in one row, at 1366 px wide, Colour, Play, Legend, Tables and Export
        # went behind the toolbar's ">>" overflow where nobody finds them.
        self.toolbar = QToolBar("Graph", self)
        self.toolbar.setObjectName("graph_toolbar")
        self.toolbar.setIconSize(QSize(16, 16))
        self.toolbar2 = QToolBar("Graph display", self)
        self.toolbar2.setObjectName("graph_toolbar_display")
        self.toolbar2.setIconSize(QSize(16, 16))
        self.layout_choice = QComboBox(self)
        self.layout_choice.setObjectName("graph_layout")
        for key, text in LAYOUTS.items():
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
        # Groups and the ties' weighting share one menu button: two more controls in a row would push
        # Legend, Tables and Export behind the toolbar's overflow at 1366 px.
        self.display_menu = QMenu(self)
        self.group_actions = QActionGroup(self)
        for text, key in GROUP_CHOICES:
            action = self.display_menu.addAction(text)
            action.setCheckable(True)
            action.setData(key)
            action.setChecked(key == "auto")
            self.group_actions.addAction(action)
        self.display_menu.addSeparator()
        self.display_button = QToolButton(self)
        self.display_button.setObjectName("graph_groups")
        self.display_button.setText("Groups")
        self.display_button.setMenu(self.display_menu)
        self.display_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.weigh_action = self.display_menu.addAction("Ties by count (width: events behind a tie)")
        self.weigh_action.setObjectName("graph_weigh_ties")
        self.weigh_action.setCheckable(True)
        self.every_tie_action = self.display_menu.addAction("Every tie between groups")
        self.every_tie_action.setObjectName("graph_every_tie")
        self.every_tie_action.setCheckable(True)
        self.every_tie_action.setToolTip("Draw every tie between groups; by default only each group's strongest few "
                                         "and those much heavier than chance would make them are drawn")
        self.weigh_action.setToolTip("Draw each tie as wide as the number of events behind it (an event table's "
                                     "'12 events'), instead of by its citations")
        self.display_button.setToolTip(
            "Draw communities or kinds of actors as one marker each (a click shows the members; auto: communities "
            f"from {self.chart.group_from:,} actors), and draw ties as wide as the events behind them")
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
        self.label_size_choice = QComboBox(self)
        self.label_size_choice.setObjectName("graph_label_size")
        for factor in LABEL_SIZES:
            self.label_size_choice.addItem(f"Names {round(factor * 100)}%", factor)
        self.label_size_choice.setToolTip("Size of the actors' names and relation labels on the chart "
                                          "(kept in saved views and slides)")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(120)
        self.cancel_button = QPushButton("Cancel", self)
        for combo, letters in ((self.layout_choice, 11), (self.size_choice, 8), (self.colour_choice, 9),
                               (self.label_size_choice, 9)):  # as wide as their text, not their longest item
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(letters)
        rows = ((self.toolbar, (self.layout_choice, self.unpinned_only, self.relayout_action, self.fit_action,
                                self.display_button, None, self.play_action, self.day_label)),
                (self.toolbar2, (self.size_choice, self.colour_choice, self.label_size_choice, None,
                                 self.legend_action, self.tables_action, self.export_action)))
        for bar, items in rows:
            for widget_or_action in items:
                if widget_or_action is None:
                    bar.addSeparator()
                elif isinstance(widget_or_action, QAction):
                    bar.addAction(widget_or_action)
                else:
                    bar.addWidget(widget_or_action)
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
        self._split_placed = False  # on first show, the tables open beside the chart if there is room
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.toolbar2)
        layout.addWidget(split, 1)

        self.rebuild_timer = QTimer(self)
        self.rebuild_timer.setSingleShot(True)
        self.rebuild_timer.timeout.connect(self.rebuild)
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(900)
        self.play_timer.timeout.connect(self.play_next)
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
        self.group_actions.triggered.connect(lambda _action: self._apply_grouping())
        self.weigh_action.toggled.connect(self._apply_weighing)
        self.every_tie_action.toggled.connect(self._apply_every_tie)
        self.label_size_choice.currentIndexChanged.connect(lambda _i: self._apply_label_size())
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
        self.canvas.group_clicked.connect(self._group_clicked)
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

    def keep_tables_closed(self) -> None:
        """Never open the analysis tables beside the chart by themselves (a slide's chart)."""
        self._split_placed = True

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
        self.metrics = None
        self.metrics_stale = True
        self.rebuild_timer.start(0)  # after the window's first paint, not before it

    depends_on = frozenset({"actors", "relations", "event_actors", "citations", "meta", "actor_layout", "tags",
                            "actor_attributes"})

    def case_changed(self, changes: Changes) -> None:
        if changes.touches({"actors", "relations", "event_actors", "citations", "meta", "actor_attributes"}):
            self.actors.set_case(self.case)
            self.relations.set_case(self.case)
        if changes.touches({"actors", "relations", "citations"}):
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
            self.graph = CaseGraph()
            self.graph_slice = GraphSlice([], [])
            self.chart.set_graph(self.graph, self.graph_slice, np.zeros((0, 2)), np.zeros(0, bool))
            self.layout_xy = None
            self.analysis.show_metrics(self.graph, None)
            self.canvas.update_scene_rect()
            return
        self.graph = load_graph(case)
        self.stored = read_positions(case)
        self.play_windows = None  # the days Play steps through: worked out when it is pressed (a scan of every event)
        self.graph_slice = self._slice()
        self.canvas.movable = not case.read_only
        missing = [a for a in self.graph.ids if a not in self.stored]
        pinned = np.array([self.stored.get(a, (0, 0, False))[2] for a in self.graph.ids], dtype=bool)
        digest = kept.digest_of(case) if missing and self.graph.n > BACKGROUND_WORK_FROM else None
        laid_out = graph_kept.read(digest, self.graph.ids) if digest is not None else None
        if laid_out is not None:  # opened again unchanged: where the layout put them last time
            xy = self._placed(laid_out)
            self.chart.set_graph(self.graph, self.graph_slice, xy, pinned, draw=False)
        elif missing and self.graph.n > BACKGROUND_WORK_FROM:
            # Show something at once (stored positions, the rest on a circle), lay out off the UI thread.
            xy = circular_positions(self.graph.n, np.asarray(self.graph.src, dtype=np.int64),
                                         np.asarray(self.graph.dst, dtype=np.int64))
            for a, (x, y, _p) in self.stored.items():
                if a in self.graph.index:
                    xy[self.graph.index[a]] = (x, y)
            self.chart.set_graph(self.graph, self.graph_slice, xy, pinned, draw=False)
            self._place_in_background(fit=True, keep=digest)
        else:
            xy = self._initial_positions()
            self.chart.set_graph(self.graph, self.graph_slice, xy, pinned, draw=False)  # drawn below
        self.layout_xy = xy
        self.community_numbers = None  # of the graph before
        if case is not self.weighed_case:  # a case of event-table ties opens weighted by their events
            self.weighed_case = case
            self.weigh_action.setChecked(any(count > 1 for count in self.graph.counts))
        self.chart.weigh_ties = self.weigh_action.isChecked()
        self._apply_sizes(redraw=False)
        self._apply_colouring(redraw=False)
        self._apply_grouping(redraw=False)
        self.chart.rebuild(names=False)  # placed by the fit below
        self.canvas.update_legend()
        self.canvas.fit()
        self._show_selection(self.selection.selection)
        self._maybe_compute()

    def _initial_positions(self) -> Any:
        """Stored positions; actors without one are placed by the force layout around the stored ones."""
        missing = any(a not in self.stored for a in self.graph.ids)
        return self._placed(compute_layout(**self._placement_arguments()) if missing else None)

    def _placement_arguments(self) -> dict[str, Any]:
        """compute_layout's arguments for placing the actors without a stored place around the stored ones."""
        stored = {a: p for a, p in self.stored.items() if a in self.graph.index}
        return {"graph": self.graph, "name": "force", "current": {a: (p[0], p[1]) for a, p in stored.items()},
                "pinned": list(stored)}

    def _placed(self, layout: dict[str, tuple[float, float]] | None) -> Any:
        """Every actor's place: the stored one, else the one in `layout` (kept clear of the stored
        actors' labels on small charts)."""
        import numpy as np

        g = self.graph
        stored = {a: p for a, p in self.stored.items() if a in g.index}
        if layout is not None:
            xy = np.array([layout[a] for a in g.ids], dtype=float)
            if g.n <= LABEL_SEPARATION_UP_TO:
                fixed = np.array([a in stored for a in g.ids], dtype=bool)
                xy = separate_boxes(xy, self.chart.label_boxes(g), fixed)
        else:
            xy = np.zeros((g.n, 2))
        for a, (x, y, _pinned) in stored.items():
            xy[g.index[a]] = (x, y)
        return xy

    def _place_in_background(self, fit: bool, keep: str | None = None) -> None:
        """Place the actors without a stored place off the UI thread (large charts); the chart keeps
        what it shows until then, and then moves (or, with `fit`, jumps and is fitted into view). With `keep`
        (the digest of the case's bytes as opened), the layout is kept for the next opening of those bytes."""
        arguments = self._placement_arguments()
        graph = self.graph

        def placed(layout: dict[str, tuple[float, float]]) -> None:
            self._work_ended()
            if self.graph is not graph:
                return  # rebuilt meanwhile: the new graph is placed by its own run
            if keep is not None and keep == kept.digest_of(self.case):  # nothing written while it was laid out
                kept.keep_later(lambda: graph_kept.write(keep, layout), graph_kept.KIND)
            xy = self._placed(layout)
            self.layout_xy = xy
            if fit:
                self.chart.set_positions(xy)
                self.canvas.fit()
            else:
                self._move_to(xy)

        self._start(self.layout_key, lambda progress: compute_layout(progress=progress, **arguments), placed)

    def _slice(self) -> GraphSlice:
        window: TimeWindow = self.selection.time_window
        span = self.case.date_range() if self.case is not None and not self.case.closed else None
        case_filter = self.selection.filter
        marked = tagged(self.case, case_filter.tags)["actors"] if case_filter.tags and self.case else None
        shown = slice_graph(self.graph, window.start, window.end, span, case_filter, marked)
        if self.focus is None:
            return shown
        g, (actors, relations) = self.graph, self.focus
        nodes = [on and actor in actors for on, actor in zip(shown.node_shown, g.ids, strict=True)]
        states = [OUT if not (nodes[g.src[e]] and nodes[g.dst[e]]) or (relations and g.edge_ids[e] not in relations)
                  else state for e, state in enumerate(shown.edge_state)]
        return GraphSlice(nodes, states)

    def set_focus(self, actors: frozenset[str] | None, relations: frozenset[str] = frozenset()) -> None:
        """Show only a slide's story: the actors `actors` and their ties (`relations` only, when it names
        any); None shows every actor again."""
        focus = (frozenset(actors), frozenset(relations)) if actors else None
        if focus != self.focus:
            self.focus = focus
            self._reslice()

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
            self.day_label.setText(self.window_text())

    def window_text(self) -> str:
        """What the time window leaves of the chart, said in the toolbar ("" when it narrows nothing)."""
        window = self.selection.time_window
        if self.case is None or self.case.closed or not window_narrows(self.case, window.start, window.end):
            self.day_label.setToolTip("")
            return ""
        shown = sum(1 for state in self.graph_slice.edge_state if state != OUT)
        caption = window_caption(self.case, window.start, window.end)
        self.day_label.setToolTip(f"Time window {caption}: the chart shows the {shown} of {self.graph.m} relations "
                                  "that held then (faded: undated, may have)")
        return f" {caption}: {shown}/{self.graph.m} relations "

    def _positions_changed(self) -> None:
        """The stored positions changed (a command, its undo or redo): move the actors there."""
        import numpy as np

        if self.case is None or not self.graph.n:
            return
        self.stored = read_positions(self.case)
        self.chart.pinned = np.array([self.stored.get(a, (0, 0, False))[2] for a in self.graph.ids], dtype=bool)
        if self.graph.n > BACKGROUND_WORK_FROM and any(a not in self.stored for a in self.graph.ids):
            self._place_in_background(fit=False)
            return
        target = self._initial_positions()
        self.layout_xy = target
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
        return compute_layout(**self._layout_arguments(name))

    def _run_layout(self, name: str) -> None:
        arguments = self._layout_arguments(name)

        def done(layout: dict[str, tuple[float, float]]) -> None:
            self._work_ended()
            self._layout_done(name, layout)

        self._start(self.layout_key, lambda progress: compute_layout(progress=progress, **arguments), done)

    def _layout_done(self, name: str, layout: dict[str, tuple[float, float]]) -> None:
        import numpy as np

        g = self.graph
        if not g.n or set(layout) != set(g.ids):
            return
        xy = np.array([layout[a] for a in g.ids], dtype=float)
        keep = self.unpinned_only.isChecked()
        pinned_mask = np.array([self.stored.get(a, (0, 0, False))[2] for a in g.ids], dtype=bool)
        if g.n <= LABEL_SEPARATION_UP_TO:
            xy = separate_boxes(xy, self.chart.label_boxes(), pinned_mask if keep else None)
        after = {a: (float(xy[i, 0]), float(xy[i, 1]), bool(pinned_mask[i] and keep)) for i, a in enumerate(g.ids)}
        self.layout_xy = xy
        self._move_to(xy)
        if self.case is not None and not self.case.read_only:
            # Every actor's place is stored and already shown: the window need not send it back.
            push(self.selection.undo_stack, move_actors(self.case, after,
                                                       f"Lay out chart ({LAYOUTS.get(name, name).lower()})",
                                                       origin=self))
            self.stored = dict(after)
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
        # No origin: actors without a stored place are placed around the stored ones, so the pane
        # hears of the change and places them again, as it does on undo.
        if push(self.selection.undo_stack, move_actors(self.case, after, f"Move {names}",
                                                      merge_key=MOVE_MERGE_KEY)):
            self.stored.update(after)

    def set_pinned(self, actor_id: str, pinned: bool) -> None:
        if self.case is None or self.case.read_only or actor_id not in self.graph.index:
            return
        v = self.graph.index[actor_id]
        x, y = float(self.chart.xy[v, 0]), float(self.chart.xy[v, 1])
        # No origin, as for a drag: the actors without a stored place are placed around this one.
        push(self.selection.undo_stack, move_actors(self.case, {actor_id: (x, y, pinned)},
                                                    f"{'Pin' if pinned else 'Unpin'} {self.graph.names[v]}"))

    def _context_menu(self, node: int, where: Any) -> None:
        if node < 0:
            if self.chart.expanded:
                menu = QMenu(self)
                collapse = menu.addAction("Collapse every group")
                if menu.exec(where) is collapse:
                    self.chart.collapse_groups()
                    self.canvas.update_scene_rect()
            return
        actor_id = self.graph.ids[node]
        menu = QMenu(self)
        group = self.chart.group_of(node)
        if group >= 0 and group in self.chart.expanded:
            collapse_group = menu.addAction(f"Collapse its group ({self.chart.group_label(group)})")
            collapse_group.triggered.connect(lambda: self.chart.expand_group(group, False))
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
        self.chart.set_sizes(values, draw=redraw)  # else the caller rebuilds the chart once

    def _apply_colouring(self, redraw: bool = True) -> None:
        by = str(self.colour_choice.currentData())
        if by == "community" and (self.metrics is None or self.metrics_stale):
            self.compute_metrics(force=True)
        self.chart.colour_by = by
        self.chart.community = dict(zip(self.metrics.ids, self.metrics.community, strict=True)) if self.metrics else {}
        self.canvas.update_legend()
        if redraw:
            self.chart.rebuild()

    def group_choice(self) -> str:
        """The Groups menu's choice: "auto", "community", "kind" or "none"."""
        checked = self.group_actions.checkedAction()
        return str(checked.data()) if checked is not None else "auto"

    def set_group_choice(self, mode: Any) -> None:
        """Choose `mode` in the Groups menu (an unknown one is left alone) and group the chart so."""
        for action in self.group_actions.actions():
            if action.data() == mode and not action.isChecked():
                action.setChecked(True)
                self._apply_grouping()

    def grouping_mode(self) -> str:
        """How the chart is grouped now: "community", "kind" or "none" ("auto" resolved by its size)."""
        mode = self.group_choice()
        if mode == "auto":
            return "community" if self.graph.n >= self.chart.group_from else "none"
        return mode

    def _apply_grouping(self, redraw: bool = True) -> None:
        """Group the chart as the Groups control says; communities are found off the UI thread, and
        the chart shows every actor until they are."""
        mode = self.grouping_mode()
        graph = self.graph
        if mode == "community" and self.community_numbers is None and graph.n:
            def done(numbers: list[int]) -> None:
                self._work_ended()
                if self.graph is graph:
                    self.community_numbers = numbers
                    self._apply_grouping()

            if graph.n > BACKGROUND_WORK_FROM:
                self.chart.grouping = None
                self.chart.expanded = set()
                if redraw:
                    self.chart.rebuild()
                # Started once this rebuild is over: beside it, the communities' pure Python would take the
                # interpreter from every call of the chart's drawing into Qt (1M events: 18 s to rebuild, not 6).
                def start() -> None:
                    if self.deferred is start:
                        self.deferred = None
                        if self.graph is graph:
                            self._start(self.groups_key, lambda progress: communities(graph, progress), done)

                self.deferred = start
                QTimer.singleShot(0, self, start)
                return
            self.community_numbers = communities(graph)
        grouping = None
        if mode in ("community", "kind") and graph.n:
            grouping = group_actors(graph, mode, self.community_numbers, self.chart.degree)
        fitted = bool(self.canvas.fitted)
        if redraw:
            self.chart.set_grouping(grouping)
            self.canvas.update_scene_rect()
            if fitted:
                self.canvas.fit()
        else:
            self.chart.grouping = grouping if grouping is not None and grouping.k else None
            self.chart.expanded = set()

    def _apply_weighing(self, on: bool) -> None:
        self.chart.set_weigh_ties(on)
        self.canvas.update_legend()
        self.canvas.legend.update()

    def _apply_every_tie(self, on: bool) -> None:
        self.chart.set_every_tie(on)
        self.canvas.update_legend()
        self.canvas.legend.update()

    def _group_clicked(self, group: int) -> None:
        if group == ISOLATES:
            self.show_isolates()
            return
        self.chart.expand_group(group)
        self.canvas.update_scene_rect()
        self.canvas.view_changed()

    def _apply_label_size(self) -> None:
        self.chart.set_label_scale(float(self.label_size_choice.currentData()))
        self.canvas.view_changed()

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
            graph, graph_slice = self.graph, self.graph_slice

            def done(metrics: Metrics) -> None:
                self._work_ended()
                self._metrics_done(metrics)

            sampled = self.analysis.sampled.isChecked()
            self._start(self.figures_key, lambda progress: analyse(graph, graph_slice, progress=progress,
                                                                   sampled=sampled), done)
            return
        self._metrics_done(analyse(self.graph, self.graph_slice, sampled=self.analysis.sampled.isChecked()))

    def _metrics_done(self, metrics: Metrics) -> None:
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
        nodes, edges = shortest_path(self.graph, chosen.ids[0], chosen.ids[1], self.graph_slice)
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
        members = ego_network(self.graph, center, self.analysis.hops.value(), self.graph_slice)
        g = self.graph
        self.chart.path_nodes = {g.index[a] for a in members}
        inside = set(members)
        self.chart.path_edges = {e for e in range(g.m) if g.ids[g.src[e]] in inside and g.ids[g.dst[e]] in inside
                                 and self.graph_slice.edge_state[e] != OUT}
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

    def show_isolates(self) -> None:
        """Draw the isolated actors one by one instead of as their group (a click on the group)."""
        self.chart.expand_isolates(True)
        self.canvas.update_scene_rect()
        self.canvas.update()

    def clear_analysis_highlight(self) -> None:
        self.chart.path_nodes, self.chart.path_edges = set(), set()
        self.chart.update()

    # background work
    def _start(self, key: tuple[str, int], work: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        """Run `work(progress)` (a layout or the figures, on the graph as it is now) off the UI thread;
        `done(result)` follows on the UI thread unless a newer run of `key` or Cancel came first."""
        self.progress.setValue(0)
        self._show_busy(True)
        runner().run(key, work, done=done, failed=self._work_failed, cancelled=self._work_ended,
                     progress=lambda fraction: self.progress.setValue(int(fraction * 100)),
                     context=self, failure="Could not finish")

    @property
    def busy(self) -> bool:
        """Whether a layout or the figures are being computed in the background."""
        tasks = runner()
        return tasks.is_busy(self.layout_key) or tasks.is_busy(self.figures_key) or tasks.is_busy(self.groups_key)

    def _work_ended(self) -> None:
        self._show_busy(self.busy)

    def cancel_work(self) -> None:
        """Stop the layout and figures running in the background; nothing of them reaches the chart."""
        self.deferred = None  # nor starts later
        runner().cancel(self.layout_key)
        runner().cancel(self.figures_key)
        runner().cancel(self.groups_key)
        self._show_busy(False)

    def wait_for_work(self, timeout_ms: int = 60000) -> bool:
        """Wait until the background work is done and delivered (tests, benchmarks); False on timeout."""
        if self.deferred is not None:
            self.deferred()  # work waiting for the rebuild to end: started now
        return runner().wait_idle(timeout_ms)

    def _work_failed(self, message: str) -> None:
        self._work_ended()
        self.analysis.status.setText(message)

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
        """Mark the selection on the chart and what is tied to it; everything else fades. An event,
        source or claim selected elsewhere tints its actors and the relations among them."""
        g, chart = self.graph, self.chart
        chart.selected_nodes, chart.selected_edges = set(), set()
        chart.related_nodes, chart.related_edges = set(), set()
        chart.tint_related = False
        if self.case is not None and not self.case.closed and selection and g.n:
            if selection.table == "actors":
                chart.selected_nodes = {g.index[a] for a in selection.ids if a in g.index}
                hidden = chart.in_groups
                closed = {chart.group_of(v) for v in chart.selected_nodes if hidden is not None and hidden[v]}
                if closed:  # an actor chosen in a list or a search: its group opens to show it
                    chart.expanded |= closed
                    chart.rebuild()
                    self.canvas.update_scene_rect()
            elif selection.table == "relations":
                chart.selected_edges = {g.edge_index[r] for r in selection.ids if r in g.edge_index}
            ties = related(self.case, selection.table, selection.ids)
            chart.related_nodes = {g.index[a] for a in ties.get("actors", ()) if a in g.index}
            chart.related_edges = {g.edge_index[r] for r in ties.get("relations", ()) if r in g.edge_index}
            if selection.table == "relations":
                chart.related_nodes |= {v for e in chart.selected_edges for v in (g.src[e], g.dst[e])}
            elif selection.table not in ("actors", "relations"):
                chart.tint_related = True
                if selection.table == "events":  # the relations among the event's actors
                    chart.related_edges |= {e for e in range(g.m) if g.src[e] in chart.related_nodes
                                            and g.dst[e] in chart.related_nodes}
        chart.update()

    # play
    def play(self, on: bool) -> None:
        if not on:
            self.play_timer.stop()
            self.play_action.setText("▶ Play")
            return
        if self.play_windows is None and self.case is not None and not self.case.closed:
            self.play_windows = activity_days(self.case)
        if not self.play_windows:
            self.play_action.setChecked(False)
            return
        self.play_step = -1
        self.play_action.setText("■ Stop")
        self.play_next()
        self.play_timer.start()

    def play_next(self) -> None:
        """Move the time window on to the next day the play control steps through."""
        self.play_step += 1
        if self.play_windows is None or self.play_step >= len(self.play_windows):
            self.play_action.setChecked(False)
            return
        start, end = self.play_windows[self.play_step]
        self.selection.set_time_window(start, end, origin=self)
        zone = self.case.meta("timezone") if self.case is not None else "UTC"
        self.day_label.setText(f" up to {day_label(end, zone)} ")

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
            "label_size": float(self.label_size_choice.currentData()),
            "groups": self.group_choice(),
            "weigh_ties": self.weigh_action.isChecked(),
            "every_tie": self.every_tie_action.isChecked(),
            "highlight": {"actors": [g.ids[v] for v in sorted(chart.path_nodes) if v < g.n],
                          "relations": [g.edge_ids[e] for e in sorted(chart.path_edges) if e < g.m]},
        }

    def default_view_state(self) -> dict[str, Any]:
        """The chart as a freshly opened case shows it, in `view_state`'s terms: every actor in the case's
        own layout, the first colouring and sizing, the legend on, nothing highlighted. A fresh chart is
        also fitted (`fit`), which a view state says with a zoom and centre."""
        g, xy = self.graph, self.layout_xy
        positions = ({a: [float(xy[i, 0]), float(xy[i, 1])] for i, a in enumerate(g.ids)}
                     if xy is not None and len(xy) == g.n else {})
        return {"positions": positions, "colour_by": str(self.colour_choice.itemData(0)),
                "size_by": str(self.size_choice.itemData(0)), "legend": True, "label_size": LABEL_SIZES[0],
                "groups": "auto",
                "highlight": {"actors": [], "relations": []}}

    def fit(self) -> None:
        """Show the whole chart (the Fit button), as a freshly opened case does."""
        self.canvas.fit()

    def restore_view_state(self, state: dict[str, Any], animate: bool = False) -> None:
        """Put the chart back as `view_state` saw it (shown only: the case's stored layout is not
        changed). In a viewport of another size the saved visible area is fitted into it."""
        import numpy as np

        self.flush()
        g, chart = self.graph, self.chart
        self.set_group_choice(state.get("groups", "auto"))
        for combo, value in ((self.colour_choice, state.get("colour_by")), (self.size_choice, state.get("size_by"))):
            index = combo.findData(value) if isinstance(value, str) else -1
            if index >= 0 and index != combo.currentIndex():
                combo.setCurrentIndex(index)
        if isinstance(state.get("legend"), bool):
            self.legend_action.setChecked(state["legend"])
        if isinstance(state.get("weigh_ties"), bool):
            self.weigh_action.setChecked(state["weigh_ties"])
        self.every_tie_action.setChecked(state.get("every_tie") is True)
        size = state.get("label_size")
        index = (min(range(len(LABEL_SIZES)), key=lambda i: abs(LABEL_SIZES[i] - size))
                 if isinstance(size, int | float) and not isinstance(size, bool) and math.isfinite(size) else 0)
        self.label_size_choice.setCurrentIndex(index)  # a view saved before the control: the usual size
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
            self.canvas.fitted = 0.0  # a saved zoom and centre: kept through a resize
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
            self.canvas.view_changed()

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
