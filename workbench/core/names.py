"""The one name matcher: script- and diacritic-insensitive keys, fuzzy scoring, and name indexes.

Analysts of the region type a name in whichever script and spelling they read it in:
Лукашенко, Лукашэнка, Lukashenko, Lukashenka, Łukaszenka and Lukašenka are one man. Every place
that compares names asks this module: search's Latin forms of a Cyrillic word, the filter fields,
the add/link completers, import matching, merge look-alikes and the duplicate-actor check.

Three levels, each built on the one before:

- `fold(text)`: case, accents and punctuation aside, script kept ('Łódź' -> 'lodz', 'Лукашенко'
  -> 'лукашенко'): what two spellings of one word in one script share.
- `latin(text)`: any script in Latin letters (anyascii, plus `_BEFORE_ANYASCII` for the letters whose
  hook or caron carries a sound anyascii drops: Lithuanian/Czech š ž č, Polish ż).
- `key(text)`: a skeleton in which the common romanisations of Russian, Belarusian and Ukrainian
  (BGN/PCGN, scholarly, passport, news slugs, Polish and Lithuanian spellings) coincide: sh/sz/š,
  zh/ż/ž, ch/cz/č, ts/c, kh/h/g, ya/ja/ia, w/v, a doubled letter once, Belarusian 'a' for an
  unstressed Russian 'o' (Lukashenka/Lukashenko, Hrodna/Grodno), Belarusian 'ў' ('ou') for 'ov'.

`score`/`same_name` compare two names' keys with rapidfuzz word by word and refuse a feminine
and a masculine form of one surname (Tsikhanouskaya is not Tsikhanouski, Kolesnikova is not
Kolesnikov). `NameIndex` finds a typed name among thousands of actors and their aliases.
`TextFilter` is what every filter field does with its words.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# anyascii, cyrtranslit, rapidfuzz and numpy are imported where first used: the window paints
# before they load (tests/test_architecture.py), and most sessions never type a name.

# Letters whose sound anyascii drops with the mark (it writes 'š' as 's') or spells unlike the
# region's romanisations; applied before anyascii. Cyrillic letters anyascii already spells the
# way news and passports do (х kh, ц ts, щ shch, ў u, ы y) are not repeated here.
_BEFORE_ANYASCII = str.maketrans({
    # Lithuanian, Czech, scholarly (ISO 9) and Belarusian Łacinka: the caron is an 'h'
    "š": "sh", "ž": "zh", "č": "ch", "ř": "rzh",
    # Polish: ż and ź are zh; ł is l (anyascii agrees, kept for clarity); ć, ś as in Łacinka
    "ż": "zh", "ź": "zh", "ś": "s", "ć": "c",
    # Ukrainian letters anyascii spells 'i' and 'ie': BGN/PCGN and passports write yi and ye
    "ї": "yi", "є": "ye",
    # hard and soft signs and apostrophes: no letter in any romanisation a reader types
    "ъ": "", "ь": "", "'": "", "’": "", "ʼ": "", "`": "", "ʹ": "", "ʺ": "",
})

# The romanisation variants made one (applied in order on lower-case ASCII; capitals are the
# classes, so no later step rewrites them): щ as ш, ш sh sz, ж zh, ч ch cz tch with ц ts tz c,
# х kh h with Belarusian/Ukrainian г h and Russian г g, x as ks, q as k, w as v, й j y as i.
_DIGRAPHS = (
    ("shch", "S"), ("szcz", "S"), ("sch", "S"), ("shh", "S"), ("sh", "S"), ("sz", "S"),
    ("zh", "Z"), ("tch", "C"), ("ch", "C"), ("cz", "C"), ("ts", "C"), ("tz", "C"),
    ("kh", "H"), ("gh", "H"), ("x", "ks"),
)
# then single letters, in one pass; 'a' for 'o' is Belarusian akanie (Lukashenka/Lukashenko, Hrodna/Grodno)
_LETTERS = str.maketrans({"h": "H", "g": "H", "q": "k", "w": "v", "j": "i", "y": "i", "o": "a", "c": "C"})
_MARKERS = str.maketrans("SZCH", "szch")
# Belarusian writes ць and дз where Russian writes ть and д before a soft vowel (Ціханоўская /
# Тихановская, Уладзімір / Владимир, Пуцін / Путин), and я where Russian writes е (Сяргей / Сергей,
# Аляксандр / Александр): the key writes c for either of the first, d for the second, e for the third.
_IA = re.compile("([bcdfghjklmnpqrstvwxzSZCH])ia(?=[bcdfghjklmnpqrstvwxzSZCH])")  # between consonants
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# every ASCII character but a letter, a digit or a line break is a space (str.translate is fast on ASCII)
_SPACES = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum() and chr(c) != "\n"})
_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")
_APOSTROPHES = "'’ʼ`ʹ"  # inside a word (Ukrainian м'ясо, Lukashenko's): no word break


def fold(text: str) -> str:
    """Lower case without accents, punctuation or spacing differences; the script is kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


@lru_cache(maxsize=100_000)
def _latin_run(run: str) -> str:
    from anyascii import anyascii

    return anyascii(run.translate(_BEFORE_ANYASCII)).lower()


def latin(text: str) -> str:
    """`text` in lower-case Latin letters, whatever its script: 'Ціханоўская' -> 'tsikhanouskaya',
    'Lukašenka' -> 'lukashenka', 'Łukaszenka' -> 'lukaszenka'. Apostrophes go (no word break)."""
    lower = text.casefold()
    for mark in _APOSTROPHES:
        if mark in lower:
            lower = lower.replace(mark, "")
    if lower.isascii():
        return lower
    return _NOT_ASCII.sub(lambda run: _latin_run(run.group()), unicodedata.normalize("NFC", lower))


def _skeleton(text: str) -> str:
    """The key's rewriting of lower-case ASCII text (any number of words and lines). Plain string
    replacements, in C: at 100k event titles a regular expression with look-behind costs seconds."""
    text = " " + text.translate(_SPACES).replace("\n", " \n ")
    for old, new in _DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    text = text.translate(_LETTERS)  # a lone c is ц (Polish, scholarly, Łacinka)
    text = text.replace("ti", "Ci").replace("te", "Ce").replace("dzi", "di").replace("dze", "de")
    if "ia" in text:
        text = _IA.sub(r"\1e", text)
    text = text.replace("au", "av").replace("eu", "ev")  # Belarusian ў after a vowel: Tsikhanouski
    text = text.replace(" ie", " e")  # the initial 'ye' of BGN/PCGN: Yevgeny/Evgeny, Yermoshina
    text = text.translate(_MARKERS)
    for letter in "ilns":  # the letters romanisations double: Natallia/Natalia, Vassiliev/Vasiliev, -skii
        double = letter + letter
        while double in text:
            text = text.replace(double, letter)
    return text.replace(" \n ", "\n")[1:]


@lru_cache(maxsize=50_000)
def keys(text: str) -> tuple[str, ...]:
    """The words of `key(text)`."""
    return tuple(word for word in _NOT_WORD.split(_skeleton(latin(text))) if word)


def key(text: str) -> str:
    """The skeleton two spellings of one name share, in any script: words of ASCII letters and
    digits joined by single spaces. 'Лукашенко', 'Lukashenka' and 'Łukaszenka' -> 'lukasenka'."""
    return " ".join(keys(text))


# --- Latin spellings of a Cyrillic word, for the full-text search ----------------------------------

CYRILLIC = re.compile("[\u0400-\u04ff]")
# cyrtranslit's tables per language: Russian (GOST 7.79 B: shh, cz), Belarusian (Łacinka-like:
# š, x for х), Ukrainian (scholarly: š, ž, č). The letters a word holds pick the languages.
_LANGUAGES = (("ru", "ыэъё"), ("by", "іўэ"), ("ua", "іїєґ"))
# The BelTA/scholarly news-slug style ('lukashenko-dogovorilsja'), which no library spells: j for й,
# ja ju for я ю, h for х, c for ц.
_SLUG_STYLE = str.maketrans({"й": "j", "я": "ja", "ю": "ju", "х": "h", "ц": "c", "ё": "jo", "щ": "sch"})
# Ukraine's passport romanisation (2010) and BGN/PCGN's Belarusian, which no library spells either:
# г is h (Hrodna, Kharkiv's Horlivka), и is y (Kyiv), ї and й inside a word are i, ў is w (Mahilyow).
_NATIONAL_STYLE = str.maketrans({"г": "h", "и": "y", "ї": "i", "й": "i", "ў": "w", "є": "ie", "ґ": "g"})


def latin_forms(word: str) -> list[str]:
    """The Latin spellings a Cyrillic word is commonly written in (none for a word without Cyrillic
    letters): news and passport style (anyascii), the library's Russian, Belarusian and Ukrainian
    romanisations, the slug style, each also without its diacritics (as the search index keeps it)."""
    import cyrtranslit

    lower = word.casefold()
    if not CYRILLIC.search(lower):
        return []
    forms = [latin(lower)]
    own = [language for language, letters in _LANGUAGES[1:] if any(letter in lower for letter in letters)]
    for language in own or ["ru"]:
        forms.append(cyrtranslit.to_latin(lower, language))
    forms.append(latin(lower.translate(_SLUG_STYLE)))
    forms.append(latin(lower[:1] + lower[1:].translate(_NATIONAL_STYLE)))
    if lower[:1] in "гиў":
        forms.append(latin(lower.translate(_NATIONAL_STYLE)))
    plain = []
    for form in forms:
        stripped = "".join(c for c in unicodedata.normalize("NFKD", form) if not unicodedata.combining(c))
        plain.append(re.sub(r"[^\w]", "", stripped.lower()))
    return [form for form in dict.fromkeys(plain) if form and not CYRILLIC.search(form)]


def _script(text: str) -> str:
    return "cyrillic" if CYRILLIC.search(text.casefold()) else "latin"


def other_spellings(name: str, aliases: Iterable[str] = (), person: bool = False) -> list[str]:
    """Spellings of an actor's names in the other script that none of its names has yet, for the
    alias editor to offer: a Cyrillic name in Latin letters (anyascii), and a person's Latin name in
    Russian Cyrillic (cyrtranslit; a guess the analyst takes or leaves; an organisation's English
    name would come out as letters, not as its Russian name)."""
    import cyrtranslit

    known = [n for n in [name, *aliases] if n and n.strip()]
    folded = {fold(n) for n in known}
    offered: list[str] = []
    for each in known:
        if _script(each) == "cyrillic":
            spelled = " ".join(word.upper() if original.isupper() else word[:1].upper() + word[1:]
                               for word, original in zip(latin(each).split(), each.split(), strict=False))
        elif each == name and person:
            spelled = cyrtranslit.to_cyrillic(each, "ru")
        else:
            continue
        spelled = " ".join(spelled.split())
        script = _script(spelled)
        if spelled and fold(spelled) not in folded and not any(
                same_name(spelled, other, whole=True) for other in [*known, *offered] if _script(other) == script):
            offered.append(spelled)  # a spelling no name in that script has yet (Aleksandr for Aleksander is not)
    return offered


# --- scoring two names ------------------------------------------------------------------------------

# Feminine and masculine endings of one Slavic surname, as keys write them: a match across them is
# two relatives, not two spellings (Tsikhanouskaya/Tsikhanouski, Kolesnikova/Kolesnikov).
_FEMININE = ("skaia", "ska", "aia", "ava", "eva", "ina", "ena", "ia")
_MASCULINE = ("ski", "ai", "ii", "ei", "av", "ev", "in", "en", "i")
WORD_MATCH = 80.0  # the least rapidfuzz ratio at which two words of four letters or more are one spelling
NAME_MATCH = 85.0  # the least score at which two names are taken for one
_PER_WORD_LEFT_OUT = 4.0  # 'Lukashenko' for 'Aliaksandr Lukashenka': a little less sure per word left out
_MOST_WORDS_LEFT_OUT = int((100.0 - NAME_MATCH) // _PER_WORD_LEFT_OUT)


def _gender(word: str) -> tuple[str, str] | None:
    for ending in _FEMININE:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return "f", word[: len(word) - len(ending)]
    for ending in _MASCULINE:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return "m", word[: len(word) - len(ending)]
    return None


def _other_gender(a: str, b: str) -> bool:
    """One surname in its feminine and its masculine form (or a name and the same + 'a')."""
    if a == b:
        return False
    from rapidfuzz import fuzz

    if a + "a" == b or b + "a" == a:  # Aleksandr/Aleksandra; not Petr/Petro (o is a in a key)
        return len(min(a, b, key=len)) >= 5
    ga, gb = _gender(a), _gender(b)
    if ga is None or gb is None or ga[0] == gb[0]:
        return False
    return fuzz.ratio(ga[1], gb[1]) >= WORD_MATCH or ga[1].startswith(gb[1]) or gb[1].startswith(ga[1])


@lru_cache(maxsize=100_000)
def word_score(a: str, b: str) -> float:
    """How alike two keyed words are, 0-100: an initial ('a') matches any word it begins;
    short words must be equal; a feminine and a masculine form score 0."""
    if a == b:
        return 100.0
    if len(a) == 1 or len(b) == 1:
        return 90.0 if a[0] == b[0] else 0.0
    if min(len(a), len(b)) < 4 or _other_gender(a, b):
        return 0.0
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def score_keys(a: Sequence[str], b: Sequence[str], whole: bool = False) -> float:
    """`score` on names already cut into keyed words; `whole`: word for word ('Lukashenko' is not
    taken for 'Viktor Lukashenko', as a duplicate check wants)."""
    if not a or not b or whole and len(a) != len(b):
        return 0.0
    if list(a) == list(b):
        return 100.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    # each word of the shorter name against distinct words of the longer, in any order (names are
    # written surname first or last); initials count only beside a full word. Every pairing for
    # names of up to four words, the best word for each word in turn beyond that.
    if len(long_) <= 4:
        pairings: Iterable[Sequence[int]] = permutations(range(len(long_)), len(short))
    else:
        greedy: list[int] = []
        for word in short:
            rest = [i for i in range(len(long_)) if i not in greedy]
            greedy.append(max(rest, key=lambda i, word=word: word_score(word, long_[i])))
        pairings = [greedy]
    best = 0.0
    for chosen in pairings:
        scores = [word_score(word, long_[index]) for word, index in zip(short, chosen, strict=True)]
        if min(scores) < WORD_MATCH or all(len(word) == 1 for word in short):
            continue
        value = sum(scores) / len(scores)
        if len(short) < len(long_):
            value -= _PER_WORD_LEFT_OUT * (len(long_) - len(short))
            if long_[-1] not in (long_[i] for i in chosen) and long_[0] not in (long_[i] for i in chosen):
                continue  # a middle name alone (a patronymic) does not name the person
        best = max(best, value)
    return best


def score(a: str, b: str, whole: bool = False) -> float:
    """How likely two names are one, 0-100, whatever their scripts and spellings; a name of fewer
    words ('Lukashenko') scores a little under the whole name it is part of, unless `whole`."""
    return score_keys(keys(a), keys(b), whole)


def same_name(a: str, b: str, whole: bool = False) -> bool:
    """Whether two names are taken for one (scripts, spellings, diacritics and word order aside)."""
    return score(a, b, whole) >= NAME_MATCH


# --- an index of names ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """One record found by name: its id, the name or alias that matched, and how well (0-100)."""

    record_id: str
    name: str
    score: float


class NameIndex:
    """Records (actors) by every name and alias, for finding a typed or imported name fast.

    Built once per list of records; `find` answers the best record for a name (None when none or
    when two records tie), `matches` every record taken for it, `complete` ranks the records a
    partly typed name may mean. A query looks up its words in the index's vocabulary (rapidfuzz
    over the distinct words, in C) and scores only the names holding such words.
    """

    def __init__(self, records: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.names: list[str] = []
        self.ids: list[str] = []
        self.word_keys: list[tuple[str, ...]] = []
        self.keys: list[str] = []
        self.exact: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        for record_id, names in records:
            for name in dict.fromkeys(n for n in names if n and n.strip()):
                words = tuple(keys(name))
                if not words:
                    continue
                entry = len(self.names)
                self.names.append(name)
                self.ids.append(record_id)
                self.word_keys.append(words)
                joined = " ".join(words)
                self.keys.append(joined)
                self.exact.setdefault(joined, []).append(entry)
                for word in dict.fromkeys(words):
                    self.by_word.setdefault(word, []).append(entry)
        self.vocabulary = sorted(self.by_word)

    def __len__(self) -> int:
        return len(self.names)

    def _similar_words(self, word: str) -> list[str]:
        if len(word) < 4:
            return [word] if word in self.by_word else []
        from rapidfuzz import fuzz, process

        return [found for found, _score, _index in process.extract(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_MATCH, limit=None)]

    def matches(self, name: str, limit: int = 10, whole: bool = False) -> list[Match]:
        """Records whose name or an alias is taken for `name`, best first, one per record
        (`whole`: word for word, see `score_keys`). An exact key wins over every spelling."""
        words = tuple(keys(name))
        if not words:
            return []
        exact = self.exact.get(" ".join(words))
        if exact:
            found = {self.ids[entry]: Match(self.ids[entry], self.names[entry], 100.0) for entry in exact}
            return sorted(found.values(), key=lambda m: m.name)[:limit]
        hits: dict[int, int] = {}
        alike: set[str] = set()
        for word in dict.fromkeys(words):
            entries: set[int] = set()
            for similar in self._similar_words(word):
                alike.add(similar)
                entries.update(self.by_word[similar])
            for entry in entries:
                hits[entry] = hits.get(entry, 0) + 1
        best: dict[str, Match] = {}
        for entry, count in hits.items():
            entry_words = self.word_keys[entry]
            if count < min(len(words), len(entry_words)) or whole and len(entry_words) != len(words):
                continue
            if abs(len(entry_words) - len(words)) > _MOST_WORDS_LEFT_OUT:
                continue  # too many words left out to reach NAME_MATCH (see score_keys)
            if len(words) < len(entry_words) and entry_words[0] not in alike and entry_words[-1] not in alike:
                continue  # a part of a longer name must be its first or last word (see score_keys)
            value = score_keys(words, entry_words, whole)
            if value >= NAME_MATCH:
                record = self.ids[entry]
                if record not in best or value > best[record].score:
                    best[record] = Match(record, self.names[entry], value)
        return sorted(best.values(), key=lambda m: (-m.score, m.name))[:limit]

    def find(self, name: str, whole: bool = False) -> Match | None:
        """The one record `name` means, or None when no record or several equally match."""
        found = self.matches(name, limit=2, whole=whole)
        if not found or (len(found) == 2 and found[1].score >= found[0].score):
            return None
        return found[0]

    def complete(self, typed: str, limit: int = 20) -> list[Match]:
        """Records a partly typed name may mean, best first, one per record: every typed word begins
        a word of a name or alias (in any script or spelling), else the fuzzy matches of `matches`."""
        words = tuple(dict.fromkeys(keys(typed)))
        if not words:
            return []
        chosen: set[int] | None = None
        for word in sorted(words, key=len, reverse=True):
            low = bisect_left(self.vocabulary, word)
            high = bisect_left(self.vocabulary, word + "\x7f", low)
            entries: set[int] = set()
            for found in self.vocabulary[low:high]:
                entries.update(self.by_word[found])
            chosen = entries if chosen is None else chosen & entries
            if not chosen:
                break
        if not chosen:
            return self.matches(typed, limit)

        def rank(entry: int) -> tuple[bool, int, str]:
            whole_words = all(word in self.word_keys[entry] for word in words)
            return not whole_words, len(self.keys[entry]), self.names[entry].casefold()

        best: dict[str, Match] = {}
        for entry in heapq.nsmallest(limit * 4, chosen, key=rank):
            record = self.ids[entry]
            if record not in best:
                best[record] = Match(record, self.names[entry], 100.0 - len(best))
        return list(best.values())[:limit]


# --- filter fields ----------------------------------------------------------------------------------

_SEPARATOR = "\x1f"  # between the parts of a row's haystack: no typed word holds it


def _plain(text: str) -> str:
    """What a filter's typed word is sought in as typed: lower case (accents and scripts aside is the
    key's part of the haystack)."""
    return text.casefold()


def haystack(text: str) -> str:
    """What a filter field searches in a row's text: the text folded, then its key."""
    return _plain(text) + _SEPARATOR + key(text)


def haystacks(texts: Sequence[str]) -> list[str]:
    """`haystack` of many one-line texts at once: each step runs once over all of them (in C),
    which at 100k event titles is several times faster than row by row."""
    if not texts:
        return []
    blob = "\n".join(texts)
    if blob.count("\n") != len(texts) - 1:  # a text of several lines: row by row
        return [haystack(text) for text in texts]
    lower = blob.casefold()
    folded = lower.split("\n")
    keyed = _skeleton(latin(lower)).split("\n")
    return [f + _SEPARATOR + k.strip() for f, k in zip(folded, keyed, strict=True)]


class TextFilter:
    """The words typed in a filter field: a row passes when every word appears in it, as typed (case
    and accents aside) or in any script and romanisation ('ОМОН' finds 'OMON', 'Лукашенко' finds
    'Lukashenka'). Rows are given as `haystack`s."""

    def __init__(self, text: str, phrase: bool = False) -> None:
        """`phrase`: the text is one piece to find, spaces and all (a menu's filter over short labels)."""
        pieces = [text.strip()] if phrase else text.split()
        self.words = [(_plain(piece), key(piece)) for piece in pieces if fold(piece)]

    def __bool__(self) -> bool:
        return bool(self.words)

    def split(self) -> list[TextFilter]:
        """One filter per typed word (a row passes all of them when it passes this one)."""
        parts = []
        for word in self.words:
            part = TextFilter("")
            part.words = [word]
            parts.append(part)
        return parts

    def passes(self, row: str) -> bool:
        return all(plain in row or (skeleton and skeleton in row) for plain, skeleton in self.words)

    def mask(self, rows: Sequence[str]) -> np.ndarray:
        """`passes` for each row, as an array of booleans."""
        import numpy as np

        if len(self.words) == 1:
            plain, skeleton = self.words[0]
            if not skeleton or skeleton == plain:
                found: Iterable[bool] = (plain in row for row in rows)
            else:
                found = (skeleton in row or plain in row for row in rows)
        else:
            found = (self.passes(row) for row in rows)
        return np.fromiter(found, dtype=bool, count=len(rows))
