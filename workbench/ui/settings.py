"""Where the app keeps its own preferences (recent files, window layout): QSettings, never the case file.

`WORKBENCH_SETTINGS_DIR` points them at a folder of its own (tests, portable use); otherwise
Qt's usual per-user place is used.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "Case Workbench"
APPLICATION = "workbench"
RECENT_LIMIT = 10


def app_settings() -> QSettings:
    folder = os.environ.get("WORKBENCH_SETTINGS_DIR")
    if folder:
        return QSettings(str(Path(folder) / "workbench.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def recent_files() -> list[Path]:
    value = app_settings().value("recent_files", [])
    if isinstance(value, str):
        value = [value]
    return [Path(item) for item in value or [] if isinstance(item, str) and item]


def remember_recent(path: Path) -> list[Path]:
    path = path.resolve()
    files = [path] + [item for item in recent_files() if item != path]
    files = files[:RECENT_LIMIT]
    settings = app_settings()
    settings.setValue("recent_files", [str(item) for item in files])
    settings.sync()
    return files


def forget_recent(path: Path) -> None:
    files = [item for item in recent_files() if item != path.resolve()]
    settings = app_settings()
    settings.setValue("recent_files", [str(item) for item in files])
    settings.sync()


def analyst_name() -> str | None:
    """The name written into audit trails, when the analyst set one in Preferences (else the OS user)."""
    value = app_settings().value("analyst", "")
    return str(value) if value else None


def set_analyst(name: str) -> None:
    settings = app_settings()
    settings.setValue("analyst", name)
    settings.sync()
