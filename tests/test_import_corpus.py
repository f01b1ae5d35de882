"""The report importer scored on saved pages of a think-tank's daily reports that it was not built from
(../shared/corpus/isw-2022/), against keys made by hand by reading them (tests/data/*.key.json): footnote
URLs, dated events and actors. The figures are those of `make bench` (tests/bench/bench_import_dev.py);
the asserts hold the levels reached, and the issue's goals. The three pages not keyed are checked for the
errors seen on them: two sides' forces merged, villages, weapons and states named as places proposed as actors."""

from __future__ import annotations

import re

import pytest

from tests.bench.bench_import_dev import CORPUS, keyed_pages, measure
from workbench.core.importers import propose_file
from workbench.core.importers.names import fold
from workbench.core.importers.report import side_of
from workbench.core.store import create_case

pytestmark = pytest.mark.skipif(len(keyed_pages()) < 3, reason="the development corpus is not beside this checkout")


@pytest.fixture(scope="module")
def figures() -> dict:
    found = measure(detail=True)
    print("\nreport importer on the development corpus:", {k: round(v, 3) for k, v in found.items() if k != "pages"})
    return found


def test_footnote_urls_are_found(figures: dict) -> None:
    assert figures["import_url_recall_dev"] >= 0.98  # reached 1.0 on 2026-12-01


def test_dated_events_are_found_and_are_right(figures: dict) -> None:
    assert figures["import_event_recall_dev"] >= 0.95  # reached 0.973 on 2026-12-01 (goal 0.9)
    assert figures["import_event_precision_dev"] >= 0.95  # reached 1.0 (goal 0.85)


def test_actors_are_found_and_are_right(figures: dict) -> None:
    # scored strictly since 2026-12-01 (a proposal that is two keyed actors counts for neither): main's
    # importer then scored 0.776 / 0.825; after keeping sides apart, 1.0 / 1.0 (goal 0.9 / 0.8)
    assert figures["import_actor_recall_dev"] >= 0.98
    assert figures["import_actor_precision_dev"] >= 0.98


def test_no_page_chrome_author_or_place_is_an_actor(figures: dict) -> None:
    for page, scored in figures["pages"].items():
        extra = " ".join(scored["extra_actors"])
        for chrome in ("Suite", "16th Street", "EET", "Press ISW", "Kagan", "Stepanenko", "Kherson", "Hostomel"):
            assert chrome not in extra, (page, chrome)


def test_no_proposal_is_two_keyed_actors(figures: dict) -> None:
    for page, scored in figures["pages"].items():
        assert not scored["merged_actors"], (page, scored["merged_actors"])


UNKEYED = ("isw-2022-08-24.html", "isw-2022-10-10.html", "isw-2022-12-20.html")


@pytest.fixture(scope="module")
def unkeyed_plans(tmp_path_factory: pytest.TempPathFactory) -> dict:
    plans = {}
    for name in UNKEYED:
        case = create_case(tmp_path_factory.mktemp("unkeyed") / "x.case", "Unkeyed", timezone="Europe/Kyiv")
        try:
            plans[name] = propose_file(case, CORPUS / name)
        finally:
            case.close()
    return plans


@pytest.mark.parametrize("name", UNKEYED)
def test_pages_not_keyed_keep_sides_apart_and_propose_no_villages_or_weapons(unkeyed_plans: dict, name: str) -> None:
    actors = unkeyed_plans[name].group("actor")
    for proposal in actors:
        names = [proposal.values["name"], *proposal.values["aliases"]]
        sides = {side_of(fold(n)) for n in names} - {""}
        assert len(sides) <= 1, names  # "Russian forces" never carries "Ukrainian forces"
    single_words = [p.values["name"] for p in actors if p.values["kind"] == "other" and " " not in p.values["name"]]
    assert not [w for w in single_words if re.search(r"(?:ivka|ske|yne|ove)$", w)], single_words
    everything = " | ".join(n for p in actors for n in [p.values["name"], *p.values["aliases"]])
    for wrong in ("MLRS", "People Republic", "Efforts", "Local ", "Denmark"):
        assert wrong not in everything, wrong
    kinds = {p.values["kind"] for p in actors}
    assert {"person", "military", "state"} <= kinds
