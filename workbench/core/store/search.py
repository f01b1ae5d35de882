"""The full-text search query language: words to an FTS5 query, Cyrillic and Latin spellings of a word; how
many matches a search ranks."""

from __future__ import annotations

import re
import sqlite3

from workbench.core.names import latin_forms

# A search looks for at most this many words, each cut to this many characters: a pasted page
# or one endless "word" must not build a query SQLite refuses or takes quadratic time over.
MAX_TERMS = 24
MAX_WORD = 64

# FTS5 works out bm25 for every match before it keeps the best few, and reads a prefix's every posting to do
# so: a word in 150,000 events of a million-event case cost a third of a second a keystroke. A search that
# matches more records of one kind than this shows those added last (the newest imports and entries) instead of
# ranking them, and says so: the analyst narrows it with another word.
RANK_POOL = 2000


def best_rowids(conn: sqlite3.Connection, fts: str, query: str, limit: int,
                pool: int = RANK_POOL) -> tuple[list[int], bool]:
    """The rowids of the FTS table `fts` that `query` finds, best first, at most `limit`, and whether more than
    `pool` records match (then the `limit` added last, newest first, without ranking: `crowded`).

    The first statement walks the index once in rowid order and stops after `pool` + 1 rows; only a search with
    no more than `pool` matches is ranked (bm25, FTS5's `rank`)."""
    newest = [rowid for (rowid,) in conn.execute(
        f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC LIMIT ?", (query, pool + 1))]
    if len(newest) > pool:
        return newest[:limit], True
    if len(newest) <= 1:
        return newest[:limit], False
    return [rowid for (rowid,) in conn.execute(
        f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rank LIMIT ?", (query, limit))], False


def search_words(text: str) -> list[str]:
    """The words a search looks for (each also as the start of a longer word): at most MAX_TERMS
    distinct words of at most MAX_WORD characters, in the order typed."""
    words: list[str] = []
    for match in re.finditer(r"\w+", text):
        word = match.group()[:MAX_WORD]
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
            if len(words) == MAX_TERMS:
                break
    return words


def words_left_out(text: str) -> int:
    """How many distinct words of `text` a search leaves out (beyond MAX_TERMS), to say so."""
    distinct = {m.group()[:MAX_WORD].casefold() for m in re.finditer(r"\w+", text)}
    return max(0, len(distinct) - MAX_TERMS)


def fts_query(text: str) -> str:
    """User words -> an FTS5 query matching all of them as prefixes; no FTS syntax gets through.

    A Cyrillic word also matches its Latin transliterations, so 'договорил' finds the BelTA
    URL slug 'lukashenko-dogovorilsja-s-putinym' and 'омон' finds 'OMON'. Groups are joined with
    an explicit AND: FTS5 has no implicit AND between parenthesised groups ("омон кремль").
    """
    groups = []
    for word in search_words(text):
        forms = [word, *(form for form in transliterations(word) if form != word)]
        quoted = [f'"{form}"*' for form in dict.fromkeys(forms)]
        groups.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " AND ".join(groups)


def transliterations(word: str) -> list[str]:
    """Latin spellings of a Cyrillic word (none for a word without Cyrillic letters): core.names'
    forms (news and passport style, the Russian, Belarusian and Ukrainian romanisations, slugs)."""
    return latin_forms(word)
