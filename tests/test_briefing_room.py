"""Slides drawn for the room and showing their story: at 1920x1080 every chart text is at least 18 px and no two
labels overlap (read from the items' rectangles), in presentation mode and in the decks, which are laid out at
their own size; a slide's focus shows only the lanes, actors and ties of its story."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontInfo, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QApplication

from workbench.core import storyboard as core
from workbench.core.store import open_case
from workbench.ui.briefing.deck import DrawnSlide, draw_slide, export_deck, plan_deck
from workbench.ui.briefing.presentation import PresentationWindow
from workbench.ui.briefing.slides import DECK_SIZE, SlideRenderer, SlideStage

pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (the test extra) reads the decks' text sizes")

MIN_PX = 18


def axis_label_rects(axis) -> list[tuple[QRectF, str]]:
    """The rectangles pyqtgraph draws an axis's labels in, as it computes them for painting."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in texts if text]


def overlaps(rects: list[QRectF]) -> list[tuple[int, int]]:
    return [(a, b) for a in range(len(rects)) for b in range(a + 1, len(rects))
            if rects[a].adjusted(0.5, 0.5, -0.5, -0.5).intersects(rects[b].adjusted(0.5, 0.5, -0.5, -0.5))]


def stage_problems(stage: SlideStage, where: str) -> list[str]:
    """Chart text under MIN_PX or overlapping, on one slide's charts as drawn now."""
    problems = []
    QApplication.processEvents()
    timeline, chart, canvas = stage.timeline, stage.graph.chart, stage.graph.canvas
    if timeline.isVisible():
        layer = timeline.events
        for font in (layer.font, layer.italic):
            if QFontInfo(font).pixelSize() < MIN_PX:
                problems.append(f"{where}: timeline labels {QFontInfo(font).pixelSize()} px")
        frame = layer.last_frame
        metrics = QFontMetricsF(layer.font)
        labels = [QRectF(x, y - metrics.ascent(), width, metrics.height()) for x, y, _e, width in frame.labels]
        if overlaps(labels):
            problems.append(f"{where}: timeline labels overlap")
        axes = (timeline.plot.getAxis("left"), timeline.plot.getAxis("bottom"), timeline.overview.getAxis("bottom"))
        for axis in axes:
            rects = axis_label_rects(axis)
            font = axis.style["tickFont"]
            if font is None or QFontInfo(font).pixelSize() < MIN_PX:
                problems.append(f"{where}: axis labels under {MIN_PX} px: {[text for _, text in rects[:3]]}")
            if overlaps([rect for rect, _ in rects]):
                problems.append(f"{where}: axis labels overlap")
    if stage.graph.isVisible():
        scale = canvas.transform().m11()
        placement = chart.label_placement(scale)
        for name in ("font", "edge_font"):
            if QFontInfo(placement[name]).pixelSize() < MIN_PX:
                problems.append(f"{where}: graph {name} {QFontInfo(placement[name]).pixelSize()} px")
        transform = canvas.viewportTransform()
        names = [transform.mapRect(r) for r in chart.label_rects().values()]
        edges = [transform.mapRect(r) for r in chart.edge_label_rects().values()]
        if overlaps(names + edges):
            problems.append(f"{where}: graph labels overlap")
        shown = [v for v, on in enumerate(chart.graph_slice.node_shown) if on]
        if len(chart.label_rects()) < len(shown):
            unnamed = sorted(set(shown) - set(chart.label_rects()))
            problems.append(f"{where}: unnamed actors {[chart.graph.names[v] for v in unnamed]}")
        legend = canvas.legend
        if legend.isVisible() and legend.text_px < MIN_PX:
            problems.append(f"{where}: legend {legend.text_px} px")
    return problems


def test_presentation_at_1920x1080_draws_chart_text_of_18_px_that_never_overlaps(qtbot, sample_path: Path) -> None:
    with open_case(sample_path, read_only=True) as case:
        slides = core.slides(case)
        presentation = PresentationWindow(case, slides, start=0)
        qtbot.addWidget(presentation)
        presentation.resize(1920, 1080)
        presentation.start(fullscreen=False)
        problems = []
        try:
            for index in range(len(slides)):
                presentation.go(index, animate=False)
                presentation.view.stage.stop()
                assert presentation.view.size().width() == 1920
                problems += stage_problems(presentation.view.stage, f"slide {index + 1}")
        finally:
            presentation.close()
    assert not problems, "\n".join(problems)


def test_decks_are_laid_out_at_their_own_size_with_chart_text_of_18_px(qtbot, sample_path: Path,
                                                                       tmp_path: Path) -> None:
    """The renderer lays each slide out at 1920x1080 (not a smaller slide scaled up): its charts pass the
    presentation's checks there; the PDF's slide pages hold no text under 18 px of 1080 (9 pt on its 540 pt
    page); the PowerPoint deck's chart pictures are placed at their own pixel size."""
    from pptx import Presentation

    with open_case(sample_path, read_only=True) as case:
        plan = plan_deck(case, "pdf", tmp_path / "deck.pdf")
        renderer = SlideRenderer(case)  # a thumbnail's size: drawing for a deck lays it out anew
        problems = []
        try:
            for index in range(len(plan.slides)):
                drawn: DrawnSlide = draw_slide(renderer, plan, index)
                assert drawn.size == (DECK_SIZE.width(), DECK_SIZE.height())
                problems += stage_problems(renderer.view.stage, f"deck slide {index + 1}")
        finally:
            renderer.close()
    assert not problems, "\n".join(problems)

    pdf_path, pptx_path = tmp_path / "deck.pdf", tmp_path / "deck.pptx"
    export_deck(sample_path, "pdf", pdf_path)
    export_deck(sample_path, "pptx", pptx_path)
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages[:len(plan.slides)], start=1):
            scale = 1080 / float(page.height)
            small = [c["text"] for c in page.chars if c["text"].strip() and c["size"] * scale < MIN_PX - 0.5]
            assert not small, f"PDF page {number}: {len(small)} characters under {MIN_PX} px: {''.join(small[:40])}"
    deck = Presentation(str(pptx_path))
    for number, slide in enumerate(list(deck.slides)[:len(plan.slides)], start=1):
        picture = next(shape for shape in slide.shapes if shape.shape_type == 13)
        pixels_wide = picture.image.size[0]
        placed = picture.width * DECK_SIZE.width() / deck.slide_width
        assert abs(pixels_wide - placed) <= 2, f"slide {number}: a {pixels_wide} px picture shown {placed:.0f} px wide"


def test_a_focused_slide_shows_only_its_story(qtbot, sample_path: Path) -> None:
    """Slide 5 of the sample focuses on Lukashenko, the Kremlin, CSTO, the Union State, the General Staff and
    BelTA: its timeline has their lanes only and its graph shows them and their ties alone; slide 7 fades the
    rest instead; slide 1 names no focus and shows every lane."""
    with open_case(sample_path, read_only=True) as case:
        slides = core.slides(case)
        focused = core.focus_of(slides[4].state)
        assert focused is not None and not focused.fade and len(focused.actors) == 6
        renderer = SlideRenderer(case, DECK_SIZE)
        try:
            renderer.show(slides[4], 5, len(slides))
            stage = renderer.view.stage
            lanes = set(stage.timeline.layout.keys)
            assert lanes == set(focused.actors) & lanes and lanes, "a lane of an actor outside the story"
            assert len(lanes) >= 4
            chart, graph = stage.graph.chart, stage.graph.graph
            shown = {graph.ids[v] for v, on in enumerate(chart.graph_slice.node_shown) if on}
            assert shown == focused.actors
            for edge in chart.graph_slice.shown_edges():
                assert {graph.ids[graph.src[edge]], graph.ids[graph.dst[edge]]} <= focused.actors

            renderer.show(slides[0], 1, len(slides))
            assert len(stage.timeline.layout.keys) > 20 and all(stage.graph.chart.graph_slice.node_shown)

            faded = core.focus_of(slides[6].state)
            assert faded is not None and faded.fade
            renderer.show(slides[6], 7, len(slides))
            assert len(stage.timeline.layout.keys) > len(faded.actors)  # every lane stays
            assert stage.timeline.faded is not None and stage.timeline.faded.any()
            story_nodes = {graph.index[a] for a in faded.actors}
            assert stage.graph.chart.path_nodes == story_nodes  # stand out; the rest fades
        finally:
            renderer.close()


def test_callouts_are_kept_in_the_view_undoable_and_drawn_in_presentation_and_decks(qtbot, sample_path: Path,
                                                                                   tmp_path: Path) -> None:
    """A note on an actor, an arrow on an event and a note at a point of the graph: each one undo step in the
    saved view, drawn at the slide's text size where it points, in presentation mode and in the PDF deck
    (its text, 18 px or more) and the PowerPoint deck (its picture of the charts)."""
    from pypdf import PdfReader

    from workbench.ui.main_window import MainWindow

    copy = tmp_path / "belarus.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    assert window.open_path(copy)
    board = window.storyboard
    slide = board.slides[4]
    luka = slide.state["graph"]["highlight"]["actors"][0]
    event = next(e for e in window.case.rows("events") if e["title"].startswith("Lukashenko tells the General"))
    assert board.add_callout(slide.id, "text", "Help 'at the first request'", ("actors", luka, (0.0, 0.0)))
    assert board.add_callout(slide.id, "arrow", "BelTA edits this later", ("events", event["id"], (0.0, 0.0)))
    window.selection.select("actors", [])
    assert board.add_callout(slide.id, "text", "Nothing here yet")  # nothing selected: the graph's middle
    callouts = core.callouts_of(board.slide(slide.id).state)
    assert [(c.kind, c.table) for c in callouts] == [("text", "actors"), ("arrow", "events"), ("text", "")]
    window.undo_stack.undo()
    assert len(core.callouts_of(board.slide(slide.id).state)) == 2
    window.undo_stack.redo()
    assert core.callouts_of(board.slide(slide.id).state) == callouts
    assert board.remove_callout(slide.id, callouts[2].id)
    window.undo_stack.undo()
    assert core.callouts_of(board.slide(slide.id).state) == callouts
    from workbench.ui.briefing.storyboard import ViewEditor

    editor = ViewEditor(board.slide(slide.id), (None, None), board)  # untick one: taken off on OK
    qtbot.addWidget(editor)
    assert editor.callouts.count() == 3
    editor.callouts.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert board.set_details(slide.id, editor.changes(board.slide(slide.id)))
    assert core.callouts_of(board.slide(slide.id).state) == [callouts[0], callouts[2]]
    window.undo_stack.undo()
    assert core.callouts_of(board.slide(slide.id).state) == callouts

    presentation = board.present(4)
    qtbot.addWidget(presentation)
    stage = presentation.view.stage
    stage.stop()
    marks = {mark.callout.id: (mark, holder) for mark, holder in stage.callout_marks}
    assert set(marks) == {c.id for c in callouts}
    chart = stage.graph.chart
    on_actor = marks[callouts[0].id][0]
    v = stage.graph.graph.index[luka]
    assert (on_actor.pos().x(), on_actor.pos().y()) == pytest.approx(tuple(float(c) for c in chart.xy[v]))
    assert marks[callouts[1].id][1] is stage.timeline.view
    for mark, _holder in marks.values():
        assert QFontInfo(mark.font).pixelSize() >= MIN_PX * presentation.view.height() / 1080 - 1
    presentation.close()

    out = tmp_path / "deck.pdf"
    assert board.export_deck("pdf", out)
    import unicodedata

    text = unicodedata.normalize("NFKC", " ".join(PdfReader(str(out)).pages[4].extract_text().split()))  # "ﬁ"
    for callout in callouts:
        assert callout.text in text, callout.text
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[4]
        sizes = {c["size"] * 1080 / float(page.height) for c in page.chars if c["text"] in "BelTAedi"}
        assert min(sizes) >= MIN_PX - 0.5


def test_the_view_editor_sets_and_clears_a_focus_as_one_undo_step(qtbot, sample_path: Path, tmp_path: Path) -> None:
    from workbench.ui.briefing.storyboard import ViewEditor
    from workbench.ui.main_window import MainWindow

    copy = tmp_path / "belarus.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(copy)
    board = window.storyboard
    slide = board.slides[5]  # selects the OMON event: its story is OMON and the state TV company
    story = core.story_actors(window.case, slide.state)
    assert len(story) == 2
    editor = ViewEditor(slide, core.time_window_of(slide.state), board, story=frozenset())
    qtbot.addWidget(editor)
    assert editor.focus.isEnabled() and editor.focus.currentData() == "hide"  # the sample focuses it already
    editor.focus.setCurrentIndex(editor.focus.findData(""))
    assert board.set_details(slide.id, editor.changes(slide))
    assert core.focus_of(board.slide(slide.id).state) is None
    window.undo_stack.undo()
    assert core.focus_of(board.slide(slide.id).state) == core.focus_of(slide.state)

    plain = core.Slide(slide.id, slide.title, "", 0, {k: v for k, v in slide.state.items() if k != "focus"}, None)
    editor = ViewEditor(plain, core.time_window_of(slide.state), board, story=story)
    qtbot.addWidget(editor)
    editor.focus.setCurrentIndex(editor.focus.findData("fade"))
    focus = core.focus_of(core.parse_state(editor.changes(plain)["state"]))
    assert focus is not None and focus.fade and focus.actors == story
