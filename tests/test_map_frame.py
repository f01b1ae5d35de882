"""The Map's picture kept between frames (ui.map.frame): a drag moves it and draws only the strips it uncovers,
a wheel zoom scales it until the view rests and a picture drawn whole off the UI thread lands (only if the view
is still where it was drawn for), and whatever changes what the map shows (its places, the time window's counts,
the selection, a pin, a move by code) draws it whole, so no frame shows a stale picture."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QImage, QPainter, QPicture
from PySide6.QtWidgets import QWidget

from workbench.core.maps.places import MapLayer, MapLink, MapPlace
from workbench.core.maps.projection import circle, project
from workbench.ui.map.frame import MARGIN, SETTLE_MS, STRIP_SHARE, outside
from workbench.ui.map.pane import MapView
from workbench.ui.tasks import runner

SIZE = (900, 600)


def layer(named: bool = True, events: int = 3) -> MapLayer:
    rng = random.Random(26)
    places = []
    for n in range(150):
        lat, lon = rng.uniform(49, 56), rng.uniform(20, 33)
        kind = ("city", "base", "building", "border crossing", "region")[n % 5]
        area = (tuple(circle(lat, lon, 40.0)),) if kind == "region" else ()
        places.append(MapPlace(f"p{n}", f"Place {n}" if named else "", (), kind, "", lat, lon, events + n % 7,
                               events + n % 7, area))
    links = [MapLink(f"p{a}", f"p{b}", ("e",)) for a, b in ((1, 2), (3, 40), (7, 99), (12, 13))]
    return MapLayer(places, links)


@pytest.fixture
def view(qapp):
    shown = MapView()
    shown.resize(*SIZE)
    shown.places_item.set_layer(layer())
    shown.show_area(52.5, 27.0, 0.8)
    yield shown
    shown.frame.timer.stop()
    shown.frame.drop_pending()
    assert runner().wait_idle(30_000)
    shown.deleteLater()


def landed(view: MapView) -> None:
    """Wait for the picture being drawn off the UI thread and deliver it (as the event loop would)."""
    assert view.frame.pending is not None, "a picture is being drawn off the UI thread"
    assert runner().wait_idle(30_000)


def whole_drawing(view: MapView) -> np.ndarray:
    """The view as a whole drawing on the UI thread shows it, where it is now."""
    view.frame.key = None
    return frame_of(view)


def frame_of(view: MapView) -> np.ndarray:
    """The viewport painted as on screen (its paint event), as rows of RGB."""
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0xFFFFFFFF)
    QWidget.render(view.viewport(), image)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.width(), 4)
    return rows[:, :, 2::-1].astype(int).copy()  # a 32-bit pixel is B, G, R, A in memory here


def differing(a: np.ndarray, b: np.ndarray, by: int = 40) -> float:
    """The share of pixels that differ by more than `by` in some channel."""
    return float((np.abs(a - b).max(axis=2) > by).mean())


def drag(view: MapView, dx: int, dy: int) -> None:
    """What a drag does: QGraphicsView's hand drag moves the scroll bars."""
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + dx)
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + dy)


def pixel(view: MapView, lat: float, lon: float) -> tuple[int, int]:
    x, y = project(lon, lat)
    at = view.mapFromScene(QPointF(x, -y))
    return at.y(), at.x()


def test_a_drag_draws_only_the_strips_it_uncovers_and_they_join_the_picture_kept(view: MapView) -> None:
    """Without names (which a strip places only wholly inside it), a dragged frame is the whole drawing."""
    view.places_item.set_layer(layer(named=False))
    view.basemap_item.show_cities = False
    frame = frame_of(view)
    whole, strips = view.frame.whole_drawings, view.frame.strips
    for dx, dy in ((97, 0), (97, 31), (-45, -80), (150, 12), (-200, 0)):
        drag(view, dx, dy)
        moved = frame_of(view)
        assert differing(moved, frame) > 0.01, "the frame shows the map moved"
        frame = moved
    assert view.frame.whole_drawings == whole, "a drag does not draw the picture whole"
    assert view.frame.strips > strips
    assert not view.frame.settled and view.frame.timer.isActive()
    view.frame.key = None  # the same view drawn whole, to compare with
    drawn = frame_of(view)
    # markers, areas, moves, land, borders: where a strip left a blank or kept a stale part (a column of 45 to
    # 200 pixels of this 900 x 600 view) a tenth or more of the view would differ
    assert differing(frame, drawn) < 0.002


def test_a_drag_keeps_names_off_the_strip_edges_and_the_view_redraws_them_once_it_rests(view: MapView, qtbot) -> None:
    frame_of(view)
    for _ in range(4):
        drag(view, 111, 20)
        frame_of(view)
    assert view.frame.timer.isActive()
    assert view.frame.timer.interval() == SETTLE_MS
    dragged = frame_of(view)
    qtbot.waitUntil(lambda: view.frame.settled, timeout=30_000)  # the timer, then the picture drawn off the UI thread
    rested = frame_of(view)
    view.frame.key = None
    assert (frame_of(view) == rested).all(), "at rest, the picture is what a whole drawing is"
    assert differing(dragged, rested) < 0.1  # the names may differ, the map does not


def test_a_wheel_zoom_scales_the_picture_at_once_and_draws_it_sharp_off_the_ui_thread_when_the_view_rests(
        view: MapView) -> None:
    before = frame_of(view)
    whole, shown = view.frame.whole_drawings, view.frame.landed
    for factor in (1.25, 1 / 1.25, 1 / 1.25):  # in, then out past where the picture was drawn
        view.zoom(factor)
        frame = frame_of(view)
        assert view.frame.whole_drawings == whole, "a wheel step shows the picture scaled"
        assert differing(frame, before) > 0.01
        before = frame
    preview = frame
    view.frame.settle()  # the timer's end: the picture drawn whole, off the UI thread
    assert view.frame.whole_drawings == whole and not view.frame.settled
    assert (frame_of(view) == preview).all(), "the preview stays until the picture lands"
    landed(view)
    assert view.frame.landed == shown + 1 and view.frame.settled
    sharp = frame_of(view)
    assert differing(sharp, preview) > 0.001
    assert (whole_drawing(view) == sharp).all(), "the picture that landed is a whole drawing"
    # zoomed out fast, past the picture's margin: what the scaled picture does not hold is far more than a strip,
    # shown as the background (never a whole drawing in the frame) until the view rests
    whole, strips = view.frame.whole_drawings, view.frame.strips
    for _ in range(3):
        view.zoom(1 / 1.25)
        frame = frame_of(view)
    assert (view.frame.whole_drawings, view.frame.strips) == (whole, strips)
    background = view.background().color()
    edge = frame[:, :5].reshape(-1, 3)
    assert (edge == (background.red(), background.green(), background.blue())).all(axis=1).mean() > 0.9
    view.frame.settle()
    landed(view)
    assert (frame_of(view) == whole_drawing(view)).all()


def test_a_picture_drawn_off_the_ui_thread_for_a_view_that_moved_or_changed_meanwhile_is_never_shown(
        view: MapView) -> None:
    view.places_item.set_layer(layer(named=False))
    frame_of(view)
    drag(view, 60, 0)
    frame_of(view)
    shown, dropped = view.frame.landed, view.frame.dropped
    before = frame_of(view)
    view.frame.settle()
    runner().pool.waitForDone()  # drawn, not yet delivered (the event loop has not run)
    drag(view, 0, 40)  # moved by hand before the picture lands: dropped at once
    assert view.frame.pending is None
    assert runner().wait_idle(30_000)
    assert view.frame.landed == shown
    moved = frame_of(view)  # the kept picture moved, a strip drawn
    assert differing(moved, before) > 0.01
    assert not view.frame.settled
    view.frame.settle()
    number = next(n for n, p in enumerate(view.places_item.layer.places)
                  if not p.area and 60 < pixel(view, p.lat, p.lon)[0] < SIZE[1] - 60
                  and 60 < pixel(view, p.lat, p.lon)[1] < SIZE[0] - 60)
    view.places_item.set_marks({view.places_item.layer.places[number].id}, set())  # a place selected meanwhile
    landed(view)
    assert (view.frame.landed, view.frame.dropped) == (shown, dropped + 1), "drawn for what the view showed"
    ringed = frame_of(view)
    assert not (ringed == moved).all()
    assert (ringed == whole_drawing(view)).all(), "the selection drawn at once, whole, on the UI thread"
    # left alone, the next one lands
    drag(view, -30, 0)
    frame_of(view)
    view.frame.settle()
    landed(view)
    assert view.frame.landed == shown + 1
    assert (frame_of(view) == whole_drawing(view)).all()


def test_a_fling_past_a_strip_shows_the_background_until_the_picture_lands(view: MapView) -> None:
    view.places_item.set_layer(layer(named=False))
    frame_of(view)
    whole, strips = view.frame.whole_drawings, view.frame.strips
    share = 0.4
    assert share > STRIP_SHARE
    drag(view, round(SIZE[0] * share), 0)
    flung = frame_of(view)
    assert (view.frame.whole_drawings, view.frame.strips) == (whole, strips), "nothing drawn in the frame"
    background = view.background().color()
    uncovered = round(SIZE[0] * share) - round(SIZE[0] * MARGIN)  # beyond what the picture's margin held
    right = flung[:, -uncovered:].reshape(-1, 3)
    assert (right == (background.red(), background.green(), background.blue())).all(axis=1).all()
    assert view.frame.timer.isActive()
    view.frame.settle()
    landed(view)
    assert (frame_of(view) == whole_drawing(view)).all()


def test_a_move_by_code_draws_the_picture_whole(view: MapView) -> None:
    frame_of(view)
    whole, strips = view.frame.whole_drawings, view.frame.strips
    view.show_area(52.6, 27.3, 0.8)  # the same scale a little aside: a saved view, a slide, Fit
    frame_of(view)
    assert (view.frame.whole_drawings, view.frame.strips) == (whole + 1, strips)
    assert view.frame.settled


def test_the_picture_is_drawn_again_when_the_places_their_counts_the_marks_or_the_pin_change(view: MapView) -> None:
    first = frame_of(view)
    frame_of(view)
    whole = view.frame.whole_drawings
    assert view.frame.whole_drawings == whole, "a frame with nothing changed draws nothing"
    # the time window's counts: every marker's size changes
    view.places_item.set_layer(layer(events=40))
    counted = frame_of(view)
    assert view.frame.whole_drawings == whole + 1 and differing(counted, first) > 0.005
    # a place selected: ringed in yellow where it is
    number, place = next((n, p) for n, p in enumerate(view.places_item.layer.places)
                         if not p.area and 60 < pixel(view, p.lat, p.lon)[0] < SIZE[1] - 60
                         and 60 < pixel(view, p.lat, p.lon)[1] < SIZE[0] - 60)
    row, column = pixel(view, place.lat, place.lon)
    radius = int(view.places_item.radius[number])
    view.places_item.set_marks({place.id}, set())
    ringed = frame_of(view)
    ring = ringed[row - radius - 5:row + radius + 6, column - radius - 5:column + radius + 6]
    assert ((ring[:, :, 0] > 200) & (ring[:, :, 1] > 150) & (ring[:, :, 2] < 90)).any(), "yellow ring"
    assert not (counted == ringed).all()
    # a place found by name: pinned
    view.places_item.pin = (52.5, 27.0, "Here")
    assert differing(frame_of(view), ringed, 0) > 0
    # the data: a place gone is gone from the picture
    gone = MapLayer([p for p in layer().places if p.id != place.id], [])
    view.places_item.set_marks(set(), set())
    view.places_item.set_layer(gone)
    after = frame_of(view)
    spot = after[row - 2:row + 3, column - 2:column + 3]
    assert not (after == ringed).all()
    assert (np.abs(spot - ringed[row - 2:row + 3, column - 2:column + 3]).max(axis=2) > 40).any(), \
        "its marker is gone from where it was"


def test_a_pdf_or_a_picture_gets_the_vectors_not_the_kept_image(view: MapView) -> None:
    frame_of(view)
    whole = view.frame.whole_drawings
    picture = QPicture()
    painter = QPainter(picture)
    view.viewport().render(painter, QPoint(0, 0))
    painter.end()
    assert picture.size() > 10_000, "the basemap's and the places' paint commands recorded"
    assert view.frame.whole_drawings == whole
    played = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    played.fill(0xFFFFFFFF)
    painter = QPainter(played)
    picture.play(painter)
    painter.end()
    rows = np.frombuffer(played.constBits(), dtype=np.uint8).reshape(played.height(), played.width(), 4)
    assert differing(rows[:, :, 2::-1].astype(int), frame_of(view)) < 0.05


def test_outside_cuts_a_rectangle_out_of_another() -> None:
    from PySide6.QtCore import QRect

    area = QRect(0, 0, 100, 60)
    assert outside(area, QRect(0, 0, 100, 60)) == []
    assert outside(area, QRect(200, 0, 10, 10)) == [area]
    bands = outside(area, QRect(20, 10, 50, 30))
    assert sum(b.width() * b.height() for b in bands) == 100 * 60 - 50 * 30
    cells = np.zeros((60, 100), dtype=int)
    cells[10:40, 20:70] += 1
    for band in bands:
        cells[band.y():band.y() + band.height(), band.x():band.x() + band.width()] += 1
    assert (cells == 1).all(), "the bands and the rectangle held tile the area once"


def test_moves_are_cut_to_what_is_drawn() -> None:
    from PySide6.QtCore import QRectF

    from workbench.ui.map.canvas import clip_segments

    x0, y0 = np.array([-50.0, 10.0, -50.0, 20.0, 500.0]), np.array([50.0, 10.0, -10.0, 20.0, 500.0])
    x1, y1 = np.array([150.0, 20.0, 150.0, 20.0, 600.0]), np.array([50.0, 90.0, -10.0, 20.0, 600.0])
    a, b, c, d = clip_segments(x0, y0, x1, y1, QRectF(0, 0, 100, 100))
    assert (a[0], b[0], c[0], d[0]) == (0, 50, 100, 50), "across: cut at both edges"
    assert (a[1], b[1], c[1], d[1]) == (10, 10, 20, 90), "inside: whole"
    assert a[2] == c[2] and b[2] == d[2], "beside, parallel: nothing"
    assert (a[3], b[3], c[3], d[3]) == (20, 20, 20, 20), "a point inside stays"
    assert a[4] == c[4] and b[4] == d[4], "beyond: nothing"


def test_an_image_drawn_larger_than_the_view_gets_the_vectors_not_the_kept_picture_enlarged(view: MapView) -> None:
    """A deck draws a slide's map into an image twice its size: crisp, not the view's picture blown up."""
    frame_of(view)
    whole = view.frame.whole_drawings
    size = view.viewport().size()
    large = QImage(size * 2, QImage.Format.Format_ARGB32_Premultiplied)
    large.fill(0xFFFFFFFF)
    painter = QPainter(large)
    painter.scale(2, 2)
    view.viewport().render(painter, QPoint(0, 0))
    painter.end()
    assert view.frame.whole_drawings == whole
    grid = np.frombuffer(large.constBits(), dtype=np.uint8).reshape(large.height(), large.width(), 4)
    blown_up = frame_of(view).repeat(2, axis=0).repeat(2, axis=1)
    assert differing(grid[:, :, 2::-1].astype(int), blown_up) > 0.01, "drawn at twice the detail"
    halved = large.scaled(size)
    rows = np.frombuffer(halved.constBits(), dtype=np.uint8).reshape(halved.height(), halved.width(), 4)
    assert differing(rows[:, :, 2::-1].astype(int), frame_of(view)) < 0.1, "the same map"


def test_a_strip_is_drawn_into_a_window_of_the_picture_as_the_whole_drawing_draws_it(view: MapView) -> None:
    """A strip is painted on an image sharing the picture's memory just around it (ui.map.frame.window_of): what
    it draws lands in the picture, where a whole drawing puts it, and nothing beyond the window is touched."""
    from PySide6.QtCore import QRect

    from workbench.ui.map.frame import window_of

    view.places_item.set_layer(layer(named=False))
    view.basemap_item.show_cities = False
    frame_of(view)
    picture = view.frame.image
    whole = picture.copy()  # the picture is drawn over below
    strip = QRect(300, 100, 111, 500)
    window, offset, bounds = window_of(picture, strip.adjusted(-50, -20, 50, 20))
    assert (offset.x(), offset.y(), bounds.width(), bounds.height()) == (250, 80, 211, 540)
    painter = QPainter(window)
    painter.fillRect(window.rect(), 0xFF00FF)  # magenta over the window: what the strip does not draw stays so
    painter.end()

    def rows(image: QImage) -> np.ndarray:
        bits = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
        return bits[:, :image.width(), 2::-1].astype(int)

    assert (rows(picture)[80:620, 250:461] == (255, 0, 255)).all(), "the window is the picture's memory"
    view.frame.paint_region(strip)
    drawn, expected = rows(picture), rows(whole)
    inside = (slice(100, 600), slice(300, 411))
    assert differing(drawn[inside], expected[inside]) < 0.002, "the strip as the whole drawing has it"
    assert (drawn[80:100, 250:461] == (255, 0, 255)).all(), "around the strip, inside the window: untouched"
    assert (drawn[:80] == expected[:80]).all() and (drawn[620:] == expected[620:]).all()
    # at the picture's far corner the window is cut to the picture
    corner = QRect(picture.width() - 40, picture.height() - 30, 100, 100)
    window, offset, bounds = window_of(picture, corner)
    assert (window.width(), window.height()) == (40, 30)
    assert (bounds.right(), bounds.bottom()) == (picture.width(), picture.height())


def test_places_in_one_area_draw_it_once_as_dark_as_their_fills_laid_over_each_other(view: MapView) -> None:
    places = layer().places
    region = next(p for p in places if p.area and all(100 < a < b - 100 for a, b in zip(
        pixel(view, p.lat, p.lon), (SIZE[1], SIZE[0]), strict=True)))
    twin = MapPlace("twin", "Twin", (), "region", "", region.lat + 0.1, region.lon, 5, 5, region.area)
    alone = frame_of(view)
    view.places_item.set_layer(MapLayer([*places, twin], []))
    items = view.places_item
    assert items.area_paths["twin"] is items.area_paths[region.id], "one path for the area"
    fills = [(fill.alpha(), paths) for paths, _, _, fill in items.area_groups]
    assert sum(len(paths) for _, paths in fills) == sum(1 for p in places if p.area), "the shared area drawn once"
    shared = next(alpha for alpha, paths in fills if items.area_paths[region.id] in paths)
    assert shared == round(255 * (1 - (1 - 60 / 255) ** 2))
    # where the picture changed it is mostly darker: the area, filled over again (names move for the twin's)
    stacked = frame_of(view)
    changed = np.abs(stacked - alone).max(axis=2) > 0
    assert changed.mean() > 0.005
    assert ((stacked.sum(axis=2) < alone.sum(axis=2) - 20) & changed).sum() > 0.7 * changed.sum()


def test_a_drag_moves_the_view_inside_the_picture_and_back_over_what_it_drew_draws_nothing(view: MapView) -> None:
    view.places_item.set_layer(layer(named=False))
    view.basemap_item.show_cities = False
    frame_of(view)
    picture, strips = view.frame.image, view.frame.strips
    margin = round(SIZE[0] * MARGIN)
    drag(view, margin // 2, 0)  # inside the picture's margin: nothing drawn, nothing moved
    there = frame_of(view)
    assert view.frame.image is picture and view.frame.strips == strips
    drag(view, margin, 0)  # past it: the picture moved to put the view in its middle, a strip drawn
    frame_of(view)
    assert view.frame.image is not picture and view.frame.strips > strips
    picture, strips = view.frame.image, view.frame.strips
    drag(view, -margin, 0)  # back over what the picture holds: the view moves inside it
    back = frame_of(view)
    assert view.frame.image is picture and view.frame.strips == strips
    assert differing(back, there) < 0.002, "the same map where it was"
    assert not view.frame.settled and view.frame.timer.isActive()
    view.frame.settle()
    landed(view)
    assert (frame_of(view) == whole_drawing(view)).all()


def test_what_a_drag_has_drawn_is_kept_as_the_largest_rectangle_it_knows() -> None:
    from PySide6.QtCore import QRect

    from workbench.ui.map.frame import drawn_after

    viewport = QRect(100, 50, 400, 300)
    assert drawn_after(QRect(0, 0, 600, 400), viewport) == viewport.united(QRect(0, 50, 600, 300)), "across its rows"
    assert drawn_after(QRect(0, 0, 460, 400), QRect(150, 50, 400, 300)) == QRect(0, 50, 550, 300)
    assert drawn_after(QRect(110, 0, 400, 600), viewport) == QRect(100, 50, 410, 300), "the larger way"
    assert drawn_after(QRect(100, 0, 400, 600), viewport) == QRect(100, 0, 400, 600), "along its columns"
    assert drawn_after(QRect(0, 100, 90, 100), viewport) == viewport, "apart, or not across all its rows"
    assert drawn_after(QRect(0, 50, 100, 300), viewport) == QRect(0, 50, 500, 300), "touching"


def test_a_wheel_zoom_shows_the_kept_picture_scaled_while_it_covers_the_view(view: MapView) -> None:
    """Each step of a wheel turn scales the sharp picture kept (nothing drawn, nothing copied: a scaled copy scaled
    again would blur); a zoom out past what it holds scales it to the new transform and draws around it."""
    view.places_item.set_layer(layer(named=False))  # names, placed anew at each scale, aside
    before = frame_of(view)
    picture, valid, strips = view.frame.image, view.frame.valid, view.frame.strips
    frames = []
    for factor in (1.25, 1.25, 1 / 1.25):  # in twice, then back a step
        view.zoom(factor)
        frames.append(frame_of(view))
        assert (view.frame.image, view.frame.valid, view.frame.strips) == (picture, valid, strips)
        assert view.frame.stretches(*view.frame.target()) and not view.frame.settled
    assert differing(frames[0], before) > 0.01 and differing(frames[1], frames[0]) > 0.01
    assert (frames[2] == frames[0]).all(), "the same step shows the same picture: scaled from the sharp one"
    assert differing(frames[2], whole_drawing(view)) < 0.05, "scaled, the picture is nearly what a whole drawing is"
    picture = view.frame.image  # drawn whole at this scale
    for _ in range(2):  # 1 / 1.56: the picture's margin (MARGIN) no longer covers the viewport
        view.zoom(1 / 1.25)
        frame_of(view)
    assert view.frame.image is not picture, "scaled to the new transform"
    assert not view.frame.stretches(view.frame.scale * 1.25 ** -3, *view.frame.target()[1:])
    view.frame.settle()
    landed(view)
    assert (frame_of(view) == whole_drawing(view)).all()


def test_a_name_takes_its_room_by_its_edges_as_by_its_rectangle() -> None:
    from PySide6.QtCore import QRectF

    from workbench.ui.map.canvas import Occupancy

    room = Occupancy(200, 100)
    room.bounds = QRectF(10, 10, 150, 80)
    room.walls = (120,)
    assert room.claim_box(20, 20, 60, 34)
    assert not room.claim(QRectF(30, 25, 20, 10)), "taken"
    assert not room.claim_box(5, 40, 30, 50), "past the bounds"
    assert not room.claim_box(110, 40, 130, 50), "across a wall"
    assert room.claim(QRectF(20, 60, 40, 14))
    room.bounds = None
    assert room.claim_box(2, 2, 8, 8), "anywhere once unbounded"


def test_qt_paints_on_the_thread_that_asks_not_on_its_pool() -> None:
    """workbench.ui has Qt's raster engine paint on the asking thread (a frame's scaled picture waited for the GUI
    pool's one thread on a busy machine), unless the environment already says which."""
    import os
    import subprocess
    import sys

    assert os.environ.get("QT_NO_GUI_THREADPOOL"), "set on importing workbench.ui"
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"}
    ask = "import os, workbench.ui; print(os.environ.get('QT_NO_GUI_THREADPOOL'))"
    found = subprocess.run([sys.executable, "-c", ask], env=env, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "1"
