"""Briefing decks: the storyboard of a case as PDF (Qt's PDF writer, vector), PowerPoint (python-pptx) or one
offline HTML file, each slide with the classification banners, title, caption and slide number, and a last
page listing every source cited on any slide with its footnote, URL and grade.

An export has three steps. `plan_deck` reads what the deck needs from the case (the UI thread owns
the case's connection). `draw_slide` draws one slide with workbench.ui.briefing.slides.SlideRenderer:
slides are widgets (a pyqtgraph timeline, a QGraphicsView graph), which Qt paints only on the UI
thread, so this step stays there, one slide per event-loop turn, and hands on a QPicture (the PDF
page, vector) or a QImage of the charts (PowerPoint, HTML). `build_deck` turns those into the file
with QPainter, python-pptx or plain text and touches no widget, so the app runs it on the task
runner (`export_deck_in_background`) while the next slide is drawn; the command line runs all three
in turn. Drawing needs a QApplication: one is created (offscreen when there is no display) when the
caller has none. Case text is untrusted: it is drawn as plain text, written into PowerPoint as text
runs, and escaped in HTML.
"""

from __future__ import annotations

import base64
import html
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPicture,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QWidget

from workbench.core import storyboard as core
from workbench.core.atomic import atomic_path
from workbench.core.marking import banner_colours, banner_text
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case, CaseError, open_case
from workbench.ui.briefing import sources_table as table
from workbench.ui.briefing.slides import (
    BRIEFING_BACKGROUND,
    BRIEFING_MUTED,
    BRIEFING_TEXT,
    DECK_SIZE,
    SLIDE_SIZE,
    SlideRenderer,
    png_bytes,
)
from workbench.ui.tasks import Outcome, runner

FORMATS = ("pdf", "pptx", "html")
PAGE_MM = (338.667, 190.5)  # 13.333 x 7.5 in: PowerPoint's 16:9
STAGE_SCALE = {"pptx": 1.0, "html": 1.0}  # pixels per logical pixel of the charts' picture: a deck's own size
DRAWN_AHEAD = 2  # slides drawn but not yet written: each picture of the charts holds ~20 MB


@dataclass(frozen=True)
class DeckPlan:
    """What a deck is made of, read from the case on the UI thread: the build never touches the case."""

    fmt: str
    out: Path
    title: str
    classification: str
    slides: list[core.Slide]
    sources: list[core.SlideSource]


@dataclass(frozen=True)
class DrawnSlide:
    """One slide drawn on the UI thread: the whole slide as a vector QPicture of `size` logical pixels
    (PDF), or its charts alone as an image (PowerPoint, HTML)."""

    picture: QPicture | None = None
    size: tuple[int, int] = (1, 1)
    stage: QImage | None = None
    stage_rect: tuple[int, int, int, int] | None = None  # where the charts are on the slide (logical pixels)


def export_deck(case_path: Path, fmt: str, out: Path) -> str:
    """Write the storyboard of the case at `case_path` to `out` as `fmt` (pdf, pptx, html); a one-line summary.

    This is what `workbench export CASE --format pdf|pptx|html --out PATH` runs.
    """
    ensure_application()
    with open_case(case_path, read_only=True) as case:
        return export_deck_from_case(case, fmt, out)


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(sys.argv[:1])
    return app  # type: ignore[return-value]


def plan_deck(case: Case, fmt: str, out: Path) -> DeckPlan:
    """Read the storyboard and its cited sources; raises CaseError when the case has no saved views."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown deck format {fmt!r}; choose one of {', '.join(FORMATS)}")
    slides = core.slides(case)
    if not slides:
        raise CaseError(f"{case.path.name} has no saved views; save views into its storyboard to make a deck.")
    sources = core.cited_sources(case, [s.state for s in slides])
    return DeckPlan(fmt, Path(out), case.title, case.classification, slides, sources)


def draw_slide(renderer: SlideRenderer, plan: DeckPlan, index: int) -> DrawnSlide:
    """Draw slide `index` of the plan (UI thread: the slide is widgets), laid out at the deck's own size."""
    renderer.resize(DECK_SIZE)
    renderer.show(plan.slides[index], index + 1, len(plan.slides))
    if plan.fmt == "pdf":
        picture, size = renderer.picture()
        return DrawnSlide(picture=picture, size=size)
    size = renderer.size()
    return DrawnSlide(size=(size.width(), size.height()), stage=renderer.stage_image(STAGE_SCALE[plan.fmt]),
                      stage_rect=renderer.stage_rect())


def build_deck(plan: DeckPlan, drawn: Iterable[DrawnSlide], progress: Progress = NO_PROGRESS) -> str:
    """Write the deck from the slides as drawn (one per slide of the plan, in order); a one-line summary.

    Touches no widget and no case, so it may run on a worker thread. It writes through a temporary
    file beside `out`: a failure or Cancel leaves the previous deck as it was.
    """
    writer = {"pdf": write_pdf, "pptx": write_pptx, "html": write_html}[plan.fmt]
    with atomic_path(plan.out) as partial:
        pages = writer(plan, drawn, partial, progress)
    noun = "page" if plan.fmt == "pdf" else "slide" if plan.fmt == "pptx" else "section"
    return (f"Wrote {plan.out}: {len(plan.slides)} {noun}s of the storyboard and {pages - len(plan.slides)} of "
            f"sources ({len(plan.sources)} sources cited).")


def export_deck_from_case(case: Case, fmt: str, out: Path, progress: Progress = NO_PROGRESS) -> str:
    """Draw and write the storyboard of an open case in turn, on this thread (the command line's way)."""
    plan = plan_deck(case, fmt, out)
    renderer = SlideRenderer(case, DECK_SIZE)
    try:
        return build_deck(plan, (draw_slide(renderer, plan, i) for i in range(len(plan.slides))), progress)
    finally:
        renderer.close()


class SlideFeed:
    """Slides drawn on the UI thread, one per event-loop turn, and handed in order to a build on the runner.

    The window keeps painting between two slides, and the build writes one slide while the next is
    drawn. At most DRAWN_AHEAD slides wait for the build; a drawing error reaches the build, which
    fails with it; once the build ends (done, failed or cancelled) no more slides are drawn.
    """

    def __init__(self, plan: DeckPlan, make_renderer: Callable[[], SlideRenderer] | None,
                 parent: QWidget | None = None) -> None:
        self.plan, self.make_renderer = plan, make_renderer
        self.renderer: SlideRenderer | None = None
        self.ready: queue.Queue[DrawnSlide | BaseException] = queue.Queue()
        self.finished = threading.Event()
        self.next_index = 0
        # Owned by `parent` when given: the build's thread may drop the last reference to this feed, and a
        # QTimer (or a slide's widgets) must not be destroyed there.
        self.timer = QTimer(parent)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._draw_next)

    def start(self) -> None:
        self.timer.start(0)

    def close(self) -> None:
        self.finished.set()
        self.timer.stop()

    def _draw_next(self) -> None:
        if self.finished.is_set() or self.next_index >= len(self.plan.slides):
            return
        if self.ready.qsize() >= DRAWN_AHEAD:
            self.timer.start(20)  # the build is behind: let it catch up
            return
        try:
            if self.renderer is None and self.make_renderer is not None:  # building the charts: a step of its own
                self.renderer = self.make_renderer()
                self.timer.start(0)
                return
            self.ready.put(draw_slide(self.renderer, self.plan, self.next_index))
        except Exception as error:  # handed to the build, which fails with it: the analyst hears why
            self.ready.put(error)
            return
        self.next_index += 1
        self.timer.start(0)

    def drawn(self, progress: Progress) -> Iterator[DrawnSlide]:
        """The slides in order, as they are drawn (on the build's thread); Cancel stops the wait."""
        try:
            for _ in self.plan.slides:
                while True:
                    progress.check()
                    try:
                        item = self.ready.get(timeout=0.05)
                    except queue.Empty:
                        continue
                    break
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.finished.set()


def export_deck_in_background(parent: QWidget, case: Case, fmt: str, out: Path,
                              renderer: Callable[[], SlideRenderer] | None = None) -> Outcome:
    """Export the deck with a progress dialog and Cancel (the Export Briefing menu item's way).

    `renderer` gives the slide to draw with (the storyboard's, already built for its thumbnails);
    without it one is built and closed after. Raises CaseError or ValueError before anything starts
    (no saved views, unknown format); how the export ended (written, failed, cancelled) is the Outcome's."""
    plan = plan_deck(case, fmt, out)
    feed = SlideFeed(plan, renderer or (lambda: SlideRenderer(case, DECK_SIZE)), parent)
    try:
        feed.start()
        return runner().run_modal(parent, "Exporting the briefing\u2026",
                                  lambda progress: build_deck(plan, feed.drawn(progress), progress),
                                  failure="The briefing was not exported")
    finally:
        feed.close()
        if renderer is None and feed.renderer is not None:
            feed.renderer.close()
        elif feed.renderer is not None:
            feed.renderer.resize(SLIDE_SIZE)  # the storyboard's own renderer goes back to its thumbnails' size
        # The runner may keep the build's closure, and so this feed, until its next task and then drop it on
        # its thread: nothing of the UI may be left in it (a window's widgets freed there hung or crashed the app).
        feed.renderer = feed.make_renderer = None
        feed.timer.deleteLater()


def _notes(slide: core.Slide) -> str:
    lines = [slide.notes] if slide.notes else []
    lapse = core.timelapse_of(slide.state)
    if lapse:
        lines.append("Time-lapse slide: in presentation mode it plays day by day; the deck shows its last day.")
    return "\n\n".join(lines)


# --- PDF -------------------------------------------------------------------------------------------

PDF_DPI = 144  # the page, 13.333 x 7.5 in, is 1920 x 1080 device pixels


def write_pdf(plan: DeckPlan, drawn: Iterable[DrawnSlide], out: Path, progress: Progress = NO_PROGRESS) -> int:
    pages, chunks = paint_pdf(plan, drawn, out, progress)
    # The bookmarks go in once Qt's writer and painter are gone (they belong to this thread).
    add_bookmarks(out, [f"{number}. {slide.title or '(untitled view)'}" for number, slide in
                        enumerate(plan.slides, start=1)]
                  + [sources_title(page, chunks) for page in range(chunks)])
    return pages


def paint_pdf(plan: DeckPlan, drawn: Iterable[DrawnSlide], out: Path, progress: Progress) -> tuple[int, int]:
    """Paint every page with Qt's PDF writer; (pages, pages of sources)."""
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QSizeF(*PAGE_MM), QPageSize.Unit.Millimeter, "16:9"))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape if PAGE_MM[0] < PAGE_MM[1]
                              else QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setResolution(PDF_DPI)
    writer.setTitle(f"{plan.title} - briefing")
    writer.setCreator("Case Workbench")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {out.name}")
    pages = 0
    width, height = writer.width(), writer.height()
    sheet = PdfSourcesSheet(width, height)
    chunks = sheet.pages(plan.sources)
    total = len(plan.slides) + len(chunks)
    try:
        for slide in drawn:
            if pages:
                writer.newPage()
            painter.save()
            # A QPicture plays at the resolution it was recorded at, scaled to the device's: undo that, so
            # that the slide's logical pixels fill the page.
            assert slide.picture is not None
            painter.scale(width / slide.size[0] * slide.picture.logicalDpiX() / writer.logicalDpiX(),
                          height / slide.size[1] * slide.picture.logicalDpiY() / writer.logicalDpiY())
            painter.drawPicture(0, 0, slide.picture)
            painter.restore()
            pages += 1
            progress(pages, total)
        for page, rows in enumerate(chunks):
            if pages:
                writer.newPage()
            sheet.paint(painter, plan, rows, page, len(chunks))
            pages += 1
            progress(pages, total)
    finally:
        painter.end()
    return pages, len(chunks)


def sources_title(page: int, pages: int) -> str:
    return "Sources cited on these slides" + (f" ({page + 1}/{pages})" if pages > 1 else "")


def add_bookmarks(path: Path, titles: list[str]) -> None:
    """One bookmark (outline entry) per page, opened beside the pages: Qt's PDF writer makes none."""
    import io  # pypdf is imported on the first PDF deck, not with the window

    from pypdf import PdfReader, PdfWriter

    document = PdfWriter(clone_from=PdfReader(io.BytesIO(path.read_bytes())))
    for index, title in enumerate(titles[:len(document.pages)]):
        document.add_outline_item(title=title, page_number=index)
    document.page_mode = "/UseOutlines"
    with path.open("wb") as file:
        document.write(file)


class PdfSourcesSheet:
    """The PDF's sources pages at a page size (device pixels): banners, title, the measured table, footer."""

    GAP = 16  # pixels between two columns

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.band = height * 0.045
        self.margin = width * 0.0175
        self.inner = width - 2 * self.margin
        self.body = self.font(0.019)
        self.heading = self.font(0.021, True)
        self.line = table.metrics_height(self.body)
        self.padding = self.line * 0.5
        self.widths = [share * self.inner - self.GAP for _, share in table.COLUMNS]
        self.header_top = self.band + height * 0.12
        self.header_height = table.metrics_height(self.heading) + self.padding
        self.rows_top = self.header_top + self.header_height
        self.footer_top = height - self.band - height * 0.05
        self.room = self.footer_top - height * 0.01 - self.rows_top

    def font(self, fraction: float, bold: bool = False) -> QFont:
        font = QFont()
        font.setPixelSize(max(int(self.height * fraction), 6))
        font.setBold(bold)
        return font

    def pages(self, sources: list[core.SlideSource]) -> list[list[table.Row]]:
        rows = table.source_rows(sources, self.body, self.widths)
        return table.paginate(rows, self.line, self.padding, self.room)

    def paint(self, painter: QPainter, plan: DeckPlan, rows: list[table.Row], page: int, pages: int) -> None:
        """One page of the sources cited on a slide: footnote, title and publisher, URL in full (a link), grade."""
        width, height, band, margin, inner = self.width, self.height, self.band, self.margin, self.inner
        painter.fillRect(QRectF(0, 0, width, height), QColor(BRIEFING_BACKGROUND))
        marking = plan.classification
        background, foreground = banner_colours(marking)
        for top in (0.0, height - band):
            painter.fillRect(QRectF(0, top, width, band), QColor(background))
            painter.setPen(QColor(foreground))
            painter.setFont(self.font(0.026, True))
            painter.drawText(QRectF(0, top, width, band), int(Qt.AlignmentFlag.AlignCenter), banner_text(marking))
        painter.setPen(QColor(BRIEFING_TEXT))
        painter.setFont(self.font(0.048, True))
        painter.drawText(QRectF(margin, band + height * 0.02, inner, height * 0.08),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), sources_title(page, pages))
        lefts = [margin + sum(share for _, share in table.COLUMNS[:index]) * inner
                 for index in range(len(table.COLUMNS))]
        for left, (heading, _) in zip(lefts, table.COLUMNS, strict=True):
            draw_line(painter, heading, self.heading, left, self.header_top + self.padding / 2, QColor(BRIEFING_MUTED))
        if not rows and page == 0:
            draw_line(painter, table.NO_SOURCE, self.body, margin, self.rows_top + self.padding / 2,
                      QColor(BRIEFING_TEXT))
        y = self.rows_top
        for index, row in enumerate(rows):
            row_height = row.lines * self.line + self.padding
            if index % 2 == 0:
                painter.fillRect(QRectF(margin - 4, y, inner + 8, row_height), QColor(255, 255, 255, 18))
            for column, (left, lines) in enumerate(zip(lefts, row.cells, strict=True)):
                link = row.url if column == table.URL_COLUMN else ""
                colour = QColor("#79c0ff" if link else BRIEFING_TEXT)
                for number, text in enumerate(lines):
                    draw_line(painter, text, self.body, left, y + self.padding / 2 + number * self.line, colour, link)
            y += row_height
        painter.setPen(QColor(BRIEFING_MUTED))
        painter.setFont(self.font(0.018))
        painter.drawText(QRectF(margin, self.footer_top, inner, height * 0.04),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         "Grades: Admiralty source reliability, A (reliable) to F (cannot be judged). " + plan.title)


def draw_line(painter: QPainter, text: str, font: QFont, x: float, y: float, colour: QColor, link: str = "") -> None:
    """One line of text, its top left at (x, y); with `link`, a link annotation over it in a PDF (Qt's PDF
    writer makes one for text drawn with an anchor format)."""
    text = text.rstrip("\n")
    layout = QTextLayout(text, font)
    layout.setCacheEnabled(True)
    formats = []
    character = QTextCharFormat()
    character.setForeground(colour)
    if link:
        character.setAnchor(True)
        character.setAnchorHref(link)
    span = QTextLayout.FormatRange()
    span.start, span.length, span.format = 0, len(text), character
    formats.append(span)
    layout.setFormats(formats)
    layout.beginLayout()
    line = layout.createLine()
    if line.isValid():
        line.setLineWidth(1e7)  # the text is one line already: wrapped by sources_table.wrap
        line.setPosition(QPointF(0, 0))
    layout.endLayout()
    painter.setPen(colour)
    layout.draw(painter, QPointF(x, y))


# --- PowerPoint ----------------------------------------------------------------------------------------


def write_pptx(plan: DeckPlan, drawn: Iterable[DrawnSlide], out: Path, progress: Progress = NO_PROGRESS) -> int:
    import io  # python-pptx is imported on the first deck, not with the window

    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    deck.core_properties.title = f"{plan.title} - briefing"
    deck.core_properties.author = "Case Workbench"
    width, height = deck.slide_width, deck.slide_height
    layout = deck.slide_layouts[5]  # "Title Only": a real title placeholder, so outlines and readers see titles
    marking = plan.classification
    background, foreground = banner_colours(marking)
    band = Inches(0.34)
    margin = Inches(0.4)

    def rgb(colour: str) -> RGBColor:
        return RGBColor.from_string(colour.lstrip("#").upper())

    def dark_background(slide: object) -> None:
        fill = slide.background.fill  # type: ignore[attr-defined]
        fill.solid()
        fill.fore_color.rgb = rgb("#0d1117")

    def text_box(slide: object, left: int, top: int, w: int, h: int, text: str, size: float, bold: bool = False,
                 colour: str = "#ffffff", align: object = PP_ALIGN.LEFT, name: str = "") -> object:
        shape = slide.shapes.add_textbox(left, top, w, h)  # type: ignore[attr-defined]
        if name:
            shape.name = name
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        paragraph = frame.paragraphs[0]
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = rgb(colour)
        return shape

    def banners(slide: object) -> None:
        for top in (0, height - band):
            shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, top, width, band)  # type: ignore[attr-defined]
            shape.name = "Classification banner"
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(background)
            shape.line.fill.background()
            shape.shadow.inherit = False
            frame = shape.text_frame
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame.margin_top = frame.margin_bottom = 0
            paragraph = frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.CENTER
            run = paragraph.add_run()
            run.text = banner_text(marking)
            run.font.size = Pt(13)
            run.font.bold = True
            run.font.color.rgb = rgb(foreground)

    def title(slide: object, text: str, size: float = 28) -> None:
        shape = slide.shapes.title  # type: ignore[attr-defined]
        shape.left, shape.top, shape.width, shape.height = margin, band + Inches(0.08), width - 2 * margin, Inches(0.9)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.text = text
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = True
            run.font.color.rgb = rgb("#ffffff")

    sheet = PptxSourcesSheet(width, height, band, margin)
    slides, chunks = plan.slides, sheet.pages(plan.sources)
    total = len(slides) + len(chunks)
    for number, (saved, drawing) in enumerate(zip(slides, drawn, strict=True), start=1):
        slide = deck.slides.add_slide(layout)
        dark_background(slide)
        banners(slide)
        title(slide, saved.title or "(untitled view)")
        top = band + Inches(1.0)
        if saved.caption:
            text_box(slide, margin, top, width - 2 * margin, Inches(0.7), saved.caption, 15, colour="#c9d1d9",
                     name="Caption")
            top += Inches(0.75)
        image = drawing.stage
        assert image is not None
        if drawing.stage_rect is not None:
            # Where the slide, laid out at the deck's size, has its charts: the picture is not scaled.
            x, y, w, h = drawing.stage_rect
            sx, sy = width / drawing.size[0], height / drawing.size[1]
            left, top, w, h = int(x * sx), int(y * sy), int(w * sx), int(h * sy)
        else:
            room_w, room_h = width - 2 * margin, height - band - Inches(0.45) - top
            ratio = image.width() / max(image.height(), 1)
            w = min(room_w, int(room_h * ratio))
            h = int(w / ratio)
            left = int((width - w) / 2)
        slide.shapes.add_picture(io.BytesIO(png_bytes(image)), Emu(left), Emu(int(top)), Emu(w), Emu(h))
        # The footer goes under the charts, where the slide has it, and above the banner.
        foot = max(min(int(top + h), height - band - Inches(0.3)), height - band - Inches(0.42))
        room = height - band - foot
        for box in (text_box(slide, margin, foot, Inches(9), room, plan.title, 11, colour="#c9d1d9", name="Case"),
                    text_box(slide, width - margin - Inches(2), foot, Inches(2), room, f"{number} / {len(slides)}",
                             13, bold=True, align=PP_ALIGN.RIGHT, name="Slide number")):
            frame = box.text_frame  # type: ignore[attr-defined]
            frame.margin_top = frame.margin_bottom = 0
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        notes = _notes(saved)
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        progress(number, total)

    for page, rows in enumerate(chunks):
        slide = deck.slides.add_slide(layout)
        dark_background(slide)
        banners(slide)
        title(slide, sources_title(page, len(chunks)))
        sheet.add_table(slide, rows)
        if not rows and page == 0:
            text_box(slide, margin, sheet.rows_top, width - 2 * margin, Inches(0.5), table.NO_SOURCE, 14)
        text_box(slide, margin, sheet.footer_top, Inches(12), Inches(0.36),
                 "Grades: Admiralty source reliability, A (reliable) to F (cannot be judged).", 11, colour="#c9d1d9",
                 name="Grades")
        progress(len(slides) + page + 1, total)
    deck.save(str(out))
    return len(slides) + len(chunks)


class PptxSourcesSheet:
    """The PowerPoint deck's sources slides: a table whose rows are as tall as their text, measured here.

    PowerPoint and LibreOffice grow a row to fit its text but never move the rows below onto another
    slide, so the rows of each slide are chosen here from measured heights. Text is measured in DejaVu
    Sans, wider than Arial (the font the table asks for) and than what LibreOffice puts in its place,
    on a line a little narrower than the cell: a renderer's own line breaks then take no more lines
    than measured. Lengths are in points.
    """

    FONT = "Arial"
    MEASURED_IN = "DejaVu Sans"
    BODY_PT, HEADING_PT = 11.0, 12.0
    MARGIN_X_PT, MARGIN_Y_PT = 5.0, 3.0
    WIDTH_ROOM = 0.9  # of the text's width: room for a wider font or another renderer's spacing
    SCALE = 20  # measuring font's pixels per point

    def __init__(self, width: int, height: int, band: int, margin: int) -> None:
        from pptx.util import Inches

        pt = 12700  # EMU
        self.left, self.width = margin, width - 2 * margin
        self.top = band + Inches(1.05)
        self.footer_top = height - band - Inches(0.42)
        measure = QFont(self.MEASURED_IN)
        measure.setPixelSize(round(self.BODY_PT * self.SCALE))
        self.measure = measure
        self.line = max(table.metrics_height(measure) / self.SCALE, 1.2 * self.BODY_PT)
        self.padding = 2 * self.MARGIN_Y_PT + 2.0
        self.header = max(1.2 * self.HEADING_PT, self.line) + self.padding
        self.rows_top = self.top + int(self.header * pt)
        self.room = (self.footer_top - Inches(0.08) - self.rows_top) / pt
        self.column_widths = [int(self.width * share) for _, share in table.COLUMNS]
        self.text_widths = [(w / pt - 2 * self.MARGIN_X_PT) * self.WIDTH_ROOM * self.SCALE for w in self.column_widths]

    def pages(self, sources: list[core.SlideSource]) -> list[list[table.Row]]:
        rows = table.source_rows(sources, self.measure, self.text_widths)
        return table.paginate(rows, self.line, self.padding, self.room)

    def row_height(self, row: table.Row | None) -> int:
        return int((self.header if row is None else row.lines * self.line + self.padding) * 12700)

    def add_table(self, slide: object, rows: list[table.Row]) -> object:
        from pptx.util import Pt

        heights = [self.row_height(None), *(self.row_height(row) for row in rows)]
        shape = slide.shapes.add_table(len(heights), len(table.COLUMNS), self.left, self.top,  # type: ignore[attr-defined]
                                       self.width, sum(heights))
        shape.name = "Sources"
        grid = shape.table
        for column, width in enumerate(self.column_widths):
            grid.columns[column].width = width
        for index, height in enumerate(heights):
            grid.rows[index].height = height
        texts = [[heading for heading, _ in table.COLUMNS],
                 *(["".join(lines) for lines in row.cells] for row in rows)]
        for index, cells in enumerate(texts):
            row = rows[index - 1] if index else None
            for column, text in enumerate(cells):
                cell = grid.cell(index, column)
                cell.margin_left = cell.margin_right = Pt(self.MARGIN_X_PT)
                cell.margin_top = cell.margin_bottom = Pt(self.MARGIN_Y_PT)
                frame = cell.text_frame
                frame.word_wrap = True
                paragraph = frame.paragraphs[0]
                run = paragraph.add_run()
                run.text = text.rstrip("\n")
                run.font.name = self.FONT
                run.font.size = Pt(self.HEADING_PT if row is None else self.BODY_PT)
                if row is not None and column == table.URL_COLUMN and row.url:
                    run.hyperlink.address = row.url
        return shape


# --- HTML ------------------------------------------------------------------------------------------------

HTML_STYLE = """
body { margin: 0; background: #30363d; font-family: "Segoe UI", "DejaVu Sans", Arial, sans-serif; }
.slide { position: relative; width: 1280px; max-width: 100%; aspect-ratio: 16 / 9; margin: 24px auto;
  background: #0d1117; color: #fff; display: flex; flex-direction: column; box-shadow: 0 2px 12px #000; }
.banner { text-align: center; font-weight: bold; padding: 4px; font-size: 16px; }
.body { flex: 1; display: flex; flex-direction: column; padding: 8px 24px; min-height: 0; }
h2 { margin: 4px 0; font-size: 34px; line-height: 1.15; overflow-wrap: anywhere; }
.caption { margin: 0 0 8px 0; font-size: 19px; color: #c9d1d9; overflow-wrap: anywhere; }
.stage { flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; }
.stage img { max-width: 100%; max-height: 100%; }
.foot { display: flex; justify-content: space-between; color: #c9d1d9; font-size: 15px; padding-top: 4px; }
.number { font-weight: bold; color: #fff; }
details.notes { width: 1280px; max-width: 100%; margin: -16px auto 24px auto; color: #e6edf3; font-size: 15px; }
table { border-collapse: collapse; width: 100%; font-size: 15px; }
th, td { text-align: left; padding: 4px 8px; vertical-align: top; overflow-wrap: anywhere; }
th { color: #c9d1d9; border-bottom: 1px solid #8b949e; }
tr:nth-child(even) td { background: #161b22; }
@media print { body { background: #fff; } .slide { break-after: page; box-shadow: none; margin: 0 auto; } }
"""


def write_html(plan: DeckPlan, drawn: Iterable[DrawnSlide], out: Path, progress: Progress = NO_PROGRESS) -> int:
    """One self-contained file: pictures as data: URIs, no scripts, nothing fetched (a CSP says so too)."""
    esc = html.escape
    marking = plan.classification
    background, foreground = banner_colours(marking)
    banner = (f'<div class="banner" style="background:{background};color:{foreground}">'
              f"{esc(banner_text(marking))}</div>")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Only inline styles and embedded pictures may load: the file never reaches the network.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(plan.title)} - briefing</title>",
        f"<style>{HTML_STYLE}</style></head><body>",
    ]
    slides, sources = plan.slides, plan.sources
    total = len(slides) + 1
    for number, (slide, drawing) in enumerate(zip(slides, drawn, strict=True), start=1):
        assert drawing.stage is not None
        picture = base64.b64encode(png_bytes(drawing.stage)).decode("ascii")
        caption = f'<p class="caption">{esc(slide.caption)}</p>' if slide.caption else ""
        parts.append(
            f'<section class="slide" id="slide-{number}">{banner}<div class="body">'
            f"<h2>{esc(slide.title or '(untitled view)')}</h2>{caption}"
            f'<div class="stage"><img alt="{esc(slide.title)}" src="data:image/png;base64,{picture}"></div>'
            f'<div class="foot"><span>{esc(plan.title)}</span><span class="number">{number} / {len(slides)}</span>'
            f"</div></div>{banner}</section>"
        )
        notes = _notes(slide)
        if notes:
            parts.append(f'<details class="notes"><summary>Speaker notes</summary><p>{esc(notes)}</p></details>')
        progress(number, total)
    rows = "".join(
        f"<tr><td>{esc(s.footnotes or '–')}</td><td>{esc(s.title or '(untitled)')}"
        f"{(' — ' + esc(s.publisher)) if s.publisher else ''}</td><td>{esc(s.url or '(no URL)')}</td>"
        f"<td>{esc(s.reliability)}</td></tr>"
        for s in sources
    ) or '<tr><td colspan="4">No source is cited by what these slides show.</td></tr>'
    parts.append(
        f'<section class="slide" id="sources">{banner}<div class="body"><h2>Sources cited on these slides</h2>'
        f'<div style="overflow:auto;flex:1"><table><tr><th>Footnote</th><th>Source</th><th>URL</th><th>Grade</th>'
        f"</tr>{rows}</table></div><div class=\"foot\"><span>Grades: Admiralty source reliability, A (reliable) "
        f"to F (cannot be judged).</span></div></div>{banner}</section>"
    )
    parts.append("</body></html>")
    out.write_text("\n".join(parts), encoding="utf-8")
    progress(total, total)
    return len(slides) + 1
