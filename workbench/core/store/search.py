"""The full-text search query language: words to an FTS5 query, Cyrillic and Latin spellings of a word."""

from __future__ import annotations

import re

from workbench.core.names import latin_forms

# A search looks for at most this many words, each cut to this many characters: a pasted page
# or one endless "word" must not build a query SQLite refuses or takes quadratic time over.
MAX_TERMS = 24
MAX_WORD = 64


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
