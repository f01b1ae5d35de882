"""Encryption benchmark (issue 25): the encrypted 100k-event case against the same case plain, in the same run.

`measure(case_100k)` encrypts a copy of the case (`workbench encrypt`'s path) and times, on both files, opening
(every check included) and, on the open case, a full-text search of a few words, a bulk insert of 10k events and
the canonical JSON export; each
figure `encrypted_*_ratio_100k` is encrypted divided by plain, the two alternated and the best of ROUNDS taken.
Opening a file opened before (`encrypted_open_*`) finds it unchanged: a file whose bytes passed every check is not
read whole again (store.verified), plain or encrypted. Opening after an edit (`encrypted_open_after_edit_*`: one case
property written through the app, the case closed, then opened) finds the bytes the app left known too. Opening
after another program's write (`encrypted_open_received_*`: the same property written by a bare SQLite(Cipher)
connection) checks both whole: what the first open of a received file costs.
The password is known before the first open (as after the prompt), so the one-off key derivation (PBKDF2, SQLCipher
4's 256,000 iterations) is reported on its own: `encrypted_key_derivation_s`. Nothing here fails on speed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.standalone import run_alone
from workbench.core.store import cipher, open_case
from workbench.core.store.encryption import encrypt_case

ROUNDS = 3
PASSWORD = "a benchmark password"
SEARCH_WORDS = ("protest", "minsk", "border", "election")
INSERT_ROWS = 10_000


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(case_100k: Path) -> dict[str, float]:
    from workbench.core.exporters.canonical import export_canonical

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        plain = work / "plain.case"
        secret = work / "secret.case"
        shutil.copy(case_100k, plain)
        shutil.copy(case_100k, secret)
        figures["encrypt_s_100k"] = _seconds(lambda: encrypt_case(secret, PASSWORD))
        cipher.forget_password(secret)
        figures["encrypted_key_derivation_s"] = _seconds(lambda: cipher.unlock(secret, PASSWORD))
        with open_case(plain, read_only=True) as case:
            rows = [{key: value for key, value in row.items() if key not in ("seq", "id")}
                    for row in case.rows("events")[:INSERT_ROWS]]

        def opening(path: Path) -> Callable[[], object]:
            return lambda: open_case(path).close()

        opened = {path: open_case(path) for path in (plain, secret)}  # search, insert and export: on an open case

        def searching(path: Path) -> Callable[[], object]:
            def run() -> None:
                for word in SEARCH_WORDS:
                    opened[path].search(word)
            return run

        def inserting(path: Path) -> Callable[[], object]:
            return lambda: opened[path].bulk_insert("events", rows)

        def exporting(path: Path) -> Callable[[], object]:
            return lambda: export_canonical(opened[path], work / f"{path.stem}.json")

        try:
            for name, step in (("open", opening), ("search", searching), ("bulk_insert", inserting),
                               ("export", exporting)):
                times: dict[Path, list[float]] = {plain: [], secret: []}
                for round_ in range(ROUNDS):
                    for path in (plain, secret) if round_ % 2 == 0 else (secret, plain):
                        if name == "open":
                            opened[path].close()
                        times[path].append(_seconds(step(path)))
                        if name == "open":
                            opened[path] = open_case(path)
                figures[f"encrypted_{name}_s_100k"] = min(times[secret])
                figures[f"plain_{name}_s_100k"] = min(times[plain])
                figures[f"encrypted_{name}_ratio_100k"] = min(times[secret]) / min(times[plain])
            times = {plain: [], secret: []}
            for round_ in range(ROUNDS):
                for path in (plain, secret) if round_ % 2 == 0 else (secret, plain):
                    opened[path].close()
                    with open_case(path) as case, case.transaction("bench"):
                        case.set_meta("bench_round", str(round_))
                    times[path].append(_seconds(opening(path)))
                    opened[path] = open_case(path)
            figures["encrypted_open_after_edit_s_100k"] = min(times[secret])
            figures["plain_open_after_edit_s_100k"] = min(times[plain])
            figures["encrypted_open_after_edit_ratio_100k"] = min(times[secret]) / min(times[plain])
            times = {plain: [], secret: []}
            for round_ in range(ROUNDS):
                for path in (plain, secret) if round_ % 2 == 0 else (secret, plain):
                    opened[path].close()
                    other = cipher.connect(path, key=PASSWORD if path == secret else None, isolation_level=None)
                    other.execute("UPDATE meta SET value = ? WHERE key = 'title'", (f"Received {round_}",))
                    other.close()
                    times[path].append(_seconds(opening(path)))
                    opened[path] = open_case(path)
            figures["encrypted_open_received_s_100k"] = min(times[secret])
            figures["plain_open_received_s_100k"] = min(times[plain])
            figures["encrypted_open_received_ratio_100k"] = min(times[secret]) / min(times[plain])
        finally:
            for case in opened.values():
                case.close()
        cipher.forget_password(secret)
    return figures


if __name__ == "__main__":
    sys.exit(run_alone(measure))
