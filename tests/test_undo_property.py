"""Undo is exact: any sequence of edits undone leaves the case as it was; redone, as it became."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from workbench.core.ops.attributes import set_attribute
from workbench.core.ops.citations import cite, edit_citation
from workbench.core.ops.places import add_place, link_place, place_values
from workbench.core.store import CaseError, open_case
from workbench.ui.commands import (
    Operation,
    delete_records,
    insert_record,
    link_records,
    push,
    set_meta,
    update_record,
)

SKIP_TABLES = {"audit", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of every data table, without the internal rowid `seq`, sorted."""
    tables = [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '%_fts%'")]
    result = {}
    for table in tables:
        if table in SKIP_TABLES:
            continue
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] != "seq"]
        names = ", ".join(f'"{c}"' for c in columns)
        result[table] = sorted(conn.execute(f"SELECT {names} FROM {table}").fetchall(), key=repr)
    return result


names = st.text(alphabet=st.sampled_from("abcXYZ Лукашенко-'\u00e9"), min_size=1, max_size=12).filter(str.strip)
days = st.integers(min_value=1, max_value=28)


def operation(data: st.DataObject, case) -> Operation:
    events = [r["id"] for r in case.rows("events")]
    actors = [r["id"] for r in case.rows("actors")]
    sources = [r["id"] for r in case.rows("sources")]
    relations = [r["id"] for r in case.rows("relations")]
    places = [r["id"] for r in case.rows("places")]
    attributes = [r["id"] for r in case.rows("actor_attributes")]
    citations = [r["id"] for r in case.rows("citations")]
    choices = ["add event", "add actor", "add source", "add place", "case property"]
    # issue 21: what an analyst enters by hand, each one operation
    if events or actors or relations:
        choices += ["cite from a new url"]
    if citations:
        choices += ["edit citation"]
    if events and places:
        choices += ["tie place", "delete place"]
    if actors:
        choices += ["set attribute"]
    if attributes:
        choices += ["remove attribute"]
    if events:
        choices += ["edit event", "delete event", "note on event"]
    if actors:
        choices += ["edit actor", "delete actor"]
    if events and actors:
        choices += ["link actor"]
    if len(actors) >= 2:
        choices += ["add relation"]
    if relations:
        choices += ["delete relation"]
    if sources and (events or relations):
        choices += ["cite"]
    if sources:
        choices += ["delete source"]
    if len(events) >= 2:
        choices += ["delete two events"]
    kind = data.draw(st.sampled_from(choices))
    pick = lambda items: data.draw(st.sampled_from(items))  # noqa: E731
    if kind == "cite from a new url":
        table = data.draw(st.sampled_from([t for t, ids in (("events", events), ("actors", actors),
                                                            ("relations", relations)) if ids]))
        target = pick({"events": events, "actors": actors, "relations": relations}[table])
        url, grade = f"https://example.org/{data.draw(names)}", data.draw(st.integers(1, 6))
        locator, reliability = data.draw(names), data.draw(st.sampled_from("ABCDEF"))
        accessed = f"2020-08-{data.draw(days):02d}"
        return Operation(case, "Cite", lambda c: cite(c, table, target, new_source={"url": url},
                                                      reliability=reliability, credibility=grade, locator=locator,
                                                      accessed=accessed))
    if kind == "edit citation":
        chosen, quote = pick(citations), data.draw(names)
        return Operation(case, "Edit citation", lambda c: edit_citation(c, chosen, quote=quote, reliability="B"))
    if kind == "add place":
        values = place_values(data.draw(names), [data.draw(names)], "city", data.draw(st.sampled_from(
            ["53.9", "52°05′52″N", ""])), "", "")
        values["lon"] = None if values["lat"] is None else 27.5
        event = pick(events) if events else None
        role = data.draw(st.sampled_from(["location", "origin", "target"]))
        return Operation(case, "Add place", lambda c: add_place(c, values, event_id=event, role=role))
    if kind == "tie place":
        event, place, role = pick(events), pick(places), data.draw(st.sampled_from(["location", "origin", "target"]))
        return Operation(case, "Tie place", lambda c: link_place(c, event, place, role))
    if kind == "delete place":
        return delete_records(case, "places", [pick(places)])
    if kind == "set attribute":
        actor, key = pick(actors), data.draw(names)
        value_type, value = data.draw(st.sampled_from([("number", "1 200"), ("date", "30.08.1954"),
                                                       ("coordinates", "53.9, 27.5"), ("text", "colonel")]))
        again = pick(attributes) if attributes and data.draw(st.booleans()) else None
        return Operation(case, "Attribute", lambda c: set_attribute(c, actor, key, value_type, value,
                                                                    attribute_id=again))
    if kind == "remove attribute":
        return delete_records(case, "actor_attributes", [pick(attributes)])
    if kind == "case property":
        key, value = data.draw(st.sampled_from([("timezone", "Europe/Berlin"), ("classification", "TLP:AMBER"),
                                                ("description", "Brest"), ("analyst", "A. N. Alyst")]))
        return set_meta(case, key, value)
    if kind == "add event":
        return insert_record(case, "events", {"title": data.draw(names),
                                             "start": f"2020-08-{data.draw(days):02d}T10:00:00Z"})
    if kind == "add actor":
        return insert_record(case, "actors", {"name": data.draw(names), "aliases": [data.draw(names)]})
    if kind == "add source":
        return insert_record(case, "sources", {"url": f"https://example.org/{data.draw(names)}",
                                              "reliability": data.draw(st.sampled_from("ABCDEF"))})
    if kind == "edit event":
        return update_record(case, "events", pick(events), {"title": data.draw(names),
                                                           "confidence": data.draw(st.sampled_from(
                                                               ["reported", "likely", "unverified"]))},
                            merge_key=data.draw(st.sampled_from([-1, 1])))
    if kind == "edit actor":
        return update_record(case, "actors", pick(actors), {"name": data.draw(names)})
    if kind == "delete event":
        return delete_records(case, "events", [pick(events)])
    if kind == "delete two events":
        first = pick(events)
        return delete_records(case, "events", [first, pick([e for e in events if e != first])])
    if kind == "delete actor":
        return delete_records(case, "actors", [pick(actors)])
    if kind == "delete relation":
        return delete_records(case, "relations", [pick(relations)])
    if kind == "delete source":
        return delete_records(case, "sources", [pick(sources)])
    if kind == "note on event":
        return insert_record(case, "notes", {"text": data.draw(names), "event_id": pick(events)})
    if kind == "link actor":
        return link_records(case, "event_actors", {"event_id": pick(events), "actor_id": pick(actors),
                                                  "role": data.draw(names)})
    if kind == "add relation":
        first = pick(actors)
        return insert_record(case, "relations", {"from_actor_id": first,
                                                "to_actor_id": pick([a for a in actors if a != first]),
                                                "kind": data.draw(names)})
    target = ("event_id", pick(events)) if events and (not relations or data.draw(st.booleans())) \
        else ("relation_id", pick(relations))
    source = pick(sources)
    return Operation(case, "Cite", lambda c: c.insert("citations", {
        "source_id": source, target[0]: target[1], "quote": data.draw(names),
        "credibility": data.draw(st.integers(1, 6))}))


@pytest.mark.usefixtures("qapp")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_undo_everything_restores_every_table_and_redo_replays_it(small_case: Path, tmp_path: Path,
                                                                  data: st.DataObject) -> None:
    path = tmp_path / f"undo-{data.draw(st.integers(0, 10**9))}.case"
    path.write_bytes(small_case.read_bytes())
    stack = QUndoStack()
    with open_case(path) as case:
        start = dump(case.conn)
        done = 0
        while done < 200:
            try:
                push(stack, operation(data, case))
            except (CaseError, ValueError, sqlite3.IntegrityError):
                continue  # refused input (e.g. a link that exists): nothing written, nothing stacked
            done += 1
        end = dump(case.conn)
        assert end != start
        while stack.canUndo():
            stack.undo()
        assert dump(case.conn) == start
        assert case.search_index_ok()
        while stack.canRedo():
            stack.redo()
        assert dump(case.conn) == end
        assert case.search_index_ok()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
