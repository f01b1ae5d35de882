"""A clean terminal (issue 19): no traceback when the reader of `workbench info` stops early, and no Qt
warning about timers when the app's modules are imported and its window opened and closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def test_info_piped_into_a_reader_that_stops_early_says_nothing_on_stderr(sample_path: Path) -> None:
    # The reader closes its end before the first line is written, as `| head -0` would.
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "info", str(sample_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(), cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors
    assert code == 0
    # Read to the end, the same command still prints everything.
    whole = subprocess.run([sys.executable, "-m", "workbench.cli", "info", str(sample_path)], capture_output=True,
                           text=True, env=environment(), cwd=ROOT, timeout=60)
    assert whole.returncode == 0 and whole.stderr == ""
    assert "events" in whole.stdout


SCRIPT = """
import importlib, pkgutil, sys
from pathlib import Path
import workbench
for module in pkgutil.walk_packages(workbench.__path__, "workbench."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
from PySide6.QtWidgets import QApplication
from workbench.ui.app import application
from workbench.ui.main_window import MainWindow
app = application()
window = MainWindow()
window.keep_layout = False
window.open_path(Path(sys.argv[1]))
window.show()
window.build_views()
for _ in range(10):
    QApplication.processEvents()
window.close()
"""


def test_importing_every_module_and_opening_the_window_warns_of_no_timers(sample_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sample.case"
    copy.write_bytes(sample_path.read_bytes())
    env = environment()
    env["WORKBENCH_SETTINGS_DIR"] = str(tmp_path / "settings")
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(copy)], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Timers cannot be stopped" not in result.stderr
    assert "Traceback" not in result.stderr
