"""The Map dock: pan (drag), zoom (wheel, + and -) from the world to a city, click a place to select it and
its events, actors and sources everywhere; the time window filters it and Play steps it day by day."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QPaintEngine, QPainter
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workbench.core.maps.basemap import load_basemap
from workbench.core.maps.geocode import Candidate, candidates
from workbench.core.maps.places import MapLayer, map_layer, places_of
from workbench.core.maps.projection import project, unproject
from workbench.core.store import Case, Changes
from workbench.core.storyboard import timelapse_windows
from workbench.ui.map.canvas import WORLD_RECT, BasemapItem, PlacesItem
from workbench.ui.map.frame import MapFrame, paint_items
from workbench.ui.selection import Selection, SelectionModel, TimeWindow
from workbench.ui.tasks import runner

MIN_KM_PER_PX = 0.005  # a city block
MAX_KM_PER_PX = 60.0  # the world in a small dock
PLAY_STEP_MS = 800


class MapView(QGraphicsView):
    """The map's view: drag to pan, wheel to zoom about the pointer, click a place, Esc clears."""

    place_clicked = Signal(object, bool)  # place id or None, add to the selection
    cleared = Signal()
    zoomed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The two layers are not items of the scene: the view draws them as its background, through a picture
        # kept between frames (frame.MapFrame) on screen and in images, straight onto a PDF's or a picture's
        # painter.
        self.basemap_item = BasemapItem(load_basemap())
        self.places_item = PlacesItem()
        self.basemap_item.places = self.places_item
        self.places_item.on_change = self.viewport().update
        self.frame = MapFrame(self)
        self.setObjectName("map_view")
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.scene().setSceneRect(WORLD_RECT)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # drawBackground covers the whole viewport (the kept picture, or the background then the vectors): the
        # viewport's own fill before it, a frame's worth of pixels, would never be seen
        self.viewport().setAutoFillBackground(False)
        self._press: QPointF | None = None

    def background(self) -> QBrush:
        """What shows beyond the world's edge: the view's background, as the scene would show it."""
        brush = self.backgroundBrush()
        if brush.style() != Qt.BrushStyle.NoBrush:
            return brush
        return self.viewport().palette().brush(self.viewport().backgroundRole())

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt override
        engine = painter.paintEngine()
        world, device = painter.worldTransform(), painter.deviceTransform()
        # how much larger than the viewport's pixels the painter draws (a deck's image at twice the size): the
        # kept picture holds the viewport's pixels at its pixel ratio, no more
        enlarged = device.m11() / world.m11() if world.m11() else 1.0
        if (engine is not None and engine.type() == QPaintEngine.Type.Raster and device.isAffine()
                and device.m12() == 0 and device.m21() == 0
                and enlarged <= self.viewport().devicePixelRatioF() + 1e-6):
            self.frame.draw(painter)
        else:  # vectors: a PDF's, a picture's (played later, maybe larger), an image drawn larger
            painter.fillRect(rect, self.background())
            paint_items(self, painter, rect)

    def moved_by_code(self) -> None:
        """The view was put somewhere (not dragged or zoomed by hand): its next frame is drawn whole."""
        self.frame.by_hand = False

    def km_per_pixel(self) -> float:
        scale = abs(self.transform().m11())
        return 1.0 / scale if scale > 0 else 1.0

    def set_km_per_pixel(self, km_per_px: float) -> None:
        km_per_px = min(MAX_KM_PER_PX, max(MIN_KM_PER_PX, km_per_px))
        centre = self.mapToScene(self.viewport().rect().center())
        self.resetTransform()
        self.scale(1 / km_per_px, 1 / km_per_px)
        self.centerOn(centre)
        self.moved_by_code()
        self.zoomed.emit()

    def zoom(self, factor: float) -> None:
        target = min(MAX_KM_PER_PX, max(MIN_KM_PER_PX, self.km_per_pixel() / factor))
        applied = self.km_per_pixel() / target
        if abs(applied - 1) > 1e-9:
            self.scale(applied, applied)
            self.frame.moved_by_hand()  # wheel, + and -: the kept picture scaled until it is drawn sharp
            self.zoomed.emit()

    def centre(self) -> tuple[float, float]:
        """(lat, lon) at the middle of the view."""
        point = self.mapToScene(self.viewport().rect().center())
        lon, lat = unproject(point.x(), -point.y())
        return float(lat), float(lon)

    def show_area(self, lat: float, lon: float, km_per_px: float) -> None:
        self.resetTransform()
        km_per_px = min(MAX_KM_PER_PX, max(MIN_KM_PER_PX, km_per_px))
        self.scale(1 / km_per_px, 1 / km_per_px)
        x, y = project(lon, lat)
        self.centerOn(QPointF(x, -y))
        self.moved_by_code()
        self.zoomed.emit()

    def fit_bounds(self, lat0: float, lon0: float, lat1: float, lon1: float, margin: float = 0.15) -> None:
        """Show the box between two corners, with a margin; a single point shows its surroundings."""
        x0, y0 = project(min(lon0, lon1), min(lat0, lat1))
        x1, y1 = project(max(lon0, lon1), max(lat0, lat1))
        width, height = max(x1 - x0, 40.0), max(y1 - y0, 40.0)
        view = self.viewport().size()
        km_per_px = max(width / max(view.width(), 50), height / max(view.height(), 50)) * (1 + 2 * margin)
        lon, lat = unproject((x0 + x1) / 2, (y0 + y1) / 2)
        self.show_area(float(lat), float(lon), km_per_px)

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.zoom(1.0015 ** event.angleDelta().y())

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Escape:  # as in the other views: nothing selected anywhere
            self.cleared.emit()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / 1.5)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        if (event.position() - press).manhattanLength() > 4:
            return  # a drag pans
        point = self.mapToScene(event.position().toPoint())
        place = self.places_item.place_at(point, self.km_per_pixel())
        add = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier))
        self.place_clicked.emit(place, add)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt override
        super().scrollContentsBy(dx, dy)
        self.frame.moved_by_hand()  # a drag: the kept picture moved, the strips it uncovers drawn
        self.zoomed.emit()


class MapPane(QWidget):
    """The Map dock's view of a case: places in the time window on the offline basemap."""

    depends_on = frozenset({"places", "event_places", "events", "event_actors", "citations"})

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map_pane")
        self.selection = selection
        self.case: Case | None = None
        self.view = MapView(self)
        self.fit_button = QPushButton("Fit places", self)
        self.fit_button.setObjectName("map_fit")
        self.fit_button.setToolTip("Show every place of the case")
        self.world_button = QPushButton("World", self)
        self.world_button.setObjectName("map_world")
        self.play_button = QPushButton("Play", self)
        self.play_button.setObjectName("map_play")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Step the time window through the case day by day (every view follows)")
        self.find = QLineEdit(self)
        self.find.setObjectName("map_find")
        self.find.setPlaceholderText("Find a place or type coordinates\u2026")
        self.find.setToolTip("A name (the case's places, then an offline gazetteer of 150,000 places) or "
                             "coordinates such as 53.9, 27.56 or 53°54′N 27°34′E; Enter lists what it may be")
        self.find.setClearButtonEnabled(True)
        self.find.setMaximumWidth(300)
        self.find.setMinimumWidth(120)
        self.found: list[Candidate] = []
        self.chosen: Candidate | None = None
        self.place_dialog: Any = None
        self.add_button = QPushButton("Add as place\u2026", self)
        self.add_button.setObjectName("map_add_place")
        self.add_button.setToolTip("Put the place found in the case, with its coordinates and country")
        self.add_button.setEnabled(False)
        self.status = QLabel(self)
        self.status.setObjectName("map_status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("QLabel { color: #555; }")
        # a long status must not widen the dock (and the window): it is cut, and whole in its tooltip
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setMinimumWidth(1)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(self.find)
        bar.addWidget(self.add_button)
        for button in (self.fit_button, self.world_button, self.play_button):
            bar.addWidget(button)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(PLAY_STEP_MS)
        self.play_timer.timeout.connect(self._play_step)
        self.play_windows: list[tuple[str, str]] = []
        self.fitted = False
        # A slide drawn into a deck is drawn right after it is set up: its map counts its places at once.
        self.synchronous = False
        self.layer_case: Case | None = None  # the case the shown layer was counted from
        self.fit_when_loaded = False
        self.fit_button.clicked.connect(self.fit_places)
        self.world_button.clicked.connect(lambda: self.view.show_area(30.0, 20.0, 40.0))
        self.play_button.toggled.connect(self.play)
        self.view.place_clicked.connect(self._place_clicked)
        self.find.returnPressed.connect(self.look_up)
        self.add_button.clicked.connect(self.add_found)
        self.view.cleared.connect(lambda: self.selection.clear(origin=None))
        selection.selection_changed.connect(self._selection_changed)
        selection.time_window_changed.connect(self._window_changed)

    # the case
    def set_case(self, case: Case | None) -> None:
        self.play(False)
        self.case = case
        self.fitted = False
        self.reload()
        if self.isVisible():
            self._fit_unless_placed()

    def case_changed(self, changes: Changes) -> None:
        self.reload()

    def reload(self) -> None:
        """Count the places' events in the time window again: on the task runner (a case of thousands of places
        and 100k events takes a noticeable time), the map showing its last layer until the new one arrives; a
        newer reload replaces an older one still running. `synchronous` (a slide drawn into a deck right away):
        here and now."""
        case = self.case
        if case is None or case.closed:
            runner().cancel(("map layer", id(self)))
            self.view.places_item.set_layer(MapLayer())
            self.layer_case = case
            self.status.setText("No case open.")
            return
        window = self.selection.time_window
        start, end, basemap = window.start, window.end, self.view.basemap_item.basemap
        if self.synchronous:
            self._layer_ready(case, map_layer(case, start, end, basemap=basemap))
            return
        runner().run(("map layer", id(self)),
                     lambda reader, progress: map_layer(reader, start, end, basemap=basemap), reader_of=case,
                     done=lambda layer: self._layer_ready(case, layer), failed=self.status.setText, context=self)

    def _layer_ready(self, case: Case, layer: MapLayer) -> None:
        if case is not self.case or case.closed:
            return  # a layer of the case that was open when it was asked for
        self.view.places_item.set_layer(layer)
        self.layer_case = case
        self._selection_changed(self.selection.selection, None)
        at = sum(1 for p in layer.places if p.events)
        text = f"{len(layer.places)} places, {at} with events in the time window"
        if layer.links:
            text += f", {sum(len(link.events) for link in layer.links)} events between places"
        if layer.without_coordinates:
            text += f"; {layer.without_coordinates} without coordinates (Edit > Places)"
        self.status.setText(text)
        self.status.setToolTip(text)
        if self.fit_when_loaded:
            self.fit_when_loaded = False
            if not self.fitted:
                self.fit_places()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self.fitted:
            QTimer.singleShot(0, self._fit_unless_placed)

    def _fit_unless_placed(self) -> None:
        if self.fitted:  # a saved view may have set the centre and scale meanwhile
            return
        if self.layer_case is not self.case:
            self.fit_when_loaded = True  # the case's places are still being counted
            return
        self.fit_places()

    def fit_places(self) -> None:
        places = self.view.places_item.layer.places
        self.fitted = True
        if not places:
            self.view.show_area(50.0, 20.0, 12.0)
            return
        lats = [p.lat for p in places] + [c[1] for p in places for ring in p.area for c in ring]
        lons = [p.lon for p in places] + [c[0] for p in places for ring in p.area for c in ring]
        self.view.fit_bounds(min(lats), min(lons), max(lats), max(lons))

    # finding a place
    def look_up(self) -> None:
        """Enter in the find field: the candidates, found off the UI thread (the gazetteer's index is built
        the first time), offered in a menu under the field."""
        text = self.find.text()
        case = self.case
        if not text.strip():
            return
        self.status.setText(f"Looking up {text.strip()[:60]}\u2026")
        if case is not None and not case.closed:
            runner().run(("map find", id(self)), lambda reader, progress: candidates(text, reader),
                         reader_of=case, done=self._found, failed=self.status.setText, context=self)
        else:
            runner().run(("map find", id(self)), lambda progress: candidates(text), done=self._found,
                         failed=self.status.setText, context=self)

    def _found(self, found: list[Candidate]) -> None:
        self.found = found
        if not found:
            self.status.setText(f"No place called {self.find.text().strip()[:60]} in the case or the gazetteer.")
            return
        self.status.setText(f"{len(found)} place{'s' if len(found) > 1 else ''} found: choose one.")
        if len(found) == 1 and found[0].source == "typed":
            self.go_to(found[0])
            return
        menu = QMenu(self)
        menu.setObjectName("map_candidates")
        for candidate in found:
            action = menu.addAction(candidate.text)
            action.triggered.connect(lambda _checked=False, c=candidate: self.go_to(c))
        self.candidates_menu = menu
        menu.popup(self.find.mapToGlobal(self.find.rect().bottomLeft()))

    def go_to(self, candidate: Candidate) -> None:
        """Show a candidate at a town's scale, pinned; a place of the case is selected too."""
        self.view.show_area(candidate.lat, candidate.lon, min(self.view.km_per_pixel(), 0.3))
        self.view.places_item.pin = (candidate.lat, candidate.lon, candidate.name)
        self.view.viewport().update()
        if candidate.place_id:
            self.selection.select("places", [candidate.place_id], origin=None)
        self.chosen = candidate
        self.add_button.setEnabled(not candidate.place_id and self.case is not None and not self.case.read_only)
        hint = "" if candidate.place_id else ": Add as place\u2026 puts it in the case."
        self.status.setText(candidate.text + hint)

    def add_found(self) -> bool:
        """The place dialog filled in with the chosen candidate's name, coordinates and country."""
        from workbench.ui.places import PlaceDialog

        candidate, case = self.chosen, self.case
        if candidate is None or case is None:
            return False
        dialog = PlaceDialog(self, case, self.selection.undo_stack, name="" if candidate.source == "typed"
                             else candidate.name)
        dialog.lat.set_value(candidate.lat)
        dialog.lon.set_value(candidate.lon)
        dialog.country.setText(candidate.country)
        if candidate.source == "gazetteer":
            dialog.kind.setCurrentText("city" if candidate.population >= 100_000 else "town")
        self.place_dialog = dialog
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        self.place_dialog = None
        if accepted and dialog.command is not None:
            self.view.places_item.pin = None
            self.add_button.setEnabled(False)
            self.selection.select("places", [dialog.command.result], origin=None)
        return accepted

    # the linked selection
    def _place_clicked(self, place_id: str | None, add: bool) -> None:
        if place_id is None:
            if not add:
                self.selection.clear(origin=None)
            return
        chosen = self.selection.selection
        ids = [place_id]
        if add and chosen.table == "places":
            ids = [i for i in chosen.ids if i != place_id] + ([] if place_id in chosen.ids else [place_id])
        self.selection.select("places", ids, origin=None)

    def _selection_changed(self, chosen: Selection, origin: object) -> None:
        item = self.view.places_item
        case = self.case
        if case is None or case.closed or not chosen:
            item.set_marks(set(), set())
        elif chosen.table == "places":
            item.set_marks(set(chosen.ids), set())
        else:
            item.set_marks(set(), places_of(case, chosen.table, chosen.ids))

    # time
    def _window_changed(self, window: TimeWindow, origin: object) -> None:
        self.reload()

    def play(self, on: bool) -> None:
        """Step the shared time window from the case's first day to each next day, then stop."""
        if self.play_button.isChecked() != on:
            self.play_button.setChecked(on)
            return
        self.play_timer.stop()
        if not on or self.case is None or self.case.closed:
            return
        span = self.case.date_range()
        if not span:
            self.play_button.setChecked(False)
            return
        self.play_windows = timelapse_windows(span[0], span[1], self.case.meta("timezone") or "UTC")
        self._play_step()
        self.play_timer.start()

    def _play_step(self) -> None:
        if not self.play_windows:
            self.play_timer.stop()
            self.play_button.setChecked(False)
            return
        start, end = self.play_windows.pop(0)
        self.selection.set_time_window(start, end, origin=self)

    # saved views
    def view_state(self) -> dict[str, Any]:
        lat, lon = self.view.centre()
        return {"centre": [round(lat, 5), round(lon, 5)], "km_per_px": round(self.view.km_per_pixel(), 6)}

    def restore_view_state(self, state: Any) -> None:
        if not isinstance(state, dict):
            return
        centre, scale = state.get("centre"), state.get("km_per_px")
        if (isinstance(centre, list) and len(centre) == 2 and all(isinstance(v, (int, float)) for v in centre)
                and isinstance(scale, (int, float)) and scale > 0):
            self.fitted = True
            self.view.show_area(float(centre[0]), float(centre[1]), float(scale))

    def visible_area(self) -> QRectF:
        return self.view.mapToScene(self.view.viewport().rect()).boundingRect()
