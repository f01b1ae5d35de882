"""The errors every part of core raises for the analyst: each message is one sentence to show as it is."""

from __future__ import annotations


class CaseError(Exception):
    """Something about a case that the analyst must hear about, in one sentence."""
