"""Event-table import (issue 24): the real ICEWS14 year (90,730 events) through `workbench import`, next to a
plain executemany of the same event rows in the same run, and the import's peak memory on that file and on
the same rows three times over (a flat figure means the rows stream). Then the resulting case as the
real-data scale case: the app opened on it to its first paint, the layout of its actor graph (time,
stress and crossings against igraph), exact betweenness, and a pan frame of the whole chart, with the
same measurements as the synthetic 5k-actor figures (tests/bench/bench_graph.py).

The baseline reads the same TSV with the csv module and inserts the same event rows (ids and times made
as the importer makes them) with one executemany into a fresh database of our schema: no actors, ties,
places, links, checks or search index, so the ratio says what all of that costs. Nothing here fails on
speed. The file lies beside the clone (../shared/data/icews14); without it the figures are missing.

    python -m tests.bench.bench_events
"""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workbench.core.importers import run_import
from workbench.core.store import apply_migrations, create_case
from workbench.core.times import now_stamp

ROOT = Path(__file__).resolve().parents[2]
ICEWS14 = ROOT.parent / "shared" / "data" / "icews14" / "icews14.tsv"
PEAK = """
import resource, sys
from pathlib import Path
from workbench.core.importers import run_import
from workbench.core.store import create_case
create_case(Path(sys.argv[2]), "peak").close()
run_import(Path(sys.argv[1]), Path(sys.argv[2]), accept_all=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def baseline(tsv: Path, db_path: Path) -> float:
    """csv.reader + one executemany of the same event rows into our schema's events table."""
    from workbench.core.importers.event_table import TableTimes, quick_stable_id

    conn = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(conn)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    started = time.perf_counter()
    times = TableTimes("UTC")
    stamp = now_stamp()
    with tsv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        rows = [(quick_stable_id("event-table", tsv.name, str(line)), f"{text}: {one} → {two}", text,
                 times(day, "")[0], stamp, stamp)
                for line, (day, one, text, two) in enumerate(reader, start=2)]
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO events (id, title, kind, start, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                     rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def peak_mb(tsv: Path, case_path: Path) -> float:
    result = subprocess.run([sys.executable, "-c", PEAK, str(tsv), str(case_path)], capture_output=True, text=True,
                            timeout=900, cwd=ROOT, check=True)
    return float(result.stdout.split()[-1])


def real_case_figures(case_path: Path, workdir: Path) -> dict[str, float]:
    """The ICEWS14 case as the app and the graph see it; each group of figures may fail alone."""
    import os

    import numpy as np

    from tests.bench.bench_graph import betweenness_figures, layout_figures, pan_frame_ms
    from workbench.core.graph.model import load_graph
    from workbench.core.store import open_case

    figures: dict[str, float] = {}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(workdir / "data"),
               XDG_CONFIG_HOME=str(workdir / "config"), XDG_CACHE_HOME=str(workdir / "cache"))
    command = [sys.executable, "-m", "workbench.cli", "--exit-after-paint", str(case_path)]
    subprocess.run(command, env=env, capture_output=True, timeout=600, cwd=ROOT, check=True)  # warm-up
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, timeout=600, cwd=ROOT, check=True)
    figures["open_window_s_icews14"] = time.perf_counter() - started
    with open_case(case_path, read_only=True) as case:
        graph = load_graph(case)
    src, dst = np.asarray(graph.src, dtype=np.int64), np.asarray(graph.dst, dtype=np.int64)
    figures.update(layout_figures(graph.n, src, dst, "icews14", networkx_too=False))
    figures.update(betweenness_figures(graph, "icews14"))
    frames = pan_frame_ms(case_path)
    figures["graph_pan_frame_ms_icews14"] = frames["graph_pan_frame_ms_5k"]
    figures["graph_pan_frame_p95_ms_icews14"] = frames["graph_pan_frame_p95_ms_5k"]  # slow frames, not only the median
    figures["graph_zoom_frame_ms_icews14"] = frames["graph_zoom_frame_ms_5k"]
    figures["graph_zoom_frame_p95_ms_icews14"] = frames["graph_zoom_frame_p95_ms_5k"]
    figures["graph_full_repaint_ms_icews14"] = frames["graph_full_repaint_ms_5k"]
    figures["graph_full_repaint_p95_ms_icews14"] = frames["graph_full_repaint_p95_ms_5k"]
    return figures


def measure() -> dict[str, float]:
    if not ICEWS14.exists():
        raise FileNotFoundError(f"{ICEWS14} is not beside the clone")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        figures["event_table_executemany_s_icews14"] = baseline(ICEWS14, root / "base.db")
        case_path = root / "icews14.case"
        create_case(case_path, "ICEWS14").close()
        started = time.perf_counter()
        run_import(ICEWS14, case_path, accept_all=True)
        figures["event_table_import_s_icews14"] = time.perf_counter() - started
        figures["event_table_ratio_vs_executemany_icews14"] = (figures["event_table_import_s_icews14"]
                                                               / figures["event_table_executemany_s_icews14"])
        figures["event_table_peak_mb_icews14"] = peak_mb(ICEWS14, root / "peak1.case")
        tripled = root / "icews14x3.tsv"
        lines = ICEWS14.read_text(encoding="utf-8").splitlines(keepends=True)
        tripled.write_text(lines[0] + "".join(lines[1:]) * 3, encoding="utf-8")
        figures["event_table_peak_mb_icews14x3"] = peak_mb(tripled, root / "peak3.case")
        figures.update(real_case_figures(case_path, root))
    return figures


if __name__ == "__main__":
    for name, value in measure().items():
        print(f"{name:42} {value:10.3f}")
    sys.exit(0)
