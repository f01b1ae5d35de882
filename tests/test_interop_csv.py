"""CSV as spreadsheets write and read it: the CSV zip back into an empty case as the same case; files
in the encodings and separators Excel writes (UTF-8 with and without a byte-order mark, UTF-16,
Windows-1252, Windows-1251; ',', ';', tab), and files LibreOffice Calc itself exported; templates
with a byte-order mark."""

from __future__ import annotations

import codecs
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from workbench.core.exporters import export
from workbench.core.exporters.canonical import canonical_text
from workbench.core.importers import read_text, run_import
from workbench.core.importers.csv_import import read_csv, write_csv, write_templates
from workbench.core.importers.encoding import decode
from workbench.core.store import CaseError, create_case, open_case

WESTERN_EVENTS = [
    ("François Dupont a visité Minsk en août", "2020-08-15", "Grüße aus Köln; «répression» à Minsk"),
    ("Crème brûlée diplomacy: Élysée calls Lukashenko", "2020-08-14", "Señor Borrell’s statement — €"),
]
CYRILLIC_ACTORS = [
    ("Аляксандр Лукашэнка", "person", "Лукашенко;Lukashenko", "Прэзідэнт Беларусі"),
    ("ОМОН", "security", "Отряд милиции особого назначения", "Ўнутраныя войскі, «спецназ»"),
    ("Святлана Ціханоўская", "person", "Тихановская", "кандидат в президенты"),
]


def events_text(separator: str) -> str:
    lines = [separator.join(("title", "start", "summary"))]
    for title, start, summary in WESTERN_EVENTS:
        quoted = f'"{summary}"' if separator in summary else summary
        lines.append(separator.join((title, start, quoted)))
    return "\r\n".join(lines) + "\r\n"


def actors_text(separator: str) -> str:
    lines = [separator.join(("name", "kind", "aliases", "description"))]
    for row in CYRILLIC_ACTORS:
        lines.append(separator.join(f'"{cell}"' if separator in cell else cell for cell in row))
    return "\r\n".join(lines) + "\r\n"


def check_events(case_path: Path, plan) -> None:
    assert plan.table == "events" and not plan.rejected
    assert [(row["title"], row["summary"]) for row in plan.rows] == [(t, s) for t, _start, s in WESTERN_EVENTS]


def check_actors(plan) -> None:
    assert plan.table == "actors" and not plan.rejected
    assert [(row["name"], row["description"]) for row in plan.rows] == [(n, d) for n, _k, _a, d in CYRILLIC_ACTORS]


@pytest.fixture
def empty_case(tmp_path: Path):
    case = create_case(tmp_path / "target.case", "Target", timezone="Europe/Minsk")
    yield case
    case.close()


# Files as Excel writes them: "CSV UTF-8" (BOM, ','), "CSV" in a French or German locale (Windows-1252,
# ';'), "CSV" on a Russian Windows (Windows-1251, ';'), "Unicode Text" (UTF-16 with BOM, tab).
EXCEL_FILES = {
    "utf8-bom-comma": (lambda: codecs.BOM_UTF8 + events_text(",").encode("utf-8"), "events",
                       "UTF-8 (with byte-order mark), separated by ','"),
    "utf8-comma": (lambda: events_text(",").encode("utf-8"), "events", "UTF-8, separated by ','"),
    "cp1252-semicolon": (lambda: events_text(";").encode("cp1252"), "events",
                         "Windows-1252 (Western European), guessed from the text, separated by ';'"),
    "cp1251-semicolon": (lambda: actors_text(";").encode("cp1251"), "actors",
                         "Windows-1251 (Cyrillic), guessed from the text, separated by ';'"),
    "utf16-tab": (lambda: actors_text("\t").encode("utf-16"), "actors",
                  "UTF-16 (with byte-order mark), separated by tab"),
    "utf16le-tab-no-bom": (lambda: actors_text("\t").encode("utf-16-le"), "actors",
                           "UTF-16 little-endian (no byte-order mark), guessed from the text, separated by tab"),
}


@pytest.mark.parametrize("name", sorted(EXCEL_FILES))
def test_excel_style_files_import_with_encoding_and_separator_named(name: str, empty_case, tmp_path: Path) -> None:
    make, table, reading = EXCEL_FILES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(make())
    plan = read_csv(empty_case, path)
    assert plan.reading == reading
    check_events(path, plan) if table == "events" else check_actors(plan)
    write_csv(empty_case, plan)
    names = {row["name"] for row in empty_case.rows("actors")} | {row["title"] for row in empty_case.rows("events")}
    assert {t for t, _s, _u in WESTERN_EVENTS} <= names or {n for n, *_ in CYRILLIC_ACTORS} <= names


def test_western_text_is_not_read_as_cyrillic() -> None:
    """The old reader tried Windows-1251 before Latin-1: 'Franзois … visitй … aoыt'."""
    for text in ("François a visité Minsk en août", "François", "Grüße", "São Paulo, Zürich, Kraków? no: Krakow"):
        assert decode(text.encode("cp1252")).text == text
    for text in ("Лукашенко провел переговоры с Путиным", "ОМОН", "Ціханоўская"):
        assert decode(text.encode("cp1251")).text == text


def test_reports_are_read_in_their_encoding(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("Le 15 août, François a visité Minsk.".encode("cp1252"))
    assert read_text(path) == "Le 15 août, François a visité Minsk."
    path.write_bytes("15 августа ОМОН задержал протестующих.".encode("cp1251"))
    assert read_text(path) == "15 августа ОМОН задержал протестующих."


def test_the_command_line_names_how_a_file_was_read(tmp_path: Path) -> None:
    create_case(tmp_path / "t.case", "T").close()
    path = tmp_path / "events.csv"
    path.write_bytes(events_text(";").encode("cp1252"))
    line = run_import(path, tmp_path / "t.case")
    assert "read as Windows-1252 (Western European), guessed from the text, separated by ';'" in line
    assert "2 events" in line


def test_templates_carry_a_byte_order_mark_and_import(tmp_path: Path, empty_case) -> None:
    for path in write_templates(tmp_path / "templates"):
        raw = path.read_bytes()
        assert raw.startswith(codecs.BOM_UTF8), path.name
        if path.name.startswith("actors"):
            assert "ОМОН".encode() in raw
        plan = read_csv(empty_case, path)
        assert not plan.rejected and plan.reading.startswith("UTF-8 (with byte-order mark)")


def test_csv_zip_imports_back_into_an_empty_case_as_the_same_case(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables.zip"
    with open_case(sample_path, read_only=True) as case:
        export(case, "csv", out)
        original = canonical_text(case)
    create_case(tmp_path / "restored.case", "placeholder").close()
    line = run_import(out, tmp_path / "restored.case")
    assert "20 events" in line and "117 citations" in line
    with open_case(tmp_path / "restored.case", read_only=True) as restored:
        assert canonical_text(restored) == original
        assert restored.search_index_ok() and restored.search("OMON")
    # into the same case again: nothing new
    assert "nothing new" in run_import(out, tmp_path / "restored.case")


def test_csv_zip_round_trip_keeps_formula_text_blobs_and_empty_values(tmp_path: Path) -> None:
    case = create_case(tmp_path / "case.case", "Formulas", timezone="Europe/Minsk")
    with case.transaction():
        luka = case.insert("actors", {"name": "=HYPERLINK(\"http://x\")", "aliases": ["-5 minus", "@home"],
                                      "color": None, "description": "+ plus"})
        kremlin = case.insert("actors", {"name": "Kremlin", "color": "#d55e00"})
        case.insert("relations", {"from_actor_id": luka, "to_actor_id": kremlin, "kind": "-1", "directed": 0})
        case.insert("places", {"name": "Minsk", "lat": 53.9, "lon": 27.566667, "country": "BY"})
        case.insert("views", {"title": "Slide", "thumbnail": b"\x89PNG\x00\xff"})
    out = tmp_path / "tables.zip"
    export(case, "csv", out)
    original = canonical_text(case)
    case.close()
    with zipfile.ZipFile(out) as archive:
        assert "'=HYPERLINK" in archive.read("actors.csv").decode("utf-8-sig")  # formulas stay inert in Excel
    create_case(tmp_path / "restored.case", "placeholder").close()
    run_import(out, tmp_path / "restored.case")
    with open_case(tmp_path / "restored.case", read_only=True) as restored:
        assert canonical_text(restored) == original


def test_a_zip_that_is_not_ours_is_refused_in_one_sentence(tmp_path: Path) -> None:
    create_case(tmp_path / "t.case", "T").close()
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sales.csv", "region,total\nnorth,1\n")
    with pytest.raises(CaseError, match="sales.csv is not a table of a Case Workbench case"):
        run_import(path, tmp_path / "t.case")
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(CaseError, match="not a readable zip"):
        run_import(path, tmp_path / "t.case")


# LibreOffice Calc's own CSV exports: filter options separator, quote, character set (rtl_TextEncoding:
# 1 Windows-1252, 34 Windows-1251, 76 UTF-8, 65535 UTF-16), first line.
CALC_EXPORTS = {
    "events-cp1252-semicolon": ("events", "59,34,1,1", "Windows-1252 (Western European), guessed from the text, "
                                                     "separated by ';'"),
    "actors-cp1251-comma": ("actors", "44,34,34,1", "Windows-1251 (Cyrillic), guessed from the text, "
                                                   "separated by ','"),
    "actors-utf16-tab": ("actors", "9,34,65535,1", "UTF-16 (with byte-order mark), separated by tab"),
}


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice is not installed (make interop-tools installs libreoffice-calc where apt-get can)")
    return found


@pytest.fixture(scope="module")
def calc_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each source table opened in LibreOffice Calc and saved by Calc as CSV with the options above."""
    program = soffice()
    folder = tmp_path_factory.mktemp("calc")
    profile = folder / "profile"  # a profile of its own: no clash with another LibreOffice running
    exports = {}
    for name, (table, options, _reading) in CALC_EXPORTS.items():
        source = folder / "in" / name / f"{name}.csv"
        source.parent.mkdir(parents=True)
        source.write_text(events_text(",") if table == "events" else actors_text(","), encoding="utf-8")
        out = folder / "out" / name
        result = subprocess.run(
            [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--infilter=Text - txt - csv (StarCalc):44,34,76,1",
             "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(out), str(source)],
            capture_output=True, text=True, timeout=180, check=False)
        exports[name] = out / f"{name}.csv"
        if not exports[name].is_file():
            if "could not be loaded" in result.stderr:
                pytest.skip("LibreOffice Calc is not installed (make interop-tools installs libreoffice-calc)")
            pytest.fail(f"LibreOffice wrote no {name}.csv: {result.stdout} {result.stderr}")
    return exports


@pytest.mark.parametrize("name", sorted(CALC_EXPORTS))
def test_libreoffice_calc_exports_import(name: str, calc_exports: dict[str, Path], empty_case) -> None:
    table, _options, reading = CALC_EXPORTS[name]
    plan = read_csv(empty_case, calc_exports[name])
    assert plan.reading == reading
    check_events(calc_exports[name], plan) if table == "events" else check_actors(plan)
