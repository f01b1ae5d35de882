"""Cyclic garbage collection runs on the UI thread only (workbench.ui.collector)."""

from __future__ import annotations

import gc
import threading

from workbench.ui.collector import UiThreadCollector, collect_on_ui_thread


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_cycles_are_collected_by_the_ui_thread_timer_and_never_on_a_worker(qapp, qtbot):
    collector = collect_on_ui_thread(qapp)
    assert collect_on_ui_thread(qapp) is collector and isinstance(collector, UiThreadCollector)
    assert not gc.isenabled()
    threads: list[str] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(note)
    try:
        def churn() -> None:  # a worker allocating far past every threshold
            for _ in range(gc.get_threshold()[0] * 20):
                Cycle()

        worker = threading.Thread(target=churn, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in threads  # automatic collection would have started there
        qtbot.waitUntil(lambda: "MainThread" in threads, timeout=5000)
    finally:
        gc.callbacks.remove(note)
    assert "worker" not in threads
