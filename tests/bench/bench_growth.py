"""Growth (issue 23, item 7): how opening, search, the timeline's first paint and frames, the file and the app's
memory grow from 10k to 100k to 1M events, and the app opened to a usable window next to a bare Qt start-up.

For each synthetic case (tests/bench/cases.py caches them under build/bench-cases/):

- `open_window_s_<size>`: `workbench --exit-after-views CASE` on a copy of the case, from starting the process
  to the window painted with every view on screen built and drawn on the case (the timeline's events, the graph,
  the sources; the map, behind the sources' tab, is built just after and counts in the background work). The app
  is told the copy holds no unreadable value and that its bytes are sound, as it knows a case this computer wrote
  (the generator writes through the gateway), so this is the everyday opening of an analyst's own case. The
  app's background work after that (a big graph's layout and groups) is `open_window_idle_s_<size>`, from
  the same start. `open_window_received_s_100k`: the same opening of a case received from elsewhere, which the
  app checks whole (quick_check, references, values; the search index after the window is usable).
  `open_window_again_s_<size>`: the same copy opened a third time, unchanged since the second opening, as an analyst
  opens a case day after day (the timeline's arrays read back: core.timeline.kept).
  `open_window_ui_cpu_s_<size>` / `open_window_again_ui_cpu_s_<size>`: the CPU time of the app's UI thread up to
  the same moment, which other programs' load on the machine hardly changes (the wall time above doubles on a
  busy two-core machine).
- `app_peak_mb_<size>`: the peak memory of that app process, its background work done.
- `fts_search_ms_<size>` / `fts_search_p95_ms_<size>`: Case.search over a few words, median and 95th percentile.
- `search_box_ms_<size>` / `search_box_p95_ms_<size>`: the search box's search (queries.search_case: every kind of
  record, relations through their actors and wording, names in any spelling) over the same words, as the app runs
  it on each pause in typing.
- `timeline_first_paint_ms_<size>`, `timeline_pan_frame_p95_ms_<size>`, ...: bench_timeline's figures; the 10k and
  100k ones are bench_timeline's own (make bench runs it), the 1M ones are measured here the same way.
- `case_mb_<size>`: the case file's size.

`open_window_bare_qt_s` is a bare PySide6 window to its first paint, measured the same way in the same run, and
`open_window_ratio_vs_bare_qt_100k` the 100k opening against it. `growth_table(results)` prints the figures as a
table, sizes across. Nothing here fails on speed.

    QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_growth
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.bench.cases import make_known
from tests.bench.standalone import p95

ROOT = Path(__file__).resolve().parents[2]
SEARCH_WORDS = ("protest", "Minsk", "OMON", "detained", "sanctions", "Гомель", "strike committee", "telegra")
SEARCH_ROUNDS = 5
OPEN_TIMEOUT = 1800
BARE_ROUNDS = 3

# Linux keeps a process's peak RSS across fork and exec, so a child of this (large) bench process would report at
# least our own size; a small launcher starts the app instead, passes its output on and adds its peak as
# RUSAGE_CHILDREN (run.py measures the core's peak memory the same way).
LAUNCHER = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(result.stdout)
sys.stderr.write(result.stderr[-2000:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"peak {peak / (1024 * 1024) if sys.platform == 'darwin' else peak / 1024}")
sys.exit(result.returncode)
"""

BARE_QT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is window:
            print(f"views drawn {time.time():.6f}", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1440, 900)
first_paint = FirstPaint(window)
window.installEventFilter(first_paint)
window.show()
sys.exit(app.exec())
"""


def search_ms(case_path: Path) -> dict[str, tuple[float, float]]:
    """Case.search ('fts') and the search box's search_case ('box') over SEARCH_WORDS, SEARCH_ROUNDS times each,
    alternating: {which: (median, 95th percentile)} in milliseconds."""
    from workbench.core.queries import search_case
    from workbench.core.store import open_case

    timings: dict[str, list[float]] = {"fts": [], "box": []}
    hits = 0
    searches = {"fts": lambda case, word: len(case.search(word)),
                "box": lambda case, word: sum(map(len, search_case(case, word).values()))}
    with open_case(case_path, read_only=True) as case:
        for _ in range(SEARCH_ROUNDS):
            for word in SEARCH_WORDS:
                for which, search in searches.items():
                    started = time.perf_counter()
                    hits += search(case, word)
                    timings[which].append(time.perf_counter() - started)
    if not hits:
        raise RuntimeError(f"search found nothing in {case_path.name}")
    return {which: (statistics.median(found) * 1000, p95(found) * 1000) for which, found in timings.items()}


def _environment(workdir: Path) -> dict[str, str]:
    # Our own data, settings and cache folders: the user's settings, recent files and caches are neither read nor
    # changed, and the warm-up's note that the case holds no unreadable value is found by the timed run.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(workdir / "data"),
               XDG_CONFIG_HOME=str(workdir / "config"), XDG_CACHE_HOME=str(workdir / "cache"),
               WORKBENCH_SETTINGS_DIR=str(workdir / "settings"))
    # An installed app starts from compiled bytecode (written at its first start, or shipped in the frozen app): a
    # shell that forbids writing it would time the compiling of every module at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _launch(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], float]:
    """Run `command` under the launcher: ({'views drawn': seconds from start, ...}, peak MB)."""
    started = time.time()
    result = subprocess.run([sys.executable, "-c", LAUNCHER, *command], env=env, capture_output=True, text=True,
                            timeout=OPEN_TIMEOUT, cwd=ROOT)
    if result.returncode:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError(f"{' '.join(command[1:4])} exited {result.returncode}: {lines[-1] if lines else ''}")
    stamps, peak = {}, float("nan")
    for line in result.stdout.splitlines():
        words = line.rsplit(" ", 1)
        if len(words) == 2 and words[0] in ("views drawn", "background done"):
            stamps[words[0]] = float(words[1]) - started
        elif len(words) == 2 and words[0] == "ui cpu":
            stamps["ui cpu"] = float(words[1])
        elif words[0] == "peak":
            peak = float(words[1])
    if "views drawn" not in stamps:
        raise RuntimeError(f"{' '.join(command[1:4])} never reported its views drawn")
    return stamps, peak


def _known(path: Path, env: dict[str, str]) -> None:
    """Tell the app, in its cache folder, what it knows of a case it wrote (the generator wrote every row through
    the gateway, whose close remembers the bytes it leaves): `path` holds no value it cannot read (store.values) and
    its bytes are sound (store.verified). That is the everyday opening of an analyst's own case; the first opening
    of a received case checks it whole (`open_window_received_s_100k`)."""
    with _cache_home(env["XDG_CACHE_HOME"]):
        make_known(path)


@contextlib.contextmanager
def _cache_home(folder: str) -> Iterator[None]:
    """This process's cache folder is `folder` meanwhile (what the app remembers of the cases it checked)."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = folder
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = saved


def open_window(case_path: Path, workdir: Path, known: bool = True) -> dict[str, float]:
    """The app opened on a copy of the case: (views drawn, background done) seconds from start, peak MB. `known`:
    a case this computer wrote (else received: every check reads it whole)."""
    env = _environment(workdir)
    copy = workdir / case_path.name
    shutil.copyfile(case_path, copy)  # the app may write to what it opens (a layout): never to the cached case
    app = [sys.executable, "-m", "workbench.cli", "--exit-after-views", str(copy)]
    if known:
        _known(copy, env)
    stamps, peak = _launch(app, env)
    found = {"open": stamps["views drawn"], "idle": stamps.get("background done", float("nan")), "peak": peak,
             "cpu": stamps.get("ui cpu", float("nan"))}
    if known:
        # Opened again, as an analyst opens a case day after day: the first opening may have written to it (its
        # graph layout), the second leaves its bytes as they were, and the third finds what the second kept of them
        # (core.timeline.kept).
        for _ in range(2):
            stamps, _peak = _launch(app, env)
        found["again"] = stamps["views drawn"]
        found["again cpu"] = stamps.get("ui cpu", float("nan"))
    copy.unlink()
    return found


def bare_qt_s(workdir: Path) -> float:
    env = _environment(workdir)
    return statistics.median(_launch([sys.executable, "-c", BARE_QT], env)[0]["views drawn"]
                             for _ in range(BARE_ROUNDS))


def measure(case_10k: Path, case_100k: Path, case_1m: Path) -> dict[str, float]:
    from tests.bench import bench_timeline

    figures: dict[str, float] = {}

    def step(what: str, work: Callable[[], None]) -> None:
        """One measurement; if it fails (a 1M case refused by a check that overran its time on a loaded
        machine), its figures are left out, said why on stderr, and the others still run."""
        try:
            work()
        except Exception as error:  # noqa: BLE001 - one failed figure must not lose the table
            print(f"growth: {what} not measured: {type(error).__name__}: {error}", file=sys.stderr, flush=True)

    def opened(size: str, path: Path, workdir: Path) -> None:
        found = open_window(path, workdir)
        figures[f"open_window_s_{size}"] = found["open"]
        figures[f"open_window_idle_s_{size}"] = found["idle"]
        figures[f"open_window_again_s_{size}"] = found["again"]
        figures[f"open_window_ui_cpu_s_{size}"] = found["cpu"]
        figures[f"open_window_again_ui_cpu_s_{size}"] = found["again cpu"]
        figures[f"app_peak_mb_{size}"] = found["peak"]

    def searched(size: str, path: Path, workdir: Path) -> None:
        env = _environment(workdir)
        _known(path, env)  # a case this computer wrote: opened as the app opens its own cases
        with _cache_home(env["XDG_CACHE_HOME"]):
            found = search_ms(path)
            figures[f"fts_search_ms_{size}"], figures[f"fts_search_p95_ms_{size}"] = found["fts"]
            figures[f"search_box_ms_{size}"], figures[f"search_box_p95_ms_{size}"] = found["box"]

    with tempfile.TemporaryDirectory(prefix="workbench-growth-") as folder:
        workdir = Path(folder)
        step("bare Qt", lambda: figures.update(open_window_bare_qt_s=bare_qt_s(workdir)))
        for size, path in (("10k", case_10k), ("100k", case_100k), ("1m", case_1m)):
            print(f"... growth at {size}", file=sys.stderr, flush=True)
            figures[f"case_mb_{size}"] = path.stat().st_size / 1e6
            step(f"search at {size}", lambda size=size, path=path: searched(size, path, workdir))
            step(f"opening at {size}", lambda size=size, path=path: opened(size, path, workdir))
        def received() -> None:
            with tempfile.TemporaryDirectory(prefix="workbench-received-") as other:  # nothing remembered there
                figures["open_window_received_s_100k"] = open_window(case_100k, Path(other), known=False)["open"]

        step("opening a received case at 100k", received)
        if "open_window_s_100k" in figures and "open_window_bare_qt_s" in figures:
            figures["open_window_ratio_vs_bare_qt_100k"] = (figures["open_window_s_100k"]
                                                            / figures["open_window_bare_qt_s"])
    # The timeline at 1M, measured as bench_timeline measures 10k and 100k.
    bench_timeline.first_paint_rounds = 1
    step("the timeline at 1m", lambda: figures.update(timeline_figures(case_1m, "1m")))
    return figures


def timeline_figures(path: Path, size: str) -> dict[str, float]:
    """bench_timeline's growth figures of a case, opened as the app opens a case this computer wrote (`_known`, in a
    cache folder of our own): a 1M case opened from a new path is otherwise checked whole first, which a loaded machine
    may not finish within the check's time (CHECK_SECONDS), and the figures would be lost."""
    from tests.bench import bench_timeline

    with tempfile.TemporaryDirectory(prefix="workbench-growth-timeline-") as folder:
        env = _environment(Path(folder))
        _known(path, env)
        with _cache_home(env["XDG_CACHE_HOME"]):
            return bench_timeline.growth_figures(path, size)


GROWTH_ROWS = (
    ("open the app to a usable window (s)", "open_window_s_{}"),
    ("  its background work done (s)", "open_window_idle_s_{}"),
    ("  opened again unchanged (s)", "open_window_again_s_{}"),
    ("  UI thread's CPU time to it (s)", "open_window_ui_cpu_s_{}"),
    ("  ... opened again unchanged (s)", "open_window_again_ui_cpu_s_{}"),
    ("full-text search, median (ms)", "fts_search_ms_{}"),
    ("full-text search, p95 (ms)", "fts_search_p95_ms_{}"),
    ("search box, median (ms)", "search_box_ms_{}"),
    ("search box, p95 (ms)", "search_box_p95_ms_{}"),
    ("timeline first paint (ms)", "timeline_first_paint_ms_{}"),
    ("  opened again unchanged (ms)", "timeline_first_paint_warm_ms_{}"),
    ("timeline pan frame p95, actor lanes (ms)", "timeline_pan_frame_p95_ms_{}"),
    ("timeline zoom frame p95, actor lanes (ms)", "timeline_zoom_frame_p95_ms_{}"),
    ("timeline pan frame p95, one lane (ms)", "timeline_pan_frame_p95_ms_{}_one_lane"),
    ("timeline zoom frame p95, one lane (ms)", "timeline_zoom_frame_p95_ms_{}_one_lane"),
    ("case file size (MB)", "case_mb_{}"),
    ("app peak memory, case open (MB)", "app_peak_mb_{}"),
)
SIZES = ("10k", "100k", "1m")


def growth_table(results: dict[str, float]) -> str:
    """The growth figures as a table, one row per measure and one column per case size ('-': not measured)."""
    width = max(len(what) for what, _name in GROWTH_ROWS)
    lines = [f"{'growth':<{width}}  " + "  ".join(f"{size.upper():>9}" for size in SIZES)]
    for what, name in GROWTH_ROWS:
        cells = []
        for size in SIZES:
            value = results.get(name.format(size))
            cells.append(f"{'-':>9}" if value is None or value != value else
                         f"{value:>9.3f}" if value < 10 else f"{value:>9.1f}")
        lines.append(f"{what:<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


FIGURES: dict[str, tuple[str, str]] = {
    "open_window_bare_qt_s": ("a bare PySide6 window to its first paint, whole process, same run", "s"),
    "open_window_ratio_vs_bare_qt_100k": ("the app opened on 100k to a usable window / bare Qt start-up", "x"),
}
for _size in SIZES:
    FIGURES.update({
        f"open_window_s_{_size}": (f"workbench CASE ({_size}) to every view built and drawn, whole process", "s"),
        f"open_window_idle_s_{_size}": (f"... to its background work ({_size}: graph layout, groups) done", "s"),
        f"open_window_again_s_{_size}": (f"workbench CASE ({_size}) opened again unchanged (the third opening)", "s"),
        f"open_window_ui_cpu_s_{_size}": (f"the UI thread's CPU time to the views drawn ({_size}): whatever the load",
                                          "s"),
        f"open_window_again_ui_cpu_s_{_size}": (f"... the case ({_size}) opened again unchanged", "s"),
        f"app_peak_mb_{_size}": (f"peak memory of the app with the {_size} case open, background work done", "MB"),
        f"fts_search_ms_{_size}": (f"Case.search at {_size}, median over a few words", "ms"),
        f"fts_search_p95_ms_{_size}": (f"Case.search at {_size}, 95th percentile", "ms"),
        f"search_box_ms_{_size}": (f"the search box's search (search_case) at {_size}, median over a few words", "ms"),
        f"search_box_p95_ms_{_size}": (f"the search box's search at {_size}, 95th percentile", "ms"),
        f"case_mb_{_size}": (f"size of the {_size} synthetic case file", "MB"),
    })


if __name__ == "__main__":
    from tests.bench.standalone import run_alone

    results = {}

    def measure_and_keep(case_10k: Path, case_100k: Path, case_1m: Path) -> dict[str, float]:
        from tests.bench import bench_timeline

        results.update(bench_timeline.measure(case_100k, case_10k))
        results.update(measure(case_10k, case_100k, case_1m))
        return results

    code = run_alone(measure_and_keep, FIGURES)
    print()
    print(growth_table(results))
    sys.exit(code)
