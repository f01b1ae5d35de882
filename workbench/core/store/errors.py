"""Why a case file was refused, needs repair or is read-only: each said in one sentence for the analyst."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.core.errors import CaseError
from workbench.core.model import record_name


class CaseRefused(CaseError):
    """The file was not opened; nothing was written to it."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Cannot open {self.path.name}: {reason}.")


@dataclass(frozen=True)
class Dangling:
    """A row whose foreign key names a record that is not in the case (written by another tool)."""

    table: str
    key: tuple[tuple[str, Any], ...]  # (column, value) pairs naming the row: its id, or a join table's key
    column: str
    target: str  # the table the missing record would be in
    value: Any  # the id that is not there
    on_delete: str  # the foreign key's ON DELETE action: what deleting the target would have done


class CaseNeedsRepair(CaseRefused):
    """Sound except for dangling references, which Check Case can repair; nothing was written."""

    def __init__(self, path: Path | str, dangling: Sequence[Dangling]) -> None:
        self.dangling = list(dangling)
        first = self.dangling[0]
        rows = "1 row points" if len(self.dangling) == 1 else f"{len(self.dangling)} rows point"
        super().__init__(
            path,
            f"it is inconsistent ({rows} at records that are not there, first a row of '{first.table}' at a "
            f"missing '{first.target}'); Check Case (workbench check --repair) can repair it",
        )


class CaseHoldsBadValues(CaseRefused):
    """Sound, but holding values the app cannot read (another program wrote them past our rules): Check Case
    can clear them, or the app can show them as unreadable (read-only); nothing was written."""

    def __init__(self, path: Path | str, bad: Sequence[Any]) -> None:
        self.bad = list(bad)  # store.values.BadValue, each with its one-sentence describe()
        first = self.bad[0]
        count = "1 value" if len(self.bad) == 1 else f"{len(self.bad)} values"
        super().__init__(
            path,
            f"it holds {count} the app cannot read (first the {first.column} of {first.table} {first.record}, which "
            f"{first.why}); Check Case (workbench check --repair) can clear them",
        )


class SearchIndexDamaged(CaseError):
    """A search could not read the case's search index (damaged by another program); nothing was searched."""

    def __init__(self) -> None:
        super().__init__("The search index of this case is damaged, so nothing could be searched; Check Case "
                         "(File > Check Case, or workbench check --repair) rebuilds it.")


class CaseReadOnly(CaseError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name} is open read-only; changes are not allowed.")


class CaseBusy(CaseError):
    """Another program holds the case's write lock; nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"Another program is writing to {path.name}, so nothing was changed; try again when it "
                         "has finished.")


class StaleJournal(CaseError):
    """Undo or redo would overwrite what another writer did since; nothing was written."""

    def __init__(self, table: str, row: dict[str, Any], what: str) -> None:
        name = record_name(row, default=str(row.get("id", "")))
        noun = table.removesuffix("s") if table != "meta" else "case property"
        super().__init__(f"The {noun} '{name[:60]}' {what} by someone else since (another program or the "
                         "command line), so this step cannot be undone or redone without overwriting that; "
                         "nothing was changed.")
