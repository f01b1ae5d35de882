"""A case's journey out and back through the command line, as the tests of each kind of record check it:
the canonical JSON round trip, the CSV bundle, and a merge of a colleague's copy into a new case."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from workbench.cli import main


def json_round_trip(case_path: Path, tmp_path: Path) -> dict[str, Any]:
    """Export `case_path` as JSON, import it into a new case and export that: the two files must be
    byte-identical. Returns the exported document."""
    out = tmp_path / "case.json"
    assert main(["export", str(case_path), "--format", "json", "--out", str(out)]) == 0
    restored = tmp_path / "restored.case"
    assert main(["import", str(out), "--into", str(restored), "--create"]) == 0
    again = tmp_path / "again.json"
    assert main(["export", str(restored), "--format", "json", "--out", str(again)]) == 0
    assert again.read_bytes() == out.read_bytes()
    return json.loads(out.read_text(encoding="utf-8"))


def csv_bundle(case_path: Path, tmp_path: Path) -> dict[str, str]:
    """Export `case_path` as the CSV bundle: file name -> its text (byte-order mark dropped)."""
    out = tmp_path / "case.zip"
    assert main(["export", str(case_path), "--format", "csv", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as bundle:
        return {name: bundle.read(name).decode("utf-8-sig") for name in bundle.namelist()}


def merged_into_new_case(theirs: Path, tmp_path: Path) -> Path:
    """A new, empty case with `theirs` merged into it through `workbench merge`."""
    mine = tmp_path / "mine.case"
    assert main(["new", str(mine)]) == 0
    assert main(["merge", str(mine), str(theirs)]) == 0
    return mine
