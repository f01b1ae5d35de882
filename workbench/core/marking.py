"""Classification banners: the colour conventionally used for a marking (US CAPCO banner colours)."""

from __future__ import annotations

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
