"""Briefing mode on real case files: saved views restore every pane, the storyboard re-orders with undo,
presentation keys, time-lapse slides, and PDF / PowerPoint / HTML decks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from workbench.core import storyboard as core
from workbench.core.filters import CaseFilter
from workbench.core.marking import banner_text
from workbench.core.sample import build_sample_case
from workbench.core.store import open_case
from workbench.ui.briefing.deck import STAGE_SCALE, export_deck
from workbench.ui.briefing.presentation import PresentationWindow, PresenterView
from workbench.ui.briefing.slides import SlideRenderer, fit_text
from workbench.ui.main_window import MainWindow

LONG_TITLE = ("Минск, 15 августа: Лукашенко и Кремль договорились о «всесторонней помощи» — "
              "a very long slide title that cannot fit on two lines of a slide at any sensible type size at all, "
              "so it must be cut with an ellipsis rather than run off the page")


@pytest.fixture
def window(qtbot, sample_path: Path, tmp_path: Path) -> MainWindow:
    copy = tmp_path / "belarus.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    assert window.open_path(copy)
    window.graph.flush()
    return window


def actor_id(window: MainWindow, name: str) -> str:
    return window.graph.graph.ids[window.graph.graph.names.index(name)]


def test_the_sample_ships_a_storyboard_of_9_to_17_august(sample_path: Path) -> None:
    with open_case(sample_path, read_only=True) as case:
        slides = core.slides(case)
    titles = " | ".join(s.title for s in slides)
    assert len(slides) >= 5
    for words in ("election", "shot dead", "warrants", "Kremlin", "state TV", "rallies", "Time-lapse"):
        assert words in titles
    assert [s.position for s in slides] == list(range(len(slides)))
    lapse = core.timelapse_of(slides[-1].state)
    assert lapse is not None
    windows = core.timelapse_windows(lapse[0], lapse[1], "Europe/Minsk")
    assert len(windows) == 9  # 9 to 17 August, day by day
    assert windows[0] == ("2020-08-08T21:00:00Z", "2020-08-09T20:59:59Z")


def test_restoring_a_saved_view_puts_every_pane_back_exactly(qtbot, window: MainWindow) -> None:
    selection, timeline, graph = window.selection, window.timeline, window.graph
    luka, kremlin = actor_id(window, "Aleksander Lukashenko"), actor_id(window, "Kremlin")
    selection.set_filter(CaseFilter(actor_kinds=frozenset({"person", "state", "security"}),
                                    confidence_floor="likely", reliability_floor="C", text="warrant"))
    selection.set_time_window("2020-08-13T21:00:00Z", "2020-08-15T20:59:59Z")
    selection.select("actors", [luka, kremlin])
    timeline.chart.lane_combo.setCurrentIndex(timeline.chart.lane_combo.findData("kinds"))
    timeline.chart.zoom(0.4)
    timeline.chart.pan_fraction(0.2)
    xy = graph.chart.xy.copy()
    xy[graph.graph.index[luka]] = (123.25, -45.5)
    graph.chart.set_positions(xy)
    graph.canvas.scale(1.7, 1.7)
    graph.chart.path_nodes = {graph.graph.index[luka], graph.graph.index[kremlin]}
    window.docks["sources"].hide()
    saved = {"timeline": timeline.view_state(), "graph": graph.view_state()}

    view_id = window.storyboard.save_view("Warrants, persons and states", "caption")
    assert view_id is not None
    with open_case(window.case.path, read_only=True) as other:
        stored = core.slides(other)[-1]
    assert stored.title == "Warrants, persons and states" and stored.thumbnail.startswith(b"\x89PNG")

    # Change everything, then go back to the view.
    selection.set_filter(CaseFilter())
    selection.set_time_window(None, None)
    selection.select("events", [])
    timeline.chart.lane_combo.setCurrentIndex(timeline.chart.lane_combo.findData("actors"))
    timeline.chart.fit()
    graph.canvas.fit()
    graph.chart.set_positions(xy * 0.5)
    graph.chart.path_nodes = set()
    window.docks["sources"].show()
    assert window.storyboard.restore(view_id, animate=False)

    assert selection.filter == CaseFilter(actor_kinds=frozenset({"person", "state", "security"}),
                                          confidence_floor="likely", reliability_floor="C", text="warrant")
    assert timeline.chart.current_filter() == selection.filter  # the controls show it too
    assert (selection.time_window.start, selection.time_window.end) == ("2020-08-13T21:00:00Z",
                                                                        "2020-08-15T20:59:59Z")
    assert selection.selection.table == "actors" and selection.selection.ids == (luka, kremlin)
    assert timeline.view_state() == saved["timeline"]
    assert timeline.chart.lane_mode == "kinds"
    now = graph.view_state()
    assert now["positions"] == saved["graph"]["positions"]
    assert now["positions"][luka] == [123.25, -45.5]
    assert now["zoom"] == pytest.approx(saved["graph"]["zoom"])
    assert now["centre"] == pytest.approx(saved["graph"]["centre"], abs=1.0 / now["zoom"])
    assert set(now["highlight"]["actors"]) == {luka, kremlin}
    assert window.docks["sources"].isHidden() and not window.docks["timeline"].isHidden()
    # Restoring shows the view; it does not rewrite the case's stored chart layout.
    with open_case(window.case.path, read_only=True) as other:
        assert other.conn.execute("SELECT count(*) FROM actor_layout").fetchone()[0] == 0


def test_restoring_a_view_shows_what_it_does_not_name_as_a_fresh_window_does(qtbot, window: MainWindow) -> None:
    """The sample's slides name a window, a selection and at most a highlight: restoring one in the main
    window puts every other part back to what a freshly opened case shows, not what was there before."""
    selection, timeline, graph, board = window.selection, window.timeline, window.graph, window.storyboard
    fresh = graph.view_state()
    slides = board.slides
    assert board.restore(slides[4].id, animate=False)
    assert len(graph.view_state()["highlight"]["actors"]) == 4
    selection.set_filter(CaseFilter(confidence_floor="likely", text="warrant"))
    timeline.chart.lane_combo.setCurrentIndex(timeline.chart.lane_combo.findData("kinds"))
    graph.chart.set_positions(graph.chart.xy * 0.5)
    graph.canvas.scale(2.0, 2.0)
    window.docks["sources"].hide()

    assert board.restore(slides[5].id, animate=False)
    now = graph.view_state()
    assert now["highlight"] == {"actors": [], "relations": []}
    assert now["positions"] == fresh["positions"]
    assert now["zoom"] == pytest.approx(fresh["zoom"])
    assert selection.filter == CaseFilter() and timeline.chart.current_filter() == CaseFilter()
    assert timeline.chart.lane_mode == "actors"
    assert not window.docks["sources"].isHidden()
    assert (selection.time_window.start, selection.time_window.end) == core.time_window_of(slides[5].state)


def presentation_pixels(presentation: PresentationWindow) -> QImage:
    """What the audience sees once the slide has arrived: transitions and moves ended, the time-lapse
    on its first day (presentation mode starts it there, however the slide was reached)."""
    presentation.view.stage.stop()
    QApplication.processEvents()
    return presentation.view.grab().toImage()


def deck_pixels(renderer: SlideRenderer, slide: core.Slide, number: int, total: int) -> tuple[QImage, QImage]:
    """A slide as the decks draw it: the whole slide as the PDF's vector picture (played into an image)
    and the charts as the PowerPoint and HTML decks' image."""
    renderer.show(slide, number, total)
    picture, (width, height) = renderer.picture()
    page = QImage(width, height, QImage.Format.Format_ARGB32)
    page.fill(0)
    painter = QPainter(page)
    painter.drawPicture(0, 0, picture)
    painter.end()
    return page, renderer.stage_image(STAGE_SCALE["pptx"])


def differing_pixels(one: QImage, other: QImage) -> int:
    """How many pixels differ between two images of one size (every pixel when the sizes differ)."""
    if one.size() != other.size():
        return max(one.width() * one.height(), other.width() * other.height())
    images = [image.convertToFormat(QImage.Format.Format_ARGB32) for image in (one, other)]  # kept: arrays view them
    a, b = (np.frombuffer(image.constBits(), np.uint32, image.width() * image.height()) for image in images)
    return int(np.count_nonzero(a != b))


def shown_alone(qtbot, case, slides: list, index: int) -> tuple[QImage, ...]:
    """Slide `index` as a fresh presentation and a fresh deck renderer show it first: (presentation, PDF, image)."""
    presentation = PresentationWindow(case, slides, start=index)
    qtbot.addWidget(presentation)
    presentation.start(fullscreen=False)
    renderer = SlideRenderer(case)
    try:
        return (presentation_pixels(presentation), *deck_pixels(renderer, slides[index], index + 1, len(slides)))
    finally:
        renderer.close()
        presentation.close()


def slides_that_differ(qtbot, case, slides: list, order: list[int], alone: list) -> list[str]:
    """Walk one presentation and one deck renderer through `order` (starting on slide 0) and name every slide
    whose pixels differ from `alone[index]`, the slide shown on its own."""
    total = len(slides)
    presentation = PresentationWindow(case, slides, start=0)
    qtbot.addWidget(presentation)
    presentation.start(fullscreen=False)
    renderer = SlideRenderer(case)
    wrong = []
    try:
        deck_pixels(renderer, slides[0], 1, total)
        for index in order:
            presentation.go(index)  # as the clicker's keys do: animated
            shown = (presentation_pixels(presentation), *deck_pixels(renderer, slides[index], index + 1, total))
            for where, now, expected in zip(("presentation", "PDF deck", "PowerPoint/HTML deck"), shown,
                                            alone[index], strict=True):
                if (count := differing_pixels(now, expected)):
                    wrong.append(f"slide {index + 1} in the {where}: {count} pixels differ")
    finally:
        renderer.close()
        presentation.close()
    return wrong


def test_a_slide_shows_the_same_after_any_slide_as_on_its_own(qtbot, sample_path: Path) -> None:
    """A slide is its whole state: every slide of the sample storyboard, reached from the slide before
    (and, going back, from the slide after), shows the same pixels as when it is shown first, in
    presentation mode and as the decks draw it. Slide 5 highlights four actors and slides 6-8 name no
    highlight: they must not keep slide 5's."""
    with open_case(sample_path, read_only=True) as case:
        slides = core.slides(case)
        total = len(slides)
        assert total >= 8 and "highlight" in slides[4].state.get("graph", {})
        alone = [shown_alone(qtbot, case, slides, index) for index in range(total)]
        order = [*range(1, total), *range(total - 2, -1, -1)]  # forward to the end, then back to the start
        wrong = slides_that_differ(qtbot, case, slides, order, alone)
    assert not wrong, "\n".join(wrong)


def test_a_slide_naming_every_part_leaves_nothing_behind(qtbot, sample_path: Path) -> None:
    """Slides that name what the sample's do not (filter, lanes and rows, places, zoom, colouring,
    sizing, legend, a closed dock), shown between sample slides, leave nothing of theirs behind."""
    with open_case(sample_path, read_only=True) as case:
        sample = core.slides(case)
        luka, kremlin = sample[4].state["graph"]["highlight"]["actors"][:2]
        dense = core.Slide("dense", "Everything named", "", 8, {
            **sample[3].state,
            "filter": core.filter_to_json(CaseFilter(confidence_floor="likely", text="a")),
            "timeline": {"lane_mode": "kinds", "lane_order": "name", "top_row": 2.0, "fitted": True},
            "graph": {"positions": {luka: [300.0, -200.0], kremlin: [-250.0, 180.0]}, "zoom": 1.6,
                      "centre": [0.0, 0.0], "colour_by": "community", "size_by": "degree", "legend": False,
                      "highlight": {"actors": [kremlin], "relations": []}},
            "docks": {"timeline": False}}, None)
        slides = [sample[5], dense, sample[6], dense, sample[1]]
        alone = [None, *(shown_alone(qtbot, case, slides, index) for index in range(1, len(slides)))]
        wrong = slides_that_differ(qtbot, case, slides, list(range(1, len(slides))), alone)
    assert not wrong, "\n".join(wrong)


def test_storyboard_reorder_edit_and_delete_are_undoable(qtbot, window: MainWindow) -> None:
    board = window.storyboard
    before = [s.id for s in board.slides]
    assert board.list.count() == len(before)
    assert board.move(0, 2)
    moved = [before[1], before[2], before[0], *before[3:]]
    assert [s.id for s in core.slides(window.case)] == moved
    assert board.list.ids() == moved
    assert board.list.item(2).text().startswith("3. Belarus, 9-17 August")
    window.undo_stack.undo()
    assert [s.id for s in core.slides(window.case)] == before == board.list.ids()
    window.undo_stack.redo()
    assert board.list.ids() == moved

    # A drag in the list (the model moves a row) ends in the same undoable re-order.
    window.undo_stack.undo()
    board.list.model().moveRow(board.list.rootIndex(), 3, board.list.rootIndex(), 0)
    assert [s.id for s in core.slides(window.case)][0] == before[3]
    window.undo_stack.undo()
    assert [s.id for s in core.slides(window.case)] == before

    assert board.set_details(before[1], {"title": LONG_TITLE, "caption": "<b>not bold</b>"})
    assert board.slide(before[1]).title == LONG_TITLE
    assert board.delete_view(before[1])
    assert before[1] not in [s.id for s in core.slides(window.case)]
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert board.slide(before[1]).title.startswith("9 August")


def test_presentation_keys_next_previous_blank_and_escape(qtbot, window: MainWindow) -> None:
    presentation = window.storyboard.present(0)
    assert isinstance(presentation, PresentationWindow)
    qtbot.addWidget(presentation)
    qtbot.waitExposed(presentation)
    assert presentation.index == 0
    view = presentation.view
    assert view.top_banner.text() == banner_text(window.case.classification) == view.bottom_banner.text()
    assert view.title.textFormat() == Qt.TextFormat.PlainText
    assert view.number.text() == f"1 / {len(presentation.slides)}"
    for key, expected in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_PageDown, 2), (Qt.Key.Key_Space, 3),
                          (Qt.Key.Key_Left, 2), (Qt.Key.Key_PageUp, 1)):
        qtbot.keyClick(presentation, key)
        assert presentation.index == expected, key
    presentation.view.stage.stop()
    stage_window = presentation.view.stage.selection.time_window
    slide = presentation.slides[1]
    assert (stage_window.start, stage_window.end) == core.time_window_of(slide.state)
    assert presentation.view.stage.selection.selection.ids == tuple(core.selection_of(slide.state)[1])
    # The analyst's own window is not moved by the briefing.
    assert window.selection.selection.ids == ()

    qtbot.keyClick(presentation, Qt.Key.Key_B)
    assert presentation.blanked and presentation.blank.geometry() == presentation.rect()
    qtbot.keyClick(presentation, Qt.Key.Key_B)
    assert not presentation.blanked
    qtbot.keyClick(presentation, Qt.Key.Key_Period)  # a clicker's blank button
    assert presentation.blanked
    qtbot.keyClick(presentation, Qt.Key.Key_PageDown)  # unblanks first, stays on the slide
    assert not presentation.blanked and presentation.index == 1
    qtbot.keyClick(presentation, Qt.Key.Key_End)
    assert presentation.index == len(presentation.slides) - 1
    qtbot.keyClick(presentation, Qt.Key.Key_Right)  # past the end: stays
    assert presentation.index == len(presentation.slides) - 1
    qtbot.keyClick(presentation, Qt.Key.Key_Escape)
    assert not presentation.isVisible()


def test_time_lapse_slide_plays_day_by_day_and_presenter_view_shows_notes(qtbot, window: MainWindow) -> None:
    presentation = window.storyboard.present(len(window.storyboard.slides) - 1)
    qtbot.addWidget(presentation)
    stage = presentation.view.stage
    assert len(stage.lapse_windows) == 9
    assert stage.selection.time_window.end == "2020-08-09T20:59:59Z"
    assert presentation.view.day.text().startswith("up to 9 Aug 2020")
    qtbot.waitUntil(lambda: stage.lapse_index >= 1, timeout=5000)
    assert stage.selection.time_window.end == "2020-08-10T20:59:59Z"
    stage.finish_timelapse()
    assert stage.selection.time_window.end == "2020-08-17T20:59:00Z"
    assert "9/9" in presentation.view.day.text()

    presenter = PresenterView(presentation)
    qtbot.addWidget(presenter)
    presenter.show_slide(0)
    assert presenter.notes.toPlainText() == presentation.slides[0].notes
    assert presenter.next_title.text() == presentation.slides[1].title
    assert re.fullmatch(r"\d+:\d\d:\d\d", presenter.clock.text())
    presenter.show_slide(len(presentation.slides) - 1)
    assert presenter.next_title.text() == "End of the storyboard"
    qtbot.keyClick(presenter, Qt.Key.Key_Home)  # the presenter's keys drive the slides too
    assert presentation.index == 0
    presenter.close()
    presentation.close()


def test_long_titles_are_cut_to_two_lines(qtbot) -> None:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setPixelSize(40)
    cut = fit_text(LONG_TITLE, font, 900, 2)
    assert cut.endswith("\u2026") and cut.startswith("Минск, 15 августа") and len(cut) < len(LONG_TITLE)
    assert fit_text("Short", font, 900, 2) == "Short"


@pytest.fixture
def deck_case(small_case: Path) -> Path:
    """The small case (SECRET//NOFORN, Cyrillic) with two saved views, one with a long Cyrillic title."""
    with open_case(small_case) as case:
        case.insert("views", {"title": LONG_TITLE, "caption": "Звонок <script>alert(1)</script> & co",
                              "position": 0, "state": core.dump_state({
                                  "time_window": {"start": "2020-08-15T00:00:00Z", "end": "2020-08-15T23:00:00Z"},
                                  "selection": {"table": "events", "ids": ["event-call"]},
                                  "notes": "Say: BelTA timing."})})
        case.insert("views", {"title": "The rumour", "caption": "", "position": 1, "state": core.dump_state({
            "time_window": {"start": "2020-08-14T00:00:00Z", "end": "2020-08-14T23:00:00Z"},
            "selection": {"table": "relations", "ids": ["relation-support"]},
            "timelapse": {"start": "2020-08-14T00:00:00Z", "end": "2020-08-15T20:00:00Z", "step_ms": 500}})})
    return small_case


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pdf_deck_has_a_page_per_slide_and_a_sources_page(qtbot, deck_case: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    before = sha256(deck_case)
    out = tmp_path / "deck.pdf"
    summary = export_deck(deck_case, "pdf", out)
    assert "2 pages of the storyboard and 1 of sources (2 sources cited)" in summary
    reader = PdfReader(str(out))
    assert len(reader.pages) == 3
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for text in texts:
        assert text.count("SECRET//NOFORN") == 2, text
    assert "Минск" in texts[0] and "1 / 2" in texts[0] and "\u2026" in texts[0]
    assert "Sources cited" in texts[2] and "belta.by" in texts[2] and "tass.com" in texts[2]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert float(width) / float(height) == pytest.approx(16 / 9, rel=0.01)
    assert sha256(deck_case) == before  # exporting reads the case only


def test_pptx_deck_has_titles_banners_notes_and_sources(qtbot, deck_case: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "deck.pptx"
    export_deck(deck_case, "pptx", out)
    deck = Presentation(str(out))
    slides = list(deck.slides)
    assert len(slides) == 3
    assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=0.01)
    assert [s.shapes.title.text for s in slides] == [LONG_TITLE, "The rumour", "Sources cited on these slides"]
    for slide in slides:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        assert texts.count("SECRET//NOFORN") == 2
    assert slides[0].notes_slide.notes_text_frame.text == "Say: BelTA timing."
    assert "time-lapse" in slides[1].notes_slide.notes_text_frame.text.lower()
    assert any(shape.shape_type == 13 for shape in slides[0].shapes)  # the rendered charts, a picture
    table = next(shape.table for shape in slides[2].shapes if shape.has_table)
    cells = [[table.cell(r, c).text for c in range(4)] for r in range(len(table.rows))]
    assert cells[0] == ["Footnote", "Source", "URL", "Grade"]
    assert {row[2] for row in cells[1:]} == {"https://www.belta.by/president/view/1", "https://tass.com/politics/2"}


def test_html_briefing_is_one_offline_file(qtbot, deck_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "deck.html"
    export_deck(deck_case, "html", out)
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert text.count('class="slide"') == 3 and text.count("SECRET//NOFORN") == 6
    assert "data:image/png;base64," in text
    assert not re.search(r"""(src|href)\s*=\s*(?!["']?data:)""", text, re.I)
    assert "url(" not in text and "@import" not in text
    cited = {"https://www.belta.by/president/view/1", "https://tass.com/politics/2"}
    for match in re.finditer(r"http", text):
        around = text[match.start():match.start() + 60]
        assert around.startswith("http-equiv") or any(around.startswith(url) for url in cited), around


def test_a_case_without_saved_views_has_no_deck(qtbot, small_case: Path, tmp_path: Path) -> None:
    from workbench.core.store import CaseError

    with pytest.raises(CaseError, match="no saved views"):
        export_deck(small_case, "pdf", tmp_path / "deck.pdf")
    assert not (tmp_path / "deck.pdf").exists()


def test_cli_exports_decks_of_the_sample(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys


    case = tmp_path / "sample.case"
    build_sample_case(case).close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for fmt in ("pdf", "html"):
        out = tmp_path / f"deck.{fmt}"
        result = subprocess.run([sys.executable, "-m", "workbench.cli", "export", str(case), "--format", fmt,
                                 "--out", str(out)], capture_output=True, text=True, env=env, timeout=180)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    empty = tmp_path / "empty.case"
    subprocess.run([sys.executable, "-m", "workbench.cli", "new", str(empty), "--title", "E"], check=True, env=env)
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "export", str(empty), "--format", "pdf",
                             "--out", str(tmp_path / "none.pdf")], capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not (tmp_path / "none.pdf").exists()


def test_the_app_exports_a_deck_in_the_background_with_progress(qtbot, qtlog, window: MainWindow,
                                                                 tmp_path: Path) -> None:
    """Export Briefing draws one slide per event-loop turn and writes the file on the task runner: the
    window keeps running (its timers fire) while the deck is made, and the deck is the command line's."""
    from pypdf import PdfReader
    from PySide6.QtCore import QTimer

    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    out = tmp_path / "deck.pdf"
    assert window.storyboard.export_deck("pdf", out)
    timer.stop()
    slides = len(window.storyboard.slides)
    assert len(ticks) >= slides  # at least one turn of the event loop per slide
    assert window.statusBar().currentMessage().startswith(f"Wrote {out}: {slides} pages of the storyboard")
    reader = PdfReader(str(out))
    assert len(reader.pages) == slides + 2  # 16 sources: two pages of them
    text = " ".join(reader.pages[1].extract_text().split())
    assert window.storyboard.slides[1].title.split(":")[0] in text and "Aleksander" in text  # chart text: vector
    assert not [record.message for record in qtlog.records if "thread" in record.message.lower()]


def test_cancelling_a_deck_export_leaves_the_previous_file(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    out = tmp_path / "deck.pptx"
    out.write_bytes(b"the previous deck")

    def press_cancel() -> None:  # as soon as the export is under way (its dialog shows after 300 ms)
        dialog = window.storyboard.findChild(QProgressDialog, "task_progress")
        if dialog is not None:
            dialog.findChild(QPushButton).click()
        else:
            QTimer.singleShot(20, press_cancel)

    QTimer.singleShot(0, press_cancel)
    assert not window.storyboard.export_deck("pptx", out)
    assert out.read_bytes() == b"the previous deck"
    assert list(tmp_path.glob("*deck*")) == [out]  # no partial file left beside it
    assert "cancelled" in window.statusBar().currentMessage()
