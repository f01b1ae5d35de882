"""Everything the timeline view computes: event times as drawable geometry, swimlanes, filtering, frames.

The view draws; this module decides. Times are float seconds since the epoch (UTC) in numpy
arrays, one entry per event in `seq` order, so that 100k events load, filter, lay out and cull
in a few vectorised passes. A frame is computed in device pixels (`frame_geometry`), culled to
the visible rectangle and thinned to what the pixels can show: overlapping bars of one style
merge into one, markers falling on the same pixel become one, and labels appear only where
they do not overlap (level of detail).

Honest time: an event has a *window* (where the sources allow it to be) and a *core* (the
span they assert). A precise instant is a marker; a stated range is a bar; when the window is
wider than the core (time known to the hour, the day, or only within earliest/latest bounds)
the window is drawn as a faded bar and no precise point is claimed, except as a stand-in
marker when the window is too narrow on screen to be seen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from workbench.core.confidence import CONFIDENCE_LEVELS, RELIABILITY, TIME_PRECISIONS
from workbench.core.filters import CaseFilter
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT, case_zone, describe_when

HOUR = 3600.0
DAY = 86400.0
PRECISIONS = tuple(TIME_PRECISIONS)  # minute, hour, day, approximate
CONFIDENCES = tuple(CONFIDENCE_LEVELS)  # strongest first
GRADES = tuple(RELIABILITY)  # A .. F
UNCITED = len(GRADES)  # best-grade code of an event no source supports

# Drawing styles, by confidence: asserted (confirmed, reported, likely), weak (the source hedges:
# possible, unverified) and planned (announced, not happened). A faded copy of each is used for
# events outside the current emphasis (another view selected actors or sources they lack).
SOLID, WEAK, PLANNED = 0, 1, 2
N_STYLES = 3
STYLE_NAMES = ("asserted", "weak", "planned")
CONFIDENCE_STYLE = np.array([{"possible": WEAK, "unverified": WEAK, "planned": PLANNED}.get(c, SOLID)
                             for c in CONFIDENCES], dtype=np.int8)

LANE_MODES = ("actors", "kinds", "single")
LANE_ORDERS = ("first", "name", "count")
NO_ACTOR = "(no actor named)"
MAX_SUBROWS = 4
PACKING_LIMIT = 20_000
CONNECTOR_SPACING_PX = 8.0  # fewer joining lines than one per this many pixels, or none
LABEL_CHARS = 64


# --- loading ------------------------------------------------------------------------------

@dataclass
class TimelineData:
    """A case's events as arrays (index i = i-th event by seq) and who takes part in them."""

    case: Case | None
    zone: ZoneInfo
    seq: np.ndarray  # int64, ascending
    start: np.ndarray  # float64 epoch seconds, UTC
    end: np.ndarray  # = start when no end is stated
    has_end: np.ndarray  # bool
    earliest: np.ndarray  # NaN when not stated
    latest: np.ndarray
    precision: np.ndarray  # int8 index into PRECISIONS
    confidence: np.ndarray  # int8 index into CONFIDENCES
    kind: np.ndarray  # int32 index into kinds
    kinds: list[str]
    pair_event: np.ndarray  # int32: event index of each (event, actor) pair
    pair_actor: np.ndarray  # int32: actor index
    actor_ids: list[str]
    actor_names: list[str]
    actor_kinds: list[str]
    # derived geometry (see `event_geometry`)
    low: np.ndarray = field(init=False)  # window
    high: np.ndarray = field(init=False)
    core_low: np.ndarray = field(init=False)  # the asserted span; core_low == core_high: an instant
    core_high: np.ndarray = field(init=False)
    anchor: np.ndarray = field(init=False)  # where a stand-in marker goes
    uncertain: np.ndarray = field(init=False)  # window wider than the core
    style: np.ndarray = field(init=False)
    _titles: list[str] | None = None
    _ids: list[str] | None = None
    _best_grade: np.ndarray | None = None

    def __post_init__(self) -> None:
        (self.low, self.high, self.core_low, self.core_high, self.anchor,
         self.uncertain) = event_geometry(self)
        self.style = CONFIDENCE_STYLE[self.confidence] if len(self.confidence) else np.zeros(0, np.int8)

    def __len__(self) -> int:
        return len(self.seq)

    @property
    def titles(self) -> list[str]:
        """Event titles, loaded on first need (labels, text filter): 100k of them cost ~80 ms."""
        if self._titles is None:
            self._titles = self._column("title")
        return self._titles

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = self._column("id")
        return self._ids

    def _column(self, name: str) -> list[str]:
        if self.case is None or not len(self):
            return [""] * len(self)
        by_seq = dict(self.case.conn.execute(f"SELECT seq, {name} FROM events"))
        return [by_seq.get(int(s), "") for s in self.seq]

    @property
    def best_grade(self) -> np.ndarray:
        """Per event, the best Admiralty grade among its sources (0 = A .. 5 = F), UNCITED if none."""
        if self._best_grade is None:
            best = np.full(len(self), UNCITED, dtype=np.int8)
            if self.case is not None and len(self):
                rows = self.case.conn.execute(
                    "SELECT e.seq, min(s.reliability) FROM citations c JOIN sources s ON s.id = c.source_id "
                    "JOIN events e ON e.id = c.event_id WHERE c.event_id IS NOT NULL GROUP BY e.seq"
                ).fetchall()
                if rows:
                    seqs = np.array([r[0] for r in rows], dtype=np.int64)
                    grades = np.array([GRADES.index(r[1]) if r[1] in GRADES else UNCITED - 1 for r in rows],
                                      dtype=np.int8)
                    best[self.indices_of_seq(seqs)] = grades
            self._best_grade = best
        return self._best_grade

    def indices_of_seq(self, seqs: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.seq, seqs)

    def indices_of(self, ids: Sequence[str]) -> np.ndarray:
        """Event indices of the given event ids (unknown ids are skipped)."""
        if self.case is None or not ids or not len(self):
            return np.zeros(0, dtype=np.int64)
        seqs = [s for (s,) in self.case.conn.execute(
            "SELECT seq FROM events WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))]
        return self.indices_of_seq(np.array(sorted(seqs), dtype=np.int64))

    def id_of(self, index: int) -> str | None:
        if self.case is None or not 0 <= index < len(self):
            return None
        row = self.case.conn.execute("SELECT id FROM events WHERE seq = ?", (int(self.seq[index]),)).fetchone()
        return row[0] if row else None

    def actor_index(self) -> dict[str, int]:
        return {actor_id: i for i, actor_id in enumerate(self.actor_ids)}

    def span(self) -> tuple[float, float] | None:
        """The whole case in time (windows included), or None when it has no events."""
        if not len(self):
            return None
        return float(self.low.min()), float(self.high.max())


def _numbers(text: str | None, count: int) -> np.ndarray:
    """'1,2,nan' -> float array; SQLite builds such a string in C far faster than Python builds rows."""
    if count == 0 or not text:
        return np.zeros(0)
    # fromstring's text mode parses in C (five times faster than float() per item); a count
    # mismatch means a value it could not read.
    values = np.fromstring(text, dtype=np.float64, sep=",")
    if len(values) != count:
        raise ValueError("column length mismatch")
    return values


def load_timeline(case: Case | None) -> TimelineData:
    """Read what the timeline draws from `case` (None: an empty timeline)."""
    if case is None:
        return _empty(case_zone(None))
    zone = case_zone(case.meta("timezone"))
    (count,) = case.conn.execute("SELECT count(*) FROM events").fetchone()
    if not count:
        data = _empty(zone)
        data.case = case
        return data
    # The event-actor pairs are read on a second connection meanwhile: SQLite releases the GIL,
    # so on two cores the two scans overlap (100k events: load 0.5 s -> 0.35 s).
    pairs_reader = ThreadPoolExecutor(max_workers=1)
    pairs_row = pairs_reader.submit(_pairs_row, case)
    pairs_reader.shutdown(wait=False)
    precision_code = " ".join(f"WHEN '{p}' THEN {i}" for i, p in enumerate(PRECISIONS))
    confidence_code = " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(CONFIDENCES))
    # One query, so every column comes from the same ordered scan: row i is the same event in each.
    row = case.conn.execute(
        f"""
        SELECT group_concat(seq), group_concat(unixepoch(start)),
               group_concat(coalesce(unixepoch("end"), 'nan')),
               group_concat(coalesce(unixepoch(earliest), 'nan')),
               group_concat(coalesce(unixepoch(latest), 'nan')),
               group_concat(CASE time_precision {precision_code} ELSE 2 END),
               group_concat(CASE confidence {confidence_code} ELSE 1 END)
        FROM (SELECT * FROM events ORDER BY seq)
        """
    ).fetchone()
    seq = _numbers(row[0], count).astype(np.int64)
    start = _numbers(row[1], count)
    end_raw = _numbers(row[2], count)
    earliest = _numbers(row[3], count)
    latest = _numbers(row[4], count)
    precision = _numbers(row[5], count).astype(np.int8)
    confidence = _numbers(row[6], count).astype(np.int8)
    order = np.argsort(seq, kind="stable")  # already sorted; cheap insurance against a planner change
    seq, start, end_raw, earliest, latest, precision, confidence = (
        a[order] for a in (seq, start, end_raw, earliest, latest, precision, confidence))
    has_end = ~np.isnan(end_raw)
    end = np.where(has_end, end_raw, start)

    kinds: list[str] = []
    kind = np.zeros(count, dtype=np.int32)
    for code, (name, seqs) in enumerate(case.conn.execute("SELECT kind, group_concat(seq) FROM events GROUP BY kind")):
        kinds.append(name)
        kind[np.searchsorted(seq, np.array(seqs.split(","), dtype=np.int64))] = code

    actor_ids, actor_names, actor_kinds, actor_seq = [], [], [], []
    for actor_seq_value, actor_id, name, actor_kind in case.conn.execute(
            "SELECT seq, id, name, kind FROM actors ORDER BY seq"):
        actor_seq.append(actor_seq_value)
        actor_ids.append(actor_id)
        actor_names.append(name)
        actor_kinds.append(actor_kind)
    pair_event, pair_actor = _pairs(pairs_row.result(), seq, np.array(actor_seq, dtype=np.int64))
    return TimelineData(case, zone, seq, start, end, has_end, earliest, latest, precision, confidence, kind, kinds,
                        pair_event, pair_actor, actor_ids, actor_names, actor_kinds)


PAIRS_SQL = """
    SELECT count(*), group_concat(e.seq), group_concat(a.seq)
    FROM events e CROSS JOIN event_actors ea ON ea.event_id = e.id JOIN actors a ON a.id = ea.actor_id
"""


def _pairs_row(case: Case) -> tuple:
    """The event_actors pairs as (count, event seqs, actor seqs), read on a reader connection.

    CROSS JOIN keeps SQLite scanning events and seeking their actors by primary key, which is
    twice as fast as the plan it picks itself (a seek into events for every link).
    """
    try:
        reader = case.open_reader()
    except Exception:  # noqa: BLE001 - no second connection (e.g. a file being replaced): read here
        return case.conn.execute(PAIRS_SQL).fetchone()
    try:
        return reader.conn.execute(PAIRS_SQL).fetchone()
    finally:
        reader.close()


def _pairs(row: tuple, event_seq: np.ndarray, actor_seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(event index, actor index) of every event_actors row, from `_pairs_row`."""
    count = row[0]
    if not count:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    events = np.searchsorted(event_seq, _numbers(row[1], count).astype(np.int64)).astype(np.int32)
    actors = np.searchsorted(actor_seq, _numbers(row[2], count).astype(np.int64)).astype(np.int32)
    order = np.lexsort((actors, events))
    return events[order], actors[order]


def _empty(zone: ZoneInfo) -> TimelineData:
    nothing = np.zeros(0)
    return TimelineData(None, zone, np.zeros(0, np.int64), nothing, nothing, np.zeros(0, bool), nothing, nothing,
                        np.zeros(0, np.int8), np.zeros(0, np.int8), np.zeros(0, np.int32), [],
                        np.zeros(0, np.int32), np.zeros(0, np.int32), [], [], [])


# --- honest time --------------------------------------------------------------------------

def utc_offsets(times: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """The zone's UTC offset in seconds at each time (DST-correct: looked up once per distinct hour)."""
    if not len(times):
        return np.zeros(0)
    hours = np.floor(times / HOUR)
    unique, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array([datetime.fromtimestamp(h * HOUR, UTC).astimezone(zone).utcoffset().total_seconds()
                        for h in unique])
    return offsets[inverse]


def local_day_start(times: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """UTC time of the local midnight that begins each time's local day."""
    offsets = utc_offsets(times, zone)
    local = times + offsets
    midnight = np.floor(local / DAY) * DAY
    return midnight - utc_offsets(midnight - offsets, zone)


def event_geometry(data: TimelineData) -> tuple[np.ndarray, ...]:
    """(low, high, core_low, core_high, anchor, uncertain) per event, in epoch seconds.

    - minute: the core is start..end (an instant without an end); no wider window.
    - hour: "about 18:00" - a window of half an hour either side; a range keeps its bar.
    - day: the local day(s) it falls on; with an end, a bar over whole days.
    - approximate: the window is earliest..latest (start/end where a bound is missing);
      when no bound widens it, the local day of the start.
    """
    n = len(data.seq)
    if not n:
        empty = np.zeros(0)
        return empty, empty, empty, empty, empty, np.zeros(0, bool)
    start, end, has_end, precision = data.start, data.end, data.has_end, data.precision
    low, high = start.copy(), end.copy()
    core_low, core_high = start.copy(), np.where(has_end, end, start)

    hour = precision == PRECISIONS.index("hour")
    low[hour] = start[hour] - HOUR / 2
    high[hour] = end[hour] + HOUR / 2
    core_high[hour & ~has_end] = start[hour & ~has_end]

    day = precision == PRECISIONS.index("day")
    if day.any():
        day_low = local_day_start(start[day], data.zone)
        day_high = local_day_start(end[day], data.zone) + DAY
        low[day], high[day] = day_low, day_high
        ranged = has_end[day]
        core_low[day] = np.where(ranged, day_low, start[day])
        core_high[day] = np.where(ranged, day_high, start[day])

    approximate = precision == PRECISIONS.index("approximate")
    if approximate.any():
        a_low = np.where(np.isnan(data.earliest), start, np.minimum(data.earliest, start))[approximate]
        a_high = np.where(np.isnan(data.latest), end, np.maximum(data.latest, end))[approximate]
        unbounded = a_high - a_low <= 0
        if unbounded.any():
            # No bounds stated: a date alone means that day; a time of day means about then.
            anchor_start = start[approximate][unbounded]
            day_low = local_day_start(anchor_start, data.zone)
            dated = anchor_start == day_low
            a_low[unbounded] = np.where(dated, day_low, anchor_start - HOUR)
            a_high[unbounded] = np.where(dated, np.maximum(day_low + DAY, end[approximate][unbounded]),
                                         end[approximate][unbounded] + HOUR)
        low[approximate], high[approximate] = a_low, a_high

    instant = core_high <= core_low
    uncertain = (high - low) > (core_high - core_low) + 1.0
    # A precise instant is drawn where it is; an uncertain one gets its stand-in marker at the
    # window's middle, and only when the window is too narrow on screen to be seen.
    anchor = np.where(uncertain & instant, (low + high) / 2, np.where(instant, core_low, (core_low + core_high) / 2))
    return low, high, core_low, core_high, anchor, uncertain


# --- filtering ----------------------------------------------------------------------------

def event_mask(data: TimelineData, case_filter: CaseFilter, tagged_events: set[str] | None = None) -> np.ndarray:
    """Which events pass the shared filter (True = shown).

    With a tag filter, `tagged_events` are the events that pass it (core.tags.events_passing).
    """
    n = len(data)
    mask = np.ones(n, dtype=bool)
    if not n or case_filter.is_empty:
        return mask
    if case_filter.tags is not None:
        keep = np.zeros(n, dtype=bool)
        if tagged_events:
            indices = np.asarray(data.indices_of(sorted(tagged_events)))
            keep[indices[indices >= 0]] = True
        mask &= keep
    if case_filter.confidence_floor in CONFIDENCES:
        mask &= data.confidence <= CONFIDENCES.index(case_filter.confidence_floor)
    if case_filter.event_kinds is not None:
        allowed = np.array([k in case_filter.event_kinds for k in data.kinds], dtype=bool)
        mask &= allowed[data.kind] if len(allowed) else False
    if case_filter.actor_kinds is not None:
        allowed_actor = np.array([k in case_filter.actor_kinds for k in data.actor_kinds], dtype=bool)
        has_allowed = np.zeros(n, dtype=bool)
        if len(data.pair_event):
            has_allowed[data.pair_event[allowed_actor[data.pair_actor]]] = True
        mask &= has_allowed
    if case_filter.reliability_floor in GRADES and case_filter.reliability_floor != GRADES[-1]:
        # Support counts only from sources at or above the floor; an uncited event has none.
        mask &= data.best_grade <= GRADES.index(case_filter.reliability_floor)
    words = case_filter.text.casefold().split()
    if words:
        haystack = text_haystack(data)
        mask &= np.array([all(w in text for w in words) for text in haystack], dtype=bool)
    return mask


def text_haystack(data: TimelineData) -> list[str]:
    """Per event, the casefolded text the text filter searches: title, kind and actor names."""
    names: list[list[str]] = [[] for _ in range(len(data))]
    for event, actor in zip(data.pair_event.tolist(), data.pair_actor.tolist(), strict=True):
        names[event].append(data.actor_names[actor])
    return [" \u241f ".join([title, data.kinds[k], *who]).casefold()
            for title, k, who in zip(data.titles, data.kind.tolist(), names, strict=True)]


def allowed_actors(data: TimelineData, case_filter: CaseFilter) -> np.ndarray:
    kinds = case_filter.actor_kinds
    return np.array([kinds is None or k in kinds for k in data.actor_kinds], dtype=bool)


# --- swimlanes ----------------------------------------------------------------------------

@dataclass
class LaneLayout:
    """Lanes top to bottom and every drawn appearance of an event ("item"), sorted by row."""

    mode: str
    keys: list[str]  # actor id, event kind, or "" for the single lane
    labels: list[str]
    counts: np.ndarray  # events per lane
    top: np.ndarray  # first row of each lane
    rows: np.ndarray  # rows per lane (sub-rows where events overlap)
    total_rows: int
    item_event: np.ndarray  # int64
    item_lane: np.ndarray
    item_row: np.ndarray  # int64 row; the item is drawn centred on row + 0.5
    connector_event: np.ndarray  # events drawn in more than one lane, joined by a vertical line
    connector_top: np.ndarray  # row (centre) of the topmost appearance
    connector_bottom: np.ndarray

    def lane_of_row(self, row: float) -> int:
        if not len(self.top):
            return -1
        lane = int(np.searchsorted(self.top, row, side="right")) - 1
        return lane if 0 <= lane < len(self.top) and row < self.top[lane] + self.rows[lane] else -1

    def rows_of_lane(self, key: str) -> tuple[int, int] | None:
        try:
            lane = self.keys.index(key)
        except ValueError:
            return None
        return int(self.top[lane]), int(self.top[lane] + self.rows[lane])


def layout_lanes(data: TimelineData, mask: np.ndarray | None = None, mode: str = "actors", order: str = "first",
                 actor_mask: np.ndarray | None = None) -> LaneLayout:
    """Lanes of the shown events: per actor (an event in each of its actors' lanes), per kind, or one.

    Lanes are sorted by first appearance, by name or by number of events (most first); empty
    lanes are left out. Within a lane, events whose windows overlap go to different sub-rows
    (up to MAX_SUBROWS), so two events of one evening do not hide each other.
    """
    n = len(data)
    mask = np.ones(n, dtype=bool) if mask is None else mask
    shown = np.flatnonzero(mask)
    if mode == "actors":
        keep = mask[data.pair_event] if len(data.pair_event) else np.zeros(0, bool)
        if actor_mask is not None and len(data.pair_actor):
            keep &= actor_mask[data.pair_actor]
        events = data.pair_event[keep].astype(np.int64)
        lanes = data.pair_actor[keep].astype(np.int64)
        lonely = shown[~np.isin(shown, events)] if len(events) else shown
        keys, labels = list(data.actor_ids), list(data.actor_names)
        if len(lonely):
            events = np.concatenate([events, lonely])
            lanes = np.concatenate([lanes, np.full(len(lonely), len(keys), dtype=np.int64)])
            keys.append("")
            labels.append(NO_ACTOR)
    elif mode == "kinds":
        events = shown.astype(np.int64)
        lanes = data.kind[shown].astype(np.int64)
        keys = list(data.kinds)
        labels = [k or "(no kind)" for k in data.kinds]
    else:
        events = shown.astype(np.int64)
        lanes = np.zeros(len(shown), dtype=np.int64)
        keys, labels = [""], ["All events"]

    n_keys = len(keys)
    counts = np.bincount(lanes, minlength=n_keys) if len(lanes) else np.zeros(n_keys, dtype=np.int64)
    used = np.flatnonzero(counts)
    if order == "name":
        ranked = sorted(used.tolist(), key=lambda k: (labels[k] == NO_ACTOR, labels[k].casefold(), k))
    elif order == "count":
        ranked = sorted(used.tolist(), key=lambda k: (labels[k] == NO_ACTOR, -counts[k], labels[k].casefold()))
    else:
        first = np.full(n_keys, np.inf)
        if len(lanes):
            np.minimum.at(first, lanes, data.low[events])
        ranked = sorted(used.tolist(), key=lambda k: (labels[k] == NO_ACTOR, first[k], labels[k].casefold()))
    position = np.full(n_keys, -1, dtype=np.int64)
    position[ranked] = np.arange(len(ranked))
    item_lane = position[lanes] if len(lanes) else np.zeros(0, np.int64)

    sub = _subrows(data, events, item_lane)
    n_lanes = len(ranked)
    rows = np.ones(n_lanes, dtype=np.int64)
    if len(sub):
        np.maximum.at(rows, item_lane, sub + 1)
    top = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64) if n_lanes else np.zeros(0, np.int64)
    item_row = top[item_lane] + sub if len(sub) else np.zeros(0, np.int64)
    by_row = np.lexsort((data.low[events] if len(events) else events, item_row))
    events, item_lane, item_row = events[by_row], item_lane[by_row], item_row[by_row]

    connector_event, connector_top, connector_bottom = _connectors(events, item_row) if mode == "actors" else (
        np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    return LaneLayout(mode, [keys[k] for k in ranked], [labels[k] for k in ranked],
                      counts[ranked] if n_lanes else np.zeros(0, np.int64), top, rows, int(rows.sum()),
                      events, item_lane, item_row, connector_event, connector_top, connector_bottom)


def _subrows(data: TimelineData, events: np.ndarray, lanes: np.ndarray) -> np.ndarray:
    """Sub-row of each item, so that events whose windows overlap in a lane do not cover each other.

    Up to PACKING_LIMIT items: greedy interval packing (each item takes the first sub-row that is
    free again, or the one freed soonest). Beyond it, a vectorised approximation: a run of
    mutually overlapping items cycles through the sub-rows.
    """
    if not len(events):
        return np.zeros(0, dtype=np.int64)
    low = data.low[events]
    high = np.maximum(data.high[events], data.anchor[events])
    span = max(float(data.high.max() - data.low.min()), HOUR)
    gap = span / 400  # instants this close together would draw on top of each other at "fit"
    order = np.lexsort((low, lanes))
    sub = np.empty(len(order), dtype=np.int64)
    if len(order) <= PACKING_LIMIT:
        row_end: list[float] = []
        current_lane = None
        for i, lane, start, stop in zip(order.tolist(), lanes[order].tolist(), low[order].tolist(),
                                        (high[order] + gap).tolist(), strict=True):
            if lane != current_lane:
                current_lane, row_end = lane, []
            free = next((r for r, taken_until in enumerate(row_end) if taken_until <= start), None)
            if free is None:
                if len(row_end) < MAX_SUBROWS:
                    free = len(row_end)
                    row_end.append(stop)
                else:
                    free = int(np.argmin(row_end))
            row_end[free] = max(row_end[free], stop)
            sub[i] = free
        return sub
    lane_sorted = lanes[order]
    # Lanes are made disjoint on one number line so a single running maximum serves them all.
    offset = lane_sorted.astype(np.float64) * (span * 4 + 1e10)
    low_sorted = low[order] + offset
    reach = np.maximum.accumulate(high[order] + offset + gap)
    conflict = np.zeros(len(order), dtype=bool)
    conflict[1:] = low_sorted[1:] < reach[:-1]
    run = np.cumsum(~conflict) - 1
    run_start = np.flatnonzero(~conflict)
    position = np.arange(len(order)) - run_start[run]
    sub[order] = position % MAX_SUBROWS
    return sub


def _connectors(events: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not len(events):
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    order = np.argsort(events, kind="stable")
    sorted_events = events[order]
    starts = np.flatnonzero(np.r_[True, sorted_events[1:] != sorted_events[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_events)])
    top = np.minimum.reduceat(rows[order], starts)
    bottom = np.maximum.reduceat(rows[order], starts)
    multi = sizes > 1
    return sorted_events[starts][multi], top[multi] + 0.5, bottom[multi] + 0.5


# --- one frame ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Viewport:
    """The visible data rectangle and its mapping to device pixels: px = data * scale + offset."""

    x_min: float
    x_max: float
    y_min: float  # rows
    y_max: float
    x_scale: float  # pixels per second
    x_offset: float
    y_scale: float  # pixels per row
    y_offset: float

    def x_px(self, x: np.ndarray | float) -> np.ndarray | float:
        return x * self.x_scale + self.x_offset

    def y_px(self, y: np.ndarray | float) -> np.ndarray | float:
        return y * self.y_scale + self.y_offset


@dataclass
class Shapes:
    """Rectangles (x0, x1, y0, y1) or points (x, y) in device pixels."""

    x0: np.ndarray
    x1: np.ndarray
    y0: np.ndarray
    y1: np.ndarray

    def __len__(self) -> int:
        return len(self.x0)


@dataclass
class Frame:
    """What to draw, grouped by style (key: (style, faded)); all coordinates in device pixels."""

    windows: dict[tuple[int, bool], Shapes]  # faded bars: where an uncertain event may lie
    bars: dict[tuple[int, bool], Shapes]  # stated ranges
    markers: dict[tuple[int, bool], Shapes]  # instants (x0 = x1, y0 = y1: the centre)
    selected: Shapes  # outlines around the selected events
    connectors: Shapes  # vertical lines joining one event's lanes
    labels: list[tuple[float, float, int, float]]  # (x, baseline y, event index, width)
    items: int  # appearances in view before thinning


def outline_segments(shapes: Shapes, dashed: bool = False, on: float = 4.0, off: float = 3.0) -> Shapes:
    """The four edges of each rectangle as line segments (x0, y0) - (x1, y1); dashed edges are cut
    into `on`-pixel dashes here, in one vectorised pass, because a painter dashing thousands of
    edges itself takes a hundred times longer."""
    if not len(shapes):
        return _empty_shapes()
    x0, x1, y0, y1 = shapes.x0, shapes.x1, shapes.y0, shapes.y1
    if dashed:
        tops = _dashes(np.r_[x0, x0], np.r_[x1, x1], np.r_[y0, y1], on, off)
        sides = _dashes(np.r_[y0, y0], np.r_[y1, y1], np.r_[x0, x1], on, off)
        return Shapes(np.r_[tops[0], sides[2]], np.r_[tops[1], sides[2]],
                      np.r_[tops[2], sides[0]], np.r_[tops[2], sides[1]])
    return Shapes(np.r_[x0, x0, x0, x1], np.r_[x1, x1, x0, x1], np.r_[y0, y1, y0, y0], np.r_[y0, y1, y1, y1])


def _dashes(start: np.ndarray, stop: np.ndarray, across: np.ndarray, on: float, off: float
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    period = on + off
    counts = np.maximum(np.ceil((stop - start) / period).astype(np.int64), 1)
    owner = np.repeat(np.arange(len(start)), counts)
    step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    begin = start[owner] + step * period
    return begin, np.minimum(begin + on, stop[owner]), across[owner]


def _empty_shapes() -> Shapes:
    nothing = np.zeros(0)
    return Shapes(nothing, nothing, nothing, nothing)


def visible_items(layout: LaneLayout, data: TimelineData, view: Viewport) -> np.ndarray:
    """Indices into layout items that intersect the view (rows culled by binary search)."""
    if not len(layout.item_row):
        return np.zeros(0, dtype=np.int64)
    first = int(np.searchsorted(layout.item_row, np.floor(view.y_min) - 1, side="left"))
    last = int(np.searchsorted(layout.item_row, np.ceil(view.y_max) + 1, side="right"))
    if last <= first:
        return np.zeros(0, dtype=np.int64)
    events = layout.item_event[first:last]
    # Generous in x by a few pixels, so a marker whose centre is just outside still shows its half.
    slack = 12 / max(view.x_scale, 1e-12)
    inside = (data.high[events] >= view.x_min - slack) & (data.low[events] <= view.x_max + slack)
    return np.flatnonzero(inside) + first


def frame_geometry(
    layout: LaneLayout,
    data: TimelineData,
    view: Viewport,
    *,
    faded: np.ndarray | None = None,
    selected: np.ndarray | None = None,
    measure: Callable[[int], float] | None = None,
    marker_px: float = 9.0,
    bar_px: float = 8.0,
    window_px: float = 14.0,
) -> Frame:
    """Device-pixel geometry of one frame, culled to the view and thinned to what pixels can show.

    `faded`: per event, drawn as context only. `selected`: per event, outlined.
    `measure(event)`: the pixel width of its label; labels are placed only when given.
    """
    items = visible_items(layout, data, view)
    events = layout.item_event[items]
    rows = layout.item_row[items].astype(np.float64)
    yc = view.y_px(rows + 0.5)
    # Clipped a little outside the view: deep zoom would otherwise hand the painter huge coordinates.
    edge_low, edge_high = view.x_px(view.x_min) - 50, view.x_px(view.x_max) + 50
    x0, x1, c0, c1 = (np.clip(view.x_px(values[events]), edge_low, edge_high)
                      for values in (data.low, data.high, data.core_low, data.core_high))
    ax = view.x_px(data.anchor[events])
    style = data.style[events]
    fade = faded[events] if faded is not None else np.zeros(len(events), dtype=bool)
    uncertain = data.uncertain[events]
    ranged = (c1 - c0) >= 1.0  # a stated range wide enough to be a bar on screen
    window_visible = uncertain & ((x1 - x0) >= 3.0)
    # An uncertain event whose window is a sliver on screen gets its stand-in marker; an
    # instant always does; a range narrower than a pixel becomes a marker too.
    marker = (~ranged & ~uncertain) | (uncertain & ~window_visible & ~ranged)

    windows, bars, markers = {}, {}, {}
    for s in range(N_STYLES):
        for f in (False, True):
            group = (style == s) & (fade == f)
            if not group.any():
                continue
            key = (s, f)
            w = group & window_visible
            if w.any():
                windows[key] = _merge_bars(x0[w], x1[w], yc[w] - window_px / 2, yc[w] + window_px / 2)
            b = group & ranged
            if b.any():
                bars[key] = _merge_bars(c0[b], np.maximum(c1[b], c0[b] + 2), yc[b] - bar_px / 2, yc[b] + bar_px / 2)
            m = group & marker
            if m.any():
                markers[key] = _dedupe_points(ax[m], yc[m])

    chosen = np.zeros(0, dtype=np.int64)
    if selected is not None and len(events):
        chosen = np.flatnonzero(selected[events])
    half = marker_px / 2 + 3
    sel = Shapes(
        np.where(marker[chosen], ax[chosen] - half, np.minimum(x0[chosen], c0[chosen]) - 3),
        np.where(marker[chosen], ax[chosen] + half, np.maximum(x1[chosen], c1[chosen]) + 3),
        yc[chosen] - window_px / 2 - 2, yc[chosen] + window_px / 2 + 2,
    ) if len(chosen) else _empty_shapes()

    connectors = _frame_connectors(layout, data, view)
    labels: list[tuple[float, float, int, float]] = []
    if measure is not None and len(events):
        labels = place_labels(events, layout.item_row[items], np.where(marker, ax, np.maximum(x0, c0)),
                              marker, view, measure, marker_px)
    return Frame(windows, bars, markers, sel, connectors, labels, len(items))


def _merge_bars(x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> Shapes:
    """Bars in the same row (same y0) that overlap or touch within a pixel become one bar."""
    order = np.lexsort((x0, y0))
    x0, x1, y0, y1 = x0[order], x1[order], y0[order], y1[order]
    # Make rows disjoint on one number line, then one running maximum finds each merged run.
    row_key = np.unique(y0, return_inverse=True)[1].astype(np.float64)
    offset = row_key * (float(np.max(np.abs(np.r_[x0, x1]))) * 4 + 1e7)
    reach = np.maximum.accumulate(x1 + offset)
    new_run = np.ones(len(x0), dtype=bool)
    new_run[1:] = (x0[1:] + offset[1:] > reach[:-1] + 1.0)
    starts = np.flatnonzero(new_run)
    ends = np.r_[starts[1:], len(x0)] - 1
    return Shapes(x0[starts], reach[ends] - offset[ends], y0[starts], y1[starts])


def _dedupe_points(x: np.ndarray, y: np.ndarray) -> Shapes:
    """Markers on the same device pixel are drawn once."""
    key = np.round(y) * 1e7 + np.round(x)
    _, first = np.unique(key, return_index=True)
    return Shapes(x[first], x[first], y[first], y[first])


def _frame_connectors(layout: LaneLayout, data: TimelineData, view: Viewport) -> Shapes:
    if not len(layout.connector_event):
        return _empty_shapes()
    events = layout.connector_event
    x = data.anchor[events]
    inside = ((x >= view.x_min) & (x <= view.x_max) & (layout.connector_bottom >= view.y_min)
              & (layout.connector_top <= view.y_max))
    if not inside.any():
        return _empty_shapes()
    x_px = np.round(view.x_px(x[inside]))
    top = view.y_px(layout.connector_top[inside])
    bottom = view.y_px(layout.connector_bottom[inside])
    # Connectors on the same pixel column merge into one line spanning all of them.
    order = np.argsort(x_px, kind="stable")
    x_px, top, bottom = x_px[order], top[order], bottom[order]
    starts = np.flatnonzero(np.r_[True, x_px[1:] != x_px[:-1]])
    width = abs(view.x_px(view.x_max) - view.x_px(view.x_min))
    if len(starts) > width / CONNECTOR_SPACING_PX:
        # So many that they would grey out the lanes: the joins only help when they can be told apart.
        return _empty_shapes()
    return Shapes(x_px[starts], x_px[starts], np.minimum.reduceat(top, starts), np.maximum.reduceat(bottom, starts))


def place_labels(events: np.ndarray, rows: np.ndarray, x_px: np.ndarray, is_marker: np.ndarray, view: Viewport,
                 measure: Callable[[int], float], marker_px: float = 9.0, gap: float = 6.0,
                 min_px: float = 56.0, limit: int = 4000) -> list[tuple[float, float, int, float]]:
    """Labels that fit, as (x, baseline y, event, width): left to right in each row, a label never
    overlaps another label nor runs over the next event of its row or the view's right edge; it is
    cut short (the view elides it) when at least `min_px` is free, else left out. Too many
    candidates in view (zoomed far out): no labels at all."""
    if len(events) > limit:
        return []
    order = np.lexsort((x_px, rows))
    events, rows, x_px, is_marker = events[order], rows[order], x_px[order], is_marker[order]
    left_edge = view.x_px(view.x_min)
    right_edge = view.x_px(view.x_max)
    text_offset = view.y_scale * 0.5 * 0.45
    # The room before the next event of the row is known for all candidates at once; only those
    # with enough of it go through the (sequential) check against the label placed before.
    start = np.maximum(x_px + np.where(is_marker, marker_px / 2 + 3, 3.0), left_edge + 2)
    same_row_next = np.r_[rows[1:] == rows[:-1], False]
    next_x = np.where(same_row_next, np.r_[x_px[1:], np.inf], np.inf)
    room = np.minimum(next_x - 4, right_edge - 2) - start
    candidates = np.flatnonzero(room >= min_px)
    placed: list[tuple[float, float, int, float]] = []
    last_row, last_end = None, -np.inf
    for row, x, space, event in zip(rows[candidates].tolist(), start[candidates].tolist(),
                                    room[candidates].tolist(), events[candidates].tolist(), strict=True):
        if row != last_row:
            last_row, last_end = row, -np.inf
        if x < last_end + gap:
            continue
        width = min(measure(event), space)
        placed.append((x, float(view.y_px(row + 0.5) + text_offset), event, width))
        last_end = x + width
    return placed


def label_text(title: str) -> str:
    """A label is a title cut to LABEL_CHARS with an ellipsis; the tooltip has the rest."""
    title = " ".join(title.split())
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1].rstrip() + "\u2026"


# --- hit testing --------------------------------------------------------------------------

def hit_test(layout: LaneLayout, data: TimelineData, x: float, y: float, x_scale: float,
             tolerance_px: float = 6.0) -> int:
    """The event drawn under data point (x, y), or -1. Precise drawings win over wide windows."""
    row = int(np.floor(y))
    first = int(np.searchsorted(layout.item_row, row, side="left"))
    last = int(np.searchsorted(layout.item_row, row, side="right"))
    if last <= first:
        return -1
    events = layout.item_event[first:last]
    tolerance = tolerance_px / max(x_scale, 1e-12)
    low = np.minimum(data.low[events], data.anchor[events] - tolerance)
    high = np.maximum(data.high[events], data.anchor[events] + tolerance)
    inside = (x >= low) & (x <= high)
    if not inside.any():
        return -1
    candidates = np.flatnonzero(inside)
    distance = np.abs(data.anchor[events[candidates]] - x)
    width = data.high[events[candidates]] - data.low[events[candidates]]
    best = candidates[np.lexsort((distance, width))[0]]
    return int(events[best])


# --- axes, overview, text -----------------------------------------------------------------

TICK_STEPS: tuple[tuple[str, int], ...] = (
    ("minute", 1), ("minute", 5), ("minute", 15), ("minute", 30),
    ("hour", 1), ("hour", 3), ("hour", 6), ("hour", 12),
    ("day", 1), ("day", 2), ("week", 1), ("month", 1), ("month", 3), ("year", 1), ("year", 5),
)
STEP_SECONDS = {"minute": 60, "hour": HOUR, "day": DAY, "week": 7 * DAY, "month": 30.44 * DAY, "year": 365.25 * DAY}


def _day_label(moment: datetime, with_year: bool) -> str:
    return f"{moment.day} {moment:%b}" + (f" {moment.year}" if with_year else "")


def time_ticks(low: float, high: float, zone: ZoneInfo, width_px: float,
               label_px: float = 50.0) -> list[list[tuple[float, str]]]:
    """Axis ticks in local time: [major, minor] lists of (epoch seconds, label); DST-correct.

    The step is the finest that leaves about `label_px` per label; day boundaries are major.
    """
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low or width_px <= 0:
        return [[], []]
    wanted = max(width_px / label_px, 1.0)
    unit, size = TICK_STEPS[-1]
    for unit, size in TICK_STEPS:
        if (high - low) / (STEP_SECONDS[unit] * size) <= wanted:
            break
    first = datetime.fromtimestamp(low, UTC).astimezone(zone)
    last = datetime.fromtimestamp(high, UTC).astimezone(zone)
    major: list[tuple[float, str]] = []
    minor: list[tuple[float, str]] = []
    labelled_year = False

    def add(moment: datetime, is_major: bool, label: str) -> None:
        stamp = moment.timestamp()
        if low <= stamp <= high:
            (major if is_major else minor).append((stamp, label))

    if unit in ("minute", "hour"):
        step = size * (60 if unit == "minute" else 3600)
        day = first.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        while day <= last.replace(tzinfo=None):
            for offset in range(0, 86400, step):
                naive = day + timedelta(seconds=offset)
                moment = naive.replace(tzinfo=zone)
                if offset == 0:
                    add(moment, True, _day_label(moment, not labelled_year))
                    labelled_year = labelled_year or low <= moment.timestamp() <= high
                else:
                    add(moment, False, f"{naive:%H:%M}")
            day += timedelta(days=1)
        if not major and minor:
            # No midnight in view: the first tick carries the date, so the axis is never dateless.
            stamp, text = minor.pop(0)
            moment = datetime.fromtimestamp(stamp, UTC).astimezone(zone)
            major.append((stamp, f"{_day_label(moment, True)} {text}"))
    elif unit in ("day", "week"):
        day = first.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        while day <= last.replace(tzinfo=None):
            moment = day.replace(tzinfo=zone)
            keep = (unit == "day" and (size == 1 or day.toordinal() % size == 0)) or (
                unit == "week" and day.weekday() == 0)
            if keep:
                first_of_year = day.month == 1 and day.day == 1
                add(moment, day.day == 1, _day_label(moment, first_of_year or not labelled_year))
                labelled_year = labelled_year or low <= moment.timestamp() <= high
            day += timedelta(days=1)
    else:
        months = size if unit == "month" else 12 * size
        year, month = first.year, 1
        while True:
            moment = datetime(year, month, 1, tzinfo=zone)
            if moment > last:
                break
            index = year * 12 + month - 1
            if index % months == 0:
                add(moment, month == 1, f"{moment:%b %Y}" if unit == "month" else f"{moment.year}")
            month += 1
            if month > 12:
                year, month = year + 1, 1
    return [major, minor]


def density(data: TimelineData, mask: np.ndarray, low: float, high: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Events per bin over [low, high] (bin edges, counts): the overview strip's silhouette."""
    if not len(data) or high <= low or bins <= 0:
        return np.linspace(low, high, max(bins, 1) + 1), np.zeros(max(bins, 1))
    counts, edges = np.histogram(data.anchor[mask], bins=bins, range=(low, high))
    return edges, counts.astype(np.float64)


def fit_range(data: TimelineData, mask: np.ndarray | None = None, margin: float = 0.03,
              width_px: float = 0.0, label_room_px: float = 0.0) -> tuple[float, float]:
    """The case's span with a small margin, plus `label_room_px` at the right so the last events'
    labels fit; a lone instant gets a day around it; no events: the last week."""
    if not len(data) or (mask is not None and not mask.any()):
        span = data.span()
        if span is None:
            now = datetime.now(UTC).timestamp()
            return now - 7 * DAY, now + DAY
        low, high = span
    else:
        shown = slice(None) if mask is None else mask
        low, high = float(data.low[shown].min()), float(data.high[shown].max())
    width = max(high - low, DAY)
    middle = (low + high) / 2
    low, high = middle - width / 2 - width * margin, middle + width / 2 + width * margin
    if width_px > 2 * label_room_px > 0:
        high += (high - low) * label_room_px / (width_px - label_room_px)
    return low, high


def utc_text(seconds: float) -> str:
    return datetime.fromtimestamp(round(seconds), UTC).strftime(UTC_FORMAT)


def utc_seconds(text: str) -> float:
    return datetime.strptime(text, UTC_FORMAT).replace(tzinfo=UTC).timestamp()


def describe_span(low: float, high: float, zone: ZoneInfo) -> str:
    """'9 Aug 2020 00:00 - 15 Aug 2020 23:59' in local time."""
    a = datetime.fromtimestamp(low, UTC).astimezone(zone)
    b = datetime.fromtimestamp(high, UTC).astimezone(zone)
    return f"{a.day} {a:%b %Y %H:%M} \u2013 {b.day} {b:%b %Y %H:%M}"


@dataclass(frozen=True)
class EventSummary:
    """What a tooltip says about one event; plain text, the view escapes it."""

    title: str
    when: str
    precision: str
    actors: list[str]
    confidence: str
    confidence_meaning: str
    kind: str
    footnotes: list[str]
    sources: int


def event_summary(data: TimelineData, index: int) -> EventSummary | None:
    event_id = data.id_of(index)
    case = data.case
    if event_id is None or case is None:
        return None
    row = case.get("events", event_id)
    if row is None:
        return None
    when = describe_when(row["start"], data.zone, precision=row["time_precision"], end=row["end"],
                         earliest=row["earliest"], latest=row["latest"], note=row["time_note"])
    actors = [name + (f" ({role})" if role else "") for name, role in case.conn.execute(
        "SELECT a.name, ea.role FROM event_actors ea JOIN actors a ON a.id = ea.actor_id "
        "WHERE ea.event_id = ? ORDER BY a.name", (event_id,))]
    labels = sorted({f for (f,) in case.conn.execute(
        "SELECT DISTINCT footnote FROM citations WHERE event_id = ? AND footnote <> ''", (event_id,))},
        key=lambda f: (not f.isdigit(), int(f) if f.isdigit() else 0, f))
    (sources,) = case.conn.execute("SELECT count(DISTINCT source_id) FROM citations WHERE event_id = ?",
                                   (event_id,)).fetchone()
    return EventSummary(row["title"], when, TIME_PRECISIONS.get(row["time_precision"], row["time_precision"]),
                        actors, row["confidence"], CONFIDENCE_LEVELS.get(row["confidence"], ""), row["kind"],
                        labels, sources)


def proposed_event(layout: LaneLayout | None, x: float, y: float) -> tuple[dict[str, object], list[str]]:
    """A new event for a double-click on empty timeline space: (event values, actor ids to link).

    The time is the clicked moment rounded to the hour (precision 'hour': the analyst refines
    it in the inspector); in an actor lane the event gets that actor, in a kind lane that kind.
    """
    start = utc_text(round(x / 3600) * 3600)
    values: dict[str, object] = {"title": "New event", "start": start, "time_precision": "hour",
                                 "confidence": "reported"}
    actors: list[str] = []
    lane = layout.lane_of_row(y) if layout is not None else -1
    if layout is not None and lane >= 0 and layout.keys[lane]:
        if layout.mode == "actors":
            actors.append(layout.keys[lane])
        elif layout.mode == "kinds":
            values["kind"] = layout.keys[lane]
    return values, actors
