"""A web page as a browser saves it (the article inside the site's menus, sidebars and footer) -> the
article's own HTML, its title, authors and publication date.

trafilatura (with htmldate) decides which part of the page is the article; the article is then taken
whole from the page (the element that holds every paragraph trafilatura kept), so endnotes, bare
links and short lines that trafilatura's text filters drop are not lost. Dates come first from the
page's machine-readable metadata (RDFa dc:date, OpenGraph article:published_time, JSON-LD
datePublished, <time datetime>), then from htmldate's reading of the markup; never from the clock.

Nothing here reaches the network: trafilatura and htmldate are given the page's text, never an address.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udfff]")
PAGE_MARKERS = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
# Above this, trafilatura's page analysis takes many seconds; the density rule alone picks the article.
TRAFILATURA_LIMIT = 2_000_000
CHROME_TAGS = ("script", "style", "noscript", "nav", "aside", "footer", "form", "iframe", "template", "svg",
               "button", "select", "input", "header")
CHROME_WORDS = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|sidebar|footer|breadcrumbs?|share|sharethis|social|"
                          r"comments?|related|subscribe|newsletter|cookie|banner|advert|ads|tags?|pager|"
                          r"submitted|byline-meta|skip-link|element-hidden|rdf-meta)(?:$|[\s_-])", re.IGNORECASE)
DATE_PROPERTIES = ("dc:date", "dc:created", "dcterms:created", "dcterms:date", "dcterms:issued", "dc:issued")
META_DATE_NAMES = ("article:published_time", "og:article:published_time", "datepublished", "publication_date",
                   "pubdate", "date", "dc.date", "dc.date.issued", "dcterms.created", "citation_publication_date",
                   "sailthru.date", "parsely-pub-date")
META_AUTHOR_NAMES = ("author", "article:author", "dc.creator", "citation_author", "parsely-author")


@dataclass
class WebPage:
    article: str  # the article's HTML, read by core.document like any HTML report
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO text as the page states it (with its offset when it gives one)
    day: date | None = None
    date_source: str = ""  # which markup gave the date ('dc:date', 'JSON-LD datePublished', ...)


def is_web_page(text: str) -> bool:
    """A whole saved page (doctype, <html>, <head> or <body>), not an HTML fragment."""
    return bool(PAGE_MARKERS.search(text[:5000]))


def _parse(text: str):  # noqa: ANN202 - an lxml element, untyped
    from lxml import etree, html

    cleaned = CONTROL.sub(" ", text)  # lxml refuses text with control characters
    cleaned = re.sub(r"^\s*<\?xml[^>]*>", "", cleaned)  # lxml refuses an encoding declaration in a str
    try:
        return html.document_fromstring(cleaned or "<html></html>")
    except (etree.ParserError, ValueError):
        return html.document_fromstring("<html><body></body></html>")


def _iso_day(value: str) -> tuple[str, date] | None:
    """'2022-03-05T17:26:29-05:00', '2022-03-05', '20220305' -> (the text as stated, the day it names there)."""
    value = value.strip()
    match = re.match(r"((?:19|20)\d\d)-?([01]\d)-?([0-3]\d)(?:[T ]([0-2]\d:[0-5]\d(?::[0-5]\d)?)"
                     r"(?:\.\d+)?(Z|[+-][0-2]\d:?[0-5]\d)?)?", value)
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    if not 1900 <= day.year <= 2100:
        return None
    if match[4] and match[5]:
        try:
            moment = datetime.fromisoformat(f"{day.isoformat()}T{match[4]}{match[5].replace('Z', '+00:00')}")
        except ValueError:
            return day.isoformat(), day
        return moment.isoformat(timespec="seconds"), day
    return day.isoformat(), day


def _json_dates(data: object, depth: int = 0) -> list[str]:
    if depth > 8:
        return []
    if isinstance(data, dict):
        found = [str(data[k]) for k in ("datePublished", "dateCreated") if isinstance(data.get(k), str)]
        for value in data.values():
            found += _json_dates(value, depth + 1)
        return found
    if isinstance(data, list):
        return [d for item in data[:50] for d in _json_dates(item, depth + 1)]
    return []


def _json_authors(data: object, depth: int = 0) -> list[str]:
    if depth > 6:
        return []
    if isinstance(data, dict):
        author = data.get("author")
        names: list[str] = []
        for item in author if isinstance(author, list) else [author]:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                names.append(item["name"])
            elif isinstance(item, str):
                names.append(item)
        if names:
            return names
        for value in data.values():
            names = _json_authors(value, depth + 1)
            if names:
                return names
    if isinstance(data, list):
        for item in data[:50]:
            names = _json_authors(item, depth + 1)
            if names:
                return names
    return []


def machine_dates(tree) -> list[tuple[str, str]]:  # noqa: ANN001 - an lxml element
    """(source, value) of every publication date the page states for machines, best first."""
    found: list[tuple[str, str]] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        properties = set((element.get("property") or "").split()) | set((element.get("itemprop") or "").split())
        value = element.get("content") or element.get("datetime") or ""
        if properties & set(DATE_PROPERTIES) and value:
            found.append(("dc:date (RDFa)", value))
        if "datePublished" in properties and value:
            found.append(("datePublished (microdata)", value))
        if element.tag == "meta":
            name = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
            if name in META_DATE_NAMES and element.get("content") and name not in DATE_PROPERTIES:
                found.append((name, element.get("content") or ""))
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                data = json.loads(script.text)
            except ValueError:
                continue
            found += [("JSON-LD datePublished", value) for value in _json_dates(data)]
    for element in tree.iter("time"):
        if element.get("datetime"):
            found.append(("<time datetime>", element.get("datetime") or ""))
    order = ("dc:date (RDFa)", "article:published_time", "og:article:published_time", "JSON-LD datePublished",
             "datePublished (microdata)")
    found.sort(key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return found


def _htmldate(tree) -> str | None:  # noqa: ANN001
    """htmldate's reading of the markup only (no guess from the page's prose, never the clock)."""
    try:
        from htmldate import find_date

        return find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - a third-party parser on untrusted markup: no date, not a crash
        return None


def page_title(tree) -> str:  # noqa: ANN001
    """The article's title: an <h1> the <title> repeats, else og:title (unless it is the site's name), else
    the first <h1>, else the <title> without the site's name."""
    def clean(text: str | None) -> str:
        return " ".join((text or "").split())

    title = next((clean(e.text_content()) for e in tree.iter("title")), "")
    title_head = re.split(r"\s+[|\u2013\u2014-]\s+(?=[^|\u2013\u2014]*$)", title)[0] if title else ""
    headings = [clean(e.text_content()) for e in tree.iter("h1")]
    headings = [h for h in headings if h]
    meta = {(e.get("property") or e.get("name") or "").lower(): clean(e.get("content")) for e in tree.iter("meta")}
    site = meta.get("og:site_name", "")
    for heading in headings:
        if heading in title:
            return heading
    og = meta.get("og:title") or meta.get("twitter:title") or ""
    if og and og != site and og not in site:
        return og
    return headings[0] if headings else title_head


def page_authors(tree) -> list[str]:  # noqa: ANN001
    names: list[str] = []
    for element in tree.iter("meta"):
        if (element.get("name") or element.get("property") or "").lower() in META_AUTHOR_NAMES:
            value = " ".join((element.get("content") or "").split())
            if value and not value.startswith("http"):
                names.append(value)
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                names += _json_authors(json.loads(script.text))
            except ValueError:
                continue
    return list(dict.fromkeys(names))


def _strip_chrome(root) -> None:  # noqa: ANN001
    """Menus, sidebars, footers, share buttons and hidden metadata out of the article element."""
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element is root:
            continue
        if element.tag in CHROME_TAGS:
            doomed.append(element)
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('role') or ''}"
        if CHROME_WORDS.search(marks) or (element.get("style") or "").replace(" ", "").lower().find(
                "display:none") >= 0:
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            tail = element.tail
            parent.remove(element)
            if tail and tail.strip():  # keep the text that followed the removed element
                previous = parent[-1] if len(parent) else None
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail


def _norm(text: str) -> str:
    return " ".join(text.split())[:120]


def _common_ancestor(elements: list) -> object | None:  # noqa: ANN001
    if not elements:
        return None
    chains = []
    for element in elements:
        chain = [element, *element.iterancestors()]
        chains.append(list(reversed(chain)))
    common = None
    for level in zip(*chains, strict=False):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    return common


def _by_trafilatura(text: str, tree) -> object | None:  # noqa: ANN001
    """The element of `tree` holding the paragraphs trafilatura takes for the article."""
    if len(text) > TRAFILATURA_LIMIT:
        return None
    try:
        import trafilatura

        kept = trafilatura.extract(text, output_format="xml", include_links=False, include_formatting=False,
                                   include_comments=False, include_tables=True, favor_recall=True,
                                   with_metadata=False, deduplicate=False)
    except Exception:  # noqa: BLE001 - a third-party extractor on untrusted markup: fall back to density
        return None
    if not kept:
        return None
    wanted = {_norm(m) for m in re.findall(r"<(?:p|item|head)[^>]*>([^<]{40,})", kept)}
    wanted = {w for w in wanted if len(w) >= 40}
    if not wanted:
        return None
    matched = [element for element in tree.iter("p", "li", "h2", "h3", "h4", "div", "td")
               if _norm(element.text_content()) in wanted and not any(
                   _norm(child.text_content()) in wanted for child in element.iter("p", "li", "div")
                   if child is not element)]
    if len(matched) < 2:
        return None
    return _common_ancestor(matched)


def _by_density(tree) -> object | None:  # noqa: ANN001
    """The element whose own paragraphs hold the most text (the classic readability rule)."""
    scores: dict[object, int] = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(paragraph.text_content())
    if not scores:
        return tree.find("body")
    return max(scores, key=lambda element: scores[element])


def read_web_page(text: str) -> WebPage:
    """The article of a saved page, with its title, authors and date."""
    from lxml import html

    tree = _parse(text)
    title = page_title(tree)
    authors = page_authors(tree)
    published = day = None
    source = ""
    for where, value in machine_dates(tree):
        parsed = _iso_day(value)
        if parsed:
            (published, day), source = parsed, where
            break
    if day is None:
        value = _htmldate(tree)
        parsed = _iso_day(value) if value else None
        if parsed:
            (published, day), source = parsed, "htmldate"
    article = _by_trafilatura(text, tree)
    if article is None:
        article = _by_density(tree)
    if article is None:
        article = tree
    _strip_chrome(article)
    body = html.tostring(article, encoding="unicode", method="html")
    shown = " ".join(article.text_content().split())
    heading = f"<h1>{escape(title)}</h1>" if title and title not in shown else ""
    return WebPage(article=heading + body, title=title, authors=authors, published=published, day=day,
                   date_source=source)
