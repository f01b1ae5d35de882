"""Exports leaving the analyst (issue 10, "Crashes and saving" and "Bad input"):

- deleted text does not survive in the free pages or the search index of a case copy, whole or redacted,
  nor in any other export; only the audit trail keeps it, on purpose, and a copy without the trail has none;
- the zip the app writes (CSV export) names its entries plainly: no folders, `..`, absolute paths or drive
  letters, nothing but regular files. The app reads no zip or bundle at all (imports are single .csv, .json,
  .md/.html/.txt files), so there is no zip reader to harden against `../`, symlinks or zip bombs;
- the PNG/SVG/deck files the views write go through a temporary file, so a failure leaves the previous file.
"""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path

import pytest

from workbench.core.exporters import FORMATS, export
from workbench.core.exporters.case_copy import CopyOptions
from workbench.core.store import Case, create_case, open_case

SECRET = "ZEBRA-TANGO-44170913 Иванова"
TOKENS = [b"zebra", b"tango", b"44170913", "иванова".encode()]  # what the full-text index would keep
# (the number is long enough that no id or time in the file holds it by chance: "4417" once did)


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            data += b"".join(archive.read(name) for name in archive.namelist())
    return data


@pytest.fixture
def deleted(tmp_path: Path) -> Case:
    """A case where a note, an event summary and a source's archived text held the secret and were deleted.

    secure_delete is switched off on this connection, as it is by default in SQLite builds without
    SQLITE_SECURE_DELETE (python.org's Windows and macOS builds): the case file itself keeps the freed cells.
    """
    case = create_case(tmp_path / "secret.case", "Secret case", "SECRET")
    case.conn.execute("PRAGMA secure_delete = OFF")
    with case.transaction():
        case.insert("events", {"id": "event-keep", "title": "Talks", "start": "2020-08-15T09:00:00Z"})
        for number in range(40):
            case.insert("notes", {"id": f"note-{number}", "text": f"filler note {number} " * 40})
        case.insert("notes", {"id": "note-secret", "text": f"{SECRET} " + "pad " * 300, "event_id": "event-keep"})
        case.insert("events", {"id": "event-secret", "title": "Meeting", "summary": SECRET,
                               "start": "2020-08-16T09:00:00Z"})
        case.insert("sources", {"id": "source-secret", "url": "https://example.org/a", "title": "Page",
                                "archived_text": f"{SECRET} " * 20})
    with case.transaction():
        case.delete("notes", "note-secret")
        case.delete("events", "event-secret")
        case.update("sources", "source-secret", {"archived_text": ""})
    case.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (tmp_path / "secret.case").read_bytes().count(SECRET.encode()) > _in_audit(case), "the test's premise"
    yield case
    case.close()


def _in_audit(case: Case) -> int:
    return sum(str(value or "").count(SECRET) for row in case.conn.execute("SELECT old, new, summary FROM audit")
               for value in row)


def test_a_copy_without_the_trail_holds_no_byte_of_deleted_text(deleted: Case, tmp_path: Path) -> None:
    out = tmp_path / "handed-on.case"
    export(deleted, "case", out, options=CopyOptions(drop_audit=True))
    data = out.read_bytes()
    assert SECRET.encode() not in data
    assert not [token for token in TOKENS if token in data.lower()], "the search index kept deleted words"


def test_a_whole_copy_keeps_deleted_text_only_in_its_audit_trail(deleted: Case, tmp_path: Path) -> None:
    out = tmp_path / "whole.case"
    export(deleted, "case", out)
    with open_case(out, read_only=True) as copy:
        in_trail = _in_audit(copy)
        assert copy.get("notes", "note-secret") is None
    assert out.read_bytes().count(SECRET.encode()) == in_trail, "a free page or cell of the copy kept deleted text"


@pytest.mark.parametrize("fmt", [fmt for fmt in FORMATS if fmt not in ("case", "csv")])
def test_no_other_export_holds_deleted_text(deleted: Case, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out{FORMATS[fmt].suffix}"
    export(deleted, fmt, out)
    assert SECRET.encode() not in _raw(out)


def test_the_csv_zip_holds_deleted_text_only_in_its_audit_table(deleted: Case, tmp_path: Path) -> None:
    out = tmp_path / "tables.zip"
    export(deleted, "csv", out)
    with zipfile.ZipFile(out) as archive:
        holding = [name for name in archive.namelist() if SECRET.encode() in archive.read(name)]
    assert holding == ["audit.csv"]


def test_the_csv_zip_names_its_entries_plainly(small_case: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables.zip"
    with open_case(small_case, read_only=True) as case:
        export(case, "csv", out)
    with zipfile.ZipFile(out) as archive:
        entries = archive.infolist()
    assert entries and len({entry.filename for entry in entries}) == len(entries)
    for entry in entries:
        name = entry.filename
        assert name == Path(name).name and name.endswith((".csv", ".txt")), name  # no folder, no ../, no /abs
        assert ":" not in name and "\\" not in name and not name.startswith(".")
        assert not entry.is_dir() and (entry.external_attr >> 16) & 0o170000 in (0, 0o100000)  # no symlinks
        assert entry.file_size < 2**31


# --- PNG, SVG and deck files the views write: a failure leaves the previous file ---------------------------

FAILURES = {
    "disk full at the rename": ("replace", OSError(errno.ENOSPC, "No space left on device")),
    "disk full while syncing": ("fsync", OSError(errno.ENOSPC, "No space left on device")),
    "interrupted while syncing": ("fsync", KeyboardInterrupt()),
}


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _fail(monkeypatch: pytest.MonkeyPatch, failure: str) -> type[BaseException]:
    name, error = FAILURES[failure]

    def broken(*args: object) -> None:
        raise error

    monkeypatch.setattr(os, name, broken)
    return type(error)


@pytest.fixture
def window(qtbot, small_case: Path):
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    assert window.open_path(small_case)
    window.graph.flush()
    return window


@pytest.mark.parametrize("failure", FAILURES)
def test_graph_and_timeline_pictures_leave_the_previous_file_on_a_failure(
        window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    writers = {"graph.png": lambda p: window.graph.canvas.export_png(p),
               "graph.svg": lambda p: window.graph.canvas.export_svg(p, "Belarus"),
               "timeline.png": lambda p: window.timeline.chart.export_png(p),
               "timeline.svg": lambda p: window.timeline.chart.export_svg(p)}
    for name, write in writers.items():
        assert write(folder / name), name  # a first, good file
    before = {name: (folder / name).read_bytes() for name in writers}
    listing = _listing(folder)
    assert all(len(data) > 100 for data in before.values())
    error = _fail(monkeypatch, failure)
    for name, write in writers.items():
        if error is KeyboardInterrupt:
            with pytest.raises(KeyboardInterrupt):
                write(folder / name)
        else:
            assert write(folder / name) is False, name
        assert (folder / name).read_bytes() == before[name], name
        assert _listing(folder) == listing, f"{name}: a partial file was left"


@pytest.mark.parametrize("fmt", ["pdf", "pptx", "html"])
def test_a_deck_export_that_fails_leaves_the_previous_deck(qtbot, small_case: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    from workbench.core import storyboard
    from workbench.ui.briefing.deck import export_deck

    with open_case(small_case) as case:
        case.insert("views", {"title": "Звонок 🇧🇾", "caption": "", "position": 0, "state": storyboard.dump_state({
            "selection": {"table": "events", "ids": ["event-call"]}})})
    folder = tmp_path / "decks"
    folder.mkdir()
    out = folder / f"briefing.{fmt}"
    export_deck(small_case, fmt, out)
    before, listing = out.read_bytes(), _listing(folder)
    _fail(monkeypatch, "disk full at the rename")
    with pytest.raises(OSError, match="No space left"):
        export_deck(small_case, fmt, out)
    assert out.read_bytes() == before and _listing(folder) == listing
