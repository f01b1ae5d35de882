"""Exports leaving the analyst (issue 10, "Crashes and saving" and "Bad input"):

- deleted text does not survive in the free pages or the search index of a case copy, whole or redacted,
  nor in any other export; only the audit trail keeps it, on purpose, and a copy without the trail has none;
- the zip the app writes (CSV export) names its entries plainly: no folders, `..`, absolute paths or drive
  letters, nothing but regular files. The app reads no zip or bundle at all (imports are single .csv, .json,
  .md/.html/.txt files), so there is no zip reader to harden against `../`, symlinks or zip bombs;
- the PNG/SVG/deck files the views write go through a temporary file, so a failure leaves the previous file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.core.casefile import Case, create_case, open_case
from workbench.core.exporters import FORMATS, export
from workbench.core.exporters.case_copy import CopyOptions

SECRET = "ZEBRA-TANGO-4417 Иванова"
TOKENS = [b"zebra", b"tango", b"4417", "иванова".encode()]  # what the full-text index would keep


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
