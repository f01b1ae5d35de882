"""Classification markings: the levels and handling caveats a case may carry, how a marking is checked
and composed, and the colour conventionally used for its banner (US CAPCO banner colours)."""

from __future__ import annotations

import re

# Checked in this order: "TOP SECRET" before "SECRET", "UNCLASSIFIED" before "CLASSIFIED".
BANNER_COLOURS: tuple[tuple[str, str, str], ...] = (
    ("TOP SECRET", "#ff8c00", "#000000"),
    ("SECRET", "#c8102e", "#ffffff"),
    ("CONFIDENTIAL", "#0033a0", "#ffffff"),
    ("CUI", "#502b85", "#ffffff"),
    ("UNCLASSIFIED", "#007a33", "#ffffff"),
    ("OFFICIAL", "#007a33", "#ffffff"),
)
UNMARKED = ("#5a5a5a", "#ffffff")

# The levels a marking starts with: US, UK (Government Security Classifications), NATO, and the
# Traffic Light Protocol OSINT and CTI teams share by. The first is a new case's default.
LEVELS: tuple[str, ...] = (
    "UNCLASSIFIED", "CUI", "CONFIDENTIAL", "SECRET", "TOP SECRET",
    "OFFICIAL", "OFFICIAL-SENSITIVE",
    "NATO UNCLASSIFIED", "NATO RESTRICTED", "NATO CONFIDENTIAL", "NATO SECRET", "COSMIC TOP SECRET",
    "RESTRICTED",
    "TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED",
)
# Handling caveats offered beside the level; any other caveat can be typed on the free-text line.
CAVEAT_PRESETS: tuple[str, ...] = ("NOFORN", "FOUO", "ORCON", "PROPIN", "REL TO USA, FVEY", "UK EYES ONLY",
                                   "LIMDIS", "EXDIS")
MAX_MARKING = 200


def banner_text(classification: str) -> str:
    text = " ".join(classification.split()).upper()
    return text or "NO CLASSIFICATION MARKING SET"


def banner_colours(classification: str) -> tuple[str, str]:
    """(background, text) colours for a marking; grey when the marking is not recognised."""
    text = banner_text(classification)
    for word, background, foreground in BANNER_COLOURS:
        if text.startswith(word):
            return background, foreground
    return UNMARKED


def split_marking(marking: str) -> tuple[str, list[str]]:
    """'SECRET//NOFORN//REL TO USA, FVEY' -> ('SECRET', ['NOFORN', 'REL TO USA, FVEY'])."""
    parts = [" ".join(part.split()) for part in marking.split("//")]
    return parts[0].upper(), [part for part in parts[1:] if part]


def compose_marking(level: str, caveats: list[str]) -> str:
    """The marking as stored and shown on the banners: the level, then each caveat after '//'."""
    parts = [" ".join(level.split()).upper()]
    for caveat in caveats:
        for piece in caveat.split("//"):
            piece = " ".join(piece.split()).upper()
            if piece and piece not in parts[1:]:
                parts.append(piece)
    return "//".join(parts)


def marking_problem(marking: str) -> str | None:
    """Why `marking` cannot be a case's classification, in one sentence's words; None when it can."""
    level, caveats = split_marking(marking)
    if not level:
        return "a marking starts with its level, e.g. UNCLASSIFIED or SECRET"
    if level not in LEVELS:
        return (f"{level[:60]!r} is not a classification level; use one of {', '.join(LEVELS[:5])}, "
                f"{', '.join(LEVELS[5:7])}, the NATO levels or TLP:CLEAR to TLP:RED")
    if len(marking) > MAX_MARKING:
        return f"a marking is at most {MAX_MARKING} characters"
    for caveat in caveats:
        if not re.fullmatch(r"[A-Z0-9 ,.:/+()-]+", caveat.upper()):
            return f"the caveat {caveat[:40]!r} holds characters a marking does not use"
    return None
