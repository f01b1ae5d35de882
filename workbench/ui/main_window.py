"""The main window: one case, its panes in docks, the classification banners, the File menu."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QTabBar,
    QToolBar,
    QUndoView,
    QWidget,
)

from workbench.core.marking import banner_colours, banner_text
from workbench.core.model import record_name
from workbench.core.ops.actors import describe_dependents, merge_actors
from workbench.core.rules import clean_text
from workbench.core.sample import ensure_sample_case
from workbench.core.store import (
    CASE_SUFFIX,
    Case,
    CaseError,
    CaseHoldsBadValues,
    CaseNeedsRepair,
    Changes,
    PasswordNeeded,
    WrongPassword,
    cipher,
    create_case,
    default_analyst,
    open_case,
)
from workbench.core.times import case_zone, now_stamp, utc_to_local
from workbench.ui import check_case, commands, encryption, sharing, team
from workbench.ui.analysis import AnalysisPane
from workbench.ui.briefing.storyboard import StoryboardPane
from workbench.ui.commands import Operation, delete_records, insert_record, push
from workbench.ui.history import HistoryPane
from workbench.ui.inspector import NOUNS, Inspector, confirm
from workbench.ui.listing import ListPane
from workbench.ui.plaintext import warn
from workbench.ui.selection import SelectionModel
from workbench.ui.settings import analyst_name, app_settings, forget_recent, recent_files, remember_recent, set_analyst
from workbench.ui.tasks import runner

if TYPE_CHECKING:
    from workbench.ui.graph.pane import GraphPane
    from workbench.ui.sources.pane import SourcesPane
    from workbench.ui.timeline import TimelinePane

APP_NAME = "Case Workbench"
# Docks whose views import heavy modules: (module, class), built after the first paint.
LAZY_VIEWS = {
    "timeline": ("workbench.ui.timeline", "TimelinePane"),
    "graph": ("workbench.ui.graph.pane", "GraphPane"),
    "sources": ("workbench.ui.sources.pane", "SourcesPane"),
    "map": ("workbench.ui.map.pane", "MapPane"),
}


def read_ahead(case: Case, views: list[str]) -> None:
    """Start on second connections the reads these views will wait for as they load `case`, so that they overlap
    the views' imports and one another's drawing (a first opening of 100k events: the sources' claims, the
    timeline's events and pairs, the graph's relations and citations)."""
    from workbench.core.evidence import read_sources_ahead
    from workbench.core.graph.model import read_ahead as read_graph_ahead
    from workbench.core.timeline.data import read_ahead as read_timeline_ahead

    starts = {"timeline": read_timeline_ahead, "graph": read_graph_ahead, "sources": read_sources_ahead}
    for name in views:
        if name in starts:
            starts[name](case)


CASE_FILTER = f"Case files (*{CASE_SUFFIX});;All files (*)"
# File > Open also takes a case directory kept in git, by its header file (ui.team)
OPEN_FILTER = f"Case files (*{CASE_SUFFIX});;Case directories (case_workbench.json);;All files (*)"


class CaseSignals(QObject):
    """Turns the core's change notifications into a Qt signal the views connect to."""

    changed = Signal(object)


class Banner(QToolBar):
    """A classification banner: a fixed, full-width strip at the top or bottom of the window."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(name, parent)
        self.setObjectName(name)
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setObjectName(f"{name}_label")
        # The label takes the whole strip by its size policy, not by a width set on resize: that
        # width was reset by every edit (set_marking) and the banner shrank to its text at the left.
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(1)
        self.addWidget(self.label)
        self.setStyleSheet("QToolBar { border: 0px; padding: 0px; spacing: 0px; }")
        self.layout().setContentsMargins(0, 0, 0, 0)

    def set_marking(self, classification: str | None) -> None:
        if classification is None:
            self.setVisible(False)
            return
        background, foreground = banner_colours(classification)
        self.label.setText(banner_text(classification))
        self.label.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; font-weight: bold; padding: 2px; }}"
        )
        self.setVisible(True)


class MainWindow(QMainWindow):
    case_opened = Signal(object)

    def __init__(self, read_only: bool = False) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.case: Case | None = None
        self.case_directory: Path | None = None  # a case directory open through its working copy (ui.team)
        self.git_state: object = None  # core.gitcase.GitState of that directory, when it is in git
        self.open_read_only = read_only
        self.keep_layout = True  # False for unattended runs (screenshots): they must not change preferences
        self._views_scheduled = False
        self._hidden_views_scheduled = False
        self.case_span: tuple[str, str] | None = None
        self._docks_sized = False  # the default layout's docks get their share of the window once shown
        self.signals = CaseSignals(self)
        self.selection = SelectionModel(self)
        self.undo_stack = QUndoStack(self)
        self.selection.undo_stack = self.undo_stack
        self.setDockNestingEnabled(True)
        self.setAcceptDrops(True)  # a report, CSV, JSON or STIX file dropped on the window is imported
        self.resize(1440, 900)

        self.top_banner = Banner("top_banner", self)
        self.bottom_banner = Banner("bottom_banner", self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.top_banner)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.bottom_banner)

        # Each dock's view knows its case and hears its changes; the lists inside them are `panes`.
        # The drawn views (pyqtgraph, numpy, networkx) are built just after the window first
        # paints, or the moment anything asks for them: the window shows at once.
        self.inspector = Inspector(self.selection, self)
        self.history = HistoryPane(self.selection, self)
        self.storyboard = StoryboardPane(self)
        self.analysis = AnalysisPane(self.selection, self)
        self.views: dict[str, QWidget] = {"inspector": self.inspector, "history": self.history,
                                          "analysis": self.analysis}
        self.docks = {
            "timeline": self._dock("Timeline", self._placeholder("timeline")),
            "graph": self._dock("Actor graph", self._placeholder("actor graph")),
            "sources": self._dock("Sources", self._placeholder("sources")),
            "map": self._dock("Map", self._placeholder("map")),
            "inspector": self._dock("Inspector", self.inspector),
            "history": self._dock("History", self.history),
            "undo": self._dock("Undo steps", QUndoView(self.undo_stack, self)),
            "storyboard": self._dock("Storyboard", self.storyboard),
            "analysis": self._dock("Analysis", self.analysis),
        }
        self.views["storyboard"] = self.storyboard
        for name in LAZY_VIEWS:  # a drawn view behind another dock's tab is built when its tab is chosen
            self.docks[name].visibilityChanged.connect(lambda shown, name=name: self._dock_shown(name, shown))
        self._default_layout()
        self.default_state = self.saveState()

        self.status_counts = QLabel(self)
        self.status_counts.setObjectName("status_counts")
        self.status_read_only = QLabel("Read-only: editing is disabled", self)
        self.status_read_only.setObjectName("status_read_only")
        self.status_read_only.setStyleSheet("QLabel { background: #ffd54f; color: black; padding: 1px 6px; }")
        self.status_git = QLabel(self)
        self.status_git.setObjectName("status_git")
        self.statusBar().addWidget(self.status_counts, 1)
        self.statusBar().addPermanentWidget(self.status_git)
        self.statusBar().addPermanentWidget(self.status_read_only)

        self._build_menus()
        self.signals.changed.connect(self._case_changed)
        self._restore_layout()
        self.hide_stale_tab_bars()
        for dock in self.docks.values():  # a dock dragged onto another makes a new tab bar too
            dock.dockLocationChanged.connect(lambda _area: QTimer.singleShot(0, self.hide_stale_tab_bars))
        self.show_case()

    # the drawn views, built on first use
    def _placeholder(self, name: str) -> QWidget:
        label = QLabel(f"Loading the {name}\u2026", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("QLabel { color: #777; }")
        return label

    def view(self, name: str) -> QWidget:
        """The view in dock `name`, built (module imported, case loaded) on first use."""
        built = self.views.get(name)
        if built is not None:
            return built
        module, class_name = LAZY_VIEWS[name]
        widget = getattr(importlib.import_module(module), class_name)(self.selection, self)
        self.views[name] = widget
        placeholder = self.docks[name].widget()
        self.docks[name].setWidget(widget)
        if placeholder is not None:
            placeholder.deleteLater()
        widget.set_case(self.case)
        return widget

    def views_built(self) -> bool:
        """Whether every drawn view has been built (they are, just after the first paint)."""
        return all(name in self.views for name in LAZY_VIEWS)

    def shown_views_built(self) -> bool:
        """Whether every drawn view on screen has been built (a dock behind another's tab is not on screen)."""
        return all(name in self.views for name in LAZY_VIEWS if self._on_screen(name))

    def _on_screen(self, name: str) -> bool:
        dock = self.docks[name]  # a dock behind another's tab stays "visible", moved out of the window
        return dock.isVisible() and not dock.visibleRegion().isEmpty()

    def build_views(self) -> None:
        for name in LAZY_VIEWS:
            self.view(name)
        self._size_docks_once()

    def build_shown_views(self) -> None:
        """The drawn views on screen, built just after the window first paints; those behind another dock's tab
        (the map, by default) once these have painted (`event`), or when their dock is shown: a big case's map
        costs its opening a fifth of a second before anything on screen needs it."""
        shown = [name for name in LAZY_VIEWS if self._on_screen(name) and name not in self.views]
        if self.case is not None and not self.case.closed:
            read_ahead(self.case, shown)
        for name in shown:
            self.view(name)
        self._size_docks_once()

    def _dock_shown(self, name: str, shown: bool) -> None:
        if shown and self._views_scheduled and name not in self.views:
            QTimer.singleShot(0, self, lambda: self.view(name))  # (not after the window is gone)

    def _size_docks_once(self) -> None:
        if not self._docks_sized and self.isVisible():
            self._docks_sized = True
            QTimer.singleShot(0, self.size_docks)  # once the new views' own sizes are laid out

    def size_docks(self) -> None:
        """Share the window among the docks of the default layout: the graph widest (its names need the
        room), then the sources, then the inspector; the timeline above. Done once the views are built
        and the window has its size: before, the placeholders' sizes decide and the graph got a third."""
        docks = self.docks
        width, height = max(self.width(), 800), max(self.height(), 500)
        self.resizeDocks([docks["graph"], docks["sources"], docks["inspector"]],
                         [int(width * 0.46), int(width * 0.32), int(width * 0.22)], Qt.Orientation.Horizontal)
        self.resizeDocks([docks["timeline"], docks["graph"]], [int(height * 0.44), int(height * 0.56)],
                         Qt.Orientation.Vertical)
        self.hide_stale_tab_bars()

    @property
    def timeline(self) -> TimelinePane:
        return self.view("timeline")  # type: ignore[return-value]

    @property
    def graph(self) -> GraphPane:
        return self.view("graph")  # type: ignore[return-value]

    @property
    def sources(self) -> SourcesPane:
        return self.view("sources")  # type: ignore[return-value]

    @property
    def panes(self) -> dict[str, ListPane]:
        """The record lists inside the views, by table."""
        return {**self.timeline.list_panes, **self.graph.list_panes, **self.sources.list_panes}

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            if not self._views_scheduled:
                self._views_scheduled = True
                QTimer.singleShot(0, self.build_shown_views)
            elif not self._hidden_views_scheduled and self.shown_views_built():
                self._hidden_views_scheduled = True  # the shown views have painted: the others now
                QTimer.singleShot(0, self.build_views)
        return super().event(event)

    # layout
    def _dock(self, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower().replace(" ", "_") + "_dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        return dock

    def _default_layout(self) -> None:
        docks = self.docks
        for dock in docks.values():
            dock.setFloating(False)
            dock.show()
        # The timeline across the top; below it the graph (widest: it needs room for names),
        # the sources, and the inspector with the history and undo steps as tabs behind it.
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, docks["timeline"])
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, docks["graph"])
        self.splitDockWidget(docks["graph"], docks["sources"], Qt.Orientation.Horizontal)
        self.splitDockWidget(docks["sources"], docks["inspector"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(docks["inspector"], docks["history"])
        self.tabifyDockWidget(docks["history"], docks["undo"])
        self.tabifyDockWidget(docks["undo"], docks["storyboard"])
        # Competing hypotheses need the width of a matrix: a tab behind the sources, not the inspector.
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, docks["analysis"])  # tabify moves a placed dock
        self.tabifyDockWidget(docks["sources"], docks["analysis"])
        # The map a tab behind the sources, not the graph: beside the graph both can be seen at once, and a
        # tab bar under the graph would take the height its names need at 1440x900.
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, docks["map"])
        self.tabifyDockWidget(docks["analysis"], docks["map"])
        docks["sources"].raise_()
        docks["inspector"].raise_()
        self.resizeDocks([docks["graph"], docks["sources"], docks["inspector"]], [860, 420, 340],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([docks["timeline"], docks["graph"]], [470, 490], Qt.Orientation.Vertical)

    def reset_layout(self) -> None:
        self.restoreState(self.default_state)
        for dock in self.docks.values():
            dock.show()
        self.size_docks()

    def hide_stale_tab_bars(self) -> None:
        """Hides the tab bars Qt 6.12 leaves behind: tabifying docks in a nested layout, and restoring a layout,
        make new tab bars and leave the old ones shown where they were, and after the next resize they sit over
        the bottom classification banner. Each group of tabbed docks keeps its newest bar of exactly its tabs."""
        groups = set()
        for dock in self.docks.values():
            if not dock.isFloating() and self.dockWidgetArea(dock) != Qt.DockWidgetArea.NoDockWidgetArea:
                tabbed = [other for other in self.tabifiedDockWidgets(dock) if not other.isFloating()]
                if tabbed:
                    groups.add(frozenset(d.windowTitle() for d in [dock, *tabbed]))
        kept = set()
        for bar in reversed([bar for bar in self.findChildren(QTabBar) if bar.parent() is self]):
            tabs = frozenset(bar.tabText(i) for i in range(bar.count()))
            if tabs in groups and tabs not in kept:
                kept.add(tabs)
            elif not bar.isHidden():
                bar.hide()

    def _restore_layout(self) -> None:
        settings = app_settings()
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self._docks_sized = self.restoreState(state)  # the analyst's own sizes stay
            if self._docks_sized:
                self._place_docks_newer_than(bytes(state))

    # Docks added after a layout may have been saved, and the dock each goes behind as a tab by default.
    NEWER_DOCKS = {"analysis": "sources", "map": "sources"}

    def _place_docks_newer_than(self, state: bytes) -> None:
        """A layout saved by an older version does not name the newer docks, and Qt leaves each of them where it
        last was (the analysis became a fourth column that widened the window past the screen): each goes
        where the default layout puts it, a tab behind its neighbour, which stays in front."""
        for name, behind in self.NEWER_DOCKS.items():
            if self.docks[name].objectName().encode("utf-16-be") not in state:
                self.tabifyDockWidget(self.docks[behind], self.docks[name])
                self.docks[behind].raise_()

    def save_layout(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.sync()

    # menus
    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.new_action = self._action("&New Case\u2026", self.new_case, QKeySequence.StandardKey.New,
                                       "Create an empty case file")
        self.open_action = self._action("&Open\u2026", self.choose_case, QKeySequence.StandardKey.Open,
                                        "Open a case file")
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.save_copy_action = self._action("Save a &Copy\u2026", self.save_copy, "Ctrl+Shift+S",
                                             "Write a checked copy of this case to another file")
        self.export_action = self._action("&Export\u2026", lambda: sharing.export_case(self), "Ctrl+Shift+E",
                                          "Case copy, JSON, CSV, GraphML, GEXF, STIX 2.1 or TimelineJS")
        self.merge_case_action = self._action("&Merge Case\u2026", lambda: sharing.merge_case(self),
                                              tip="Bring a colleague's case file into this one, conflicts listed")
        self.commit_action = self._action("Commit to &Git\u2026", lambda: team.commit(self),
                                          tip="Commit the open case directory to its git repository with a message "
                                              "(nothing is pushed)")
        self.close_action = self._action("&Close Case", self.close_case, QKeySequence.StandardKey.Close)
        self.properties_action = self._action("Case P&roperties\u2026", self.case_properties,
                                              tip="Title, analyst, time zone, classification marking, description")
        self.check_case_action = self._action("C&heck Case\u2026", lambda: check_case.check_open_case(self),
                                              tip="Integrity, dangling references and the search index; repairs "
                                                  "on request")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        file_menu.insertAction(self.recent_menu.menuAction(), self.new_action)
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_action)
        self.import_action = self._action("&Import\u2026", self.choose_import, "Ctrl+I",
                                          "Bring a report (.md, .html, .txt), CSV, JSON or STIX file into this case")
        file_menu.insertAction(self.recent_menu.menuAction(), self.import_action)
        self.templates_action = self._action("Save CSV &Templates\u2026", self.save_csv_templates,
                                             tip="Write a CSV template per table (events, actors, relations, "
                                                 "sources), with the columns the importer reads")
        file_menu.insertAction(self.recent_menu.menuAction(), self.templates_action)
        file_menu.addSeparator()
        file_menu.addAction(self.save_copy_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.merge_case_action)
        file_menu.addAction(self.commit_action)
        file_menu.addAction(self.properties_action)
        file_menu.addAction(self.check_case_action)
        file_menu.addAction(self.close_action)
        encryption.install(self, file_menu, self.close_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = menu.addMenu("&Edit")
        # Our own actions, not QUndoStack's: a refused undo (the case busy, or changed by another
        # writer since) must leave the stack where it was and say why.
        self.undo_action = self._action("&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action("&Redo", self.redo, QKeySequence.StandardKey.Redo)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda text: self.undo_action.setText(f"&Undo {text}".strip()))
        self.undo_stack.redoTextChanged.connect(lambda text: self.redo_action.setText(f"&Redo {text}".strip()))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.new_event_action = self._action("New &Event", lambda: self.new_record("events"), "Ctrl+E")
        self.new_actor_action = self._action("New &Actor", lambda: self.new_record("actors"), "Ctrl+Shift+A")
        self.new_relation_action = self._action("New &Relation Between Selected Actors",
                                                lambda: self.new_record("relations"), "Ctrl+Shift+R")
        self.new_source_action = self._action("New &Source", lambda: self.new_record("sources"))
        self.new_note_action = self._action("New &Note on Selection", lambda: self.new_record("notes"),
                                            "Ctrl+Shift+N")
        self.delete_action = self._action("&Delete Selection…", self.delete_selection,
                                          QKeySequence.StandardKey.Delete)
        self.merge_action = self._action("&Merge Selected Actors", self.merge_selected_actors)
        self.places_action = self._action("&Places\u2026", self.show_places,
                                          tip="Every place of the case: new, edit, delete, select the events there")
        self.preferences_action = self._action("&Preferences…", self.preferences,
                                               QKeySequence.StandardKey.Preferences)
        self.edit_actions = [self.new_event_action, self.new_actor_action, self.new_relation_action,
                             self.new_source_action, self.new_note_action, self.delete_action, self.merge_action]
        self.edit_actions.append(self.import_action)  # after the ones the Edit menu lists by position
        for action in self.edit_actions[:5]:
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.delete_action)
        edit_menu.addAction(self.merge_action)
        edit_menu.addAction(self.places_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)

        view_menu = menu.addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self.find_action = self._action("&Search the Case", lambda: self.sources.focus_search(),
                                        QKeySequence.StandardKey.Find,
                                        "Full-text search over events, actors, relations, sources, documents, notes")
        self.filter_action = self._action("&Filter Events", self._focus_filter, "Ctrl+Shift+F")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.filter_action)
        view_menu.addAction(self._action("&Reset Layout", self.reset_layout))
        self.storyboard.install_actions(file_menu, view_menu, before=self.close_action)

        help_menu = menu.addMenu("&Help")
        self.sample_action = self._action("Open &Sample Case", self.open_sample,
                                          tip="The ISW Belarus report of 15 Aug 2020 as a case (a fresh copy)")
        help_menu.addAction(self.sample_action)
        help_menu.addAction(self._action("&About Case Workbench", self.about))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = recent_files()
        for path in files:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not files:
            self.recent_menu.addAction("No recent cases").setEnabled(False)

    def _focus_filter(self) -> None:
        self.docks["timeline"].show()
        self.timeline.focus_filter()

    # the case
    def _follow_case_span(self) -> None:
        """A time window that was the whole case stays the whole case when events are added, moved or
        deleted: the lists narrow to a window, and a new event must not vanish from them."""
        case = self.case
        if case is None or case.closed:
            return
        span = case.date_range()
        window = self.selection.time_window
        if (window.start, window.end) == (self.case_span or (None, None)) and span != self.case_span:
            self.selection.set_time_window(*(span or (None, None)))
        self.case_span = span

    def set_case(self, case: Case | None, directory: Path | None = None) -> None:
        """Show `case` (None: no case); `directory`: the case directory `case` is the working copy of (ui.team)."""
        self.undo_stack.clear()  # commands hold the case they act on
        self.selection.clear()  # while the views can still read the case they show
        if self.case is not None:
            self.case.unsubscribe(self.signals.changed.emit)
            self.case.close()
            if self.case.encrypted:  # a closed encrypted case asks for its password again when opened again
                cipher.forget_password(self.case.path)
        self.case = case
        self.case_directory, self.git_state = (directory if case is not None else None), None
        if case is not None:
            case.subscribe(self.signals.changed.emit)
            span = case.date_range()
            self.case_span = span  # the whole case's window, followed as events change
            self.selection.set_time_window(*(span or (None, None)))
            if self.keep_layout:
                remember_recent(directory or case.path)
            if directory is not None:
                team.attach(self)
        self.show_case()
        self.case_opened.emit(case)

    def show_case(self) -> None:
        case = self.case
        for view in self.views.values():
            view.set_case(case)
        self._show_case_frame()

    def _show_case_frame(self) -> None:
        """Title, banners, status bar and enabled actions: what depends on the case but no view."""
        case = self.case
        marking = case.classification if case else None
        self.top_banner.set_marking(marking)
        self.bottom_banner.set_marking(marking)
        read_only = bool(case and case.read_only)
        self.status_read_only.setVisible(read_only)
        for action in (self.save_copy_action, self.close_action, self.export_action, self.check_case_action,
                       self.properties_action, self.places_action):
            action.setEnabled(case is not None)
        self.merge_case_action.setEnabled(case is not None and not read_only)
        self.commit_action.setEnabled(case is not None and not read_only and self.git_state is not None)
        encryption.update_actions(self)
        for action in self.edit_actions:
            action.setEnabled(case is not None and not read_only)
        in_git, git_status = team.describe(self.case_directory, self.git_state)  # type: ignore[arg-type]
        self.status_git.setText(git_status)
        self.status_git.setVisible(bool(git_status))
        if case is None:
            self.setWindowTitle(APP_NAME)
            self.status_counts.setText("No case open. File > Open, or Help > Open Sample Case.")
            return
        self.setWindowTitle(f"{case.title} - {APP_NAME}" + in_git + (" [read-only]" if read_only else ""))
        self.setWindowFilePath(str(self.case_directory or case.path))
        self.status_counts.setText(self._status_text(case))

    def show_git_state(self) -> None:
        """Title and status bar again, after ui.team asked git for the branch and uncommitted changes."""
        self._show_case_frame()

    def _status_text(self, case: Case) -> str:
        counts = case.counts()
        parts = [f"{counts[t]} {t}" for t in ("events", "actors", "relations", "sources")]
        span = case.date_range()
        if span:
            zone = case_zone(case.meta("timezone"))
            first, last = (utc_to_local(t, zone) for t in span)
            when = f"{first.day} {first:%b %Y} - {last.day} {last:%b %Y} ({zone.key})"
        else:
            when = "no events yet"
        return f"{case.path.name}:  " + ", ".join(parts) + f"  |  {when}"

    def _case_changed(self, changes: Changes) -> None:
        """Route one committed change to the views that depend on what it touched.

        The view that made the change (its origin) already shows it and is skipped; undo and
        redo have no origin, so every dependent view refreshes.
        """
        for table, gone in changes.deleted.items():
            self.selection.forget(table, set(gone))
        if changes.touches({"events"}):
            self._follow_case_span()
        for view in self.views.values():
            if view is changes.origin:
                continue
            depends_on = view.depends_on
            if "*" in depends_on or changes.touches(depends_on):
                view.case_changed(changes)
        self._show_case_frame()

    # editing
    def new_record(self, table: str) -> str | None:
        """Add a record with sensible defaults, select it and put the cursor in its form."""
        case = self.case
        if case is None or case.read_only:
            return None
        chosen = self.selection.selection
        if table == "events":
            start = self.selection.time_window.start or (case.date_range() or (now_stamp()[:19] + "Z",))[0]
            command = insert_record(case, "events", {"title": "New event", "start": start, "time_precision": "day"})
        elif table == "actors":
            command = insert_record(case, "actors", {"name": "New actor", "kind": "person"})
        elif table == "relations":
            if chosen.table != "actors" or len(chosen.ids) != 2:
                self.statusBar().showMessage("Select exactly two actors (Ctrl+click) to relate them.", 8000)
                return None
            command = insert_record(case, "relations", {"from_actor_id": chosen.ids[0], "to_actor_id": chosen.ids[1],
                                                       "kind": "related to", "confidence": "reported"})
        elif table == "sources":
            command = insert_record(case, "sources", {"title": "New source", "reliability": "F"})
        else:
            target = {"events": "event_id", "actors": "actor_id", "relations": "relation_id",
                      "sources": "source_id"}.get(chosen.table)
            values = {"text": "New note", "author": case.analyst}
            if target and chosen.first:
                values[target] = chosen.first
            command = insert_record(case, "notes", values, text="Add note")
        push(self.undo_stack, command)
        self.selection.select(table, [command.record_id])
        self.docks["inspector"].show()
        self.docks["inspector"].raise_()
        form = self.inspector.form
        first = next(iter(form.fields.values()), None) if form else None
        if first is not None:
            first.setFocus()
            if isinstance(first, QLineEdit):
                first.selectAll()
        return command.record_id

    def delete_selection(self) -> bool:
        case, chosen = self.case, self.selection.selection
        if case is None or case.read_only or not chosen:
            return False
        noun = NOUNS.get(chosen.table, "record")
        if len(chosen.ids) == 1:
            row = case.get(chosen.table, chosen.ids[0]) or {}
            name = record_name(row)
            question = f"Delete the {noun} “{name[:80]}”?" if name else f"Delete this {noun}?"
        else:
            question = f"Delete these {len(chosen.ids)} {noun}s?"
        going = describe_dependents(case, chosen.table, list(chosen.ids))
        if going:
            question += f" {'Its' if len(chosen.ids) == 1 else 'Their'} {going} go with it."
        question += " You can undo this with Ctrl+Z."
        if not self.ask("Delete", question):
            return False
        return push(self.undo_stack, delete_records(case, chosen.table, chosen.ids))

    def undo(self) -> bool:
        """Edit > Undo: a refusal leaves the stack (and the case) as they were, and says why."""
        refused = commands.undo(self.undo_stack)
        if refused:
            warn(self, "Cannot undo", refused)
        return refused is None

    def redo(self) -> bool:
        refused = commands.redo(self.undo_stack)
        if refused:
            warn(self, "Cannot redo", refused)
        return refused is None

    def ask(self, title: str, question: str) -> bool:
        return confirm(self, title, question)

    def merge_selected_actors(self) -> bool:
        case, chosen = self.case, self.selection.selection
        if case is None or chosen.table != "actors" or len(chosen.ids) != 2:
            self.statusBar().showMessage("Select the two actors to merge; the first keeps its name.", 8000)
            return False
        keep, other = chosen.ids
        names = [case.get("actors", i)["name"] for i in chosen.ids]
        going = f"“{names[1]}” becomes an alias of “{names[0]}”"
        if not self.ask("Merge actors", f"Merge {names[1]} into {names[0]}? Its events, relations, citations "
                        f"and notes move over and {going}. You can undo this with Ctrl+Z."):
            return False
        pushed = push(self.undo_stack, Operation(case, f"Merge actor {names[1]}",
                                                lambda c: merge_actors(c, keep, other)))
        self.selection.select("actors", [keep])
        return pushed

    def preferences(self) -> None:
        current = app_settings().value("analyst", "") or (self.case.analyst if self.case else default_analyst())
        name, ok = QInputDialog.getText(self, "Preferences", "Your name in the audit trail of every case:",
                                        text=str(current))
        if ok:
            set_analyst(clean_text(name))
            if self.case is not None:
                self.case.analyst = analyst_name()

    def open_path(self, path: Path, read_only: bool | None = None) -> bool:
        """Open a case file (or a case directory, or the git repository holding one), or say in one sentence why
        not; True when it is open."""
        if Path(path).is_dir() or Path(path).name == team.HEADER_FILE:
            return team.open_case_directory(self, Path(path), self.open_read_only if read_only is None else read_only)
        try:
            case = open_case(path, read_only=self.open_read_only if read_only is None else read_only,
                             analyst=analyst_name())
        except (PasswordNeeded, WrongPassword):  # encrypted: ask for its password, another try after a wrong one
            return encryption.ask_to_unlock(self, Path(path)) and self.open_path(path, read_only)
        except CaseNeedsRepair as needs:  # sound but for dangling references: offer Check Case's repair
            return check_case.offer_repair(self, Path(path), needs) and self.open_path(path, read_only)
        except CaseHoldsBadValues as holds:  # values it cannot read: repair them, or show them as unreadable
            return check_case.offer_value_repair(
                self, Path(path), holds, self.open_read_only if read_only is None else read_only)
        except CaseError as error:
            if isinstance(error, CaseError) and not Path(path).exists():
                forget_recent(Path(path))
            self.refuse(str(error))
            return False
        self.set_case(case)
        check_case.check_search_index(self)  # off the UI thread; a stale or damaged index is offered its rebuild
        return True

    def refuse(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)
        warn(self, "Cannot open case", message)

    def choose_case(self) -> None:
        start = str(self.case.path.parent) if self.case else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Open case", start, OPEN_FILTER)
        if name:
            self.open_path(Path(name))

    def new_case(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New case", str(Path.home() / f"untitled{CASE_SUFFIX}"),
                                              CASE_FILTER)
        if not name:
            return
        path = Path(name)
        if path.suffix != CASE_SUFFIX:
            path = path.with_suffix(CASE_SUFFIX)
        from workbench.ui.case_properties import ask_new_case

        asked = ask_new_case(self, path.stem, analyst_name() or default_analyst())
        if asked is None:
            return
        self.create_case_at(path, asked)

    def create_case_at(self, path: Path, properties: dict[str, str]) -> bool:
        """Create and open a case with the properties New Case asked for; say in one sentence why not."""
        from workbench.core.ops import set_meta

        try:
            if path.exists():
                raise CaseError(f"{path.name} already exists; choose another name.")
            case = create_case(path, properties.get("title") or path.stem,
                               properties.get("classification", "UNCLASSIFIED"),
                               properties.get("timezone", "UTC"), analyst=analyst_name(),
                               key=properties.get("password") or None)
            for key in ("analyst", "description"):
                if properties.get(key):
                    set_meta(case, key, properties[key])
        except CaseError as error:
            warn(self, "Cannot create case", str(error))
            return False
        self.set_case(case)
        return True

    def case_properties(self) -> int:
        """File > Case Properties: one undo step per changed property."""
        from workbench.ui.case_properties import edit_case_properties

        return edit_case_properties(self)

    def show_places(self) -> None:
        """Edit > Places: the case's places, to create, edit, delete and select the events at."""
        from workbench.ui.places import PlacesDialog

        if self.case is not None:
            PlacesDialog(self).exec()

    def save_copy(self) -> None:
        if self.case is None:
            return
        suggestion = self.case.path.with_name(f"{self.case.path.stem} copy{CASE_SUFFIX}")
        name, _ = QFileDialog.getSaveFileName(self, "Save a copy", str(suggestion), CASE_FILTER)
        if name:
            self.save_copy_to(Path(name))

    def save_copy_to(self, path: Path) -> bool:
        if self.case is None:
            return False
        if path.suffix != CASE_SUFFIX:
            path = path.with_suffix(CASE_SUFFIX)
        if path.resolve() == self.case.path.resolve():
            warn(self, "Cannot save a copy", "A copy cannot replace the case it is a copy of.")
            return False
        try:
            written = self.case.save_copy(path)
        except (CaseError, OSError) as error:
            warn(self, "Cannot save a copy", f"Cannot write {path.name}: {error}")
            return False
        self.statusBar().showMessage(f"Saved a checked copy to {written}.", 10_000)
        return True

    def close_case(self) -> None:
        self.set_case(None)

    def open_sample(self) -> None:
        try:
            path = ensure_sample_case()
        except (CaseError, OSError) as error:
            warn(self, "Cannot open the sample case", str(error))
            return
        self.open_path(path)

    def about(self) -> None:
        from workbench.ui.about import AboutDialog  # reads licence metadata: only when asked

        AboutDialog(self).exec()

    def save_csv_templates(self, folder: Path | None = None) -> list[Path]:
        from workbench.core.importers.csv_import import write_templates

        if folder is None:
            start = str(self.case.path.parent) if self.case else str(Path.home())
            name = QFileDialog.getExistingDirectory(self, "Save CSV templates into", start)
            if not name:
                return []
            folder = Path(name)
        try:
            written = write_templates(folder)
        except OSError as error:
            warn(self, "Cannot save the templates", f"Cannot write into {folder}: {error}")
            return []
        self.statusBar().showMessage(f"Saved {len(written)} CSV templates in {folder}.", 10_000)
        return written

    # import (workbench/ui/import_review.py)
    def choose_import(self) -> None:
        from workbench.ui.import_review import FILE_FILTER, import_file

        start = str(self.case.path.parent) if self.case else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Import into this case", start, FILE_FILTER)
        if name:
            import_file(self, Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        from workbench.ui.import_review import importable

        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) == 1 and urls[0].isLocalFile() and importable(Path(urls[0].toLocalFile())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        from workbench.ui.import_review import import_file

        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()
            # after the drop returns: the review dialog must not run inside the drag's event loop
            path = Path(urls[0].toLocalFile())
            QTimer.singleShot(0, lambda: import_file(self, path))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.keep_layout:
            self.save_layout()
        # Background work reads the case file: stop it before the case closes (the app has one window).
        runner().cancel_all()
        runner().wait_idle(10_000)
        # Pending work of the views (a thumbnail to draw, a rebuild to run) must not fire on a closed case.
        for timer in self.findChildren(QTimer):
            timer.stop()
        if self.case is not None:
            self.case.unsubscribe(self.signals.changed.emit)
            self.case.close()
            self.case = None
        super().closeEvent(event)
