"""Long reads run on a reader thread with their own connection; the window stays responsive."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.core.evidence import evidence_health
from workbench.core.sample import build_sample_case
from workbench.ui.main_window import MainWindow
from workbench.ui.sources.health import HealthPanel
from workbench.ui.tasks import runner


def test_reader_sees_committed_changes_and_cannot_write(tmp_path: Path) -> None:
    with build_sample_case(tmp_path / "s.case") as case:
        case.insert("events", {"title": "Late event", "start": "2020-08-20T10:00:00Z"})
        reader = case.open_reader()
        try:
            assert reader.counts()["events"] == case.counts()["events"]
            assert reader.read_only
            with pytest.raises(Exception, match="read-only"):
                reader.insert("events", {"title": "x", "start": "2020-08-20T10:00:00Z"})
        finally:
            reader.close()


def test_evidence_health_of_a_large_case_arrives_from_the_background(qtbot, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HealthPanel, "BACKGROUND_ABOVE", 0)  # treat the sample as large
    path = tmp_path / "s.case"
    build_sample_case(path).close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_path(path)
    panel = window.sources.health
    window.sources.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.health is not None and not runner().is_busy(panel.task_key), timeout=10_000)
    expected = evidence_health(window.case).counts()
    assert panel.health.counts() == expected
    assert panel.category.isEnabled()
    assert "(" in panel.category.itemText(0)
