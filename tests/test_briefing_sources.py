"""The decks' sources pages hold: read as the audience's programs show them (the PDF as written, the PowerPoint
deck as LibreOffice renders it), every table stays between the banners and above its footer, every URL is
printed in full, and the PDF links each one and has a bookmark per page."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from workbench.core import storyboard as core
from workbench.core.marking import banner_colours
from workbench.core.store import create_case, open_case
from workbench.ui.briefing import sources_table as table
from workbench.ui.briefing.deck import build_deck, export_deck, plan_deck

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (the test extra) reads the decks' geometry")

LONG_URL = "https://example.org/archive/" + "-".join(f"part{n:04d}" for n in range(300)) + "/end"  # ~2,800 characters
TITLE = ("Hearing on the events of August, with the statements of every witness heard and a summary of the "
         "documents the committee received, in the order they came")


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory, sample_path: Path) -> dict[str, Path]:
    """The sources pages of the sample's decks (16 sources; its slides are left out, they take long to draw), and
    the PDF and PowerPoint decks of a case of 20 sources with long titles and URLs, one URL longer than a whole
    page holds; the PowerPoint decks also as LibreOffice renders them."""
    folder = tmp_path_factory.mktemp("decks")
    tall = folder / "tall.case"
    case = create_case(tall, "Many sources", "SECRET//NOFORN", "UTC")
    with case.transaction():
        event = case.insert("events", {"title": "Hearing", "start": "2020-08-15T09:00:00Z"})
        for number in range(20):
            url = LONG_URL if number == 7 else f"https://example.org/{number}/" + "x" * (number * 7) + "?page=2&q=a"
            source = case.insert("sources", {"url": url, "title": f"{TITLE} ({number})" if number % 3 else "Short",
                                             "publisher": "Press office", "reliability": "B"})
            case.insert("citations", {"source_id": source, "event_id": event, "footnote": str(number + 1)})
        case.insert("views", {"title": "The hearing", "caption": "", "position": 0, "state": core.dump_state({})})
    case.close()
    made = {}
    for fmt in ("pdf", "pptx"):
        made[f"tall.{fmt}"] = folder / f"tall.{fmt}"
        export_deck(tall, fmt, made[f"tall.{fmt}"])
        made[f"sample.{fmt}"] = folder / f"sample.{fmt}"
        with open_case(sample_path, read_only=True) as case:
            plan = replace(plan_deck(case, fmt, made[f"sample.{fmt}"]), slides=[])
        build_deck(plan, [])
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        rendered = folder / "libreoffice"
        subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(rendered), str(made["sample.pptx"]),
                        str(made["tall.pptx"])], check=True, capture_output=True, timeout=300)
        for name in ("sample", "tall"):
            made[f"{name}.pptx.pdf"] = rendered / f"{name}.pdf"
    return made


def cited(path: Path) -> list[core.SlideSource]:
    with open_case(path, read_only=True) as case:
        return core.cited_sources(case, [slide.state for slide in core.slides(case)])


def close(colour: object, rgb: tuple[float, float, float]) -> bool:
    return isinstance(colour, tuple | list) and len(colour) == 3 and all(
        abs(float(a) - b) < 0.02 for a, b in zip(colour, rgb, strict=True))


def sources_pages_problems(pdf_path: Path, first_page: int, marking: str) -> tuple[list[str], str]:
    """What is wrong with the sources pages from `first_page` on, and the text of their URL column, page after page."""
    rgb = tuple(int(banner_colours(marking)[0].lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    problems, urls = [], []
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages[first_page:]
        assert pages, "no sources page"
        for number, page in enumerate(pages, start=first_page + 1):
            where = f"{pdf_path.name} page {number}"
            shapes = [*page.rects, *page.curves]  # LibreOffice draws its rectangles as paths
            banners = sorted((r for r in shapes if r["fill"] and close(r["non_stroking_color"], rgb)
                              and r["width"] > page.width * 0.9), key=lambda r: r["top"])
            if len(banners) != 2:
                problems.append(f"{where}: {len(banners)} banners")
                continue
            top_banner, bottom_banner = banners
            words = page.extract_words()
            heading = {w["text"]: w for w in words if w["text"] in ("Footnote", "URL", "Grade")}
            footer = next((w for w in words if w["text"] == "Grades:"), None)
            if footer is None:
                problems.append(f"{where}: no 'Grades:' footer to read (overprinted?)")
                footer = {"top": bottom_banner["top"]}
            limit = min(footer["top"], bottom_banner["top"])
            # The table: every word from its heading row down that is not the footer's line or a banner's, and
            # every filled cell a renderer draws (not the page's background, not a banner).
            body = [w for w in words if w["top"] >= heading["Footnote"]["top"] - 1
                    and abs(w["top"] - footer["top"]) > 1 and not (w["top"] >= bottom_banner["top"])]
            cells = [r for r in shapes if r["fill"] and r["width"] < page.width * 0.9
                     and r["top"] >= top_banner["bottom"] - 1 and not close(r["non_stroking_color"], rgb)]
            low_word = max(body, key=lambda w: w["bottom"])
            if low_word["bottom"] > limit:
                problems.append(f"{where}: '{low_word['text']}' ends at {low_word['bottom']:.0f}, under the footer "
                                f"or banner at {limit:.0f}")
            if cells and max(c["bottom"] for c in cells) > limit + 0.5:
                problems.append(f"{where}: the table ends at {max(c['bottom'] for c in cells):.0f}, under the "
                                f"footer or banner at {limit:.0f}")
            covered = [w for w in words if w["top"] >= bottom_banner["top"] - 0.5 and w["text"] not in marking]
            if covered:
                problems.append(f"{where}: {covered[0]['text']!r} over the bottom banner")
            if any(w["x1"] > page.width or w["x0"] < 0 for w in body):
                problems.append(f"{where}: text off the page's side")
            if any("\u2026" in w["text"] for w in body):
                problems.append(f"{where}: text cut with an ellipsis")
            column = page.crop((heading["URL"]["x0"] - 2, heading["URL"]["bottom"] + 1,
                                heading["Grade"]["x0"] - 2, limit))
            urls.append("".join(column.extract_text().split()))
    return problems, "".join(urls)


@pytest.mark.parametrize("name", ["sample", "tall"])
def test_pdf_sources_pages_hold_every_url_in_full_with_links_and_bookmarks(decks: dict[str, Path], name: str,
                                                                           sample_path: Path) -> None:
    from pypdf import PdfReader

    path = decks[f"{name}.pdf"]
    case = sample_path if name == "sample" else path.with_name("tall.case")
    sources = cited(case)
    with open_case(case, read_only=True) as opened:
        marking, slides = opened.classification, core.slides(opened) if name == "tall" else []
    problems, column = sources_pages_problems(path, len(slides), marking)
    assert not problems, "\n".join(problems)
    for source in sources:
        assert source.url in column, f"{source.url[:80]} is not printed in full"
    reader = PdfReader(str(path))
    links = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[len(slides):]:
            url_heading = next(w for w in page.extract_words() if w["text"] == "URL")
            for link in page.hyperlinks:
                assert link["x0"] >= url_heading["x0"] - 1, "a link outside the URL column"
                links.setdefault(link["uri"], []).append(page.page_number)
    assert set(links) == {s.url for s in sources}
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    pages = len(reader.pages)
    assert [page for _, page in outline] == list(range(pages))
    assert [title for title, _ in outline[:len(slides)]] == [f"{n}. {s.title}" for n, s in enumerate(slides, 1)]
    assert all(title.startswith("Sources cited") for title, _ in outline[len(slides):])
    if name == "tall":
        with pdfplumber.open(path) as pdf:  # the slide fills its page: a banner along the top and the bottom
            slide_page = pdf.pages[0]
            edges = sorted((round(r["top"]), round(r["bottom"])) for r in slide_page.rects
                           if r["width"] >= slide_page.width - 1 and r["height"] < slide_page.height * 0.1)
        assert edges[0][0] == 0 and edges[-1][1] == round(slide_page.height), edges
        assert pages - len(slides) >= 3
        assert len(set(links[LONG_URL])) >= 2  # the row longer than a page goes on over the next


@pytest.mark.parametrize("name", ["sample", "tall"])
def test_powerpoint_sources_slides_hold_as_libreoffice_renders_them(decks: dict[str, Path], name: str,
                                                                    sample_path: Path) -> None:
    if f"{name}.pptx.pdf" not in decks:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs it where apt-get can")
    from pptx import Presentation

    case = sample_path if name == "sample" else decks["tall.pdf"].with_name("tall.case")
    sources = cited(case)
    with open_case(case, read_only=True) as opened:
        marking, slides = opened.classification, core.slides(opened) if name == "tall" else []
    problems, column = sources_pages_problems(decks[f"{name}.pptx.pdf"], len(slides), marking)
    assert not problems, "\n".join(problems)
    for source in sources:
        assert source.url in column, f"{source.url[:80]} is not printed in full"
    # In the file itself each URL is one hyperlink, whole, split between rows only where it runs over a slide.
    deck = Presentation(str(decks[f"{name}.pptx"]))
    addresses = set()
    for slide in list(deck.slides)[len(slides):]:
        grid = next(shape.table for shape in slide.shapes if shape.has_table)
        for row in list(grid.rows)[1:]:
            for run in row.cells[table.URL_COLUMN].text_frame.paragraphs[0].runs:
                addresses.add(run.hyperlink.address)
    assert addresses == {s.url for s in sources}


def test_rows_are_paginated_by_their_measured_height(qtbot) -> None:
    """Rows fill a page up to its room and no further; a row taller than a page is split between lines and
    nothing of it is lost."""
    row = lambda lines: table.Row(tuple(tuple(f"{c}{i}" for i in range(lines)) for c in "ab"))  # noqa: E731
    rows = [row(2), row(3), row(1), row(12), row(1)]
    pages = table.paginate(rows, line_height=10, padding=4, room=50)
    heights = [[r.lines * 10 + 4 for r in page] for page in pages]
    assert all(sum(page) <= 50 for page in heights), heights
    assert heights[:2] == [[24], [34, 14]], heights  # the 3-line row starts a page: 24 + 34 > 50
    joined = [line for page in pages for r in page for line in r.cells[0]]
    assert joined == [line for r in rows for line in r.cells[0]]  # every line, once, in order
    assert any(r.continued for page in pages for r in page)
