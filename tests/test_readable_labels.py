"""Labels readable at the common window sizes (issue 19): every actor named after Fit, none overlapping;
timeline axis labels never colliding, measured from the rectangles they are drawn in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QApplication
from sized_window import open_window

from workbench.core.graph.geometry import LabelBoard, label_spacing, place_labels
from workbench.ui.graph.chart import MIN_LABEL_PT, ChartItem


def on_screen(chart: ChartItem, canvas, rects: dict[int, QRectF]) -> dict[int, QRectF]:
    transform = canvas.viewportTransform()
    return {key: transform.mapRect(rect) for key, rect in rects.items()}


def overlapping(rects: list[QRectF]) -> list[tuple[int, int]]:
    return [(a, b) for a in range(len(rects)) for b in range(a + 1, len(rects)) if rects[a].intersects(rects[b])]


def dark_pixels(image: QImage, rect: QRectF) -> int:
    count = 0
    for x in range(max(int(rect.left()), 0), min(int(rect.right()), image.width())):
        for y in range(max(int(rect.top()), 0), min(int(rect.bottom()), image.height())):
            if QColor(image.pixel(x, y)).lightness() < 110:
                count += 1
    return count


@pytest.mark.parametrize("size", [(1440, 900), (1366, 768), (1920, 1080)])
def test_every_actor_is_named_after_fit_and_no_two_labels_overlap(qtbot, sample_path: Path, tmp_path: Path,
                                                                  size: tuple[int, int]) -> None:
    window = open_window(qtbot, sample_path, tmp_path, *size)
    # The classification banners span the window (tests/test_banner.py: also after edits and docking).
    for banner in (window.top_banner, window.bottom_banner):
        assert banner.label.mapTo(window, banner.label.rect().topLeft()).x() <= 2
        assert banner.label.width() >= window.width() - 4
    pane = window.graph
    pane.flush()
    pane.fit_action.trigger()
    QApplication.processEvents()
    chart, canvas = pane.chart, pane.canvas
    graph = chart.graph
    assert graph.n == 23
    names = on_screen(chart, canvas, chart.label_rects())
    assert sorted(graph.names[v] for v in names) == sorted(graph.names), "every actor of the sample is named"
    view = QRectF(canvas.viewport().rect())
    for v, rect in names.items():
        assert view.contains(rect), f"{graph.names[v]} is cut off at the view's edge: {rect} in {view}"
    names_list = list(names.values())
    assert overlapping(names_list) == []
    # The legend is a strip beside the chart's view, never over it: the isolated actors at the
    # bottom (Belarusian forest ministry, police, Taraykouski) are in sight with their names.
    legend = canvas.legend
    assert legend.isVisible()
    assert not legend.geometry().intersects(canvas.viewport().geometry())
    for v in range(graph.n):
        centre = canvas.mapFromScene(float(chart.xy[v, 0]), float(chart.xy[v, 1]))
        assert view.contains(QRectF(centre.x() - 1, centre.y() - 1, 2, 2)), graph.names[v]
    # Neighbours keep a word space and more apart, so that two names never read as one.
    across, down = label_spacing(QFontMetricsF(chart.label_placement(canvas.transform().m11())["font"]).height())
    grown = [rect.adjusted(-across + 0.5, -down + 0.5, across - 0.5, down - 0.5) for rect in names_list]
    close = [(graph.names[list(names)[a]], graph.names[list(names)[b]])
             for a in range(len(grown)) for b in range(a + 1, len(grown)) if grown[a].intersects(names_list[b])]
    assert close == [], "names closer than the least spacing"
    edges = list(on_screen(chart, canvas, chart.edge_label_rects()).values())
    assert overlapping(names_list + edges) == [], "a relation label covers a name or another relation label"
    # No name covers another actor's marker.
    scale = canvas.transform().m11()
    for v, rect in names.items():
        for w in range(graph.n):
            if w == v:
                continue
            centre = canvas.mapFromScene(float(chart.xy[w, 0]), float(chart.xy[w, 1]))
            r = float(chart.radius[w]) * scale
            marker = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
            assert not rect.adjusted(1, 1, -1, -1).intersects(marker), (graph.names[v], graph.names[w])
    # Drawn at a readable size, and really drawn: text (dark pixels) inside each rectangle.
    placement = chart.label_placement(scale)
    assert placement["font"].pointSizeF() >= MIN_LABEL_PT
    metrics = QFontMetricsF(placement["font"])
    picture = canvas.viewport().grab().toImage()
    for v, rect in names.items():
        lines = placement["text"][v].split("\n")
        assert " ".join(lines) == graph.names[v]
        assert max(metrics.horizontalAdvance(line) for line in lines) <= rect.width() + 0.5
        assert dark_pixels(picture, rect) >= 8 * len(graph.names[v].replace(" ", "")) // 4, graph.names[v]


def test_place_labels_keeps_names_on_one_line_a_word_space_apart() -> None:
    # Two actors side by side whose names would touch when centred under them.
    anchors = np.array([[0.0, 0.0], [61.0, 0.0]])
    radius = np.full(2, 3.0)
    widths = np.array([60.0, 60.0])
    touching = place_labels(anchors, radius, widths, 12.0, [0, 1], spacing=(0.0, 0.0))
    assert touching[1][0] - touching[0][2] < 4  # without spacing, the names run together
    placed = place_labels(anchors, radius, widths, 12.0, [0, 1])
    first, second = (QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1]) for b in (placed[0], placed[1]))
    across, down = label_spacing(12.0)
    assert across >= 4
    assert not first.adjusted(-across, -down, across, down).intersects(second)


def test_names_keep_their_screen_size_when_zoomed_out_and_grow_when_zoomed_in(qtbot, sample_path: Path,
                                                                             tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path, 1440, 900)
    pane = window.graph
    pane.flush()
    pane.canvas.fit()
    chart = pane.chart
    assert chart.label_placement(0.2)["font"].pointSizeF() == pytest.approx(MIN_LABEL_PT)
    assert chart.label_placement(2.0)["font"].pointSizeF() == pytest.approx(2 * chart.label_font.pointSizeF())
    # Zoomed far out, fewer actors are named rather than names piled on each other.
    fitted = pane.canvas.transform().m11()
    pane.canvas.zoom(0.3)
    few = on_screen(chart, pane.canvas, chart.label_rects())
    assert 0 < len(few) < chart.graph.n
    assert overlapping(list(few.values())) == []
    assert "Aleksander Lukashenko" in {chart.graph.names[v] for v in few}  # the best connected first
    # Zoomed in again, everyone is named again.
    pane.canvas.zoom(1 / 0.3)
    assert pane.canvas.transform().m11() == pytest.approx(fitted)
    assert len(chart.label_rects()) == chart.graph.n


def test_place_labels_moves_a_name_aside_and_leaves_out_one_with_no_room() -> None:
    anchors = np.array([[0.0, 0.0], [0.0, 20.0], [200.0, 0.0]])
    radius = np.full(3, 4.0)
    widths = np.array([60.0, 60.0, 60.0])
    placed = place_labels(anchors, radius, widths, 12.0, [0, 1, 2])
    assert set(placed) == {0, 1, 2}
    boxes = [QRectF(b[0], b[1], b[2] - b[0], b[3] - b[1]) for b in placed.values()]
    assert overlapping(boxes) == []
    assert placed[2][1] >= 4.0  # a name goes below its marker, where it is looked for first...
    assert placed[0][3] <= -4.0  # ...unless another marker is there: then above
    # A frame too small for any name: none is drawn cut off, the actor is left unnamed.
    board = LabelBoard()
    assert place_labels(anchors[:1], radius[:1], widths[:1], 12.0, [0], board=board, frame=(-20, -20, 20, 20)) == {}
    # A name with a wrapped form is drawn on two lines where one line does not fit.
    placed = place_labels(anchors[:1], radius[:1], np.array([200.0]), 12.0, [0], frame=(-70, -70, 70, 70),
                          wrapped={0: [(110.0, 24.0)]})
    assert placed[0][3] - placed[0][1] == pytest.approx(24.0)


def test_picture_export_names_the_actors(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path, 1366, 768)
    pane = window.graph
    pane.flush()
    image = pane.canvas.render_image(2.0)
    assert not image.isNull()
    # The picture is drawn at twice the chart's size: names at twice their size, every one of them.
    placement = pane.chart.label_placement(2.0)
    assert placement["font"].pointSizeF() == pytest.approx(2 * pane.chart.label_font.pointSizeF())
    assert len(placement["names"]) == pane.chart.graph.n


def axis_label_rects(axis) -> list[tuple[QRectF, str]]:
    """The rectangles pyqtgraph draws the axis labels in, as it computes them for painting."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in texts if text]


@pytest.mark.parametrize("width", [1366, 1440, 1920, 900])
def test_timeline_axis_labels_never_overlap_at_any_zoom(qtbot, sample_path: Path, tmp_path: Path,
                                                        width: int) -> None:
    window = open_window(qtbot, sample_path, tmp_path, width, 900)
    timeline = window.timeline.chart
    timeline.fit()
    QApplication.processEvents()
    low, high = timeline.view.viewRange()[0]
    middle = (low + high) / 2
    axes = {"timeline": timeline.plot.getAxis("bottom"), "overview": timeline.overview.getPlotItem().getAxis("bottom")}
    # The fitted span, then from ten minutes to forty years in steps of 1.6x: every tick step is crossed.
    spans = [high - low] + [600 * 1.6 ** k for k in range(32)]
    seen = set()
    for span in spans:
        timeline.show_span(middle - span / 2, middle + span / 2)
        QApplication.processEvents()
        for name, axis in axes.items():
            labels = axis_label_rects(axis)
            seen.update(text for _rect, text in labels)
            rects = [rect for rect, _text in labels]
            clashes = [(labels[a][1], labels[b][1]) for a, b in overlapping(rects)]
            assert clashes == [], f"{name} axis at {span / 86400:.2f} days, {width} px wide: {clashes}"
            assert len(labels) >= 2 or name == "overview", f"{name} axis at {span / 86400:.2f} days has no dates"
    assert any("2020" in text for text in seen)  # the year is shown, and does not run into the next label


def test_time_ticks_space_labels_by_their_measured_width() -> None:
    from zoneinfo import ZoneInfo

    from workbench.core.timeline.frame import time_ticks

    zone = ZoneInfo("Europe/Minsk")
    low = 1595800000.0  # 27 Jul 2020

    def width(text: str) -> float:
        return 7.5 * len(text)

    for span in [600 * 1.7 ** k for k in range(28)]:
        for pixels in (120, 400, 900, 1500):
            major, minor = time_ticks(low, low + span, zone, pixels, measure=width)
            labelled = sorted((value, text) for value, text in major + minor if text)
            assert labelled, (span, pixels)  # never a dateless axis
            centres = [(value - low) / span * pixels for value, _text in labelled]
            for (a, (_va, ta)), (b, (_vb, tb)) in zip(zip(centres, labelled, strict=True),
                                                     zip(centres[1:], labelled[1:], strict=True), strict=False):
                assert b - a >= (width(ta) + width(tb)) / 2 + 8 - 1e-6, (span, pixels, ta, tb)


def toolbar_overflows(bar) -> bool:
    from PySide6.QtWidgets import QToolButton

    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    return extension is not None and extension.isVisible()


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900)])
def test_no_graph_or_timeline_control_hides_behind_an_overflow(qtbot, sample_path: Path, tmp_path: Path,
                                                             size: tuple[int, int]) -> None:
    window = open_window(qtbot, sample_path, tmp_path, *size)
    pane = window.graph
    for bar in (pane.toolbar, pane.toolbar2):
        assert not toolbar_overflows(bar), [a.text() for a in bar.actions()]
    for action in (pane.fit_action, pane.play_action, pane.legend_action, pane.tables_action, pane.export_action):
        assert any(action in bar.actions() for bar in (pane.toolbar, pane.toolbar2))
    for widget in (pane.colour_choice, pane.size_choice, pane.label_size_choice, pane.layout_choice,
                   pane.display_button):
        assert widget.isVisible() and widget.visibleRegion().boundingRect().width() == widget.width()
    # The graph has the widest share of the bottom row, where its names need the room.
    widths = {name: window.docks[name].width() for name in ("graph", "sources", "inspector")}
    assert widths["graph"] == max(widths.values())


@pytest.fixture(scope="module")
def big_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench.core.synthetic import generate_case

    path = tmp_path_factory.mktemp("big") / "big.case"
    generate_case(path, 20_000).close()  # 1,000 actors: the graph draws groups, the timeline summary lanes
    return path


def test_no_control_hides_behind_an_overflow_on_a_big_case(qtbot, big_case: Path, tmp_path: Path) -> None:
    # On ICEWS14 the graph dock once came out 500 px wide and Export hid behind the toolbar's "»".
    from workbench.ui.tasks import runner

    window = open_window(qtbot, big_case, tmp_path, 1366, 768)
    pane = window.graph
    assert pane.wait_for_work() and runner().wait_idle(60_000)
    QApplication.processEvents()
    assert pane.chart.grouping is not None  # drawn as groups, as a big case is
    for bar in (pane.toolbar, pane.toolbar2):
        assert not toolbar_overflows(bar), [a.text() for a in bar.actions()]
    for action in (pane.fit_action, pane.play_action, pane.legend_action, pane.tables_action, pane.export_action):
        assert any(action in bar.actions() for bar in (pane.toolbar, pane.toolbar2))
    chart = window.timeline.chart
    assert chart.layout is not None and chart.layout.summary  # summary lanes
    for widget in (pane.colour_choice, pane.size_choice, pane.label_size_choice, pane.layout_choice,
                   pane.display_button, chart.lane_combo, chart.order_combo, chart.text_filter, chart.fit_button):
        assert widget.isVisible() and widget.visibleRegion().boundingRect().width() == widget.width(), widget
    widths = {name: window.docks[name].width() for name in ("graph", "sources", "inspector")}
    assert widths["graph"] == max(widths.values())


def test_label_size_control_is_kept_in_the_view_state(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path, 1440, 900)
    pane = window.graph
    pane.flush()
    pane.fit()
    usual = pane.chart.label_placement(pane.canvas.transform().m11())["font"].pointSizeF()
    assert pane.view_state()["label_size"] == 1.0
    pane.label_size_choice.setCurrentIndex(pane.label_size_choice.findData(1.5))
    scale = pane.canvas.transform().m11()
    assert pane.chart.label_placement(scale)["font"].pointSizeF() == pytest.approx(1.5 * usual)
    state = pane.view_state()
    assert state["label_size"] == 1.5
    pane.restore_view_state(pane.default_view_state())
    assert pane.label_size_choice.currentData() == 1.0
    assert pane.chart.label_placement(scale)["font"].pointSizeF() == pytest.approx(usual)
    pane.restore_view_state(state)
    assert pane.label_size_choice.currentData() == 1.5
    assert pane.chart.label_placement(scale)["font"].pointSizeF() == pytest.approx(1.5 * usual)
    # Larger names in the same room: Fit names nearly every actor of the sample, none overlapping.
    pane.fit()
    names = pane.chart.label_rects()
    assert len(names) >= pane.chart.graph.n - 3 and overlapping(list(names.values())) == []
    assert "Aleksander Lukashenko" in {pane.chart.graph.names[v] for v in names}


def test_the_fitted_chart_is_fitted_again_when_the_tables_open(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path, 1920, 1080)
    pane = window.graph
    pane.flush()
    pane.show_tables(False)
    pane.fit()
    QApplication.processEvents()
    pane.show_tables(True)
    QApplication.processEvents()
    canvas = pane.canvas
    view = QRectF(canvas.viewport().rect())
    shown = on_screen(pane.chart, canvas, pane.chart.label_rects())
    assert len(shown) == pane.chart.graph.n
    for rect in shown.values():
        assert view.contains(rect)
    # Zoomed by hand, a resize keeps the analyst's zoom.
    canvas.zoom(1.5)
    zoom = canvas.transform().m11()
    pane.show_tables(False)
    QApplication.processEvents()
    assert canvas.transform().m11() == pytest.approx(zoom)
