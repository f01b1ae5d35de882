"""rules.check_many (the bulk insert's check, screened a column at a time) gives check's answer, row by row, on
awkward values: every refused row is refused with the same reasons, and the screen never clears a bad row."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.core.rules import SCREEN_BATCH, InvalidRecord, check, check_many, screened

EVENT = {"id": "e1", "title": "Протест у Минску 🇧🇾", "summary": "", "kind": "protest", "start": "2020-08-15T18:00:00Z",
         "end": None, "time_precision": "minute", "time_note": "", "earliest": None, "latest": None,
         "confidence": "reported", "created_at": "2020-08-16T00:00:00.000000Z",
         "updated_at": "2020-08-16T00:00:00.000000Z"}
RELATION = {"id": "r1", "from_actor_id": "a1", "to_actor_id": "a2", "kind": "командует", "label": "", "directed": 1,
            "start": None, "end": None, "confidence": "likely", "created_at": "2020-08-16T00:00:00.000000Z",
            "updated_at": "2020-08-16T00:00:00.000000Z"}
CITATION = {"id": "c1", "source_id": "s1", "event_id": "e1", "relation_id": None, "actor_id": None,
            "document_id": None, "footnote": "", "quote": "«цитата»", "credibility": 3,
            "created_at": "2020-08-16T00:00:00.000000Z", "updated_at": "2020-08-16T00:00:00.000000Z"}

# (table, base row, changes): sound ones and refused ones, for the screen's every column and the edges of each rule.
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("events", EVENT, {}),
    ("events", EVENT, {"title": "x" * 300}),
    ("events", EVENT, {"title": "x" * 301}),
    ("events", EVENT, {"title": ""}),
    ("events", EVENT, {"title": None}),
    ("events", EVENT, {"title": 5}),
    ("events", EVENT, {"start": None}),
    ("events", EVENT, {"start": ""}),
    ("events", EVENT, {"start": "2020-02-30T00:00:00Z"}),
    ("events", EVENT, {"start": "2020-08-15T24:00:00Z"}),
    ("events", EVENT, {"start": "2020-08-15 18:00:00Z"}),
    ("events", EVENT, {"start": "٢٠٢٠-08-15T18:00:00Z"}),
    ("events", EVENT, {"start": "1899-12-31T23:59:59Z"}),
    ("events", EVENT, {"start": "1900-01-01T00:00:00Z"}),
    ("events", EVENT, {"start": "2100-12-31T23:59:59Z"}),
    ("events", EVENT, {"start": "2101-01-01T00:00:00Z"}),
    ("events", EVENT, {"start": 20200815}),
    ("events", EVENT, {"end": "2020-08-15T18:00:00Z"}),
    ("events", EVENT, {"end": "2020-08-15T17:59:59Z"}),
    ("events", EVENT, {"end": ""}),
    ("events", EVENT, {"end": ["2020-08-16T00:00:00Z"]}),
    ("events", EVENT, {"earliest": "2020-08-15T18:00:01Z"}),
    ("events", EVENT, {"earliest": "2020-08-14T00:00:00Z", "latest": "2020-08-16T00:00:00Z"}),
    ("events", EVENT, {"latest": "2020-08-15T17:00:00Z"}),
    ("events", EVENT, {"time_precision": "week"}),
    ("events", EVENT, {"time_precision": None}),
    ("events", EVENT, {"confidence": "sure"}),
    ("events", EVENT, {"confidence": ["reported"]}),
    ("events", EVENT, {"summary": "ж" * 1_000_001}),
    ("events", EVENT, {"summary": "ж" * 1_000_000}),
    ("relations", RELATION, {}),
    ("relations", RELATION, {"to_actor_id": "a1"}),
    ("relations", RELATION, {"from_actor_id": None}),
    ("relations", RELATION, {"to_actor_id": ""}),
    ("relations", RELATION, {"kind": ""}),
    ("relations", RELATION, {"kind": "к" * 201}),
    ("relations", RELATION, {"kind": 7}),
    ("relations", RELATION, {"start": "2020-08-10T00:00:00Z", "end": "2020-08-09T00:00:00Z"}),
    ("relations", RELATION, {"start": "2020-08-10T00:00:00Z", "end": "2020-08-10T00:00:00Z"}),
    ("relations", RELATION, {"end": "2020-13-01T00:00:00Z"}),
    ("relations", RELATION, {"confidence": None}),
    ("citations", CITATION, {}),
    ("citations", CITATION, {"credibility": 7}),
    ("citations", CITATION, {"credibility": None}),
    ("citations", CITATION, {"credibility": True}),
    ("citations", CITATION, {"source_id": None}),
    ("citations", CITATION, {"locator": "p" * 201}),
    ("citations", CITATION, {"locator": 0}),
    ("citations", CITATION, {"accessed": "2020-08-15"}),
    ("citations", CITATION, {"accessed": "2020-02-30"}),
    ("citations", CITATION, {"quote": "q" * 1_000_001}),
]


def outcome(run: Any) -> tuple[Any, ...]:
    """What a check did: passed, refused (with its reasons), or failed on a value (with the error's kind)."""
    try:
        run()
    except InvalidRecord as refused:
        return ("refused", refused.table, refused.problems)
    except (TypeError, ValueError) as failure:
        return ("failed", type(failure).__name__)
    return ("passed",)


def one_by_one(table: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        check(table, row)


@pytest.mark.parametrize(("table", "base", "changes"), CASES)
def test_check_many_answers_as_check_does(table: str, base: dict[str, Any], changes: dict[str, Any]) -> None:
    row = {**base, **changes}
    # The row among sound ones, so that a batch is screened whole and the first bad row is the one that answers.
    rows = [dict(base, id=f"ok-{n}") for n in range(3)] + [row] + [dict(base, id="ok-last")]
    expected = outcome(lambda: one_by_one(table, rows))
    assert outcome(lambda: check_many(table, rows)) == expected
    if expected != ("passed",):
        assert not screened(table, [row])  # the screen never clears a row that check refuses or cannot read


def test_sound_batches_are_cleared_by_the_screen() -> None:
    # Otherwise every batch would take the row-by-row path and the tests above would not try the screen at all.
    for table, base in (("events", EVENT), ("relations", RELATION), ("citations", CITATION)):
        assert screened(table, [dict(base, id=f"{n}") for n in range(10)])


def test_a_bad_row_in_a_later_batch_is_found() -> None:
    rows = [dict(EVENT, id=f"e{n}") for n in range(SCREEN_BATCH + 10)]
    rows[SCREEN_BATCH + 3] = dict(EVENT, id="late", end="2020-08-01T00:00:00Z")
    with pytest.raises(InvalidRecord) as refused:
        check_many("events", rows)
    assert refused.value.problems == {"end": "the end is before the start"}
