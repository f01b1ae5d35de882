"""Import benchmark (issue 7): a 100k-row events CSV against raw sqlite3 executemany of the same rows,
and a 50-page report, both through `run_import` as the command line runs them.

`measure()` returns a flat dict of figures; `python -m tests.bench.bench_import` prints them. The
baseline reads the same CSV with the csv module and inserts the same rows (ids and stamps made the
same way) with one executemany into a fresh database of our schema, in the same run. Nothing here
fails on speed.
"""

from __future__ import annotations

import csv
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from workbench.core.importers import run_import
from workbench.core.importers.csv_import import TimeReader
from workbench.core.store import apply_migrations, create_case
from workbench.core.times import now_stamp

N = 100_000
ROUNDS = 3
PAGES = 50
REPORT = Path(__file__).resolve().parents[2] / "resources" / "sample" / "isw-belarus-2020-08-15.md"
WORDS = ("protest", "Minsk", "OMON", "detained", "strike", "Гомель", "convoy", "statement", "warrant", "Brest")


def write_events_csv(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "start", "confidence", "kind", "summary"])
        for index in range(n):
            day = 1 + index % 28
            hour = rng.randrange(24)
            words = " ".join(rng.choice(WORDS) for _ in range(6))
            writer.writerow([f"Event {index}: {words}", f"2020-08-{day:02d}T{hour:02d}:{rng.randrange(60):02d}",
                             rng.choice(("reported", "likely", "possible")), "protest", words * 3])


def baseline(csv_path: Path, db_path: Path) -> float:
    """csv.reader + one executemany of the same rows (ids, UTC times and stamps) into our schema."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    times = TimeReader("Europe/Minsk")
    stamp = now_stamp()
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [(str(uuid.uuid4()), title, summary, kind, times(start), confidence, stamp, stamp)
                for title, start, confidence, kind, summary in reader]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO events (id, title, summary, kind, start, confidence, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def ours(csv_path: Path, case_path: Path) -> float:
    create_case(case_path, "CSV bench", timezone="Europe/Minsk").close()
    started = time.perf_counter()
    run_import(csv_path, case_path, accept_all=True)
    return time.perf_counter() - started


def fifty_page_report(folder: Path) -> Path:
    """The sample report's body 50 times over (~3,000 characters a page), dates and footnotes shifted."""
    text = REPORT.read_text(encoding="utf-8")
    head, _, rest = text.partition("**Belarusian President")
    body, _, notes = ("**Belarusian President" + rest).partition("- \n")
    chunks, footnotes = [head], []
    page = 0
    while sum(len(c) for c in chunks) < PAGES * 3000:
        offset = page * 9
        chunk = body
        for label in range(9, 0, -1):
            chunk = chunk.replace(f"<sup>{label}</sup>", f"<sup>{label + offset}</sup>")
        chunk = chunk.replace("15 AUG", f"{1 + page % 28} AUG").replace("August 15", f"August {1 + page % 28}")
        chunks.append(chunk)
        shifted = notes
        for label in range(9, 0, -1):
            shifted = shifted.replace(f"<sup>{label}</sup>", f"<sup>{label + offset}</sup>")
        footnotes.append(shifted.replace("/status/129", f"/status/{129 + page}"))
        page += 1
    path = folder / "fifty-pages.md"
    path.write_text("".join(chunks) + "- \n" + "\n".join(footnotes), encoding="utf-8")
    return path


def measure() -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        csv_path = root / "events.csv"
        write_events_csv(csv_path, N)
        our_times, base_times = [], []
        for round_number in range(ROUNDS):  # alternate, so machine noise falls on both alike
            base_times.append(baseline(csv_path, root / f"base{round_number}.db"))
            our_times.append(ours(csv_path, root / f"ours{round_number}.case"))
        figures["csv_import_s_100k"] = statistics.median(our_times)
        figures["csv_executemany_s_100k"] = statistics.median(base_times)
        figures["csv_import_ratio_vs_executemany_100k"] = (figures["csv_import_s_100k"]
                                                           / figures["csv_executemany_s_100k"])
        report = fifty_page_report(root)
        report_times = []
        for round_number in range(ROUNDS):
            case_path = root / f"report{round_number}.case"
            create_case(case_path, "Report bench", timezone="Europe/Minsk").close()
            started = time.perf_counter()
            run_import(report, case_path, accept_all=True)
            report_times.append(time.perf_counter() - started)
        figures["report_import_s_50p"] = statistics.median(report_times)
    return figures


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:42} {value:10.3f}")
    sys.exit(0)
