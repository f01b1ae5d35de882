"""Slides: one saved view drawn in the briefing theme (banners, title, caption, its own charts, slide number),
on screen for presentations and offscreen for thumbnails and decks.

A slide has its own timeline and graph over the same case with their own selection model, so a
briefing never disturbs (or writes to) what the analyst has open.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEasingCurve,
    QIODevice,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QVariantAnimation,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QImage, QPainter, QPen, QPicture, QPolygonF
from PySide6.QtWidgets import QApplication, QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from workbench.core import storyboard as core
from workbench.core.marking import banner_colours, banner_text
from workbench.core.store import Case
from workbench.core.times import case_zone, utc_to_local
from workbench.ui.briefing.state import apply_state, map_shown, part
from workbench.ui.selection import SelectionModel

SLIDE_SIZE = QSize(1600, 900)  # logical size slides are laid out at for thumbnails (16:9)
DECK_SIZE = QSize(1920, 1080)  # decks are laid out at the size they are shown at: a projector's 1080p
THUMBNAIL_SIZE = QSize(320, 180)
TRANSITION_MS = 700
CHART_TEXT_PX = 18  # every text of a slide's charts, on a 1080-pixel-high slide: read from across a room
ANIMATE_WINDOW_UP_TO = 3000  # relations; bigger graphs jump to the new window instead of sliding
BRIEFING_BACKGROUND = "#0d1117"
BRIEFING_TEXT = "#ffffff"
BRIEFING_MUTED = "#c9d1d9"


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



def _no_focus(widget: QWidget) -> None:
    """Children of a slide never take the keyboard: the clicker's keys must reach the presentation."""
    for child in [widget, *widget.findChildren(QWidget)]:
        child.setFocusPolicy(Qt.FocusPolicy.NoFocus)


# --- a slide: banners, title, caption, and the charts of one saved view ---------------------------


CALLOUT_COLOUR = "#b3261e"


class CalloutMark(QGraphicsItem):
    """A callout on a slide's chart at its anchor (the item's position): a note in a box up and to the right,
    or an arrow from the note to the anchor; drawn at the slide's text size however the chart is zoomed."""

    def __init__(self, callout: core.Callout, pixels: int) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setZValue(1000)
        self.callout, self.pixels = callout, pixels
        self.font = QFont()
        self.font.setPixelSize(pixels)
        self.font.setBold(True)
        metrics = QFontMetricsF(self.font)
        flags = int(Qt.TextFlag.TextWordWrap)
        text = metrics.boundingRect(QRectF(0, 0, pixels * 16, 100_000), flags, callout.text or " ")
        pad = pixels * 0.35
        away = pixels * (2.6 if callout.kind == "arrow" else 0.9)
        self.pad = pad
        width = math.ceil(text.width()) + 2  # drawn in exactly its measured width, the last word could wrap
        self.box = QRectF(away, -away - text.height() - 2 * pad, width + 2 * pad, text.height() + 2 * pad)
        self.text_rect = self.box.adjusted(pad, pad, -pad, -pad)

    def keep_inside(self, anchor: QPointF, area: QRectF) -> None:
        """Put the note on the side of its anchor (`anchor` in `area`'s pixels) where it stays in the chart."""
        box = QRectF(self.box)
        if anchor.x() + box.right() > area.right() and anchor.x() - box.right() >= area.left():
            box.moveRight(-box.left())
        if anchor.y() + box.top() < area.top() and anchor.y() - box.top() <= area.bottom():
            box.moveTop(-box.bottom())
        self.prepareGeometryChange()
        self.box = box
        self.text_rect = box.adjusted(self.pad, self.pad, -self.pad, -self.pad)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.box.united(QRectF(-6, -6, 12, 12)).adjusted(-4, -4, 4, 4)

    def paint(self, painter: QPainter, *_: Any) -> None:
        colour = QColor(CALLOUT_COLOUR)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        width = max(self.pixels / 7, 2.0)
        painter.setPen(QPen(colour, width))
        corner = min((self.box.topLeft(), self.box.topRight(), self.box.bottomLeft(), self.box.bottomRight()),
                     key=lambda point: point.manhattanLength())
        painter.drawLine(corner, QPointF(0, 0))
        if self.callout.kind == "arrow":
            head = self.pixels * 0.7
            angle = math.atan2(corner.y(), corner.x())
            painter.setBrush(colour)
            painter.drawPolygon(QPolygonF([QPointF(0, 0),
                                           QPointF(head * math.cos(angle + 0.45), head * math.sin(angle + 0.45)),
                                           QPointF(head * math.cos(angle - 0.45), head * math.sin(angle - 0.45))]))
        else:
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(0, 0), width * 1.5, width * 1.5)
        painter.setBrush(QColor(255, 255, 255, 240))
        painter.drawRoundedRect(self.box, 4, 4)
        painter.setPen(QColor("#1f1f1f"))
        painter.setFont(self.font)
        # drawText with a str is plain text: a callout from a case file is never interpreted.
        painter.drawText(self.text_rect, int(Qt.TextFlag.TextWordWrap), self.callout.text)



class SlideStage(QWidget):
    """A timeline and a graph over the case with their own selection: what a slide shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # The charts (pyqtgraph, numpy, networkx) load when the first slide is built, not with the main
        # window, which must paint before they are imported (test_first_paint_does_not_wait_for_heavy_modules).
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
        self.graph.toolbar2.hide()
        self.graph.side.hide()
        self.graph.keep_tables_closed()  # no room for the analysis tables beside a slide's chart
        from workbench.ui.analysis import MatrixBoard

        self.matrix = MatrixBoard(self)  # a slide of an ACH matrix (Analysis > Question > Add to the storyboard)
        self.matrix.hide()
        self.text_px = 0
        self.set_text_px(CHART_TEXT_PX)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.graph, 1)
        layout.addWidget(self.matrix, 1)
        self.lapse_timer = QTimer(self)
        self.lapse_timer.timeout.connect(self._lapse_step)
        self.lapse_windows: list[tuple[str, str]] = []
        self.lapse_index = -1
        self.day_label = ""
        self.on_day: Callable[[str], None] | None = None  # called with the time-lapse's day label
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
        self._graph_view: dict[str, Any] = {}  # the slide's zoom and centre, shown again once actors arrive
        self.map: Any = None  # the Map (ui.map.pane.MapPane) of slides that show one, built on the first
        self.callouts: list[core.Callout] = []
        self.callout_marks: list[tuple[CalloutMark, Any]] = []  # (mark, the view or scene holding it)
        self.graph.animation.finished.connect(self._graph_arrived)
        _no_focus(self)

    def show_map(self, saved: dict[str, Any] | None) -> None:
        """The slide's map (issue 26) beside its charts, at the saved centre and scale; None hides it. Built
        on the first slide that shows one."""
        if saved is None:
            if self.map is not None:
                self.map.hide()
            return
        if self.map is None:
            from workbench.ui.map.pane import MapPane

            self.map = MapPane(self.selection, self)
            self.map.setObjectName("slide_map")
            for button in (self.map.fit_button, self.map.world_button, self.map.play_button, self.map.status,
                           self.map.find, self.map.add_button):
                button.hide()
            self.map.view.places_item.text_scale = max(1.0, self.text_px / 13)
            self.map.synchronous = True  # a slide is drawn (into a deck, a presentation) as soon as it is set up
            self.map.set_case(self.case)
            self.layout().addWidget(self.map, 1)
            _no_focus(self)
        self.map.show()
        self.layout().activate()
        self.map.restore_view_state(saved)

    def set_text_px(self, pixels: int) -> None:
        """Draw the charts' text (names, ties, lanes, dates, legend) `pixels` tall, at least."""
        if pixels == self.text_px:
            return
        self.text_px = pixels
        self.timeline.set_text_size(pixels)
        chart = self.graph.chart
        points = pixels * 72.0 / max(self.logicalDpiY(), 1)
        chart.label_font.setPointSizeF(points)
        chart.edge_font.setPointSizeF(points)
        chart.min_label_pt = points  # zoomed out, fewer names rather than smaller ones
        chart.label_metrics = QFontMetricsF(chart.label_font)
        chart.edge_metrics = QFontMetricsF(chart.edge_font)
        self.graph.canvas.legend.text_px = pixels
        self.matrix.set_text_px(pixels)
        self.graph.canvas.update_legend()
        self.graph.canvas.view_changed()

    def set_case(self, case: Case | None) -> None:
        self.stop()
        self.case = case
        span = case.date_range() if case is not None else None
        self.selection.set_time_window(*(span or (None, None)))
        self.timeline.set_case(case)
        self.graph.set_case(case)
        if self.map is not None:
            self.map.set_case(case)
        self.graph.flush()
        self.graph.canvas.movable = False
        _no_focus(self)

    def stop(self) -> None:
        self.lapse_timer.stop()
        if self.transition.state() == QVariantAnimation.State.Running:
            self.transition.stop()
            self._transition_done()
        moving = self.graph.animation.state() == QVariantAnimation.State.Running
        self.graph.finish_animation()
        if moving:
            self._graph_arrived()

    def _graph_arrived(self) -> None:
        """Actors that moved to a slide's places end where the slide shows them as reached directly: the
        chart's scene, fitted to them on arrival, must not move the slide's saved zoom and centre."""
        if self._graph_view:
            self.graph.restore_view_state(self._graph_view)
        self._place_callouts()

    def _place_callouts(self) -> None:
        """Put the slide's callouts on its charts: on an actor or a point of the graph, on an event of the
        timeline; one whose actor or event the slide does not show is left out."""
        import numpy as np

        for mark, holder in self.callout_marks:
            holder.removeItem(mark)
        self.callout_marks = []
        g, chart, timeline = self.graph.graph, self.graph.chart, self.timeline
        for callout in self.callouts:
            mark = CalloutMark(callout, self.text_px)
            if callout.table == "events":
                found = timeline.data.indices_of([callout.target]) if timeline.isVisible() else []
                event = int(found[0]) if len(found) else -1
                layout = timeline.layout
                if event < 0 or layout is None or not (len(timeline.mask) > event and timeline.mask[event]):
                    continue
                rows = layout.item_row[layout.item_event == event]
                if not len(rows):
                    continue
                timeline.view.addItem(mark, ignoreBounds=True)
                point = QPointF(float(timeline.data.anchor[event]), float(rows.min()) + 0.5)
                mark.setPos(point)
                mark.keep_inside(timeline.view.mapViewToScene(point), timeline.view.sceneBoundingRect())
                self.callout_marks.append((mark, timeline.view))
                continue
            if not self.graph.isVisible() or chart.xy is None:
                continue
            if callout.table == "actors":
                v = g.index.get(callout.target)
                if v is None or v >= len(chart.xy) or not chart.graph_slice.node_shown[v]:
                    continue
                x, y = (float(c) for c in np.asarray(chart.xy[v]))
            else:
                x, y = callout.point
            self.graph.canvas.scene().addItem(mark)
            mark.setPos(x, y)
            canvas = self.graph.canvas
            mark.keep_inside(QPointF(canvas.mapFromScene(QPointF(x, y))), QRectF(canvas.viewport().rect()))
            self.callout_marks.append((mark, self.graph.canvas.scene()))

    def show_state(self, state: dict[str, Any], animate: bool = False) -> None:
        """Show a saved view, all of it (see state.apply_state: nothing of the slide before stays); with
        `animate`, slide the time window and move the actors to it."""
        self.stop()
        self.day_label = ""
        self.lapse_windows, self.lapse_index = [], -1  # a time-lapse belongs to its own slide only
        analysis = part(state, "analysis")
        question_id, fallen = analysis.get("question_id"), analysis.get("fallen")
        fallen = frozenset(s for s in fallen if isinstance(s, str)) if isinstance(fallen, list) else frozenset()
        if isinstance(question_id, str) and self.case is not None and self.matrix.show_question(
                self.case, question_id, fallen):
            # A matrix slide shows the matrix alone: the charts have nothing of it to show.
            self.timeline.hide()
            self.graph.hide()
            self.matrix.show()
            self.callouts = []
            self._place_callouts()
            return
        self.matrix.hide()
        docks = part(state, "docks")
        show_timeline, show_graph = docks.get("timeline", True) is not False, docks.get("graph", True) is not False
        if not show_timeline and not show_graph:
            show_timeline = show_graph = True
        self.timeline.setVisible(show_timeline)
        self.graph.setVisible(show_graph)
        self.show_map(part(state, "map") if map_shown(state) else None)
        # The charts take their size for this slide before they show it: a fit or a saved zoom and
        # centre worked out in the previous slide's size is off once the layout catches up.
        self.layout().activate()
        before = self._span_now()
        span = self.case.date_range() if self.case is not None and not self.case.closed else None
        # The slide's story first: what the charts show decides their lanes, their fit and their names.
        focus = core.focus_of(state)
        self.timeline.set_focus(focus.actors if focus else None, fade=bool(focus and focus.fade))
        self.graph.set_focus(focus.actors if focus and not focus.fade else None,
                             focus.relations if focus else frozenset())
        fit = apply_state(self.selection, self.timeline, self.graph, state, span or (None, None), animate=animate)
        saved = part(state, "graph")
        self._graph_view = ({name: saved[name] for name in ("zoom", "centre", "viewport") if name in saved}
                            if not fit else {})
        if focus is not None and focus.fade:
            self._fade_outside(focus)
        timeline_state = part(state, "timeline")
        if "x_range" not in timeline_state and not timeline_state.get("fitted"):
            self._frame_window()
        if fit:
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
            # On its first day at once, however the slide was reached (not the whole window for a step).
            self.start_timelapse(lapse)
        self.callouts = core.callouts_of(state)
        self._place_callouts()

    def _fade_outside(self, focus: core.Focus) -> None:
        """A fading focus on the graph: the story's actors and ties stand out as a highlight does."""
        g, chart = self.graph.graph, self.graph.chart
        nodes = {g.index[a] for a in focus.actors if a in g.index}
        chart.path_nodes = chart.path_nodes | nodes
        chart.path_edges = chart.path_edges | {
            e for e in range(g.m) if g.src[e] in nodes and g.dst[e] in nodes
            and (not focus.relations or g.edge_ids[e] in focus.relations)}
        chart.update()

    def _span_now(self) -> tuple[float, float, float, float] | None:
        from workbench.core.timeline.data import utc_seconds  # with numpy: loaded with the charts, not the window

        window = self.selection.time_window
        span = self.case.date_range() if self.case is not None and not self.case.closed else None
        start, end = window.start or (span[0] if span else None), window.end or (span[1] if span else None)
        if start is None or end is None:
            return None
        (low, high), _ = self.timeline.view.viewRange()
        return utc_seconds(start), utc_seconds(end), float(low), float(high)

    def _transition_step(self, value: Any) -> None:
        from workbench.core.timeline.data import utc_text  # with numpy: loaded with the charts, not the window

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
        """Fill the slide with the chart: the largest zoom (up to 160 %: names grow with it) at which every
        actor shown is named, names at the slide's size (the chart's own fit, as the Fit button's)."""
        from workbench.ui.graph.canvas import FIT_MARGIN  # with the charts, not the window

        canvas = self.graph.canvas
        canvas.update_scene_rect()
        view = canvas.viewport().size()
        if view.width() <= 0 or view.height() <= 0 or not self.graph.graph.n:
            return
        margin = 2 * (FIT_MARGIN + self.text_px)  # markers at the edge of a slide are easily missed
        scale, extent = self.graph.chart.fit_scale(view.width() - margin, view.height() - margin, limit=1.6)
        canvas.resetTransform()
        canvas.scale(scale, scale)
        canvas.update_scene_rect()
        canvas.centerOn(extent.center())
        canvas.view_changed()  # the chart's names are placed for this zoom

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
        self.layout().activate()  # a caption shown or hidden resizes the charts: before they show the slide
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
        for label in (self.footer, self.day, self.number):
            # Fixed, so that the charts keep their size whether or not a time-lapse day is shown (an
            # emptied label asks for another height than one never filled).
            label.setFixedHeight(label.fontMetrics().height() + 2)
        self.stage.set_text_px(max(round(height * CHART_TEXT_PX / 1080), 6))
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

    def size(self) -> QSize:
        return self.view.size()

    def resize(self, size: QSize) -> None:
        """Lay the slide out at `size` (a deck's own size, or a thumbnail's) before the next `show`."""
        if size != self.view.size():
            self.view.resize(size)
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

    def picture(self) -> tuple[QPicture, tuple[int, int]]:
        """The whole slide as recorded paint commands (vector, for a PDF page) and its size in logical
        pixels. Unlike the slide's widgets, a QPicture may be played by a QPainter on another thread (onto
        a QImage or a PDF writer). Pictures it recorded as pixmaps are raster pixmaps, which the desktop
        platform plugins let other threads read (Qt's ThreadedPixmaps); played on the runner, it makes the
        same PDF page (text and images) as painting the slide straight into the PDF did."""
        picture = QPicture()
        painter = QPainter(picture)
        self.view.render(painter, QPoint(0, 0))
        painter.end()
        return picture, (self.view.width(), self.view.height())

    def stage_image(self, scale: float = 2.0) -> QImage:
        return self._grab(self.view.stage, scale)

    def stage_rect(self) -> tuple[int, int, int, int]:
        """Where the charts are on the slide: left, top, width, height in the slide's logical pixels."""
        stage = self.view.stage
        corner = stage.mapTo(self.view, QPoint(0, 0))
        return corner.x(), corner.y(), stage.width(), stage.height()

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

