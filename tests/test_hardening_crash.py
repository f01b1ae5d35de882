"""kill -9 during a schema migration and during bulk inserts: the case reopens sound, at one schema, whole.

tests/test_crash_safety.py kills an editor mid-edit; these kill the two long writes: the upgrade
of an older case file (which must leave it fully old or fully new) and batches of a bulk insert
(which must be all there or not there at all).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.core import store as casefile
from workbench.core.store import APPLICATION_ID, check_case, create_case, open_case, schema_version
from workbench.core.store import migrate as store_migrations

TRIALS = 20
BATCH = 400

# Kills itself with SIGKILL when SQLite starts the Nth statement (0: never) on any connection, so
# a kill can be placed between any two statements of the upgrade, COMMIT included; prints the
# statements it saw when not killed (the calibration run).
MIGRATE = r"""
import os, signal, sqlite3, sys
kill_at, seen = int(sys.argv[2]), []
real_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    def trace(sql):
        seen.append(" ".join(sql.split())[:60])
        if len(seen) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    conn.set_trace_callback(trace)
    return conn
sqlite3.connect = connect
from workbench.core.store import open_case
open_case(sys.argv[1]).close()
print("\n".join(seen))
"""

BULK = r"""
import sys
from workbench.core.store import open_case
case = open_case(sys.argv[1])
batch = int(sys.argv[2])
for n in range(1000):
    rows = [{"title": f"batch {n} row {i}", "start": "2020-08-15T10:00:00Z", "kind": f"batch-{n}",
             "summary": "x" * 200} for i in range(batch)]
    case.bulk_insert("events", rows)
    print("committed", n, flush=True)
"""


# Stamps as every release wrote them (a bad one is a value the app cannot read: store.values).
STAMP = "2020-08-15T12:00:00.000000Z"


def schema_one_case(path: Path) -> None:
    """A case file as the first release wrote it (schema 1), with some records in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    casefile.apply_migrations(conn, upto=1)
    conn.execute("BEGIN")
    for key, value in (("title", "Old case"), ("classification", "UNCLASSIFIED"), ("timezone", "UTC")):
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
    for n in range(50):
        conn.execute("INSERT INTO actors (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     (f"actor-{n}", f"Actor {n}", STAMP, STAMP))
    conn.execute("COMMIT")
    conn.close()


def schema_rows(path: Path) -> frozenset:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return frozenset(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema"))
    finally:
        conn.close()


def run_child(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ))


def test_apply_migrations_is_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the last step leaves the first steps undone too."""
    path = tmp_path / "old.case"
    schema_one_case(path)
    broken = casefile.Migration(schema_version() + 1, "broken", "CREATE TABLE fine (x);\nCREATE TABLE actors (x);\n")
    real = casefile.migrations()
    monkeypatch.setattr(store_migrations, "migrations", lambda: (*real, broken))
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        casefile.apply_migrations(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_schema WHERE name IN ('fine', 'actor_layout', 'tags')"
                        ).fetchone()[0] == 0
    conn.close()


def test_sigkill_during_a_schema_upgrade_leaves_it_fully_old_or_fully_new(tmp_path: Path) -> None:
    template = tmp_path / "schema1.case"
    schema_one_case(template)
    calibration = tmp_path / "calibrate.case"
    calibration.write_bytes(template.read_bytes())
    result = run_child(MIGRATE, calibration, 0)
    assert result.returncode == 0, result.stderr
    statements = result.stdout.splitlines()
    # the upgrade of the file (not the in-memory schema the check builds to compare with)
    first_step = max(i for i, sql in enumerate(statements) if sql.startswith("CREATE TABLE actor_layout"))
    begin = max(i for i, sql in enumerate(statements[:first_step]) if sql.startswith("BEGIN IMMEDIATE"))
    end = next(i for i, sql in enumerate(statements) if sql.startswith("COMMIT") and i > begin)
    assert any("INSERT INTO audit" in sql for sql in statements[begin:end])
    # every statement of the upgrade (its BEGIN to its COMMIT and the step after), then random others;
    # an upgrade longer than TRIALS (schema 4 rebuilds the search indexes: some 200 statements, FTS5's
    # own included) gets an even spread over it that always holds its COMMIT and the statements around it
    # SQLite traces the statements FTS5 runs itself ('-- ...'), some while COMMIT writes the indexes: the
    # upgrade is done at the first statement of our own after the COMMIT
    settled = next(i for i in range(end + 1, len(statements)) if not statements[i].startswith("--"))
    window = list(range(begin + 1, settled + 2))
    if len(window) > TRIALS:
        spread = len(window) / (TRIALS - 4)
        window = sorted({window[int(i * spread)] for i in range(TRIALS - 4)} | set(window[-4:]))
    rng = random.Random(20200815)
    # a long upgrade (more statements than trials): its first steps and its last, COMMIT and after
    points = window[:TRIALS] if len(window) <= TRIALS else window[:TRIALS // 2] + window[-(TRIALS - TRIALS // 2):]
    points += rng.sample([n for n in range(1, len(statements) + 1) if n not in points], TRIALS - len(points))
    assert len(points) == TRIALS

    old, new = casefile.expected_schema(1), casefile.expected_schema(schema_version())
    outcomes = {"old": 0, "new": 0}
    for trial, point in enumerate(points):
        path = tmp_path / f"trial{trial}" / "old.case"
        path.parent.mkdir()
        path.write_bytes(template.read_bytes())
        child = run_child(MIGRATE, path, point)
        assert child.returncode == -signal.SIGKILL, f"statement {point} was never reached: {child.stderr}"
        version = check_case(path)  # header, schema, quick_check and references, on the file as left
        found = {row for row in schema_rows(path) if not row[1].startswith("sqlite_stat")}
        fts_free = {row for row in found if not casefile.is_fts_shadow(row[1])}
        if version == 1:
            assert fts_free == {row for row in old if not casefile.is_fts_shadow(row[1])}
            outcomes["old"] += 1
        else:
            assert version == schema_version(), f"kill at statement {point} left schema {version}"
            assert fts_free == {row for row in new if not casefile.is_fts_shadow(row[1])}
            outcomes["new"] += 1
        with open_case(path) as case:  # reopens, finishes the upgrade if it had not happened
            assert case.counts()["actors"] == 50
            migrations = case.conn.execute("SELECT count(*) FROM audit WHERE action = 'migrate'").fetchone()[0]
            assert migrations == 1, "the upgrade and its audit row commit together"
        assert check_case(path) == schema_version()
    assert outcomes["old"] and outcomes["new"], outcomes


def test_sigkill_during_bulk_inserts_leaves_no_partial_batch(tmp_path: Path) -> None:
    rng = random.Random(15082020)
    landed_mid_batch = 0
    for trial in range(TRIALS):
        path = tmp_path / f"trial{trial}" / "bulk.case"
        path.parent.mkdir()
        create_case(path, "Bulk").close()
        proc = subprocess.Popen([sys.executable, "-c", BULK, str(path), str(BATCH)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        reported: list[int] = []
        wanted = rng.randint(0, 4)
        while len(reported) < wanted:
            line = proc.stdout.readline()
            if not line:
                break
            reported.append(int(line.split()[1]))
        time.sleep(rng.random() * 0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reported += [int(line.split()[1]) for line in proc.stdout.read().splitlines() if line.startswith("committed")]
        proc.stdout.close()
        proc.stderr.close()

        check_case(path)
        schema_rows(path)  # integrity_check
        with open_case(path, read_only=True) as case:
            batches = dict(case.conn.execute(
                "SELECT kind, count(*) FROM events WHERE kind LIKE 'batch-%' GROUP BY kind").fetchall())
            assert set(batches.values()) <= {BATCH}, f"trial {trial}: a partial batch {batches}"
            for n in reported:
                assert batches.get(f"batch-{n}") == BATCH, f"trial {trial}: reported batch {n} lost"
            present = sorted(int(kind.split("-")[1]) for kind in batches)
            assert present == list(range(len(present))), "batches commit in order"
            bulk_audits = case.conn.execute("SELECT count(*) FROM audit WHERE action = 'bulk insert'").fetchone()[0]
            assert bulk_audits == len(present)
            assert case.search_index_ok()
            landed_mid_batch += len(present) > len(reported) or len(present) == len(reported)
        with open_case(path) as case:  # takes new work after the crash
            case.insert("events", {"title": "after the kill", "start": "2020-08-16T10:00:00Z"})
    assert landed_mid_batch == TRIALS


def test_a_file_with_another_programs_unfinished_journal_is_refused_untouched(tmp_path: Path) -> None:
    """An immutable check would read the file without its hot journal, and the first read-write
    open would roll the journal in: what was checked would not be what is opened."""
    path = tmp_path / "received.case"
    create_case(path, "Received").close()
    killer = ("import os, signal, sqlite3, sys\n"
              "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "conn.execute('BEGIN IMMEDIATE')\n"
              "conn.execute(\"UPDATE meta SET value = 'changed' WHERE key = 'title'\")\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    assert run_child(killer, path).returncode == -signal.SIGKILL
    journal = path.with_name("received.case-journal")
    assert journal.exists() and journal.stat().st_size
    before = (path.read_bytes(), journal.read_bytes())
    with pytest.raises(casefile.CaseRefused, match="unfinished change in received.case-journal"):
        open_case(path)
    assert (path.read_bytes(), journal.read_bytes()) == before
