"""Packaging without building: desktop entry, AppStream metainfo, MIME type, icons, About text, --version."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workbench import __version__
from workbench.core.store import create_case, schema_version

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "org.caseworkbench.CaseWorkbench"
MIME_TYPE = "application/x-case-workbench"
ICONS = ROOT / "resources" / "icons" / "hicolor"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_case_files_with_the_app() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Case Workbench"
    assert entry["Exec"].split()[0] == "workbench" and entry["Exec"].split()[-1] in ("%f", "%F")
    assert entry["Icon"] == APP_ID
    assert entry["Terminal"] == "false"
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert entry["Categories"].endswith(";") and entry["MimeType"].endswith(";")


def test_metainfo_names_the_desktop_file_and_the_mime_type() -> None:
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.find("launchable").get("type") == "desktop-id"
    assert MIME_TYPE in [m.text for m in root.iter("mediatype")]
    assert root.findtext("summary") and root.find("description/p") is not None
    assert root.find("content_rating").get("type") == "oars-1.1"
    releases = [r.get("version") for r in root.iter("release")]
    assert __version__ in releases, "add a <release> for the current version"


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstreamcli not installed")
def test_metainfo_passes_appstreamcli() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(PACKAGING / f"{APP_ID}.metainfo.xml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-validate not installed")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(PACKAGING / f"{APP_ID}.desktop")],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout + result.stderr


def test_mime_xml_declares_glob_and_magic_with_the_application_id() -> None:
    from workbench.core.store import APPLICATION_ID

    root = ET.parse(PACKAGING / f"{APP_ID}.mime.xml").getroot()
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")] == ["*.case"]
    assert mime.find(f"{MIME_NS}sub-class-of").get("type") == "application/vnd.sqlite3"
    header = mime.find(f"{MIME_NS}magic/{MIME_NS}match")
    assert header.get("value") == "SQLite format 3\\000" and header.get("offset") == "0"
    application_id = header.find(f"{MIME_NS}match")
    assert application_id.get("type") == "big32" and application_id.get("offset") == "68"
    assert int(application_id.get("value"), 16) == APPLICATION_ID


def test_qt_recognises_a_case_file_by_content_with_the_mime_xml(tmp_path: Path) -> None:
    """The MIME XML as a file manager reads it: a case file is ours even renamed; a plain SQLite file is not."""
    packages = tmp_path / "data" / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy2(PACKAGING / f"{APP_ID}.mime.xml", packages / f"{APP_ID}.xml")
    create_case(tmp_path / "a.case", "T").close()
    shutil.copy2(tmp_path / "a.case", tmp_path / "renamed.bin")
    import sqlite3

    plain = sqlite3.connect(tmp_path / "plain.bin")
    plain.execute("CREATE TABLE t (a)")
    plain.commit()
    plain.close()
    probe = (
        "import sys\nfrom PySide6.QtCore import QCoreApplication, QMimeDatabase\n"
        "app = QCoreApplication([])\ndb = QMimeDatabase()\n"
        "for path in sys.argv[1:]:\n"
        "    print(db.mimeTypeForFile(path, QMimeDatabase.MatchMode.MatchContent).name())\n"
        "print(db.mimeTypeForFile(sys.argv[1]).name())\n"
        "print(db.mimeTypeForName('application/x-case-workbench').iconName())\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_DATA_DIRS": str(tmp_path / "none")}
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "a.case"), str(tmp_path / "renamed.bin"),
                             str(tmp_path / "plain.bin")], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    by_content_case, by_content_renamed, by_content_plain, by_name, icon = result.stdout.split()
    assert by_content_case == by_content_renamed == by_name == MIME_TYPE
    assert by_content_plain != MIME_TYPE
    assert icon == "application-x-case-workbench"


def test_icons_exist_in_the_usual_sizes() -> None:
    from PySide6.QtGui import QImage

    for context, name in (("apps", APP_ID), ("mimetypes", "application-x-case-workbench")):
        svg = ICONS / "scalable" / context / f"{name}.svg"
        assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
        for size in (16, 24, 32, 48, 64, 128, 256, 512):
            image = QImage(str(ICONS / f"{size}x{size}" / context / f"{name}.png"))
            assert (image.width(), image.height()) == (size, size), (context, size)
            assert image.hasAlphaChannel()


def test_version_option_prints_the_version() -> None:
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "--version"], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.strip() == f"Case Workbench {__version__}"


def test_licences_cover_the_runtime_libraries() -> None:
    from workbench.licenses import bundled_licences, licences_text

    licences = {lic.name.lower().replace("_", "-"): lic for lic in bundled_licences()}
    for name in ("case-workbench", "pyside6-essentials", "shiboken6", "numpy", "networkx", "pyqtgraph",
                 "sqlite-utils", "platformdirs", "python", "sqlite", "sqlcipher", "openssl"):
        assert name in licences, f"{name} missing from {sorted(licences)}"
    assert not {"pytest", "hypothesis", "ruff", "pyinstaller"} & set(licences), "test and build tools are not bundled"
    for name in ("pyside6-essentials", "numpy", "networkx", "python"):
        assert licences[name].texts and all(text.strip() for _, text in licences[name].texts), name
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in licences_text()
    assert licences["sqlcipher"].licence.startswith("BSD") and "ZETETIC LLC" in licences["sqlcipher"].texts[0][1]
    assert licences["openssl"].licence == "Apache-2.0" and licences["openssl"].version.startswith("3.")


def test_about_dialog_shows_versions_and_licences(qtbot) -> None:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from workbench.ui.about import AboutDialog, about_text

    text = about_text()
    for expected in (f"Case Workbench {__version__}", f"Case file schema {schema_version()}", f"Qt {qVersion()}",
                     f"PySide6 {pyside_version}", f"Python {sys.version.split()[0]}", "networkx", "BSD-3-Clause"):
        assert expected in text
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert f"Case Workbench {__version__}" in dialog.versions.text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in dialog.licences.toPlainText()
    assert dialog.licences.isReadOnly()
