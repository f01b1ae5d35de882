"""Merging a colleague's case: by stable ids, conflicts listed and settled per record, the merge audited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.core.exporters.canonical import canonical_text
from workbench.core.merge import THEIRS, apply_merge, plan_merge, run_merge
from workbench.core.store import Case, open_case


def tables_of(case: Case) -> str:
    return canonical_text(case)


def test_merging_a_case_into_itself_changes_nothing(small_case: Path) -> None:
    before = small_case.read_bytes()
    summary = run_merge(small_case, small_case)
    assert summary.startswith("Nothing to merge")
    assert small_case.read_bytes() == before


def test_merging_an_identical_copy_changes_nothing(small_case: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy.case"
    shutil.copy(small_case, other)
    with open_case(small_case) as case:
        before = tables_of(case)
        audit = case.counts()["audit"]
        with open_case(other, read_only=True) as theirs:
            plan = plan_merge(case, theirs)
        assert plan.is_empty and plan.identical_count > 10
        apply_merge(case, plan)
        assert tables_of(case) == before and case.counts()["audit"] == audit


@pytest.fixture
def diverged(small_case: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of one case edited apart: each adds records, both change one event, one deletes a note."""
    theirs_path = tmp_path / "colleague.case"
    shutil.copy(small_case, theirs_path)
    with open_case(small_case, analyst="me") as mine:
        mine.insert("events", {"id": "event-mine", "title": "Only mine", "start": "2020-08-16T10:00:00Z"})
        mine.update("events", "event-call", {"title": "Lukashenko calls Putin (mine)"})
        note_id = mine.rows("notes")[0]["id"]
        mine.delete("notes", note_id)
    with open_case(theirs_path, analyst="colleague") as theirs:
        theirs.insert("events", {"id": "event-theirs", "title": "Only theirs", "start": "2020-08-17T10:00:00Z"})
        theirs.link("event_actors", {"event_id": "event-theirs", "actor_id": "actor-kremlin", "role": "host"})
        theirs.insert("actors", {"id": "actor-luka-2", "name": "alexander lukashenko", "kind": "person"})
        theirs.insert("relations", {"id": "relation-theirs", "from_actor_id": "actor-luka-2",
                                    "to_actor_id": "actor-omon", "kind": "commands"})
        theirs.update("events", "event-call", {"title": "Lukashenko calls Putin (theirs)", "summary": "by phone"})
        theirs.update("sources", "source-tass", {"reliability": "A"})
    return small_case, theirs_path


def test_merging_cases_edited_apart_keeps_every_record_and_lists_conflicts(diverged: tuple[Path, Path]) -> None:
    mine_path, theirs_path = diverged
    with open_case(mine_path, analyst="me") as mine, open_case(theirs_path, read_only=True) as theirs:
        plan = plan_merge(mine, theirs)
        theirs_ids = {t: {r.get("id") for r in theirs.rows(t)} for t in ("events", "actors", "relations")}
    assert {r["id"] for r in plan.added["events"]} == {"event-theirs"}
    assert {r["id"] for r in plan.added["actors"]} == {"actor-luka-2"}
    conflicts = {(c.table, c.key): c for c in plan.conflicts}
    assert set(conflicts) == {("events", "event-call"), ("sources", "source-tass"),
                              ("notes", next(iter(k for t, k in conflicts if t == "notes")))}
    call = conflicts[("events", "event-call")]
    assert call.fields == ("title", "summary") and call.newer == THEIRS
    assert call.mine["title"].endswith("(mine)") and call.theirs["title"].endswith("(theirs)")
    note = next(c for c in plan.conflicts if c.table == "notes")
    assert note.mine is None and "deleted here" in note.describe()
    assert [(d.mine_id, d.theirs_id) for d in plan.duplicates] == [("actor-luka", "actor-luka-2")]

    with open_case(mine_path, analyst="me") as mine:
        counts = apply_merge(mine, plan, take_theirs=[("events", "event-call")])
        assert counts == {"added": 4, "theirs": 1, "mine": 2, "merged_actors": 0, "skipped": 0}
        for table, ids in theirs_ids.items():  # every record of theirs ...
            assert ids <= {r["id"] for r in mine.rows(table)}
        assert mine.get("events", "event-mine") is not None  # ... and of mine
        assert mine.get("events", "event-call")["title"].endswith("(theirs)")
        assert mine.get("sources", "source-tass")["reliability"] == "B"  # mine kept
        assert mine.counts()["notes"] == 0  # still deleted: that conflict was settled "mine"
        assert mine.rows("event_actors", where="event_id = ?", params=("event-theirs",))[0]["role"] == "host"
        merge_row = mine.conn.execute(
            "SELECT who, summary FROM audit WHERE table_name = 'meta' AND record_id = 'merge'").fetchone()
        assert merge_row[0] == "me" and merge_row[1].startswith("merged colleague.case: 4 added")
        assert mine.search_index_ok()


def test_duplicate_actors_are_folded_into_ours_when_chosen(diverged: tuple[Path, Path]) -> None:
    mine_path, theirs_path = diverged
    with open_case(mine_path) as mine:
        with open_case(theirs_path, read_only=True) as theirs:
            plan = plan_merge(mine, theirs)
        counts = apply_merge(mine, plan, merge_duplicates=[("actor-luka", "actor-luka-2")])
        assert counts["merged_actors"] == 1
        assert mine.get("actors", "actor-luka-2") is None
        assert mine.get("relations", "relation-theirs")["from_actor_id"] == "actor-luka"
        assert "alexander lukashenko" in mine.get("actors", "actor-luka")["aliases"]


def test_restoring_a_record_deleted_here_brings_it_back(diverged: tuple[Path, Path]) -> None:
    mine_path, theirs_path = diverged
    with open_case(mine_path) as mine:
        with open_case(theirs_path, read_only=True) as theirs:
            plan = plan_merge(mine, theirs)
        note = next(c for c in plan.conflicts if c.table == "notes")
        apply_merge(mine, plan, take_theirs=[note.choice_key])
        assert mine.get("notes", note.key)["text"] == "Check the BelTA timing."


def test_merge_is_one_undoable_journal(diverged: tuple[Path, Path]) -> None:
    mine_path, theirs_path = diverged
    with open_case(mine_path) as mine:
        before = tables_of(mine)
        with open_case(theirs_path, read_only=True) as theirs:
            plan = plan_merge(mine, theirs)
        with mine.recording() as journal:
            apply_merge(mine, plan, take_theirs=[c.choice_key for c in plan.conflicts],
                        merge_duplicates=[(d.mine_id, d.theirs_id) for d in plan.duplicates])
        after = tables_of(mine)
        assert after != before
        mine.revert(list(journal))
        assert tables_of(mine) == before
        mine.replay(list(journal))
        assert tables_of(mine) == after


def test_cli_merge_lists_conflicts_and_keeps_ours(diverged: tuple[Path, Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    mine_path, theirs_path = diverged
    assert main(["merge", str(mine_path), str(theirs_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Merged colleague.case into small.case: 4 records added")
    assert "conflict: event “Lukashenko calls Putin (mine)”: title, summary differ (theirs is newer)" in out
    assert "duplicate? actor “alexander lukashenko”" in out
    with open_case(mine_path, read_only=True) as mine:
        assert mine.get("events", "event-call")["title"].endswith("(mine)")
    # merging again finds nothing new, and the conflicts stay listed
    assert main(["merge", str(mine_path), str(theirs_path)]) == 0
    assert "0 records added" in capsys.readouterr().out


def test_merge_refuses_a_file_that_is_not_a_case(small_case: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "bogus.case"
    bogus.write_bytes(b"not a database" * 100)
    before = small_case.read_bytes()
    assert main(["merge", str(small_case), str(bogus)]) == 2
    assert "Cannot open bogus.case" in capsys.readouterr().err
    assert small_case.read_bytes() == before
