"""The search index as other tools see it: built exactly as sqlite-utils' enable_fts(create_triggers=True)
builds it, used by `sqlite-utils search` and Datasette's ?_search=, kept in step by its triggers when
another program edits the case; planted or altered triggers are still refused."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from workbench.core.store import CaseRefused, check_case, open_case
from workbench.core.store.migrate import apply_migrations, expected_schema, schema_version
from workbench.core.store.tables import APPLICATION_ID, FTS_COLUMNS

BIN = Path(sys.executable).parent
STAMP = "2020-08-15T00:00:00.000000Z"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (it comes with the test extra: pip install -e '.[test]')")
    return found


@pytest.fixture
def case_file(sample_path: Path, tmp_path: Path) -> Path:
    path = tmp_path / "belarus.case"
    shutil.copy(sample_path, path)
    return path


def test_the_index_is_what_sqlite_utils_builds() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(conn)  # every table (schema 5 added actor_attributes), then each index built anew
    db = sqlite_utils.Database(conn)
    for table, columns in FTS_COLUMNS.items():
        for trigger in ("ai", "ad", "au"):
            conn.execute(f'DROP TRIGGER IF EXISTS "{table}_{trigger}"')
        db[f"{table}_fts"].drop()
        db[table].enable_fts(list(columns), create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    built = {row for row in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema")
             if "_fts" in row[1] or row[0] == "trigger"}
    ours = {row for row in expected_schema(schema_version()) if "_fts" in row[1] or row[0] == "trigger"}
    assert built == ours
    assert {name for kind, name, *_ in ours if kind == "trigger"} >= {"events_ai", "events_ad", "events_au"}


def test_sqlite_utils_finds_and_searches_the_index(case_file: Path) -> None:
    db = sqlite_utils.Database(case_file)
    assert {table: db[table].detect_fts() for table in FTS_COLUMNS} == {t: f"{t}_fts" for t in FTS_COLUMNS}
    db.close()
    result = subprocess.run([tool("sqlite-utils"), "search", str(case_file), "events", "OMON", "-c", "title",
                             "--csv"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    titles = result.stdout.splitlines()[1:]
    assert titles and all("OMON" in title for title in titles)


def test_datasette_search_uses_the_index(case_file: Path) -> None:
    result = subprocess.run([tool("datasette"), str(case_file), "--get",
                             "/belarus/events.json?_search=OMON&_shape=array&_col=title"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all("OMON" in row["title"] for row in rows)
    everything = subprocess.run([tool("datasette"), str(case_file), "--get", "/belarus/events.json?_shape=array"],
                                capture_output=True, text=True, timeout=120, check=False)
    assert len(rows) < len(json.loads(everything.stdout))  # ?_search= filtered, it was not ignored


def test_outside_edits_keep_the_index_in_step(case_file: Path) -> None:
    conn = sqlite3.connect(case_file)  # the sqlite3 module, as a script would
    # A careful script lets the schema's own cascades run: the sample's evidence rows weigh some of its notes
    # (issue 27), and without this they would point at deleted notes, which the app refuses until repaired.
    conn.execute("PRAGMA foreign_keys = ON")
    renamed = {row[0] for row in conn.execute("SELECT id FROM events WHERE title LIKE '%OMON%'")}
    note_word = conn.execute("SELECT text FROM notes LIMIT 1").fetchone()[0].split()[0]
    conn.execute("UPDATE events SET title = 'Zubrowka checkpoint' WHERE title LIKE '%OMON%'")
    conn.execute("DELETE FROM notes")
    conn.commit()
    conn.close()
    subprocess.run([tool("sqlite-utils"), "insert", str(case_file), "actors", "-"], input=json.dumps(
        {"id": "outside-actor", "name": "Kvass Brigade", "created_at": STAMP, "updated_at": STAMP}),
        text=True, check=True, timeout=60)
    assert renamed
    with open_case(case_file) as case:
        assert case.search_index_ok()
        assert {record_id for table, record_id, _snippet in case.search("zubrowka")} == renamed
        assert not [hit for hit in case.search(note_word, limit=1000) if hit[0] == "notes"]
        assert ("actors", "outside-actor") in {hit[:2] for hit in case.search("Kvass")}
        case.update("events", sorted(renamed)[0], {"summary": "Edited in the app"})
        assert case.search_index_ok() and case.search("edited in the app")


def test_a_v3_case_gets_the_new_index_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.case"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    apply_migrations(conn, upto=3)
    for key, value in (("title", "Old"), ("classification", "UNCLASSIFIED"), ("timezone", "UTC")):
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    conn.execute("INSERT INTO events (id, title, start, created_at, updated_at) "
                 "VALUES ('e1', 'Old talks in Minsk', '2020-08-15T00:00:00Z', ?, ?)", (STAMP, STAMP))
    conn.execute("INSERT INTO events_fts (rowid, title, summary) SELECT seq, title, summary FROM events")
    conn.close()
    with open_case(path) as case:
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert case.search("talks") and case.search_index_ok()
        assert sqlite_utils.Database(case.conn)["events"].detect_fts() == "events_fts"


@pytest.mark.parametrize(("statements", "reason"), [
    (["CREATE TRIGGER events_ai2 AFTER INSERT ON events BEGIN DELETE FROM audit; END"],
     "holds a trigger 'events_ai2'"),
    (["DROP TRIGGER events_ai", "CREATE TRIGGER events_ai AFTER INSERT ON events BEGIN "
      "INSERT INTO \"events_fts\" (rowid, \"title\", \"summary\") VALUES (new.rowid, new.\"title\", 'x'); END"],
     "its trigger 'events_ai' differs"),
    (["DROP TRIGGER events_au"], "its trigger 'events_au' is missing"),
])
def test_planted_or_altered_triggers_are_refused(case_file: Path, statements: list[str], reason: str) -> None:
    conn = sqlite3.connect(case_file, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()
    with pytest.raises(CaseRefused, match=reason):
        check_case(case_file)


def test_a_trigger_planted_while_the_case_is_open_stops_the_next_write(case_file: Path) -> None:
    with open_case(case_file) as case:
        event_id = case.rows("events", order_by="id")[0]["id"]
        outside = sqlite3.connect(case_file, isolation_level=None)
        outside.execute("CREATE TRIGGER planted AFTER UPDATE ON events BEGIN DELETE FROM citations; END")
        outside.close()
        citations = case.counts()["citations"]
        with pytest.raises(CaseRefused, match="trigger 'planted'.*changed by another program"):
            case.update("events", event_id, {"title": "Renamed"})
        assert case.counts()["citations"] == citations
