"""Case text that looks like HTML is shown literally everywhere: labels, tooltips, dialogs.

Qt renders a label or tooltip as rich text when it "might be" rich text, and rich text loads
images: `<img src="file:///etc/passwd">` would read a local file, `/dev/zero` would hang. Every
view is built on a case whose every text field is such markup, every kind of record is
selected and every tab shown; then no widget may hold that markup in a form Qt would render.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QTabWidget, QTreeWidget, QWidget

from workbench.core.store import create_case
from workbench.ui.main_window import MainWindow
from workbench.ui.plaintext import tip

HOSTILE = '<img src="file:///etc/passwd"><img src="/dev/zero"><b>bold</b>'
RAW = '<img src="file:///etc/passwd">'


def hostile_case(path: Path) -> dict[str, str]:
    case = create_case(path, "Case " + HOSTILE, HOSTILE, "Europe/Minsk")
    ids = {}
    with case.transaction():
        ids["actors"] = case.insert("actors", {"name": "Actor " + HOSTILE, "kind": "person", "aliases": [HOSTILE],
                                               "description": HOSTILE})
        other = case.insert("actors", {"name": "Other " + HOSTILE, "kind": HOSTILE})
        ids["sources"] = case.insert("sources", {"url": "https://x.org/" + HOSTILE, "title": HOSTILE,
                                                 "publisher": HOSTILE, "archived_text": HOSTILE})
        ids["events"] = case.insert("events", {"title": "Event " + HOSTILE, "summary": HOSTILE, "kind": HOSTILE,
                                               "start": "2020-08-15T10:00:00Z", "time_note": HOSTILE})
        case.link("event_actors", {"event_id": ids["events"], "actor_id": ids["actors"], "role": HOSTILE})
        ids["relations"] = case.insert("relations", {"from_actor_id": ids["actors"], "to_actor_id": other,
                                                     "kind": HOSTILE, "label": HOSTILE})
        case.insert("citations", {"source_id": ids["sources"], "event_id": ids["events"], "quote": HOSTILE,
                                  "footnote": "1"})
        case.insert("notes", {"text": HOSTILE, "event_id": ids["events"]})
        case.insert("tags", {"tag": "t" + HOSTILE[:50], "event_id": ids["events"]})
    case.close()
    return ids


def model_tooltips(model: QAbstractItemModel, parent: QModelIndex = QModelIndex(), depth: int = 0) -> list[str]:  # noqa: B008
    found = []
    for row in range(min(model.rowCount(parent), 50)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            value = model.data(index, Qt.ItemDataRole.ToolTipRole)
            if value:
                found.append(str(value))
            if depth < 2 and column == 0 and model.rowCount(index) > 0:
                found += model_tooltips(model, index, depth + 1)
    return found


def unsafe_texts(window: MainWindow) -> list[tuple[str, str]]:
    """(where, text) for every widget text Qt would render as rich text and that holds the raw markup."""
    bad = []
    for label in window.findChildren(QLabel):
        if label.textFormat() != Qt.TextFormat.PlainText and RAW in label.text() and \
                GuiQt.mightBeRichText(label.text()):
            bad.append((f"label {label.objectName()}", label.text()[:60]))
    for widget in window.findChildren(QWidget):
        if RAW in widget.toolTip():
            bad.append((f"tooltip of {widget.objectName() or type(widget).__name__}", widget.toolTip()[:60]))
    for view in window.findChildren(QAbstractItemView):
        if view.model() is None:
            continue
        try:
            texts = model_tooltips(view.model())
        except TypeError:  # a Qt-internal model (the undo view's) whose methods PySide keeps private
            continue
        for text in texts:
            if RAW in text:
                bad.append((f"item tooltip in {view.objectName() or type(view).__name__}", text[:60]))
    for tree in window.findChildren(QTreeWidget):
        for i in range(tree.topLevelItemCount()):
            item = tree.topLevelItem(i)
            for column in range(tree.columnCount()):
                if RAW in item.toolTip(column):
                    bad.append((f"tree item tooltip in {tree.objectName()}", item.toolTip(column)[:60]))
    return bad


def test_tip_escapes_markup() -> None:
    assert RAW not in tip(HOSTILE) and "&lt;img" in tip(HOSTILE)
    assert tip(None) == "" and tip("") == ""


def test_every_view_shows_hostile_case_text_literally(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "hostile.case"
    ids = hostile_case(path)
    window = MainWindow()
    window.keep_layout = False
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    assert window.open_path(path)
    window.build_views()
    QApplication.processEvents()
    bad = unsafe_texts(window)
    for table, record_id in ids.items():
        window.selection.select(table, [record_id])
        QApplication.processEvents()
        for tabs in window.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                QApplication.processEvents()
                bad += unsafe_texts(window)
    window.history.reload()
    bad += unsafe_texts(window)
    assert not bad, sorted(set(bad))[:10]
    # the title bar and the banner show the markup as text
    assert window.windowTitle().startswith("Case <img")
    assert window.top_banner.label.textFormat() == Qt.TextFormat.PlainText


def test_refusal_dialog_shows_a_hostile_file_name_as_text(qtbot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    bad = tmp_path / '<img src="file:,,,etc,passwd">.case'
    bad.write_text("not a case")
    seen: list[tuple[Qt.TextFormat, str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.textFormat(), box.text()))
            box.done(0)

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    try:
        assert not window.open_path(bad)
    finally:
        timer.stop()
    assert seen and seen[0][0] == Qt.TextFormat.PlainText and "<img" in seen[0][1]


def test_a_progress_label_shows_a_file_name_as_plain_text(qtbot) -> None:
    """A file named like markup (issue 16, item 11) is named as it is, not drawn as a heading and an image."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QProgressDialog

    from workbench.ui.tasks import runner

    seen: dict[str, object] = {}

    def work(progress):
        return None

    def look() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog))
        label = dialog.findChild(QLabel)
        seen["format"], seen["text"] = label.textFormat(), label.text()

    from PySide6.QtCore import QTimer

    name = "<h1>Report</h1><img src=x.png>.md"
    parent = QWidget()
    qtbot.addWidget(parent)
    QTimer.singleShot(0, look)
    runner().run_modal(parent, f"Reading {name}…", work)
    assert seen["format"] == Qt.TextFormat.PlainText and name in str(seen["text"])
