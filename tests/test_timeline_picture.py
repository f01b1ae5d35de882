"""The timeline's kept picture (ui.timeline_picture): a drag's frame is the last frame moved plus a strip drawn from the
whole frame, a wheel turn's frame a stretched picture, and any change, a move by code or the view at rest is drawn
whole, as the layers draw themselves without a picture. On the sample case, in one chart shared by the module."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from workbench.core.store import open_case
from workbench.ui.selection import SelectionModel
from workbench.ui.timeline import BAND_COLOURS, SUMMARY_COLOUR, TimelineChart


@pytest.fixture(scope="module")
def chart(qapp, sample_path: Path):
    case = open_case(sample_path, read_only=True)
    selection = SelectionModel()
    chart = TimelineChart(selection)
    chart.resize(900, 520)
    chart.show()
    chart.set_case(case)
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("single"))  # every event in one lane, labelled
    QApplication.processEvents()
    yield chart
    chart.picture.settle()
    chart.close()
    chart.deleteLater()
    case.close()
    QApplication.processEvents()


@pytest.fixture
def fitted(chart: TimelineChart) -> TimelineChart:
    chart.picture.settle()
    chart.picture.enabled = True
    chart.selection.clear()
    chart.fit()
    frame(chart)
    yield chart
    chart.picture.settle()
    chart.picture.enabled = True
    chart.selection.clear()


def frame(chart: TimelineChart) -> np.ndarray:
    """The plot painted now, as the screen shows it (the widget rendered into an image of its size), as pixels."""
    image = QImage(chart.plot.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0xFFFFFFFF)
    QWidget.render(chart.plot, image)  # as the screen shows it (pyqtgraph's own render() takes a painter)
    return pixels(image)


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return np.frombuffer(image.constBits(), dtype=np.uint32).reshape(image.height(), image.bytesPerLine() // 4).copy()


def direct(chart: TimelineChart) -> np.ndarray:
    """The same view drawn by the layers themselves, without a kept picture."""
    chart.picture.enabled = False
    try:
        return frame(chart)
    finally:
        chart.picture.enabled = True


def plot_columns(chart: TimelineChart) -> tuple[int, int, int, int]:
    """The view box's pixels in the plot: left, right (exclusive), top, bottom (exclusive)."""
    rect = chart.view.sceneBoundingRect()
    box = chart.plot.mapFromScene(rect).boundingRect()
    return box.left() + 1, box.right() - 1, box.top() + 1, box.bottom() - 1


def same_view(chart: TimelineChart, a: np.ndarray, b: np.ndarray) -> bool:
    """The two frames are the same inside the view (its last column, cut at a fractional pixel, aside)."""
    left, right, top, bottom = plot_columns(chart)
    return np.array_equal(a[top:bottom, left:right - 1], b[top:bottom, left:right - 1]) and np.array_equal(
        a[:, :left], b[:, :left])


def test_a_picture_at_rest_is_the_direct_drawing(fitted: TimelineChart) -> None:
    chart = fitted
    before = chart.picture.whole_drawings
    kept = frame(chart)
    assert chart.picture.whole_drawings == before + 1  # drawn whole through the picture
    assert np.array_equal(kept, direct(chart))
    assert chart.events.last_frame.labels  # a labelled view: the labels are in it too


def test_a_drag_moves_the_picture_and_draws_the_strip_it_uncovers_from_the_whole_frame(fitted: TimelineChart) -> None:
    chart = fitted
    left, right, top, bottom = plot_columns(chart)
    before = frame(chart)
    (low, high), _ = chart.view.viewRange()
    shift_px = 40
    seconds_per_px = (high - low) / chart.view.width()
    strips = chart.picture.strips
    chart.pan_by_hand(shift_px * seconds_per_px, 0)  # the view moves right: the picture 40 pixels left
    moved = frame(chart)
    assert chart.picture.strips > strips and not chart.picture.settled
    whole = direct(chart)
    assert not np.array_equal(moved, before)
    # What the picture kept is the last frame moved by the pan's whole pixels ...
    inner = slice(left + shift_px + 2, right - shift_px - 2)
    kept = moved[top:bottom, left + 2:right - 2 * shift_px - 2]
    assert np.array_equal(kept, before[top:bottom, inner]) or np.array_equal(
        moved[top:bottom, left + 3:right - 2 * shift_px - 1], before[top:bottom, inner])
    # ... and the strip it uncovered is the whole frame's (labels, shapes) there, to the pixel.
    strip = slice(right - shift_px + 3, right - 1)
    assert np.array_equal(moved[top:bottom, strip], whole[top:bottom, strip])
    # At rest the view is drawn whole again.
    chart.picture.settle()
    assert chart.picture.settled or chart.picture.hand_range is None
    assert np.array_equal(frame(chart), whole)


def test_a_wheel_turn_stretches_the_picture_and_settles_sharp(fitted: TimelineChart) -> None:
    chart = fitted
    before = frame(chart)
    previews = chart.picture.previews
    chart.zoom_by_hand(1 / 1.25)  # in, about the middle: the stretched picture fills the view
    stretched = frame(chart)
    assert chart.picture.previews == previews + 1
    assert not np.array_equal(stretched, before)
    sharp = direct(chart)
    chart.picture.settle()
    assert np.array_equal(frame(chart), sharp)
    chart.zoom_by_hand(1.25 * 1.25)  # out past where it was drawn: the sides are drawn coarse (where events lie)
    strips, coarse = chart.picture.strips, chart.picture.coarse_strips
    out = frame(chart)
    assert chart.picture.strips > strips and chart.picture.coarse_strips == coarse + 2
    left, right, top, bottom = plot_columns(chart)
    whole = direct(chart)
    lanes = chart.plot.backgroundBrush().color().rgba(), *(colour.rgba() for colour in BAND_COLOURS)
    for side in (slice(left + 2, left + 40), slice(right - 40, right - 2)):  # both sides
        drawn, exact = out[top:bottom, side], whole[top:bottom, side]
        assert not np.isin(exact, lanes).all() and not np.isin(drawn, lanes).all()  # events there, and shown
    assert not chart.picture.settled
    chart.picture.settle()  # at rest: drawn exactly
    assert np.array_equal(frame(chart), whole)


def test_a_wheel_turn_back_out_shows_the_whole_drawing_it_started_from(fitted: TimelineChart) -> None:
    """A wheel turn in and back out stretches the last whole drawing again (not the frame before, whose sides the
    zoom in cut off): nothing is drawn, and the view is as it was."""
    chart = fitted
    before = frame(chart)
    strips, whole = chart.picture.strips, chart.picture.whole_drawings
    chart.zoom_by_hand(1 / 1.25)
    frame(chart)
    chart.zoom_by_hand(1.25)
    back = frame(chart)
    assert chart.picture.strips == strips and chart.picture.whole_drawings == whole
    assert not chart.picture.settled  # still the wheel turn's picture
    assert same_view(chart, back, before)


def test_a_change_or_a_move_by_code_is_never_hidden_by_a_kept_picture(fitted: TimelineChart) -> None:
    chart = fitted
    (low, high), _ = chart.view.viewRange()
    chart.pan_by_hand((high - low) * 0.05, 0)
    frame(chart)
    assert not chart.picture.settled
    # The selection changes in the middle of the drag: the next frame is drawn whole, with the event outlined.
    event_id = chart.data.ids[int(np.flatnonzero(chart.mask)[0])] if len(chart.mask) else chart.data.ids[0]
    chart.selection.select("events", [event_id])
    chart.pan_by_hand((high - low) * 0.05, 0)
    drawn = chart.picture.whole_drawings
    shown = frame(chart)
    assert chart.picture.whole_drawings == drawn + 1
    assert len(chart.events.last_frame.selected) >= 1
    assert same_view(chart, shown, direct(chart))
    # A filter (the data the lanes show) changes during a drag: drawn whole too.
    chart.pan_by_hand(-(high - low) * 0.05, 0)
    frame(chart)
    chart.show_labels = False
    chart.events.update()
    chart.pan_by_hand(-(high - low) * 0.05, 0)
    drawn = chart.picture.whole_drawings
    shown = frame(chart)
    assert chart.picture.whole_drawings == drawn + 1 and not chart.events.last_frame.labels
    assert same_view(chart, shown, direct(chart))
    chart.show_labels = True
    chart.events.update()
    # A move by code after a drag (Fit, a saved view) is drawn whole.
    chart.pan_by_hand((high - low) * 0.05, 0)
    frame(chart)
    chart.fit()
    drawn = chart.picture.whole_drawings
    shown = frame(chart)
    assert chart.picture.whole_drawings == drawn + 1
    assert same_view(chart, shown, direct(chart))


def test_an_export_at_twice_the_size_draws_vectors_not_the_picture(fitted: TimelineChart, tmp_path: Path) -> None:
    chart = fitted
    drawn = chart.picture.whole_drawings
    assert chart.export_png(tmp_path / "timeline.png", scale=2.0)
    assert chart.picture.whole_drawings == drawn  # drawn by the layers at 2x, not a picture scaled up
    assert QImage(str(tmp_path / "timeline.png")).width() == 2 * chart.plot.width()


@pytest.mark.parametrize("which", ["bottom", "left"])
def test_the_axes_draw_what_pyqtgraph_drew(fitted: TimelineChart, which: str) -> None:
    """The time axis and the lanes' axis draw pyqtgraph's ticks and labels straight onto the painter (labels laid out
    once each), not through a QPicture: the same pixels."""
    fitted.lane_combo.setCurrentIndex(fitted.lane_combo.findData("actors:none"))  # lanes with names
    try:
        fitted.fit()
        frame(fitted)
        axis = fitted.plot.getAxis(which)
        size = axis.boundingRect().toAlignedRect().size()
        images = []
        for paint in (pg.AxisItem.paint, type(axis).paint, type(axis).paint):  # (the second time: labels kept)
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0xFFFFFFFF)
            painter = QPainter(image)
            axis.picture = None
            paint(axis, painter, None, None)
            painter.end()
            images.append(pixels(image))
        assert np.array_equal(images[0], images[1]) and np.array_equal(images[0], images[2])
        assert (images[1] != 0xFFFFFFFF).sum() > 200  # dates, names were drawn
    finally:
        fitted.lane_combo.setCurrentIndex(fitted.lane_combo.findData("single"))


def test_the_time_axis_works_out_pyqtgraph_s_ticks_and_labels(fitted: TimelineChart) -> None:
    """TimeAxis.generateDrawSpecs (without pyqtgraph's per-tick objects) gives pyqtgraph's axis line, ticks and labels,
    at rest and zoomed in (minor ticks, a finer level's labels)."""
    def plain(specs: tuple) -> tuple:
        (pen, start, end), ticks, texts = specs
        return ((pen.color().rgba(), start.x(), start.y(), end.x(), end.y()),
                [(p.color().rgba(), a.x(), a.y(), b.x(), b.y()) for p, a, b in ticks],
                [(r.x(), r.y(), r.width(), r.height(), int(flags), text) for r, flags, text in texts])

    for axis in (fitted.plot.getAxis("bottom"), fitted.overview.getAxis("bottom")):
        for _ in range(3):
            image = QImage(axis.boundingRect().toAlignedRect().size(), QImage.Format.Format_ARGB32_Premultiplied)
            painter = QPainter(image)
            ours, theirs = axis.generateDrawSpecs(painter), pg.AxisItem.generateDrawSpecs(axis, painter)
            painter.end()
            assert plain(ours) == plain(theirs) and ours[1] and ours[2]
            fitted.zoom(1 / 4)
            frame(fitted)


def test_a_move_in_time_keeps_the_lane_names_drawing(fitted: TimelineChart) -> None:
    fitted.lane_combo.setCurrentIndex(fitted.lane_combo.findData("actors:none"))  # more lanes than the view shows
    try:
        fitted.fit()
        frame(fitted)
        axis = fitted.plot.getAxis("left")
        kept = axis.picture
        assert kept is not None
        (low, high), _ = fitted.view.viewRange()
        fitted.pan_by_hand((high - low) / 10, 0)
        frame(fitted)
        assert axis.picture is kept  # the rows in view did not change: nothing to work out again
        fitted.pan_by_hand(0, 1)
        frame(fitted)
        assert axis.picture is not kept
    finally:
        fitted.lane_combo.setCurrentIndex(fitted.lane_combo.findData("single"))


def test_a_drag_over_summary_lanes_draws_their_density_in_the_strip_as_a_whole_drawing(fitted: TimelineChart) -> None:
    chart = fitted
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("actors:kind"))  # actors under summary lanes
    try:
        chart.fit()
        assert chart.layout is not None and any(chart.layout.is_summary(lane) for lane in range(len(chart.layout.top)))
        frame(chart)
        left, right, top, bottom = plot_columns(chart)
        (low, high), _ = chart.view.viewRange()
        chart.pan_by_hand(-40 * (high - low) / chart.view.width(), 0)  # the view moves left: a strip at the left
        moved = frame(chart)
        strip = slice(left + 2, left + 38)
        assert np.array_equal(moved[top:bottom, strip], direct(chart)[top:bottom, strip])
        # A wheel turn out: the sides' densities counted in the last drawing's bins (coarse), exact at rest.
        chart.picture.settle()
        frame(chart)
        chart.zoom_by_hand(1.5)
        coarse = chart.picture.coarse_strips
        out = frame(chart)
        assert chart.picture.coarse_strips == coarse + 2
        whole = direct(chart)
        summary = SUMMARY_COLOUR.rgba()
        for side in (slice(left + 2, left + 40), slice(right - 40, right - 2)):
            assert np.isin(out[top:bottom, side], whole[top:bottom, side]).any()
            assert (out[top:bottom, side] == summary).any() == (whole[top:bottom, side] == summary).any()
        chart.picture.settle()
        assert np.array_equal(frame(chart), whole)
    finally:
        chart.picture.settle()
        chart.lane_combo.setCurrentIndex(chart.lane_combo.findData("single"))
