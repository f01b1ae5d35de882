"""How long work reports progress and hears Cancel: one `Progress` type and one `Cancelled` error for all of it.

Core functions that may run long (reading an import, writing accepted proposals, exports,
merge, layouts, metrics, evidence health, deck rendering) take `progress: Progress = NO_PROGRESS`
and call `progress(done, total)` now and then. That call reports the fraction done and raises
`Cancelled` once the analyst asked to stop, so work stops at the next step and its transaction
rolls back. `progress.part(a, b)` hands a sub-step its share of the range. The UI side
(`ui.tasks`) makes a Progress whose report reaches a progress dialog and whose Cancel button
sets the flag.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from workbench.core.errors import CaseError


class Cancelled(CaseError):
    """Long work stopped because the analyst asked; nothing it would have written was kept."""

    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)


class Progress:
    """Reports a fraction done (0..1) to `report` and raises Cancelled once `cancel()` was called.

    Thread-safe: the worker reports and checks, the UI thread cancels.
    """

    def __init__(self, report: Callable[[float], None] | None = None, start: float = 0.0, end: float = 1.0,
                 stop: threading.Event | None = None) -> None:
        self.report = report
        self.start, self.end = start, end
        self.stop = stop if stop is not None else threading.Event()

    def __call__(self, done: float, total: float = 1.0) -> None:
        """Report `done` of `total` and raise Cancelled if Cancel was asked for."""
        if self.stop.is_set():
            raise Cancelled()
        if self.report is not None:
            fraction = min(1.0, max(0.0, done / total)) if total else 1.0
            self.report(self.start + (self.end - self.start) * fraction)

    def check(self) -> None:
        """Raise Cancelled if Cancel was asked for (between steps that report nothing)."""
        if self.stop.is_set():
            raise Cancelled()

    @property
    def cancelled(self) -> bool:
        return self.stop.is_set()

    def cancel(self) -> None:
        self.stop.set()

    def part(self, start: float, end: float) -> Progress:
        """A Progress for a sub-step that covers [start, end] of this one's range; shares its Cancel."""
        span = self.end - self.start
        return Progress(self.report, self.start + span * start, self.start + span * end, self.stop)


# For calls that want neither reports nor Cancel (the command line, tests). Never cancel it.
NO_PROGRESS = Progress()
