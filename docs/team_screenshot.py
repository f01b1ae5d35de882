"""Renders docs/team-merge.png for the README's "Working as a team": the merge dialog over the window at 1440x900,
on the conflicts a real `git merge` of two analysts' edits of the sample left.

    QT_QPA_PLATFORM=offscreen WORKBENCH_SETTINGS_DIR=$(mktemp -d) python docs/team_screenshot.py [OUT.png]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def edit(folder: Path, change, scratch: Path) -> None:
    from workbench.core.exporters.casedir import export_casedir
    from workbench.core.importers.casedir import import_casedir
    from workbench.core.store import create_case

    case = create_case(scratch / f"work-{len(list(scratch.iterdir()))}.case", "work")
    try:
        import_casedir(folder, case)
        change(case)
        export_casedir(case, folder)
    finally:
        case.close()


def main(out: Path) -> None:
    from PySide6.QtCore import QPoint, QTimer
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QApplication

    from workbench.core.casedir import read_casedir
    from workbench.core.ops import delete_records, edit_record
    from workbench.core.sample import build_sample_case
    from workbench.ui.app import application
    from workbench.ui.main_window import MainWindow
    from workbench.ui.sharing import MergeDialog

    work = Path(tempfile.mkdtemp())
    config = work / "gitconfig"
    config.write_text("[user]\n\tname = Anna\n\temail = anna@example.org\n[init]\n\tdefaultBranch = main\n")
    os.environ.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    build_sample_case(work / "sample.case").close()
    repo = work / "team"
    repo.mkdir()
    git(repo, "init", "--quiet")
    cli = [sys.executable, "-m", "workbench.cli"]
    subprocess.run([*cli, "export", str(work / "sample.case"), "--format", "casedir", "--out", str(repo / "belarus")],
                   check=True, capture_output=True)
    subprocess.run([*cli, "git-setup", str(repo)], check=True, capture_output=True)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "the sample")
    folder = repo / "belarus"
    document, _ = read_casedir(folder)
    event = next(e for e in document["events"] if "first request" in e["title"].lower() or "Russia" in e["title"])
    omon = next(a for a in document["actors"] if a["name"].startswith("OMON"))
    note = document["notes"][0]
    scratch = work / "scratch"
    scratch.mkdir()
    git(repo, "checkout", "-qb", "boris")
    edit(folder, lambda c: (edit_record(c, "events", event["id"], {"title": "Lukashenko: Putin promised "
                                                                   "'comprehensive help' on request"}),
                            edit_record(c, "actors", omon["id"], {"kind": "security service"}),
                            edit_record(c, "notes", note["id"], {"text": note["text"] + " Checked against BelTA."})),
         scratch)
    git(repo, "commit", "-qam", "Boris: the call's wording; OMON's kind")
    git(repo, "checkout", "-q", "main")
    edit(folder, lambda c: (edit_record(c, "events", event["id"], {"title": "Lukashenko says Russia will provide "
                                                                   "security help at the first request"}),
                            edit_record(c, "actors", omon["id"], {"kind": "police"}),
                            delete_records(c, "notes", [note["id"]])), scratch)
    git(repo, "commit", "-qam", "Anna: the call's wording; OMON's kind; a stale note")
    merged = git(repo, "merge", "--no-edit", "boris")
    print(merged.stdout + merged.stderr)

    app = application()
    window = MainWindow()
    window.keep_layout = False
    window.ask = lambda title, question: True  # "settle the conflicts now?"
    shots: list = []

    def grab_dialog() -> None:  # the modal merge dialog, drawn over the window, then cancelled
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, MergeDialog) and not shots:
            for _ in range(20):
                app.processEvents()
            picture = window.grab()
            painter = QPainter(picture)
            shot = dialog.grab()
            painter.drawPixmap(QPoint((picture.width() - shot.width()) // 2,
                                      (picture.height() - shot.height()) // 2), shot)
            painter.end()
            shots.append(picture)
            dialog.reject()

    window.resize(1440, 900)
    window.show()
    window.build_views()
    for _ in range(20):
        app.processEvents()
    timer = QTimer()
    timer.timeout.connect(grab_dialog)
    timer.start(50)
    window.open_path(repo)
    timer.stop()
    shots[0].save(str(out))
    print(f"wrote {out} ({shots[0].width()}x{shots[0].height()})")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("team-merge.png"))
