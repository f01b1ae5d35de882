"""The timeline readable at a glance (issue 19): Fit frames where the events are, the overview draws
ranges as spans, titles read on their fills (WCAG AA) and never overlap, lane names stay visible
when marked, the selection and the time window look different and are both in the legend, and Esc
clears the timeline's marks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication
from sized_window import open_window

from workbench.core.contrast import AA, contrast, darken_until, luminance, over, readable_text, strongest_alpha
from workbench.core.store import open_case
from workbench.core.timeline.data import DAY, load_timeline, utc_seconds
from workbench.core.timeline.layout import DensityCounter, density, fit_range, framing_span
from workbench.ui.timeline import (
    RELATED_BAND,
    WINDOW_ALPHA,
    WINDOW_COLOUR,
    Legend,
    lane_backgrounds,
    style_paint,
)

RANGE_TITLE = "Serbian 72nd Special Operations Brigade takes part in the 'Snip"


def test_contrast_follows_wcag() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)  # the AA grey
    assert luminance((255, 255, 255)) == pytest.approx(1.0)
    assert over((0, 0, 0), 255, (255, 255, 255)) == (0, 0, 0)
    assert over((0, 0, 0), 0, (255, 255, 255)) == (255, 255, 255)
    # Dark text on a dark-blue bar (the sample's range before): far below AA; white reads.
    bar = over((31, 78, 156), 200, (255, 255, 255))
    assert contrast((25, 30, 40), bar) < AA
    assert readable_text(bar) == (255, 255, 255)
    alpha = strongest_alpha((31, 78, 156), (25, 30, 40), [(255, 255, 255)])
    assert contrast((25, 30, 40), over((31, 78, 156), alpha, (255, 255, 255))) >= AA
    assert contrast((25, 30, 40), over((31, 78, 156), alpha + 1, (255, 255, 255))) < AA
    assert contrast(darken_until((182, 186, 192), [(255, 255, 255)]), (255, 255, 255)) >= AA


@pytest.mark.parametrize("style", [0, 1, 2])
@pytest.mark.parametrize("faded", [False, True])
def test_every_title_reads_on_every_fill_it_can_lie_on(qtbot, style: int, faded: bool) -> None:
    paint = style_paint(style, faded)
    text = paint["label"]
    rgb = (text.red(), text.green(), text.blue())
    for fill in paint["label_fills"]:
        assert contrast(rgb, fill) >= AA, (style, faded, fill)
    # The fills really drawn are among them: the bar and the window over each lane background.
    for brush in (paint["bar_brush"], paint["window_brush"]):
        colour = brush.color()
        for band in lane_backgrounds():
            seen = over((colour.red(), colour.green(), colour.blue()), colour.alpha(), band)
            assert contrast(rgb, seen) >= AA


def test_the_range_title_reads_on_its_bar_in_pixels(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    chart = window.timeline.chart
    chart.fit()
    QApplication.processEvents()
    picture = chart.plot.grab().toImage()
    frame = chart.events.last_frame
    titles = chart.data.titles
    found = [label for label in frame.labels if titles[label[2]].startswith("Serbian 72nd")]
    assert found
    x, baseline, _event, width = found[0]
    # The frame's pixels are the plot's: on the bar, the lightest pixels between the letters are the
    # fill, the darkest the text.
    colours = []
    for px in range(int(x + 2), int(x + min(width, 120))):
        for py in range(int(baseline - 6), int(baseline)):
            colour = QColor(picture.pixel(px, py))
            colours.append((colour.red(), colour.green(), colour.blue()))
    lightest = max(colours, key=luminance)
    darkest = min(colours, key=luminance)
    assert contrast(lightest, darkest) >= AA


def test_fit_frames_where_the_events_are(sample_path: Path) -> None:
    with open_case(sample_path, read_only=True) as case:
        data = load_timeline(case)
        assert data.titles  # loaded while the case is open
    low, high = framing_span(data)
    # 9 to 17 August (Minsk): the 20-day range from 27 July does not set the frame alone.
    assert low == pytest.approx(utc_seconds("2020-08-08T21:00:00Z"))
    assert high == pytest.approx(utc_seconds("2020-08-17T21:00:00Z"))
    fitted = fit_range(data)
    assert fitted[0] > utc_seconds("2020-08-05T00:00:00Z")
    whole = fit_range(data, whole=True)
    assert whole[0] < utc_seconds("2020-07-26T21:00:00Z")  # the overview strip still shows all of it
    # Ranges alone (no instants), or all short: the whole span.
    only_range = np.zeros(len(data), dtype=bool)
    only_range[[i for i, t in enumerate(data.titles) if t.startswith("Serbian 72nd")]] = True
    assert framing_span(data, only_range) == (float(data.low[only_range][0]), float(data.high[only_range][0]))


def test_a_year_of_whole_days_is_drawn_without_a_comb(tmp_path: Path) -> None:
    # ICEWS14 at 1440x900: a year of day-precision events in summary lanes of bins shorter than a day.
    # A bin straddling midnight counted both days' events: a comb whose teeth drifted across the year.
    from datetime import date, timedelta

    from workbench.core.store import create_case

    case = create_case(tmp_path / "days.case", "Days")
    stamp = "2026-01-01T00:00:00Z"
    days = [date(2014, 1, 1) + timedelta(days=n) for n in range(365)]
    with case.transaction():
        case.bulk_insert("events", [{"id": f"e{n}-{copy}", "title": f"Day {n}", "start": f"{day}T00:00:00Z",
                                     "time_precision": "day", "confidence": "reported", "created_at": stamp,
                                     "updated_at": stamp} for n, day in enumerate(days) for copy in range(3)])
    data = load_timeline(case)
    case.close()
    low, high = utc_seconds("2014-01-01T00:00:00Z"), utc_seconds("2015-01-01T00:00:00Z")
    for bins in (358, 547, 1100):  # bins of 1.02 days (the app's at 1440x900), 0.67 and 0.33
        _edges, counts = density(data, np.ones(len(data), dtype=bool), low, high, bins)
        # three events a day: a bin of more than a day holds three per day, a shorter one the three going on
        assert counts == pytest.approx(np.full(bins, 3.0 * max(365 / bins, 1.0))), bins
    _edges, counts = density(data, np.ones(len(data), dtype=bool), low, high, 73)  # five-day bins
    assert counts.tolist() == [15.0] * 73
    # A summary lane counts frame after frame through DensityCounter (sorted once): the same counts.
    every_other = np.zeros(len(data), dtype=bool)
    every_other[::2] = True
    counter = DensityCounter(data, every_other)
    for span_low, span_high, bins in ((low, high, 358), (low, high, 1100), (low + 40 * DAY, low + 41 * DAY, 300),
                                      (high + DAY, high + 9 * DAY, 50), (low - 30 * DAY, high + 30 * DAY, 97)):
        expected = density(data, every_other, span_low, span_high, bins)[1]
        assert counter.counts(span_low, span_high, bins) == pytest.approx(expected, abs=1e-5)


def test_a_summary_lane_counts_the_same_frame_after_frame_as_its_bins_change(tmp_path: Path) -> None:
    # DensityCounter keeps the running sums of the events longer than a bin for the last bin width: panning (the
    # same width) reuses them, zooming in or out picks another set. Every frame must count what density counts.
    from datetime import UTC, datetime

    from workbench.core.store import create_case

    rng = np.random.default_rng(5)
    case = create_case(tmp_path / "ranges.case", "Ranges")
    stamp = "2026-01-01T00:00:00Z"
    base = utc_seconds("2021-01-01T00:00:00Z")

    def text(seconds: float) -> str:
        return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    rows = []
    for n in range(600):
        start = base + float(rng.uniform(0, 365 * DAY))
        length = float(rng.choice([0.0, 2 * 3600.0, DAY, 9 * DAY, 70 * DAY]) * rng.uniform(0.5, 1.5))
        rows.append({"id": f"e{n}", "title": f"Event {n}", "start": text(start),
                     "end": text(start + length) if length else None,
                     "time_precision": str(rng.choice(["minute", "hour", "day"])), "confidence": "reported",
                     "created_at": stamp, "updated_at": stamp})
    with case.transaction():
        case.bulk_insert("events", rows)
    data = load_timeline(case)
    case.close()
    mask = rng.random(len(data)) < 0.7
    counter = DensityCounter(data, mask)
    low, high = base, base + 365 * DAY
    spans = [(low, high, 400)]
    spans += [(low + k * 20 * DAY, high + k * 20 * DAY, 400) for k in (1, 2, 3, -1)]  # pans: the same width
    middle = (low + high) / 2
    for half in (60 * DAY, 12 * DAY, 2 * DAY, 5 * 3600.0, 30 * DAY, 400 * DAY):  # zoom in, then out again
        spans.append((middle - half, middle + half, 300))
        spans.append((middle - half + half / 7, middle + half + half / 7, 300))
    for span_low, span_high, bins in spans:
        expected = density(data, mask, span_low, span_high, bins)[1]
        assert counter.counts(span_low, span_high, bins) == pytest.approx(expected, abs=1e-5), (span_low, bins)
    # The summary lanes count bins of one grid (k * width): a pan counts the bins it brings in and keeps the others;
    # each bin is what `density` counts over it, whichever frames counted it.
    width = 365 * DAY / 400
    first = int(low // width)
    for shift in (0, 7, 30, -12, 200, 5000, 3):  # along, back, and far enough to count afresh
        a = first + shift
        got = counter.grid_counts(width, a, a + 400)
        fresh = DensityCounter(data, mask).grid_counts(width, a, a + 400)
        assert np.array_equal(got, fresh), shift
        expected = density(data, mask, a * width, (a + 400) * width, 400)[1]
        assert got[:-1] == pytest.approx(expected[:-1], abs=1e-5), shift  # (density's last bin holds its right edge)


def test_fit_keeps_room_for_titles_only_where_titles_are_drawn(sample_path: Path, tmp_path: Path) -> None:
    # The sample's last title gets room at the right; 3,000 coded events, drawn as marks without titles,
    # get none: ICEWS14's year seemed to run on to March 2015.
    from workbench.core.synthetic import generate_case

    with open_case(sample_path, read_only=True) as case:
        data = load_timeline(case)
    plain = fit_range(data)
    roomy = fit_range(data, width_px=800, label_room_px=170)
    assert roomy[1] - plain[1] == pytest.approx((plain[1] - plain[0]) * 170 / 630)
    with generate_case(tmp_path / "dense.case", 3000) as case:
        dense = load_timeline(case)
    assert fit_range(dense, width_px=800, label_room_px=170) == fit_range(dense)
    assert fit_range(dense)[1] < dense.span()[1] + 0.05 * (dense.span()[1] - dense.span()[0])


def test_overview_draws_a_range_as_a_span_not_a_spike(sample_path: Path) -> None:
    with open_case(sample_path, read_only=True) as case:
        data = load_timeline(case)
        assert data.titles  # loaded while the case is open
    low, high = fit_range(data, margin=0.02, whole=True)
    edges, counts = density(data, np.ones(len(data), dtype=bool), low, high, 240)
    middles = (edges[:-1] + edges[1:]) / 2
    ranged = [i for i, t in enumerate(data.titles) if t.startswith("Serbian 72nd")][0]
    inside = (middles > data.low[ranged]) & (middles < data.high[ranged])
    # Nothing happened on 6 August but the range going on: one event there, not a spike.
    quiet = inside & (middles < utc_seconds("2020-08-08T00:00:00Z"))
    assert quiet.sum() > 100
    assert np.all(counts[quiet] == 1)
    assert counts.max() >= 4  # 15 August, the busiest day, stands out
    assert counts.sum() > len(data)  # an event counts in every bin it covers


def test_event_titles_never_overlap(qtbot, sample_path: Path, tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    chart = window.timeline.chart
    for lanes in ("actors", "single", "kinds"):
        chart.lane_combo.setCurrentIndex(chart.lane_combo.findData(lanes))
        chart.fit()
        for zoom in (1.0, 0.5, 2.0):
            chart.zoom(zoom)
            chart.plot.grab()
            frame = chart.events.last_frame
            height = chart.events.metrics.height()
            boxes = [QRectF(x, y - height * 0.8, width, height * 0.9) for x, y, _e, width in frame.labels]
            clashes = [(a, b) for a in range(len(boxes)) for b in range(a + 1, len(boxes))
                       if boxes[a].intersects(boxes[b])]
            assert clashes == [], (lanes, zoom)
            assert frame.labels or lanes == "kinds"


def axis_texts(axis) -> list[str]:
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in texts if text]


def test_lane_names_stay_visible_marked_or_not_and_esc_clears_the_marks(qtbot, sample_path: Path,
                                                                     tmp_path: Path) -> None:
    window = open_window(qtbot, sample_path, tmp_path)
    chart = window.timeline.chart
    chart.fit()
    axis = chart.plot.getAxis("left")
    before = axis_texts(axis)
    long_name = [t for t in before if t.startswith("Serbian")]
    assert long_name
    actor = next(a for a, name in zip(chart.data.actor_ids, chart.data.actor_names, strict=True)
                 if name.startswith("Serbian 72nd"))
    window.selection.select("actors", [actor])
    QApplication.processEvents()
    assert actor in chart.highlighted_lanes and chart.faded is not None
    marked = axis_texts(axis)
    assert any(t.startswith("\u25B6 Serbian") for t in marked), marked
    assert len(marked) == len(before)  # every lane still named
    # Esc in the timeline clears the selection everywhere and the timeline's own marks too.
    chart.plot.setFocus()
    qtbot.keyClick(chart.plot, Qt.Key.Key_Escape)
    assert not window.selection.selection
    assert chart.highlighted_lanes == set() and chart.faded is None and chart.selected is None
    assert axis_texts(axis) == before


def test_selection_and_time_window_look_different_and_are_in_the_legend(qtbot) -> None:
    texts = Legend().texts
    assert {"selected", "linked lanes", "time window"} <= set(texts)
    window_tint = over((WINDOW_COLOUR.red(), WINDOW_COLOUR.green(), WINDOW_COLOUR.blue()), WINDOW_ALPHA,
                       (255, 255, 255))
    linked = (RELATED_BAND.red(), RELATED_BAND.green(), RELATED_BAND.blue())
    # Not two shades of one orange: their hues differ by a third of the wheel or more.
    hue = [QColor(*c).hslHueF() for c in (window_tint, linked)]
    assert min(abs(hue[0] - hue[1]), 1 - abs(hue[0] - hue[1])) > 1 / 3
