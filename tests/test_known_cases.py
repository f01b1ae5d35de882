"""A case file this computer checked whole, or this app wrote from a sound file, is known again by the SHA-256 digest
of its bytes (store.verified): opening it skips the checks that read every page, and only those bytes are known."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from workbench.core.store import CaseNeedsRepair, check_case, create_case, open_case, verified
from workbench.ui.tasks import runner


def known(path: Path) -> frozenset[str]:
    return verified.known(verified.content_digest(path))


def test_the_bytes_this_app_leaves_are_known_and_any_other_write_is_checked_whole(tmp_path: Path) -> None:
    path = tmp_path / "own.case"
    with create_case(path, "Own case") as case, case.transaction():
        case.insert("actors", {"id": "actor-a", "name": "A", "kind": "person"})
    assert known(path) == {verified.STRUCTURE, verified.SEARCH}, "a new case written by this app is sound"
    first = verified.content_digest(path)
    with open_case(path) as case:
        assert case.sound == {verified.STRUCTURE, verified.SEARCH}
        with case.transaction():
            case.insert("actors", {"id": "actor-b", "name": "B", "kind": "person"})
    assert verified.content_digest(path) != first
    assert known(path) == {verified.STRUCTURE, verified.SEARCH}, "its own edits leave it known"
    # The same bytes under another name (a copy handed on and back) are the same file.
    copy = tmp_path / "copy.case"
    shutil.copyfile(path, copy)
    with open_case(copy, read_only=True) as case:
        assert case.sound == {verified.STRUCTURE, verified.SEARCH}
    # Another program's write (an event's actor for an event that does not exist): those bytes are not known, so the
    # opening checks them whole and finds the dangling reference.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO event_actors (event_id, actor_id) VALUES ('no-such-event', 'actor-a')")
    conn.close()
    assert known(path) == frozenset()
    with pytest.raises(CaseNeedsRepair):
        open_case(path)
    assert verified.opened_digest(path) is None
    # Check Case reads a known file whole all the same.
    shutil.copyfile(path, copy)
    verified.remember(verified.content_digest(copy), (verified.STRUCTURE,))  # as if found sound before
    with pytest.raises(CaseNeedsRepair):
        check_case(copy)


def test_a_file_opened_for_repair_is_not_remembered(tmp_path: Path) -> None:
    path = tmp_path / "case.case"
    create_case(path, "Case").close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO event_actors (event_id, actor_id) VALUES ('no-such-event', 'actor-a')")
    conn.close()
    with open_case(path, check_references=False) as case:  # opened to be repaired: not found sound
        assert case.sound == set()
        with case.transaction():
            case.set_meta("title", "Still dangling")
    assert known(path) == frozenset()


def test_the_search_check_after_opening_is_remembered_and_not_run_again_on_known_bytes(
        qtbot, answer_boxes, small_case: Path) -> None:
    from workbench.ui.main_window import MainWindow

    # Written by another program (its index kept in step by the triggers): not known, so checked after opening.
    conn = sqlite3.connect(small_case, isolation_level=None)
    conn.execute("UPDATE events SET title = 'Renamed elsewhere' WHERE id = 'event-call'")
    conn.close()
    assert known(small_case) == frozenset()
    window = MainWindow()
    qtbot.addWidget(window)
    window.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.No)
    try:
        assert window.open_path(small_case)
        qtbot.waitUntil(lambda: verified.SEARCH in window.case.sound, timeout=15_000)
        assert runner().wait_idle(10_000)
        assert known(small_case) == {verified.STRUCTURE, verified.SEARCH}
        window.close_case()
    finally:
        answer.timer.stop()
    assert answer.texts == []
    # Bytes remembered as sound are trusted: a damaged index behind a digest marked sound is not checked again
    # (only this computer writes that memory, after the checks passed).
    conn = sqlite3.connect(small_case, isolation_level=None)
    conn.execute("UPDATE events_fts_data SET block = X'FFFFFFFFFFFF' WHERE id = 10")
    conn.close()
    verified.remember(verified.content_digest(small_case), (verified.STRUCTURE, verified.SEARCH))
    second = MainWindow()
    qtbot.addWidget(second)
    second.keep_layout = False
    answer = answer_boxes(QMessageBox.StandardButton.No)
    try:
        assert second.open_path(small_case)
        qtbot.wait(800)
        assert runner().wait_idle(10_000)
    finally:
        answer.timer.stop()
    assert answer.texts == [], "the check did not run on bytes known sound"


def test_a_digest_worked_out_ahead_is_used_once_and_only_for_the_file_it_read(tmp_path: Path) -> None:
    path = tmp_path / "a.case"
    create_case(path, "A").close()
    os.utime(path, ns=(10**18, 10**18))  # an older time than any write below makes, whatever the clock's grain
    fresh = verified.content_digest(path)
    verified.digest_ahead(path)
    assert verified.content_digest(path) == fresh  # the thread's answer, for the same bytes
    # Worked out ahead, then the file changed (another program's write): the opening reads it again.
    verified.digest_ahead(path)
    with sqlite3.connect(path) as other:
        other.execute("PRAGMA user_version = 99")
    other.close()
    changed = verified.content_digest(path)
    assert changed is not None and changed != fresh
    assert verified.content_digest(path) == changed  # later calls read the file: nothing kept from the thread
    verified.digest_ahead(tmp_path / "missing.case")  # nothing to read: nothing started, nothing raised
    assert verified.content_digest(tmp_path / "missing.case") is None
