"""An imported report made readable: Markdown/HTML/text -> plain-text blocks with footnote markers,
links and the cited passages mapped to character spans, for a reader that never renders raw markup.

The reader shows `Reading.text` exactly: blocks joined by one newline (one QTextDocument block each),
hard line breaks inside a block as U+2028. Every span below is a [start, end) range of that text.
Nothing here interprets HTML for display: tags are parsed only to find the text, the footnote
markers and the links; scripts, styles and images are dropped, and links are kept as plain data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from workbench.core.store import Case

LINE_BREAK = "\u2028"  # a line break inside a block (QTextDocument's QChar::LineSeparator)
BULLET = "\u2022 "
OPENABLE_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look: bold/italic, or a footnote marker, or a link."""

    text: str
    bold: bool = False
    italic: bool = False
    footnote: str | None = None  # the label of a footnote marker (<sup>N</sup>)
    link: str | None = None  # the link target, kept as data, never followed by the reader


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph, item
    runs: tuple[Run, ...]
    level: int = 0  # heading level 1..6

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    value: str  # the footnote label or the link target


@dataclass
class Reading:
    blocks: list[Block]
    text: str = ""
    block_starts: list[int] = field(default_factory=list)
    footnotes: list[Span] = field(default_factory=list)
    links: list[Span] = field(default_factory=list)

    def __post_init__(self) -> None:
        position, parts = 0, []
        for block in self.blocks:
            self.block_starts.append(position)
            for run in block.runs:
                end = position + len(run.text)
                if run.footnote is not None:
                    self.footnotes.append(Span(position, end, run.footnote))
                if run.link is not None:
                    self.links.append(Span(position, end, run.link))
                position = end
            parts.append(block.text)
            position += 1  # the newline between blocks
        self.text = "\n".join(parts)

    def footnote_at(self, position: int) -> str | None:
        """The label of the footnote marker at a text position, if one is there."""
        for span in self.footnotes:
            if span.start <= position < span.end:
                return span.value
        return None

    def footnote_near(self, start: int, end: int) -> str | None:
        """The footnote that backs a passage: the first marker after it in its block, else the last before it."""
        block = self.block_of(start)
        block_end = self.block_starts[block + 1] - 1 if block + 1 < len(self.block_starts) else len(self.text)
        after = [s for s in self.footnotes if end <= s.start < block_end]
        if after:
            return after[0].value
        before = [s for s in self.footnotes if self.block_starts[block] <= s.start < start]
        return before[-1].value if before else None

    def block_of(self, position: int) -> int:
        block = 0
        for index, start in enumerate(self.block_starts):
            if start <= position:
                block = index
        return block


# --- Markdown (the subset reports use) -------------------------------------------------

_INLINE = re.compile(
    r"\\(?P<escaped>[\\`*_{}\[\]()#+\-.!<>\"'|~])"
    r"|<sup>\s*(?P<sup>[^<]{1,12}?)\s*</sup>"
    r"|<(?P<autolink>[a-zA-Z][a-zA-Z0-9+.\-]*:[^\s<>]*)>"
    r"|\[(?P<link_text>(?:\\.|[^\]\\])*)\]\((?P<link_target>[^)\s]*)\)"
    r"|(?P<strong>\*\*|__)"
    r"|(?P<emphasis>\*)"
    r"|(?P<tag></?[a-zA-Z][^<>]{0,200}>)",
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>\"'|~])")


def markdown_runs(text: str) -> list[Run]:
    """One block's inline Markdown -> runs; unknown HTML tags are dropped, their text kept."""
    runs: list[Run] = []
    bold = italic = False
    pending = ""

    def flush() -> None:
        nonlocal pending
        if pending:
            runs.append(Run(pending, bold, italic))
            pending = ""

    position = 0
    for match in _INLINE.finditer(text):
        pending += text[position:match.start()]
        position = match.end()
        if match["escaped"] is not None:
            pending += match["escaped"]
        elif match["sup"] is not None:
            flush()
            runs.append(Run(match["sup"], bold, italic, footnote=match["sup"]))
        elif match["autolink"] is not None:
            flush()
            runs.append(Run(match["autolink"], bold, italic, link=match["autolink"]))
        elif match["link_text"] is not None:
            flush()
            target = match["link_target"]
            shown = _ESCAPE.sub(r"\1", match["link_text"]).replace("\\", "")
            if target.startswith("#") or not target:
                runs.append(Run(shown, bold, italic))
            else:
                runs.append(Run(shown or target, bold, italic, link=target))
        elif match["strong"] is not None:
            flush()
            bold = not bold
        elif match["emphasis"] is not None:
            flush()
            italic = not italic
        # a stray HTML tag (<img>, <script>, <br>...) is not text: it is dropped, never interpreted
    pending += text[position:]
    flush()
    return [run for run in runs if run.text]


def read_markdown(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines: list[str] = []
    kind, level = "paragraph", 0

    def close() -> None:
        nonlocal lines, kind, level
        if lines:
            joined = ""
            for index, line in enumerate(lines):
                hard_break = line.endswith("  ") and index < len(lines) - 1
                joined += line.strip() + (LINE_BREAK if hard_break else (" " if index < len(lines) - 1 else ""))
            runs = markdown_runs(joined)
            if kind == "item":
                runs = [Run(BULLET), *runs]
            if any(run.text.strip() for run in runs if run.text != BULLET):
                blocks.append(Block(kind, tuple(runs), level))
        lines, kind, level = [], "paragraph", 0

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = raw.strip()
        heading = re.match(r"(#{1,6})\s+(.*?)\s*#*$", stripped)
        item = re.match(r"[-*+]\s+(.*)$|[-*+]$", stripped)
        if not stripped:
            close()
        elif heading:
            close()
            lines, kind, level = [heading[2]], "heading", len(heading[1])
            close()
        elif item and not stripped.startswith("**"):
            close()
            lines, kind = [item[1] or ""], "item"
        else:
            if lines and re.match(r"(?:\[\d{1,3}\]|\^\[?\d{1,3}\]?|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*\S", stripped):
                lines[-1] = lines[-1].rstrip() + "  "  # endnotes written one a line: each its own line
            lines.append(raw.rstrip("\n") if raw.endswith("  ") else raw.strip())
    close()
    return blocks


# --- HTML -------------------------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article",
               "header", "footer", "pre", "ul", "ol", "table", "dt", "dd"}
_SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg", "math"}


class _HtmlText(HTMLParser):
    """HTML -> blocks of runs. Only text, <sup> markers and <a href> targets survive."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.runs: list[Run] = []
        self.kind, self.level = "paragraph", 0
        self.bold = self.italic = 0
        self.skipping = 0
        self.sup = 0
        self.href: str | None = None
        self.lists: list[list[int]] = []  # per open list: [1 for <ol>, 0 for <ul>, items so far]
        self.number = 0  # the number of the <ol> item being read (endnotes are often an <ol> of bare URLs)

    def close_block(self) -> None:
        runs = _squeeze(self.runs)
        if self.kind == "item" and runs:
            runs = [Run(f"{self.number}. " if self.number else BULLET), *runs]
        self.number = 0
        if any(run.text.strip() for run in runs):
            self.blocks.append(Block(self.kind, tuple(runs), self.level))
        self.runs, self.kind, self.level = [], "paragraph", 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
            return
        if tag in _BLOCK_TAGS:
            self.close_block()
            if tag in ("ol", "ul"):
                start = dict(attrs).get("start") or ""
                self.lists.append([tag == "ol", int(start) - 1 if start.isdigit() and len(start) < 6 else 0])
            if tag == "li":
                self.kind = "item"
                if self.lists and self.lists[-1][0]:
                    self.lists[-1][1] += 1
                    self.number = self.lists[-1][1]
            elif re.fullmatch(r"h[1-6]", tag):
                self.kind, self.level = "heading", int(tag[1])
        elif tag == "br":
            self.runs.append(Run(LINE_BREAK))
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("i", "em"):
            self.italic += 1
        elif tag == "sup":
            self.sup += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.href = href if href and not href.startswith("#") else None
        # <img>, <link>, <meta>, <form>...: nothing of them is shown or loaded

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.close_block()
            if tag in ("ol", "ul") and self.lists:
                self.lists.pop()
        elif tag in ("b", "strong"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("i", "em"):
            self.italic = max(0, self.italic - 1)
        elif tag == "sup":
            self.sup = max(0, self.sup - 1)
        elif tag == "a":
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.sup and data.strip():
            self.runs.append(Run(data.strip(), bool(self.bold), bool(self.italic), footnote=data.strip()))
            return
        self.runs.append(Run(re.sub(r"\s+", " ", data), bool(self.bold), bool(self.italic), link=self.href))


def _squeeze(runs: list[Run]) -> list[Run]:
    """Collapse whitespace across runs and trim the block's ends."""
    out: list[Run] = []
    previous_space = True
    for run in runs:
        text = run.text
        if run.footnote is None and run.text != LINE_BREAK:
            text = re.sub(r"[ \t\n]+", " ", text)
            if previous_space:
                text = text.lstrip(" ")
        if text:
            out.append(Run(text, run.bold, run.italic, run.footnote, run.link))
            previous_space = text.endswith((" ", LINE_BREAK))
    while out and out[-1].footnote is None and not out[-1].text.strip():
        out.pop()
    if out and out[-1].footnote is None:
        last = out[-1]
        out[-1] = Run(last.text.rstrip(), last.bold, last.italic, last.footnote, last.link)
    return out


def read_html(text: str) -> list[Block]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    parser.close_block()
    return parser.blocks


def read_text(text: str) -> list[Block]:
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [Block("paragraph", (Run(LINE_BREAK.join(p.strip().split("\n"))),)) for p in paragraphs if p.strip()]


def read_document(text: str, fmt: str = "markdown") -> Reading:
    """A document's stored text -> what the reader shows."""
    if fmt == "html":
        blocks = read_html(text)
    elif fmt == "markdown":
        blocks = read_markdown(text)
    else:
        blocks = read_text(text)
    return Reading(blocks)


# --- cited passages ---------------------------------------------------------------------

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'"})


def _normal_char(char: str) -> str:
    if char.isspace() or char == LINE_BREAK:
        return " "
    char = char.translate(_QUOTES)
    if char in "\u2013\u2014":
        return "-"
    return unicodedata.normalize("NFKC", char).casefold()


def _normalized(text: str, skip: list[Span] = ()) -> tuple[str, list[int]]:
    """Text folded for matching (quotes, dashes, case, runs of space) and each folded char's source index."""
    skipped = set()
    for span in skip:
        skipped.update(range(span.start, span.end))
    chars, where = [], []
    for index, char in enumerate(text):
        if index in skipped:
            continue
        folded = _normal_char(char)
        if folded == " " and (not chars or chars[-1] == " "):
            continue
        for piece in folded:
            chars.append(piece)
            where.append(index)
    return "".join(chars), where


def find_passage(reading: Reading, quote: str, folded: tuple[str, list[int]] | None = None) -> tuple[int, int] | None:
    """Where a quoted passage stands in the reading, ignoring case, quote style, spacing and the
    footnote markers inside it; a quote with an ellipsis matches its parts in order. None if absent."""
    text, where = folded or _normalized(reading.text, reading.footnotes)
    parts = [p for p in (_normalized(part)[0].strip() for part in re.split(r"\.\.\.|\u2026|\[\u2026\]", quote)) if p]
    if not parts or not where:
        return None
    first = text.find(parts[0])
    if first < 0:
        return None
    cursor = first + len(parts[0])
    for part in parts[1:]:
        found = text.find(part, cursor)
        if found < 0:
            return None
        cursor = found + len(part)
    return where[first], where[cursor - 1] + 1


@dataclass(frozen=True)
class Passage:
    """A stretch of the document that citations quote, with what they support."""

    start: int
    end: int
    citation_ids: tuple[str, ...]
    claims: tuple[tuple[str, str], ...]  # (table, record id) of the claims it supports
    footnotes: tuple[str, ...]


@dataclass
class DocumentView:
    document_id: str
    title: str
    reading: Reading
    passages: list[Passage]
    unplaced: list[str]  # ids of citations of this document whose quote is not found in its text
    footnote_sources: dict[str, list[str]]  # label -> source ids, in the footnote's order

    def sources_at(self, position: int) -> list[str]:
        label = self.reading.footnote_at(position)
        return self.footnote_sources.get(label, []) if label is not None else []

    def passages_at(self, position: int) -> list[Passage]:
        return [p for p in self.passages if p.start <= position < p.end]

    def spans_of(self, claims: set[tuple[str, str]]) -> list[tuple[int, int]]:
        """Passages that support any of these claims."""
        return [(p.start, p.end) for p in self.passages if claims & set(p.claims)]

    def markers_of(self, source_ids: set[str]) -> list[Span]:
        """Footnote markers that list any of these sources."""
        labels = {label for label, ids in self.footnote_sources.items() if source_ids & set(ids)}
        return [span for span in self.reading.footnotes if span.value in labels]


def documents(case: Case) -> list[tuple[str, str]]:
    """(id, title) of the case's documents, in import order."""
    return [(doc_id, title or "untitled document") for doc_id, title in
            case.conn.execute("SELECT id, title FROM documents ORDER BY seq")]


def footnote_sources(case: Case, document_id: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for label, source_id in case.conn.execute(
        "SELECT label, source_id FROM footnotes WHERE document_id = ? ORDER BY label, position", (document_id,)
    ):
        found.setdefault(label, []).append(source_id)
    return found


def document_view(case: Case, document_id: str) -> DocumentView | None:
    """Everything the reader shows of one document: its text, markers, links and cited passages."""
    row = case.conn.execute("SELECT title, format, text FROM documents WHERE id = ?", (document_id,)).fetchone()
    if row is None:
        return None
    title, fmt, text = row
    reading = read_document(text, fmt)
    folded = _normalized(reading.text, reading.footnotes)
    by_span: dict[tuple[int, int], list[tuple[str, tuple[str, str], str]]] = {}
    unplaced: list[str] = []
    spans_of_quote: dict[str, tuple[int, int] | None] = {}
    for citation_id, quote, event_id, relation_id, actor_id, footnote in case.conn.execute(
        "SELECT id, quote, event_id, relation_id, actor_id, footnote FROM citations "
        "WHERE document_id = ? AND quote <> '' ORDER BY rowid", (document_id,)
    ):
        if quote not in spans_of_quote:
            spans_of_quote[quote] = find_passage(reading, quote, folded)
        span = spans_of_quote[quote]
        if span is None:
            unplaced.append(citation_id)
            continue
        claim = ("events", event_id) if event_id else ("relations", relation_id) if relation_id else ("actors",
                                                                                                      actor_id)
        by_span.setdefault(span, []).append((citation_id, claim, footnote))
    passages = [
        Passage(start, end, tuple(c for c, _, _ in cited), tuple(dict.fromkeys(k for _, k, _ in cited)),
                tuple(dict.fromkeys(f for _, _, f in cited if f)))
        for (start, end), cited in sorted(by_span.items())
    ]
    return DocumentView(document_id, title or "untitled document", reading, passages, unplaced,
                        footnote_sources(case, document_id))


def openable_url(url: str) -> bool:
    """Whether a link may be offered for opening in a browser: http(s) with a host, nothing else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in OPENABLE_SCHEMES and bool(parts.hostname) and not any(
        ord(c) < 32 for c in url)


def citation_values(source_id: str, claim: tuple[str, str], quote: str, document_id: str | None,
                    footnote: str = "", credibility: int = 6) -> dict[str, object]:
    """The row of a new citation of `source_id` for a claim (table, id), ready for Case.insert."""
    column = {"events": "event_id", "relations": "relation_id", "actors": "actor_id"}[claim[0]]
    return {"source_id": source_id, column: claim[1], "document_id": document_id, "footnote": footnote,
            "quote": " ".join(quote.replace(LINE_BREAK, " ").split()), "credibility": int(credibility)}

