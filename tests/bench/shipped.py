"""The benchmark measures what users run: only the wheel's runtime dependencies import, baselines opt out.

`make bench` (tests/bench/run.py) and each `python -m tests.bench.bench_*` run their figures under
`shipped_only()`: a module of an installed distribution that is not a runtime requirement of
pyproject.toml (walked through each requirement's own requirements, extras left out) cannot be
imported, even if something imported it before. So igraph (GPL, a test extra) or scipy can never
sit in a measured path unnoticed: the figure fails instead. A baseline that needs one of them
(igraph's layout and betweenness, networkx's spring_layout on scipy) runs inside `baseline()`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from importlib.abc import MetaPathFinder
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def shipped_distributions() -> set[str]:
    """Normalised names of pyproject's runtime requirements and everything they need at run time."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pending = [match.group(1) for line in project["dependencies"] if (match := REQUIREMENT_NAME.match(line))]
    found: set[str] = {_normalise(project["name"])}
    while pending:
        name = _normalise(pending.pop())
        if name in found:
            continue
        found.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # another platform's requirement (tzdata on Windows)
        pending += [match.group(1) for line in requires
                    if "extra ==" not in line and (match := REQUIREMENT_NAME.match(line))]
    return found


def not_shipped_modules() -> set[str]:
    """Top-level modules installed here that only distributions outside the shipped set provide."""
    shipped = shipped_distributions()
    return {module for module, distributions in metadata.packages_distributions().items()
            if module.isidentifier() and not any(_normalise(d) in shipped for d in distributions)}


class _Refuse(MetaPathFinder):
    def __init__(self, blocked: set[str]) -> None:
        self.blocked = blocked

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname.partition(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"{fullname} is not shipped with the app (tests/bench/shipped.py)",
                                      name=fullname)


_state: dict[str, object] = {}


def _block(blocked: set[str]) -> dict[str, object]:
    hidden = {name: module for name, module in sys.modules.items()
              if name.partition(".")[0] in blocked and module is not None}
    for name in hidden:
        sys.modules[name] = None  # an import of an already imported module fails too
    return hidden


def _unblock(hidden: dict[str, object]) -> None:
    for name, module in hidden.items():
        sys.modules[name] = module


@contextmanager
def shipped_only() -> Iterator[None]:
    """Inside: importing anything the app does not ship raises ModuleNotFoundError."""
    blocked = not_shipped_modules() - {"tests"}
    finder = _Refuse(blocked)
    sys.meta_path.insert(0, finder)
    _state["finder"], _state["hidden"] = finder, _block(blocked)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        _unblock(_state.pop("hidden"))  # type: ignore[arg-type]
        _state.pop("finder")


@contextmanager
def baseline() -> Iterator[None]:
    """A baseline inside `shipped_only()` may import what it needs (igraph, scipy); elsewhere a no-op."""
    finder = _state.get("finder")
    if finder is None:
        yield
        return
    sys.meta_path.remove(finder)  # type: ignore[arg-type]
    _unblock(_state["hidden"])  # type: ignore[arg-type]
    try:
        yield
    finally:
        _state["hidden"] = _block(finder.blocked)  # type: ignore[attr-defined]
        sys.meta_path.insert(0, finder)  # type: ignore[arg-type]
