"""The Actor graph dock on real case files: drawing, clicks into the shared selection, drags as undo steps,
time window, paths, export, an empty case."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from workbench.core.graph.layouts import LAYOUTS
from workbench.core.graph.positions import read_positions
from workbench.core.graph.slicing import IN, OUT, UNCERTAIN
from workbench.core.store import create_case, open_case
from workbench.ui.graph.pane import BACKGROUND_WORK_FROM, GraphPane
from workbench.ui.graph.style import NODE_RADIUS
from workbench.ui.main_window import MainWindow
from workbench.ui.tasks import runner


@pytest.fixture
def window(qtbot, sample_path: Path, tmp_path: Path) -> MainWindow:
    copy = tmp_path / "belarus.case"
    copy.write_bytes(sample_path.read_bytes())
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    assert window.open_path(copy)
    window.graph.flush()
    return window


@pytest.fixture
def large_window(qtbot, tmp_path: Path) -> MainWindow:
    """A case of 650 actors in rings of ten: more than BACKGROUND_WORK_FROM, so layouts and figures
    run in the background."""
    case = create_case(tmp_path / "large.case", "Large")
    ids = [f"actor-{k:03d}" for k in range(650)]
    case.bulk_insert("actors", [{"id": actor_id, "name": f"Actor {k}", "kind": "person"}
                                for k, actor_id in enumerate(ids)])
    case.bulk_insert("relations", [{"from_actor_id": ids[k], "to_actor_id": ids[k // 10 * 10 + (k + 1) % 10],
                                    "kind": "knows"} for k in range(650)])
    case.close()
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    assert window.open_path(tmp_path / "large.case")
    return window


def node_point(pane: GraphPane, name: str) -> QPoint:
    v = pane.graph.names.index(name)
    x, y = pane.chart.xy[v]
    return pane.canvas.mapFromScene(float(x), float(y))


def actor(pane: GraphPane, name: str) -> str:
    return pane.graph.ids[pane.graph.names.index(name)]


def test_the_chart_shows_every_actor_and_relation_with_the_lists_beside_it(window: MainWindow) -> None:
    pane = window.graph
    assert pane.graph.n == 23 and pane.graph.m == 28
    assert pane.chart.xy.shape == (23, 2)
    assert window.panes["actors"] is pane.actors and window.panes["relations"] is pane.relations
    assert pane.actors.model.rowCount() == 23
    viewport = pane.canvas.viewport().rect()
    for name in ("Aleksander Lukashenko", "Kremlin", "CSTO", "Serbian 72nd Special Operations Brigade", "OMON",
                 "Natalya Kochanova"):
        assert viewport.contains(node_point(pane, name)), name
    image = pane.canvas.viewport().grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert "#0072b2" in colours  # person markers are drawn


def test_clicking_a_node_selects_the_actor_everywhere(qtbot, window: MainWindow) -> None:
    pane = window.graph
    heard = []
    window.selection.selection_changed.connect(lambda selection, origin: heard.append((selection, origin)))
    qtbot.mouseClick(pane.canvas.viewport(), Qt.MouseButton.LeftButton, pos=node_point(pane, "Kremlin"))
    assert window.selection.selection.ids == (actor(pane, "Kremlin"),)
    assert heard[-1][1] is pane
    assert window.panes["actors"].selected_ids() == [actor(pane, "Kremlin")]
    assert pane.chart.selected_nodes == {pane.graph.index[actor(pane, "Kremlin")]}
    assert pane.graph.index[actor(pane, "Aleksander Lukashenko")] in pane.chart.related_nodes
    qtbot.mouseClick(pane.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(3, 3))  # empty corner
    assert not window.selection.selection


def test_clicking_an_edge_selects_the_relation(qtbot, window: MainWindow) -> None:
    pane = window.graph
    e = pane.graph.edge_kinds.index("shot")
    x, y = pane.chart.geometry["mid"][e]
    qtbot.mouseClick(pane.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pane.canvas.mapFromScene(x, y))
    assert window.selection.selection.table == "relations"
    assert window.selection.selection.ids == (pane.graph.edge_ids[e],)
    assert pane.chart.selected_edges == {e}


def test_selection_from_elsewhere_is_highlighted_on_the_chart(window: MainWindow) -> None:
    pane = window.graph
    window.selection.select("actors", [actor(pane, "OMON")], origin="timeline")
    assert pane.chart.selected_nodes == {pane.graph.index[actor(pane, "OMON")]}
    tv = pane.graph.index[actor(pane, "Belarusian National TV and Radio Company")]
    assert tv in pane.chart.related_nodes
    events = [e for (e,) in window.case.conn.execute(
        "SELECT event_id FROM event_actors WHERE actor_id = ?", (actor(pane, "Natalya Kochanova"),))]
    window.selection.select("events", events[:1], origin="timeline")
    assert pane.graph.index[actor(pane, "Natalya Kochanova")] in pane.chart.related_nodes
    assert not pane.chart.selected_nodes


def test_dragging_a_node_moves_pins_and_stores_it_as_one_undo_step(qtbot, window: MainWindow) -> None:
    pane = window.graph
    canvas = pane.canvas.viewport()
    luka = actor(pane, "Aleksander Lukashenko")
    start = node_point(pane, "Aleksander Lukashenko")
    before = pane.chart.xy[pane.graph.index[luka]].copy()
    for step in (QPoint(40, 25), QPoint(15, 10)):  # two drags of the same actor
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas, start + QPoint(5, 5))
        qtbot.mouseMove(canvas, start + step)
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + step)
        start = start + step
    stored = read_positions(window.case)
    assert stored[luka][2] is True  # pinned
    assert stored[luka][0] > before[0] + 30
    assert len(stored) == 23  # the whole chart as the analyst sees it, so it reopens the same
    assert window.undo_stack.count() == 1  # the two drags merged
    assert window.selection.selection.ids != (luka,)  # a drag is not a click
    window.undo_stack.undo()
    pane.finish_animation()
    assert read_positions(window.case) == {}
    assert pane.chart.xy[pane.graph.index[luka]] == pytest.approx(before, abs=0.5)
    window.undo_stack.redo()
    pane.finish_animation()
    assert read_positions(window.case)[luka] == stored[luka]


def test_positions_survive_closing_and_reopening(qtbot, window: MainWindow) -> None:
    pane = window.graph
    pane.layout_choice.setCurrentIndex(list(LAYOUTS).index("circular"))
    pane.apply_layout()
    pane.finish_animation()
    shown = {a: pane.chart.xy[i].copy() for i, a in enumerate(pane.graph.ids)}
    assert window.undo_action.text().startswith("&Undo Lay out chart (circular")
    path = window.case.path
    window.close_case()
    assert window.open_path(path)
    window.graph.flush()
    again = window.graph
    for i, a in enumerate(again.graph.ids):
        assert again.chart.xy[i] == pytest.approx(shown[a])


def test_applying_a_layout_is_one_change_notice_and_one_undo_step_the_pane_does_not_hear_back(
        window: MainWindow) -> None:
    """Issue 15: the layout action writes every position in one operation; the window routes its one
    Changes to the views that depend on actor_layout, but not back to the pane that made it."""
    pane = window.graph
    heard = []
    window.signals.changed.connect(heard.append)
    statements: list[str] = []
    steps = window.undo_stack.count()
    pane.layout_choice.setCurrentIndex(list(LAYOUTS).index("circular"))
    window.case.conn.set_trace_callback(statements.append)
    try:
        pane.relayout_action.trigger()  # the toolbar's Re-layout, as the analyst clicks it
    finally:
        window.case.conn.set_trace_callback(None)
    assert len(heard) == 1
    assert heard[0].tables == {"actor_layout"} and heard[0].origin is pane
    assert heard[0].written["actor_layout"] == frozenset(pane.graph.ids)
    assert window.undo_stack.count() == steps + 1
    assert window.undo_action.text().startswith("&Undo Lay out chart (circular")
    # The pane shows what it wrote; it does not read the stored positions back.
    assert not [sql for sql in statements if sql.startswith("SELECT actor_id, x, y, pinned FROM actor_layout")]
    pane.finish_animation()
    stored = read_positions(window.case)
    for i, actor_id in enumerate(pane.graph.ids):
        assert pane.chart.xy[i] == pytest.approx(stored[actor_id][:2])
    window.undo_stack.undo()  # undo names no origin: the pane hears it and moves the actors back
    assert len(heard) == 2 and heard[1].origin is None
    assert read_positions(window.case) == {}
    assert pane.stored == {}


def test_the_time_window_hides_and_fades_relations(window: MainWindow) -> None:
    pane = window.graph
    counter = pane.graph.edge_kinds.index("counter-demonstration")
    founded = pane.graph.edge_kinds.index("founded")
    window.selection.set_time_window("2020-08-08T21:00:00Z", "2020-08-14T20:59:59Z", origin="timeline")
    assert pane.chart.graph_slice.edge_state[counter] == OUT
    assert pane.chart.graph_slice.edge_state[founded] == UNCERTAIN
    assert not pane.chart.geometry["shown"][counter]
    window.selection.set_time_window(*window.case.date_range(), origin="timeline")
    assert pane.chart.graph_slice.edge_state[counter] == IN


def test_play_steps_the_window_day_by_day(qtbot, window: MainWindow) -> None:
    pane = window.graph
    seen = []
    window.selection.time_window_changed.connect(lambda w, origin: seen.append((w.end, origin)))
    pane.play_action.setChecked(True)
    for _ in range(len(pane.play_windows) - 1):
        pane.play_next()
    assert not pane.play_action.isChecked() or pane.play_step == len(pane.play_windows) - 1
    assert [end for end, _o in seen] == [end for _s, end in pane.play_windows]
    assert all(origin is pane for _e, origin in seen)
    assert "17 Aug 2020" in pane.day_label.text()
    pane.play_action.setChecked(False)


def test_shortest_path_between_kochanova_and_the_kremlin_is_highlighted(window: MainWindow) -> None:
    pane = window.graph
    window.selection.select("actors", [actor(pane, "Natalya Kochanova"), actor(pane, "Kremlin")], origin="test")
    assert pane.show_shortest_path()
    index = pane.graph.index
    assert pane.chart.path_nodes == {index[actor(pane, n)] for n in
                                     ("Natalya Kochanova", "Aleksander Lukashenko", "Kremlin")}
    assert {pane.graph.edge_kinds[e] for e in pane.chart.path_edges} == {"loyalist of", "agreement"}
    assert "Natalya Kochanova → Aleksander Lukashenko → Kremlin" in pane.analysis.status.text()
    window.selection.select("actors", [actor(pane, "Stepan Putilo")], origin="test")
    members = pane.show_ego_network()
    assert actor(pane, "NEXTA") in members and actor(pane, "Protesters") in members  # 2 hops


def test_analysis_table_sorts_and_copies(qtbot, window: MainWindow) -> None:
    pane = window.graph
    pane.compute_metrics(force=True)
    text = pane.analysis.table_text().splitlines()
    assert text[0].split("\t")[:4] == ["Actor", "Kind", "Degree", "Betweenness (exact)"]
    assert text[1].startswith("Aleksander Lukashenko\tperson\t13")  # highest betweenness first
    pane.analysis.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert pane.analysis.table_text().splitlines()[1].startswith("Aleksander Lukashenko")
    pane.analysis.copy()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text().startswith("Actor\tKind")
    pane.size_choice.setCurrentIndex(2)  # betweenness
    luka = pane.graph.index[actor(pane, "Aleksander Lukashenko")]
    assert pane.chart.radius[luka] == pane.chart.radius.max()


def test_export_png_at_twice_the_size_and_svg(window: MainWindow, tmp_path: Path) -> None:
    canvas = window.graph.canvas
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    assert canvas.export_png(png)
    image = QImage(str(png))
    bounds = canvas.chart.boundingRect()
    assert image.width() >= 2 * bounds.width()
    assert canvas.export_svg(svg, "Belarus")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Kremlin" in text


def test_an_empty_case_and_no_case(qtbot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    create_case(tmp_path / "empty.case", "Empty").close()
    assert window.open_path(tmp_path / "empty.case")
    window.graph.flush()
    assert window.graph.graph.n == 0
    window.graph.apply_layout()
    window.graph.compute_metrics()
    window.close_case()
    window.graph.flush()
    assert window.graph.chart.graph.n == 0


def test_read_only_case_does_not_store_positions(qtbot, sample_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ro.case"
    copy.write_bytes(sample_path.read_bytes())
    with open_case(copy):
        pass  # migrate to the current schema first
    window = MainWindow(read_only=True)
    qtbot.addWidget(window)
    assert window.open_path(copy)
    window.graph.flush()
    window.graph.apply_layout("circular")
    assert window.undo_stack.count() == 0
    assert read_positions(window.case) == {}


def test_names_with_markup_are_plain_text(qtbot, tmp_path: Path) -> None:
    case = create_case(tmp_path / "hostile.case", "Hostile")
    a = case.insert("actors", {"name": "<b>bold</b> & <img src=x>", "kind": "person"})
    b = case.insert("actors", {"name": "Минск", "kind": "state"})
    case.insert("relations", {"from_actor_id": a, "to_actor_id": b, "kind": "<i>x</i>"})
    case.close()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_path(tmp_path / "hostile.case")
    window.graph.flush()
    assert window.graph.graph.names[0] == "<b>bold</b> & <img src=x>"
    svg = tmp_path / "h.svg"
    window.graph.canvas.export_svg(svg)
    assert "&lt;b&gt;bold" in svg.read_text(encoding="utf-8")


def test_a_new_actor_and_relation_reach_the_chart(qtbot, window: MainWindow) -> None:
    """Regression: the chart redrew the new graph with the old positions (IndexError in paint)."""
    pane = window.graph
    luka = actor(pane, "Aleksander Lukashenko")
    new = window.case.insert("actors", {"name": "Sviatlana Tsikhanouskaya", "kind": "person"})
    window.case.insert("relations", {"from_actor_id": new, "to_actor_id": luka, "kind": "opposes"})
    pane.flush()
    assert pane.chart.graph.n == 24 and pane.chart.xy.shape == (24, 2)
    assert pane.chart.geometry["p0"].shape == (29, 2)
    window.selection.select("actors", [new], origin="inspector")
    pane.canvas.viewport().grab()  # paints without error
    assert pane.chart.selected_nodes == {pane.graph.index[new]}


def test_a_large_chart_opened_again_unchanged_is_drawn_where_it_was_laid_out(qtbot, large_window: MainWindow,
                                                                             tmp_path: Path) -> None:
    """The layout is kept under the digest of the case's bytes (core.graph.kept): no second layout, same places."""
    from workbench.core.graph import kept

    pane = large_window.graph
    pane.flush()
    assert runner().is_busy(pane.layout_key) and pane.wait_for_work()
    placed = pane.chart.xy.copy()
    kept.kept.wait_kept()  # kept on a thread of its own
    assert read_positions(large_window.case) == {} and len(list(kept.kept.folder(kept.KIND).glob("*.npz"))) == 1
    large_window.close_case()
    again = MainWindow()
    qtbot.addWidget(again)
    again.resize(1400, 900)
    assert again.open_path(tmp_path / "large.case")
    again.graph.flush()
    assert not runner().is_busy(again.graph.layout_key)  # nothing to lay out
    assert again.graph.chart.xy == pytest.approx(placed)
    again.close_case()
    (kept_file,) = kept.kept.folder(kept.KIND).glob("*.npz")
    with np.load(kept_file) as stored:
        arrays = {name: stored[name] for name in stored.files}
    np.savez(kept_file, **{**arrays, "xy": arrays["xy"][:-1]})  # one actor short: laid out again
    assert again.open_path(tmp_path / "large.case")
    again.graph.flush()
    assert runner().is_busy(again.graph.layout_key) and again.graph.wait_for_work()
    assert again.graph.chart.xy == pytest.approx(placed)


def test_a_large_chart_is_laid_out_and_measured_off_the_ui_thread(large_window: MainWindow) -> None:
    window = large_window
    pane = window.graph
    pane.flush()
    assert pane.graph.n == 650 > BACKGROUND_WORK_FROM
    circle = pane.chart.xy.copy()  # shown at once; the force layout follows from the background
    assert runner().is_busy(pane.layout_key) and pane.progress_action.isVisible()
    pane.size_choice.setCurrentIndex(pane.size_choice.findData("degree"))  # the figures meanwhile
    assert runner().is_busy(pane.figures_key) and runner().is_busy(pane.layout_key)  # side by side
    assert pane.wait_for_work()
    assert not np.allclose(pane.chart.xy, circle)
    placed = pane.chart.xy.copy()
    assert pane.metrics is not None and pane.chart.radius.min() > NODE_RADIUS  # sized by degree (all 2)
    assert not pane.progress_action.isVisible() and not pane.busy
    assert window.undo_stack.count() == 0 and read_positions(window.case) == {}  # automatic: nothing stored

    heard = []
    window.signals.changed.connect(heard.append)
    pane.layout_choice.setCurrentIndex(list(LAYOUTS).index("circular"))
    pane.relayout_action.trigger()
    pane.layout_choice.setCurrentIndex(list(LAYOUTS).index("kind"))
    pane.relayout_action.trigger()  # replaces the circular one, whose result is dropped
    assert pane.wait_for_work()
    assert window.undo_stack.count() == 1
    assert window.undo_action.text().startswith("&Undo Lay out chart (grouped by kind")
    assert len(heard) == 1 and heard[0].origin is pane and len(read_positions(window.case)) == 650

    window.undo_stack.undo()  # nothing stored: placed again off the UI thread, where it was
    assert runner().is_busy(pane.layout_key)
    assert pane.wait_for_work()
    pane.finish_animation()
    assert pane.chart.xy == pytest.approx(placed)
    window.undo_stack.redo()
    pane.finish_animation()
    assert not pane.busy and len(read_positions(window.case)) == 650

    pane.relayout_action.trigger()
    pane.cancel_work()  # Cancel on the toolbar: nothing of it reaches the chart or the case
    assert pane.wait_for_work()
    assert window.undo_stack.count() == 1 and len(heard) == 3 and not pane.progress_action.isVisible()

    window.selection.set_time_window("2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z", origin="test")
    assert pane.metrics_stale
    pane.compute_metrics(force=True)
    assert pane.metrics_stale and runner().is_busy(pane.figures_key)
    assert pane.wait_for_work()
    assert pane.metrics is not None and len(pane.metrics.ids) == 650 and not pane.metrics_stale
    assert pane.analysis.model.rowCount() == 650
