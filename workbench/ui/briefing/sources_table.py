"""The decks' sources table, laid out by measure: each cell wrapped into lines in the deck's font, each row
as tall as its longest cell, and pages filled by those heights, so that no row leaves its page.

The PDF and the PowerPoint deck share it. Nothing is cut: a URL is wrapped (at a '/' or '-' where it
can be, anywhere in a run too long for a line) and printed in full; a row taller than a whole page
goes on over the next page(s), split between two lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont, QFontMetricsF, QTextLayout, QTextOption

from workbench.core import storyboard as core

COLUMNS = (("Footnote", 0.08), ("Source", 0.43), ("URL", 0.41), ("Grade", 0.08))
URL_COLUMN = 2
LINKED_SCHEMES = ("http://", "https://")  # a URL from a case is untrusted: only the web's schemes become links
NO_SOURCE = "No source is cited by what these slides show."


@dataclass(frozen=True)
class Row:
    """One row of the table, or the part of one that a page holds: the lines of each cell, and the URL
    its URL cell links to ('' for none)."""

    cells: tuple[tuple[str, ...], ...]
    url: str = ""
    continued: bool = False  # the rest of the row before it, on a new page

    @property
    def lines(self) -> int:
        return max((len(cell) for cell in self.cells), default=1) or 1

    def split(self, lines: int) -> tuple[Row, Row]:
        """The first `lines` lines of the row and the rest."""
        return (Row(tuple(cell[:lines] for cell in self.cells), self.url, self.continued),
                Row(tuple(cell[lines:] for cell in self.cells), self.url, True))


def cell_texts(source: core.SlideSource) -> tuple[str, str, str, str]:
    name = source.title or "(untitled)"
    if source.publisher:
        name += f" \u2014 {source.publisher}"
    return source.footnotes or "\u2013", name, source.url or "(no URL)", source.reliability


def link_of(url: str) -> str:
    return url if url.lower().startswith(LINKED_SCHEMES) else ""


def wrap(text: str, font: QFont, width: float) -> list[str]:
    """The lines `text` takes in `font` at `width` (Qt's line breaking: at spaces, after '/' and '-', and
    anywhere within a word longer than the line). Lines keep their text exactly, with the spaces a line
    ends on: joined (with a newline between paragraphs), they give `text` back."""
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n")):
        if number:
            lines[-1] += "\n"
        layout = QTextLayout(paragraph, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        before = len(lines)
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(width, 1.0))
            line.setPosition(QPointF(0, 0))
            lines.append(paragraph[line.textStart():line.textStart() + line.textLength()])
        layout.endLayout()
        if len(lines) == before:  # an empty paragraph is a line too
            lines.append("")
    return lines or [""]


def source_rows(sources: list[core.SlideSource], font: QFont, widths: list[float]) -> list[Row]:
    """A row per source, each cell's text wrapped at its width in `widths` (the room for text, inside the
    cell's margins)."""
    return [Row(tuple(tuple(wrap(text, font, width)) for text, width in zip(cell_texts(source), widths, strict=True)),
                link_of(source.url)) for source in sources]


def paginate(rows: list[Row], line_height: float, padding: float, room: float) -> list[list[Row]]:
    """Rows in pages of at most `room` tall, a row `lines * line_height + padding` tall.

    A row that does not fit in what is left of a page starts the next one; a row taller than a whole
    page is split between two lines, beginning where the page before ends. Always at least one page.
    """
    pages: list[list[Row]] = [[]]
    used = 0.0

    def height(row: Row) -> float:
        return row.lines * line_height + padding

    for row in rows:
        while True:
            if used + height(row) <= room or (not pages[-1] and row.lines <= 1):  # (a line taller than a page)
                pages[-1].append(row)
                used += height(row)
                break
            if height(row) <= room:  # fits on a page of its own
                pages.append([])
                used = 0.0
                continue
            fit = int((room - used - padding) // line_height)
            if fit < 1 and pages[-1]:
                pages.append([])
                used = 0.0
                continue
            head, row = row.split(max(fit, 1))
            pages[-1].append(head)
            pages.append([])
            used = 0.0
    return pages


def metrics_height(font: QFont) -> float:
    """The distance between two lines of `font`, as Qt lays them out."""
    return QFontMetricsF(font).height()
