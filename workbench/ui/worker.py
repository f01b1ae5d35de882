"""Long reads off the UI thread: a core function runs on its own read-only connection.

`Background(parent).run(case, work, done)` calls `work(reader)` on a pool thread with
`reader = case.open_reader()`, then `done(result)` back on the UI thread. Starting a new
run makes the result of an earlier one be dropped (the view wants only the latest answer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from workbench.core.store import Case


class Background(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self.busy = False
        self._done: Callable[[Any], None] | None = None
        self._error: Callable[[str], None] | None = None
        self.finished.connect(self._finished)
        self.failed.connect(self._failed)

    def run(self, case: Case, work: Callable[[Case], Any], done: Callable[[Any], None],
            error: Callable[[str], None] | None = None) -> int:
        self.generation += 1
        generation = self.generation
        self._done, self._error, self.busy = done, error, True

        def job() -> None:
            try:
                reader = case.open_reader()
                try:
                    result = work(reader)
                finally:
                    reader.close()
            except Exception as problem:  # noqa: BLE001 - reported to the view, not lost on a thread
                self.failed.emit(generation, f"{type(problem).__name__}: {problem}")
                return
            self.finished.emit(generation, result)

        QThreadPool.globalInstance().start(job)
        return generation

    def cancel(self) -> None:
        """Forget the running job: its result will be dropped."""
        self.generation += 1
        self.busy = False

    def _finished(self, generation: int, result: object) -> None:
        if generation == self.generation and self._done is not None:
            self.busy = False
            self._done(result)

    def _failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.busy = False
            if self._error is not None:
                self._error(message)
