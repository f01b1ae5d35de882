"""The case file: open, create and check it (it is untrusted input), migrate it, and read and write it
through the one gateway, `Case`.

Modules: `gateway` (Case, open_case, create_case), `checks` (untrusted files), `migrate` (the migrations), `changes`
(the one change notice), `tables` (what each table is), `search` (the full-text query language), `errors`.
"""

from __future__ import annotations

from workbench.core.errors import CaseError
from workbench.core.store import cipher
from workbench.core.store.changes import ChangeLog, Changes
from workbench.core.store.checks import (
    HeaderInfo,
    check_case,
    check_database,
    check_header,
    find_dangling,
    first_problem,
    harden,
    is_fts_shadow,
    is_writable,
    read_header,
    schema_difference,
)
from workbench.core.store.cipher import PasswordNeeded, WrongPassword
from workbench.core.store.errors import (
    CaseBusy,
    CaseHoldsBadValues,
    CaseNeedsRepair,
    CaseReadOnly,
    CaseRefused,
    Dangling,
    SearchIndexDamaged,
    StaleJournal,
)
from workbench.core.store.gateway import Case, create_case, default_analyst, new_id, open_case, replayable
from workbench.core.store.migrate import (
    Migration,
    apply_migrations,
    expected_schema,
    migrations,
    schema_version,
    split_statements,
)
from workbench.core.store.search import MAX_TERMS, fts_query, search_words, transliterations, words_left_out
from workbench.core.store.tables import (
    APPLICATION_ID,
    AUDIT_DETAIL_ROWS,
    BULK_CACHE_KIB,
    CASE_SUFFIX,
    CHECK_SECONDS,
    COUNTED_TABLES,
    FTS_COLUMNS,
    FTS_SHADOW_SUFFIXES,
    FTS_TABLES,
    KEYED_TABLES,
    LINK_TABLES,
    MAX_VALUE_BYTES,
    RECORD_TABLES,
    SQLITE_MAGIC,
)

__all__ = [
    "APPLICATION_ID",
    "AUDIT_DETAIL_ROWS",
    "BULK_CACHE_KIB",
    "CASE_SUFFIX",
    "CHECK_SECONDS",
    "COUNTED_TABLES",
    "Case",
    "CaseBusy",
    "CaseHoldsBadValues",
    "CaseError",
    "CaseNeedsRepair",
    "CaseReadOnly",
    "CaseRefused",
    "ChangeLog",
    "Changes",
    "PasswordNeeded",
    "WrongPassword",
    "cipher",
    "Dangling",
    "SearchIndexDamaged",
    "StaleJournal",
    "replayable",
    "FTS_COLUMNS",
    "FTS_SHADOW_SUFFIXES",
    "FTS_TABLES",
    "HeaderInfo",
    "KEYED_TABLES",
    "LINK_TABLES",
    "MAX_VALUE_BYTES",
    "Migration",
    "RECORD_TABLES",
    "SQLITE_MAGIC",
    "apply_migrations",
    "check_case",
    "check_database",
    "check_header",
    "create_case",
    "default_analyst",
    "expected_schema",
    "find_dangling",
    "first_problem",
    "MAX_TERMS",
    "fts_query",
    "search_words",
    "words_left_out",
    "harden",
    "is_fts_shadow",
    "is_writable",
    "migrations",
    "new_id",
    "open_case",
    "read_header",
    "schema_difference",
    "schema_version",
    "split_statements",
    "transliterations",
]
