"""The case file: creating, writing, searching, and refusing files that are not sound case files."""

from __future__ import annotations

import hashlib
import sqlite3
import struct
from pathlib import Path

import pytest

from workbench.core import store as casefile
from workbench.core.rules import InvalidRecord
from workbench.core.store import (
    CaseError,
    CaseReadOnly,
    CaseRefused,
    Changes,
    check_case,
    create_case,
    open_case,
    schema_version,
)
from workbench.core.store import migrate as store_migrations


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "test.case"
    with create_case(path, "Test case", timezone="Europe/Minsk") as case:
        actor = case.insert("actors", {"name": "Лукашенко", "kind": "person", "aliases": ["Lukashenko"]})
        event = case.insert("events", {"title": "Meeting with the General Staff", "start": "2020-08-15T15:00:00Z"})
        case.link("event_actors", {"event_id": event, "actor_id": actor, "role": "speaker"})
    return path


def assert_refused(path: Path, *phrases: str) -> CaseRefused:
    before = digest(path) if path.is_file() else None
    siblings = sorted(p.name for p in path.parent.iterdir()) if path.parent.exists() else []
    with pytest.raises(CaseRefused) as refused:
        open_case(path)
    message = str(refused.value)
    assert message.startswith(f"Cannot open {path.name}: ") and message.endswith(".")
    assert message.count(". ") == 0, "one sentence"
    assert "Traceback" not in message
    for phrase in phrases:
        assert phrase in message
    if before is not None:
        assert digest(path) == before, "a refused file must be left byte-for-byte untouched"
    if path.parent.exists():
        assert sorted(p.name for p in path.parent.iterdir()) == siblings, "no -wal/-shm/journal left beside it"
    return refused.value


# --- bad input --------------------------------------------------------------------------


def test_missing_path_is_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path / "nowhere.case", "does not exist")


def test_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.case"
    folder.mkdir()
    assert_refused(folder, "folder")


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.case"
    path.write_bytes(b"")
    assert_refused(path, "empty")


def test_text_file_renamed_case_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.case"
    path.write_text("These are my notes, not a case file.\n" * 20)
    assert_refused(path, "not a case file")


def test_plain_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.case"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert_refused(path, "not a Case Workbench case file")


def test_truncated_case_is_refused(case_path: Path) -> None:
    data = case_path.read_bytes()
    page_size = struct.unpack(">H", data[16:18])[0]
    case_path.write_bytes(data[: len(data) * 6 // 10 // page_size * page_size])
    assert_refused(case_path, "truncated")


def test_case_cut_mid_page_is_refused(case_path: Path) -> None:
    data = case_path.read_bytes()
    case_path.write_bytes(data[: len(data) - 100])
    assert_refused(case_path, "truncated")


def test_flipped_bytes_are_refused(case_path: Path) -> None:
    data = bytearray(case_path.read_bytes())
    page_size = struct.unpack(">H", data[16:18])[0]
    for offset in range(page_size * 2 + 8, page_size * 2 + 200):
        data[offset] ^= 0xFF
    case_path.write_bytes(bytes(data))
    assert_refused(case_path)


def test_newer_schema_is_refused_unmodified(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.commit()
    conn.close()
    refused = assert_refused(case_path, "newer Case Workbench", f"schema {schema_version() + 1}")
    assert "newer version" in refused.reason


def test_foreign_trigger_is_refused_and_named(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM actors; END")
    conn.commit()
    conn.close()
    assert_refused(case_path, "trigger 'wipe'")


def test_view_replacing_a_table_is_refused(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE notes_fts")
    conn.execute(
        "CREATE VIEW notes_fts AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r"
    )
    conn.commit()
    conn.close()
    assert_refused(case_path, "notes_fts")


def test_altered_table_is_refused(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)
    conn.execute("ALTER TABLE events ADD COLUMN payload TEXT")
    conn.commit()
    conn.close()
    assert_refused(case_path, "table 'events' differs")


def test_dangling_reference_is_refused(case_path: Path) -> None:
    conn = sqlite3.connect(case_path)  # foreign keys are off by default on a plain connection
    conn.execute("INSERT INTO event_actors (event_id, actor_id) VALUES ('no-such-event', 'no-such-actor')")
    conn.commit()
    conn.close()
    assert_refused(case_path, "inconsistent")


def test_read_only_file_opens_read_only(case_path: Path) -> None:
    before = digest(case_path)
    case_path.chmod(0o444)
    try:
        with open_case(case_path) as case:
            assert case.read_only
            with pytest.raises(CaseReadOnly):
                case.insert("actors", {"name": "Someone"})
        assert digest(case_path) == before
    finally:
        case_path.chmod(0o644)


def test_read_only_request_refuses_writes_and_leaves_file_untouched(case_path: Path) -> None:
    before = digest(case_path)
    with open_case(case_path, read_only=True) as case:
        assert case.read_only
        assert [a.name for a in case.records("actors")] == ["Лукашенко"]
        with pytest.raises(CaseReadOnly):
            case.update("actors", case.records("actors")[0].id, {"name": "x"})
    assert digest(case_path) == before


def test_check_case_writes_nothing(case_path: Path) -> None:
    before = digest(case_path)
    assert check_case(case_path) == schema_version()
    assert digest(case_path) == before


# --- a sound case -----------------------------------------------------------------------


def test_create_sets_identity_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "new.case"
    with create_case(path, "Новое дело", classification="SECRET//REL", timezone="Europe/Minsk") as case:
        assert case.title == "Новое дело"
        assert case.classification == "SECRET//REL"
        assert case.meta("timezone") == "Europe/Minsk"
        assert len(case.meta("case_id")) == 36
    header = path.read_bytes()[:100]
    assert struct.unpack(">I", header[68:72])[0] == casefile.APPLICATION_ID
    assert struct.unpack(">I", header[60:64])[0] == schema_version()
    assert not path.with_name("new.case-wal").exists(), "closed case is one self-contained file"


def test_looking_at_a_case_leaves_the_file_byte_for_byte(case_path: Path) -> None:
    before = case_path.read_bytes()
    with open_case(case_path) as case:
        case.records("events")
        case.search("General Staff")
        case.counts()
    assert case_path.read_bytes() == before
    # nothing beside it (the test's own user folder, where the values check is remembered, aside)
    assert sorted(p.name for p in case_path.parent.iterdir() if p.name != "user") == [case_path.name]


def test_create_refuses_existing_file(case_path: Path) -> None:
    with pytest.raises(CaseError, match="already exists"):
        create_case(case_path, "again")


def test_reopen_keeps_data_and_settings(case_path: Path) -> None:
    with open_case(case_path) as case:
        assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        # on for a writer of a file whose schema was found exactly ours: the search triggers need it (issue 22)
        assert case.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 1
        with case.open_reader() as reader:
            assert reader.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert case.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # untouched until a write
        event = case.records("events")[0]
        case.set_meta("reviewed", "yes")
        assert case.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert event.title == "Meeting with the General Staff"
        assert case.rows("event_actors")[0]["role"] == "speaker"


def test_update_and_delete_are_audited_with_old_and_new_values(case_path: Path) -> None:
    with open_case(case_path, analyst="tester") as case:
        event_id = case.records("events")[0].id
        old = case.update("events", event_id, {"title": "Meeting at the General Staff"})
        assert old == {"title": "Meeting with the General Staff"}
        case.delete("events", event_id)
        rows = case.conn.execute(
            "SELECT action, who, old, new FROM audit WHERE record_id = ? ORDER BY id", (event_id,)
        ).fetchall()
    assert [r[0] for r in rows] == ["insert", "update", "delete"]
    assert rows[1][1] == "tester"
    assert '"Meeting with the General Staff"' in rows[1][2] and "Meeting at the General Staff" in rows[1][3]


def test_audit_is_append_only(case_path: Path) -> None:
    with open_case(case_path) as case:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            case.conn.execute("UPDATE audit SET who = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            case.conn.execute("DELETE FROM audit")


def test_delete_cascades_to_links_and_citations(case_path: Path) -> None:
    with open_case(case_path) as case:
        event_id = case.records("events")[0].id
        source = case.insert("sources", {"url": "https://example.org/a"})
        case.insert("citations", {"source_id": source, "event_id": event_id, "quote": "q"})
        case.delete("events", event_id)
        assert case.rows("event_actors") == []
        assert case.rows("citations") == []


def test_invalid_records_are_never_written(case_path: Path) -> None:
    with open_case(case_path) as case:
        before = case.counts()
        bad = [
            ("events", {"title": "", "start": "2020-08-15T00:00:00Z"}),
            ("events", {"title": "local time", "start": "2020-08-15 18:00"}),
            ("events", {"title": "ends first", "start": "2020-08-15T00:00:00Z", "end": "2020-08-14T00:00:00Z"}),
            ("events", {"title": "bad precision", "start": "2020-08-15T00:00:00Z", "time_precision": "week"}),
            ("sources", {"url": "x", "reliability": "G"}),
            ("actors", {"name": "a", "aliases": "not a list"}),
        ]
        actor = case.records("actors")[0].id
        bad.append(("relations", {"from_actor_id": actor, "to_actor_id": actor, "kind": "self"}))
        for table, values in bad:
            with pytest.raises(InvalidRecord):  # the rules every write path obeys, naming the field
                case.insert(table, values)
            with pytest.raises(sqlite3.IntegrityError):  # and the schema, should a path skip them
                case.insert(table, values, validate=False)
        assert case.counts() == before


def test_failed_transaction_rolls_back_everything(case_path: Path) -> None:
    with open_case(case_path) as case:
        before = case.counts()
        with pytest.raises(sqlite3.IntegrityError):
            with case.transaction():
                case.insert("actors", {"name": "Kept only if all succeed"})
                case.insert("events", {"title": "", "start": "2020-08-15T00:00:00Z"}, validate=False)
        assert case.counts() == before
        assert case.search("succeed") == []


def test_listeners_hear_one_changes_per_transaction_after_commit(case_path: Path) -> None:
    heard: list[Changes] = []
    with open_case(case_path) as case:
        case.subscribe(heard.append)
        victim = case.records("events")[0].id
        with case.transaction(origin="timeline") as scope:
            first = case.insert("actors", {"name": "A"})
            second = case.insert("actors", {"name": "B"})
            case.delete("events", victim)
            assert heard == [], "nothing is announced before COMMIT"
        assert len(heard) == 1, "one transaction, one notice"
        changes = heard[0]
        assert changes.written["actors"] == {first, second}
        assert changes.deleted["events"] == {victim}
        assert changes.origin == "timeline"
        assert scope.changes().tables == changes.tables
        assert case.last_changes == changes
        assert changes.touches({"events"}) and not changes.touches({"views"})


def test_search_follows_every_write(case_path: Path) -> None:
    with open_case(case_path) as case:
        event_id = case.records("events")[0].id
        assert [hit[:2] for hit in case.search("general staff")] == [("events", event_id)]
        assert case.search("лукаш")[0][0] == "actors", "Cyrillic prefix search"
        case.update("events", event_id, {"title": "Совещание в Генштабе"})
        assert case.search("general") == []
        assert case.search("генштаб")[0][1] == event_id
        case.delete("events", event_id)
        assert case.search("генштаб") == []
        assert case.search_index_ok()


def test_search_ignores_fts_syntax(case_path: Path) -> None:
    with open_case(case_path) as case:
        for text in ['"', "NEAR(", "a OR", "*", "title:x", ")(", ""]:
            case.search(text)  # must not raise


def test_bulk_insert_indexes_and_audits_once(case_path: Path) -> None:
    with open_case(case_path) as case:
        audit_before = case.counts()["audit"]
        rows = [{"title": f"bulk event {i}", "start": f"2020-08-{10 + i % 5:02d}T00:00:00Z"} for i in range(300)]
        assert case.bulk_insert("events", rows) == 300
        assert case.counts()["audit"] == audit_before + 1
        assert len(case.search("bulk", limit=1000)) == 300
        assert case.search_index_ok()


def test_check_detects_and_repairs_a_stale_search_index(case_path: Path) -> None:
    from workbench.cli import main

    conn = sqlite3.connect(case_path)  # an outside tool edits text: the index's triggers keep it in step
    conn.execute("UPDATE events SET title = 'Renamed elsewhere'")
    conn.commit()
    assert main(["check", str(case_path)]) == 0
    conn.execute("INSERT INTO events_fts (events_fts) VALUES ('delete-all')")  # a tool empties the index itself
    conn.commit()
    conn.close()
    assert main(["check", str(case_path)]) == 2
    assert main(["check", "--repair", str(case_path)]) == 0
    with open_case(case_path) as case:
        assert case.search("renamed")


def test_save_copy_is_a_checked_whole_case(case_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out" / "copy.case"
    copy.parent.mkdir()
    with open_case(case_path) as case:
        case.save_copy(copy)
        with pytest.raises(CaseError):
            case.save_copy(case_path)
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.case"]
    with open_case(copy) as duplicate:
        assert [a.name for a in duplicate.records("actors")] == ["Лукашенко"]


# --- migrations -------------------------------------------------------------------------


def test_migrations_are_numbered_and_reproduce_the_schema() -> None:
    versions = [m.version for m in casefile.migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert casefile.expected_schema(schema_version()) == casefile.expected_schema(schema_version())


def test_an_older_schema_is_upgraded_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = casefile.Migration(schema_version() + 1, "test_extra", "CREATE TABLE test_extra (x TEXT);\n")
    real = casefile.migrations()
    path = tmp_path / "old.case"
    create_case(path, "old").close()
    monkeypatch.setattr(store_migrations, "migrations", lambda: (*real, extra))
    casefile.expected_schema.cache_clear()
    try:
        with open_case(path) as case:
            assert case.conn.execute("PRAGMA user_version").fetchone()[0] == extra.version
            assert case.conn.execute("SELECT action FROM audit ORDER BY id DESC").fetchone()[0] == "migrate"
        assert check_case(path) == extra.version
    finally:
        casefile.expected_schema.cache_clear()


def test_column_names_cannot_carry_sql(case_path: Path) -> None:
    with open_case(case_path) as case:
        with pytest.raises(ValueError, match="not a column name"):
            case.insert("actors", {"name": "x", 'kind") VALUES (1); DROP TABLE actors; --': "y"})
        with pytest.raises(ValueError):
            case.update("actors", case.records("actors")[0].id, {'name" = name; --': "y"})
        assert case.counts()["actors"] >= 1
        assert "actors" in case.db.table_names()  # sqlite-utils view of the same connection, loaded on demand
