"""Creating records from the views: double-click the timeline, Shift+drag between actors on the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from workbench.core.timeline.data import utc_seconds
from workbench.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, small_case: Path) -> MainWindow:
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    assert window.open_path(small_case)
    QApplication.processEvents()
    return window


def send(widget, kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton,
         modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    QApplication.sendEvent(widget, QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button,
                                               buttons, modifiers))


def double_click(widget, pos: QPoint) -> None:
    """Press, release, double-click, release: what a real mouse sends (QTest.mouseDClick skips steps)."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, none),
                          (QEvent.Type.MouseButtonDblClick, left), (QEvent.Type.MouseButtonRelease, none)):
        send(widget, kind, pos, buttons)
        QTest.qWait(20)


def test_double_click_on_empty_timeline_adds_an_event_in_that_lane(qtbot, window: MainWindow) -> None:
    chart = window.timeline.chart
    chart.plot.grab()
    top, _bottom = chart.layout.rows_of_lane("actor-kremlin")
    (low, high), _ = chart.view.viewRange()
    x = low + (high - low) * 0.04  # the margin left of the first event: empty
    point = chart.plot.mapFromScene(chart.view.mapViewToScene(QPointF(x, top + 0.5)))
    assert chart.event_at(x, top + 0.5) < 0
    before = {row["id"] for row in window.case.rows("events")}
    double_click(chart.plot.viewport(), point)
    added = [row for row in window.case.rows("events") if row["id"] not in before]
    assert len(added) == 1
    event = added[0]
    assert event["title"] == "New event" and event["time_precision"] == "hour"
    assert abs(utc_seconds(event["start"]) - x) <= 1800  # the clicked time, to the hour
    actors = {r["actor_id"] for r in window.case.rows("event_actors", where="event_id = ?", params=(event["id"],))}
    assert actors == {"actor-kremlin"}
    assert window.selection.selection.ids == (event["id"],)
    assert window.inspector.form is window.inspector.forms["events"]
    assert window.undo_action.text() == "&Undo Add event on the timeline"
    window.undo_stack.undo()  # the event and its actor link go in one step
    assert window.case.get("events", event["id"]) is None
    assert not window.case.rows("event_actors", where="event_id = ?", params=(event["id"],))


def test_double_click_on_an_event_adds_nothing(qtbot, window: MainWindow) -> None:
    chart = window.timeline.chart
    chart.plot.grab()
    index = int(chart.data.indices_of(["event-call"])[0])
    row = float(chart.layout.item_row[chart.layout.item_event == index].min())
    point = chart.plot.mapFromScene(chart.view.mapViewToScene(QPointF(float(chart.data.anchor[index]), row + 0.5)))
    count = len(window.case.rows("events"))
    double_click(chart.plot.viewport(), point)
    assert len(window.case.rows("events")) == count


def test_shift_drag_from_actor_to_actor_adds_a_relation(qtbot, window: MainWindow) -> None:
    pane = window.graph
    canvas = pane.canvas
    qtbot.waitUntil(lambda: canvas.chart.xy is not None and canvas.chart.graph.n == 3, timeout=5000)
    canvas.fit()
    QApplication.processEvents()

    def where(actor_id: str) -> QPoint:
        v = pane.graph.index[actor_id]
        x, y = canvas.chart.xy[v]
        return canvas.mapFromScene(QPointF(float(x), float(y)))

    start, end = where("actor-omon"), where("actor-luka")
    viewport = canvas.viewport()
    shift = Qt.KeyboardModifier.ShiftModifier
    relations_before = {row["id"] for row in window.case.rows("relations")}
    positions_before = window.case.conn.execute("SELECT count(*) FROM actor_layout").fetchone()[0]
    send(viewport, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton, shift)
    for step in range(1, 6):
        QTest.qWait(10)
        send(viewport, QEvent.Type.MouseMove, start + (end - start) * (step / 5), Qt.MouseButton.LeftButton, shift)
    assert canvas.link_line.isVisible()
    send(viewport, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton, shift)
    added = [row for row in window.case.rows("relations") if row["id"] not in relations_before]
    assert len(added) == 1
    assert (added[0]["from_actor_id"], added[0]["to_actor_id"]) == ("actor-omon", "actor-luka")
    assert not canvas.link_line.isVisible()
    # the actor did not move: a Shift+drag relates, it does not reposition
    assert window.case.conn.execute("SELECT count(*) FROM actor_layout").fetchone()[0] == positions_before
    assert window.selection.selection.table == "relations"
    assert window.inspector.form is window.inspector.forms["relations"]
    window.undo_stack.undo()
    assert window.case.get("relations", added[0]["id"]) is None
