"""What workbench.ui does to start Qt faster changes nothing else: PySide6's per-import source check answers as
PySide6's own, and pyqtgraph's Qt modules hand over every name while Qt still lists them all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import workbench.ui  # noqa: F401 - installs the cheaper check


def test_the_bytes_check_answers_as_pyside6_for_every_loaded_module() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None:
        pytest.skip("this PySide6 has no per-module source check")
    assert hasattr(check, "original"), "workbench.ui did not install its check"
    import networkx  # noqa: F401 - modules with and without "PySide6" in their source
    import pyqtgraph  # noqa: F401

    import workbench.ui.timeline  # noqa: F401

    modules = [module for module in list(sys.modules.values()) if isinstance(getattr(module, "__file__", None), str)]
    answers = {module.__name__: (check(module), check.original(module)) for module in modules}
    assert len(answers) > 300
    assert {name for name, (ours, theirs) in answers.items() if ours != theirs} == set()
    assert answers["workbench.ui.timeline"] == (True, True)  # imports PySide6
    assert answers["json.decoder"] == (False, False)
    assert sum(ours for ours, _theirs in answers.values()) > 20


MIRRORS_CHECK = """
import workbench.ui
import PySide6.QtCore, PySide6.QtWidgets
import pyqtgraph
from pyqtgraph.Qt import QtCore, QtGui, QtWidgets

assert "QCalendarWidget" not in vars(QtWidgets), "pyqtgraph copied every Qt name after all"
assert QtWidgets.QCalendarWidget is PySide6.QtWidgets.QCalendarWidget
assert QtCore.QPointF is PySide6.QtCore.QPointF and QtCore.Signal is PySide6.QtCore.Signal
assert QtGui.QAction is PySide6.QtGui.QAction
assert not hasattr(QtCore, "NoSuchName")
assert "QCalendarWidget" in dir(PySide6.QtWidgets) and "QPointF" in dir(PySide6.QtCore)
assert len(dir(PySide6.QtWidgets)) > 150
app = QtWidgets.QApplication([])
plot = pyqtgraph.PlotWidget()
plot.plot([1, 2, 3], [3, 1, 2])
plot.resize(200, 100)
assert not plot.grab().isNull()
print("ok")
"""


def test_pyqtgraph_gets_every_qt_name_without_copying_them_all() -> None:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
                   "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", MIRRORS_CHECK], capture_output=True, text=True, env=environment,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
