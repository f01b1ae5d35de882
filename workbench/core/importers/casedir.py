"""Import a case directory (`workbench export --format casedir`): read as the canonical document it holds,
so a new case's canonical JSON is byte-identical to the exported case's (see `core.casedir`)."""

from __future__ import annotations

from pathlib import Path

from workbench.core.canonical import HEADER_KEY
from workbench.core.casedir import TableConflict, read_casedir
from workbench.core.importers.canonical import check_header, import_document
from workbench.core.progress import NO_PROGRESS, Progress
from workbench.core.store import Case, CaseError


class UnresolvedConflicts(CaseError):
    """The directory holds conflict blocks a merge left: they are settled in the app, not imported blind."""

    def __init__(self, folder: Path, conflicts: list[TableConflict]) -> None:
        self.conflicts = conflicts
        super().__init__(f"{folder.name} holds {len(conflicts)} merge conflict(s) not yet resolved; open it in "
                         "the app, which shows them in its merge dialog, or resolve them in the files.")


def import_casedir(folder: Path, into: Case, progress: Progress = NO_PROGRESS,
                   conflicts_ok: bool = False) -> dict[str, int]:
    """Read a case directory into `into` as `importers.canonical.import_document` does; returns records added
    per table. A directory holding conflict blocks is refused (UnresolvedConflicts), unless `conflicts_ok`:
    then our side of each block is read (the app then offers the other side in its merge dialog)."""
    folder = Path(folder)
    document, conflicts = read_casedir(folder)
    if conflicts and not conflicts_ok:
        raise UnresolvedConflicts(folder, conflicts)
    check_header(folder.name, document[HEADER_KEY])
    progress(0.2)
    return import_document(document, folder.name, into, progress)
