"""Generated cases for the classes of issue 16's Build section that the other hardening suites cover by hand
examples: any planted schema object is refused, no write lands on a case or its sidecars however the path is
spelled, any text searches, any copied cell is inert. (Values in a received case: test_hardening_received_values;
parsers: test_hardening_input; undo: test_undo_property.) Each runs a few dozen examples, in seconds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from workbench.core.atomic import OverwritesCase, atomic_path
from workbench.core.cells import FORMULA_STARTS, is_number, safe_cell
from workbench.core.queries import search_case
from workbench.core.store import CaseRefused, check_case, expected_schema, open_case, schema_version
from workbench.core.store.search import MAX_TERMS, MAX_WORD, fts_query, search_words

QUICK = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Names a planted object may take: ours (tables, indexes, triggers, the search indexes' shadow tables), SQLite's
# reserved ones, and any other identifier.
OUR_NAMES = sorted({row[1] for row in expected_schema(schema_version())})
NAMES = st.sampled_from([*OUR_NAMES, "sqlite_stat1", "sqlite_stat4", "sqlite_stat9"]) | st.from_regex(
    r"\A[a-z_][a-z0-9_]{0,12}\Z")
TABLES = st.sampled_from(["events", "actors", "relations", "citations", "notes", "meta", "views", "tags"])


@st.composite
def planted_objects(draw: st.DrawFn) -> str:
    """One statement creating an object Case Workbench does not create."""
    kind = draw(st.sampled_from(["trigger", "index", "view", "table", "temp-free trigger"]))
    name, table = draw(NAMES), draw(TABLES)
    if kind in ("trigger", "temp-free trigger"):
        when = draw(st.sampled_from(["BEFORE", "AFTER"]))
        event = draw(st.sampled_from(["INSERT", "UPDATE", "DELETE"]))
        return f'CREATE TRIGGER "{name}" {when} {event} ON {table} BEGIN SELECT 1; END'
    if kind == "index":
        return f'CREATE INDEX "{name}" ON {table} (created_at)' if table != "meta" else \
            f'CREATE INDEX "{name}" ON meta (value)'
    if kind == "view":
        return f'CREATE VIEW "{name}" AS SELECT * FROM {table}'
    return f'CREATE TABLE "{name}" (x {draw(st.sampled_from(["", "TEXT", "INTEGER AS (1)"]))})'


@QUICK
@given(statement=planted_objects())
def test_any_planted_schema_object_is_refused(small_case: Path, tmp_path: Path, statement: str) -> None:
    import sqlite3

    path = tmp_path / "planted.case"
    shutil.copyfile(small_case, path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(statement)
    except sqlite3.Error:
        assume(False)  # the name is taken in its namespace: SQLite itself refuses it
    finally:
        conn.close()
    with pytest.raises(CaseRefused):
        check_case(path)


SIDECARS = ("", "-wal", "-shm", "-journal")


@QUICK
@given(sidecar=st.sampled_from(SIDECARS), spelling=st.sampled_from(["plain", "dotted", "link", "relative"]))
def test_no_spelling_of_an_open_case_or_its_sidecars_is_written(small_case: Path, tmp_path: Path, sidecar: str,
                                                               spelling: str) -> None:
    """Written through core.atomic (every export, copy and deck), by any path that names the file."""
    with open_case(small_case) as case:
        case.insert("notes", {"text": "keeps the WAL"})
        real = small_case.with_name(small_case.name + sidecar)
        if spelling == "dotted":
            target = small_case.parent / "." / ".." / small_case.parent.name / real.name
        elif spelling == "link":
            target = tmp_path / f"link{sidecar}-{os.getpid()}"
            if target.is_symlink() or target.exists():
                target.unlink()
            target.symlink_to(real)
        elif spelling == "relative":
            target = Path(os.path.relpath(real, Path.cwd()))
        else:
            target = real
        before = real.read_bytes() if real.exists() else None
        with pytest.raises(OverwritesCase):
            with atomic_path(target) as partial:
                partial.write_bytes(b"deck")
        assert (real.read_bytes() if real.exists() else None) == before


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory, sample_path: Path):
    path = tmp_path_factory.mktemp("search") / "sample.case"
    shutil.copyfile(sample_path, path)
    with open_case(path, read_only=True) as case:
        yield case


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400) | st.lists(st.sampled_from(["омон", "Кремль", "*", '"', "NEAR", "AND", "(", ")",
                                                                "^", "-", ":", "Lukashenko", "x" * 200]),
                                                max_size=60).map(" ".join))
def test_any_text_searches(searched, text: str) -> None:
    words = search_words(text)
    assert len(words) <= MAX_TERMS and all(len(word) <= MAX_WORD for word in words)
    found = search_case(searched, text)
    assert set(found) >= {"events", "actors", "sources"}
    searched.search(text)
    assert fts_query(text).count(" AND ") <= MAX_TERMS


@settings(max_examples=300)
@given(text=st.text(max_size=40) | st.sampled_from(FORMULA_STARTS).flatmap(lambda start: st.text(max_size=20).map(
    lambda rest: start + rest)))
def test_any_copied_cell_is_inert(text: str) -> None:
    """What the copy to the clipboard and the CSV export write: no cell a spreadsheet would run."""
    cell = safe_cell(text)
    assert not (isinstance(cell, str) and cell.startswith(FORMULA_STARTS)) or is_number(cell)
    assert cell == text or cell.endswith(text)  # nothing but the neutralising mark is added
