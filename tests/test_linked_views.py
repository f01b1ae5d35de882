"""Linked everywhere (issue 19): an event selected elsewhere tints its actors and relations on the
graph, Esc clears every view, the time window narrows every list the same way and each says so,
and the lists give their room to the title column."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sized_window import open_window

from workbench.core.store import open_case
from workbench.core.window import in_time_window, window_caption, window_narrows
from workbench.ui.main_window import MainWindow

WINDOW = ("2020-08-08T21:00:00Z", "2020-08-11T20:59:59Z")  # 9 to 11 August, Minsk


def event_id(window: MainWindow, title_start: str) -> str:
    data = window.timeline.chart.data
    return next(i for i, t in zip(data.ids, data.titles, strict=True) if t.startswith(title_start))


def test_selecting_an_event_tints_its_actors_and_relations_on_the_graph(qtbot, sample_path: Path,
                                                                       tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    pane = window.graph
    pane.flush()
    pane.fit()
    before = pane.canvas.viewport().grab().toImage()
    window.selection.select("events", [event_id(window, "Aleksander Taraykouski shot dead")])
    QApplication.processEvents()
    chart, g = pane.chart, pane.chart.graph
    assert {g.names[v] for v in chart.related_nodes} == {"Aleksander Taraykouski", "Belarusian police"}
    assert chart.related_edges  # the relation between the two
    assert chart.tint_related
    after = pane.canvas.viewport().grab().toImage()
    assert after != before
    # Around each of the event's actors the picture changed (a ring in the selection's colour).
    transform = pane.canvas.viewportTransform()
    for v in chart.related_nodes:
        centre = transform.map(chart.xy[v, 0], chart.xy[v, 1])
        x, y = int(centre[0]), int(centre[1])
        changed = sum(before.pixel(px, py) != after.pixel(px, py)
                      for px in range(x - 10, x + 11) for py in range(y - 10, y + 11))
        assert changed > 10, g.names[v]
    # Esc on the graph clears the selection, and the graph's tint with it.
    pane.canvas.setFocus()
    qtbot.keyClick(pane.canvas, Qt.Key.Key_Escape)
    assert not window.selection.selection
    assert not chart.related_nodes and not chart.tint_related
    assert pane.canvas.viewport().grab().toImage() == before


def test_esc_in_a_list_clears_every_view(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    events = window.panes["events"]
    window.selection.select("actors", [window.graph.chart.graph.ids[0]])
    QApplication.processEvents()
    timeline = window.timeline.chart
    assert timeline.highlighted_lanes
    events.view.setFocus()
    qtbot.keyClick(events.view, Qt.Key.Key_Escape)
    assert not window.selection.selection
    assert not timeline.highlighted_lanes and timeline.faded is None
    assert not window.graph.chart.selected_nodes


def test_the_time_window_narrows_every_list_and_each_says_so(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    with open_case(window.case.path, read_only=True) as case:
        expected = {table: in_time_window(case, table, *WINDOW) for table in ("events", "actors", "relations",
                                                                               "sources")}
        caption = window_caption(case, *WINDOW)
        assert window_narrows(case, *WINDOW)
        assert in_time_window(case, "events", *case.date_range()) is None  # the whole case narrows nothing
    assert caption == "9 Aug \u2013 11 Aug 2020"
    assert len(expected["events"]) == 4 and len(expected["actors"]) == 4
    window.selection.set_time_window(*WINDOW)
    QApplication.processEvents()
    for table, pane in window.panes.items():
        shown = {pane.model.record_id(row) for row in range(pane.model.rowCount())}
        assert shown == expected[table], table
        assert pane.window_note.text().startswith(f"Time window {caption}: {len(shown)} of "), table
        assert not pane.window_bar.isHidden()
    assert f"{len(expected['events'])} of 20 events in it" in window.timeline.chart.status.text()
    assert window.graph.day_label.text().strip().startswith(caption)
    # A record selected out of the window still shows in its list.
    outside = next(a for a in window.graph.chart.graph.ids if a not in expected["actors"])
    window.selection.select("actors", [outside])
    QApplication.processEvents()
    actors = window.panes["actors"]
    assert outside in {actors.model.record_id(row) for row in range(actors.model.rowCount())}
    # "Whole case" widens the shared window: every list shows all again and says nothing.
    window.panes["events"].window_whole.click()
    QApplication.processEvents()
    for table, pane in window.panes.items():
        assert pane.model.rowCount() == len(pane.model.listing), table
        assert pane.window_bar.isHidden()
    assert window.graph.day_label.text() == ""


@pytest.mark.parametrize("table, title", [("events", "Event"), ("actors", "Actor"), ("sources", "Title or URL")])
def test_list_columns_fit_their_content_and_the_title_takes_the_rest(qtbot, sample_path: Path, tmp_path: Path,
                                                                    table: str, title: str) -> None:
    window = open_window(qtbot, sample_path, tmp_path, 1920, 1080)
    pane = window.panes[table]
    if table == "events":
        window.timeline.tabs.setCurrentIndex(1)
    elif table == "actors":
        window.graph.show_tables(True)
        window.graph.side.setCurrentWidget(pane)
    QApplication.processEvents()
    view = pane.view
    names = [c.name for c in pane.model.listing.columns]
    title_column = names.index(title)
    header = view.horizontalHeader()
    assert not header.stretchLastSection()
    room = view.viewport().width()
    # The last column is as wide as its content, not the spare width.
    last = len(names) - 1
    wanted = max(view.sizeHintForColumn(last), header.sectionSizeHint(last))
    assert view.columnWidth(last) <= wanted + 2
    # The title has the rest: at least TITLE_SHARE of the list, or all its content needs.
    needs = view.sizeHintForColumn(title_column)
    assert view.columnWidth(title_column) >= min(0.4 * room - 2, needs)
    assert sum(view.columnWidth(c) for c in range(len(names))) <= room + 1  # no sideways scrolling
    # Narrower, the other columns give way and the title keeps its share.
    pane.resize(pane.width() * 2 // 3, pane.height())
    QApplication.processEvents()
    room = view.viewport().width()
    floor = room - 36 * (len(names) - 1)  # every other column at its least width
    assert view.columnWidth(title_column) >= min(0.4 * room - 2, needs, floor)
