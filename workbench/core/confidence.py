"""The words of evidence: event/relation confidence (ICD 203 flavoured) and Admiralty source grades."""

from __future__ import annotations

# Ordered from strongest to weakest; the schema's CHECK constraints list the same values.
CONFIDENCE_LEVELS: dict[str, str] = {
    "confirmed": "confirmed by independent sources",
    "reported": "reported by a source, not independently confirmed",
    "likely": "assessed as likely (probable)",
    "possible": "possible: the source says it may be so",
    "unverified": "an unverified report",
    "planned": "announced or planned, not yet happened",
}

# Admiralty (NATO AJP-2.1) source reliability.
RELIABILITY: dict[str, str] = {
    "A": "A - completely reliable",
    "B": "B - usually reliable",
    "C": "C - fairly reliable",
    "D": "D - not usually reliable",
    "E": "E - unreliable",
    "F": "F - reliability cannot be judged",
}

# Admiralty information credibility of one citation.
CREDIBILITY: dict[int, str] = {
    1: "1 - confirmed by other sources",
    2: "2 - probably true",
    3: "3 - possibly true",
    4: "4 - doubtful",
    5: "5 - improbable",
    6: "6 - truth cannot be judged",
}

# Analysis of Competing Hypotheses (Heuer; PARC ACH's scale): how consistent an item of evidence is with a
# hypothesis. Only the inconsistent ratings count against a hypothesis (core.ach).
ACH_RATINGS: dict[str, str] = {
    "CC": "very consistent",
    "C": "consistent",
    "N": "neutral",
    "I": "inconsistent",
    "II": "very inconsistent",
    "NA": "not applicable",
}

# An evidence row's credibility and relevance (PARC ACH: high, medium, low).
ACH_LEVELS: dict[str, str] = {"high": "high", "medium": "medium", "low": "low"}

TIME_PRECISIONS: dict[str, str] = {
    "minute": "to the minute",
    "hour": "to the hour",
    "day": "to the day",
    "approximate": "approximate (see bounds)",
}


def is_weak(confidence: str) -> bool:
    """Claims drawn hollow/dashed in the views: the report itself hedges them."""
    return confidence in ("possible", "unverified")
