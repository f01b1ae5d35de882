"""A case's events as arrays for the timeline: loading, honest time windows, the shared filter, tooltips.

Times are float seconds since the epoch (UTC) in numpy arrays, one entry per event in `seq`
order, so that 100k events load, filter and lay out in a few vectorised passes. Nothing here
knows about rows or pixels: `layout` places the events in lanes, `frame` draws them.

Honest time: an event has a *window* (where the sources allow it to be) and a *core* (the
span they assert). A precise instant is a marker; a stated range is a bar; when the window is
wider than the core (time known to the hour, the day, or only within earliest/latest bounds)
the window is drawn as a faded bar and no precise point is claimed, except as a stand-in
marker when the window is too narrow on screen to be seen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from workbench.core.confidence import CONFIDENCE_LEVELS, RELIABILITY, TIME_PRECISIONS
from workbench.core.filters import CaseFilter
from workbench.core.kept import worked_out
from workbench.core.model import aliases_of
from workbench.core.names import TextFilter, haystacks
from workbench.core.store import Case
from workbench.core.timeline import kept
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
CONFIDENCE_STYLE = np.array([{"possible": WEAK, "unverified": WEAK, "planned": PLANNED}.get(c, SOLID)
                             for c in CONFIDENCES], dtype=np.int8)


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
    haystack: tuple[list[str], list[str], list[str]] | None = None  # see `text_haystack`
    # (low, high, core_low, core_high, anchor, uncertain) as `event_geometry` gave them for these events (kept)
    geometry: InitVar[tuple[np.ndarray, ...] | None] = None

    def __post_init__(self, geometry: tuple[np.ndarray, ...] | None) -> None:
        (self.low, self.high, self.core_low, self.core_high, self.anchor,
         self.uncertain) = event_geometry(self) if geometry is None else geometry
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

    def forget_grades(self) -> None:
        """Citations or sources changed: `best_grade` is read again when next needed."""
        self._best_grade = None

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

    def title_of(self, index: int) -> str:
        """One event's title ("" for an index out of range)."""
        return self.titles_of([index])[0]

    def titles_of(self, indices: Sequence[int] | np.ndarray) -> list[str]:
        """The titles of the events at `indices` ("" for one out of range): from `titles` once they are loaded,
        else read in one query. Labels need a few hundred titles, a few thousand at most, and reading every title
        of a 100k case held up the first frame that showed labels for a third of a second."""
        chosen = np.asarray(indices, dtype=np.int64).ravel()
        inside = (chosen >= 0) & (chosen < len(self))
        if self._titles is not None or self.case is None:
            titles = self.titles
            return [titles[i] if ok else "" for i, ok in zip(chosen.tolist(), inside.tolist(), strict=True)]
        seqs = self.seq[chosen[inside]].tolist()
        by_seq = dict(self.case.conn.execute("SELECT seq, title FROM events WHERE seq IN (SELECT value FROM "
                                             "json_each(?))", (json.dumps(seqs),))) if seqs else {}
        found = iter(seqs)
        return [by_seq.get(next(found), "") if ok else "" for ok in inside.tolist()]

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

    def read_back(digest: str) -> TimelineData | None:
        found = kept.read(digest)
        if found is None:
            return None
        arrays, texts = found
        return TimelineData(case, zone, *(arrays[name] for name in ("seq", "start", "end", "has_end", "earliest",
                                                                    "latest", "precision", "confidence", "kind")),
                            texts["kinds"], arrays["pair_event"], arrays["pair_actor"], texts["actor_ids"],
                            texts["actor_names"], texts["actor_kinds"],
                            geometry=tuple(arrays[name] for name in kept.GEOMETRY))

    def keep(digest: str, data: TimelineData) -> None:
        kept.write(digest, {name: getattr(data, name) for name in kept.ARRAYS},
                   {name: getattr(data, name) for name in kept.TEXTS})

    # A case opened again unchanged: its arrays as kept under its bytes' digest (an encrypted case keeps none).
    return worked_out(kept.KIND, case, read_back, lambda: _read_timeline(case, zone), keep)


def read_ahead(case: Case) -> None:
    """Start the reads a first opening of the timeline waits for, on second connections (Case.read_ahead); nothing
    when its arrays are kept for these bytes (they are read back instead)."""
    if not kept.is_kept(case):
        case.read_ahead(read_pairs, read_events)


def read_events(case: Case) -> tuple[int, tuple | None, list[tuple], list[tuple]]:
    """The events' columns (one row of SQL lists, read in one scan), their kinds' seqs and the actors, as rows."""
    (count,) = case.conn.execute("SELECT count(*) FROM events").fetchone()
    if not count:
        return 0, None, [], []
    precision_code = " ".join(f"WHEN '{p}' THEN {i}" for i, p in enumerate(PRECISIONS))
    confidence_code = " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(CONFIDENCES))
    # One query, so every column comes from the same scan: row i is the same event in each. A plain scan of the
    # table, in its order (seq is its rowid), sorted below only as insurance: ordering it in a subquery made
    # SQLite copy every whole row first, and took twice the time.
    row = case.conn.execute(
        f"""
        SELECT group_concat(seq), group_concat(unixepoch(start)),
               group_concat(coalesce(unixepoch("end"), 'nan')),
               group_concat(coalesce(unixepoch(earliest), 'nan')),
               group_concat(coalesce(unixepoch(latest), 'nan')),
               group_concat(CASE time_precision {precision_code} ELSE 2 END),
               group_concat(CASE confidence {confidence_code} ELSE 1 END)
        FROM events
        """
    ).fetchone()
    kinds = case.conn.execute("SELECT kind, group_concat(seq) FROM events GROUP BY kind").fetchall()
    actors = case.conn.execute("SELECT seq, id, name, kind FROM actors ORDER BY seq").fetchall()
    return count, row, kinds, actors


def read_pairs(case: Case) -> tuple:
    """PAIRS_SQL's one row."""
    return case.conn.execute(PAIRS_SQL).fetchone()


def _read_timeline(case: Case, zone: ZoneInfo) -> TimelineData:
    # The event-actor pairs are read on a second connection meanwhile (unless an opening started both reads
    # ahead): SQLite releases the GIL, so on two cores the two scans overlap (100k events: 0.5 s -> 0.35 s).
    pairs_row = case.reading(read_pairs, beside=True)
    count, row, kind_seqs, actors = case.reading(read_events)()
    if not count:
        pairs_row()
        data = _empty(zone)
        data.case = case
        return data
    seq = _numbers(row[0], count).astype(np.int64)
    start = _numbers(row[1], count)
    end_raw = _numbers(row[2], count)
    earliest = _numbers(row[3], count)
    latest = _numbers(row[4], count)
    precision = _numbers(row[5], count).astype(np.int8)
    confidence = _numbers(row[6], count).astype(np.int8)
    order = np.argsort(seq, kind="stable")  # the table's order already; cheap insurance against another plan
    seq, start, end_raw, earliest, latest, precision, confidence = (
        a[order] for a in (seq, start, end_raw, earliest, latest, precision, confidence))
    has_end = ~np.isnan(end_raw)
    end = np.where(has_end, end_raw, start)

    kinds: list[str] = []
    kind = np.zeros(count, dtype=np.int32)
    for code, (name, seqs) in enumerate(kind_seqs):
        kinds.append(name)
        kind[np.searchsorted(seq, np.array(seqs.split(","), dtype=np.int64))] = code

    actor_seq = [actor[0] for actor in actors]
    actor_ids = [actor[1] for actor in actors]
    actor_names = [actor[2] for actor in actors]
    actor_kinds = [actor[3] for actor in actors]
    pair_event, pair_actor = _pairs(pairs_row(), seq, np.array(actor_seq, dtype=np.int64))
    return TimelineData(case, zone, seq, start, end, has_end, earliest, latest, precision, confidence, kind, kinds,
                        pair_event, pair_actor, actor_ids, actor_names, actor_kinds)


# The event_actors pairs as (count, event seqs, actor seqs). CROSS JOIN keeps SQLite scanning events and seeking
# their actors by primary key, which is twice as fast as the plan it picks itself (a seek into events for every link).
PAIRS_SQL = """
    SELECT count(*), group_concat(e.seq), group_concat(a.seq)
    FROM events e CROSS JOIN event_actors ea ON ea.event_id = e.id JOIN actors a ON a.id = ea.actor_id
"""


def _pairs(row: tuple, event_seq: np.ndarray, actor_seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(event index, actor index) of every event_actors row, from PAIRS_SQL's row."""
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
    words = TextFilter(case_filter.text)
    if words:
        titles, kinds, actors = text_haystack(data)
        for word in words.split():  # every word in the title, the kind or the name of one of its actors
            if mask.all():
                found = word.mask(titles)
            else:
                rows = np.flatnonzero(mask)
                found = np.zeros(n, dtype=bool)
                found[rows] = word.mask([titles[i] for i in rows.tolist()])
            found |= word.mask(kinds)[data.kind]
            actor_found = word.mask(actors)
            if len(data.pair_event) and actor_found.any():
                found[data.pair_event[actor_found[data.pair_actor]]] = True
            mask &= found
    return mask


def text_haystack(data: TimelineData) -> tuple[list[str], list[str], list[str]]:
    """What the text filter searches, as core.names haystacks (folded, and keyed so that 'Лукашенко'
    finds Lukashenko's events in any script): per event its title, per kind its name, per actor its
    name and aliases; worked out once per load."""
    if data.haystack is None:
        data.haystack = (haystacks(data.titles), haystacks(data.kinds), haystacks(actor_words(data)))
    return data.haystack


def actor_words(data: TimelineData) -> list[str]:
    """Each actor's name and aliases, in the order of `data.actor_ids`."""
    if data.case is None or data.case.closed:
        return list(data.actor_names)
    aliases = {actor_id: aliases_of(value) for actor_id, value in data.case.conn.execute(
        "SELECT id, aliases FROM actors")}
    return [" \u241f ".join([name, *aliases.get(actor_id, [])])
            for actor_id, name in zip(data.actor_ids, data.actor_names, strict=True)]


def allowed_actors(data: TimelineData, case_filter: CaseFilter) -> np.ndarray:
    kinds = case_filter.actor_kinds
    return np.array([kinds is None or k in kinds for k in data.actor_kinds], dtype=bool)


# --- text ---------------------------------------------------------------------------------

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
