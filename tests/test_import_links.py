"""Links written so as not to link are restored (their written form kept in a note on the source), and
every common citation form is read: [N], <sup>N</sup>, ^N and superscript markers, endnotes under a
heading, after a rule or with neither; numbered list items and map links are not sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.core.importers import apply_plan
from workbench.core.importers.report import propose_report, restore_url, written_urls
from workbench.core.store import create_case

DAY = date(2022, 3, 5)


@pytest.fixture
def case(tmp_path: Path):
    work = create_case(tmp_path / "links.case", "Links", timezone="Europe/Kyiv")
    yield work
    work.close()


@pytest.mark.parametrize(("written", "url"), [
    ("https://www.rbc dot ua/rus/news/1.html", "https://www.rbc.ua/rus/news/1.html"),
    ("https://www.pravda dot com dot ua/news/2022/03/4/7328307/;", "https://www.pravda.com.ua/news/2022/03/4/7328307/"),
    ("hxxps://example[.]ru/a/b", "https://example.ru/a/b"),
    ("example[.]ru", "https://example.ru"),
    ("hxxp[:]//site(.)com/x.", "http://site.com/x"),
    ("https://ria[dot]ru/2022/", "https://ria.ru/2022/"),
    ("(https://tass.com/politics/1).", "https://tass.com/politics/1"),
    ("https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
])
def test_obfuscated_addresses_are_restored(written: str, url: str) -> None:
    assert [found for found, _ in written_urls(written)] == [url]


def test_a_cut_short_address_alone_is_not_a_source() -> None:
    assert written_urls("see https://www.pravda and more") == []
    assert restore_url("https://topwar dot ru/1.html") == "https://topwar.ru/1.html"


def test_prose_dots_are_left_alone() -> None:
    assert written_urls("Forces moved to the dot on the map. A polka dot dress.") == []


def sources(plan) -> dict[str, list[str]]:
    urls = {p.values["id"]: p.values["url"] for p in plan.group("source")}
    found: dict[str, list[str]] = {}
    for p in sorted(plan.group("footnote"), key=lambda p: (int(p.values["label"]), p.values["position"])):
        found.setdefault(p.values["label"], []).append(urls[p.values["source_id"]])
    return found


def test_linked_obfuscation_cut_links_and_notes_of_the_written_form(case) -> None:
    html = """<h1>Update</h1>
<p>Russian forces shelled Kharkiv on March 4.[1] Ukrainian forces struck a depot on March 5.[2]</p>
<p>Click <a href="https://example.org/maps/map.png">here to enlarge the map</a>.</p>
<p>[1] <a href="https://www.pravda">https://www.pravda</a> dot com dot ua/news/2022/03/4/7328307/;
<a href="https://example.org/long-article-name">https://example.org/long-arti...</a></p>
<p><a href="https://twitter.com/someone/status/1499842254990684163">https://twitter.com/someone/status/14998422...</a></p>
<p>[2] <a href="https://t.me/channel/15239">Telegram</a>, hxxps://rbc[.]ua/rus/news/1.html</p>"""
    plan = propose_report(case, html, "update.html", report_date=DAY)
    assert sources(plan) == {
        "1": ["https://www.pravda.com.ua/news/2022/03/4/7328307/", "https://example.org/long-article-name",
              "https://twitter.com/someone/status/1499842254990684163"],
        "2": ["https://t.me/channel/15239", "https://rbc.ua/rus/news/1.html"],
    }
    notes = sorted(p.values["text"] for p in plan.group("note"))
    assert any("“https://www.pravda dot com dot ua/news/2022/03/4/7328307/”" in n for n in notes)
    assert any("“hxxps://rbc[.]ua/rus/news/1.html”" in n for n in notes)
    assert not any("map.png" in p.values["url"] for p in plan.group("source"))
    apply_plan(case, plan)
    assert case.conn.execute("SELECT count(*) FROM notes WHERE source_id IS NOT NULL").fetchone()[0] == 2


@pytest.mark.parametrize("marker", ["[{n}]", "<sup>{n}</sup>", "^{n}", "{sup}"])
@pytest.mark.parametrize("notes", ["Sources", "Notes", "Endnotes", "References", "---", ""])
def test_every_marker_and_endnote_form(case, marker: str, notes: str) -> None:
    def mark(n: int) -> str:
        return marker.format(n=n, sup="¹²"[n - 1])

    heading = {"---": "\n---\n\n", "": "\n"}.get(notes, f"\n## {notes}\n\n")
    text = (f"# Update, 5 March 2022\n\nRussian troops shelled Kharkiv on March 4.{mark(1)} Ukrainian forces "
            f"struck a depot near Izium on March 5.{mark(2)}\n{heading}"
            f"{mark(1)} https://example.org/one\n\n{mark(2)} https://example.org/two\n")
    plan = propose_report(case, text, "update.md")
    assert sources(plan) == {"1": ["https://example.org/one"], "2": ["https://example.org/two"]}
    assert {p.values["footnote"] for p in plan.group("citation")} == {"1", "2"}


def test_a_numbered_list_item_is_not_a_footnote(case) -> None:
    text = ("# Update, 5 March 2022\n\nRussian forces are engaged in four efforts:\n\n1) Kyiv;\n\n2) Kharkiv;\n\n"
            "3) Mariupol;\n\n4) Belarus/Kyiv;\n\nRussian troops shelled Kharkiv on March 4.[1]\n\n"
            "[1] https://example.org/one\n")
    plan = propose_report(case, text, "update.md")
    assert sources(plan) == {"1": ["https://example.org/one"]}
    assert not any(p.values.get("title") for p in plan.group("source"))
