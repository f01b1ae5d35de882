"""Saved view state: capture what the main window's panes show into a `views.state` dict, and put it back.

Each function takes only what it touches (the Protocols below), so slides, the storyboard and
tests can hand in their own panes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtWidgets import QDockWidget

from workbench.core import storyboard as core
from workbench.core.filters import CaseFilter
from workbench.core.store import Case
from workbench.ui.selection import Selection, SelectionModel


class TimelineState(Protocol):
    """A timeline (the pane or a bare chart) that can say and restore its lanes and span."""

    def view_state(self) -> dict[str, Any]: ...

    def default_view_state(self) -> dict[str, Any]: ...

    def restore_view_state(self, state: dict[str, Any]) -> None: ...


class GraphState(Protocol):
    """A graph pane that can say and restore its positions, zoom and highlights."""

    def view_state(self) -> dict[str, Any]: ...

    def default_view_state(self) -> dict[str, Any]: ...

    def restore_view_state(self, state: dict[str, Any], animate: bool = False) -> None: ...

    def flush(self) -> None: ...

    def fit(self) -> None: ...


class Panes(Protocol):
    """What a saved view captures and restores: the selection, the docks, the timeline and the graph."""

    @property
    def case(self) -> Case | None: ...

    @property
    def selection(self) -> SelectionModel: ...

    @property
    def docks(self) -> Mapping[str, QDockWidget]: ...

    @property
    def timeline(self) -> TimelineState: ...

    @property
    def graph(self) -> GraphState: ...


def capture_state(window: Panes, notes: str = "", timelapse: dict[str, Any] | None = None) -> dict[str, Any]:
    """The view state of the main window's panes, as stored in `views.state`."""
    selection = window.selection
    chosen = selection.selection
    state: dict[str, Any] = {
        "time_window": {"start": selection.time_window.start, "end": selection.time_window.end},
        "filter": core.filter_to_json(selection.filter),
        "selection": {"table": chosen.table, "ids": list(chosen.ids)},
        "docks": {name: dock.toggleViewAction().isChecked() for name, dock in window.docks.items()},
        "timeline": window.timeline.view_state(),
        "graph": window.graph.view_state(),
    }
    shown_map = map_of(window)
    if shown_map is not None:  # the Map dock in sight (not a tab behind another): its centre and scale
        state["map"] = {**shown_map.view_state(), "shown": True}
    if notes:
        state["notes"] = notes
    if timelapse:
        state["timelapse"] = timelapse
    return state


def map_of(window: Any) -> Any:
    """The window's Map view when it is built and in sight, else None."""
    views = getattr(window, "views", None)
    pane = views.get("map") if isinstance(views, dict) else None
    # a dock tabbed behind another stays "visible" to Qt: what counts is whether any of it is on screen
    return pane if pane is not None and pane.isVisible() and not pane.visibleRegion().isEmpty() else None


def map_shown(state: dict[str, Any]) -> bool:
    """Whether a saved view shows the map (issue 26): its `map` part, {"centre": [lat, lon], "km_per_px": n,
    "shown": true}."""
    return part(state, "map").get("shown") is True


def part(state: dict[str, Any], name: str) -> dict[str, Any]:
    """One pane's part of a view state (`timeline`, `graph`, `docks`); {} when the view names none."""
    value = state.get(name)
    return value if isinstance(value, dict) else {}


def names_zoom(graph_state: dict[str, Any]) -> bool:
    """Whether a graph state gives a zoom and centre that the graph shows (GraphPane.restore_view_state's
    test); without them the chart is fitted, as a fresh one is."""
    zoom, centre = graph_state.get("zoom"), graph_state.get("centre")
    return (isinstance(zoom, int | float) and math.isfinite(zoom) and 0.001 <= zoom <= 100
            and isinstance(centre, list) and len(centre) == 2
            and all(isinstance(c, int | float) and math.isfinite(c) for c in centre))


def apply_state(selection: SelectionModel, timeline: TimelineState, graph: GraphState, state: dict[str, Any],
                whole_case: tuple[str | None, str | None] = (None, None), animate: bool = False) -> bool:
    """Show exactly the view `state` saves on a selection model and its timeline and graph.

    A view is its whole state: every part it does not name (or names in a form that cannot be shown)
    is shown as a freshly opened case shows it: no filter, the whole case (`whole_case`), nothing
    selected, the first lanes from the top, the case's own chart layout, nothing highlighted. So
    nothing of the view shown before carries over (a highlight once stayed on every later slide).
    The parts are put in the order a fresh view gets them, so that what depends on the order (the
    rows the timeline scrolls to when it shows the selection) comes out the same.

    Returns whether the graph still has to be fitted (the state gives no zoom): the caller fits it,
    its own way, once the actors are where the state puts them.
    """
    # A fresh timeline is fitted and at its top under no filter, before any saved part comes.
    selection.set_filter(CaseFilter())
    timeline.restore_view_state(timeline.default_view_state())
    selection.set_filter(core.filter_from_json(state.get("filter")))
    selection.set_time_window(*(core.time_window_of(state) or whole_case))
    table, ids = core.selection_of(state) or ("", [])
    if ids and selection.selection == Selection(table, tuple(dict.fromkeys(ids))):
        selection.clear()  # selecting it anew scrolls the timeline to it, as on a fresh view
    selection.select(table, ids)
    saved_timeline = part(state, "timeline")
    if saved_timeline:
        timeline.restore_view_state(saved_timeline)

    graph.flush()
    defaults = graph.default_view_state()
    saved_graph = part(state, "graph")
    # Colouring, sizing, legend and highlight go back to the defaults first: a value the state names
    # but the chart cannot show leaves the default, not the previous view's.
    graph.restore_view_state({name: value for name, value in defaults.items() if name != "positions"})
    saved_places = saved_graph.get("positions")
    places = {**defaults["positions"], **(saved_places if isinstance(saved_places, dict) else {})}
    fit = not names_zoom(saved_graph)
    # A chart to be fitted is fitted to where the actors end up, so they jump there rather than move.
    graph.restore_view_state({**saved_graph, "positions": places}, animate=animate and not fit)
    return fit


def restore_state(window: Panes, state: dict[str, Any], animate: bool = False) -> None:
    """Put every pane of the main window back as the saved view had it; a dock the view does not name is
    open, as in the default layout (the storyboard's own dock stays as it is: the analyst is using it)."""
    docks = part(state, "docks")
    for name, dock in window.docks.items():
        if name != "storyboard":
            visible = docks.get(name)
            dock.setVisible(visible if isinstance(visible, bool) else True)
    case = window.case
    whole_case = (case.date_range() if case is not None and not case.closed else None) or (None, None)
    if apply_state(window.selection, window.timeline, window.graph, state, whole_case, animate=animate):
        window.graph.fit()
    if map_shown(state) and hasattr(window, "view"):
        window.docks["map"].show()
        window.docks["map"].raise_()
        window.view("map").restore_view_state(part(state, "map"))
