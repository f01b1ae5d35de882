"""House rules that code review would miss: core imports no Qt; the PySide6/CPython pairing does not crash."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import workbench

PACKAGE = Path(workbench.__file__).parent
GUI_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph", "qtpy")


def test_core_source_imports_no_qt() -> None:
    offenders = []
    for module in sorted((PACKAGE / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{module.relative_to(PACKAGE)}: {n}" for n in names if n.split(".")[0] in GUI_MODULES]
    assert offenders == []


def test_importing_all_of_core_loads_no_qt() -> None:
    modules = sorted(
        "workbench." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in (PACKAGE / "core").rglob("*.py")
        if p.name != "__init__.py"
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {GUI_MODULES!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_void_qt_calls_do_not_crash_the_interpreter() -> None:
    """PySide6 6.12 on CPython 3.11 aborts with 'none_dealloc' after a few thousand calls of a
    Qt method returning nothing (DESIGN.md, Conventions); pyproject pins around it."""
    script = (
        "import os\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from PySide6.QtWidgets import QApplication, QWidget\n"
        "app = QApplication([])\n"
        "widget = QWidget()\n"
        "for i in range(300_000):\n"
        "    widget.resize(100 + i % 7, 80)\n"
        "print('survived')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "survived"


def test_first_paint_does_not_wait_for_heavy_modules(tmp_path: Path) -> None:
    """The window paints before pyqtgraph, numpy, networkx or scipy are imported (they load just after)."""
    import os

    script = (
        "import sys\n"
        "from workbench.ui.app import run\n"
        "code = run(exit_after_paint=True)\n"
        "heavy = sorted(m for m in ('pyqtgraph', 'numpy', 'networkx', 'scipy', 'stix2', 'pptx') if m in sys.modules)\n"
        "print('HEAVY', ','.join(heavy))\n"
        "sys.exit(code)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               WORKBENCH_SETTINGS_DIR=str(tmp_path / "settings"))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("HEAVY"))
    assert line.strip() == "HEAVY", line
