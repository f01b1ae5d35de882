"""Bulk inserts index their rows for search in one statement after the rows (issue 23): what they insert is
found, the insert trigger is back with its exact text, the schema still passes the open check, and a bulk
insert that fails part way, inside a transaction that goes on, leaves no row outside the index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.core.rules import InvalidRecord
from workbench.core.store import Case, check_case, create_case, open_case


def _trigger(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'events_ai'").fetchone()[0]
    finally:
        conn.close()


def _found(case: Case, word: str) -> int:
    """Rows the search index finds for a word (Case.search stops at a page of hits)."""
    return case.conn.execute("SELECT count(*) FROM events_fts WHERE events_fts MATCH ?", (word,)).fetchone()[0]


def _events(start: int, count: int, title: str = "convoy") -> list[dict[str, str]]:
    return [{"title": f"{title} {n}", "summary": f"summary {n} of the {title}", "start": "2020-08-15T10:00:00Z"}
            for n in range(start, start + count)]


def test_bulk_inserted_rows_are_found_and_the_trigger_is_back(tmp_path: Path) -> None:
    path = tmp_path / "bulk.case"
    create_case(path, "bulk").close()
    trigger = _trigger(path)
    with open_case(path) as case:
        case.insert("events", {"title": "a first event", "start": "2020-08-14T10:00:00Z"})
        assert case.bulk_insert("events", _events(0, 300)) == 300
        case.bulk_insert("events", _events(300, 5, title="checkpoint"))
        assert _found(case, "convoy") == 300
        assert _found(case, "checkpoint") == 5
        assert _found(case, "first") == 1  # indexed before: not indexed twice
        assert case.search_index_ok()
        # One at a time again after a bulk insert: the trigger indexes it.
        case.insert("events", {"title": "a later roadblock", "start": "2020-08-16T10:00:00Z"})
        assert _found(case, "roadblock") == 1
    assert _trigger(path) == trigger
    check_case(path)  # the schema is exactly ours


def test_a_bulk_insert_that_fails_part_way_leaves_no_row_unindexed(tmp_path: Path) -> None:
    path = tmp_path / "failed.case"
    create_case(path, "failed").close()
    # Row 51 repeats row 1's id: the rules (checked before any row is written) let it through, and the table's
    # unique id refuses it while the insert runs.
    rows = ([{**_events(0, 1)[0], "id": "twice"}] + _events(1, 49)
            + [{**_events(50, 1)[0], "id": "twice", "title": "again"}] + _events(51, 49))
    with open_case(path) as case:
        with case.transaction():
            with pytest.raises(sqlite3.IntegrityError):
                case.bulk_insert("events", rows)
            case.insert("events", {"title": "after the failure", "start": "2020-08-16T10:00:00Z"})
        kept = case.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        assert kept == 51  # the 50 rows before the refused one stay in this transaction, as before
        assert _found(case, "convoy") == 50 and _found(case, "failure") == 1
        assert case.search_index_ok()
    assert _trigger(path) == _trigger(tmp_path / "failed.case")
    check_case(path)


def test_a_rolled_back_bulk_insert_leaves_the_schema_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "rolled.case"
    create_case(path, "rolled").close()
    trigger = _trigger(path)
    with open_case(path) as case:
        with pytest.raises(ValueError):
            case.bulk_insert("events", _events(0, 10) + [{"title": "", "start": "2020-08-15T10:00:00Z"}])
        assert case.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        case.insert("events", {"title": "then one", "start": "2020-08-16T10:00:00Z"})
        assert _found(case, "then") == 1
    assert _trigger(path) == trigger
    check_case(path)


def test_a_bulk_insert_the_rules_refuse_writes_no_row(tmp_path: Path) -> None:
    path = tmp_path / "refused.case"
    create_case(path, "refused").close()
    rows = _events(0, 50) + [{"title": "", "start": "2020-08-15T10:00:00Z"}] + _events(50, 50)
    with open_case(path) as case:
        with case.transaction():
            with pytest.raises(InvalidRecord, match="an event needs a title"):
                case.bulk_insert("events", rows)  # every row is checked before the first is written
            assert case.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
