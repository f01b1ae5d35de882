"""Closing the window while background work runs (issue 16, item 13: "Closing during a layout prints 'Signal
source has been deleted'"): a graph layout, the graph's figures, the evidence health of a large case and the
search-index check end without an exception or a word on stderr."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.store import create_case
from workbench.ui.tasks import runner

ACTORS, EVENTS = 650, 4500  # GraphPane lays out more than 600 actors off the UI thread; HealthPanel works out
# more than 5,000 events, relations and actors on a reader thread


@pytest.fixture(scope="module")
def large_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Actors in rings of ten, each event of one of them."""
    path = tmp_path_factory.mktemp("large") / "large.case"
    case = create_case(path, "Large")
    ids = [f"actor-{k:03d}" for k in range(ACTORS)]
    case.bulk_insert("actors", [{"id": actor_id, "name": f"Actor {k}", "kind": "person"}
                                for k, actor_id in enumerate(ids)])
    case.bulk_insert("relations", [{"from_actor_id": ids[k], "to_actor_id": ids[k // 10 * 10 + (k + 1) % 10],
                                    "kind": "knows"} for k in range(ACTORS)])
    case.bulk_insert("events", [{"id": f"event-{k}", "title": f"Event {k}",
                                 "start": f"2020-08-{k % 28 + 1:02d}T10:00:00Z"} for k in range(EVENTS)])
    case.bulk_insert("event_actors", [{"event_id": f"event-{k}", "actor_id": ids[k % ACTORS], "role": ""}
                                      for k in range(EVENTS)])
    case.close()
    return path


@pytest.fixture
def window(qtbot, large_case: Path, tmp_path: Path):
    from workbench.ui.main_window import MainWindow

    path = tmp_path / "large.case"
    shutil.copyfile(large_case, path)
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    window.resize(1200, 800)
    window.show()
    assert window.open_path(path)
    return window


def closed_quietly(qtbot, capfd: pytest.CaptureFixture[str], window) -> None:
    capfd.readouterr()
    window.close()
    qtbot.wait(300)  # whatever the workers still post arrives now, to a closed window
    assert runner().wait_idle(10_000)
    _out, err = capfd.readouterr()
    assert err == "", err


def test_closing_during_a_graph_layout(qtbot, capfd, window) -> None:
    graph = window.view("graph")
    graph.flush()
    assert graph.graph.n == ACTORS and graph.busy  # the first force layout runs in the background
    closed_quietly(qtbot, capfd, window)


def test_closing_during_a_re_layout(qtbot, capfd, window) -> None:
    graph = window.view("graph")
    graph.flush()
    assert graph.wait_for_work()
    graph.relayout_action.trigger()
    assert graph.busy
    closed_quietly(qtbot, capfd, window)


def test_closing_while_evidence_health_is_worked_out(qtbot, capfd, window) -> None:
    window.sources.tabs.setCurrentWidget(window.sources.health)
    assert runner().is_busy(window.sources.health.task_key)
    closed_quietly(qtbot, capfd, window)


def test_closing_during_both_and_the_search_index_check(qtbot, capfd, window) -> None:
    from workbench.ui.check_case import INDEX_CHECK_DELAY_MS

    graph = window.view("graph")
    graph.flush()
    window.sources.tabs.setCurrentWidget(window.sources.health)
    qtbot.wait(INDEX_CHECK_DELAY_MS + 50)  # the search index check has started
    graph.relayout_action.trigger()
    closed_quietly(qtbot, capfd, window)


def test_the_app_quits_during_a_layout_without_a_word(large_case: Path, tmp_path: Path) -> None:
    """The whole app, as the analyst closes it: painted, then closed while the first force layout runs."""
    path = tmp_path / "large.case"
    shutil.copyfile(large_case, path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "--exit-after-paint", str(path)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # the offscreen platform's notices, and the flush of a window closed as it paints (--exit-after-paint closes
    # it from its first paint event), are Qt's own and come with the plain sample too
    qt_own = ("propagateSizeHints", "QBackingStore::flush")
    said = [line for line in result.stderr.splitlines() if not any(notice in line for notice in qt_own)]
    assert said == []
