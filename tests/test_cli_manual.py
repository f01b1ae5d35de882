"""The command line of issue 21: `new` without a title, refused zones and markings, `import --create`,
and mistyped commands or missing case files refused on the terminal before any window opens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.core.store import open_case


def test_new_takes_the_title_from_the_file_name_and_keeps_zone_and_marking(tmp_path: Path, capsys) -> None:
    path = tmp_path / "Brest protests.case"
    assert main(["new", str(path), "--classification", "secret // noforn", "--timezone", "Europe/Minsk"]) == 0
    with open_case(path, read_only=True) as case:
        assert case.title == "Brest protests" and case.meta("title") == "Brest protests"
        assert case.classification == "SECRET//NOFORN"
        assert case.meta("timezone") == "Europe/Minsk"


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--timezone", "Mars/Olympus", "'Mars/Olympus' is not a time zone name"),
    ("--classification", "SEKRET", "'SEKRET' is not a classification level"),
    ("--classification", "SECRET//NO<FORN>", "the caveat 'NO<FORN>'"),
])
def test_new_refuses_an_unknown_zone_or_marking_naming_it(tmp_path: Path, capsys, option: str, value: str,
                                                          said: str) -> None:
    path = tmp_path / "mars.case"
    assert main(["new", str(path), option, value]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("Cannot create mars.case: ") and said in error and error.endswith(".")
    assert "\n" not in error
    assert not path.exists()


def test_import_into_a_missing_case_needs_create_and_then_restores_a_json_export(small_case: Path, tmp_path: Path,
                                                                                 capsys) -> None:
    exported = tmp_path / "small.json"
    assert main(["export", str(small_case), "--format", "json", "--out", str(exported)]) == 0
    restored = tmp_path / "restored.case"
    assert main(["import", str(exported), "--into", str(restored)]) == 2
    assert "pass --create" in capsys.readouterr().err
    assert not restored.exists()
    assert main(["import", str(exported), "--into", str(restored), "--create"]) == 0
    assert capsys.readouterr().out.startswith("Created restored.case. Imported small.json")
    with open_case(restored, read_only=True) as case:
        assert case.title == "Minsk — Минск, small case" and case.classification == "SECRET//NOFORN"
    again = tmp_path / "again.json"
    assert main(["export", str(restored), "--format", "json", "--out", str(again)]) == 0
    assert again.read_bytes() == exported.read_bytes()


def test_import_create_titles_a_report_case_and_leaves_nothing_when_refused(tmp_path: Path, capsys) -> None:
    report = tmp_path / "brest.md"
    report.write_text("# Protests in Brest\n\nOn 10 August 2020 OMON dispersed a rally in Brest.\n", encoding="utf-8")
    target = tmp_path / "brest.case"
    assert main(["import", str(report), "--into", str(target), "--create"]) == 2  # a report needs review
    assert not target.exists() and not list(tmp_path.glob("brest.case-*"))
    assert main(["import", str(report), "--into", str(target), "--create", "--accept-all"]) == 0
    with open_case(target, read_only=True) as case:
        assert case.title == "Protests in Brest"


def run_cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """The command as a user runs it, without a display: Qt must not even be imported."""
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                                           "QT_QPA_PLATFORM")}
    code = ("import sys; from workbench.cli import main; code = main(sys.argv[1:]); "
            "print('qt imported' if 'PySide6' in sys.modules else 'no qt'); sys.exit(code)")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          timeout=60, cwd=tmp_path)


@pytest.mark.parametrize(("args", "said"), [
    (["git-stup"], "'git-stup' is neither a command nor a case file."),
    (["chek"], "Did you mean check?"),
    (["missing.case"], "there is no case file at missing.case"),
    (["--read-only", "gone/missing.case"], "there is no case file at gone/missing.case"),
    (["--screenshot", "out.png", "nowhere.case"], "there is no case file at nowhere.case"),
])
def test_a_mistyped_command_or_missing_case_is_refused_on_the_terminal(tmp_path: Path, args: list[str],
                                                                       said: str) -> None:
    result = run_cli(args, tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout.strip() == "no qt"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert not (tmp_path / "out.png").exists()
