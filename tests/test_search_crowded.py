"""A search box that answers within a keystroke at a million events (issue 23, item 7): a word found in more
records of a kind than `RANK_POOL` lists those added last, newest first, and says so; fewer are ranked as before.
Relations are found through their actors' names and their wording, never through a description."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.core.ops import add_record
from workbench.core.queries import search_case
from workbench.core.store import Case, create_case
from workbench.core.store.search import RANK_POOL, best_rowids, fts_query

CROWD = RANK_POOL + 30  # events with the word "convoy": more than a search ranks


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    path: Path = tmp_path_factory.mktemp("crowded") / "crowded.case"
    case = create_case(path, "crowded")
    # three words a few events have, one of them in a short title that bm25 ranks first though added first
    case.bulk_insert("events", [{"title": "checkpoint checkpoint", "start": "2020-08-15T10:00:00Z"}])
    case.bulk_insert("events", [
        {"title": f"convoy {n}", "summary": f"seen near checkpoint {n} with a long account of the road"
         if n % 700 == 0 else f"report {n}", "start": "2020-08-15T10:00:00Z"} for n in range(CROWD)])
    ivanov = add_record(case, "actors", {"name": "Ivan Ivanov", "kind": "person"}).result
    group = add_record(case, "actors", {"name": "Riverside chat", "kind": "organization",
                                        "description": "local convoy watchers"}).result
    for n in range(3):
        other = add_record(case, "actors", {"name": f"Courier {n}", "kind": "person"}).result
        add_record(case, "relations", {"from_actor_id": ivanov, "to_actor_id": other, "kind": "detained",
                                       "label": "detained"})
        add_record(case, "relations", {"from_actor_id": group, "to_actor_id": other, "kind": "supports",
                                       "label": "supports"})
    yield case
    case.close()


def test_a_crowded_word_lists_the_events_added_last_newest_first(case: Case) -> None:
    found = search_case(case, "convoy", limit=20)
    assert found.crowded == {"events"}
    titles = [hit.title_text for hit in found["events"]]
    assert titles == [f"convoy {n}" for n in range(CROWD - 1, CROWD - 21, -1)]
    hits = case.search("convoy", limit=7)
    assert [record_id for table, record_id, _snippet in hits if table == "events"] == [
        hit.record_id for hit in found["events"][:7]]
    assert all("[convoy]" in snippet for _table, _id, snippet in hits)


def test_a_word_in_few_records_is_ranked_not_listed_by_age(case: Case) -> None:
    found = search_case(case, "checkpoint")
    assert not found.crowded
    titles = [hit.title_text for hit in found["events"]]
    assert titles[0] == "checkpoint checkpoint"  # the oldest event, but the best match
    assert len(titles) == 1 + len(range(0, CROWD, 700))
    assert case.search("checkpoint")[0][2].startswith("[checkpoint] [checkpoint]")


def test_best_rowids_says_crowded_only_above_the_pool(case: Case) -> None:
    query = fts_query("convoy")
    rowids, crowded = best_rowids(case.conn, "events_fts", query, limit=5, pool=CROWD)
    assert not crowded and len(rowids) == 5
    rowids, crowded = best_rowids(case.conn, "events_fts", query, limit=5, pool=CROWD - 1)
    assert crowded and rowids == sorted(rowids, reverse=True)
    assert best_rowids(case.conn, "events_fts", fts_query("nowhere"), limit=5) == ([], False)


def test_relations_come_through_names_and_wording_not_descriptions(case: Case) -> None:
    # "convoy" is in the description of an actor with three relations: none of them names a convoy
    assert search_case(case, "convoy")["relations"] == []
    detained = [hit.title_text for hit in search_case(case, "detained")["relations"]]
    assert detained == [f"Ivan Ivanov detained Courier {n}" for n in range(3)]
    assert [hit.title_text for hit in search_case(case, "ivanov courier 1")["relations"]] == [
        "Ivan Ivanov detained Courier 1"]
    assert [hit.title_text for hit in search_case(case, "riverside supports")["relations"]] == [
        f"Riverside chat supports Courier {n}" for n in range(3)]


def test_the_search_panel_says_what_it_left_unranked(qtbot, case: Case) -> None:
    from workbench.ui.selection import SelectionModel
    from workbench.ui.sources.search import SearchPanel

    panel = SearchPanel(SelectionModel())
    qtbot.addWidget(panel)
    panel.set_case(case)
    panel.field.setText("convoy")
    panel.run()
    summary = panel.summary.text()
    assert f"More than {RANK_POOL:,} events match" in summary and "added last" in summary
    assert panel.results.topLevelItem(0).text(0) == "Events (50 added last)"
    panel.field.setText("checkpoint")
    panel.run()
    assert panel.summary.text() == f"{1 + len(range(0, CROWD, 700))} matches"
    assert panel.results.topLevelItem(0).text(0).startswith("Events (")
    assert "added last" not in panel.results.topLevelItem(0).text(0)
