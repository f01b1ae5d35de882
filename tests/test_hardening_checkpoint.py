"""A checkpoint killed midway never locks a case out (issue 16, item 2): what SQLite reads consistently
with its WAL opens, with every committed row; the check runs on a private copy."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.core.store import CaseRefused, check_case, create_case, open_case


def grown_in_wal(path: Path, rows: int) -> tuple[bytes, bytes]:
    """A case whose last commits (growing the file) live only in its WAL: (file bytes, WAL bytes)."""
    with create_case(path, "Checkpoint") as case:
        case.insert("actors", {"name": "before the crash", "kind": "person"})
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("BEGIN")
    for n in range(rows):
        conn.execute("INSERT INTO notes (id, text, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     (f"note-{n}", "committed " * 40, "2020-08-15T00:00:00Z", "2020-08-15T00:00:00Z"))
    conn.execute("COMMIT")
    data, wal = path.read_bytes(), path.with_name(path.name + "-wal").read_bytes()
    conn.close()
    return data, wal


def header_ahead(data: bytes, wal: bytes) -> bytes:
    """The file as a checkpoint killed midway leaves it: page 1 copied from the WAL (the new header, with
    a larger page count), the rest not yet written."""
    (page_size,) = struct.unpack(">I", wal[8:12])
    frames = [(struct.unpack(">I", wal[32 + i:36 + i])[0], 32 + i + 24)
              for i in range(0, len(wal) - 32, page_size + 24)]
    first_page = [offset for page, offset in frames if page == 1][-1]
    return wal[first_page:first_page + page_size] + data[page_size:]


def test_a_header_written_before_the_file_grew_opens_with_its_wal(tmp_path: Path) -> None:
    data, wal = grown_in_wal(tmp_path / "source.case", 2_000)
    (page_size,) = struct.unpack(">I", wal[8:12])
    crashed = tmp_path / "crashed.case"
    crashed.write_bytes(header_ahead(data, wal))
    crashed.with_name("crashed.case-wal").write_bytes(wal)
    (new_count,) = struct.unpack(">I", crashed.read_bytes()[28:32])
    assert crashed.stat().st_size < new_count * page_size, "the file is shorter than its header says"
    assert check_case(crashed)
    assert not crashed.with_name("crashed.case-shm").exists(), "the check ran on a private copy"
    with open_case(crashed) as case:
        assert case.counts()["notes"] == 2_000
        assert case.rows("actors")[0]["name"] == "before the crash"


def test_truncated_without_a_wal_is_still_refused(tmp_path: Path) -> None:
    data, wal = grown_in_wal(tmp_path / "source.case", 2_000)
    lost = tmp_path / "lost.case"
    lost.write_bytes(header_ahead(data, wal))
    with pytest.raises(CaseRefused, match="truncated"):
        check_case(lost)


KILLER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    print("ready", flush=True)
    while True:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
""")


@pytest.mark.parametrize("trial", range(20))
def test_kill_during_a_checkpoint_never_locks_the_case_out(tmp_path: Path, trial: int) -> None:
    path = tmp_path / "killed.case"
    grown_in_wal(path, 1_500 + 37 * trial)
    # grown_in_wal closed its connection, which checkpoints; grow it again in the WAL and keep it there.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("BEGIN")
    for n in range(3_000):
        conn.execute("INSERT INTO notes (id, text, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     (f"more-{n}", "again " * 40, "2020-08-15T00:00:00Z", "2020-08-15T00:00:00Z"))
    conn.execute("COMMIT")
    expected = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    copy = tmp_path / "live.case"
    shutil.copyfile(path, copy)
    shutil.copyfile(path.with_name(path.name + "-wal"), copy.with_name("live.case-wal"))
    conn.close()
    killer = subprocess.Popen([sys.executable, "-c", KILLER, str(copy)], stdout=subprocess.PIPE, text=True)
    assert killer.stdout.readline().strip() == "ready"
    time.sleep(0.002 * (trial % 10))  # at a different point of the checkpoint each trial
    os.kill(killer.pid, signal.SIGKILL)
    killer.wait()
    copy.with_name("live.case-shm").unlink(missing_ok=True)
    with open_case(copy) as case:
        assert case.counts()["notes"] == expected
