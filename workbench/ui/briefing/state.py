"""Saved view state: capture what the main window's panes show into a `views.state` dict, and put it back.

Each function takes only what it touches (the Protocols below), so slides, the storyboard and
tests can hand in their own panes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from PySide6.QtWidgets import QDockWidget

from workbench.core import storyboard as core
from workbench.ui.selection import SelectionModel


class TimelineState(Protocol):
    """A timeline (the pane or a bare chart) that can say and restore its lanes and span."""

    def view_state(self) -> dict[str, Any]: ...

    def restore_view_state(self, state: dict[str, Any]) -> None: ...


class GraphState(Protocol):
    """A graph pane that can say and restore its positions, zoom and highlights."""

    def view_state(self) -> dict[str, Any]: ...

    def restore_view_state(self, state: dict[str, Any], animate: bool = False) -> None: ...

    def flush(self) -> None: ...


class Panes(Protocol):
    """What a saved view captures and restores: the selection, the docks, the timeline and the graph."""

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
    if notes:
        state["notes"] = notes
    if timelapse:
        state["timelapse"] = timelapse
    return state


def apply_state(selection: SelectionModel, timeline: TimelineState, graph: GraphState, state: dict[str, Any],
                animate: bool = False) -> None:
    """Put a selection model and its timeline and graph back as the state says; what it does not
    say stays as it is. Order matters: the selection first, since showing it may scroll the timeline."""
    if "filter" in state:
        selection.set_filter(core.filter_from_json(state["filter"]))
    window = core.time_window_of(state)
    if window is not None:
        selection.set_time_window(*window)
    chosen = core.selection_of(state)
    if chosen is not None:
        selection.select(*chosen)
    timeline_state = state.get("timeline")
    if isinstance(timeline_state, dict):
        timeline.restore_view_state(timeline_state)
    graph_state = state.get("graph")
    graph.flush()
    if isinstance(graph_state, dict):
        graph.restore_view_state(graph_state, animate=animate)


def restore_state(window: Panes, state: dict[str, Any], animate: bool = False) -> None:
    """Put every pane of the main window back as the saved view had it."""
    docks = state.get("docks")
    if isinstance(docks, dict):
        for name, visible in docks.items():
            if name in window.docks and isinstance(visible, bool) and name != "storyboard":
                window.docks[name].setVisible(visible)
    apply_state(window.selection, window.timeline, window.graph, state, animate=animate)
