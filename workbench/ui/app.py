"""Start the app: one QApplication, one main window on a case (the sample case by default)."""

from __future__ import annotations

import sys
import time
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from workbench.core.atomic import atomic_path
from workbench.core.sample import ensure_sample_case
from workbench.core.store import CaseError
from workbench.ui.collector import collect_on_ui_thread
from workbench.ui.main_window import APP_NAME, MainWindow

SCREENSHOT_SIZE = (1440, 900)  # the window's default size: a screenshot shows what users see
EXIT_OK, EXIT_REFUSED = 0, 2


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    collect_on_ui_thread(app)  # Qt objects in reference cycles are freed on the UI thread, never a worker
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    # Lets Wayland and the desktop match the window to its menu entry and icon (packaging/).
    app.setDesktopFileName("org.caseworkbench.CaseWorkbench")
    icon = resources.files("workbench.resources").joinpath(
        "icons", "hicolor", "256x256", "apps", "org.caseworkbench.CaseWorkbench.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


class FirstPaint(QObject):
    """Quits the app once the window has painted (for start-up timing)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self.painted and event.type() == QEvent.Type.Paint and watched is self.window:
            self.painted = True
            # Leave the event loop once this paint is done: nothing queued after it (such as
            # building the drawn views) belongs to the start-up being measured.
            QApplication.quit()
        return False


class ViewsDrawn(QObject):
    """Prints when the window has painted with every view on screen built on the case, then when the views'
    background work (a big graph's layout, its groups, the views behind other docks' tabs) has been delivered, and
    quits (opening timing: `--exit-after-views`).
    The times are wall-clock seconds since the epoch, so a caller compares them with when it started the process."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (not self.done and event.type() == QEvent.Type.Paint and watched is self.window
                and self.window.shown_views_built()):
            self.done = True
            QTimer.singleShot(0, self.report)  # after this paint: the views are drawn by then
        return False

    def report(self) -> None:
        from workbench.ui.tasks import runner

        self.window.repaint()  # every visible view drawn on the case, now, whatever the compositor would do
        print(f"views drawn {time.time():.6f}", flush=True)
        print(f"ui cpu {time.thread_time():.6f}", flush=True)  # the UI thread's CPU time to here: load aside
        self.window.build_views()  # those behind other docks' tabs, which the window builds next anyway
        for _round in range(2):  # work delivered may start more (a layout's groups)
            runner().wait_idle(600_000)
            QApplication.processEvents()
        self.window.repaint()
        print(f"background done {time.time():.6f}", flush=True)
        QApplication.quit()


def run(
    case_path: Path | None = None,
    screenshot: Path | None = None,
    read_only: bool = False,
    exit_after_paint: bool = False,
    exit_after_views: bool = False,
) -> int:
    app = application()
    unattended = screenshot is not None or exit_after_paint or exit_after_views
    try:
        path = Path(case_path) if case_path is not None else ensure_sample_case()
    except (CaseError, OSError) as error:
        print(f"Cannot prepare the sample case: {error}", file=sys.stderr)
        return EXIT_REFUSED
    window = MainWindow(read_only=read_only)
    if unattended:
        window.keep_layout = False
        window.refuse = lambda message: print(message, file=sys.stderr)  # no dialog nobody can answer
        window.ask = lambda title, question: False  # e.g. no repair of a file without the analyst
    opened = window.open_path(path)
    if unattended and not opened:
        window.close()
        return EXIT_REFUSED
    if screenshot is not None:
        return save_screenshot(window, Path(screenshot))
    if exit_after_paint:
        window.installEventFilter(FirstPaint(window))
    if exit_after_views:
        window.installEventFilter(ViewsDrawn(window))
    window.show()
    code = app.exec()
    return code if opened or code else EXIT_OK


def save_screenshot(window: MainWindow, path: Path) -> int:
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    QApplication.processEvents()
    window.build_views()  # a screenshot shows every view, not the placeholders of the first paint
    for _ in range(5):
        QApplication.processEvents()
    # A big case's layout and groups are worked out off the UI thread: show them, as the analyst sees
    # them a moment after opening, not the circle drawn meanwhile.
    from workbench.ui.tasks import runner

    runner().wait_idle(180_000)
    for _ in range(5):
        QApplication.processEvents()
    image = window.grab()
    window.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as partial:  # a failed write leaves an older screenshot as it was
            if not image.save(str(partial), "PNG"):
                raise OSError("the image could not be written")
    except OSError as error:
        print(f"Cannot write the screenshot to {path}: {error.strerror or error}.", file=sys.stderr)
        return EXIT_REFUSED
    print(f"Wrote {path} ({image.width()}x{image.height()}).")
    return EXIT_OK
