"""Paths built from arrays in one step (ui.paths) are the paths Qt's own calls build, element for element."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath, QPolygonF

from workbench.ui.paths import arrowheads_path, edges_path, painter_path, polygons_path, quad_curves_path, segments_path


def elements(path: QPainterPath) -> list[tuple[int, float, float]]:
    return [(int(path.elementAt(i).type.value), round(path.elementAt(i).x, 9), round(path.elementAt(i).y, 9))
            for i in range(path.elementCount())]


def test_segments_and_curves_are_what_move_line_and_quad_calls_make(qapp: object) -> None:
    rng = np.random.default_rng(3)
    p0, control, p1 = rng.uniform(-500, 500, (3, 40, 2))
    lines, curves = QPainterPath(), QPainterPath()
    for a, c, b in zip(p0, control, p1, strict=True):
        lines.moveTo(*a)
        lines.lineTo(*b)
        curves.moveTo(*a)
        curves.quadTo(*c, *b)
    assert elements(segments_path(p0, p1)) == elements(lines)
    assert elements(quad_curves_path(p0, control, p1)) == elements(curves)
    assert segments_path(p0, p1).boundingRect() == lines.boundingRect()
    assert quad_curves_path(p0, control, p1).controlPointRect() == curves.controlPointRect()


def test_edges_bend_only_where_the_control_point_leaves_the_chord(qapp: object) -> None:
    p0 = np.array([[0.0, 0.0], [0.0, 0.0]])
    p1 = np.array([[100.0, 0.0], [100.0, 0.0]])
    control = np.array([[50.0, 0.2], [50.0, 30.0]])  # the first straight, the second bent
    path = edges_path(p0, control, p1)
    kinds = [kind for kind, _x, _y in elements(path)]
    assert kinds == [0, 1, 0, 2, 3, 3]
    assert edges_path(p0[:1], control[:1], p1[:1]).elementCount() == 2
    assert edges_path(p0[1:], control[1:], p1[1:]).elementCount() == 4
    assert edges_path(p0[:0], control[:0], p1[:0]).isEmpty()


def test_polygons_and_arrowheads_are_closed_and_filled_like_add_polygon(qapp: object) -> None:
    corners = np.array([[[0, 0], [10, 0], [5, 8]], [[20, 20], [30, 20], [25, 28]]], dtype=float)
    expected = QPainterPath()
    for triangle in corners:
        points = [QPointF(*point) for point in triangle]
        expected.addPolygon(QPolygonF([*points, points[0]]))
    built = polygons_path(corners)
    assert elements(built) == elements(expected)
    assert built.contains(QPointF(5, 3)) and built.contains(QPointF(25, 23)) and not built.contains(QPointF(15, 10))
    # An arrowhead points along its direction: its tip at the given point, its base 9 units behind.
    arrow = arrowheads_path(np.array([[100.0, 50.0]]), np.array([[1.0, 0.0]]))
    box = arrow.boundingRect()
    assert (box.left(), box.right()) == (91.0, 100.0)
    assert arrow.contains(QPointF(95, 50)) and not arrow.contains(QPointF(102, 50))


def test_a_line_or_polygon_with_a_point_that_is_not_finite_is_left_out(qapp: object) -> None:
    # Qt makes an empty path of elements with one such point: one bad position must not blank a whole chart.
    assert painter_path(np.array([0, 1]), np.array([0.0, np.nan]), np.array([0.0, 5.0])).isEmpty()
    p0 = np.array([[0.0, 0.0], [np.nan, 1.0], [2.0, 2.0]])
    p1 = np.array([[1.0, 1.0], [3.0, 3.0], [np.inf, 4.0]])
    assert elements(segments_path(p0, p1)) == [(0, 0.0, 0.0), (1, 1.0, 1.0)]
    assert edges_path(p0, (p0 + p1) / 2 + 10, p1).elementCount() == 4
    corners = np.array([[[0, 0], [10, 0], [5, 8]], [[20, 20], [np.nan, 20], [25, 28]]], dtype=float)
    assert polygons_path(corners).elementCount() == 4
