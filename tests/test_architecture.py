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


# --- no import cycle among workbench modules ----------------------------------------------------------


def workbench_modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package at `package` (a package is its __init__)."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, bool]]:
    """The package's own modules that `name` imports, each with whether the import sits in a function.

    Imports under `if TYPE_CHECKING:` count as module level: a cycle a type checker has to break is still
    a loop a reader has to untangle."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name, in_function) for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                target = f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                if target in modules:
                    found.append((target, in_function))
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def import_cycles(package: Path) -> tuple[list[list[str]], list[list[str]]]:
    """(cycles of module-level imports, cycles once imports inside functions count too).

    A package's function that imports one of its own submodules on demand (run_export picking the
    exporter asked for) is a plug-in lookup, not a cycle being dodged, so that edge is left out."""
    import networkx as nx

    modules = workbench_modules(package)
    module_level, every = nx.DiGraph(), nx.DiGraph()
    for name, path in modules.items():
        for target, in_function in imports_of(name, path, modules):
            if target == name:
                continue
            if not in_function:
                module_level.add_edge(name, target)
                every.add_edge(name, target)
            elif not (path.name == "__init__.py" and target.startswith(name + ".")):
                every.add_edge(name, target)
    return list(nx.simple_cycles(module_level)), list(nx.simple_cycles(every))


def test_every_workbench_module_imports(tmp_path: Path) -> None:
    """Every module imports in a fresh interpreter, in name order (a package before its parts)."""
    import os

    names = sorted(workbench_modules(PACKAGE))
    script = f"import importlib\nfor name in {names!r}:\n    importlib.import_module(name)\nprint(len({names!r}))\n"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_SETTINGS_DIR=str(tmp_path / "settings"))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip()) == len(names) > 60


def test_no_import_cycle_among_workbench_modules() -> None:
    module_level, with_function_imports = import_cycles(PACKAGE)
    assert module_level == []
    # ...and none held together by an import moved into a function to dodge it.
    assert with_function_imports == []


def test_the_cycle_check_finds_cycles(tmp_path: Path) -> None:
    """The check above on a made-up package: a loop through TYPE_CHECKING, one through a function-level
    import, and a package loading its own plug-in on demand (not a loop)."""
    package = tmp_path / "pkg"
    (package / "plugins").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n",
        "b.py": "from pkg import a\nclass B: ...\n",
        "c.py": "def late():\n    from . import d\n",
        "d.py": "import pkg.c\n",
        "plugins/__init__.py": "def load():\n    from pkg.plugins import one\n",
        "plugins/one.py": "from pkg.plugins import load\n",
    }
    for name, text in files.items():
        (package / name).write_text(text, encoding="utf-8")
    module_level, with_function_imports = import_cycles(package)
    assert sorted(map(sorted, module_level)) == [["pkg.a", "pkg.b"]]
    assert sorted(map(sorted, with_function_imports)) == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.d"]]
