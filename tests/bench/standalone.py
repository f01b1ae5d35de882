"""Run one view's benchmark on its own (`python -m tests.bench.bench_graph`): generate the synthetic
cases its `measure` asks for by parameter name (case_100k, case_10k), run it, print the figures.
`tests/bench/run.py` passes the same cases to every `measure` when `make bench` runs them all. The cases are
cached under build/bench-cases (tests/bench/cases.py) and must not be written to: copy one first."""

from __future__ import annotations

import inspect
from collections.abc import Callable

CASE_SIZES = {"case_100k": 100_000, "case_10k": 10_000, "case_1m": 1_000_000}


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: the value 95 % of the samples do not exceed (the
    largest of fewer than 20), reported beside each median so a few slow frames cannot hide."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def run_alone(measure: Callable[..., dict[str, float]],
              describe: dict[str, tuple[str, str]] | None = None) -> int:
    from tests.bench.cases import cached_case

    wanted = [name for name in inspect.signature(measure).parameters if name in CASE_SIZES]
    cases = {name: cached_case(CASE_SIZES[name]) for name in wanted}  # built once, under build/bench-cases
    from tests.bench.shipped import shipped_only

    with shipped_only():  # the shipped dependencies only, as in make bench
        figures = measure(**cases)
    width = max(map(len, figures), default=0)
    for name, value in figures.items():
        what, unit = (describe or {}).get(name, ("", ""))
        print(f"{name:<{width}}  {value:>10.4g}  {unit:<3} {what}".rstrip())
    return 0
