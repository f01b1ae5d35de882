"""Files the app writes go to a temporary file in the target folder and are renamed in: a failure
mid-write (a full disk, an exception) leaves the previous file byte-identical and no partial file."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.core.atomic import atomic_path
from workbench.core.store import CaseError, create_case, open_case

# Writes past this size fail with EFBIG in the child, as on a full disk (SIGXFSZ ignored).
WRITE_LIMIT = 48 * 1024


def limit_writes() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (WRITE_LIMIT, WRITE_LIMIT))


def folder_listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def big_case(tmp_path: Path) -> Path:
    path = tmp_path / "work" / "big.case"
    path.parent.mkdir()
    with create_case(path, "Big enough to overflow the limit") as case:
        case.bulk_insert("events", [{"title": f"Event {n}", "start": "2020-08-15T10:00:00Z", "summary": "s" * 300}
                                    for n in range(1500)])
    assert path.stat().st_size > 4 * WRITE_LIMIT
    return path


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An earlier copy at the destination, small enough to have been written under the limit."""
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "copy.case"
    create_case(path, "The earlier copy").close()
    return path


def test_save_copy_on_a_full_disk_leaves_the_previous_copy(big_case: Path, previous: Path) -> None:
    script = ("import sys\nfrom workbench.core.store import open_case, CaseError\n"
              "case = open_case(sys.argv[1], read_only=True)\n"
              "try:\n    case.save_copy(sys.argv[2])\nexcept CaseError as error:\n    print(error)\n    sys.exit(2)\n")
    before, listing = previous.read_bytes(), folder_listing(previous.parent)
    result = subprocess.run([sys.executable, "-c", script, str(big_case), str(previous)], capture_output=True,
                            text=True, timeout=120, preexec_fn=limit_writes, env=dict(os.environ))
    assert result.returncode == 2, result.stderr
    assert result.stdout.startswith("Cannot save a copy to copy.case: ")
    assert previous.read_bytes() == before
    assert folder_listing(previous.parent) == listing, "no partial file left"


@pytest.mark.parametrize("failure", ["no space at rename", "interrupted while syncing"])
def test_save_copy_interrupted_leaves_the_previous_copy(big_case: Path, previous: Path, failure: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before, listing = previous.read_bytes(), folder_listing(previous.parent)

    def full_disk(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    with open_case(big_case, read_only=True) as case:
        if failure == "no space at rename":
            monkeypatch.setattr(os, "replace", full_disk)
            with pytest.raises(CaseError, match="No space left on device"):
                case.save_copy(previous)
        else:
            monkeypatch.setattr(os, "fsync", interrupted)
            with pytest.raises(KeyboardInterrupt):
                case.save_copy(previous)
    assert previous.read_bytes() == before
    assert folder_listing(previous.parent) == listing


def test_atomic_path_keeps_the_old_file_until_the_new_one_is_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as partial:
            partial.write_text("half of the new")
            assert target.read_text() == "old" and partial.parent == target.parent
            raise RuntimeError("failure mid-write")
    assert target.read_text() == "old" and folder_listing(tmp_path) == ["report.txt"]
    with atomic_path(target) as partial:
        partial.write_text("new")
    assert target.read_text() == "new" and folder_listing(tmp_path) == ["report.txt"]


def test_screenshot_on_a_full_disk_leaves_the_previous_screenshot(small_case: Path, tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    out = shots / "window.png"
    out.write_bytes(b"\x89PNG\r\n\x1a\n an earlier screenshot")
    before, listing = out.read_bytes(), folder_listing(shots)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "--screenshot", str(out), str(small_case)],
                            capture_output=True, text=True, timeout=120, preexec_fn=limit_writes, env=env,
                            cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Cannot write the screenshot to" in result.stderr
    assert out.read_bytes() == before
    assert folder_listing(shots) == listing, "no partial file left"
