"""Analysis of Competing Hypotheses (issue 27): the data model, its rules and undo, its exports and merge,
and the scores checked against Heuer's worked example."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from travel import csv_bundle, json_round_trip, merged_into_new_case

from workbench.core import ach
from workbench.core.evidence import CitedSource
from workbench.core.ops import InvalidRecord, delete_records
from workbench.core.ops.hypotheses import add_evidence, add_hypothesis, add_question, rate, set_weights
from workbench.core.store import APPLICATION_ID, apply_migrations, open_case, schema_version

# --- Heuer's worked example -------------------------------------------------------------------------
# Richards J. Heuer, Jr., Psychology of Intelligence Analysis (CIA Center for the Study of Intelligence,
# 1999), chapter 8, Figure 15: "Question: Will Iraq Retaliate for US Bombing of Its Intelligence
# Headquarters?" (hypothetical evidence, as Heuer says). "+" is consistent, "-" inconsistent, "--" very
# inconsistent. Heuer's reading (step 4 and 5 of the chapter): E1, Saddam's public statement, is consistent
# with every hypothesis and so has no diagnostic value; H2 has no inconsistent evidence and is the most
# likely, then H3, then H1 (the US Army's TC 2-33.4, Figure 2-1, reuses the matrix and states the same order).
# The cells below were written down from the figure without a copy of the book at hand (the machine is offline):
# the order H2 < H3 < H1 and E1's lack of diagnostic value are the book's; check the single cells against it.
HEUER_HYPOTHESES = (
    ("H1", "Iraq will not retaliate."),
    ("H2", "It will sponsor some minor terrorist actions."),
    ("H3", "Iraq is planning a major terrorist attack, perhaps against one or more CIA installations."),
)
HEUER_EVIDENCE = (  # (row, label, H1, H2, H3)
    ("E1", "Saddam public statement of intent not to retaliate.", "C", "C", "C"),
    ("E2", "Absence of terrorist offensive during the 1991 Gulf War.", "C", "C", "I"),
    ("E3", "Assumption that Iraq would not want to provoke another US attack.", "C", "C", "I"),
    ("E4", "Increase in frequency/length of monitored Iraqi agent radio broadcasts.", "I", "C", "C"),
    ("E5", "Iraqi embassies instructed to take increased security precautions.", "I", "C", "C"),
    ("E6", "Assumption that failure to retaliate would be unacceptable loss of face for Saddam.", "II", "C", "C"),
)
# Counted by Heuer's rule: I counts 1, II counts 2, the rest 0.
HEUER_SCORES = {"H1": 4.0, "H2": 0.0, "H3": 2.0}


def heuer_matrix(relevance: str = "medium", credibility: str = "medium") -> ach.Matrix:
    rows = tuple(
        ach.MatrixRow(id=row, table="notes", item_id=row, label=label, credibility_override=credibility,
                      relevance=relevance, position=i, ratings=dict(zip(("H1", "H2", "H3"), cells, strict=True)))
        for i, (row, label, *cells) in enumerate(HEUER_EVIDENCE))
    return ach.Matrix("q", "Will Iraq retaliate for US bombing of its intelligence headquarters?",
                      HEUER_HYPOTHESES, rows)


def test_heuers_example_scores_as_the_book_counts_it() -> None:
    matrix = heuer_matrix()
    assert ach.scores(matrix) == HEUER_SCORES
    assert ach.ranking(ach.scores(matrix)) == ["H2", "H3", "H1"]
    # E1 is consistent with every hypothesis: no diagnostic value; the others are
    assert ach.diagnosticity(matrix.rows[0], matrix.hypothesis_ids) == 0
    assert [ach.diagnosticity(row, matrix.hypothesis_ids) for row in matrix.rows[1:]] == [2, 2, 2, 2, 3]
    assert [row.id for row in ach.by_diagnosticity(matrix)] == ["E6", "E2", "E3", "E4", "E5", "E1"]


def test_weights_scale_an_inconsistency_by_credibility_and_relevance() -> None:
    high, low = heuer_matrix("high", "high"), heuer_matrix("low", "low")
    assert ach.scores(high) == pytest.approx({h: 2 * v for h, v in HEUER_SCORES.items()})
    assert ach.scores(low) == pytest.approx({h: v / 2 for h, v in HEUER_SCORES.items()})
    assert ach.scores(high, weighted=False) == HEUER_SCORES


def cited(source: str, reliability: str, credibility: int) -> CitedSource:
    return CitedSource(f"c-{source}-{credibility}", source, "", source, "", "", reliability, credibility, "")


def test_credibility_is_read_from_the_best_grade() -> None:
    assert ach.credibility_from_grades([cited("a", "B", 2), cited("b", "E", 5)]) == "high"
    assert ach.credibility_from_grades([cited("a", "C", 3)]) == "medium"
    assert ach.credibility_from_grades([cited("a", "A", 5)]) == "low"  # improbable information
    assert ach.credibility_from_grades([cited("a", "F", 1)]) == "low"  # unjudged source
    assert ach.credibility_from_grades([]) == "low"


def test_if_a_source_falls_its_rows_leave_the_scores_and_the_lead_is_flagged() -> None:
    # H2 leads only because of one C3 report (row E2 is inconsistent with H1); a Telegram post graded F6
    # is all that supports H1.
    rows = (
        ach.MatrixRow("E1", "events", "e1", "Troops massing", (cited("reuters", "C", 3),),
                      ratings={"H1": "II", "H2": "C"}),
        ach.MatrixRow("E2", "events", "e2", "Telegram: no movement", (cited("telegram", "F", 6),),
                      ratings={"H1": "C", "H2": "I"}),
        ach.MatrixRow("E3", "notes", "n", "Assumption", (), ratings={"H1": "N", "H2": "N"}),
    )
    matrix = ach.Matrix("q", "Will they intervene?", (("H1", "No"), ("H2", "Yes")), rows)
    before = ach.scores(matrix)
    assert before == pytest.approx({"H1": 2.0, "H2": 1 / 2 ** 0.5})  # E2 is low credibility (F6)
    assert ach.if_sources_fall(matrix, ["reuters"]) == {"H1": (before["H1"], 0.0), "H2": (before["H2"], before["H2"])}
    standing = ach.standings(matrix)
    assert standing["H2"].lead_falls_with == ("reuters",)
    assert standing["H2"].one_source and not standing["H2"].low_grades
    assert standing["H1"].one_source and standing["H1"].low_grades
    assert "rests on low grades (E/F, 5/6)" in standing["H1"].flags
    assert ach.scores(matrix, ["reuters", "telegram"]) == {"H1": 0.0, "H2": 0.0}  # the assumption never falls


# --- the data model ----------------------------------------------------------------------------------

def build_question(case) -> dict[str, str]:
    question = add_question(case, "Will Russia intervene militarily in Belarus?").result
    ids = {"question": question}
    ids["no"] = add_hypothesis(case, question, "Russia will not intervene").result
    ids["yes"] = add_hypothesis(case, question, "Russia will intervene militarily").result
    ids["call"] = add_evidence(case, question, "events", "event-call").result
    ids["support"] = add_evidence(case, question, "relations", "relation-support").result
    ids["note"] = add_evidence(case, question, "notes", case.rows("notes")[0]["id"]).result
    rate(case, ids["call"], ids["no"], "C")
    rate(case, ids["call"], ids["yes"], "C", comment="a call says little")
    rate(case, ids["support"], ids["no"], "I")
    rate(case, ids["support"], ids["yes"], "CC")
    return ids


def test_questions_hypotheses_rows_and_cells_are_stored_scored_and_audited(small_case: Path) -> None:
    with open_case(small_case) as case:
        ids = build_question(case)
        assert add_evidence(case, ids["question"], "events", "event-call").result == ids["call"]  # weighed once
        matrix = ach.load_matrix(case, ids["question"])
        assert [row.label for row in matrix.rows] == ["Lukashenko calls Putin",
                                                      "Александр Лукашенко requests support from Kremlin",
                                                      "Check the BelTA timing."]
        call, support, note = matrix.rows
        assert call.grades == "C2" and call.single_sourced and call.credibility == "medium"
        assert note.grades == "C2"  # a note on the event rests on the event's citations
        assert support.grades == "B6" and support.credibility == "low"  # truth cannot be judged (6)
        assert call.comments[ids["yes"]] == "a call says little"
        assert ach.scores(matrix) == pytest.approx({ids["no"]: 1 / 2 ** 0.5, ids["yes"]: 0.0})
        set_weights(case, ids["support"], credibility="high", relevance="high")
        assert ach.scores(ach.load_matrix(case, ids["question"]))[ids["no"]] == pytest.approx(2.0)
        audited = {row[0] for row in case.conn.execute("SELECT DISTINCT table_name FROM audit")}
        assert {"questions", "hypotheses", "evidence_rows", "ratings"} <= audited
        # a cell cleared of rating and comment is gone
        rate(case, ids["call"], ids["no"], None)
        assert len(case.rows("ratings", where="evidence_id = ?", params=(ids["call"],))) == 1
        # deleting the event takes its row and cells with it
        delete_records(case, "events", ["event-call"])
        assert case.get("evidence_rows", ids["call"]) is None and case.get("evidence_rows", ids["note"]) is None
        assert all(r["evidence_id"] == ids["support"] for r in case.rows("ratings"))


def test_bad_values_are_refused_naming_the_field(small_case: Path) -> None:
    with open_case(small_case) as case:
        ids = build_question(case)
        with pytest.raises(InvalidRecord) as refused:
            rate(case, ids["call"], ids["no"], "maybe")
        assert "rating" in refused.value.problems
        with pytest.raises(InvalidRecord) as refused:
            add_question(case, "  ")
        assert "text" in refused.value.problems
        with pytest.raises(InvalidRecord) as refused:
            set_weights(case, ids["call"], relevance="vital")
        assert "relevance" in refused.value.problems
        other = add_question(case, "Is the Serbian brigade there for the exercise?").result
        alien = add_hypothesis(case, other, "For the exercise").result
        with pytest.raises(InvalidRecord):  # a cell joins a row and a hypothesis of one question
            rate(case, ids["call"], alien, "C")
        with pytest.raises(sqlite3.IntegrityError):  # and the schema itself holds an evidence row to one item
            case.conn.execute("INSERT INTO evidence_rows (id, question_id, created_at, updated_at) "
                              "VALUES ('x', ?, 'now', 'now')", (other,))


def test_undo_and_redo_of_a_whole_question(small_case: Path) -> None:
    with open_case(small_case) as case:
        before = {t: case.counts().get(t) for t in ("events",)}
        with case.recording() as journal:
            ids = build_question(case)
        assert len(case.rows("ratings")) == 4
        case.revert(journal)
        assert case.rows("questions") == [] and case.rows("ratings") == []
        case.replay(journal)
        assert len(case.rows("ratings")) == 4 and case.get("questions", ids["question"]) is not None
        with case.recording() as journal:
            delete_records(case, "questions", [ids["question"]])
        assert case.rows("hypotheses") == [] and case.rows("evidence_rows") == []
        case.revert(journal)
        assert len(case.rows("ratings")) == 4
        assert {t: case.counts().get(t) for t in ("events",)} == before


def test_the_matrix_travels_in_json_csv_and_merge(small_case: Path, tmp_path: Path) -> None:
    with open_case(small_case) as case:
        ids = build_question(case)
    document = json_round_trip(small_case, tmp_path)
    assert [q["text"] for q in document["questions"]] == ["Will Russia intervene militarily in Belarus?"]
    assert len(document["hypotheses"]) == 2 and len(document["evidence_rows"]) == 3 and len(document["ratings"]) == 4
    bundle = csv_bundle(small_case, tmp_path)
    assert "a call says little" in bundle["ratings.csv"]
    assert "ratings.csv (4 rows)" in bundle["README.txt"]
    theirs = tmp_path / "theirs.case"
    theirs.write_bytes(small_case.read_bytes())
    with open_case(theirs) as case:
        rate(case, ids["note"], ids["yes"], "N", comment="their view")
    with open_case(merged_into_new_case(theirs, tmp_path), read_only=True) as case:
        assert len(case.rows("ratings")) == 5
        assert ach.load_matrix(case, ids["question"]).rows[2].comments[ids["yes"]] == "their view"


def test_a_case_of_schema_5_opens_migrated_and_takes_a_question(tmp_path: Path) -> None:
    path = tmp_path / "old.case"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    apply_migrations(conn, upto=5)
    stamp = "2020-08-15T00:00:00.000000Z"
    conn.execute("INSERT INTO events (id, title, start, created_at, updated_at) VALUES "
                 "('e', 'Rally', '2020-08-16T12:00:00Z', ?, ?)", (stamp, stamp))
    conn.close()
    with open_case(path) as case:
        assert case.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() >= 6
        question = add_question(case, "Will it spread?").result
        add_evidence(case, question, "events", "e")
        assert ach.load_matrix(case, question).rows[0].label == "Rally"
