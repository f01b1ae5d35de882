"""The report reader's core: Markdown/HTML -> plain-text runs, footnote markers and cited passages as spans."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.document import (
    LINE_BREAK,
    citation_values,
    document_view,
    documents,
    find_passage,
    openable_url,
    read_document,
)
from workbench.core.sample import build_sample_case, sample_resource
from workbench.core.store import open_case


@pytest.fixture(scope="module")
def report() -> str:
    return sample_resource("isw-belarus-2020-08-15.md").read_text(encoding="utf-8")


def test_every_footnote_marker_of_the_report_maps_to_a_span(report: str) -> None:
    reading = read_document(report, "markdown")
    raw_markers = report.count("<sup>")
    assert len(reading.footnotes) == raw_markers == 18  # nine in the text, nine in the list of notes
    for span in reading.footnotes:
        assert reading.text[span.start:span.end] == span.value
        assert reading.footnote_at(span.start) == span.value
    assert [s.value for s in reading.footnotes[:9]] == [str(n) for n in range(1, 10)]
    assert "<sup>" not in reading.text and "**" not in reading.text
    assert len(reading.links) == 17  # the report's 17 links, kept as data
    assert all(reading.text[s.start:s.end].startswith("https://") for s in reading.links)
    assert "A_Sannikov" in reading.text and "A\\_" not in reading.text


def test_blocks_headings_line_breaks_and_bold(report: str) -> None:
    reading = read_document(report, "markdown")
    heading = reading.blocks[0]
    assert heading.kind == "heading" and heading.text.startswith("Belarusian President Lukashenko Reaches")
    assert reading.blocks[1].text == f"August 15, 2020, 4:00pm EDT{LINE_BREAK}Mason Clark"
    assert any(run.bold and run.text.startswith("Russian forces may be massing") for b in reading.blocks
               for run in b.runs)
    assert reading.text.split("\n")[0] == heading.text  # one text line per block: positions match the widget


def test_every_quoted_passage_of_the_sample_is_found_in_the_report(tmp_path: Path) -> None:
    path = tmp_path / "sample.case"
    build_sample_case(path).close()
    with open_case(path, read_only=True) as case:
        ((document_id, title),) = documents(case)
        view = document_view(case, document_id)
    assert title.startswith("Belarusian President Lukashenko")
    assert view.unplaced == []
    assert len(view.passages) >= 20
    text = view.reading.text
    belta_edit = next(p for p in view.passages if text[p.start:p.end].startswith("Belarusian state media"))
    assert belta_edit.footnotes == ("2",)
    assert text[belta_edit.start:belta_edit.end].endswith('military threats."')
    assert len(view.footnote_sources["1"]) == 2 and view.footnote_sources["2"] == view.footnote_sources["1"][1:]
    first = view.reading.footnotes[0]
    assert view.sources_at(first.start) == view.footnote_sources["1"]


def test_passages_match_across_quote_styles_spacing_markers_and_ellipses() -> None:
    reading = read_document('He said “we agreed”<sup>3</sup> at  the\nfirst request. Then more.', "markdown")
    assert find_passage(reading, 'He said "we agreed" at the first request.') == (0, len(reading.text) - 11)
    start, end = find_passage(reading, "He said … first request")
    assert reading.text[start:end].endswith("first request")
    assert find_passage(reading, "not in the text") is None
    assert find_passage(reading, "   ") is None
    assert reading.footnote_near(0, 5) == "3"


def test_html_keeps_text_markers_and_links_and_drops_scripts_and_images() -> None:
    html = ('<h2>Report</h2><p>Troops <b>moved</b> north.<sup>1</sup><img src="http://evil.example/t.png">'
            '<script>alert(1)</script><a href="file:///etc/passwd">notes</a></p><style>p{}</style>'
            '<ul><li><sup>1</sup> <a href="https://example.org/a">example</a></li></ul>')
    reading = read_document(html, "html")
    assert [b.kind for b in reading.blocks] == ["heading", "paragraph", "item"]
    assert reading.blocks[1].text == "Troops moved north.1notes"
    assert "alert" not in reading.text and "evil" not in reading.text and "p{}" not in reading.text
    assert [s.value for s in reading.footnotes] == ["1", "1"]
    assert [s.value for s in reading.links] == ["file:///etc/passwd", "https://example.org/a"]


def test_raw_html_in_markdown_is_never_text_to_render() -> None:
    reading = read_document('Look <img src="http://x.example/a.png"> here <script>x()</script>.', "markdown")
    assert reading.text == "Look  here x()."  # tags dropped, their text is just text
    assert reading.links == []


def test_only_http_links_with_a_host_may_be_opened() -> None:
    assert openable_url("https://meduza.io/news/1") and openable_url("HTTP://example.org")
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://x.org/a", "https://", "data:text/html,hi",
                "http://exa\nmple.org", "", "//example.org/a"):
        assert not openable_url(bad), bad


def test_citation_values_name_one_claim_and_flatten_the_passage() -> None:
    values = citation_values("s1", ("relations", "r1"), f"two\n lines{LINE_BREAK}here ", "doc", "4", 2)
    assert values == {"source_id": "s1", "relation_id": "r1", "document_id": "doc", "footnote": "4",
                      "quote": "two lines here", "credibility": 2}
