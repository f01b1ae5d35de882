"""Saved views and the storyboard they make: the view-state JSON, slide order, time-lapse steps, cited sources.

A saved view is a row of `views` (title, caption, position, state, thumbnail); `state` is the
JSON object written by the UI (workbench.ui.briefing) and read back here without Qt, for the
deck exporters and for the sample case's default storyboard. The state comes from a case file,
which is untrusted: every reader here checks types and falls back to "leave as it is".

State keys (all optional):
    time_window  {"start": UTC text | null, "end": UTC text | null}
    filter       CaseFilter fields (kinds as lists or null)
    selection    {"table": name, "ids": [...]}
    docks        {dock name: visible}
    timeline     lane mode and order, x range (epoch seconds), top row, tab
    graph        actor positions, zoom and centre, viewport size, colouring, sizing, highlighted ids
    notes        speaker notes (plain text)
    timelapse    {"start": UTC text, "end": UTC text, "step_ms": int}: the slide plays day by day
    callouts     [{"id", "kind": "text" | "arrow", "text", "table": "actors" | "events" | "", "target": id,
                 "point": [x, y]}]: notes drawn on the slide's charts, anchored to an actor (graph), an
                 event (timeline) or, with no table, a point of the graph's chart
    focus        {"actors": [...], "relations": [...], "mode": "hide" | "fade"}: the slide shows only its
                 story, the lanes of these actors and these actors with their ties (the named relations;
                 with none named, every tie between the actors), the rest hidden or faded
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from importlib import resources
from typing import Any

from workbench.core.confidence import CONFIDENCE_LEVELS, RELIABILITY
from workbench.core.filters import CaseFilter
from workbench.core.store import Case
from workbench.core.times import UTC_FORMAT, case_zone, local_to_utc, utc_to_local

STATE_VERSION = 1
STORYBOARD_RESOURCE = "storyboard.json"
TIMELAPSE_STEP_MS = 1200  # default pace: one day every 1.2 s
MIN_STEP_MS, MAX_STEP_MS = 200, 10_000
FOCUS_MODES = ("hide", "fade")  # what a slide's focus does with the rest: the first is the default
_UTC_TEXT = re.compile(r"\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\dZ")


@dataclass(frozen=True)
class Slide:
    """One saved view as a slide: what the exporters and the presentation need of a `views` row."""

    id: str
    title: str
    caption: str
    position: int
    state: dict[str, Any]
    thumbnail: bytes | None

    @property
    def notes(self) -> str:
        notes = self.state.get("notes")
        return notes if isinstance(notes, str) else ""


@dataclass(frozen=True)
class SlideSource:
    """A source cited on some slide, for the deck's last page."""

    id: str
    footnotes: str
    title: str
    publisher: str
    url: str
    reliability: str


# --- the state JSON --------------------------------------------------------------------------


def parse_state(text: str | bytes | None) -> dict[str, Any]:
    """The state of a saved view; {} for anything that is not a JSON object."""
    try:
        value = json.loads(text or "{}")
    except (ValueError, TypeError):
        return {}
    return value if isinstance(value, dict) else {}


def dump_state(state: dict[str, Any]) -> str:
    return json.dumps({"version": STATE_VERSION, **state}, ensure_ascii=False, sort_keys=True)


def utc_text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and _UTC_TEXT.fullmatch(value) else None


def filter_to_json(case_filter: CaseFilter) -> dict[str, Any]:
    def kinds(value: frozenset[str] | None) -> list[str] | None:
        return None if value is None else sorted(value)

    return {
        "actor_kinds": kinds(case_filter.actor_kinds), "event_kinds": kinds(case_filter.event_kinds),
        "confidence_floor": case_filter.confidence_floor, "reliability_floor": case_filter.reliability_floor,
        "text": case_filter.text,
    }


def filter_from_json(value: Any) -> CaseFilter:
    """A CaseFilter from saved JSON; unknown or malformed fields take their defaults."""
    if not isinstance(value, dict):
        return CaseFilter()
    default = CaseFilter()

    def kinds(raw: Any) -> frozenset[str] | None:
        if isinstance(raw, list) and all(isinstance(k, str) for k in raw):
            return frozenset(raw)
        return None

    confidence = value.get("confidence_floor")
    reliability = value.get("reliability_floor")
    text = value.get("text")
    return CaseFilter(
        actor_kinds=kinds(value.get("actor_kinds")),
        event_kinds=kinds(value.get("event_kinds")),
        confidence_floor=confidence if confidence in CONFIDENCE_LEVELS else default.confidence_floor,
        reliability_floor=reliability if reliability in RELIABILITY else default.reliability_floor,
        text=text if isinstance(text, str) else "",
    )


def time_window_of(state: dict[str, Any]) -> tuple[str | None, str | None] | None:
    """(start, end) of the saved time window, or None when the view saved none."""
    window = state.get("time_window")
    if not isinstance(window, dict):
        return None
    return utc_text_or_none(window.get("start")), utc_text_or_none(window.get("end"))


def selection_of(state: dict[str, Any]) -> tuple[str, list[str]] | None:
    chosen = state.get("selection")
    if not isinstance(chosen, dict):
        return None
    table, ids = chosen.get("table"), chosen.get("ids")
    if not isinstance(table, str) or not isinstance(ids, list):
        return None
    return table, [i for i in ids if isinstance(i, str)]


def timelapse_of(state: dict[str, Any]) -> tuple[str, str, int] | None:
    """(start, end, ms per day) of a time-lapse slide, or None."""
    lapse = state.get("timelapse")
    if not isinstance(lapse, dict):
        return None
    start, end = utc_text_or_none(lapse.get("start")), utc_text_or_none(lapse.get("end"))
    if start is None or end is None or end < start:
        return None
    step = lapse.get("step_ms", TIMELAPSE_STEP_MS)
    step = int(step) if isinstance(step, int | float) else TIMELAPSE_STEP_MS
    return start, end, min(max(step, MIN_STEP_MS), MAX_STEP_MS)


@dataclass(frozen=True)
class Focus:
    """A slide's story: the actors and ties it names, and whether the rest is hidden or faded."""

    actors: frozenset[str]
    relations: frozenset[str]
    mode: str = FOCUS_MODES[0]

    @property
    def fade(self) -> bool:
        return self.mode == "fade"


def focus_of(state: dict[str, Any]) -> Focus | None:
    """The focus a view saves, or None (the view shows everything); malformed parts are left out."""
    focus = state.get("focus")
    if not isinstance(focus, dict):
        return None
    actors, relations = focus.get("actors"), focus.get("relations")
    actors = frozenset(a for a in actors if isinstance(a, str)) if isinstance(actors, list) else frozenset()
    if not actors:
        return None
    relations = frozenset(r for r in relations if isinstance(r, str)) if isinstance(relations, list) else frozenset()
    mode = focus.get("mode")
    return Focus(actors, relations, mode if mode in FOCUS_MODES else FOCUS_MODES[0])


def focus_to_json(focus: Focus) -> dict[str, Any]:
    return {"actors": sorted(focus.actors), "relations": sorted(focus.relations), "mode": focus.mode}


def story_actors(case: Case, state: dict[str, Any]) -> frozenset[str]:
    """The actors a view names: those selected or highlighted, the actors of its selected events, the ends
    of its selected relations (what a focus keeps unless the analyst names others)."""
    named: set[str] = set()
    chosen = selection_of(state)
    if chosen:
        table, ids = chosen
        marks = json.dumps(ids)
        if table == "actors":
            named.update(ids)
        elif table == "events":
            named.update(a for (a,) in case.conn.execute(
                "SELECT actor_id FROM event_actors WHERE event_id IN (SELECT value FROM json_each(?))", (marks,)))
        elif table == "relations":
            for pair in case.conn.execute("SELECT from_actor_id, to_actor_id FROM relations "
                                          "WHERE id IN (SELECT value FROM json_each(?))", (marks,)):
                named.update(pair)
    graph = state.get("graph")
    highlight = graph.get("highlight") if isinstance(graph, dict) else None
    if isinstance(highlight, dict) and isinstance(highlight.get("actors"), list):
        named.update(a for a in highlight["actors"] if isinstance(a, str))
    known = {a for (a,) in case.conn.execute("SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?))",
                                             (json.dumps(sorted(named)),))}
    return frozenset(known)


CALLOUT_KINDS = ("text", "arrow")
CALLOUT_TABLES = ("actors", "events", "")
MAX_CALLOUT_TEXT = 200


@dataclass(frozen=True)
class Callout:
    """A note on a slide's chart: a text box, or an arrow with its text at the tail, pointing at an actor
    (on the graph), an event (on the timeline) or a point of the graph's chart (`table` empty)."""

    id: str
    kind: str
    text: str
    table: str = ""
    target: str = ""
    point: tuple[float, float] = (0.0, 0.0)


def callouts_of(state: dict[str, Any]) -> list[Callout]:
    """The callouts a view saves, in order; malformed ones are left out (the state is untrusted)."""
    found = []
    items = state.get("callouts")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        kind, text, table = item.get("kind"), item.get("text"), item.get("table", "")
        target, point, callout_id = item.get("target", ""), item.get("point", [0, 0]), item.get("id")
        if (kind not in CALLOUT_KINDS or not isinstance(text, str) or table not in CALLOUT_TABLES
                or not isinstance(target, str) or not isinstance(callout_id, str) or (table and not target)
                or not (isinstance(point, list) and len(point) == 2
                        and all(isinstance(v, int | float) and abs(v) <= 1e9 for v in point))):
            continue
        found.append(Callout(callout_id, kind, text[:MAX_CALLOUT_TEXT], table, target,
                             (float(point[0]), float(point[1]))))
    return found


def callout_to_json(callout: Callout) -> dict[str, Any]:
    return {"id": callout.id, "kind": callout.kind, "text": callout.text, "table": callout.table,
            "target": callout.target, "point": list(callout.point)}


def timelapse_windows(start: str, end: str, zone_name: str) -> list[tuple[str, str]]:
    """The windows a time-lapse steps through: from `start` to the end of each local day up to `end`."""
    zone = case_zone(zone_name)
    first, last = utc_to_local(start, zone).date(), utc_to_local(end, zone).date()
    windows = []
    day = first
    while day <= last and len(windows) < 3660:
        day_end = datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC).strftime(UTC_FORMAT)
        windows.append((start, min(day_end, end) if day == last else day_end))
        day += timedelta(days=1)
    return windows


# --- the storyboard ------------------------------------------------------------------------


def slides(case: Case) -> list[Slide]:
    """The case's saved views in storyboard order."""
    found = []
    for row in case.conn.execute(
        "SELECT id, title, caption, position, state, thumbnail FROM views ORDER BY position, created_at, id"
    ):
        view_id, title, caption, position, state, thumbnail = row
        found.append(Slide(
            id=str(view_id), title=str(title or ""), caption=str(caption or ""), position=int(position or 0),
            state=parse_state(state), thumbnail=bytes(thumbnail) if isinstance(thumbnail, bytes) else None,
        ))
    return found


def next_position(case: Case) -> int:
    (top,) = case.conn.execute("SELECT coalesce(max(position), -1) FROM views").fetchone()
    return int(top) + 1


def reorder(case: Case, ordered_ids: list[str], origin: object = None) -> None:
    """Number the views 0, 1, 2... in the given order (views not named keep their place after them)."""
    rest = [s.id for s in slides(case) if s.id not in ordered_ids]
    for position, view_id in enumerate([*ordered_ids, *rest]):
        row = case.get("views", view_id)
        if row is not None and row["position"] != position:
            case.update("views", view_id, {"position": position}, origin=origin)


def cited_sources(case: Case, slide_states: list[dict[str, Any]]) -> list[SlideSource]:
    """Every source cited by what the slides show: the events in each slide's time window, the
    relations dated in it, and the selected records; ordered by footnote, then title."""
    events: set[str] = set()
    relations: set[str] = set()
    actors: set[str] = set()
    sources: set[str] = set()
    span = case.date_range()
    for state in slide_states:
        window = time_window_of(state) or (None, None)
        low = window[0] or (span[0] if span else "0000")
        high = window[1] or (span[1] if span else "9999")
        events.update(i for (i,) in case.conn.execute(
            'SELECT id FROM events WHERE start <= ? AND coalesce("end", latest, start) >= ?', (high, low)))
        relations.update(i for (i,) in case.conn.execute(
            'SELECT id FROM relations WHERE start IS NOT NULL AND start <= ? AND coalesce("end", start) >= ?',
            (high, low)))
        chosen = selection_of(state)
        if chosen:
            table, ids = chosen
            {"events": events, "relations": relations, "actors": actors, "sources": sources}.get(
                table, set()).update(ids)
    for column, ids in (("event_id", events), ("relation_id", relations), ("actor_id", actors)):
        if ids:
            sources.update(i for (i,) in case.conn.execute(
                f"SELECT DISTINCT source_id FROM citations WHERE {column} IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(ids)),)))
    if not sources:
        return []
    found = []
    for source_id, title, publisher, url, reliability in case.conn.execute(
        "SELECT id, title, publisher, url, reliability FROM sources WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(sources)),),
    ):
        labels = {label for (label,) in case.conn.execute(
            "SELECT label FROM footnotes WHERE source_id = ? UNION "
            "SELECT footnote FROM citations WHERE source_id = ? AND footnote <> ''", (source_id, source_id))}
        ordered = sorted(labels, key=lambda label: (not label.isdigit(), int(label) if label.isdigit() else 0, label))
        found.append(SlideSource(source_id, ", ".join(ordered), title or "", publisher or "", url or "",
                                 reliability or "F"))

    def key(source: SlideSource) -> tuple:
        first = source.footnotes.split(",")[0].strip()
        return (not first, not first.isdigit(), int(first) if first.isdigit() else 0, first, source.title, source.url)

    return sorted(found, key=key)


# --- the sample case's default storyboard -------------------------------------------------------


def sample_storyboard_rows(case: Case, event_ids: dict[str, str], actor_ids: dict[str, str],
                           id_of: Any) -> list[dict[str, Any]]:
    """`views` rows of the sample's storyboard (resources/sample/storyboard.json), ids resolved by name.

    Days and times in the JSON are local to the case; `id_of(kind, key)` gives stable ids.
    """
    path = resources.files("workbench.resources").joinpath("sample", STORYBOARD_RESOURCE)
    data = json.loads(path.read_text(encoding="utf-8"))
    zone = case_zone(case.meta("timezone"))
    rows = []
    for position, view in enumerate(data["views"]):
        state: dict[str, Any] = {}
        window = view.get("window")
        if window:
            state["time_window"] = {"start": local_to_utc(window[0], zone), "end": local_to_utc(window[1], zone)}
        if "select_events" in view:
            state["selection"] = {"table": "events", "ids": [event_ids[t] for t in view["select_events"]]}
        elif "select_actors" in view:
            state["selection"] = {"table": "actors", "ids": [actor_ids[n] for n in view["select_actors"]]}
        if "highlight_actors" in view:
            state["graph"] = {"highlight": {"actors": [actor_ids[n] for n in view["highlight_actors"]],
                                            "relations": []}}
        if "focus" in view:
            state["focus"] = focus_to_json(Focus(frozenset(actor_ids[n] for n in view["focus"]), frozenset(),
                                                 view.get("focus_mode", FOCUS_MODES[0])))
        if "lanes" in view:
            state["timeline"] = {"lane_mode": view["lanes"]}
        if "notes" in view:
            state["notes"] = view["notes"]
        if "timelapse" in view:
            lapse = view["timelapse"]
            state["timelapse"] = {"start": local_to_utc(lapse[0], zone), "end": local_to_utc(lapse[1], zone),
                                  "step_ms": view.get("step_ms", TIMELAPSE_STEP_MS)}
        rows.append({"id": id_of("view", view["title"]), "title": view["title"], "caption": view.get("caption", ""),
                     "position": position, "state": dump_state(state)})
    return rows

