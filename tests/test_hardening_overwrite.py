"""No export writes over the case it comes from or its sidecars, named directly or through a link (issue 16)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.atomic import OverwritesCase, atomic_path
from workbench.core.store import open_case


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["pdf", "html", "pptx", "json", "graphml"])
def test_the_command_line_refuses_to_export_over_the_case(sample_path: Path, tmp_path: Path, fmt: str) -> None:
    small_case = tmp_path / "mine.case"  # the sample: it has a storyboard, so every deck format has slides
    shutil.copy(sample_path, small_case)
    before = digest(small_case)
    link = tmp_path / "link.out"
    link.symlink_to(small_case)
    for out in (small_case, link):
        result = subprocess.run([sys.executable, "-m", "workbench.cli", "export", str(small_case), "--format", fmt,
                                 "--out", str(out)], capture_output=True, text=True, timeout=120)
        assert result.returncode != 0, result.stdout
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        assert "overwrite" in result.stderr, result.stderr[-2000:]  # refused for that reason, in one sentence
        assert digest(small_case) == before, f"{fmt} over {out.name} replaced the case"


def test_no_write_replaces_an_open_case_or_its_sidecars(small_case: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.case"
    shutil.copy(small_case, copy)
    with open_case(small_case) as case:
        case.insert("notes", {"text": "keeps the WAL"})
        for target in (small_case, small_case.with_name(small_case.name + "-wal"),
                       small_case.with_name(small_case.name + "-shm")):
            with pytest.raises(OverwritesCase):
                with atomic_path(target) as partial:
                    partial.write_bytes(b"deck")
        with atomic_path(copy) as partial:  # another case file that is not open may be replaced
            partial.write_bytes(b"fine")
    assert copy.read_bytes() == b"fine"
    with atomic_path(small_case) as partial:  # once closed, it is an ordinary file (the app asks first)
        partial.write_bytes(b"closed")


@pytest.mark.parametrize("fmt", ["pdf", "json"])
def test_a_folder_or_a_missing_folder_is_refused_in_one_sentence(sample_path: Path, tmp_path: Path, fmt: str) -> None:
    """Deck exports gave a traceback for a folder's name and created missing folders; other formats refused."""
    for out in (tmp_path, tmp_path / "missing" / "deeper" / f"deck.{fmt}"):
        result = subprocess.run([sys.executable, "-m", "workbench.cli", "export", str(sample_path), "--format", fmt,
                                 "--out", str(out)], capture_output=True, text=True, timeout=120)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr, result.stderr[-2000:]
        assert "folder" in result.stderr
    assert not (tmp_path / "missing").exists(), "no folder is created on its own"
    assert not list(tmp_path.glob(".*.partial")) and not list(Path(tmp_path.anchor).glob(".*.partial"))
