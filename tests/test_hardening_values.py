"""Values that pass the schema's patterns but would brick a case are refused where they enter (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.core import ops
from workbench.core.rules import InvalidRecord, problems
from workbench.core.store import open_case


@pytest.mark.parametrize("stamp", ["2020-02-30T10:00:00Z", "2020-08-15T24:00:00Z", "0000-01-01T00:00:00Z",
                                   "9999-12-31T23:59:59Z", "2021-13-01T00:00:00Z"])
def test_impossible_or_out_of_range_times_are_refused(small_case: Path, stamp: str) -> None:
    assert "start" in problems("events", {"title": "t", "start": stamp})
    with open_case(small_case) as case:
        with pytest.raises(InvalidRecord) as refused:
            case.insert("events", {"title": "planted", "start": stamp})
        assert "start" in refused.value.problems
        with pytest.raises(InvalidRecord):
            case.bulk_insert("relations", [{"from_actor_id": "actor-luka", "to_actor_id": "actor-kremlin",
                                            "kind": "x", "start": stamp}])


def test_an_integer_where_a_time_belongs_is_refused() -> None:
    assert problems("events", {"title": "t", "start": 1597485600})["start"] == "a time is text"


def test_a_sources_impossible_publication_date_is_refused() -> None:
    assert "published" in problems("sources", {"url": "https://example.org", "published": "2020-02-30"})
    assert problems("sources", {"url": "https://example.org", "published": "2020-02-29"}) == {}


def test_json_nested_beyond_reason_is_refused(small_case: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert "aliases" in problems("actors", {"name": "a", "aliases": deep})
    assert "state" in problems("views", {"name": "v", "state": "{\"a\": " + deep + "}"})
    forty_deep = json.dumps({"a": json.loads("[" * 40 + "]" * 40)})
    assert "state" in problems("views", {"name": "v", "state": forty_deep})
    assert problems("views", {"name": "v", "state": json.dumps({"graph": {"zoom": 1.5, "ids": ["a", "b"]}})}) == {}
    with open_case(small_case) as case:
        with pytest.raises(InvalidRecord):
            ops.edit_record(case, "actors", "actor-luka", {"aliases": deep})
