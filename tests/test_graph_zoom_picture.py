"""The graph's wheel zoom (GraphCanvas.zoom_by_hand): its frames show the last whole drawing scaled, and the view is
drawn whole (names placed for the zoom) once the wheel rests, on any change of the chart, and at rest as Qt draws it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from shown_pane import shown_graph

from workbench.core.store import open_case


def pixels(canvas) -> np.ndarray:  # noqa: ANN001 - GraphCanvas
    image = canvas.viewport().grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return np.frombuffer(image.constBits(), dtype=np.uint32).reshape(image.height(), -1).copy()


def close(a: np.ndarray, b: np.ndarray) -> bool:
    """The same drawing to within antialiased edges' rounding (QGraphicsView.render against its paintEvent)."""
    return a.shape == b.shape and np.count_nonzero(a != b) <= a.size // 400


def direct(canvas) -> np.ndarray:  # noqa: ANN001
    """The view as Qt draws it, without a kept drawing."""
    canvas.keeps_drawings = False
    try:
        return pixels(canvas)
    finally:
        canvas.keeps_drawings = True


def test_a_wheel_turn_shows_the_kept_drawing_and_rests_sharp(qtbot, sample_path: Path) -> None:
    case = open_case(sample_path, read_only=True)
    pane = shown_graph(qtbot, case, 900, 640)
    pane.fit()
    canvas, chart = pane.canvas, pane.chart
    # At rest the kept drawing is what Qt draws.
    at_rest = pixels(canvas)
    assert canvas.whole_paints >= 1
    assert close(at_rest, direct(canvas))
    # A wheel turn: the kept drawing scaled, names not placed again yet.
    placed = dict(chart.label_placement(canvas.transform().m11())["names"])
    previews = canvas.previews
    canvas.zoom_by_hand(1.25)
    turned = pixels(canvas)
    assert canvas.previews == previews + 1 and canvas.hand_zoom
    assert not np.array_equal(turned, at_rest)
    # At rest: names placed for the zoom, drawn whole as Qt draws them.
    canvas.settle()
    assert not canvas.hand_zoom
    sharp = pixels(canvas)
    assert close(sharp, direct(canvas)) and not close(sharp, turned)
    assert chart.label_placement(canvas.transform().m11())["names"] != placed  # placed at the new zoom
    # A change of the chart in a wheel turn (a selection) is drawn whole at once, never from the kept drawing.
    canvas.zoom_by_hand(1 / 1.25)
    before = pixels(canvas)
    first = int(np.flatnonzero(chart.node_visible())[0])
    pane.selection.select("actors", [pane.graph.ids[first]])
    QApplication.processEvents()
    drawn = canvas.whole_paints
    shown = pixels(canvas)
    assert canvas.whole_paints > drawn and not canvas.hand_zoom
    assert first in chart.selected_nodes
    assert close(shown, direct(canvas)) and not close(shown, before)
    pane.close()
    case.close()
