"""Shared fixtures: every test keeps the app's settings and data folders inside its own tmp_path,
and runs offline: a socket guard fails any test (or test subprocess) that reaches beyond loopback."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from workbench.core.store import Case, cipher, create_case

OFFLINE_DIR = Path(__file__).parent / "offline"


def _load_guard():  # tests/ is not a package: load the guard module by path, once
    if "_workbench_socket_guard" in sys.modules:
        return sys.modules["_workbench_socket_guard"]
    spec = importlib.util.spec_from_file_location("_workbench_socket_guard", OFFLINE_DIR / "guard.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["_workbench_socket_guard"] = module
    spec.loader.exec_module(module)
    return module


# The parsers' fuzz properties (tests/test_hardening_input.py) take `@settings(parent=settings.get_profile("fuzz"))`:
# 2,000 examples each, the figure, in every run (CI included); WORKBENCH_FUZZ_EXAMPLES changes it.
# Examples are derived from each test's name (derandomize), so every run and CI try the same
# inputs and a red CI always means a change broke something; WORKBENCH_FUZZ_RANDOM=1 explores anew.
EXPLORE = os.environ.get("WORKBENCH_FUZZ_RANDOM") == "1"
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("WORKBENCH_FUZZ_EXAMPLES", "2000")), deadline=None, derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
settings.register_profile("workbench", derandomize=not EXPLORE, deadline=None)
settings.load_profile("workbench")

socket_guard = _load_guard()
socket_guard.install()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch):
    """Fails the test when anything tried the network, even if the code swallowed the exception.

    Python subprocesses started by a test inherit the guard through PYTHONPATH (sitecustomize)
    and exit with code socket_guard.EXIT_NETWORK when they try.
    """
    monkeypatch.setenv("WORKBENCH_SOCKET_GUARD", "1")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(OFFLINE_DIR), os.environ.get("PYTHONPATH")])))
    start = len(socket_guard.violations)
    yield socket_guard
    tried = socket_guard.violations[start:]
    if tried:
        pytest.fail(f"the test reached for the network: {tried}", pytrace=False)


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str]):
    """pytest-qt's QApplication, with cyclic garbage collection on the UI thread only, as the app has it
    (workbench.ui.collector): a collection on a worker thread that frees a closed widget kills the process."""
    from PySide6.QtWidgets import QApplication

    from workbench.ui.collector import collect_on_ui_thread

    app = QApplication.instance() or QApplication(qapp_args)
    collect_on_ui_thread(app)
    return app


@pytest.fixture(scope="session")
def shared_gazetteers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the report importer's gazetteer index, once some test (or its subprocess) has built it, is kept
    for the rest of the run: building it reads 60 MB of JSON (10-25 s), which every test importing a report
    into its own empty cache folder would otherwise pay again."""
    folder = tmp_path_factory.getbasetemp() / "shared-gazetteers"
    folder.mkdir(exist_ok=True)
    return folder


def _share_gazetteers(source: Path, target: Path) -> None:
    """Hard-links every built gazetteer index of `source` into `target` (read-only indexes: a link is enough)."""
    built = sorted(source.glob("gazetteer-*.sqlite")) if source.is_dir() else []
    for index in built:
        if not (target / index.name).exists():
            try:
                target.mkdir(parents=True, exist_ok=True)
                os.link(index, target / index.name)
            except OSError:
                pass  # another file system or a race: the next test builds or harvests it


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                       shared_gazetteers: Path) -> Path:
    """QSettings and platformdirs (the sample copy) point into tmp_path, never at the user's own.

    The user cache folder is the test's own too, beside tmp_path (tests list tmp_path's files), and the one
    thing shared between tests: it starts with the gazetteer indexes already built in this run, and gives
    back any it builds (see shared_gazetteers)."""
    home = tmp_path / "user"
    monkeypatch.setenv("WORKBENCH_SETTINGS_DIR", str(home / "settings"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))  # store.values remembers files checked clean
    _share_gazetteers(shared_gazetteers, cache / "case-workbench")
    yield home
    _share_gazetteers(cache / "case-workbench", shared_gazetteers)


@pytest.fixture(autouse=True)
def no_remembered_passwords():
    """Each test starts with no case password known, as a new process does (store.cipher keeps them in memory)."""
    yield
    for path in list(cipher._passwords):  # noqa: SLF001 - the test resets the module's memory
        cipher.forget_password(path)


@pytest.fixture
def small_case(tmp_path: Path) -> Path:
    """A small case with Cyrillic and long names, a weak claim and a cited relation; closed, on disk."""
    path = tmp_path / "small.case"
    case: Case = create_case(path, "Minsk — Минск, small case", "SECRET//NOFORN", "Europe/Minsk")
    with case.transaction():
        luka = case.insert("actors", {"id": "actor-luka", "name": "Александр Лукашенко", "kind": "person",
                                      "aliases": ["Alexander Lukashenko", "Батька"]})
        kremlin = case.insert("actors", {"id": "actor-kremlin", "name": "Kremlin", "kind": "state"})
        omon = case.insert("actors", {"id": "actor-omon", "name": "OMON (Special Purpose Police Unit)",
                                      "kind": "security"})
        belta = case.insert("sources", {"id": "source-belta", "url": "https://www.belta.by/president/view/1",
                                        "title": "Лукашенко провел переговоры с Путиным", "reliability": "C",
                                        "language": "ru"})
        tass = case.insert("sources", {"id": "source-tass", "url": "https://tass.com/politics/2",
                                       "title": "", "reliability": "B"})
        document = case.insert("documents", {"id": "doc", "title": "Report", "format": "text", "text": "…"})
        case.link("footnotes", {"document_id": document, "label": "2", "source_id": belta})
        case.link("footnotes", {"document_id": document, "label": "10", "source_id": tass})
        call = case.insert("events", {"id": "event-call", "title": "Lukashenko calls Putin",
                                      "start": "2020-08-15T09:00:00Z", "time_precision": "day",
                                      "confidence": "reported"})
        rumour = case.insert("events", {"id": "event-rumour", "title": "Unmarked vehicles seen near Minsk",
                                        "start": "2020-08-14T15:00:00Z", "time_precision": "approximate",
                                        "latest": "2020-08-14T20:59:00Z", "confidence": "unverified"})
        case.link("event_actors", {"event_id": call, "actor_id": luka, "role": "caller"})
        case.link("event_actors", {"event_id": call, "actor_id": kremlin})
        case.link("event_actors", {"event_id": rumour, "actor_id": omon})
        relation = case.insert("relations", {"id": "relation-support", "from_actor_id": luka,
                                             "to_actor_id": kremlin, "kind": "requests support from"})
        case.insert("citations", {"source_id": belta, "event_id": call, "footnote": "2",
                                  "quote": "Лукашенко и Путин провели переговоры", "credibility": 2})
        case.insert("citations", {"source_id": tass, "relation_id": relation, "footnote": "10",
                                  "quote": "asked for help"})
        case.insert("notes", {"text": "Check the BelTA timing.", "event_id": call})
    case.close()
    return path


@pytest.fixture(scope="session")
def sample_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample case, built once for the whole run; tests copy it before changing it."""
    from workbench.core.sample import build_sample_case

    path = tmp_path_factory.mktemp("sample") / "belarus.case"
    build_sample_case(path).close()
    return path


class Answer:
    """Answers every message box the app raises with `button` (a real dialog, dismissed), keeping its text.

    A box without that button is answered Ok. Change `button` between steps to answer differently.
    """

    def __init__(self, button: object) -> None:
        from PySide6.QtCore import QTimer

        self.button, self.texts = button, []
        self.timer = QTimer()
        self.timer.timeout.connect(self._answer)
        self.timer.start(20)

    def _answer(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            self.texts.append(box.text())
            wanted = self.button if box.standardButtons() & self.button else QMessageBox.StandardButton.Ok
            box.done(wanted)


@pytest.fixture
def answer_boxes(qtbot):
    """answer_boxes(button) starts answering message boxes; every answerer stops when the test ends."""
    started: list[Answer] = []

    def start(button: object) -> Answer:
        started.append(Answer(button))
        return started[-1]

    yield start
    for answerer in started:
        answerer.timer.stop()


def _running_timers() -> list[str]:
    """Active QTimers on live widgets (a closed window's timer firing later would touch a closed case)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return []
    found = []
    for widget in app.topLevelWidgets():
        for timer in widget.findChildren(QTimer):
            # Ours only: Qt's own widgets keep timers of their own (a status message's timeout).
            if timer.isActive() and type(timer.parent()).__module__.startswith("workbench"):
                found.append(f"{type(widget).__name__}/{timer.objectName() or type(timer.parent()).__name__}"
                             f" ({timer.interval()} ms)")
    return found


@pytest.fixture(autouse=True)
def no_leftover_work(request: pytest.FixtureRequest):
    """Fails a test that leaves threads, pool tasks or timers running after its own clean-up.

    Requested before every other fixture, so it checks after they (the window, qtbot) are torn down.
    """
    import threading
    import time

    before = {thread.ident for thread in threading.enumerate()}
    yield
    left_tasks: list[str] = []
    if "PySide6.QtCore" not in sys.modules:
        leftover_timers: list[str] = []
    else:
        from PySide6.QtCore import QThreadPool
        from PySide6.QtWidgets import QApplication

        QThreadPool.globalInstance().waitForDone(5000)
        tasks = sys.modules.get("workbench.ui.tasks")  # the one background runner, with a pool of its own
        runner = tasks.existing_runner() if tasks is not None else None
        if runner is not None and runner.is_busy():
            runner.cancel_all()
            runner.wait_idle(10_000)
            left_tasks = ["background work on ui.tasks"]
        if QApplication.instance() is not None:
            for _ in range(3):  # deleteLater and close events of the test's own clean-up
                QApplication.sendPostedEvents(None, 0)
                QApplication.processEvents()
            if "qtbot" in request.fixturenames:
                # The test's widgets left in reference cycles are freed here, on the UI thread. Left to the
                # collector, they were freed by whichever thread next allocated (a timeline's loader, a deck
                # build): ~QWidget there waits for the UI thread, which waits for the GIL (a hang).
                import gc

                gc.collect()
        leftover_timers = _running_timers()
    deadline = time.monotonic() + 5
    while True:
        # Threads Qt started (QThread, pool workers) appear as dummy threads that Python never
        # retires; the pools are waited for above, so only Python's own threads count here.
        extra = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()
                 and not isinstance(t, threading._DummyThread)]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    problems = [f"thread {t.name}" for t in extra] + [f"timer {t}" for t in leftover_timers] + left_tasks
    if problems:
        pytest.fail(f"the test left work running: {', '.join(problems)}", pytrace=False)


class CancelPresser:
    """Clicks Cancel on the app's progress dialog (ui.tasks) as soon as it is on screen, from a UI-thread
    timer whose ticks it counts: ticks while work runs show the UI thread kept processing events."""

    def __init__(self, parent: object) -> None:
        from PySide6.QtCore import QTimer

        self.parent, self.ticks, self.pressed = parent, [], 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        from PySide6.QtWidgets import QProgressDialog, QPushButton

        self.ticks.append(time.monotonic())
        dialog = self.parent.findChild(QProgressDialog, "task_progress")
        if dialog is not None and dialog.isVisible():
            dialog.findChild(QPushButton).click()
            self.pressed += 1


@pytest.fixture
def press_cancel(qtbot):
    """press_cancel(window) starts pressing Cancel on the window's progress dialogs until the test ends."""
    started: list[CancelPresser] = []

    def start(parent: object) -> CancelPresser:
        started.append(CancelPresser(parent))
        return started[-1]

    yield start
    for presser in started:
        presser.timer.stop()


def held_until_cancelled(real: Callable[..., Any]) -> Callable[..., Any]:
    """`real` (an export, an import's read or write) run with a Progress that waits at each step until
    Cancel was pressed, so a test can cancel it mid-way however fast the machine is."""
    def held(*args: Any, progress: Any, **kwargs: Any) -> Any:
        from workbench.core.progress import Progress

        waiting = Progress(lambda _fraction: progress.stop.wait(10), stop=progress.stop)
        return real(*args, progress=waiting, **kwargs)

    return held


@pytest.fixture
def hold_until_cancelled() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return held_until_cancelled
