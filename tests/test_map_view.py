"""The Map dock (issue 26) with real widgets: the sample's places over Belarus on the offline basemap,
zoom from the world to a city, a click on a place selects it and marks its events, actors and sources
in the other views, a selection elsewhere marks its places here, Esc clears, the time window filters
the map and Play steps it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QApplication
from sized_window import open_window

from workbench.core.maps.projection import project
from workbench.ui.main_window import MainWindow
from workbench.ui.tasks import runner


@pytest.fixture
def window(qtbot, sample_path: Path, tmp_path: Path) -> MainWindow:
    main = open_window(qtbot, sample_path, tmp_path)
    main.docks["map"].show()
    main.docks["map"].raise_()
    for _ in range(5):
        QApplication.processEvents()
    settled()
    return main


def settled() -> None:
    """Wait for the map's layer, counted on the task runner, to arrive (and be shown)."""
    assert runner().wait_idle(60_000)
    QApplication.processEvents()


def pixel_of(pane, lat: float, lon: float) -> QPoint:
    x, y = project(lon, lat)
    return pane.view.mapFromScene(QPointF(x, -y))


def place_id(window: MainWindow, name: str) -> str:
    return window.case.conn.execute("SELECT id FROM places WHERE name = ?", (name,)).fetchone()[0]


def test_the_map_shows_the_places_over_belarus_and_zooms_from_world_to_city(window: MainWindow) -> None:
    pane = window.view("map")
    pane.fit_places()
    QApplication.processEvents()
    assert "8 places" in pane.status.text()
    lat, lon = pane.view.centre()
    assert 51 < lat < 57 and 23 < lon < 33  # fitted to Belarus and the two Russian towns
    inside = pane.view.viewport().rect()
    for name, (la, lo) in {"Brest": (52.1, 23.7), "Nevel": (56.02, 29.93)}.items():
        assert inside.contains(pixel_of(pane, la, lo)), name
    picture = pane.view.viewport().grab().toImage()
    # Brest's marker (a city: red) is drawn where Brest is
    at = pixel_of(pane, 52.1, 23.7)
    colour = picture.pixelColor(at.x(), at.y())
    assert colour.red() > 150 and colour.green() < 120, colour.name()
    basemap = pane.view.basemap_item
    pane.view.show_area(20.0, 0.0, 40.0)
    assert basemap.lod(pane.view.km_per_pixel(), pane.visible_area()) == 0
    world = pane.view.viewport().grab().toImage()
    pane.view.show_area(53.9, 27.56, 0.02)  # Minsk's streets: the finest level
    assert basemap.lod(pane.view.km_per_pixel(), pane.visible_area()) == 2
    city = pane.view.viewport().grab().toImage()
    assert world != city
    pane.view.zoom(1e-9)  # no further out than the world
    assert pane.view.km_per_pixel() == pytest.approx(60.0)
    pane.view.zoom(1e9)
    assert pane.view.km_per_pixel() == pytest.approx(0.005)


def test_clicking_a_place_selects_it_and_its_events_actors_and_sources(window: MainWindow, qtbot) -> None:
    pane = window.view("map")
    pane.fit_places()
    QApplication.processEvents()
    at = pixel_of(pane, 52.1, 23.7)  # Brest
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    brest = place_id(window, "Brest")
    assert window.selection.selection.ids == (brest,) and window.selection.selection.table == "places"
    assert pane.view.places_item.selected == {brest}
    # the timeline and the graph mark what happened at Brest
    events = {e for (e,) in window.case.conn.execute("SELECT event_id FROM event_places WHERE place_id = ?",
                                                    (brest,))}
    from workbench.core.queries import related

    found = related(window.case, "places", [brest])
    assert found["events"] == events and found["actors"] and found["sources"]
    # Esc clears everywhere
    pane.view.setFocus()
    qtbot.keyClick(pane.view, Qt.Key.Key_Escape)
    assert not window.selection.selection
    assert pane.view.places_item.selected == set()
    # the reverse: an event selected elsewhere marks its places on the map
    event = next(iter(events))
    window.selection.select("events", [event])
    assert brest in pane.view.places_item.linked
    # a click on the sea selects nothing
    pane.view.show_area(45.0, -30.0, 5.0)
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=pane.view.viewport().rect().center())
    assert not window.selection.selection


def test_the_time_window_filters_the_map_and_play_steps_it(window: MainWindow, qtbot) -> None:
    pane = window.view("map")
    minsk = place_id(window, "Minsk")
    assert pane.view.places_item.layer.place(minsk).events == 6
    pane.fit_places()
    whole = pane.view.viewport().grab().toImage()
    window.selection.set_time_window("2020-08-14T21:00:00Z", "2020-08-15T20:59:59Z")
    settled()
    assert pane.view.places_item.layer.place(minsk).events < 6
    assert len(pane.view.places_item.layer.links) == 2
    assert pane.view.viewport().grab().toImage() != whole, "the map's kept picture is drawn again: fewer events"
    window.selection.set_time_window("2020-08-08T21:00:00Z", "2020-08-09T20:59:59Z")
    settled()
    assert pane.view.places_item.layer.links == []
    seen: list[str] = []
    window.selection.time_window_changed.connect(lambda w, _o: seen.append(w.end))
    pane.play_timer.setInterval(1)
    pane.play(True)  # from the case's first day, a day a step: every view follows the window
    assert pane.play_button.isChecked()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=20_000)
    pane.play(False)
    assert not pane.play_timer.isActive() and not pane.play_button.isChecked()
    assert seen == sorted(seen)
    first = window.case.date_range()[0]
    assert window.selection.time_window.start == first
    settled()
    # each step's map counts only the events up to that day
    shown = sum(p.events for p in pane.view.places_item.layer.places)
    assert shown < sum(p.total for p in pane.view.places_item.layer.places)


def test_the_places_are_counted_off_the_ui_thread_and_the_map_keeps_the_last_count_meanwhile(
        window: MainWindow) -> None:
    pane = window.view("map")
    shown = pane.view.places_item.layer
    minsk = place_id(window, "Minsk")
    assert shown.place(minsk).events == 6
    window.selection.set_time_window("2020-08-14T21:00:00Z", "2020-08-15T20:59:59Z")
    window.selection.set_time_window("2020-08-08T21:00:00Z", "2020-08-09T20:59:59Z")
    assert pane.view.places_item.layer is shown, "the window's change is counted on the task runner"
    settled()
    # only the newest window's count arrives (the older run was replaced)
    assert pane.view.places_item.layer is not shown and pane.view.places_item.layer.links == []
    assert pane.view.places_item.layer.place(minsk).events < 6
    # a case closed meanwhile: nothing of it is shown
    window.selection.set_time_window(None, None)
    window.close_case()
    settled()
    assert pane.view.places_item.layer.places == [] and pane.status.text() == "No case open."


def test_the_map_follows_edits_and_undo(window: MainWindow) -> None:
    from workbench.core.ops.places import add_place, place_values
    from workbench.ui.commands import Operation, push

    pane = window.view("map")
    values = place_values("Hrodna", ["Гродна"], "city", "53.68", "23.83", "BY")
    push(window.undo_stack, Operation(window.case, "Add place", lambda c: add_place(c, values)))
    settled()
    assert any(p.name == "Hrodna" for p in pane.view.places_item.layer.places)
    window.undo()
    settled()
    assert not any(p.name == "Hrodna" for p in pane.view.places_item.layer.places)


def test_the_map_lives_in_saved_views_and_slides(window: MainWindow) -> None:
    from workbench.core import storyboard as core
    from workbench.ui.briefing.slides import SlideRenderer
    from workbench.ui.briefing.state import capture_state, restore_state

    pane = window.view("map")
    pane.view.show_area(52.44, 30.98, 0.4)  # Gomel
    state = capture_state(window)
    assert state["map"]["shown"] is True
    assert state["map"]["centre"] == pytest.approx([52.44, 30.98], abs=0.01)
    pane.view.show_area(20.0, 0.0, 40.0)
    restore_state(window, state)
    assert pane.view.centre() == pytest.approx((52.44, 30.98), abs=0.01)
    assert pane.view.km_per_pixel() == pytest.approx(0.4, rel=1e-3)
    # a slide of that view shows the map beside its charts, at that place and scale
    slide = core.Slide("s", "Gomel", "", 0, state, None)
    renderer = SlideRenderer(window.case)
    renderer.show(slide)
    stage = renderer.view.stage
    assert stage.map is not None and stage.map.isVisible()
    assert stage.map.view.centre() == pytest.approx((52.44, 30.98), abs=0.05)
    assert any(p.name == "Gomel" for p in stage.map.view.places_item.layer.places)
    image = renderer.image()
    assert not image.isNull()
    # a view without the map (the sample's storyboard) shows none
    renderer.show(core.Slide("t", "No map", "", 1, {k: v for k, v in state.items() if k != "map"}, None))
    assert not stage.map.isVisible()
    renderer.view.close()
    renderer.view.deleteLater()
    # the map is hidden behind the sources' tab: a view saved then does not show it
    window.docks["sources"].raise_()
    QApplication.processEvents()
    assert "map" not in capture_state(window)


def test_find_a_place_by_name_or_coordinates_and_add_it(window: MainWindow, qtbot) -> None:
    from workbench.core.maps.geocode import candidates
    from workbench.ui.tasks import runner

    # the gazetteer: candidates with coordinates and country, the most populous first
    found = candidates("Grodno")
    assert found[0].name == "Hrodna" and found[0].country == "BY"
    assert found[0].lat == pytest.approx(53.68, abs=0.01) and found[0].lon == pytest.approx(23.83, abs=0.01)
    assert {c.country for c in candidates("Minsk")} >= {"BY", "PL"}  # Mińsk Mazowiecki too, to choose from
    # the case's own places first, by another name too
    (first, *_) = candidates("Мінск", window.case)
    assert first.source == "case" and first.name == "Minsk"
    # coordinates typed as degrees-minutes-seconds
    (typed,) = candidates("52°26′N 30°59′E")
    assert (typed.lat, typed.lon) == pytest.approx((52.4333, 30.9833), abs=1e-3) and typed.source == "typed"

    pane = window.view("map")
    pane.find.setText("Hrodna")
    pane.look_up()
    assert runner().wait_idle(60_000)
    qtbot.waitUntil(lambda: bool(pane.found), timeout=10_000)
    assert pane.candidates_menu.actions()[0].text().startswith("Hrodna, BY")
    pane.candidates_menu.close()
    pane.go_to(pane.found[0])
    assert pane.view.centre() == pytest.approx((53.68, 23.83), abs=0.01)
    assert pane.add_button.isEnabled()

    def fill_and_accept() -> None:
        dialog = pane.place_dialog
        assert dialog.name.text() == "Hrodna" and dialog.country.text() == "BY"
        assert dialog.lat.text().startswith("53.67")
        dialog.accept()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, fill_and_accept)
    assert pane.add_found()
    added = window.case.conn.execute("SELECT id, lat, lon, country, kind FROM places WHERE name = 'Hrodna'").fetchone()
    assert added[1:] == (pytest.approx(53.6758, abs=1e-3), pytest.approx(23.8289, abs=1e-3), "BY", "city")
    assert window.selection.selection.ids == (added[0],)
    settled()
    assert any(p.name == "Hrodna" for p in pane.view.places_item.layer.places)


def test_names_keep_off_every_marker_covered_at_once() -> None:
    """Occupancy.cover (every marker at once, before any name) takes the cells claiming each marker would."""
    import numpy as np
    from PySide6.QtCore import QRectF

    from workbench.ui.map.canvas import Occupancy

    rng = np.random.default_rng(26)
    left, top = rng.uniform(-20, 1400, 300), rng.uniform(-20, 800, 300)
    size = rng.uniform(3, 44, 300)
    at_once, one_by_one = Occupancy(1400, 800), Occupancy(1400, 800)
    at_once.cover(left, top, left + size, top + size)
    for x, y, s in zip(left.tolist(), top.tolist(), size.tolist(), strict=True):
        c = one_by_one.cell
        one_by_one.grid[max(0, int(np.floor(y / c))):max(0, int(np.ceil((y + s) / c))),
                        max(0, int(np.floor(x / c))):max(0, int(np.ceil((x + s) / c)))] = True
    assert (at_once.grid == one_by_one.grid).all() and at_once.grid.any()
    assert not at_once.claim(QRectF(left[0], top[0], 10, 10)) or left[0] < 0  # a name may not go over a marker


def test_a_frame_draws_the_busiest_moves_within_its_budget_and_every_move_when_few(qapp) -> None:
    """Thousands of moves across a continent would paint the view over many times (seconds a frame): a frame
    strokes the marked and busiest first, up to its budget; a few moves are all drawn."""
    import random

    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QWidget

    from workbench.core.maps.places import MapLayer, MapLink, MapPlace
    from workbench.ui.map.pane import MapView

    rng = random.Random(26)
    places = [MapPlace(f"p{n}", f"Place {n}", (), "city", "", rng.uniform(40, 60), rng.uniform(0, 35), 1, 1)
              for n in range(300)]
    links = [MapLink(f"p{a}", f"p{b}", tuple(f"e{n}-{k}" for k in range(rng.randint(1, 9))))
             for n, (a, b) in enumerate((rng.randrange(300), rng.randrange(300)) for _ in range(3000)) if a != b]
    view = MapView()
    view.resize(1400, 800)
    item = view.places_item
    image = QImage(1400, 800, QImage.Format.Format_ARGB32_Premultiplied)
    for few in (False, True):
        item.set_layer(MapLayer(places, links[:3] if few else links))
        item.set_marks({"p7"} if not few else set(), set())
        view.show_area(50.0, 18.0, 3.0)
        QWidget.render(view.viewport(), image)
        if few:
            assert item.links_drawn == 3
            continue
        assert 0 < item.links_drawn < len(item.link_a)
        drawn = item.link_events[:item.links_drawn]
        marked = item.link_marked[:item.links_drawn]
        assert marked[:marked.sum()].all(), "the selected place's moves go first"
        assert (drawn[marked.sum():][:-1] >= drawn[marked.sum():][1:]).all(), "then the busiest"
    view.deleteLater()
