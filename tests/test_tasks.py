"""The one background runner (ui.tasks): stale results dropped, Cancel, errors as text, the UI thread free."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget

from workbench.core.progress import Progress
from workbench.core.store import Case, CaseError, Changes, open_case
from workbench.ui.tasks import Task, TaskRunner, runner, write_modal


@pytest.fixture
def tasks(qtbot) -> TaskRunner:
    own = TaskRunner()
    yield own
    own.cancel_all()
    assert own.wait_idle(10_000)


def slow_until_cancelled(progress: Progress, seconds: float = 10.0) -> str:
    """Reports progress every 10 ms for `seconds`, unless Cancel stops it first."""
    steps = int(seconds / 0.01)
    for step in range(steps):
        progress(step, steps)
        time.sleep(0.01)
    return "finished"


def test_a_newer_run_with_the_same_key_drops_the_older_result(tasks: TaskRunner) -> None:
    release = threading.Event()
    results: list[str] = []

    def older(progress: Progress) -> str:
        release.wait(5)
        return "older"

    tasks.run("health", older, done=results.append)
    tasks.run("health", lambda progress: "newer", done=results.append)
    tasks.run("other", lambda progress: "other key", done=results.append)
    release.set()
    assert tasks.wait_idle(10_000)
    assert sorted(results) == ["newer", "other key"]
    assert not tasks.is_busy("health") and not tasks.is_busy()


def test_a_newer_run_cancels_the_older_work(tasks: TaskRunner) -> None:
    stopped = threading.Event()

    def older(progress: Progress) -> str:
        try:
            return slow_until_cancelled(progress)
        finally:
            stopped.set()

    started = time.monotonic()
    tasks.run("layout", older, done=lambda result: None)
    tasks.run("layout", lambda progress: "newer")
    assert tasks.wait_idle(10_000)
    assert stopped.is_set() and time.monotonic() - started < 5


def test_cancel_forgets_the_run(tasks: TaskRunner) -> None:
    heard: list[object] = []
    tasks.run("metrics", slow_until_cancelled, done=heard.append, cancelled=lambda: heard.append("cancelled"))
    assert tasks.is_busy("metrics")
    tasks.cancel("metrics")
    assert not tasks.is_busy("metrics")
    assert tasks.wait_idle(10_000)
    assert heard == []


def test_errors_arrive_as_one_sentence(tasks: TaskRunner) -> None:
    errors: list[str] = []

    def broken(progress: Progress) -> None:
        raise ValueError("the file ends in the middle of a row")

    def refused(progress: Progress) -> None:
        raise CaseError("The case file is newer than this build.")

    tasks.run("a", broken, failed=errors.append, failure="Cannot import rows.csv")
    tasks.run("b", refused, failed=errors.append)
    assert tasks.wait_idle(10_000)
    assert sorted(errors) == ["Cannot import rows.csv: the file ends in the middle of a row.",
                              "The case file is newer than this build."]


def test_results_progress_and_errors_arrive_on_the_ui_thread(tasks: TaskRunner) -> None:
    seen: list[tuple[str, object, bool]] = []
    main = threading.get_ident()  # not current_thread(): on a pool thread that makes a lasting dummy Thread

    def work(progress: Progress) -> bool:
        for step in range(5):
            progress(step + 1, 5)
            time.sleep(0.04)
        return threading.get_ident() != main

    tasks.run("k", work, done=lambda off_thread: seen.append(("done", off_thread, threading.get_ident() == main)),
              progress=lambda fraction: seen.append(("progress", fraction, threading.get_ident() == main)))
    assert tasks.wait_idle(10_000)
    assert seen[-1] == ("done", True, True)
    fractions = [value for kind, value, _ in seen if kind == "progress"]
    assert fractions and fractions == sorted(fractions) and all(0 < f <= 1 for f in fractions)
    assert all(on_main for _, _, on_main in seen)


def test_nothing_is_delivered_to_a_deleted_view(qtbot, tasks: TaskRunner) -> None:
    release = threading.Event()
    view = QObject()
    heard: list[object] = []
    tasks.run("view", lambda progress: release.wait(5), done=heard.append, context=view)
    view.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(view))
    release.set()
    assert tasks.wait_idle(10_000)
    assert heard == []


def test_wait_idle_says_when_it_timed_out(tasks: TaskRunner) -> None:
    release = threading.Event()
    tasks.run("k", lambda progress: release.wait(5))
    assert not tasks.wait_idle(50)
    release.set()
    assert tasks.wait_idle(10_000)


def test_work_on_a_reader_sees_the_case_and_the_reader_is_closed(tasks: TaskRunner, small_case: Path) -> None:
    readers: list[Case] = []

    def count(reader: Case, progress: Progress) -> int:
        readers.append(reader)
        return reader.counts()["events"]

    with open_case(small_case) as case:
        counted: list[int] = []
        tasks.run("count", count, reader_of=case, done=counted.append)
        assert tasks.wait_idle(10_000)
    assert counted == [2]
    assert readers[0].read_only and readers[0].closed


def test_modal_cancel_stops_the_work_and_reports_cancelled(qtbot, tasks: TaskRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    stopped_after: list[float] = []
    shown: list[bool] = []

    def work(progress: Progress) -> str:
        started = time.monotonic()
        try:
            return slow_until_cancelled(progress)
        finally:
            stopped_after.append(time.monotonic() - started)

    def press_cancel() -> None:
        dialog = parent.findChild(QProgressDialog, "task_progress")
        shown.append(dialog is not None and dialog.isVisible())
        dialog.findChild(QPushButton).click()

    QTimer.singleShot(700, press_cancel)
    outcome = tasks.run_modal(parent, "Working…", work)
    assert outcome.cancelled and not outcome.ok and outcome.result is None
    assert shown == [True]  # the dialog appeared (after 300 ms) and its Cancel stopped the work
    assert stopped_after and stopped_after[0] < 5


def test_quick_modal_work_shows_no_dialog(qtbot, tasks: TaskRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    outcome = tasks.run_modal(parent, "Working…", lambda progress: 42)
    assert outcome.ok and outcome.result == 42
    dialogs = [d for d in parent.findChildren(QProgressDialog) if d.isVisible()]
    assert dialogs == []


def test_the_ui_thread_keeps_processing_events_while_modal_work_runs(qtbot, tasks: TaskRunner) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    try:
        outcome = tasks.run_modal(None, "Working…", lambda progress: time.sleep(0.8) or "slept")
    finally:
        timer.stop()
    assert outcome.result == "slept"
    # A blocked UI thread would tick once at most; a free one ticks every ~20 ms for 0.8 s.
    assert len(ticks) >= 15
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 1.0  # loose: the machine is shared


def test_modal_errors_come_back_as_text(tasks: TaskRunner) -> None:
    def broken(progress: Progress) -> None:
        raise OSError("No space left on device")

    outcome = tasks.run_modal(None, "Working…", broken, failure="Cannot export")
    assert outcome.error == "Cannot export: No space left on device." and not outcome.cancelled


def test_write_modal_is_one_undo_step_and_one_notice(qtbot, small_case: Path) -> None:
    stack = QUndoStack()
    notices: list[Changes] = []
    with open_case(small_case) as case:
        case.subscribe(notices.append)
        main = threading.get_ident()  # not current_thread(): on a pool thread that makes a lasting dummy Thread
        threads: list[bool] = []

        def add_two(writer: Case, progress: Progress) -> str:
            threads.append(threading.get_ident() == main)
            writer.insert("actors", {"id": "actor-a", "name": "Tsikhanouskaya", "kind": "person"})
            progress(1, 2)
            writer.insert("actors", {"id": "actor-b", "name": "Babaryka", "kind": "person"})
            return "two"

        outcome = write_modal(None, stack, case, "Add two actors", "Adding…", add_two)
        assert outcome.ok and outcome.result == "two"
        assert threads == [False]
        assert len(notices) == 1 and notices[0].ids("actors") == {"actor-a", "actor-b"}
        assert notices[0].result == "two"
        assert case.get("actors", "actor-a") is not None
        assert stack.count() == 1 and stack.undoText() == "Add two actors"
        stack.undo()
        assert case.get("actors", "actor-a") is None and case.get("actors", "actor-b") is None
        stack.redo()
        assert case.get("actors", "actor-b")["name"] == "Babaryka"
        assert runner().wait_idle(10_000)


def test_write_modal_cancelled_or_refused_writes_nothing(qtbot, small_case: Path) -> None:
    stack = QUndoStack()
    notices: list[Changes] = []
    with open_case(small_case) as case:
        before = case.counts()
        case.subscribe(notices.append)

        def add_then_cancel(writer: Case, progress: Progress) -> None:
            writer.insert("actors", {"name": "Half-written", "kind": "person"})
            progress.cancel()
            progress(1, 2)

        def add_then_fail(writer: Case, progress: Progress) -> None:
            writer.insert("actors", {"name": "Half-written", "kind": "person"})
            writer.insert("actors", {"name": "", "kind": "person"})  # refused: an actor needs a name

        cancelled = write_modal(None, stack, case, "Add", "Adding…", add_then_cancel)
        failed = write_modal(None, stack, case, "Add", "Adding…", add_then_fail)
        assert cancelled.cancelled and failed.error and "name" in failed.error
        assert case.counts() == before and notices == [] and stack.count() == 0
    QApplication.processEvents()


def test_no_click_or_shortcut_reaches_the_window_before_the_dialog_shows(qtbot, tasks: TaskRunner) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    button = QPushButton("Delete", parent)
    undo = QAction("Undo", parent)
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    parent.addAction(undo)
    parent.show()
    qtbot.waitExposed(parent)
    heard: list[str] = []
    button.clicked.connect(lambda: heard.append("click"))
    undo.triggered.connect(lambda: heard.append("undo"))

    def poke() -> None:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        QTest.keyClick(parent, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(50, poke)
    outcome = tasks.run_modal(parent, "Writing…", lambda progress: time.sleep(0.25) or "done")
    assert outcome.result == "done" and heard == []
    poke()  # afterwards both work again
    assert heard == ["click", "undo"]


def test_a_progress_step_reported_just_after_another_still_arrives(tasks: TaskRunner) -> None:
    shown: list[float] = []

    def work(progress: Progress) -> None:
        progress(0, 2)
        progress(1, 2)  # at once: a bar that dropped it would sit at 0 during the long step below
        time.sleep(0.2)

    tasks.run("k", work, progress=shown.append)
    assert tasks.wait_idle(10_000)
    assert shown == [0.0, 0.5]


def test_finished_runs_leave_nothing_for_the_garbage_collector(tasks: TaskRunner) -> None:
    """A run's callbacks hold Qt objects (an event loop, a bar, a view): they must go when the run is
    delivered, on the UI thread, not later in a collection that may run on a worker thread."""
    gc.collect()
    gc.disable()
    try:
        tasks.run_modal(None, "Working…", lambda progress: progress(1, 2) or 1)
        tasks.run("k", lambda progress: progress(1, 2) or 2, done=lambda result: None, progress=lambda f: None)
        tasks.run("k", lambda progress: 3, done=lambda result: None)  # the first "k" is dropped
        assert tasks.wait_idle(10_000)
        assert not [thing for thing in gc.get_objects() if isinstance(thing, Task)]
    finally:
        gc.enable()
