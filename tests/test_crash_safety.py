"""Killed mid-edit, the case keeps every change committed before the kill and stays sound."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from workbench.core.store import check_case, create_case, open_case

EDITOR = r"""
import sys
from workbench.core.store import open_case
case = open_case(sys.argv[1])
event_id = case.insert("events", {"title": "start", "start": "2020-08-15T10:00:00Z"})
print("committed", "insert", event_id, flush=True)
for n in range(100):
    if n % 3 == 0:
        new = case.insert("events", {"title": f"edit {n}", "start": "2020-08-15T10:00:00Z",
                                     "summary": "x" * 5000})
        print("committed", "insert", new, flush=True)
    elif n % 3 == 1:
        case.update("events", event_id, {"title": f"edit {n}"})
        print("committed", "title", f"edit {n}", flush=True)
    else:
        case.insert("notes", {"text": f"note {n}", "event_id": event_id})
        print("committed", "note", f"note {n}", flush=True)
print("done", flush=True)
case.close()
"""


def logged(line: str) -> list[list[str]]:
    """A whole 'committed WHAT VALUE' line (a line cut by the kill proves nothing)."""
    parts = line.split(maxsplit=2)
    return [parts[1:]] if line.endswith("\n") and len(parts) == 3 and parts[0] == "committed" else []


def test_sigkill_mid_edit_keeps_every_committed_change(tmp_path: Path) -> None:
    path = tmp_path / "victim.case"
    create_case(path, "Kill test").close()
    rng = random.Random(20200815)
    for attempt in range(3):
        proc = subprocess.Popen([sys.executable, "-c", EDITOR, str(path)], stdout=subprocess.PIPE, text=True,
                                env=dict(os.environ))
        wanted = rng.randint(5, 90)
        lines: list[list[str]] = []
        while len(lines) < wanted:
            line = proc.stdout.readline()
            if not line or line.startswith("done"):
                break
            lines += logged(line)
        time.sleep(rng.random() * 0.01)  # land the kill at a random point of the next edit
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # everything printed before the kill was committed; read the rest of the pipe too
        for line in proc.stdout.read().splitlines(keepends=True):
            lines += logged(line)
        proc.stdout.close()

        assert check_case(path) >= 1  # opens: header, schema, quick_check, foreign keys
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with open_case(path, read_only=True) as case:
            events = {row["id"]: row for row in case.rows("events")}
            notes = {row["text"] for row in case.rows("notes")}
            for what, value in lines:
                value = value.strip()
                if what == "insert":
                    assert value in events, f"attempt {attempt}: committed event {value} lost"
                elif what == "note":
                    assert value in notes, f"attempt {attempt}: committed {value} lost"
            titles = [value.strip() for what, value in lines if what == "title"]
            start_id = lines[0][1].strip()
            if titles:  # the last logged title, or one committed just before the kill landed
                stored = events[start_id]["title"]
                assert stored.startswith("edit ") and int(stored.split()[1]) >= int(titles[-1].split()[1])
        with open_case(path) as case:  # and it takes new work after the crash
            case.insert("events", {"title": f"after kill {attempt}", "start": "2020-08-16T10:00:00Z"})
