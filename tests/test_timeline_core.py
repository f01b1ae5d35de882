"""The timeline's computations on real case files: honest time geometry, lanes, filters, frames, ticks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from workbench.core.filters import CaseFilter
from workbench.core.sample import build_sample_case
from workbench.core.store import Case, create_case, open_case
from workbench.core.timeline.data import (
    CONFIDENCES,
    DAY,
    SOLID,
    TimelineData,
    event_mask,
    event_summary,
    load_timeline,
    utc_seconds,
    utc_text,
)
from workbench.core.timeline.frame import (
    CoarseIndex,
    Frame,
    LevelsOfDetail,
    Shapes,
    Viewport,
    coarse_cells,
    frame_geometry,
    marker_runs,
    time_ticks,
)
from workbench.core.timeline.layout import LaneLayout, fit_range, hit_test, layout_lanes


def seconds(text: str) -> float:
    return utc_seconds(text)


@pytest.fixture
def small(small_case: Path) -> Case:
    case = open_case(small_case)
    yield case
    case.close()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Case:
    case = build_sample_case(tmp_path_factory.mktemp("sample") / "sample.case")
    yield case
    case.close()


def index_of(data: TimelineData, event_id: str) -> int:
    return int(data.indices_of([event_id])[0])


def test_loads_events_actors_and_ids_in_seq_order(small: Case) -> None:
    data = load_timeline(small)
    assert len(data) == 2
    assert data.ids == ["event-call", "event-rumour"]
    assert data.titles == ["Lukashenko calls Putin", "Unmarked vehicles seen near Minsk"]
    assert data.zone.key == "Europe/Minsk"
    pairs = {(data.ids[e], data.actor_ids[a]) for e, a in zip(data.pair_event, data.pair_actor, strict=True)}
    assert pairs == {("event-call", "actor-luka"), ("event-call", "actor-kremlin"), ("event-rumour", "actor-omon")}
    assert data.id_of(1) == "event-rumour"
    assert data.indices_of(["event-rumour", "nope"]).tolist() == [1]


def test_empty_and_no_case_give_empty_timelines(tmp_path: Path) -> None:
    assert len(load_timeline(None)) == 0
    case = create_case(tmp_path / "empty.case", "Empty")
    data = load_timeline(case)
    assert len(data) == 0 and data.span() is None
    layout = layout_lanes(data)
    assert layout.total_rows == 0 and layout.keys == []
    low, high = fit_range(data)
    assert high > low
    case.close()


def test_times_are_drawn_only_as_precisely_as_stated(small: Case, sample: Case) -> None:
    data = load_timeline(small)
    rumour = index_of(data, "event-rumour")
    # approximate, start 15:00Z, no later than 20:59Z: a window from start to latest, no precise point
    assert (data.low[rumour], data.high[rumour]) == (seconds("2020-08-14T15:00:00Z"), seconds("2020-08-14T20:59:00Z"))
    assert data.uncertain[rumour]
    call = index_of(data, "event-call")
    # known to the day (stored 09:00Z): the whole local day in Minsk, 21:00Z to 21:00Z
    assert (data.low[call], data.high[call]) == (seconds("2020-08-14T21:00:00Z"), seconds("2020-08-15T21:00:00Z"))
    assert data.uncertain[call]

    data = load_timeline(sample)
    by_title = {title: i for i, title in enumerate(data.titles)}
    belta = by_title["BelTA edits its report to add 'in the event of external military threats'"]
    assert not data.uncertain[belta]  # to the minute: a marker, exactly there
    assert data.anchor[belta] == seconds("2020-08-15T18:45:00Z")
    evening = by_title["Lukashenko tells the General Staff Russia will give comprehensive security help at the first "
                       "request"]
    assert data.uncertain[evening]
    assert (data.low[evening], data.high[evening]) == (seconds("2020-08-15T14:00:00Z"), seconds("2020-08-15T20:59:00Z"))
    contest = by_title["Serbian 72nd Special Operations Brigade takes part in the 'Sniper Border' contest in Belarus"]
    assert not data.uncertain[contest]  # a stated range of whole days is a bar
    assert data.core_low[contest] == seconds("2020-07-26T21:00:00Z")
    assert data.core_high[contest] == seconds("2020-08-15T21:00:00Z")


def test_day_windows_follow_daylight_saving(tmp_path: Path) -> None:
    case = create_case(tmp_path / "berlin.case", "Berlin", timezone="Europe/Berlin")
    case.insert("events", {"title": "Summer day", "start": "2021-07-01T10:00:00Z", "time_precision": "day"})
    case.insert("events", {"title": "Winter day", "start": "2021-01-15T10:00:00Z", "time_precision": "day"})
    data = load_timeline(case)
    summer, winter = (data.titles.index(t) for t in ("Summer day", "Winter day"))
    assert data.low[summer] == seconds("2021-06-30T22:00:00Z")  # CEST, UTC+2
    assert data.low[winter] == seconds("2021-01-14T23:00:00Z")  # CET, UTC+1
    # the axis puts local midnight where it is, across the March change
    major, _minor = time_ticks(seconds("2021-03-27T00:00:00Z"), seconds("2021-03-30T00:00:00Z"),
                                    ZoneInfo("Europe/Berlin"), 2000)
    assert [v for v, _label in major] == [seconds("2021-03-27T23:00:00Z"), seconds("2021-03-28T22:00:00Z"),
                                          seconds("2021-03-29T22:00:00Z")]
    case.close()


def test_ticks_pick_a_readable_step_and_always_show_a_date() -> None:
    zone = ZoneInfo("Europe/Minsk")
    major, minor = time_ticks(seconds("2020-08-15T12:00:00Z"), seconds("2020-08-15T16:00:00Z"), zone, 800)
    assert major and "15 Aug 2020" in major[0][1]  # no midnight in view: the first tick carries the date
    assert all(":" in label for _v, label in minor)
    major, minor = time_ticks(seconds("2020-01-01T00:00:00Z"), seconds("2022-01-01T00:00:00Z"), zone, 800)
    assert len(major) + len(minor) <= 800 / 50 + 1
    assert time_ticks(5.0, 1.0, zone, 800) == [[], []]


def test_actor_lanes_repeat_shared_events_and_join_them(sample: Case) -> None:
    data = load_timeline(sample)
    layout = layout_lanes(data, mode="actors", order="name")
    assert layout.labels == sorted(layout.labels, key=str.casefold)
    assert len(layout.keys) == 23
    statement = data.titles.index("Lukashenko tells the General Staff Russia will give comprehensive security help at "
                                  "the first request")
    assert (layout.item_event == statement).sum() == 5  # in each of its five actors' lanes
    assert statement in layout.connector_event.tolist()
    # lanes by number of events: Lukashenko has the most
    by_count = layout_lanes(data, mode="actors", order="count")
    assert by_count.labels[0] == "Aleksander Lukashenko"
    assert by_count.counts.tolist() == sorted(by_count.counts.tolist(), reverse=True)
    # lanes by first appearance: the Serbian brigade (from 27 July) comes first
    assert layout_lanes(data, order="first").labels[0] == "Serbian 72nd Special Operations Brigade"


def test_overlapping_events_of_a_lane_take_different_rows(sample: Case) -> None:
    data = load_timeline(sample)
    layout = layout_lanes(data, mode="actors")
    for lane in range(len(layout.keys)):
        in_lane = np.flatnonzero(layout.item_lane == lane)
        for a in in_lane:
            for b in in_lane:
                ea, eb = layout.item_event[a], layout.item_event[b]
                if a < b and layout.item_row[a] == layout.item_row[b]:
                    assert data.high[ea] <= data.low[eb] or data.high[eb] <= data.low[ea], layout.labels[lane]
    kinds = layout_lanes(data, mode="kinds")
    assert set(kinds.keys) == set(data.kinds)
    single = layout_lanes(data, mode="single")
    assert single.labels == ["All events"] and len(single.item_event) == len(data)


def test_filters_by_confidence_kind_actor_kind_reliability_and_text(sample: Case) -> None:
    data = load_timeline(sample)
    titles = np.array(data.titles)
    everything = event_mask(data, CaseFilter())
    assert everything.all()
    firm = event_mask(data, CaseFilter(confidence_floor="likely"))
    shown = [data.confidence[i] for i in np.flatnonzero(firm)]
    assert all(CONFIDENCES[c] in ("confirmed", "reported", "likely") for c in shown)
    assert "Unverified report of Russian forces concentrating in Nevel and Klincy" not in titles[firm]
    protests = event_mask(data, CaseFilter(event_kinds=frozenset({"protest"})))
    assert set(titles[protests]) == {"Hundreds to one thousand protesters gather outside the state TV building",
                                     "Opposition 'Freedom March' on Independence Square"}
    states = event_mask(data, CaseFilter(actor_kinds=frozenset({"state"})))
    assert "Russia issues an arrest warrant for Stepan Putilo" in titles[states]  # the Kremlin is a state
    assert "OMON special police enter the state TV building" not in titles[states]
    graded = event_mask(data, CaseFilter(reliability_floor="A"))
    assert graded.sum() < len(data)
    uncited = "Planned strike at the Belarusian National TV and Radio company"
    assert uncited not in titles[event_mask(data, CaseFilter(reliability_floor="E"))]
    words = event_mask(data, CaseFilter(text="nexta WARRANT"))
    assert set(titles[words]) == {"Belarus issues an arrest warrant for NEXTA founder Stepan Putilo",
                                  "Russia issues an arrest warrant for Stepan Putilo"}
    layout = layout_lanes(data, firm)
    assert set(layout.item_event.tolist()) == set(np.flatnonzero(firm).tolist())


def test_cyrillic_text_filter(small: Case) -> None:
    data = load_timeline(small)
    assert event_mask(data, CaseFilter(text="лукаш")).tolist() == [True, False]


def viewport(data: TimelineData, layout: LaneLayout, width: float = 1000, rows: float = 20,
             span: tuple[float, float] | None = None) -> Viewport:
    low, high = span or fit_range(data)
    scale = width / (high - low)
    return Viewport(low, high, 0, rows, scale, -low * scale, 20.0, 0.0)


def test_frame_draws_uncertain_events_as_windows_and_instants_as_markers(sample: Case) -> None:
    data = load_timeline(sample)
    layout = layout_lanes(data, mode="single")
    span = (seconds("2020-08-15T12:00:00Z"), seconds("2020-08-15T22:00:00Z"))
    view = viewport(data, layout, span=span, rows=5)
    frame = frame_geometry(layout, data, view)
    belta = data.titles.index("BelTA edits its report to add 'in the event of external military threats'")
    markers = frame.markers[(SOLID, False)]
    assert np.isclose(markers.x0, view.x_px(data.anchor[belta])).any()
    windows = frame.windows[(SOLID, False)]
    evening_low, evening_high = view.x_px(seconds("2020-08-15T14:00:00Z")), view.x_px(seconds("2020-08-15T20:59:00Z"))
    # overlapping windows of one row merge into one shape; the evening must lie inside one of them
    assert any(a <= evening_low + 0.5 and b >= evening_high - 0.5 for a, b in zip(windows.x0, windows.x1,
                                                                                    strict=True))
    # no stand-in marker at the middle of a window wide enough to see
    evening = data.titles.index("Lukashenko warns that protesters are threatening the families of service members")
    assert not np.isclose(markers.x0, view.x_px(data.anchor[evening])).any()


def test_coarse_cells_cover_every_appearance_in_the_strips_and_nothing_else(sample: Case) -> None:
    """A wheel turn out's stand-in for the strips it uncovers: each appearance's stated range (or moment) in a strip
    lies in a bar of its row, and each bar holds at least one of the row's appearances."""
    data = load_timeline(sample)
    layout = layout_lanes(data, mode="actors")
    view = viewport(data, layout, width=1000, rows=12)
    strips = [(0.0, 150.0), (850.0, 1000.0)]
    cells = coarse_cells(CoarseIndex(layout, data), view, strips, cell_px=4.0)
    assert cells
    bars = [(x0, x1, y0, y1) for shapes in cells.values() for x0, x1, y0, y1 in zip(
        shapes.x0.tolist(), shapes.x1.tolist(), shapes.y0.tolist(), shapes.y1.tolist(), strict=True)]
    assert all(left <= x0 < x1 <= right for x0, x1, _y0, _y1 in bars
               for left, right in [next(s for s in strips if s[0] <= x0 <= s[1])])
    seen = []
    for item in range(len(layout.item_event)):
        event, centre = layout.item_event[item], view.y_px(layout.item_row[item] + 0.5)
        if not -1 <= layout.item_row[item] <= 13:  # the rows in view and one either side, as a frame takes them
            continue
        a, b = view.x_px(data.core_low[event]), view.x_px(data.core_high[event])
        for left, right in strips:
            if b >= left and a <= right:  # in the strip: some bar of its row covers it there
                x = min(max(a, left), right)
                assert any(y0 < centre < y1 and x0 - 4 <= x <= x1 + 4 for x0, x1, y0, y1 in bars), (item, x)
                seen.append((centre, x))
    for x0, x1, y0, y1 in bars:
        assert any(y0 < centre < y1 and x0 - 4 <= x <= x1 + 4 for centre, x in seen)


def test_the_coarse_index_finds_what_a_pass_over_every_appearance_finds(sample: Case) -> None:
    data = load_timeline(sample)
    for mode in ("actors", "single", "kinds"):
        layout = layout_lanes(data, mode=mode)
        index = CoarseIndex(layout, data)
        events = layout.item_event
        low, high = fit_range(data)
        for first_row, last_row, a, b in ((-1, 13, low, low + (high - low) / 7), (3, 8, low + (high - low) / 2, high),
                                          (0, 0, low, high), (2, 40, low + (high - low) / 3, low + (high - low) / 3)):
            wanted = np.flatnonzero((layout.item_row >= first_row) & (layout.item_row <= last_row)
                                    & (data.core_high[events] >= a) & (data.core_low[events] <= b))
            assert sorted(index.items(first_row, last_row, a, b).tolist()) == wanted.tolist()


def test_zoomed_out_frames_are_thinned_to_the_pixels(tmp_path: Path) -> None:
    from workbench.core.synthetic import generate_case

    case = generate_case(tmp_path / "synthetic.case", 3000, seed=7)
    data = load_timeline(case)
    layout = layout_lanes(data, mode="single")
    view = viewport(data, layout, width=300, rows=4)
    frame = frame_geometry(layout, data, view, measure=lambda _event: 80.0)
    assert frame.items == len(data)
    drawn = sum(len(s) for s in frame.markers.values())
    assert drawn <= 300 * 3 * 2  # at most one marker per pixel column, per sub-row, per style group
    assert frame.labels == []  # far too many to label
    case.close()


def _covered(frame: Frame, width: int, grow: int) -> dict[tuple[int, bool], np.ndarray]:
    """Per style: the (row pixel, x pixel) cells a frame's windows, bars and markers (9 pixels wide) cover,
    widened by `grow` pixels either way."""
    cells: dict[tuple[int, bool], np.ndarray] = {}
    for kind in ("windows", "bars", "markers"):
        for key, shapes in getattr(frame, kind).items():
            image = cells.setdefault(key, np.zeros((400, width + 200), dtype=bool))
            half = 4.5 if kind == "markers" else 0.0
            for x0, x1, y0, y1 in zip(shapes.x0, shapes.x1, shapes.y0, shapes.y1, strict=True):
                row = int(round((y0 + y1) / 2))
                image[row, max(int(np.floor(x0 - half)) - grow + 100, 0):int(np.ceil(x1 + half)) + grow + 101] = True
    return cells


def test_a_dense_frame_drawn_from_its_level_of_detail_shows_what_every_event_shows(tmp_path: Path) -> None:
    from workbench.core.synthetic import generate_case

    case = generate_case(tmp_path / "synthetic.case", 3000, seed=7)
    data = load_timeline(case)
    case.close()
    for mode in ("single", "actors"):
        layout = layout_lanes(data, mode=mode)
        selected = np.zeros(len(data), dtype=bool)
        selected[[5, 500, 2999]] = True
        for width in (300, 700, 1400):
            view = viewport(data, layout, width=width, rows=12)
            exact = frame_geometry(layout, data, view, selected=selected)
            detail = LevelsOfDetail(dense_items=200)
            thinned = frame_geometry(layout, data, view, selected=selected, detail=detail)
            assert detail.levels, "drawn from a level"
            assert thinned.items == exact.items and thinned.labels == []
            # The selection is outlined exactly where it is.
            outlines = [sorted(zip(f.selected.x0, f.selected.y0, strict=True)) for f in (thinned, exact)]
            assert outlines[0] == outlines[1]
            # Whatever one draws the other draws within a few pixels (a window two pixels wide at this zoom may be
            # drawn as that rather than as its 9-pixel marker), in the same style and row.
            ours, theirs = _covered(thinned, width, 0), _covered(exact, width, 0)
            near_ours, near_theirs = _covered(thinned, width, 5), _covered(exact, width, 5)
            assert set(ours) == set(theirs)
            for key in ours:
                assert not (theirs[key] & ~near_ours[key]).any(), (mode, width, key)
                assert not (ours[key] & ~near_theirs[key]).any(), (mode, width, key)


def test_labels_never_overlap(sample: Case) -> None:
    data = load_timeline(sample)
    layout = layout_lanes(data)
    view = viewport(data, layout, width=900, rows=40)
    frame = frame_geometry(layout, data, view, measure=lambda event: 7.0 * len(data.titles[event]))
    assert frame.labels
    by_row: dict[float, list[tuple[float, float]]] = {}
    for x, y, _event, width in frame.labels:
        by_row.setdefault(y, []).append((x, x + width))
    for spans in by_row.values():
        spans.sort()
        for (_a, end), (start, _b) in zip(spans, spans[1:], strict=False):
            assert start >= end


def test_hit_test_finds_the_event_under_the_pointer(small: Case) -> None:
    data = load_timeline(small)
    layout = layout_lanes(data, mode="single")
    rumour = index_of(data, "event-rumour")
    row = int(layout.item_row[layout.item_event == rumour][0])
    scale = 1000 / (2 * DAY)
    assert hit_test(layout, data, seconds("2020-08-14T18:00:00Z"), row + 0.5, scale) == rumour
    assert hit_test(layout, data, seconds("2020-08-10T18:00:00Z"), row + 0.5, scale) == -1
    assert hit_test(layout, data, seconds("2020-08-14T18:00:00Z"), 99.5, scale) == -1


def test_event_summary_has_what_the_tooltip_needs(sample: Case) -> None:
    data = load_timeline(sample)
    index = data.titles.index("Kochanova and Eismont meet protesting staff at the state TV and Radio company")
    summary = event_summary(data, index)
    assert summary is not None
    assert summary.when == "15 Aug 2020, 18:00 (Belarus time)"
    assert summary.footnotes == ["7"]
    assert any(a.startswith("Natalya Kochanova") for a in summary.actors)
    assert summary.confidence == "reported"
    uncertain = event_summary(data, data.titles.index("Euroradio video of Taraykouski's death first shared"))
    assert uncertain is not None and "as early as 12 Aug" in uncertain.when


def test_utc_text_round_trip_and_density() -> None:
    assert utc_text(utc_seconds("2020-08-15T18:45:00Z")) == "2020-08-15T18:45:00Z"
    assert datetime.fromtimestamp(utc_seconds("2020-08-15T00:00:00Z"), UTC).hour == 0


def _squares(x: np.ndarray, y: np.ndarray, half: float, x_to: np.ndarray | None = None) -> set[tuple[int, int]]:
    """The (row, pixel) cells covered by squares 2 * half wide centred on (x, y) (or spanning x to x_to), sampled
    at pixel centres as an unantialiased painter does."""
    cells = set()
    for a, b, row in zip(x.tolist(), (x if x_to is None else x_to).tolist(), y.tolist(), strict=True):
        cells.update((int(row), px) for px in range(int(np.floor(a - half)) - 1, int(np.ceil(b + half)) + 1)
                     if a - half <= px + 0.5 < b + half)
    return cells


def test_marker_runs_draw_what_their_markers_draw() -> None:
    # Markers of a row whose insides touch chain into one run: its outline and its inside cover the same
    # pixels as the markers' squares and insides did, and markers apart (or in another row) stay alone.
    rng = np.random.default_rng(3)
    for gap in (7.0, 6.5):
        x = np.round(rng.uniform(0, 400, 300), 1)
        y = rng.integers(0, 6, 300) * 20.0 + 10
        single, runs = marker_runs(Shapes(x, x, y, y), gap)
        assert len(single) + len(runs) < len(x)  # some chained
        assert len(single) and len(runs)
        assert np.all(runs.x1 >= runs.x0) and np.array_equal(runs.y0, runs.y1)
        for half in (4.5, gap / 2):  # the outline (9 pixels), then the inside
            markers = _squares(x, y, half)
            drawn = _squares(single.x0, single.y0, half) | _squares(runs.x0, runs.y0, half, runs.x1)
            assert drawn == markers, half
        # where the insides do not touch, nothing chains: the outline between them must show
        apart = np.array([0.0, gap + 0.5, 2 * gap + 1.0])
        single, runs = marker_runs(Shapes(apart, apart, np.zeros(3), np.zeros(3)), gap)
        assert len(single) == 3 and not len(runs)
    # unsorted input is sorted first; another row never chains
    x = np.array([10.0, 3.0, 5.0, 4.0])
    y = np.array([0.0, 0.0, 0.0, 20.0])
    single, runs = marker_runs(Shapes(x, x, y, y), 7.0)
    assert runs.x0.tolist() == [3.0] and runs.x1.tolist() == [10.0] and single.x0.tolist() == [4.0]


def test_titles_of_a_few_events_read_at_once_are_their_titles(sample: Case) -> None:
    # Labels ask for the titles of the events they may show: read in one query, the same as every title loaded.
    every = load_timeline(sample).titles
    data = load_timeline(sample)
    wanted = [7, 0, 7, len(data) - 1, -1, len(data)]
    expected = [every[7], every[0], every[7], every[-1], "", ""]
    assert data.titles_of(wanted) == expected
    assert data.title_of(3) == every[3] and data.title_of(len(data)) == ""
    assert data.titles == every  # and then from the loaded titles, the same
    assert data.titles_of(np.array(wanted)) == expected
