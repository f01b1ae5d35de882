"""The synthetic case: the promised shape and ratios, the same rows from the same seed, a sound file."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from workbench import cli
from workbench.core.store import Case, check_case, open_case
from workbench.core.synthetic import generate_case

N = 2000
ROW_TABLES = ("places", "actors", "relations", "sources", "events", "event_actors", "event_places", "citations")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.case"
    generate_case(path, N).close()
    return path


@pytest.fixture
def case(built: Path) -> Iterator[Case]:
    with open_case(built, read_only=True) as opened:
        yield opened


def content(path: Path) -> dict[str, list[tuple]]:
    """Every row of every record and link table, in a stable order."""
    with open_case(path, read_only=True) as opened:
        return {
            table: sorted(tuple(row.values()) for row in opened.rows(table)) for table in ROW_TABLES
        }


def scalar(case: Case, sql: str) -> object:
    return case.conn.execute(sql).fetchone()[0]


def test_counts_follow_the_ratios(case: Case) -> None:
    counts = case.counts()
    assert counts["events"] == N
    assert counts["actors"] == N // 20
    assert counts["relations"] == N // 5
    assert counts["sources"] == N // 10
    assert 1 <= counts["places"] <= 40
    # one audit row per table written in bulk, not one per row
    assert counts["audit"] < 20


def test_every_event_has_one_to_three_citations_and_actors(case: Case) -> None:
    per_event = dict(case.conn.execute(
        "SELECT e.id, count(c.id) FROM events e LEFT JOIN citations c ON c.event_id = e.id GROUP BY e.id"
    ))
    assert set(per_event.values()) == {1, 2, 3}
    actors = dict(case.conn.execute(
        "SELECT e.id, count(a.actor_id) FROM events e LEFT JOIN event_actors a ON a.event_id = e.id GROUP BY e.id"
    ))
    assert set(actors.values()) == {1, 2, 3}
    credibility = {row[0] for row in case.conn.execute("SELECT DISTINCT credibility FROM citations")}
    assert credibility == {1, 2, 3, 4, 5, 6}
    assert scalar(case, "SELECT count(*) FROM citations WHERE quote = ''") == 0
    assert scalar(case, "SELECT count(*) FROM citations WHERE relation_id IS NOT NULL") > 0


def test_actors_are_mixed(case: Case) -> None:
    actors = case.rows("actors")
    kinds = Counter(a["kind"] for a in actors)
    assert set(kinds) == {"person", "state", "organization", "military", "security", "media", "group"}
    assert kinds.most_common(1)[0][0] == "person"
    names = [a["name"] for a in actors]
    assert len(set(names)) == len(names)
    assert any(re.search("[а-яА-ЯёЁ]", name) for name in names), "some Cyrillic names"
    assert any(len(name) > 80 for name in names), "some long names"
    assert sum(a["aliases"] != "[]" for a in actors) > len(actors) // 4


def test_relations_sources_and_times_are_varied(case: Case) -> None:
    relations = case.rows("relations")
    assert len({r["kind"] for r in relations}) >= 8
    assert {r["directed"] for r in relations} == {0, 1}
    assert {r["confidence"] for r in relations} >= {"confirmed", "reported", "likely", "possible", "unverified"}
    assert any(r["start"] for r in relations) and any(r["end"] for r in relations)

    sources = case.rows("sources")
    assert {s["reliability"] for s in sources} == set("ABCDEF")
    domains = {re.match(r"https://([^/]+)/", s["url"])[1] for s in sources}
    assert len(domains) >= 25

    events = case.rows("events")
    assert {e["time_precision"] for e in events} == {"minute", "hour", "day", "approximate"}
    assert {e["confidence"] for e in events} == {
        "confirmed", "reported", "likely", "possible", "unverified", "planned"
    }
    approximate = [e for e in events if e["time_precision"] == "approximate"]
    assert sum(bool(e["earliest"] and e["latest"]) for e in approximate) > len(approximate) // 2
    first, last = case.date_range()
    span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
    assert 600 <= span.days <= 800, "about two years"


def test_the_file_is_a_healthy_case(built: Path, case: Case) -> None:
    assert check_case(built) >= 1
    assert case.search_index_ok()
    assert cli.main(["check", str(built)]) == 0


def test_search_finds_synthetic_text(case: Case) -> None:
    assert any(table == "events" for table, _, _ in case.search("protest"))
    assert case.search("Минск") or case.search("Гомель")
    assert any(table == "sources" for table, _, _ in case.search("reuters"))


def test_same_seed_same_rows_other_seed_other_rows(tmp_path: Path, built: Path) -> None:
    again = tmp_path / "again.case"
    other = tmp_path / "other.case"
    generate_case(again, N).close()
    generate_case(other, N, seed=7).close()
    assert content(again) == content(built)
    differs = content(other)
    assert all(differs[table] != rows for table, rows in content(built).items() if rows)


def test_tiny_and_empty_cases(tmp_path: Path) -> None:
    with generate_case(tmp_path / "tiny.case", 3) as tiny:
        counts = tiny.counts()
        assert counts["events"] == 3 and counts["actors"] == 2 and counts["sources"] == 1
    with generate_case(tmp_path / "empty.case", 0) as empty:
        assert empty.counts()["events"] == 0
    check_case(tmp_path / "tiny.case")


def test_cli_generates_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.case"
    assert cli.main(["bench", "--generate", "500", "--out", str(out), "--seed", "3"]) == 0
    assert "500 events" in capsys.readouterr().out
    with open_case(out, read_only=True) as opened:
        assert opened.counts()["events"] == 500
        assert "seed=3" in opened.meta("generator")
    # an existing file is refused, not overwritten
    assert cli.main(["bench", "--generate", "10", "--out", str(out)]) == 2


# --- Case.bulk_insert as the generator drives it (its fast path passes complete rows through) ---


def test_bulk_insert_completes_rows_that_lack_ids_stamps_or_json(tmp_path: Path) -> None:
    with generate_case(tmp_path / "bulk.case", 0) as case:
        cache_size = case.conn.execute("PRAGMA cache_size").fetchone()[0]
        rows = [
            {"id": "actor-1", "name": "Complete", "aliases": "[]", "created_at": "2020-08-15T00:00:00.000000Z",
             "updated_at": "2020-08-15T00:00:00.000000Z"},
            {"id": "", "name": "No id", "aliases": ["Лукашенко"], "created_at": "", "updated_at": ""},
            {"id": "actor-3", "name": "List aliases", "aliases": ["A", "B"], "created_at": "2020-08-15T00:00:00Z",
             "updated_at": "2020-08-15T00:00:00Z"},
        ]
        assert case.bulk_insert("actors", rows) == 3
        stored = {row["name"]: row for row in case.rows("actors")}
        assert stored["Complete"]["id"] == "actor-1"
        assert stored["No id"]["id"] and stored["No id"]["created_at"].endswith("Z")
        assert stored["No id"]["aliases"] == '["Лукашенко"]'
        assert stored["List aliases"]["aliases"] == '["A", "B"]'
        assert {hit[1] for hit in case.search("Лукашенко")} == {stored["No id"]["id"]}
        assert case.conn.execute("PRAGMA cache_size").fetchone()[0] == cache_size, "page cache restored"
        with pytest.raises(ValueError, match="bad column name"):
            case.bulk_insert("actors", [{"name": "x", "kind) VALUES (1); --": "y"}])
        assert case.counts()["actors"] == 3
