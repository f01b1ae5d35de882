"""Values already inside a received case, written by another program past core.rules (issue 16): every class of the
generated corpus (tests/hostile_values.py) is named by `check` in one sentence, cleared by `check --repair` with the
old value kept in the audit, shown as unreadable by the app (read-only) or repaired on open, and never makes
`info` or an export end in a traceback."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hostile_values import HOSTILE, Hostile, all_in_one, hostile_copy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtWidgets import QMessageBox

from workbench.cli import EXPORT_FORMATS, main
from workbench.core.repair import inspect, repair_file
from workbench.core.store import CaseHoldsBadValues, check_case, open_case
from workbench.core.store.masked import open_masked
from workbench.core.store.values import UNREADABLE, find_bad_values

NAMES = [hostile.name for hostile in HOSTILE]


@pytest.fixture
def hostile_case(request: pytest.FixtureRequest, sample_path: Path, tmp_path: Path) -> tuple[Path, str, Hostile]:
    hostile = HOSTILE[NAMES.index(request.param)]
    path, record = hostile_copy(sample_path, tmp_path, hostile)
    return path, record, hostile


def one_sentence(text: str) -> bool:
    return text.endswith(".") and "\n" not in text and "Traceback" not in text


@pytest.mark.parametrize("hostile_case", NAMES, indirect=True)
def test_check_names_each_value_and_repair_clears_it(hostile_case, capsys: pytest.CaptureFixture[str]) -> None:
    path, record, hostile = hostile_case
    with pytest.raises(CaseHoldsBadValues) as refused:
        check_case(path)
    (bad,) = [bad for bad in refused.value.bad if bad.column == hostile.column]
    assert (bad.table, dict(bad.key).get("id", dict(bad.key).get("key"))) == (hostile.table, record)
    sentence = bad.describe()
    assert one_sentence(sentence) and hostile.table in sentence and record in sentence and hostile.column in sentence
    assert one_sentence(str(refused.value))

    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert sentence in err and "workbench check --repair" in err and "Traceback" not in err

    assert main(["check", "--repair", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("values ok, search index ok).") and hostile.column in out
    check_case(path)  # healthy now
    with open_case(path, read_only=True) as case:
        assert inspect(case).healthy
        (old,) = case.conn.execute("SELECT old FROM audit WHERE table_name = ? AND record_id = ? AND action = 'update' "
                                   "ORDER BY id DESC LIMIT 1", (hostile.table, record)).fetchone()
    assert old and (hostile.table == "meta" or hostile.column in json.loads(old))  # the old value is in the history


@pytest.mark.parametrize("hostile_case", NAMES, indirect=True)
def test_info_and_a_refusing_export_say_one_sentence(hostile_case, capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    path, _record, _hostile = hostile_case
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "value(s) cannot be read and show as '(unreadable)'" in out
    assert main(["export", str(path), "--format", "json", "--out", str(tmp_path / "out.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert one_sentence(err) and "cannot read" in err and "workbench check --repair" in err
    assert not (tmp_path / "out.json").exists()


def test_every_export_refuses_a_case_with_every_bad_value_in_one_sentence(sample_path: Path, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = all_in_one(sample_path, tmp_path)
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"out.{fmt}"
        assert main(["export", str(path), "--format", fmt, "--out", str(out)]) == 2, fmt
        err = capsys.readouterr().err.strip()
        assert one_sentence(err) and "cannot read" in err, (fmt, err)
        assert not out.exists()


def test_every_export_writes_a_masked_case(sample_path: Path, tmp_path: Path) -> None:
    """What the app shows of such a case (read-only, each bad value as unreadable) exports in every core format."""
    from workbench.core.exporters import FORMATS, export

    path = all_in_one(sample_path, tmp_path)
    with open_masked(path) as case:
        assert case.read_only and case.path == path and len(case.bad_values) == len(HOSTILE)
        assert find_bad_values(case.conn) == []
        for fmt in FORMATS:
            if fmt in ("pdf", "pptx", "html"):
                continue
            out = tmp_path / f"masked.{fmt}"
            export(case, fmt, out)
            assert out.exists(), fmt


def test_a_masked_case_shows_each_value_as_unreadable_and_leaves_no_copy(sample_path: Path, tmp_path: Path) -> None:
    path = all_in_one(sample_path, tmp_path)
    before = path.read_bytes()
    with open_masked(path) as case:
        copy = case.copy
        assert case.title == UNREADABLE and case.meta("timezone") == "UTC"
        shown = {(bad.table, bad.column): bad for bad in case.bad_values}
        for (table, column), bad in shown.items():
            if table == "meta":
                continue
            row = case.get(table, dict(bad.key)["id"])
            assert row[column] == bad.fix
        reader = case.open_reader()
        assert reader.title == UNREADABLE
        reader.close()
    assert not copy.exists() and path.read_bytes() == before


def test_the_placeholder_start_stays_within_the_events_own_times(small_case: Path) -> None:
    conn = sqlite3.connect(small_case, isolation_level=None)
    conn.execute("UPDATE events SET start = '2020-08-00T15:00:00Z' WHERE id = 'event-rumour'")  # day 0
    conn.close()
    assert repair_file(small_case).fixes
    with open_case(small_case) as case:
        rumour = case.get("events", "event-rumour")
    assert rumour["start"] <= rumour["latest"] and rumour["time_precision"] == "approximate"
    assert "held ('2020-08-00T15:00:00Z') could not be read" in rumour["time_note"]


# Generated values: any bytes in a text column, any digits in a time column, any nesting in JSON.
TEXT_COLUMNS = [("events", "title"), ("events", "summary"), ("actors", "name"), ("sources", "title"),
                ("citations", "quote"), ("notes", "text"), ("meta", "title")]
TIME_COLUMNS = [("events", "end"), ("relations", "start"), ("sources", "published"), ("events", "created_at")]


# Each example copies, checks and repairs a small case (~0.1 s): enough examples to cross every branch, in seconds.
GENERATED = settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])


def plant(path: Path, table: str, column: str, value: object) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if table == "meta":
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, column))
        else:
            conn.execute("PRAGMA ignore_check_constraints = ON")  # as a careless program could
            conn.execute(f'UPDATE {table} SET "{column}" = ? WHERE rowid = (SELECT min(rowid) FROM {table})',
                         (value,))
    finally:
        conn.close()


def generated(small_case: Path, tmp_path: Path, table: str, column: str, value: object) -> Path:
    path = tmp_path / "generated.case"
    shutil.copyfile(small_case, path)
    plant(path, table, column, value)
    return path


def check_then_repair(path: Path) -> None:
    """The check either passes the value or names it; a repair leaves a case every check passes."""
    try:
        check_case(path)
    except CaseHoldsBadValues as holds:
        assert all(one_sentence(bad.describe()) for bad in holds.bad)
        with open_masked(path) as case:
            assert find_bad_values(case.conn) == []
            case.counts(), case.title, case.date_range()
        repair_file(path)
        check_case(path)
    with open_case(path, read_only=True) as case:
        healthy = inspect(case).healthy
    if not healthy:  # a readable value written past the gateway leaves the search index behind: the repair's too
        repair_file(path)
    with open_case(path, read_only=True) as case:
        assert inspect(case).healthy


@GENERATED
@given(st.sampled_from(TEXT_COLUMNS), st.binary(min_size=1, max_size=40), st.booleans())
def test_any_bytes_in_text_are_named_or_readable(small_case: Path, tmp_path: Path, column: tuple[str, str],
                                                 raw: bytes, as_text: bool) -> None:
    """Bytes stored as a blob, or cast to text as a program writing another encoding would."""
    table, name = column
    path = generated(small_case, tmp_path, table, name, raw)
    if as_text:
        conn = sqlite3.connect(path, isolation_level=None)
        where = "key = 'title'" if table == "meta" else f"rowid = (SELECT min(rowid) FROM {table})"
        conn.execute(f'UPDATE {table} SET "{"value" if table == "meta" else name}" = CAST(? AS TEXT) WHERE {where}',
                     (raw,))
        conn.close()
    check_then_repair(path)


@GENERATED
@given(st.sampled_from(TIME_COLUMNS),
       st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z)?\Z")
       | st.integers(-10**12, 10**12) | st.floats(allow_nan=False))
def test_any_time_is_named_or_readable(small_case: Path, tmp_path: Path, column: tuple[str, str],
                                       value: object) -> None:
    check_then_repair(generated(small_case, tmp_path, *column, value))


def nested(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


@GENERATED
@given(st.integers(1, 5000), st.sampled_from(["list", "object"]), st.sampled_from([("actors", "aliases"),
                                                                                     ("views", "state")]))
def test_any_nesting_of_json_is_named_or_readable(small_case: Path, tmp_path: Path, depth: int, kind: str,
                                                  column: tuple[str, str]) -> None:
    path = generated(small_case, tmp_path, "actors", "name", "x")
    text = nested(depth, kind)
    if column == ("actors", "aliases"):
        text = "[" + text + "]"
    else:
        text = '{"x":' + text + "}"
        with open_case(path) as case:
            case.insert("views", {"title": "planted", "state": "{}"})
    plant(path, *column, text)
    check_then_repair(path)


# The app: each class opens (read-only, shown as unreadable) or is repaired on open, from a running window too.
def test_the_app_opens_every_class_read_only_with_each_value_unreadable(answer_boxes, qtbot, sample_path: Path,
                                                                       tmp_path: Path) -> None:
    """One case holding every class of the corpus (each in its own record): it opens, every view is built and
    each planted record is selected, with each value shown as its replacement."""
    from workbench.ui.main_window import MainWindow

    path = all_in_one(sample_path, tmp_path)
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.No)
    try:
        assert window.open_path(path)
        window.build_views()
        qtbot.wait(50)
    finally:
        answer.timer.stop()
    assert "cannot read" in answer.texts[0] and "No opens it read-only" in answer.texts[0]
    case = window.case
    assert case.read_only and case.path == path and path.name in window.status_counts.text()
    assert len(case.bad_values) == len(HOSTILE)
    for bad in case.bad_values:
        if bad.table == "meta":
            continue
        record = dict(bad.key)["id"]
        window.selection.select(bad.table, [record])
        qtbot.wait(10)
        assert case.get(bad.table, record)[bad.column] == bad.fix
    window.close_case()
    assert window.case is None


def test_the_app_repairs_on_open_when_asked_and_opens_the_file_itself(answer_boxes, qtbot, sample_path: Path,
                                                                      tmp_path: Path) -> None:
    from workbench.ui.main_window import MainWindow

    path = all_in_one(sample_path, tmp_path)
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.Yes)
    try:
        assert window.open_path(path)
    finally:
        answer.timer.stop()
    assert answer.texts[1].startswith("every_hostile_value.case was repaired: ")
    assert not window.case.read_only and window.case.path == path and inspect(window.case).healthy
    window.close_case()


def test_file_open_from_a_running_app_shows_the_new_case_and_exports_from_it(answer_boxes, qtbot, sample_path: Path,
                                                                            small_case: Path, tmp_path: Path) -> None:
    """Opening a case with undecodable text over another: the title and the file are the new case's (was: a segfault,
    or the previous case's title while Ctrl+E wrote into the new file)."""
    from workbench.ui.main_window import MainWindow

    path = all_in_one(sample_path, tmp_path, lambda h: "UTF-8" in h.name)
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    assert window.open_path(small_case)
    window.build_views()
    assert window.windowTitle().startswith("Minsk")
    answer = answer_boxes(QMessageBox.StandardButton.No)
    try:
        assert window.open_path(path)
        qtbot.wait(50)
    finally:
        answer.timer.stop()
    assert window.windowTitle().startswith(f"{UNREADABLE} - ") and "[read-only]" in window.windowTitle()
    assert window.case.path == path and window.windowFilePath() == str(path)
    window.close_case()
