"""What one committed transaction changed (`Changes`), announced once to the views that depend on it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Changes:
    """What one committed operation changed, announced once to the views that depend on it.

    `written` maps each table to the ids inserted or updated, `deleted` to the ids removed (a
    join table's rows are named by their first key column); `bulk` names tables written in bulk,
    whose ids are not listed. `origin` is whoever made the change: the view that asked, so it
    need not re-read what it just did, or None (undo, redo, the command line) for everyone.
    """

    written: Mapping[str, frozenset[str]] = field(default_factory=dict)
    deleted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    bulk: frozenset[str] = frozenset()
    origin: object = None
    # What the operation returned besides its changes (an id, counts for a status line).
    result: Any = field(default=None, compare=False)

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.written) | frozenset(self.deleted) | self.bulk

    def touches(self, tables: Iterable[str]) -> bool:
        return not self.tables.isdisjoint(tables)

    def ids(self, table: str) -> frozenset[str]:
        """Ids of `table` written or deleted (empty for a bulk write: reload the table)."""
        return self.written.get(table, frozenset()) | self.deleted.get(table, frozenset())

    def __bool__(self) -> bool:
        return bool(self.tables)


class ChangeLog:
    """Collects the primitive writes of one transaction into the one `Changes` it announces."""

    def __init__(self) -> None:
        self.written: dict[str, set[str]] = {}
        self.deleted: dict[str, set[str]] = {}
        self.bulk: set[str] = set()
        self.origin: object = None

    def note(self, table: str, action: str, ids: Iterable[str], origin: object = None) -> None:
        if self.origin is None:
            self.origin = origin
        if action == "bulk insert":
            self.bulk.add(table)
            return
        target = self.deleted if action == "delete" else self.written
        target.setdefault(table, set()).update(ids)

    def changes(self, result: Any = None) -> Changes:
        return Changes(
            written={t: frozenset(ids) for t, ids in self.written.items()},
            deleted={t: frozenset(ids) for t, ids in self.deleted.items()},
            bulk=frozenset(self.bulk), origin=self.origin, result=result,
        )
