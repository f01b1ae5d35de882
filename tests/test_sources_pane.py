"""The Sources dock on real case files: linked selection both ways, claim view, health, reader, search,
source editing through undo, read-only cases, and hostile text that must stay inert plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import QMessageBox

from workbench.core.sample import build_sample_case
from workbench.core.store import open_case
from workbench.ui.main_window import MainWindow
from workbench.ui.sources.links import ask_to_open
from workbench.ui.sources.reader import has_images


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.case"
    build_sample_case(path).close()
    return path


@pytest.fixture
def window(qtbot, sample_file: Path, tmp_path: Path) -> MainWindow:
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_file.read_bytes())
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(copy)
    return window


def event_id(window: MainWindow, title_start: str) -> str:
    return window.case.conn.execute("SELECT id FROM events WHERE title LIKE ?", (title_start + "%",)).fetchone()[0]


def footnote_sources(window: MainWindow, label: str) -> list[str]:
    return [s for (s,) in window.case.conn.execute(
        "SELECT source_id FROM footnotes WHERE label = ? ORDER BY position", (label,))]


def source_rows(window: MainWindow) -> list[tuple[str, ...]]:
    model = window.panes["sources"].model
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


class UrlCatcher(QObject):
    """Takes the place of the system browser for http(s) through Qt's own URL handler hook."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:  # noqa: A003
        self.opened.append(url.toString())


def test_selecting_the_15_august_statement_shows_footnote_1_meduza_and_belta(qtbot, window: MainWindow) -> None:
    pane = window.sources
    statement = event_id(window, "Lukashenko tells the General Staff")
    window.panes["events"].view.selectRow(window.panes["events"].model.rows_of({statement})[0])
    rows = source_rows(window)
    assert [(r[0], r[2]) for r in rows] == [("1", "meduza.io"), ("1, 2", "belta.by")]
    assert pane.sources.scope_label.text().endswith(": 2 sources, best B2")
    assert pane.claim.line.text() == "2 sources, best B2"
    assert {row[2] for row in pane.claim.rows()} == {"meduza.io", "belta.by"}
    pane.sources.show_all.click()
    assert len(source_rows(window)) == 16


def test_clicking_a_citation_selects_its_source_and_keeps_the_claim(qtbot, window: MainWindow) -> None:
    pane = window.sources
    statement = event_id(window, "Lukashenko tells the General Staff")
    window.selection.select("events", [statement], origin="test")
    pane.show_tab("claim")
    first = pane.claim.citations.topLevelItem(0)
    pane.claim.citations.setCurrentItem(first)
    selection = window.selection.selection
    assert selection.table == "sources" and selection.ids == (first.data(0, Qt.ItemDataRole.UserRole),)
    assert pane.claim.line.text() == "2 sources, best B2"  # the claim view stays on its claim
    assert window.panes["sources"].selected_ids() == list(selection.ids)
    assert not pane.detail.isHidden() and pane.detail.url.text().startswith("https://meduza.io/")
    assert window.panes["events"].model.related >= {statement}  # the timeline shows what the source supports


def test_footnote_4_marker_selects_its_sources_and_highlights_putilo_and_taraykouski(qtbot, window: MainWindow) -> None:
    reader = window.sources.reader
    window.sources.show_tab("reader")
    marker = next(n for n, span in enumerate(reader.view.reading.footnotes) if span.value == "4")
    reader.browser.anchorClicked.emit(QUrl(f"fn:{marker}"))
    assert window.selection.selection.table == "sources"
    assert set(window.selection.selection.ids) == set(footnote_sources(window, "4"))
    related_events = {window.case.get("events", e)["title"] for e in window.panes["events"].model.related}
    assert {"Belarus issues an arrest warrant for NEXTA founder Stepan Putilo",
            "Russia issues an arrest warrant for Stepan Putilo", "Aleksander Taraykouski shot dead by police",
            "NEXTA re-shares the Euroradio video of Taraykouski's death"} <= related_events
    related_relations = window.panes["relations"].model.related
    assert any(window.case.get("relations", r)["kind"] == "arrest warrant" for r in related_relations)
    assert sum(1 for *_, kind in reader.highlighted() if kind == "marker") == 2  # in the text and in the notes


def test_selection_from_elsewhere_filters_the_source_list(qtbot, window: MainWindow) -> None:
    nevel = event_id(window, "Unverified report of Russian forces")
    window.selection.select("events", [nevel], origin="timeline")
    assert [r[2] for r in source_rows(window)] == ["twitter.com"]
    assert window.sources.claim.line.text() == "single source, unverified (F6)"
    forest = event_id(window, "Belarusian forest ministry")
    window.selection.select("events", [forest], origin="timeline")
    assert source_rows(window) == []
    assert "has no source: it is uncited" in window.sources.sources.scope_label.text()
    window.sources.sources.follow.setChecked(False)
    assert len(source_rows(window)) == 16
    window.selection.clear()
    assert window.sources.sources.scope_bar.isHidden()


def test_health_panel_lists_the_gaps_and_each_row_selects(qtbot, window: MainWindow) -> None:
    pane = window.sources
    pane.show_tab("health")
    health = pane.health
    assert health.category.itemText(0) == "No citation (8)"
    uncited = health.titles()
    assert any(t.startswith("Belarusian forest ministry bans entry") for t in uncited)
    assert any(t.startswith("Lukashenko rejects calls from Poland") for t in uncited)
    health.view.selectRow(0)
    assert window.selection.selection.table == "events"
    assert window.panes["events"].selected_ids() == list(window.selection.selection.ids)
    health.choose("single_source")
    assert any(t.startswith("Unverified report of Russian forces") for t in health.titles())
    health.choose(health.IMPACT)
    belta = footnote_sources(window, "2")
    window.selection.select("sources", belta, origin="test")
    assert any(t.startswith("BelTA edits its report") for t in health.titles())
    assert health.description.text().startswith("If it falls: ")


def test_citing_a_passage_for_the_selected_event_is_one_undoable_step(qtbot, window: MainWindow) -> None:
    pane = window.sources
    forest = event_id(window, "Belarusian forest ministry")
    window.selection.select("events", [forest], origin="timeline")
    pane.show_tab("reader")
    reader = pane.reader
    text = reader.view.reading.text
    start = text.index("This report tracks with bans on entrance")
    end = text.index("link up.") + len("link up.")
    cursor = reader.browser.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    reader.browser.setTextCursor(cursor)
    assert reader.cite_button.isEnabled() and "Belarusian forest" in reader.cite_button.text()
    label, source = reader.candidate_sources()[0]
    assert label == "3"  # the footnote standing nearest the passage
    assert reader.cite_selection(source, label)
    assert pane.claim.line.text() == "single source, unverified (F6)"
    (quote,) = [q for (q,) in window.case.conn.execute("SELECT quote FROM citations WHERE event_id = ?", (forest,))]
    assert quote.startswith("This report tracks with bans") and quote.endswith("link up.")
    assert any((s, e) == (start, end) and kind == "chosen" for s, e, kind in reader.highlighted())
    assert window.undo_action.text() == "&Undo Cite passage for event"
    window.undo_action.trigger()
    assert pane.claim.line.text() == "uncited: no source supports this"
    assert window.case.conn.execute("SELECT count(*) FROM citations WHERE event_id = ?", (forest,)).fetchone()[0] == 0


def test_clicking_a_cited_passage_selects_its_claims(qtbot, window: MainWindow) -> None:
    reader = window.sources.reader
    text = reader.view.reading.text
    reader.browser.text_clicked.emit(text.index("Several employees walked out"))
    assert window.selection.selection.table == "events"
    titles = [window.case.get("events", e)["title"] for e in window.selection.selection.ids]
    assert titles == ["Kochanova and Eismont meet protesting staff at the state TV and Radio company"]


def test_source_metadata_edits_go_through_undo(qtbot, window: MainWindow) -> None:
    pane = window.sources
    (tweet,) = footnote_sources(window, "3")
    window.selection.select("sources", [tweet], origin="test")
    detail = pane.detail
    detail.reliability.setCurrentIndex(detail.reliability.findData("D"))
    detail.reliability.activated.emit(detail.reliability.currentIndex())
    assert window.case.get("sources", tweet)["reliability"] == "D"
    assert "D" in [r[6] for r in source_rows(window)]
    detail.fields["language"].setText("en")
    detail.fields["language"].editingFinished.emit()
    assert window.case.get("sources", tweet)["language"] == "en"
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.case.get("sources", tweet)["reliability"] == "F"
    assert window.case.get("sources", tweet)["language"] == ""
    assert detail.reliability.currentData() == "F"



def test_an_edit_in_the_detail_does_not_reload_the_detail_but_undo_does(qtbot, window: MainWindow) -> None:
    """The detail names itself as the origin of its edits: the claims it lists are not re-read
    (the analyst's place in them stays), while the list, the inspector and undo still follow."""
    pane = window.sources
    belta = footnote_sources(window, "2")[0]
    window.selection.select("sources", [belta], origin="test")
    detail = pane.detail
    assert detail.claims_model.rowCount() >= 2
    detail.claims.selectRow(1)
    detail.fields["title"].setText("  BelTA\x00 on the call ")
    detail.fields["title"].editingFinished.emit()
    assert window.case.get("sources", belta)["title"] == "BelTA on the call"  # cleaned as the inspector does
    assert detail.heading.text() == "BelTA on the call"
    assert detail.fields["title"].text() == "BelTA on the call"
    assert [index.row() for index in detail.claims.selectionModel().selectedRows()] == [1]
    assert "BelTA on the call" in [row[1] for row in source_rows(window)]
    assert window.inspector.forms["sources"].fields["title"].text() == "BelTA on the call"
    window.undo_action.trigger()
    assert detail.heading.text() != "BelTA on the call"
    assert detail.fields["title"].text() == window.case.get("sources", belta)["title"]
    assert detail.claims.selectionModel().selectedRows() == []  # undo has no origin: the detail re-read all


def test_a_date_the_core_refuses_is_marked_under_the_form_and_not_written(qtbot, window: MainWindow) -> None:
    pane = window.sources
    (tweet,) = footnote_sources(window, "3")
    window.selection.select("sources", [tweet], origin="test")
    detail = pane.detail
    steps, before = window.undo_stack.count(), window.case.get("sources", tweet)
    detail.fields["published"].setText("3000-01-01")
    detail.fields["published"].editingFinished.emit()
    assert window.case.get("sources", tweet) == before
    assert window.undo_stack.count() == steps
    assert detail.problem.text() == "Published not saved: dates run from 1900 to 2100; 3000 is outside them"
    assert not detail.problem.isHidden()
    assert detail.fields["published"].text() == "3000-01-01"  # left for the analyst to put right
    detail.fields["published"].setText("2020-08-14")
    detail.fields["published"].editingFinished.emit()
    assert window.case.get("sources", tweet)["published"] == "2020-08-14"
    assert detail.problem.isHidden()

def test_read_only_case_disables_editing_and_citing(qtbot, sample_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ro.case"
    copy.write_bytes(sample_file.read_bytes())
    copy.chmod(0o444)
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        assert window.open_path(copy)
        pane = window.sources
        window.selection.select("sources", footnote_sources(window, "3"), origin="test")
        assert pane.detail.fields["title"].isReadOnly()
        assert not pane.detail.reliability.isEnabled()
        forest = event_id(window, "Belarusian forest ministry")
        window.selection.select("events", [forest], origin="test")
        cursor = pane.reader.browser.textCursor()
        cursor.setPosition(10)
        cursor.setPosition(40, QTextCursor.MoveMode.KeepAnchor)
        pane.reader.browser.setTextCursor(cursor)
        assert not pane.reader.cite_button.isEnabled()
        assert not pane.reader.cite_selection(footnote_sources(window, "3")[0])
        window.close()
    finally:
        copy.chmod(0o644)


def test_search_finds_omon_kochanova_and_cyrillic_and_enter_selects(qtbot, window: MainWindow) -> None:
    pane = window.sources
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.panes["events"].view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert pane.tabs.currentWidget() is pane.search
    search = pane.search
    qtbot.keyClicks(search.field, "OMON")
    qtbot.waitUntil(lambda: bool(search.hits), timeout=1000)
    found = search.grouped()
    assert "OMON special police enter the state TV building" in found["events"]
    assert found["actors"][0].startswith("OMON")
    search.field.setText("Kochanova")
    search.run()
    assert search.grouped()["actors"] == ["Natalya Kochanova"]
    qtbot.keyClick(search.field, Qt.Key.Key_Return)
    assert window.selection.selection.table == "events"  # the first hit: Events come first
    (tweet,) = footnote_sources(window, "8")
    window.case.update("sources", tweet, {"archived_text": "ОМОН зашёл в здание Белтелерадиокомпании"})
    search.field.setText("омон")  # QTest cannot type Cyrillic keys; the text path is the same
    search.run()
    assert tweet in [hit.record_id for hit in search.hits["sources"]]
    item = search.results.topLevelItem([search.results.topLevelItem(i).text(0).startswith("Sources")
                                        for i in range(search.results.topLevelItemCount())].index(True)).child(0)
    search.go(item)
    assert window.selection.selection.ids == (tweet,)
    assert window.panes["sources"].selected_ids() == [tweet]


def test_hostile_text_stays_plain_and_nothing_is_requested(answer_boxes, qtbot, window: MainWindow) -> None:
    case = window.case
    hostile = ('<img src="http://tracker.example/pixel.png"> <a href="file:///etc/passwd">passwd</a> '
               '<script>alert(1)</script> file:///etc/passwd')
    source = case.insert("sources", {"url": "file:///etc/passwd", "title": "<b>Bold</b> <img src=http://x.example/i>",
                                      "archived_text": hostile, "reliability": "E"})
    document = case.insert("documents", {"title": "<i>hostile</i>", "format": "html", "text":
                                         f"<p>Claim<sup>1</sup> {hostile}</p><img src='http://x.example/2.png'>"
                                         "<link rel=stylesheet href='http://x.example/s.css'>"})
    case.link("footnotes", {"document_id": document, "label": "1", "source_id": source})
    window.selection.select("sources", [source], origin="test")
    detail = window.sources.detail
    assert detail.archived.toPlainText() == hostile
    assert detail.heading.text() == "<b>Bold</b> <img src=http://x.example/i>"
    assert detail.heading.textFormat() == Qt.TextFormat.PlainText
    row = window.panes["sources"].model.rows_of({source})[0]
    assert window.panes["sources"].model.index(row, 1).data() == "<b>Bold</b> <img src=http://x.example/i>"
    reader = window.sources.reader
    reader.show_document(document)
    window.sources.show_tab("reader")
    qtbot.wait(50)
    shown = reader.browser.toPlainText()
    assert "Claim" in shown and "alert" not in shown and "passwd" in shown
    assert reader.browser.refused == []  # no image, style sheet or link was asked for
    assert not has_images(reader.browser.document())
    assert reader.browser.document().toHtml().count("<img") == 0
    # the link is kept only as a number into the reading, never as an href the browser could follow
    assert 'href="file:' not in reader.browser.document().toHtml()
    assert 'href="link:' in reader.browser.document().toHtml()
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        answer = answer_boxes(QMessageBox.StandardButton.Open)
        assert not ask_to_open(window, "file:///etc/passwd")
        assert answer.texts and answer.texts[-1].startswith("Only http and https links")
        assert not detail.open_url.isEnabled() or not ask_to_open(window, detail.url.text())
        assert catcher.opened == []
        answer.button = QMessageBox.StandardButton.Cancel
        assert not ask_to_open(window, "https://meduza.io/news/1")
        assert "leaves the offline environment" in answer.texts[-1]
        answer.button = QMessageBox.StandardButton.Open
        assert ask_to_open(window, "https://meduza.io/news/1")
        assert catcher.opened == ["https://meduza.io/news/1"]
        answer.timer.stop()
    finally:
        QDesktopServices.unsetUrlHandler("file")
        QDesktopServices.unsetUrlHandler("https")


def test_grouping_by_footnote_lists_belta_under_1_and_2(qtbot, window: MainWindow) -> None:
    sources = window.sources.sources
    sources.grouping.setCurrentIndex(sources.grouping.findData("footnote"))
    groups = dict(sources.grouped_rows())
    belta = footnote_sources(window, "2")[0]
    assert belta in groups["footnote 1 (2)"] and belta in groups["footnote 2 (1)"]
    window.selection.select("sources", [belta], origin="test")
    assert sum(item.isSelected() for g in range(sources.tree.topLevelItemCount())
               for item in [sources.tree.topLevelItem(g).child(n)
                            for n in range(sources.tree.topLevelItem(g).childCount())]) == 2
    sources.grade.setCurrentIndex(sources.grade.findData("F"))
    assert {title.split(" (")[0] for title, _ in sources.grouped_rows()} == {"footnote 3", "footnote 4",
                                                                             "footnote 6", "footnote 8",
                                                                             "footnote 9"}


def test_empty_case_and_closing_leave_a_calm_pane(qtbot, tmp_path: Path) -> None:
    from workbench.core.store import create_case

    create_case(tmp_path / "empty.case", "Empty").close()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(tmp_path / "empty.case")
    pane = window.sources
    assert source_rows(window) == []
    pane.show_tab("health")
    assert pane.health.category.itemText(0) == "No citation (0)"
    assert "no imported document" in pane.reader.browser.toPlainText()
    pane.search.field.setText("anything")
    pane.search.run()
    assert pane.search.summary.text() == "Nothing matches."
    window.close_case()
    assert pane.claim.heading.text() == "No case is open."
    with open_case(tmp_path / "empty.case", read_only=True) as case:
        assert case.counts()["citations"] == 0


def test_health_panel_follows_the_time_window_and_says_so(qtbot, window: MainWindow) -> None:
    # Issue 19 item 3: the claims listed narrow to the shared time window, as every list does.
    from workbench.core.window import in_time_window

    pane = window.sources
    pane.show_tab("health")
    health = pane.health
    health.choose("uncited")
    whole = health.titles()
    assert len(whole) == 8 and "Time window" not in health.description.text()
    start, end = "2020-08-09T00:00:00Z", "2020-08-11T23:59:59Z"
    window.selection.set_time_window(start, end, origin="test")
    inside = in_time_window(window.case, "events", start, end)
    assert inside is not None
    expected = [item.title for item in health.model.items]
    assert health.titles() == expected and 0 < len(expected) < len(whole)
    assert all(item.record_id in inside for item in health.model.items if item.table == "events")
    assert f"{len(expected)} of 8 listed" in health.description.text()
    assert health.description.text().count("Time window") == 1
    window.selection.set_time_window(*window.case.date_range(), origin="test")
    assert health.titles() == whole and "Time window" not in health.description.text()
