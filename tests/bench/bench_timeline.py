
"""Timeline frame times: first paint, pan and zoom at 100k events, and the naive one-item-per-event baseline.

Every frame is rendered offscreen in this process into an image the size of the plot (the
time axis and lane names included), so a figure is the whole cost of one redraw: the core's
culling and thinning plus Qt's painting. Our timeline's frames also repaint the overview strip
under the plot, whose box follows the view on every move, as the window repaints it (the whole
strip: an upper bound). Our timeline is moved as a drag and the wheel move it (`pan_by_hand`,
`zoom_by_hand`): its frames move or stretch the kept picture and draw the strips it uncovers
(ui.timeline_picture; a zoom out's sides coarse, where the events lie); the drawing of the whole
view once a wheel turn rests is timed apart
(`timeline_settle_ms_...`), after each of FRAMES zoom steps. Medians of FRAMES frames after a
warm-up, each with its 95th percentile beside it (`..._p95_ms_...`). The
baseline draws the same lanes of the 10k case with one QGraphicsRectItem per drawn event
(Qt's own scene index culls them), which is how a timeline is usually first written; our
drawing of the same 10k case in the same view gives the ratio. Nothing here fails on speed.

    QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_timeline
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.standalone import p95, run_alone

PLOT_SIZE = (1400, 640)
FRAMES = 30
WARM_UP = 3
FIRST_PAINT_ROUNDS = 3
first_paint_rounds = FIRST_PAINT_ROUNDS  # bench_growth takes one at 1M


def _app():  # noqa: ANN202 - QApplication, imported late so the module imports without a display
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def _median_ms(timings: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) in milliseconds."""
    return statistics.median(timings) * 1000, p95(timings) * 1000


class Frames:
    """Renders a plot widget into one reusable image, timing range change + repaint together."""

    def __init__(self, widget, view_box, chart=None) -> None:  # noqa: ANN001 - Qt objects
        from PySide6.QtGui import QImage

        self.widget = widget
        self.view = view_box
        self.chart = chart  # ours: moved as a drag and the wheel move it (the baseline: its range set)
        self.settles: list[float] = []
        self.image = QImage(widget.width(), widget.height(), QImage.Format.Format_ARGB32_Premultiplied)
        # Ours: the overview strip is repainted with every move too (its box follows the view).
        self.others = [] if chart is None else [
            (other, QImage(other.width(), other.height(), QImage.Format.Format_ARGB32_Premultiplied))
            for other in (chart.overview,)]

    def render(self, others: bool = True) -> None:
        from PySide6.QtWidgets import QWidget

        for widget, image in [(self.widget, self.image), *(self.others if others else [])]:
            image.fill(0xFFFFFFFF)
            # QWidget.render: the widget as the screen shows it (pyqtgraph's own render() takes a painter).
            QWidget.render(widget, image)

    def time(self, step: Callable[[int], None]) -> tuple[float, float]:
        for i in range(WARM_UP):
            step(i)
            self.render()
        gc.collect()
        gc.disable()
        try:
            timings = []
            for i in range(FRAMES):
                started = time.perf_counter()
                step(i)
                self.render()
                timings.append(time.perf_counter() - started)
        finally:
            gc.enable()
        return _median_ms(timings)

    def pan(self) -> tuple[float, float]:
        (low, high), _ = self.view.viewRange()
        shift = (high - low) * 0.04

        def step(i: int) -> None:
            direction = 1 if (i // 10) % 2 == 0 else -1  # back and forth, staying over the data
            if self.chart is not None:
                self.chart.pan_by_hand(direction * shift, 0)
                return
            (a, b), _ = self.view.viewRange()
            self.view.setXRange(a + direction * shift, b + direction * shift, padding=0)

        return self.time(step)

    def zoom(self) -> tuple[float, float]:
        def step(i: int) -> None:
            factor = 1 / 1.25 if (i // 5) % 2 == 0 else 1.25  # in five steps, out five steps
            if self.chart is not None:
                self.chart.zoom_by_hand(factor)
                return
            (a, b), _ = self.view.viewRange()
            middle = (a + b) / 2
            half = (b - a) * factor / 2
            self.view.setXRange(middle - half, middle + half, padding=0)

        return self.time(step)

    def settle(self) -> tuple[float, float]:
        """Once a wheel turn rests, the view is drawn whole again (its kept picture's timer): after each of
        FRAMES zoom steps, that drawing alone."""
        assert self.chart is not None
        timings = []
        gc.collect()
        gc.disable()
        try:
            for i in range(FRAMES):
                self.chart.zoom_by_hand(1 / 1.25 if (i // 5) % 2 == 0 else 1.25)
                self.render()
                started = time.perf_counter()
                self.chart.picture.settle()
                self.render(others=False)  # (the overview does not change as the view rests)
                timings.append(time.perf_counter() - started)
        finally:
            gc.enable()
        return _median_ms(timings)


def _chart(case_path: Path, mode: str = "actors"):  # noqa: ANN202
    from workbench.core.store import open_case
    from workbench.ui.selection import SelectionModel
    from workbench.ui.timeline import TimelineChart

    case = open_case(case_path, read_only=True)
    selection = SelectionModel()
    chart = TimelineChart(selection)
    chart.plot.resize(*PLOT_SIZE)
    chart.resize(PLOT_SIZE[0], PLOT_SIZE[1] + 120)
    chart.show()
    _app().processEvents()
    return case, selection, chart


def first_paint_ms(case_path: Path, warm: bool = False) -> tuple[float, float]:
    """From handing the open case to the timeline until its plot has been painted once: the first opening of these
    bytes on this computer (read from the case, its arrays then kept: core.timeline.kept), or with `warm` an
    opening of the same bytes again (the arrays read back)."""
    from workbench.core import kept as core_kept
    from workbench.core.timeline import kept
    from workbench.core.timeline.data import load_timeline

    timings = []
    for _ in range(first_paint_rounds):
        case, _selection, chart = _chart(case_path)
        digest = case.unchanged_digest()
        if digest is not None:
            core_kept.wait_kept()  # the last round's arrays, kept on a thread of their own, are written by now
            if not warm:
                kept.forget(digest)
            elif kept.read(digest) is None:
                load_timeline(case)  # the first opening, not timed
                core_kept.wait_kept()
        frames = Frames(chart.plot, chart.view)
        gc.collect()
        started = time.perf_counter()
        chart.set_case(case)
        frames.render()
        timings.append(time.perf_counter() - started)
        chart.close()
        chart.deleteLater()
        case.close()
        _app().processEvents()
    if digest is not None:
        core_kept.wait_kept()
        kept.forget(digest)  # a bench case's arrays are not left in the user's cache folder
    return _median_ms(timings)


def ours(case_path: Path, mode: str = "actors", settled: list | None = None
         ) -> tuple[tuple[float, float], tuple[float, float]]:
    """(pan, zoom) frame (median, p95) of our timeline opened on the case (fit to it, lanes from the top), moved as
    a drag and the wheel move it; with `settled`, the (median, p95) of the whole drawing once a wheel turn rests is
    appended to it."""
    case, _selection, chart = _chart(case_path)
    chart.set_case(case)
    # Every actor's lane, as the baseline draws them: the app groups 5,000 lanes under summary lanes
    # (issue 19), which would measure another drawing under the same figure's name.
    chart.lane_combo.setCurrentIndex(chart.lane_combo.findData({"actors": "actors:none", "grouped": "actors"}.get(
        mode, mode)))
    chart.fit()
    frames = Frames(chart.plot, chart.view, chart)
    pan = frames.pan()
    chart.fit()
    zoom = frames.zoom()
    if settled is not None:
        chart.fit()
        settled.append(frames.settle())
    chart.close()
    chart.deleteLater()
    case.close()
    return pan, zoom


def naive(case_path: Path, mode: str = "actors") -> tuple[tuple[float, float], tuple[float, float]]:
    """The baseline: the same lanes, one QGraphicsRectItem per drawn event, in a pyqtgraph plot."""
    import pyqtgraph as pg
    from PySide6.QtGui import QBrush, QColor, QPen
    from PySide6.QtWidgets import QGraphicsRectItem

    from workbench.core.store import open_case
    from workbench.core.timeline.data import load_timeline
    from workbench.core.timeline.layout import fit_range, layout_lanes

    with open_case(case_path, read_only=True) as case:
        data = load_timeline(case)
    layout = layout_lanes(data, mode=mode)
    plot = pg.PlotWidget()
    plot.resize(*PLOT_SIZE)
    plot.setBackground("w")
    view = plot.getPlotItem().getViewBox()
    view.invertY(True)
    view.disableAutoRange()
    low, high = fit_range(data)
    instant_width = (high - low) / 2000
    pen = QPen(QColor(31, 78, 156))
    pen.setCosmetic(True)
    brush = QBrush(QColor(31, 78, 156, 120))
    for event, row in zip(layout.item_event.tolist(), layout.item_row.tolist(), strict=True):
        start, end = float(data.low[event]), float(data.high[event])
        item = QGraphicsRectItem(start, row + 0.2, max(end - start, instant_width), 0.6)
        item.setPen(pen)
        item.setBrush(brush)
        view.addItem(item)
    plot.show()
    _app().processEvents()
    view.setXRange(low, high, padding=0)
    rows = view.height() / 20
    view.setYRange(0, rows, padding=0)
    frames = Frames(plot, view)
    pan = frames.pan()
    view.setXRange(low, high, padding=0)
    zoom = frames.zoom()
    plot.close()
    plot.deleteLater()
    return pan, zoom


def measure(case_100k: Path, case_10k: Path) -> dict[str, float]:
    _app()
    results: dict[str, float] = {}

    def put(name: str, timing: tuple[float, float]) -> None:
        """The median under its stable name, the 95th percentile beside it (..._p95_ms_...)."""
        results[name], results[name.replace("_ms_", "_p95_ms_")] = timing

    put("timeline_first_paint_ms_100k", first_paint_ms(case_100k))
    put("timeline_first_paint_warm_ms_100k", first_paint_ms(case_100k, warm=True))
    settled: list[tuple[float, float]] = []
    pan, zoom = ours(case_100k, settled=settled)
    put("timeline_pan_frame_ms_100k", pan)
    put("timeline_zoom_frame_ms_100k", zoom)
    put("timeline_settle_ms_100k", settled[-1])
    # The worst case for culling: every event of the case in view in one lane.
    pan, zoom = ours(case_100k, "single", settled)
    put("timeline_pan_frame_ms_100k_one_lane", pan)
    put("timeline_zoom_frame_ms_100k_one_lane", zoom)
    put("timeline_settle_ms_100k_one_lane", settled[-1])
    # The other lane modes: the app's default (5,000 actors under summary lanes by kind, drawn as densities), and
    # one lane per event kind.
    for mode in ("grouped", "kinds"):
        pan, zoom = ours(case_100k, mode, settled)
        put(f"timeline_pan_frame_ms_100k_{mode}", pan)
        put(f"timeline_zoom_frame_ms_100k_{mode}", zoom)
        put(f"timeline_settle_ms_100k_{mode}", settled[-1])
    put("timeline_first_paint_ms_10k", first_paint_ms(case_10k))
    pan, zoom = ours(case_10k)
    put("timeline_pan_frame_ms_10k", pan)
    put("timeline_zoom_frame_ms_10k", zoom)
    pan, zoom = naive(case_10k)
    put("timeline_naive_frame_ms_10k", pan)
    put("timeline_naive_zoom_frame_ms_10k", zoom)
    results["timeline_ratio_vs_naive_10k"] = (
        results["timeline_pan_frame_ms_10k"] / results["timeline_naive_frame_ms_10k"])
    pan, _ = ours(case_10k, "single")
    put("timeline_pan_frame_ms_10k_one_lane", pan)
    pan, _ = naive(case_10k, "single")
    put("timeline_naive_frame_ms_10k_one_lane", pan)
    results["timeline_ratio_vs_naive_10k_one_lane"] = (
        results["timeline_pan_frame_ms_10k_one_lane"] / results["timeline_naive_frame_ms_10k_one_lane"])
    return results


def growth_figures(case_path: Path, size: str) -> dict[str, float]:
    """First paint and the pan and zoom frames (actor lanes, one lane) of a case, named for its size (bench_growth)."""
    _app()
    results: dict[str, float] = {}

    def put(name: str, timing: tuple[float, float]) -> None:
        results[name], results[name.replace("_ms_", "_p95_ms_")] = timing

    put(f"timeline_first_paint_ms_{size}", first_paint_ms(case_path))
    put(f"timeline_first_paint_warm_ms_{size}", first_paint_ms(case_path, warm=True))
    for mode, suffix in (("actors", ""), ("single", "_one_lane")):
        pan, zoom = ours(case_path, mode)
        put(f"timeline_pan_frame_ms_{size}{suffix}", pan)
        put(f"timeline_zoom_frame_ms_{size}{suffix}", zoom)
    return results


FIGURES: dict[str, tuple[str, str]] = {
    "timeline_first_paint_ms_100k": ("timeline: load the 100k case, lay out lanes, first frame (goal <= 500)", "ms"),
    "timeline_pan_frame_ms_100k": ("timeline: one pan frame, 100k events, actor lanes (goal <= 16)", "ms"),
    "timeline_zoom_frame_ms_100k": ("timeline: one zoom step frame, 100k events, actor lanes (goal <= 16)", "ms"),
    "timeline_pan_frame_ms_100k_one_lane": ("timeline: pan frame, all 100k events in view in one lane", "ms"),
    "timeline_zoom_frame_ms_100k_one_lane": ("timeline: zoom frame, all 100k events in view in one lane", "ms"),
    "timeline_pan_frame_ms_100k_grouped": ("timeline: pan frame, 100k, default lanes (summary lanes by kind)", "ms"),
    "timeline_zoom_frame_ms_100k_grouped": ("timeline: zoom frame, 100k, the default lanes", "ms"),
    "timeline_pan_frame_ms_100k_kinds": ("timeline: pan frame, 100k, one lane per event kind", "ms"),
    "timeline_zoom_frame_ms_100k_kinds": ("timeline: zoom frame, 100k, one lane per event kind", "ms"),
    "timeline_settle_ms_100k": ("timeline: the view drawn whole once a wheel turn rests (not a frame of the turn), "
                                "100k, actor lanes", "ms"),
    "timeline_settle_ms_100k_one_lane": ("timeline: the view drawn whole at rest, 100k in one lane", "ms"),
    "timeline_settle_ms_100k_grouped": ("timeline: the view drawn whole at rest, 100k, the default lanes", "ms"),
    "timeline_settle_ms_100k_kinds": ("timeline: the view drawn whole at rest, 100k, one lane per event kind", "ms"),
    "timeline_first_paint_ms_1m": ("timeline: first frame on the 1M case (bench_growth)", "ms"),
    "timeline_first_paint_warm_ms_100k": ("timeline: first frame on the 100k case opened again unchanged", "ms"),
    "timeline_first_paint_warm_ms_1m": ("timeline: first frame on the 1M case opened again unchanged", "ms"),
    "timeline_pan_frame_ms_1m": ("timeline: pan frame, 1M events, actor lanes (bench_growth)", "ms"),
    "timeline_zoom_frame_ms_1m": ("timeline: zoom frame, 1M events, actor lanes (bench_growth)", "ms"),
    "timeline_pan_frame_ms_1m_one_lane": ("timeline: pan frame, 1M events in one lane (bench_growth)", "ms"),
    "timeline_zoom_frame_ms_1m_one_lane": ("timeline: zoom frame, 1M events in one lane (bench_growth)", "ms"),
    "timeline_first_paint_ms_10k": ("timeline: first frame on the 10k case", "ms"),
    "timeline_pan_frame_ms_10k": ("timeline: pan frame, 10k events, actor lanes (ours)", "ms"),
    "timeline_zoom_frame_ms_10k": ("timeline: zoom frame, 10k events, actor lanes (ours)", "ms"),
    "timeline_naive_frame_ms_10k": ("baseline: pan frame, one QGraphicsItem per event, 10k, actor lanes", "ms"),
    "timeline_naive_zoom_frame_ms_10k": ("baseline: zoom frame, one QGraphicsItem per event, 10k", "ms"),
    "timeline_ratio_vs_naive_10k": ("ours / naive, pan frame at 10k, actor lanes", "x"),
    "timeline_pan_frame_ms_10k_one_lane": ("timeline: pan frame, 10k events in one lane (ours)", "ms"),
    "timeline_naive_frame_ms_10k_one_lane": ("baseline: pan frame, 10k events in one lane", "ms"),
    "timeline_ratio_vs_naive_10k_one_lane": ("ours / naive, pan frame at 10k, one lane", "x"),
}

FIGURES.update({name.replace("_ms_", "_p95_ms_"): ("95th percentile of the frames of " + name, "ms")
                for name in list(FIGURES) if "_ms_" in name})


if __name__ == "__main__":
    sys.exit(run_alone(measure, FIGURES))
