"""The one background runner: long work off the UI thread, with progress, Cancel, and stale results dropped.

Everything slow in the app (reading an import, writing accepted proposals, exports, merge plan and
write, layouts, metrics, evidence health, the deck export) runs through here, never on the UI thread.

How to use it
-------------
Work is a plain function that runs on a pool thread and must not touch widgets:

    def work(progress: Progress) -> Result              # no case connection
    def work(reader: Case, progress: Progress) -> Result  # with reader_of=case: a read-only connection
    def work(writer: Case, progress: Progress) -> Result  # with writer_of=case: a writable connection

The connection is opened for this one run (`case.open_reader()` on the worker, `case.open_writer()`
on the UI thread because it may switch the case to WAL) and closed on the worker when the work
returns. Long core work takes `progress: Progress = NO_PROGRESS` (`core.progress`): pass `progress`
on. Calling `progress(done, total)` reports a fraction and raises `core.progress.Cancelled` once
Cancel was asked for, which this runner reports as "cancelled", not as a failure.

A view that recomputes something in the background (layout, metrics, evidence health):

    from workbench.ui.tasks import runner
    runner().run(("evidence health", id(self)), lambda reader, progress: evidence_health(reader, floor),
                 reader_of=case, done=self._health_ready, failed=self._health_failed, context=self)

- `key`: runs with the same key replace each other. Starting a new run cancels the older one's
  Progress and its result, whenever it comes, is dropped: the view only ever hears the newest
  answer. `key=None` makes a run that nothing replaces.
- `done(result)`, `failed(message)`, `cancelled()`, `progress(fraction)` are all called on the UI
  thread (the worker emits a queued signal). `message` is one sentence for the analyst.
- `context`: a QObject (usually the view); once it is deleted, nothing is delivered to it.
- `runner().cancel(key)` stops the run and forgets it (nothing is delivered); `is_busy(key)`.

A user action the analyst waits for (export, import, merge) uses the modal form, which returns
an `Outcome` once the work is over:

    outcome = runner().run_modal(window, "Exporting…", work, reader_of=case)
    if outcome.cancelled: ...        # Cancel was pressed and the work stopped
    elif outcome.error: warn(...)    # one sentence
    else: use(outcome.result)

It shows a `QProgressDialog` (after 300 ms; quick work shows nothing) whose Cancel button cancels
the Progress, and waits in a local `QEventLoop`, so the window keeps painting and timers keep
firing while the work runs. It is modal from the start (before the dialog shows, clicks and
shortcuts meant for the window are dropped), so the analyst cannot start a second change
meanwhile. If the work finished before it noticed Cancel, the outcome is the result: what was
done is reported truthfully (a write that committed is still a write).

A write goes on a writer connection with `write_modal` (one undo step, one change notice):

    outcome = write_modal(window, window.undo_stack, case, "Import report.md", "Importing…",
                          lambda writer, progress: apply_plan(writer, plan, progress=progress))

The action runs inside `writer.recording()` (one transaction, journalled); back on the UI thread
its journal becomes an `ui.commands.Operation` on the undo stack (`Operation.from_journal`) and
its `Changes` are announced on the window's case exactly once. Cancel rolls the transaction back.

Tests and the window's close use `wait_idle(timeout_ms)`: it waits for every run to finish and
delivers what they sent, and says whether the runner is idle.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEvent, QEventLoop, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QUndoStack, QWindow
from PySide6.QtWidgets import QLabel, QProgressBar, QProgressDialog, QWidget

from workbench.core.progress import Cancelled, Progress
from workbench.core.store import Case, CaseError, Changes

# Steps of the progress bar: a fraction 0..1 is shown in thousandths.
STEPS = 1000
# The dialog appears only for work that takes longer than this.
SHOW_AFTER_MS = 300
# Fractions that moved less than 1% reach the UI thread at most this often.
REPORT_EVERY_S = 0.03


@dataclass
class Outcome:
    """How a run ended: its result, or the one-sentence error, or that it was cancelled."""

    result: Any = None
    error: str | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled


@dataclass
class Task:
    """One run: `progress.cancel()` asks its work to stop at the next step."""

    key: Hashable
    generation: int
    progress: Progress
    deliver: Callable[[Outcome], None] | None = None
    report: Callable[[float], None] | None = None
    context: QObject | None = None
    modal: bool = False
    work: Callable[..., Any] | None = None  # held here so the UI thread, not a worker, lets go of it last

    def cancel(self) -> None:
        self.progress.cancel()

    def forget(self) -> None:
        """Drop the callbacks (and the widgets they hold): nothing more is delivered."""
        self.deliver = self.report = self.work = None
        self.context = None


def describe_error(error: BaseException, failure: str = "It failed") -> str:
    """One sentence for the analyst: a CaseError already is one; anything else is prefixed."""
    if isinstance(error, CaseError):
        return str(error)
    text = str(error).strip().rstrip(".") or type(error).__name__
    return f"{failure}: {text}."


class TaskRunner(QObject):
    """Runs work on its own thread pool and delivers outcomes on the UI thread; see the module docstring."""

    # (generation, Outcome) and (generation, fraction), emitted on a worker, received on the UI thread.
    # Workers see generations only, never a Task: its callbacks hold Qt objects (a view, an event
    # loop, a progress bar), which must be released on the UI thread, not wherever a worker or the
    # garbage collector happens to drop them.
    _finished = Signal(int, object)
    _progressed = Signal(int, float)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        # Keyed background runs and a modal one may overlap; two cores must not queue the modal one.
        self.pool.setMaxThreadCount(max(4, QThreadPool.globalInstance().maxThreadCount()))
        self._generations = itertools.count(1)
        self._latest: dict[Hashable, Task] = {}  # the newest run of each key, while it runs
        self._running: dict[int, Task] = {}  # every run started and not yet delivered, by generation
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progressed.connect(self._report, Qt.ConnectionType.QueuedConnection)

    # --- background runs ---------------------------------------------------------------------

    def run(self, key: Hashable, work: Callable[..., Any], *, done: Callable[[Any], None] | None = None,
            failed: Callable[[str], None] | None = None, cancelled: Callable[[], None] | None = None,
            progress: Callable[[float], None] | None = None, reader_of: Case | None = None,
            writer_of: Case | None = None, context: QObject | None = None, failure: str = "It failed") -> Task:
        """Start `work` on a pool thread; the newest run of `key` is the only one delivered.

        `failure` begins the message of an unexpected error ("Cannot import x.md: ...").
        """
        def deliver(outcome: Outcome) -> None:
            if outcome.cancelled:
                if cancelled is not None:
                    cancelled()
            elif outcome.error is not None:
                if failed is not None:
                    failed(outcome.error)
            elif done is not None:
                done(outcome.result)

        return self._start(key, work, deliver, progress, reader_of, writer_of, context, failure)

    def cancel(self, key: Hashable) -> None:
        """Stop the run of `key` and forget it: nothing of it is delivered."""
        task = self._latest.pop(key, None)
        if task is not None:
            task.cancel()
            task.forget()

    def cancel_all(self) -> None:
        """Stop every run; keyed runs are forgotten, a modal one still reports (its caller waits for it)."""
        for key, task in list(self._latest.items()):
            if task.modal:
                task.cancel()
            else:
                self.cancel(key)

    def is_busy(self, key: Hashable = None) -> bool:
        """Whether `key` has a run not yet delivered (any run at all when no key is given)."""
        return bool(self._running) if key is None else key in self._latest

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Wait until every run has finished and its outcome was delivered; False on timeout.

        Blocks the calling (UI) thread: for tests and for closing the window, never for a user action.
        """
        deadline = QDeadlineTimer(timeout_ms)
        while self._running:
            if not self.pool.waitForDone(max(0, deadline.remainingTime())):
                return False
            # The outcomes are posted to this object: deliver them now (a delivery may start a new run).
            QCoreApplication.sendPostedEvents(self, 0)
            if deadline.hasExpired() and self._running:
                return False
        return True

    # --- the modal form ------------------------------------------------------------------------

    def run_modal(self, parent: QWidget | None, label: str, work: Callable[..., Any], *,
                  reader_of: Case | None = None, writer_of: Case | None = None, title: str = "Case Workbench",
                  failure: str = "It failed") -> Outcome:
        """Run `work` behind a progress dialog with Cancel and wait for it in a local event loop."""
        dialog = QProgressDialog(parent)
        dialog.setObjectName("task_progress")
        dialog.setWindowTitle(title)
        # The label names files and cases, which are untrusted: plain text, never rich text.
        text = QLabel(dialog)
        text.setTextFormat(Qt.TextFormat.PlainText)
        dialog.setLabel(text)
        dialog.setLabelText(label)
        dialog.setCancelButtonText("Cancel")
        # Our own bar, set directly: QProgressDialog.setValue on a modal dialog calls processEvents.
        bar = QProgressBar(dialog)
        dialog.setBar(bar)
        dialog.setRange(0, STEPS)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setValue(0)  # starts the timer that shows the dialog after SHOW_AFTER_MS
        loop = QEventLoop()
        outcomes: list[Outcome] = []
        # Modal from the start, although shown only after SHOW_AFTER_MS: no click or shortcut reaches
        # the window meanwhile (an undo during a write on the worker's connection would wait on its lock).
        blocker = _InputBlocker(dialog)
        app = QCoreApplication.instance()
        app.installEventFilter(blocker)

        def finish(outcome: Outcome) -> None:
            outcomes.append(outcome)
            loop.quit()

        task = self._start(None, work, finish, lambda fraction: bar.setValue(round(fraction * STEPS)),
                           reader_of, writer_of, None, failure)
        dialog.canceled.connect(task.cancel)
        try:
            if not outcomes:
                loop.exec()
        finally:
            app.removeEventFilter(blocker)
        dialog.canceled.disconnect(task.cancel)
        dialog.hide()
        dialog.deleteLater()
        return outcomes[0]

    # --- inside ------------------------------------------------------------------------------------

    def _start(self, key: Hashable, work: Callable[..., Any], deliver: Callable[[Outcome], None],
               report: Callable[[float], None] | None, reader_of: Case | None, writer_of: Case | None,
               context: QObject | None, failure: str) -> Task:
        generation = next(self._generations)
        progress = Progress(self._throttled(generation) if report is not None else None)
        task = Task(key if key is not None else ("unkeyed", generation), generation, progress, deliver,
                    report, context, modal=key is None, work=work)
        older = self._latest.get(task.key)
        if older is not None:
            older.cancel()  # its result will be dropped anyway: let it stop early
            older.forget()
        self._latest[task.key] = task
        self._running[generation] = task
        try:
            # A writer may switch the case's own connection to WAL, which must happen on this thread.
            writer = writer_of.open_writer() if writer_of is not None else None
        except Exception as error:  # noqa: BLE001 - a read-only or closed case: said like any failure
            self._finished.emit(generation, Outcome(error=describe_error(error, failure)))
            return task

        handed = [work]  # the worker takes it and lets go of it before it reports (see Task.work)

        def job() -> None:
            connection: Case | None = writer
            run = handed.pop()
            try:
                if reader_of is not None:
                    connection = reader_of.open_reader()
                result = run(connection, progress) if connection is not None else run(progress)
                outcome = Outcome(result=result)
            except Cancelled:
                outcome = Outcome(cancelled=True)
            except BaseException as error:  # noqa: BLE001 - any failure must reach the analyst, not die here
                outcome = Outcome(error=describe_error(error, failure))
            finally:
                if connection is not None:
                    try:
                        connection.close()
                    except Exception:  # noqa: BLE001, S110 - a close that fails loses nothing committed
                        pass
                del run
            self._finished.emit(generation, outcome)

        self.pool.start(job)
        return task

    def _throttled(self, generation: int) -> Callable[[float], None]:
        last = [-1.0, 0.0]  # fraction and time of the last report sent; only the worker touches it
        lock = threading.Lock()

        def report(fraction: float) -> None:
            now = time.monotonic()
            with lock:
                # A step of 1% always shows (a bar must not sit on a dropped value); smaller ones at most
                # every REPORT_EVERY_S, so a tight loop does not flood the event queue.
                if fraction == last[0] or (now - last[1] < REPORT_EVERY_S and abs(fraction - last[0]) < 0.01
                                           and fraction < 1.0):
                    return
                last[0], last[1] = fraction, now
            self._progressed.emit(generation, fraction)

        return report

    def _alive(self, task: Task) -> bool:
        return self._latest.get(task.key) is task and (task.context is None or shiboken6.isValid(task.context))

    def _report(self, generation: int, fraction: float) -> None:
        task = self._running.get(generation)
        if task is not None and task.report is not None and self._alive(task):
            task.report(fraction)

    def _deliver(self, generation: int, outcome: Outcome) -> None:
        task = self._running.pop(generation, None)
        if task is None:
            return
        deliver = task.deliver if self._alive(task) else None
        if self._latest.get(task.key) is task:
            del self._latest[task.key]
        task.forget()
        if deliver is not None:  # else a newer run of its key started, it was cancelled, or its view is gone
            deliver(outcome)


class _InputBlocker(QObject):
    """Swallows the analyst's input to everything but one dialog (its Cancel button stays usable)."""

    INPUT = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
                       QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Wheel, QEvent.Type.Shortcut,
                       QEvent.Type.ShortcutOverride, QEvent.Type.ContextMenu, QEvent.Type.Drop})

    def __init__(self, dialog: QWidget) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() not in self.INPUT or isinstance(watched, QWindow):  # a window passes it on to a widget
            return False
        if isinstance(watched, QWidget):
            return not (watched is self.dialog or self.dialog.isAncestorOf(watched))
        return True  # a shortcut's QAction or QShortcut


_RUNNER: TaskRunner | None = None


def runner() -> TaskRunner:
    """The application's runner (made on first use, lives as long as the QApplication)."""
    global _RUNNER  # noqa: PLW0603 - one runner per application
    app = QCoreApplication.instance()
    if _RUNNER is None or not shiboken6.isValid(_RUNNER) or _RUNNER.parent() is not app:
        _RUNNER = TaskRunner(app)
    return _RUNNER


def existing_runner() -> TaskRunner | None:
    """The application's runner if one was made (for checks that must not make one)."""
    return _RUNNER if _RUNNER is not None and shiboken6.isValid(_RUNNER) else None


@dataclass
class Written:
    """What a write on a worker thread sends back: its undo journal and the Changes it committed."""

    journal: list[tuple[Any, ...]]
    changes: Changes


def write_modal(parent: QWidget | None, stack: QUndoStack | None, case: Case, text: str, label: str,
                action: Callable[[Case, Progress], Any], failure: str = "It failed",
                origin: object = None) -> Outcome:
    """Run `action(writer, progress)` off the UI thread as one undo step named `text`; see the module docstring.

    The outcome's result is what `action` returned (an `@operation`'s Changes become their result).
    """
    from workbench.ui.commands import Operation, push  # commands is the undo side; tasks stays below it

    def work(writer: Case, progress: Progress) -> Written:
        with writer.recording(origin=origin) as journal:
            returned = action(writer, progress)
        result = returned.result if isinstance(returned, Changes) else returned
        return Written(list(journal), dataclasses.replace(writer.last_changes, result=result))

    outcome = runner().run_modal(parent, label, work, writer_of=case, failure=failure)
    if not outcome.ok:
        return outcome
    written: Written = outcome.result
    case.announce(written.changes)
    push(stack, Operation.from_journal(case, text, written.journal, written.changes))
    return Outcome(result=written.changes.result)
