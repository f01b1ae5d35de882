"""Concurrent command-line writers serialise cleanly (issue 16, item 9): an import waits for the write
lock, saying so, and plans inside its write transaction."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from workbench.core.store import open_case

CSV = "title,start,actors\nStrike at MTZ,2020-08-17T08:00,Workers of MTZ\nMarch in Minsk,2020-08-16T14:00,\n"


def test_an_import_waits_for_another_writer_then_writes(small_case: Path, tmp_path: Path) -> None:
    table = tmp_path / "events.csv"
    table.write_text(CSV, encoding="utf-8")
    other = sqlite3.connect(small_case, isolation_level=None)
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "import", str(table), "--into", str(small_case)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6.5)  # past one busy timeout (5 s): the import must still be waiting, not failed
    assert process.poll() is None, process.communicate()
    other.execute("INSERT INTO meta (key, value) VALUES ('other_writer', 'was here')")
    other.execute("COMMIT")
    other.close()
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "Waiting for another program to finish writing" in err
    assert "Traceback" not in err
    with open_case(small_case, read_only=True) as case:
        titles = {row["title"] for row in case.rows("events")}
        assert {"Strike at MTZ", "March in Minsk"} <= titles
        assert case.meta("other_writer") == "was here", "the other writer's change is kept"


def test_two_imports_of_the_same_file_at_once_serialise(small_case: Path, tmp_path: Path) -> None:
    table = tmp_path / "events.csv"
    table.write_text(CSV, encoding="utf-8")
    copy = tmp_path / "second.csv"
    shutil.copy(table, copy)
    runs = [subprocess.Popen([sys.executable, "-m", "workbench.cli", "import", str(path), "--into", str(small_case)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for path in (table, copy)]
    results = [run.communicate(timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err and "IntegrityError" not in err
    with open_case(small_case, read_only=True) as case:
        assert sum(row["title"] == "Strike at MTZ" for row in case.rows("events")) == 1, "planned inside the lock"
