"""Briefing: saved views, the Storyboard dock, presentation mode with a presenter view, and time-lapse slides.

A saved view is a `views` record whose `state` JSON (see workbench.core.storyboard) captures the
time window, filters, selection, highlighted actors, the graph's positions and zoom, the timeline's
lanes and span, and which docks are open. Saving, editing, re-ordering and deleting views are undo
commands. Restoring a view puts the main window's panes back; presenting draws each view on a
*slide*: its own timeline and graph over the same case with their own selection model, so a
briefing never disturbs (or writes to) what the analyst has open. Case text is plain text
everywhere here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEasingCurve,
    QElapsedTimer,
    QIODevice,
    QPoint,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QGuiApplication,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.core import storyboard as core
from workbench.core.marking import banner_colours, banner_text
from workbench.core.store import Case, Changes
from workbench.core.times import case_zone, utc_to_local
from workbench.ui.commands import Operation, delete_records, insert_record, push, update_record
from workbench.ui.plaintext import tip, warn
from workbench.ui.selection import SelectionModel

if TYPE_CHECKING:
    from workbench.ui.graph.pane import GraphPane
    from workbench.ui.main_window import MainWindow

# The charts (pyqtgraph, numpy, networkx) are imported when a slide is first drawn, not with the
# main window, which builds them after its first paint.

SLIDE_SIZE = QSize(1600, 900)  # logical size slides are laid out at for thumbnails and decks (16:9)
THUMBNAIL_SIZE = QSize(320, 180)
TRANSITION_MS = 700
SLIDE_LABEL_PT = 11.0  # actor names on a slide's graph (8.5 in the dock)
ANIMATE_WINDOW_UP_TO = 3000  # relations; bigger graphs jump to the new window instead of sliding
BRIEFING_BACKGROUND = "#0d1117"
BRIEFING_TEXT = "#ffffff"
BRIEFING_MUTED = "#c9d1d9"
NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Down, Qt.Key.Key_N,
             Qt.Key.Key_Return, Qt.Key.Key_Enter}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
BLANK_KEYS = {Qt.Key.Key_B, Qt.Key.Key_Period}  # clickers send "." for their blank-screen button


# --- saved view state ---------------------------------------------------------------------------


def capture_state(window: MainWindow, notes: str = "", timelapse: dict[str, Any] | None = None) -> dict[str, Any]:
    """The view state of the main window's panes, as stored in `views.state`."""
    selection = window.selection
    chosen = selection.selection
    state: dict[str, Any] = {
        "time_window": {"start": selection.time_window.start, "end": selection.time_window.end},
        "filter": core.filter_to_json(selection.filter),
        "selection": {"table": chosen.table, "ids": list(chosen.ids)},
        "docks": {name: dock.toggleViewAction().isChecked() for name, dock in window.docks.items()},
        "timeline": window.timeline.view_state(),
        "graph": window.graph.view_state(),
    }
    if notes:
        state["notes"] = notes
    if timelapse:
        state["timelapse"] = timelapse
    return state


def apply_state(selection: SelectionModel, timeline: Any, graph: GraphPane, state: dict[str, Any],
                animate: bool = False) -> None:
    """Put a selection model and its timeline and graph back as the state says; what it does not
    say stays as it is. Order matters: the selection first, since showing it may scroll the timeline."""
    if "filter" in state:
        selection.set_filter(core.filter_from_json(state["filter"]))
    window = core.time_window_of(state)
    if window is not None:
        selection.set_time_window(*window)
    chosen = core.selection_of(state)
    if chosen is not None:
        selection.select(*chosen)
    timeline_state = state.get("timeline")
    if isinstance(timeline_state, dict):
        timeline.restore_view_state(timeline_state)
    graph_state = state.get("graph")
    graph.flush()
    if isinstance(graph_state, dict):
        graph.restore_view_state(graph_state, animate=animate)


def restore_state(window: MainWindow, state: dict[str, Any], animate: bool = False) -> None:
    """Put every pane of the main window back as the saved view had it."""
    docks = state.get("docks")
    if isinstance(docks, dict):
        for name, visible in docks.items():
            if name in window.docks and isinstance(visible, bool) and name != "storyboard":
                window.docks[name].setVisible(visible)
    apply_state(window.selection, window.timeline, window.graph, state, animate=animate)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def fit_text(text: str, font: QFont, width: int, lines: int) -> str:
    """`text` cut with an ellipsis so that it wraps into at most `lines` lines of `width` pixels."""
    metrics = QFontMetrics(font)
    flags = int(Qt.TextFlag.TextWordWrap)
    limit = metrics.lineSpacing() * (lines + 0.5)  # a wrapped block is a few pixels taller than n lines

    def fits(candidate: str) -> bool:
        return metrics.boundingRect(0, 0, max(width, 1), 100_000, flags, candidate).height() < limit

    if fits(text):
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits with the ellipsis
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + "\u2026"):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "\u2026"


THUMBNAIL_DELAY_MS = 600


def _no_focus(widget: QWidget) -> None:
    """Children of a slide never take the keyboard: the clicker's keys must reach the presentation."""
    for child in [widget, *widget.findChildren(QWidget)]:
        child.setFocusPolicy(Qt.FocusPolicy.NoFocus)


# --- a slide: banners, title, caption, and the charts of one saved view ---------------------------


class SlideStage(QWidget):
    """A timeline and a graph over the case with their own selection: what a slide shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from workbench.ui.graph.pane import GraphPane
        from workbench.ui.timeline import TimelineChart

        super().__init__(parent)
        self.setObjectName("slide_stage")
        self.selection = SelectionModel(self)  # no undo stack: nothing on a slide can write to the case
        self.case: Case | None = None
        self.timeline = TimelineChart(self.selection, self)
        self.graph = GraphPane(self.selection, self)
        for index in range(self.timeline.controls.count()):
            item = self.timeline.controls.itemAt(index)
            if item.widget() is not None:
                item.widget().hide()
        self.timeline.status.hide()
        self.timeline.legend.hide()
        self.graph.toolbar.hide()
        self.graph.side.hide()
        self.graph.keep_tables_closed()  # the analysis tables never open beside a slide's chart
        chart = self.graph.chart  # names on a slide are read from across a room
        chart.label_font.setPointSizeF(SLIDE_LABEL_PT)
        chart.edge_font.setPointSizeF(SLIDE_LABEL_PT - 2)
        chart.label_metrics = QFontMetricsF(chart.label_font)
        chart.edge_metrics = QFontMetricsF(chart.edge_font)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.graph, 1)
        self.lapse_timer = QTimer(self)
        self.lapse_timer.timeout.connect(self._lapse_step)
        self.lapse_windows: list[tuple[str, str]] = []
        self.lapse_index = -1
        self.day_label = ""
        self.on_day: Any = None  # called with the time-lapse's day label
        self.transition = QVariantAnimation(self)
        self.transition.setDuration(TRANSITION_MS)
        self.transition.setStartValue(0.0)
        self.transition.setEndValue(1.0)
        self.transition.setEasingCurve(QEasingCurve.Type.InOutCubic)
        self.transition.valueChanged.connect(self._transition_step)
        self.transition.finished.connect(self._transition_done)
        self._from: tuple[float, float, float, float] | None = None
        self._to: tuple[float, float, float, float] | None = None
        self._final_window: tuple[str | None, str | None] = (None, None)
        _no_focus(self)

    def set_case(self, case: Case | None) -> None:
        self.stop()
        self.case = case
        span = case.date_range() if case is not None else None
        self.selection.set_time_window(*(span or (None, None)))
        self.timeline.set_case(case)
        self.graph.set_case(case)
        self.graph.flush()
        self.graph.canvas.movable = False
        _no_focus(self)

    def stop(self) -> None:
        self.lapse_timer.stop()
        if self.transition.state() == QVariantAnimation.State.Running:
            self.transition.stop()
            self._transition_done()
        self.graph.finish_animation()

    def show_state(self, state: dict[str, Any], animate: bool = False) -> None:
        """Show a saved view; with `animate`, slide the time window and move the actors to it."""
        self.stop()
        self.day_label = ""
        docks = state.get("docks") if isinstance(state.get("docks"), dict) else {}
        show_timeline, show_graph = docks.get("timeline", True) is not False, docks.get("graph", True) is not False
        if not show_timeline and not show_graph:
            show_timeline = show_graph = True
        self.timeline.setVisible(show_timeline)
        self.graph.setVisible(show_graph)
        before = self._span_now()
        apply_state(self.selection, self.timeline, self.graph, state, animate=animate)
        timeline_state = state.get("timeline") if isinstance(state.get("timeline"), dict) else {}
        if "x_range" not in timeline_state and not timeline_state.get("fitted"):
            self._frame_window()
        graph_state = state.get("graph") if isinstance(state.get("graph"), dict) else {}
        if "zoom" not in graph_state:
            self._fit_graph()
        lapse = core.timelapse_of(state)
        after = self._span_now()
        if (animate and before is not None and after is not None and before != after
                and self.graph.graph.m <= ANIMATE_WINDOW_UP_TO and lapse is None):
            self._final_window = (self.selection.time_window.start, self.selection.time_window.end)
            self._from, self._to = before, after
            self._transition_step(0.0)
            self.transition.start()
        if lapse is not None:
            self.start_timelapse(lapse, immediate=not animate)

    def _span_now(self) -> tuple[float, float, float, float] | None:
        from workbench.core.timeline.data import utc_seconds

        window = self.selection.time_window
        span = self.case.date_range() if self.case is not None and not self.case.closed else None
        start, end = window.start or (span[0] if span else None), window.end or (span[1] if span else None)
        if start is None or end is None:
            return None
        (low, high), _ = self.timeline.view.viewRange()
        return utc_seconds(start), utc_seconds(end), float(low), float(high)

    def _transition_step(self, value: Any) -> None:
        from workbench.core.timeline.data import utc_text

        if self._from is None or self._to is None:
            return
        t = float(value)
        a, b, low, high = (f + (g - f) * t for f, g in zip(self._from, self._to, strict=True))
        self.selection.set_time_window(utc_text(a), utc_text(max(b, a + 60)))
        self.timeline.view.setXRange(low, high, padding=0)

    def _transition_done(self) -> None:
        if self._to is not None:
            self.selection.set_time_window(*self._final_window)
            self.timeline.view.setXRange(self._to[2], self._to[3], padding=0)
        self._from = self._to = None

    def _frame_window(self) -> None:
        """Show the saved window on the timeline with a little room either side."""
        span = self._span_now()
        if span is None:
            self.timeline.fit()
            return
        low, high = span[0], span[1]
        room = max((high - low) * 0.08, 1800.0)
        self.timeline.show_span(low - room, high + room)

    def _fit_graph(self) -> None:
        """Fill the slide with the chart: zoom in as far as the whole chart fits (up to 250 %)."""
        canvas = self.graph.canvas
        canvas.update_scene_rect()
        bounds = self.graph.chart.boundingRect()
        view = canvas.viewport().size()
        if bounds.width() <= 0 or bounds.height() <= 0 or view.width() <= 0:
            return
        scale = min(view.width() / bounds.width(), view.height() / bounds.height(), 2.5) * 0.97
        canvas.resetTransform()
        canvas.scale(scale, scale)
        canvas.centerOn(bounds.center())

    # time-lapse
    def start_timelapse(self, lapse: tuple[str, str, int], immediate: bool = True) -> None:
        start, end, step_ms = lapse
        zone = self.case.meta("timezone") if self.case is not None else "UTC"
        self.lapse_windows = core.timelapse_windows(start, end, zone)
        self.lapse_index = -1
        self.lapse_timer.setInterval(step_ms)
        if immediate:
            self._lapse_step()
        self.lapse_timer.start()

    def replay(self) -> None:
        if self.lapse_windows:
            self.lapse_index = -1
            self._lapse_step()
            self.lapse_timer.start()

    def _lapse_step(self) -> None:
        self.lapse_index += 1
        if self.lapse_index >= len(self.lapse_windows):
            self.lapse_timer.stop()
            return
        start, end = self.lapse_windows[self.lapse_index]
        self.selection.set_time_window(start, end)
        zone = case_zone(self.case.meta("timezone") if self.case is not None else "UTC")
        local = utc_to_local(end, zone)
        self.day_label = f"up to {local.day} {local:%b %Y}  ({self.lapse_index + 1}/{len(self.lapse_windows)})"
        if self.on_day is not None:
            self.on_day(self.day_label)

    def finish_timelapse(self) -> None:
        """Jump to the time-lapse's last day (decks show that)."""
        if self.lapse_windows:
            self.lapse_timer.stop()
            self.lapse_index = len(self.lapse_windows) - 2
            self._lapse_step()
            self.lapse_timer.stop()


class SlideView(QWidget):
    """One slide in the briefing theme: banners top and bottom, title, caption, the charts, slide number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slide_view")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor(BRIEFING_BACKGROUND))
        self.setPalette(palette)
        self.case: Case | None = None
        self.slide: core.Slide | None = None
        self.title_text = ""
        self.caption_text = ""

        def label(name: str) -> QLabel:
            widget = QLabel(self)
            widget.setObjectName(name)
            widget.setTextFormat(Qt.TextFormat.PlainText)
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            return widget

        self.top_banner = label("slide_top_banner")
        self.bottom_banner = label("slide_bottom_banner")
        for banner in (self.top_banner, self.bottom_banner):
            banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = label("slide_title")
        self.title.setWordWrap(True)
        self.caption = label("slide_caption")
        self.caption.setWordWrap(True)
        self.number = label("slide_number")
        self.number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.footer = label("slide_footer")
        self.day = label("slide_day")
        self.stage = SlideStage(self)
        self.stage.on_day = self.day.setText

        body = QVBoxLayout()
        body.setContentsMargins(28, 10, 28, 6)
        body.setSpacing(6)
        body.addWidget(self.title)
        body.addWidget(self.caption)
        body.addWidget(self.stage, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.footer, 3)
        foot.addWidget(self.day, 2)
        foot.addWidget(self.number, 1)
        body.addLayout(foot)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.top_banner)
        column.addLayout(body, 1)
        column.addWidget(self.bottom_banner)
        self._apply_sizes()
        _no_focus(self)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        marking = case.classification if case is not None else ""
        background, foreground = banner_colours(marking)
        for banner in (self.top_banner, self.bottom_banner):
            banner.setText(banner_text(marking))
            banner.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; font-weight: bold; }}")
        self.footer.setText(case.title if case is not None else "")
        self.stage.set_case(case)

    def show_slide(self, slide: core.Slide, number: int, total: int, animate: bool = False) -> None:
        self.slide = slide
        self.title_text, self.caption_text = slide.title or "(untitled view)", slide.caption
        self.number.setText(f"{number} / {total}")
        self.day.setText("")
        self._set_texts()
        self.stage.show_state(slide.state, animate=animate)

    def blank_text(self) -> None:
        self.title.setText("")
        self.caption.setText("")

    def _set_texts(self) -> None:
        width = max(self.width() - 56, 100)
        self.title.setText(fit_text(self.title_text, self.title.font(), width, 2))
        self.caption.setText(fit_text(self.caption_text, self.caption.font(), width, 3))
        self.caption.setVisible(bool(self.caption_text))

    def _apply_sizes(self) -> None:
        """Type scales with the slide, large enough to read from the back of a room."""
        height = max(self.height(), 200)

        def sized(widget: QLabel, fraction: float, bold: bool = False, colour: str = BRIEFING_TEXT) -> None:
            font = QFont(widget.font())
            font.setPixelSize(max(int(height * fraction), 9))
            font.setBold(bold)
            widget.setFont(font)
            if widget not in (self.top_banner, self.bottom_banner):
                widget.setStyleSheet(f"QLabel {{ color: {colour}; }}")

        sized(self.top_banner, 0.026, True)
        sized(self.bottom_banner, 0.026, True)
        sized(self.title, 0.048, True)
        sized(self.caption, 0.027, False, BRIEFING_MUTED)
        sized(self.number, 0.024, True)
        sized(self.footer, 0.02, False, BRIEFING_MUTED)
        sized(self.day, 0.026, True, "#ffb000")
        pad = max(int(height * 0.008), 2)
        for banner in (self.top_banner, self.bottom_banner):
            banner.setFixedHeight(banner.fontMetrics().height() + 2 * pad)
        line = self.title.fontMetrics().lineSpacing()
        self.title.setFixedHeight(line * 2 + 8)
        self.caption.setFixedHeight(self.caption.fontMetrics().lineSpacing() * 3 + 6)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._apply_sizes()
        self._set_texts()


class SlideRenderer:
    """An offscreen slide for thumbnails and decks: show a saved view, then grab or paint it."""

    def __init__(self, case: Case, size: QSize = SLIDE_SIZE) -> None:
        self.view = SlideView()
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.view.resize(size)
        self.view.show()
        self.view.set_case(case)
        self._settle()

    def _settle(self) -> None:
        """Deliver the slide's own pending layout and resize events: not the whole event loop's, so that
        drawing a thumbnail never runs the rest of the application in the middle of something."""
        for _ in range(3):
            for widget in [self.view, *self.view.findChildren(QWidget)]:
                QApplication.sendPostedEvents(widget, 0)
            self.view.layout().activate()

    def reload(self, case: Case) -> None:
        self.view.set_case(case)
        self._settle()

    def show(self, slide: core.Slide, number: int = 1, total: int = 1) -> None:
        self.view.show_slide(slide, number, total, animate=False)
        self._settle()
        stage = self.view.stage
        stage.finish_timelapse()
        stage.lapse_timer.stop()
        stage.graph.finish_animation()
        self._settle()

    def image(self, scale: float = 1.0) -> QImage:
        return self._grab(self.view, scale)

    def stage_image(self, scale: float = 2.0) -> QImage:
        return self._grab(self.view.stage, scale)

    @staticmethod
    def _grab(widget: QWidget, scale: float) -> QImage:
        size = widget.size()
        image = QImage(max(int(size.width() * scale), 1), max(int(size.height() * scale), 1),
                       QImage.Format.Format_ARGB32)
        image.fill(QColor(BRIEFING_BACKGROUND))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.scale(scale, scale)
        widget.render(painter, QPoint(0, 0))
        painter.end()
        return image

    def thumbnail(self, slide: core.Slide) -> bytes:
        self.show(slide)
        image = self.image(1.0).scaled(THUMBNAIL_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
        return png_bytes(image)

    def close(self) -> None:
        self.view.stage.stop()
        self.view.close()
        self.view.deleteLater()


# --- the Storyboard dock ------------------------------------------------------------------------------


class ViewEditor(QDialog):
    """Title, caption, speaker notes and time-lapse of a saved view."""

    def __init__(self, slide: core.Slide, window_span: tuple[str | None, str | None], parent: QWidget | None = None
                 ) -> None:
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
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Caption", self.caption)
        form.addRow("Speaker notes", self.notes)
        form.addRow("Time-lapse", self.timelapse)
        form.addRow("Pace", self.pace)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
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

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
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
        self.present_action = QAction("Present", self)
        self.present_action.setShortcut(QKeySequence("F5"))
        self.present_action.setToolTip("Full-screen presentation of the storyboard (F5; Esc leaves)")
        self.present_action.triggered.connect(lambda: self.present())
        self.present_current_action = QAction("Present from Chosen View", self)
        self.present_current_action.setShortcut(QKeySequence("Shift+F5"))
        self.present_current_action.triggered.connect(lambda: self.present(max(self.list.currentRow(), 0)))
        for action in (self.save_action, self.update_action, self.edit_action, self.delete_action, None,
                       self.present_action):
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

    def install_actions(self, file_menu: Any, view_menu: Any, before: QAction | None = None) -> None:
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
        if self.renderer is None:
            self.renderer = SlideRenderer(self.case)
            self.renderer_stale = False
        elif self.renderer_stale:
            self.renderer.reload(self.case)
            self.renderer_stale = False
        return self.renderer.thumbnail(slide)

    def _enable(self) -> None:
        case = self.case
        writable = case is not None and not case.read_only
        chosen = self.list.currentRow() >= 0
        self.save_action.setEnabled(writable)
        for action in (self.update_action, self.edit_action, self.delete_action):
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
        editor = ViewEditor(slide, core.time_window_of(slide.state) or (None, None), self)
        if editor.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.set_details(slide.id, editor.changes(slide))

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
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog

        from workbench.ui.deck import FORMATS, export_deck_from_case

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
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            summary = export_deck_from_case(self.case, fmt, out)
        except (OSError, ValueError) as error:
            QApplication.restoreOverrideCursor()
            warn(self, "Cannot export the briefing", str(error))
            return
        QApplication.restoreOverrideCursor()
        self.window_.statusBar().showMessage(summary, 10_000)


# --- presentation mode and presenter view ---------------------------------------------------------


class PresentationWindow(QWidget):
    """Full screen, one slide at a time. Right/PageDown/Space next, Left/PageUp previous, B or . blanks,
    Home/End first/last, P plays a time-lapse again, Esc leaves."""

    slide_changed = Signal(int)
    closed = Signal()

    def __init__(self, case: Case, slides: list[core.Slide], start: int = 0,
                 thumbnails: dict[str, QPixmap] | None = None) -> None:
        super().__init__(None)
        self.setObjectName("presentation")
        self.setWindowTitle(f"{case.title} - briefing")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.case = case
        self.slides = slides
        self.thumbnails = thumbnails or {}
        self.index = -1
        self.view = SlideView(self)
        self.view.set_case(case)
        self.blank = QWidget(self)
        self.blank.setObjectName("presentation_blank")
        self.blank.setStyleSheet("background: black;")
        self.blank.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.presenter: PresenterView | None = None
        self._start = min(max(start, 0), len(slides) - 1) if slides else 0
        self.resize(SLIDE_SIZE)

    @property
    def blanked(self) -> bool:
        return not self.blank.isHidden()

    def start(self, fullscreen: bool = True) -> None:
        """Show the first slide full screen; with a second screen, the presenter view on the other one."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            # The audience sees the screen the main window is not on; the presenter keeps the laptop's.
            primary = QGuiApplication.primaryScreen()
            audience = next((s for s in screens if s is not primary), screens[-1])
            self.setScreen(audience)
            self.move(audience.geometry().topLeft())
            self.presenter = PresenterView(self)
            self.presenter.setScreen(primary)
            self.presenter.move(primary.geometry().topLeft())
            self.presenter.showMaximized() if fullscreen else self.presenter.show()
        if fullscreen:
            self.showFullScreen()
        else:
            self.show()
        self.go(self._start, animate=False)
        self.activateWindow()
        self.setFocus()

    def go(self, index: int, animate: bool = True) -> None:
        if not self.slides:
            return
        index = min(max(index, 0), len(self.slides) - 1)
        self.blank.hide()
        if index == self.index:
            return
        self.index = index
        self.view.show_slide(self.slides[index], index + 1, len(self.slides), animate=animate)
        self.slide_changed.emit(index)
        if self.presenter is not None:
            self.presenter.show_slide(index)

    def next(self) -> None:  # noqa: A003 - a slide deck's word
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def toggle_blank(self) -> None:
        if self.blanked:
            self.blank.hide()
        else:
            self.blank.setGeometry(self.rect())
            self.blank.show()
            self.blank.raise_()

    def handle_key(self, key: int) -> bool:
        if key in NEXT_KEYS:
            if self.blanked:
                self.blank.hide()
            else:
                self.next()
        elif key in PREVIOUS_KEYS:
            if self.blanked:
                self.blank.hide()
            else:
                self.previous()
        elif key in BLANK_KEYS:
            self.toggle_blank()
        elif key == Qt.Key.Key_Home:
            self.go(0)
        elif key == Qt.Key.Key_End:
            self.go(len(self.slides) - 1)
        elif key == Qt.Key.Key_P:
            self.view.stage.replay()
        elif key == Qt.Key.Key_Escape:
            self.close()
        else:
            return False
        return True

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.handle_key(event.key()):
            event.accept()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.blank.setGeometry(self.rect())

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.view.stage.stop()
        if self.presenter is not None:
            self.presenter.timer.stop()
            self.presenter.close()
            self.presenter = None
        self.closed.emit()
        super().closeEvent(event)


class PresenterView(QWidget):
    """For the presenter's own screen: the current and next slide, speaker notes and a timer."""

    def __init__(self, presentation: PresentationWindow) -> None:
        super().__init__(None)
        self.setObjectName("presenter_view")
        self.setWindowTitle("Presenter view")
        self.presentation = presentation
        self.setStyleSheet(f"QWidget#presenter_view {{ background: {BRIEFING_BACKGROUND}; }} "
                           f"QLabel {{ color: {BRIEFING_TEXT}; }}")

        def label(name: str, pixels: int, bold: bool = False) -> QLabel:
            widget = QLabel(self)
            widget.setObjectName(name)
            widget.setTextFormat(Qt.TextFormat.PlainText)
            widget.setWordWrap(True)
            font = QFont(widget.font())
            font.setPixelSize(pixels)
            font.setBold(bold)
            widget.setFont(font)
            return widget

        self.current = label("presenter_current", 14)
        self.current.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.current.setMinimumSize(480, 270)
        self.next_slide = label("presenter_next", 14)
        self.next_slide.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_slide.setMinimumSize(320, 180)
        self.next_title = label("presenter_next_title", 16)
        self.counter = label("presenter_counter", 28, True)
        self.clock = label("presenter_timer", 40, True)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("presenter_notes")
        self.notes.setReadOnly(True)
        font = QFont(self.notes.font())
        font.setPixelSize(22)
        self.notes.setFont(font)
        self.notes.setStyleSheet("QPlainTextEdit { background: #161b22; color: white; }")
        left = QVBoxLayout()
        left.addWidget(self.current, 3)
        left.addWidget(self.notes, 2)
        right = QVBoxLayout()
        right.addWidget(self.clock)
        right.addWidget(self.counter)
        right.addWidget(QLabel("Next:", self))
        right.addWidget(self.next_slide, 2)
        right.addWidget(self.next_title)
        right.addStretch(1)
        row = QHBoxLayout(self)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        self.elapsed = QElapsedTimer()
        self.elapsed.start()
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.tick()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def tick(self) -> None:
        seconds = self.elapsed.elapsed() // 1000
        self.clock.setText(f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}")

    def reset_timer(self) -> None:
        self.elapsed.restart()
        self.tick()

    def show_slide(self, index: int) -> None:
        slides = self.presentation.slides
        slide = slides[index]
        self.counter.setText(f"Slide {index + 1} of {len(slides)}")
        self.notes.setPlainText(slide.notes or "(no notes)")
        QTimer.singleShot(TRANSITION_MS + 50, self._grab_current)
        if index + 1 < len(slides):
            upcoming = slides[index + 1]
            self.next_title.setText(upcoming.title)
            pixmap = self.presentation.thumbnails.get(upcoming.id)
            if pixmap is None and upcoming.thumbnail:
                pixmap = QPixmap()
                pixmap.loadFromData(upcoming.thumbnail, "PNG")
            if pixmap is not None and not pixmap.isNull():
                self.next_slide.setPixmap(pixmap.scaled(self.next_slide.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                        Qt.TransformationMode.SmoothTransformation))
            else:
                self.next_slide.setText(upcoming.title)
        else:
            self.next_title.setText("End of the storyboard")
            self.next_slide.clear()

    def _grab_current(self) -> None:
        if self.presentation.isVisible():
            pixmap = self.presentation.view.grab()
            self.current.setPixmap(pixmap.scaled(self.current.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_R:
            self.reset_timer()
            event.accept()
        elif self.presentation.handle_key(event.key()):
            event.accept()
        else:
            super().keyPressEvent(event)

