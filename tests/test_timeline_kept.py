"""What a case opened again unchanged reads back, kept under the digest of its bytes (issue 23, opening and first
paint): the timeline's arrays and the source listing, equal to what the case gives; any write, by the app or
another program, stops their use; what is read back is checked; an encrypted case keeps nothing on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from workbench.core import kept as core_kept
from workbench.core.ops import add_record
from workbench.core.store import create_case, open_case
from workbench.core.timeline import kept
from workbench.core.timeline.data import TimelineData, load_timeline

FIELDS = (*kept.ARRAYS, *kept.TEXTS, "style")


def same(one: TimelineData, other: TimelineData) -> bool:
    for name in FIELDS:
        a, b = getattr(one, name), getattr(other, name)
        if isinstance(a, list):
            if a != b:
                return False
        elif not (a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")):
            return False
    return True


def kept_files() -> list[Path]:
    core_kept.wait_kept()  # kept on a thread of its own: written once this returns
    return sorted(kept.folder().glob("*.npz")) if kept.folder().exists() else []


@pytest.fixture
def small(small_case: Path) -> Path:
    return small_case


def test_a_case_opened_again_unchanged_reads_its_arrays_back_equal(small: Path) -> None:
    with open_case(small) as case:
        assert case.unchanged_digest() is not None
        first = load_timeline(case)
        titles = first.titles
        assert len(first) and len(kept_files()) == 1
    with open_case(small) as case:
        again = load_timeline(case)
        assert same(first, again)
        assert "Александр Лукашенко" in again.actor_names
        assert again.titles == titles and again.case is case


def test_what_is_read_back_is_what_was_kept_and_is_checked(small: Path) -> None:
    with open_case(small) as case:
        fresh = load_timeline(case)
        (path,) = kept_files()
        with np.load(path) as stored:
            arrays = {name: stored[name] for name in stored.files}
        np.savez(path, **{**arrays, "start": arrays["start"] + 3600})  # still sound: read back as it is
        assert np.array_equal(load_timeline(case).start, fresh.start + 3600)
        np.savez(path, **{**arrays, "pair_actor": arrays["pair_actor"] + 1000})  # an actor out of range
        assert same(load_timeline(case), fresh)
        path.write_bytes(b"not a zip")
        assert same(load_timeline(case), fresh)


def test_a_write_by_the_app_or_another_program_stops_their_use(small: Path) -> None:
    with open_case(small) as case:
        load_timeline(case)
        add_record(case, "events", {"title": "Later", "start": "2020-08-20T10:00:00Z"})
        assert case.unchanged_digest() is None
        assert "Later" in load_timeline(case).titles
    assert len(kept_files()) == 1  # nothing kept under the old digest for the new content
    with open_case(small) as case:
        before = load_timeline(case)
        other = sqlite3.connect(small)
        other.execute("UPDATE events SET start = '2001-01-01T00:00:00Z'")
        other.commit()
        other.close()
        assert case.unchanged_digest() is None
        after = load_timeline(case)
        assert not np.array_equal(after.start, before.start) and set(after.start) == {978307200.0}


def test_an_encrypted_case_keeps_nothing_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "secret.case"
    case = create_case(path, "secret", key="correct horse battery")
    add_record(case, "events", {"title": "Hidden meeting", "start": "2020-08-15T10:00:00Z"})
    case.close()
    with open_case(path, key="correct horse battery") as case:
        assert len(load_timeline(case)) == 1
        assert len(load_timeline(case)) == 1
    assert kept_files() == []


def test_the_source_listing_is_kept_too_and_read_back_as_it_was(small: Path) -> None:
    from workbench.core.evidence import SOURCES_FORMAT, SOURCES_KEPT, source_pane_listing

    with open_case(small) as case:
        first = source_pane_listing(case)
        digest = case.unchanged_digest()
    assert len(first) and digest is not None
    with open_case(small) as case:
        again = source_pane_listing(case)
    assert (again.ids, again.rows, again.sort_keys) == (first.ids, first.rows, first.sort_keys)
    assert sorted(again.sort_keys) == sorted(first.sort_keys)  # tuples again, comparable as before
    ids, rows, keys = core_kept.read(SOURCES_KEPT, digest, SOURCES_FORMAT)[1]
    altered = [["(kept)", *row[1:]] for row in rows]
    core_kept.write(SOURCES_KEPT, digest, SOURCES_FORMAT, {}, [ids, altered, keys])
    with open_case(small) as case:  # sound: read back as it is (so the kept listing is what is used)
        assert [row[0] for row in source_pane_listing(case).rows] == ["(kept)"] * len(rows)
    unsound = [
        [ids, [row[:-1] for row in rows], keys],  # a row short of a column
        [ids, [[1, *row[1:]] for row in rows], keys],  # a cell not text
        [ids, rows, [[key[0], key[1], [key[2]], *key[3:]] for key in keys]],  # a list where a value goes
        [ids, rows, [[tuple(key[0])[0], *key[1:]] for key in keys]],  # a footnote's key not a list
        [ids[:-1], rows, keys],  # one id short
    ]
    for value in unsound:
        core_kept.wait_kept()  # the listing worked out again is kept on a thread: not after this write
        core_kept.write(SOURCES_KEPT, digest, SOURCES_FORMAT, {}, value)
        with open_case(small) as case:  # worked out again from the case
            assert source_pane_listing(case).rows == first.rows


def test_a_cache_that_cannot_be_written_is_left_alone(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with open_case(small) as case:
        assert len(load_timeline(case))
    core_kept.wait_kept()
    assert list(kept.folder().iterdir()) == []  # neither a kept file nor a partial one


def test_the_opening_does_not_wait_for_its_work_to_be_kept(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import threading

    disk_free = threading.Event()
    replace = os.replace

    def slow_disk(*args: object) -> None:
        if ".kept-" in str(args[0]):  # only the kept work's file (a case's close keeps other caches meanwhile)
            assert disk_free.wait(30)
        replace(*args)

    monkeypatch.setattr(os, "replace", slow_disk)
    with open_case(small) as case:
        assert len(load_timeline(case))  # returned while its arrays are still being written
    assert not list(kept.folder().glob("*.npz"))
    disk_free.set()
    assert len(kept_files()) == 1


def test_a_case_opened_again_unchanged_reads_its_time_span_back_and_checks_it(small: Path) -> None:
    from workbench.core.store.gateway import SPAN_FORMAT, SPAN_KEPT

    with open_case(small) as case:
        span = case.date_range()
        digest = case.unchanged_digest()
    core_kept.wait_kept()
    assert span is not None and core_kept.read_value(SPAN_KEPT, digest, SPAN_FORMAT) == list(span)
    # What is kept is what the next opening uses: a span written there by hand comes back.
    core_kept.write_value(SPAN_KEPT, digest, SPAN_FORMAT, ["2001-01-01T00:00:00Z", "2002-01-01T00:00:00Z"])
    with open_case(small) as case:
        assert case.date_range() == ("2001-01-01T00:00:00Z", "2002-01-01T00:00:00Z")
    # Kept values that are not sound are read again from the case.
    for unsound in (["2002-01-01T00:00:00Z", "2001-01-01T00:00:00Z"], ["2001-01-01", "2002-01-01T00:00:00Z"],
                    ["<b>x</b>", "y"], [1, 2], {"a": 1}, "2001", None):
        core_kept.write_value(SPAN_KEPT, digest, SPAN_FORMAT, unsound)
        with open_case(small) as case:
            assert case.date_range() == span, unsound
    # A written case reads its span from what it holds.
    with open_case(small) as case:
        add_record(case, "events", {"title": "Much later", "kind": "other", "start": "2030-01-01T00:00:00Z"})
        assert case.date_range() == (span[0], "2030-01-01T00:00:00Z")
