"""House rules of DESIGN.md that no linter checks: the UI runs no SQL; every view declares what it depends on."""

from __future__ import annotations

import ast
from pathlib import Path

import workbench

UI = Path(workbench.__file__).parent / "ui"


def test_the_ui_runs_no_sql() -> None:
    """Widgets ask core: no `.conn`, no `.execute(...)`, no SQL fragments passed as `where=`."""
    offenders = []
    for module in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            where = f"{module.relative_to(UI.parent)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Attribute) and node.attr in ("conn", "execute", "executemany", "executescript"):
                offenders.append(f"{where} .{node.attr}")
            if isinstance(node, ast.keyword) and node.arg == "where":
                offenders.append(f"{where} where=")
    assert offenders == []


def test_every_view_declares_the_tables_it_depends_on(qtbot, small_case: Path) -> None:
    """Each view the window routes change notices to says which tables it shows, and they exist."""
    from workbench.core.store import open_case
    from workbench.ui.main_window import LAZY_VIEWS, MainWindow

    with open_case(small_case, read_only=True) as case:
        tables = {name for (name,) in case.db.conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    assert window.open_path(small_case)
    for name in LAZY_VIEWS:
        window.view(name)
    assert set(LAZY_VIEWS) <= set(window.views)
    for name, view in window.views.items():
        depends_on = getattr(view, "depends_on", None)
        assert isinstance(depends_on, frozenset) and depends_on, f"{name} declares no depends_on"
        assert depends_on <= tables | {"*"}, f"{name} depends on tables that do not exist: {depends_on - tables}"
