"""The encoding of a text file from someone else: a byte-order mark, else UTF-16 by its zero bytes,
else UTF-8, else Windows-1251 or Windows-1252 (what Excel and Windows write for Cyrillic and for
Western European text), told apart by the shape of the words; the guess is named so the review shows it."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Byte-order marks, longest first (UTF-32's starts like UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (with byte-order mark)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (with byte-order mark)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (with byte-order mark)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (with byte-order mark)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (with byte-order mark)"),
)
NAMES = {"cp1252": "Windows-1252 (Western European)", "cp1251": "Windows-1251 (Cyrillic)",
         "utf-16-le": "UTF-16 little-endian (no byte-order mark)",
         "utf-16-be": "UTF-16 big-endian (no byte-order mark)", "latin-1": "ISO-8859-1 (Latin-1)"}
GUESSED = frozenset(NAMES)
SAMPLE_BYTES = 1 << 20
# A run of letters, as bytes: ASCII letters and every byte of the upper half (letters in both code pages).
WORD = re.compile(rb"[A-Za-z\x80-\xff]+")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the Python codec used
    name: str  # how the review names it: 'UTF-8', 'Windows-1251 (Cyrillic)'

    @property
    def guessed(self) -> bool:
        """Whether the encoding was guessed from the text (no byte-order mark, not UTF-8)."""
        return self.encoding in GUESSED


def decode(raw: bytes) -> Decoded:
    """`raw` as text, with the encoding it was read in; never raises."""
    for mark, codec, name in BOMS:
        if raw.startswith(mark):
            try:
                return Decoded(raw.decode(codec), codec, name)
            except UnicodeDecodeError:
                break  # a mark followed by something else: guess as for any file
    wide = _utf16_without_mark(raw[:SAMPLE_BYTES])
    if wide:
        try:
            return Decoded(raw.decode(wide), wide, NAMES[wide])
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", "UTF-8")
    except UnicodeDecodeError:
        pass
    codec = "cp1251" if _cyrillic(raw[:SAMPLE_BYTES]) else "cp1252"
    try:
        return Decoded(raw.decode(codec), codec, NAMES[codec])
    except UnicodeDecodeError:
        # Bytes the code page leaves undefined: Latin-1 reads any byte, so nothing is refused or lost.
        return Decoded(raw.decode("latin-1"), "latin-1", NAMES["latin-1"])


def _utf16_without_mark(sample: bytes) -> str | None:
    """UTF-16 without a mark: one byte of every pair is a control byte (0x00 beside ASCII, 0x04 beside
    Cyrillic, ...), all on the same side; text in UTF-8 or a code page has control bytes (tab and
    line ends aside) nowhere, or a stray one."""
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = _controls(sample[0::2]), _controls(sample[1::2])
    if odd >= 0.8 and even < 0.5:  # the other side: letters, and for Cyrillic its low bytes 0x10-0x1F
        return "utf-16-le"
    if even >= 0.8 and odd < 0.5:
        return "utf-16-be"
    return None


def _controls(part: bytes) -> float:
    """The share of control bytes other than tab, line feed, vertical tab, form feed and carriage return."""
    return sum(1 for byte in part if byte < 0x09 or 0x0E <= byte < 0x20) / len(part)


def _cyrillic(sample: bytes) -> bool:
    """Whether text that is not UTF-8 is Cyrillic (Windows-1251) rather than Western (Windows-1252).

    In Western European text the upper-half letters are accents within Latin words ('François',
    'août': one or two letters of a word); in Cyrillic text they are whole words ('Лукашенко').
    So: most words with an upper-half letter are mostly upper-half letters -> Cyrillic. (charset-
    normalizer, tried first, read a file holding 'François' alone as Windows-1251: too short for it.)
    """
    mostly, partly = 0, 0
    for word in WORD.findall(sample):
        high = sum(1 for byte in word if byte >= 0x80)
        if high:
            if 2 * high > len(word):
                mostly += 1
            else:
                partly += 1
    return mostly > partly
