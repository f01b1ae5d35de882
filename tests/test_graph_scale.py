"""The graph at scale (issue 19): on a synthetic case of 300 actors the isolated ones are one marked
group that a click opens, the best connected actors are named after Fit (none overlapping), and
relations are faint hairlines when zoomed out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication

from workbench.core.synthetic import generate_case
from workbench.ui.graph.chart import OVERVIEW_FROM_EDGES, OVERVIEW_LOD
from workbench.ui.main_window import MainWindow


def overlapping(rects: list[QRectF]) -> list[tuple[int, int]]:
    return [(a, b) for a in range(len(rects)) for b in range(a + 1, len(rects)) if rects[a].intersects(rects[b])]


def test_isolates_are_one_group_and_the_hubs_are_named(qtbot, tmp_path: Path) -> None:
    generate_case(tmp_path / "synthetic.case", 6000).close()
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(tmp_path / "synthetic.case")
    window.resize(1440, 900)
    window.show()
    window.build_views()
    for _ in range(5):
        QApplication.processEvents()
    pane = window.graph
    pane.flush()
    assert pane.wait_for_work()
    QApplication.processEvents()
    pane.fit()
    chart, canvas = pane.chart, pane.canvas
    g = chart.graph
    assert g.n == 300 and g.m > OVERVIEW_FROM_EDGES
    isolated = np.asarray(chart.degree) == 0
    assert chart.group_count() == int(isolated.sum()) >= 5
    assert not chart.node_visible()[isolated].any()  # not drawn one by one...
    centre = canvas.mapFromScene(chart.group_centre)
    assert chart.node_at(chart.group_centre.x(), chart.group_centre.y(), 0) == -1
    picture = canvas.viewport().grab().toImage()
    assert picture.pixelColor(centre).name() != canvas.backgroundBrush().color().name()  # ...but as one marker
    # Named: the best connected first, many of them, none overlapping, none on the group's text.
    names = chart.label_rects()
    assert len(names) >= 15
    assert int(np.argmax(chart.degree)) in names
    assert overlapping(list(names.values())) == []
    # Zoomed out, relations are drawn as faint hairlines.
    assert canvas.transform().m11() < OVERVIEW_LOD
    # A click on the group shows the isolated actors one by one.
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert chart.group_count() == 0 and chart.node_visible()[isolated].all()
    v = int(np.flatnonzero(isolated)[0])
    assert chart.node_at(float(chart.xy[v, 0]), float(chart.xy[v, 1]), 1.0) == v
