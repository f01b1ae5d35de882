"""Presentation mode: the storyboard full screen, one slide at a time, driven by a clicker's keys; and the
presenter view (current and next slide, speaker notes, a timer) for the presenter's own screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from workbench.core import storyboard as core
from workbench.core.store import Case
from workbench.ui.briefing.slides import BRIEFING_BACKGROUND, BRIEFING_TEXT, SLIDE_SIZE, TRANSITION_MS, SlideView

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Down, Qt.Key.Key_N,
             Qt.Key.Key_Return, Qt.Key.Key_Enter}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Up, Qt.Key.Key_Backspace}
BLANK_KEYS = {Qt.Key.Key_B, Qt.Key.Key_Period}  # clickers send "." for their blank-screen button


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

