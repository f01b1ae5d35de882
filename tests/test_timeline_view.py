"""The drawn timeline in the main window on real case files: clicks, brushing, filters, tooltips, export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from workbench.core.filters import CaseFilter
from workbench.core.sample import build_sample_case
from workbench.core.store import create_case, open_case
from workbench.core.tags import set_tags
from workbench.core.timeline.data import WEAK, load_timeline, utc_seconds, utc_text
from workbench.ui.main_window import MainWindow
from workbench.ui.timeline import TimelineChart


@pytest.fixture
def window(qtbot, small_case: Path) -> MainWindow:
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert window.open_path(small_case)
    QApplication.processEvents()
    return window


def chart_of(window: MainWindow) -> TimelineChart:
    return window.timeline.chart


def render(chart: TimelineChart) -> QImage:
    """Paint the plot now, as the screen would, and return the picture."""
    return chart.plot.grab().toImage()


def event_point(chart: TimelineChart, event_id: str) -> QPoint:
    """Where an event is drawn, in the plot's viewport coordinates (first lane it appears in)."""
    index = int(chart.data.indices_of([event_id])[0])
    row = float(chart.layout.item_row[chart.layout.item_event == index].min())
    scene = chart.view.mapViewToScene(QPointF(float(chart.data.anchor[index]), row + 0.5))
    return chart.plot.mapFromScene(scene)


def send_mouse(widget, kind: QEvent.Type, pos: QPoint, buttons: Qt.MouseButton,
               modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, QPointF(pos), QPointF(widget.mapToGlobal(pos)), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(widget, start: QPoint, end: QPoint, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    left = Qt.MouseButton.LeftButton
    send_mouse(widget, QEvent.Type.MouseButtonPress, start, left, modifiers)
    for step in range(1, 6):
        QTest.qWait(20)  # pyqtgraph drops mouse moves that come faster than its frame rate
        point = start + (end - start) * (step / 5)
        send_mouse(widget, QEvent.Type.MouseMove, point, left, modifiers)
    send_mouse(widget, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton, modifiers)


def test_timeline_shows_the_case_with_lanes_legend_and_list(window: MainWindow) -> None:
    chart = chart_of(window)
    assert window.panes["events"] is window.timeline.events  # the list stays, in its own tab
    assert chart.layout is not None
    assert set(chart.layout.labels) == {"Александр Лукашенко", "Kremlin", "OMON (Special Purpose Police Unit)"}
    render(chart)
    assert chart.events.last_frame is not None and chart.events.last_frame.items == 3
    assert "possible / unverified" in chart.legend.texts
    assert "2 events" in chart.status.text() and "Europe/Minsk" in chart.status.text()
    # opens on the case's range with a margin
    (low, high), _ = chart.view.viewRange()
    assert low < utc_seconds("2020-08-14T15:00:00Z") and high > utc_seconds("2020-08-15T21:00:00Z")


def test_clicking_an_event_updates_the_shared_selection(qtbot, window: MainWindow) -> None:
    chart = chart_of(window)
    render(chart)
    with qtbot.waitSignal(window.selection.selection_changed) as signal:
        qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=event_point(chart, "event-call"))
    assert signal.args[0].table == "events" and signal.args[0].ids == ("event-call",)
    assert signal.args[1] is chart
    assert window.panes["events"].selected_ids() == ["event-call"]  # the list follows
    assert dict(window.inspector.rows())["Event"] == "Lukashenko calls Putin"
    render(chart)
    assert len(chart.events.last_frame.selected) == 2  # outlined in both of its actors' lanes
    # clicking empty space clears the selection
    qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(chart.plot.width() - 20, 10))
    assert not window.selection.selection


def test_shift_drag_sets_the_shared_time_window(qtbot, window: MainWindow) -> None:
    chart = chart_of(window)
    viewport = chart.plot.viewport()
    render(chart)
    start = event_point(chart, "event-rumour") + QPoint(-60, 0)
    end = start + QPoint(150, 0)
    heard = []
    window.selection.time_window_changed.connect(lambda w, origin: heard.append((w, origin)))
    drag(viewport, start, end, Qt.KeyboardModifier.ShiftModifier)
    assert heard and heard[-1][1] is chart
    window_now = window.selection.time_window
    low = chart.view.mapSceneToView(chart.plot.mapToScene(start)).x()
    high = chart.view.mapSceneToView(chart.plot.mapToScene(end)).x()
    assert abs(utc_seconds(window_now.start) - low) < 2
    assert abs(utc_seconds(window_now.end) - high) < 2
    assert chart.window_region.isVisible()
    assert chart.clear_window_button.isEnabled()
    assert "window" in chart.status.text()
    # a plain drag pans and leaves the window alone
    (before, _), _ = chart.view.viewRange()
    drag(viewport, end, start)
    (after, _), _ = chart.view.viewRange()
    assert after > before
    assert window.selection.time_window == window_now
    chart.clear_window_button.click()
    assert (window.selection.time_window.start, window.selection.time_window.end) == window.case.date_range()


def test_dragging_on_the_overview_sets_the_time_window(qtbot, window: MainWindow) -> None:
    chart = chart_of(window)
    overview = chart.overview.viewport()
    y = overview.height() // 2
    drag(overview, QPoint(LEFT := chart.overview.width() // 3, y), QPoint(LEFT + 80, y))
    window_now = window.selection.time_window
    assert window_now.start is not None and window_now.end is not None
    assert window_now != utc_text(0)
    assert utc_seconds(window_now.end) - utc_seconds(window_now.start) > 60


def test_time_window_from_elsewhere_is_shown(window: MainWindow) -> None:
    chart = chart_of(window)
    window.selection.set_time_window("2020-08-14T18:00:00Z", "2020-08-15T06:00:00Z", origin="graph")
    low, high = chart.window_region.getRegion()
    assert (low, high) == (utc_seconds("2020-08-14T18:00:00Z"), utc_seconds("2020-08-15T06:00:00Z"))
    assert chart.window_region.isVisible()


def test_uncertain_events_are_drawn_as_windows(window: MainWindow) -> None:
    chart = chart_of(window)
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("single"))
    # zoom to the rumour's evening: "not before 15:00Z, no later than 20:59Z" must be a window
    chart.view.setXRange(utc_seconds("2020-08-14T12:00:00Z"), utc_seconds("2020-08-14T23:00:00Z"),
                         padding=0)
    render(chart)
    frame = chart.events.last_frame
    found = chart.events.logical_viewport(_painter_stub(chart))
    view = found[0]
    windows = frame.windows[(WEAK, False)]  # unverified: the weak style
    assert len(windows) == 1
    assert windows.x0[0] == pytest.approx(view.x_px(utc_seconds("2020-08-14T15:00:00Z")), abs=0.5)
    assert windows.x1[0] == pytest.approx(view.x_px(utc_seconds("2020-08-14T20:59:00Z")), abs=0.5)
    assert windows.x1[0] - windows.x0[0] > 100  # a window, not a point
    assert (WEAK, False) not in frame.markers  # and no fake precise marker inside it
    # zoomed far out the window is a sliver, so a stand-in marker keeps it visible and clickable
    chart.view.setXRange(utc_seconds("2019-08-14T00:00:00Z"), utc_seconds("2021-08-14T00:00:00Z"),
                         padding=0)
    render(chart)
    assert (WEAK, False) in chart.events.last_frame.markers
    # and the picture really has the faded window's colour at its middle when zoomed in
    chart.view.setXRange(utc_seconds("2020-08-14T12:00:00Z"), utc_seconds("2020-08-14T23:00:00Z"),
                         padding=0)
    image = render(chart)
    middle = chart.plot.mapFromScene(chart.view.mapViewToScene(QPointF(utc_seconds("2020-08-14T18:00:00Z"),
                                                                       _row_of(chart, "event-rumour") + 0.5)))
    colour = image.pixelColor(middle.x(), middle.y() + 4)
    assert colour.red() > colour.blue()  # a light orange wash, not the white of an empty lane


def _row_of(chart: TimelineChart, event_id: str) -> float:
    index = int(chart.data.indices_of([event_id])[0])
    return float(chart.layout.item_row[chart.layout.item_event == index].min())


def _painter_stub(chart: TimelineChart):
    from PySide6.QtGui import QPainter

    image = QImage(chart.plot.size(), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.end()
    return painter


def test_filter_by_confidence_hides_the_unverified_event(qtbot, window: MainWindow) -> None:
    chart = chart_of(window)
    heard = []
    window.selection.filter_changed.connect(lambda f, origin: heard.append((f, origin)))
    chart.confidence_combo.setCurrentIndex(chart.confidence_combo.findData("possible"))  # "Hide unverified"
    assert window.selection.filter.confidence_floor == "possible"
    assert heard[-1][1] is chart
    rumour = int(chart.data.indices_of(["event-rumour"])[0])
    assert rumour not in chart.layout.item_event.tolist()
    assert "OMON (Special Purpose Police Unit)" not in chart.layout.labels  # its only event is gone
    render(chart)
    frame = chart.events.last_frame
    assert frame.items == 2  # the call, in two lanes
    assert not any(style == WEAK for style, _faded in [*frame.windows, *frame.markers, *frame.bars])
    assert "1 of 2 events" in chart.status.text()


def test_filters_from_the_shared_state_reach_the_controls(window: MainWindow) -> None:
    chart = chart_of(window)
    window.selection.set_filter(CaseFilter(actor_kinds=frozenset({"state"}), reliability_floor="C", text="putin"),
                                origin="graph")
    assert chart.reliability_combo.currentData() == "C"
    assert chart.text_filter.text() == "putin"
    assert chart.actor_kinds.chosen() == frozenset({"state"})
    assert chart.layout.labels == ["Kremlin"]  # other kinds' lanes go; the call stays through the Kremlin
    window.selection.set_filter(CaseFilter(), origin="graph")
    assert chart.text_filter.text() == "" and chart.actor_kinds.chosen() is None
    assert len(chart.layout.keys) == 3


def test_text_and_kind_controls_set_the_shared_filter(qtbot, window: MainWindow) -> None:
    chart = chart_of(window)
    chart.text_filter.setText("лукаш")  # QTest cannot type Cyrillic; the text path is the same
    qtbot.waitUntil(lambda: window.selection.filter.text == "лукаш", timeout=2000)
    assert set(chart.layout.labels) == {"Александр Лукашенко", "Kremlin"}
    chart.text_filter.clear()
    qtbot.waitUntil(lambda: window.selection.filter.text == "", timeout=2000)
    chart.actor_kinds.actions_["security"].setChecked(False)
    assert window.selection.filter.actor_kinds == frozenset({"person", "state"})
    assert "OMON (Special Purpose Police Unit)" not in chart.layout.labels


def test_selecting_actors_elsewhere_highlights_their_lanes_and_fades_the_rest(window: MainWindow) -> None:
    chart = chart_of(window)
    window.selection.select("actors", ["actor-omon"], origin="graph")
    assert chart.highlighted_lanes == {"actor-omon"}
    rumour, call = (int(chart.data.indices_of([e])[0]) for e in ("event-rumour", "event-call"))
    assert chart.faded is not None and not chart.faded[rumour] and chart.faded[call]
    render(chart)
    frame = chart.events.last_frame
    assert any(faded for _style, faded in [*frame.windows, *frame.markers])
    window.selection.clear(origin="graph")
    assert chart.faded is None and chart.highlighted_lanes == set()


def test_selecting_an_event_elsewhere_outlines_it(window: MainWindow) -> None:
    chart = chart_of(window)
    chart.view.setXRange(utc_seconds("2021-01-01T00:00:00Z"), utc_seconds("2021-01-02T00:00:00Z"),
                         padding=0)
    window.selection.select("events", ["event-rumour"], origin="list")
    (low, high), _ = chart.view.viewRange()
    rumour = int(chart.data.indices_of(["event-rumour"])[0])
    assert low <= chart.data.anchor[rumour] <= high  # brought into sight
    render(chart)
    assert len(chart.events.last_frame.selected) == 1


def test_tooltip_escapes_case_text(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "hostile.case"
    case = create_case(path, "Hostile", timezone="Europe/Minsk")
    case.insert("events", {"id": "event-x", "title": "<b>bold</b> <img src='file:///etc/passwd'>",
                           "start": "2020-08-15T15:00:00Z", "time_precision": "minute", "confidence": "reported"})
    case.close()
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(path)
    chart = chart_of(window)
    text = chart.tooltip_html(0)
    assert "&lt;b&gt;bold&lt;/b&gt;" in text and "<img" not in text
    assert "15 Aug 2020, 18:00" in text and "No source cited" in text


def test_keys_zoom_pan_and_fit(qtbot, window: MainWindow) -> None:
    chart = chart_of(window)
    chart.plot.setFocus()
    (low, high), _ = chart.view.viewRange()
    qtbot.keyClick(chart.plot, Qt.Key.Key_Plus)
    (zoom_low, zoom_high), _ = chart.view.viewRange()
    assert zoom_high - zoom_low == pytest.approx((high - low) / 1.25)
    qtbot.keyClick(chart.plot, Qt.Key.Key_Right)
    (pan_low, _pan_high), _ = chart.view.viewRange()
    assert pan_low > zoom_low
    qtbot.keyClick(chart.plot, Qt.Key.Key_Minus)
    qtbot.keyClick(chart.plot, Qt.Key.Key_Home)
    assert chart.view.viewRange()[0] == pytest.approx([low, high])


def test_lane_modes_and_orders(window: MainWindow) -> None:
    chart = chart_of(window)
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("kinds"))
    assert chart.layout.mode == "kinds"
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("actors"))
    chart.order_combo.setCurrentIndex(chart.order_combo.findData("name"))
    assert chart.layout.labels == ["Kremlin", "OMON (Special Purpose Police Unit)", "Александр Лукашенко"]


def test_export_png_at_twice_the_size_and_svg(window: MainWindow, tmp_path: Path) -> None:
    chart = chart_of(window)
    png, svg = tmp_path / "timeline.png", tmp_path / "timeline.svg"
    assert chart.export_png(png)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (chart.plot.width() * 2, chart.plot.height() * 2)
    assert chart.export_svg(svg)
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    assert "Kremlin" in text  # lane names are text in the SVG


def test_edits_to_the_case_reach_the_timeline(window: MainWindow) -> None:
    chart = chart_of(window)
    window.case.insert("events", {"title": "A new event", "start": "2020-08-16T10:00:00Z",
                                  "time_precision": "minute"})
    assert len(chart.data) == 3
    assert "A new event" in chart.data.titles


def test_changes_to_sources_and_tags_refilter_without_re_reading_the_events(window: MainWindow) -> None:
    chart = chart_of(window)
    case = window.case
    window.selection.set_filter(CaseFilter(reliability_floor="C"), origin="graph")
    assert chart.mask.tolist() == [True, False]  # the rumour cites no source
    loaded = chart.data
    case.insert("citations", {"source_id": "source-tass", "event_id": "event-rumour", "footnote": "10"})
    assert chart.mask.tolist() == [True, True]  # now supported by TASS (B)
    case.update("sources", "source-tass", {"reliability": "E"})
    assert chart.mask.tolist() == [True, False]
    window.selection.set_filter(CaseFilter(tags=frozenset({"convoy"})), origin="graph")
    assert chart.mask.tolist() == [False, False]
    set_tags(case, "events", "event-rumour", ["convoy"])
    assert chart.mask.tolist() == [False, True]
    assert "convoy" in chart.tag_filter.actions_
    case.set_meta("title", "Renamed")
    assert chart.data is loaded  # none of these re-read the events
    case.set_meta("timezone", "Asia/Tokyo")
    assert chart.data is not loaded and chart.data.zone.key == "Asia/Tokyo"


def test_empty_case_and_no_case(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "empty.case"
    create_case(path, "Empty").close()
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path)
    chart = chart_of(window)
    render(chart)
    assert chart.status.text() == "No events yet."
    qtbot.keyClick(chart.plot, Qt.Key.Key_Home)
    window.close_case()
    render(chart)
    assert chart.status.text() == "No case open."


def test_sample_case_reads_well(qtbot, tmp_path: Path) -> None:
    """The sample opens on 9 to 17 August, where its events are (the 20-day range from 27 July runs in
    from the left edge and does not set the frame), every event drawn, Cyrillic-safe labels placed apart."""
    path = tmp_path / "sample.case"
    build_sample_case(path).close()
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    assert window.open_path(path)
    QApplication.processEvents()
    chart = chart_of(window)
    (low, high), _ = chart.view.viewRange()
    assert utc_seconds("2020-08-05T00:00:00Z") < low <= utc_seconds("2020-08-08T21:00:00Z")
    assert high > utc_seconds("2020-08-17T21:00:00Z")
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("single"))
    render(chart)
    frame = chart.events.last_frame
    assert frame.items == 20
    assert frame.labels
    with open_case(path, read_only=True) as case:
        assert len(load_timeline(case)) == 20
    assert np.all(np.isfinite([x for x, *_ in frame.labels]))
