"""The offline promise: no network code in the app, and a whole session of it under the socket guard.

The guard itself lives in tests/offline/guard.py and is switched on for every test by
tests/conftest.py (and for every Python subprocess a test starts, through sitecustomize).
"""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

import workbench
from workbench.core.exporters import FORMATS
from workbench.core.sample import ensure_sample_case
from workbench.ui.briefing.deck import export_deck
from workbench.ui.import_review import import_file
from workbench.ui.main_window import MainWindow
from workbench.ui.sharing import export_in_background

PACKAGE = Path(workbench.__file__).parent
SEED_REPORT = PACKAGE.parent / "resources" / "sample" / "isw-belarus-2020-08-15.md"  # the bundled report
# Modules that talk to the network (or hand a URL to something that does) and have no business in
# an offline app. Matched on the dotted prefix: "http.client" also catches "http.client.HTTPConnection".
NETWORK_MODULES = (
    "socket", "ssl", "socketserver", "asyncio.streams", "http.client", "http.server", "urllib.request",
    "urllib3", "requests", "httpx", "aiohttp", "ftplib", "smtplib", "poplib", "imaplib", "telnetlib",
    "xmlrpc", "webbrowser", "PySide6.QtNetwork", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets", "PySide6.QtWebChannel", "taxii2client",
)
# The one way out, and only after the analyst agreed in a dialog that says it leaves the offline
# environment: ask_to_open in ui/sources/links.py (used by the source detail and the reader).
OPEN_URL_ALLOWED = {"ui/sources/links.py": "ask_to_open"}


def imported_names(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def is_network_module(name: str) -> bool:
    return any(name == banned or name.startswith(banned + ".") for banned in NETWORK_MODULES)


def test_no_module_of_the_app_imports_networking() -> None:
    offenders = []
    for module in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        offenders += [f"{module.relative_to(PACKAGE)}: {n}" for n in imported_names(tree) if is_network_module(n)]
        # importlib.import_module("socket") and __import__ would dodge the check above
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and is_network_module(node.value) \
                    and "." in node.value:
                offenders.append(f"{module.relative_to(PACKAGE)}: string {node.value!r}")
    assert offenders == []


def test_urls_leave_the_app_only_through_the_confirming_dialog() -> None:
    callers = []
    for module in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Attribute) and node.attr in ("openUrl", "setOpenExternalLinks") \
                        and not (node.attr == "setOpenExternalLinks" and _called_with_false(function, node)):
                    callers.append((module.relative_to(PACKAGE).as_posix(), function.name, node.attr))
    assert sorted(set(callers)) == [("ui/sources/links.py", "ask_to_open", "openUrl")]
    source = (PACKAGE / "ui" / "sources" / "links.py").read_text(encoding="utf-8")
    body = source[source.index("def ask_to_open"):source.index("QDesktopServices.openUrl")]
    assert "openable_url(url)" in body and "leaves the offline environment" in body and "box.exec()" in body


def _called_with_false(function: ast.AST, attribute: ast.Attribute) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and node.func is attribute:
            return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value is False
    return False


def test_the_guard_refuses_the_network_and_allows_loopback(offline) -> None:
    for attempt in (
        lambda: socket.create_connection(("example.org", 443), timeout=1),
        lambda: socket.getaddrinfo("example.org", 443),
        lambda: socket.socket().connect(("93.184.215.14", 80)),
        lambda: socket.socket(socket.AF_INET6).connect_ex(("2606:2800:21f:cb07:6820:80da:af6b:8b2c", 80)),
    ):
        with pytest.raises(offline.NetworkUsed):
            attempt()
    assert len(offline.violations) >= 4
    del offline.violations[-4:]  # expected here; any other would fail this test on teardown
    with socket.socket() as local:
        assert local.connect_ex(("127.0.0.1", 9)) != 0 or True  # reaching loopback is allowed
    assert socket.getaddrinfo("localhost", 80)
    child = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('example.org', 80)"],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == offline.EXIT_NETWORK, child.stderr
    assert "SOCKET GUARD" in child.stderr


def test_a_whole_session_of_the_app_stays_offline(qtbot, offline, tmp_path: Path) -> None:
    """Open the sample, walk every view, select and search, save a copy, import a report and a CSV, export
    every format and the three decks, present the storyboard: no connection attempted."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    assert window.open_path(ensure_sample_case())
    window.resize(1600, 1000)
    window.show()
    window.build_views()
    case = window.case
    for table in ("events", "actors", "relations", "sources", "documents"):
        for row in case.rows(table)[:6]:
            window.selection.select(table, [row["id"]], origin="test")
            QApplication.processEvents()
    sources = window.sources
    for index in range(sources.tabs.count()):
        sources.tabs.setCurrentIndex(index)
        QApplication.processEvents()
    for detail_tab in range(sources.detail.tabs.count()):
        sources.detail.tabs.setCurrentIndex(detail_tab)
    for words in ("Lukashenko", "омон", "https://www.belta.by", "CSTO"):
        sources.search.field.setText(words)
        sources.search.run()
        QApplication.processEvents()
    assert sources.search.hits
    for dock in window.docks.values():
        dock.show()
        dock.raise_()
        QApplication.processEvents()
    window.graph.grab()
    window.timeline.grab()
    assert window.save_copy_to(tmp_path / "copy.case")

    # import: the seed report (its footnotes hold 17 links) and a CSV with a URL, through File > Import's path
    report = tmp_path / "isw-update.md"
    report.write_text(SEED_REPORT.read_text(encoding="utf-8").replace("August 15", "August 16"), encoding="utf-8")
    assert import_file(window, report, review=False) is not None
    table = tmp_path / "sources.csv"
    table.write_text("url,title,reliability\nhttps://news.tut.by/offline-test,Offline test,C\n", encoding="utf-8")
    assert import_file(window, table, review=False) == {"sources": 1}
    # export: every format, on a worker thread as the Export dialog runs it, then the briefing decks
    out = tmp_path / "exports"
    out.mkdir()
    for fmt, spec in FORMATS.items():
        job = export_in_background(window, window.case, fmt, out / f"case-{fmt}{spec.suffix}")
        assert job.error is None and not job.cancelled, (fmt, job.error)
    for fmt in ("pdf", "pptx", "html"):
        export_deck(window.case.path, fmt, out / f"deck.{fmt}")
    assert len(list(out.iterdir())) == len(FORMATS) + 3
    # briefing: present the storyboard, step through the slides with the clicker keys, leave
    presentation = window.storyboard.present(0)
    qtbot.addWidget(presentation)
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_B, Qt.Key.Key_B, Qt.Key.Key_Left):
        qtbot.keyClick(presentation, key)
        qtbot.wait(20)
    assert presentation.index == 1
    qtbot.keyClick(presentation, Qt.Key.Key_Escape)
    QApplication.processEvents()
    window.close_case()
    assert offline.violations == [] or pytest.fail(f"network use: {offline.violations}")
    loaded = sorted(name for name in sys.modules if is_network_module(name) and name != "socket")
    assert not [name for name in loaded if name.startswith(("PySide6.QtNetwork", "PySide6.QtWeb"))], loaded
