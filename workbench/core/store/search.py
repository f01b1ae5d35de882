"""The full-text search query language: words to an FTS5 query, Cyrillic and Latin spellings of a word."""

from __future__ import annotations

import re


def fts_query(text: str) -> str:
    """User words -> an FTS5 query matching all of them as prefixes; no FTS syntax gets through.

    A Cyrillic word also matches its Latin transliterations, so 'договорил' finds the BelTA
    URL slug 'lukashenko-dogovorilsja-s-putinym' and 'омон' finds 'OMON'.
    """
    groups = []
    for word in re.findall(r"\w+", text):
        forms = [word, *(form for form in transliterations(word) if form != word)]
        quoted = [f'"{form}"*' for form in dict.fromkeys(forms)]
        groups.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return " ".join(groups)


# Two common romanisations of Russian and Belarusian, as seen in news URL slugs: the
# 'ya/kh/ts' style (Meduza, TASS) and the 'ja/h/c' style (BelTA, scholarly).
_ROMAN_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "і": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e",
}


_ROMAN_STYLES = (
    {"й": "y", "х": "kh", "ц": "ts", "ю": "yu", "я": "ya"},
    {"й": "j", "х": "h", "ц": "c", "ю": "ju", "я": "ja"},
)


def transliterations(word: str) -> list[str]:
    """Latin spellings of a Cyrillic word (none for a word without Cyrillic letters)."""
    lower = word.lower()
    if not re.search("[\u0400-\u04ff]", lower):
        return []
    return list(dict.fromkeys(
        "".join(style.get(ch, _ROMAN_COMMON.get(ch, ch)) for ch in lower) for style in _ROMAN_STYLES))
