"""Synthetic bench cases cached under build/bench-cases/, keyed by the generator's version, so `make bench` builds
the 10k, 100k and 1M cases once and not on every run.

The key is a digest of what decides a case's bytes: the generator's source (workbench/core/synthetic.py) and the
schema's migrations (workbench/core/schema/*.sql). Change either and the next run builds fresh cases beside the old
ones (older keys are removed). A case is built into a temporary name and renamed when complete, so an interrupted
build is never taken for a case. Benches open the cached case read-only or copy it before writing to it.

    python -m tests.bench.cases 1000000     # build (or find) the 1M case and print its path
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "build" / "bench-cases"


def generator_version() -> str:
    """A short digest of the generator and the schema: the same digest, the same case."""
    digest = hashlib.sha256()
    core = ROOT / "workbench" / "core"
    sources = [core / "synthetic.py", *sorted((core / "schema").glob("*.sql"))]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def make_known(path: Path) -> None:
    """Tell the app, in this process's cache folder, what it knows of a bench case or a copy of one: the generator
    wrote every row through the gateway, whose close remembers the bytes it leaves, so the case holds no value the
    app cannot read (store.values) and its bytes are sound (store.verified). Without it a first opening checks the
    file whole, which a loaded machine can make overrun CHECK_SECONDS and refuse (the 100k case: 4 to 6 s quiet)."""
    from workbench.core.store import verified
    from workbench.core.store.values import remember_clean

    remember_clean(path)
    verified.remember(verified.content_digest(path), (verified.STRUCTURE, verified.SEARCH))


def cached_case(n_events: int, built: dict[str, float] | None = None) -> Path:
    """The path of the synthetic case of `n_events` events, built now if the cache lacks it. When it is built,
    its build time in seconds goes into `built` under `generate_s_<size>` (a cached case reports none)."""
    from workbench.core.store.values import known_clean, remember_clean
    from workbench.core.synthetic import generate_case

    version = generator_version()
    folder = CACHE / version
    path = folder / f"synthetic-{n_events}.case"
    if path.exists():
        if not known_clean(path):  # built on this computer, by the gateway: a case it wrote (see below)
            remember_clean(path)
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for old in CACHE.iterdir():  # cases of an older generator or schema are never read again
        if old.is_dir() and old.name != version:
            shutil.rmtree(old, ignore_errors=True)
    partial = folder / f"synthetic-{n_events}.partial"
    for leftover in folder.glob(f"synthetic-{n_events}.partial*"):
        leftover.unlink()
    started = time.perf_counter()
    generate_case(partial, n_events).close()
    elapsed = time.perf_counter() - started
    for suffix in ("-wal", "-shm"):  # closed cleanly, so nothing is left in them
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    # The generator wrote every row through the gateway (core.rules), so the app may know the file as one this
    # computer wrote, as it knows an analyst's own case; the rename changed what identifies it, so say it again.
    remember_clean(path)
    if built is not None:
        built[f"generate_s_{size_name(n_events)}"] = elapsed
    print(f"built {path.relative_to(ROOT)} in {elapsed:.0f} s", file=sys.stderr, flush=True)
    return path


def size_name(n_events: int) -> str:
    """10_000 -> '10k', 1_000_000 -> '1m' (the suffix of the figures' stable names)."""
    if n_events >= 1_000_000 and n_events % 1_000_000 == 0:
        return f"{n_events // 1_000_000}m"
    if n_events % 1000 == 0:
        return f"{n_events // 1000}k"
    return str(n_events)


if __name__ == "__main__":
    for argument in sys.argv[1:] or ["100000"]:
        print(cached_case(int(argument)))
