"""Python's cyclic garbage collection, run on the UI thread only, so Qt objects are freed where they live.

With automatic collection on, a collection starts on whichever thread happens to allocate when a
threshold is crossed. If that is a worker of the task runner (an export, a layout) and the cycle
holds a closed dialog or window, Qt deletes a widget off the UI thread and the process dies with a
segmentation fault (seen in the suite: a GEXF export on a worker while the window was open).
So automatic collection is switched off and the same thresholds are checked from a timer on the UI
thread, as pyqtgraph's GarbageCollector does for the same reason.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 250


class UiThreadCollector(QObject):
    """Collects each generation on the UI thread once its count passes the threshold Python would use."""

    def __init__(self, app: QCoreApplication, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(app)
        self.setObjectName("ui-thread-collector")
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if self.thresholds[generation] and counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return


def collect_on_ui_thread(app: QCoreApplication) -> UiThreadCollector:
    """Install the collector on `app` once (later calls return the same one)."""
    found = app.findChild(UiThreadCollector, "ui-thread-collector")
    return found if found is not None else UiThreadCollector(app)
