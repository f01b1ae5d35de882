"""Names across scripts (core.names): a typed name against 5,000 actors and their aliases, and the
timeline's text filter over 100k events with Cyrillic words.

The actors are the 100k synthetic case's 5,000 (with their ~3,600 aliases, Russian and Latin).
Typed names are drawn from them with a fixed seed, each in four forms: as written, lower case in
the other script (cyrtranslit/anyascii), with one letter dropped (a typo), and its first five
letters (what a completer sees). The filter figures are medians over a few Cyrillic words of the
synthetic case (cities, ОМОН), on the chart's own data: the first filter after a load also builds
the haystack (every title, kind and actor keyed once); later keystrokes reuse it. Nothing here
fails on speed.

    python -m tests.bench.bench_names
"""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from pathlib import Path

from tests.bench.standalone import run_alone

SEED = 18
NAMES = 200
FILTER_WORDS = ("Минск", "ОМОН", "Гомель", "Гродно задержан", "Брест")
FILTER_ROUNDS = 5


def _typed_forms(name: str, rng: random.Random) -> list[str]:
    import cyrtranslit

    from workbench.core.names import CYRILLIC, latin

    other = latin(name) if CYRILLIC.search(name) else cyrtranslit.to_cyrillic(name, "ru").lower()
    cut = rng.randrange(1, max(2, len(name) - 1))
    return [name, other, name[:cut] + name[cut + 1:], name[:5]]


def _ms(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95)] * 1000


def measure(case_100k: Path) -> dict[str, float]:
    from workbench.core.filters import CaseFilter
    from workbench.core.model import aliases_of
    from workbench.core.names import NameIndex
    from workbench.core.store import open_case
    from workbench.core.timeline.data import event_mask, load_timeline

    results: dict[str, float] = {}
    with open_case(case_100k, read_only=True) as case:
        rows = case.rows("actors")
        started = time.perf_counter()
        index = NameIndex((row["id"], [row["name"], *aliases_of(row["aliases"])]) for row in rows)
        results["name_index_build_ms_5k"] = (time.perf_counter() - started) * 1000
        rng = random.Random(SEED)
        typed = [form for row in rng.sample(rows, min(NAMES, len(rows))) for form in _typed_forms(row["name"], rng)]
        gc.collect()
        for name, call in (("name_match", index.matches), ("name_complete", index.complete)):
            timings = []
            for text in typed:
                started = time.perf_counter()
                call(text)
                timings.append(time.perf_counter() - started)
            results[f"{name}_ms_5k"], results[f"{name}_p95_ms_5k"] = _ms(timings)

        firsts, warm, plain = [], [], []
        for word in FILTER_WORDS:
            data = load_timeline(case)
            data.titles  # noqa: B018 - loaded as the chart has them before any filter
            started = time.perf_counter()
            event_mask(data, CaseFilter(text=word))
            firsts.append(time.perf_counter() - started)
            for _ in range(FILTER_ROUNDS):
                started = time.perf_counter()
                event_mask(data, CaseFilter(text=word))
                warm.append(time.perf_counter() - started)
            # the baseline: casefolded substrings of the titles alone, as the filter was before (no
            # actor names, no other script)
            folded = [title.casefold() for title in data.titles]
            words = word.casefold().split()
            started = time.perf_counter()
            [all(w in text for w in words) for text in folded]
            plain.append(time.perf_counter() - started)
        results["filter_cyrillic_ms_100k"] = statistics.median(warm) * 1000
        results["filter_cyrillic_first_ms_100k"] = statistics.median(firsts) * 1000
        results["filter_casefold_baseline_ms_100k"] = statistics.median(plain) * 1000
    return results


FIGURES: dict[str, tuple[str, str]] = {
    "name_index_build_ms_5k": ("names: index 5,000 actors and their aliases (once per list)", "ms"),
    "name_match_ms_5k": ("names: a typed name (4 forms) against 5,000 actors, median (goal < 5)", "ms"),
    "name_match_p95_ms_5k": ("names: the same, 95th percentile", "ms"),
    "name_complete_ms_5k": ("names: completer ranking for a typed name, 5,000 actors, median", "ms"),
    "name_complete_p95_ms_5k": ("names: the same, 95th percentile", "ms"),
    "filter_cyrillic_ms_100k": ("timeline filter: a Cyrillic word over 100k events, any script, median", "ms"),
    "filter_cyrillic_first_ms_100k": ("the same, first filter after a load (builds the haystack)", "ms"),
    "filter_casefold_baseline_ms_100k": ("baseline: casefolded substrings of the titles alone", "ms"),
}


if __name__ == "__main__":
    sys.exit(run_alone(measure, FIGURES))
