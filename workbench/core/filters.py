"""The filters every view honours: which actor kinds, event kinds, how weak a claim or source may be.

A `CaseFilter` is plain data (no Qt): the shared selection model holds one, and each view asks
the core which of its records pass. The default filter lets everything through.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.confidence import CONFIDENCE_LEVELS, RELIABILITY


@dataclass(frozen=True)
class CaseFilter:
    actor_kinds: frozenset[str] | None = None  # None: every kind
    event_kinds: frozenset[str] | None = None
    confidence_floor: str = "planned"  # the weakest confidence still shown (CONFIDENCE_LEVELS order)
    reliability_floor: str = "F"  # the worst source grade still counted as support (A best .. F)
    text: str = ""
    tags: frozenset[str] | None = None  # None: tagged or not; else only items carrying one of these

    @property
    def is_empty(self) -> bool:
        return self == CaseFilter()

    def passes_confidence(self, confidence: str) -> bool:
        order = list(CONFIDENCE_LEVELS)
        if confidence not in order or self.confidence_floor not in order:
            return True
        return order.index(confidence) <= order.index(self.confidence_floor)

    def passes_reliability(self, grade: str) -> bool:
        order = list(RELIABILITY)
        if grade not in order or self.reliability_floor not in order:
            return True
        return order.index(grade) <= order.index(self.reliability_floor)
