"""`make bench` prints every figure it could not measure, and why: a whole bench that failed (its figures never named)
is listed too, so a run that lost one is seen in its table, not only by a figure's absence from bench-results.json."""

from __future__ import annotations

import pytest

from tests.bench.run import print_table


def test_a_failed_bench_is_listed_with_its_reason(capsys: pytest.CaptureFixture[str]) -> None:
    print_table({"case_mb_100k": 183.7}, {"insert_s_100k": "the case could not be built",
                                          "bench_map": "failed: AssertionError: 4 places"})
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("case_mb_100k") and "183.7" in line for line in lines)
    assert any(line.startswith("insert_s_100k") and "the case could not be built" in line for line in lines)
    assert any(line.startswith("bench_map") and "missing" in line and "failed: AssertionError: 4 places" in line
               for line in lines)
