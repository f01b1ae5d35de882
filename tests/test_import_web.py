"""Saved web pages: the article, its title, authors and date out of the page's chrome (menus, footer, share
buttons never become actors, authors are the document's), places from the gazetteer linked to the events
that name them and never actors, one proposal per organisation, a truthful re-import review, and a 10 MB
page read with progress and Cancel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.importers import apply_plan, propose_file
from workbench.core.importers.proposals import describe_review
from workbench.core.importers.report import propose_report
from workbench.core.progress import Cancelled, Progress
from workbench.core.store import CaseError, create_case

ARTICLE = """<p><strong>Jane Roe, Pat Doe, and Alex Poe</strong></p>
<p><strong>February 25, 7:00 pm ET</strong></p>
<p>Russian forces attacked Hostomel airport on February 24.[1] The Russian MoD claimed on February 25 that its
airborne troops seized the airfield near Kyiv.[2] The Russian Ministry of Defense later denied losses.[3]
Ukrainian Air Force pilots struck a convoy near Ivankiv on February 25.[4] The Ukrainian air force said the
strike destroyed 20 vehicles.[5]</p>
<p>Russia’s 76th Guards Air Assault Division entered Kherson on February 25.[6]</p>
<hr>
<p>[1] <a href="https://www.pravda">https://www.pravda</a> dot com dot ua/news/2022/02/24/1/</p>
<p>[2] https://t.me/mod_russia/1</p>
<p>[3] https://t.me/mod_russia/2</p>
<p>[4] https://www.facebook.com/GeneralStaff.ua/posts/1</p>
<p>[5] https://www.facebook.com/GeneralStaff.ua/posts/2</p>
<p>[6] https://twitter.com/someone/status/1497000000000000000</p>"""
PAGE = f"""<!DOCTYPE html><html lang="en"><head><title>Invasion Update, February 25 | Example Institute</title>
<meta property="og:site_name" content="Example Institute">
<meta property="article:published_time" content="2022-02-25T19:00:00-05:00">
<script>window.tracker = "https://tracker.example/x";</script></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/research">Research Programs</a></li>
<li><a href="/about">About Us</a></li><li><a href="/donate">Support Our Work</a></li></ul></nav></header>
<main><h1>Invasion Update, February 25</h1>
<div class="submitted">Feb 25, 2022 - <a href="/users/press">Press Office</a></div>
<div class="field-body">{ARTICLE}</div>
<div class="sharethis-buttons"><a href="https://twitter.com/share">Share on Twitter</a></div></main>
<aside class="sidebar"><p>Listen to the Overwatch Podcast with Director Kimberly Smith.</p></aside>
<footer><p>1400 16th Street NW, Suite 515, Washington, DC 20036. Office hours 9am-5pm EET.</p>
<p>Copyright 2007-2023 Example Institute</p></footer></body></html>"""


@pytest.fixture
def case(tmp_path: Path):
    work = create_case(tmp_path / "web.case", "Web", timezone="Europe/Kyiv")
    yield work
    work.close()


def test_the_article_title_authors_and_date_come_out_of_the_page(case) -> None:
    plan = propose_report(case, PAGE, "update.html")
    document = plan.group("document")[0].values
    assert document["title"] == "Invasion Update, February 25"
    assert document["author"] == "Jane Roe, Pat Doe, and Alex Poe"
    assert document["published"] == "2022-02-25T19:00:00-05:00"
    assert "Home" not in document["text"] and "Suite 515" not in document["text"] and "<script" not in document["text"]
    names = " | ".join(p.values["name"] for p in plan.group("actor"))
    for chrome in ("Suite", "16th Street", "EET", "Press Office", "Research Programs", "Kimberly Smith", "Jane Roe",
                   "Pat Doe", "Home", "Twitter", "Example Institute", "Overwatch"):
        assert chrome not in names, chrome
    assert not any("tracker" in p.values["url"] or "share" in p.values["url"] for p in plan.group("source"))


def test_places_come_from_the_gazetteer_linked_to_their_events_and_are_never_actors(case) -> None:
    plan = propose_report(case, PAGE, "update.html")
    found = {p.values["name"]: p.values for p in plan.group("place")}
    assert {"Hostomel", "Kyiv", "Ivankiv", "Kherson"} <= set(found)
    assert 50 < found["Kyiv"]["lat"] < 51 and 30 < found["Kyiv"]["lon"] < 31 and found["Kyiv"]["country"] == "UA"
    actors = {p.values["name"] for p in plan.group("actor")}
    assert not actors & {"Hostomel", "Kyiv", "Ivankiv", "Kherson", "Russia"}
    events = {p.values["id"]: p.values["title"] for p in plan.group("event")}
    places = {p.values["id"]: p.values["name"] for p in plan.group("place")}
    links = {(events[p.values["event_id"]], places[p.values["place_id"]]) for p in plan.group("event_place")}
    assert any("Hostomel" in title and place == "Hostomel" for title, place in links)
    assert any("Kherson" in title and place == "Kherson" for title, place in links)
    assert not any("Hostomel" in title and place == "Kherson" for title, place in links)
    apply_plan(case, plan)
    assert case.conn.execute("SELECT count(*) FROM event_places").fetchone()[0] == len(links)


def test_one_proposal_per_entity_with_its_kind(case) -> None:
    plan = propose_report(case, PAGE, "update.html")
    actors = {p.values["name"]: p.values for p in plan.group("actor")}
    ministries = [n for n in actors if "MoD" in n or "Ministry" in n or "ministry" in n]
    assert len(ministries) == 1, ministries
    air_forces = [n for n in actors if "air force" in n.lower()]
    assert len(air_forces) == 1, air_forces
    assert actors["76th Guards Air Assault Division"]["kind"] == "military"
    assert actors[air_forces[0]]["kind"] == "military"


def test_proposals_match_the_case_actors_and_their_aliases(case) -> None:
    with case.transaction():
        case.insert("actors", {"id": "actor-mod", "name": "Ministry of Defence of the Russian Federation",
                               "kind": "government", "aliases": ["Russian MoD", "Russian Ministry of Defense"]})
    plan = propose_report(case, PAGE, "update.html")
    matched = [p for p in plan.group("actor") if p.values["id"] == "actor-mod"]
    assert len(matched) == 1 and matched[0].existing


def test_a_reimport_says_nothing_is_new(case) -> None:
    plan = propose_report(case, PAGE, "update.html")
    assert describe_review(plan).startswith("Will write:")
    apply_plan(case, plan)
    again = propose_report(case, PAGE, "update.html")
    total = sum(1 for p in again.proposals if p.kind in ("document", "source", "actor", "place", "event", "relation",
                                                           "citation"))
    assert describe_review(again) == f"Nothing new: the {total} proposals are already in the case."
    assert apply_plan(case, again) == {}


def test_a_ten_megabyte_page_reads_with_progress_and_cancel(case, tmp_path: Path) -> None:
    # as browsers save pages: the bulk is inline scripts, styles and images around the article
    bulk = ("<script>var state = " + '{"k": "' + "x" * 5_000_000 + '"};</script>'
            + "<style>" + ".c{color:red}" * 200_000 + "</style>"
            + '<img src="data:image/png;base64,' + "iVBORw0KGgo" * 300_000 + '">')
    prose = "<p>Russian forces shelled Kharkiv on February 24 and Ukrainian forces held their positions.</p>" * 300
    big = PAGE.replace("<hr>", prose + "<hr>").replace("</main>", "</main>" + bulk)
    assert len(big.encode()) > 10 * 1024 * 1024
    path = tmp_path / "big.html"
    path.write_text(big, encoding="utf-8")
    seen: list[float] = []
    plan = propose_file(case, path, progress=Progress(seen.append))
    assert seen and plan.report_date == date(2022, 2, 25) and len(plan.group("source")) == 6
    cancelling = Progress(lambda fraction: cancelling.cancel())
    with pytest.raises(Cancelled):
        propose_file(case, path, progress=cancelling)


PAGE_PIECES = st.sampled_from([
    "<!DOCTYPE html>", "<html>", "<head>", "</head>", "<body>", "</body>", "<title>T | S</title>", "<h1>Update</h1>",
    '<meta property="article:published_time" content="2022-02-30T25:00:00+99:00">',
    '<meta property="dc:date" content="2022-02-25">', '<time datetime="yesterday">', '<time datetime="2022-02-25">',
    '<script type="application/ld+json">{"datePublished": [1, {"author": null}]</script>',
    '<script type="application/ld+json">{"@graph": [{"datePublished": "2022-02-25", "author": [{"name": 3}]}]}'
    "</script>", "<nav><a href='/'>Home</a></nav>", "<footer>Suite 515</footer>", "<p>", "</p>", "<hr>", "<sup>1</sup>",
    "[1] https://www.rbc dot ua/a", "hxxps://x[.]ru/a", "Russian forces attacked Kyiv on February 24.", "\x00",
    "<?xml version='1.0' encoding='utf-8'?>", "<div class='sidebar'>", "</div>", "&amp;", "<![CDATA[x]]>", "<!-- c -->",
    "<ol>", "<ol start='99999999999'>", "<ol start='-3'>", "<ul>", "<li>", "</li>", "</ol>", "</ul>", "Sources:",
    "Russia agreed with Ukraine’s Defense Ministry.", "near St. Petersburg’s", "the Houthis’", "(32km southwest of",
])
PAGES = st.lists(st.one_of(PAGE_PIECES, st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=PAGES)
def test_saved_pages_raise_only_our_errors(case, text: str) -> None:
    try:
        plan = propose_report(case, "<html>" + text, "page.html")
    except CaseError:
        return
    assert plan.report_date is not None
