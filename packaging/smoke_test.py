"""`make package-test`: run what `make package` built, as a user on a machine without Python would.

1. The frozen app (dist/case-workbench) in a clean home with no network namespace access
   (`unshare -n` where allowed): --version, --screenshot on the sample case, and on a case given
   on the command line, which it must render like the pip-installed app in .venv does.
2. The desktop files the bundle carries: desktop-file-validate, appstreamcli, the MIME type
   compiled by update-mime-database and asked about by Qt, and install-desktop.sh into a temp dir.
3. The wheel, installed into a fresh venv from the package registry: `workbench --version`,
   `workbench info` and the bundled resources; the sdist holds resources/.

Exits 0 when every check passes; otherwise prints each failure and exits 1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # this script's own Qt, for reading PNGs
ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "case-workbench"
APP_ID = "org.caseworkbench.CaseWorkbench"
MIME_TYPE = "application/x-case-workbench"
SCREEN_SIZE = (1440, 900)  # workbench.ui.app.SCREENSHOT_SIZE, the default window size
# Share of differing pixels tolerated between the frozen and the .venv screenshot (font hinting).
MAX_PIXEL_DIFFERENCE = 0.01

sys.path.insert(0, str(ROOT))
from workbench import __version__  # noqa: E402

failures: list[str] = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(f"{what}: {detail}" if detail else what)
    return ok


def run(command: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    # From the user's home, never from the checkout, whose workbench/ would shadow what was installed.
    home = Path(env["HOME"])
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(command, env=env, cwd=home, capture_output=True, text=True, timeout=timeout)


def isolated_env(home: Path) -> dict[str, str]:
    """A user with nothing set up: empty home, no Python on the environment, offscreen Qt."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_RUNTIME_DIR": str(home / "runtime"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


def without_network() -> list[str]:
    """`unshare -n` when this user may make a network namespace: proof the app needs no network."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    print("  (unshare -n not allowed here: the frozen app runs with the network present)")
    return []


def image_difference(first: Path, second: Path) -> float:
    """Share of pixels that differ between two PNGs of the same size (1.0 when sizes differ)."""
    import numpy as np
    from PySide6.QtGui import QImage

    a, b = QImage(str(first)), QImage(str(second))
    if a.isNull() or b.isNull() or a.size() != b.size():
        return 1.0
    converted = [image.convertToFormat(QImage.Format.Format_RGB32) for image in (a, b)]
    # Copied out while the converted images live: constBits() points into their memory.
    pixels = [np.frombuffer(image.constBits(), dtype=np.uint32).copy() for image in converted]
    return float(np.count_nonzero(pixels[0] != pixels[1])) / pixels[0].size


def distinct_colours(png: Path) -> int:
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    colours = {image.pixel(x, y) for y in range(0, image.height(), 7) for x in range(0, image.width(), 7)}
    return len(colours)


def screenshot_ok(result: subprocess.CompletedProcess[str], png: Path, what: str) -> bool:
    ok = check(result.returncode == 0, f"{what} exits 0", f"exit {result.returncode}: {result.stderr.strip()[-600:]}")
    if not ok:
        return False
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    size = (image.width(), image.height())
    check(size == SCREEN_SIZE, f"{what} writes a {SCREEN_SIZE[0]}x{SCREEN_SIZE[1]} PNG", f"got {size}")
    colours = distinct_colours(png)
    return check(colours > 50, f"{what} draws the window (not blank)", f"{colours} colours")


def test_frozen_app(work: Path) -> None:
    print("Frozen app", BUNDLE)
    program = BUNDLE / "workbench"
    if not check(program.is_file() and os.access(program, os.X_OK), "dist/case-workbench/workbench exists"):
        return
    env = isolated_env(work / "home")
    prefix = without_network()

    result = run(prefix + [str(program), "--version"], env)
    check(result.stdout.strip() == f"Case Workbench {__version__}", "--version", repr(result.stdout + result.stderr))

    sample_png = work / "frozen-sample.png"
    started = time.monotonic()
    result = run(prefix + [str(program), "--screenshot", str(sample_png)], env)
    screenshot_ok(result, sample_png, f"--screenshot on the sample case ({time.monotonic() - started:.1f} s)")
    built = Path(env["XDG_DATA_HOME"]) / "case-workbench" / "samples" / "belarus-2020-08-15.case"
    if not check(built.is_file(), "the sample case is built from the bundled resources on first run"):
        return

    given = work / "given case.case"  # a space in the name, as double-clicked files often have
    shutil.copy2(built, given)
    before = given.read_bytes()
    given_png = work / "frozen-given.png"
    result = run(prefix + [str(program), "--screenshot", str(given_png), str(given)], env)
    if screenshot_ok(result, given_png, "--screenshot on a case given on the command line"):
        check(given.read_bytes() == before, "the given case is left byte-for-byte unchanged")
    result = run(prefix + [str(program), "check", str(given)], env)
    check(result.returncode == 0 and "healthy" in result.stdout, "check subcommand", result.stdout + result.stderr)

    # names in any script (core.names): anyascii's tables and rapidfuzz's compiled scorers are loaded
    # on first use, so only a name to match shows they are in the bundle
    names_case = work / "names.case"
    shutil.copy2(built, names_case)
    report = work / "names.md"
    report.write_text("# Minsk, 16 August 2020\n\nOn 16 August 2020 Лукашэнка and Kachanava met the "
                      "Łukaszenka loyalists in Minsk.\n", encoding="utf-8")
    result = run(prefix + [str(program), "import", str(report), "--into", str(names_case), "--accept-all"], env)
    check(result.returncode == 0, "import matches names across scripts", result.stdout + result.stderr)

    empty = work / "new.case"
    result = run(prefix + [str(program), "new", str(empty), "--title", "Smoke test"], env)
    check(result.returncode == 0 and empty.is_file(), "new subcommand", result.stderr)
    result = run(prefix + [str(program), "--screenshot", str(work / "frozen-empty.png"), str(empty)], env)
    screenshot_ok(result, work / "frozen-empty.png", "--screenshot on a new empty case")

    # an encrypted case (SQLCipher, inside sqlcipher3's extension module): made, checked and drawn by the bundle
    secret = work / "secret.case"
    password_file = work / "password.txt"
    password_file.write_text("smoke test password\n", encoding="utf-8")
    result = run(prefix + [str(program), "new", str(secret), "--encrypt", "--password-file", str(password_file)], env)
    check(result.returncode == 0 and not secret.read_bytes().startswith(b"SQLite format 3"),
          "new --encrypt makes an encrypted case", result.stdout + result.stderr)
    result = run(prefix + [str(program), "check", str(secret), "--password-file", str(password_file)], env)
    check(result.returncode == 0 and "healthy" in result.stdout, "check opens the encrypted case",
          result.stdout + result.stderr)
    wrong = run(prefix + [str(program), "info", str(secret)], {**env, "WORKBENCH_PASSWORD": "wrong"})
    check(wrong.returncode == 2 and "password is not right" in wrong.stderr and "Traceback" not in wrong.stderr,
          "a wrong password is refused in one sentence", wrong.stderr)
    result = run(prefix + [str(program), "--screenshot", str(work / "frozen-secret.png"), str(secret)],
                 {**env, "WORKBENCH_PASSWORD": "smoke test password"})
    screenshot_ok(result, work / "frozen-secret.png", "--screenshot on an encrypted case")

    venv_workbench = ROOT / ".venv" / "bin" / "workbench"
    if venv_workbench.exists() and given_png.exists():
        venv_png = work / "venv-given.png"
        venv_env = isolated_env(work / "venv-home")
        result = run([str(venv_workbench), "--screenshot", str(venv_png), str(given)], venv_env)
        if result.returncode == 0:
            difference = image_difference(given_png, venv_png)
            check(difference <= MAX_PIXEL_DIFFERENCE, "frozen app renders the case as .venv/bin/workbench does",
                  f"{difference:.2%} of pixels differ ({given_png} vs {venv_png}; "
                  "run make package again if the code changed since the build)")
            print(f"       {difference:.3%} of pixels differ from the .venv app")

    internal = BUNDLE / "_internal"
    licences = list(internal.glob("*.dist-info")) + list(internal.glob("*.egg-info"))
    check(len(licences) >= 8, "library metadata (licences for the About dialog) is bundled", f"{len(licences)} found")
    check((internal / "licenses" / "python" / "LICENSE.txt").is_file(), "Python's licence is bundled")
    for unwanted in ("PySide6/Qt/lib/libQt6WebEngineCore.so.6", "PySide6/Qt/lib/libQt6Qml.so.6", "scipy", "tkinter"):
        check(not (internal / unwanted).exists(), f"{unwanted} is left out")
    for wanted in ("offscreen", "xcb", "wayland"):
        check((internal / "PySide6/Qt/plugins/platforms" / f"libq{wanted}.so").is_file(), f"Qt {wanted} plugin bundled")
    size = sum(f.stat().st_size for f in BUNDLE.rglob("*") if f.is_file() and not f.is_symlink())
    print(f"       bundle size {size / 1e6:.0f} MB")


def test_desktop_files(work: Path) -> None:
    print("Desktop integration", BUNDLE / "share")
    share = BUNDLE / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    mime = share / "mime" / "packages" / f"{APP_ID}.xml"
    for path in (desktop, metainfo, mime, share / "icons/hicolor/256x256/apps" / f"{APP_ID}.png"):
        check(path.is_file(), f"bundle holds {path.relative_to(BUNDLE)}")
    if shutil.which("desktop-file-validate") and desktop.is_file():
        result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        check(result.returncode == 0 and "error" not in result.stdout.lower(), "desktop-file-validate",
              result.stdout + result.stderr)
    else:
        print("  (desktop-file-validate not installed: skipped)")
    if shutil.which("appstreamcli") and metainfo.is_file():
        result = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True)
        check(result.returncode == 0, "appstreamcli validate", result.stdout + result.stderr)
    else:
        print("  (appstreamcli not installed: skipped)")

    data = work / "desktop-home" / "data"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work / "desktop-home"),
           "XDG_DATA_HOME": str(data)}
    result = subprocess.run(["sh", str(BUNDLE / "install-desktop.sh")], env=env, capture_output=True, text=True)
    installed = data / "applications" / f"{APP_ID}.desktop"
    if check(result.returncode == 0 and installed.is_file(), "install-desktop.sh registers the app",
             result.stdout + result.stderr):
        text = installed.read_text()
        check(f'Exec="{BUNDLE / "workbench"}" %f' in text, "installed .desktop runs the bundle's program", text)
        check((data / "icons/hicolor/scalable/mimetypes/application-x-case-workbench.svg").is_file(),
              "case file icon installed")
    if shutil.which("update-mime-database") and (data / "mime" / "mime.cache").is_file():
        from workbench.core.store import create_case

        a_case, case_without_suffix = work / "mime-probe.case", work / "renamed.bin"
        create_case(a_case, "MIME probe").close()
        shutil.copy2(a_case, case_without_suffix)
        probe = (
            "import sys\nfrom PySide6.QtCore import QCoreApplication, QMimeDatabase\n"
            "app = QCoreApplication([])\ndb = QMimeDatabase()\n"
            "print(db.mimeTypeForFile(sys.argv[1]).name(), "
            "db.mimeTypeForFile(sys.argv[2], QMimeDatabase.MatchMode.MatchContent).name())\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", probe, str(a_case), str(case_without_suffix)],
            env={**env, "XDG_DATA_DIRS": "/usr/share", "QT_QPA_PLATFORM": "offscreen"},
            capture_output=True, text=True,
        )
        check(result.stdout.split() == [MIME_TYPE, MIME_TYPE], "a case file is application/x-case-workbench "
              "by name and by content (compiled MIME database)", result.stdout + result.stderr)
    result = subprocess.run(["sh", str(BUNDLE / "install-desktop.sh"), "--uninstall"], env=env,
                            capture_output=True, text=True)
    check(result.returncode == 0 and not installed.exists(), "install-desktop.sh --uninstall", result.stderr)


def test_wheel(work: Path) -> None:
    print("Wheel and sdist", DIST)
    wheels = sorted(DIST.glob(f"case_workbench-{__version__}-*.whl"))
    sdists = sorted(DIST.glob(f"case_workbench-{__version__}.tar.gz"))
    if not check(len(wheels) == 1, "one wheel in dist/", str(wheels)):
        return
    if check(len(sdists) == 1, "one sdist in dist/", str(sdists)):
        with tarfile.open(sdists[0]) as sdist:
            names = sdist.getnames()
        for needed in ("resources/sample/belarus-2020-08-15.json", "resources/icons/hicolor/scalable/apps",
                       "resources/licenses/LGPL-3.0.txt", "workbench/core/schema/0001_initial.sql"):
            check(any(needed in name for name in names), f"sdist holds {needed}")
    venv = work / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheels[0])],
                            capture_output=True, text=True, timeout=900)
    if not check(result.returncode == 0, "the wheel installs into a fresh venv", result.stderr[-2000:]):
        return
    print(f"       installed in {time.monotonic() - started:.0f} s")
    env = isolated_env(work / "wheel-home")
    result = run([str(venv / "bin" / "workbench"), "--version"], env)
    check(result.stdout.strip() == f"Case Workbench {__version__}", "workbench --version from the wheel",
          repr(result.stdout + result.stderr))
    result = run([str(venv / "bin" / "workbench"), "new", str(work / "wheel.case"), "--title", "Wheel"], env)
    check(result.returncode == 0, "workbench new from the wheel", result.stderr)
    result = run([str(venv / "bin" / "workbench"), "info", str(work / "wheel.case")], env)
    check(result.returncode == 0 and "events" in result.stdout, "workbench info from the wheel", result.stderr)
    probe = (
        "from importlib import resources\n"
        "files = resources.files('workbench.resources')\n"
        "for name in ('sample/belarus-2020-08-15.json', 'sample/isw-belarus-2020-08-15.md', "
        "'licenses/LGPL-3.0.txt', 'icons/hicolor/256x256/apps/org.caseworkbench.CaseWorkbench.png'):\n"
        "    assert files.joinpath(name).is_file(), name\n"
        "from workbench.licenses import bundled_licences\n"
        "names = {lic.name.lower() for lic in bundled_licences()}\n"
        "assert {'pyside6_essentials', 'numpy', 'networkx', 'python'} <= names, names\n"
    )
    result = run([str(venv / "bin" / "python"), "-c", probe], env)
    check(result.returncode == 0, "the wheel carries resources/ and the licence metadata", result.stderr[-1000:])
    png = work / "wheel.png"
    result = run([str(venv / "bin" / "workbench"), "--screenshot", str(png)], env)
    screenshot_ok(result, png, "--screenshot from the wheel")


def main() -> int:
    keep = os.environ.get("KEEP_SMOKE")
    work = Path(tempfile.mkdtemp(prefix="workbench-package-test-"))
    started = time.monotonic()
    try:
        test_frozen_app(work)
        test_desktop_files(work)
        test_wheel(work)
    finally:
        if keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"package-test: {'FAILED' if failures else 'passed'} in {time.monotonic() - started:.0f} s")
    for failure in failures:
        print(f"  - {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
