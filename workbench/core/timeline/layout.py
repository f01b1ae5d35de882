"""The timeline's swimlanes in data units (rows, epoch seconds): lanes, sub-rows, hit tests, the span to show.

A lane is an actor, an event kind or the one lane of all events; each event is drawn once in
each of its lanes (an "item"), on a row. Pixels enter only as numbers the view passes in: the
hit test's tolerance and the room `fit_range` keeps for labels; drawing is `frame`'s business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from workbench.core.timeline.data import DAY, HOUR, TimelineData, utc_text

NO_ACTOR = "(no actor named)"
MAX_SUBROWS = 4
PACKING_LIMIT = 20_000
GROUP_LANES_FROM = 200  # actor lanes; more are grouped under summary lanes (by kind) unless asked otherwise
LABELLED_PX = 8  # fit keeps room for the last titles only with at most one event per this many pixels of width
SUMMARY_ROWS = 2  # a summary lane is two rows tall: its density needs the height
GROUP_KEY = "group:"  # a summary lane's key: GROUP_KEY + the group's name


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
    # Summary lanes (actor lanes grouped by kind): lane -> which events its members take part in,
    # drawn as their density; a group's members follow its summary lane when it is expanded.
    summary: dict[int, np.ndarray] = field(default_factory=dict)
    expanded: frozenset[str] = frozenset()  # the groups shown with their members' lanes

    def is_summary(self, lane: int) -> bool:
        return lane in self.summary

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
                 actor_mask: np.ndarray | None = None, group_by: str = "none", group_from: int = GROUP_LANES_FROM,
                 expanded: frozenset[str] = frozenset(), group_names: list[str] | None = None) -> LaneLayout:
    """Lanes of the shown events: per actor (an event in each of its actors' lanes), per kind, or one.

    Lanes are sorted by first appearance, by name or by number of events (most first); empty
    lanes are left out. Within a lane, events whose windows overlap go to different sub-rows
    (up to MAX_SUBROWS), so two events of one evening do not hide each other.

    With `group_by` "kind" (or "community" or "attribute", with `group_names`: a group's name per actor,
    such as core.graph.groups.community_names or core.ops.attributes.attribute_groups gives) and at least
    `group_from` actor lanes, the lanes are grouped by their actor's kind (community, attribute value):
    each group is one summary lane (SUMMARY_ROWS tall, no events of its own, the density of its members'
    events to draw), followed by its members' lanes only if it is in `expanded` (by name). Groups come
    in the order of their first member.
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
    all_events, all_lanes = events, lanes
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
    summary_members: dict[int, list[int]] = {}  # final lane -> the keys it sums up
    lane_keys, lane_labels, lane_counts = [keys[k] for k in ranked], [labels[k] for k in ranked], counts[ranked]
    names = (data.actor_kinds if group_by == "kind" else
             group_names if group_by in ("community", "attribute") and group_names is not None
             and len(group_names) == len(data.actor_ids) else None)
    if mode == "actors" and names is not None and len(ranked) >= max(group_from, 1):
        ranked, lane_keys, lane_labels, lane_counts, summary_members = _group_lanes(
            data, ranked, keys, labels, counts, events, lanes, expanded, names, group_by != "community")
    position = np.full(n_keys, -1, dtype=np.int64)
    member_lanes = [(i, k) for i, k in enumerate(ranked) if k >= 0]
    position[[k for _i, k in member_lanes]] = [i for i, _k in member_lanes]
    item_lane = position[lanes] if len(lanes) else np.zeros(0, np.int64)
    if summary_members:  # the events of collapsed groups' members are drawn as their summary's density
        kept = item_lane >= 0
        events, lanes, item_lane = events[kept], lanes[kept], item_lane[kept]

    sub = _subrows(data, events, item_lane)
    n_lanes = len(ranked)
    rows = np.ones(n_lanes, dtype=np.int64)
    for lane in summary_members:
        rows[lane] = SUMMARY_ROWS
    if len(sub):
        np.maximum.at(rows, item_lane, sub + 1)
    top = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64) if n_lanes else np.zeros(0, np.int64)
    item_row = top[item_lane] + sub if len(sub) else np.zeros(0, np.int64)
    by_row = np.lexsort((data.low[events] if len(events) else events, item_row))
    events, item_lane, item_row = events[by_row], item_lane[by_row], item_row[by_row]

    connector_event, connector_top, connector_bottom = _connectors(events, item_row) if mode == "actors" else (
        np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    summary = {}
    for lane, members in summary_members.items():
        in_group = np.zeros(n_keys + 1, dtype=bool)
        in_group[members] = True
        chosen = np.zeros(n, dtype=bool)
        chosen[all_events[in_group[all_lanes]]] = True
        summary[lane] = chosen
    return LaneLayout(mode, lane_keys, lane_labels,
                      np.asarray(lane_counts, dtype=np.int64) if n_lanes else np.zeros(0, np.int64), top, rows,
                      int(rows.sum()), events, item_lane, item_row, connector_event, connector_top, connector_bottom,
                      summary, frozenset(expanded) if summary else frozenset())


def _group_lanes(data: TimelineData, ranked: list[int], keys: list[str], labels: list[str], counts: np.ndarray,
                 events: np.ndarray, lanes: np.ndarray, expanded: frozenset[str], names: list[str],
                 say_size: bool = True) -> tuple[list[int], list[str], list[str], list[int], dict[int, list[int]]]:
    """The lanes in `ranked` order grouped by their actor's group (`names`, by actor): a summary lane
    (-1 in the returned order) per group, then its members if expanded. The lane without an actor
    stays on its own, last. A summary lane's label says how many actors it holds, unless its name
    does (`say_size` False: a community's "Iran +1,013")."""
    kind_of = {i: (names[i] or "other") for i in range(len(data.actor_ids))}
    groups: dict[str, list[int]] = {}
    alone = []
    for k in ranked:
        if k >= len(data.actor_ids):
            alone.append(k)
        else:
            groups.setdefault(kind_of[k], []).append(k)
    order: list[int] = []
    lane_keys: list[str] = []
    lane_labels: list[str] = []
    lane_counts: list[int] = []
    summary: dict[int, list[int]] = {}
    for kind, members in groups.items():
        key_of_lane = np.zeros(len(keys) + 1, dtype=bool)
        key_of_lane[members] = True
        taking_part = np.zeros(len(data), dtype=bool)  # a mark per event, not a sort of the group's pairs
        taking_part[events[key_of_lane[lanes]]] = True
        n_events = int(np.count_nonzero(taking_part))
        open_ = kind in expanded
        summary[len(order)] = members
        order.append(-1)
        lane_keys.append(GROUP_KEY + kind)
        lane_labels.append(f"{'▾' if open_ else '▸'} {kind}" + (f": {len(members):,} actors" if say_size else ""))
        lane_counts.append(n_events)
        if open_:
            for k in members:
                order.append(k)
                lane_keys.append(keys[k])
                lane_labels.append(labels[k])
                lane_counts.append(int(counts[k]))
    for k in alone:
        order.append(k)
        lane_keys.append(keys[k])
        lane_labels.append(labels[k])
        lane_counts.append(int(counts[k]))
    return order, lane_keys, lane_labels, lane_counts, summary

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


# --- the span to show ---------------------------------------------------------------------

def density(data: TimelineData, mask: np.ndarray, low: float, high: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Events going on in each bin over [low, high] (bin edges, counts): the overview strip's
    silhouette. An instant counts once, in the bin of its anchor. An event that lasts counts by the
    part of it in each bin, or where it is longer than a bin (a range, a wide uncertain window), by
    the part of each bin it fills: a short event counts once in all, a range counts once in every bin
    it goes on through, drawn as the span it is, not as a spike at its middle. Nothing counts twice
    for straddling a bin's edge, so a year of whole days in bins of 1.02 or 0.67 days draws as even
    as it is, not as a comb of bins holding one day or two."""
    if not len(data) or high <= low or bins <= 0:
        return np.linspace(low, high, max(bins, 1) + 1), np.zeros(max(bins, 1))
    edges = np.linspace(low, high, bins + 1)
    width = (high - low) / bins
    chosen = np.flatnonzero(mask) if mask is not None and len(mask) else np.arange(len(data))
    start, stop = data.low[chosen], data.high[chosen]
    lasts = stop > start
    counts, _ = np.histogram(data.anchor[chosen[~lasts]], bins=bins, range=(low, high))
    counts = counts.astype(np.float64)
    if lasts.any():
        # Times from `low` keep the running sums small; rounding drops what float sums leave over.
        start, stop = start[lasts] - low, stop[lasts] - low
        weight = 1.0 / np.minimum(stop - start, width)
        counts += np.round(np.diff(_weighted_time_before(start, stop, weight, edges - low)), 6)
    return edges, counts


def _weighted_time_before(start: np.ndarray, stop: np.ndarray, weight: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For each time in `at`, the sum of weight × clip(t - start, 0, stop - start) over the events
    [start, stop): from the sorted ends and running sums, not a pass per event."""
    total = np.zeros(len(at))
    for ends, sign in ((start, 1.0), (stop, -1.0)):
        # The first time in `at` each end is at or before (`at` sorted, few): the events' sums per place in `at`, summed
        # along, are those of the ends at or before each time. No sort of the events (100k ends: twice the time).
        first = np.searchsorted(at, ends, side="left")
        summed_w = np.cumsum(np.bincount(first, weights=weight, minlength=len(at) + 1))[:len(at)]
        summed_wt = np.cumsum(np.bincount(first, weights=weight * ends, minlength=len(at) + 1))[:len(at)]
        total += sign * (summed_w * at - summed_wt)
    return total


class DensityCounter:
    """`density` of one set of events, for frame after frame over different spans: the events are sorted
    once, with running sums, so a frame costs its bins, not every event (a summary lane of 50,000 member
    events, counted each frame, was the grouped lanes' whole frame).

    The events longer than a bin count by the part of each bin they fill (1/width), not by their own part
    (1/length): their running sums are kept for the last bin width's set of them, so a pan (the same
    width) sorts nothing, and a zoom step picks them out of the sorted events without sorting again."""

    def __init__(self, data: TimelineData, mask: np.ndarray) -> None:
        chosen = np.flatnonzero(mask)
        low, high = data.low[chosen], data.high[chosen]
        lasts = high > low
        self.anchors = np.sort(data.anchor[chosen[~lasts]])
        start, stop = low[lasts], high[lasts]
        self.origin = float(start.min()) if len(start) else 0.0  # times from here keep the sums small
        start, stop = start - self.origin, stop - self.origin
        length = stop - start
        weight = 1.0 / length if len(length) else length
        longest = np.argsort(-length, kind="stable")
        self.lengths = length[longest]  # longest first: the events longer than a bin are the first ones
        rank = np.empty(len(length), dtype=np.int64)
        rank[longest] = np.arange(len(length))
        self.ends = []  # per end (start, stop): the ends sorted, running sums of 1/length and end/length
        self.sorted = []  # per end: the ends sorted, their events' 1/length and place in `lengths`
        for ends in (start, stop):
            order = np.argsort(ends, kind="stable")
            self.ends.append((ends[order], np.concatenate([[0.0], np.cumsum(weight[order])]),
                              np.concatenate([[0.0], np.cumsum((weight * ends)[order])])))
            self.sorted.append((ends[order], weight[order], rank[order]))
        self.long_count = -1  # how many events the kept running sums of the longer ones are of
        self.grid: tuple[float, int, int, np.ndarray] | None = None  # grid_counts' (width, first, last, counts)
        self.long_sums: list[tuple[np.ndarray, ...]] = []

    def _longer_sums(self, longer: int) -> list[tuple[np.ndarray, ...]]:
        """Per end, for the `longer` longest events: their ends sorted and running sums of 1, end, 1/length and
        end/length; kept until another bin width takes another number of them."""
        if longer != self.long_count:
            self.long_sums = []
            for ends, weight, rank in self.sorted:
                kept = rank < longer  # in end order already: no sort
                e, w = ends[kept], weight[kept]
                self.long_sums.append((e, *(np.concatenate([[0.0], np.cumsum(v)]) for v in (np.ones(len(e)), e,
                                                                                           w, w * e))))
            self.long_count = longer
        return self.long_sums

    def counts(self, low: float, high: float, bins: int) -> np.ndarray:
        """What `density(data, mask, low, high, bins)` counts, bin by bin."""
        if high <= low or bins <= 0:
            return np.zeros(max(bins, 1))
        return self._at_edges(np.linspace(low, high, bins + 1), (high - low) / bins, closed=True)

    def grid_counts(self, width: float, first: int, last: int) -> np.ndarray:
        """The counts of the bins [k * width, (k + 1) * width) of one grid of the time line, k from `first` to `last`
        (excluded), by `counts`' rule (each bin half-open). A bin's count depends on its own edges alone, so the grid's
        counts are kept: a pan (the same width) counts only the bins it brings into view."""
        kept = self.grid
        if kept is None or kept[0] != width or first > kept[2] or last < kept[1] or kept[2] - kept[1] > 8 * (
                last - first) + 64:
            kept = (width, first, first, np.zeros(0))  # another width, or far from the bins kept: counted afresh
        _width, low, high, counts = kept
        if first < low:
            counts = np.concatenate([self._at_edges(np.arange(first, low + 1) * width, width, closed=False), counts])
            low = first
        if last > high:
            counts = np.concatenate([counts, self._at_edges(np.arange(high, last + 1) * width, width, closed=False)])
            high = last
        self.grid = (width, low, high, counts)
        return counts[first - low:last - low]

    def _at_edges(self, edges: np.ndarray, width: float, closed: bool) -> np.ndarray:
        """Counts of the bins between `edges` (`width` apart); `closed`: the last bin holds its right edge too."""
        at = np.searchsorted(self.anchors, edges, side="left")
        if closed:
            at[-1] = np.searchsorted(self.anchors, edges[-1], side="right")  # the last bin closed, as np.histogram
        counts = np.diff(at).astype(np.float64)
        if not len(self.lengths):
            return counts
        times = edges - self.origin
        before = np.zeros(len(times))
        for (ends, summed_w, summed_wt), sign in zip(self.ends, (1.0, -1.0), strict=True):
            taken = np.searchsorted(ends, times, side="right")
            before += sign * (summed_w[taken] * times - summed_wt[taken])
        longer = int(np.searchsorted(-self.lengths, -width, side="left"))  # the events longer than a bin
        if longer:  # each adds (1/width - 1/length) x the time from its end to the edge, from its start less its stop
            for (ends, ones, summed_e, summed_w, summed_we), sign in zip(self._longer_sums(longer), (1.0, -1.0),
                                                                        strict=True):
                taken = np.searchsorted(ends, times, side="right")
                before += sign * ((ones[taken] * times - summed_e[taken]) / width
                                  - (summed_w[taken] * times - summed_we[taken]))
        return counts + np.round(np.diff(before), 6)


def framing_span(data: TimelineData, mask: np.ndarray | None = None) -> tuple[float, float] | None:
    """Where the events are: the span of the instants and short events, widened to reach every
    long one (a range longer than half of that span, or than a quarter of the whole) only as far
    as it takes to show a part of it. One 20-day range beside a week of instants no longer sets
    the frame: it is drawn running in from the edge. None when no event is chosen."""
    chosen = np.flatnonzero(mask) if mask is not None else np.arange(len(data))
    if not len(chosen):
        return None
    start, stop = data.low[chosen], data.high[chosen]
    whole = float(stop.max() - start.min())
    length = stop - start
    short = length <= max(whole / 4, 2 * DAY)
    if not short.any() or short.all():
        return float(start.min()), float(stop.max())
    low, high = float(start[short].min()), float(stop[short].max())
    reach = max((high - low) / 2, DAY)
    for a, b in zip(start[~short].tolist(), stop[~short].tolist(), strict=True):
        if b - a <= max(high - low, DAY) / 2:
            low, high = min(low, a), max(high, b)
        elif b < low + DAY:  # a long range ending before the others: show its last part
            low = min(low, b - reach / 2)
        elif a > high - DAY:  # starting after them: its first part
            high = max(high, a + reach / 2)
    return low, high


def fit_range(data: TimelineData, mask: np.ndarray | None = None, margin: float = 0.03,
              width_px: float = 0.0, label_room_px: float = 0.0, whole: bool = False) -> tuple[float, float]:
    """Where the events are (`framing_span`) with a small margin, plus `label_room_px` at the right so
    the last events' labels fit; a lone instant gets a day around it; no events: the last week.
    `whole`: every event's whole extent instead (the overview strip shows all of the case).

    The label room is kept only while the events are few enough for their titles to be drawn (one per
    LABELLED_PX pixels or fewer): a year of coded events, drawn as marks without titles, would only
    seem to run on months past its last day."""
    if whole and len(data):
        chosen = np.flatnonzero(mask) if mask is not None else np.arange(len(data))
        framed = (float(data.low[chosen].min()), float(data.high[chosen].max())) if len(chosen) else None
    else:
        framed = framing_span(data, mask) if len(data) else None
    if framed is None:
        span = data.span()
        if span is None:
            now = datetime.now(UTC).timestamp()
            return now - 7 * DAY, now + DAY
        framed = span
    low, high = framed
    width = max(high - low, DAY)
    middle = (low + high) / 2
    low, high = middle - width / 2 - width * margin, middle + width / 2 + width * margin
    shown = int(mask.sum()) if mask is not None else len(data)
    if width_px > 2 * label_room_px > 0 and shown * LABELLED_PX <= width_px:
        high += (high - low) * label_room_px / (width_px - label_room_px)
    return low, high


# --- a new event -------------------------------------------------------------------------

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
