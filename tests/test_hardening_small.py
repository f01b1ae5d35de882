"""Small ones of issue 16, item 13: stale temporary files of killed exports are cleared; STIX rejections
are numbered by object."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from workbench.core.atomic import STALE_PARTIAL_SECONDS, atomic_path
from workbench.core.importers import run_import


def test_a_killed_exports_temporary_file_goes_at_the_next_write(tmp_path: Path) -> None:
    out = tmp_path / "deck.pdf"
    stale = tmp_path / ".deck.pdf.dead0001.partial"
    live = tmp_path / ".deck.pdf.live0002.partial"  # another write under way right now: left alone
    other = tmp_path / ".notes.txt.dead0003.partial"
    for path in (stale, live, other):
        path.write_bytes(b"half")
    old = time.time() - STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    with atomic_path(out) as partial:
        partial.write_bytes(b"deck")
    assert out.read_bytes() == b"deck"
    assert not stale.exists() and live.exists() and other.exists()


def test_stix_rejections_name_the_object_number(small_case: Path, tmp_path: Path) -> None:
    bundle = {"type": "bundle", "id": "bundle--5d0f5b2e-2f5a-4a8e-9d2a-111111111111", "objects": [
        {"type": "identity", "spec_version": "2.1", "id": "identity--5d0f5b2e-2f5a-4a8e-9d2a-222222222222",
         "created": "2020-08-15T00:00:00.000Z", "modified": "2020-08-15T00:00:00.000Z", "name": "OMON",
         "identity_class": "organization"},
        {"type": "identity", "id": "not-an-id"},
    ]}
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    summary = run_import(path, small_case, accept_all=True)
    assert "object 2:" in summary and "line 2" not in summary
