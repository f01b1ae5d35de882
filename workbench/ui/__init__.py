"""The window: thin views and undo commands over workbench.core (Qt lives here, never in core).

Importing this package makes Qt paint on the thread that asks (`paint_on_calling_thread`), and makes two costs of
starting the app smaller, each about a tenth of opening a big case:
- PySide6 asks of every module imported after Qt whether its source mentions "PySide6" (for its `__feature__`
  switches), and finds out by `inspect.getsource`: decoding and splitting into lines every source file of numpy,
  pyqtgraph and networkx. `quicker_pyside_check` gives the same answer from the file's bytes.
- pyqtgraph, on import, copies every name of QtCore, QtGui and QtWidgets into mirror modules of its own, and
  PySide6 creates each of its ~700 classes when first asked for it: half a second for classes the app never
  uses. `lazy_pyqtgraph_mirrors` makes that copy find no names and the mirrors hand each name over when asked.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import PySide6.QtCore  # noqa: F401 - loads the hook this module makes cheaper


def _bytes_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)  # no plain source file: as PySide6 itself decides
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    uses_pyside.original = original  # type: ignore[attr-defined]
    return uses_pyside


def quicker_pyside_check() -> None:
    """Swap PySide6's source check for one that reads bytes (a no-op where PySide6 has no such check)."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or hasattr(original, "original"):
        return
    feature._mod_uses_pyside = _bytes_check(original)  # type: ignore[union-attr]  # noqa: SLF001


QT_MODULES = ("QtCore", "QtGui", "QtWidgets")
MIRRORS = {f"pyqtgraph.Qt.{name}": f"PySide6.{name}" for name in QT_MODULES}


class _MirrorLoader(importlib.abc.Loader):
    """pyqtgraph.Qt loaded while Qt's modules list no names; a mirror module loaded as it is, then made to hand
    over any name it lacks from the Qt module it mirrors. Anything else is asked of the loader it wraps."""

    def __init__(self, name: str, loader: Any) -> None:
        self.name, self.loader = name, loader

    def __getattr__(self, attribute: str) -> Any:  # resources, source, ...: as the wrapped loader has them
        return getattr(self.loader, attribute)

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        if self.name == "pyqtgraph.Qt":
            qt = [sys.modules[f"PySide6.{name}"] for name in QT_MODULES]
            listed = [vars(qt_module).get("__dir__") for qt_module in qt]  # PySide6's own, which lists every name
            for qt_module in qt:
                qt_module.__dir__ = list  # type: ignore[method-assign]  # dir() of it: no names to copy
            try:
                self.loader.exec_module(module)
            finally:
                for qt_module, own in zip(qt, listed, strict=True):
                    if own is None:
                        del qt_module.__dir__
                    else:
                        qt_module.__dir__ = own  # type: ignore[method-assign]
            return
        self.loader.exec_module(module)
        mirrored = sys.modules[MIRRORS[self.name]]

        def handed_over(name: str) -> Any:
            found = getattr(mirrored, name)
            setattr(module, name, found)  # kept: pyqtgraph's drawing asks for the same few names every frame
            return found

        module.__getattr__ = handed_over  # type: ignore[attr-defined]


class _MirrorFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "pyqtgraph.Qt" and name not in MIRRORS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _MirrorLoader(name, spec.loader)
                return spec
        return None


def lazy_pyqtgraph_mirrors() -> None:
    """Have pyqtgraph, when it is imported, leave Qt's classes to be made when used (a no-op once imported)."""
    import PySide6.QtGui
    import PySide6.QtWidgets  # noqa: F401 - the modules mirrored

    if "pyqtgraph.Qt" not in sys.modules and not any(isinstance(f, _MirrorFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MirrorFinder())


def paint_on_calling_thread() -> None:
    """Have Qt's raster engine paint on the thread that asks (QT_NO_GUI_THREADPOOL, read by Qt at its first large
    paint), unless the environment says otherwise. Qt hands a large fill, blend or smooth scaling to its GUI thread
    pool and waits for it: the pool has a quarter of the cores (one thread below eight), so the asking thread gains
    nothing and, on a busy machine, waits for the pool's thread to be given a core (a map zoom frame, at a load of 5
    on 2 cores: 6 ms of work, 2.4 of them on the UI thread, 10-15 ms waited)."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


paint_on_calling_thread()
quicker_pyside_check()
lazy_pyqtgraph_mirrors()
