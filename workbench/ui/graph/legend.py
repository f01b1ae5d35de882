"""The key to the link chart: shapes of the kinds shown, line styles, width, fading; under the chart and in pictures."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from workbench.core.graph.model import KINDS
from workbench.ui.graph.chart import ChartItem
from workbench.ui.graph.style import EDGE_COLOUR, FADED_ALPHA, KIND_STYLE, LINE_STYLES, add_shape


def kinds_in_order(kinds: Iterable[str]) -> list[str]:
    """The distinct actor kinds given, in the legend's order (core KINDS order, unknown kinds last)."""
    return sorted(set(kinds), key=lambda k: KINDS.index(k) if k in KINDS else 99)


THINNED_TEXT = "between groups: strongest ties only"  # when core strongest_ties left some undrawn


def width_text(weighted: bool) -> str:
    """What a thicker line means: more events behind the tie (ties weighted by count), or more citations."""
    return "thicker: more events" if weighted else "thicker: more citations"


def paint_legend(painter: QPainter, kinds: list[str], origin: QPointF, colour_by: str = "kind",
                 weighted: bool = False, thinned: bool = False) -> QRectF:
    """The key to the chart: shapes of the kinds present, line styles, width, fading, direction."""
    font = QFont()
    font.setPointSizeF(7.5)
    metrics = QFontMetricsF(font)
    line = metrics.height() + 2
    styles = [("solid", "reported, 2+ sources"), ("dashed", "1 source, possible, likely"),
              ("dotted", "unverified or uncited"), ("dashdot", "planned")]
    extras = [width_text(weighted), "faded: undated, may fall in window"] + ([THINNED_TEXT] if thinned else [])
    left_rows = len(kinds) if colour_by == "kind" else 1
    rows = max(left_rows, len(styles) + len(extras))
    column = max([metrics.horizontalAdvance(k) for k in kinds] + [60.0]) + 26
    second = max(metrics.horizontalAdvance(text) for text in [s[1] for s in styles] + extras) + 36
    rect = QRectF(origin.x(), origin.y() - rows * line - 10, column + second + 14, rows * line + 8)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(180, 180, 180), 1))
    painter.setBrush(QBrush(QColor(255, 255, 255, 232)))
    painter.drawRoundedRect(rect, 4, 4)
    painter.setFont(font)
    y = rect.top() + 4
    if colour_by == "kind":
        for k, kind in enumerate(kinds):
            colour, shape = KIND_STYLE.get(kind, KIND_STYLE["other"])
            path = QPainterPath()
            add_shape(path, shape, rect.left() + 12, y + k * line + line / 2, 5.0)
            painter.setPen(QPen(QColor(30, 30, 30), 0.8))
            painter.setBrush(QBrush(QColor(colour)))
            painter.drawPath(path)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(rect.left() + 22, y + k * line + metrics.ascent() + 1), kind)
    else:
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(QPointF(rect.left() + 8, y + metrics.ascent() + 1), "colour: community")
    x0 = rect.left() + column
    for k, (style, text) in enumerate(styles):
        pen = QPen(EDGE_COLOUR, 1.6)
        pen.setStyle(LINE_STYLES[style])
        painter.setPen(pen)
        yy = y + k * line + line / 2
        painter.drawLine(QPointF(x0, yy), QPointF(x0 + 20, yy))
        painter.setPen(QColor(20, 20, 20))
        painter.drawText(QPointF(x0 + 26, y + k * line + metrics.ascent() + 1), text)
    k = len(styles)
    painter.setPen(QPen(EDGE_COLOUR, 4.0))
    painter.drawLine(QPointF(x0, y + k * line + line / 2), QPointF(x0 + 20, y + k * line + line / 2))
    painter.setOpacity(FADED_ALPHA)
    painter.setPen(QPen(EDGE_COLOUR, 1.6))
    painter.drawLine(QPointF(x0, y + (k + 1) * line + line / 2), QPointF(x0 + 20, y + (k + 1) * line + line / 2))
    painter.setOpacity(1.0)
    painter.setPen(QColor(20, 20, 20))
    for offset, text in enumerate(extras):
        painter.drawText(QPointF(x0 + 26, y + (k + offset) * line + metrics.ascent() + 1), text)
    painter.restore()
    return rect


def paint_legend_strip(painter: QPainter | None, kinds: list[str], width: float, colour_by: str = "kind",
                       text_px: int = 0, weighted: bool = False, thinned: bool = False) -> float:
    """The legend as a strip of entries that wraps at `width`; returns its height (None: measure only).
    Text is 7.5 pt, or `text_px` pixels tall when given (a slide's)."""
    font = QFont()
    if text_px:
        font.setPixelSize(text_px)
    else:
        font.setPointSizeF(7.5)
    metrics = QFontMetricsF(font)
    grow = max(metrics.height() / 13.0, 1.0)  # marks grow with the text
    line = metrics.height() + 3
    entries: list[tuple[str, str, str]] = []  # (what, style, text)
    if colour_by == "kind":
        entries += [("kind", kind, kind) for kind in kinds]
    else:
        entries.append(("text", "", "colour: community"))
    entries += [("line", "solid", "reported, 2+ sources"), ("line", "dashed", "1 source, possible, likely"),
                ("line", "dotted", "unverified or uncited"), ("line", "dashdot", "planned"),
                ("wide", "solid", width_text(weighted)), ("faded", "solid", "faded: undated, may fall in window")]
    if thinned:
        entries.append(("text", "", THINNED_TEXT))
    x, y = 6.0, 3.0
    if painter is not None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(font)
    for what, style, text in entries:
        mark = (14.0 if what == "kind" else (0.0 if what == "text" else 24.0)) * grow
        span = mark + 4 + metrics.horizontalAdvance(text) + 12
        if x > 6 and x + span > width:
            x, y = 6.0, y + line
        if painter is not None:
            middle = y + line / 2
            if what == "kind":
                colour, shape = KIND_STYLE.get(style, KIND_STYLE["other"])
                path = QPainterPath()
                add_shape(path, shape, x + 6 * grow, middle, 5.0 * grow)
                painter.setPen(QPen(QColor(30, 30, 30), 0.8))
                painter.setBrush(QBrush(QColor(colour)))
                painter.drawPath(path)
            elif what != "text":
                pen = QPen(EDGE_COLOUR, 4.0 if what == "wide" else 1.6)
                pen.setStyle(LINE_STYLES[style])
                painter.setPen(pen)
                painter.setOpacity(FADED_ALPHA if what == "faded" else 1.0)
                painter.drawLine(QPointF(x, middle), QPointF(x + 20 * grow, middle))
                painter.setOpacity(1.0)
            painter.setPen(QColor(20, 20, 20))
            painter.drawText(QPointF(x + mark + 4, y + (line - metrics.height()) / 2 + metrics.ascent()), text)
        x += span
    if painter is not None:
        painter.restore()
    return y + line + 3


class LegendOverlay(QWidget):
    """The legend as a strip under the chart, in a margin of the view, not over its viewport: a
    widget over the viewport would make every step of a pan repaint the whole chart."""

    def __init__(self, canvas: QAbstractScrollArea, chart: ChartItem) -> None:
        """The strip sits in the bottom margin of `canvas`, the view of `chart` (typed by its Qt base: the
        canvas module imports this one, not the other way round)."""
        super().__init__(canvas)
        self.canvas = canvas
        self.chart = chart
        self.setObjectName("graph_legend")
        self.kinds: list[str] = []
        self.text_px = 0  # 0: the desktop's 7.5 pt
        self.hide()

    def update_kinds(self) -> None:
        chart = self.chart
        self.kinds = kinds_in_order(k for k, s in zip(chart.graph.kinds, chart.graph_slice.node_shown, strict=True)
                                    if s)
        self.place()
        self.update()

    def place(self) -> None:
        canvas = self.canvas
        if not self.isVisibleTo(canvas):
            canvas.setViewportMargins(0, 0, 0, 0)
            return
        frame = canvas.frameWidth()
        width = canvas.width() - 2 * frame
        height = self.needed_height(width)
        canvas.setViewportMargins(0, 0, 0, height)
        self.setGeometry(frame, canvas.height() - frame - height, width, height)

    def needed_height(self, width: float) -> int:
        return int(math.ceil(paint_legend_strip(None, self.kinds, width, self.chart.colour_by, self.text_px,
                                                self.chart.weigh_ties, self.chart.ties_thinned)))

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.needed_height(self.width()) != self.height():  # ties thinned or not since placed
            self.place()
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(244, 244, 240))
        painter.setPen(QColor(210, 210, 205))
        painter.drawLine(0, 0, self.width(), 0)
        paint_legend_strip(painter, self.kinds, self.width(), self.chart.colour_by, self.text_px, self.chart.weigh_ties,
                           self.chart.ties_thinned)
        painter.end()

