"""The view around the link chart: zoom, pan, click to select, drag to move and pin, Shift+drag to relate; pictures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPaintEngine, QPainter, QPen, QRegion, QTransform
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene, QGraphicsView, QWidget

from workbench.ui.graph.chart import ChartItem
from workbench.ui.graph.legend import LegendOverlay, kinds_in_order, paint_legend
from workbench.ui.pictures import save_png, save_svg

FIT_MARGIN = 6  # pixels left around the chart and its names by Fit
# A wheel turn shows the last whole drawing of the view scaled at once; this long after the wheel rests, the names are
# placed for the new zoom and the view is drawn whole (sharp) again.
SETTLE_MS = 150
# Zoomed by the wheel further than this from the last whole drawing, the view is drawn whole at once (scaled further,
# the picture would be a blur, or a stamp in a blank frame).
PREVIEW_FACTOR = 4.0


class GraphCanvas(QGraphicsView):
    """Zoom (wheel), pan (drag the background), click to select, drag an actor to move and pin it."""

    node_clicked = Signal(int, bool)  # node, add to selection
    edge_clicked = Signal(int, bool)
    background_clicked = Signal()
    nodes_moved = Signal(object)  # {node: (x, y)} after a drag
    context_requested = Signal(int, object)  # node, global position
    link_requested = Signal(int, int)  # Shift+drag from one actor to another: relate them
    group_clicked = Signal(int)  # a group's marker: the group, or chart.ISOLATES for the isolated actors'

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graph_canvas")
        self.chart = ChartItem()
        self.setScene(QGraphicsScene(self))
        self.scene().addItem(self.chart)
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setBackgroundBrush(QBrush(QColor(252, 252, 250)))
        self.setMouseTracking(True)
        # Panning is by dragging the background; scroll bars would only take room from the chart.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.show_legend = True
        self.movable = True
        self.fitted = 0.0  # the zoom Fit chose, while the chart is shown as Fit left it (else 0): a resize fits again
        # A child of the view, not of its viewport: scrolling the chart does not move it.
        self.legend = LegendOverlay(self, self.chart)
        self._press: QPointF | None = None
        self._drag_node = -1
        self._dragged = False
        self._pan_from: QPointF | None = None
        self._link_from = -1  # Shift+drag from an actor draws a line to the actor to relate it to
        self.link_line = QGraphicsLineItem()
        self.link_line.setPen(QPen(QColor(0, 90, 200), 0, Qt.PenStyle.DashLine))
        self.link_line.setZValue(50)
        self.link_line.hide()
        self.scene().addItem(self.link_line)
        # The last whole drawing of the viewport, kept for a wheel turn's frames (paintEvent), with the view's transform
        # and the chart's drawing version it was drawn at: a chart changed since is never shown from it.
        self.kept: QImage | None = None
        self.kept_transform = QTransform()
        self.kept_version = -1
        self.hand_zoom = False  # zoomed by the wheel since the view was last drawn whole for its zoom
        self.whole_paints = self.previews = 0  # counts, for tests
        self.keeps_drawings = True  # False: Qt paints the view itself every time, as before drawings were kept
        self.settle_timer = QTimer(self)
        self.settle_timer.setSingleShot(True)
        self.settle_timer.setInterval(SETTLE_MS)
        self.settle_timer.timeout.connect(self.settle)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(600, 400)

    def update_scene_rect(self) -> None:
        bounds = self.chart.boundingRect()
        pad = max(bounds.width(), bounds.height(), 400) * 0.6
        self.setSceneRect(bounds.adjusted(-pad, -pad, pad, pad))

    def fit(self) -> None:
        """Show the whole chart with the names drawn at that zoom, no larger than 100 % for a small chart."""
        self.update_scene_rect()
        bounds = self.chart.boundingRect()
        if not bounds.isValid() or bounds.width() <= 0 or bounds.height() <= 0:
            return
        view = self.viewport().size()
        scale, extent = self.chart.fit_scale(view.width() - 2 * FIT_MARGIN, view.height() - 2 * FIT_MARGIN)
        self.resetTransform()
        self.scale(scale, scale)
        self.update_scene_rect()
        self.centerOn(extent.center())
        self.view_changed()
        self.fitted = self.transform().m11()

    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.01 <= scale <= 8:
            self.scale(factor, factor)
            self.fitted = 0.0
            self.view_changed()

    def zoom_by_hand(self, factor: float) -> None:
        """A wheel turn: the view zoomed now and shown as the last whole drawing scaled (paintEvent); the names are
        placed for the zoom once the wheel rests (`settle`)."""
        scale = self.transform().m11() * factor
        if 0.01 <= scale <= 8:
            self.scale(factor, factor)
            self.fitted = 0.0
            self.hand_zoom = True
            self.settle_timer.start()

    def settle(self) -> None:
        """The wheel rests: names placed for the zoom, the view drawn whole."""
        self.settle_timer.stop()
        if self.hand_zoom:
            self.hand_zoom = False
            self.view_changed()
            self.viewport().update()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.settle()  # no timer left behind a closed window
        super().hideEvent(event)

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if not self.keeps_drawings or not self._on_screen():
            super().paintEvent(event)  # a PDF, an SVG or an image at another scale: vectors, drawn now
            return
        viewport = self.viewport()
        ratio = viewport.devicePixelRatioF()
        size = viewport.size() * ratio
        kept = self.kept
        usable = (kept is not None and kept.size() == size and kept.devicePixelRatioF() == ratio
                  and self.kept_version == self.chart.drawn_version and not self.link_line.isVisible())
        if self.hand_zoom and usable:
            factor = self.transform().m11() / self.kept_transform.m11()
            if 1 / PREVIEW_FACTOR <= factor <= PREVIEW_FACTOR:
                # The kept drawing where its scene now is: a point drawn at u is now at now(kept^-1(u)).
                painter = QPainter(viewport)
                painter.fillRect(viewport.rect(), self.backgroundBrush())
                painter.setTransform(self.kept_transform.inverted()[0] * self.viewportTransform())
                painter.drawImage(QPointF(0, 0), kept)
                painter.end()
                self.previews += 1
                return
        if self.hand_zoom:
            self.hand_zoom = False
            self.settle_timer.stop()
            self.view_changed()  # too far from the kept drawing (or it is out of date): names placed now
        if not QRegion(viewport.rect()).subtracted(event.region()).isEmpty():  # (QRegion.contains only overlaps)
            super().paintEvent(event)  # a strip (a pan scrolls the rest): the kept drawing is still the scene's
            return
        if kept is None or kept.size() != size or kept.devicePixelRatioF() != ratio:
            kept = self.kept = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            kept.setDevicePixelRatio(ratio)
        kept.fill(0)
        painter = QPainter(kept)
        painter.setRenderHints(self.renderHints())  # the view's own, as its paintEvent sets them
        # The view's drawing (background, items): Qt's paint of the viewport but for antialiased edges' rounding.
        self.render(painter, QRectF(viewport.rect()), viewport.rect())
        painter.end()
        self.kept_transform, self.kept_version = self.viewportTransform(), self.chart.drawn_version
        painter = QPainter(viewport)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
        painter.drawImage(QPointF(0, 0), kept)
        painter.end()
        self.whole_paints += 1

    def _on_screen(self) -> bool:
        """Whether this paint goes to raster pixels at the viewport's own scale (the screen, a grab), where a kept
        drawing may stand for the view; not to a deck's PDF, an SVG or a picture rendered larger."""
        viewport = self.viewport()
        probe = QPainter(viewport)
        try:
            engine = probe.paintEngine()
            device = probe.deviceTransform()
            ratio = viewport.devicePixelRatioF()
            return (engine is not None and engine.type() == QPaintEngine.Type.Raster and not device.m12()
                    and not device.m21() and abs(device.m11() - ratio) < 1e-9 and abs(device.m22() - ratio) < 1e-9)
        finally:
            probe.end()

    def view_changed(self) -> None:
        """Tell the chart the zoom and the part of it in view: names are placed for them."""
        inside = self.viewport().rect().adjusted(FIT_MARGIN, FIT_MARGIN, -FIT_MARGIN, -FIT_MARGIN)
        area = self.mapToScene(inside).boundingRect()
        self.chart.set_view_scale(self.transform().m11(), area)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:  # as in the timeline and the lists: nothing selected anywhere
            self.background_clicked.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.zoom_by_hand(1.0015 ** event.angleDelta().y())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.legend.place()
        if self.fitted and self.fitted == self.transform().m11():
            # The Tables opened beside the chart, the dock or window changed size: the fitted chart
            # is fitted again, not cut off at the new edge.
            self.fit()
        else:
            self.view_changed()

    def update_legend(self) -> None:
        self.legend.setVisible(self.show_legend and self.chart.graph.n > 0)
        self.legend.update_kinds()

    # mouse
    def _scene_point(self, event: Any) -> QPointF:
        return self.mapToScene(event.position().toPoint())

    def node_at(self, point: QPointF) -> int:
        """The actor under a scene point, with 3 screen pixels to spare around its marker; -1 if none."""
        return self.chart.node_at(point.x(), point.y(), 3.0 / max(self.transform().m11(), 1e-6))

    def edge_at(self, point: QPointF) -> int:
        """The relation under a scene point, within 5 screen pixels; -1 if none."""
        return self.chart.edge_at(point.x(), point.y(), 5.0 / max(self.transform().m11(), 1e-6))

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            if event.button() == Qt.MouseButton.RightButton:
                node = self.node_at(self._scene_point(event))
                self.context_requested.emit(node, event.globalPosition().toPoint())
            return
        point = self._scene_point(event)
        self._press = event.position()
        self._dragged = False
        self._drag_node = self.node_at(point)
        self._link_from = -1
        if self._drag_node >= 0 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.movable:
            self._link_from = self._drag_node
        if self._drag_node < 0:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self._press is None:
            node = self.node_at(self._scene_point(event))
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if node >= 0 else Qt.CursorShape.ArrowCursor)
            self._show_tooltip(event, node)
            return
        moved = (event.position() - self._press).manhattanLength() > 3
        if self._link_from >= 0 and (moved or self._dragged):
            self._dragged = True
            start, end = self.chart.xy[self._link_from], self._scene_point(event)
            self.link_line.setLine(float(start[0]), float(start[1]), end.x(), end.y())
            self.link_line.show()
            return
        if self._drag_node >= 0 and self.movable and (moved or self._dragged):
            self._dragged = True
            point = self._scene_point(event)
            xy = self.chart.xy.copy()
            xy[self._drag_node] = (point.x(), point.y())
            self.chart.set_positions(xy)
        elif self._pan_from is not None and (moved or self._dragged):
            self._dragged = True
            self.fitted = 0.0
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        add = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        node, dragged, link_from = self._drag_node, self._dragged, self._link_from
        self._press, self._pan_from, self._drag_node, self._dragged = None, None, -1, False
        self._link_from = -1
        self.link_line.hide()
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        if link_from >= 0 and dragged:
            target = self.node_at(self._scene_point(event))
            if target >= 0 and target != link_from:
                self.link_requested.emit(link_from, target)
            return
        if dragged and node >= 0:
            self.update_scene_rect()
            self.nodes_moved.emit({node: (float(self.chart.xy[node, 0]), float(self.chart.xy[node, 1]))})
            return
        if dragged:
            self.view_changed()  # a pan: on a big chart, the names of what came into view
            return
        point = self._scene_point(event)
        if node >= 0:
            self.node_clicked.emit(node, add)
            return
        group = self.chart.group_hit(point.x(), point.y(), 3.0 / max(self.transform().m11(), 1e-6))
        if group != -1:
            self.group_clicked.emit(group)
            return
        edge = self.edge_at(point)
        if edge >= 0:
            self.edge_clicked.emit(edge, add)
        else:
            self.background_clicked.emit()

    def _show_tooltip(self, event: Any, node: int) -> None:
        from PySide6.QtWidgets import QToolTip

        g = self.chart.graph
        group = -1 if node >= 0 else self.chart.group_hit(
            self._scene_point(event).x(), self._scene_point(event).y(), 3.0 / max(self.transform().m11(), 1e-6))
        if group >= 0:
            text = self.chart.group_tooltip(group)
        elif node >= 0:
            text = f"{g.names[node]}\n{g.kinds[node]} · {self.chart.degree[node]} ties"
        else:
            edge = self.edge_at(self._scene_point(event))
            if edge < 0:
                QToolTip.hideText()
                return
            text = (f"{g.names[g.src[edge]]} {'→' if g.directed[edge] else '↔'} {g.names[g.dst[edge]]}\n"
                    f"{g.edge_kinds[edge]}" + (f": {g.edge_labels[edge]}" if g.edge_labels[edge] else "")
                    + f"\n{g.confidences[edge]}, {g.citations[edge]} citations from {g.sources[edge]} sources")
        # QToolTip treats text that looks like rich text as HTML; escape so case text stays plain.
        from html import escape

        QToolTip.showText(event.globalPosition().toPoint(),
                          "<p style='white-space:pre'>" + escape(text) + "</p>", self)

    # export
    def render_image(self, scale: float = 2.0) -> QImage:
        bounds = self.chart.boundingRect().adjusted(-20, -20, 20, 20)
        kinds = kinds_in_order(self.chart.graph.kinds)
        legend_height = (max(len(kinds), 7) + 1) * 16  # 4 line styles, 3 notes
        width = max(int(bounds.width() * scale), 200)
        height = max(int(bounds.height() * scale), 200) + int(legend_height * scale)
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        target = QRectF(0, 0, bounds.width() * scale, bounds.height() * scale)
        self.scene().render(painter, target, bounds)
        painter.scale(scale, scale)
        paint_legend(painter, kinds, QPointF(6, height / scale - 4), self.chart.colour_by, self.chart.weigh_ties,
                     self.chart.ties_thinned)
        painter.end()
        return image

    def export_png(self, path: Path, scale: float = 2.0) -> bool:
        """Written through a temporary file beside `path`: a failure leaves the previous file as it was."""
        return save_png(self.render_image(scale), path)

    def export_svg(self, path: Path, title: str = "Actor graph") -> bool:
        """Written through a temporary file beside `path`: a failure leaves the previous file as it was."""
        bounds = self.chart.boundingRect().adjusted(-20, -20, 20, 20)
        kinds = kinds_in_order(self.chart.graph.kinds)
        legend_height = (max(len(kinds), 7) + 1) * 16  # 4 line styles, 3 notes

        def paint(painter: QPainter) -> None:
            self.scene().render(painter, QRectF(0, 0, bounds.width(), bounds.height()), bounds)
            paint_legend(painter, kinds, QPointF(6, bounds.height() + legend_height - 4), self.chart.colour_by,
                         self.chart.weigh_ties, self.chart.ties_thinned)

        return save_svg(path, bounds.width(), bounds.height() + legend_height, title, paint)

