"""The document reader: an imported report built as a QTextDocument from plain-text runs, with its
footnote markers clickable, its cited passages highlighted, and a passage citable for a claim.

The report is untrusted. Its Markdown/HTML is never handed to Qt's rich-text engine: the core turns
it into plain-text runs (workbench.core.document) and this module inserts them with QTextCursor,
choosing every format itself. Links are kept as numbers into the reading, never as live hrefs,
the browser follows none of them, and any resource it asks for (an image, a style sheet) is refused.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.core.document import DocumentView, citation_values, document_view, documents
from workbench.core.evidence import CLAIM_TABLES, NOUN, claim_title
from workbench.core.queries import source_names
from workbench.core.store import Case, Changes
from workbench.ui import commands
from workbench.ui.plaintext import tip
from workbench.ui.selection import Selection, SelectionModel
from workbench.ui.sources.links import ask_to_open, copy_text
from workbench.ui.sources.plain import plain_label

CITED = QColor(255, 238, 170)  # every cited passage
CHOSEN = QColor(255, 196, 120)  # passages of the selected claim
MARKER_CHOSEN = QColor(255, 160, 160)  # footnote markers listing the selected source


class ReaderBrowser(QTextBrowser):
    """A QTextBrowser that follows no link and loads no resource; a click on plain text reports its position."""

    text_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.refused: list[str] = []  # every resource the document asked for, for tests to see there is none

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        self.refused.append(name.toString() if isinstance(name, QUrl) else str(name))
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        position = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection() \
                and not self.anchorAt(position):
            self.text_clicked.emit(self.cursorForPosition(position).position())


class DocumentReader(QWidget):
    """One of the case's documents, readable; markers select their sources, passages their claims."""

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.case: Case | None = None
        self.view: DocumentView | None = None
        self.target: tuple[str, str] | None = None  # the claim a selected passage would be cited for
        self.chosen_claims: set[tuple[str, str]] = set()
        self.chosen_sources: set[str] = set()

        self.documents = QComboBox(self)
        self.documents.setObjectName("reader_documents")
        # A long report title must not set the Sources dock's least width (it took the graph's room).
        self.documents.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.documents.setMinimumContentsLength(16)
        self.documents.currentIndexChanged.connect(self._document_chosen)
        self.cite_button = QPushButton("Cite selection\u2026", self)
        self.cite_button.setObjectName("reader_cite")
        self.cite_button.setToolTip("Cite the selected passage for the selected event, relation or actor")
        self.cite_button.clicked.connect(self._cite_menu)
        self.hint = plain_label("", self, wrap=False)
        self.hint.setObjectName("reader_hint")
        self.hint.setMinimumWidth(1)  # one line, cut at the dock's edge rather than widening the dock
        self.hint.setStyleSheet("QLabel { color: #555; }")
        self.browser = ReaderBrowser(self)
        self.browser.setObjectName("reader_text")
        self.browser.anchorClicked.connect(self._anchor_clicked)
        self.browser.text_clicked.connect(self._text_clicked)
        self.browser.selectionChanged.connect(self._update_cite)
        self.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(self._context_menu)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.documents, 1)
        bar.addWidget(self.cite_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.browser)
        selection.selection_changed.connect(self.selection_changed)
        self.set_case(None)

    # the case
    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.target = None
        current = self.view.document_id if self.view else None
        self.documents.blockSignals(True)
        self.documents.clear()
        for document_id, title in documents(case) if case else []:
            self.documents.addItem(title, document_id)
        index = max(0, self.documents.findData(current)) if current else 0
        self.documents.setCurrentIndex(index)
        self.documents.blockSignals(False)
        self.documents.setVisible(self.documents.count() > 1)
        self.load(self.documents.currentData())
        self.selection_changed(self.selection.selection, None)

    depends_on = frozenset({"documents", "footnotes", "citations", *CLAIM_TABLES})

    def case_changed(self, changes: Changes) -> None:
        if changes.touches({"documents", "footnotes"}):
            self.set_case(self.case)
        elif changes.touches({"citations"}) and self.view is not None:
            self.load(self.view.document_id, keep_scroll=True)
        elif changes.touches(CLAIM_TABLES):
            self._update_cite()

    def _document_chosen(self, _index: int) -> None:
        self.load(self.documents.currentData())

    def load(self, document_id: str | None, keep_scroll: bool = False) -> None:
        scroll = self.browser.verticalScrollBar().value()
        self.view = document_view(self.case, document_id) if self.case is not None and document_id else None
        self.browser.setDocument(self._build(self.view))
        if keep_scroll:
            self.browser.verticalScrollBar().setValue(scroll)
        self._paint()
        self._update_cite()

    def show_document(self, document_id: str) -> None:
        index = self.documents.findData(document_id)
        if index >= 0:
            self.documents.setCurrentIndex(index)

    # building the text: every run inserted as plain text with a format chosen here
    def _build(self, view: DocumentView | None) -> QTextDocument:
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        base = QFont(self.font())
        document.setDefaultFont(base)
        document.setDocumentMargin(10)
        cursor = QTextCursor(document)
        if view is None:
            plain = QTextCharFormat()
            plain.setForeground(QBrush(QColor(100, 100, 100)))
            cursor.insertText("This case holds no imported document." if self.case is not None
                              else "No case is open.", plain)
            return document
        link_index = {(span.start, span.end): n for n, span in enumerate(view.reading.links)}
        position = footnote_number = 0
        for number, block in enumerate(view.reading.blocks):
            block_format = QTextBlockFormat()
            block_format.setBottomMargin(8 if block.kind != "item" else 2)
            if block.kind == "heading":
                block_format.setTopMargin(6)
            if block.kind == "item":
                block_format.setIndent(1)
            if number == 0:
                cursor.setBlockFormat(block_format)
            else:
                cursor.insertBlock(block_format)
            for run in block.runs:
                text_format = QTextCharFormat()
                if block.kind == "heading":
                    text_format.setFontWeight(QFont.Weight.Bold)
                    text_format.setFontPointSize(base.pointSizeF() * (1.5 if block.level <= 2 else 1.25))
                if run.bold:
                    text_format.setFontWeight(QFont.Weight.Bold)
                if run.italic:
                    text_format.setFontItalic(True)
                if run.footnote is not None:
                    text_format.setVerticalAlignment(QTextCharFormat.VerticalAlignment.AlignSuperScript)
                    text_format.setAnchor(True)
                    # the href is our own number for the marker: the untrusted label never becomes a URL
                    text_format.setAnchorHref(f"fn:{footnote_number}")
                    footnote_number += 1
                    text_format.setForeground(QBrush(QColor(20, 80, 200)))
                    text_format.setFontWeight(QFont.Weight.Bold)
                    text_format.setToolTip(f"Footnote {run.footnote}: click to select its sources")
                elif run.link is not None:
                    n = link_index.get((position, position + len(run.text)))
                    if n is not None:
                        text_format.setAnchor(True)
                        text_format.setAnchorHref(f"link:{n}")
                        text_format.setForeground(QBrush(QColor(20, 80, 200)))
                        text_format.setFontUnderline(True)
                        text_format.setToolTip("A link: click to copy it or to open it in a browser (asks first)")
                cursor.insertText(run.text, text_format)
                position += len(run.text)
            position += 1
        return document

    # highlights: extra selections over the built text, so nothing of the text is rebuilt
    def _paint(self) -> None:
        extras = []
        view = self.view
        if view is not None:
            chosen = {(s, e) for s, e in view.spans_of(self.chosen_claims)}
            for passage in view.passages:
                extra = QTextEdit.ExtraSelection()
                extra.cursor = self._cursor(passage.start, passage.end)
                extra.format = QTextCharFormat()
                extra.format.setBackground(QBrush(CHOSEN if (passage.start, passage.end) in chosen else CITED))
                extras.append(extra)
            for span in view.markers_of(self.chosen_sources):
                extra = QTextEdit.ExtraSelection()
                extra.cursor = self._cursor(span.start, span.end)
                extra.format = QTextCharFormat()
                extra.format.setBackground(QBrush(MARKER_CHOSEN))
                extras.append(extra)
        self.browser.setExtraSelections(extras)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def highlighted(self) -> list[tuple[int, int, str]]:
        """(start, end, kind) of what is painted: 'cited', 'chosen' passages and 'marker's; for tests."""
        found = []
        for extra in self.browser.extraSelections():
            colour = extra.format.background().color()
            kind = {CITED.name(): "cited", CHOSEN.name(): "chosen", MARKER_CHOSEN.name(): "marker"}[colour.name()]
            found.append((extra.cursor.selectionStart(), extra.cursor.selectionEnd(), kind))
        return found

    # the shared selection
    def selection_changed(self, selection: Selection, origin: object) -> None:
        if self.case is None:
            self.chosen_claims, self.chosen_sources = set(), set()
        elif selection.table in CLAIM_TABLES:
            self.target = (selection.table, selection.ids[0])
            self.chosen_claims = {(selection.table, i) for i in selection.ids}
            self.chosen_sources = set()
        elif selection.table == "sources":
            self.chosen_sources = set(selection.ids)
        else:
            self.chosen_claims, self.chosen_sources = set(), set()
        self._paint()
        self._update_cite()
        if origin is not self and self.view is not None and selection:
            self._scroll_to_first()

    def _scroll_to_first(self) -> None:
        spans = sorted(self.view.spans_of(self.chosen_claims)) if self.chosen_claims else []
        if not spans and self.chosen_sources:
            spans = [(s.start, s.end) for s in self.view.markers_of(self.chosen_sources)]
        if spans:
            cursor = self._cursor(spans[0][0], spans[0][0])
            self.browser.setTextCursor(cursor)
            # a few lines of context above the passage, not the passage glued to the top edge
            bar = self.browser.verticalScrollBar()
            top = self.browser.cursorRect(cursor).top()
            bar.setValue(bar.value() + top - 3 * self.browser.fontMetrics().height())

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.view is not None and (self.chosen_claims or self.chosen_sources):
            self._scroll_to_first()

    def _anchor_clicked(self, url: QUrl) -> None:
        if self.view is None:
            return
        href = url.toString()
        if href.startswith("fn:"):
            number = int(href.split(":", 1)[1])
            if not 0 <= number < len(self.view.reading.footnotes):
                return
            label = self.view.reading.footnotes[number].value
            sources = self.view.footnote_sources.get(label, [])
            if sources:
                self.selection.select("sources", sources, origin=self)
            self.hint.setText(f"Footnote {label}: {len(sources)} source{'s' if len(sources) != 1 else ''} selected.")
        elif href.startswith("link:"):
            number = int(href.split(":", 1)[1])
            if 0 <= number < len(self.view.reading.links):
                self._link_menu(self.view.reading.links[number].value)

    def _link_menu(self, url: str, at: QPoint | None = None) -> None:
        menu = QMenu(self)
        menu.addAction("Copy link").triggered.connect(lambda: copy_text(url))
        menu.addAction("Open in browser\u2026").triggered.connect(lambda: ask_to_open(self, url))
        menu.popup(at or self.cursor().pos())

    def _text_clicked(self, position: int) -> None:
        """A click on a highlighted passage selects the claims it supports."""
        if self.view is None:
            return
        claims = [claim for passage in self.view.passages_at(position) for claim in passage.claims]
        if not claims:
            return
        table = next((t for t in CLAIM_TABLES if any(c[0] == t for c in claims)), claims[0][0])
        ids = list(dict.fromkeys(i for t, i in claims if t == table))
        self.selection.select(table, ids, origin=self)

    # citing a passage
    def selected_passage(self) -> tuple[int, int, str] | None:
        cursor = self.browser.textCursor()
        if not cursor.hasSelection() or self.view is None:
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        text = self.view.reading.text[start:end].strip()
        return (start, end, text) if text else None

    def _update_cite(self) -> None:
        passage = self.selected_passage()
        writable = self.case is not None and not self.case.read_only
        title = claim_title(self.case, *self.target) if self.case is not None and self.target else None
        if title is None:
            self.target = None
        self.cite_button.setEnabled(bool(writable and passage and self.target))
        if self.target and title:
            short = title if len(title) <= 40 else title[:39] + "\u2026"
            self.cite_button.setText(f"Cite for {NOUN[self.target[0]]}: {short}")
            self.cite_button.setToolTip(
                tip(f"Cite the selected passage for the {NOUN[self.target[0]]} \u201c{title}\u201d"))
        else:
            self.cite_button.setText("Cite selection\u2026")
            self.cite_button.setToolTip("Select an event, relation or actor, then a passage, to cite it")
        if self.case is not None and self.case.read_only:
            self.hint.setText("Read-only case: passages cannot be cited.")
        elif self.view is not None and not self.hint.text().startswith("Footnote"):
            n = len(self.view.passages)
            self.hint.setText(f"{n} cited passage{'s' if n != 1 else ''} highlighted; click a footnote marker "
                              "to select its sources, a passage to select its claims.")

    def candidate_sources(self) -> list[tuple[str, str]]:
        """(footnote label, source id) a selected passage would most likely cite: its nearest footnote first."""
        passage = self.selected_passage()
        if passage is None or self.view is None:
            return []
        label = self.view.reading.footnote_near(passage[0], passage[1])
        near = [(label, s) for s in self.view.footnote_sources.get(label, [])] if label else []
        rest = [(lab, s) for lab, ids in self.view.footnote_sources.items() for s in ids if (lab, s) not in near]
        return near + rest

    def _cite_menu(self) -> None:
        if self.case is None or self.view is None:
            return
        candidates = self.candidate_sources()
        menu = QMenu(self)
        names = source_names(self.case)
        near_label = candidates[0][0] if candidates else None
        others = menu
        for label, source_id in candidates:
            if label != near_label and others is menu:
                others = menu.addMenu("Other footnotes")
            text = f"[{label}] {names.get(source_id, '?')}"
            action = others.addAction(text if len(text) < 90 else text[:89] + "\u2026")
            action.triggered.connect(lambda _=False, lab=label, s=source_id: self.cite_selection(s, lab))
        if not candidates:
            menu.addAction("This document lists no sources").setEnabled(False)
        menu.popup(self.cite_button.mapToGlobal(self.cite_button.rect().bottomLeft()))

    def cite_selection(self, source_id: str, footnote: str = "") -> bool:
        """Cite the selected passage, from `source_id`, for the target claim: one undoable command."""
        passage = self.selected_passage()
        if self.case is None or self.view is None or passage is None or self.target is None:
            return False
        values = citation_values(source_id, self.target, passage[2], self.view.document_id, footnote)
        command = commands.insert_record(self.case, "citations", values,
                                        text=f"Cite passage for {NOUN[self.target[0]]}")
        return commands.push(self.selection.undo_stack, command)

    def _context_menu(self, point: QPoint) -> None:
        menu = self.browser.createStandardContextMenu(point)
        for action in menu.actions():
            if action.objectName() in ("link-copy",) or "Link" in action.text():
                menu.removeAction(action)
        anchor = self.browser.anchorAt(point)
        if anchor.startswith("link:") and self.view is not None:
            number = int(anchor.split(":", 1)[1])
            url = self.view.reading.links[number].value
            menu.addSeparator()
            menu.addAction("Copy link").triggered.connect(lambda: copy_text(url))
            menu.addAction("Open link in browser\u2026").triggered.connect(lambda: ask_to_open(self, url))
        if self.cite_button.isEnabled():
            menu.addSeparator()
            menu.addAction(self.cite_button.text()).triggered.connect(self._cite_menu)
        menu.exec(self.browser.mapToGlobal(point))


def has_images(document: QTextDocument) -> bool:
    """Whether a built document holds any image or object (it must not): for tests."""
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            char_format = iterator.fragment().charFormat()
            if char_format.isImageFormat() or char_format.objectType() != QTextFormat.ObjectTypes.NoObject:
                return True
            iterator += 1
        block = block.next()
    return False
