"""The Storyboard dock: saved views in order with their thumbnails; save, update, edit, re-order and delete
them (each an undo command), go back to one, present them, export them as a deck."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QStatusBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.core import storyboard as core
from workbench.core.ops.callouts import add_callout, remove_callout
from workbench.core.store import Case, CaseError, Changes
from workbench.core.times import case_zone, utc_to_local
from workbench.ui.briefing.deck import FORMATS, export_deck_in_background
from workbench.ui.briefing.presentation import PresentationWindow
from workbench.ui.briefing.slides import SlideRenderer
from workbench.ui.briefing.state import Panes, capture_state, restore_state
from workbench.ui.checked_form import ok_cancel
from workbench.ui.commands import Operation, delete_records, insert_record, push, update_record
from workbench.ui.plaintext import tip, warn

THUMBNAIL_DELAY_MS = 600


class StoryboardHost(Panes, Protocol):
    """What the storyboard needs from the main window: the panes a view captures, the undo stack its
    commands go on, the status bar it reports in, and a widget to hang its shortcuts on."""

    @property
    def undo_stack(self) -> QUndoStack: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - QMainWindow's name

    def addAction(self, action: QAction) -> None: ...  # noqa: N802 - QWidget's name


FOCUS_CHOICES = (("Everything in the case", ""), ("Only its story", "hide"), ("Its story, the rest faded", "fade"))


class ViewEditor(QDialog):
    """Title, caption, speaker notes, time-lapse and focus of a saved view."""

    def __init__(self, slide: core.Slide, window_span: tuple[str | None, str | None], parent: QWidget | None = None,
                 story: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit view")
        self.title = QLineEdit(slide.title, self)
        self.caption = QPlainTextEdit(slide.caption, self)
        self.caption.setTabChangesFocus(True)
        self.notes = QPlainTextEdit(slide.notes, self)
        self.notes.setTabChangesFocus(True)
        lapse = core.timelapse_of(slide.state)
        self.timelapse = QCheckBox("Play the time window day by day", self)
        self.timelapse.setChecked(lapse is not None)
        self.pace = QSpinBox(self)
        self.pace.setRange(core.MIN_STEP_MS, core.MAX_STEP_MS)
        self.pace.setSingleStep(100)
        self.pace.setSuffix(" ms a day")
        self.pace.setValue(lapse[2] if lapse else core.TIMELAPSE_STEP_MS)
        self.window_span = window_span
        focus = core.focus_of(slide.state)
        # The story a focus keeps: the actors the view already focuses on, else those it selects or highlights.
        self.story = (focus.actors, focus.relations) if focus else (story, frozenset())
        self.focus = QComboBox(self)
        self.focus.setObjectName("view_focus")
        for text, mode in FOCUS_CHOICES:
            self.focus.addItem(text, mode)
        self.focus.setCurrentIndex(self.focus.findData(focus.mode if focus else ""))
        self.focus.setEnabled(bool(self.story[0]))
        self.focus.setToolTip(f"On the slide, the lanes of its {len(self.story[0])} actors and those actors with "
                              "their ties: the rest hidden or faded" if self.story[0] else
                              "Select or highlight the story's actors or events, then save the view, to focus on them")
        self.callouts = QListWidget(self)
        self.callouts.setObjectName("view_callouts")
        self.callouts.setToolTip("Untick a callout to take it off the slide")
        for callout in core.callouts_of(slide.state):
            item = QListWidgetItem(f"{'Arrow' if callout.kind == 'arrow' else 'Note'}: {callout.text}", self.callouts)
            item.setData(Qt.ItemDataRole.UserRole, callout.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.callouts.setVisible(self.callouts.count() > 0)
        self.callouts.setMaximumHeight(110)
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Caption", self.caption)
        form.addRow("Speaker notes", self.notes)
        form.addRow("Time-lapse", self.timelapse)
        form.addRow("Pace", self.pace)
        form.addRow("Slide shows", self.focus)
        if self.callouts.count():
            form.addRow("Callouts", self.callouts)
        buttons = ok_cancel(self)
        form.addRow(buttons)
        self.resize(560, 420)

    def changes(self, slide: core.Slide) -> dict[str, Any]:
        state = dict(slide.state)
        state.pop("version", None)
        notes = self.notes.toPlainText().strip()
        if notes:
            state["notes"] = notes
        else:
            state.pop("notes", None)
        start, end = self.window_span
        if self.timelapse.isChecked() and start and end:
            state["timelapse"] = {"start": start, "end": end, "step_ms": self.pace.value()}
        else:
            state.pop("timelapse", None)
        kept = {item.data(Qt.ItemDataRole.UserRole) for item in
                (self.callouts.item(row) for row in range(self.callouts.count()))
                if item.checkState() == Qt.CheckState.Checked}
        if self.callouts.count():
            state["callouts"] = [core.callout_to_json(c) for c in core.callouts_of(state) if c.id in kept]
        mode = self.focus.currentData()
        if mode and self.story[0]:
            state["focus"] = core.focus_to_json(core.Focus(self.story[0], self.story[1], mode))
        else:
            state.pop("focus", None)
        return {"title": self.title.text().strip(), "caption": self.caption.toPlainText().strip(),
                "state": core.dump_state(state)}


class StoryboardList(QListWidget):
    """The slides with their thumbnails; drag to re-order."""

    reordered = Signal(list)  # view ids in their new order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyboard_list")
        self.setIconSize(QSize(160, 90))
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setSpacing(2)
        self.model().rowsMoved.connect(self._moved)
        self.filling = False

    def _moved(self, *_: Any) -> None:
        if not self.filling:
            self.reordered.emit(self.ids())

    def ids(self) -> list[str]:
        return [self.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.count())]


class StoryboardPane(QWidget):
    """The Storyboard dock: saved views in order, with Save, Update, Edit, Delete and Present."""

    def __init__(self, window: StoryboardHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storyboard")
        self.window_ = window
        self.case: Case | None = None
        self.slides: list[core.Slide] = []
        self.renderer: SlideRenderer | None = None
        self.renderer_stale = True
        self.rendered: dict[tuple[str, str], QPixmap] = {}  # thumbnails drawn for views stored without one
        self.presentation: PresentationWindow | None = None

        self.list = StoryboardList(self)
        self.list.reordered.connect(self.reorder)
        self.list.itemDoubleClicked.connect(lambda item: self.restore(item.data(Qt.ItemDataRole.UserRole)))
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.toolbar = QToolBar("Storyboard", self)
        self.toolbar.setObjectName("storyboard_toolbar")
        self.save_action = QAction("Save View", self)
        self.save_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.save_action.setToolTip("Save what the panes show now as a view: a slide of the storyboard (Ctrl+Shift+V)")
        self.save_action.triggered.connect(lambda: self.save_view())
        self.update_action = QAction("Update", self)
        self.update_action.setToolTip("Replace the chosen view's panes with what they show now")
        self.update_action.triggered.connect(lambda: self.update_view())
        self.edit_action = QAction("Edit\u2026", self)
        self.edit_action.setToolTip("Title, caption, speaker notes and time-lapse of the chosen view")
        self.edit_action.triggered.connect(lambda: self.edit_view())
        self.delete_action = QAction("Delete", self)
        self.delete_action.triggered.connect(lambda: self.delete_view())
        self.callout_action = QAction("Callout\u2026", self)
        self.callout_action.setToolTip("Put a note or an arrow on the chosen view's charts, on the actor or event "
                                       "selected now (with nothing selected, at the middle of the graph)")
        self.callout_action.triggered.connect(lambda: self.callout_dialog())
        self.present_action = QAction("Present", self)
        self.present_action.setShortcut(QKeySequence("F5"))
        self.present_action.setToolTip("Full-screen presentation of the storyboard (F5; Esc leaves)")
        self.present_action.triggered.connect(lambda: self.present())
        self.present_current_action = QAction("Present from Chosen View", self)
        self.present_current_action.setShortcut(QKeySequence("Shift+F5"))
        self.present_current_action.triggered.connect(lambda: self.present(max(self.list.currentRow(), 0)))
        for action in (self.save_action, self.update_action, self.edit_action, self.callout_action,
                       self.delete_action, None, self.present_action):
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)
        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setText("Save View (Ctrl+Shift+V) keeps what the panes show as a slide. Double-click a slide "
                          "to go back to it; drag to re-order; F5 presents.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.thumbnail_timer = QTimer(self)
        self.thumbnail_timer.setSingleShot(True)
        # Missing thumbnails are drawn a little after the window shows: drawing one builds a
        # timeline and a graph, which must not hold up the window's first paint.
        self.thumbnail_timer.setInterval(THUMBNAIL_DELAY_MS)
        self.thumbnail_timer.timeout.connect(self._draw_missing_thumbnail)
        self._enable()

    def install_actions(self, file_menu: QMenu, view_menu: QMenu, before: QAction | None = None) -> None:
        """File > Export Briefing; View > Save View, Present (the main window calls this once)."""
        self.export_action = QAction("Export &Briefing\u2026", self)
        self.export_action.setToolTip("The storyboard as a PDF, PowerPoint or offline HTML deck")
        self.export_action.triggered.connect(self.export_dialog)
        if before is not None:
            file_menu.insertAction(before, self.export_action)
        else:
            file_menu.addAction(self.export_action)
        view_menu.addSeparator()
        for action in (self.save_action, self.present_action, self.present_current_action):
            view_menu.addAction(action)
        self.window_.addAction(self.save_action)
        self.window_.addAction(self.present_action)
        self.window_.addAction(self.present_current_action)
        self._enable()

    # the case
    def set_case(self, case: Case | None) -> None:
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None
        self.case = case
        self.rendered.clear()
        self.reload()

    # Slides are views; their thumbnails draw events, actors, relations and the chart's positions.
    depends_on = frozenset({"views", "events", "actors", "relations", "event_actors", "meta", "actor_layout",
                            "citations", "sources", "places", "event_places", "tags"})

    def case_changed(self, changes: Changes) -> None:
        if changes.touches({"views"}):
            self.reload()
        if changes.tables - {"views"}:
            self.renderer_stale = True
            if changes.touches({"events", "actors", "relations", "event_actors", "meta", "actor_layout"}):
                self.rendered.clear()

    def reload(self) -> None:
        case = self.case
        self.slides = core.slides(case) if case is not None and not case.closed else []
        current = self.current_id()
        self.list.filling = True
        self.list.clear()
        for number, slide in enumerate(self.slides, start=1):
            item = QListWidgetItem(f"{number}. {slide.title or '(untitled view)'}")
            item.setData(Qt.ItemDataRole.UserRole, slide.id)
            item.setToolTip(tip(slide.caption))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
            pixmap = self.pixmap(slide)
            if pixmap is not None:
                item.setIcon(QIcon(pixmap))
            self.list.addItem(item)
            if slide.id == current:
                self.list.setCurrentItem(item)
        self.list.filling = False
        self._enable()
        if self.isVisible() and any(self.pixmap(s) is None for s in self.slides):
            self.thumbnail_timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if any(self.pixmap(s) is None for s in self.slides):
            self.thumbnail_timer.start()

    def pixmap(self, slide: core.Slide) -> QPixmap | None:
        if slide.thumbnail:
            pixmap = QPixmap()
            if pixmap.loadFromData(slide.thumbnail, "PNG"):
                return pixmap
        return self.rendered.get((slide.id, core.dump_state(slide.state)))

    def _draw_missing_thumbnail(self) -> None:
        """Views saved without a picture (the sample's, another tool's) get one drawn in memory, one at a time;
        the case file is not written."""
        if self.case is None or self.case.closed:
            return
        for row, slide in enumerate(self.slides):
            if self.pixmap(slide) is None:
                pixmap = QPixmap()
                pixmap.loadFromData(self.render_thumbnail(slide), "PNG")
                self.rendered[(slide.id, core.dump_state(slide.state))] = pixmap
                if row < self.list.count():
                    self.list.item(row).setIcon(QIcon(pixmap))
                self.thumbnail_timer.start()
                return

    def render_thumbnail(self, slide: core.Slide) -> bytes:
        if self.case is None or self.case.closed:
            return b""
        return self.slide_renderer().thumbnail(slide)

    def slide_renderer(self) -> SlideRenderer:
        """The offscreen slide that thumbnails and decks are drawn on, built on first use and kept up to
        date with the case (an open case)."""
        assert self.case is not None
        if self.renderer is None:
            self.renderer = SlideRenderer(self.case)
            self.renderer_stale = False
        elif self.renderer_stale:
            self.renderer.reload(self.case)
            self.renderer_stale = False
        return self.renderer

    def _enable(self) -> None:
        case = self.case
        writable = case is not None and not case.read_only
        chosen = self.list.currentRow() >= 0
        self.save_action.setEnabled(writable)
        for action in (self.update_action, self.edit_action, self.callout_action, self.delete_action):
            action.setEnabled(writable and chosen)
        self.present_action.setEnabled(bool(self.slides))
        self.present_current_action.setEnabled(bool(self.slides))
        if hasattr(self, "export_action"):
            self.export_action.setEnabled(bool(self.slides))
        self.list.setDragEnabled(writable)

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def slide(self, view_id: str | None) -> core.Slide | None:
        return next((s for s in self.slides if s.id == view_id), None)

    # actions
    def default_title(self) -> str:
        window = self.window_.selection.time_window
        zone = case_zone(self.case.meta("timezone")) if self.case is not None else case_zone("UTC")
        if window.start and window.end:
            first, last = utc_to_local(window.start, zone), utc_to_local(window.end, zone)
            when = (f"{first.day} {first:%b %Y}" if first.date() == last.date()
                    else f"{first.day} {first:%b} - {last.day} {last:%b %Y}")
            return f"View {len(self.slides) + 1}: {when}"
        return f"View {len(self.slides) + 1}"

    def save_view(self, title: str | None = None, caption: str = "", notes: str = "") -> str | None:
        """Save what the panes show as a new view at the end of the storyboard; its id, or None."""
        case = self.case
        if case is None or case.read_only:
            return None
        if title is None:
            title, ok = QInputDialog.getText(self, "Save view", "Title of the view (a slide of the storyboard):",
                                             text=self.default_title())
            if not ok:
                return None
        state = capture_state(self.window_, notes=notes)
        slide = core.Slide("", title.strip(), caption.strip(), core.next_position(case), state, None)
        values = {"title": slide.title, "caption": slide.caption, "position": slide.position,
                  "state": core.dump_state(state), "thumbnail": self.render_thumbnail(slide) or None}
        command = insert_record(case, "views", values, text=f"Save view {slide.title[:40]}")
        if not push(self.window_.undo_stack, command):
            return None
        self._choose(command.record_id)
        return command.record_id

    def update_view(self, view_id: str | None = None) -> bool:
        case, slide = self.case, self.slide(view_id or self.current_id())
        if case is None or slide is None:
            return False
        state = capture_state(self.window_, notes=slide.notes, timelapse=slide.state.get("timelapse"))
        fresh = core.Slide(slide.id, slide.title, slide.caption, slide.position, state, None)
        changes = {"state": core.dump_state(state), "thumbnail": self.render_thumbnail(fresh) or None}
        return push(self.window_.undo_stack, update_record(case, "views", slide.id, changes,
                                                          text=f"Update view {slide.title[:40]}"))

    def edit_view(self, view_id: str | None = None) -> bool:
        case, slide = self.case, self.slide(view_id or self.current_id())
        if case is None or slide is None:
            return False
        editor = ViewEditor(slide, core.time_window_of(slide.state) or (None, None), self,
                            story=core.story_actors(case, slide.state))
        if editor.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.set_details(slide.id, editor.changes(slide))

    def callout_anchor(self) -> tuple[str, str, tuple[float, float]]:
        """What a new callout points at: the actor or event selected in the window, else the graph's middle."""
        chosen = self.window_.selection.selection
        if chosen.table in ("actors", "events") and chosen.ids:
            return chosen.table, chosen.ids[0], (0.0, 0.0)
        centre = self.window_.graph.view_state().get("centre")
        ok = isinstance(centre, list) and len(centre) == 2
        return "", "", (float(centre[0]), float(centre[1])) if ok else (0.0, 0.0)

    def callout_dialog(self, view_id: str | None = None) -> bool:
        slide = self.slide(view_id or self.current_id())
        if self.case is None or slide is None:
            return False
        dialog = QDialog(self)
        dialog.setWindowTitle("Callout")
        text = QLineEdit(dialog)
        text.setMaxLength(core.MAX_CALLOUT_TEXT)
        kind = QComboBox(dialog)
        kind.addItem("A note beside it", "text")
        kind.addItem("An arrow pointing at it", "arrow")
        table, target, _point = self.callout_anchor()
        where = {"actors": "the selected actor", "events": "the selected event"}.get(table, "the middle of the graph")
        form = QFormLayout(dialog)
        form.addRow("Text", text)
        form.addRow("Draw", kind)
        form.addRow("On", QLabel(where, dialog))
        buttons = ok_cancel(dialog)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.add_callout(slide.id, kind.currentData(), text.text())

    def add_callout(self, view_id: str, kind: str, text: str,
                    anchor: tuple[str, str, tuple[float, float]] | None = None) -> bool:
        """Put a callout on a saved view's charts, as one undo step; `anchor` (table, id, point) defaults to
        `callout_anchor`."""
        if self.case is None or self.slide(view_id) is None:
            return False
        table, target, point = anchor or self.callout_anchor()
        callout = core.Callout("", kind, text, table, target, point)
        pushed = push(self.window_.undo_stack, Operation(self.case, "Add callout",
                                                         lambda case: add_callout(case, view_id, callout)))
        self._choose(view_id)
        return pushed

    def remove_callout(self, view_id: str, callout_id: str) -> bool:
        if self.case is None:
            return False
        return push(self.window_.undo_stack, Operation(self.case, "Remove callout",
                                                       lambda case: remove_callout(case, view_id, callout_id)))

    def set_details(self, view_id: str, changes: dict[str, Any]) -> bool:
        if self.case is None:
            return False
        slide = self.slide(view_id)
        pushed = push(self.window_.undo_stack, update_record(self.case, "views", view_id, changes,
                                                            text=f"Edit view {slide.title[:40] if slide else ''}"))
        self._choose(view_id)
        return pushed

    def delete_view(self, view_id: str | None = None) -> bool:
        case, slide = self.case, self.slide(view_id or self.current_id())
        if case is None or slide is None:
            return False
        return push(self.window_.undo_stack, delete_records(case, "views", [slide.id],
                                                           text=f"Delete view {slide.title[:40]}"))

    def reorder(self, ordered_ids: list[str]) -> bool:
        """Store a new slide order as one undo step (a drag in the list ends here)."""
        case = self.case
        if case is None or case.read_only or ordered_ids == [s.id for s in self.slides]:
            self.reload()
            return False
        chosen = self.current_id()
        pushed = push(self.window_.undo_stack, Operation(case, "Re-order storyboard",
                                                        lambda c: core.reorder(c, ordered_ids)))
        self.reload()
        self._choose(chosen)
        return pushed

    def move(self, row: int, to_row: int) -> bool:
        """Move one slide (as a drag does): `to_row` is the row it ends up in."""
        ids = [s.id for s in self.slides]
        if not (0 <= row < len(ids) and 0 <= to_row < len(ids)):
            return False
        ids.insert(to_row, ids.pop(row))
        return self.reorder(ids)

    def _choose(self, view_id: str | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == view_id:
                self.list.setCurrentRow(row)
                return

    def restore(self, view_id: str | None = None, animate: bool = True) -> bool:
        slide = self.slide(view_id or self.current_id())
        if slide is None:
            return False
        restore_state(self.window_, slide.state, animate=animate)
        self.window_.statusBar().showMessage(f"Showing the saved view \u201c{slide.title[:80]}\u201d.", 6000)
        return True

    def present(self, start: int = 0) -> PresentationWindow | None:
        if self.case is None or not self.slides:
            self.window_.statusBar().showMessage("Save a view first (Ctrl+Shift+V): the storyboard is empty.", 8000)
            return None
        if self.presentation is not None:
            self.presentation.close()
        self.presentation = PresentationWindow(self.case, self.slides, start=start,
                                               thumbnails={s.id: p for s in self.slides
                                                           if (p := self.pixmap(s)) is not None})
        self.presentation.start()
        return self.presentation

    def export_dialog(self) -> None:
        if self.case is None:
            return
        filters = {"PDF deck (*.pdf)": "pdf", "PowerPoint deck (*.pptx)": "pptx",
                   "Offline HTML briefing (*.html)": "html"}
        suggestion = self.case.path.with_suffix(".pdf")
        name, chosen = QFileDialog.getSaveFileName(self, "Export briefing", str(suggestion), ";;".join(filters))
        if not name:
            return
        fmt = filters.get(chosen) or Path(name).suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            fmt = "pdf"
        out = Path(name)
        if out.suffix.lower() != f".{fmt}":
            out = out.with_suffix(f".{fmt}")
        from workbench.core.exporters import plain_output_note
        from workbench.ui.sharing import ask

        note = plain_output_note(self.case.encrypted, fmt)  # said once, before anything is written
        if note and not ask(self, "Export briefing", f"{note} Export it?"):
            return
        self.export_deck(fmt, out)

    def export_deck(self, fmt: str, out: Path) -> bool:
        """Write the storyboard as a deck; the window keeps painting, with progress and Cancel. True if written."""
        if self.case is None:
            return False
        try:
            outcome = export_deck_in_background(self, self.case, fmt, out, renderer=self.slide_renderer)
        except (CaseError, OSError, ValueError) as error:
            warn(self, "Cannot export the briefing", str(error))
            return False
        if outcome.cancelled:
            self.window_.statusBar().showMessage("Export of the briefing cancelled; no file was written.", 10_000)
        elif outcome.error is not None:
            warn(self, "Cannot export the briefing", outcome.error)
        else:
            self.window_.statusBar().showMessage(outcome.result, 10_000)
        return outcome.ok

