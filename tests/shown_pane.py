"""An actor graph pane shown on a case at a given size, its background work done: the set-up of the chart tests."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from workbench.core.store import Case
from workbench.ui.graph.pane import GraphPane
from workbench.ui.selection import SelectionModel


def shown_graph(qtbot, case: Case, width: int, height: int, group_from: int | None = None) -> GraphPane:
    """A GraphPane on `case`, its tables closed, shown at `width` x `height`, its layout and groups delivered;
    `group_from`: the chart's actor count to group from (set before the case, as the app's own is)."""
    pane = GraphPane(SelectionModel())
    qtbot.addWidget(pane)
    if group_from is not None:
        pane.chart.group_from = group_from
    pane.keep_tables_closed()
    pane.resize(width, height)
    pane.show()
    pane.set_case(case)
    pane.flush()
    assert pane.wait_for_work()
    QApplication.processEvents()
    return pane
