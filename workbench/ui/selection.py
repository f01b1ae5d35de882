"""The one selection and time window that every view of a case listens to.

A view that changes the selection passes itself as `origin`; every view hears the change,
and a view ignores changes it made itself, so no two views can set each other off in a loop.
Setting the selection to what it already is does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from workbench.core.filters import CaseFilter


@dataclass(frozen=True)
class Selection:
    table: str = ""
    ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.ids)

    @property
    def first(self) -> str | None:
        return self.ids[0] if self.ids else None


@dataclass(frozen=True)
class TimeWindow:
    """A span of case time, UTC text as stored; None on either side means open."""

    start: str | None = None
    end: str | None = None


class SelectionModel(QObject):
    # (selection, origin) / (window, origin); origin is whatever object made the change, or None
    selection_changed = Signal(object, object)
    time_window_changed = Signal(object, object)
    filter_changed = Signal(object, object)  # (CaseFilter, origin)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._selection = Selection()
        self._time_window = TimeWindow()
        self._filter = CaseFilter()
        # The window's QUndoStack: views push their commands on it (workbench.ui.commands.push).
        self.undo_stack: QUndoStack | None = None

    @property
    def filter(self) -> CaseFilter:
        return self._filter

    def set_filter(self, case_filter: CaseFilter, origin: object = None) -> None:
        if case_filter == self._filter:
            return
        self._filter = case_filter
        self.filter_changed.emit(case_filter, origin)

    @property
    def selection(self) -> Selection:
        return self._selection

    @property
    def time_window(self) -> TimeWindow:
        return self._time_window

    def select(self, table: str, ids: list[str] | tuple[str, ...], origin: object = None) -> None:
        selection = Selection(table, tuple(dict.fromkeys(ids))) if ids else Selection()
        if selection == self._selection:
            return
        self._selection = selection
        self.selection_changed.emit(selection, origin)

    def clear(self, origin: object = None) -> None:
        self.select("", (), origin)

    def set_time_window(self, start: str | None, end: str | None, origin: object = None) -> None:
        if start and end and end < start:
            start, end = end, start
        window = TimeWindow(start, end)
        if window == self._time_window:
            return
        self._time_window = window
        self.time_window_changed.emit(window, origin)

    def forget(self, table: str, ids: set[str]) -> None:
        """Drop records that no longer exist from the selection (after a delete or undo)."""
        if self._selection.table == table and ids & set(self._selection.ids):
            kept = [record_id for record_id in self._selection.ids if record_id not in ids]
            self.select(table if kept else "", kept, origin=None)
