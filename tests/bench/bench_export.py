"""Sharing benchmark (issue 8): export time of every format on the 100k-event case, canonical JSON against
a plain `json.dumps` of the same rows, canonical import, and planning a merge of the case with itself.

`measure(case_100k)` returns a flat dict of figures; `python -m tests.bench.bench_export` builds its own
100k-event synthetic case in a temporary folder and prints them. The JSON ratio is ours divided by the
baseline (the same rows fetched with one SELECT per table and written with one `json.dumps`), the two
alternated and the best of ROUNDS taken. Beside the wall times, `*_cpu_s_*` is the process's CPU time for the
same run (user and system, `time.process_time`): on a machine shared with other work it is inflated less than
the wall time, and the import's ratio to the export is taken from it, both measured in this one process.
Nothing here fails on speed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.standalone import run_alone
from workbench.core.store import create_case, open_case

ROUNDS = 3


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _timed(figures: dict[str, float], name: str, run: Callable[[], object]) -> None:
    """`name` = the wall time of `run`, and the same name with `_cpu` after its first word = its CPU time."""
    start, cpu = time.perf_counter(), time.process_time()
    run()
    figures[name] = time.perf_counter() - start
    first, _, rest = name.partition("_s_")
    figures[f"{first}_cpu_s_{rest}"] = time.process_time() - cpu


def plain_dumps(case_path: Path, out: Path) -> None:
    """The baseline: every exported table's rows as dicts, one json.dumps, one write."""
    from workbench.core.canonical import data_tables, table_columns

    with open_case(case_path, read_only=True) as case:
        document = {}
        for table in data_tables(case.conn, include_audit=False):
            names = [name for name, _kind, _pk in table_columns(case.conn, table)]
            cursor = case.conn.execute(f'SELECT {", ".join(chr(34) + n + chr(34) for n in names)} FROM "{table}"')
            document[table] = [dict(zip(names, row, strict=True)) for row in cursor]
        out.write_text(json.dumps(document, ensure_ascii=False, default=repr), encoding="utf-8")


def canonical(case_path: Path, out: Path) -> None:
    from workbench.core.exporters.canonical import export_canonical

    with open_case(case_path, read_only=True) as case:
        export_canonical(case, out)


def measure(case_100k: Path) -> dict[str, float]:
    from workbench.core.exporters import export
    from workbench.core.exporters.case_copy import CopyOptions
    from workbench.core.importers.canonical import import_canonical
    from workbench.core.merge import plan_merge

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ours, baseline, cpu = [], [], []
        for _ in range(ROUNDS):
            baseline.append(_seconds(lambda: plain_dumps(case_100k, work / "plain.json")))
            started = time.process_time()
            ours.append(_seconds(lambda: canonical(case_100k, work / "case.json")))
            cpu.append(time.process_time() - started)
        figures["json_export_s_100k"] = min(ours)
        figures["json_export_cpu_s_100k"] = min(cpu)
        figures["json_dumps_baseline_s_100k"] = min(baseline)
        figures["json_export_ratio_vs_dumps_100k"] = min(ours) / min(baseline)
        figures["json_export_mb_100k"] = (work / "case.json").stat().st_size / 2**20

        with open_case(case_100k, read_only=True) as case:
            span = case.date_range()
            assert span is not None
            middle = case.conn.execute("SELECT start FROM events ORDER BY start LIMIT 1 OFFSET 50000").fetchone()[0]
            for fmt, suffix in (("case", ".case"), ("csv", ".zip"), ("graphml", ".graphml"), ("gexf", ".gexf"),
                                ("stix", ".stix.json"), ("timelinejs", ".timeline.json")):
                out = work / f"out{suffix}"
                _timed(figures, f"{fmt}_export_s_100k", lambda f=fmt, o=out: export(case, f, o))
                figures[f"{fmt}_export_mb_100k"] = out.stat().st_size / 2**20
                out.unlink()
            redacted = CopyOptions(start=span[0], end=middle, drop_notes=True, drop_archived_texts=True,
                                   replace_analyst="Analyst")
            _timed(figures, "case_copy_half_redacted_s_100k",
                   lambda: export(case, "case", work / "half.case", options=redacted))
            figures["case_copy_redacted_ratio_vs_whole_100k"] = (figures["case_copy_half_redacted_cpu_s_100k"]
                                                                 / figures["case_export_cpu_s_100k"])

        restored = create_case(work / "restored.case", "restored")
        try:
            _timed(figures, "json_import_s_100k", lambda: import_canonical(work / "case.json", restored))
        finally:
            restored.close()
        figures["json_import_ratio_vs_export_100k"] = (figures["json_import_cpu_s_100k"]
                                                       / figures["json_export_cpu_s_100k"])
        with open_case(case_100k, read_only=True) as mine, open_case(case_100k, read_only=True) as theirs:
            figures["merge_plan_self_s_100k"] = _seconds(lambda: plan_merge(mine, theirs))
    return figures


if __name__ == "__main__":
    sys.exit(run_alone(measure))
